"""The ``sktime-metric`` command and the benchmark registry it runs."""

import csv
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
    format_table,
    plot_results,
    run_benchmark,
    write_results,
)
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


def test_registry_has_the_baselines():
    assert {"tagm", "gru", "lstm", "dtw_1nn"} <= set(ESTIMATORS)
    assert {"japanese_vowels", "basic_motions"} <= set(DATASETS)
    for factory in ESTIMATORS.values():
        assert hasattr(factory("quick", 0), "fit")


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


def test_run_benchmark_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown estimator"):
        run_benchmark(estimators=["nope"], mode="quick")
    with pytest.raises(ValueError, match="Unknown dataset"):
        run_benchmark(dataset="nope", mode="quick")
    with pytest.raises(ValueError, match="mode must be one of"):
        run_benchmark(mode="slow")


def test_format_table_without_tabulate(monkeypatch):
    results = [{"dataset": "d", "name": "x", "accuracy": 0.5, "fit_s": 1.0,
                "predict_s": 0.25, "epochs": None, "epoch_s": None}]
    monkeypatch.setitem(sys.modules, "tabulate", None)  # import now fails
    table = format_table(results, columns=("name", "accuracy", "epochs"))
    assert table.splitlines() == [
        "| name | accuracy | epochs |",
        "| --- | --- | --- |",
        "| x | 0.5000 | - |",
    ]


def test_write_results_rejects_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.md"):
        write_results([], tmp_path / "results.json")


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


def test_plot_writes_a_png_chart(tmp_path, capsys):
    path = tmp_path / "results.png"
    code = main(["benchmark", "--quick", "--estimators", "gru,lstm", "--plot",
                 str(path), "--no-progress"])
    assert code == 0
    assert f"chart written to {path}" in capsys.readouterr().out
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_plot_results_of_several_datasets(tmp_path):
    rows = [{"dataset": d, "name": n, "accuracy": a, "fit_s": f, "predict_s": 0.5}
            for d, n, a, f in (("a", "x", 0.5, 2.0), ("b", "x", 1.0, 0.0))]
    plot_results(rows, tmp_path / "two.png", title="two datasets")
    assert (tmp_path / "two.png").read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(ValueError, match="No results"):
        plot_results([], tmp_path / "none.png")


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


@pytest.mark.parametrize("suffix", [".npz", ".ts"])
def test_benchmark_on_the_users_files(tmp_path, capsys, suffix):
    _split_files(tmp_path)
    code = main(["benchmark", "--quick", "--estimators", "gru,dtw_1nn", "--no-progress",
                 "--train", str(tmp_path / f"toy_TRAIN{suffix}"),
                 "--test", str(tmp_path / f"toy_TEST{suffix}")])
    out = capsys.readouterr().out
    assert code == 0
    assert "sktime-metric benchmark: toy (quick mode" in out
    assert out.count("| toy ") == 2  # one row per estimator


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
