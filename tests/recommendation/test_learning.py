"""IARN learns a drifting user-item affinity better than the global mean; its
optional bias terms learn user and item offsets."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.evaluation import temporal_split
from sktime_metric.recommendation import IARNRecommender

from ._synthetic import biased_log, drifting_log


@pytest.mark.learning
def test_iarn_beats_the_global_mean_on_a_drifting_log(learning_seed, learning_outcome):
    X, y = drifting_log(n_users=60, random_state=learning_seed)
    X_tr, y_tr, X_te, y_te = temporal_split(X, y, split_time=80)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it learned: no warning
        rec = IARNRecommender(embedding_dim=8, hidden_size=16, attention_size=8,
                              max_history=20, max_epochs=15, lr=3e-3,
                              random_state=learning_seed).fit(X_tr, y_tr)
    rmse = np.sqrt(np.mean((rec.predict(X_te) - y_te) ** 2))
    baseline = np.sqrt(np.mean((y_tr.mean() - y_te) ** 2))
    ratio = learning_outcome("rmse_over_global_mean", rmse / baseline)
    # measured over seeds 0-4: native kernels 0.52-0.89 (RMSE 0.64-1.13
    # against the global mean's 1.17-1.29), default kernels 0.56-0.90 (seeds
    # 1-4); the thinnest margin is seed 2 (0.90 against 0.95)
    assert ratio < 0.95


@pytest.mark.learning
def test_iarn_biases_learn_user_and_item_offsets(learning_seed, learning_outcome):
    # ratings are offsets of the user and the item: the inner product of the
    # two histories' representations cannot read them (which items a user
    # rated says nothing of her leniency), the bias terms can
    X, y = biased_log(random_state=learning_seed)
    X_tr, y_tr, X_te, y_te = temporal_split(X, y, split_time=70)
    rmse = {}
    for biases in (True, False):
        rec = IARNRecommender(embedding_dim=8, hidden_size=16, attention_size=8,
                              max_history=20, max_epochs=15, lr=3e-3, biases=biases,
                              random_state=learning_seed).fit(X_tr, y_tr)
        rmse[biases] = np.sqrt(np.mean((rec.predict(X_te) - y_te) ** 2))
    ratio = learning_outcome("rmse_with_over_without_biases", rmse[True] / rmse[False])
    # measured over seeds 0-4: native kernels 0.75-0.84, default kernels
    # 0.75-0.84; the thinnest margin is seed 2 (0.843 against 0.9)
    assert ratio < 0.9
