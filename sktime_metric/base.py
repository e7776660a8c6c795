"""The toolbox of the neural estimators, and the checks that a classifier learned.

``BaseSequenceNet`` holds what every model's ``fit`` calls, in order: input and
label checks, the shared parameters' constraints, building a skorch net
(``self.net_``, by composition), training it seeded and one fit at a time, and
the one batched predict loop; plus the estimator tags. It is not a template:
each estimator writes its own ``fit`` out, validate -> seed -> build -> train ->
attributes, in its own file. :func:`derive_seed` is the one seed derivation;
:func:`warn_if_not_learned` and :func:`steps_batch_size` are what the
classifiers share about learning from small or hard data, and
:func:`warn_if_metric_not_learned` and :func:`warn_if_regressor_not_learned`
the metric learners' and the regressors' checks. Each of those concepts is
written out in a module of its own, re-exported here: seeding in
``_seeding.py``, the predict loop in ``_predicting.py``, the learning checks
in ``_learning.py`` (the regressors' in ``_regressor_learning.py``), the
reset of the fitted state every ``fit`` starts with
(:func:`reset_fitted_state`) in ``_fitted.py``, and the check of the
``device`` parameter in ``_device.py``.
"""

from dataclasses import dataclass, fields
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from ._device import _cpu_default_device, check_device
from ._fitted import reset_fitted_state
from ._framing import warn_if_shorter_than_window
from ._learning import (
    learning_baseline,
    prior_cross_entropy,
    steps_batch_size,
    warn_if_metric_not_learned,
    warn_if_not_learned,
)
from ._predicting import _PREDICT_BATCH_SIZE, predict_batches
from ._regressor_learning import warn_if_regressor_not_learned
from ._seeding import _FIT_LOCK, _float32_default, _seeded_generators, derive_seed
from .utils._labels import (
    check_class_labels,
    check_class_weights,
    check_sample_weight,
)
from .utils._scaling import fit_standardize, unit_exponent, validate_and_standardize
from .utils._sklearn_compat import (
    Interval,
    InvalidParameterError,
    StrOptions,
)
from .utils._skorch import resolve_optimizer, training_callbacks
from .utils._subnormal import flush_subnormals
from .utils.validation import padded_float32

__all__ = [
    "BaseSequenceNet",
    "SequenceClassifierMixin",
    "SequenceTags",
    "derive_seed",
    "learning_baseline",
    "prior_cross_entropy",
    "reset_fitted_state",
    "steps_batch_size",
    "warn_if_metric_not_learned",
    "warn_if_not_learned",
    "warn_if_regressor_not_learned",
]


@dataclass(slots=True)
class SequenceTags(Tags):
    """scikit-learn tags plus tslearn's ``allow_variable_length`` capability.

    Examples
    --------
    >>> from sktime_metric.classification import TAGMClassifier
    >>> tags = TAGMClassifier().__sklearn_tags__()
    >>> tags.allow_variable_length, tags.input_tags.allow_nan  # NaN padding
    (True, True)
    """

    allow_variable_length: bool = True


def _plain(value):
    """A numpy scalar (as from a parameter grid) as a Python one: torch layers
    reject ``np.int64`` sizes, and torch's DataLoader an ``np.int64`` batch
    size."""
    return value.item() if isinstance(value, np.generic) else value


class BaseSequenceNet(BaseEstimator):
    """Toolbox of the neural estimators: what every ``fit`` calls, in order.

    Not a template: each estimator writes its ``fit`` out in its own file,
    top to bottom, and calls these helpers where it needs them. A classifier's
    (``RNNClassifier.fit`` in ``classification/_rnn.py`` is the worked example)::

        # validate
        self._validate_params()
        reset_fitted_state(self)        # no attribute of an earlier fit is left
        X, lengths = self._validate_X(X, reset=True, standardize=False)  # NaN-padded
        y = self._check_labels(X, y)
        encoder = LabelEncoder().fit(y)
        y_codes = encoder.transform(y).astype(np.int64)  # the net trains on codes
        weights = self._training_weights(y, sample_weight)   # class_weight too
        X = self._fit_standardize(X, sample_weight)  # statistics weighted as the loss
        # seed
        seed = derive_seed(self.random_state)
        # build
        net = self._make_net(
            SequenceNetClassifier, Module, {...module kwargs...},
            criterion=..., batch_size=steps_batch_size(self.batch_size, len(y)),
            train_split=validation_split(self.early_stopping, ..., y=y_codes),
            callbacks=self._training_callbacks(..., baseline=learning_baseline(y_codes)))
        # train
        self.net_ = self._train(net, {**self._net_input(X, lengths),
                                      "sample_weight": weights}, y_codes, seed)
        # attributes
        self.classes_ = encoder.classes_
        warn_if_not_learned(self, y_codes, self._predict_batches(...)[0])

    and at predict time :meth:`_predict_batches`. The shared parameters
    (optimiser, learning rate, epochs, batch size, device, verbosity, seeding,
    standardising) are validated by ``_parameter_constraints`` below, which an
    estimator extends with its own; the helpers read them from ``self``
    (``_make_net``: ``optimizer``, ``lr``, ``weight_decay``, ``batch_size``,
    ``device``, ``verbose``, ``max_epochs``; ``_training_callbacks``:
    ``early_stopping``, ``n_iter_no_change``, ``tol``, ``grad_clip_value``,
    ``callbacks``, ``verbose``, ``max_epochs``; ``_validate_X``:
    ``standardize``; ``_training_weights``: ``class_weight``). The chain CRFs
    (HULM, HCRF, naive logistic) build their net with
    ``classification._chain_crf.chain_crf_net``, which adds their
    training-loss stop rules to the same helpers.

    Examples
    --------
    A whole estimator written with the toolbox: a linear classifier of the
    mean of each series' valid steps. Its module would go in ``nn/``.

    >>> import numpy as np, torch
    >>> from sklearn.preprocessing import LabelEncoder
    >>> from sktime_metric.base import (BaseSequenceNet, SequenceClassifierMixin,
    ...                                 derive_seed, reset_fitted_state)
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.utils._skorch import SequenceNetClassifier
    >>> class MeanPool(torch.nn.Module):
    ...     def __init__(self, n_features, n_classes):
    ...         super().__init__()
    ...         self.linear = torch.nn.Linear(n_features, n_classes)
    ...     def forward(self, x, lengths):  # _net_input's keys
    ...         mean = x.sum(1) / lengths[:, None]  # the padding is zeros here
    ...         return self.linear(mean)  # class scores, as the mixin reads them
    >>> class MeanPoolClassifier(SequenceClassifierMixin, BaseSequenceNet):
    ...     def __init__(self, max_epochs=50, lr=0.05, batch_size=32,
    ...                  optimizer="adam", weight_decay=0.0, grad_clip_value=None,
    ...                  early_stopping=False, n_iter_no_change=10, tol=None,
    ...                  callbacks=None, device="cpu", verbose=0,
    ...                  random_state=None, standardize=True):
    ...         # each parameter stored as given, as scikit-learn requires
    ...         self.max_epochs, self.lr, self.batch_size = max_epochs, lr, batch_size
    ...         self.optimizer, self.weight_decay = optimizer, weight_decay
    ...         self.grad_clip_value = grad_clip_value
    ...         self.early_stopping = early_stopping
    ...         self.n_iter_no_change, self.tol = n_iter_no_change, tol
    ...         self.callbacks, self.device, self.verbose = callbacks, device, verbose
    ...         self.random_state, self.standardize = random_state, standardize
    ...     def fit(self, X, y):
    ...         # validate
    ...         self._validate_params()
    ...         reset_fitted_state(self)  # forget any earlier fit
    ...         X, lengths = self._validate_X(X, reset=True)
    ...         y = self._check_labels(X, y)
    ...         encoder = LabelEncoder().fit(y)
    ...         # seed
    ...         seed = derive_seed(self.random_state)
    ...         # build
    ...         net = self._make_net(
    ...             SequenceNetClassifier, MeanPool,
    ...             dict(n_features=X.shape[2], n_classes=len(encoder.classes_)),
    ...             criterion=torch.nn.CrossEntropyLoss,
    ...             callbacks=self._training_callbacks("train_loss", True))
    ...         # train
    ...         y_codes = encoder.transform(y).astype(np.int64)
    ...         self.net_ = self._train(net, self._net_input(X, lengths),
    ...                                 y_codes, seed)
    ...         # attributes
    ...         self.classes_ = encoder.classes_
    ...         return self
    >>> X, y = make_sequence_classification(n_samples=60, random_state=0)
    >>> clf = MeanPoolClassifier(random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape, clf.classes_
    ((2, 3), array([0, 1, 2]))
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
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "callbacks": [list, None],
        "device": [str, torch.device, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "standardize": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    # -- validate ------------------------------------------------------------

    def _validate_params(self):
        """scikit-learn's check of ``_parameter_constraints``, and of ``device``.

        Any string or :class:`torch.device` passes the constraint;
        ``check_device`` then decides whether it names a device usable here,
        at the top of ``fit``
        instead of deep in training with an error that does not say which
        parameter.
        """
        super()._validate_params()
        try:
            check_device(self.device)
        except ValueError as error:
            raise InvalidParameterError(
                f"The 'device' parameter of {type(self).__name__}: {error}"
            ) from None

    def _validate_X(self, X, *, reset, name="X", standardize=True):
        """Checked NaN-padded ``X`` and its lengths (``n_features_in_`` on reset).

        An estimator with a true ``standardize`` parameter also gets its
        channels standardised here, with the statistics of its training series
        (``mean_``, ``scale_``, fitted on reset): the one place every series
        passes, at fit and at predict time alike. ``name``: the argument's
        name in the messages (``"X_support"``, ...). ``standardize=False``:
        checked only, for a ``fit`` that takes ``sample_weight`` and
        standardises with :meth:`_fit_standardize` once the weights are
        checked.
        """
        return validate_and_standardize(self, X, reset=reset, name=name,
                                        standardize=standardize)

    def _fit_standardize(self, X, sample_weight):
        """Checked training series ``X`` standardised (when ``standardize``)
        with their statistics weighted by ``sample_weight``, as the loss
        weighs the series (:func:`~sktime_metric.utils.channel_statistics`;
        ``class_weight`` is the loss's alone). Call it after
        :meth:`_training_weights`, which names a bad weight.
        """
        return fit_standardize(self, X, sample_weight)

    def _check_labels(self, X, y, *, instead=None, names=("X", "y")):
        """``y`` as checked 1-D class labels of the series ``X`` (any label type).

        See :func:`~sktime_metric.utils.check_class_labels`; ``instead``
        completes the error raised when ``y`` is None (e.g. how to fit without
        labels); ``names``: the arguments' names in the messages.
        """
        return check_class_labels(
            y, len(X), estimator=type(self).__name__, instead=instead, names=names
        )

    def _training_weights(self, y, sample_weight):
        """Per-series weights of the training loss, or None for the plain mean.

        ``sample_weight`` (checked: one non-negative weight per series) times
        the ``class_weight`` of each series' class ("balanced": ``n_samples /
        (n_classes * count)``, scikit-learn's rule). The net's loss is then
        the weighted mean ``sum(w l) / sum(w)`` over each batch.
        """
        class_weight = getattr(self, "class_weight", None)
        if sample_weight is None and class_weight is None:
            return None
        weight = check_sample_weight(sample_weight, len(y))
        if class_weight is not None:
            classes, codes = np.unique(y, return_inverse=True)
            weight = weight * check_class_weights(class_weight, classes, y)[codes]
        if not weight.sum() > 0:
            raise ValueError(
                "The training weights (sample_weight times class_weight) sum to 0: "
                "at least one series needs a positive weight."
            )
        exponent = unit_exponent(weight)
        if abs(exponent) > 60:
            # the loss, sum(w l) / sum(w) in float32, is the same on any scale
            # of the weights, but 1e300 is inf in float32 (a NaN loss, read
            # as divergence) and 1e-320 is 0 (no batch learns): rescaled by a
            # power of two, exact, to a largest weight in [0.5, 1)
            weight = np.ldexp(weight, -exponent)
        return weight.astype(np.float32)

    @staticmethod
    def _net_input(X, lengths, name="X"):
        """The dict skorch slices per batch; its keys are the module's arguments.

        ``name``: what a value beyond float32 is said to be in ("X_support", ...).
        """
        return {"x": padded_float32(X, lengths, name=name), "lengths": lengths}

    # -- build ---------------------------------------------------------------

    def _training_callbacks(self, monitor, lower_is_better, *, scoring=(),
                            lr_schedule=None, after=(), baseline=None,
                            early_stopping=None):
        """The skorch callbacks this estimator's shared parameters ask for.

        Gradient clipping (``grad_clip_value``), early stopping on ``monitor``
        with learning-rate decay (without it, for an estimator with a ``tol``,
        the stop once the training loss converged below ``baseline``), the
        progress bar and the user's ``callbacks``; ``scoring`` callbacks run
        first, ``after`` ones after the built-in ones, and ``lr_schedule``
        replaces the default decay (see
        :func:`~sktime_metric.utils._skorch.training_callbacks`);
        ``early_stopping`` replaces the parameter's value when the estimator
        resolves it (``"auto"``).
        """
        return training_callbacks(
            grad_clip_value=self.grad_clip_value,
            early_stopping=(self.early_stopping if early_stopping is None
                            else early_stopping),
            n_iter_no_change=self.n_iter_no_change,
            monitor=monitor,
            lower_is_better=lower_is_better,
            verbose=self.verbose,
            user_callbacks=self.callbacks,
            scoring=scoring,
            lr_schedule=lr_schedule,
            after=after,
            tol=getattr(self, "tol", None),
            baseline=baseline,
            max_epochs=self.max_epochs,
        )

    def _make_net(self, net_class, module, module_params, *, criterion, callbacks,
                  train_split=None, **params):
        """A skorch net around ``module``, set up from the shared parameters.

        ``optimizer`` (resolved to a class and its defaults), ``lr``,
        ``weight_decay``, ``max_epochs``, ``batch_size``, ``device`` and
        ``verbose`` come from the estimator; ``module_params`` are the module's
        keyword arguments; ``params`` are further skorch parameters and
        override the shared ones (e.g. ``batch_size``, ``lr``, ``max_epochs``,
        ``iterator_train``, ``criterion__margin``). The module is built, and
        its weights drawn, only when :meth:`_train` fits the net.
        """
        optimizer, optimizer_params = resolve_optimizer(self.optimizer)
        shared = dict(
            optimizer=optimizer,
            lr=self.lr,
            optimizer__weight_decay=self.weight_decay,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train__shuffle=True,
            iterator_valid__batch_size=max(self.batch_size, _PREDICT_BATCH_SIZE),
            device=check_device(self.device),  # a str, whatever the user gave
            verbose=int(self.verbose),
            **optimizer_params,
        )
        return net_class(
            module=module,
            criterion=criterion,
            train_split=train_split,
            callbacks=callbacks,
            **{k: _plain(v) for k, v in {**shared, **params}.items()},
            **{f"module__{k}": _plain(v) for k, v in module_params.items()},
        )

    # -- train ---------------------------------------------------------------

    @staticmethod
    def _train(net, X, y, seed):
        """Fit ``net`` on ``(X, y)`` seeded with ``seed``; returns the net.

        Weight initialisation, shuffling and dropout draw from torch's global
        generators, seeded here inside ``fork_rng`` (the CPU's and the net's
        device's), so the caller's random state is left as it was. Holds
        ``_FIT_LOCK``: one training at a time per process (see its comment in
        ``_seeding.py``). Subnormal floats flush to zero on this thread while
        it trains (they made HULM's fit on FaceAll 1.8x slower; see
        :mod:`~sktime_metric.utils._subnormal`), and the module is built and
        trained in float32 whatever torch's default dtype (``_float32_default``),
        and on ``net.device`` whatever torch's default device
        (``_cpu_default_device``).
        """
        with (_FIT_LOCK, _cpu_default_device(), flush_subnormals(),
              _float32_default(), _seeded_generators(net.device, seed)):
            net.fit(X, y)
        return net

    @property
    def history_(self):
        """skorch's training history of the fitted net (losses per epoch, ...)."""
        check_is_fitted(self, "net_")
        return self.net_.history

    # -- predict -------------------------------------------------------------

    def _predict_batches(self, inputs, lengths, forward=None, finite=True,
                         name="X"):
        """``forward(module, **batch)`` on all rows: a tuple of CPU tensors.

        The one predict loop, :func:`~sktime_metric._predicting.predict_batches`,
        on the fitted net, with batches of at least ``batch_size`` rows.
        ``inputs``: a dict of row-aligned arrays (by default
        :meth:`_net_input`'s); ``forward`` defaults to the module's own;
        ``finite=False`` lets a non-finite output through; ``name``: what its
        error calls the argument the rows came in ("X", "X_support", "Y", ...).
        """
        return predict_batches(self.net_, inputs, lengths, batch_size=self.batch_size,
                               forward=forward, finite=finite, name=name)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # NaN is the padding of shorter series
        return SequenceTags(
            **{f.name: getattr(tags, f.name) for f in fields(tags)},
            allow_variable_length=True,
        )


class SequenceClassifierMixin(ClassifierMixin):
    """``predict_proba``, ``predict_log_proba`` and ``predict`` from class scores.

    The outputs of a sequence classifier, as ``PairMetricMixin`` gives a metric
    learner its outputs: no part of ``fit``, which each classifier writes out.
    The module's first output, for each series, is a row of class scores
    (logits, or log-probabilities, or ``log M_k``) in the order of
    ``classes_``. A classifier that reads frames of ``window_`` steps warns of
    the series shorter than a frame (once per call).

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.classification import RNNClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=40, random_state=0)
    >>> gru = RNNClassifier(hidden_size=8, lr=0.03, max_epochs=10, tol=None,
    ...                     random_state=0).fit(X, y)
    >>> proba = gru.predict_proba(X[:3])  # one row per series, in classes_ order
    >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
    ((3, 3), True)
    >>> bool((gru.predict(X[:3]) == gru.classes_[proba.argmax(axis=1)]).all())
    True
    """

    def predict_proba(self, X):
        """Class probabilities: the softmax of the module's class scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``; computed in float64, so each row
            sums to 1 to double precision.
        """
        return torch.softmax(self._class_scores(X), dim=1).numpy()

    def predict_log_proba(self, X):
        """Log of the class probabilities: the log-softmax of the class scores.

        Computed from the scores, not as ``log(predict_proba(X))``, so a class
        far less likely than the best gets its finite log-probability, not
        the ``-inf`` of a probability that underflowed to 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``, in float64.
        """
        return torch.log_softmax(self._class_scores(X), dim=1).numpy()

    def _class_scores(self, X):
        """The module's class scores of each series of ``X``, in float64."""
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)
        # a classifier that reads frames of window_ steps (1: single steps)
        warn_if_shorter_than_window(lengths, getattr(self, "window_", 1))
        return self._predict_batches(self._net_input(X, lengths), lengths)[0].double()

    def predict(self, X):
        """The most probable class of each series, a label from ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
