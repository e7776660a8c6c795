"""RVSMLMetric: regressive virtual sequence metric learning (the CGRU chapter's baseline)."""

from dataclasses import fields
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import SequenceTags, warn_if_metric_not_learned
from ..utils._labels import check_class_labels
from ..utils._dtw import cdist_dtw_padded, dtw_distance
from ..utils._scaling import extreme_scale, unit_exponent, validate_and_standardize
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._warnings import warn
from ..utils.validation import sequence_lengths
from ._mixin import PairMetricMixin
from ._rvsml_math import (
    dtw_alignment,
    initial_alignment,
    objective,
    opw_alignment,
    opw_distance,
    opw_distance_matrix,
    opw_paired_distances,
    ridge_projection,
    virtual_sequences,
)
from ._training_distances import TrainingDistancesMixin

__all__ = ["RVSMLMetric"]


class RVSMLMetric(PairMetricMixin, TrainingDistancesMixin, BaseEstimator):
    """RVSML: a linear ground metric learned by regressing series onto virtual sequences.

    Su and Wu's regressive virtual sequence metric learning [1]_, the baseline
    of the coupled-GRU chapter's Table 4.2 (thesis). Each class ``c`` gets a
    *virtual sequence* of ``n_elements`` one-hot vectors, orthogonal to every
    other class's; a linear map ``L`` of the frames is learned so that every
    training series, aligned (DTW or OPW) to its class's virtual sequence,
    lands on it::

        min_L  sum_i sum_{t,k} T_i(t,k) |L^T x_{i,t} - v_{c_i,k}|^2 + lam |L|^2,

    alternating the alignments ``T_i`` (``L`` fixed) and ``L`` (alignments
    fixed: a ridge regression in closed form), starting from the linear
    alignment of frames to elements. The learned distance of two series is the
    DTW (or OPW) distance of their projections ``X L``: a sequence distance
    whose ground metric is the Mahalanobis distance ``L L^T``.

    A series has no fixed-length embedding: :meth:`transform` returns the
    distances to the training series (``X_fit_``), so ``make_pipeline(
    RVSMLMetric(), KNeighborsClassifier(1, metric="precomputed"))`` is the
    1-NN classifier on the learned distance, one estimator for
    ``GridSearchCV`` and ``cross_val_score``.

    Parameters
    ----------
    alignment : {"dtw", "opw"}, default="dtw"
        How a series is aligned, in training and in the learned distance:
        dynamic time warping (tslearn's, squared Euclidean costs), or the
        order-preserving Wasserstein distance (Su and Hua [2]_; entropic
        transport with a prior that favours the diagonal, the authors'
        ``lambda1 = 50``, ``lambda2 = 0.1``, ``sigma = 1``).
    n_elements : int, default=4
        Elements of each class's virtual sequence; the projection has
        ``n_classes * n_elements`` dimensions.
    regularization : float, default=0.01
        ``lam``, the ridge penalty on ``L`` (in units of the standardised
        frames' squares).
    max_iter : int, default=20
        Alternations of alignments and ridge steps.
    tol : float, default=1e-6
        Training stops when the objective falls by less than this fraction.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance with the statistics
        of the training series (``mean_``, ``scale_``). Without it, training
        series past about 1e154 are refused: the ridge step's sums of squared
        frames overflow float64.
    n_jobs : int or None, default=None
        Threads computing a DTW distance matrix (tslearn's ``cdist_dtw``, or
        rows of tslearn's ``dtw`` when there is padding); the distances do
        not depend on it.

    Attributes
    ----------
    components_ : ndarray of shape (n_features_in_, n_classes * n_elements)
        ``L``: a frame ``x`` maps to ``x @ components_`` (after
        standardising).
    virtual_sequences_ : ndarray of shape (n_classes, n_elements, n_classes * n_elements)
    classes_ : ndarray of shape (n_classes,)
    objective_ : list of float
        The objective after each ridge step (non-increasing for DTW, whose
        alignment step minimises the same sum).
    n_iter_ : int
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics (only when ``standardize``).
    n_features_in_ : int
    X_fit_ : ndarray of shape (n_train, n_timestamps, n_channels)
        The training series, the columns of :meth:`transform` (as given, NaN
        padded: not standardised, not projected).

    See Also
    --------
    CoupledGRUMetric : The model RVSML was the baseline of.
    KISSMETransformer : Another closed-form Mahalanobis learner, on vectors.

    Notes
    -----
    Readings where the paper leaves a choice: the first alignment is the
    linear one (frame ``t`` of ``N`` to element ``floor(t K / N)``); DTW
    alignments are 0/1 warping paths, so a series weighs as many frames as
    its path has cells, while an OPW plan has total mass 1; OPW costs are
    divided by their largest entry inside the transport problem, as the
    authors' code does, and the distance is ``<T, D>`` on the raw costs.

    Pair distances cost one DTW (or one Sinkhorn run) per pair, ``O(N M
    n_classes n_elements)``; prefer DTW on large collections.

    References
    ----------
    .. [1] B. Su and Y. Wu, "Learning distance for sequences by learning a
       ground metric", ICML 2019.
    .. [2] B. Su and G. Hua, "Order-preserving Wasserstein distance for
       sequence matching", CVPR 2017.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import RVSMLMetric
    >>> X, y = make_sequence_classification(n_samples=40, random_state=0)
    >>> metric = RVSMLMetric().fit(X[:30], y[:30])
    >>> metric.components_.shape  # 2 channels -> 3 classes x 4 elements
    (2, 12)
    >>> knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed")
    >>> knn = knn.fit(metric.pairwise_distances(X[:30]), y[:30])
    >>> knn.predict(metric.pairwise_distances(X[30:], X[:30])).shape
    (10,)

    The same 1-NN as one estimator, a pipeline (``transform`` gives the
    distances to the training series), for ``GridSearchCV`` and
    ``cross_val_score``:

    >>> from sklearn.pipeline import make_pipeline
    >>> pipe = make_pipeline(RVSMLMetric(),
    ...                      KNeighborsClassifier(1, metric="precomputed"))
    >>> pipe.fit(X[:30], y[:30]).predict(X[30:]).shape
    (10,)
    >>> pipe[0].transform(X[30:]).shape  # one column per training series
    (10, 30)
    """

    _parameter_constraints: dict = {
        "alignment": [StrOptions({"dtw", "opw"})],
        "n_elements": [Interval(Integral, 1, None, closed="left")],
        "regularization": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean"],
        # joblib's: None or a non-zero int (checked here, not after training)
        "n_jobs": [Interval(Integral, None, -1, closed="right"),
                   Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, alignment="dtw", *, n_elements=4, regularization=0.01,
                 max_iter=20, tol=1e-6, standardize=True, n_jobs=None):
        self.alignment = alignment
        self.n_elements = n_elements
        self.regularization = regularization
        self.max_iter = max_iter
        self.tol = tol
        self.standardize = standardize
        self.n_jobs = n_jobs

    def _align(self, Z, V):
        if self.alignment == "dtw":
            return dtw_alignment(Z, V)
        D = ((Z[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)
        return opw_alignment(D)

    def fit(self, X, y):
        """Alternate alignments and ridge steps until the objective settles.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        X_given = X  # the learning check reads the series as given
        # the checked series as given are the columns of transform (X_fit_)
        X, lengths, X_fit = validate_and_standardize(self, X, reset=True,
                                                     return_given=True)
        y = check_class_labels(y, len(X), estimator=type(self).__name__)
        encoder = LabelEncoder().fit(y)
        codes = encoder.transform(y)
        # build: one virtual sequence per class, the series as plain arrays
        V = virtual_sequences(len(encoder.classes_), int(self.n_elements))
        series = [x[:n].astype(np.float64) for x, n in zip(X, lengths)]
        targets = [V[c] for c in codes]
        alignments = [initial_alignment(n, self.n_elements) for n in lengths]
        # train: ridge step, then realign, until the objective stops falling
        self.objective_ = []
        for _ in range(int(self.max_iter)):
            with np.errstate(over="ignore", invalid="ignore"):  # named below
                L = ridge_projection(series, targets, alignments,
                                     self.regularization)
            if not np.isfinite(L).all():
                # the normal equations' sums of squared frames overflowed
                # (values past ~1e154): the solver returns NaN, which the
                # alignments and later the distances then failed on with
                # messages about another cause
                peak = max(np.abs(x).max() for x in series)
                raise ValueError(
                    "RVSMLMetric's training produced a non-finite projection "
                    "(components_): the training series' values (largest "
                    f"|value| {peak:.3g}) are too large for its ridge solver, "
                    "whose sums of squared frames overflow float64. Standardise "
                    "the channels (standardize=True) or rescale the series.")
            self.objective_.append(objective(series, targets, alignments, L,
                                             self.regularization))
            previous = self.objective_[-2] if len(self.objective_) > 1 else None
            if previous is not None and previous - self.objective_[-1] <= (
                    self.tol * abs(previous)):
                break
            alignments = [self._align(x @ L, v) for x, v in zip(series, targets)]
        else:
            warn(
                f"RVSMLMetric did not converge in max_iter={self.max_iter} "
                "alternations (the objective still fell by more than tol); "
                "increase max_iter.", ConvergenceWarning)
        # attributes
        self.components_ = L
        self.virtual_sequences_ = V
        self.classes_ = encoder.classes_
        self.n_iter_ = len(self.objective_)
        self.X_fit_ = np.array(X_fit)  # a copy: the caller may change X later
        # a distance fitted from labels says when it does not tell them apart,
        # as the other metric learners' do (leave-one-out 1-NN on <= 100 series)
        warn_if_metric_not_learned(self, X_given, codes)
        return self

    def project(self, X):
        """Each series' frames mapped by the learned ``L``, NaN padding kept.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        Z : ndarray of shape (n_samples, n_timestamps, n_classes * n_elements)
        """
        return self._project(X, "X")

    def _project(self, X, name):
        """:meth:`project`, its messages calling ``X`` ``name`` ("Y", ...)."""
        check_is_fitted(self, "components_")
        X, lengths = validate_and_standardize(self, X, reset=False, name=name)
        with np.errstate(over="ignore", invalid="ignore"):  # named below
            Z = X @ self.components_  # padding rows stay NaN
        # finite frames whose projection overflows (standardised values near
        # float64's ends): named, not returned as inf or NaN
        first = _first_beyond(Z, np.arange(Z.shape[1]) < lengths[:, None], np.inf)
        if first is not None:
            i, t, k = first
            raise ValueError(
                f"{name}'s sample {i} at time step {t} projects beyond float64's "
                f"range (channel {k} of the learned projection): the series is "
                "on another scale than the training series were; rescale it.")
        return Z

    # -- the learned distance: DTW / OPW between projections -------------------

    def _metric_inputs(self, X, name="X"):
        Z = self._project(X, name)
        # every distance computes exactly on any scale (_scaled_distance),
        # but the distance itself is beyond float64 past these bounds. DTW's,
        # sqrt of a sum of (N + M - 1) squared frame differences at most, each
        # below d' (2 |z|)^2: finite up to |z| = max / 2**24 unless d' (N + M
        # - 1) > 2**46. OPW's, a mean of squared differences (the plan's mass
        # is 1): finite up to sqrt(max / (4 d')).
        largest = np.finfo(np.float64).max
        bound = (largest / 2**24 if self.alignment == "dtw"
                 else np.sqrt(largest / (4 * Z.shape[2])))
        first = _first_beyond(Z, ~np.isnan(Z[:, :, 0]), bound)
        if first is not None:
            i, t, k = first
            raise ValueError(
                f"{name}'s sample {i} projects to {Z[i, t, k]:.3g} at time step "
                f"{t}, channel {k} of the learned projection: its "
                f"{self.alignment} distances can exceed float64's range past "
                f"|value| {bound:.3g}; the series is on another scale than the "
                "training series were; rescale it.")
        return Z

    def _distance(self, a, b):
        """DTW or OPW of two unpadded projected series."""
        if self.alignment == "dtw":
            return dtw_distance(a, b)
        return opw_distance(a, b)

    def _scaled_distance(self, a, b):
        """:meth:`_distance` of a pair computed on ``a`` and ``b`` times a power
        of two that brings their largest ``|value|`` into [0.5, 1).

        The squared frame differences of series past ~1e154 overflow float64
        (DTW returned inf, OPW NaN), and those of series below ~1e-154
        underflow. DTW's path and OPW's plan (on costs divided by their
        largest) are the same on the scaled series, each operation exact:
        the distance is the scaled one times 2**e for DTW (the root of squared
        costs) and 2**(2 e) for OPW (squared costs), the same number as
        unscaled wherever that does not over- or underflow.
        """
        exponent = max(unit_exponent(a), unit_exponent(b))
        distance = self._distance(np.ldexp(a, -exponent), np.ldexp(b, -exponent))
        power = 1 if self.alignment == "dtw" else 2
        return float(np.ldexp(distance, power * exponent))

    def _paired_distances(self, A, B):
        la, lb = sequence_lengths(A), sequence_lengths(B)
        A, B = [a[:m] for a, m in zip(A, la)], [b[:n] for b, n in zip(B, lb)]
        extreme = _extreme_scale(A) | _extreme_scale(B)
        if extreme.any():  # those pairs scaled, one by one (rare)
            out = np.empty(len(A))
            out[extreme] = [self._scaled_distance(A[p], B[p])
                            for p in np.flatnonzero(extreme)]
            kept = np.flatnonzero(~extreme)
            if kept.size:
                out[kept] = self._paired_distances_unscaled(
                    [A[p] for p in kept], [B[p] for p in kept])
            return out
        return self._paired_distances_unscaled(A, B)

    def _paired_distances_unscaled(self, A, B):
        if self.alignment == "opw":  # the pairs of equal lengths at once
            return opw_paired_distances(A, B)
        return np.array([self._distance(a, b) for a, b in zip(A, B)])

    def _pairwise_block(self, A, B):
        la, lb = sequence_lengths(A), sequence_lengths(B)
        rows = _extreme_scale([a[:m] for a, m in zip(A, la)])
        cols = _extreme_scale([b[:n] for b, n in zip(B, lb)])
        if not (rows.any() or cols.any()):
            return self._pairwise_block_unscaled(A, B)
        # the pairs with a series on an extreme scale scaled, one by one
        # (rare); the others as usual
        out = np.empty((len(A), len(B)))
        if (~rows).any() and (~cols).any():
            out[np.ix_(~rows, ~cols)] = self._pairwise_block_unscaled(
                A[~rows], B[~cols])
        for i, j in zip(*np.nonzero(rows[:, None] | cols[None, :])):
            out[i, j] = self._scaled_distance(A[i, :la[i]], B[j, :lb[j]])
        return out

    def _pairwise_block_unscaled(self, A, B):
        if self.alignment == "dtw":
            # pairwise_distances(X)'s tiles on the diagonal: DTW is symmetric
            # to the bit, so the pairs i < j, mirrored (half the pairs), are
            # the same matrix
            same = B is A or (A.shape == B.shape and A.strides == B.strides
                              and A.dtype == B.dtype and
                              A.__array_interface__["data"][0]
                              == B.__array_interface__["data"][0])
            return cdist_dtw_padded(A, None if same else B, n_jobs=self.n_jobs)
        # each row against the columns of each length at once: the numbers
        # of opw_distance per pair, 4-5x faster on 128-step series
        la, lb = sequence_lengths(A), sequence_lengths(B)
        return opw_distance_matrix([a[:m] for a, m in zip(A, la)],
                                   [b[:n] for b, n in zip(B, lb)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # NaN is the padding of shorter series
        tags.target_tags.required = True
        return SequenceTags(**{f.name: getattr(tags, f.name) for f in fields(tags)},
                            allow_variable_length=True)


def _extreme_scale(series):
    """Which unpadded series are on an extreme scale (:func:`extreme_scale` of
    their largest ``|value|``): those whose squared differences may over- or
    underflow."""
    peak = np.array([np.abs(z).max() for z in series])
    return extreme_scale(peak)


def _first_beyond(Z, valid, bound):
    """``(sample, step, channel)`` of the first value of ``Z`` on a ``valid``
    step whose magnitude exceeds ``bound`` or is not finite; None if none."""
    with np.errstate(invalid="ignore"):
        beyond = valid[:, :, None] & ~(np.isfinite(Z) & (np.abs(Z) <= bound))
    if not beyond.any():
        return None
    return tuple(int(v[0]) for v in np.nonzero(beyond))
