"""Statistics over resamples and datasets: mean ± sd, mean ranks, Friedman's test.

:func:`summarize_results` averages each estimator's resamples,
:func:`rank_results` ranks the estimators on each block (dataset, or resample
of one dataset) and :func:`format_summary` writes both as markdown tables.
"""

import math
import warnings

import numpy as np

from ._tables import format_table

__all__ = ["format_summary", "rank_results", "summarize_results"]


def _groups(results, key):
    """Values of ``key`` in order of first appearance."""
    return list(dict.fromkeys(r.get(key, "") for r in results))


def summarize_results(results):
    """Mean and standard deviation of each estimator's results over resamples.

    Parameters
    ----------
    results : list of dict
        Rows of :func:`~sktime_metric.benchmarking.run_benchmark`, for one or
        more datasets and resamples (key ``resample``).

    Returns
    -------
    summary : list of dict
        One row per dataset and estimator, in the order of ``results``:
        ``dataset``, ``name``, ``resamples`` (how many), ``accuracy_mean``,
        ``accuracy_sd`` (sample standard deviation, ``ddof=1``; None for a
        single resample), and the mean ``fit_s`` and ``predict_s``.

    Examples
    --------
    >>> from sktime_metric.benchmarking import summarize_results
    >>> rows = [{"dataset": "d", "name": "x", "resample": i, "accuracy": a,
    ...          "fit_s": 1.0, "predict_s": 0.5} for i, a in enumerate([0.8, 0.9])]
    >>> summary, = summarize_results(rows)
    >>> (summary["resamples"], round(summary["accuracy_mean"], 2),
    ...  round(summary["accuracy_sd"], 4))
    (2, 0.85, 0.0707)
    """
    groups = {}
    for r in results:
        groups.setdefault((r.get("dataset", ""), r["name"]), []).append(r)
    summary = []
    for (dataset, name), rows in groups.items():
        accuracy = np.array([r["accuracy"] for r in rows], dtype=float)
        summary.append({
            "dataset": dataset,
            "name": name,
            "resamples": len(rows),
            "accuracy_mean": float(accuracy.mean()),
            "accuracy_sd": float(accuracy.std(ddof=1)) if len(rows) > 1 else None,
            "fit_s": float(np.mean([r["fit_s"] for r in rows])),
            "predict_s": float(np.mean([r["predict_s"] for r in rows])),
        })
    return summary


def rank_results(results):
    """Rank the estimators on each dataset, or on each resample of one dataset.

    The blocks of the comparison are the datasets when ``results`` holds
    several (each scored by its accuracy averaged over resamples), otherwise
    the resamples of the one dataset. In each block the most accurate
    estimator has rank 1; ties share the mean of their ranks
    (:func:`scipy.stats.rankdata`).

    Parameters
    ----------
    results : list of dict
        Rows of :func:`~sktime_metric.benchmarking.run_benchmark`; every
        estimator must have a result on every block.

    Returns
    -------
    ranking : dict
        ``blocks``: ``"datasets"`` or ``"resamples"``; ``block_labels``;
        ``names``: the estimators, in the order of ``results``; ``scores`` and
        ``ranks``: arrays ``(n_blocks, n_estimators)``; ``mean_ranks``:
        ``{name: mean rank}``, best first; ``friedman_p``: the p-value of
        Friedman's test (:func:`scipy.stats.friedmanchisquare`) that all
        estimators rank alike, or None with fewer than 3 estimators or 2
        blocks, or when every block is a tie.

    Raises
    ------
    ValueError
        If ``results`` is empty, or an estimator has no result on some block
        or a NaN accuracy there.

    Examples
    --------
    >>> from sktime_metric.benchmarking import rank_results
    >>> rows = [{"dataset": d, "name": n, "accuracy": a}
    ...         for d, n, a in [("a", "x", 0.9), ("a", "y", 0.8),
    ...                         ("b", "x", 0.7), ("b", "y", 0.7)]]
    >>> ranking = rank_results(rows)
    >>> ranking["blocks"], ranking["mean_ranks"]
    ('datasets', {'x': 1.25, 'y': 1.75})
    """
    from scipy.stats import friedmanchisquare, rankdata

    if not results:  # else mean ranks of nothing: numpy's RuntimeWarning
        raise ValueError("No results to rank.")
    datasets, names = _groups(results, "dataset"), _groups(results, "name")
    by = "dataset" if len(datasets) > 1 else "resample"
    blocks = _groups(results, by)
    scores = np.full((len(blocks), len(names)), np.nan)
    for b, block in enumerate(blocks):
        for e, name in enumerate(names):
            values = [r["accuracy"] for r in results
                      if r.get(by, "") == block and r["name"] == name]
            if not values:
                raise ValueError(f"{name!r} has no result on {by} {block!r}: every "
                                 "estimator must run on every block to be ranked.")
            scores[b, e] = np.mean(values)
            if np.isnan(scores[b, e]):
                # rankdata ranks a row holding a NaN all NaN: every mean rank
                # came out NaN, silently
                raise ValueError(f"{name!r} has a NaN accuracy on {by} {block!r}: "
                                 "every result must have an accuracy to be ranked.")
    ranks = rankdata(-scores, axis=1)
    mean = ranks.mean(axis=0)
    friedman_p = None
    if len(names) >= 3 and len(blocks) >= 2 and not (ranks == ranks[:, :1]).all():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(friedmanchisquare(*scores.T).pvalue)
        friedman_p = p if math.isfinite(p) else None
    order = np.argsort(mean, kind="stable")
    return {
        "blocks": f"{by}s",
        "block_labels": blocks,
        "names": names,
        "scores": scores,
        "ranks": ranks,
        "mean_ranks": {names[i]: float(mean[i]) for i in order},
        "friedman_p": friedman_p,
    }


def format_summary(results):
    """Markdown tables of mean ± sd over resamples, and of mean ranks.

    The first table (only when some estimator ran more than one resample)
    holds :func:`summarize_results`; the second (only with at least two
    estimators and two blocks: datasets, or resamples of one dataset) holds
    :func:`rank_results`'s mean ranks, best first, the mean accuracy over the
    blocks and ``best_on``, on how many blocks the estimator is the most
    accurate (ties included).

    Parameters
    ----------
    results : list of dict
        Rows of :func:`~sktime_metric.benchmarking.run_benchmark`.

    Returns
    -------
    text : str
        Markdown sections, each headed by ``##``; empty when there is nothing
        to summarise.

    Examples
    --------
    >>> from sktime_metric.benchmarking import format_summary
    >>> rows = [{"dataset": "toy", "name": name, "resample": i, "accuracy": acc,
    ...          "fit_s": 1.0, "predict_s": 0.1}
    ...         for i, accuracies in enumerate([(0.8, 0.7), (0.9, 0.6)])
    ...         for name, acc in zip(("gru", "hcrf"), accuracies)]
    >>> text = format_summary(rows)
    >>> for line in text.splitlines():
    ...     if line.startswith("##") or "gru" in line:
    ...         print(" ".join(line.split()))  # without the table cells' padding
    ## Accuracy over resamples (mean ± sd)
    | toy | gru | 2 | 0.8500 ± 0.0707 | 1.00 | 0.100 |
    ## Mean rank over 2 resamples of toy (1 = most accurate)
    | gru | 1.00 | 0.8500 | 2 |
    >>> format_summary(rows[:2])  # one resample: nothing to summarise
    ''
    """
    sections = []
    summary = summarize_results(results)
    if any(row["resamples"] > 1 for row in summary):
        rows = [{
            "dataset": row["dataset"], "name": row["name"],
            "resamples": row["resamples"],
            "accuracy": f"{row['accuracy_mean']:.4f} ± "
                        + ("-" if row["accuracy_sd"] is None
                           else f"{row['accuracy_sd']:.4f}"),
            "fit_s": row["fit_s"], "predict_s": row["predict_s"],
        } for row in summary]
        sections.append(
            "## Accuracy over resamples (mean ± sd)\n\n" + format_table(
                rows, ("dataset", "name", "resamples", "accuracy", "fit_s",
                       "predict_s")))
    names = _groups(results, "name")
    datasets = _groups(results, "dataset")
    by = "dataset" if len(datasets) > 1 else "resample"
    if len(names) >= 2 and len(_groups(results, by)) >= 2:
        ranking = rank_results(results)
        n_blocks = len(ranking["block_labels"])
        what = (f"{n_blocks} datasets" if by == "dataset"
                else f"{n_blocks} resamples of {datasets[0]}")
        index = {name: i for i, name in enumerate(ranking["names"])}
        rows = [{"name": name, "mean_rank": f"{rank:.2f}",
                 "accuracy": f"{ranking['scores'][:, index[name]].mean():.4f}",
                 "best_on": int((ranking["scores"][:, index[name]]
                                 == ranking["scores"].max(axis=1)).sum())}
                for name, rank in ranking["mean_ranks"].items()]
        p = ranking["friedman_p"]
        test = "" if p is None else f"; Friedman test p = {p:.3g}"
        sections.append(
            f"## Mean rank over {what} (1 = most accurate{test})\n\n"
            + format_table(rows, ("name", "mean_rank", "accuracy", "best_on")))
    return "\n\n".join(sections)
