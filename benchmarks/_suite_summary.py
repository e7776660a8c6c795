"""bench_suite.py's summary: ranks, wins / ties / losses against 1-NN DTW, and
the targets the defaults are held to (issue 15), with where each falls short.

It reads the per-dataset rows of :func:`benchmarks.bench_suite.aggregate`
(means over seeds) and computes the rows of the report's summary table and
its last lines.
"""

from collections import defaultdict

import numpy as np
from scipy.stats import rankdata

#: The baseline of wins / ties / losses.
BASELINE = "dtw_1nn"
#: The issue-15 targets the report checks: these classifiers >= 1-NN Euclidean
#: on at least 75 % of the datasets and >= 1-NN DTW on at least half; the best
#: learned estimator >= DTW on at least 70 %; no collapsed fit where DTW is
#: more than ``COLLAPSE_MARGIN`` above chance (1 / classes).
TARGETED = ("tagm", "hulm", "hcrf", "gru")
COLLAPSE_MARGIN = 0.15
#: Estimators whose result does not depend on the seed: run once.
DETERMINISTIC = ("dtw_1nn", "euclidean_1nn")


def _mean(values):
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def summarize(results, names, datasets):
    """Per estimator: mean accuracy and rank, wins / ties / losses vs DTW, counts.

    Returns ``(summary rows, number of datasets ranked)``. Ranks are
    ``scipy.stats.rankdata`` of minus the accuracies of each dataset (1 = the
    most accurate; ties share their mean rank), over the datasets on which
    every estimator has an accuracy.
    """
    acc = {(r["dataset"], r["name"]): r["accuracy"] for r in results}
    ranks = defaultdict(list)
    ranked = 0
    for dataset in datasets:
        values = [acc.get((dataset, name)) for name in names]
        if any(v is None for v in values):
            continue
        ranked += 1
        for name, rank in zip(names, rankdata(-np.asarray(values))):
            ranks[name].append(float(rank))
    summary = []
    for name in names:
        rows = [r for r in results if r["name"] == name]
        wins = ties = losses = 0
        for dataset in datasets:
            ours, dtw = acc.get((dataset, name)), acc.get((dataset, BASELINE))
            if ours is None or dtw is None:
                continue
            if np.isclose(ours, dtw, rtol=0, atol=1e-12):
                ties += 1
            elif ours > dtw:
                wins += 1
            else:
                losses += 1
        compared = name != BASELINE and (wins + ties + losses) > 0
        summary.append({
            "name": name,
            "datasets": sum(r["accuracy"] is not None for r in rows),
            "mean_accuracy": _mean([r["accuracy"] for r in rows]),
            "mean_rank": _mean(ranks[name]) if ranks[name] else None,
            "wins": wins if compared else None,
            "ties": ties if compared else None,
            "losses": losses if compared else None,
            "collapsed": sum(r["collapsed"] for r in rows),
            "warned": sum(r["warned"] for r in rows),
            "errors": sum(r["errors"] for r in rows),
            "fit_s": sum(r["fit_s"] or 0.0 for r in rows),
            "predict_s": sum(r["predict_s"] or 0.0 for r in rows),
        })
    return summary, ranked


def targets(results, names, infos):
    """The report's lines on the targets (``TARGETED``, ``COLLAPSE_MARGIN``).

    Each share counts the datasets where both sides have an accuracy (mean
    over seeds); ">=" is within 1e-12. "Learned": every estimator but the
    two 1-NN baselines.
    """
    acc = {(r["dataset"], r["name"]): r["accuracy"] for r in results}
    datasets = [info["dataset"] for info in infos]

    def share(name, baseline):
        pairs = [(acc.get((d, name)), acc.get((d, baseline))) for d in datasets]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        hits = sum(_at_least(a, b) for a, b in pairs)
        return hits, len(pairs)

    def text(hits, total, goal):
        if not total:
            return "-"
        verdict = "met" if hits >= goal * total else "not met"
        return f"{hits}/{total} ({100 * hits / total:.0f} %, {verdict})"

    lines = []
    for baseline, goal in (("euclidean_1nn", 0.75), ("dtw_1nn", 0.5)):
        if baseline not in names:
            continue
        parts = [f"{name} {text(*share(name, baseline), goal)}"
                 for name in TARGETED if name in names]
        if parts:
            lines.append(f"target: >= {baseline} on at least {goal * 100:.0f} % of the "
                         f"datasets: " + "; ".join(parts))
            lines += [shortfalls(name, baseline, acc, infos)
                      for name in TARGETED if name in names]
    learned = [n for n in names if n not in DETERMINISTIC]
    if BASELINE in names and learned:
        best = [(max((acc.get((d, n)) for n in learned if acc.get((d, n)) is not None),
                     default=None), acc.get((d, BASELINE))) for d in datasets]
        best = [(a, b) for a, b in best if a is not None and b is not None]
        lines.append("target: the best learned estimator >= dtw_1nn on at least 70 % "
                     "of the datasets: "
                     + text(sum(_at_least(a, b) for a, b in best), len(best), 0.7))
        informative = [info["dataset"] for info in infos
                       if acc.get((info["dataset"], BASELINE)) is not None
                       and acc[info["dataset"], BASELINE]
                       > 1 / info["classes"] + COLLAPSE_MARGIN]
        # a collapsed fit's accuracy is the test share of the one class it
        # predicts: beside DTW's, it shows whether DTW beat predicting it
        collapsed = [f"{r['dataset']} / {r['name']}: {r['collapsed']} of "
                     f"{r['fits']} fits, accuracy {r['accuracy']:.3f} "
                     f"(mean), dtw_1nn {acc[r['dataset'], BASELINE]:.3f}"
                     for r in results if r["dataset"] in informative and r["collapsed"]]
        lines.append(
            f"must: no collapsed fit where dtw_1nn is more than {COLLAPSE_MARGIN} "
            f"above chance (1 / classes; {len(informative)} of {len(datasets)} "
            f"datasets): " + (f"{len(collapsed)} ({', '.join(collapsed)})"
                              if collapsed else "none"))
    return lines


def _at_least(ours, theirs):
    """The targets' ">=": within 1e-12, so that equal accuracies tie."""
    return ours >= theirs - 1e-12


def shortfalls(name, baseline, acc, infos):
    """Where ``name`` falls short of ``baseline``: within test-set noise or beyond.

    One seed on a test set of ``n`` series decides ">=" by a few series on
    many datasets. A shortfall is *within noise* when it is less than two
    standard errors of the difference of two accuracies near the baseline's
    ``p``, ``sqrt(2 p (1 - p) / n)``. The two classifiers answer the same test
    series, so their errors are correlated and the paired difference varies
    less: the count within noise is an upper bound on what sampling alone
    explains, and the shortfalls beyond it, named with their size, are real.
    """
    within, beyond = 0, []
    for info in infos:
        ours, theirs = acc.get((info["dataset"], name)), acc.get((info["dataset"], baseline))
        if ours is None or theirs is None or _at_least(ours, theirs):
            continue
        noise = 2 * np.sqrt(2 * theirs * (1 - theirs) / info["n_test"])
        if theirs - ours < noise:
            within += 1
        else:
            beyond.append(f"{info['dataset']} ({ours - theirs:+.2f})")
    return (f"where {name} < {baseline}: {within + len(beyond)} datasets, {within} "
            f"within two standard errors of the test accuracy, {len(beyond)} beyond"
            + (": " + ", ".join(beyond) if beyond else ""))
