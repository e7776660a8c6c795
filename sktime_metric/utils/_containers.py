"""Reading the containers users bring into one NaN-padded ``(n, T, d)`` array.

The data contract itself (lengths, NaN checks, the float32 copy torch sees)
is :mod:`~sktime_metric.utils.validation`'s; this module only gets the data
there: numpy arrays of numbers or objects, lists of series, torch tensors,
pandas (nested frames, Series of series, Arrow and nullable dtypes), polars
and pyarrow (nested lists too), xarray. Errors name the sample, time step or
cell at fault. Where a container looks like another library's layout, the
warning is :mod:`~sktime_metric.utils._layout`'s; the containers refused
rather than read (a polars query, structs) are
:mod:`~sktime_metric.utils._unread`'s.
"""


import numpy as np
import scipy.sparse

from ._labels import _is_missing
from ._time import refuse_time_columns, refuse_time_values
from ._unread import refuse_unread

__all__ = ["to_sequence_dataset"]


def _series_as_array(x, name, i):
    """Sample ``i`` of a list ``name`` as :func:`_as_numeric_array` reads it,
    a table's columns of dates, times or durations named first ("X's sample
    1: X[1]['gap'] holds durations"): polars reads them as counts of their
    unit, pandas as objects whose conversion names no column.
    """
    where, code = f"{name}'s sample {i}", f"{name}[{i}]"
    refuse_time_columns(x, code, prefix=f"{where}: ")
    try:
        return _as_numeric_array(x, where=where, code=name)
    except (TypeError, ValueError):
        refuse_time_columns(x, code, prefix=f"{where}: ", objects=True)
        raise


def _as_numeric_array(x, *, where, whole=False, code=None):
    """One series (or a whole dataset) as a float64 array, with clear dtype errors.

    ``where`` is what the messages call ``x`` ("X", "Y's sample 3",
    "item_features"); ``whole``: ``x`` is a whole dataset, whose axes the
    messages name sample, time step and channel (a series': time step and
    channel). ``code``: the argument as the hints' code writes it (``Y /
    pd.Timedelta('1D')``); None: ``where`` for a whole dataset, else "X".

    A torch tensor is detached and read on the CPU (bfloat16, which numpy
    lacks, as float32); pandas' ``NA`` (a nullable ``Float64`` / ``Int64`` /
    ``boolean`` frame gives an object array of them) is NaN, as scikit-learn's
    ``check_array`` reads it; so are the masked values of a numpy masked array
    (``np.asarray`` would keep the values under the mask as observations).
    Durations (``timedelta64``, which numpy counts as numbers) are refused.
    """
    if code is None:
        code = where if whole else "X"
    mask = None
    if isinstance(x, np.ma.MaskedArray):  # its data pass the checks below
        x, mask = np.ma.getdata(x), np.ma.getmaskarray(x)
    if hasattr(x, "detach") and hasattr(x, "cpu") and hasattr(x, "numpy"):
        if getattr(x, "is_nested", False):  # torch raises a RuntimeError
            raise TypeError(
                f"{where} is a nested torch tensor: pass its series as a list, "
                f"list({code}.unbind())."
            )
        x = x.detach().cpu()
        if getattr(x, "is_complex", bool)():  # complex32: no numpy dtype
            raise ValueError(f"Complex data not supported: {where} is complex.")
        if x.dtype.is_floating_point and x.element_size() < 4:
            x = x.float()  # float16 / bfloat16: exact in float32
        x = x.numpy()
    arr = _steps_as_array(x, where)
    if arr.dtype == object and arr.ndim == 1 and any(
        isinstance(step, (np.ndarray, list, tuple)) for step in arr
    ):
        # a series as an object array of its time steps, each a row of
        # channels: what numpy makes of polars' and pyarrow's nested lists.
        # Read as the list of steps it holds, as a list of lists is read.
        arr = _steps_as_array(arr.tolist(), where)
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as exc:
            # np.asarray: on a 0-d array (a dict, a generator, any lone
            # object) the ufunc returns a bare bool, not an array
            na = np.asarray(np.frompyfunc(_is_missing, 1, 1)(arr), dtype=bool)
            converted, error = None, exc
            if na.any():
                try:
                    converted = np.where(na, np.nan, arr).astype(np.float64)
                except (TypeError, ValueError, OverflowError) as other:
                    error = other  # what is left once NA is read as NaN
            if converted is None:
                # a Python int beyond float64 (10**400): OverflowError, a
                # value error to the caller as every other bad value is
                raise (TypeError if isinstance(error, TypeError) else ValueError)(
                    f"{where} could not be converted to a numeric array: {error}"
                ) from error
            arr = converted
    if np.iscomplexobj(arr):
        raise ValueError(f"Complex data not supported: {where} is complex.")
    if arr.dtype.kind == "m":
        # numpy counts timedelta64 as a number: read as counts of its unit,
        # the same durations would be 1000x apart in ms and in s
        refuse_time_values(arr, code, prefix="" if whole else f"{where}: ")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(
            f"{where} has non-numeric dtype {arr.dtype!s}; sequences must be numeric."
        )
    if arr.ndim > 1 or not whole:
        axes = ("sample", "time step", "channel") if whole else (
            "time step", "channel")
        arr = narrow_long_double(arr, where, axes=axes, mask=mask)
    # a 1-D X is not a dataset: the shape check that follows refuses it,
    # where a value beyond float64 was named at "sample k", a time step
    with np.errstate(over="ignore"):
        arr = arr.astype(np.float64, copy=False)
    if mask is not None and mask.any():
        arr = arr.copy()  # never the caller's data
        arr[mask] = np.nan
    return arr


def narrow_long_double(arr, where, *, axes, what="sequences", mask=None):
    """``arr`` as float64 if it holds long doubles, refusing a value beyond
    float64's range by its value and position.

    Cast, a long double beyond float64's range is inf: it was named as the
    "infinite value" the caller never gave. Other dtypes are returned as
    they are.

    Parameters
    ----------
    arr : ndarray
    where : str
        The array's name in the message ("X", "y", "X's sample 3").
    axes : tuple of str
        The names of ``arr``'s leading axes ("sample", "time step", ...); an
        index with more axes than named is written as a tuple, one on an
        unnamed axis as a position.
    what : str, default="sequences"
        What ``arr`` holds, in the message ("targets").
    mask : ndarray of bool or None, default=None
        Masked entries (NaN whatever they hold), not refused.

    Returns
    -------
    arr : ndarray

    Examples
    --------
    Where ``np.longdouble`` is wider than float64 (x86 Linux; on Windows and
    Apple silicon it is float64 itself, and ``1e400`` is inf already):

    >>> import numpy as np
    >>> y = np.array([1.0, np.longdouble("1e400")], dtype=np.longdouble)
    >>> narrow_long_double(y, "y", axes=(), what="targets")  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    ValueError: y has the value 1e+400 at position 1, beyond float64's range ...
    """
    if not (arr.dtype.kind == "f" and arr.dtype.itemsize > 8):
        return arr
    with np.errstate(over="ignore"):
        narrowed = arr.astype(np.float64)
    beyond = np.isinf(narrowed) & np.isfinite(arr)
    if mask is not None:
        beyond &= ~mask  # a masked value is NaN whatever it is
    if beyond.any():
        index = tuple(int(k) for k in np.argwhere(beyond)[0])
        at = (", ".join(f"{axis} {k}" for axis, k in zip(axes, index))
              if len(index) <= len(axes) else
              f"position {index[0]}" if len(index) == 1 else f"position {index}")
        raise ValueError(
            f"{where} has the value {arr[index]!s} at {at}, beyond float64's "
            f"range (about {np.finfo(np.float64).max:.4g}): {what} are read as "
            "float64, so rescale them first."
        )
    return narrowed


def _refuse_sequence_cells(X, error, name="X"):
    """Name the first cell of table ``X`` (the argument ``name``) that holds a
    sequence, if any.

    A table (a polars or pyarrow frame with list columns, say) is read as one
    univariate series per row, so a cell holding a series is out of place.
    """
    try:
        cells = np.asarray(X)
    except (TypeError, ValueError):  # the error being raised names it
        return
    if cells.dtype != object or cells.ndim != 2:
        return
    for (i, j), cell in np.ndenumerate(cells):
        if isinstance(cell, (np.ndarray, list, tuple)):
            raise ValueError(
                f"{name} holds a sequence at row {i}, column {j}, where a number is "
                "expected: a table is read as one univariate series per row. "
                "Pass a column of whole series alone (a Series or an array of "
                "series); sktime's nested frames (one column per channel, "
                "each cell one channel's series) are read as pandas "
                f"DataFrames (e.g. {name}.to_pandas())."
            ) from error


def _steps_as_array(x, where):
    """``np.asarray(x)``, naming the sample and time step of a ragged series.

    numpy refuses steps of different sizes (a step of 3 channels after one
    of 2, a missing step as a bare ``None``) with "inhomogeneous shape",
    which names neither.
    """
    try:
        return np.asarray(x)
    except ValueError as exc:
        steps = list(x) if isinstance(x, (list, tuple, np.ndarray)) else []

        def size(step):
            # a bare None / NaN / NA, not a row of NaN ([nan] is one value)
            rowlike = isinstance(step, (list, tuple)) or (
                isinstance(step, np.ndarray) and step.ndim > 0)
            if not rowlike and _is_missing(step):
                return f"a missing value ({step!r}) in place of a row"
            try:
                shape = np.shape(step)
            except ValueError:
                return "ragged rows"
            return (f"{shape[0]} value(s)" if len(shape) == 1
                    else f"shape {shape}")

        sizes = [size(step) for step in steps]
        bad = next((t for t, s in enumerate(sizes) if s != sizes[0]), None)
        if bad is None:
            raise ValueError(
                f"{where} could not be converted to a numeric array: {exc}"
            ) from exc
        raise ValueError(
            f"{where} has time steps of different sizes: step 0 has {sizes[0]}, "
            f"step {bad} has {sizes[bad]}. Each time step is one value per "
            "channel (a missing step is NaN on every channel)."
        ) from exc


def _is_nested_frame(X):
    """A pandas DataFrame (duck-typed: pandas is optional) whose cells are series."""
    if not (hasattr(X, "iloc") and hasattr(X, "columns") and hasattr(X, "shape")):
        return False
    if X.shape[0] == 0 or X.shape[1] == 0:
        return False
    first = X.iloc[0, 0]
    return not np.isscalar(first) and np.ndim(np.asarray(first, dtype=object)) >= 1


def _nested_cell(cell, i, j, name):
    """Cell ``(i, j)`` of a nested frame (the argument ``name``) as a numeric
    array; a missing cell (None, NaN, NA) is named as such, not read as a
    one-step channel (then named a length mismatch) or a missing series as an
    empty one."""
    if np.ndim(cell) == 0 and _is_missing(cell):
        raise ValueError(
            f"{name}'s sample {i}, channel {j} of the nested DataFrame is missing "
            f"({cell!r}) instead of a series; drop missing samples (and their "
            "labels) first."
        )
    return _as_numeric_array(cell, where=f"{name}'s sample {i}, channel {j}",
                             code=name)


def _series_of_nested_frame(X, name="X"):
    """The ``(T_i, d)`` series of a nested frame (sktime's ``nested_univ``),
    which messages call ``name``.

    Rows are samples, columns are channels and each cell holds one channel's
    series; the channels of a sample must have the same length.
    """
    series = []
    for i in range(X.shape[0]):
        channels = [_nested_cell(X.iloc[i, j], i, j, name)
                    for j in range(X.shape[1])]
        for j, channel in enumerate(channels):
            # (T, 1) and (1, T) are one channel; ravel would chain the
            # columns of a (T, d) cell into one channel d times as long
            if sum(size > 1 for size in channel.shape) > 1:
                raise ValueError(
                    f"{name}'s sample {i}, channel {j} of the nested DataFrame has "
                    f"shape {channel.shape}: each cell holds one channel's series "
                    "(1-D). "
                    "If each cell is a whole (T_i, n_channels) series, pass that "
                    f"column alone, {name}[{X.columns[j]!r}]."
                )
        channels = [channel.ravel() for channel in channels]
        sizes = [len(c) for c in channels]
        if len(set(sizes)) > 1:
            raise ValueError(
                f"{name}'s sample {i} has channels of different lengths {sizes} in "
                "the nested DataFrame; every channel of a series must have the "
                "same length."
            )
        series.append(np.stack(channels, axis=1))
    return series


def _polars_lists_over_arrays_of_lists(X):
    """A polars Series X with every Array holding a List cast to a List.

    Any depth counts; any other X is returned as it is.

    numpy reads a fixed-size Array as a block only when everything in it is
    fixed-size too. Over a List (``Array(List(Float64), T)``: T steps of
    variable channels, what ``list.to_array(T)`` makes of a List of Lists)
    it gave a 2-D object array of list cells, refused as a table. Cast to a
    List, such an Array is read as the List of Lists it holds, with the same
    nulls, ragged steps and non-numeric values named as there. Arrays of
    numbers (or of Arrays of them) are left to numpy's fixed-shape reading,
    and an empty Series to its ``(0, T)``: refused as 0 samples.
    """
    dtype = getattr(X, "dtype", None)  # a Series' (a DataFrame has none)
    if not type(X).__module__.startswith("polars") or dtype is None or not len(X):
        return X
    import polars as pl  # X is a polars Series: polars is there

    def relaxed(dtype):
        # (dtype to read, whether it holds a List)
        kind = type(dtype).__name__
        if kind not in ("Array", "List"):
            return dtype, False
        inner, holds_list = relaxed(dtype.inner)
        if kind == "List" or holds_list:
            return pl.List(inner), True
        return dtype, False

    target = relaxed(dtype)[0]
    return X if target == dtype else X.cast(target)


def _polars_series_with_nulls(X):
    """A polars Series with a fixed-size Array at some level (a List's
    elements included) and a null series or step.

    numpy reads a null of a fixed-size Array as a row of NaN. (Of Lists
    alone, numpy's object rows keep the None, which the readers name.) A null
    value (the innermost level) is not looked for: numpy reads it as the NaN
    it stands for, and the readers name it as they would that NaN, while
    ``to_list()`` would make a null-padded Series ~100x slower to read.
    """
    if not type(X).__module__.startswith("polars"):
        return False
    has_array = has_null = False
    while (kind := type(getattr(X, "dtype", None)).__name__) in ("Array", "List"):
        has_array = has_array or kind == "Array"
        has_null = has_null or bool(X.null_count())
        X = X.arr.explode() if kind == "Array" else X.list.explode()
    return has_array and has_null


def _is_ragged_object_array(X):
    """A 1-D object array (or pandas Series) whose elements are series."""
    # np.asarray, not to_numpy(): a pyarrow Array's copies nothing by default,
    # an ArrowInvalid for nulls or lists of series
    arr = np.asarray(X) if hasattr(X, "to_numpy") and not hasattr(X, "columns") else X
    return (
        isinstance(arr, np.ndarray)
        and arr.dtype == object
        and arr.ndim == 1
        and arr.size > 0
        and all(not np.isscalar(s) for s in arr)
    )


def to_sequence_dataset(X, *, name="X"):
    """Convert any accepted sequence input to a float64 ``(n, T, d)`` array.

    Accepted inputs:

    - a 3-D array ``(n_samples, n_timestamps, n_channels)``, NaN-padded at the end;
    - a 2-D array ``(n_samples, n_timestamps)``: univariate series (tslearn's rule),
      read as ``(n_samples, n_timestamps, 1)``;
    - a list (or tuple), a 1-D object array or a pandas Series of ``(T_i, d)`` or
      ``(T_i,)`` arrays of different lengths, NaN-padded to the longest; a
      polars Series or pyarrow array of (nested) lists is read as that list,
      polars' fixed-size Arrays at any level as the lists they hold
      (a struct of polars, pyarrow or pandas' Arrow dtypes, whose fields could
      be steps or channels, is refused);
    - a nested pandas DataFrame (sktime's ``nested_univ``): one row per sample,
      one column per channel, each cell a series.

    aeon's and sktime's 3-D arrays are ``(n_samples, n_channels, n_timestamps)``:
    convert them with :func:`from_aeon`. A flat DataFrame is a table, one
    series per row, whatever its index: sktime's ``pd-multiindex`` frames
    (rows indexed by instance, then time) are long format, read with
    :func:`~sktime_metric.datasets.from_long_format` (the estimators warn,
    ``SequenceLayoutWarning``, when given one).

    No value check is made here beyond the dtype; :func:`check_sequences` does it.
    The result never shares memory with a list input; for array input it may be a
    view, which callers must not write to.

    Parameters
    ----------
    X : array-like or list of array-like
        The sequences.
    name : str, default="X"
        What the messages call the argument (``"X_support"``, ``"Y"``, ...):
        "Y's sample 3 has 2 dimensions".

    Returns
    -------
    X_3d : ndarray of shape (n_samples, n_timestamps, n_channels), dtype float64

    Examples
    --------
    >>> from sktime_metric.utils import to_sequence_dataset
    >>> to_sequence_dataset([[1, 2], [1, 4, 3]])[:, :, 0]
    array([[ 1.,  2., nan],
           [ 1.,  4.,  3.]])
    """
    if scipy.sparse.issparse(X):
        raise TypeError(
            "Sparse input is not supported: sequences are dense NaN-padded arrays "
            f"(n_samples, n_timestamps, n_channels); convert with {name}.toarray()."
        )
    if getattr(getattr(X, "type", None), "shape", None) is not None:
        # pyarrow's fixed-shape tensors: numpy reads each one flattened,
        # a (T, d) series as (T * d,); to_numpy_ndarray keeps the shape
        tensors = X.combine_chunks() if hasattr(X, "combine_chunks") else X
        if hasattr(tensors, "to_numpy_ndarray"):
            X = tensors.to_numpy_ndarray()
    refuse_unread(X, name)
    X = _polars_lists_over_arrays_of_lists(X)
    if _polars_series_with_nulls(X):
        # numpy reads a null of a fixed-size polars Array as a row of NaN:
        # "empty (all NaN)", not the missing series or value it is
        X = X.to_list()
    if _is_nested_frame(X):
        X = _series_of_nested_frame(X, name)
    elif _is_ragged_object_array(X):
        X = list(np.asarray(X))
    if isinstance(X, (list, tuple)) and len(X) > 0 and not np.isscalar(X[0]):
        series = [_series_as_array(s, name, i) for i, s in enumerate(X)]
        ndims = {s.ndim for s in series}
        if not ndims <= {1, 2}:
            bad = next(i for i, s in enumerate(series) if s.ndim not in (1, 2))
            if np.ndim(X[bad]) == 0 and _is_missing(X[bad]):  # a null series
                raise ValueError(
                    f"{name}'s sample {bad} is missing ({X[bad]!r}) instead of a "
                    "series; drop missing samples (and their labels) first."
                )
            raise ValueError(
                f"{name}'s sample {bad} has {series[bad].ndim} dimensions; each "
                "series in a list must be 1-D (T_i,) or 2-D (T_i, n_channels)."
            )
        series = [s[:, None] if s.ndim == 1 else s for s in series]
        channels = {s.shape[1] for s in series}
        if len(channels) > 1:
            first = series[0].shape[1]
            bad = next(i for i, s in enumerate(series) if s.shape[1] != first)
            # aeon's lists of (n_channels, T_i) arrays: equal rows, unequal columns
            aeon = len({s.shape[0] for s in series}) == 1
            raise ValueError(
                f"{name}'s sample {bad} has {series[bad].shape[1]} channels but "
                f"sample 0 has {first}; all series must have the same number of "
                "channels."
                + (" Each series of a list is read as (T_i, n_channels); if these "
                   "are aeon's (n_channels, T_i) arrays, pass "
                   f"sktime_metric.utils.from_aeon({name})." if aeon else "")
            )
        # tslearn's to_time_series_dataset pads the same way, but also cuts
        # each series' trailing NaN (so the width can shrink), names no sample
        # in its errors, and is 3-4x slower with be="numpy" (100x+ when it
        # detects the backend from a list): measured on 2000-20000 series.
        n_timestamps = max(s.shape[0] for s in series)
        out = np.full((len(series), n_timestamps, channels.pop()), np.nan)
        for i, s in enumerate(series):
            out[i, : s.shape[0]] = s
        return out

    # by the dtypes: a polars frame reads its durations as counts of a unit
    refuse_time_columns(X, name)
    try:
        X = _as_numeric_array(X, where=name, whole=True)
    except (TypeError, ValueError) as exc:
        # pandas' Timedelta objects in an object column
        refuse_time_columns(X, name, objects=True)
        if isinstance(exc, ValueError):
            _refuse_sequence_cells(X, exc, name)
        raise
    if X.ndim == 2:
        if X.shape[1] == 0:
            # scikit-learn's wording, which its estimator checks look for
            raise ValueError(
                f"Found array with 0 feature(s) (shape={X.shape}) while a minimum "
                "of 1 is required: a univariate series needs at least one time step."
            )
        return X[:, :, None]
    if X.ndim != 3:
        hint = (
            f" Reshape your data: {name}.reshape(1, -1) if it is a single univariate "
            "series."
            if X.ndim == 1
            else ""
        )
        raise ValueError(
            f"Expected a 3-D array (n_samples, n_timestamps, n_channels), a 2-D array "
            f"of univariate series or a list of series; got an array with "
            f"{X.ndim} dimension(s) and shape {X.shape}.{hint}"
        )
    return X
