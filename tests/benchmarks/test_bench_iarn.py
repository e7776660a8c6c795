"""``benchmarks.bench_iarn`` runs in ``--quick`` mode, so it cannot rot."""

import importlib.util
import json
import re

import pytest

HAS_RECBOLE = importlib.util.find_spec("recbole") is not None


@pytest.fixture(scope="module")
def bench_iarn():
    from benchmarks import bench_iarn

    return bench_iarn


def test_bench_iarn_quick(quick_run, bench_iarn):
    run = quick_run("bench_iarn")
    assert run.code == 0
    assert run.md.read_text().startswith("# bench_iarn (quick mode")
    records = json.loads(run.json.read_text())["claims"]
    assert [r["id"] for r in records] == [c.id for c in bench_iarn.CLAIMS]
    if not HAS_RECBOLE:
        assert "not measured: MovieLens-100K is read from the optional package" in run.out
        assert {r["verdict"] for r in records} == {"not measured"}
        return
    names = [*bench_iarn.VARIANTS, *bench_iarn.BASELINES, *bench_iarn.SURPRISE]
    for name in names:
        assert re.search(rf"^\|\s*{re.escape(name)}\s*\|", run.out, flags=re.M), name
    # mean ± sd over the 2 quick seeds; popularity has no RMSE
    assert re.search(r"^\|\s*IARN\s*\|\s*[\d.]+ ± [\d.]+\s*\|", run.out, flags=re.M)
    assert re.search(r"^\|\s*popularity\s*\|\s*-\s*\|", run.out, flags=re.M)
    assert "these verdicts mean nothing" in run.out
    assert all(r["verdict"] in ("holds", "does not hold") for r in records)


def _row(name, **values):
    """A summary row as ``summarize`` makes it (sd 0, one seed)."""
    row = {"name": name}
    for key, value in values.items():
        row.update({key: value, f"{key}_sd": 0.0, f"{key}_seeds": f"{value:.4f}"})
    return row


def test_summarize_gives_mean_sd_and_seeds(bench_iarn):
    row = bench_iarn.summarize("m", [{"rmse": 1.0, "auc": None},
                                     {"rmse": 3.0, "auc": 0.5}])
    assert row["rmse"] == 2.0 and row["rmse_sd"] == pytest.approx(2 ** 0.5)
    assert row["rmse_seeds"] == "1.0000 / 3.0000" and row["auc"] is None


def test_verdicts_are_honest(bench_iarn):
    long = f"rmse_min{bench_iarn.LONG}"
    summary = [
        _row("IARN", rmse=1.00, auc=0.70, **{long: 0.90}),
        _row("IARN-Plain", rmse=1.02, auc=0.69, **{long: 0.85}),
        _row("TAGM backbone", rmse=1.03, auc=0.69, **{long: 0.86}),
        _row("LSTM backbone", rmse=1.04, auc=0.69, **{long: 0.95}),
        _row("RNN backbone", rmse=1.05, auc=0.68, **{long: 0.92}),
        _row("MF (ALS)", rmse=0.98, auc=0.65),
        _row("time-aware baseline", rmse=1.01, auc=0.66),
        _row("surprise SVD", rmse=1.10, auc=0.60),
        _row("surprise SVD++", rmse=1.10, auc=0.60),
        _row("popularity", auc=0.75),
    ]
    measured = bench_iarn.claims(summary)
    assert measured["iarn-ml-rmse"][1] is False  # MF's 0.98 < IARN's 1.00
    assert measured["iarn-ml-auc"][1] is True  # 0.70 > 0.65, 0.66 (popularity aside)
    assert measured["iarn-ml-gated"][1] is False  # the LSTM's 0.95 > the RNN's 0.92
    gain = measured["iarn-ml-plain-best"][0][f"gain over the second best at "
                                            f"{bench_iarn.LONG}"]
    assert gain == pytest.approx(100 * (0.86 - 0.85) / 0.86)
    assert measured["iarn-ml-features"][0]["gain"] == pytest.approx(100 * 0.02 / 1.02)
    lines = bench_iarn.targets(measured, "default")
    assert lines[0].endswith("-> does not hold") and lines[1].endswith("-> holds")
    assert bench_iarn.claims([]) == {}
