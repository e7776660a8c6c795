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

Each subcommand, with its options, is a module of ``sktime_metric._cli``
(``benchmark``, ``fit``, ``predict``); ``_cli.files`` reads the files they take.
"""

import argparse
import io
import os
import sys

from . import __version__
from ._cli import benchmark, fit, predict

__all__ = ["main"]

#: The subcommands: modules with ``add_command(commands)``, which adds the
#: subcommand's parser, and ``run(args, parser)``, which returns the exit code.
_COMMANDS = {"benchmark": benchmark, "fit": fit, "predict": predict}


def _build_parser():
    """The command's parser, and ``{name: parser}`` of its subcommands."""
    parser = argparse.ArgumentParser(
        prog="sktime-metric",
        description="Sequence classifiers and metric learners: command-line tools.",
    )
    parser.add_argument(
        "--version", action="version", version=f"sktime-metric {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser, {name: command.add_command(commands)
                    for name, command in _COMMANDS.items()}


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
        that cannot be read, ...), 1 when standard output was closed early.
    """
    parser, commands = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return _COMMANDS[args.command].run(args, commands[args.command])
    except SystemExit as exc:  # argparse exits on errors, --help and --version
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        # the reader of standard output stopped (predict ... | head): a quiet
        # exit, not a traceback; stdout goes to devnull so that the flush at
        # exit raises no second one (Python's advice, "Note on SIGPIPE")
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass  # a stdout without a file descriptor has nothing to flush
        return 1


if __name__ == "__main__":
    sys.exit(main())
