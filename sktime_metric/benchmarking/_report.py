"""Printing, saving and plotting benchmark results."""

import csv
from pathlib import Path

__all__ = ["COLUMNS", "format_table", "plot_results", "write_results"]

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


def write_results(results, path, *, title=None, notes=(), columns=COLUMNS):
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
        if notes:
            parts.append("\n".join(f"- {note}" for note in notes) + "\n")
        path.write_text("\n".join(parts))
    else:
        raise ValueError(f"Output must end in .csv or .md; got {str(path)!r}.")


def _labels(results):
    """Bar labels: the estimator names, prefixed by the dataset if several."""
    datasets = {r.get("dataset", "") for r in results}
    if len(datasets) > 1:
        return [f"{r.get('dataset', '')}/{r['name']}" for r in results]
    return [r["name"] for r in results]


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
