"""``benchmarks.bench_scale --quick`` runs end to end, so the script cannot rot."""

import json

import numpy as np
import pytest
import torch


@pytest.fixture(scope="module")
def bench():
    from benchmarks import bench_scale

    return bench_scale


def test_quick_run(quick_run):
    run = quick_run("bench_scale")
    assert run.code == 0
    out = run.out
    for sweep in ("length", "collection", "pairwise"):
        assert f"| {sweep} " in out
    for name in ("bare_gru", "bare_lstm", "rnn", "srn"):
        assert f"| {name} " in out
    for op in ("fit", "predict", "pairwise"):
        assert f"| {op} " in out
    for text in ("Growth exponents", "worst ratio to the bare kernel",
                 "memory growing faster than linearly in T",
                 "bare nn.LSTM(3, 8) over bare nn.GRU(3, 8) at T = 100: fit ",
                 "0 cells skipped, stopped or failed", "these numbers mean nothing"):
        assert text in out
    assert run.md.read_text().startswith("# bench_scale (quick mode")
    record = json.loads(run.json.read_text())
    assert record["script"] == "bench_scale" and record["claims"] == []


def test_random_series_is_seeded(bench):
    X, y = bench.random_series(6, 30, random_state=0)
    again, _ = bench.random_series(6, 30, random_state=0)
    assert X.shape == (6, 30, 3) and X.dtype == np.float32
    np.testing.assert_array_equal(X, again)
    np.testing.assert_array_equal(y, [0, 1, 0, 1, 0, 1])


def test_every_estimator_is_made(bench):
    for name in (*bench.SEQUENCE_NAMES, "kissme"):
        estimator = bench.make_estimator(name)
        if name != "kissme":
            assert estimator.max_epochs == 1


def test_plan_covers_the_sweeps(bench):
    sweeps = bench.plan("default", (*bench.SEQUENCE_NAMES, "kissme"))
    key, sizes, cells = sweeps["length"]
    assert key == "T" and sizes == (100, 1000, 10000)
    assert {name for name, _, _ in cells} == {bench.BARE, bench.BARE_LSTM,
                                              *bench.SEQUENCE_NAMES}
    assert {name for name, _, _ in sweeps["collection"][2]} == {
        bench.BARE, bench.BARE_LSTM, *bench.SEQUENCE_NAMES, "kissme"}
    assert {name for name, _, _ in sweeps["pairwise"][2]} == {
        bench.BARE, *bench.METRIC_NAMES}
    assert bench.plan("full", ("rnn",))["collection"][1][-1] == 100000


def test_growth_exponents(bench):
    rows = [{"device": "cpu", "sweep": "length", "name": "x", "op": "fit", "n": 4,
             "T": T, "seconds": 1e-3 * T, "vs_bare": 2.0 if T == 100 else 1.5,
             "peak_mb": 1e-4 * T ** 1.5} for T in (100, 1000, 10000)]
    rows.append({"device": "cpu", "sweep": "length", "name": "x", "op": "fit", "n": 4,
                 "T": 100000, "note": "skipped: ~100 s > cap 60 s"})
    (row,) = bench.growth(rows)
    assert row["time_exp"] == pytest.approx(1.0)
    assert row["mem_exp"] == pytest.approx(1.5)  # the 100-step 0.1 MB is left out
    assert row["mem_exp_last"] == pytest.approx(1.5)
    assert row["worst_vs_bare"] == 2.0 and row["sizes"] == "T 100-10000"
    lines = bench.notes(rows, [row], "default")
    assert "x fit (1.50)" in lines[1]
    assert lines[2].startswith("1 cells skipped") and "T=100000" in lines[2]


def test_estimate_extrapolates_at_least_linearly(bench):
    assert bench._estimate([10], [1.0], 100) == pytest.approx(10.0)
    assert bench._estimate([10, 100], [1.0, 2.0], 1000) == pytest.approx(20.0)
    assert bench._estimate([10, 100], [1.0, 100.0], 1000) == pytest.approx(1e4)


def test_child_measures_a_cell(bench):
    spec = {"name": "bare_gru", "op": "fit", "n": 4, "T": 30, "device": "cpu",
            "threads": 1, "random_state": 0, "q": 2, "n_fit": 4, "T_fit": 30}
    result = bench.run_child(spec, timeout=120)
    assert result["vs_bare"] == 1.0 and result["seconds"] > 0
    assert result["rss_mb"] >= result["peak_mb"] >= 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_cells(bench):
    for name, op in (("rnn", "fit"), ("srn", "pairwise")):
        spec = {"name": name, "op": op, "n": 8, "T": 50, "device": "cuda",
                "threads": 1, "random_state": 0, "q": 2, "n_fit": 8, "T_fit": 50}
        result = bench.run_child(spec, timeout=300)
        assert "seconds" in result, result
        assert result["peak_mb"] >= 0


def test_dask_part_matches_the_local_results():
    pytest.importorskip("distributed")
    from benchmarks._scale_dask import dask_part

    rows = dask_part("quick")
    assert [r["op"] for r in rows] == ["predict_in_blocks", "pairwise_distances"]
    for row in rows:
        # the same blocks and tiles, computed elsewhere: float32 rounding at most
        assert row["max_abs_diff"] <= 1e-5
        assert row["local_s"] > 0 and row["dask_s"] > 0 and row["speedup"] > 0
