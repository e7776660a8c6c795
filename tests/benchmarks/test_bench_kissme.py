"""``benchmarks.bench_kissme --quick`` runs end to end, so the script cannot rot."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench():
    from benchmarks import bench_kissme

    return bench_kissme


def test_quick_run(quick_run):
    run = quick_run("bench_kissme")
    assert run.code == 0
    out = run.out
    for dataset in ("digits", "japanese_vowels_flat"):
        for name in ("euclidean", "kissme", "kissme_pca_cv", "nca"):
            assert f"| {dataset} " in out and f"| {name} " in out
    for dataset in ("japanese_vowels", "basic_motions"):
        for name in ("ss2s_kissme_1nn", "dtw_1nn"):
            assert f"| {dataset} " in out and f"| {name} " in out
    for text in ("fit NCA / KISSME = ", "fitted exponent", "SS2S-KISSME 1-NN accuracy",
                 "these numbers mean nothing"):
        assert text in out
    assert run.md.read_text().startswith("# bench_kissme (quick mode")


def test_pca_candidates_fit_the_folds(bench):
    assert bench.pca_candidates(900, 64) == [8, 16, 32, None]
    assert bench.pca_candidates(60, 288) == [36, None]  # folds train on 40 rows
    assert bench.pca_candidates(10, 4) == [1, 2, None]


def test_random_labelled_is_seeded(bench):
    X, y = bench.random_labelled(100, 5, n_classes=3, random_state=0)
    again, y_again = bench.random_labelled(100, 5, n_classes=3, random_state=0)
    assert X.shape == (100, 5) and set(y) == {0, 1, 2}
    np.testing.assert_array_equal(X, again)
    np.testing.assert_array_equal(y, y_again)


def test_targets(bench):
    vectors = [{"dataset": "digits", "name": n, "accuracy": a, "fit_ms": f,
                "vs_kissme": f / 2.0, "n_components": c}
               for n, a, f, c in (("euclidean", 0.99, 0.1, None),
                                  ("kissme", 0.95, 2.0, None),
                                  ("kissme_pca_cv", 0.96, 30.0, 16),
                                  ("nca", 0.98, 100.0, None))]
    scaling = [{"n": n, "d": 50, "fit_ms": 0.01 * n ** 1.5} for n in (10, 100, 1000)]
    sequences = [{"dataset": "basic_motions", "name": n, "accuracy": a, "fit_s": 1.0,
                  "predict_s": 0.1} for n, a in (("ss2s_kissme_1nn", 0.9),
                                                 ("dtw_1nn", 1.0))]
    lines, exponent = bench.targets(vectors, scaling, sequences, "default")
    assert exponent == pytest.approx(1.5)
    assert "fit NCA / KISSME = 50.0x" in lines[0]
    assert "PCA dimension by CV, 16: 0.9600" in lines[0]
    assert lines[1].startswith("KISSME fit time vs n") and "-> does not hold" in lines[1]
    assert "0.9000 vs 1-NN DTW 1.0000" in lines[2]
