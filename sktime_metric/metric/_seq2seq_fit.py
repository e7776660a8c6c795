"""The training plan of :class:`Seq2SeqEmbedder`: stages, splits and pair draws.

Kept apart from the estimator's public face: which stages run (joint, or
reconstruction then metric), which series validate, how pairs are drawn from
labels and groups (similar = same label, different group), and the choices the
``"auto"`` parameters resolve to.
"""

import copy
from dataclasses import dataclass, replace

import numpy as np
import torch
from skorch.callbacks import LRScheduler
from skorch.dataset import Dataset

from ..base import _seed_from
from ..nn.seq2seq import Seq2SeqLoss, Seq2SeqMetricModule
from ..utils._skorch import (
    InitialModuleState,
    KISSMEUpdate,
    ResampleEachEpoch,
    fixed_validation,
    gradient_norm_clipping,
)
from ..utils.validation import padded_float32
from ._kissme import kissme_metric
from ._pairs import PairDataset, holdout_split, sample_pairs

__all__ = ["Seq2SeqFitMixin", "draw_pairs"]


@dataclass
class _Supervision:
    """What a fit learns from, and which stage of it is being trained."""

    labels: np.ndarray = None
    groups: np.ndarray = None
    pairs: np.ndarray = None
    pair_labels: np.ndarray = None
    stage: str = "joint"  # "joint", "reconstruction" or "metric"
    initial_state: dict = None
    train_index: np.ndarray = None
    valid_index: np.ndarray = None


_STAGES = {
    "joint": ("joint",),
    "disjoint": ("reconstruction", "metric"),
    "reconstruction_only": ("reconstruction",),
}
_METRIC_LOSSES = {
    "euclidean": ("contrastive", "pml_contrastive"),
    "cosine": ("cosine",),
    "kissme": ("kissme_contrastive", "kissme_logratio"),
}


def draw_pairs(y, n_pairs, *, groups=None, positive_fraction=0.5, random_state=None):
    """Similar / dissimilar pairs from labels, similar ones across groups only.

    :func:`~sktime_metric.metric.sample_pairs`, with the similar pairs that fall
    within one group redrawn until none does: rejection keeps the draw uniform
    over the admissible similar pairs (same label, different groups).
    Dissimilar pairs (different labels) may share a group.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
    n_pairs : int
    groups : ndarray of shape (n_samples,) or None, default=None
    positive_fraction : float, default=0.5
    random_state : RandomState

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2)
    pair_labels : ndarray of shape (n_pairs,)
    """
    pairs, labels = sample_pairs(y, n_pairs, positive_fraction=positive_fraction,
                                 random_state=random_state)
    if groups is None or not labels.any():
        return pairs, labels
    _, codes = np.unique(y, return_inverse=True)
    admissible = any(len(np.unique(groups[codes == c])) > 1 for c in np.unique(codes))
    if not admissible:
        raise ValueError(
            "No similar pairs: with groups, a similar pair needs two series of one "
            "label in different groups, and no label has series in two groups."
        )
    bad = (labels == 1) & (groups[pairs[:, 0]] == groups[pairs[:, 1]])
    while bad.any():
        pairs[bad] = sample_pairs(y, int(bad.sum()), positive_fraction=1.0,
                                  random_state=random_state)[0]
        bad[bad] = groups[pairs[bad, 0]] == groups[pairs[bad, 1]]
    return pairs, labels


class Seq2SeqFitMixin:
    """``_fit``, the stages' skorch set-up and their helpers.

    The host (:class:`~sktime_metric.metric.Seq2SeqEmbedder`) defines the
    parameters and ``_fit_net`` (from ``BaseSequenceNet``).
    """

    def _module_and_params(self, n_features, n_outputs):
        kissme = self.metric == "kissme"
        return Seq2SeqMetricModule, {
            "n_features": n_features,
            "hidden_size": self.hidden_size,
            "cell": self.cell,
            "num_layers": self.num_layers,
            "input_mask_p": self.input_mask_p,
            "projection_dim": self.projection_dim if kissme else None,
            "projection_constraint": (
                "orthogonal" if self._losses()[0] == "kissme_logratio" else "none"
            ),
        }

    def _fit_setup(self, X, lengths, supervision, seed):
        X = padded_float32(X, lengths)
        stage = supervision.stage
        metric_loss, reconstruction_loss, margin = self._losses()
        scoring, after = [], []
        if supervision.initial_state is not None:
            scoring.append(("initial_state", InitialModuleState(supervision.initial_state)))
        if stage == "reconstruction":
            data, valid = self._series_data(X, lengths, supervision)
        else:
            data, valid, resample = self._pair_data(X, lengths, supervision, seed)
            scoring += resample
            if self.metric == "kissme":
                # after early stopping: the update at train end sees the
                # weights it reloads
                after.append(("kissme_update", KISSMEUpdate(
                    kissme_metric, every=self.kissme_update_every,
                    regularization=self.kissme_regularization,
                )))
        clip = self.grad_clip_norm
        if clip is None and metric_loss == "kissme_logratio" and stage != "reconstruction":
            clip = 6.0
        if clip is not None:
            scoring.append(("grad_norm_clip", gradient_norm_clipping(clip)))
        # the thesis's schedule: lr / 10 after 10 epochs without a lower train loss
        lr_schedule = self._thesis_lr_schedule()
        if not self.early_stopping:
            scoring.append(("lr_plateau", lr_schedule))
        weight = {"joint": self.reconstruction_weight, "reconstruction": 1.0,
                  "metric": 0.0}[stage]
        overrides = {
            "criterion": Seq2SeqLoss,
            "criterion__metric_loss": metric_loss,
            "criterion__margin": float(margin),
            "criterion__margin_scale": self.margin_scale,
            "criterion__reconstruction_loss": reconstruction_loss,
            "criterion__reconstruction_weight": float(weight),
            "module__reconstruct": stage != "metric",
            "module__freeze_encoder": stage == "metric" and self._frozen(),
            "train_split": fixed_validation(valid),
            "callbacks": self._training_callbacks(
                scoring=scoring,
                lr_schedule=lr_schedule,
                after=after,
            ),
        }
        return data, None, overrides

    def _losses(self):
        """``(metric_loss, reconstruction_loss, margin)`` after resolving "auto"."""
        metric_loss = self.metric_loss
        if metric_loss == "auto":
            metric_loss = _METRIC_LOSSES[self.metric][0]
        reconstruction = self.reconstruction_loss
        if reconstruction == "auto":
            reconstruction = "cosine" if self.metric == "cosine" else "mse"
        margin = self.margin
        if margin is None:
            margin = 0.5 if metric_loss == "cosine" else 1.0
            if metric_loss == "kissme_contrastive" and self.margin_scale != "absolute":
                margin = 2.0  # measured (see margin_scale)
        return metric_loss, reconstruction, margin

    def _frozen(self):
        if self.freeze_encoder is None:
            return self.metric == "kissme"
        return bool(self.freeze_encoder)

    def _check_combination(self):
        metric_loss = self._losses()[0]
        if metric_loss not in _METRIC_LOSSES[self.metric]:
            raise ValueError(
                f"metric_loss={metric_loss!r} does not train metric={self.metric!r}; "
                f"use one of {list(_METRIC_LOSSES[self.metric])} or 'auto'."
            )
        if self.metric == "kissme" and self.training == "reconstruction_only":
            raise ValueError(
                "metric='kissme' learns W_p and M on pairs; training="
                "'reconstruction_only' trains no metric. Use metric='euclidean' "
                "(or a pipeline with KISSMETransformer) for a pure autoencoder."
            )
        if (self.training == "disjoint" and self.metric != "kissme"
                and self._frozen()):
            raise ValueError(
                f"With metric={self.metric!r} and a frozen encoder, the metric stage "
                "of disjoint training has nothing to train; use training="
                "'reconstruction_only'."
            )
        if (metric_loss == "kissme_logratio"
                and self.projection_dim > self.hidden_size):
            raise ValueError(
                f"metric_loss='kissme_logratio' needs an orthonormal projection: "
                f"projection_dim={self.projection_dim} must be <= hidden_size="
                f"{self.hidden_size}."
            )

    def _fit(self, X, lengths, supervision):
        self._check_combination()
        supervision = self._split(supervision, len(X))
        stages = _STAGES[self.training]
        self.stage1_history_, state = None, None
        for stage in stages:
            self._fit_net(X, lengths, replace(supervision, stage=stage,
                                              initial_state=state), n_outputs=None)
            self.net_.train_split = None  # do not pickle the validation data
            if stage == "reconstruction" and len(stages) > 1:
                self.stage1_history_ = self.net_.history
                state = copy.deepcopy(self.net_.module_.state_dict())
        if self.metric == "kissme":
            M = self.net_.module_.kissme_head.M.detach().double().cpu().numpy()
            self.metric_matrix_ = (M + M.T) / 2
            eigenvalues, eigenvectors = np.linalg.eigh(self.metric_matrix_)
            # M = U diag(l) U^T = L^T L with L = diag(sqrt(l)) U^T
            self.components_ = np.sqrt(np.maximum(eigenvalues, 0))[:, None] * eigenvectors.T
        return self

    def _split(self, supervision, n_samples):
        """Training / validation series (by label strata when there are labels)."""
        index = np.arange(n_samples)
        if not self.early_stopping or supervision.pairs is not None:
            return replace(supervision, train_index=index)
        seed = int(np.random.RandomState(self._seed()).randint(2**31 - 1))
        y = supervision.labels
        if y is None:  # no labels to stratify by
            y = np.zeros(n_samples)
        train, valid = holdout_split(y, self.validation_fraction, seed,
                                     validation=self.validation)
        return replace(supervision, train_index=np.sort(train), valid_index=np.sort(valid))

    def _seed(self):
        return _seed_from(self.random_state)

    def _thesis_lr_schedule(self):
        return LRScheduler(policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                           monitor="train_loss", mode="min", factor=0.1, patience=10)

    def _series_data(self, X, lengths, supervision):
        """Single series for the reconstruction stage, and validation ones."""
        train, valid = supervision.train_index, supervision.valid_index
        if supervision.pairs is not None and self.early_stopping:
            rng = np.random.RandomState(self._seed())
            order = rng.permutation(len(X))
            n_valid = max(1, int(round(self.validation_fraction * len(X))))
            valid, train = np.sort(order[:n_valid]), np.sort(order[n_valid:])
        data = {"x": X[train], "lengths": lengths[train]}
        if valid is None:
            return data, None
        return data, Dataset({"x": X[valid], "lengths": lengths[valid]}, None)

    def _draw(self, supervision, index, rng):
        y = supervision.labels[index]
        groups = None if supervision.groups is None else supervision.groups[index]
        pairs, labels = draw_pairs(y, self.n_pairs, groups=groups,
                                   positive_fraction=self.positive_fraction,
                                   random_state=rng)
        return index[pairs], labels

    def _pair_data(self, X, lengths, supervision, seed):
        """``(training PairDataset, validation PairDataset or None, callbacks)``."""
        rng = np.random.RandomState(seed)
        if supervision.pairs is not None:
            pairs, labels = supervision.pairs, supervision.pair_labels
            train, valid = np.arange(len(pairs)), None
            if self.early_stopping:
                order = rng.permutation(len(pairs))
                n_valid = max(1, int(round(self.validation_fraction * len(pairs))))
                valid, train = order[:n_valid], order[n_valid:]
                if len(train) == 0 or len(np.unique(labels[valid])) < 2:
                    raise ValueError(
                        f"early_stopping holds out {n_valid} of {len(pairs)} pairs; "
                        "they must leave training pairs and hold both similar and "
                        "dissimilar ones. Give more pairs or set early_stopping=False."
                    )
            fixed = (pairs[train], labels[train])
            valid_set = None if valid is None else PairDataset(
                X, lengths, lambda: (pairs[valid], labels[valid]))
            return PairDataset(X, lengths, lambda: fixed), valid_set, []
        valid_set = None
        if supervision.valid_index is not None:
            try:
                drawn = self._draw(supervision, supervision.valid_index, rng)
            except ValueError as exc:
                raise ValueError(
                    f"early_stopping: the {len(supervision.valid_index)} validation "
                    f"series cannot make validation pairs: {exc} Increase "
                    "validation_fraction or set early_stopping=False."
                ) from None
            valid_set = PairDataset(X, lengths, lambda: drawn)
        train = supervision.train_index
        if not self.resample_pairs:
            fixed = self._draw(supervision, train, rng)
            return PairDataset(X, lengths, lambda: fixed), valid_set, []
        sampler = lambda: self._draw(supervision, train, rng)  # noqa: E731
        return (PairDataset(X, lengths, sampler), valid_set,
                [("resample_pairs", ResampleEachEpoch())])
