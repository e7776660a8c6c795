"""The ``sktime-metric`` command.

``sktime-metric benchmark`` fits the registered estimators
(:data:`sktime_metric.benchmarking.ESTIMATORS`) on an embedded dataset and
prints accuracy, fit and predict seconds as a markdown table::

    sktime-metric benchmark                         # JapaneseVowels, < 2 min
    sktime-metric benchmark --mode default          # 200 epochs (converged)
    sktime-metric benchmark --full --dataset all    # 400 epochs, every dataset
    sktime-metric benchmark --quick --dataset basic_motions
    sktime-metric benchmark --estimators tagm,dtw_1nn --output results.md
    sktime-metric benchmark --plot results.png      # bar chart (matplotlib)
    sktime-metric benchmark --train my_train.npz --test my_test.npz
    sktime-metric benchmark --ucr-root ~/Univariate_ts --dataset Coffee,ECG200

``python -m sktime_metric`` runs the same command.
"""

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from . import __version__

__all__ = ["main"]


def _build_parser():
    from .benchmarking import (
        DATASETS,
        DEFAULT_ESTIMATORS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        MODES,
    )

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
        "--dataset", default="japanese_vowels",
        help=f"embedded dataset to run on ({', '.join(DATASETS)}), or 'all' of "
        "them one after the other; with --ucr-root, comma-separated names of the "
        "local archive (default: %(default)s)",
    )
    bench.add_argument(
        "--train", type=Path, default=None, metavar="FILE",
        help="your own training data instead: an .npz holding arrays X (n, T, d) "
        "NaN-padded, and y; a .ts file (UCR/UEA archive format); or a .tsv "
        "(univariate archive: label first). Needs --test",
    )
    bench.add_argument(
        "--test", type=Path, default=None, metavar="FILE",
        help="your own test data, in the same format as --train",
    )
    bench.add_argument(
        "--ucr-root", type=Path, default=None, metavar="DIR",
        help="a local copy of the UCR/UEA archive: --dataset names its folders "
        "(<DIR>/<NAME>/<NAME>_TRAIN.ts or .tsv)",
    )
    bench.add_argument(
        "--estimators", default=",".join(DEFAULT_ESTIMATORS),
        help=f"comma-separated estimator names from: {','.join(ESTIMATORS)}, or "
        "'all' (default: %(default)s)",
    )
    size = bench.add_mutually_exclusive_group()
    size.add_argument(
        "--mode", choices=MODES, default="fast",
        help="how long to train: quick (smoke run: at most 60/60 series), fast, "
        "default or full; epochs "
        + ", ".join(f"{m} {e}" for m, e in MAX_EPOCHS.items())
        + " (fast: " + ", ".join(f"{n} {e}" for n, e in FAST_EPOCHS.items())
        + ") (default: %(default)s, under two minutes on two cores)",
    )
    size.add_argument(
        "--quick", action="store_const", dest="mode", const="quick",
        help=f"same as --mode quick: at most 60/60 series, {MAX_EPOCHS['quick']} "
        "epochs, seconds; its numbers mean nothing",
    )
    size.add_argument(
        "--full", action="store_const", dest="mode", const="full",
        help=f"same as --mode full: {MAX_EPOCHS['full']} epochs",
    )
    bench.add_argument(
        "--output", type=Path, default=None, metavar="PATH",
        help="also write the results to PATH (.csv or .md)",
    )
    bench.add_argument(
        "--plot", type=Path, default=None, metavar="PATH",
        help="also draw a bar chart of accuracy and seconds per estimator to PATH "
        "(.png; needs matplotlib)",
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


def _load_user_file(path, parser):
    """``(X, y)`` of a user's file: .npz (arrays X and y), .ts or .tsv."""
    from .datasets import load_ts_file
    from .datasets._ts_format import _read_tsv

    if not path.is_file():
        parser.error(f"no such file: {str(path)!r}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                missing = [k for k in ("X", "y") if k not in archive.files]
                if missing:
                    parser.error(f"{str(path)!r} has no array(s) {missing}; an .npz "
                                 f"needs X and y (it has {archive.files})")
                return archive["X"], archive["y"]
        if suffix == ".ts":
            X, y = load_ts_file(path)
            if y is None:
                parser.error(f"{str(path)!r} has no class labels (@classLabel false)")
            return X, y
        if suffix == ".tsv":
            return _read_tsv(path)
    except ValueError as exc:
        parser.error(str(exc))
    parser.error(f"{str(path)!r}: --train/--test take .npz, .ts or .tsv files")


def _datasets(args, parser, embedded):
    """``(label, data)`` pairs to run: embedded sets (data None), files or archive."""
    from .datasets import load_ucr_uea

    if (args.train is None) != (args.test is None):
        parser.error("--train and --test go together")
    if args.train is not None:
        if args.ucr_root is not None:
            parser.error("--train/--test and --ucr-root are alternatives")
        data = (*_load_user_file(args.train, parser),
                *_load_user_file(args.test, parser))
        return [(args.train.stem.removesuffix("_TRAIN"), data)]
    names = [n.strip() for n in args.dataset.split(",") if n.strip()]
    if args.ucr_root is not None:
        out = []
        for name in names:
            try:
                out.append((name, load_ucr_uea(name, args.ucr_root)))
            except (FileNotFoundError, ValueError) as exc:
                parser.error(str(exc))
        return out
    if names == ["all"]:
        return [(name, None) for name in embedded]
    unknown = [n for n in names if n not in embedded]
    if unknown:
        parser.error(f"unknown dataset(s) {unknown}: choose from {', '.join(embedded)} "
                     "or 'all', or give your own with --train/--test or --ucr-root")
    return [(name, None) for name in names]


def _check_plot(path, parser):
    """Fail before the run, not after it, when the chart cannot be drawn."""
    if path.suffix.lower() != ".png":
        parser.error(f"--plot must end in .png, got {str(path)!r}")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error("--plot needs matplotlib, which is not installed: "
                     "pip install matplotlib")


def _benchmark(args, parser):
    from .benchmarking import (
        DATASETS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        format_table,
        plot_results,
        run_benchmark,
        write_results,
    )

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
    if args.plot is not None:
        _check_plot(args.plot, parser)

    runs = _datasets(args, parser, DATASETS)
    label = (args.dataset if args.train is None and args.ucr_root is None
             else ", ".join(name for name, _ in runs))
    start, results = time.perf_counter(), []
    for dataset, data in runs:
        results += run_benchmark(
            dataset=dataset, estimators=names, mode=args.mode,
            random_state=args.random_state, progress=args.progress,
            threads=args.threads, data=data,
        )
    total = time.perf_counter() - start
    epochs = ", ".join([f"{MAX_EPOCHS[args.mode]} epochs", *(
        f"{name} {n}" for name, n in FAST_EPOCHS.items()
        if args.mode == "fast" and name in names)])
    title = f"sktime-metric benchmark: {label} ({args.mode} mode, {epochs})"
    print(f"{title}\n\n{format_table(results)}\n\ntotal {total:.1f} s")
    if args.output is not None:
        write_results(results, args.output, title=title, notes=[
            f"random_state={args.random_state}, threads={args.threads}, "
            f"total {total:.1f} s",
            f"{date.today().isoformat()}, {os.cpu_count()} CPUs ({_cpu_model()}), "
            f"{platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, torch {_torch_version()} "
            f"({_kernels()} kernels)",
        ])
        print(f"results written to {args.output}")
    if args.plot is not None:
        plot_results(results, args.plot, title=title)
        print(f"chart written to {args.plot}")
    return 0


def _torch_version():
    import torch

    return torch.__version__


def _kernels():
    """The CPU kernels torch dispatches to (AVX512, AVX2, DEFAULT...): low bits of
    every float result, hence of seeded accuracies, depend on them."""
    import torch

    return torch.backends.cpu.get_cpu_capability()


def _cpu_model():
    """The processor's model name, where the platform tells it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


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
