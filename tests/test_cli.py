"""The ``sktime-metric`` command: benchmark, fit and predict (the library behind
it: test_benchmarking.py)."""

import csv
import re
import subprocess
import sys

import numpy as np
import pytest

from sktime_metric import __version__
from sktime_metric.benchmarking import (
    COLUMNS,
    DATASETS,
    DEFAULT_ESTIMATORS,
    ESTIMATORS,
    MAX_EPOCHS,
    plot_results,
    run_benchmark,
)
from sktime_metric._cli.fit import FIT_REGISTRY
from sktime_metric.cli import _build_parser, main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sktime-metric {__version__}"


def test_python_m_runs_the_command():
    out = subprocess.run(
        [sys.executable, "-m", "sktime_metric", "--version"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert __version__ in out


def test_benchmark_quick_basic_motions_writes_csv(tmp_path, capsys):
    path = tmp_path / "results.csv"
    code = main(["benchmark", "--quick", "--dataset", "basic_motions",
                 "--output", str(path), "--no-progress"])
    assert code == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "dtw_1nn" in out
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert [row["name"] for row in rows] == list(DEFAULT_ESTIMATORS)
    assert set(rows[0]) == set(COLUMNS)
    for row in rows:
        assert row["dataset"] == "basic_motions"
        assert 0.0 <= float(row["accuracy"]) <= 1.0
        assert float(row["fit_s"]) >= 0 and float(row["predict_s"]) >= 0
    # the networks trained the quick number of epochs; DTW has none
    by_name = {row["name"]: row for row in rows}
    assert by_name["tagm"]["epochs"] == "2" and by_name["dtw_1nn"]["epochs"] == ""


def test_benchmark_quick_japanese_vowels_writes_markdown(tmp_path, capsys):
    path = tmp_path / "results.md"
    code = main(["benchmark", "--quick", "--estimators", "tagm, dtw_1nn",
                 "--output", str(path), "--random-state", "3", "--no-progress"])
    assert code == 0
    text = path.read_text()
    assert text.startswith(
        "# sktime-metric benchmark: japanese_vowels (quick mode, 2 epochs)")
    names = [line.split("|")[2].strip() for line in text.splitlines()
             if line.startswith("| japanese_vowels")]
    assert names == ["tagm", "dtw_1nn"]
    assert "random_state=3" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["benchmark", "--estimators", "tagm,nope"], "unknown estimator(s): nope"),
        (["benchmark", "--estimators", ","], "unknown estimator(s): (none given)"),
        (["benchmark", "--dataset", "nope"], "unknown dataset(s) ['nope']"),
        (["benchmark", "--output", "results.txt"], "must end in .csv or .md"),
        (["benchmark", "--quick", "--full"], "not allowed with argument"),
        (["benchmark", "--quick", "--mode", "full"], "not allowed with argument"),
        (["benchmark", "--plot", "results.jpg"], "--plot must end in .png"),
        (["benchmark", "--resamples", "0"], "--resamples must be >= 1, got 0"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    if "estimator" in message:
        assert f"choose from {', '.join(ESTIMATORS)}" in err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "benchmark" in capsys.readouterr().err


def test_all_runs_the_whole_registry(capsys):
    code = main(["benchmark", "--quick", "--dataset", "basic_motions",
                 "--estimators", "all", "--no-progress"])
    assert code == 0
    out = capsys.readouterr().out
    assert all(f"| {name} " in out for name in ESTIMATORS)


def test_default_is_the_fast_mode_on_japanese_vowels():
    parser, _ = _build_parser()
    args = parser.parse_args(["benchmark"])
    assert (args.mode, args.dataset) == ("fast", "japanese_vowels")
    assert args.estimators == ",".join(DEFAULT_ESTIMATORS)
    assert MAX_EPOCHS["fast"] < MAX_EPOCHS["default"] < MAX_EPOCHS["full"]
    assert parser.parse_args(["benchmark", "--full"]).mode == "full"
    assert parser.parse_args(["benchmark", "--mode", "default"]).mode == "default"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 1 epoch
def test_fit_trains_as_the_default_benchmark_does(tmp_path, capsys):
    # fit's --mode defaulted to "default" (200 epochs), the benchmark's to
    # "fast" (100): "fit --estimator gru" saved another model than the one
    # "sktime-metric benchmark" had measured, and said nothing of it
    parser, _ = _build_parser()
    fit_args = ["fit", "--train", "x.npz", "--estimator", "gru", "--output", "m.zip"]
    assert parser.parse_args(fit_args).mode == parser.parse_args(["benchmark"]).mode
    _split_files(tmp_path)
    train = str(tmp_path / "toy_TRAIN.csv")
    assert main(["fit", "--train", train, "--estimator", "gru", "--mode", "quick",
                 "--output", str(tmp_path / "m.zip"), "--no-progress"]) == 0
    assert ("gru trained as `sktime-metric benchmark --mode quick` trains it "
            f"({MAX_EPOCHS['quick']} epochs)") in capsys.readouterr().out
    assert main(["fit", "--train", train, "--estimator", "RNNClassifier",
                 "--max-epochs", "1", "--output", str(tmp_path / "m.zip"),
                 "--no-progress"]) == 0
    assert "--mode" not in capsys.readouterr().out  # a class: its own defaults


def test_plot_writes_a_png_chart(tmp_path, capsys):
    path = tmp_path / "results.png"
    code = main(["benchmark", "--quick", "--estimators", "gru,lstm", "--plot",
                 str(path), "--no-progress"])
    assert code == 0
    assert f"chart written to {path}" in capsys.readouterr().out
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_plot_without_matplotlib_fails_before_the_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now fails
    path = tmp_path / "results.png"
    # no --quick: had the check come after the run, this test would take minutes
    assert main(["benchmark", "--plot", str(path), "--no-progress"]) == 2
    assert "--plot needs matplotlib" in capsys.readouterr().err
    assert not path.exists()
    with pytest.raises(ImportError, match="needs matplotlib"):
        plot_results([{"name": "x", "accuracy": 1.0, "fit_s": 1.0,
                       "predict_s": 1.0}], path)


def test_dataset_all_runs_every_dataset(tmp_path, capsys):
    path = tmp_path / "results.csv"
    code = main(["benchmark", "--quick", "--dataset", "all", "--estimators", "gru",
                 "--output", str(path), "--no-progress"])
    assert code == 0
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert [(row["dataset"], row["name"]) for row in rows] == [
        (dataset, "gru") for dataset in DATASETS]
    out = capsys.readouterr().out
    assert "sktime-metric benchmark: all (quick mode, 2 epochs)" in out


def _split_files(tmp_path):
    """A small train/test split of a learnable task, written as .npz and .ts."""
    from sktime_metric.datasets import make_sequence_classification

    X, y = make_sequence_classification(n_samples=40, n_classes=2, n_channels=2,
                                        min_length=8, max_length=12, motif_length=4,
                                        random_state=0)
    y = np.array(["up", "down"])[y]
    for split, rows in (("TRAIN", slice(0, 24)), ("TEST", slice(24, 40))):
        np.savez(tmp_path / f"toy_{split}.npz", X=X[rows], y=y[rows])
        lines = ["@problemName toy", "@univariate false", "@dimensions 2",
                 "@equalLength false", "@classLabel true down up", "@data"]
        for x, label in zip(X[rows], y[rows]):
            x = x[~np.isnan(x).all(axis=1)]
            lines.append(":".join(",".join(f"{v:.6f}" for v in x[:, c])
                                  for c in range(2)) + f":{label}")
        (tmp_path / f"toy_{split}.ts").write_text("\n".join(lines) + "\n")
        (tmp_path / "toy").mkdir(exist_ok=True)
        (tmp_path / "toy" / f"toy_{split}.ts").write_text("\n".join(lines) + "\n")
        rows = ["series_id,time,a,b,label"]  # long format, one row per time step
        for i, (x, label) in enumerate(zip(X[rows_of(split)], y[rows_of(split)])):
            x = x[~np.isnan(x).all(axis=1)]
            rows += [f"{split.lower()}{i},{t},{v[0]:.6f},{v[1]:.6f},{label}"
                     for t, v in enumerate(x)]
        (tmp_path / f"toy_{split}.csv").write_text("\n".join(rows) + "\n")


def rows_of(split):
    return slice(0, 24) if split == "TRAIN" else slice(24, 40)


@pytest.mark.parametrize("suffix", [".npz", ".ts", ".csv"])
def test_benchmark_on_the_users_files(tmp_path, capsys, suffix):
    _split_files(tmp_path)
    code = main(["benchmark", "--quick", "--estimators", "gru,dtw_1nn", "--no-progress",
                 "--train", str(tmp_path / f"toy_TRAIN{suffix}"),
                 "--test", str(tmp_path / f"toy_TEST{suffix}")])
    out = capsys.readouterr().out
    assert code == 0
    assert "sktime-metric benchmark: toy (quick mode" in out
    assert out.count("| toy ") == 2  # one row per estimator


def test_extra_csv_columns_and_test_labels_unseen_in_training(tmp_path, capsys):
    _split_files(tmp_path)
    for split in ("TRAIN", "TEST"):  # a subject column beside the channels
        path = tmp_path / f"toy_{split}.csv"
        lines = path.read_text().splitlines()
        path.write_text("\n".join([lines[0] + ",subject"]
                                  + [line + ",s1" for line in lines[1:]]) + "\n")
    argv = ["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
            "--train", str(tmp_path / "toy_TRAIN.csv"),
            "--test", str(tmp_path / "toy_TEST.csv")]
    assert main(argv) == 2
    assert "'s1' is not a number" in capsys.readouterr().err
    assert main([*argv, "--channel-columns", "a,b"]) == 0
    assert "warning" not in capsys.readouterr().err
    # the same files separated by semicolons
    for split in ("TRAIN", "TEST"):
        path = tmp_path / f"toy_{split}.csv"
        path.write_text(path.read_text().replace(",", ";"))
    assert main([*argv, "--channel-columns", "a,b"]) == 2
    assert "Pass delimiter=... (--delimiter" in capsys.readouterr().err
    assert main([*argv, "--channel-columns", "a,b", "--delimiter", ";"]) == 0
    capsys.readouterr()
    for split in ("TRAIN", "TEST"):
        path = tmp_path / f"toy_{split}.csv"
        path.write_text(path.read_text().replace(";", ","))
    # a test class the training file lacks cannot be predicted: said, not hidden
    test = tmp_path / "toy_TEST.csv"
    test.write_text(test.read_text().replace(",up,", ",sideways,"))
    assert main([*argv, "--channel-columns", "a,b"]) == 0
    assert re.search(r"warning: \d+ of 16 series of --test have labels not in "
                     r"--train \('sideways'\)", capsys.readouterr().err)


def test_benchmark_on_a_local_archive_and_bad_file_arguments(tmp_path, capsys):
    _split_files(tmp_path)
    assert main(["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
                 "--ucr-root", str(tmp_path), "--dataset", "toy"]) == 0
    assert "| toy " in capsys.readouterr().out
    for argv, message in [
        (["--train", str(tmp_path / "toy_TRAIN.npz")], "--train and --test go together"),
        (["--ucr-root", str(tmp_path), "--dataset", "nope"], "nope_TRAIN"),
        (["--dataset", "nope"], "unknown dataset"),
        (["--train", str(tmp_path / "x.csv"), "--test", str(tmp_path / "x.csv")],
         "no such file"),
    ]:
        assert main(["benchmark", "--quick", *argv]) == 2
        assert message in capsys.readouterr().err


# -- resamples, ranks and the critical-difference diagram -----------------------


def test_resamples_on_csv_files_with_a_critical_difference_diagram(tmp_path, capsys):
    pytest.importorskip("scikit_posthocs")
    _split_files(tmp_path)
    results, plot = tmp_path / "results.csv", tmp_path / "cd.png"
    code = main(["benchmark", "--quick", "--estimators", "gru,dtw_1nn",
                 "--no-progress", "--resamples", "3", "--random-state", "5",
                 "--train", str(tmp_path / "toy_TRAIN.csv"),
                 "--test", str(tmp_path / "toy_TEST.csv"),
                 "--output", str(results), "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0
    assert "sktime-metric benchmark: toy (quick mode, 2 epochs; 3 resamples)" in out
    assert "## Accuracy over resamples (mean ± sd)" in out
    assert "## Mean rank over 3 resamples of toy" in out
    assert f"critical-difference diagram written to {plot}" in out
    assert plot.read_bytes()[:8] == PNG_MAGIC
    with results.open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["resample"], r["name"]) for r in rows] == [
        (str(i), n) for i in range(3) for n in ("gru", "dtw_1nn")]
    assert {(r["n_train"], r["n_test"]) for r in rows} == {("24", "16")}
    # resample 0 is the given split, with the estimators seeded --random-state
    given = run_benchmark("toy", ["dtw_1nn"], mode="quick", progress=False, data=(
        *_xy(tmp_path, "TRAIN"), *_xy(tmp_path, "TEST")), random_state=5)
    assert float(rows[1]["accuracy"]) == given[0]["accuracy"]


def _xy(tmp_path, split):
    from sktime_metric.datasets import load_csv

    return load_csv(tmp_path / f"toy_{split}.csv", label_column="label")


def test_cd_plot_without_scikit_posthocs_fails_before_the_run(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "scikit_posthocs", None)  # import now fails
    path = tmp_path / "cd.png"
    # no --quick: had the check come after the run, this test would take minutes
    assert main(["benchmark", "--dataset", "all", "--plot", str(path)]) == 2
    assert "pip install 'sktime_metric[stats]'" in capsys.readouterr().err
    assert not path.exists()


def _without(module, monkeypatch):
    """Make ``import module`` (and of its submodules) fail, even if imported."""
    for name in [m for m in sys.modules if m.partition(".")[0] == module]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)


@pytest.mark.parametrize("estimators", ["gru,fisher_kernel", "all"])
def test_estimator_without_its_library_fails_before_the_run(
        estimators, tmp_path, monkeypatch, capsys):
    _without("hmmlearn", monkeypatch)  # import now fails
    output = tmp_path / "results.md"
    # not --quick: had the check come after the other estimators' fits, this
    # would take minutes and end in a traceback
    assert main(["benchmark", "--estimators", estimators, "--output", str(output),
                 "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "fisher_kernel (FisherKernelClassifier) fits its HMM with hmmlearn" in err
    assert "pip install 'sktime_metric[hmm]'" in err
    assert not output.exists()
    with pytest.raises(ImportError, match=re.escape("sktime_metric[hmm]")):
        run_benchmark("japanese_vowels", ["gru", "fisher_kernel"], mode="full",
                      progress=False)


@pytest.mark.parametrize("estimator", ["fisher_kernel", "FisherKernelClassifier"])
def test_fit_without_hmmlearn_is_a_usage_error(estimator, tmp_path, monkeypatch,
                                                capsys):
    _without("hmmlearn", monkeypatch)  # import now fails
    _split_files(tmp_path)
    model = tmp_path / "m.zip"
    assert main(["fit", "--train", str(tmp_path / "toy_TRAIN.csv"), "--estimator",
                 estimator, "--output", str(model), "--no-progress"]) == 2
    assert "pip install 'sktime_metric[hmm]'" in capsys.readouterr().err
    assert not model.exists()


def test_several_datasets_and_one_estimator_still_draw_bars(tmp_path, capsys):
    _split_files(tmp_path)
    (tmp_path / "toy2").mkdir()
    for split in ("TRAIN", "TEST"):
        text = (tmp_path / "toy" / f"toy_{split}.ts").read_text()
        (tmp_path / "toy2" / f"toy2_{split}.ts").write_text(text)
    path = tmp_path / "bars.png"
    assert main(["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress",
                 "--ucr-root", str(tmp_path), "--dataset", "toy,toy2",
                 "--plot", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"chart written to {path}" in out and "Mean rank" not in out
    assert path.read_bytes()[:8] == PNG_MAGIC


# -- fit and predict -----------------------------------------------------------


@pytest.mark.parametrize("command", ["benchmark", "fit", "predict"])
def test_each_command_has_help_with_examples(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"sktime-metric {command} " in out


def test_fit_registry_names_every_single_classifier_of_this_package():
    # and no other: "fit --estimator <name>" tells a pipeline from a classifier
    # by this list, so one missing was refused as "a pipeline or tslearn's k-NN"
    single = {name for name, factory in ESTIMATORS.items()
              if type(factory("quick", 0)).__module__.startswith(
                  "sktime_metric.classification")}
    assert set(FIT_REGISTRY) == single


def test_fit_then_predict_to_csv(tmp_path, capsys):
    _split_files(tmp_path)
    model = tmp_path / "models" / "gru.zip"
    assert main(["fit", "--train", str(tmp_path / "toy_TRAIN.csv"), "--estimator",
                 "gru", "--max-epochs", "2", "--param", "hidden_size=8",
                 "--output", str(model), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "fitted RNNClassifier on 24 series" in out
    assert f"model written to {model}" in out
    from sktime_metric.persistence import load_weights

    fitted = load_weights(model)
    assert fitted.get_params()["hidden_size"] == 8 and len(fitted.history_) == 2
    assert fitted.get_params()["callbacks"] is None  # no progress bar saved

    predictions = tmp_path / "predictions.csv"
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "toy_TEST.csv"), "--output", str(predictions)]) == 0
    out = capsys.readouterr().out
    assert "predicted 16 series" in out and "accuracy against its labels" in out
    with predictions.open() as f:
        rows = list(csv.DictReader(f))
    assert [r["series_id"] for r in rows] == [f"test{i}" for i in range(16)]
    X_test, y_test = _xy(tmp_path, "TEST")
    assert [r["predicted_label"] for r in rows] == fitted.predict(X_test).tolist()
    assert [r["label"] for r in rows] == y_test.tolist()

    # an .npz without labels: index ids, the CSV on stdout, the report on stderr
    np.savez(tmp_path / "new.npz", X=X_test[:3])
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "new.npz")]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["series_id,predicted_label"] + [
        f"{i},{p}" for i, p in enumerate(fitted.predict(X_test[:3]))]
    assert "predicted 3 series" in captured.err


def test_fit_a_class_name_on_a_ts_file(tmp_path, capsys):
    _split_files(tmp_path)
    model = tmp_path / "hcrf.zip"
    assert main(["fit", "--train", str(tmp_path / "toy_TRAIN.ts"), "--estimator",
                 "HCRFClassifier", "--max-epochs", "1", "--output", str(model),
                 "--no-progress"]) == 0
    assert "fitted HCRFClassifier on 24 series" in capsys.readouterr().out
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "toy_TEST.ts"), "--output",
                 str(tmp_path / "p.csv")]) == 0


def test_fit_and_predict_usage_errors(tmp_path, capsys):
    _split_files(tmp_path)
    train = str(tmp_path / "toy_TRAIN.csv")
    out = str(tmp_path / "m.zip")
    for argv, message in [
        (["fit", "--train", train, "--estimator", "dtw_1nn", "--output", out],
         "'dtw_1nn' cannot be fitted here (a pipeline or tslearn's k-NN"),
        (["fit", "--train", train, "--estimator", "nope", "--output", out],
         "choose from tagm, am_nn, nn, gru"),
        (["fit", "--train", train, "--estimator", "gru", "--param", "nope=1",
          "--output", out], "Invalid parameter 'nope'"),
        (["fit", "--train", train, "--estimator", "gru", "--param", "=1",
          "--output", out], "--param takes NAME=VALUE"),
        (["fit", "--train", train, "--estimator", "gru", "--label-column", "y",
          "--output", out], "no column 'y' (label_column)"),
        (["fit", "--train", str(tmp_path / "toy.txt"), "--estimator", "gru",
          "--output", out], "no such file"),
        (["predict", "--model", train, "--input", train], "not an archive written"),
        (["fit", "--train", train, "--estimator", "gru"], "--output"),
        # output paths that cannot be written fail before the work, not after
        (["fit", "--train", train, "--estimator", "gru", "--output", str(tmp_path)],
         "is a folder; give a file name in it"),
        (["fit", "--train", train, "--estimator", "gru", "--output",
          str(tmp_path / "toy_TRAIN.csv" / "m.zip")], "is a file, not a folder"),
        (["predict", "--model", train, "--input", train, "--output", str(tmp_path)],
         "is a folder"),
        # a trailing separator names a folder even where none exists yet
        # (pathlib drops it: Path("new/") is "new", a file would be written)
        (["fit", "--train", train, "--estimator", "gru", "--output",
          str(tmp_path / "new") + "/"], "names a folder; give a file name in it"),
        (["predict", "--model", train, "--input", train, "--output",
          str(tmp_path / "new") + "/."], "names a folder"),
        (["benchmark", "--dataset", "japanese_vowels", "--estimators", "gru",
          "--output", str(tmp_path / "new") + "/"], "names a folder"),
        (["benchmark", "--quick", "--estimators", "dtw_1nn", "--output",
          str(tmp_path / "toy_TRAIN.csv" / "r.csv")], "is a file, not a folder"),
        (["fit", "--train", train, "--estimator", "gru", "--param", "callbacks=[1]",
          "--output", out], "--param callbacks cannot be set here"),
    ]:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err
    assert not (tmp_path / "m.zip").exists()
    model = tmp_path / "new" / "folder" / "gru.zip"  # missing folders are made
    assert main(["fit", "--train", train, "--estimator", "gru", "--max-epochs", "1",
                 "--output", str(model), "--no-progress"]) == 0
    np.savez(tmp_path / "three.npz", X=np.zeros((2, 5, 3)))
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "three.npz")]) == 2
    assert "has 3 channel(s); the model was fitted on 2" in capsys.readouterr().err


def test_fit_and_predict_file_and_option_checks(tmp_path, capsys):
    # fit needs labels, checks its numbers and column options before the work
    _split_files(tmp_path)
    train, out = str(tmp_path / "toy_TRAIN.csv"), str(tmp_path / "m.zip")
    X, y = np.load(tmp_path / "toy_TRAIN.npz")["X"], np.arange(24) % 2
    np.savez(tmp_path / "unlabelled.npz", X=X)
    ts = (tmp_path / "toy_TRAIN.ts").read_text().replace(
        "@classLabel true down up", "@classLabel false").splitlines()
    (tmp_path / "unlabelled.ts").write_text("\n".join(
        [*ts[:6], *(line.rsplit(":", 1)[0] for line in ts[6:])]) + "\n")
    fit = ["fit", "--train", train, "--estimator", "gru", "--output", out]
    for argv, message in [
        ([*fit, "--max-epochs", "0"], "--max-epochs must be >= 1, got 0"),
        ([*fit, "--threads", "0"], "--threads must be >= 1, got 0"),
        ([*fit, "--channel-columns", "a,a"], "distinct column names"),
        (["fit", "--train", str(tmp_path / "unlabelled.npz"), "--estimator",
          "gru", "--output", out], "has no array y"),
        (["fit", "--train", str(tmp_path / "unlabelled.ts"), "--estimator",
          "gru", "--output", out], "has no class labels"),
    ]:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err, argv
    parser, _ = _build_parser()
    args = parser.parse_args([*fit, "--delimiter", "\\t", "--param", "cell = lstm ",
                              "--param", "hidden_size= 8"])
    assert args.delimiter == "\t"
    from sktime_metric._cli.fit import _make_estimator

    params = _make_estimator(args, parser).get_params()
    assert (params["cell"], params["hidden_size"]) == ("lstm", 8)
    # suffixes in capitals; a CSV to predict without its label column; the
    # accuracy compares labels as text (the model's str, the file's int labels)
    with open(tmp_path / "TRAIN.NPZ", "wb") as f:  # np.savez would add .npz
        np.savez(f, X=X, y=np.array(["0", "1"])[y])
    model = tmp_path / "model.zip"
    assert main(["fit", "--train", str(tmp_path / "TRAIN.NPZ"), "--estimator", "gru",
                 "--max-epochs", "1", "--output", str(model), "--no-progress"]) == 0
    capsys.readouterr()
    from sktime_metric.persistence import load_weights

    predicted = load_weights(model).predict(X)
    np.savez(tmp_path / "test.npz", X=X, y=y)
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "test.npz")]) == 0
    expected = np.mean(predicted == np.array(["0", "1"])[y])
    assert f"accuracy against its labels {expected:.4f}" in capsys.readouterr().err
    text = (tmp_path / "toy_TRAIN.csv").read_text().splitlines()
    (tmp_path / "NEW.CSV").write_text("\n".join(
        line.rsplit(",", 1)[0] for line in text) + "\n")
    assert main(["predict", "--model", str(model), "--input",
                 str(tmp_path / "NEW.CSV")]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "series_id,predicted_label"
    assert len(captured.out.splitlines()) == 25
