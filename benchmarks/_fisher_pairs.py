"""bench_siamese's probabilistic baselines: the SRN paper's Fisher kernel and vector.

Both score pairs of series from the Fisher scores ``g`` of one HMM fitted by EM
to the training classes' frames (:class:`~sktime_metric.metric.FisherVectorEmbedder`,
labels unused), as the paper's Sec. 4.2 / Table 2 baselines:

- **Fisher kernel** (the paper's eq. 5 with ``U = I``): the similarity of a
  pair is the inner product ``g_i^T g_j`` of the raw scores (the embedding
  times ``fisher_scale_``, what ``fisher_information="identity"`` gives);
- **Fisher vector**: a pair's feature is the concatenation ``[g_i, g_j]``; its
  similarity is minus the Euclidean distance to the nearest *similar* pair of
  training series in that space (a 1-NN over training pairs, both orders of
  each pair so that the score is symmetric). The scores are whitened by the
  diagonal Fisher information (``fisher_information="diagonal"``), as
  Perronnin's Fisher vectors are; the paper does not say.

The paper tunes the HMM's number of states on validation AUC, the grid
unstated: here each baseline takes, per seed, the best of :data:`STATES` by
pair AUC on training classes held out whole (:data:`VALIDATION_FRACTION` of
the series; the evaluation classes are never seen), its HMM then refitted on
every training class.

Each is wrapped as the evaluation protocols take a learner (``pairwise_distances``
and ``_indexed_pair_distances``, distances = minus similarities), so that pair
AUC and one-shot accuracy are computed exactly as for the SRNs. The squared
distance of two concatenated pairs splits, ``|g_i - g_a|^2 + |g_j - g_b|^2``, so
the nearest training pair of every query pair is a (min, +) product of two
small distance matrices, computed in blocks.
"""

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances

from sktime_metric.evaluation import pair_auc
from sktime_metric.metric import FisherVectorEmbedder
from sktime_metric.metric._pairs import holdout_split

#: HMM states the validation chooses among, per mode (the paper's grid is unstated).
STATES = {"quick": (2, 3), "default": (2, 5, 10, 20), "full": (2, 5, 10, 20)}
#: Share of the training series, in whole classes, that chooses the states.
VALIDATION_FRACTION = 0.3
#: The two baselines' row names.
NAMES = ("Fisher K.", "Fisher V.")
#: Similar training pairs the Fisher vector's 1-NN searches, per mode.
TRAINING_PAIRS = {"quick": 50, "default": 2000, "full": 10000}


class FisherKernelPairs:
    """Similarity ``g_i^T g_j`` of raw Fisher scores; distance = its negative."""

    def __init__(self, embedder):
        self.embedder = embedder

    def _raw(self, X):
        return self.embedder.transform(X) * self.embedder.fisher_scale_

    def pairwise_distances(self, X, Y=None):
        Z = self._raw(X)
        W = Z if Y is None else self._raw(Y)
        return -(Z @ W.T)

    def _indexed_pair_distances(self, X, pairs):
        Z = self._raw(X)
        return -np.einsum("ij,ij->i", Z[pairs[:, 0]], Z[pairs[:, 1]])


class FisherVectorPairs:
    """Distance of ``[g_i, g_j]`` to the nearest similar training pair."""

    #: numbers per block of the (min, +) products (128 MB of float64)
    block = 2**24

    def __init__(self, embedder, X_fit, y_fit, n_pairs, random_state):
        rng = np.random.RandomState(random_state)
        y_fit = np.asarray(y_fit)
        first, second = np.triu_indices(len(y_fit), k=1)
        similar = np.flatnonzero(y_fit[first] == y_fit[second])
        keep = rng.choice(similar, size=min(n_pairs, len(similar)), replace=False)
        G = embedder.transform(X_fit)
        a, b = first[keep], second[keep]
        self.embedder = embedder
        # both orders, so that the score of (i, j) is that of (j, i)
        self.left = G[np.concatenate([a, b])]
        self.right = G[np.concatenate([b, a])]

    def _to_training_pairs(self, Z):
        """Squared distances of each row of ``Z`` to the pairs' two sides."""
        return (euclidean_distances(Z, self.left, squared=True),
                euclidean_distances(Z, self.right, squared=True))

    def pairwise_distances(self, X, Y=None):
        Z = self.embedder.transform(X)
        W = Z if Y is None else self.embedder.transform(Y)
        to_left, _ = self._to_training_pairs(Z)
        _, to_right = self._to_training_pairs(W)
        out = np.empty((len(Z), len(W)))
        step = max(1, self.block // to_right.size)
        for start in range(0, len(Z), step):
            rows = to_left[start:start + step]  # (step, m)
            out[start:start + step] = np.min(rows[:, None, :] + to_right[None], axis=2)
        return np.sqrt(np.maximum(out, 0.0))

    def _indexed_pair_distances(self, X, pairs):
        to_left, to_right = self._to_training_pairs(self.embedder.transform(X))
        out = np.empty(len(pairs))
        step = max(1, self.block // to_left.shape[1])
        for start in range(0, len(pairs), step):
            p = pairs[start:start + step]
            out[start:start + step] = np.min(to_left[p[:, 0]] + to_right[p[:, 1]], axis=1)
        return np.sqrt(np.maximum(out, 0.0))


def _measure(name, embedder, X, y, mode, seed):
    if name == "Fisher K.":
        return FisherKernelPairs(embedder)
    return FisherVectorPairs(embedder, X, y, TRAINING_PAIRS[mode], seed)


def fisher_measures(X_fit, y_fit, mode, seed):
    """``{row name: (measure, n_states)}``: the two baselines, HMMs fitted with ``seed``.

    Each baseline's number of states is the best of ``STATES[mode]`` by pair
    AUC on held-out training classes (ties: the fewer states); its HMM is then
    refitted on all of ``X_fit``.
    """
    y_fit = np.asarray(y_fit)
    train, valid = holdout_split(y_fit, VALIDATION_FRACTION, seed,
                                 validation="disjoint_classes")
    auc = {name: {} for name in NAMES}
    for n_states in STATES[mode]:
        embedder = FisherVectorEmbedder(n_states, random_state=seed).fit(X_fit[train])
        for name in NAMES:
            measure = _measure(name, embedder, X_fit[train], y_fit[train], mode, seed)
            auc[name][n_states] = pair_auc(measure, X_fit[valid], y_fit[valid],
                                           random_state=seed)
    fitted, out = {}, {}
    for name in NAMES:
        best = max(STATES[mode], key=lambda n: (auc[name][n], -n))
        if best not in fitted:
            fitted[best] = FisherVectorEmbedder(best, random_state=seed).fit(X_fit)
        out[name] = (_measure(name, fitted[best], X_fit, y_fit, mode, seed), best)
    return out
