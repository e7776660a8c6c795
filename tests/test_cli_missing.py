"""``--missing`` of the ``sktime-metric`` commands: missing values of .ts and
.tsv files (and of ``--ucr-root``), as the readers' ``missing`` keyword.

The readers refuse a missing value and tell the user to "pass
missing='interpolate'", a keyword the command line had no way to pass: the
UCR archive's DodgerLoop sets, for one, could not be benchmarked at all.
"""

import numpy as np
import pytest

from sktime_metric.cli import main


def _tsv_split(folder):
    """A univariate toy set in the archive's .tsv files (flat and in a folder),
    with one missing value (NaN before a series' last value) in training."""
    rng = np.random.RandomState(0)
    (folder / "gappy").mkdir()
    for split, n in (("TRAIN", 8), ("TEST", 6)):
        labels = np.arange(n) % 2
        values = rng.normal(size=(n, 10)) + 3 * labels[:, None]
        if split == "TRAIN":
            values[2, 4] = np.nan
        text = "\n".join("\t".join([str(label), *(f"{v:.6f}" for v in row)])
                         for label, row in zip(labels, values)) + "\n"
        for path in (folder / f"gappy_{split}.tsv",
                     folder / "gappy" / f"gappy_{split}.tsv"):
            path.write_text(text)


@pytest.mark.parametrize("source", ["files", "ucr_root"])
def test_benchmark_interpolates_missing_values_when_asked(tmp_path, capsys, source):
    _tsv_split(tmp_path)
    data = (["--train", str(tmp_path / "gappy_TRAIN.tsv"),
             "--test", str(tmp_path / "gappy_TEST.tsv")] if source == "files"
            else ["--ucr-root", str(tmp_path), "--dataset", "gappy"])
    command = ["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
               *data]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "line 3 (case 2) has a missing value" in err
    assert "pass --missing interpolate" in err  # the option, not the keyword
    assert main([*command, "--missing", "interpolate"]) == 0
    assert "| gappy " in capsys.readouterr().out


def test_fit_and_predict_take_missing(tmp_path, capsys):
    _tsv_split(tmp_path)
    model = tmp_path / "model.zip"
    fit = ["fit", "--train", str(tmp_path / "gappy_TRAIN.tsv"), "--estimator", "gru",
           "--max-epochs", "1", "--no-progress", "--output", str(model)]
    assert main(fit) == 2
    assert "pass --missing interpolate" in capsys.readouterr().err
    assert main([*fit, "--missing", "interpolate"]) == 0
    predictions = tmp_path / "predictions.csv"
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "gappy_TRAIN.tsv"), "--missing", "interpolate",
                 "--output", str(predictions)]) == 0
    assert len(predictions.read_text().splitlines()) == 1 + 8  # a row per series
