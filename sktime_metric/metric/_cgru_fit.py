"""The training plan of :class:`CoupledGRUMetric`: losses, batches and callbacks.

Kept apart from the estimator's public face: with class labels and the
structural loss, class-balanced batches whose pairs are all compared; otherwise
the contrastive loss on pairs (fresh ones drawn from the labels each epoch, or
the caller's explicit pairs), and the 1-NN validation scoring of early stopping.
"""

import numpy as np

from ..nn.losses import ContrastiveDistanceLoss, StructuralLoss
from ..utils._skorch import (
    NearestNeighborScoring,
    RecordModuleStatistic,
    ResampleEachEpoch,
    class_balanced_loader,
    gradient_norm_clipping,
)
from ..utils.validation import padded_float32
from ._pairs import PairDataset, holdout_split, sample_pairs

__all__ = ["CoupledGRUFitMixin"]


class CoupledGRUFitMixin:
    """``_fit_setup`` of :class:`CoupledGRUMetric` (the base class's hook)."""

    def _fit_setup(self, X, lengths, supervision, seed):
        y, pairs = supervision
        X = padded_float32(X, lengths)
        rng = np.random.RandomState(seed)
        train = np.arange(len(X))
        scoring = []
        if self.grad_clip_norm is not None:
            clip = gradient_norm_clipping(self.grad_clip_norm)
            scoring.append(("grad_norm_clip", clip))
        if self.coupling:  # Hypothesis 4.1: the norm grows as accuracy improves
            norm = RecordModuleStatistic("coupling_norm", "coupling_norm")
            scoring.append(("coupling_norm", norm))
        if self.early_stopping:
            train, valid = holdout_split(y, self.validation_fraction, seed,
                                         validation=self.validation)
            subset = lambda index: (X[index], lengths[index], y[index])  # noqa: E731
            # held-out classes have no training series to be the nearest of:
            # each validation series is classified by its nearest other one
            disjoint = self.validation == "disjoint_classes"
            scoring.append(("valid_knn_acc", NearestNeighborScoring(
                subset(valid if disjoint else train), subset(valid),
                chunk_size=self._chunk_size(), leave_one_out=disjoint,
            )))
        if pairs is None and self.loss == "structural":
            data, target = {"x": X[train], "lengths": lengths[train]}, y[train]
            overrides = {
                "criterion": StructuralLoss,
                "criterion__margin": self.margin,
                "criterion__eta": self.eta,
                "criterion__global_weight": self.global_weight,
                "criterion__var_margin_pos": self.var_margin_pos,
                "criterion__var_margin_neg": self.var_margin_neg,
                "criterion__ema_momentum": self.ema_momentum,
                "criterion__positive_pairs": self.positive_pairs,
                "iterator_train": class_balanced_loader,
                "iterator_train__samples_per_class": self.samples_per_class,
            }
        else:
            if pairs is None:  # fresh pairs among the training series each epoch
                def draw():
                    drawn, labels = sample_pairs(y[train], self.n_pairs,
                                                 random_state=rng)
                    return train[drawn], labels

                scoring.insert(0, ("resample_pairs", ResampleEachEpoch()))
            else:
                draw = lambda: pairs  # noqa: E731
            data, target = PairDataset(X, lengths, draw), None
            overrides = {
                "criterion": ContrastiveDistanceLoss,
                "criterion__margin": self.contrastive_margin,
            }
        overrides["train_split"] = None  # validation is the 1-NN scoring above
        overrides["callbacks"] = self._training_callbacks(
            scoring=scoring,
        )
        return data, target, overrides
