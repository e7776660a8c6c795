"""The ``sktime-metric`` command.

``sktime-metric benchmark`` fits the registered estimators
(:data:`sktime_metric.benchmarking.ESTIMATORS`) on one embedded dataset and
prints accuracy, fit and predict seconds as a markdown table::

    sktime-metric benchmark                         # JapaneseVowels, ~2 min
    sktime-metric benchmark --estimators all        # the whole registry
    sktime-metric benchmark --quick --dataset basic_motions
    sktime-metric benchmark --estimators tagm,dtw_1nn --output results.md

``python -m sktime_metric`` runs the same command.
"""

import argparse
import sys
import time
from pathlib import Path

from . import __version__

__all__ = ["main"]


def _build_parser():
    from .benchmarking import DATASETS, DEFAULT_ESTIMATORS, ESTIMATORS, MAX_EPOCHS

    parser = argparse.ArgumentParser(
        prog="sktime-metric",
        description="Sequence classifiers and metric learners: command-line tools.",
    )
    parser.add_argument(
        "--version", action="version", version=f"sktime-metric {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = commands.add_parser(
        "benchmark",
        help="compare the estimators on an embedded dataset",
        description=(
            "Fit every registered estimator on the same train/test split of an "
            "embedded dataset and print test accuracy, fit and predict seconds, "
            "epochs and median seconds per epoch."
        ),
    )
    bench.add_argument(
        "--dataset", default="japanese_vowels", choices=list(DATASETS),
        help="dataset to run on (default: %(default)s)",
    )
    bench.add_argument(
        "--estimators", default=",".join(DEFAULT_ESTIMATORS),
        help=f"comma-separated estimator names from: {','.join(ESTIMATORS)}, or "
        "'all' (default: %(default)s)",
    )
    size = bench.add_mutually_exclusive_group()
    size.add_argument(
        "--quick", action="store_const", dest="mode", const="quick",
        help=f"smoke run: at most 60/60 series, {MAX_EPOCHS['quick']} epochs",
    )
    size.add_argument(
        "--full", action="store_const", dest="mode", const="full",
        help=f"longer training: {MAX_EPOCHS['full']} epochs "
        f"(default {MAX_EPOCHS['default']})",
    )
    bench.set_defaults(mode="default")
    bench.add_argument(
        "--output", type=Path, default=None, metavar="PATH",
        help="also write the results to PATH (.csv or .md)",
    )
    bench.add_argument(
        "--random-state", type=int, default=0, metavar="INT",
        help="seed of the estimators and of the --quick subsample (default: 0)",
    )
    bench.add_argument(
        "--threads", type=int, default=1, metavar="INT",
        help="torch threads (default: 1; the models are small, and more threads "
        "spin-wait when cores are shared)",
    )
    bench.add_argument(
        "--no-progress", dest="progress", action="store_false",
        help="no progress bars on stderr",
    )
    return parser, bench


def _benchmark(args, parser):
    from .benchmarking import ESTIMATORS, format_table, run_benchmark, write_results

    if args.estimators.strip() == "all":
        args.estimators = ",".join(ESTIMATORS)
    names = [name.strip() for name in args.estimators.split(",") if name.strip()]
    unknown = [name for name in names if name not in ESTIMATORS]
    if unknown or not names:
        parser.error(
            f"unknown estimator(s): {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ESTIMATORS)}"
        )
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    if args.output is not None and args.output.suffix.lower() not in (".csv", ".md"):
        parser.error(f"--output must end in .csv or .md, got {str(args.output)!r}")

    start = time.perf_counter()
    results = run_benchmark(
        dataset=args.dataset, estimators=names, mode=args.mode,
        random_state=args.random_state, progress=args.progress,
        threads=args.threads,
    )
    total = time.perf_counter() - start
    title = f"sktime-metric benchmark: {args.dataset} ({args.mode} mode)"
    print(f"{title}\n\n{format_table(results)}\n\ntotal {total:.1f} s")
    if args.output is not None:
        write_results(results, args.output, title=title,
                      notes=[f"random_state={args.random_state}, "
                             f"threads={args.threads}, total {total:.1f} s"])
        print(f"results written to {args.output}")
    return 0


def main(argv=None):
    """Run the ``sktime-metric`` command.

    Parameters
    ----------
    argv : list of str or None, default=None
        Arguments without the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    exit_code : int
        0 on success, 2 on a usage error (unknown dataset or estimator, ...).
    """
    parser, bench = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return _benchmark(args, bench)
    except SystemExit as exc:  # argparse exits on errors, --help and --version
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1


if __name__ == "__main__":
    sys.exit(main())
