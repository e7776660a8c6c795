"""NaiveLogisticClassifier: the HULM chapter's naive logistic baseline (NL)."""

from numbers import Real

import numpy as np
from sklearn.preprocessing import LabelEncoder

from .._fitted import reset_fitted_state
from ..base import (
    BaseSequenceNet,
    SequenceClassifierMixin,
    derive_seed,
    warn_if_not_learned,
)
from ..nn.naive_logistic import NaiveLogisticModule
from ..utils._sklearn_compat import Interval, StrOptions
from .._framing import resolve_framing
from ._chain_crf import CHAIN_CRF_CONSTRAINTS, chain_crf_net

__all__ = ["NaiveLogisticClassifier"]


class NaiveLogisticClassifier(SequenceClassifierMixin, BaseSequenceNet):
    """Naive logistic model: a softmax on the sum (or mean) of a series' steps.

    The baseline "NL" of the HULM chapter (thesis §2.4.2, Fig. 2.5): the energy
    ``E(x, y) = sum_t y^T W x_t + c^T y`` gives
    ``p(y | x) = softmax(W sum_t x_t + c)``, multinomial logistic regression
    on the pooled observations. It ignores the order of the steps; the chapter
    includes it to show what HULM's hidden units add. It is its own estimator,
    not :class:`HULMClassifier` without hidden units: HULM's observations reach
    the label only through its hidden units, so HULM with ``H = 0`` would be
    ``softmax(c)``; NL links the observations to the label directly. Trained
    like :class:`HULMClassifier` (same optimiser, schedule, averaging and
    stopping rule), so the table compares models, not training set-ups.

    Parameters
    ----------
    pooling : {"sum", "mean"}, default="mean"
        How the steps are pooled. "sum" is the chapter's model (its energy sums
        over ``t``; the text says "summing (or equivalently, averaging)",
        which holds for series of one length only): with variable lengths it
        scales a series' logits with its length, so a longer series gets a
        more confident prediction. "mean" divides by the length. "mean" is the
        default because it measured better: test error with the thesis's
        windows, 400 epochs (100 on the digits), ``bench_hulm``'s splits,
        sum against mean: Synthetic Control 17.3 / 14.3 % (seeds 1, 2:
        20.3 / 14.7, 17.7 / 15.7), JapaneseVowels 5.7 / 3.5 %, BasicMotions
        15.0 / 10.0 % (seeds 1, 2: 12.5 / 10.0), spoken digits 7.7 / 8.0 %.
        On equal lengths the two are the same family of models; the scale of
        the pooled input changes the optimisation (Adam's steps, the stopping
        rule), not what can be fitted.
    l2 : float, default=0.0
        L2 strength on ``W`` (not on ``c``), added to the mean negative
        log-likelihood of a batch, as HULM's ``l2``.
    window : int or "auto", default="auto"
        Concatenate ``window`` consecutive steps into one observation, as
        :class:`HULMClassifier` does (same "auto" rule): the chapter feeds all
        four models of Table 2.1 the same windowed features ("1x10", "13x3").
        Summed over a series, a window's ``j``-th frame is the sum of all steps
        but the first ``j`` and the last ``window - 1 - j``, so windows let NL
        see how a series starts and ends. On z-normalised univariate series
        (each sums to 0) that is all it sees: ``window=1`` leaves it at chance.
    stride : int or "auto", default=1
        Steps between the starts of two windows, as in :class:`HULMClassifier`.
    lr_schedule : {"plateau", "exponential"} or None, default="plateau"
        As for :class:`HULMClassifier`.
    average_from : float in (0, 1] or None, default=2/3
        Parameter averaging from that fraction of ``max_epochs`` on, as for
        :class:`HULMClassifier`.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance with the statistics
        of the training series (``mean_``, ``scale_``), at fit and at predict
        time; NaN padding stays padding.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the training loss, as for
        :class:`~sktime_metric.classification.RNNClassifier`.
    max_epochs : int, default=200
    lr : float, default=1e-2
    batch_size : int, default=16
    optimizer : {"adam", "sgd", "rmsprop", "adamw"} or torch optimizer class, \
            default="adam"
    weight_decay : float, default=0.0
    grad_clip_value : float or None, default=None
    early_stopping : bool, default=False
        As in :class:`HULMClassifier`: without it, stop once the training loss
        has not improved for ``n_iter_no_change`` epochs.
    validation_fraction : float, default=0.15
    n_iter_no_change : int, default=16
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling and the validation split (the weights start at
        zero: the log-likelihood is concave).

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics of the training series (only when ``standardize``).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    window_, stride_ : int
        The frames per observation (``window``, or what "auto" chose) and the
        steps between windows.
    coef_ : ndarray of shape (n_classes, window_ * n_features_in_)
        ``W``, on the (standardised, when ``standardize``) windows: column
        ``j * n_features_in_ + c`` weighs channel ``c`` of the window's
        ``j``-th frame.
    intercept_ : ndarray of shape (n_classes,)
        ``c``.
    net_ : skorch.NeuralNetClassifier
        ``net_.module_`` is the
        :class:`~sktime_metric.nn.naive_logistic.NaiveLogisticModule`.
    history_ : skorch.History

    See Also
    --------
    HULMClassifier : Hidden binary units per step between the observations and
        the label.

    References
    ----------
    .. [1] W. Pei, H. Dibeklioglu, D. M. J. Tax and L. van der Maaten,
       "Multivariate time-series classification using the hidden-unit logistic
       model", IEEE Trans. Neural Networks and Learning Systems 29(4), 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.classification import NaiveLogisticClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> clf = NaiveLogisticClassifier(window=3, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 3)
    >>> clf.coef_.shape  # (n_classes, window * n_channels)
    (3, 6)
    """

    _parameter_constraints: dict = {
        **{k: v for k, v in BaseSequenceNet._parameter_constraints.items()
           if k != "hidden_size"},
        "pooling": [StrOptions({"sum", "mean"})],
        "l2": [Interval(Real, 0, None, closed="left")],
        "window": CHAIN_CRF_CONSTRAINTS["window"],
        "stride": CHAIN_CRF_CONSTRAINTS["stride"],
        "lr_schedule": CHAIN_CRF_CONSTRAINTS["lr_schedule"],
        "average_from": CHAIN_CRF_CONSTRAINTS["average_from"],
    }

    def __init__(
        self,
        pooling="mean",
        *,
        l2=0.0,
        window="auto",
        stride=1,
        lr_schedule="plateau",
        average_from=2 / 3,
        standardize=True,
        class_weight=None,
        max_epochs=200,
        lr=1e-2,
        batch_size=16,
        optimizer="adam",
        weight_decay=0.0,
        grad_clip_value=None,
        early_stopping=False,
        validation_fraction=0.15,
        n_iter_no_change=16,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.pooling = pooling
        self.l2 = l2
        self.window = window
        self.stride = stride
        self.lr_schedule = lr_schedule
        self.average_from = average_from
        self.standardize = standardize
        self.class_weight = class_weight
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_value = grad_clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Fit by maximising the conditional log-likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,)
            Class labels, any type scikit-learn accepts.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each series in the training loss (the weighted mean of
            the per-series losses), multiplied by its class's ``class_weight``.
            With ``standardize``, it weighs the channel statistics
            (``mean_``, ``scale_``) too; ``class_weight`` does not.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        X, lengths = self._validate_X(X, reset=True, standardize=False)
        y = self._check_labels(X, y)
        encoder = LabelEncoder().fit(y)
        y_codes = encoder.transform(y).astype(np.int64)
        weights = self._training_weights(y, sample_weight)
        X = self._fit_standardize(X, sample_weight)  # weighted as the loss
        self.window_, self.stride_ = resolve_framing(self.window, self.stride,
                                                     X.shape[2], lengths)
        # seed
        seed = derive_seed(self.random_state)
        # build: the logits are W pool(x) + c, so cross-entropy is the negative
        # conditional log-likelihood; the module's penalty() adds l2
        net = chain_crf_net(
            self,
            NaiveLogisticModule,
            dict(
                n_features=X.shape[2],
                n_classes=len(encoder.classes_),
                window=self.window_,
                stride=self.stride_,
                pooling=self.pooling,
                l2=self.l2,
            ),
            y_codes, weights, seed, classes=encoder.classes_,
        )
        # train
        inputs = self._net_input(X, lengths)
        weighted = inputs if weights is None else {**inputs, "sample_weight": weights}
        self.net_ = self._train(net, weighted, y_codes, seed)
        # attributes
        self.classes_ = encoder.classes_
        linear = self.net_.module_.linear
        self.coef_ = linear.weight.detach().cpu().double().numpy()
        self.intercept_ = linear.bias.detach().cpu().double().numpy()
        warn_if_not_learned(self, y_codes, self._predict_batches(inputs, lengths)[0])
        return self
