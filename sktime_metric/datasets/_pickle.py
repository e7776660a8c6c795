"""Reading third-party pickles without running code from them.

``pickle.load`` calls whatever global a file names (``os.system`` included),
so the loaders that read pickled data shipped in other packages' wheels
(:func:`~sktime_metric.datasets.load_hapt`,
:func:`~sktime_metric.datasets.load_watch`: a pickle, and an object-dtype
``.npy`` file, whose payload is a pickle) resolve globals through
:class:`RestrictedUnpickler` instead: an explicit table of the few globals
each file needs (listed with ``pickletools.genops``), mapped to objects that
are safe to call with any arguments. Any other global raises
:class:`pickle.UnpicklingError` before anything from the file is called.
"""

import codecs
import io
import pickle

import numpy as np
from numpy.lib import format as npy_format

__all__ = ["RestrictedUnpickler", "NUMPY_GLOBALS", "restricted_load_npy",
           "restricted_loads"]


def _latin1_encode(text, encoding):
    """``_codecs.encode`` as protocol-2 pickles use it: bytes stored as latin-1 text.

    Python 2 and NumPy write a ``bytes`` object into a protocol-2 pickle as
    ``_codecs.encode(text, "latin1")``; any other codec (zlib, rot13, ...) is
    refused, so the table below does not hand out the whole codecs registry.
    """
    if encoding != "latin1" or not isinstance(text, str):
        raise pickle.UnpicklingError(
            f"_codecs.encode is only allowed as (str, 'latin1'); got "
            f"({type(text).__name__}, {encoding!r}).")
    return codecs.encode(text, "latin1")


# ndarray.__reduce__ names numpy's reconstructor under whichever module this
# numpy keeps it in (numpy.core before 2.0, numpy._core since), so the table
# maps the old pickles' `numpy.core.multiarray` path to the current function
# without importing the deprecated `numpy.core` shim.
_RECONSTRUCT = np.ndarray((0,)).__reduce__()[0]

#: The globals a pickled ndarray needs (object arrays included): numpy's
#: array reconstructor, ``ndarray``, ``dtype``, and the latin-1 bytes codec.
#: Calling any of them builds an array or a dtype and nothing else.
NUMPY_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals of an explicit table.

    Parameters
    ----------
    file : binary file object
    allowed : dict of (str, str) to object
        ``(module, name)`` exactly as the pickle spells it (protocol-2 files
        written by Python 2 say ``copy_reg`` and ``__builtin__``; no implicit
        renaming happens here) to the object to use in its place: the real
        one when calling it is harmless, otherwise a stand-in.
    source : str, default="pickle"
        Named in the error message.
    **kwargs
        Passed to :class:`pickle.Unpickler` (``encoding`` for Python 2
        ``str`` objects, default ``"ASCII"``).

    Raises
    ------
    pickle.UnpicklingError
        From :meth:`load`, naming the first global the table does not allow.
        Persistent ids are refused too (no ``persistent_load`` is defined).
    """

    def __init__(self, file, allowed, *, source="pickle", **kwargs):
        super().__init__(file, **kwargs)
        self._allowed = dict(allowed)
        self._source = source

    def find_class(self, module, name):
        try:
            return self._allowed[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"{self._source} needs the global {module}.{name}, which is not "
                "in this loader's table of allowed globals; refusing to load it "
                "rather than call code named by the file."
            ) from None


def restricted_loads(data, allowed, *, source="pickle", encoding="ASCII"):
    """Unpickle ``data`` (bytes) with :class:`RestrictedUnpickler`.

    Examples
    --------
    >>> import pickle, numpy as np
    >>> from sktime_metric.datasets._pickle import NUMPY_GLOBALS, restricted_loads
    >>> restricted_loads(pickle.dumps(np.arange(3), protocol=2), NUMPY_GLOBALS)
    array([0, 1, 2])
    >>> restricted_loads(pickle.dumps(print), NUMPY_GLOBALS)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: pickle needs the global builtins.print, ...
    """
    unpickler = RestrictedUnpickler(io.BytesIO(data), allowed, source=source,
                                    encoding=encoding)
    return unpickler.load()


def restricted_load_npy(path, allowed):
    """The object array of an object-dtype ``.npy`` file, through the table.

    ``numpy.load(allow_pickle=True)`` unpickles such a file's payload with no
    restriction; here the header is read with :mod:`numpy.lib.format` and the
    payload with :func:`restricted_loads`.

    Parameters
    ----------
    path : str or path-like
    allowed : dict of (str, str) to object
        As for :class:`RestrictedUnpickler`; :data:`NUMPY_GLOBALS` at least.

    Returns
    -------
    array : ndarray of dtype object

    Raises
    ------
    ValueError
        If the file is not a version 1.0 or 2.0 ``.npy`` file of dtype object.
    pickle.UnpicklingError
        If the payload names a global outside ``allowed``.
    """
    with open(path, "rb") as f:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = npy_format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = npy_format.read_array_header_2_0(f)
        else:
            raise ValueError(f"{path}: .npy version {version} is not read here.")
        if dtype != object:
            raise ValueError(f"{path}: dtype {dtype}, not an object array; read it "
                             "with numpy.load (no pickle involved).")
        array = restricted_loads(f.read(), allowed, source=str(path),
                                 encoding="latin1")
    if not isinstance(array, np.ndarray) or array.shape != shape:
        raise ValueError(f"{path}: the payload is not the header's {shape} array.")
    return array
