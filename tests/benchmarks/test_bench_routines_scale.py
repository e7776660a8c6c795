"""``benchmarks.bench_routines_scale --quick`` runs end to end, so the script cannot rot."""

import re


def test_quick_run_dense_and_knn_rows(capsys):
    from benchmarks import bench_routines_scale

    # each clustering in a fresh process (peak memory cannot be reset in one):
    # dense and sparse k-NN rows for the raw and the learned metric
    code = bench_routines_scale.main(["--quick", "--no-progress", "--windows", "300"])
    out = capsys.readouterr().out
    assert code == 0 and "# bench_routines_scale (quick mode" in out
    for metric in ("euclidean", "seq2seq"):
        for graph in ("dense", "knn"):
            assert re.search(rf"^\| 3\d\d +\| {metric} +\| {graph} +\|", out, re.M)
