"""Writing an archive: :func:`save_weights`.

The estimator is copied with each skorch net replaced by a :class:`._Net`
record and each tensor by a :class:`._Tensor` record; skops writes the copy and
safetensors the tensors. What skops would not load back is refused before
anything is written, naming the parameter or attribute that holds it.
"""

import os
import zipfile

import numpy as np
import safetensors.torch
import skops.io
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet

from ..utils._sklearn_compat import HasMethods, validate_params
from .archive import (
    _ESTIMATOR,
    _FEATURE_VERSIONS,
    _FIRST_VERSION,
    _FORMAT,
    _WEIGHTS,
    _Net,
    _replaced,
    _requests_record,
    _Tensor,
)
from .trust import _estimator_classes, _name, _torch_classes, _untrusted


# path checked before the estimator is serialised: zipfile's AttributeError
# ("'NoneType' object has no attribute 'write'") came after all that work;
# estimator keeps its own check (an estimator of this package, fitted)
@validate_params(
    {"path": [str, bytes, os.PathLike, HasMethods(["write"])]},
    prefer_skip_nested_validation=True,
)
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
        are not. A :class:`torch.device` (``device=torch.device("cuda")``) is
        stored as its string, ``"cuda"``, which names the same device.
    path : str, bytes, path-like or file-like object
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
    >>> clf = RNNClassifier(hidden_size=4, lr=0.03, max_epochs=5,
    ...                     random_state=0).fit(X, y)
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
    tensors, features, parameters = {}, set(), {}

    def stand_in(obj, key):
        if isinstance(obj, BaseEstimator):  # which attributes are parameters
            parameters[key] = list(obj._get_param_names())
        if isinstance(obj, NeuralNet):
            return _net_record(obj, key, tensors)
        if isinstance(obj, torch.Tensor):
            tensors[key] = obj
            return _Tensor(key)
        if isinstance(obj, torch.device):
            # skops would store the torch class, which loading does not trust;
            # its string names the same device to torch and skorch (and
            # load_weights sets the device parameter anyway)
            return str(obj)
        requests = _requests_record(obj)  # set_fit_request(...) and the like
        if requests is not None:
            features.add("metadata requests")
            return requests
        if isinstance(obj, dict) and any(isinstance(k, (bool, np.bool_)) for k in obj):
            # skops writes a key as its text and reads "False" back as True
            raise TypeError(
                f"Cannot save {key!r}: a dict with bool keys ({obj!r}), which skops "
                "would not load back as it is (the key False becomes True). Use "
                "int or str keys, e.g. labels 0 / 1, or save with pickle/joblib."
            )
        return obj

    estimator = _replaced(estimator, "", stand_in)
    # the lowest version that holds what it holds: readers of that version and
    # later ones read it, earlier ones refuse it
    version = max([_FIRST_VERSION, *(_FEATURE_VERSIONS[f] for f in features)])
    record = {"format": _FORMAT, "format_version": version,
              "versions": _versions(), "estimator": estimator,
              "parameters": parameters}
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
    if isinstance(path, bytes):  # zipfile would take it for a file object
        path = os.fsdecode(path)
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

    from .. import __version__

    return {"sktime_metric": __version__, "torch": torch.__version__,
            "skorch": skorch.__version__, "sklearn": sklearn.__version__,
            "skops": skops.__version__, "safetensors": safetensors.__version__}
