"""Readers of the UCR/UEA archive's files on the user's disk: ``.ts`` and ``.tsv``.

The ``.ts`` format (sktime/aeon's, used by the UEA multivariate and the UCR
univariate archives) is a text file: ``@`` header lines (``@problemName``,
``@univariate``, ``@dimensions``, ``@equalLength``, ``@classLabel true a b c``,
...), then ``@data`` and one case per line, its channels separated by ``:``,
the values of a channel by ``,``, the class label last. ``?`` marks a missing
value. The univariate archive's ``.tsv`` files hold one case per line, the
label first. Nothing here downloads: point it at a local copy of the archive.
"""

import warnings
from pathlib import Path

import numpy as np

from ..utils._sklearn_compat import validate_params
from ..utils.validation import to_sequence_dataset
from ._ucr_wheel import (
    _check_missing,
    _did_you_mean,
    _fill_missing,
    _label_strings,
    _observed_lengths,
    _read_split,
)

__all__ = ["load_ts_file", "load_ucr_uea"]


def _header(lines, path):
    """``(metadata, index of the first data line)`` of a ``.ts`` file."""
    metadata = {}
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("@"):
            raise ValueError(f"{path}: line {i + 1} comes before @data: {text[:60]!r}")
        key, _, value = text[1:].partition(" ")
        key, value = key.lower(), value.strip()
        if key == "data":
            return metadata, i + 1
        if key == "classlabel":
            flag, *labels = value.split()
            metadata["class_labels"] = labels if flag.lower() == "true" else None
        elif value.lower() in ("true", "false"):
            metadata[key] = value.lower() == "true"
        elif key in ("dimensions", "serieslength"):
            metadata[key] = int(value)
        else:
            metadata[key] = value
    raise ValueError(f"{path}: no @data line; not a .ts file.")


def _channel(text, path, line_number, channel):
    """The values of one channel, ``?`` as NaN, with the line named on error."""
    try:
        return np.array([np.nan if v.strip() == "?" else float(v)
                         for v in text.split(",")], dtype=np.float64)
    except ValueError:
        raise ValueError(
            f"{path}: line {line_number}, channel {channel}: {text[:60]!r} is not a "
            "comma-separated list of numbers."
        ) from None


@validate_params({"return_metadata": ["boolean"]}, prefer_skip_nested_validation=True)
def load_ts_file(path, *, return_metadata=False, missing="raise"):
    """Read a ``.ts`` file of the UCR/UEA archive (sktime/aeon's text format).

    Univariate and multivariate, equal and unequal length. Series are returned
    in this project's layout, NaN-padded at the end; a ``?`` after a series'
    last value is padding, one before it a missing value, which the data
    format cannot hold (see ``missing``).

    Parameters
    ----------
    path : str or path-like
        The ``.ts`` file.
    return_metadata : bool, default=False
        Also return the header: ``problemname``, ``univariate``,
        ``dimensions``, ``equallength``, ``serieslength``, ``class_labels``
        (None for a regression file), ...
    missing : {"raise", "interpolate"}, default="raise"
        What to do with missing values: ``"raise"`` a ``ValueError`` naming
        the line and step, or ``"interpolate"`` them linearly between the
        neighbouring observed values of their channel (constant before the
        first one), as :func:`load_ucr_wheel` does.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
    y : ndarray of shape (n_samples,)
        The labels as strings (the file's), or floats for a regression file
        (``@targetLabel true``); None if the file has no labels.
    metadata : dict
        Only with ``return_metadata``.

    Examples
    --------
    >>> import tempfile, os
    >>> from sktime_metric.datasets import load_ts_file
    >>> text = ("@problemName Toy\\n@univariate false\\n@dimensions 2\\n"
    ...         "@equalLength false\\n@classLabel true a b\\n@data\\n"
    ...         "1,2,3:4,5,6:a\\n7,8:9,10:b\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "Toy_TRAIN.ts")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     X, y = load_ts_file(path)
    >>> X.shape, y.tolist()
    ((2, 3, 2), ['a', 'b'])
    >>> X[1, :, 0]
    array([ 7.,  8., nan])
    """
    _check_missing(missing)
    path = Path(path).expanduser()
    lines = path.read_text().splitlines()
    metadata, start = _header(lines, path)
    if metadata.get("timestamps"):
        raise ValueError(
            f"{path}: @timeStamps true (series given as (time, value) pairs) is not "
            "supported; export the series without timestamps."
        )
    labelled = metadata.get("class_labels") is not None or metadata.get("targetlabel")
    series, labels = [], []
    for offset, line in enumerate(lines[start:]):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        line_number = start + offset + 1
        fields = text.split(":")
        if labelled:
            fields, label = fields[:-1], fields[-1].strip()
            labels.append(label)
        channels = [_channel(f, path, line_number, c) for c, f in enumerate(fields)]
        if "dimensions" in metadata and len(channels) != metadata["dimensions"]:
            raise ValueError(
                f"{path}: line {line_number} has {len(channels)} channels; the "
                f"header says @dimensions {metadata['dimensions']}."
            )
        # a "?" run at the end of a channel is padding; drop it
        ends = [int(np.flatnonzero(~np.isnan(c))[-1]) + 1 if (~np.isnan(c)).any()
                else 0 for c in channels]
        n = max(ends)
        if len(set(ends)) > 1:
            raise ValueError(
                f"{path}: line {line_number}: its channels have different lengths "
                f"{ends}; a case's channels must have one length."
            )
        case = np.full((n, len(channels)), np.nan)
        for c, values in enumerate(channels):
            case[: min(n, len(values)), c] = values[:n]
        if np.isnan(case).any() and missing == "interpolate":
            case = _fill_missing(case.T, np.full(case.shape[1], n), path, "", missing).T
        if np.isnan(case).any():
            step = int(np.flatnonzero(np.isnan(case).any(axis=1))[0])
            raise ValueError(
                f"{path}: line {line_number} (case {len(series)}) has a missing value "
                f"('?') at time step {step}, before its last value: the data format "
                "only pads the end with NaN. Fill it first, or pass "
                "missing='interpolate'."
            )
        series.append(case)
    if not series:
        raise ValueError(f"{path}: no case after @data.")
    X = to_sequence_dataset(series)
    y = None
    if labelled:
        y = np.array(labels)
        allowed = metadata.get("class_labels")
        if allowed is not None:
            unknown = sorted(set(labels) - set(allowed))
            if unknown:
                raise ValueError(f"{path}: labels {unknown} are not among "
                                 f"@classLabel {allowed}.")
        else:
            y = y.astype(np.float64)
    return (X, y, metadata) if return_metadata else (X, y)


def _read_tsv(path, missing="raise"):
    """``(X, y)`` of the univariate archive's ``.tsv``: label first, NaN-padded.

    The same file format and label rule as the UCR wheel's (``_ucr_wheel``).
    NaN before a series' last value is a missing value, which the data format
    cannot hold: an error at load time, as in a ``.ts`` file (not a failing
    fit later), or interpolated with ``missing="interpolate"``.
    """
    try:
        with warnings.catch_warnings():  # an empty file: named below
            warnings.filterwarnings("ignore", "loadtxt: input contained no data")
            labels, values = _read_split(path)
    except ValueError:
        # numpy's message names no file, counts rows from 0 and columns
        # from 1, and advises its usecols
        raise ValueError(_tsv_problem(path)) from None
    if values.size == 0:
        raise ValueError(f"{path}: no series values, "
                         f"{'no line' if len(labels) == 0 else 'a label alone'}. "
                         f"{_TSV_FORMAT}")
    lengths = _observed_lengths(values)
    if missing == "interpolate":
        values = _fill_missing(values, lengths, path, "", missing)
    for i, n in enumerate(lengths):
        if n == 0:
            raise ValueError(f"{path}: line {i + 1} (case {i}) has no value.")
        if np.isnan(values[i, :n]).any():
            step = int(np.flatnonzero(np.isnan(values[i, :n]))[0])
            raise ValueError(
                f"{path}: line {i + 1} (case {i}) has a missing value (NaN) at "
                f"time step {step}, before its last value: the data format only "
                "pads the end with NaN. Fill it first, or pass "
                "missing='interpolate'."
            )
    return to_sequence_dataset(values), _label_strings(labels)


#: What a ``.tsv`` file holds, for the messages of a file that holds
#: something else (most often a long-format table separated by tabs)
_TSV_FORMAT = (
    "A .tsv file is read as the UCR univariate archive's: one series per line, "
    "its label, then its values, separated by tabs, no header row. A "
    "long-format table separated by tabs (a header row, one row per time step) "
    "is read by load_csv(..., delimiter='\\t'); on the command line, name it "
    ".csv and pass --delimiter '\\t'."
)


def _tsv_problem(path):
    """The message for a ``.tsv`` file that numpy could not read: its first
    line whose cells are no numbers, or whose count differs from the first's."""
    with open(path, encoding="utf-8", errors="replace") as f:
        width = None
        for number, line in enumerate(f, 1):
            cells = line.rstrip("\r\n").split("\t")
            if not line.strip():
                continue
            width = len(cells) if width is None else width
            if len(cells) != width:
                return (f"{path}: line {number} has {len(cells)} tab-separated "
                        f"fields, the first line {width}. {_TSV_FORMAT}")
            for column, cell in enumerate(cells, 1):
                try:
                    float(cell)
                except ValueError:
                    return (f"{path}: line {number}, field {column}: {cell!r} is not "
                            f"a number. {_TSV_FORMAT}")
    return f"{path}: not readable as a .tsv file. {_TSV_FORMAT}"


def load_ucr_uea(name, extract_path, *, missing="raise"):
    """One dataset of a local copy of the UCR/UEA archive: train and test splits.

    Looks for ``<extract_path>/<name>/<name>_TRAIN.ts`` (and ``_TEST``), else
    the univariate archive's ``.tsv`` files, else the same files directly in
    ``extract_path``. Nothing is downloaded: unpack the archive (from
    timeseriesclassification.com or the UCR page) and point here.

    Parameters
    ----------
    name : str
        The dataset's name, e.g. ``"BasicMotions"``.
    extract_path : str or path-like
        The folder the archive was unpacked into.
    missing : {"raise", "interpolate"}, default="raise"
        Missing values (before a series' last value; the UCR 2018 archive's
        DodgerLoop* and MelbournePedestrian have some): ``"raise"`` a
        ``ValueError`` naming the file, line and step, or ``"interpolate"``
        them linearly, as :func:`load_ts_file` and :func:`load_ucr_wheel`.

    Returns
    -------
    X_train, y_train, X_test, y_test
        Series ``(n, T, d)``, NaN-padded, and labels: class labels as strings;
        a regression ``.ts`` file's targets as floats, an unlabelled one's
        None (as :func:`load_ts_file`). The splits may have different lengths
        ``T``; the estimators accept that.

    Raises
    ------
    FileNotFoundError
        Naming the paths that were tried, and the names of the folder's
        datasets closest to ``name`` (``coffee``: "Did you mean 'Coffee'?").
    ValueError
        A file the format cannot hold, naming its line: e.g. a missing value
        before a series' last one.

    Examples
    --------
    A two-file archive made on the spot, in the univariate archive's ``.tsv``
    layout (label first, shorter series padded with NaN):

    >>> import os, tempfile
    >>> from sktime_metric.datasets import load_ucr_uea
    >>> files = {"Toy_TRAIN.tsv": "1\\t0.5\\t1.5\\t2.5\\n2\\t3.0\\t2.0\\tNaN\\n",
    ...          "Toy_TEST.tsv": "2\\t1.0\\t0.0\\t-1.0\\n"}
    >>> with tempfile.TemporaryDirectory() as archive:
    ...     os.mkdir(os.path.join(archive, "Toy"))
    ...     for filename, text in files.items():
    ...         with open(os.path.join(archive, "Toy", filename), "w") as f:
    ...             _ = f.write(text)
    ...     X_train, y_train, X_test, y_test = load_ucr_uea("Toy", archive)
    >>> X_train.shape, y_train.tolist(), X_test.shape, y_test.tolist()
    ((2, 3, 1), ['1', '2'], (1, 3, 1), ['2'])
    >>> X_train[1, :, 0]
    array([ 3.,  2., nan])
    """
    _check_missing(missing)
    root = Path(extract_path).expanduser()
    tried = []
    readers = ((".ts", lambda p: load_ts_file(p, missing=missing)),
               (".tsv", lambda p: _read_tsv(p, missing)))
    for folder in (root / name, root):
        for suffix, reader in readers:
            train, test = (folder / f"{name}_{split}{suffix}" for split in ("TRAIN", "TEST"))
            tried += [str(train)]
            if train.is_file() and test.is_file():
                X_train, y_train = reader(train)
                X_test, y_test = reader(test)
                return X_train, y_train, X_test, y_test
    raise FileNotFoundError(
        f"No {name}_TRAIN/_TEST .ts or .tsv files found; tried: {', '.join(tried)}."
        + _did_you_mean(name, _archive_datasets(root))
    )


def _archive_datasets(extract_path):
    """Sorted names of the datasets :func:`load_ucr_uea` finds in ``extract_path``:
    both split files of ``<name>/<name>_TRAIN`` (or of ``<name>_TRAIN`` in the
    folder itself), ``.ts`` or ``.tsv``; none for a folder that is not there.
    """
    root = Path(extract_path).expanduser()
    if not root.is_dir():
        return []
    names = set()
    for suffix in (".ts", ".tsv"):
        for train in (*root.glob(f"*/*_TRAIN{suffix}"), *root.glob(f"*_TRAIN{suffix}")):
            name = train.name[:-len(f"_TRAIN{suffix}")]
            folder = train.parent
            if (folder == root or folder.name == name) \
                    and (folder / f"{name}_TEST{suffix}").is_file():
                names.add(name)
    return sorted(names)
