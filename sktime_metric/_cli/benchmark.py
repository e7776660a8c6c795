"""``sktime-metric benchmark``: its options, its datasets, the run and the report.

The registered estimators (:data:`sktime_metric.benchmarking.ESTIMATORS`) are
fitted on embedded datasets, the user's files or a local UCR/UEA archive, over
one split or several resamples; the results are printed as markdown tables (with
mean ± sd and mean ranks over resamples or datasets), and optionally written to
a file with a note on the machine, and drawn.
"""

import argparse
import time
from datetime import date
from pathlib import Path

from .files import (
    add_file_options,
    check_output_path,
    labels_as_text_if_mixed,
    load_user_file,
    output_folder,
    output_path,
    usage_message,
    warn_unseen_labels,
)

_EXAMPLES = """\
examples:
  sktime-metric benchmark                        # JapaneseVowels, fast mode
  sktime-metric benchmark --quick --dataset all --estimators gru,dtw_1nn
  sktime-metric benchmark --train train.npz --test test.npz --output results.md
  sktime-metric benchmark --train train.csv --test test.csv --resamples 10 \\
      --label-column activity
  sktime-metric benchmark --ucr-root ~/Univariate_ts --dataset Coffee,ECG200,GunPoint \\
      --resamples 5 --plot cd.png

A long-format CSV has one row per series and time step: columns series_id, time,
the channels, and the series' label (names set by the options above).
--resamples N runs the given split (resample 0) and N-1 stratified resamples of
train + test with the same training class counts, resample i seeded with
--random-state + i, as the UCR/UEA bake-offs do; the table then gains mean ± sd
per estimator and dataset, and with several datasets (or resamples) the mean
ranks. --plot draws a critical-difference diagram then (scikit-posthocs:
pip install 'sktime_metric[stats]'), a bar chart for a single run.
"""


def add_command(commands):
    """Add the ``benchmark`` subcommand to ``commands``; returns its parser."""
    from ..benchmarking import (
        DATASETS,
        DEFAULT_ESTIMATORS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        MODES,
    )

    bench = commands.add_parser(
        "benchmark",
        help="compare the estimators on an embedded dataset or your own data",
        description=(
            "Fit every registered estimator on the same train/test split of an\n"
            "embedded dataset, of your own files or of a local UCR/UEA archive,\n"
            "and print test accuracy, fit and predict seconds, epochs and median\n"
            "seconds per epoch."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument(
        "--dataset", default="japanese_vowels",
        help=f"embedded dataset to run on ({', '.join(DATASETS)}), or 'all' of "
        "them one after the other; with --ucr-root, comma-separated names of the "
        "local archive, or 'all' of the datasets it holds (default: %(default)s)",
    )
    bench.add_argument(
        "--train", type=Path, default=None, metavar="FILE",
        help="your own training data instead: an .npz holding arrays X (n, T, d) "
        "NaN-padded, and y; a long-format .csv (see below); a .ts file (UCR/UEA "
        "archive format); or a .tsv (univariate archive: label first). Needs --test",
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
        "--resamples", type=int, default=1, metavar="N",
        help="run the given split and N-1 stratified resamples of train + test "
        "(same training class counts, resample i seeded with --random-state + i); "
        "the table gains mean ± sd and mean ranks (default: %(default)s)",
    )
    bench.add_argument(
        "--output", type=output_path, default=None, metavar="PATH",
        help="also write the results to PATH (.csv: one row per run; .md: the "
        "tables)",
    )
    bench.add_argument(
        "--plot", type=output_path, default=None, metavar="PATH",
        help="also draw to PATH (.png): for several datasets or resamples and two "
        "estimators or more, a critical-difference diagram of the mean ranks "
        "(Friedman test, Nemenyi post-hoc; needs scikit-posthocs: pip install "
        "'sktime_metric[stats]'); otherwise a bar chart of accuracy and seconds "
        "per estimator (needs matplotlib)",
    )
    bench.add_argument(
        "--random-state", type=int, default=0, metavar="INT",
        help="seed of the estimators, of the --quick subsample and of the "
        "resamples (default: 0)",
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
    add_file_options(bench, "column of the series' class labels")
    return bench


def _datasets(args, parser, embedded, archive=None):
    """``(label, data)`` pairs to run: embedded sets, files or archive.

    ``archive``: the datasets of ``--ucr-root``, where :func:`run` has listed
    them already (a glob of the folder); None: listed here if needed.
    """
    from ..datasets import load_ucr_uea
    from ..datasets._ts_format import _archive_datasets

    if (args.train is None) != (args.test is None):
        parser.error("--train and --test go together")
    if args.train is not None:
        if args.ucr_root is not None:
            parser.error("--train/--test and --ucr-root are alternatives")
        X_train, y_train, _, names = load_user_file(args.train, parser, args)
        # a CSV's channels by --train's names: columns in another order (or
        # more columns) in --test were read as the channels they are not
        X_test, y_test, _, _ = load_user_file(
            args.test, parser, args,
            channels=None if names is None else (names, "--train"))
        if X_train.shape[2] != X_test.shape[2]:
            parser.error(f"--train has {X_train.shape[2]} channel(s), --test "
                         f"{X_test.shape[2]}")
        y_train, y_test = labels_as_text_if_mixed(y_train, y_test)
        warn_unseen_labels(y_train, y_test, "--test", "--train")
        return [(args.train.stem.removesuffix("_TRAIN").removesuffix("_train"),
                 (X_train, y_train, X_test, y_test))]
    names = [n.strip() for n in args.dataset.split(",") if n.strip()]
    if args.ucr_root is not None:
        if names == ["all"]:
            names = (_archive_datasets(args.ucr_root) if archive is None
                     else archive)
            if not names:
                parser.error(f"--dataset all: no dataset in --ucr-root "
                             f"{str(args.ucr_root)!r} (no <NAME>/<NAME>_TRAIN and "
                             "_TEST .ts or .tsv files)")
        out = []
        for name in names:
            try:
                out.append((name, load_ucr_uea(name, args.ucr_root,
                                               missing=args.missing)))
            except (FileNotFoundError, ValueError) as exc:
                parser.error(usage_message(exc))
        return out
    if names == ["all"]:
        names = list(embedded)
    unknown = [n for n in names if n not in embedded]
    if unknown:
        parser.error(f"unknown dataset(s) {unknown}: choose from {', '.join(embedded)} "
                     "or 'all', or give your own with --train/--test or --ucr-root")
    return [(name, embedded[name]()) for name in names]


def _check_plot(path, parser, critical_difference):
    """Fail before the run, not after it, when the chart cannot be drawn."""
    if path.suffix.lower() != ".png":
        parser.error(f"--plot must end in .png, got {str(path)!r}")
    if critical_difference:
        from ..benchmarking._plots import STATS_EXTRA, _import_posthocs

        try:
            _import_posthocs()
        except ImportError:
            parser.error("--plot of several datasets or resamples draws a "
                         "critical-difference diagram, which needs scikit-posthocs "
                         f"and matplotlib: {STATS_EXTRA}")
        return
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error("--plot needs matplotlib, which is not installed: "
                     "pip install matplotlib")


def run(args, parser):
    """Run ``sktime-metric benchmark``; returns the exit code."""
    from ..benchmarking import (
        DATASETS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        format_summary,
        format_table,
        machine_description,
        plot_critical_difference,
        plot_results,
        run_benchmark,
        write_results,
    )
    from ..benchmarking._registry import check_requirements
    from ..datasets._ts_format import _archive_datasets

    if args.estimators.strip() == "all":
        args.estimators = ",".join(ESTIMATORS)
    names = [name.strip() for name in args.estimators.split(",") if name.strip()]
    unknown = [name for name in names if name not in ESTIMATORS]
    if unknown or not names:
        parser.error(
            f"unknown estimator(s): {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ESTIMATORS)}"
        )
    try:  # an optional library missing: say so now, not after the other fits
        check_requirements(names)
    except ImportError as exc:
        parser.error(f"{exc}; or leave it out of --estimators")
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    if args.resamples < 1:
        parser.error(f"--resamples must be >= 1, got {args.resamples}")
    if args.output is not None and args.output.suffix.lower() not in (".csv", ".md"):
        parser.error(f"--output must end in .csv or .md, got {str(args.output)!r}")
    # the archive's datasets, listed once: counted here, loaded by _datasets
    archive = (_archive_datasets(args.ucr_root) if args.train is None
               and args.ucr_root is not None and args.dataset.strip() == "all"
               else None)
    # the datasets a name or folder asks for (embedded ones are known without loading)
    n_datasets = (1 if args.train is not None
                  else len([n for n in args.dataset.split(",") if n.strip()])
                  if args.dataset.strip() != "all"
                  else len(DATASETS) if args.ucr_root is None
                  else len(archive))
    critical_difference = len(names) >= 2 and (n_datasets > 1 or args.resamples > 1)
    if args.plot is not None:
        _check_plot(args.plot, parser, critical_difference)
    inputs = [("--train", args.train), ("--test", args.test)]
    # before the run, not after
    check_output_path(args.output, parser, "--output", inputs)
    check_output_path(args.plot, parser, "--plot",
                      [*inputs, ("--output", args.output)])

    runs = _datasets(args, parser, DATASETS, archive)
    label = (args.dataset if args.train is None and args.ucr_root is None
             else ", ".join(name for name, _ in runs))
    start, results = time.perf_counter(), []
    for dataset, data in runs:
        for resample in range(args.resamples):
            try:
                results += run_benchmark(
                    dataset=dataset, estimators=names, mode=args.mode,
                    random_state=args.random_state, progress=args.progress,
                    threads=args.threads, data=data, resample=resample,
                )
            except ValueError as exc:  # the user's data, refused by an estimator
                parser.error(f"{exc} (leave it out of --estimators to run the "
                             "others)")
    total = time.perf_counter() - start
    epochs = ", ".join([f"{MAX_EPOCHS[args.mode]} epochs", *(
        f"{name} {n}" for name, n in FAST_EPOCHS.items()
        if args.mode == "fast" and name in names)])
    if args.resamples > 1:
        epochs += f"; {args.resamples} resamples"
    title = f"sktime-metric benchmark: {label} ({args.mode} mode, {epochs})"
    summary = format_summary(results)
    # the default columns add resample where the rows are of several resamples
    print(f"{title}\n\n{format_table(results)}\n")
    if summary:
        print(f"{summary}\n")
    print(f"total {total:.1f} s")
    output_folder(args.output)
    output_folder(args.plot)
    if args.output is not None:
        write_results(results, args.output, title=title,
                      sections=[summary] if summary else (), notes=[
            (f"random_state={args.random_state}, threads={args.threads}, "
             f"total {total:.1f} s"),
            f"{date.today().isoformat()}, {machine_description()}",
        ])
        print(f"results written to {args.output}")
    if args.plot is not None:
        if critical_difference:
            plot_critical_difference(results, args.plot, title=title)
            print(f"critical-difference diagram written to {args.plot}")
        else:
            plot_results(results, args.plot, title=title)
            print(f"chart written to {args.plot}")
    return 0
