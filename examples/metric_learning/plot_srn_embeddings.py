"""
=============================================
Siamese RNN embeddings of speakers, in 2-D
=============================================

A siamese recurrent network (:class:`~sktime_metric.metric.SiameseRNNEmbedder`)
learns, from pairs of series labelled "same class" or "different class", a
recurrent encoder whose output ``h`` makes same-class series close.
:meth:`~sktime_metric.metric.SiameseRNNEmbedder.transform` returns ``h``: one
fixed-size vector per series of any length, usable by any scikit-learn
estimator.

On JapaneseVowels (nine speakers, series of 7 to 29 frames) we project the test
embeddings to 2-D with PCA, next to the same projection of a naive embedding,
each series' mean frame.
"""

import os

import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)
FAST = os.environ.get("SKTIME_METRIC_DOCS_FAST") == "1"  # the docs' CI build

# %%
# Train the embedder
# ------------------
# ``pooling="mean"`` averages the hidden states over each series' own steps
# (SRN-A); ``window_size=2`` stacks consecutive frames. Training pairs are drawn
# from ``y`` inside ``fit``. With ``loss="contrastive"`` the learned distance is
# the Euclidean distance between embeddings, the one PCA and 1-NN use below
# (the paper's ``loss="pair_logistic"`` learns a bilinear similarity instead).
# 40 epochs; 20 in the docs' fast build, whose SRN accuracy below is about
# 0.01 lower.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier

from sktime_metric.datasets import load_japanese_vowels
from sktime_metric.metric import SiameseRNNEmbedder

X_train, y_train, X_test, y_test = load_japanese_vowels()
srn = SiameseRNNEmbedder(pooling="mean", hidden_size=16, window_size=2,
                         loss="contrastive", n_pairs=1000,
                         max_epochs=20 if FAST else 40, random_state=0)
srn.fit(X_train, y_train)
E_train, E_test = srn.transform(X_train), srn.transform(X_test)
print("embeddings:", E_train.shape)

# %%
# Nearest neighbours in either space
# ----------------------------------
# The naive embedding is the mean over the valid (non-NaN) frames.
naive_train, naive_test = np.nanmean(X_train, axis=1), np.nanmean(X_test, axis=1)
for name, (A, B) in {"mean frame": (naive_train, naive_test),
                     "SRN embedding": (E_train, E_test)}.items():
    acc = KNeighborsClassifier(n_neighbors=1).fit(A, y_train).score(B, y_test)
    print(f"1-NN accuracy, {name}: {acc:.3f}")

# %%
# The two spaces in 2-D
# ---------------------
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (name, (A, B)) in zip(axes, {"mean frame": (naive_train, naive_test),
                                     "SRN embedding": (E_train, E_test)}.items()):
    points = PCA(n_components=2).fit(A).transform(B)
    for label in np.unique(y_test):
        ax.scatter(*points[y_test == label].T, s=8, label=label)
    ax.set_title(f"{name} (PCA)")
    ax.set_xticks([])
    ax.set_yticks([])
axes[1].legend(title="speaker", fontsize=7, markerscale=2, loc="center left",
               bbox_to_anchor=(1.02, 0.5))  # outside the axes: it hid a cluster
fig.tight_layout()
plt.show()
