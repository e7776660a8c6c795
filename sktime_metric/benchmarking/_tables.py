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


def _default_columns(results):
    """:data:`COLUMNS`, with ``resample`` after ``name`` where a row is not of
    the given split.

    Without it the rows of several resamples (``run_benchmark(resample=i)``)
    cannot be told apart. Left out where every row is resample 0 (the given
    split: every run of one split), which the column would only repeat; a lone
    resample ``i > 0`` keeps it, as its scores are not the given split's.
    """
    if any(r.get("resample", 0) not in (0, None) for r in results):
        at = COLUMNS.index("name") + 1
        return (*COLUMNS[:at], "resample", *COLUMNS[at:])
    return COLUMNS


def format_table(results, columns=None):
    """Results as a markdown table.

    Through tabulate (which skorch installs), else a plainer table of the same
    cells.

    Parameters
    ----------
    results : list of dict
    columns : sequence of str or None, default=None
        Keys shown, in order. None: :data:`COLUMNS`, with ``resample`` after
        ``name`` when a row is of a resample other than 0 (the given split),
        so that the rows of several resamples can be told apart.

    Returns
    -------
    table : str

    Examples
    --------
    >>> from sktime_metric.benchmarking import format_table
    >>> rows = [{"name": "gru", "accuracy": 0.83333, "fit_s": 12.3456, "epochs": 2},
    ...         {"name": "dtw_1nn", "accuracy": 0.9, "fit_s": 0.01, "epochs": None}]
    >>> table = format_table(rows, ("name", "accuracy", "fit_s", "epochs"))
    >>> header, rule, *body = table.splitlines()  # rule: "|---|..." (tabulate: wider)
    >>> for line in (header, *body):
    ...     print(" ".join(line.split()))  # without the cells' padding
    | name | accuracy | fit_s | epochs |
    | gru | 0.8333 | 12.35 | 2 |
    | dtw_1nn | 0.9000 | 0.01 | - |
    """
    if columns is None:
        columns = _default_columns(results)
    rows = [[_cell(c, r.get(c)) for c in columns] for r in results]
    try:
        from tabulate import tabulate
    except ImportError:
        lines = [list(columns), ["---"] * len(columns), *rows]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    return tabulate(
        rows, headers=list(columns), tablefmt="github", disable_numparse=True
    )


def write_results(results, path, *, title=None, notes=(), columns=None,
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
    columns : sequence of str or None, default=None
        Keys written, in order (other keys of ``results`` are left out).
        None: as in :func:`format_table` (``resample`` added for the rows of
        several resamples).
    sections : sequence of str, default=()
        Markdown only: text written below the table and above the notes, e.g.
        :func:`format_summary`.

    Examples
    --------
    >>> import os, tempfile
    >>> from sktime_metric.benchmarking import write_results
    >>> rows = [{"dataset": "toy", "name": "gru", "accuracy": 0.75, "fit_s": 1.5}]
    >>> columns = ("dataset", "name", "accuracy", "fit_s")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_results(rows, os.path.join(folder, "results.csv"), columns=columns)
    ...     write_results(rows, os.path.join(folder, "results.md"), columns=columns,
    ...                   title="Toy benchmark", notes=["quick mode"])
    ...     with open(os.path.join(folder, "results.csv")) as f:
    ...         csv_lines = f.read().splitlines()
    ...     with open(os.path.join(folder, "results.md")) as f:
    ...         md_lines = f.read().splitlines()
    >>> csv_lines  # the raw numbers
    ['dataset,name,accuracy,fit_s', 'toy,gru,0.75,1.5']
    >>> md_lines[0], md_lines[-1]  # the title, the table, then the notes
    ('# Toy benchmark', '- quick mode')
    """
    path = Path(path)
    if columns is None:
        columns = _default_columns(results)
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
