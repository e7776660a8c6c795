"""Printing, saving and plotting benchmark results."""

import csv
import math
import warnings
from pathlib import Path

import numpy as np

__all__ = [
    "COLUMNS",
    "format_summary",
    "format_table",
    "plot_critical_difference",
    "plot_results",
    "rank_results",
    "summarize_results",
    "write_results",
]

#: The optional extra that installs the statistics of the critical-difference
#: diagram (scikit-posthocs, which draws it, and matplotlib).
STATS_EXTRA = "pip install 'sktime_metric[stats]'"

#: Result keys, in table order.
COLUMNS = (
    "dataset", "name", "n_train", "n_test", "accuracy",
    "fit_s", "predict_s", "epochs", "epoch_s",
)
_FORMATS = {
    "accuracy": "{:.4f}", "fit_s": "{:.2f}", "predict_s": "{:.3f}", "epoch_s": "{:.4f}",
}


def _cell(key, value):
    if value is None:
        return "-"
    if isinstance(value, str):  # formatted by the caller
        return value
    return _FORMATS.get(key, "{}").format(value)


def format_table(results, columns=COLUMNS):
    """Results as a markdown table (through tabulate when it is installed).

    Parameters
    ----------
    results : list of dict
    columns : sequence of str, default=COLUMNS

    Returns
    -------
    table : str
    """
    rows = [[_cell(c, r.get(c)) for c in columns] for r in results]
    try:
        from tabulate import tabulate
    except ImportError:
        lines = [list(columns), ["---"] * len(columns), *rows]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    return tabulate(
        rows, headers=list(columns), tablefmt="github", disable_numparse=True
    )


def write_results(results, path, *, title=None, notes=(), columns=COLUMNS,
                  sections=()):
    """Write results to ``path``: ``.csv`` (raw numbers) or ``.md`` (a table).

    Parameters
    ----------
    results : list of dict
    path : str or Path
    title : str or None, default=None
        Markdown only: a heading above the table.
    notes : sequence of str, default=()
        Markdown only: bullet points below the table (e.g. targets).
    columns : sequence of str, default=COLUMNS
        Keys written, in order (other keys of ``results`` are left out).
    sections : sequence of str, default=()
        Markdown only: text written below the table and above the notes, e.g.
        :func:`format_summary`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(results)
    elif suffix == ".md":
        parts = [f"# {title}\n"] if title else []
        parts.append(format_table(results, columns) + "\n")
        parts.extend(section.rstrip("\n") + "\n" for section in sections)
        if notes:
            parts.append("\n".join(f"- {note}" for note in notes) + "\n")
        path.write_text("\n".join(parts))
    else:
        raise ValueError(f"Output must end in .csv or .md; got {str(path)!r}.")


def _labels(results):
    """Bar labels: the estimator names, prefixed by the dataset if several and
    followed by the resample if several."""
    datasets = {r.get("dataset", "") for r in results}
    labels = [r["name"] for r in results]
    if len(datasets) > 1:
        labels = [f"{r.get('dataset', '')}/{label}" for r, label in zip(results, labels)]
    if len({r.get("resample", 0) for r in results}) > 1:
        labels = [f"{label} #{r.get('resample', 0)}" for r, label in zip(results, labels)]
    return labels


def plot_results(results, path, *, title=None):
    """Save a PNG bar chart of test accuracy and seconds per estimator.

    Two panels share the estimator axis: test accuracy, and wall-clock seconds
    of ``fit`` and ``predict`` stacked. Drawn with matplotlib's Agg canvas
    directly, so pyplot's global backend is left alone (and no display is
    needed).

    Parameters
    ----------
    results : list of dict
        Rows of :func:`~sktime_metric.benchmarking.run_benchmark`: at least
        ``name``, ``accuracy``, ``fit_s`` and ``predict_s``.
    path : str or Path
        Where to write the PNG.
    title : str or None, default=None
        Figure title.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    try:
        import matplotlib  # noqa: F401  (first: its submodules may be cached)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "Plotting benchmark results needs matplotlib: pip install matplotlib"
        ) from exc
    if not results:
        raise ValueError("No results to plot.")
    labels = _labels(results)
    rows = range(len(results))
    accuracy = [r["accuracy"] for r in results]
    fit = [r["fit_s"] for r in results]
    predict = [r["predict_s"] for r in results]

    fig = Figure(figsize=(10, 1.6 + 0.4 * len(results)), layout="constrained")
    FigureCanvasAgg(fig)
    ax_acc, ax_time = fig.subplots(1, 2, sharey=True)
    ax_acc.barh(rows, accuracy, color="tab:blue")
    ax_acc.set_xlim(0, 1.12)
    ax_acc.set_xlabel("test accuracy")
    for i, value in enumerate(accuracy):
        ax_acc.text(value + 0.01, i, f"{value:.3f}", va="center", fontsize=8)
    ax_acc.set_yticks(list(rows), labels)
    ax_acc.invert_yaxis()  # registry order, top to bottom
    ax_time.barh(rows, fit, color="tab:orange", label="fit")
    ax_time.barh(rows, predict, left=fit, color="tab:green", label="predict")
    longest = max(f + p for f, p in zip(fit, predict)) or 1.0
    ax_time.set_xlim(0, 1.18 * longest)
    ax_time.set_xlabel("seconds (wall clock)")
    for i, (f, p) in enumerate(zip(fit, predict)):
        total = f + p
        ax_time.text(total + 0.01 * longest, i,
                     f"{total:.1f}" if total >= 1 else f"{total:.2f}", va="center",
                     fontsize=8)
    ax_time.legend(loc="lower right", fontsize=8)
    for ax in (ax_acc, ax_time):
        ax.grid(axis="x", alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.savefig(path, format="png", dpi=100)


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
    >>> summary["resamples"], round(summary["accuracy_mean"], 2), round(summary["accuracy_sd"], 4)
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
        If an estimator has no result on some block.

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


def _import_posthocs():
    try:
        import matplotlib  # noqa: F401
        import scikit_posthocs
    except ImportError as exc:
        raise ImportError(
            "The critical-difference diagram needs scikit-posthocs and matplotlib, "
            f"which are not installed: {STATS_EXTRA}"
        ) from exc
    return scikit_posthocs


def plot_critical_difference(results, path, *, alpha=0.05, title=None):
    """Save a critical-difference diagram of the estimators' ranks as a PNG.

    Demšar's diagram (J. Demšar, "Statistical comparisons of classifiers over
    multiple data sets", JMLR 7, 2006): the estimators' mean ranks over the
    blocks of :func:`rank_results` (datasets, or resamples of one dataset) on
    an axis, the Nemenyi critical difference of mean ranks in the title, and
    crossbars joining the estimators that the Nemenyi post-hoc test of the
    Friedman test does not tell apart at level ``alpha``. The test and the
    drawing are scikit-posthocs's (:func:`scikit_posthocs.posthoc_nemenyi_friedman`,
    :func:`scikit_posthocs.critical_difference_diagram`): install them with
    ``pip install 'sktime_metric[stats]'``.

    With few blocks no difference can be significant: read the diagram of 3
    datasets as a picture of the ranks, not as a test.

    Parameters
    ----------
    results : list of dict
        Rows of :func:`~sktime_metric.benchmarking.run_benchmark`: at least two
        estimators on at least two datasets, or two resamples of one.
    path : str or Path
        Where to write the PNG.
    alpha : float, default=0.05
        Significance level of the post-hoc test.
    title : str or None, default=None
        Figure title; a line on the test is added below it.

    Returns
    -------
    ranking : dict
        :func:`rank_results`'s, with ``p_values``, the Nemenyi p-values (a
        pandas DataFrame, estimators by estimators), and ``cd``, the critical
        difference of the mean ranks.

    Raises
    ------
    ImportError
        If scikit-posthocs or matplotlib is not installed.
    ValueError
        With fewer than two estimators or two blocks.
    """
    posthocs = _import_posthocs()
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from scipy.stats import studentized_range

    if not results:
        raise ValueError("No results to plot.")
    ranking = rank_results(results)
    n_blocks, k = ranking["scores"].shape
    if k < 2 or n_blocks < 2:
        raise ValueError(
            "A critical-difference diagram compares at least two estimators over at "
            f"least two datasets or resamples; got {k} estimator(s) over {n_blocks} "
            f"{ranking['blocks']}."
        )
    names = ranking["names"]
    p_values = posthocs.posthoc_nemenyi_friedman(
        pd.DataFrame(ranking["scores"], columns=names))
    cd = float(studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
               * np.sqrt(k * (k + 1) / (6 * n_blocks)))
    fig = Figure(figsize=(8, 1.6 + 0.3 * k), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    posthocs.critical_difference_diagram(
        pd.Series(ranking["mean_ranks"]), p_values, alpha=alpha, ax=ax)
    p = ranking["friedman_p"]
    test = (f"mean rank over {n_blocks} {ranking['blocks']} (1 = best); Nemenyi "
            f"post-hoc, alpha={alpha:g}, CD={cd:.2f}"
            + ("" if p is None else f"; Friedman p={p:.3g}"))
    fig.suptitle(f"{title}\n{test}" if title else test, fontsize=9)
    fig.savefig(path, format="png", dpi=100)
    return {**ranking, "p_values": p_values, "cd": cd}
