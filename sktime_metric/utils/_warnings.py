"""Ignoring one known warning while a block runs, safely next to other threads.

``warnings.catch_warnings`` saves the process's filter list and
``showwarning`` on entry and puts the saved ones back on exit. Before Python
3.14's context-aware warnings that state is the whole process's, so blocks
running at once in several threads (fits in joblib's "threading" backend,
``cross_val_score(n_jobs=2)`` inside ``parallel_backend("threading")``, a
user's ``catch_warnings(record=True)`` or ``pytest.warns`` in another thread)
undo each other: found in an audit, a Fisher-kernel fit in one thread that
left its block while a user's ``catch_warnings(record=True)`` was open in
another removed that recorder, so the user's ``ConvergenceWarning`` went
unrecorded, and the user's exit then put the fit's "ignore" filter back for
the rest of the process.

:func:`ignoring` adds one "ignore" filter and on exit removes that filter
only: it restores no snapshot, so it cannot undo a filter, ``showwarning`` or
recorder another thread set. The filter acts process-wide while the block
runs, on warnings of that message only. Where Python's warnings are
context-aware (``sys.flags.context_aware_warnings``, 3.14), filters are per
thread and ``catch_warnings`` is used.
"""

import contextlib
import itertools
import re
import sys
import warnings

__all__ = ["ignoring"]

_blocks = itertools.count()  # next() is atomic under the GIL


@contextlib.contextmanager
def ignoring(message, category=Warning):
    """Ignore warnings whose message starts with ``message`` inside the block.

    As ``warnings.filterwarnings("ignore", message, category)`` inside
    ``warnings.catch_warnings()``, without restoring the filters on exit (see
    the module's docstring).

    Parameters
    ----------
    message : str
        A regular expression the start of the message must match (case
        insensitive), as in ``warnings.filterwarnings``.
    category : type, default=Warning

    Examples
    --------
    >>> import warnings
    >>> from sktime_metric.utils._warnings import ignoring
    >>> before = list(warnings.filters)
    >>> with ignoring("Number of distinct clusters"):
    ...     warnings.warn("Number of distinct clusters (1) found smaller ...")
    >>> warnings.filters == before
    True
    """
    if getattr(sys.flags, "context_aware_warnings", False):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=message, category=category)
            yield
        return
    # the tuple warnings.filterwarnings makes (the documented filter spec),
    # its pattern made unique by a regex comment naming this block: remove()
    # takes out the first *equal* filter, and two blocks (or a user's
    # filterwarnings) of the same message make equal tuples, so without it
    # the first block to leave removed the other's filter (that block ran
    # unfiltered) and, with three blocks, left one behind for good
    token = next(_blocks)
    pattern = re.compile(f"{message}(?#sktime_metric ignoring {token})", re.I)
    entry = ("ignore", pattern, category, None, 0)
    filters = warnings.filters
    filters.insert(0, entry)  # one list operation: atomic under the GIL
    try:
        yield
    finally:
        # from the list it went into, and from the current one where another
        # thread's catch_warnings installed a copy of it meanwhile; remove()
        # is one list operation too, and no other filter equals this one
        current = warnings.filters
        for target in (filters,) if current is filters else (filters, current):
            with contextlib.suppress(ValueError):
                target.remove(entry)
