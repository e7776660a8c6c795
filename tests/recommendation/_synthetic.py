"""A seeded interaction log whose ratings follow a user-item affinity that drifts.

Items form two clusters. Each user prefers one cluster; a fraction
``p_switch`` of the users switch to the other at their own time. She mostly rates items of the cluster she currently
prefers, high, and sometimes one of the other, low. Which items she rated
lately (what IARN reads: item ids, not rating values) thus tells her current
taste; a time-blind summary of her whole history does not.
"""

import numpy as np


def drifting_log(n_users=40, n_items=20, n_per_user=30, horizon=100.0,
                 p_switch=0.3, random_state=0):
    rng = np.random.RandomState(random_state)
    cluster = np.arange(n_items) % 2
    rows, ratings = [], []
    for user in range(n_users):
        first = rng.randint(2)
        switch = rng.uniform(0.2, 0.7) * horizon if rng.rand() < p_switch else np.inf
        times = np.sort(rng.uniform(0, horizon, n_per_user))
        for t in times:
            liked = first if t < switch else 1 - first
            pick = liked if rng.rand() < 0.8 else 1 - liked
            item = rng.choice(np.flatnonzero(cluster == pick))
            rating = (4.5 if pick == liked else 1.5) + 0.3 * rng.randn()
            rows.append((user, item, t))
            ratings.append(rating)
    X = np.array(rows, dtype=float)
    X[:, :2] = X[:, :2].astype(int)
    return X, np.array(ratings)


def biased_log(n_users=40, n_items=20, n_per_user=20, horizon=100.0, random_state=0):
    """Ratings ``3 + b_user + b_item + noise``: user and item offsets, no taste.

    Each user rates random items at random times; her leniency ``b_user`` and
    each item's quality ``b_item`` are drawn once (sd 0.8 and 0.6), the noise
    has sd 0.3. Which items she rated says nothing about either offset, so
    only learned per-user and per-item terms can read them.
    """
    rng = np.random.RandomState(random_state)
    b_user, b_item = 0.8 * rng.randn(n_users), 0.6 * rng.randn(n_items)
    rows, ratings = [], []
    for user in range(n_users):
        times = np.sort(rng.uniform(0, horizon, n_per_user))
        for t, item in zip(times, rng.randint(n_items, size=n_per_user)):
            rows.append((user, item, t))
            ratings.append(3 + b_user[user] + b_item[item] + 0.3 * rng.randn())
    return np.array(rows, dtype=float), np.array(ratings)
