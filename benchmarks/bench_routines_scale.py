"""Routine clustering at scale: seconds and peak memory, dense vs sparse k-NN graph.

One :class:`~sktime_metric.cluster.RoutineClusterer` clustering of ``N`` hour
windows of :func:`~sktime_metric.datasets.make_routines`'s default schedule
(``ceil(N / 24)`` days), with the dense affinity (up to ``--dense-max``
windows) and the sparse k-NN graph (``affinity_graph="knn"``), each in a
fresh process so that its peak resident memory is that fit's. A learned
metric is trained first on :data:`SCALE_TRAIN_DAYS` days (not timed) and then
used as is on every window, as ``bench_routines.py``'s protocol reuses it on
the test days; the windows are those of that protocol (its ``SETTINGS``).
The table also gives NMI against the slots and the true activities and the
silhouette, so that a faster graph that clusters worse shows.

Usage::

    python -m benchmarks.bench_routines_scale --quick --windows 300   # run by the tests
    python -m benchmarks.bench_routines_scale --windows 5000 20000
    python -m benchmarks.bench_routines_scale --windows 20000 --metrics euclidean sgru
"""

import argparse
import sys
import warnings
from pathlib import Path

import torch

from sktime_metric.benchmarking import format_table
from sktime_metric.cluster import RoutineClusterer
from sktime_metric.datasets import make_routines
from sktime_metric.evaluation import clustering_scores

from ._common import add_common_arguments, peak_rss_mb, timer, write_report
from .bench_routines import SETTINGS, _common, _params, window_activities

#: Columns of the table
SCALE_COLUMNS = ("windows", "metric", "graph", "fit_s", "rss_before_mb",
                 "peak_rss_mb", "nmi", "act_nmi", "silhouette")
#: Days the learned metric is trained on (the default protocol's 40 %)
SCALE_TRAIN_DAYS = 12


def scale_run(n_windows, metric, graph, settings, random_state):
    """Cluster ``n_windows`` hour windows of ``make_routines`` once; time and memory.

    Run in a fresh process (:func:`scale_rows`), so that its peak resident set
    size is this fit's. A learned metric (the default seq2seq) is trained on
    the first :data:`SCALE_TRAIN_DAYS` days (not timed), then used as is on
    every window, as the main protocol reuses it on the test days.
    ``rss_before_mb`` is the peak before the clustering's fit (imports, data,
    training), ``peak_rss_mb`` the process's peak after it.
    """
    X, t, activities, _ = make_routines(-(-n_windows // 24), step=settings["step"],
                                        random_state=random_state)
    common = _common(settings, random_state)
    extra = {}
    if metric != "euclidean":
        keep = t < SCALE_TRAIN_DAYS * 86400
        trained = RoutineClusterer(metric, metric_params=_params(metric, {}, settings),
                                   **common).fit(X[keep], timestamps=t[keep])
        metric, extra = trained.metric_learner_, {"standardize": (trained.mean_,
                                                                  trained.scale_)}
    before = peak_rss_mb()
    with timer() as fit:
        rc = RoutineClusterer(metric, affinity_graph=graph, **common, **extra)
        rc.fit(X, timestamps=t)
    peak = peak_rss_mb()
    truth = window_activities(activities, t, rc.window_starts_)
    return {"windows": len(rc.labels_), "graph": rc.affinity_graph_,
            "fit_s": f"{fit['s']:.1f}", "rss_before_mb": f"{before:.0f}",
            "peak_rss_mb": f"{peak:.0f}",
            "nmi": f"{rc.time_coherence_scores_['nmi']:.3f}",
            "act_nmi": f"{clustering_scores(truth, rc.labels_)['nmi']:.3f}",
            "silhouette": f"{rc.time_coherence_scores_['silhouette']:.3f}"}


def scale_rows(sizes, metrics, dense_max, args):
    """One :func:`scale_run` per size, metric and graph, each in its own process.

    The dense graph only up to ``dense_max`` windows (its matrices grow as
    ``n**2``); the k-NN graph at every size.
    """
    import json
    import os
    import subprocess

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        "OMP_NUM_THREADS": str(args.threads)}
    rows = []
    for n in sizes:
        for metric in metrics:
            for graph in (("dense", "knn") if n <= dense_max else ("knn",)):
                if args.progress:
                    print(f"  routines scale: {n} windows, {metric}, {graph}",
                          file=sys.stderr, flush=True)
                job = json.dumps({"n": n, "metric": metric, "graph": graph,
                                  "mode": args.mode, "seed": args.random_state,
                                  "threads": args.threads})
                out = subprocess.run(
                    [sys.executable, "-m", "benchmarks.bench_routines_scale", "--job", job],
                    cwd=root, env=env, check=True, capture_output=True, text=True)
                rows.append({"metric": metric, **json.loads(out.stdout.splitlines()[-1])})
    return rows


def _job(job):
    """``--job``: one :func:`scale_run` in this process, JSON on stdout."""
    import json

    job = json.loads(job)
    torch.set_num_threads(job["threads"])
    warnings.filterwarnings("ignore", message="Number of distinct clusters")
    row = scale_run(job["n"], job["metric"], job["graph"], SETTINGS[job["mode"]],
                    job["seed"])
    print(json.dumps(row))
    return 0


def scale_main(args):
    """The time and memory table of dense vs k-NN graphs."""
    settings = SETTINGS[args.mode]
    with timer() as total:
        rows = scale_rows(args.windows, args.metrics, args.dense_max, args)
    title = (f"bench_routines_scale ({args.mode} mode: seq_len "
             f"{settings['seq_len']}, {settings['step']:g} s rows; learned metrics "
             f"trained on {SCALE_TRAIN_DAYS} days, {settings['max_epochs']} epochs; "
             f"random_state {args.random_state}; {args.threads} thread(s); total "
             f"{total['s']:.0f} s)")
    text = "\n".join([f"# {title}", "", format_table(rows, SCALE_COLUMNS)])
    write_report(text, args.output)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--windows", nargs="+", type=int, default=[5000, 20000],
                        metavar="N", help="numbers of windows to cluster "
                        "(default: 5000 20000)")
    parser.add_argument("--metrics", nargs="+", default=["euclidean", "seq2seq"],
                        choices=["euclidean", "sgru", "seq2seq", "siamese", "cgru",
                                 "dtw"],
                        metavar="NAME", help="metrics (default: euclidean seq2seq)")
    parser.add_argument("--dense-max", type=int, default=5000, metavar="N",
                        help="run the dense graph up to N windows")
    parser.add_argument("--job", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job is not None:
        return _job(args.job)
    return scale_main(args)


if __name__ == "__main__":
    sys.exit(main())
