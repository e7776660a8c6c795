"""``sktime-metric predict``: label a file's series with a model saved by ``fit``.

The model is loaded with :func:`sktime_metric.persistence.load_weights` (no code
of the file runs); the predictions go to a CSV file or standard output, one row
per series, with the accuracy when the input has labels.
"""

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.base import is_classifier

from .files import (
    add_file_options,
    check_output_path,
    load_user_file,
    output_folder,
    output_path,
    warn_unseen_labels,
)

_EXAMPLES = """\
examples:
  sktime-metric predict --model model.zip --input new.csv --output predictions.csv
  sktime-metric predict --model model.zip --input Coffee_TEST.ts   # CSV to stdout

The output has one row per series: series_id (the CSV's identifiers, else the
series' index from 0) and predicted_label, plus label when the input has labels
(the accuracy is then reported too); a label column empty on every row is
read as no labels.
"""


def add_command(commands):
    """Add the ``predict`` subcommand to ``commands``; returns its parser."""
    predict = commands.add_parser(
        "predict",
        help="predict the labels of a file's series with a saved model",
        description="Load a model saved by `sktime-metric fit` (or by\n"
        "sktime_metric.persistence.save_weights) and predict one label per\n"
        "series of the input file.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    predict.add_argument("--model", type=Path, required=True, metavar="FILE",
                         help="the saved model (.zip of sktime-metric fit)")
    predict.add_argument("--input", type=Path, required=True, metavar="FILE",
                         help="series to predict: .npz (X, and y if known), "
                         "long-format .csv, .ts or .tsv; labels are optional")
    predict.add_argument("--output", type=output_path, default=None, metavar="PATH",
                         help="CSV file of the predictions (default: standard output)")
    predict.add_argument("--device", default="cpu",
                         help="where the model runs, e.g. cpu or cuda "
                         "(default: %(default)s)")
    add_file_options(predict, "column of known labels, used only if the file "
                     "has it: the accuracy is reported")
    return predict


def run(args, parser):
    """Run ``sktime-metric predict``; returns the exit code."""
    from ..persistence import load_weights

    if not args.model.is_file():
        parser.error(f"no such file: {str(args.model)!r}")
    check_output_path(args.output, parser, "--output",
                      [("--input", args.input), ("--model", args.model)])
    try:
        model = load_weights(args.model, device=args.device)
    except ValueError as exc:
        parser.error(str(exc))
    if not callable(getattr(model, "predict", None)):
        # a metric learner or transformer save_weights saved: it embeds or
        # measures, it labels nothing (it was an AttributeError's traceback)
        parser.error(f"{str(args.model)!r} holds a {type(model).__name__}, which has "
                     "no predict; predict takes a classifier, such as sktime-metric "
                     "fit saves")
    channels = getattr(model, "channel_columns_", None)  # fitted on a CSV
    X, y, ids, _ = load_user_file(
        args.input, parser, args, labels="optional",
        channels=None if channels is None else (channels, "the model"))
    expected = getattr(model, "n_features_in_", None)
    if expected is not None and X.shape[2] != expected:
        parser.error(f"{str(args.input)!r} has {X.shape[2]} channel(s); the model was "
                     f"fitted on {expected}")
    try:
        predicted = model.predict(X)
    except ValueError as exc:
        parser.error(f"predicting {str(args.input)!r}: {exc}")
    if y is not None and hasattr(model, "classes_"):
        warn_unseen_labels(model.classes_, y, str(args.input), "the model's classes")
    ids = list(range(len(X))) if ids is None else ids
    header = ["series_id", "predicted_label"] + ([] if y is None else ["label"])
    rows = ([i, p] for i, p in zip(ids, predicted)) if y is None else (
        [i, p, t] for i, p, t in zip(ids, predicted, y))
    # UTF-8 as the input is read, whatever the locale (ids and labels may be
    # any text)
    output_folder(args.output)
    out = sys.stdout if args.output is None else args.output.open(
        "w", newline="", encoding="utf-8")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.output is not None:
            out.close()
    report = sys.stderr if args.output is None else sys.stdout
    line = f"predicted {len(X)} series of {args.input}"
    if y is not None and is_classifier(model):  # no accuracy of a regression
        accuracy = np.mean([str(p) == str(t) for p, t in zip(predicted, y)])
        line += f"; accuracy against its labels {accuracy:.4f}"
    if args.output is not None:
        line += f"\npredictions written to {args.output}"
    print(line, file=report)
    return 0
