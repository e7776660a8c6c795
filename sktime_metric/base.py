"""The one shared base of the neural estimators.

``BaseSequenceNet`` owns what every model shares: parameter validation, the data
contract, seeding, building and training a skorch net (``self.net_``, by
composition), device handling, early stopping, progress bar, the batched predict
loop and the estimator tags. A model adds its torch module through
``_module_and_params``. ``SequenceClassifierMixin`` adds labels: any scikit-learn
labels, strings included, encoded for the net and decoded through ``classes_``.
"""

import math
import threading
import warnings
from dataclasses import dataclass, fields
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Tags, check_random_state
from sklearn.utils.validation import check_is_fitted

from .utils._sklearn_compat import Interval, StrOptions
from .utils._skorch import (
    SequenceNet,
    SequenceNetClassifier,
    resolve_optimizer,
    training_callbacks,
    validation_split,
)
from .utils._scaling import channel_statistics, standardize_channels
from .utils._labels import check_class_labels
from .utils.validation import padded_float32, validate_sequences

__all__ = [
    "BaseSequenceNet",
    "SequenceClassifierMixin",
    "SequenceTags",
    "learning_baseline",
    "prior_cross_entropy",
    "steps_batch_size",
    "warn_if_not_learned",
]

# rows per batch at predict time: no gradients are kept, so larger batches are
# cheap. On CPU a recurrent kernel's cost grows with rows x longest series, and
# per row it is lower in batches of a few hundred than in one of thousands, so
# rows are sorted by length and cut into batches of this size (measured, ReLU
# RNN, 64 units: JapaneseVowels' 3,700 series 4x faster than in one batch, the
# spoken digits' 600 test series 2.7x) ...
_PREDICT_BATCH_SIZE = 256
# ... while other devices (not measured) keep larger batches: up to this many
# padded time steps each
_PREDICT_STEPS = 2**18
# Training seeds torch's global generator (fork_rng + manual_seed), which all
# threads of a process share: fits running at once in threads (joblib's
# "threading" backend, a dask worker with several threads) would draw from each
# other's streams and lose reproducibility. So one fit at a time per process;
# processes (loky, dask workers) still fit in parallel.
_FIT_LOCK = threading.RLock()


@dataclass(slots=True)
class SequenceTags(Tags):
    """scikit-learn tags plus tslearn's ``allow_variable_length`` capability."""

    allow_variable_length: bool = True


def prior_cross_entropy(y_codes):
    """Cross-entropy (nats) of predicting the class frequencies of ``y_codes``.

    What a classifier that ignores its input achieves. A loss counts as better
    only below ``(1 - 1e-3)`` times it (:func:`learning_baseline`): within that
    margin the difference is rounding.
    """
    counts = np.bincount(np.asarray(y_codes))
    prior = counts[counts > 0] / counts.sum()
    return float(-(prior * np.log(prior)).sum())


def learning_baseline(y_codes):
    """The training loss below which a classifier has learned something."""
    return prior_cross_entropy(y_codes) * (1 - 1e-3)


def warn_if_not_learned(estimator, y_codes, logits):
    """Warn (scikit-learn's ``ConvergenceWarning``) when a classifier did not learn.

    Two signs, either enough: the fitted model's cross-entropy on its own
    training series is no better than that of always predicting the training
    class frequencies (what a model that ignores its input achieves), or it
    predicts one class for every training series although ``y`` has several.
    Either way the user hears of it rather than being handed a one-class
    predictor. The loss is recomputed from the final model (eval mode, no
    penalty term), not read from the history, so regularisation, dropout and
    parameter averaging cannot mask or fake it.

    Parameters
    ----------
    estimator : object
        Named in the message.
    y_codes : ndarray of shape (n_samples,)
        Encoded training labels ``0 .. n_classes - 1``.
    logits : Tensor of shape (n_samples, n_classes)
        The fitted model's class scores (logits or log-probabilities) on its
        training series.
    """
    counts = np.bincount(y_codes, minlength=logits.shape[1])
    prior_loss = prior_cross_entropy(y_codes)
    baseline = learning_baseline(y_codes)
    loss = float(torch.nn.functional.cross_entropy(
        logits.double(), torch.as_tensor(y_codes, dtype=torch.int64)))
    predicted = logits.argmax(dim=1)
    name = type(estimator).__name__
    hint = (
        "Try more epochs (max_epochs), another learning rate (lr), or check that "
        "the series carry the class information."
    )
    if (counts > 0).sum() < 2:
        return
    if not loss < baseline:
        reason = (
            f"its training loss ({loss:.4f}) is no better than predicting the "
            f"class frequencies ({prior_loss:.4f})"
        )
    elif len(torch.unique(predicted)) == 1:
        reason = (
            f"it predicts one class for all {len(y_codes)} of its training series, "
            f"which have {int((counts > 0).sum())} classes"
        )
    else:
        return
    warnings.warn(f"{name} did not learn: {reason}. {hint}", ConvergenceWarning,
                  stacklevel=3)


# A training set smaller than this many batches of ``batch_size`` is cut into
# this many batches per epoch instead (see steps_batch_size).
_MIN_BATCHES_PER_EPOCH = 8


def steps_batch_size(batch_size, n_samples):
    """Rows per training step: ``batch_size``, smaller on small training sets.

    The epochs of a classifier are counted in passes over the data, so a
    training set of 36 series at ``batch_size=32`` gets 2 optimiser steps per
    epoch and 200 in a 100-epoch budget: measured, not enough for any of our
    classifiers to leave the uniform prediction on such UCR sets (ArrowHead:
    every one collapsed to one class). Rather than a step budget that would
    override ``max_epochs``, the batches shrink: a training set of fewer than
    ``8 * batch_size`` series is cut into 8 batches per epoch (InceptionTime's
    ``min(n / 10, 16)`` rule, Ismail Fawaz et al. 2020, has the same aim).
    Sets of ``8 * batch_size`` series and more train exactly as before.

    Parameters
    ----------
    batch_size : int
        The estimator's ``batch_size`` parameter: the largest batch.
    n_samples : int
        Training series.

    Returns
    -------
    int

    Examples
    --------
    >>> from sktime_metric.base import steps_batch_size
    >>> steps_batch_size(32, 36), steps_batch_size(32, 270), steps_batch_size(32, 3)
    (5, 32, 1)
    """
    return int(min(batch_size, max(1, math.ceil(n_samples / _MIN_BATCHES_PER_EPOCH))))


def _seed_from(random_state):
    """One integer seed from an sklearn ``random_state`` (None, int or RandomState)."""
    if isinstance(random_state, Integral):
        return int(random_state) % (2**31)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


class BaseSequenceNet(BaseEstimator):
    """Base class for estimators that train a torch module with skorch.

    Subclasses define ``__init__`` with explicit keyword parameters (at least the
    ones in ``_parameter_constraints`` below) and implement
    ``_module_and_params(n_features, n_outputs) -> (module_class, kwargs)``.
    """

    _parameter_constraints: dict = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions({"rmsprop", "adam", "adamw", "sgd"}), callable],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "grad_clip_value": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "callbacks": [list, None],
        "device": [str],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "standardize": ["boolean"],
    }

    # What early stopping watches: (skorch history key, lower is better).
    _early_stopping_monitor = ("valid_loss", True)
    _net_class = SequenceNet
    _criterion = torch.nn.MSELoss

    def _module_and_params(self, n_features, n_outputs):
        raise NotImplementedError

    def _fit_setup(self, X, lengths, y, seed):
        """``(X_fit, y_fit, overrides)``: what ``net.fit`` gets, and skorch params.

        By default the net trains on one row per sample. A model trained on
        something else (pairs of series drawn from labels, say) returns its own
        dataset, and skorch parameters (``train_split``, ``callbacks``,
        ``criterion__*``, ...) that replace the defaults built here.
        """
        return self._net_input(X, lengths), y, {}

    def _training_callbacks(self, *, scoring=(), lr_schedule=None, after=()):
        """The skorch callbacks this estimator's parameters ask for.

        Gradient clipping, early stopping on ``_early_stopping_monitor`` with
        learning-rate decay, the progress bar and the user's ``callbacks``;
        ``scoring`` callbacks run first, ``after`` ones after the built-in
        ones, and ``lr_schedule`` replaces the default decay (see
        :func:`~sktime_metric.utils._skorch.training_callbacks`).
        """
        monitor, lower_is_better = self._early_stopping_monitor
        return training_callbacks(
            grad_clip_value=self.grad_clip_value,
            early_stopping=self.early_stopping,
            n_iter_no_change=self.n_iter_no_change,
            monitor=monitor,
            lower_is_better=lower_is_better,
            verbose=self.verbose,
            user_callbacks=self.callbacks,
            scoring=scoring,
            lr_schedule=lr_schedule,
            after=after,
        )

    # -- data --------------------------------------------------------------

    def _check_labels(self, X, y, *, instead=None):
        """``y`` as checked 1-D class labels of the series ``X`` (any label type).

        See :func:`~sktime_metric.utils.check_class_labels`; ``instead``
        completes the error raised when ``y`` is None (e.g. how to fit without
        labels).
        """
        return check_class_labels(
            y, len(X), estimator=type(self).__name__, instead=instead
        )

    def _validate_X(self, X, *, reset):
        """Checked NaN-padded ``X`` and its lengths (``n_features_in_`` on reset).

        An estimator with a true ``standardize`` parameter also gets its
        channels standardised here, with the statistics of its training series
        (``mean_``, ``scale_``, fitted on reset): the one place every series
        passes, at fit and at predict time alike.
        """
        X, lengths = validate_sequences(self, X, reset=reset)
        if getattr(self, "standardize", False):
            if reset:
                self.mean_, self.scale_ = channel_statistics(X)
            X = standardize_channels(X, self.mean_, self.scale_)
        return X, lengths

    @staticmethod
    def _net_input(X, lengths):
        """The dict skorch slices per batch; its keys are the module's arguments."""
        return {"x": padded_float32(X, lengths), "lengths": lengths}

    # -- training ----------------------------------------------------------

    def _fit_net(self, X, lengths, y, n_outputs, batch_size=None):
        """Seed, build ``self.net_`` around the subclass's module, train it.

        ``batch_size``: rows per training step (None: the ``batch_size``
        parameter). Holds ``_FIT_LOCK``: one fit at a time per process (see
        its comment).
        """
        with _FIT_LOCK:
            return self._seed_build_train(X, lengths, y, n_outputs, batch_size)

    def _seed_build_train(self, X, lengths, y, n_outputs, batch_size=None):
        self._validate_params()
        seed = _seed_from(self.random_state)
        module, module_params = self._module_and_params(X.shape[2], n_outputs)
        optimizer, optimizer_params = resolve_optimizer(self.optimizer)
        X_fit, y_fit, overrides = self._fit_setup(X, lengths, y, seed)
        params = dict(
            module=module,
            criterion=self._criterion,
            optimizer=optimizer,
            lr=self.lr,
            optimizer__weight_decay=self.weight_decay,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size if batch_size is None else batch_size,
            iterator_train__shuffle=True,
            iterator_valid__batch_size=max(self.batch_size, _PREDICT_BATCH_SIZE),
            train_split=validation_split(
                self.early_stopping,
                self.validation_fraction,
                stratified=isinstance(self, ClassifierMixin),
                seed=seed,
                y=y_fit if isinstance(self, ClassifierMixin) else None,
            ),
            callbacks=self._training_callbacks(),
            device=self.device,
            verbose=int(self.verbose),
            **optimizer_params,
            # torch layers reject numpy scalars (np.int64 from a parameter grid)
            **{
                f"module__{k}": v.item() if isinstance(v, np.generic) else v
                for k, v in module_params.items()
            },
        )
        net = self._net_class(**{**params, **overrides})
        # fork_rng: seed weight init, shuffling and dropout from random_state
        # without touching the caller's global torch generator.
        devices = [torch.device(self.device)] if self.device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            net.fit(X_fit, y_fit)
        self.net_ = net
        return self

    @property
    def history_(self):
        """skorch's training history of the fitted net (losses per epoch, ...)."""
        check_is_fitted(self, "net_")
        return self.net_.history

    # -- prediction --------------------------------------------------------

    def _forward_outputs(self, X, lengths):
        """The module's outputs for all rows: a tuple of CPU tensors, in row order."""
        return self._forward_inputs(self._net_input(X, lengths), lengths)

    def _forward_inputs(self, inputs, lengths):
        """The module's outputs for ready inputs (``_net_input``'s dict of rows).

        The module runs in eval mode without gradients, directly on batches of
        rows moved to the device (skorch's ``forward_iter`` would re-stack the
        arrays one sample at a time through a DataLoader). Rows are sorted by
        length so that each batch, which the module cuts to its longest series,
        computes little padding; outputs are put back in row order. A module's
        output for a row must not depend on the other rows of its batch, and an
        output with a time axis must come back as wide as the input (TAGM pads
        its attention back), or the batches could not be concatenated.
        """
        module = self.net_.module_
        module.eval()
        device = self.net_.device
        order = np.argsort(lengths, kind="stable")
        if (np.diff(order) == 1).all():  # already sorted: no gather
            order = None
        else:
            inputs = {k: v[order] for k, v in inputs.items()}
        rows = max(self.batch_size, _PREDICT_BATCH_SIZE)
        if torch.device(device).type != "cpu":
            rows = max(rows, _PREDICT_STEPS // max(1, int(lengths.max())))
        parts = []
        for start in range(0, len(lengths), rows):
            batch = {
                k: torch.as_tensor(v[start : start + rows], device=device)
                for k, v in inputs.items()
            }
            with torch.no_grad():
                out = module(**batch)
            out = out if isinstance(out, tuple) else (out,)
            parts.append(tuple(o.detach().cpu() for o in out))
        outputs = tuple(p[0] if len(p) == 1 else torch.cat(p) for p in zip(*parts))
        if order is None:
            return outputs
        inverse = torch.from_numpy(np.argsort(order))
        return tuple(o[inverse] for o in outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # NaN is the padding of shorter series
        return SequenceTags(
            **{f.name: getattr(tags, f.name) for f in fields(tags)},
            allow_variable_length=True,
        )


class SequenceClassifierMixin(ClassifierMixin):
    """``fit``/``predict``/``predict_proba`` for classifiers on ``BaseSequenceNet``."""

    _early_stopping_monitor = ("valid_acc", False)
    _net_class = SequenceNetClassifier
    _criterion = torch.nn.CrossEntropyLoss

    def fit(self, X, y):
        """Fit the classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,)
            Class labels, any type scikit-learn accepts.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, lengths = self._validate_X(X, reset=True)
        y = self._check_labels(X, y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        y_encoded = encoder.transform(y).astype(np.int64)
        self._fit_net(X, lengths, y_encoded, n_outputs=len(self.classes_),
                      batch_size=steps_batch_size(self.batch_size, len(y)))
        warn_if_not_learned(self, y_encoded, self._forward_outputs(X, lengths)[0])
        return self

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``.
        """
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)
        logits = self._forward_outputs(X, lengths)[0]
        return torch.softmax(logits.double(), dim=1).numpy()

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels taken from ``classes_``.
        """
        check_is_fitted(self, "net_")
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
