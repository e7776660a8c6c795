"""
======================================================
Which past movies does IARN read? One user's attention
======================================================

:class:`~sktime_metric.recommendation.IARNRecommender` scores a (user, movie)
pair from the user's time-ordered history of rated movies and the movie's
history of users. Each step of both histories gets an attention score ``a_t``
in (0, 1), which gates how much of it enters the recurrent state, and each
side's attention also sees the other side: which of the user's movies count
depends on the movie being scored.
:meth:`~sktime_metric.recommendation.IARNRecommender.explain` returns those
scores.

We train IARN (with the movies' genres as item features, and a learned bias
per user and per item, ``biases=True``, which the thesis' model does not have)
on a sample of MovieLens-100K users, cut at one date as in the thesis, and look
at one test rating: the attention over the user's history, her movies that share a genre
with the scored movie marked. The network is small and briefly trained (so
that the example runs in seconds); what it attends to is an illustration, not
a finding (``benchmarks/bench_iarn.py`` measures the models).
"""

import os

import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)
FAST = os.environ.get("SKTIME_METRIC_DOCS_FAST") == "1"  # the docs' CI build

# %%
# A sample of MovieLens-100K, cut at 1998-03-01
# ---------------------------------------------
# :func:`~sktime_metric.datasets.load_movielens_100k` reads the ratings and the
# genres from the ``recbole`` wheel's data files.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from sktime_metric.datasets import load_movielens_100k
from sktime_metric.evaluation import filter_interactions, temporal_split
from sktime_metric.recommendation import IARNRecommender

X, y, genres = load_movielens_100k(return_genres=True)
X, y = filter_interactions(X, y)  # users and items with more than 3 ratings
rng = np.random.RandomState(0)
users = rng.choice(np.unique(X[:, 0]), 80 if FAST else 150, replace=False)
keep = np.isin(X[:, 0], users)
X_train, y_train, X_test, y_test = temporal_split(X[keep], y[keep],
                                                  split_time="1998-03-01")
print(f"{len(X_train)} training and {len(X_test)} test ratings of {len(users)} users")

# %%
# IARN with the genres as item features
# -------------------------------------
# Most test ratings are by users with no training rating, whom IARN knows only
# by the movie's side; without the bias terms this small, briefly trained
# network rated about as well as the training mean (test RMSE 1.093 against
# 1.100 in the full build). The full build's 11,149 training ratings are more
# than ``early_stopping="auto"``'s 10,000, so the latest 10 % of them validate
# the epochs (1.043 with the bias terms; 1.041 trained on all of them).
rec = IARNRecommender(embedding_dim=8, hidden_size=16, attention_size=8,
                      feature_encoder="flat", max_history=30,
                      max_epochs=2 if FAST else 4, batch_size=64, lr=3e-3,
                      unknown="empty_history", rating_range=(1, 5), biases=True,
                      random_state=0)
rec.fit(X_train, y_train, item_features=genres)
rmse = np.sqrt(np.mean((rec.predict(X_test) - y_test) ** 2))
print(f"test RMSE {rmse:.3f} (the training mean: "
      f"{np.sqrt(np.mean((y_train.mean() - y_test) ** 2)):.3f})")

# %%
# One test rating, explained
# --------------------------
# The user of the test log with the longest training history, and of her test
# movies the one rated most often in training. ``explain`` reads the same
# histories as ``predict``: her last 30 training ratings before the test time,
# and the movie's last 30 raters.
counts = {u: np.sum(X_train[:, 0] == u) for u in np.unique(X_test[:, 0])}
user = max(counts, key=counts.get)
mine = np.flatnonzero(X_test[:, 0] == user)
raters = [np.sum(X_train[:, 1] == i) for i in X_test[mine, 1]]
row, rating = X_test[mine[np.argmax(raters)]], y_test[mine[np.argmax(raters)]]
info = rec.explain([row])[0]
target = set(genres.get(int(row[1]), []))
shared = np.array([bool(target & set(genres.get(int(i), [])))
                   for i in info["user_history"]])
a_u = info["user_attention"]
print(f"user {user}, movie {row[1]} ({', '.join(sorted(target))}): predicted "
      f"{rec.predict([row])[0]:.2f}, rated {rating:.0f}")
print(f"mean attention on her movies sharing a genre with it: {a_u[shared].mean():.3f}, "
      f"on the others: {a_u[~shared].mean():.3f}")

fig, axes = plt.subplots(2, 1, figsize=(7, 5))
steps = np.arange(len(a_u))
axes[0].bar(steps, a_u, color=np.where(shared, "tab:orange", "tab:blue"))
axes[0].legend(handles=[Patch(color="tab:orange", label="shares a genre with the movie"),
                        Patch(color="tab:blue", label="no genre in common")],
               fontsize=8)
axes[0].set_ylim(0, 1)
axes[0].set_ylabel("$a_t$")
axes[0].set_xlabel("the user's rated movies, oldest to newest")
axes[0].set_title(f"user {user}'s side, scoring movie {row[1]}", fontsize=10)
a_v = info["item_attention"]
axes[1].bar(np.arange(len(a_v)), a_v, color="0.5")
axes[1].set_ylim(0, 1)
axes[1].set_ylabel("$a_t$")
axes[1].set_xlabel("the movie's raters, oldest to newest")
axes[1].set_title(f"movie {row[1]}'s side", fontsize=10)
fig.tight_layout()
plt.show()
