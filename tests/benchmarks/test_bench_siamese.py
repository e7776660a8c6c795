"""``benchmarks/bench_siamese.py --quick`` runs end to end, so the script cannot rot."""

from ._load import load_benchmark


def test_quick_run(quick_run):
    run = quick_run("bench_siamese")
    assert run.code == 0
    out, output = run.out, run.md
    for row in ("| japanese_vowels | SRN-A ", "| japanese_vowels | DTW ",
                "| japanese_vowels | SRN-A + 1-NN ", "transform_ratio"):
        assert row in out
    assert "Targets" in output.read_text()


def test_claims():
    bench = load_benchmark("bench_siamese")
    ood = [{"dataset": d, "name": n, "pair_auc": auc, "one_shot": shot}
           for d in ("japanese_vowels", "spoken_digits")
           for n, auc, shot in (("SRN-A", 0.8, 0.3), ("SRN-L", 0.7, 0.2),
                                ("DTW", 0.75, 0.4))]
    claims = bench.claims(ood, [])
    assert claims["srn-ood-voice"][1] is False  # SRN-L 0.7 < DTW 0.75
    assert claims["srn-ood-digit"][1] is False and claims["srn-oneshot-digit"][1]
    assert claims["srn-oneshot-voice"][1] is False
    assert "srn-within-voice" not in claims
