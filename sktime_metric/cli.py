"""The ``sktime-metric`` command.

``sktime-metric benchmark`` fits the registered estimators
(:data:`sktime_metric.benchmarking.ESTIMATORS`) on an embedded dataset, the
user's files or a local UCR/UEA archive and prints accuracy, fit and predict
seconds as a markdown table; with ``--resamples`` or several datasets, also mean
± sd and mean ranks::

    sktime-metric benchmark                         # JapaneseVowels, < 2 min
    sktime-metric benchmark --mode default          # 200 epochs (converged)
    sktime-metric benchmark --full --dataset all    # 400 epochs, every dataset
    sktime-metric benchmark --quick --dataset basic_motions
    sktime-metric benchmark --estimators tagm,dtw_1nn --output results.md
    sktime-metric benchmark --plot results.png      # bar chart (matplotlib)
    sktime-metric benchmark --train my_train.npz --test my_test.npz
    sktime-metric benchmark --train train.csv --test test.csv --resamples 10
    sktime-metric benchmark --ucr-root ~/Univariate_ts --dataset Coffee,ECG200 \
        --resamples 5 --plot cd.png                 # critical-difference diagram

``sktime-metric fit`` trains one classifier on a file and saves it with
:func:`sktime_metric.persistence.save_weights`; ``sktime-metric predict`` loads
it with :func:`~sktime_metric.persistence.load_weights` and writes one
prediction per series to a CSV file::

    sktime-metric fit --train train.csv --estimator tagm --output model.zip
    sktime-metric predict --model model.zip --input new.csv --output predictions.csv

``python -m sktime_metric`` runs the same command.
"""

import argparse
import ast
import csv
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from . import __version__

__all__ = ["main"]

#: Registry names ``sktime-metric fit`` accepts: those whose estimator is one
#: classifier of this package (``save_weights`` stores those; the ``*_1nn``
#: entries are pipelines or tslearn's k-NN).
FIT_REGISTRY = ("tagm", "gru", "lstm", "hulm", "hcrf")

_BENCHMARK_EXAMPLES = """\
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

_FIT_EXAMPLES = """\
examples:
  sktime-metric fit --train train.csv --estimator tagm --output model.zip
  sktime-metric fit --train Coffee_TRAIN.ts --estimator gru --max-epochs 50 \\
      --output gru.zip
  sktime-metric fit --train train.npz --estimator RNNClassifier \\
      --param cell=lstm --param hidden_size=64 --output lstm.zip

--estimator takes
  - the benchmark registry's names of single classifiers, trained as
    `sktime-metric benchmark --mode MODE` trains them: {registry};
  - or a class name of sktime_metric.classification, with its defaults:
    {classes}.
--max-epochs and --param NAME=VALUE (a Python literal, else text; repeatable)
override parameters. The model is saved with sktime_metric.persistence.save_weights
(skops + safetensors: loading it runs no code from the file).
"""

_PREDICT_EXAMPLES = """\
examples:
  sktime-metric predict --model model.zip --input new.csv --output predictions.csv
  sktime-metric predict --model model.zip --input Coffee_TEST.ts   # CSV to stdout

The output has one row per series: series_id (the CSV's identifiers, else the
series' index from 0) and predicted_label, plus label when the input has labels
(the accuracy is then reported too).
"""


def _add_file_options(parser, label_help):
    """The columns of a long-format CSV file (--train/--test/--input)."""
    group = parser.add_argument_group(
        "long-format CSV files",
        "one row per series and time step: a series column, a time column,\n"
        "the channel columns (every other column) and a label column",
    )
    group.add_argument("--series-column", default="series_id", metavar="NAME",
                       help="column identifying the series (default: %(default)s)")
    group.add_argument("--time-column", default="time", metavar="NAME",
                       help="column of time stamps, numbers or ISO 8601 dates, "
                       "that order each series' rows (default: %(default)s)")
    group.add_argument("--label-column", default="label", metavar="NAME",
                       help=label_help + " (default: %(default)s)")


def _build_parser():
    from .benchmarking import (
        DATASETS,
        DEFAULT_ESTIMATORS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        MODES,
    )
    from .classification import __all__ as classifiers

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
        help="compare the estimators on an embedded dataset or your own data",
        description=(
            "Fit every registered estimator on the same train/test split of an\n"
            "embedded dataset, of your own files or of a local UCR/UEA archive,\n"
            "and print test accuracy, fit and predict seconds, epochs and median\n"
            "seconds per epoch."
        ),
        epilog=_BENCHMARK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--output", type=Path, default=None, metavar="PATH",
        help="also write the results to PATH (.csv: one row per run; .md: the "
        "tables)",
    )
    bench.add_argument(
        "--plot", type=Path, default=None, metavar="PATH",
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
    _add_file_options(bench, "column of the series' class labels")

    fit = commands.add_parser(
        "fit",
        help="train one classifier on a file and save it",
        description="Fit one classifier on your training file and save it\n"
        "(weights-only format) for `sktime-metric predict`.",
        epilog=_FIT_EXAMPLES.format(registry=", ".join(FIT_REGISTRY),
                                    classes=", ".join(classifiers)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("--train", type=Path, required=True, metavar="FILE",
                     help="training data: .npz (X, y), long-format .csv, .ts or .tsv")
    fit.add_argument("--estimator", required=True, metavar="NAME",
                     help=f"one of {', '.join(FIT_REGISTRY)} (the benchmark "
                     f"registry's), or a class name: {', '.join(classifiers)}")
    fit.add_argument("--output", type=Path, required=True, metavar="PATH",
                     help="where to save the fitted model (conventionally .zip)")
    fit.add_argument(
        "--mode", choices=MODES, default="default",
        help="registry names: epochs as in the benchmark's mode "
        + ", ".join(f"{m} {e}" for m, e in MAX_EPOCHS.items())
        + " (default: %(default)s); class names keep their own defaults",
    )
    fit.add_argument("--max-epochs", type=int, default=None, metavar="INT",
                     help="train this many epochs (overrides --mode)")
    fit.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="set an estimator parameter; VALUE is a Python literal "
                     "(7, 0.1, 'lstm', True), else taken as text; repeatable")
    fit.add_argument("--random-state", type=int, default=0, metavar="INT",
                     help="seed of the fit (default: 0)")
    fit.add_argument("--threads", type=int, default=1, metavar="INT",
                     help="torch threads (default: 1)")
    fit.add_argument("--no-progress", dest="progress", action="store_false",
                     help="no progress bar on stderr")
    _add_file_options(fit, "column of the series' class labels")

    predict = commands.add_parser(
        "predict",
        help="predict the labels of a file's series with a saved model",
        description="Load a model saved by `sktime-metric fit` (or by\n"
        "sktime_metric.persistence.save_weights) and predict one label per\n"
        "series of the input file.",
        epilog=_PREDICT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    predict.add_argument("--model", type=Path, required=True, metavar="FILE",
                         help="the saved model (.zip of sktime-metric fit)")
    predict.add_argument("--input", type=Path, required=True, metavar="FILE",
                         help="series to predict: .npz (X, and y if known), "
                         "long-format .csv, .ts or .tsv; labels are optional")
    predict.add_argument("--output", type=Path, default=None, metavar="PATH",
                         help="CSV file of the predictions (default: standard output)")
    predict.add_argument("--device", default="cpu",
                         help="where the model runs, e.g. cpu or cuda "
                         "(default: %(default)s)")
    _add_file_options(predict, "column of known labels, used only if the file "
                      "has it: the accuracy is reported")
    return parser, {"benchmark": bench, "fit": fit, "predict": predict}


def _csv_header(path):
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [name.strip() for name in next(csv.reader(f), [])]


def _load_user_file(path, parser, args, *, labels="required"):
    """``(X, y, series_ids)`` of a user's file: .npz, .csv, .ts or .tsv.

    ``labels="required"`` fails without labels; ``"optional"`` returns y None.
    ``series_ids`` are the CSV's identifiers, else None.
    """
    from .datasets import load_csv, load_npz, load_ts_file
    from .datasets._ts_format import _read_tsv

    if not path.is_file():
        parser.error(f"no such file: {str(path)!r}")
    suffix = path.suffix.lower()
    ids = None
    try:
        if suffix == ".npz":
            X, y = load_npz(path)
            if y is None and labels == "required":
                parser.error(f"{str(path)!r} has no array y; an .npz needs X and y")
        elif suffix == ".csv":
            label_column = args.label_column
            if labels == "optional" and label_column not in _csv_header(path):
                label_column = None
            X, y, ids = load_csv(path, series_column=args.series_column,
                                 time_column=args.time_column,
                                 label_column=label_column, return_series_ids=True)
        elif suffix == ".ts":
            X, y = load_ts_file(path)
            if y is None and labels == "required":
                parser.error(f"{str(path)!r} has no class labels (@classLabel false)")
        elif suffix == ".tsv":
            X, y = _read_tsv(path)
        else:
            parser.error(f"{str(path)!r}: the files taken are .npz, .csv, .ts or .tsv")
    except (ValueError, TypeError, OSError) as exc:
        parser.error(str(exc))
    return X, y, ids


def _datasets(args, parser, embedded):
    """``(label, data)`` pairs to run: embedded sets, files or archive."""
    from .datasets import load_ucr_uea

    if (args.train is None) != (args.test is None):
        parser.error("--train and --test go together")
    if args.train is not None:
        if args.ucr_root is not None:
            parser.error("--train/--test and --ucr-root are alternatives")
        X_train, y_train, _ = _load_user_file(args.train, parser, args)
        X_test, y_test, _ = _load_user_file(args.test, parser, args)
        if X_train.shape[2] != X_test.shape[2]:
            parser.error(f"--train has {X_train.shape[2]} channel(s), --test "
                         f"{X_test.shape[2]}")
        return [(args.train.stem.removesuffix("_TRAIN").removesuffix("_train"),
                 (X_train, y_train, X_test, y_test))]
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
        from .benchmarking._plots import STATS_EXTRA

        try:
            import matplotlib  # noqa: F401
            import scikit_posthocs  # noqa: F401
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


def _benchmark(args, parser):
    from .benchmarking import (
        COLUMNS,
        DATASETS,
        ESTIMATORS,
        FAST_EPOCHS,
        MAX_EPOCHS,
        format_summary,
        format_table,
        plot_critical_difference,
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
    if args.resamples < 1:
        parser.error(f"--resamples must be >= 1, got {args.resamples}")
    if args.output is not None and args.output.suffix.lower() not in (".csv", ".md"):
        parser.error(f"--output must end in .csv or .md, got {str(args.output)!r}")
    if args.plot is not None and args.plot.suffix.lower() != ".png":
        parser.error(f"--plot must end in .png, got {str(args.plot)!r}")
    # the datasets a name or folder asks for (embedded ones are known without loading)
    n_datasets = (1 if args.train is not None
                  else len(DATASETS) if args.dataset.strip() == "all"
                  and args.ucr_root is None
                  else len([n for n in args.dataset.split(",") if n.strip()]))
    critical_difference = len(names) >= 2 and (n_datasets > 1 or args.resamples > 1)
    if args.plot is not None:
        _check_plot(args.plot, parser, critical_difference)

    runs = _datasets(args, parser, DATASETS)
    label = (args.dataset if args.train is None and args.ucr_root is None
             else ", ".join(name for name, _ in runs))
    start, results = time.perf_counter(), []
    for dataset, data in runs:
        for resample in range(args.resamples):
            results += run_benchmark(
                dataset=dataset, estimators=names, mode=args.mode,
                random_state=args.random_state, progress=args.progress,
                threads=args.threads, data=data, resample=resample,
            )
    total = time.perf_counter() - start
    epochs = ", ".join([f"{MAX_EPOCHS[args.mode]} epochs", *(
        f"{name} {n}" for name, n in FAST_EPOCHS.items()
        if args.mode == "fast" and name in names)])
    if args.resamples > 1:
        epochs += f"; {args.resamples} resamples"
    title = f"sktime-metric benchmark: {label} ({args.mode} mode, {epochs})"
    columns = COLUMNS
    if args.resamples > 1:
        at = COLUMNS.index("name") + 1
        columns = (*COLUMNS[:at], "resample", *COLUMNS[at:])
    summary = format_summary(results)
    print(f"{title}\n\n{format_table(results, columns)}\n")
    if summary:
        print(f"{summary}\n")
    print(f"total {total:.1f} s")
    if args.output is not None:
        write_results(results, args.output, title=title, columns=columns,
                      sections=[summary] if summary else (), notes=[
            f"random_state={args.random_state}, threads={args.threads}, "
            f"total {total:.1f} s",
            f"{date.today().isoformat()}, {os.cpu_count()} CPUs ({_cpu_model()}), "
            f"{platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, torch {_torch_version()} "
            f"({_kernels()} kernels)",
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


def _parameter(text, parser):
    """``(name, value)`` of a ``--param NAME=VALUE``; VALUE a literal, else text."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        parser.error(f"--param takes NAME=VALUE, got {text!r}")
    try:
        return name.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return name.strip(), value.strip()


def _make_estimator(args, parser):
    """The unfitted estimator ``fit --estimator`` names, with its overrides."""
    from . import classification
    from .benchmarking import ESTIMATORS

    if args.estimator in FIT_REGISTRY:
        estimator = ESTIMATORS[args.estimator](args.mode, args.random_state)
    elif args.estimator in classification.__all__:
        estimator = getattr(classification, args.estimator)(
            random_state=args.random_state)
    else:
        hint = (" (a pipeline or tslearn's k-NN, which the weights-only format does "
                "not save)" if args.estimator in ESTIMATORS else "")
        parser.error(f"--estimator {args.estimator!r} cannot be fitted here{hint}; "
                     f"choose from {', '.join(FIT_REGISTRY)} or "
                     f"{', '.join(classification.__all__)}")
    params = dict(_parameter(text, parser) for text in args.param)
    if args.max_epochs is not None:
        if args.max_epochs < 1:
            parser.error(f"--max-epochs must be >= 1, got {args.max_epochs}")
        params["max_epochs"] = args.max_epochs
    try:
        estimator.set_params(**params)
    except ValueError as exc:  # an unknown parameter
        parser.error(f"{type(estimator).__name__}: {exc}")
    return estimator


def _fit(args, parser):
    import torch

    from .benchmarking._runner import _epoch_bar
    from .persistence import save_weights

    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    estimator = _make_estimator(args, parser)
    X, y, _ = _load_user_file(args.train, parser, args)
    saved_threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    # the progress bar is a skorch callback: the saved model must not hold it
    callbacks = estimator.get_params().get("callbacks")
    bar = _epoch_bar(estimator, type(estimator).__name__, args.progress)
    try:
        start = time.perf_counter()
        try:
            estimator.fit(X, y)
        except (ValueError, TypeError) as exc:  # bad labels, bad parameter values
            parser.error(f"fitting {type(estimator).__name__}: {exc}")
        fit_s = time.perf_counter() - start
        accuracy = float(np.mean(estimator.predict(X) == y))
    finally:
        bar.n = bar.total  # early stopping
        bar.close()
        if "callbacks" in estimator.get_params():
            estimator.set_params(callbacks=callbacks)
        torch.set_num_threads(saved_threads)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_weights(estimator, args.output)
    print(f"fitted {type(estimator).__name__} on {len(y)} series of {args.train} "
          f"({len(estimator.classes_)} classes, {X.shape[2]} channels) in "
          f"{fit_s:.1f} s; training accuracy {accuracy:.4f}\n"
          f"model written to {args.output}")
    return 0


def _predict(args, parser):
    from .persistence import load_weights

    if not args.model.is_file():
        parser.error(f"no such file: {str(args.model)!r}")
    try:
        model = load_weights(args.model, device=args.device)
    except ValueError as exc:
        parser.error(str(exc))
    X, y, ids = _load_user_file(args.input, parser, args, labels="optional")
    expected = getattr(model, "n_features_in_", None)
    if expected is not None and X.shape[2] != expected:
        parser.error(f"{str(args.input)!r} has {X.shape[2]} channel(s); the model was "
                     f"fitted on {expected}")
    try:
        predicted = model.predict(X)
    except ValueError as exc:
        parser.error(f"predicting {str(args.input)!r}: {exc}")
    ids = list(range(len(X))) if ids is None else ids
    header = ["series_id", "predicted_label"] + ([] if y is None else ["label"])
    rows = ([i, p] for i, p in zip(ids, predicted)) if y is None else (
        [i, p, t] for i, p, t in zip(ids, predicted, y))
    out = sys.stdout if args.output is None else args.output.open("w", newline="")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.output is not None:
            out.close()
    report = sys.stderr if args.output is None else sys.stdout
    line = f"predicted {len(X)} series of {args.input}"
    if y is not None:
        accuracy = np.mean([str(p) == str(t) for p, t in zip(predicted, y)])
        line += f"; accuracy against its labels {accuracy:.4f}"
    if args.output is not None:
        line += f"\npredictions written to {args.output}"
    print(line, file=report)
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
        0 on success, 2 on a usage error (unknown dataset or estimator, a file
        that cannot be read, ...).
    """
    parser, commands = _build_parser()
    handlers = {"benchmark": _benchmark, "fit": _fit, "predict": _predict}
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return handlers[args.command](args, commands[args.command])
    except SystemExit as exc:  # argparse exits on errors, --help and --version
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1


if __name__ == "__main__":
    sys.exit(main())
