"""The allow-lists: the types a skops file, and the classes a net record, may name.

Loading never imports a class by the name a file gives: skops re-creates only
:func:`_trusted_types` (beyond its defaults), and a net record's net, module and
loss classes are looked up in :func:`_torch_classes`, the classes of this
package and torch's losses.
"""

import functools
import sys
import types

import skops.io
import torch
from sklearn.base import BaseEstimator
from skorch import NeuralNet
from skorch.history import History

from .archive import _Net, _Tensor


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


#: Nets of earlier versions that moved, by their old name -> their name in
#: ``utils._skorch.nets``: the same class, so an archive naming the old one
#: loads (MatchingNetworkClassifier's, moved by 3ccd8e3 with no change).
_MOVED_NETS = {
    "sktime_metric.classification._matching._EpisodicNet": "EpisodicNet",
}


@functools.cache
def _torch_classes():
    """Qualified name -> class: our skorch nets, torch modules and losses.

    Those defined in :mod:`sktime_metric.nn`, in the skorch nets of
    ``utils._skorch.nets`` and of the estimators' modules, and torch's losses.
    """
    from .. import nn
    from ..utils._skorch import nets

    modules = {nets, torch.nn.modules.loss,
               *(sys.modules[cls.__module__] for cls in _estimator_classes()),
               *(m for m in vars(nn).values() if isinstance(m, types.ModuleType)
                 and m.__name__.startswith(f"{nn.__name__}."))}
    return {
        **{
            _name(obj): obj
            for module in modules for obj in vars(module).values()
            if isinstance(obj, type) and obj.__module__ == module.__name__
            and issubclass(obj, (NeuralNet, torch.nn.Module))
        },
        **{old: getattr(nets, new) for old, new in _MOVED_NETS.items()},
    }


class _Refused(ValueError):
    """What the archive holds and this version refuses to rebuild (a class name
    outside the allow-list, a parameter it cannot fill); the message follows
    the archive's name."""


def _lookup(name, base, kind):
    cls = _torch_classes().get(name) if isinstance(name, str) else None
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise _Refused(f"names the {kind} {name!r}, which is not one of "
                       "sktime_metric's; it was not written by save_weights of this "
                       "version, and nothing was loaded.")
    return cls


def _untrusted(blob):
    """The types in a skops file that load_weights would refuse."""
    trusted = {_name(t) for t in _trusted_types()}
    return set(skops.io.get_untrusted_types(data=blob)) - trusted
