"""FisherVectorEmbedder: the Fisher scores of an HMM as a sequence embedding."""

from dataclasses import fields
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import SequenceTags, derive_seed
from ..utils._hmm import fit_diagonal_hmm, hmm_fisher_scores
from ..utils._scaling import validate_and_standardize
from ..utils._sklearn_compat import Interval, StrOptions
from ._mixin import PairMetricMixin

__all__ = ["FisherVectorEmbedder"]


class FisherVectorEmbedder(PairMetricMixin, ClassNamePrefixFeaturesOutMixin,
                           TransformerMixin, BaseEstimator):
    """Fisher scores of a generatively trained HMM, as fixed-length embeddings.

    The probabilistic baselines of the siamese recurrent networks paper [1]_
    (its Table 2 and Fig. 3, "Fisher kernel" and "Fisher vector"): one hidden
    Markov model with diagonal Gaussian emissions is fitted by EM to all
    training frames (hmmlearn's ``GaussianHMM``; labels are not used), and
    :meth:`transform` maps each series to its Fisher score ``g`` (Jaakkola and
    Haussler [2]_): the gradient of its log-likelihood with respect to the
    HMM's parameters (:func:`~sktime_metric.utils._hmm.hmm_fisher_scores`,
    exact, from forward-backward). Series of any length map to vectors of
    ``n_states + n_states**2 + 2 * n_states * n_features_in_`` numbers.

    Needs hmmlearn, which is optional: ``pip install 'sktime_metric[hmm]'``
    (without it, ``fit`` raises an ImportError that says so).

    The learned distance (``pair_distance``, ``pairwise_distances``) is the
    Euclidean distance between embeddings, so ``Pipeline(FisherVectorEmbedder(),
    KNeighborsClassifier())`` is a Fisher-vector nearest-neighbour classifier.
    The paper's two pair similarities are functions of :meth:`transform`:

    - **Fisher kernel** (paper, eq. 5): ``kappa(X_i, X_j) = g_i^T U^-1 g_j``
      with the Fisher information ``U`` replaced by the identity: the inner
      product of ``transform``'s rows with ``fisher_information="identity"``;
    - **Fisher vector**: the pair's feature is the concatenation
      ``[g_i, g_j]``, and its similarity is minus the Euclidean distance to the
      nearest *similar* training pair in that space (a 1-NN over training
      pairs; ``benchmarks/bench_siamese.py`` computes both).

    Parameters
    ----------
    n_states : int, default=10
        Hidden states of the HMM (the paper tunes it on validation AUC).
    fisher_information : {"diagonal", "identity"}, default="diagonal"
        How the scores are whitened. "diagonal": each score is divided by the
        square root of its mean square over the training series, the diagonal
        of the empirical Fisher information (Perronnin and Dance [3]_), so
        that no group of parameters (transition counts grow with a series'
        length) dominates the distance. "identity": the raw gradients, the
        paper's ``U = I``.
    max_epochs : int, default=100
        EM iterations of the HMM, each one pass over the training frames
        (hmmlearn's ``n_iter``).
    tol : float, default=1e-2
        EM stops when the training log-likelihood gains less than this.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance with the statistics
        of the training series (``mean_``, ``scale_``), at fit and transform
        time.
    random_state : int, RandomState instance or None, default=None
        Seeds the HMM's initialisation (k-means on the frames).

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics of the training series (only when ``standardize``).
    startprob_ : ndarray of shape (n_states,)
    transmat_ : ndarray of shape (n_states, n_states)
    means_, variances_ : ndarray of shape (n_states, n_features_in_)
        The fitted HMM (diagonal covariances).
    fisher_scale_ : ndarray of shape (n_components_,)
        What the scores are divided by: ``sqrt(mean_i g_i^2)`` over the
        training series with ``fisher_information="diagonal"`` (1 where that
        is 0), ones with "identity".
    n_components_ : int
        Length of an embedding.
    n_features_in_ : int

    See Also
    --------
    FisherKernelClassifier : The same scores, classified by a linear SVM.
    SiameseRNNEmbedder : The model these baselines were compared with.

    Notes
    -----
    The scores are sums over time steps, so their norm grows with a series'
    length; the diagonal whitening equalises the parameter groups, not the
    lengths. The paper does not state its HMM's emissions or training data;
    one diagonal-Gaussian HMM on all training series is the reading taken
    here.

    References
    ----------
    .. [1] W. Pei, D. M. J. Tax and L. van der Maaten, "Modeling time series
       similarity with siamese recurrent networks", arXiv:1603.04713, 2016.
    .. [2] T. Jaakkola and D. Haussler, "Exploiting generative models in
       discriminative classifiers", NIPS 1998.
    .. [3] F. Perronnin and C. Dance, "Fisher kernels on visual vocabularies
       for image categorization", CVPR 2007.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import FisherVectorEmbedder
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> embedder = FisherVectorEmbedder(n_states=3, random_state=0).fit(X)
    >>> embedder.transform(X[:2]).shape  # 3 + 3 * 3 + 2 * 3 * 2 scores
    (2, 24)
    >>> knn = make_pipeline(FisherVectorEmbedder(n_states=3, random_state=0),
    ...                     KNeighborsClassifier(n_neighbors=1)).fit(X, y)
    >>> knn.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        "n_states": [Interval(Integral, 1, None, closed="left")],
        "fisher_information": [StrOptions({"diagonal", "identity"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_states=10, *, fisher_information="diagonal", max_epochs=100,
                 tol=1e-2, standardize=True, random_state=None):
        self.n_states = n_states
        self.fisher_information = fisher_information
        self.max_epochs = max_epochs
        self.tol = tol
        self.standardize = standardize
        self.random_state = random_state

    def fit(self, X, y=None):
        """Fit the HMM by EM on the training frames; ``y`` is not used.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : None
            Ignored: the HMM models the series without labels.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        X, lengths = validate_and_standardize(self, X, reset=True)
        # seed
        seed = derive_seed(self.random_state)
        # train: EM on every valid frame
        self.startprob_, self.transmat_, self.means_, self.variances_ = fit_diagonal_hmm(
            X, lengths, n_states=self.n_states, max_epochs=self.max_epochs, tol=self.tol,
            random_state=seed, owner=type(self).__name__)
        # attributes: the whitening of the training scores
        scores = self._scores(X, lengths)
        if self.fisher_information == "diagonal":
            scale = np.sqrt(np.mean(scores**2, axis=0))
            self.fisher_scale_ = np.where(scale > 0, scale, 1.0)  # always-0 scores stay 0
        else:
            self.fisher_scale_ = np.ones(scores.shape[1])
        self.n_components_ = scores.shape[1]
        return self

    def _scores(self, X, lengths, name="X"):
        return hmm_fisher_scores(X, lengths, self.startprob_, self.transmat_,
                                 self.means_, self.variances_, name=name)[0]

    def transform(self, X):
        """The whitened Fisher score of each series.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        embeddings : ndarray of shape (n_samples, n_components_)
            Gradients of each series' log-likelihood with respect to the start
            logits, transition logits (row-major), means and log standard
            deviations, divided by ``fisher_scale_``.
        """
        return self._embed(X)

    def _embed(self, X, name="X"):
        # transform's work, unaffected by set_output (the metric methods need
        # arrays); name: the argument X came in, for the messages ("Y", "X2")
        check_is_fitted(self, "fisher_scale_")
        X, lengths = validate_and_standardize(self, X, reset=False, name=name)
        return self._scores(X, lengths, name) / self.fisher_scale_

    @property
    def _n_features_out(self):
        """Columns of :meth:`transform` (for ``get_feature_names_out``)."""
        return self.n_components_

    # -- the learned metric: Euclidean between embeddings (PairMetricMixin) ----

    def _metric_inputs(self, X, name="X"):
        return self._embed(X, name)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # NaN is the padding of shorter series
        tags.target_tags.required = False
        return SequenceTags(**{f.name: getattr(tags, f.name) for f in fields(tags)},
                            allow_variable_length=True)
