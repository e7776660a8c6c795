"""``benchmarks.bench_siamese --quick`` runs end to end, so the script cannot rot."""

import numpy as np
import pytest

from benchmarks import _common, _fisher_pairs, bench_siamese


def test_quick_run(quick_run):
    run = quick_run("bench_siamese")
    assert run.code == 0
    out, output = run.out, run.md
    for row in ("| japanese_vowels | SRN-A ", "| japanese_vowels | DTW ",
                "| japanese_vowels | SRN-A + 1-NN ", "transform_ratio",
                "sorted_ratio", "pair_auc_seeds", "like for like",
                "| japanese_vowels | Fisher K. ", "| japanese_vowels | Fisher V. "):
        assert row in out
    assert "Targets" in output.read_text()


def test_claims():
    ood = [{"dataset": d, "name": n, "pair_auc": auc, "one_shot": shot}
           for d in ("japanese_vowels", "spoken_digits")
           for n, auc, shot in (("SRN-A", 0.8, 0.3), ("SRN-L", 0.7, 0.2),
                                ("DTW", 0.75, 0.4))]
    claims = bench_siamese.claims(ood, [])
    assert claims["srn-ood-voice"][1] is False  # SRN-L 0.7 < DTW 0.75
    assert claims["srn-ood-digit"][1] is False and claims["srn-oneshot-digit"][1]
    assert claims["srn-oneshot-voice"][1] is False
    assert "srn-within-voice" not in claims and "srn-ood-fisher" not in claims
    ood += [{"dataset": "japanese_vowels", "name": n, "pair_auc": auc, "one_shot": 0.3}
            for n, auc in (("Fisher K.", 0.72), ("Fisher V.", 0.52))]
    ours, ok, _ = bench_siamese.claims(ood, [])["srn-ood-fisher"]
    assert ours == {"SRN-A": 0.8, "Fisher K.": 0.72, "Fisher V.": 0.52} and ok


def test_claims_are_means_over_seeds():
    ood = [bench_siamese.mean_over_seeds(
        [{"dataset": "japanese_vowels", "name": n, "pair_auc": a, "one_shot": 0.2,
          "fit_s": 1.0} for a in aucs], ("pair_auc", "one_shot"), ("fit_s",))
        for n, aucs in (("SRN-A", (0.5, 0.7)), ("SRN-L", (0.6, 0.8)))]
    ood.append({"dataset": "japanese_vowels", "name": "DTW", "pair_auc": 0.65,
                "one_shot": 0.3})
    assert ood[0]["pair_auc"] == 0.6 and ood[0]["pair_auc_seeds"] == "0.500 / 0.700"
    ours, ok, note = bench_siamese.claims(ood, [])["srn-ood-voice"]
    assert ours == {"SRN-A": 0.6, "SRN-L": 0.7, "DTW": 0.65} and ok is False
    assert "SRN-A 0.500 / 0.700" in note and "SRN-L 0.600 / 0.800" in note


def test_interleaved_ms():
    calls = []
    ms, times = _common.interleaved_ms([lambda: calls.append(0),
                                       lambda: calls.append(1)], 3)
    assert times.shape == (3, 2) and ms.shape == (2,)
    assert calls == [0, 0, 1, 1, 0, 1, 1, 0, 0, 1]  # warm-up, then rotated


class _Embedding:
    """A stand-in fitted embedder: the series' first values are their scores."""

    fisher_scale_ = np.array([2.0, 0.5])

    def transform(self, X):
        return np.asarray(X)[:, 0, :2]


@pytest.mark.parametrize("seed", range(3))
def test_fisher_pair_measures_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    X_fit, y_fit = rng.normal(size=(12, 3, 2)), np.repeat([0, 1, 2], 4)
    X = rng.normal(size=(7, 3, 2))
    embedding = _Embedding()
    G, Z = embedding.transform(X_fit), embedding.transform(X)
    # Fisher kernel: minus the inner product of the raw (un-whitened) scores
    kernel = _fisher_pairs.FisherKernelPairs(embedding)
    raw = Z * embedding.fisher_scale_
    np.testing.assert_allclose(kernel.pairwise_distances(X), -(raw @ raw.T))
    # Fisher vector: distance of [z_i, z_j] to the nearest similar training pair
    # in either order; 100 pairs asked, all 18 similar pairs kept
    vector = _fisher_pairs.FisherVectorPairs(embedding, X_fit, y_fit, 100, seed)
    vector.block = 5  # several blocks, including partial ones
    similar = [(a, b) for a in range(12) for b in range(12) if a != b
               and y_fit[a] == y_fit[b]]
    expected = np.array([[min(np.linalg.norm(np.r_[Z[i], Z[j]] - np.r_[G[a], G[b]])
                              for a, b in similar) for j in range(7)] for i in range(7)])
    np.testing.assert_allclose(vector.pairwise_distances(X), expected, rtol=1e-9)
    np.testing.assert_allclose(vector.pairwise_distances(X, X[:3]), expected[:, :3],
                               rtol=1e-9)
    pairs = np.array([[0, 1], [2, 6], [5, 3], [4, 4]])
    np.testing.assert_allclose(vector._indexed_pair_distances(X, pairs),
                               expected[pairs[:, 0], pairs[:, 1]], rtol=1e-9)
    for measure in (kernel, vector):
        np.testing.assert_allclose(measure._indexed_pair_distances(X, pairs),
                                   measure.pairwise_distances(X)[pairs[:, 0], pairs[:, 1]],
                                   rtol=1e-9)


def test_fisher_baselines_take_the_states_with_the_best_validation_auc(monkeypatch):
    from sktime_metric.datasets import make_sequence_classification
    from sktime_metric.metric import FisherVectorEmbedder

    X, y = make_sequence_classification(n_samples=40, n_classes=5, min_length=8,
                                        max_length=12, random_state=0)
    # validation AUC by candidate: the kernel's best is 3 states, the vector's
    # a tie between 2 and 3 states, which goes to the fewer
    scores = {"Fisher K.": {2: 0.6, 3: 0.7}, "Fisher V.": {2: 0.8, 3: 0.8}}
    seen = []

    def fake_auc(measure, X_valid, y_valid, random_state):
        name = ("Fisher K." if isinstance(measure, _fisher_pairs.FisherKernelPairs)
                else "Fisher V.")
        seen.append((name, len(X_valid), set(np.unique(y_valid))))
        return scores[name][measure.embedder.n_states]

    monkeypatch.setattr(_fisher_pairs, "pair_auc", fake_auc)
    measures = _fisher_pairs.fisher_measures(X, y, "quick", seed=0)
    assert {name: n for name, (_, n) in measures.items()} == {"Fisher K.": 3,
                                                              "Fisher V.": 2}
    # validated on whole held-out classes, the same for every candidate
    held = seen[0][2]
    assert 2 <= len(held) <= 3 and all(s[2] == held for s in seen)
    assert len(seen) == 2 * len(_fisher_pairs.STATES["quick"])
    # the chosen HMMs are refitted on every training series
    for name, (measure, n_states) in measures.items():
        refit = FisherVectorEmbedder(n_states, random_state=0).fit(X)
        np.testing.assert_array_equal(measure.embedder.transform(X), refit.transform(X))
