"""FisherKernelClassifier: HMM Fisher scores and a linear SVM (the FKL row's baseline)."""

from dataclasses import fields
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import log_softmax, softmax
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import LabelEncoder
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import SequenceTags, _plain, derive_seed, warn_if_not_learned
from ..utils._hmm import fit_diagonal_hmm, hmm_fisher_scores
from ..utils._labels import check_class_labels, check_class_weights
from ..utils._scaling import validate_and_standardize
from ..utils._sklearn_compat import Interval, StrOptions

__all__ = ["FisherKernelClassifier", "hmm_fisher_scores"]

#: Largest ``C`` times a class's weight the SVM is given: 50 orders of magnitude
#: below where liblinear's primal solver stopped returning (measured: past 1e100
#: on 30 series of 4 unit-variance features, past 1e99 on 3000), and far into
#: the hard-margin regime, where a larger penalty changes nothing a user could
#: want.
_MAX_WEIGHTED_C = 1e50


class FisherKernelClassifier(ClassifierMixin, BaseEstimator):
    """Fisher kernel of a generatively trained HMM, classified by a linear SVM.

    The classic Fisher kernel of Jaakkola and Haussler [1]_: one hidden Markov
    model with diagonal Gaussian emissions is fitted to all training series
    by EM (hmmlearn's ``GaussianHMM``), each series is mapped to its Fisher
    score (the gradient of its log-likelihood with respect to the HMM's
    parameters, :func:`hmm_fisher_scores`), the scores are normalised by the
    diagonal of the empirical Fisher information, and a linear SVM
    (scikit-learn's ``LinearSVC``, one-vs-rest) classifies them. A linear
    kernel on normalised Fisher scores is the Fisher kernel
    ``U_x^T F^-1 U_x'``, with ``F`` approximated by its diagonal.

    This is **not** the "FKL" of the HULM chapter's Table 2.1 (thesis §2.4.2,
    van der Maaten's Fisher kernel learning [2]_), which *learns* the HMM's
    parameters so that the Fisher kernel separates the classes. Here the HMM
    is trained to model the series, without labels, and only the SVM sees the
    labels; see Notes.

    Needs hmmlearn, which is optional: ``pip install 'sktime_metric[hmm]'``
    (without it, ``fit`` raises an ImportError that says so).

    Parameters
    ----------
    n_states : int, default=10
        Hidden states of the HMM (the chapter's FKL used 10).
    C : float, default=1.0
        The SVM's slack penalty, used when ``Cs`` is None; at most 1e50 (times
        the largest ``class_weight``), past which liblinear may never return.
    Cs : array-like of float or None, default=None
        Candidates for ``C``, chosen by stratified ``cv``-fold
        cross-validation of the SVM on the training series' Fisher scores
        (mean accuracy; ties go to the smallest ``C``): the chapter tunes ``C``
        on a validation set. Only the SVM is refitted per fold and candidate:
        the HMM sees no labels, so it is fitted once, on all training series
        (``GridSearchCV`` over ``C`` would refit it ``cv * len(Cs)`` times).
        None: ``C`` as given.
    cv : int, default=5
        Folds of the cross-validation over ``Cs``; every class needs at least
        ``cv`` training series.
    max_epochs : int, default=100
        EM iterations of the HMM, each one pass over the training series
        (hmmlearn's ``n_iter``).
    tol : float, default=1e-2
        EM stops when the training log-likelihood gains less than this.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance with the statistics
        of the training series (``mean_``, ``scale_``), at fit and at predict
        time, so that the emissions' variance floor means the same on every
        channel.
    class_weight : dict, "balanced" or None, default=None
        Passed to the SVM. A dict's weights must be finite and positive: with
        a class's weight 0 the SVM would leave that class out. ``C`` (or the
        largest of ``Cs``) times the largest weight must be at most 1e50:
        past about 1e100 liblinear's solver may never return.
    random_state : int, RandomState instance or None, default=None
        Seeds the HMM's initialisation (k-means on the frames) and the SVM.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics of the training series (only when ``standardize``).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    startprob_ : ndarray of shape (n_states,)
    transmat_ : ndarray of shape (n_states, n_states)
    means_, variances_ : ndarray of shape (n_states, n_features_in_)
        The fitted HMM (diagonal covariances).
    fisher_scale_ : ndarray of shape (n_scores,)
        Square root of the diagonal of the empirical Fisher information,
        ``sqrt(mean_i U_i^2)`` over the training series: scores are divided
        by it.
    svm_ : sklearn.svm.LinearSVC
        The fitted SVM on the normalised scores.
    C_ : float
        The SVM's ``C``: ``C``, or the one chosen from ``Cs``.
    cv_scores_ : ndarray of shape (len(Cs),)
        Mean cross-validated accuracy of each candidate of ``Cs``, in the
        order given (only when ``Cs`` is given); with ``class_weight``, each
        test series weighted as in training.

    See Also
    --------
    hmm_fisher_scores : The scores themselves.
    HULMClassifier : The chapter's model.

    Notes
    -----
    Differences from the chapter's FKL [2]_:

    - FKL learns the HMM parameters discriminatively (by gradient descent on a
      kernel-based classification objective); here they are maximum-likelihood
      estimates from EM, as in the original Fisher kernel [1]_;
    - FKL tunes ``C`` on a validation set; here ``C`` is a parameter, or
      chosen from ``Cs`` by cross-validation on the training series;
    - the Fisher information is approximated by the diagonal of the
      empirical second moment of the training scores (the scores have mean
      about 0 at a maximum of the likelihood), a common choice [3]_;
    - the scores are sums over time steps, so they grow with a series'
      length, as the kernel of [1]_ does; the chapter's data sets have equal
      or similar lengths.

    Like FKL, prediction costs ``O(T S^2)`` per series; training an SVM on
    ``n`` series is where the quadratic cost the chapter notes comes from
    (``LinearSVC``'s solver is about linear in ``n``). ``predict_proba`` is
    the softmax of the SVM's one-vs-rest scores (a sigmoid for two classes):
    its argmax is ``predict``, but it is not calibrated; wrap the classifier
    in ``CalibratedClassifierCV`` for calibrated probabilities.

    References
    ----------
    .. [1] T. Jaakkola and D. Haussler, "Exploiting generative models in
       discriminative classifiers", NIPS 1998.
    .. [2] L. van der Maaten, "Learning discriminative Fisher kernels",
       ICML 2011.
    .. [3] F. Perronnin and C. Dance, "Fisher kernels on visual vocabularies
       for image categorization", CVPR 2007.

    Examples
    --------
    >>> from sktime_metric.classification import FisherKernelClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> clf = FisherKernelClassifier(n_states=3, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 3)
    >>> clf.fisher_scores(X[:3]).shape  # 3 + 3 * 3 + 2 * 3 * 2 Fisher scores
    (3, 24)
    """

    _parameter_constraints: dict = {
        "n_states": [Interval(Integral, 1, None, closed="left")],
        "C": [Interval(Real, 0, None, closed="neither")],
        "Cs": ["array-like", None],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_states=10, *, C=1.0, Cs=None, cv=5, max_epochs=100,
                 tol=1e-2, standardize=True, class_weight=None, random_state=None):
        self.n_states = n_states
        self.C = C
        self.Cs = Cs
        self.cv = cv
        self.max_epochs = max_epochs
        self.tol = tol
        self.standardize = standardize
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X, y):
        """Fit the HMM by EM, then the SVM on the normalised Fisher scores.

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
        # validate
        self._validate_params()
        reset_fitted_state(self)
        X, lengths = validate_and_standardize(self, X, reset=True)
        y = check_class_labels(y, len(X), estimator=type(self).__name__)
        encoder = LabelEncoder().fit(y)
        y_codes = encoder.transform(y).astype(np.int64)
        Cs = self._check_Cs(y_codes, encoder.classes_)
        # class_weight as every other estimator applies it (scikit-learn's
        # rule, keyed by the labels): per-series weights, which scale the
        # SVM's C per series as LinearSVC's own class_weight would
        weights = class_weights = None
        if self.class_weight is not None:
            # a weight of 0: liblinear drops the class's series, the SVM fits
            # the other classes only, a decision column short of classes_, and
            # the learning check failed on its label (an IndexError, "Target 2
            # is out of bounds")
            class_weights = check_class_weights(
                self.class_weight, encoder.classes_, y,
                zero="the SVM cannot fit a class of weight 0 (liblinear drops its "
                     "series); drop that class's series instead.")
            weights = class_weights[y_codes]
        # before the HMM trains (minutes on long series): a penalty liblinear
        # cannot solve is refused on the parameters and labels alone
        self._check_weighted_C(Cs, class_weights, encoder.classes_)
        # seed
        seed = derive_seed(self.random_state)
        # build
        svm = LinearSVC(C=float(self.C), max_iter=10_000, random_state=seed)
        # train: the HMM on all frames (no labels), the SVM on the scores
        self.startprob_, self.transmat_, self.means_, self.variances_ = fit_diagonal_hmm(
            X, lengths, n_states=self.n_states, max_epochs=self.max_epochs, tol=self.tol,
            random_state=seed, owner=type(self).__name__)
        scores = self._scores(X, lengths)
        self.fisher_scale_ = np.sqrt(np.mean(scores**2, axis=0))
        features = self._normalised(scores)
        self.C_ = float(self.C)
        if Cs is not None:
            # C by cross-validation of the SVM alone, on the scores of the one
            # HMM; candidates sorted, so that GridSearchCV's first best (in
            # candidate order) is the smallest C among ties
            order = np.argsort(Cs, kind="stable")
            search = GridSearchCV(
                svm, {"C": Cs[order]}, scoring=_weighted_accuracy(class_weights),
                cv=StratifiedKFold(self.cv, shuffle=True, random_state=seed),
            )
            # the weights go to the SVM (as they do without routing) whatever
            # the caller's enable_metadata_routing: under routing the inner
            # LinearSVC has not requested them and the search would refuse
            with config_context(enable_metadata_routing=False):
                search.fit(features, y_codes, sample_weight=weights)
            self.cv_scores_ = np.empty(len(Cs))
            self.cv_scores_[order] = search.cv_results_["mean_test_score"]
            self.C_ = float(search.best_params_["C"])
            svm.set_params(C=self.C_)
        self.svm_ = svm.fit(features, y_codes, sample_weight=weights)
        # attributes
        self.classes_ = encoder.classes_
        warn_if_not_learned(
            self, y_codes, torch.as_tensor(self._logits(features), device="cpu"),
            by="accuracy",
            # no learning rate here: the SVM's C and the HMM's size are the knobs
            hint="Try another penalty (C, or Cs to search it), another number "
                 "of HMM states (n_states), or check that the series carry the "
                 "class information.")
        return self

    def _check_Cs(self, y_codes, classes):
        """``Cs`` as a float array, or None; checks every class fills the folds."""
        if self.Cs is None:
            return None
        Cs = np.asarray(self.Cs, dtype=float)
        if (Cs.ndim != 1 or Cs.size == 0 or not np.all(np.isfinite(Cs))
                or np.any(Cs <= 0)):
            raise ValueError(
                "Cs must be a non-empty 1-d sequence of positive, finite floats; "
                f"got {self.Cs!r}."
            )
        counts = np.bincount(y_codes, minlength=len(classes))
        if counts.min() < self.cv:
            raise ValueError(
                f"Choosing C from Cs by {self.cv}-fold cross-validation needs at "
                f"least {self.cv} training series per class; class "
                f"{_plain(classes[counts.argmin()])!r} has {counts.min()}. Lower cv "
                "or set Cs=None."
            )
        return Cs

    def _check_weighted_C(self, Cs, class_weights, classes):
        """Refuse a penalty ``C`` times a class's weight past
        ``_MAX_WEIGHTED_C``, before the HMM is trained.

        liblinear's primal solver (``LinearSVC``'s choice when there are more
        series than scores) ran for minutes, without end, on such a product,
        and so does scikit-learn's ``LinearSVC`` alone: on 30 series of 4
        unit-variance features it returns in 0.01 s at ``C * weight = 1e100``
        and is still running after 60 s at 1e101, even with ``max_iter=1``;
        the onset falls as the data grow (1e100 hangs on 3000 series). Rescaling
        ``C`` and the weights together would change the SVM (the hinge term
        against the fixed regulariser), so the product is refused instead.
        """
        largest_C = float(self.C) if Cs is None else float(Cs.max())
        k = 0 if class_weights is None else int(np.argmax(class_weights))
        weight = 1.0 if class_weights is None else float(class_weights[k])
        if not largest_C * weight > _MAX_WEIGHTED_C:
            return
        what = "C" if Cs is None else "The largest of Cs"
        penalty = (f"{what} is {largest_C:.3g}" if class_weights is None else
                   f"{what} ({largest_C:.3g}) times the weight of class "
                   f"{_plain(classes[k])!r} in class_weight ({weight:.3g}) is "
                   f"{largest_C * weight:.3g}")
        raise ValueError(
            f"{penalty}, past {_MAX_WEIGHTED_C:.0e}: "
            "liblinear's solver may then never return (scikit-learn's LinearSVC "
            "hangs from about 1e100 on small data, earlier on larger); lower it."
        )

    def _scores(self, X, lengths):
        return hmm_fisher_scores(X, lengths, self.startprob_, self.transmat_,
                                 self.means_, self.variances_)[0]

    def _normalised(self, scores):
        # a score that is 0 on every training series stays 0
        scale = np.where(self.fisher_scale_ > 0, self.fisher_scale_, 1.0)
        return scores / scale

    def _logits(self, features):
        decision = self.svm_.decision_function(features)
        if decision.ndim == 1:  # two classes: the score of the second
            decision = np.stack([np.zeros_like(decision), decision], axis=1)
        return decision

    def fisher_scores(self, X):
        """The normalised Fisher scores of each series (the SVM's features).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        scores : ndarray of shape (n_samples, n_states + n_states**2 + 2 * n_states * n_features_in_)
            Gradients of the log-likelihood with respect to the start logits,
            transition logits, means and log standard deviations (see
            :func:`hmm_fisher_scores`), each divided by ``fisher_scale_``.
        """
        check_is_fitted(self, "svm_")
        X, lengths = validate_and_standardize(self, X, reset=False)
        return self._normalised(self._scores(X, lengths))

    def decision_function(self, X):
        """The SVM's one-vs-rest scores (for two classes, of ``classes_[1]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
        """
        features = self.fisher_scores(X)  # checks that it is fitted
        return self.svm_.decision_function(features)

    def predict_proba(self, X):
        """Softmax of the SVM's scores: ordered like them, not calibrated.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        # scipy's, as predict_log_proba's log_softmax: the same max-shifted
        # exponentials as the hand-written softmax it replaced, to the bit
        return softmax(self._logits(self.fisher_scores(X)), axis=1)

    def predict_log_proba(self, X):
        """Log-softmax of the SVM's scores: the log of :meth:`predict_proba`.

        Computed from the scores, so a class far less likely than the best
        keeps a finite value where its probability underflows to 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        return log_softmax(self._logits(self.fisher_scores(X)), axis=1)

    def predict(self, X):
        """The SVM's class of each series, a label from ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        logits = self._logits(self.fisher_scores(X))  # checks that it is fitted
        return self.classes_[logits.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # NaN is the padding of shorter series
        return SequenceTags(**{f.name: getattr(tags, f.name) for f in fields(tags)},
                            allow_variable_length=True)


def _weighted_accuracy(class_weights):
    """The C search's scorer: accuracy, each test series weighted by its
    class's weight (None: plain accuracy).

    Read from the labels, not from the ``sample_weight`` that GridSearchCV
    passes its scorer since scikit-learn 1.9 (and never before): the chosen
    ``C`` is the same whatever the scikit-learn release. ``sample_weight`` is
    accepted (and ignored: it is these weights) so that scikit-learn >= 1.9
    does not warn that the scorer "does not support sample_weight".
    """
    def score(estimator, X, y, sample_weight=None):
        right = estimator.predict(X) == y
        return float(np.average(right, weights=None if class_weights is None
                                else class_weights[y]))
    return score

