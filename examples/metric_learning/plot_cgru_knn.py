"""
=====================================================
Coupled GRU distances and precomputed k-NN
=====================================================

:class:`~sktime_metric.metric.CoupledGRUMetric` learns a distance between two
series as the synchronisation of two GRUs that read them in step, each gate
mixing in the other's state. There is no per-series embedding: a distance needs
a joint pass over the pair. So the learned distances go to scikit-learn's
neighbours as a precomputed matrix, ``KNeighborsClassifier(metric="precomputed")``.
"""

import os

import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)
FAST = os.environ.get("SKTIME_METRIC_DOCS_FAST") == "1"  # the docs' CI build

# %%
# Learn the distance
# ------------------
# Trained from class labels with the structural loss over all pairs of
# class-balanced batches, for 40 epochs (15 in the docs' fast build, whose
# accuracies below are up to 0.01 lower).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from sktime_metric.datasets import load_japanese_vowels
from sktime_metric.metric import CoupledGRUMetric

X_train, y_train, X_test, y_test = load_japanese_vowels()
cgru = CoupledGRUMetric(hidden_size=20, max_epochs=15 if FAST else 40,
                        random_state=0).fit(X_train, y_train)

# %%
# Distance matrices and k-NN
# --------------------------
# :meth:`~sktime_metric.metric.CoupledGRUMetric.pairwise_distances` gives the
# ``(n_train, n_train)`` matrix to fit on and the ``(n_test, n_train)`` one to
# predict from.
D_train = cgru.pairwise_distances(X_train)
D_test = cgru.pairwise_distances(X_test, X_train)
for k in (1, 3, 5):
    knn = KNeighborsClassifier(n_neighbors=k, metric="precomputed").fit(D_train, y_train)
    print(f"{k}-NN accuracy with the coupled GRU distance: {knn.score(D_test, y_test):.3f}")

# %%
# ``transform`` returns the same distances to the training series, so the whole
# thing is also one estimator, for ``cross_val_score`` or ``GridSearchCV``
# (not fitted here, to keep the example short)::
#
#     make_pipeline(CoupledGRUMetric(), KNeighborsClassifier(1, metric="precomputed"))
print(np.allclose(cgru.transform(X_test), D_test))

# %%
# The test-to-training distances, both sorted by speaker: same-speaker blocks
# along the diagonal are small.
rows, cols = np.argsort(y_test, kind="stable"), np.argsort(y_train, kind="stable")
fig, ax = plt.subplots(figsize=(6, 5))
image = ax.imshow(D_test[np.ix_(rows, cols)], aspect="auto", cmap="viridis_r")
ax.set_xlabel("training series (by speaker)")
ax.set_ylabel("test series (by speaker)")
ax.set_title("coupled GRU distances")
fig.colorbar(image, ax=ax, label="distance")
fig.tight_layout()
plt.show()
