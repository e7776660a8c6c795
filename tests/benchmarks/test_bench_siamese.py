"""``benchmarks.bench_siamese --quick`` runs end to end, so the script cannot rot."""

from benchmarks import _common, bench_siamese


def test_quick_run(quick_run):
    run = quick_run("bench_siamese")
    assert run.code == 0
    out, output = run.out, run.md
    for row in ("| japanese_vowels | SRN-A ", "| japanese_vowels | DTW ",
                "| japanese_vowels | SRN-A + 1-NN ", "transform_ratio",
                "sorted_ratio", "pair_auc_seeds", "like for like"):
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
    assert "srn-within-voice" not in claims


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
