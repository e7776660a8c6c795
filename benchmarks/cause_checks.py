"""The side experiments behind the reproduction report's "why it differs" lines.

Most causes in ``REPRODUCTION.md`` are read from the saved runs of the
``bench_*.py`` scripts. A few needed a run those scripts do not make; each is
one check here, with the settings of the saved run it complements:

``noise-length`` (``tagm-digits-rnn``)
    bench_tagm.py's noisy digits (2-frame windows) padded to 94 steps, about the
    chapter's 93 (its longest utterance), instead of 41 (the utterance 42 % of
    the sequence, as in the chapter's data): the plain RNN, TAGM, GRU and LSTM
    with bench_tagm.py's settings; training and test accuracy.
``tagm-gru-seeds`` (``tagm-digits-gru``)
    TAGM and GRU on bench_tagm.py's noisy digits with further seeds (each its
    own split and noise), to put the saved run's one-seed gap against the
    spread over seeds.
``bi-seeds`` (``tagm-bidirectional``)
    Bi-TAGM, Bi-GRU and Bi-LSTM (bench_tagm.py's bidirectional rows) on its
    noisy digits with the further seeds of ``tagm-gru-seeds``.
``graphical-noise`` (``tagm-graphical-noise``)
    HULM with the chapter's settings (summed logits, ``length_normalize=False``,
    ``lr=1e-2``) on bench_tagm.py's noisy digits and on the same utterances
    without noise (2-frame windows, 41 steps), beside the saved run's HULM
    with the library's defaults.
``coupling-init`` (``cgru-coupling-norm-*``)
    bench_cgru.py's CGRU on its three datasets with the coupling weights
    ``W_hc`` drawn 10 times smaller (std 0.01 instead of the thesis's 0.1):
    does the coupling norm grow during training when it starts small?
``uci-har`` (``cgru-accuracy-uci_har``, ``cgru-map-uci_har``)
    bench_cgru.py's CGRU and SGRU on UCI HAR windows subsampled with further
    seeds, and with more training windows.
``uci-har-channels`` (``cgru-rvsml``)
    bench_cgru.py's UCI HAR run (CGRU, SGRU, RVSML with DTW and OPW, 1-NN
    DTW; the same 300 / 300 windows and settings) on UCI HAR's nine channels
    (``load_hapt(sensors=("body_acc", "gyro", "acc"),
    preprocessing="uci_har")``: noise-filtered, gravity split off), the
    thesis's input and the script's, and on the raw recordings' six (acc and
    gyro as recorded), which the script read until it could make the nine.
``srn-speakers`` (``srn-ood-recurrence``)
    bench_siamese.py's SRNs and their non-recurrent counterparts out of domain
    on JapaneseVowels, evaluated on speakers 8-9 only (pair AUC), trained on
    speakers 1-5 (the saved run's) and on 1-7: does the order depend on the
    evaluation speakers, and on how many speakers train the models?
``iarn-training`` (``iarn-ml-rmse``, ``iarn-ml-auc``)
    bench_iarn.py's IARN (default mode, seed ``--random-state``) trained 1, 2,
    4 and 8 epochs, with the thesis's dropouts (0.25, 0.5; 4 epochs), beside
    MF (ALS), the time-aware baseline and item popularity, on its split and
    on the same split with half of the users: RMSE on the training log (each
    rating from the history before it, as in training), on all test ratings,
    on the warm and on the cold ones; the ranking AUC of all test users, of
    those with training ratings and of those without (ranked by each model's
    item side alone). Is IARN short of epochs, of regularisation, or of data?
``iarn-history`` (``iarn-ml-gated``, ``iarn-ml-plain-best``)
    bench_iarn.py's four backbones (RNN, LSTM, TAGM, IARN-Plain; its 3 seeds)
    with the thesis's histories of 100 beside the default mode's 30: does the
    order on users with long histories depend on the histories' cut?

Usage::

    python -m benchmarks.cause_checks --quick            # seconds; run by the tests
    python -m benchmarks.cause_checks --check noise-length --output out.md

The saved outputs, one per check, are ``reproduction/cause_checks_<check>.md``.

The default mode is what the report cites (about 3 h on one thread for all
ten checks); ``--quick`` shrinks data and epochs until the numbers
mean nothing.
"""

import argparse
import sys

import numpy as np
import torch

from sktime_metric.benchmarking import (
    ESTIMATORS,
    format_table,
    stratified_subsample,
    write_results,
)

from sktime_metric.evaluation import pair_auc

from . import bench_cgru, bench_iarn, bench_siamese, bench_tagm
from ._cause_checks_iarn import iarn_history, iarn_training
from ._common import add_common_arguments, timer

CHECKS = ("noise-length", "tagm-gru-seeds", "bi-seeds", "graphical-noise",
          "coupling-init", "uci-har", "uci-har-channels", "srn-speakers",
          "iarn-training", "iarn-history")
COLUMNS = ("check", "name", "seed", "setting", "train_accuracy", "accuracy", "pair_auc",
           "fresh_noise_accuracy", "attention_signal", "attention_noise",
           "f1_macro", "map", "norm_first", "norm_max", "norm_last", "rmse_train",
           "rmse", "rmse_warm", "rmse_cold", f"rmse_min{bench_iarn.LONG}", "auc",
           "auc_known_users", "auc_new_users", "fit_s", "note")
#: ``coupling_init_std`` of the coupling-init check, beside the thesis's 0.1.
SMALL_COUPLING_STD = 0.01
#: The noisy digits' length the chapter's recipe gives (its longest utterance).
THESIS_LENGTH = 94
#: Further seeds of the one-seed runs.
SEEDS = (1, 2)
#: UCI HAR training windows beside bench_cgru's 300.
UCI_HAR_LARGER = 1000
#: srn-speakers: JapaneseVowels speakers trained on (bench_siamese's 5, and 7),
#: and the two evaluated, left out of both.
SRN_TRAIN_SPEAKERS = (5, 7)
SRN_EVAL_SPEAKERS = 2
_QUICK = {"series": 60, "epochs": 2}


#: The HULM chapter's own training of its model (thesis eq. 2.11 summed over
#: the steps, its learning rate), where the library's defaults differ.
CHAPTER_HULM = {"length_normalize": False, "lr": 1e-2}


def _digit_model(name, seed, mode):
    epochs = _QUICK["epochs"] if mode == "quick" else bench_tagm.DIGITS_EPOCHS["full"]
    if name == "rnn":
        return bench_tagm.plain_rnn_classifier(64, epochs, seed)
    if name in bench_tagm.BIDIRECTIONAL:
        return ESTIMATORS[bench_tagm.BIDIRECTIONAL[name]]("full", seed).set_params(
            hidden_size=64, max_epochs=epochs, bidirectional=True)
    if name == "chapter_hulm":
        return ESTIMATORS["hulm"]("full", seed).set_params(max_epochs=epochs,
                                                          **CHAPTER_HULM)
    return ESTIMATORS[name]("full", seed).set_params(hidden_size=64, max_epochs=epochs)


def _digits(seed, mode, target_length=None):
    (X_train, y_train, X_test, y_test), info = bench_tagm.noisy_digits(
        2, seed, target_length=target_length)
    if mode == "quick":
        X_train, y_train = stratified_subsample(X_train, y_train, _QUICK["series"], seed)
        X_test, y_test = stratified_subsample(X_test, y_test, _QUICK["series"], seed)
    return X_train, y_train, X_test, y_test, info


def _fit_digits(check, name, seed, mode, data, progress, setting="", noisy=True):
    X_train, y_train, X_test, y_test, info = data
    if progress:
        print(f"{check}: {name}, seed {seed}", file=sys.stderr, flush=True)
    model = _digit_model(name, seed, mode)
    with timer() as fit:
        model.fit(X_train, y_train)
    # the training utterances with fresh noise (memorisation: train >> fresh)
    # and TAGM's attention on signal and noise, as bench_tagm.py measures them
    # (nothing in --quick mode, which subsamples the training set)
    memorised = bench_tagm.memorisation_check(data[:4], info)(name, model) if noisy else {}
    return {"check": check, "name": name, "seed": seed,
            "setting": setting or f"{info['target_length']} steps, utterance "
                                  f"{100 * info['signal_share']:.0f} %",
            **{k: round(v, 4) for k, v in memorised.items()},
            "train_accuracy": round(model.score(X_train, y_train), 4),
            "accuracy": model.score(X_test, y_test), "fit_s": fit["s"]}


def noise_length(mode, random_state, progress):
    """Rows of the ``noise-length`` check."""
    data = _digits(random_state, mode, THESIS_LENGTH)
    return [_fit_digits("noise-length", name, random_state, mode, data, progress)
            for name in ("rnn", "tagm", "gru", "lstm")]


def tagm_gru_seeds(mode, random_state, progress):
    """Rows of the ``tagm-gru-seeds`` check (seeds after ``random_state``)."""
    rows = []
    for seed in (random_state + s for s in SEEDS):
        data = _digits(seed, mode)
        rows += [_fit_digits("tagm-gru-seeds", name, seed, mode, data, progress)
                 for name in ("tagm", "gru")]
    return rows


def bi_seeds(mode, random_state, progress):
    """Rows of the ``bi-seeds`` check (seeds after ``random_state``)."""
    rows = []
    for seed in (random_state + s for s in SEEDS):
        data = _digits(seed, mode)
        rows += [_fit_digits("bi-seeds", name, seed, mode, data, progress)
                 for name in bench_tagm.BIDIRECTIONAL]
    return rows


def graphical_noise(mode, random_state, progress):
    """Rows of the ``graphical-noise`` check: the chapter's HULM, noisy and clean."""
    X_train, y_train, X_test, y_test, info = _digits(random_state, mode)
    clean = info["clean"]
    if mode == "quick":
        clean = (*stratified_subsample(*clean[:2], _QUICK["series"], random_state),
                 *stratified_subsample(*clean[2:], _QUICK["series"], random_state))
    return [
        _fit_digits("graphical-noise", "chapter_hulm", random_state, mode,
                    (X_train, y_train, X_test, y_test, info), progress,
                    f"noisy, {info['target_length']} steps"),
        _fit_digits("graphical-noise", "chapter_hulm", random_state, mode,
                    (*clean, info), progress, "the same utterances, clean",
                    noisy=False),
    ]


def coupling_init(mode, random_state, progress):
    """Rows of the ``coupling-init`` check: the coupling norm from a small start."""
    # the saved bench_cgru run is its full mode: its epochs and sizes
    mode = "quick" if mode == "quick" else "full"
    rows = []
    for dataset in bench_cgru.PART1_DATASETS:
        data = bench_cgru.part1_data(dataset, mode, random_state)
        if data is None:  # UCI HAR without its package
            continue
        (_, y_train, _, y_test), (Z_train, Z_test) = data
        if progress:
            print(f"coupling-init: {dataset}", file=sys.stderr, flush=True)
        metric = ESTIMATORS["cgru_1nn"](mode, random_state)["metric"]
        metric.set_params(coupling_init_std=SMALL_COUPLING_STD)
        if dataset == "uci_har":
            metric.set_params(max_epochs=bench_cgru.UCI_HAR_EPOCHS[mode])
        with timer() as fit:
            metric.fit(Z_train, y_train)
        scores = bench_cgru.ranking_scores(metric.transform(Z_test), y_test, y_train)
        norms = metric.history_[:, "coupling_norm"]
        rows.append({"check": "coupling-init", "name": "cgru", "seed": random_state,
                     "setting": f"{dataset}, W_hc std {SMALL_COUPLING_STD}",
                     "accuracy": scores["accuracy"], "map": round(scores["map"], 4),
                     "norm_first": round(norms[0], 4), "norm_max": round(max(norms), 4),
                     "norm_last": round(norms[-1], 4), "fit_s": fit["s"]})
    return rows


def uci_har(mode, random_state, progress):
    """Rows of the ``uci-har`` check; none without the HAPT data's package."""
    epochs = _QUICK["epochs"] if mode == "quick" else bench_cgru.UCI_HAR_EPOCHS["full"]
    larger = None if mode == "quick" else UCI_HAR_LARGER  # quick: the same size
    runs = [(random_state + s, None) for s in SEEDS] + [(random_state, larger)]
    rows = []
    for seed, n_train in runs:
        data = bench_cgru.load_uci_har(mode, seed, n_train)
        if data is None:
            return []
        X_train, y_train, X_test, y_test = data
        if mode == "quick":
            X_train, y_train = stratified_subsample(X_train, y_train,
                                                    _QUICK["series"], seed)
            X_test, y_test = stratified_subsample(X_test, y_test, _QUICK["series"], seed)
        Z_train, Z_test = bench_cgru.standardise(X_train, X_test)
        for name, registered in (("cgru", "cgru_1nn"), ("sgru", "sgru_1nn")):
            if progress:
                print(f"uci-har: {name}, seed {seed}, {len(y_train)} windows",
                      file=sys.stderr, flush=True)
            metric = ESTIMATORS[registered]("full", seed)["metric"]
            metric.set_params(max_epochs=epochs)
            with timer() as fit:
                metric.fit(Z_train, y_train)
            scores = bench_cgru.ranking_scores(metric.transform(Z_test), y_test, y_train)
            rows.append({"check": "uci-har", "name": name, "seed": seed,
                         "setting": f"{len(y_train)} / {len(y_test)} windows",
                         "accuracy": scores["accuracy"],
                         "f1_macro": round(scores["f1_macro"], 4),
                         "map": round(scores["map"], 4), "fit_s": fit["s"]})
    return rows


def uci_har_channels(mode, random_state, progress):
    """Rows of the ``uci-har-channels`` check; none without the HAPT data's package."""
    mode = "quick" if mode == "quick" else "full"  # the saved run's
    rows = []
    for channels in bench_cgru.UCI_HAR_CHANNELS:
        if progress:
            print(f"uci-har-channels: {channels}", file=sys.stderr, flush=True)
        data = bench_cgru.part1_data("uci_har", mode, random_state, channels)
        if data is None:
            return []
        part, _ = bench_cgru.accuracy_part("uci_har", mode, random_state, data=data,
                                           metrics=bench_cgru.PART1_METRICS[:2])
        n_channels = data[0][0].shape[-1]
        rows += [{"check": "uci-har-channels", "name": row["name"], "seed": random_state,
                  "setting": f"{channels}: {n_channels} channels",
                  "accuracy": row["accuracy"], "f1_macro": round(row["f1_macro"], 4),
                  "map": round(row["map"], 4), "fit_s": row["fit_s"]} for row in part]
    return rows


def srn_speakers(mode, random_state, progress):
    """Rows of the ``srn-speakers`` check: pair AUC on two held-out speakers."""
    X_train, y_train, X_test, y_test, _ = bench_siamese.load("japanese_vowels")
    X, y = np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test])
    speakers = np.unique(y)
    evaluated = np.isin(y, speakers[-SRN_EVAL_SPEAKERS:])
    X_eval, y_eval = bench_siamese.per_class_cap(
        X[evaluated], y[evaluated], bench_siamese.EVAL_PER_CLASS[mode], random_state)
    rows = []
    for n_speakers in SRN_TRAIN_SPEAKERS:
        fitted = np.isin(y, speakers[:n_speakers])
        X_fit, y_fit = X[fitted], y[fitted]
        if mode == "quick":
            X_fit, y_fit = bench_siamese.per_class_cap(X_fit, y_fit, 8, random_state)
        for name in ("SRN-L", "SN-L", "SRN-A", "SN-A"):
            pooling, params = bench_siamese.MODELS[name]
            for seed in bench_siamese.seeds(mode, random_state):  # the saved run's
                if progress:
                    print(f"srn-speakers: {name}, {n_speakers} speakers, seed {seed}",
                          file=sys.stderr, flush=True)
                metric = bench_siamese.srn(mode, seed, pooling, **params)
                with timer() as fit:
                    metric.fit(X_fit, y_fit)
                rows.append({
                    "check": "srn-speakers", "name": name, "seed": seed,
                    "setting": f"speakers {speakers[0]}-{speakers[n_speakers - 1]} "
                               f"trained, {speakers[-SRN_EVAL_SPEAKERS]}-"
                               f"{speakers[-1]} evaluated",
                    "pair_auc": round(pair_auc(metric, X_eval, y_eval,
                                               random_state=random_state), 4),
                    "fit_s": fit["s"]})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--check", nargs="+", choices=CHECKS, default=list(CHECKS),
                        help="which checks to run (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    run = {"noise-length": noise_length, "tagm-gru-seeds": tagm_gru_seeds,
           "bi-seeds": bi_seeds, "graphical-noise": graphical_noise,
           "coupling-init": coupling_init,
           "uci-har": uci_har, "uci-har-channels": uci_har_channels,
           "srn-speakers": srn_speakers, "iarn-training": iarn_training,
           "iarn-history": iarn_history}
    rows = []
    with timer() as total:
        for check in args.check:
            rows += run[check](args.mode, args.random_state, args.progress)
    notes = ["quick mode: tiny data and 2 epochs, these numbers mean nothing"
             if args.mode == "quick" else
             "cited by REPRODUCTION.md's 'why' lines (see the module docstring)"]
    title = (f"cause_checks ({args.mode} mode; random_state {args.random_state}; "
             f"total {total['s']:.0f} s)")
    columns = [c for c in COLUMNS if any(c in row for row in rows)]  # those measured
    print(f"\n{title}\n\n{format_table(rows, columns)}\n")
    for note in notes:
        print(f"- {note}")
    if args.output:
        write_results(rows, args.output, title=title, notes=notes, columns=columns)
    # a diverged fit (a "note") and a ranking-only model (no rmse) have no score
    scores = [row.get("accuracy", row.get("pair_auc", row.get("rmse"))) for row in rows]
    return 0 if np.isfinite([s for s in scores if s is not None]).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
