"""IARN vs its backbones vs matrix factorisation, a time-aware baseline and item
popularity: rating RMSE and ranking AUC on MovieLens-100K after a global time cut.

The protocol of the IARN chapter (thesis §6.4.1) on the MovieLens set we can
read offline, MovieLens-100K (``load_movielens_100k``, from the ``recbole``
wheel): users and items with more than 3 ratings (``filter_interactions``),
training before 1998-03-01 and test from then on (``temporal_split``: 77,681 /
21,862 ratings). Every model is fitted on the same training log and scored on
the same test log:

- ``rmse``: on all test ratings. 83 % of them are by users with no training
  rating (MovieLens-100K users rate in one burst), so every model scores those
  by its item side: the IARN variants with ``unknown="empty_history"`` (the
  network with an empty user history, as for every user's first training
  rating), the baselines with their item terms (``mu + b_i``); all clip to
  [1, 5];
- ``rmse_warm``: on the test ratings whose user and item both occur in
  training (3,703), where a user's history can matter;
- ``rmse_gm``: ``rmse`` again with ``unknown="global_mean"`` (the training
  mean for a user or item not seen in fit), for the models of
  :mod:`sktime_metric.recommendation`;
- ``auc``: :func:`~sktime_metric.evaluation.ranking_auc`, each test user's test
  items against 100 sampled training items she never rated, scored at her
  first test time; the same negatives for every model of a seed;
- ``fit_s`` / ``predict_s``: seconds of ``fit`` and of ``predict`` on the test log.

Models: IARN (interacting attention + the flat genre encoder, thesis eq.
6.11), IARN-Plain (no features) and the TAGM, LSTM and RNN backbones of Fig. 6.3
(``IARNRecommender(backbone=...)``); IARN with per-user and per-item bias
terms (``biases=True``, not the thesis' model); biased matrix factorisation (ALS, the
chapter's "MF"), Koren's time-aware baseline predictor (the bias part of
TimeSVD++) and item popularity (ranking only), from
:mod:`sktime_metric.recommendation`; the global mean; and, when the optional
``scikit-surprise`` is installed (``pip install scikit-surprise==1.1.5``), its
``SVD`` and ``SVD++`` with their defaults (otherwise "not measured"). Every
model is fitted once per seed (``--random-state`` + 0, 1, 2); the tables give
the mean ± standard deviation over the seeds.

The IARN variants train as ``TRAINING[mode]`` says. The thesis trains on
batches of 50 with RMSprop at lr 1e-3 and validates the epochs (``--full``:
those settings, histories of 100, early stopping on the latest 10 % of the
training log). The default mode must fit in about 15 minutes on two shared
CPU cores, which one epoch of that costs alone, so it trains 2 epochs on
batches of 256 at lr 3e-3 with histories of 30, every rating of the training
log a training target (``early_stopping=False``). The epochs were chosen on the
training log only (its latest 15 % as validation, ``early_stopping``'s split,
seed 0): with histories of 20, the validation MSE of IARN-Plain and of the RNN
backbone was lowest after epoch 2 of 6 and rose after it (IARN-Plain 1.282,
1.189, 1.234, 1.273, ...; RNN 1.205, 1.193, 1.228, 1.310, ...); with histories
of 30, IARN-Plain's too (1.239, 1.188, 1.206, 1.222), while the LSTM's and the
TAGM backbone's moved within 0.06 without a trend over 4 epochs.

A second table gives the warm test RMSE restricted to users with at least L
training ratings (L = 1, 10, 20, 30, 50, 100): the chapter's Fig. 6.3 varies
the minimum sequence length of the data instead, and retrains.

The chapter's claims (Table 6.2, Figs. 6.3 and 6.4) are declared in
:data:`CLAIMS`; ``--json PATH`` writes them with our numbers and verdicts.

Usage::

    python -m benchmarks.bench_iarn --quick              # seconds; run by the tests
    python -m benchmarks.bench_iarn --output iarn.md     # about 15 minutes
"""

import argparse
import importlib.util
import sys

import numpy as np
import torch
from sklearn.dummy import DummyRegressor

from sktime_metric.benchmarking import format_table
from sktime_metric.datasets import load_movielens_100k
from sktime_metric.evaluation import filter_interactions, ranking_auc, temporal_split
from sktime_metric.recommendation import (
    IARNRecommender,
    MatrixFactorizationRecommender,
    PopularityRecommender,
    TimeAwareBaselineRecommender,
)

from ._claims import Claim, both
from ._common import (
    add_common_arguments,
    claim_lines,
    save_claims,
    seeds_text,
    timer,
    write_report,
)

SPLIT_TIME = "1998-03-01"
RATING_RANGE = (1.0, 5.0)
N_NEGATIVES = 100
#: Minimum training ratings of a test user in the second table (Fig. 6.3's grid).
MIN_LENGTHS = (1, 10, 20, 30, 50, 100)
#: "Long histories" in the gated-backbone claim: users with this many training ratings.
LONG = 50
#: Users kept by --quick (a seeded sample).
QUICK_USERS = 60
SEEDS = {"quick": 2, "default": 3, "full": 3}
#: The IARN variants' training, per mode (see the module docstring).
TRAINING = {
    "quick": dict(embedding_dim=4, hidden_size=8, attention_size=4, max_history=5,
                  max_epochs=1, batch_size=64, lr=3e-3, early_stopping=False),
    "default": dict(embedding_dim=25, hidden_size=64, attention_size=64,
                    max_history=30, max_epochs=2, batch_size=256, lr=3e-3,
                    early_stopping=False),
    "full": dict(embedding_dim=25, hidden_size=64, attention_size=64, max_history=100,
                 max_epochs=30, batch_size=50, lr=1e-3, early_stopping=True,
                 validation_fraction=0.1, n_iter_no_change=3),
}
#: The IARN variants: name -> (backbone, genre features[, more IARNRecommender
#: parameters]).
VARIANTS = {"IARN": ("iarn", True), "IARN-Plain": ("iarn", False),
            "TAGM backbone": ("tagm", False), "LSTM backbone": ("lstm", False),
            "RNN backbone": ("rnn", False),
            # not the thesis' model: per-user and per-item bias terms added
            "IARN + biases": ("iarn", True, {"biases": True})}
BASELINES = ("MF (ALS)", "time-aware baseline", "popularity", "global mean")
SURPRISE = ("surprise SVD", "surprise SVD++")
HAS_SURPRISE = importlib.util.find_spec("surprise") is not None

_EXPERIMENT = (
    "bench_iarn.py: MovieLens-100K, users and items with > 3 ratings, training "
    f"before {SPLIT_TIME}, test after; every model on the same split, mean over 3 "
    "seeds; IARN variants with unknown='empty_history', all predictions clipped to "
    "[1, 5]")
_DIFFERENCES = (
    "MovieLens-100K (943 users, 1,682 movies, ratings 1-5, Sep. 1997 - Apr. 1998; "
    "99,543 ratings kept, 77,681 / 21,862 after the cut) instead of the thesis' "
    "MovieLens sample (9,737 users, 5,121 movies, ratings 0.5-5, 1995-2015, cut at "
    "2010-01-01); 83 % of our test ratings are by users with no training rating; "
    "the IARN variants train 2 epochs, batch 256, lr 3e-3, histories of 30 in the "
    "default mode (--full: batch 50, lr 1e-3, histories of 100, early stopping), "
    "not with the thesis' validated settings; our MF is ALS with its defaults "
    "(its penalty chosen on MovieLens-100K's training log), not a grid-searched "
    "SGD MF")
_TIME = ("Koren's time-aware baseline predictor (user drift and item time bins, "
         "no factors) stands in for TimeSVD++")

# Why a claim fails, as measured by ``python -m benchmarks.cause_checks --check
# iarn-training`` (seed 0: IARN 1, 2, 4 and 8 epochs, the thesis's dropouts, half
# of the users; RMSE and AUC split by test users with and without training
# ratings) and ``--check iarn-history`` (the backbones with histories of 100).
_WHY_RMSE = (
    "mostly the split's new users: 83 % of the test ratings have a user (or an "
    "item) with no training rating, which IARN scores from an empty history "
    "(RMSE 1.081 there against MF's 1.032, seed 0, cause_checks iarn-training), "
    "and they carry 72 % of its squared-error excess over MF; on the warm "
    "ratings it trails too (1.054 against 0.956). Not the epochs (1, 2, 4, 8: "
    "test RMSE 1.083 / 1.076 / 1.070 / 1.079 while the training RMSE falls from "
    "1.026 to 0.833), not regularisation (the thesis's dropouts 0.25 / 0.5, 4 "
    "epochs: 1.079 / 1.097), not the amount of data within a factor 2 (on half "
    "of the users IARN is 0.045 behind MF, on all of them 0.056)")
_WHY_AUC = (
    "IARN's scores rank a user's test items below MF's for both kinds of test "
    "user: the 207 of 327 with no training rating, ranked by each model's item "
    "side alone (IARN 0.600 against MF 0.676), and the 120 with training "
    "ratings (0.548 against 0.645; seed 0, cause_checks iarn-training). Not the "
    "epochs (1 to 8: 0.576-0.586) nor the data within a factor 2 (half of the "
    "users: 0.586); the thesis's dropout 0.5 lifts it to 0.621, still below MF. "
    "The protocol itself favours popularity, which no rating model is trained "
    "for: item popularity ranks best for new users (0.795) and known ones "
    "(0.730)")
_WHY_GATED = (
    "the number of long-history users, not the histories' cut: the claim rests on "
    "2,467 test ratings of 99 users (the thesis's MovieLens sample has 9,737; "
    "its Fig. 6.3 uses Amazon data), and the backbones' order moves between two "
    "runs of the same code and seeds on two machines (the LSTM below the RNN "
    "on seed 1 on 2026-12-04, 1.131 against 1.148; above it on 2026-12-06, "
    "1.129 against 1.103). With the "
    "thesis's histories of 100 instead of 30 (cause_checks iarn-history, the "
    "same seeds) the RNN backbone (1.128) is still below the LSTM (1.154; below "
    "the RNN on seeds 1 and 2) and the TAGM backbone (1.238, above on every "
    "seed), and IARN-Plain's training diverges at the default mode's lr 3e-3 "
    "(its loss turns NaN within the first epoch, every seed)")

_WHY_PLAIN_BEST = (
    "IARN-Plain's lead is within what moves between two runs of the same code, "
    "seeds and torch on two machines, on these 2,467 test ratings of 99 users: "
    "2.51 % (IARN-Plain 1.0941 against the RNN backbone's 1.1222) on "
    "2026-12-04, -0.81 % (1.1179 against 1.1089) on 2026-12-06; IARN-Plain's "
    "seeds gave 1.078 / 1.079 / 1.125, then 1.076 / 1.099 / 1.179, the RNN's "
    "1.108 / 1.148 / 1.111, then 1.105 / 1.103 / 1.120")

#: The claims of other_systems.md part C this script tests.
CLAIMS = [
    Claim("iarn-ml-rmse", "other_systems.md", "Table 6.2",
          "IARN has a lower test RMSE than MF and than the time-aware baseline "
          "(and than scikit-surprise's SVD and SVD++ where measured)",
          {"IARN": 0.9622, "HieVH": 1.0326, "TimeSVD++": 1.0623, "MF": 1.1319},
          "RMSE", _EXPERIMENT + "; RMSE on all test ratings",
          _DIFFERENCES + "; " + _TIME + "; no HieVH", why=_WHY_RMSE),
    Claim("iarn-ml-auc", "other_systems.md", "Table 6.2",
          "IARN has a higher ranking AUC than MF and than the time-aware baseline",
          {"IARN": 0.7135, "HieVH": 0.7214, "TimeSVD++": 0.6504, "MF": 0.6305},
          "AUC", _EXPERIMENT + "; per-user AUC against 100 sampled unrated items "
          "(ranking_auc)",
          _DIFFERENCES + "; " + _TIME + "; the thesis does not describe its AUC "
          "protocol (we use BPR's, with sampled negatives)", why=_WHY_AUC),
    Claim("iarn-ml-gated", "other_systems.md", "Fig. 6.3 (no numbers printed)",
          f"For long histories the gated backbones beat the plain RNN: on the test "
          f"ratings of users with >= {LONG} training ratings, the LSTM and TAGM "
          "backbones and IARN-Plain each have a lower RMSE than the RNN backbone",
          {}, "RMSE", _EXPERIMENT + f"; warm test ratings of users with >= {LONG} "
          "training ratings",
          _DIFFERENCES + "; the thesis filters the data by minimum sequence length "
          "and retrains (on Amazon data, thesis Fig. 6.3), we restrict the test "
          "ratings; default-mode histories are cut to the 30 most recent",
          why=_WHY_GATED),
    Claim("iarn-ml-plain-best", "other_systems.md", "Fig. 6.3 (values in the text)",
          f"IARN-Plain has the lowest RMSE of the four backbones (RNN, LSTM, TAGM, "
          f"IARN-Plain) on the test ratings of users with >= {LONG} training ratings "
          "(the text: 2.54 % better than the second best at minimum length 50)",
          {"gain over the second best at 50": 2.54,
           "gain over the second best at 100": 11.65}, "%",
          _EXPERIMENT + f"; warm test ratings of users with >= {LONG} training "
          "ratings; gain = (second best - IARN-Plain) / second best",
          _DIFFERENCES + "; the thesis filters the data by minimum sequence length "
          "and retrains, we restrict the test ratings", why=_WHY_PLAIN_BEST),
    Claim("iarn-ml-features", "other_systems.md", "Fig. 6.4 (values in the text)",
          "The feature encoder improves RMSE: IARN (genres, flat encoder) has a "
          "lower test RMSE than IARN-Plain",
          {"average gain over 5 datasets": 1.19}, "%",
          _EXPERIMENT + "; gain = (IARN-Plain - IARN) / IARN-Plain on all test "
          "ratings",
          _DIFFERENCES + "; the 19 MovieLens genres as flat features, as in the "
          "thesis"),
]


class SurpriseRecommender:
    """scikit-surprise's ``SVD`` or ``SVD++`` behind ``fit(X, y)`` / ``predict(X)``.

    Its defaults; ratings clipped to [1, 5] (surprise's ``clip``); a user or
    item unknown to it is scored by the known biases (surprise's own policy,
    our ``unknown="empty_history"``).
    """

    def __init__(self, algorithm, random_state):
        self.algorithm, self.random_state = algorithm, random_state

    def fit(self, X, y):
        import pandas as pd
        import surprise

        frame = pd.DataFrame({"user": X[:, 0], "item": X[:, 1], "rating": y})
        data = surprise.Dataset.load_from_df(
            frame, surprise.Reader(rating_scale=RATING_RANGE))
        self.model_ = getattr(surprise, self.algorithm)(random_state=self.random_state)
        self.model_.fit(data.build_full_trainset())
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=object)
        return np.array([self.model_.predict(u, i).est for u, i in X[:, :2]])


def load_data(mode, random_state=0):
    """``(X_train, y_train, X_test, y_test, genres)`` of the benchmark.

    Raises ImportError (with the install command) without recbole.
    """
    X, y, genres = load_movielens_100k(return_genres=True)
    X, y = filter_interactions(X, y)
    if mode == "quick":
        rng = np.random.RandomState(random_state)
        users = rng.choice(np.unique(X[:, 0]), QUICK_USERS, replace=False)
        keep = np.isin(X[:, 0], users)
        X, y = X[keep], y[keep]
    X_tr, y_tr, X_te, y_te = temporal_split(X, y, split_time=SPLIT_TIME)
    return X_tr, y_tr, X_te, y_te, genres


def models(mode, seed, genres):
    """``[(name, estimator, fit keyword arguments)]`` of one seed."""
    out = []
    for name, (backbone, features, *more) in VARIANTS.items():
        rec = IARNRecommender(backbone=backbone,
                              feature_encoder="flat" if features else None,
                              unknown="empty_history", rating_range=RATING_RANGE,
                              random_state=seed, **TRAINING[mode],
                              **(more[0] if more else {}))
        out.append((name, rec, {"item_features": genres} if features else {}))
    out += [
        ("MF (ALS)", MatrixFactorizationRecommender(rating_range=RATING_RANGE,
                                                    random_state=seed), {}),
        ("time-aware baseline", TimeAwareBaselineRecommender(rating_range=RATING_RANGE),
         {}),
        ("popularity", PopularityRecommender(), {}),
        ("global mean", DummyRegressor(), {}),
    ]
    if HAS_SURPRISE:
        out += [("surprise SVD", SurpriseRecommender("SVD", seed), {}),
                ("surprise SVD++", SurpriseRecommender("SVDpp", seed), {})]
    return out


def _rmse(errors):
    return float(np.sqrt(np.mean(errors ** 2))) if len(errors) else None


def evaluate(estimator, fit_kwargs, data, seed):
    """One fit: ``{rmse, rmse_warm, rmse_cold, rmse_gm, rmse_min<L>, auc, fit_s,
    predict_s}`` (``rmse_cold``: the test ratings ``rmse_warm`` leaves out)."""
    X_tr, y_tr, X_te, y_te, _ = data
    with timer() as fit:
        estimator.fit(X_tr, y_tr, **fit_kwargs)
    with timer() as predict:
        y_pred = estimator.predict(X_te)
    row = {"fit_s": fit["s"], "predict_s": predict["s"], "rmse_gm": None}
    if getattr(estimator, "unknown", None) is not None:  # ours
        policy = estimator.unknown
        estimator.set_params(unknown="global_mean")
        row["rmse_gm"] = _rmse(estimator.predict(X_te) - y_te)
        estimator.set_params(unknown=policy)
    if not isinstance(estimator, PopularityRecommender):  # no ratings
        errors = y_pred - y_te
        users, counts = np.unique(X_tr[:, 0], return_counts=True)
        n_train = dict(zip(users.tolist(), counts.tolist()))
        length = np.array([n_train.get(u, 0) for u in X_te[:, 0].tolist()])
        warm = (length > 0) & np.isin(X_te[:, 1], X_tr[:, 1])
        row["rmse"], row["rmse_warm"] = _rmse(errors), _rmse(errors[warm])
        row["rmse_cold"] = _rmse(errors[~warm])
        for minimum in MIN_LENGTHS:
            row[f"rmse_min{minimum}"] = _rmse(errors[warm & (length >= minimum)])
    row["auc"] = ranking_auc(estimator, X_te, X_train=X_tr, items=np.unique(X_tr[:, 1]),
                             n_negatives=N_NEGATIVES, random_state=seed)
    return row


def summarize(name, runs):
    """One table row: the mean, ``sd`` and per-seed values of each measure."""
    row = {"name": name, "n_seeds": len(runs)}
    for key in runs[0]:
        values = [r[key] for r in runs]
        if any(v is None for v in values):
            row[key] = None
            continue
        row[key] = float(np.mean(values))
        row[f"{key}_sd"] = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        row[f"{key}_seeds"] = seeds_text(values, 4)
    return row


def _cell(row, key, digits=4):
    if row.get(key) is None:
        return "-"
    return f"{row[key]:.{digits}f} ± {row[f'{key}_sd']:.{digits}f}"


def table(summary):
    """The main table: RMSE, warm RMSE, AUC, seconds (mean ± sd over seeds)."""
    rows = [{"model": r["name"], "rmse": _cell(r, "rmse"),
             "rmse_warm": _cell(r, "rmse_warm"), "rmse_gm": _cell(r, "rmse_gm"),
             "auc": _cell(r, "auc"),
             "fit_s": _cell(r, "fit_s", 1), "predict_s": _cell(r, "predict_s", 2)}
            for r in summary]
    rows += [{"model": name, "rmse": "not measured", "rmse_warm": "-", "rmse_gm": "-",
              "auc": "-", "fit_s": "-", "predict_s": "-"}
             for name in SURPRISE if not HAS_SURPRISE]
    return format_table(rows, ("model", "rmse", "rmse_warm", "rmse_gm", "auc",
                               "fit_s", "predict_s"))


def length_table(summary, counts):
    """Warm test RMSE of the rating predictors by minimum training ratings."""
    columns = ("model", *(f">= {m} ({counts[m]})" for m in MIN_LENGTHS))
    rows = [{"model": r["name"], **{c: (f"{r[f'rmse_min{m}']:.4f}"
                                        if r.get(f"rmse_min{m}") is not None else "-")
                                    for c, m in zip(columns[1:], MIN_LENGTHS)}}
            for r in summary if r.get("rmse") is not None]
    return format_table(rows, columns)


def _find(summary, name):
    return next((r for r in summary if r["name"] == name), None)


def _value(summary, name, key):
    row = _find(summary, name)
    return None if row is None else row.get(key)


def claims(summary):
    """``{claim id: (ours, ok, note)}`` of the claims this run measured."""
    def values(key, names):
        return {n: _value(summary, n, key) for n in names}

    def per_seed(key, names):
        parts = [f"{n} {_find(summary, n)[f'{key}_seeds']}" for n in names
                 if _find(summary, n) and _find(summary, n).get(f"{key}_seeds")]
        return "mean over seeds; per seed: " + "; ".join(parts) if parts else ""

    out = {}
    rivals = ["MF (ALS)", "time-aware baseline", *(SURPRISE if HAS_SURPRISE else ())]
    rmse = values("rmse", ["IARN", *rivals, "global mean"])
    if both(*(rmse[n] for n in ["IARN", *rivals])):
        out["iarn-ml-rmse"] = (rmse, all(rmse["IARN"] < rmse[n] for n in rivals),
                               per_seed("rmse", ["IARN", *rivals]))
    auc_rivals = ["MF (ALS)", "time-aware baseline"]
    auc = values("auc", ["IARN", *auc_rivals, "popularity"])
    if both(*(auc[n] for n in ["IARN", *auc_rivals])):
        out["iarn-ml-auc"] = (auc, all(auc["IARN"] > auc[n] for n in auc_rivals),
                              per_seed("auc", ["IARN", *auc_rivals, "popularity"]))
    backbones = ["RNN backbone", "LSTM backbone", "TAGM backbone", "IARN-Plain"]
    long = values(f"rmse_min{LONG}", backbones)
    if both(*long.values()):
        rnn = long["RNN backbone"]
        out["iarn-ml-gated"] = (long, all(long[n] < rnn for n in backbones[1:]),
                                per_seed(f"rmse_min{LONG}", backbones))
        best_other = min(long[n] for n in backbones[:3])
        gain = 100 * (best_other - long["IARN-Plain"]) / best_other
        out["iarn-ml-plain-best"] = (
            {f"gain over the second best at {LONG}": gain}, gain > 0,
            "RMSE " + ", ".join(f"{n} {v:.4f}" for n, v in long.items()))
    plain, full = _value(summary, "IARN-Plain", "rmse"), _value(summary, "IARN", "rmse")
    if both(plain, full):
        gain = 100 * (plain - full) / plain
        out["iarn-ml-features"] = ({"gain": gain}, gain > 0,
                                   f"RMSE IARN {full:.4f}, IARN-Plain {plain:.4f}; "
                                   + per_seed("rmse", ["IARN", "IARN-Plain"]))
    return out


def targets(measured, mode):
    """One line per claim: the criterion, our numbers and the verdict."""
    lines = claim_lines(CLAIMS, measured, digits=4)
    if mode == "quick":
        lines.append("--quick: 60 users, 1 epoch, tiny networks: these verdicts mean "
                     "nothing")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    seeds = [args.random_state + k for k in range(SEEDS[args.mode])]
    summary, counts, missing = [], {}, None
    with timer() as total:
        try:
            data = load_data(args.mode, args.random_state)
        except ImportError as error:
            data, missing = None, str(error)
        if data is not None:
            X_tr, _, X_te, _, _ = data
            runs = {}
            for seed in seeds:
                for name, estimator, fit_kwargs in models(args.mode, seed, data[4]):
                    runs.setdefault(name, []).append(
                        evaluate(estimator, fit_kwargs, data, seed))
                    if args.progress:
                        print(f"seed {seed} {name}: {runs[name][-1]}", file=sys.stderr,
                              flush=True)
            summary = [summarize(name, rows) for name, rows in runs.items()]
            n_train = dict(zip(*np.unique(X_tr[:, 0], return_counts=True)))
            length = np.array([n_train.get(u, 0) for u in X_te[:, 0]])
            warm = (length > 0) & np.isin(X_te[:, 1], X_tr[:, 1])
            counts = {m: int(np.sum(warm & (length >= m))) for m in MIN_LENGTHS}
    train = TRAINING[args.mode]
    title = (f"bench_iarn ({args.mode} mode; MovieLens-100K, split {SPLIT_TIME}; "
             f"IARN variants {train['max_epochs']} epoch"
             f"{'s' if train['max_epochs'] != 1 else ''}"
             f"{' with early stopping' if train.get('early_stopping') else ''}, batch "
             f"{train['batch_size']}, lr {train['lr']:g}, histories of "
             f"{train['max_history']}; seeds {', '.join(map(str, seeds))}; "
             f"threads {args.threads}; total {total['s']:.0f} s)")
    measured = claims(summary)
    notes = targets(measured, args.mode)
    if missing:
        notes.append(f"not measured: {missing}")
    if not HAS_SURPRISE:
        notes.append("scikit-surprise is not installed: its SVD and SVD++ are not "
                     "measured (pip install scikit-surprise==1.1.5)")
    sections = []
    if summary:
        sections = [
            "## Rating prediction and ranking (mean ± sd over seeds)", "",
            table(summary), "",
            "rmse: all test ratings (a user or item not seen in fit scored by the "
            "other side: unknown='empty_history'); rmse_warm: test ratings whose user "
            "and item occur in training; rmse_gm: rmse with unknown='global_mean'; "
            "auc: per-user ranking AUC against 100 sampled unrated "
            "items; popularity ranks only.", "",
            "## Warm test RMSE by the user's training ratings (mean over seeds; "
            "test ratings in brackets)", "",
            length_table(summary, counts), "",
        ]
    text = "\n".join([f"# {title}", "", *sections, "Targets", "",
                      *(f"- {note}" for note in notes)])
    write_report(text, args.output)
    save_claims(args, "bench_iarn", CLAIMS, measured, title=title, total_s=total["s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
