"""The only place skorch is configured.

Estimators compose a skorch net inside ``fit`` (subclassing ``NeuralNetClassifier``
fails many scikit-learn checks); this module holds the small pieces they share:
the net classes, the callbacks skorch lacks, and the translation of our flat,
grid-searchable parameters into skorch's.
"""

import torch
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import Callback, EarlyStopping, LRScheduler, ProgressBar
from skorch.dataset import ValidSplit

__all__ = [
    "GradientValueClipping",
    "SequenceNet",
    "SequenceNetClassifier",
    "resolve_optimizer",
    "training_callbacks",
]


class _SequenceLossMixin:
    """The loss hooks every sequence module may use.

    - A module may return ``(output, extras...)``; the loss reads the first item
      (skorch's ``predict_proba`` already takes the first element of a tuple).
    - A module may define ``penalty()``, a scalar tensor added to the training
      loss (e.g. an L2 term on some parameters only, which the optimiser's
      ``weight_decay`` cannot express). It is left out of validation losses, so
      early stopping watches the data term.
    """

    def get_loss(self, y_pred, y_true, *args, training=False, **kwargs):
        if isinstance(y_pred, tuple):
            y_pred = y_pred[0]
        loss = super().get_loss(y_pred, y_true, *args, training=training, **kwargs)
        penalty = getattr(self.module_, "penalty", None)
        if training and penalty is not None:
            loss = loss + penalty()
        return loss


class SequenceNet(_SequenceLossMixin, NeuralNet):
    """skorch ``NeuralNet`` whose module may return a tuple."""


class SequenceNetClassifier(_SequenceLossMixin, NeuralNetClassifier):
    """skorch ``NeuralNetClassifier`` (so ``valid_acc`` is scored) on encoded labels."""


class GradientValueClipping(Callback):
    """Clip each gradient element to ``[-clip_value, clip_value]``.

    skorch ships norm clipping only; the TAGM chapter clips values (to +-5), as
    did the Torch7 code of the RNN baselines it compares with.
    """

    def __init__(self, clip_value):
        self.clip_value = clip_value

    def on_grad_computed(self, net, named_parameters, **kwargs):
        torch.nn.utils.clip_grad_value_(
            [p for _, p in named_parameters], self.clip_value
        )


# Optimiser names accepted by every estimator. RMSprop uses the decay and epsilon
# of Torch7's optim.rmsprop (alpha=0.95, eps=1e-8), with which the TAGM and HULM
# reference code was run; torch's own defaults are alpha=0.99, eps=1e-8.
_OPTIMIZERS = {
    "rmsprop": (torch.optim.RMSprop, {"alpha": 0.95, "eps": 1e-8}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
}


def resolve_optimizer(optimizer):
    """``(optimizer class, extra skorch params)`` for a name or a class."""
    if isinstance(optimizer, str):
        cls, defaults = _OPTIMIZERS[optimizer]
        return cls, {f"optimizer__{k}": v for k, v in defaults.items()}
    return optimizer, {}


def training_callbacks(
    *,
    grad_clip_value,
    early_stopping,
    n_iter_no_change,
    monitor,
    lower_is_better,
    verbose,
    user_callbacks,
):
    """The callbacks an estimator's parameters ask for, then the user's own."""
    callbacks = []
    if grad_clip_value is not None:
        callbacks.append(("grad_clip", GradientValueClipping(grad_clip_value)))
    if early_stopping:
        callbacks.append(
            (
                "early_stopping",
                EarlyStopping(
                    monitor=monitor,
                    lower_is_better=lower_is_better,
                    patience=n_iter_no_change,
                    load_best=True,
                ),
            )
        )
        # Halve the learning rate when the monitored score has stalled for a
        # quarter of the patience (the reference code: 6 of 24 evaluations).
        callbacks.append(
            (
                "lr_plateau",
                LRScheduler(
                    policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                    monitor=monitor,
                    mode="min" if lower_is_better else "max",
                    factor=0.5,
                    patience=max(1, n_iter_no_change // 4),
                ),
            )
        )
    if verbose > 0:
        callbacks.append(("progress_bar", ProgressBar()))
    for i, cb in enumerate(user_callbacks or []):
        callbacks.append(cb if isinstance(cb, tuple) else (f"user_{i}", cb))
    return callbacks


def validation_split(early_stopping, validation_fraction, stratified, seed):
    """skorch ``train_split``: none unless early stopping needs a validation set."""
    if not early_stopping:
        return None
    return ValidSplit(validation_fraction, stratified=stratified, random_state=seed)
