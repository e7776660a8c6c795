"""Charts of benchmark results, drawn to PNG files.

:func:`plot_results`: a bar chart of accuracy and seconds per run (matplotlib);
:func:`plot_critical_difference`: Demšar's critical-difference diagram of the
mean ranks (scikit-posthocs, the ``stats`` extra). Both draw on matplotlib's Agg
canvas directly, leaving pyplot's global backend alone.
"""

import numpy as np

from ._statistics import rank_results

__all__ = ["plot_critical_difference", "plot_results"]

#: The optional extra that installs the statistics of the critical-difference
#: diagram (scikit-posthocs, which draws it, and matplotlib).
STATS_EXTRA = "pip install 'sktime_metric[stats]'"


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

    Examples
    --------
    >>> import os, tempfile
    >>> from matplotlib.image import imread
    >>> from sktime_metric.benchmarking import plot_results
    >>> rows = [{"name": "gru", "accuracy": 0.8, "fit_s": 2.0, "predict_s": 0.1},
    ...         {"name": "dtw_1nn", "accuracy": 0.9, "fit_s": 0.0, "predict_s": 3.0}]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "results.png")
    ...     plot_results(rows, path, title="Toy benchmark")
    ...     image = imread(path)
    >>> image.shape  # RGBA pixels: 1000 wide, 160 + 40 per row high
    (240, 1000, 4)
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

    Examples
    --------
    >>> import os, tempfile
    >>> from sktime_metric.benchmarking import plot_critical_difference
    >>> accuracies = {"a": (0.9, 0.8, 0.7), "b": (0.8, 0.85, 0.6),
    ...               "c": (0.95, 0.9, 0.9), "d": (0.7, 0.6, 0.5)}
    >>> rows = [{"dataset": dataset, "name": name, "accuracy": acc}
    ...         for dataset, accs in accuracies.items()
    ...         for name, acc in zip(("gru", "hcrf", "dtw_1nn"), accs)]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     ranking = plot_critical_difference(rows, os.path.join(folder, "cd.png"))
    >>> ranking["blocks"], ranking["mean_ranks"]
    ('datasets', {'gru': 1.25, 'hcrf': 1.875, 'dtw_1nn': 2.875})
    >>> # 4 datasets: even ranks 1.625 apart stay within the critical difference
    >>> round(ranking["cd"], 2), round(ranking["friedman_p"], 2)
    (1.66, 0.06)
    >>> ranking["p_values"].shape  # Nemenyi's, estimators by estimators
    (3, 3)
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
