"""bench_scale's dask part: the same work on 2 local dask workers vs in-process.

Two operations over one collection of random-walk series (``d = 3``, 100
steps), each timed in-process on one thread and then inside
``joblib.parallel_config(backend="dask")`` on a ``LocalCluster`` of 2 worker
processes with one thread each (after an untimed warm-up call, so that the
workers' imports and the model's transfer are not counted):

- ``predict_in_blocks``: a fitted GRU :class:`~sktime_metric.classification.RNNClassifier`'s
  ``predict_proba`` in blocks of ``n / 8`` rows;
- ``pairwise_distances``: a fitted
  :class:`~sktime_metric.metric.SiameseRNNEmbedder`'s ``(q, n)`` matrix, its
  tiles dispatched through joblib.

``speedup`` is the in-process seconds over the cluster's (median of 3
interleaved repetitions); ``max_abs_diff`` compares the two results. Two
workers can at best halve the time; scheduling, pickling the blocks and, on a
shared machine, the other load take their share.
"""

import time

import numpy as np

#: Series of the collection, and rows q of the distance matrix, per mode.
SIZES = {"quick": (200, 50), "default": (20_000, 2_000), "full": (100_000, 5_000)}
DASK_COLUMNS = ("op", "n", "local_s", "dask_s", "speedup", "max_abs_diff")


def _median_seconds(run, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def dask_part(mode, random_state=0):
    """Rows of the dask table, or a note string when dask is not installed."""
    try:
        import distributed
    except ImportError:
        return "dask part skipped: dask.distributed is not installed"
    import joblib
    import torch

    from sktime_metric.classification import RNNClassifier
    from sktime_metric.metric import SiameseRNNEmbedder
    from sktime_metric.utils import predict_in_blocks

    from .bench_scale import random_series

    torch.set_num_threads(1)
    n, q = SIZES[mode]
    X, y = random_series(n, 100, random_state)
    clf = RNNClassifier(hidden_size=8, max_epochs=1, random_state=random_state)
    clf.fit(X[:8], y[:8])
    srn = SiameseRNNEmbedder(hidden_size=8, max_epochs=1, n_pairs=20,
                             random_state=random_state).fit(X[:8], y[:8])
    operations = {
        "predict_in_blocks": lambda: predict_in_blocks(
            clf, X, method="predict_proba", block_size=max(1, n // 8)),
        # n_jobs=None: one thread in-process; the dask context's workers inside it
        "pairwise_distances": lambda: srn.pairwise_distances(X[:q], X),
    }
    rows = []
    # worker processes, as on a real cluster (threads would share this GIL)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        for name, run in operations.items():
            with joblib.parallel_config(backend="dask"):
                run()  # warm-up: worker imports, the model's first transfer
            local, dask = [], []
            for _ in range(3):  # interleaved
                seconds, expected = _median_seconds(run, 1)
                local.append(seconds)
                with joblib.parallel_config(backend="dask"):
                    seconds, out = _median_seconds(run, 1)
                dask.append(seconds)
            rows.append({
                "op": name, "n": n, "local_s": float(np.median(local)),
                "dask_s": float(np.median(dask)),
                "speedup": float(np.median(local) / np.median(dask)),
                "max_abs_diff": float(np.abs(np.asarray(out) - expected).max()),
            })
    return rows
