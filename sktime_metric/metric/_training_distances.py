"""A Pipeline step for a metric learner that cannot embed a series alone.

The coupled GRU and RVSML compute a distance on both series of a pair, so
their ``transform`` cannot be an embedding: :class:`TrainingDistancesMixin`
makes it the distances to the training series, the input of
``KNeighborsClassifier(metric="precomputed")``. :func:`embeds` tells the two
kinds of ``transform`` apart, for the code that searches neighbours
(``cluster/_graph.py``) or sets a kernel width from an embedding.
"""

from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingDistancesMixin", "embeds"]


class TrainingDistancesMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform``: the learned distances to the training series ``X_fit_``.

    For a metric learner with no per-series embedding (its distance needs both
    series of a pair: the coupled GRU, RVSML's DTW between projections). Its
    ``fit`` stores the training series, as given, as ``X_fit_``; then
    ``transform(X)`` is ``pairwise_distances(X, X_fit_)``, one column per
    training series, and ``fit_transform(X, y)`` the training series' own
    (symmetric) distances. So the learner is a ``Pipeline`` step before
    ``KNeighborsClassifier(metric="precomputed")``, which fits on the
    ``(n_train, n_train)`` matrix and predicts from the ``(n_test, n_train)``
    one. Columns are named ``<classname>0``, ``<classname>1``, ... (``set_output``).
    """

    def transform(self, X):
        """Distances of each series to the training series ``X_fit_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        distances : ndarray of shape (n_samples, n_train)
            ``pairwise_distances(X, X_fit_)``: a sparse neighbours graph where
            that is one (the coupled GRU's ``shortlist_size``).
        """
        check_is_fitted(self, "X_fit_")
        return self.pairwise_distances(X, self.X_fit_)

    def fit_transform(self, X, y=None):
        """Fit, then the (symmetric) distances between the training series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        y : array-like of shape (n_samples,), default=None
            Class labels, required as in ``fit`` (the default is
            scikit-learn's ``fit_transform`` signature).

        Returns
        -------
        distances : ndarray of shape (n_samples, n_samples)
            ``pairwise_distances(X_fit_)``: a sparse neighbours graph where
            that is one (the coupled GRU's ``shortlist_size``).
        """
        return self.fit(X, y).pairwise_distances(self.X_fit_)

    @property
    def _n_features_out(self):
        return len(self.X_fit_)


def embeds(learner):
    """Whether ``learner.transform`` embeds each series alone.

    True for an embedder (KISSME, the seq2seq and siamese learners, ...),
    whose ``transform`` rows are what its distance is a function of; False
    without ``transform``, or when ``transform`` gives the distances to the
    training series (:class:`TrainingDistancesMixin`): those rows are no
    embedding of the series, and cost a distance per training series.

    Parameters
    ----------
    learner : object
        A metric learner (or any estimator).

    Returns
    -------
    embeds : bool
    """
    return (hasattr(learner, "transform")
            and not isinstance(learner, TrainingDistancesMixin))
