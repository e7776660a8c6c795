"""The user's files a command reads: .npz, long-format .csv, .ts and .tsv.

:func:`add_file_options` gives a subcommand the column options of a long-format
CSV file; :func:`load_user_file` reads any of the four formats by its suffix
with the readers of :mod:`sktime_metric.datasets`, turning their errors into
usage errors of the command.
"""

import argparse
import csv
import os
import sys
from pathlib import Path

import numpy as np


def add_file_options(parser, label_help):
    """The columns of a long-format CSV file (--train/--test/--input)."""
    group = parser.add_argument_group(
        "long-format CSV files",
        "one row per series and time step: a series column, a time column,\n"
        "the channel columns (every other column, or --channel-columns) and a\n"
        "label column",
    )
    group.add_argument("--series-column", default="series_id", metavar="NAME",
                       help="column identifying the series (default: %(default)s)")
    group.add_argument("--time-column", default="time", metavar="NAME",
                       help="column of time stamps, numbers or ISO 8601 dates, "
                       "that order each series' rows (default: %(default)s)")
    group.add_argument("--no-time-column", dest="time_column",
                       action="store_const", const=None,
                       help="the file has no time column: each series' rows are "
                       "taken in file order")
    group.add_argument("--label-column", default="label", metavar="NAME",
                       help=label_help + " (default: %(default)s)")
    group.add_argument("--delimiter", default=",", metavar="CHAR", type=_delimiter,
                       help="field separator, e.g. ';' or '\\t' for a tab "
                       "(default: ',')")
    group.add_argument("--channel-columns", default=None, metavar="NAME,...",
                       type=_names,
                       help="comma-separated channel columns, in this order (default: "
                       "every column but the series, time and label columns, so a "
                       "file with other columns, e.g. a subject, needs this; for "
                       "predict's --input and benchmark's --test, the columns the "
                       "model or --train was fitted on, by name)")
    parser.add_argument(
        "--missing", choices=("raise", "interpolate"), default="raise",
        help="missing values of .ts and .tsv files (and of benchmark's "
        "--ucr-root), i.e. NaN or '?' before a series' last value: an error "
        "naming the first, or "
        "filled linearly between the observed values (a CSV's gaps are always "
        "an error: fill them first) (default: %(default)s)")


def output_path(text):
    """An output option's value as a path (``type=`` of argparse). A text that
    ends in a path separator (or in ``.``, ``..``) names a folder, which
    :class:`~pathlib.Path` would forget (``Path("out/")`` and ``Path("out/.")``
    are ``out``): refused, as a folder itself is by :func:`check_output_path`."""
    if os.path.basename(text) in ("", ".", ".."):  # "out/", "out/.", ".."
        raise argparse.ArgumentTypeError(f"{text!r} names a folder; give a file "
                                         "name in it")
    return Path(text)


def check_output_path(path, parser, option, inputs=()):
    """A usage error now, not a traceback after the work, for an output path
    that cannot be written: a folder, or under a file. Its missing folders
    are made only when it is written (:func:`output_folder`), so that a run
    refused later leaves none behind.

    ``inputs``: ``(option, path)`` of the files the command reads (and of
    outputs checked before): an output that is one of them would overwrite
    it, the user's data or model, with what the command writes.
    """
    if path is None:
        return
    if path.is_dir():
        parser.error(f"{option} {str(path)!r} is a folder; give a file name in it")
    for other_option, other in inputs:
        if other is not None and path.exists() and other.exists() and os.path.samefile(
                path, other):
            parser.error(f"{option} {str(path)!r} is the {other_option} file: "
                         "writing it would overwrite that file; give another name")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            parser.error(f"{option} {str(path)!r}: {str(parent)!r} is a file, not a "
                         "folder")


def output_folder(path):
    """Make the missing folders of an output path checked by
    :func:`check_output_path`, right before it is written."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _delimiter(text):
    """``--delimiter``: one character, written as is or escaped (``\\t``)."""
    import codecs

    char = codecs.decode(text, "unicode_escape") if "\\" in text else text
    if len(char) != 1:
        raise argparse.ArgumentTypeError(f"one character, e.g. ';' or '\\t'; got "
                                         f"{text!r}")
    return char


def _names(text):
    """``--channel-columns``: comma-separated names, at least one, none twice."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"distinct column names separated by "
                                         f"commas; got {text!r}")
    return names


def labels_as_text_if_mixed(y_train, y_test):
    """``y_train, y_test``, both as text where one file's labels are text and
    the other's numbers (a CSV's labels are always text, an ``.npz``'s often
    integers): compared as they are, no label of one would equal one of the
    other, and scikit-learn refuses to score such a mix. As text they compare
    as ``predict`` compares them, and :func:`warn_unseen_labels` names what
    still differs (``1.0`` beside ``1``)."""
    text = [np.asarray(y).dtype.kind in "US" for y in (y_train, y_test)]
    if text[0] == text[1]:
        return y_train, y_test
    return tuple(np.asarray(y).astype(str) for y in (y_train, y_test))


def warn_unseen_labels(known, y, what, known_what):
    """A note on stderr when labels of ``y`` are not among ``known``: their
    series cannot be predicted right, which an accuracy alone would hide."""
    unseen = sorted(set(map(str, y)) - set(map(str, known)))
    if unseen:
        count = sum(str(label) in unseen for label in y)
        shown = ", ".join(map(repr, unseen[:5])) + (", ..." if len(unseen) > 5 else "")
        print(f"warning: {count} of {len(y)} series of {what} have labels not in "
              f"{known_what} ({shown}); no prediction can be right for them",
              file=sys.stderr)


def usage_message(exc):
    """The message of a reader's error, as a usage error of the command: the
    readers name their keywords (``missing='interpolate'``,
    ``time_column=None``, ``channel_columns=[...]``), the command its options."""
    return str(exc).replace("pass missing='interpolate'", "pass --missing interpolate"
                            ).replace("pass time_column=None", "pass --no-time-column"
                                      ).replace("with channel_columns=[...]",
                                                "with --channel-columns")


def _csv_header(path, delimiter):
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return [name.strip()
                    for name in next(csv.reader(f, delimiter=delimiter), [])]
    except UnicodeDecodeError:  # load_csv, which reads it next, names the line
        return []


def _blank_column(path, delimiter, column):
    """Whether every data row leaves column ``column`` (an index) empty: the
    label column of a file whose labels are not known yet."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        next(reader, None)
        return all(not row[column].strip() for row in reader if len(row) > column)


def load_user_file(path, parser, args, *, labels="required", channels=None):
    """``(X, y, series_ids, channel_names)`` of a user's file: .npz, .csv, .ts
    or .tsv.

    ``labels="required"`` fails without labels; ``"optional"`` returns y None
    (a CSV's label column absent, or empty on every row).
    ``series_ids`` and ``channel_names`` are the CSV's identifiers and channel
    columns, else None.
    ``channels``: ``(names, whose)``, the channel columns a CSV's are read by
    (those another file or a model was fitted on, ``whose`` says which) unless
    ``--channel-columns`` names them: read by name, a CSV's columns may come in
    any order, and other columns are left out.
    """
    from ..datasets import load_csv, load_npz, load_ts_file
    from ..datasets._long_format import _layout
    from ..datasets._ts_format import _read_tsv

    if not path.is_file():
        parser.error(f"no such file: {str(path)!r}")
    suffix = path.suffix.lower()
    ids = names = None
    try:
        if suffix == ".npz":
            X, y = load_npz(path)
            if y is None and labels == "required":
                parser.error(f"{str(path)!r} has no array y; an .npz needs X and y")
        elif suffix == ".csv":
            header = _csv_header(path, args.delimiter)
            label_column, channel_columns = args.label_column, args.channel_columns
            if labels == "optional" and label_column in header and _blank_column(
                    path, args.delimiter, header.index(label_column)):
                # a column left for labels to come: no labels, and no channel
                # either (it was "empty label" on the first row)
                channel_columns = channel_columns or [
                    name for name in header if name not in
                    {args.series_column, args.time_column, label_column}]
                label_column = None
            elif labels == "optional" and label_column not in header:
                label_column = None
            if args.channel_columns is None and channels is not None and header:
                names, whose = channels
                missing = [name for name in names if name not in header]
                if missing:
                    parser.error(f"{path}: no column {missing[0]!r}, a channel of "
                                 f"{whose} (channels {list(names)}); the header row "
                                 f"has {header}")
                channel_columns = list(names)
            X, y, ids = load_csv(path, series_column=args.series_column,
                                 time_column=args.time_column,
                                 label_column=label_column,
                                 channel_columns=channel_columns,
                                 delimiter=args.delimiter, return_series_ids=True)
            names = _layout(header, args.series_column, args.time_column,
                            label_column, channel_columns, path)[3]
        elif suffix == ".ts":
            X, y = load_ts_file(path, missing=args.missing)
            if y is None and labels == "required":
                parser.error(f"{str(path)!r} has no class labels (@classLabel false)")
        elif suffix == ".tsv":
            X, y = _read_tsv(path, args.missing)
        else:
            parser.error(f"{str(path)!r}: the files taken are .npz, .csv, .ts or .tsv")
    except (ValueError, TypeError, OSError) as exc:
        parser.error(usage_message(exc))
    return X, y, ids, names
