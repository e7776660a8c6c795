"""Series that look like another library's layout, and the warning that says so.

:func:`~sktime_metric.utils.validate_sequences` reads every container in this
library's layout, tslearn's ``(n_samples, n_timestamps, n_channels)``; when
``fit`` is given data that looks like aeon's ``(n, n_channels,
n_timestamps)`` arrays or lists of ``(n_channels, T_i)`` arrays, or like
sktime's ``pd-multiindex`` frames (one time step per row), it still reads
them so, and warns (:class:`SequenceLayoutWarning`) naming the conversion
to call.
"""

from ._containers import _is_nested_frame
from ._warnings import warn

__all__ = ["SequenceLayoutWarning"]


class SequenceLayoutWarning(UserWarning):
    """Series that look like another library's layout: aeon's ``(n, n_channels,
    n_timestamps)`` arrays or lists of ``(n_channels, T_i)`` arrays, sktime's
    ``pd-multiindex`` frames.

    Raised by ``fit`` (:func:`validate_sequences` with ``reset=True``); the
    data is still read in this library's layout, which the message names
    with the conversion to call if that is not what was meant.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sktime_metric.classification import RNNClassifier
    >>> from sktime_metric.utils import SequenceLayoutWarning, from_aeon
    >>> X_aeon = np.zeros((4, 6, 50))  # aeon's (n, n_channels, n_timestamps)
    >>> y = [0, 1, 0, 1]
    >>> gru = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = gru.fit(X_aeon, y)
    >>> any(issubclass(w.category, SequenceLayoutWarning) for w in caught)
    True
    >>> from_aeon(X_aeon).shape  # what fit should get: 50 steps of 6 channels
    (4, 50, 6)
    """


def _is_list_of_2d(X):
    # arrays and tensors only: np.ndim would convert every nested Python list
    return (isinstance(X, (list, tuple)) and len(X) > 0
            and all(getattr(series, "ndim", None) == 2 for series in X))


def _warn_layout(shape, given="array"):
    if given == "list":
        message = (
            f"X's series have more channels ({shape[2]}) than time steps (at "
            f"most {shape[1]}). sktime_metric reads each 2-D series of a list as "
            "(T_i, n_channels), like tslearn; aeon's lists hold (n_channels, "
            "T_i) arrays. If X is such a list, pass "
            "sktime_metric.utils.from_aeon(X) (or transpose each series) instead."
        )
    else:
        message = (
            f"X has shape {shape}: more channels ({shape[2]}) than time steps "
            f"({shape[1]}). sktime_metric reads 3-D arrays as (n_samples, "
            "n_timestamps, n_channels), like tslearn; aeon and sktime use "
            "(n_samples, n_channels, n_timestamps). If X is in that layout, pass "
            "sktime_metric.utils.from_aeon(X) (or X.transpose(0, 2, 1)) instead."
        )
    warn(message, SequenceLayoutWarning)


def _multiindex_rows(X):
    """The row index's level names of a flat pandas object indexed by several
    levels (sktime's ``pd-multiindex`` is one: instance, then time), else None.
    Nested frames (a series in each cell) are read by their rows, rightly."""
    index = getattr(X, "index", None)
    if getattr(index, "nlevels", 1) < 2 or _is_nested_frame(X):
        return None
    return [name if name is not None else f"level_{i}"
            for i, name in enumerate(index.names)]


def _warn_multiindex_rows(names):
    call = ("sktime_metric.datasets.from_long_format(X.reset_index(), "
            f"series_column={names[0]!r}, time_column={names[1]!r})")
    warn(
        f"X's rows are indexed by {len(names)} levels {names}: each row is read "
        "as a series of its own, as for any table. If X is sktime's "
        "pd-multiindex (instance, then time), each row is one time step: "
        + (f"{call} gives one series per instance." if len(names) == 2 else
           "convert it to one series per instance first, e.g. with "
           "sktime_metric.datasets.from_long_format on X.reset_index(), its "
           "instance levels joined into one series column."),
        SequenceLayoutWarning,
    )
