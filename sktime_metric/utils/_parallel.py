"""Row-wise methods of a fitted estimator over a large collection, in blocks."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.utils import gen_batches
from sklearn.utils.validation import check_is_fitted

from .validation import _check_count, to_sequence_dataset

__all__ = ["map_in_parallel", "predict_in_blocks"]


def check_n_jobs(n_jobs, name="n_jobs"):
    """``n_jobs`` as joblib reads it: None or a non-zero int (negative: all
    cores but ``-n_jobs - 1``); anything else a clear error here, not joblib's
    once the work is under way."""
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, Integral):  # a bool too, as scikit-learn's
        raise TypeError(f"{name} must be None or an int, got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError(f"{name}=0 has no meaning; use None, 1, 2, ... or -1 (all "
                         "cores).")
    return int(n_jobs)


def map_in_parallel(function, *iterables, n_jobs=None, ordered=True):
    """``map(function, *iterables)`` through joblib when more than one job runs.

    The library's one way to spread independent pieces of work (distance
    tiles, coupled-pair chunks, blocks of rows): in this thread when a single
    job is asked for; otherwise ``joblib.Parallel(prefer="threads")``, where
    ``prefer`` rather than ``backend="threading"`` lets a
    :func:`joblib.parallel_config` context send the pieces elsewhere, e.g.
    to a ``dask.distributed`` cluster with ``backend="dask"``. Threads suit
    torch and numpy work, which releases the GIL. Each call's arguments are
    what travels to a worker, so pass the pieces' data as arguments, not in
    ``function``'s closure.

    Parameters
    ----------
    function : callable
    *iterables : iterables
        Zipped into the calls' positional arguments, as by :func:`map`.
    n_jobs : int or None, default=None
        Pieces at once; None means 1 unless a :func:`joblib.parallel_config`
        context says otherwise.
    ordered : bool, default=True
        False yields the results as they finish (the caller then needs a way
        to place them).

    Returns
    -------
    results : iterator
        Lazily: at most joblib's pre-dispatched results wait in memory.
    """
    n_jobs = check_n_jobs(n_jobs)
    if effective_n_jobs(n_jobs) == 1:
        return map(function, *iterables)
    return Parallel(n_jobs=n_jobs, prefer="threads",
                    return_as="generator" if ordered else "generator_unordered")(
        delayed(function)(*args) for args in zip(*iterables)
    )


def predict_in_blocks(estimator, X, *, method="predict", block_size=10_000, n_jobs=None):
    """``estimator.<method>(X)`` computed on blocks of rows, possibly in parallel.

    Every prediction and transformation of this library depends on each series
    alone (and on what ``fit`` learned), so the result is that of one call on
    the whole of ``X``, up to float32 rounding: the rows are batched
    differently, which changes the order of some float sums. Blocks bound the memory of a call: a method's working copies
    of its input (checked, standardised, float32) then hold one block, not the
    collection. With ``n_jobs``, or inside a :func:`joblib.parallel_config`
    context, the blocks run in parallel; ``joblib.parallel_config(backend=
    "dask")`` sends them to the workers of a ``dask.distributed`` cluster,
    which receive the fitted estimator pickled.

    Parameters
    ----------
    estimator : fitted estimator
        Any estimator whose ``method`` maps each row of ``X`` to one row of its
        output (``predict``, ``predict_proba``, ``transform``, ...).
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        Sequences in the library's format (NaN-padded, or a list of
        ``(T_i, n_channels)`` arrays), or whatever rows ``method`` takes (e.g.
        the vectors of :class:`~sktime_metric.metric.KISSMETransformer`).
    method : str, default="predict"
        The method to call.
    block_size : int, default=10_000
        Rows per call; at least 1.
    n_jobs : int or None, default=None
        Blocks run at once. None: 1, unless a :func:`joblib.parallel_config`
        context says otherwise. The local default backend runs threads (torch
        releases the GIL inside its kernels); several threads each running
        torch's own intra-op threads oversubscribe the cores, so consider
        ``torch.set_num_threads`` too.

    Returns
    -------
    output : ndarray or scipy.sparse matrix
        The blocks' outputs stacked in row order: what ``method`` returns for
        all of ``X`` (float32 rounding apart).

    Examples
    --------
    >>> from sktime_metric.classification import RNNClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.utils import predict_in_blocks
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> clf = RNNClassifier(hidden_size=8, lr=0.03, max_epochs=5,
    ...                     random_state=0).fit(X, y)
    >>> proba = predict_in_blocks(clf, X, method="predict_proba", block_size=8)
    >>> import numpy as np
    >>> bool(np.allclose(proba, clf.predict_proba(X), rtol=1e-5, atol=1e-7))
    True
    """
    if not isinstance(method, str) or not callable(getattr(estimator, method, None)):
        raise ValueError(
            f"method must name a method of {type(estimator).__name__}, got {method!r}."
        )
    _check_count(block_size, "block_size", "predict_in_blocks")
    check_is_fitted(estimator)
    # one array, so that blocks are row slices (views); a list of series
    # becomes NaN-padded to its longest, which every method accepts
    X = to_sequence_dataset(X) if isinstance(X, (list, tuple)) else np.asarray(X)
    blocks = list(map_in_parallel(
        getattr(estimator, method),
        # int(): True is an int to the checks (1, as for the estimators)
        (X[rows] for rows in gen_batches(len(X), int(block_size))), n_jobs=n_jobs,
    ))
    if any(sp.issparse(block) for block in blocks):
        return sp.vstack(blocks, format="csr")
    return np.concatenate([np.asarray(block) for block in blocks])
