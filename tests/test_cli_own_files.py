"""``sktime-metric`` on files as users write them: their encodings, column
orders, label types and models (the readers themselves:
datasets/test_long_format.py)."""

import re
import subprocess
import sys

import numpy as np
import pytest

from sktime_metric.cli import main


def _long_csv(path, *, channels=("a", "b"), labels=("down", "up"), n_series=8,
              label_column="label"):
    """A learnable two-class long-format CSV: channel ``a`` rises in class 1."""
    rng = np.random.RandomState(0)
    header = ["series_id", "time", *channels] + ([label_column] if label_column
                                                 else [])
    rows = [",".join(header)]
    for i in range(n_series):
        cls = i % 2
        for t in range(6):
            values = {"a": (t if cls else -t) + 0.1 * rng.normal(),
                      "b": rng.normal()}
            cells = [f"s{i}", str(t), *(f"{values[c]:.4f}" for c in channels)]
            rows.append(",".join(cells + ([str(labels[cls])] if label_column
                                          else [])))
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A GRU fitted by ``sktime-metric fit`` on channels a, b."""
    folder = tmp_path_factory.mktemp("model")
    path = folder / "gru.zip"
    assert main(["fit", "--train", str(_long_csv(folder / "train.csv")),
                 "--estimator", "gru", "--max-epochs", "2", "--no-progress",
                 "--output", str(path)]) == 0
    return path


def test_predict_names_the_line_of_a_file_that_is_not_utf8(model, tmp_path, capsys):
    # predict reads the header first (is the label column there?): its
    # decoding error named neither file nor line
    path = tmp_path / "new.csv"
    path.write_bytes("series_id,time,a,b,label\ns0,0,1,2,hiver\ns0,1,1,2,hiver\n"
                     "s1,0,1,2,été\n".encode("cp1252"))
    capsys.readouterr()
    assert main(["predict", "--model", str(model), "--input", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: line 4 is not UTF-8 text" in err
    assert "codec" not in err


def test_predict_refuses_a_model_that_does_not_predict(tmp_path, capsys):
    # save_weights saves metric learners too: their model was an
    # AttributeError's traceback here
    from sktime_metric.datasets import load_csv
    from sktime_metric.metric import SiameseRNNEmbedder
    from sktime_metric.persistence import save_weights

    data = _long_csv(tmp_path / "data.csv")
    X, y = load_csv(data, label_column="label")
    embedder = SiameseRNNEmbedder(hidden_size=4, n_pairs=20, max_epochs=1,
                                  random_state=0).fit(X, y)
    save_weights(embedder, tmp_path / "srn.zip")
    assert main(["predict", "--model", str(tmp_path / "srn.zip"), "--input",
                 str(data)]) == 2
    err = capsys.readouterr().err
    assert (f"error: '{tmp_path / 'srn.zip'}' holds a SiameseRNNEmbedder, which "
            "has no predict") in err
    assert "Traceback" not in err


# one epoch learns nothing, as the regressor warns: its predictions are not the point
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_predict_reports_no_accuracy_of_a_regressor(tmp_path, capsys):
    from sktime_metric.datasets import load_csv
    from sktime_metric.persistence import save_weights
    from sktime_metric.regression import AttentionSequenceRegressor

    data = _long_csv(tmp_path / "data.csv", labels=("1.5", "2.5"))
    X, y = load_csv(data, label_column="label")
    regressor = AttentionSequenceRegressor(hidden_size=4, max_epochs=1,
                                           random_state=0).fit(X, y.astype(float))
    save_weights(regressor, tmp_path / "reg.zip")
    assert main(["predict", "--model", str(tmp_path / "reg.zip"), "--input",
                 str(data)]) == 0
    err = capsys.readouterr().err
    assert "predicted 8 series" in err and "accuracy" not in err


def test_benchmark_of_integer_labels_against_a_csv_s_text_labels(tmp_path, capsys):
    # a CSV's labels are text: beside an .npz's integers, the run ended in
    # scikit-learn's "Mix of label input types" traceback after every fit
    from sktime_metric.datasets import load_csv

    test = _long_csv(tmp_path / "test.csv", labels=(0, 1))
    X, y = load_csv(test, label_column="label")
    np.savez(tmp_path / "train.npz", X=X, y=y.astype(int))
    assert main(["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
                 "--train", str(tmp_path / "train.npz"), "--test", str(test)]) == 0
    captured = capsys.readouterr()
    assert "| train     | dtw_1nn | 8         | 8        | 1.0000 " in captured.out
    assert "warning" not in captured.err
    # 1.0 is no 1 as text: what still differs is named
    np.savez(tmp_path / "train.npz", X=X, y=y.astype(float))
    assert main(["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
                 "--train", str(tmp_path / "train.npz"), "--test", str(test)]) == 0
    assert ("8 of 8 series of --test have labels not in --train ('0', '1')"
            in capsys.readouterr().err)


def _reordered(path, out, order):
    """``path``'s CSV with its columns in ``order`` (names; new ones filled "x")."""
    lines = [line.split(",") for line in path.read_text().splitlines()]
    header = lines[0]
    rows = [[row[header.index(n)] if n in header else "x" for n in order]
            for row in lines[1:]]
    out.write_text("\n".join(",".join(r) for r in [order, *rows]) + "\n")
    return out


def test_predict_reads_a_csvs_channels_by_the_names_fitted_on(model, tmp_path,
                                                              capsys):
    # the channels were read by position: b before a in the file to predict
    # swapped them without a word (and another column was one more channel)
    train = model.parent / "train.csv"
    moved = _reordered(train, tmp_path / "moved.csv",
                       ["label", "b", "subject", "time", "a", "series_id"])
    outputs = []
    for path in (train, moved):
        capsys.readouterr()
        assert main(["predict", "--model", str(model), "--input", str(path),
                     "--output", str(tmp_path / f"{path.stem}.out")]) == 0
        outputs.append((tmp_path / f"{path.stem}.out").read_text())
    assert outputs[0] == outputs[1]
    from sktime_metric.persistence import load_weights

    assert load_weights(model).channel_columns_ == ["a", "b"]
    # a channel the model needs and the file lacks is named
    _reordered(train, tmp_path / "no_b.csv", ["series_id", "time", "a", "label"])
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "no_b.csv")]) == 2
    assert ("no_b.csv: no column 'b', a channel of the model (channels ['a', "
            "'b']); the header row has ['series_id', 'time', 'a', 'label']"
            in capsys.readouterr().err)
    # --channel-columns is the caller's word: read as given
    assert main(["predict", "--model", str(model), "--input", str(moved),
                 "--channel-columns", "b,a"]) == 0


def test_benchmark_reads_the_tests_channels_by_the_trains_names(tmp_path, capsys):
    train = _long_csv(tmp_path / "train.csv")
    moved = _reordered(train, tmp_path / "test.csv",
                       ["series_id", "time", "b", "label", "a"])
    argv = ["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
            "--train", str(train)]
    accuracies = []
    for test in (train, moved):
        assert main([*argv, "--test", str(test)]) == 0
        accuracies.append(re.search(r"\| dtw_1nn +\| 8 +\| 8 +\| (\S+)",
                                    capsys.readouterr().out).group(1))
    assert accuracies == ["1.0000", "1.0000"]


def test_predict_reads_an_empty_label_column_as_no_labels(model, tmp_path, capsys):
    # new data in the training file's layout, its labels left empty: refused
    # as "empty label" on the first row, where no labels is what it means
    train = model.parent / "train.csv"
    blank = tmp_path / "blank.csv"
    lines = train.read_text().splitlines()
    blank.write_text("\n".join([lines[0], *(line.rsplit(",", 1)[0] + ","
                                            for line in lines[1:])]) + "\n")
    # the model's channel names, or (a model without them) every other column
    from sktime_metric.persistence import load_weights, save_weights

    unnamed = load_weights(model)
    del unnamed.channel_columns_
    save_weights(unnamed, tmp_path / "unnamed.zip")
    for path in (model, tmp_path / "unnamed.zip"):
        capsys.readouterr()
        assert main(["predict", "--model", str(path), "--input", str(blank)]) == 0
        captured = capsys.readouterr()
        assert captured.out.splitlines()[0] == "series_id,predicted_label"
        assert "predicted 8 series" in captured.err
        assert "accuracy" not in captured.err
    # some labels empty: still refused, by line
    text = train.read_text().replace(",up\n", ",\n", 1)
    blank.write_text(text)
    assert main(["predict", "--model", str(model), "--input", str(blank)]) == 2
    assert "empty label in column 'label'" in capsys.readouterr().err


def test_predict_to_a_pipe_closed_early_exits_without_a_traceback(model, tmp_path):
    # sktime-metric predict ... | head: a BrokenPipeError's traceback
    np.savez(tmp_path / "many.npz",
             X=np.random.RandomState(0).normal(size=(20000, 3, 2)))
    process = subprocess.Popen(
        [sys.executable, "-m", "sktime_metric", "predict", "--model", str(model),
         "--input", str(tmp_path / "many.npz")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"series_id,predicted_label\n"
    process.stdout.close()  # what head does after its lines
    err = process.stderr.read().decode()
    assert process.wait() == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_a_csv_without_a_time_column(tmp_path, capsys):
    # load_csv reads one (time_column=None); the command had no way to ask
    train = _long_csv(tmp_path / "train.csv")
    untimed = _reordered(train, tmp_path / "untimed.csv",
                         ["series_id", "a", "b", "label"])
    fit = ["fit", "--train", str(untimed), "--estimator", "gru", "--max-epochs", "1",
           "--no-progress", "--output", str(tmp_path / "m.zip")]
    assert main(fit) == 2
    assert ("no column 'time' (time_column); the header row has ['series_id', 'a', "
            "'b', 'label']. Rows in time order without a time column: pass "
            "--no-time-column" in capsys.readouterr().err)
    assert main([*fit, "--no-time-column"]) == 0
    assert main(["predict", "--model", str(tmp_path / "m.zip"), "--input",
                 str(untimed), "--no-time-column"]) == 0
    assert "accuracy against its labels" in capsys.readouterr().err


def test_an_output_that_is_an_input_file_is_refused_before_the_work(model,
                                                                    tmp_path,
                                                                    capsys):
    # fit --output train.csv wrote the model over the training data, predict
    # --output over its input or the model
    train = _long_csv(tmp_path / "train.csv")
    before = train.read_bytes()
    model_bytes = model.read_bytes()
    same = str(tmp_path / "." / "train.csv")  # another spelling of the path
    for argv, message in [
        (["fit", "--train", str(train), "--estimator", "gru", "--output", same],
         f"--output {same!r} is the --train file: writing it would overwrite"),
        (["predict", "--model", str(model), "--input", str(train), "--output", same],
         f"--output {same!r} is the --input file"),
        (["predict", "--model", str(model), "--input", str(train), "--output",
          str(model)], f"--output {str(model)!r} is the --model file"),
        (["benchmark", "--quick", "--estimators", "dtw_1nn", "--train", str(train),
          "--test", str(model.parent / "train.csv"), "--output", same],
         f"--output {same!r} is the --train file"),
    ]:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err, argv
    assert train.read_bytes() == before and model.read_bytes() == model_bytes


def test_an_estimator_refusing_the_data_is_one_line_naming_it(tmp_path, capsys):
    # four one-step series: the siamese RNN's pairs need more. It was a
    # traceback after the other fits, naming no estimator
    data = tmp_path / "tiny.csv"
    data.write_text("series_id,time,a,label\ns0,0,1,x\ns1,0,2,y\ns2,0,3,x\n"
                    "s3,0,4,y\n")
    assert main(["benchmark", "--quick", "--estimators", "dtw_1nn,srn_1nn",
                 "--no-progress", "--train", str(data), "--test", str(data)]) == 2
    err = capsys.readouterr().err
    assert "error: tiny/srn_1nn could not be fitted on this data: " in err
    assert "(leave it out of --estimators to run the others)" in err
    assert "Traceback" not in err


def test_reader_keywords_are_named_as_the_commands_options(tmp_path, capsys):
    # each line ending with the delimiter: load_csv says channel_columns=[...]
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("".join(line + ",\n" for line in _long_csv(
        tmp_path / "train.csv").read_text().splitlines()))
    fit = ["fit", "--train", str(trailing), "--estimator", "gru", "--max-epochs", "1",
           "--no-progress", "--output", str(tmp_path / "m.zip")]
    assert main(fit) == 2
    assert ("does each line end with the delimiter? Remove it, or name the channels "
            "with --channel-columns." in capsys.readouterr().err)
    assert main([*fit, "--channel-columns", "a,b"]) == 0
