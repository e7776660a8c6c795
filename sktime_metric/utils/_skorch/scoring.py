"""Callbacks that record a number in the history each epoch: scores, statistics.

:func:`pair_auc_scoring` (a siamese net's pair ROC AUC, through skorch's
``EpochScoring``), :class:`NearestNeighborScoring` (1-nearest-neighbour accuracy
under a learned pairwise distance), :class:`RecordModuleStatistic` (any scalar
the module computes, e.g. a weight norm), and for episodic training
:class:`EpisodeAccuracyScoring` (the validation episodes' query accuracy) with
:class:`EarlyStoppingFromStart` (early stopping on it, the untrained weights
among its candidates).
"""

from copy import deepcopy

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping, EpochScoring

from ...nn.matching import episode_accuracy


class PairAUCScoring:
    """ROC AUC of a siamese net's pair scores: the scoring of ``EpochScoring``.

    The criterion says what "more similar" is (``criterion_.pair_scores``):
    logits of the similarity head, or minus embedding distances. Batches of
    pairs are scored against their labels; a triplet ``(a, p, n)`` counts as
    the similar pair ``(a, p)`` and the dissimilar pair ``(a, n)``.
    """

    def __call__(self, net, X, y=None):
        from sklearn.metrics import roc_auc_score

        scores = torch.cat(
            [net.criterion_.pair_scores(*out).cpu() for out in net.forward_iter(X)]
        ).numpy()
        if scores.shape[1] == 1:
            labels = np.asarray(y).reshape(-1)
        else:
            labels = np.tile([1, 0], (len(scores), 1))
        return roc_auc_score(labels.reshape(-1), scores.reshape(-1))


def pair_auc_scoring():
    """Per-epoch ``valid_auc``: the pair ROC AUC on the validation tuples."""
    return EpochScoring(
        PairAUCScoring(),
        name="valid_auc",
        lower_is_better=False,
        on_train=False,
        use_caching=True,
    )


class RecordModuleStatistic(Callback):
    """Record ``module_.<method>()`` in the history at the end of every epoch.

    E.g. the coupled GRU's coupling-weight norm (``method="coupling_norm"``),
    whose growth during training the thesis relates to accuracy (Fig. 4.3).

    Parameters
    ----------
    name : str
        History key.
    method : str
        Name of a module method returning a scalar.
    """

    def __init__(self, name, method):
        self.name = name
        self.method = method

    def on_epoch_end(self, net, **kwargs):
        with torch.no_grad():
            value = getattr(net.module_, self.method)()
        net.history.record(self.name, float(value))


class NearestNeighborScoring(Callback):
    """Per-epoch 1-nearest-neighbour accuracy under the module's learned distance.

    The validation series are classified by their nearest reference (training)
    series under ``module_.pairwise_distances(x, lengths, x_ref, lengths_ref)``:
    the early-stopping score of the coupled GRU chapter, for models whose
    distance needs a joint pass over each pair (no per-series embedding). Costs
    ``n_valid * n_ref`` pair evaluations per epoch.

    Parameters
    ----------
    reference : tuple of (x, lengths, y)
        Zero-padded float32 series, their lengths and labels (arrays).
    valid : tuple of (x, lengths, y)
    name : str, default="valid_knn_acc"
    chunk_size : int, default=4096
        Pairs per chunk.
    leave_one_out : bool, default=False
        ``reference`` is ``valid`` itself: each series is classified by its
        nearest *other* series (held-out classes, which no training series
        belongs to).
    """

    def __init__(self, reference, valid, name="valid_knn_acc", chunk_size=4096,
                 leave_one_out=False):
        self.reference = reference
        self.valid = valid
        self.name = name
        self.chunk_size = chunk_size
        self.leave_one_out = leave_one_out

    def on_epoch_end(self, net, **kwargs):
        device = net.device
        x_ref, len_ref, y_ref = self.reference
        x, lengths, y = self.valid
        distances = net.module_.pairwise_distances(
            torch.as_tensor(x, device=device),
            torch.as_tensor(lengths, device=device),
            torch.as_tensor(x_ref, device=device),
            torch.as_tensor(len_ref, device=device),
            chunk_size=self.chunk_size,
        )
        if self.leave_one_out:
            distances = distances.clone()
            distances.fill_diagonal_(float("inf"))
        nearest = distances.argmin(dim=1).cpu().numpy()
        accuracy = float(np.mean(np.asarray(y_ref)[nearest] == np.asarray(y)))
        net.history.record(self.name, accuracy)


def _pooled(scores):
    """Query-weighted mean of ``(accuracy, n_queries)`` pairs."""
    accuracy, n = np.array(scores, dtype=float).T
    return float(np.nansum(accuracy * n) / n.sum())


class EpisodeAccuracyScoring(Callback):
    """Records ``valid_acc``: the accuracy over the validation episodes' queries.

    Early stopping of a matching network watches it rather than the episodes'
    loss: an untrained encoder's posteriors are near uniform (cosine scores in
    [-1, 1] at temperature 1), so the loss falls as soon as training spreads
    the embeddings, whether or not they match held-out classes better
    (measured: JapaneseVowels, seed 0, 1-shot on novel speakers, 0.823
    untrained and 0.695 after early stopping on the held-out classes' loss).
    """

    def on_epoch_begin(self, net, **kwargs):
        self._scores = []

    def on_batch_end(self, net, batch, training, y_pred=None, **kwargs):
        if not training:
            self._scores.append(episode_accuracy(y_pred, batch[1]))

    def on_epoch_end(self, net, **kwargs):
        net.history.record("valid_acc", _pooled(self._scores))


class EarlyStoppingFromStart(EarlyStopping):
    """skorch's ``EarlyStopping`` on ``valid_acc`` whose candidates include the
    untrained weights.

    Before the first epoch, the validation episodes are scored with the
    weights as initialised (or as pretrained); they are the best epoch until
    an epoch beats them. On few base classes, episodic training specialises
    the encoder to them from the first epoch on, and without this candidate
    early stopping could only choose among already-specialised weights.
    """

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        _, valid = net.get_split_datasets(X, y)
        if valid is None:
            return
        scores = []
        for batch in net.get_iterator(valid, training=False):
            scores.append(episode_accuracy(net.validation_step(batch)["y_pred"], batch[1]))
        score = self.initial_score_ = _pooled(scores)
        self.dynamic_threshold_ = self._calc_new_threshold(score)
        self.best_model_weights_ = deepcopy(net.module_.state_dict())
        self.best_epoch_ = 0
