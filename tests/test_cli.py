"""The ``sktime-metric`` command and the benchmark registry it runs."""

import csv
import subprocess
import sys

import pytest

from sktime_metric import __version__
from sktime_metric.benchmarking import (
    COLUMNS,
    DATASETS,
    DEFAULT_ESTIMATORS,
    ESTIMATORS,
    format_table,
    run_benchmark,
    write_results,
)
from sktime_metric.cli import main


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
    assert text.startswith("# sktime-metric benchmark: japanese_vowels (quick mode)")
    names = [line.split("|")[2].strip() for line in text.splitlines()
             if line.startswith("| japanese_vowels")]
    assert names == ["tagm", "dtw_1nn"]
    assert "random_state=3" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["benchmark", "--estimators", "tagm,nope"], "unknown estimator(s): nope"),
        (["benchmark", "--estimators", ","], "unknown estimator(s): (none given)"),
        (["benchmark", "--dataset", "nope"], "invalid choice: 'nope'"),
        (["benchmark", "--output", "results.txt"], "must end in .csv or .md"),
        (["benchmark", "--quick", "--full"], "not allowed with argument"),
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
