"""KISSMETransformer: KISSME metric learning on feature vectors, as a transformer.

The estimator: parameters, fitting from labels (all pairs, or drawn pairs) or
from explicit pairs, optional PCA folded into the learned map, and the learned
metric's forms (:meth:`~KISSMETransformer.transform`; pair distances from
:class:`._mixin.PairMetricMixin`; pair AUC on vectors).
The closed form it fits, the pair covariances, the PSD matrix ``M`` and its
factor ``L``, is in :mod:`._kissme_closed_form`; :func:`kissme_metric` and :func:`pair_covariances`
stay importable from here (models pickled before the split name them here).
"""

from numbers import Integral, Real

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.utils.validation import check_is_fitted, validate_data

from .._fitted import reset_fitted_state
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._labels import check_class_labels, check_groups
from ._kissme_closed_form import (
    difference_covariances,
    kissme_metric,
    mahalanobis_factor,
    pair_covariances,
    warn_if_zero_metric,
)
from ._mixin import PairMetricMixin
from ._sampling import check_both_kinds, check_pair_kinds, check_pair_labels

__all__ = ["KISSMETransformer", "kissme_metric", "pair_covariances"]


class KISSMETransformer(
    PairMetricMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """KISSME Mahalanobis metric learning on feature vectors, in closed form.

    Learns ``M = Proj_PSD(Sigma_S^-1 - Sigma_D^-1)`` from the covariances of the
    differences of similar and dissimilar pairs, and the linear map ``L`` with
    ``M = L^T L``, so that Euclidean distances after :meth:`transform` are the
    learned Mahalanobis distances. Similar pairs come from labels (all pairs,
    computed exactly without listing them) or from explicit pairs.

    Parameters
    ----------
    n_components : int or None, default=None
        PCA to this dimension before KISSME, which is sensitive to the input
        dimension (the authors use PCA). None: no PCA.
    regularization : float, default=1e-6
        Relative ridge added to both covariances, see :func:`kissme_metric`.
    covariance_normalization : {"mean", "sum"}, default="mean"
        "mean" (Koestinger) or the thesis's literal sums (eq. 3.39).
    pair_sampling : {"all", "random"}, default="all"
        From labels: every pair (exact and O(n d^2)), or ``n_pairs`` random pairs.
    n_pairs : int, default=10000
        Similar pairs drawn when ``pair_sampling="random"``; as many dissimilar.
    random_state : int, RandomState instance or None, default=None
        Used by ``pair_sampling="random"``.

    Attributes
    ----------
    components_ : ndarray of shape (n_features_in_, n_features_in_)
        ``L``; :meth:`transform` is ``(X - mean_) @ L.T``.
    mahalanobis_matrix_ : ndarray of shape (n_features_in_, n_features_in_)
        ``M = L^T L`` in the input space (PCA folded in).
    eigenvalues_ : ndarray
        Of ``Sigma_S^-1 - Sigma_D^-1`` (in PCA space), clipped at zero.
    sigma_similar_, sigma_dissimilar_ : ndarray
        The pair covariances (in PCA space).
    n_similar_pairs_, n_dissimilar_pairs_ : int
    pca_ : PCA or None
    mean_ : ndarray of shape (n_features_in_,)
    n_features_in_ : int

    References
    ----------
    .. [1] M. Koestinger, M. Hirzer, P. Wohlhart, P. M. Roth and H. Bischof,
       "Large scale metric learning from equivalence constraints", CVPR 2012.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sktime_metric.metric import KISSMETransformer
    >>> X, y = load_iris(return_X_y=True)
    >>> kissme = KISSMETransformer().fit(X, y)
    >>> kissme.transform(X).shape, kissme.get_mahalanobis_matrix().shape
    ((150, 4), (4, 4))
    >>> kissme.pair_distance(X[:2], X[2:4]).shape
    (2,)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "regularization": [Interval(Real, 0, None, closed="left")],
        "covariance_normalization": [StrOptions({"mean", "sum"})],
        "pair_sampling": [StrOptions({"all", "random"})],
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        regularization=1e-6,
        covariance_normalization="mean",
        pair_sampling="all",
        n_pairs=10000,
        random_state=None,
    ):
        self.n_components = n_components
        self.regularization = regularization
        self.covariance_normalization = covariance_normalization
        self.pair_sampling = pair_sampling
        self.n_pairs = n_pairs
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        """Learn the metric from labelled vectors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Or metric-learn's pairs, shape ``(n_pairs, 2, n_features)``, with
            ``y`` their pair labels: the same as :meth:`fit_pairs`.
        y : array-like of shape (n_samples,)
            Samples with equal labels form similar pairs, others dissimilar.
        groups : array-like of shape (n_samples,) or None, default=None
            Pairs inside one group are not similar (e.g. y = time slot,
            groups = day: the same slot on *different* days is similar).
            ``cross_val_score(..., groups=g)`` gives ``groups`` to the CV
            splitter only; under metadata routing,
            ``set_fit_request(groups=True)`` and ``params={"groups": g}``
            give them here too.

        Returns
        -------
        self : object
        """
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 3 and shape[1] == 2 and groups is None:
            return self.fit_pairs(X, y)  # metric-learn's fit(pairs, y)
        self._validate_params()
        reset_fitted_state(self)
        _refuse_sequences(X)
        X = validate_data(self, X, dtype=np.float64)
        y = check_class_labels(y, len(X), estimator=type(self).__name__)
        if groups is not None:
            groups = check_groups(groups, len(X))
        if len(X) < 2:
            raise ValueError(
                f"KISSME needs pairs of samples; got {len(X)} sample."
            )
        Z = self._fit_pca(X)
        if self.pair_sampling == "all":
            stats = pair_covariances(
                Z, y, groups=groups, normalization=self.covariance_normalization
            )
        else:
            stats = self._sampled_covariances(Z, y, groups)
        return self._fit_from_covariances(
            *stats, why="Give samples of at least two classes, one of them with "
            "two samples" + (" in different groups." if groups is not None else "."))

    def fit_pairs(self, pairs, pair_labels):
        """Learn the metric from explicit pairs.

        Parameters
        ----------
        pairs : array-like of shape (n_pairs, 2, n_features)
            The two vectors of each pair (metric-learn's layout).
        pair_labels : array-like of shape (n_pairs,)
            1 (or True) for similar pairs; 0, False or -1 for dissimilar pairs.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reset_fitted_state(self)
        pairs = np.asarray(pairs, dtype=np.float64)
        if pairs.ndim != 3 or pairs.shape[1] != 2:
            raise ValueError(
                f"pairs must have shape (n_pairs, 2, n_features); got {pairs.shape}."
            )
        pair_labels = check_pair_labels(pair_labels, len(pairs))
        points = validate_data(self, pairs.reshape(-1, pairs.shape[2]))
        Z = self._fit_pca(points).reshape(len(pairs), 2, -1)
        similar = pair_labels == 1
        return self._fit_from_covariances(*difference_covariances(
            Z[similar, 0] - Z[similar, 1], Z[~similar, 0] - Z[~similar, 1],
            normalization=self.covariance_normalization,
        ))

    # -- fitting helpers -----------------------------------------------------

    def _fit_pca(self, X):
        self.mean_ = X.mean(axis=0) if self.n_components else np.zeros(X.shape[1])
        if self.n_components is None:
            self.pca_ = None
            return X
        self.pca_ = PCA(self.n_components, random_state=0).fit(X)
        # an array whatever sklearn.set_config(transform_output=...) says: the
        # covariances below index rows and take means of an ndarray
        with config_context(transform_output="default"):
            return self.pca_.transform(X)

    def _sampled_covariances(self, Z, y, groups):
        from ._sampling import sample_pairs

        # similar pairs span two groups (same slot, different day)
        pairs, same = sample_pairs(
            y, 2 * self.n_pairs, groups=groups, random_state=self.random_state
        )
        diffs = Z[pairs[:, 0]] - Z[pairs[:, 1]]
        return difference_covariances(diffs[same == 1], diffs[same != 1],
                                      normalization=self.covariance_normalization)

    def _fit_from_covariances(self, sigma_s, sigma_d, n_s, n_d, why=""):
        # a covariance of each kind: the library's one wording when one is
        # missing; ``why`` says what labels give both (none for explicit pairs)
        check_both_kinds(n_s, n_d, type(self).__name__, why)
        self.sigma_similar_, self.sigma_dissimilar_ = sigma_s, sigma_d
        self.n_similar_pairs_, self.n_dissimilar_pairs_ = int(n_s), int(n_d)
        M, eigenvalues, eigenvectors = kissme_metric(
            sigma_s, sigma_d, regularization=self.regularization
        )
        self.eigenvalues_ = eigenvalues
        warn_if_zero_metric(
            eigenvalues, type(self).__name__,
            "The features do not tell the pairs apart; a nonlinear embedding "
            "first (e.g. Seq2SeqEmbedder) may.")
        L = mahalanobis_factor(eigenvalues, eigenvectors)
        if self.pca_ is not None:
            L = L @ self.pca_.components_  # fold the PCA projection into L
        self.components_ = L
        self.mahalanobis_matrix_ = L.T @ L
        return self

    # -- the learned metric ----------------------------------------------------

    def transform(self, X):
        """Map vectors so that Euclidean distances are the learned distances.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components_out)
        """
        check_is_fitted(self, "components_")
        _refuse_sequences(X)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return (X - self.mean_) @ self.components_.T

    @property
    def _n_features_out(self):
        """Output columns of :meth:`transform` (for ``get_feature_names_out``)."""
        return self.components_.shape[0]

    def get_mahalanobis_matrix(self):
        """The learned matrix ``M`` (input space), metric-learn's name for it."""
        check_is_fitted(self, "components_")
        return self.mahalanobis_matrix_

    def score(self, X, y):
        """Pair ROC AUC: how well the learned distance ranks same-label pairs first.

        All unordered pairs of distinct rows of ``X`` (a fixed random subset of
        60,000 when there are more); similar pairs are those with equal labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        auc : float
        """
        from ..evaluation._protocols import labelled_pairs

        Z = self._metric_inputs(X)
        name = f"{type(self).__name__}.score"
        y = check_class_labels(y, len(Z), estimator=name, min_classes=1,
                               classification=False)
        pairs, labels = labelled_pairs(y)
        check_pair_kinds(labels, name, "Give rows of at least two classes, one "
                         "of them with two rows.")
        distances = self._paired_distances(Z[pairs[:, 0]], Z[pairs[:, 1]])
        return float(roc_auc_score(labels, -distances))

    def _as_single(self, u, name="u"):
        return np.asarray(u, dtype=np.float64).reshape(1, -1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


def _refuse_sequences(X):
    """Refuse sequences with what to do.

    A 3-D array, or a collection of ``(T_i, d)`` series (a list or tuple, a
    1-D object array, a pandas Series): scikit-learn's own messages ("Found
    array with dim 3", numpy's "inhomogeneous shape") say what is wrong, not
    that KISSME takes one vector per series, as a sequence library's user may
    not expect.
    """
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 3:
        given = f"X has shape {tuple(shape)}, a set of sequences"
    else:
        items = X if isinstance(X, (list, tuple)) else (
            np.asarray(X, dtype=object) if shape is not None and len(shape) == 1
            and getattr(X, "dtype", None) == object else ())
        if not (len(items) and np.ndim(items[0]) == 2):
            return
        given = f"X holds {len(items)} sequences"
    raise ValueError(
        f"KISSMETransformer learns a metric on feature vectors, X of shape "
        f"(n_samples, n_features); {given}. Embed each series first: "
        "Seq2SeqEmbedder(metric='kissme') learns KISSME on its learned "
        "embeddings, or compute per-series features (e.g. each channel's mean "
        "and standard deviation). Pairs of vectors, (n_pairs, 2, n_features), "
        "go to fit_pairs."
    )
