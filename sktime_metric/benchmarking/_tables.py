"""Result rows as markdown tables and as files (``.csv``, ``.md``).

One row per run (a dict of :func:`~sktime_metric.benchmarking.run_benchmark`);
:data:`COLUMNS` is the order of its keys in every table.
"""

import csv
from pathlib import Path

__all__ = ["COLUMNS", "format_table", "write_results"]

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
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(results)
    elif suffix == ".md":
        parts = [f"# {title}\n"] if title else []
        parts.append(format_table(results, columns) + "\n")
        parts.extend(section.rstrip("\n") + "\n" for section in sections)
        if notes:
            parts.append("\n".join(f"- {note}" for note in notes) + "\n")
        path.write_text("\n".join(parts), encoding="utf-8")
    else:
        raise ValueError(f"Output must end in .csv or .md; got {str(path)!r}.")
