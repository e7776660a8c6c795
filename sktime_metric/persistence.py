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

# The implementation is in sktime_metric._persistence, by concept; the records
# are exposed here because every archive names them by this module.
from ._persistence.archive import _Net, _Tensor  # noqa: F401
from ._persistence.load import load_weights
from ._persistence.save import save_weights

__all__ = ["load_weights", "save_weights"]
