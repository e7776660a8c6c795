"""Save and load fitted estimators without pickle: parameters, arrays and weights.

``pickle`` and ``joblib`` round-trip every estimator, but unpickling runs code
named by the file, so only load pickles you trust. :func:`save_weights` writes a
single zip archive that loads without unpickling anything:

- ``estimator.json``: the estimator's class (looked up in an allow-list of the
  estimators of this package, never imported by name), its ``get_params()``,
  the scalar fitted attributes, and for each skorch net the class names of its
  net, module and criterion (allow-listed too), their constructor arguments and
  its training history;
- ``arrays.npz``: the fitted numpy arrays, read with ``allow_pickle=False``;
- ``tensors.pt``: the state dicts of the torch modules (and any other tensor),
  read with ``torch.load(..., weights_only=True, map_location=device)``.

:func:`load_weights` rebuilds the estimator from its parameters, re-creates each
net with skorch's ``initialize()`` from the module arguments ``fit`` used (so
shapes match without training) and loads the state dicts into it: predictions
equal the saved estimator's exactly. The format keeps what prediction needs;
optimiser state is not kept, so a loaded net is not meant to resume training.
"""

import io
import json
import pickle
import zipfile
import zlib

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._archive import Reader, Writer, estimator_key

__all__ = ["load_weights", "save_weights"]

_FORMAT, _FORMAT_VERSION = "sktime_metric.weights", 1
_MANIFEST, _ARRAYS, _TENSORS = "estimator.json", "arrays.npz", "tensors.pt"


def save_weights(estimator, path):
    """Save a fitted estimator as parameters, arrays and weights, without pickle.

    The archive (a zip file) holds the estimator's class and ``get_params()``
    as JSON, its fitted numpy arrays as ``.npz`` and the state dicts of its
    torch modules as saved by :func:`torch.save`; see
    :mod:`sktime_metric.persistence`. Load it with :func:`load_weights`, on any
    device.

    Parameters
    ----------
    estimator : estimator of sktime_metric
        A fitted estimator of this package (pipelines are not supported: save
        their steps). Its parameters must be JSON-serialisable; ``callbacks``,
        a callable ``optimizer`` or a ``RandomState`` as ``random_state`` are not.
    path : str, path-like or file-like object
        Where to write the archive (conventionally ``*.zip``); an existing file
        is replaced. A file object must be opened for binary writing.

    Raises
    ------
    TypeError
        If ``estimator`` is not an estimator of sktime_metric, or a parameter or
        fitted attribute cannot be stored without pickle (the message names it).
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
    if estimator_key(type(estimator)) is None:
        raise TypeError(
            "save_weights saves the estimators of sktime_metric (their classes are "
            f"looked up by name when loading); got {type(estimator).__name__}. Save "
            "other objects, pipelines included, with pickle/joblib, or save each "
            "step of a pipeline."
        )
    check_is_fitted(estimator)
    writer = Writer()
    manifest = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "versions": _versions(),
        "estimator": writer.estimator(estimator, ""),
    }
    arrays, tensors = io.BytesIO(), io.BytesIO()
    np.savez(arrays, **writer.arrays)
    torch.save(writer.tensors, tensors)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest, indent=1))
        archive.writestr(_ARRAYS, arrays.getvalue())
        archive.writestr(_TENSORS, tensors.getvalue())


def _versions():
    import sklearn
    import skorch

    from . import __version__

    return {"sktime_metric": __version__, "torch": torch.__version__,
            "skorch": skorch.__version__, "sklearn": sklearn.__version__}


# -- loading -----------------------------------------------------------------


def _check_device(device, manifest):
    if device is None:  # the device the estimator was saved with
        device = manifest["estimator"]["params"].get("device", "cpu")
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

    The classes named in the archive are looked up in an allow-list of this
    package's estimators, skorch nets and torch modules; arrays are read with
    ``allow_pickle=False`` and tensors with ``torch.load(weights_only=True)``.

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
        If the archive was not written by :func:`save_weights` (or names a class
        outside the allow-list), or ``device`` asks for CUDA where there is none.

    See Also
    --------
    save_weights : Write the archive.

    Examples
    --------
    >>> import io
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
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(
            f"{name} is not an archive written by save_weights (not a zip file: "
            f"{exc})."
        ) from None
    with archive:
        members = archive.namelist()
        missing = [m for m in (_MANIFEST, _ARRAYS, _TENSORS) if m not in members]
        if missing:
            raise ValueError(
                f"{name} is not an archive written by save_weights, or is damaged: "
                f"it has no {', '.join(missing)}."
            )
        try:
            manifest = json.loads(archive.read(_MANIFEST))
        except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ValueError(
                f"{name} is damaged: its {_MANIFEST} is not readable JSON ({exc})."
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
            raise ValueError(f"{name} is not an archive written by save_weights.")
        if manifest.get("format_version", 0) > _FORMAT_VERSION:
            raise ValueError(
                f"{name} was written in format version {manifest['format_version']} "
                f"by a newer sktime_metric; this version reads up to {_FORMAT_VERSION}."
            )
        device = _check_device(device, manifest)
        try:
            with np.load(io.BytesIO(archive.read(_ARRAYS)), allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
        except (ValueError, OSError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ValueError(
                f"{name} is damaged: its {_ARRAYS} is not a plain numpy archive "
                f"({exc})."
            ) from None
        try:
            tensors = torch.load(io.BytesIO(archive.read(_TENSORS)), weights_only=True,
                                 map_location=device)
        except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError,
                zipfile.BadZipFile, zlib.error) as exc:
            # torch's own message suggests weights_only=False, i.e. running the
            # file's code: never, for a file that failed the weights-only reader
            raise ValueError(
                f"{name} is damaged: its {_TENSORS} is not a weights-only tensor "
                f"file ({type(exc).__name__}); nothing in it was executed."
            ) from None
    try:
        return Reader(arrays, tensors, device).estimator(manifest["estimator"])
    except (KeyError, IndexError, TypeError, AttributeError, RuntimeError,
            ValueError) as exc:
        raise ValueError(
            f"{name} is damaged or was not written by save_weights: its manifest "
            f"does not match its contents ({type(exc).__name__}: {exc})."
        ) from None


def _archive_name(path):
    """How messages name the archive: its path, or the file object's name."""
    name = getattr(path, "name", None) if not isinstance(path, (str, bytes)) else path
    return repr(str(name)) if name is not None else f"The archive {path!r}"
