"""This package's warnings: where they point, and ignoring one known warning.

Where they point
----------------
A warning's ``filename:lineno`` is what the user sees printed and what
``warnings.filterwarnings(module=...)`` matches, so every warning of this
package is issued through :func:`warn`, which points it at the line that
called into the package: the user's ``clf.fit(X, y)``, however deep in
sktime_metric the warning is raised and whichever public method was called
(``fit``, ``fit_transform``, ``transform``, ``fit_predict``, a loss module's
call, ...). No call site counts frames (``stacklevel=3``): a count is right
for one call depth and wrong as soon as the method is reached another way.
Found in an audit of the counts: through ``fit_transform`` the "did not
learn" warnings named ``_cgru.py`` (``CoupledGRUMetric``) or scikit-learn's
``base.py`` (``Seq2SeqEmbedder``), through a ``Pipeline`` scikit-learn's
``pipeline.py``, and every estimator's layout warning our own ``base.py``.

The line is that of the innermost frame outside

- this package, scikit-learn, skorch, joblib and torch (frames in their
  package folders): the libraries through which our public methods are
  called (``TransformerMixin.fit_transform`` calling ``fit``, ``Pipeline``,
  ``GridSearchCV``, ``cross_val_score``, set_output's ``transform`` wrapper,
  ``torch.nn.Module.__call__``), and
- Python's standard library (thread pools, ``copy``, ``runpy``): frozen
  modules (``<frozen runpy>``) and files in its folder
  (``sysconfig.get_paths()["stdlib"]``) but not in its ``site-packages``.
  Told by file, not by module name (``sys.stdlib_module_names``): a user's
  module named ``code`` or ``types`` is the user's. Folders and file names
  are compared normalised (``os.path.normcase``, ``normpath``): on Windows
  one folder may be spelled in another case or with ``/`` for ``\\``.

So a fit inside a ``Pipeline``, ``GridSearchCV`` or ``cross_val_score`` run
in the user's thread names the user's line that called them. The
``sktime-metric`` command (``cli.py``, ``__main__.py``, ``_cli``) is a user
of the library, not part of it: its warnings name its line that called the
estimator (``_cli/fit.py``'s ``estimator.fit(X, y)``), under ``python -m
sktime_metric`` too, whose stack is otherwise this package and ``runpy``.

A worker thread's stack (joblib's "threading" backend, ``n_jobs=2``) starts
in the thread pool and may never reach the user's line: there the warning
names the line that called into this package, that of the frame that
called the outermost frame of ours, torch's and skorch's frames counting as
ours there (our loss module's ``forward`` runs in torch's
``Module.__call__``, our training loop in skorch's): scikit-learn's ``fit``
call in ``cross_val_score``, joblib's call of a loss module, the thread
pool's or ``threading.Thread``'s call of our method or module (not torch's
line). The same holds in a process worker (joblib's default "loky"
backend), whose warnings that process prints. A user's subclass whose
``fit`` calls ours, or another package's estimator calling the documented
helpers (``sktime_metric.base.warn_if_not_learned``), gets the line of its
own code that called ours.

Python 3.12's ``warnings.warn(skip_file_prefixes=...)`` skips folders too,
but this package supports 3.10, and the worker-thread fallback needs the walk
anyway. The walk runs once per warning issued, not per check.

Ignoring one known warning
--------------------------
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
import os
import re
import sys
import sysconfig
import warnings

__all__ = ["ignoring", "warn"]

#: The libraries through which our public methods are called: their frames
#: between the user's line and ours are skipped (the module's docstring).
_CALLING_LIBRARIES = ("sklearn", "skorch", "joblib", "torch")
#: Of those, the ones our classes are built on, whose frames in a call of
#: ours run our methods (``Module.__call__`` our ``forward``, skorch's
#: ``NeuralNet`` our training loop): without a user's line they count as ours.
_BASE_LIBRARIES = ("skorch", "torch")


def _normalised(filename):
    """``filename`` as the walk compares it: case and separators normalised.

    On Windows a path's case, and ``/`` against ``\\``, do not change the
    file, and a frame's ``co_filename`` may spell a folder otherwise than
    ``__file__`` or ``sysconfig`` do (a drive letter's case, a ``sys.path``
    entry typed another way); elsewhere only redundant separators and ``.``
    are taken out. Every name and every folder the walk compares goes
    through here, the folders once (:func:`_prefix`).
    """
    return os.path.normcase(os.path.normpath(filename))


def _prefix(folder):
    """``folder``, normalised, ending in a separator: its files' prefix."""
    return os.path.join(_normalised(folder), "")


_PACKAGE = _prefix(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: The command-line tool: a user of the library, its frames not ours.
_COMMAND = tuple(_PACKAGE + name for name in ("cli.py", "__main__.py", "_cli" + os.sep))


def _standard_library():
    """The standard library's folders (their third-party subfolders apart)."""
    paths = sysconfig.get_paths()
    folders = {os.path.dirname(os.__file__)}
    folders.update(paths[key] for key in ("stdlib", "platstdlib") if paths.get(key))
    folders |= {os.path.realpath(folder) for folder in folders}
    return tuple({_prefix(folder) for folder in folders})


_STDLIB = _standard_library()
_THIRD_PARTY = ("site-packages", "dist-packages")  # folders of the stdlib's


def _in_standard_library(filename):
    """Whether ``filename`` is a module of Python's standard library: frozen
    (``<frozen runpy>``), or in its folder but not in its ``site-packages``.
    By file, not by module name: a user's ``code.py`` or ``types.py`` is named
    as a standard module is (``sys.stdlib_module_names``), and is the user's."""
    if filename.startswith("<frozen "):
        return True
    filename = _normalised(filename)  # as _STDLIB's folders are
    for folder in _STDLIB:
        if filename.startswith(folder):
            return filename[len(folder):].split(os.sep, 1)[0] not in _THIRD_PARTY
    return False


def _folders(names):
    return tuple(
        _prefix(os.path.dirname(module.__file__))
        for module in map(sys.modules.get, names)
        if getattr(module, "__file__", None))


_blocks = itertools.count()  # next() is atomic under the GIL


def warn(message, category=UserWarning):
    """``warnings.warn``, pointing at the line that called into this package.

    The line is that of the innermost frame outside this package, the
    libraries that call our methods and the standard library; in a worker
    thread, whose stack may have none, that of the line that called into
    this package (see the module's docstring).

    Parameters
    ----------
    message : str
    category : type, default=UserWarning

    Examples
    --------
    >>> import warnings
    >>> from sktime_metric.utils._warnings import warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("a message", RuntimeWarning)  # this line, here a doctest's
    >>> caught[0].filename.startswith("<doctest")
    True
    """
    libraries = _folders(_CALLING_LIBRARIES)
    base = _folders(_BASE_LIBRARIES)
    # stacklevel 2 is the caller of warn() (1: warn itself); count outwards.
    # caller: without a user's line, the frame that called the outermost
    # frame of ours (or of the base libraries, whose frames run ours)
    frame, level, caller = sys._getframe(1), 2, None
    while frame is not None:
        filename = _normalised(frame.f_code.co_filename)  # as the prefixes are
        if filename.startswith(_PACKAGE) and not filename.startswith(_COMMAND) \
                or filename.startswith(base):
            caller = None
        else:
            caller = caller or level
            if not (filename.startswith(libraries)
                    or _in_standard_library(filename)):
                break  # the user's line
        frame, level = frame.f_back, level + 1
    else:  # no user's line on this thread's stack
        level = caller or 2
    warnings.warn(message, category, stacklevel=level)


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
