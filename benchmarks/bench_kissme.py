"""KISSME vs Euclidean and NCA 1-NN on vectors, its fit time as n grows, SS2S vs DTW.

Part 1, vectors. 1-NN accuracy and fit seconds, each method on the same split:
Euclidean 1-NN; :class:`~sktime_metric.metric.KISSMETransformer` + 1-NN with
its defaults (no PCA) and with its PCA dimension chosen by 3-fold
cross-validation on the training set among d/8, d/4, d/2 and no PCA (the
thesis: KISSME is "very sensitive" to that dimension; the search's fits are
part of its fit seconds); scikit-learn's ``NeighborhoodComponentsAnalysis``
+ 1-NN with its defaults. Fit times (ms) are the median of interleaved
repetitions in the same run; ``vs_kissme`` is each fit time over the default
KISSME's. Data:

1. scikit-learn's ``load_digits`` (1,797 8x8 images, 64 features, 10 classes),
   split 50 / 50 stratified.
2. JapaneseVowels (embedded, 270 / 370) flattened: each series linearly
   resampled over its own length to the longest training length (26 frames;
   the series have 7 to 29), then its 26 x 12 LPC cepstra as one row of 312
   values (as bench_suite's Euclidean 1-NN does). With 270 training rows the
   pair covariances are singular there: only the ridge keeps KISSME defined.

Part 2, KISSME's fit seconds as n grows from 1e3 to 1e5 at d = 50 (random
Gaussian classes: 10 labels, class means drawn at random; median of 3 fits),
with the exponent of a least-squares fit of ``log(seconds) = e log(n) + c``
over all sizes and over the three largest (where the d^3 work of the inverses
and the eigendecomposition, which does not grow with n, matters least).
With labels and ``pair_sampling="all"`` KISSME is exact over all pairs in
O(n d^2) (per-class scatter matrices, never the pairs): target e <= 1.2.

Part 3, sequences: ``Seq2SeqEmbedder(metric="kissme")`` (the routine
thesis's best setting, registered as ``seq2seq_1nn``: LSTM autoencoder of 100
units, then a 50-d KISSME head on the frozen encoder; the registry's epochs per
stage, 2,000 pairs per epoch) + Euclidean 1-NN on its embedding, against
tslearn's ``KNeighborsTimeSeriesClassifier(metric="dtw")`` 1-NN, on
JapaneseVowels and BasicMotions as given (the embedder standardises channels
itself). Accuracy, fit and predict seconds of one fit.

No claim of the specs' results tables is tested here (``kissme_routines.md``'s
tables are about routine retrieval: ``bench_routines.py``), so :data:`CLAIMS`
is empty; ``--json`` still writes the run's metadata for ``reproduce.py``.

BLAS runs on ``--threads`` threads, like torch: with more threads than free
cores, numpy's OpenBLAS spin-waits (KISSME's fit on JapaneseVowels measured
100x slower with 2 threads on 2 shared cores).

Usage::

    python -m benchmarks.bench_kissme --quick              # seconds; run by the tests
    python -m benchmarks.bench_kissme --output kissme.md   # a few minutes
"""

import argparse
import sys

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from sktime_metric.benchmarking import (
    DATASETS,
    ESTIMATORS,
    MAX_EPOCHS,
    QUICK_SIZES,
    evaluate,
    format_table,
    stratified_subsample,
)
from sktime_metric.metric import KISSMETransformer

from ._common import (
    ResampleFlatten,
    add_common_arguments,
    growth_exponent,
    interleaved_ms,
    rounded_rows,
    save_claims,
    timer,
    verdict,
    write_report,
)

#: No claim of the specs' tables is about KISSME on vectors or sequence 1-NN.
CLAIMS = []

VECTOR_COLUMNS = ("dataset", "name", "n_train", "n_features", "accuracy", "fit_ms",
                  "vs_kissme", "n_components")
SCALING_COLUMNS = ("n", "d", "fit_ms")
SEQUENCE_COLUMNS = ("dataset", "name", "accuracy", "fit_s", "predict_s", "epochs")

#: Training sizes of part 2 (d = 50).
SIZES = {"quick": (250, 500, 1000, 2000),
         "default": (1000, 3000, 10000, 30000, 100000),
         "full": (1000, 3000, 10000, 30000, 100000)}
SCALING_DIM = 50
#: Training and test rows of the digits in --quick mode.
QUICK_DIGITS = (200, 200)


# -- part 1: vectors ---------------------------------------------------------


def vector_datasets(mode, random_state=0):
    """``{name: (X_train, y_train, X_test, y_test)}`` of part 1, as vectors."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=random_state)
    out = {"digits": (X_train, y_train, X_test, y_test)}
    X_train, y_train, X_test, y_test = DATASETS["japanese_vowels"]()
    if mode == "quick":
        X_train, y_train = stratified_subsample(X_train, y_train, QUICK_SIZES[0],
                                                random_state)
        X_test, y_test = stratified_subsample(X_test, y_test, QUICK_SIZES[1],
                                              random_state)
    flat = ResampleFlatten().fit(X_train)
    out["japanese_vowels_flat"] = (flat.transform(X_train), y_train,
                                   flat.transform(X_test), y_test)
    if mode == "quick":
        X_train, y_train, X_test, y_test = out["digits"]
        out["digits"] = (
            *stratified_subsample(X_train, y_train, QUICK_DIGITS[0], random_state),
            *stratified_subsample(X_test, y_test, QUICK_DIGITS[1], random_state))
    return out


def pca_candidates(n_samples, n_features, cv=3):
    """PCA dimensions the KISSME search tries: d/8, d/4, d/2 (those that fit a
    cross-validation fold of ``n_samples``) and None (no PCA)."""
    n_fit = n_samples - -(-n_samples // cv)  # rows of the smallest training fold
    dims = sorted({k for k in (n_features // 8, n_features // 4, n_features // 2)
                   if 1 <= k < n_fit})
    return [*dims, None]


def vector_methods(n_samples, n_features, random_state):
    """``{name: unfitted classifier}`` of part 1."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.neighbors import KNeighborsClassifier, NeighborhoodComponentsAnalysis
    from sklearn.pipeline import make_pipeline

    def knn():
        return KNeighborsClassifier(n_neighbors=1)

    search = GridSearchCV(
        make_pipeline(KISSMETransformer(), knn()),
        {"kissmetransformer__n_components": pca_candidates(n_samples, n_features)},
        cv=StratifiedKFold(3, shuffle=True, random_state=random_state))
    return {
        "euclidean": knn(),
        "kissme": make_pipeline(KISSMETransformer(), knn()),
        "kissme_pca_cv": search,
        "nca": make_pipeline(
            NeighborhoodComponentsAnalysis(random_state=random_state), knn()),
    }


def vector_part(mode, random_state=0):
    """Part 1: one row per dataset and method."""
    reps = 1 if mode == "quick" else 3
    rows = []
    for dataset, (X_train, y_train, X_test, y_test) in vector_datasets(
            mode, random_state).items():
        methods = vector_methods(*X_train.shape, random_state)
        fits = [lambda est=est: est.fit(X_train, y_train) for est in methods.values()]
        seconds = dict(zip(methods, interleaved_ms(fits, reps, warmup=1)[0] / 1e3))
        for name, est in methods.items():  # fitted by the timed fits
            n_components = None
            if name == "kissme_pca_cv":
                n_components = est.best_params_["kissmetransformer__n_components"]
                n_components = "none" if n_components is None else n_components
            rows.append({
                "dataset": dataset, "name": name, "n_train": len(y_train),
                "n_features": X_train.shape[1],
                "accuracy": float(np.mean(est.predict(X_test) == y_test)),
                "fit_ms": 1e3 * seconds[name],
                "vs_kissme": seconds[name] / seconds["kissme"],
                "n_components": n_components,
            })
    return rows


# -- part 2: fit time against n ------------------------------------------------


def random_labelled(n, d, n_classes=10, random_state=0):
    """``n`` Gaussian vectors of dimension ``d`` around ``n_classes`` random means."""
    rng = np.random.RandomState(random_state)
    y = rng.randint(n_classes, size=n)
    means = 2 * rng.randn(n_classes, d)
    return means[y] + rng.randn(n, d), y


def scaling_part(mode, random_state=0):
    """Part 2: median seconds of ``KISSMETransformer().fit`` at each n (d = 50)."""
    rows = []
    for n in SIZES[mode]:
        X, y = random_labelled(n, SCALING_DIM, random_state=random_state)
        ms = interleaved_ms([lambda: KISSMETransformer().fit(X, y)], 3, warmup=1)[0]
        rows.append({"n": n, "d": SCALING_DIM, "fit_ms": float(ms[0])})
    return rows


# -- part 3: sequences -----------------------------------------------------------


def sequence_part(mode, random_state=0, progress=False):
    """Part 3: SS2S-KISSME + 1-NN vs 1-NN DTW on JapaneseVowels and BasicMotions."""
    rows = []
    for dataset in ("japanese_vowels", "basic_motions"):
        X_train, y_train, X_test, y_test = DATASETS[dataset]()
        if mode == "quick":
            X_train, y_train = stratified_subsample(X_train, y_train, QUICK_SIZES[0],
                                                    random_state)
            X_test, y_test = stratified_subsample(X_test, y_test, QUICK_SIZES[1],
                                                  random_state)
        for name, registered in (("ss2s_kissme_1nn", "seq2seq_1nn"),
                                 ("dtw_1nn", "dtw_1nn")):
            estimator = ESTIMATORS[registered](mode, random_state)
            row = evaluate(name, estimator, X_train, y_train, X_test, y_test,
                           dataset=dataset, progress=progress)
            if name == "ss2s_kissme_1nn":  # epochs of both stages
                s2s = estimator.named_steps["s2s"]
                first = s2s.stage1_history_
                row["epochs"] = len(s2s.history_) + (0 if first is None else len(first))
            rows.append(row)
    return rows


# -- report ----------------------------------------------------------------------


def targets(vectors, scaling, sequences, mode):
    """The numbers to read, one line each; the one target has a verdict."""
    lines = []
    for dataset in dict.fromkeys(r["dataset"] for r in vectors):
        get = {r["name"]: r for r in vectors if r["dataset"] == dataset}
        lines.append(
            f"{dataset}: 1-NN accuracy KISSME {get['kissme']['accuracy']:.4f} "
            f"(PCA dimension by CV, {get['kissme_pca_cv']['n_components']}: "
            f"{get['kissme_pca_cv']['accuracy']:.4f}), Euclidean "
            f"{get['euclidean']['accuracy']:.4f}, NCA {get['nca']['accuracy']:.4f}; "
            f"fit NCA / KISSME = {get['nca']['vs_kissme']:.1f}x "
            f"({get['nca']['fit_ms']:.1f} ms / {get['kissme']['fit_ms']:.1f} ms)")
    sizes, ms = [r["n"] for r in scaling], [r["fit_ms"] for r in scaling]
    exponent = growth_exponent(sizes, ms)
    lines.append(
        f"KISSME fit time vs n ({sizes[0]} to {sizes[-1]}, d = {SCALING_DIM}): "
        f"fitted exponent {exponent:.2f} <= 1.2 (O(n d^2)) -> "
        f"{verdict(exponent <= 1.2)}; over the three largest sizes "
        f"{growth_exponent(sizes[-3:], ms[-3:]):.2f}; {ms[0]:.1f} ms to "
        f"{ms[-1]:.1f} ms")
    for dataset in dict.fromkeys(r["dataset"] for r in sequences):
        get = {r["name"]: r for r in sequences if r["dataset"] == dataset}
        ss2s, dtw = get["ss2s_kissme_1nn"], get["dtw_1nn"]
        lines.append(
            f"{dataset}: SS2S-KISSME 1-NN accuracy {ss2s['accuracy']:.4f} vs 1-NN "
            f"DTW {dtw['accuracy']:.4f}; seconds: SS2S fit {ss2s['fit_s']:.1f} + "
            f"predict {ss2s['predict_s']:.3f}, DTW predict {dtw['predict_s']:.3f}")
    if mode == "quick":
        lines.append("--quick: tiny subsets, 2 epochs: these numbers mean nothing")
    return lines, exponent


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads), timer() as total:
        vectors = vector_part(args.mode, args.random_state)
        scaling = scaling_part(args.mode, args.random_state)
        sequences = sequence_part(args.mode, args.random_state, args.progress)
    notes, _ = targets(vectors, scaling, sequences, args.mode)
    title = (f"bench_kissme ({args.mode} mode; SS2S {MAX_EPOCHS[args.mode]} epochs "
             f"per stage; random_state {args.random_state}; threads {args.threads}; "
             f"total {total['s']:.0f} s)")
    text = "\n".join([
        f"# {title}", "", "Part 1: vectors, 1-NN", "",
        format_table(rounded_rows(vectors), VECTOR_COLUMNS), "",
        f"Part 2: KISSME fit seconds against n (d = {SCALING_DIM})", "",
        format_table(rounded_rows(scaling), SCALING_COLUMNS), "",
        "Part 3: sequences, SS2S-KISSME 1-NN vs 1-NN DTW", "",
        format_table(rounded_rows(sequences), SEQUENCE_COLUMNS), "",
        "Targets", "", *(f"- {note}" for note in notes)])
    write_report(text, args.output)
    save_claims(args, "bench_kissme", CLAIMS, {}, title=title, total_s=total["s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
