"""``benchmarks/bench_routines.py --quick`` runs end to end, so the script cannot rot."""

import numpy as np
import pytest

from ._load import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_routines")


def test_quick_run(quick_run, bench):
    run = quick_run("bench_routines")
    assert run.code == 0
    for name in bench.MODELS:
        assert f"| {name} " in run.out
    assert "Targets" in run.out and "these verdicts mean nothing" in run.out
    assert run.md.read_text().startswith("# bench_routines (quick mode")


def test_split_days_keeps_the_thesis_proportions(bench):
    t = np.arange(30 * 24) * 3600.0  # one row an hour, 30 days
    parts = bench.split_days(np.zeros((len(t), 1)), t, 30)
    days = {k: np.unique(np.floor(v[1] / 86400)) for k, v in parts.items()}
    assert [len(days[k]) for k in ("train", "validation", "test")] == [12, 3, 15]
    assert days["train"].max() < days["validation"].min() < days["test"].min()


def test_claims(bench):
    names = list(bench.MODELS)
    rows = [{"name": n, "completeness": 0.5, "silhouette": 0.3, "nmi": 0.4,
             "ami": 0.2, "reconstruction": 0.5} for n in names]
    by_name = {r["name"]: r for r in rows}
    by_name["SS2S KISSME disjoint"].update(completeness=0.9, nmi=0.6, reconstruction=0.1)
    by_name["DTW"]["silhouette"] = 0.1
    by_name["SGRU"]["ami"] = by_name["CGRU"]["ami"] = 0.7
    claims = bench.claims(rows)
    assert set(claims) == {c.id for c in bench.CLAIMS}
    assert claims["routines-kissme-best"][1] and claims["routines-dtw-silhouette"][1]
    assert claims["routines-disjoint"][1]  # ties count for disjoint
    assert claims["routines-gru-ami"][1]
    assert claims["routines-gru"][1] is False  # equal silhouettes
    assert claims["routines-reconstruction"][1] is False  # cosine: 0.5 vs 0.5
