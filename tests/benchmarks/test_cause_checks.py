"""``benchmarks.cause_checks`` runs in ``--quick`` mode, so it cannot rot."""

import re


def test_cause_checks_quick(quick_run):
    run = quick_run("cause_checks")
    assert run.code == 0
    assert run.md.read_text().startswith("# cause_checks (quick mode")
    # every check and model has its rows: 4 noise-length fits, TAGM and GRU on
    # 2 further seeds, the chapter's HULM noisy and clean, CGRU from a small
    # coupling start on 3 datasets, CGRU and SGRU on 3 UCI HAR subsamples,
    # CGRU, SGRU and RVSML (OPW, quick mode's one) on UCI HAR's raw and
    # nine channels, the SRNs and their non-recurrent pairs trained on 5 and 7
    # speakers (one seed), IARN 3 times on all users and once on half of them
    # beside MF, the four backbones with 2 history lengths on 2 seeds
    for check, name, count in (("noise-length", "rnn", 1), ("noise-length", "lstm", 1),
                               ("tagm-gru-seeds", "tagm", 2),
                               ("tagm-gru-seeds", "gru", 2),
                               ("bi-seeds", "bi_tagm", 2), ("bi-seeds", "bi_lstm", 2),
                               ("graphical-noise", "chapter_hulm", 2),
                               ("coupling-init", "cgru", 3),
                               ("uci-har", "cgru", 3), ("uci-har", "sgru", 3),
                               ("uci-har-channels", "cgru", 2),
                               ("uci-har-channels", "rvsml_opw", 2),
                               ("srn-speakers", "SRN-L", 2),
                               ("srn-speakers", "SN-L", 2),
                               ("iarn-training", "IARN", 4),
                               ("iarn-training", r"MF \(ALS\)", 2),
                               ("iarn-history", "IARN-Plain", 4),
                               ("iarn-history", "RNN backbone", 4)):
        rows = re.findall(rf"^\|\s*{check}\s*\|\s*{name}\s*\|", run.out, flags=re.M)
        assert len(rows) == count, (check, name)
    # the noise-length rows are the chapter's length, not the benchmark's
    assert "94 steps" in run.out
    assert "uci_har: 9 channels" in run.out and "raw: 6 channels" in run.out
    assert "these numbers mean nothing" in run.out
