"""bench_fewshot's personalised part: the SSMN's per-user protocol (thesis Table 2.11).

Run on two datasets: UCI HAR, the thesis's own, and the smartwatch exercises
of :func:`~sktime_metric.datasets.load_watch` (the closest public stand-in for
the thesis's personal smartwatch recordings, which are not available).

One model per user, trained and tested on that user's windows only
(:func:`~sktime_metric.datasets.load_hapt`: UCI HAR's windows re-cut from the
raw UCI HAPT recordings, UCI HAR's nine channels made with its filters,
standardised with the pooled statistics of all users). For each user,
:data:`SPLITS` random class splits (the thesis: 40) of the 6 activities into
4 base and 2 novel ones; a model is fitted on the base activities and, in one
episode per split, one window per novel activity is the support set and every
other novel window is classified:

- *partial*: among the 2 novel activities (2-way);
- *full*: one support window of every activity is added, so the same queries
  are classified among all 6 (6-way).

Predictions are pooled per user over the splits (accuracy, macro-F1), then
averaged over users (mean and standard deviation), as the thesis reports them.
User 1 is left out, as the thesis kept it for validating parameters.

The smartwatch data (Burns et al. 2018; 10 subjects, 7 shoulder exercises,
one recording of 20 repetitions per exercise and arm) are windowed like UCI
HAR (128 steps = 2.56 s at 50 Hz, 50 % overlap, within each recording; about
one repetition a window) and standardised with all subjects' statistics; per
subject, 5 base and 2 novel exercises, 2-way (partial) and 7-way (full). All
subjects are evaluated (none was used to choose parameters).

Models: the thesis's configuration c2 (Euclidean matching, a 20-unit projection
on a 100-unit GRU encoder, the support bi-GRU, no attention GRU, 50 epochs, lr
1e-3; no pretraining, for want of its Postures data), the estimator's defaults
for the same epochs, and 1-NN DTW on the support windows.

Measured in default mode (users 2-4, 2 splits each, seed 0; UCI HAR's nine
channels), accuracy averaged over users, 2-way / 6-way: c2 0.777 / 0.429, the
estimator's defaults 0.824 / 0.648, 1-NN DTW 0.933 / 0.803 (the thesis's c2:
0.80 / 0.706; on the raw recordings' six channels c2 reached 0.656 / 0.492).
With one user's ~230 training windows and no pretraining the networks trail
DTW by far.
"""

import sys

import numpy as np

from sktime_metric.classification import MatchingNetworkClassifier
from sktime_metric.evaluation import few_shot_evaluate

from .bench_cgru import UCI_HAR_CHANNELS

#: Users evaluated per dataset (UCI HAR's user 1 is the thesis's validation user).
USERS = {"quick": (2,), "default": (2, 3, 4), "full": tuple(range(2, 31))}
WATCH_USERS = {"quick": (1,), "default": (1, 2, 3), "full": tuple(range(1, 11))}
#: The smartwatch windows: steps per window and between window starts (UCI HAR's).
WATCH_WINDOW, WATCH_STEP = 128, 64
#: Class splits per user, one episode each (the thesis: 40). Each split fits two
#: matching networks twice (2-way and N-way, N the dataset's classes): ~1-2.5
#: min per fit on one loaded CPU thread. The default run took 602 s on UCI HAR
#: and 693 s on the watch data (one thread, beside other jobs); --full many hours.
SPLITS = {"quick": 1, "default": 2, "full": 10}
#: Training epochs (the thesis's c2: 50).
EPOCHS = {"quick": 2, "default": 50, "full": 50}
#: quick mode: windows kept per activity and user.
QUICK_CAP = 6
#: Novel classes per split (the N of the partial setting); the full setting is
#: N-way over every class of the dataset.
N_NOVEL = 2
COLUMNS = ("dataset", "name", "setting", "n_way", "users", "accuracy",
           "accuracy_std", "f1_macro", "f1_std", "seconds")


def personal_models(mode, random_state):
    """name -> estimator or measure, each evaluated on the same splits."""
    epochs = EPOCHS[mode]
    return {
        "ssmn_c2": MatchingNetworkClassifier(
            hidden_size=100, projection_size=20, metric="euclidean",
            processing_steps=0, support_context=True, pooling="last",
            min_episodes=1, n_way=2, k_shot=1, max_epochs=epochs, lr=1e-3,
            random_state=random_state),
        "matching_defaults": MatchingNetworkClassifier(
            n_way=2, k_shot=1, max_epochs=epochs, random_state=random_state),
        "dtw_1nn": "dtw",
    }


def watch_windows(X, y, groups, window=WATCH_WINDOW, step=WATCH_STEP):
    """Windows of ``window`` steps every ``step`` steps within each recording.

    Returns ``(windows, labels, groups)``: each window keeps its recording's
    exercise and subject; the last steps of a recording that do not fill a
    window are left out (as :func:`~sktime_metric.datasets.load_hapt` does).
    """
    from sktime_metric.utils import sequence_lengths

    windows, labels, owners = [], [], []
    for x, length, label, owner in zip(X, sequence_lengths(X), y, groups):
        starts = np.arange(0, length - window + 1, step)
        windows += [x[start:start + window] for start in starts]
        labels += [label] * len(starts)
        owners += [owner] * len(starts)
    return np.stack(windows), np.asarray(labels), np.asarray(owners)


def _load(dataset):
    """``(X, y, groups, users)`` of a dataset, standardised with all users' statistics."""
    from sktime_metric.datasets import load_hapt, load_watch
    from sktime_metric.utils import channel_statistics, standardize_channels

    if dataset == "uci_har":
        X, y, groups = load_hapt(**UCI_HAR_CHANNELS["uci_har"])  # the thesis's nine
        users = USERS
    else:
        X, y, groups = watch_windows(*load_watch())
        users = WATCH_USERS
    return standardize_channels(X, *channel_statistics(X)), y, groups, users


def load_users(mode, random_state, dataset="uci_har"):
    """``{user: (X, y)}``, standardised with all users' statistics.

    ``dataset``: "uci_har" or "watch". A string (the reason) without the data's
    package.
    """
    try:
        X, y, groups, users_of_mode = _load(dataset)
    except ImportError as error:
        return str(error)
    users = {}
    rng = np.random.RandomState(random_state)
    for user in users_of_mode[mode]:
        Xu, yu = X[groups == user], y[groups == user]
        if mode == "quick":
            keep = np.sort(np.concatenate([rng.permutation(np.flatnonzero(yu == c))
                                           [:QUICK_CAP] for c in np.unique(yu)]))
            Xu, yu = Xu[keep], yu[keep]
        users[user] = (Xu, yu)
    return users


def personal_part(mode, random_state, progress, dataset="uci_har"):
    """Rows per model and setting (means over users), or a note string without data."""
    import time

    users = load_users(mode, random_state, dataset)
    if isinstance(users, str):
        return f"{dataset} per user: skipped ({users})"
    per_user = {}  # (name, setting, n_way) -> list of (accuracy, f1, seconds)
    for user, (X, y) in users.items():
        settings = {"partial": N_NOVEL, "full": len(np.unique(y))}
        for name, model in personal_models(mode, random_state).items():
            for setting, n_way in settings.items():
                if progress:
                    print(f"  {dataset} user {user}: {name}, {n_way}-way",
                          file=sys.stderr, flush=True)
                start = time.perf_counter()
                scores = few_shot_evaluate(
                    model, X, y, n_test_classes=N_NOVEL, k_shot=1,
                    n_splits=SPLITS[mode], n_episodes=1, setting=setting,
                    random_state=random_state + user)
                per_user.setdefault((name, setting, n_way), []).append(
                    (scores["accuracy"], scores["f1_macro"],
                     time.perf_counter() - start))
    rows = []
    for (name, setting, n_way), values in per_user.items():
        accuracy, f1, seconds = np.array(values).T
        rows.append({"dataset": dataset, "name": name, "setting": setting,
                     "n_way": n_way, "users": len(values),
                     "accuracy": float(accuracy.mean()),
                     "accuracy_std": float(accuracy.std()), "f1_macro": float(f1.mean()),
                     "f1_std": float(f1.std()), "seconds": float(seconds.sum())})
    return rows


def personal_claims(rows):
    """``{claim id: (ours, ok)}`` of the per-user UCI HAR claims."""
    get = {(r["name"], r["setting"]): r for r in rows
           if r.get("dataset", "uci_har") == "uci_har"}
    c2_partial, c2_full = get.get(("ssmn_c2", "partial")), get.get(("ssmn_c2", "full"))
    out = {}
    if c2_partial:
        out["ssmn-har-2way-personal"] = (
            {"SSMN c2 acc.": c2_partial["accuracy"], "SSMN c2 F1": c2_partial["f1_macro"]},
            c2_partial["accuracy"] >= 0.80)
    if c2_partial and c2_full:
        out["ssmn-full-way"] = (
            {"UCI HAR 2-way": c2_partial["accuracy"], "6-way": c2_full["accuracy"]},
            c2_full["accuracy"] < c2_partial["accuracy"])
    return out
