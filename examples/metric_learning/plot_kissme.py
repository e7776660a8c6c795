"""
=============================================
1-NN with and without a KISSME metric
=============================================

KISSME (:class:`~sktime_metric.metric.KISSMETransformer`) learns a Mahalanobis
distance in closed form from the covariances of similar and dissimilar pairs:
no iterations, no learning rate. Its ``transform`` maps vectors to a space
where the Euclidean distance *is* the learned distance, so
``make_pipeline(KISSMETransformer(), KNeighborsClassifier())`` is 1-NN under
the learned metric.

KISSME works on vectors. Here each JapaneseVowels series (7 to 29 frames) is
summarised by the mean, standard deviation, minimum and maximum of each of its
12 channels over its own frames, and we compare 1-NN on these 48 features with
the Euclidean distance, after standardising, and with KISSME (optionally after
PCA, which the authors use).
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
FAST = os.environ.get("SKTIME_METRIC_DOCS_FAST") == "1"  # closed form: no fast mode needed

# %%
# Summary features of variable-length series
# ------------------------------------------
# ``nanmean`` and friends ignore the NaN padding.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktime_metric.datasets import load_japanese_vowels
from sktime_metric.metric import KISSMETransformer


def summary_features(X):
    stats = (np.nanmean, np.nanstd, np.nanmin, np.nanmax)
    return np.concatenate([stat(X, axis=1) for stat in stats], axis=1)


X_train, y_train, X_test, y_test = load_japanese_vowels()
F_train, F_test = summary_features(X_train), summary_features(X_test)
print(F_train.shape)

# %%
# Without and with the learned metric
# -----------------------------------
models = {
    "Euclidean": make_pipeline(KNeighborsClassifier(n_neighbors=1)),
    "standardised": make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=1)),
    "KISSME": make_pipeline(KISSMETransformer(), KNeighborsClassifier(n_neighbors=1)),
}
scores = {name: model.fit(F_train, y_train).score(F_test, y_test)
          for name, model in models.items()}
for name, score in scores.items():
    print(f"1-NN, {name:>12}: {score:.3f}")

# %%
# KISSME after PCA to fewer dimensions
# ------------------------------------
# ``n_components`` runs PCA before KISSME, whose covariance estimates get noisy
# in high dimension.
dims = [4, 8, 16, 24, 32, 48]
pca_scores = [
    make_pipeline(KISSMETransformer(n_components=k), KNeighborsClassifier(n_neighbors=1))
    .fit(F_train, y_train).score(F_test, y_test)
    for k in dims
]

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(dims, pca_scores, "o-", label="KISSME (PCA to n_components)")
for (name, score), style in zip(scores.items(), [":", "--", "-."]):
    ax.axhline(score, ls=style, color="0.4" if name != "KISSME" else "tab:red",
               label=f"{name}: {score:.3f}")
ax.set_xlabel("n_components")
ax.set_ylabel("1-NN test accuracy")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# The learned Mahalanobis matrix ``M = L^T L`` couples the features: rows and
# columns are [means, stds, mins, maxs] of the 12 channels.
kissme = models["KISSME"][0]
M = kissme.get_mahalanobis_matrix()
fig, ax = plt.subplots(figsize=(5, 4))
image = ax.imshow(M, cmap="RdBu_r", vmin=-np.abs(M).max(), vmax=np.abs(M).max())
ax.set_title("Mahalanobis matrix M")
fig.colorbar(image, ax=ax)
plt.show()
