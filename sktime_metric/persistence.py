"""Save and load fitted estimators without pickle: skops, and safetensors for weights.

``pickle`` and ``joblib`` round-trip every estimator, but unpickling runs code
named by the file, so only load pickles you trust. :func:`save_weights` writes a
zip archive of two files, each read by a library that loads data, not code:

- ``estimator.skops``: the estimator with its parameters and fitted attributes,
  written by :func:`skops.io.dumps`. :func:`skops.io.loads` re-creates only the
  types on a trusted list (here: the estimators of this package, skops's
  defaults such as scikit-learn's estimators and numpy arrays, skorch's
  ``History`` and the two records below) and refuses a file that names another;
- ``weights.safetensors``: every torch tensor, written by
  :func:`safetensors.torch.save`, a format that can only hold tensors.

What skops does not store, and why: a skorch net. Trusting its class would let a
crafted file reach ``NeuralNet.__setstate__``, which unpickles bytes of the file
with ``torch.load`` arguments read from the file too; and a torch module's
tensors are pickles to skops. So each net is replaced, in what skops writes, by
a ``_Net`` record: the names of its net, module and loss classes (looked up in
an allow-list when loading, never imported by name), the ``module__*`` and
``criterion__*`` arguments ``fit`` built it with, and its training history; its
state dicts go to the weights file. A tensor attribute becomes a ``_Tensor``
record naming its entry there.

:func:`load_weights` loads the skops file with the trusted list, re-creates each
net with skorch's ``initialize()`` from the saved arguments (so the shapes match
without training) and loads the state dicts into it: predictions equal the saved
estimator's exactly. The format keeps what prediction needs; optimiser state is
not kept, so a loaded net is not meant to resume training.
"""

import copy
import dataclasses
import functools
import sys
import types
import zipfile
import zlib

import safetensors.torch
import skops.io
import torch
from safetensors import SafetensorError
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from .base import _FIT_LOCK

__all__ = ["load_weights", "save_weights"]

_FORMAT, _FORMAT_VERSION = "sktime_metric.weights", 2
_ESTIMATOR, _WEIGHTS = "estimator.skops", "weights.safetensors"


@dataclasses.dataclass
class _Net:
    """What skops stores in place of a fitted skorch net (see the module docstring)."""

    key: str  # where the net sits in the estimator, e.g. "metric_learner_.net_"
    net_class: str  # qualified class names, looked up in _torch_classes()
    module: str
    criterion: str
    arguments: dict  # its module__* and criterion__* parameters
    history: History


@dataclasses.dataclass
class _Tensor:
    """What skops stores in place of a tensor attribute: its key in the weights."""

    key: str


# -- allow-lists -------------------------------------------------------------


@functools.cache
def _estimator_classes():
    """The public estimators of sktime_metric: what save_weights saves."""
    import sktime_metric

    return tuple(
        obj for name, obj in vars(sktime_metric).items()
        if name in sktime_metric.__all__
        and isinstance(obj, type) and issubclass(obj, BaseEstimator)
    )


@functools.cache
def _trusted_types():
    """What skops may re-create, beyond its defaults (scikit-learn's PCA, numpy)."""
    return [*_estimator_classes(), History, _Net, _Tensor]


def _name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


@functools.cache
def _torch_classes():
    """Qualified name -> class: our skorch nets, torch modules and losses.

    Those defined in :mod:`sktime_metric.nn`, in the skorch nets of
    ``utils._skorch.nets`` and of the estimators' modules, and torch's losses.
    """
    from . import nn
    from .utils._skorch import nets

    modules = {nets, torch.nn.modules.loss,
               *(sys.modules[cls.__module__] for cls in _estimator_classes()),
               *(m for m in vars(nn).values() if isinstance(m, types.ModuleType)
                 and m.__name__.startswith(f"{nn.__name__}."))}
    return {
        _name(obj): obj
        for module in modules for obj in vars(module).values()
        if isinstance(obj, type) and obj.__module__ == module.__name__
        and issubclass(obj, (NeuralNet, torch.nn.Module))
    }


class _Refused(ValueError):
    """A class name of the archive outside the allow-list."""


def _lookup(name, base, kind):
    cls = _torch_classes().get(name) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise _Refused(f"names the {kind} {name!r}, which is not one of "
                       "sktime_metric's; it was not written by save_weights of this "
                       "version, and nothing was loaded.")
    return cls


# -- walking an estimator ----------------------------------------------------


def _replaced(value, key, replace):
    """``value`` with ``replace(obj, key)`` applied to it and to everything below.

    Goes through estimators (their ``__dict__``), lists, tuples and dicts; each
    estimator is copied, so the caller's is left alone. ``key`` says where an
    object sits: ``"net_"``, ``"metric_learner_.net_"``.
    """
    new = replace(value, key)
    if new is not value:
        return new
    prefix = f"{key}." if key else ""
    if isinstance(value, BaseEstimator):
        out = copy.copy(value)
        out.__dict__.update({name: _replaced(v, prefix + name, replace)
                             for name, v in vars(value).items()})
        return out
    if type(value) in (list, tuple):
        return type(value)(_replaced(v, f"{prefix}{i}", replace)
                           for i, v in enumerate(value))
    if type(value) is dict:
        return {k: _replaced(v, f"{prefix}{k}", replace) for k, v in value.items()}
    return value


# -- saving ------------------------------------------------------------------


def save_weights(estimator, path):
    """Save a fitted estimator with skops, and its weights with safetensors.

    The archive (a zip file) holds the estimator written by
    :func:`skops.io.dumps`, its skorch nets replaced by the arguments that
    re-create them, and every torch tensor in a ``safetensors`` file; see
    :mod:`sktime_metric.persistence`. Load it with :func:`load_weights`, on any
    device.

    Parameters
    ----------
    estimator : estimator of sktime_metric
        A fitted estimator of this package (pipelines are not supported: save
        their steps). Its parameters and fitted attributes must be of types
        that skops loads without being told to trust them (numbers, strings,
        containers, numpy arrays and random states, scikit-learn estimators),
        or estimators of sktime_metric; ``callbacks`` or an ``optimizer`` class
        are not.
    path : str, path-like or file-like object
        Where to write the archive (conventionally ``*.zip``); an existing file
        is replaced. A file object must be opened for binary writing.

    Raises
    ------
    TypeError
        If ``estimator`` is not an estimator of sktime_metric, or a parameter or
        fitted attribute holds a type :func:`load_weights` would not load (the
        message names it).
    sklearn.exceptions.NotFittedError
        If ``estimator`` is not fitted.

    See Also
    --------
    load_weights : Rebuild the estimator from the archive.

    Examples
    --------
    >>> import os, tempfile
    >>> from sktime_metric import RNNClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.persistence import load_weights, save_weights
    >>> X, y = make_sequence_classification(n_samples=20, random_state=0)
    >>> clf = RNNClassifier(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_weights(clf, os.path.join(tmp, "rnn.zip"))
    ...     restored = load_weights(os.path.join(tmp, "rnn.zip"))
    >>> bool((restored.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    if type(estimator) not in _estimator_classes():
        raise TypeError(
            "save_weights saves the estimators of sktime_metric (the classes it "
            f"trusts when loading); got {type(estimator).__name__}. Save other "
            "objects, pipelines included, with pickle/joblib, or save each step of "
            "a pipeline."
        )
    check_is_fitted(estimator)
    tensors = {}

    def stand_in(obj, key):
        if isinstance(obj, NeuralNet):
            return _net_record(obj, key, tensors)
        if isinstance(obj, torch.Tensor):
            tensors[key] = obj
            return _Tensor(key)
        return obj

    estimator = _replaced(estimator, "", stand_in)
    record = {"format": _FORMAT, "format_version": _FORMAT_VERSION,
              "versions": _versions(), "estimator": estimator}
    try:
        blob = skops.io.dumps(record)
    except TypeError as exc:  # a type skops cannot store at all
        raise _refusal(estimator) from exc
    if _untrusted(blob):
        raise _refusal(estimator)
    # safetensors stores contiguous tensors that share no memory (tied weights,
    # views of one flat buffer are refused): each is copied so, to the CPU
    weights = {k: v.detach().to("cpu", memory_format=torch.contiguous_format,
                                copy=True) for k, v in tensors.items()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_ESTIMATOR, blob)
        archive.writestr(_WEIGHTS, safetensors.torch.save(weights))


def _net_record(net, key, tensors):
    classes = {"net": type(net), "module": net.module, "criterion": net.criterion}
    for role, cls in classes.items():
        if not (net.initialized_ and isinstance(cls, type)
                and _torch_classes().get(_name(cls)) is cls):
            raise TypeError(
                f"Cannot save without pickle: the skorch net {key!r} has the {role} "
                f"{cls!r}, not a class of sktime_metric (or is not initialised). "
                "Save it with pickle/joblib instead."
            )
    for part in ("module", "criterion"):
        tensors.update({f"{key}.{part}.{name}": value for name, value
                        in getattr(net, f"{part}_").state_dict().items()})
    arguments = {k: v for k, v in net.get_params(deep=False).items()
                 if k.startswith(("module__", "criterion__"))}
    return _Net(key, *(_name(cls) for cls in classes.values()), arguments,
                net.history)


def _untrusted(blob):
    """The types in a skops file that load_weights would refuse."""
    trusted = {_name(t) for t in _trusted_types()}
    return set(skops.io.get_untrusted_types(data=blob)) - trusted


def _refusal(estimator):
    """A TypeError naming the parameter or attribute that cannot be saved."""
    owner, params = type(estimator).__name__, estimator.get_params(deep=False)
    for name, value in vars(estimator).items():
        try:
            problem = _untrusted(skops.io.dumps(value))
        except TypeError as exc:
            problem = [f"something skops cannot store ({exc})"]
        if problem:
            kind = "parameter" if name in params else "fitted attribute"
            return TypeError(
                f"Cannot save without pickle: {kind} {name!r} of {owner} holds "
                f"{', '.join(sorted(problem))}, which load_weights does not trust. "
                "save_weights stores numbers, strings, containers, numpy arrays, "
                "scikit-learn and sktime_metric estimators. Set it to such a "
                "value, or save the estimator with pickle/joblib."
            )
    return TypeError(f"Cannot save {owner} without pickle: skops cannot store it.")


def _versions():
    import sklearn
    import skorch

    from . import __version__

    return {"sktime_metric": __version__, "torch": torch.__version__,
            "skorch": skorch.__version__, "sklearn": sklearn.__version__,
            "skops": skops.__version__, "safetensors": safetensors.__version__}


# -- loading -----------------------------------------------------------------


def _check_device(device, estimator):
    if device is None:  # the device the estimator was saved with
        device = getattr(estimator, "device", "cpu")
    if not isinstance(device, str):
        raise TypeError(f"device must be a str such as 'cpu' or 'cuda'; got {device!r}.")
    try:
        parsed = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"device={device!r} is not a torch device: {exc}") from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r}, but CUDA is not available here; load the weights "
            "on the CPU with device='cpu'."
        )
    return device


def load_weights(path, *, device="cpu"):
    """Load an estimator saved by :func:`save_weights`, without unpickling code.

    The estimator is read by :func:`skops.io.loads`, which re-creates only
    trusted types (this package's estimators and skops's defaults); the classes
    of each skorch net are looked up in an allow-list of this package's nets
    and torch modules; the weights are read by :func:`safetensors.torch.load`.

    Parameters
    ----------
    path : str, path-like or file-like object
        The archive written by :func:`save_weights`.
    device : str or None, default="cpu"
        Where the weights go, e.g. ``"cpu"`` or ``"cuda:0"``; it also becomes
        the ``device`` parameter of the loaded estimator, so a model trained on
        a GPU loads and predicts on a machine without one. None: the device the
        estimator was saved with.

    Returns
    -------
    estimator : estimator of sktime_metric
        Fitted, with the saved parameters (``device`` aside) and fitted
        attributes; its predictions equal those of the saved estimator. Each
        skorch net keeps its training history, not its optimiser state.

    Raises
    ------
    ValueError
        If the archive was not written by :func:`save_weights`, is damaged or
        names a type outside the trusted lists, or ``device`` asks for CUDA
        where there is none.

    See Also
    --------
    save_weights : Write the archive.

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from sktime_metric import KISSMETransformer
    >>> from sktime_metric.persistence import load_weights, save_weights
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(30, 4)), np.repeat([0, 1, 2], 10)
    >>> kissme = KISSMETransformer().fit(X, y)
    >>> buffer = io.BytesIO()
    >>> save_weights(kissme, buffer)
    >>> restored = load_weights(buffer)
    >>> bool((restored.transform(X) == kissme.transform(X)).all())
    True
    """
    name = _archive_name(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            if "estimator.json" in members:  # the JSON, .npz and torch.save format 1
                raise ValueError(f"{name} was written in format version 1 by an "
                                 "earlier sktime_metric: load it with that version "
                                 "and save it again.")
            missing = [m for m in (_ESTIMATOR, _WEIGHTS) if m not in members]
            if missing:
                raise ValueError(
                    f"{name} is not an archive written by save_weights, or is "
                    f"damaged: it has no {', '.join(missing)}."
                )
            blob, weights = archive.read(_ESTIMATOR), archive.read(_WEIGHTS)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{name} is not an archive written by save_weights (not "
                         f"a zip file, or a damaged one: {exc}).") from None
    try:
        record = skops.io.loads(blob, trusted=_trusted_types())
    except UntrustedTypesFoundException as exc:
        raise ValueError(
            f"{name} names types that are not sktime_metric's or trusted by skops "
            f"({exc}); it was not written by save_weights, and nothing was loaded."
        ) from None
    except Exception as exc:  # noqa: BLE001 (skops raises what its parser meets)
        raise ValueError(f"{name} is damaged: its {_ESTIMATOR} is not a readable "
                         f"skops file ({type(exc).__name__}: {exc}).") from None
    if not (isinstance(record, dict) and record.get("format") == _FORMAT
            and isinstance(record.get("format_version"), int)
            and isinstance(record.get("estimator"), _estimator_classes())):
        raise ValueError(f"{name} is not an archive written by save_weights.")
    if record["format_version"] > _FORMAT_VERSION:
        raise ValueError(
            f"{name} was written in format version {record['format_version']} by a "
            f"newer sktime_metric; this version reads up to {_FORMAT_VERSION}."
        )
    device = _check_device(device, record["estimator"])
    try:
        tensors = safetensors.torch.load(weights)
    except SafetensorError as exc:
        raise ValueError(f"{name} is damaged: its {_WEIGHTS} is not a safetensors "
                         f"file ({exc}); nothing in it was executed.") from None

    def rebuild(obj, key):
        if isinstance(obj, _Net):
            return _rebuilt_net(obj, tensors, device)
        if isinstance(obj, _Tensor):
            return tensors[obj.key].to(device)
        if isinstance(obj, BaseEstimator) and "device" in obj.get_params(deep=False):
            obj.device = device  # a fresh object of skops: changed in place
        return obj

    try:
        return _replaced(record["estimator"], "", rebuild)
    except _Refused as exc:
        raise ValueError(f"{name} {exc}") from None
    except (KeyError, TypeError, AttributeError, RuntimeError, ValueError) as exc:
        raise ValueError(
            f"{name} is damaged or was not written by save_weights: its estimator "
            f"does not match its weights ({type(exc).__name__}: {exc})."
        ) from None


def _rebuilt_net(record, tensors, device):
    net = _lookup(record.net_class, NeuralNet, "skorch net")(
        module=_lookup(record.module, torch.nn.Module, "torch module"),
        criterion=_lookup(record.criterion, torch.nn.Module, "criterion"),
        device=device,
        verbose=0,
        **record.arguments,
    )
    # the same initialisation as fit (shapes from the module arguments); its
    # random weights are overwritten below, the caller's generator is untouched
    with _FIT_LOCK, torch.random.fork_rng(devices=[]):  # no fit in between
        torch.manual_seed(0)
        net.initialize()
    for part in ("module", "criterion"):
        prefix = f"{record.key}.{part}."
        getattr(net, f"{part}_").load_state_dict(
            {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)})
    net.history = record.history
    return net


def _archive_name(path):
    """How messages name the archive: its path, or the file object's name."""
    name = getattr(path, "name", None) if not isinstance(path, (str, bytes)) else path
    return repr(str(name)) if name is not None else f"The archive {path!r}"
