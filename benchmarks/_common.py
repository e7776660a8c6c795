"""Helpers shared by the ``bench_*.py`` scripts.

The registry, the runner and table/CSV writing live in
:mod:`sktime_metric.benchmarking`; this module adds only what scripts repeat:
the common command-line options, a wall-clock timer, the target report and the
JSON file of the papers' claims (``--json``, read by ``reproduce.py``).
"""

import time
from contextlib import contextmanager

from _claims import claim_records, write_claims

from sktime_metric.benchmarking import format_table, write_results


def add_common_arguments(parser):
    """Add the options every script shares: mode, output, claims, seed, progress.

    ``--quick`` and ``--full`` set ``args.mode`` (default ``"default"``).
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


def verdict(ok):
    """The word for a target: ``"holds"``, ``"does not hold"`` or not measured."""
    if ok is None:
        return "not measured"
    return "holds" if ok else "does not hold"


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
