"""cause_checks' two IARN checks (``iarn-training``, ``iarn-history``).

The recommender's checks beside the sequence models' ones of
:mod:`benchmarks.cause_checks` (which documents and runs them): each fits
bench_iarn.py's models on its MovieLens-100K split and scores them with its
``evaluate``, so the numbers are the saved run's kind.
"""

import sys

import numpy as np
from sklearn.metrics import root_mean_squared_error

from sktime_metric.evaluation import ranking_auc

from . import bench_iarn

#: iarn-training: IARN's epochs (bench_iarn's default mode trains 2) and the
#: share of users in the smaller training log.
IARN_EPOCHS = (1, 2, 4, 8)
IARN_USER_SHARE = 0.5
#: ... and the thesis's dropout grid {0.25, 0.5}, at IARN_DROPOUT_EPOCHS epochs.
IARN_DROPOUTS = (0.25, 0.5)
IARN_DROPOUT_EPOCHS = 4
#: iarn-history: the thesis's history length beside the default mode's.
IARN_HISTORIES = (bench_iarn.TRAINING["default"]["max_history"], 100)


def _iarn_row(check, name, seed, setting, estimator, fit_kwargs, data, train=False):
    """bench_iarn.py's scores of one fit (and its training RMSE with ``train``).

    A fit whose training diverges (its ValueError) is a row that says so.
    """
    row = {"check": check, "name": name, "seed": seed, "setting": setting}
    try:
        scores = bench_iarn.evaluate(estimator, fit_kwargs, data, seed)
    except ValueError as error:
        if "diverged" not in str(error):
            raise
        return {**row, "note": str(error).split(", and the weights")[0]}
    row = {**row,
           **{key: round(scores[key], 4) for key in
              ("rmse", "rmse_warm", "rmse_cold", f"rmse_min{bench_iarn.LONG}", "auc")
              if scores.get(key) is not None},
           "fit_s": scores["fit_s"]}
    if train:
        X_tr, y_tr, X_te = data[:3]
        if scores.get("rmse") is not None:  # a rating predictor
            row["rmse_train"] = round(root_mean_squared_error(y_tr, estimator.predict(X_tr)),
                                      4)
        # the ranking AUC of the test users with and without training ratings
        # (the latter ranked by each model's item side alone)
        known = np.isin(X_te[:, 0], X_tr[:, 0])
        for key, users in (("auc_known_users", known), ("auc_new_users", ~known)):
            row[key] = round(ranking_auc(
                estimator, X_te[users], X_train=X_tr, items=np.unique(X_tr[:, 1]),
                n_negatives=bench_iarn.N_NEGATIVES, random_state=seed), 4)
    return row


def _iarn_data(mode, random_state):
    try:
        return bench_iarn.load_data(mode, random_state)
    except ImportError:  # without recbole
        return None


def iarn_training(mode, random_state, progress):
    """Rows of the ``iarn-training`` check; none without the MovieLens data's package."""
    data = _iarn_data(mode, random_state)
    if data is None:
        return []
    X_tr, y_tr, X_te, y_te, genres = data
    # half of all users, those with test ratings only too (83 % of the test
    # ratings are theirs), so the test log keeps its mix of warm and cold
    users = np.unique(np.concatenate([X_tr[:, 0], X_te[:, 0]]))
    half = np.random.RandomState(random_state).choice(
        users, int(IARN_USER_SHARE * len(users)), replace=False)
    kept_tr, kept_te = np.isin(X_tr[:, 0], half), np.isin(X_te[:, 0], half)
    smaller = (X_tr[kept_tr], y_tr[kept_tr], X_te[kept_te], y_te[kept_te], genres)
    # (epochs, dropout) of the IARN fits on all users
    runs = [(n, 0.0) for n in IARN_EPOCHS] + [(IARN_DROPOUT_EPOCHS, p)
                                               for p in IARN_DROPOUTS]
    if mode == "quick":
        runs = [(1, 0.0), (2, 0.0), (1, IARN_DROPOUTS[-1])]
    training = "quick" if mode == "quick" else "default"  # the saved run's
    rows = []
    for share, part in ((1.0, data), (IARN_USER_SHARE, smaller)):
        setting = f"{share:.0%} of users, {len(part[1])} ratings"
        for name, estimator, kwargs in bench_iarn.models(training, random_state, genres):
            if name not in ("IARN", "MF (ALS)", "time-aware baseline", "popularity"):
                continue
            # IARN once per (epochs, dropout), on the smaller log as the saved
            # run trains it (2 epochs); a baseline once, as bench_iarn sets it
            plan = (runs if share == 1 else [(2, 0.0)]) if name == "IARN" else [None]
            for run in plan:
                fit_setting = setting
                if run is not None:
                    n_epochs, dropout = run
                    estimator.set_params(max_epochs=n_epochs, dropout=dropout)
                    fit_setting += f", {n_epochs} epochs" + (
                        f", dropout {dropout}" if dropout else "")
                if progress:
                    print(f"iarn-training: {name}, {fit_setting}", file=sys.stderr,
                          flush=True)
                rows.append(_iarn_row("iarn-training", name, random_state, fit_setting,
                                      estimator, kwargs, part, train=True))
    return rows


def iarn_history(mode, random_state, progress):
    """Rows of the ``iarn-history`` check; none without the MovieLens data's package."""
    data = _iarn_data(mode, random_state)
    if data is None:
        return []
    training = "quick" if mode == "quick" else "default"  # the saved run's
    histories = (2, 5) if mode == "quick" else IARN_HISTORIES
    backbones = ("RNN backbone", "LSTM backbone", "TAGM backbone", "IARN-Plain")
    rows = []
    for seed in range(random_state, random_state + bench_iarn.SEEDS[training]):
        for history in histories:
            for name, estimator, kwargs in bench_iarn.models(training, seed, data[4]):
                if name not in backbones:
                    continue
                if progress:
                    print(f"iarn-history: {name}, seed {seed}, histories of {history}",
                          file=sys.stderr, flush=True)
                estimator.set_params(max_history=history)
                rows.append(_iarn_row("iarn-history", name, seed,
                                      f"histories of {history}", estimator, kwargs, data))
    return rows
