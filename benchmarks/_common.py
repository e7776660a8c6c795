"""Helpers shared by the ``bench_*.py`` scripts (and ``reproduce.py``).

The registry, the modes, the runner and table/CSV writing live in
:mod:`sktime_metric.benchmarking`; this module adds only what scripts repeat:
the common command-line options, a wall-clock timer, interleaved timing, the
growth exponent of a cost, the mean over seeds, resampling series to vectors,
the printed and written reports and the JSON file of the papers' claims (``--json``, read by
``reproduce.py``).
"""

import gc
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from sktime_metric.benchmarking import MODES, format_table, write_results
from sktime_metric.utils.validation import sequence_lengths

from ._claims import claim_records, write_claims

#: The modes the scripts run in: the library's :data:`MODES` but ``"fast"``,
#: which is ``sktime-metric benchmark``'s alone.
SCRIPT_MODES = tuple(mode for mode in MODES if mode != "fast")


def add_common_arguments(parser):
    """Add the options every script shares: mode, output, claims, seed, progress.

    ``--quick`` and ``--full`` set ``args.mode`` (default ``"default"``), one of
    :data:`SCRIPT_MODES`.
    """
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", dest="mode", const="quick",
                      help="tiny run (seconds), the one the test suite runs")
    size.add_argument("--full", action="store_const", dest="mode", const="full",
                      help="longer training / more data")
    parser.set_defaults(mode="default")
    parser.add_argument("--output", default=None, metavar="PATH",
                        help="also write the results to PATH (.csv or .md)")
    parser.add_argument("--json", default=None, metavar="PATH",
                        help="also write the papers' claims with our numbers and "
                        "verdicts as JSON (what reproduce.py renders)")
    parser.add_argument("--random-state", type=int, default=0, metavar="INT")
    parser.add_argument("--threads", type=int, default=1, metavar="INT",
                        help="torch threads (default: 1)")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no progress bars on stderr")
    return parser


@contextmanager
def timer():
    """Context manager yielding a dict whose ``"s"`` is set to the elapsed seconds."""
    elapsed = {"s": None}
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed["s"] = time.perf_counter() - start


def interleaved_ms(functions, repeats, warmup=2):
    """Median milliseconds of each function, timed in alternation.

    Each function is called ``warmup`` times untimed first; the call order is
    rotated every repetition (no function always runs first, or right after
    the same one) and garbage collection is off while timing.

    Returns
    -------
    ms : ndarray of shape (len(functions),)
        Median milliseconds of each function.
    times : ndarray of shape (repeats, len(functions))
        Seconds of every call, for per-repetition ratios.
    """
    for f in functions:
        for _ in range(warmup):
            f()
    times = np.empty((repeats, len(functions)))
    enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            for k in np.roll(np.arange(len(functions)), r):
                start = time.perf_counter()
                functions[k]()
                times[r, k] = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    return 1e3 * np.median(times, axis=0), times


def growth_exponent(sizes, seconds):
    """Slope of the least-squares line through ``(log size, log seconds)``."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


class ResampleFlatten(TransformerMixin, BaseEstimator):
    """Resample every series to one length, then flatten it to a vector.

    What a user does to run a vector method (Euclidean 1-NN, a Mahalanobis
    learner) on variable-length series: each series is linearly resampled over
    its own length (tslearn's ``TimeSeriesResampler``), so equal-length data
    pass through unchanged, and its ``(length, n_channels)`` values become one
    row.

    Parameters
    ----------
    length : int or None, default=None
        None: the longest training length.
    """

    def __init__(self, length=None):
        self.length = length

    def fit(self, X, y=None):
        self.length_ = (int(sequence_lengths(X).max()) if self.length is None
                        else int(self.length))
        return self

    def transform(self, X):
        from tslearn.preprocessing import TimeSeriesResampler

        X = TimeSeriesResampler(sz=self.length_).fit_transform(X)
        return X.reshape(len(X), -1)


def seeds_text(values, digits=3):
    """Per-seed values as ``"0.570 / 0.604 / 0.523"`` (a table cell)."""
    return " / ".join(f"{v:.{digits}f}" for v in values)


def mean_over_seeds(rows, keys, means=()):
    """One result row from the rows of several seeds (the first row's other fields).

    Each of ``keys`` becomes the mean over the seeds, with the per-seed values
    in ``<key>_seeds`` (:func:`seeds_text`); each of ``means`` that is not None
    becomes the mean only.
    """
    row = dict(rows[0])
    for key in keys:
        values = [r[key] for r in rows]
        row.update({key: float(np.mean(values)), f"{key}_seeds": seeds_text(values)})
    for key in means:
        if row.get(key) is not None:
            row[key] = float(np.mean([r[key] for r in rows]))
    return row


def rounded_rows(rows, digits=4):
    """Result rows with their floats rounded, as the tables show them."""
    return [{k: round(v, digits) if isinstance(v, float) else v for k, v in r.items()}
            for r in rows]


def verdict(ok):
    """The word for a target: ``"holds"``, ``"does not hold"`` or not measured."""
    if ok is None:
        return "not measured"
    return "holds" if ok else "does not hold"


def claim_lines(claims, measured, digits=4):
    """One line per claim: its criterion, our numbers and the verdict.

    ``measured`` maps a claim id to ``(numbers, ok, ...)`` as for
    :func:`~benchmarks._claims.claim_records`; a claim it lacks reads
    "n/a -> not measured".
    """
    lines = []
    for claim in claims:
        ours, ok, *_ = measured.get(claim.id, ({}, None))
        numbers = ", ".join(f"{k} {v:.{digits}f}" for k, v in ours.items()
                            if v is not None)
        lines.append(f"{claim.claim}: {numbers or 'n/a'} -> {verdict(ok)}")
    return lines


def find(results, dataset, name):
    """The result row of ``name`` on ``dataset``, or None."""
    for row in results:
        if row["dataset"] == dataset and row["name"] == name:
            return row
    return None


def epoch_ratio(results, dataset, numerator="tagm", denominator="gru"):
    """Median seconds per epoch of ``numerator`` over ``denominator``, or None."""
    num, den = find(results, dataset, numerator), find(results, dataset, denominator)
    if num is None or den is None or not num["epoch_s"] or not den["epoch_s"]:
        return None
    return num["epoch_s"] / den["epoch_s"]


def report(results, notes, *, title, output=None):
    """Print the table and the target notes; write them to ``output`` if given."""
    print(f"\n{title}\n\n{format_table(results)}\n")
    print("Targets")
    for note in notes:
        print(f"- {note}")
    if output:
        write_results(results, output, title=title, notes=notes)
        print(f"\nresults written to {output}")


def peak_rss_mb():
    """This process's peak resident memory so far, in MB (``ru_maxrss``, Linux).

    A process's peak cannot be reset: measure each operation in a fresh process.
    """
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def write_report(text, output=None):
    """Print a script's Markdown report; write it to ``output`` (``--output``) if given."""
    print(f"\n{text}")
    if output:
        Path(output).write_text(text + "\n")
        print(f"\nresults written to {output}")


def save_claims(args, script, claims, measured, *, title, total_s=None):
    """Write the claim records of a run to ``args.json`` (if given).

    Parameters
    ----------
    args : argparse.Namespace
        With ``json`` and ``mode``.
    script : str
        The script's name, e.g. ``"bench_tagm"``.
    claims : list of Claim
        The script's declarations.
    measured : dict
        ``{claim id: (ours, ok[, note])}``; see :func:`_claims.claim_records`.
    title : str
    total_s : float or None, default=None

    Returns
    -------
    records : list of dict
    """
    records = claim_records(claims, measured, args.mode)
    if args.json:
        write_claims(args.json, records, script=script, mode=args.mode, title=title,
                     total_s=total_s)
        print(f"claims written to {args.json}")
    return records
