"""The JSON-and-side-tables encoding behind :mod:`sktime_metric.persistence`.

A value becomes a JSON node: JSON scalars stay as they are; anything else is a
dict with a ``"type"``: containers, numpy arrays and torch tensors (stored by key
in side tables written as ``.npz`` and by ``torch.save``), skorch histories,
skorch nets (class names, module arguments, state dicts) and estimators (class,
parameters, fitted attributes). Every class is named by a key of an allow-list
and looked up there when loading, never imported.
"""

import functools
import json
import sys

import numpy as np
import torch
from skorch import NeuralNet
from skorch.history import History
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA

from .base import _FIT_LOCK

__all__ = ["Reader", "Writer", "estimator_key"]

_JSON_SCALARS = (type(None), bool, int, float, str)


# -- allow-lists -------------------------------------------------------------


@functools.cache
def _estimator_classes():
    """Public name -> class: the estimators of sktime_metric, and PCA (in KISSME)."""
    import sktime_metric

    classes = {
        f"sktime_metric.{name}": obj
        for name, obj in vars(sktime_metric).items()
        if name in sktime_metric.__all__
        and isinstance(obj, type) and issubclass(obj, BaseEstimator)
    }
    classes["sklearn.decomposition.PCA"] = PCA
    return classes


@functools.cache
def _torch_classes():
    """Qualified name -> class: our skorch nets, torch modules and losses.

    Gathered from modules already imported (``sktime_metric.nn``, the skorch
    nets of :mod:`~sktime_metric.utils._skorch.nets` and of the estimators'
    modules) and torch's built-in losses.
    """
    from . import nn
    from .utils._skorch import nets

    found = []
    for module in {nets} | {sys.modules[cls.__module__]
                            for cls in _estimator_classes().values()}:
        found += [obj for obj in vars(module).values()
                  if isinstance(obj, type) and issubclass(obj, NeuralNet)
                  and obj.__module__.startswith("sktime_metric.")]
    for module in [torch.nn.modules.loss] + [
        m for m in vars(nn).values()
        if type(m) is type(nn) and m.__name__.startswith(f"{nn.__name__}.")
    ]:
        found += [
            obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, torch.nn.Module)
            and obj.__module__ == module.__name__
        ]
    return {_qualified(cls): cls for cls in found if cls is not None}


def _qualified(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def estimator_key(cls):
    for key, allowed in _estimator_classes().items():
        if allowed is cls:
            return key
    return None


def _lookup(allowed, key, kind):
    if not isinstance(key, str) or key not in allowed:
        raise ValueError(
            f"The archive names the {kind} {key!r}, which is not one of "
            "sktime_metric's; it was not written by save_weights of this version."
        )
    return allowed[key]


# -- saving ------------------------------------------------------------------


class Writer:
    """Encodes values as JSON nodes; arrays and tensors go to side tables."""

    def __init__(self):
        self.arrays, self.tensors = {}, {}

    def param(self, value, where):
        """A JSON node for a hyper-parameter: JSON values, or an unfitted estimator."""
        if isinstance(value, _JSON_SCALARS):
            return value
        if isinstance(value, (np.bool_, np.integer, np.floating, np.str_)):
            return value.item()  # numpy scalars from a parameter grid
        if type(value) in (list, tuple):
            items = [self.param(v, f"{where}[{i}]") for i, v in enumerate(value)]
            return {"type": type(value).__name__, "items": items}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"type": "dict",
                    "items": {k: self.param(v, f"{where}[{k!r}]") for k, v in value.items()}}
        key = estimator_key(type(value))
        if key is not None:  # e.g. RoutineClusterer(metric=SiameseRNNEmbedder())
            return {"type": "estimator", "class": key,
                    "params": self.params(value, f"{where} ({type(value).__name__})")}
        raise TypeError(
            f"Cannot save without pickle: {where} is {value!r} of type "
            f"{type(value).__name__}, which is not JSON-serialisable. save_weights "
            "stores parameters as JSON: None, bool, int, float, str, lists, tuples "
            "and dicts of these, or an estimator of sktime_metric. Set it to such a "
            "value, or save the estimator with pickle/joblib."
        )

    def params(self, estimator, owner):
        return {
            name: self.param(value, f"parameter {name!r} of {owner}")
            for name, value in estimator.get_params(deep=False).items()
        }

    def estimator(self, estimator, path):
        owner = type(estimator).__name__
        params = estimator.get_params(deep=False)
        attributes = {
            name: self.attribute(value, f"{path}{name}", owner)
            for name, value in vars(estimator).items() if name not in params
        }
        return {"type": "estimator", "class": estimator_key(type(estimator)),
                "params": self.params(estimator, owner), "attributes": attributes}

    def attribute(self, value, path, owner):
        """A JSON node for a fitted attribute (``path`` names it in the archive)."""
        if isinstance(value, _JSON_SCALARS) and not isinstance(value, np.generic):
            return value  # (np.float64 is a float, kept as an array below)
        if isinstance(value, (np.ndarray, np.generic)):
            scalar, value = isinstance(value, np.generic), np.asarray(value)
            if value.dtype.hasobject:
                if not all(isinstance(v, str) for v in value.flat):
                    raise self._unsupported(value, path, owner, "an object array")
                return {"type": "str_array", "shape": list(value.shape),
                        "items": value.ravel().tolist()}
            self.arrays[path] = value
            return {"type": "array", "key": path, "scalar": scalar}
        if isinstance(value, torch.Tensor):
            self.tensors[path] = value.detach()
            return {"type": "tensor", "key": path}
        if isinstance(value, History):  # before lists: a History is a list
            return {"type": "history", "items": self.history(value, path, owner)}
        if type(value) in (list, tuple):
            items = [self.attribute(v, f"{path}.{i}", owner) for i, v in enumerate(value)]
            return {"type": type(value).__name__, "items": items}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"type": "dict", "items": {
                k: self.attribute(v, f"{path}.{k}", owner) for k, v in value.items()}}
        if isinstance(value, NeuralNet):
            return self.net(value, path, owner)
        if estimator_key(type(value)) is not None:
            return self.estimator(value, f"{path}.")
        raise self._unsupported(value, path, owner, f"a {type(value).__name__}")

    @staticmethod
    def _unsupported(value, path, owner, what):
        return TypeError(
            f"Cannot save {owner} without pickle: its fitted attribute {path!r} is "
            f"{what}, which save_weights cannot store as JSON, arrays or tensors. "
            "Save it with pickle/joblib instead."
        )

    def history(self, history, path, owner):
        def plain(obj):
            if isinstance(obj, np.generic):
                return obj.item()
            raise self._unsupported(obj, f"{path} (history)", owner,
                                    f"a {type(obj).__name__}")

        return json.loads(json.dumps(history.to_list(), default=plain))

    def net(self, net, path, owner):
        if not net.initialized_ or not isinstance(net.module, type):
            raise self._unsupported(net, path, owner, "a net without a module class")
        names = {}
        for role, cls in [("class", type(net)), ("module", net.module),
                          ("criterion", net.criterion)]:
            names[role] = _qualified(cls)
            if names[role] not in _torch_classes():
                raise self._unsupported(net, path, owner, f"a net whose {role} is "
                                        f"{names[role]}, not a class of sktime_metric")
        given = net.get_params(deep=False)

        def prefixed(prefix):
            where = f"{prefix} parameter {{!r}} of the net {path!r} of {owner}"
            return {k[len(prefix) + 2:]: self.param(v, where.format(k[len(prefix) + 2:]))
                    for k, v in given.items() if k.startswith(f"{prefix}__")}

        self.tensors[f"{path}.module"] = net.module_.state_dict()
        self.tensors[f"{path}.criterion"] = net.criterion_.state_dict()
        return {"type": "net", **names, "module_params": prefixed("module"),
                "criterion_params": prefixed("criterion"), "device": str(net.device),
                "key": path, "history": self.history(net.history, path, owner)}


# -- loading -----------------------------------------------------------------


class Reader:
    """Decodes the JSON nodes of :class:`Writer` against the loaded side tables."""

    def __init__(self, arrays, tensors, device):
        self.arrays, self.tensors, self.device = arrays, tensors, device

    def param(self, node):
        if not isinstance(node, dict):
            return node
        kind = node["type"]
        if kind in ("list", "tuple"):
            items = [self.param(v) for v in node["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {k: self.param(v) for k, v in node["items"].items()}
        if kind == "estimator":
            return self.estimator(node)
        raise ValueError(f"Unknown parameter node {kind!r} in the archive.")

    def estimator(self, node):
        cls = _lookup(_estimator_classes(), node["class"], "estimator")
        params = {k: self.param(v) for k, v in node["params"].items()}
        if "device" in params:
            params["device"] = self.device
        estimator = cls(**params)
        for name, value in node.get("attributes", {}).items():
            setattr(estimator, name, self.attribute(value))
        return estimator

    def attribute(self, node):
        if not isinstance(node, dict):
            return node
        kind = node["type"]
        if kind == "array":
            array = self.arrays[node["key"]]
            return array[()] if node["scalar"] else array
        if kind == "str_array":
            return np.array(node["items"], dtype=object).reshape(node["shape"])
        if kind == "tensor":
            return self.tensors[node["key"]]
        if kind in ("list", "tuple"):
            items = [self.attribute(v) for v in node["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {k: self.attribute(v) for k, v in node["items"].items()}
        if kind == "history":
            return History(node["items"])
        if kind == "net":
            return self.net(node)
        if kind == "estimator":
            return self.estimator(node)
        raise ValueError(f"Unknown attribute node {kind!r} in the archive.")

    def net(self, node):
        allowed = _torch_classes()
        net_class = _lookup(allowed, node["class"], "skorch net")
        module = _lookup(allowed, node["module"], "torch module")
        criterion = _lookup(allowed, node["criterion"], "criterion")
        if not (issubclass(net_class, NeuralNet) and issubclass(module, torch.nn.Module)
                and issubclass(criterion, torch.nn.Module)):
            raise ValueError(f"The archive's net {node['key']!r} names classes of the "
                             "wrong kinds (a skorch net, a module, a criterion).")
        net = net_class(
            module=module,
            criterion=criterion,
            device=self.device,
            verbose=0,
            **{f"module__{k}": self.param(v) for k, v in node["module_params"].items()},
            **{f"criterion__{k}": self.param(v)
               for k, v in node["criterion_params"].items()},
        )
        # the same initialisation as fit (shapes from the module arguments); its
        # random weights are overwritten below, the caller's generator is untouched
        with _FIT_LOCK, torch.random.fork_rng(devices=[]):  # no fit in between
            torch.manual_seed(0)
            net.initialize()
        net.module_.load_state_dict(self.tensors[f"{node['key']}.module"])
        net.criterion_.load_state_dict(self.tensors[f"{node['key']}.criterion"])
        net.history = History(node["history"])
        return net
