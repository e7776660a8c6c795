"""Reading an archive: :func:`load_weights`.

The skops file is loaded with the trusted types only; each :class:`._Net` record
becomes a skorch net re-created from its arguments with the record's state dicts
loaded into it, on the device asked for, each :class:`._Tensor` record its
tensor, on the CPU (the estimator moves such an attribute to its net's device
when it uses it, so that the loaded model still pickles where there is no GPU).
A file that is not an archive of this format, or names anything outside the
allow-lists, raises a ``ValueError`` and nothing of it runs.
"""

import inspect
import os
import zipfile
import zlib

import safetensors.torch
import skops.io
import torch
from safetensors import SafetensorError
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.base import BaseEstimator
from skorch import NeuralNet

from .._device import _cpu_default_device
from .._seeding import _FIT_LOCK, _float32_default, _seeded_generators
from ..base import check_device
from ..utils._sklearn_compat import HasMethods, validate_params
from .archive import (
    _ESTIMATOR,
    _FORMAT,
    _FORMAT_VERSION,
    _WEIGHTS,
    _Net,
    _replaced,
    _restore_requests,
    _Tensor,
)
from .trust import _estimator_classes, _lookup, _Refused, _trusted_types


def _check_device(device, estimator):
    """The device string to load on: ``device``'s, or the saved estimator's."""
    if device is None:  # the device the estimator was saved with
        device = getattr(estimator, "device", "cpu")
    return check_device(device)


# device keeps check_device's own messages (a str, a torch.device, a CUDA
# that is there)
@validate_params(
    {"path": [str, bytes, os.PathLike, HasMethods(["read", "seek"])]},
    prefer_skip_nested_validation=True,
)
def load_weights(path, *, device="cpu"):
    """Load an estimator saved by :func:`save_weights`, without unpickling code.

    The estimator is read by :func:`skops.io.loads`, which re-creates only
    trusted types (this package's estimators and skops's defaults); the classes
    of each skorch net are looked up in an allow-list of this package's nets
    and torch modules; the weights are read by :func:`safetensors.torch.load`.

    Parameters
    ----------
    path : str, bytes, path-like or file-like object
        The archive written by :func:`save_weights`; a file object must be
        opened for binary reading, and seekable.
    device : str, torch.device or None, default="cpu"
        Where the weights go, e.g. ``"cpu"`` or ``"cuda:0"``; it also becomes,
        as a string, the ``device`` parameter of the loaded estimator, so a
        model trained on a GPU loads and predicts on a machine without one.
        None: the device the estimator was saved with.

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
    TypeError
        If ``device`` is not a str, a torch.device or None.

    Warns
    -----
    sklearn.exceptions.InconsistentVersionWarning
        If a scikit-learn estimator inside the archive (such as
        ``KISSMETransformer.pca_``) was saved with another scikit-learn
        version: scikit-learn's own warning, as unpickling it would give.

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
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = _archive_name(path)
    if isinstance(path, (str, os.PathLike)) and os.path.isdir(path):
        raise ValueError(f"{name} is a directory, not an archive written by "
                         "save_weights.")
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
            extra = sorted(set(members) - {_ESTIMATOR, _WEIGHTS})
            if extra or len(members) != 2:
                raise ValueError(
                    f"{name} is not an archive written by save_weights: besides "
                    f"{_ESTIMATOR} and {_WEIGHTS} it holds {extra or 'a duplicate'}."
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

    used = set()  # the weights the records read: any other is not ours

    def rebuild(obj, key):
        if isinstance(obj, _Net):
            used.update(k for k in tensors if k.startswith(
                (f"{obj.key}.module.", f"{obj.key}.criterion.")))
            return _rebuilt_net(obj, tensors, device)
        if isinstance(obj, _Tensor):
            used.add(obj.key)
            return tensors[obj.key]  # safetensors loads on the CPU; kept there
        if isinstance(obj, BaseEstimator):
            _check_parameters(obj, record.get("parameters", {}).get(key))
            if "device" in obj.get_params(deep=False):
                obj.device = device  # a fresh object of skops: changed in place
        return obj

    try:
        estimator = _replaced(record["estimator"], "", rebuild)
        _restore_requests(estimator)
        if set(tensors) - used:
            raise _Refused(f"is not an archive written by save_weights: its "
                           f"{_WEIGHTS} holds {sorted(set(tensors) - used)[:3]}, "
                           "which no part of the estimator reads.")
        return estimator
    except _Refused as exc:
        raise ValueError(f"{name} {exc}") from None
    except (KeyError, TypeError, AttributeError, RuntimeError, ValueError) as exc:
        raise ValueError(
            f"{name} is damaged or was not written by save_weights: its estimator "
            f"does not match its weights ({type(exc).__name__}: {exc})."
        ) from None


def _check_parameters(estimator, saved_names):
    """Fill in the parameters added since the archive was written; refuse one
    this version does not have.

    An archive written before a parameter existed has no value for it. Each
    class lists, in ``_PARAMETERS_ADDED``, the value of each added parameter
    that reproduces what the class did before it (for example
    ``CoupledGRUMetric(standardize=False)``: it read the channels as given).
    Any other missing parameter is refused with a message that says so.
    Likewise ``_ATTRIBUTES_ADDED`` maps a fitted attribute added with a
    parameter's "auto" to that parameter and the type ``fit`` stores
    (``TAGMClassifier.window_``: the frames used, ``window`` itself before
    "auto", an ``int``), which a fitted estimator of an archive without the
    attribute gets: the parameter's value as that type, since the parameter
    may be of another (``temperature=1`` where ``fit`` stores
    ``temperature_ = 1.0``, a numpy integer ``window``).

    An archive written by a version with a parameter this one does not have (a
    newer one, or one before a removal) would load with the value ignored and
    predict otherwise than it did: refused. ``saved_names`` are the parameter
    names of the class in the version that wrote the archive, which the
    archive records (None in archives of versions before that record, whose
    extra attributes are not checked). An attribute a user set on the
    estimator (``clf.note = "run 7"``) is not one of them, and loads as it is.
    """
    names = estimator._get_param_names()
    cls = type(estimator).__name__
    unknown = sorted(set(saved_names or ()) - set(names))
    if unknown:
        raise _Refused(
            f"was written by another version of sktime_metric: this "
            f"version's {cls} has no parameter {unknown[0]!r} and would "
            "load the model without it. Load it with a newer sktime_metric "
            "(or, for a parameter since removed, the version that wrote it)."
        )
    added = getattr(type(estimator), "_PARAMETERS_ADDED", {})
    for param in names:
        if param in vars(estimator):
            continue
        if param not in added:
            raise _Refused(
                f"was written by an earlier version, whose "
                f"{cls} had no parameter {param!r}, and "
                "this one cannot tell which value of it reproduces the saved "
                "model: load it with that version, or fit the model again."
            )
        setattr(estimator, param, added[param])
    # a fitted attribute that came with a parameter's "auto" (window_ of
    # window) is that parameter's value in an archive written before it; a
    # nested estimator given as a parameter may be unfitted: left so
    if any(k.endswith("_") and not k.startswith("__") for k in vars(estimator)):
        added = getattr(type(estimator), "_ATTRIBUTES_ADDED", {})
        for attr, (param, kind) in added.items():
            if attr not in vars(estimator):
                setattr(estimator, attr, kind(getattr(estimator, param)))


def _rebuilt_net(record, tensors, device):
    # save_weights writes the module's and the criterion's arguments only: any
    # other net argument (compile, predict_nonlinearity, ...) is not its own
    foreign = sorted(k for k in record.arguments
                     if not k.startswith(("module__", "criterion__")))
    if foreign:
        raise _Refused(f"is not an archive written by save_weights: its net "
                       f"{record.key!r} has the arguments {foreign}.")
    classes = {part: _lookup(getattr(record, part), torch.nn.Module, kind)
               for part, kind in (("module", "torch module"),
                                  ("criterion", "criterion"))}
    for part, cls in classes.items():
        # one a newer version's module takes: said, not left to a TypeError
        params = inspect.signature(cls).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            continue
        unknown = [k.removeprefix(f"{part}__") for k in record.arguments
                   if k.startswith(f"{part}__")
                   and k.removeprefix(f"{part}__") not in params]
        if unknown:
            raise _Refused(
                f"was written by another version of sktime_metric: this "
                f"version's {cls.__name__} takes no argument {unknown[0]!r} (the "
                f"{part} of the net {record.key!r}). Load it with a newer "
                "sktime_metric, or the version that wrote it."
            )
    net = _lookup(record.net_class, NeuralNet, "skorch net")(
        **classes,
        device=device,
        verbose=0,
        **record.arguments,
    )
    # the same initialisation as fit (shapes from the module arguments); its
    # random weights are overwritten below, the caller's generator is untouched
    # (skorch builds the module on the CPU, then moves it), in float32 as fit
    # built it, whatever the caller's default dtype and device
    with (_FIT_LOCK, _cpu_default_device(), _float32_default(),
          _seeded_generators("cpu", 0)):
        net.initialize()  # no fit in between: the lock
    for part in ("module", "criterion"):
        prefix = f"{record.key}.{part}."
        target = getattr(net, f"{part}_")
        state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        # load_state_dict checks names and shapes, and casts dtypes silently
        expected = target.state_dict()
        cast = sorted(k for k, v in state.items()
                      if k in expected and v.dtype != expected[k].dtype)
        if cast:
            raise _Refused(
                f"is damaged or was not written by save_weights: the weights "
                f"{cast[:3]} of its net {record.key!r} are "
                f"{state[cast[0]].dtype}, the module's are {expected[cast[0]].dtype}.")
        target.load_state_dict(state)
    net.history = record.history
    return net


def _archive_name(path):
    """How messages name the archive: its path, or the file object's name."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    name = getattr(path, "name", None) if not isinstance(path, (str, bytes)) else path
    return repr(str(name)) if name is not None else f"The archive {path!r}"
