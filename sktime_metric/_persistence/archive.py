"""The archive's layout, and the records that stand in for nets and tensors.

A ``save_weights`` archive is a zip file of two members: the estimator as a
skops file (:data:`_ESTIMATOR`) and its tensors as a safetensors file
(:data:`_WEIGHTS`). In the skops file, each fitted skorch net is a :class:`_Net`
record and each tensor attribute a :class:`_Tensor` record; :func:`_replaced`
walks an estimator to put the records in (saving) or to take them out (loading).
"""

import copy
import dataclasses

from sklearn import config_context
from sklearn.base import BaseEstimator
# scikit-learn's request record, through the public module that re-exports it
from sklearn.utils.metadata_routing import MetadataRequest
from skorch.history import History

_FORMAT = "sktime_metric.weights"
# Versions of the format. An archive says the lowest version that holds what it
# holds, so that a reader of an earlier version refuses, with its "newer
# sktime_metric" error, the archives it would misread, and reads the others:
#   2  the skops and safetensors members (format 1: JSON, .npz and torch.save);
#   3  metadata requests (:func:`_requests_record`). A reader of version 2 loads
#      the plain dict as the estimator's ``_metadata_request`` without a word,
#      and scikit-learn then routes nothing to it: the requests and the class's
#      defaults are gone, and fitting with metadata fails far from the cause.
# A reader ignores keys of the record it does not know (``versions``): what a
# reader must not ignore takes a new version, and its feature an entry below.
_FIRST_VERSION = 2  # what an archive holding none of the features says
_FEATURE_VERSIONS = {"metadata requests": 3}
_FORMAT_VERSION = max(_FIRST_VERSION, *_FEATURE_VERSIONS.values())  # the newest read
_ESTIMATOR, _WEIGHTS = "estimator.skops", "weights.safetensors"


@dataclasses.dataclass
class _Net:
    """What skops stores in place of a fitted skorch net.

    See the docstring of :mod:`sktime_metric.persistence`.
    """

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


def _requests_record(value):
    """A plain dict of the metadata requests ``value`` holds, or None.

    ``set_fit_request(sample_weight=True)`` and the like store a
    ``MetadataRequest`` on the estimator. skops trusts no such object, and
    since scikit-learn 1.9 each of its method requests points back to the
    estimator, a cycle skops does not follow (a ``RecursionError``). What it
    holds is data: per method, each parameter's request (True, False, None
    or an alias), saved as ``{method: {parameter: request}}`` and set back by
    :func:`_restore_requests`.
    """
    if not isinstance(value, MetadataRequest):
        return None
    return {method: dict(request.requests)
            for method, request in vars(value).items()
            if hasattr(request, "requests") and request.requests}


def _restore_requests(value):
    """Set back, in place, the requests :func:`_requests_record` saved, on
    ``value`` and every estimator below it (a fresh load, not the caller's)."""
    if isinstance(value, BaseEstimator):
        saved = vars(value).get("_metadata_request")
        if isinstance(saved, dict):
            del value._metadata_request  # the class's defaults, then the saved
            with config_context(enable_metadata_routing=True):
                for method, requests in saved.items():
                    getattr(value, f"set_{method}_request")(**requests)
        children = vars(value).values()
    elif type(value) in (list, tuple):
        children = value
    elif type(value) is dict:
        children = value.values()
    else:
        return
    for child in children:
        _restore_requests(child)


# Archives name the records by the public module, which exposes them: skops
# re-creates a record from that path, so it stays what every archive holds.
_Net.__module__ = _Tensor.__module__ = "sktime_metric.persistence"


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
