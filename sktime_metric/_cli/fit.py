"""``sktime-metric fit``: train one classifier on a file and save it weights-only.

The estimator is a single classifier of the benchmark registry (trained as the
benchmark's mode trains it) or a class of :mod:`sktime_metric.classification`,
with ``--max-epochs`` and ``--param`` overrides; the fitted model is saved with
:func:`sktime_metric.persistence.save_weights` for ``sktime-metric predict``.
"""

import argparse
import ast
import time
from pathlib import Path

import numpy as np

from .files import (
    add_file_options,
    check_output_path,
    load_user_file,
    output_folder,
    output_path,
)

#: Registry names ``sktime-metric fit`` accepts: those whose estimator is one
#: classifier of this package (``save_weights`` stores those; the ``*_1nn``
#: entries are pipelines or tslearn's k-NN). Written out so that ``--help``
#: builds no estimator; a test keeps it equal to that rule.
FIT_REGISTRY = ("tagm", "am_nn", "nn", "gru", "lstm", "hulm", "hcrf",
                "naive_logistic", "fisher_kernel")

_EXAMPLES = """\
examples:
  sktime-metric fit --train train.csv --estimator tagm --output model.zip
  sktime-metric fit --train Coffee_TRAIN.ts --estimator gru --max-epochs 50 \\
      --output gru.zip
  sktime-metric fit --train train.npz --estimator RNNClassifier \\
      --param cell=lstm --param hidden_size=64 --output lstm.zip

--estimator takes
  - the benchmark registry's names of single classifiers, trained as
    `sktime-metric benchmark --mode MODE` trains them (both default to
    --mode fast): {registry};
  - or a class name of sktime_metric.classification, with its defaults:
    {classes}.
--max-epochs and --param NAME=VALUE (a Python literal, else text; repeatable)
override parameters. The model is saved with sktime_metric.persistence.save_weights
(skops + safetensors: loading it runs no code from the file).
"""


def add_command(commands):
    """Add the ``fit`` subcommand to ``commands``; returns its parser."""
    from ..benchmarking import FAST_EPOCHS, MAX_EPOCHS, MODES
    from ..classification import __all__ as classifiers

    fit = commands.add_parser(
        "fit",
        help="train one classifier on a file and save it",
        description="Fit one classifier on your training file and save it\n"
        "(weights-only format) for `sktime-metric predict`.",
        epilog=_EXAMPLES.format(registry=", ".join(FIT_REGISTRY),
                                classes=", ".join(classifiers)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("--train", type=Path, required=True, metavar="FILE",
                     help="training data: .npz (X, y), long-format .csv, .ts or .tsv")
    fit.add_argument("--estimator", required=True, metavar="NAME",
                     help=f"one of {', '.join(FIT_REGISTRY)} (the benchmark "
                     f"registry's), or a class name: {', '.join(classifiers)}")
    fit.add_argument("--output", type=output_path, required=True, metavar="PATH",
                     help="where to save the fitted model (conventionally .zip)")
    # the benchmark's default mode: "fit --estimator gru" saves the model that
    # "sktime-metric benchmark" measured (it saved a "default" one, 200 epochs)
    fit.add_argument(
        "--mode", choices=MODES, default="fast",
        help="registry names: trained as in the benchmark's mode; epochs "
        + ", ".join(f"{m} {e}" for m, e in MAX_EPOCHS.items())
        + " (fast: " + ", ".join(f"{n} {e}" for n, e in FAST_EPOCHS.items())
        + ") (default: %(default)s, as `sktime-metric benchmark`'s: the model "
        "it measured; 'default' trains to convergence); class names keep their "
        "own defaults",
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
    add_file_options(fit, "column of the series' class labels")
    return fit


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
    from .. import classification
    from ..benchmarking import ESTIMATORS

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
    if "callbacks" in params:  # objects, which a literal cannot give
        parser.error("--param callbacks cannot be set here: callbacks are skorch "
                     "objects, and a saved model holds none")
    if args.max_epochs is not None:
        if args.max_epochs < 1:
            parser.error(f"--max-epochs must be >= 1, got {args.max_epochs}")
        params["max_epochs"] = args.max_epochs
    try:
        estimator.set_params(**params)
    except ValueError as exc:  # an unknown parameter
        parser.error(f"{type(estimator).__name__}: {exc}")
    return estimator


def _how_trained(args, estimator):
    """The line of ``fit``'s report that says how a registry name was trained
    (its mode, or ``--max-epochs``), so that its numbers can be told apart
    from the benchmark's; empty for a class name."""
    if args.estimator not in FIT_REGISTRY:
        return ""
    epochs = estimator.get_params().get("max_epochs")
    how = (f"--max-epochs {args.max_epochs}" if args.max_epochs is not None
           else f"as `sktime-metric benchmark --mode {args.mode}` trains it"
           + (f" ({epochs} epochs)" if epochs is not None else ""))
    return f"{args.estimator} trained {how}\n"


def run(args, parser):
    """Run ``sktime-metric fit``; returns the exit code."""
    import torch

    from ..benchmarking._runner import _epoch_bar
    from ..persistence import save_weights

    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    estimator = _make_estimator(args, parser)
    # before hours of training
    check_output_path(args.output, parser, "--output", [("--train", args.train)])
    X, y, _, channels = load_user_file(args.train, parser, args)
    saved_threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    # the progress bar is a skorch callback: the saved model must not hold it
    bar, restore_callbacks = _epoch_bar(estimator, type(estimator).__name__,
                                        args.progress)
    try:
        start = time.perf_counter()
        try:
            estimator.fit(X, y)
        except (ValueError, TypeError) as exc:  # bad labels, bad parameter values
            parser.error(f"fitting {type(estimator).__name__}: {exc}")
        except ImportError as exc:  # an optional library (hmmlearn), before training
            parser.error(str(exc))
        fit_s = time.perf_counter() - start
        accuracy = float(np.mean(estimator.predict(X) == y))
    finally:
        bar.n = bar.total  # early stopping
        bar.close()
        restore_callbacks()
        torch.set_num_threads(saved_threads)
    if channels is not None:
        # a CSV's channel columns, by which predict reads its input's: by
        # position, columns in another order were other channels
        estimator.channel_columns_ = list(channels)
    output_folder(args.output)
    save_weights(estimator, args.output)
    n_classes, n_channels = len(estimator.classes_), X.shape[2]
    print(f"fitted {type(estimator).__name__} on {len(y)} series of {args.train} "
          f"({n_classes} class{'es' * (n_classes != 1)}, "
          f"{n_channels} channel{'s' * (n_channels != 1)}) in "
          f"{fit_s:.1f} s; training accuracy {accuracy:.4f}\n"
          f"{_how_trained(args, estimator)}"
          f"model written to {args.output}")
    return 0
