"""``benchmarks.bench_routines --quick`` runs end to end, so the script cannot rot."""

import re

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench():
    from benchmarks import bench_routines

    return bench_routines


def test_quick_run(quick_run, bench):
    run = quick_run("bench_routines")
    assert run.code == 0
    for name in bench.MODELS:  # one row per schedule
        assert len(re.findall(rf"^\| {re.escape(name)} +\|", run.out, re.M)) == 2
    assert "## schedule='default'" in run.out and "## schedule='distinct'" in run.out
    for column in ("nmi_g", "ami_g", "act_nmi", "act_ami_g"):
        assert f" {column} " in run.out
    assert "Targets" in run.out and "these verdicts mean nothing" in run.out
    assert run.md.read_text().startswith("# bench_routines (quick mode")


def test_split_days_keeps_the_thesis_proportions(bench):
    t = np.arange(30 * 24) * 3600.0  # one row an hour, 30 days
    activities = np.arange(len(t)).astype(str)
    parts = bench.split_days(np.zeros((len(t), 1)), t, 30, activities)
    days = {k: np.unique(np.floor(v[1] / 86400)) for k, v in parts.items()}
    assert [len(days[k]) for k in ("train", "validation", "test")] == [12, 3, 15]
    assert days["train"].max() < days["validation"].min() < days["test"].min()
    X, t_test, act = parts["test"]
    assert act.tolist() == activities[15 * 24:].tolist() and len(X) == len(t_test)


def test_window_activities_is_the_majority_of_the_rows(bench):
    t = np.arange(12) * 600.0  # six rows an hour
    act = np.array(["a"] * 4 + ["b"] * 2 + ["b"] * 3 + ["c"] * 3)
    got = bench.window_activities(act, t, np.array([0.0, 3600.0]))
    assert got.tolist() == ["a", "b"]
    # a tie goes to the first activity in sorted order
    act = np.array(["b", "b", "b", "a", "a", "a"])
    assert bench.window_activities(act, t[:6], np.array([0.0])).tolist() == ["a"]


def test_score_clustering_is_sklearn_with_both_normalisations(bench):
    from sklearn import metrics

    rng = np.random.RandomState(0)
    slots = np.tile(np.arange(24), 5)
    activities = np.array(["rest", "walk", "run"])[slots % 3]
    labels = rng.randint(4, size=len(slots))
    labels[slots % 3 == 0] = 9  # one cluster holds every "rest" window
    D = np.abs(labels[:, None] - labels[None, :]) + rng.rand(len(slots), len(slots))
    days = np.repeat(np.arange(5), 24)
    row = bench.score_clustering(labels, slots, activities, D, days)
    assert set(row) == set(bench.SCORES)
    for prefix, reference in (("", slots), ("act_", activities)):
        for suffix, average in (("", "arithmetic"), ("_g", "geometric")):
            assert row[f"{prefix}nmi{suffix}"] == pytest.approx(
                metrics.normalized_mutual_info_score(reference, labels,
                                                     average_method=average))
            assert row[f"{prefix}ami{suffix}"] == pytest.approx(
                metrics.adjusted_mutual_info_score(reference, labels,
                                                   average_method=average))
    assert row["nmi_g"] > row["nmi"]  # H(slots) > H(labels): geometric is larger
    assert row["completeness"] == pytest.approx(metrics.completeness_score(slots, labels))
    # the true activities as clusters: perfect against the activities
    codes = np.unique(activities, return_inverse=True)[1]
    perfect = bench.score_clustering(codes, slots, activities)
    assert perfect["act_nmi"] == perfect["act_ami_g"] == pytest.approx(1.0)
    assert np.isnan(perfect["silhouette"]) and np.isnan(perfect["slot_auc"])


def test_slot_auc_counts_same_slot_pairs_of_different_days_as_similar(bench):
    slots, days = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    # pairs (0, 2) and (1, 3) similar; (0, 1), (2, 3), (0, 3), (1, 2) dissimilar
    D = np.array([[0, 5, 1, 5], [5, 0, 5, 2], [1, 5, 0, 5], [5, 2, 5, 0]], float)
    assert bench.slot_auc(D, slots, days) == 1.0
    D[0, 2] = D[2, 0] = 9  # one similar pair now farther than every dissimilar one
    assert bench.slot_auc(D, slots, days) == pytest.approx(0.5)


def test_aggregate_gives_mean_and_sd_over_seeds(bench):
    def run(nmi, fit_s):
        row = dict.fromkeys(bench.SCORES, 0.5)
        return [{**row, "name": "A", "nmi": nmi, "reconstruction": None,
                 "fit_s": fit_s}]

    (row,) = bench.aggregate([run(0.2, 1.0), run(0.4, 2.0), run(0.6, 3.0)])
    assert row["nmi"] == pytest.approx(0.4) and row["nmi_sd"] == pytest.approx(0.2)
    assert row["reconstruction"] is None and row["n_seeds"] == 3
    shown = bench._shown(row)
    assert shown["nmi"] == "0.400 ± 0.200" and shown["fit_s"] == "2.0 ± 1.0"
    (single,) = bench.aggregate([run(0.2, 1.0)])
    assert bench._shown(single)["nmi"] == "0.200"


def test_claims(bench):
    names = list(bench.MODELS)
    rows = [{"name": n, "completeness": 0.5, "silhouette": 0.3, "nmi": 0.4,
             "ami": 0.2, "reconstruction": 0.5} for n in names]
    by_name = {r["name"]: r for r in rows}
    by_name["SS2S KISSME disjoint"].update(completeness=0.9, nmi=0.6, reconstruction=0.1)
    by_name["DTW"]["silhouette"] = 0.1
    by_name["SGRU"]["ami"] = by_name["CGRU"]["ami"] = 0.7
    # the controls (activity oracle, thesis margin, random projection) do not
    # compete with the thesis's models
    by_name["Activity oracle"].update(completeness=1.0, nmi=1.0, ami=1.0)
    by_name["SS2S KISSME disjoint, random projection"]["silhouette"] = 0.0
    claims = bench.claims(rows)
    assert set(claims) == {c.id for c in bench.CLAIMS}
    assert claims["routines-kissme-best"][1] and claims["routines-dtw-silhouette"][1]
    assert claims["routines-disjoint"][1]  # ties count for disjoint
    assert claims["routines-gru-ami"][1]
    assert claims["routines-gru"][1] is False  # equal silhouettes
    assert claims["routines-reconstruction"][1] is False  # cosine: 0.5 vs 0.5


@pytest.mark.skipif(__import__("importlib").util.find_spec("pyActigraphy") is None,
                    reason="pip install --no-deps pyActigraphy==1.2.2")
def test_quick_run_on_the_real_recordings(bench, capsys):
    assert bench.main(["--quick", "--recordings", "--no-progress",
                       "--models", "Activity oracle"]) == 0
    out = capsys.readouterr().out
    assert "## real recordings (pyActigraphy" in out
    rows = re.findall(r"^\| example_01 +\| (\S+)", out, re.M)
    assert rows == ["euclidean", "sgru", "seq2seq"]  # "sgru (default)"
