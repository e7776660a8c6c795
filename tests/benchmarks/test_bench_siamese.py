"""``benchmarks/bench_siamese.py --quick`` runs end to end, so the script cannot rot."""

from ._load import load_benchmark


def test_quick_run(tmp_path, capsys):
    bench = load_benchmark("bench_siamese")
    output = tmp_path / "srn.md"
    assert bench.main(["--quick", "--no-progress", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    for row in ("| japanese_vowels | SRN-A ", "| japanese_vowels | DTW ",
                "| japanese_vowels | SRN-A + 1-NN ", "transform_ratio"):
        assert row in out
    assert "Targets" in output.read_text()
