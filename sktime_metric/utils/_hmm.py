"""Diagonal-Gaussian HMMs: fitting by EM (hmmlearn) and exact Fisher scores.

Shared by :class:`~sktime_metric.classification.FisherKernelClassifier` (the
HULM chapter's Fisher-kernel baseline) and
:class:`~sktime_metric.metric.FisherVectorEmbedder` (the SRN paper's
Fisher-kernel and Fisher-vector pair baselines): both fit one HMM to all
training frames without labels and map each series to the gradient of its
log-likelihood.
"""

import logging
import threading
from contextlib import contextmanager

import numpy as np
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning

from ._warnings import ignoring, warn

__all__ = ["HMM_EXTRA", "fit_diagonal_hmm", "hmm_fisher_scores", "import_gaussian_hmm"]

#: The command that installs hmmlearn, named by every error about its absence.
HMM_EXTRA = "pip install 'sktime_metric[hmm]'"


def import_gaussian_hmm(owner):
    """hmmlearn's ``GaussianHMM`` class, or an ImportError naming ``owner``.

    Parameters
    ----------
    owner : str
        What needs hmmlearn, named in the error when it is missing.

    Returns
    -------
    GaussianHMM : type

    Raises
    ------
    ImportError
        If hmmlearn is not installed; the message gives :data:`HMM_EXTRA`.
    """
    try:
        from hmmlearn.hmm import GaussianHMM
    except ImportError as error:
        raise ImportError(
            f"{owner} fits its HMM with hmmlearn, which is not installed: "
            f"{HMM_EXTRA}"
        ) from error
    return GaussianHMM


def fit_diagonal_hmm(X, lengths, *, n_states, max_epochs, tol, random_state, owner):
    """Fit a diagonal-Gaussian HMM to the series' valid frames by EM.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        Values past each series' length are ignored.
    lengths : ndarray of shape (n_samples,)
    n_states, max_epochs : int
        hmmlearn's ``n_components`` and ``n_iter``.
    tol : float
        EM stops when the log-likelihood gains less than this.
    random_state : int
        Seeds hmmlearn's k-means initialisation.
    owner : str
        The estimator named in the error when hmmlearn is missing.

    Returns
    -------
    startprob : ndarray of shape (n_states,)
    transmat : ndarray of shape (n_states, n_states)
    means, variances : ndarray of shape (n_states, n_channels)
    """
    GaussianHMM = import_gaussian_hmm(owner)
    hmm = GaussianHMM(n_components=int(n_states), covariance_type="diag",
                      n_iter=int(max_epochs), tol=float(tol), random_state=random_state)
    frames = np.concatenate([x[:n] for x, n in zip(X, lengths)]).astype(np.float64)
    # EM sees the frames centred on their mean, and the fitted means are
    # shifted back: hmmlearn's M-step takes each variance as sum(g x^2) -
    # 2 mu sum(g x) + mu^2 sum(g), which cancels on values far from 0 in units
    # of their spread (standardize=False): measured 1e-7 relative at an offset
    # of 1e4 and a spread of 1, 1e-3 at 1e6, NaN variances at 1e8. Exact in
    # exact arithmetic: the HMM is translation-equivariant, hmmlearn's priors
    # on the means have weight 0 and its variance prior does not involve them.
    shift = frames.mean(axis=0)
    # k-means finds fewer clusters than states on data with few distinct
    # frames; the HMM is still valid (filtered without catch_warnings, which
    # fits in threads would undo for each other: see ._warnings)
    with ignoring("Number of distinct clusters"), _hmmlearn_log_taken() as records:
        hmm.fit(frames - shift, lengths)
    _warn_from_hmmlearn_log(records, owner, n_states)
    variances = np.array([np.diag(c) for c in hmm.covars_])
    # a state never left in the training frames (every series of length 1, or
    # a state seen only at the series' last steps) keeps a row of zeros
    # (hmmlearn logs "Some rows of transmat_ have zero sum"): no transition
    # from it was observed, so none is preferred, as at EM's start. A zero row
    # would make every longer series through that state impossible, its
    # log-likelihood -inf and its Fisher score NaN.
    transmat = hmm.transmat_.copy()
    transmat[~(transmat.sum(axis=1) > 0)] = 1.0 / transmat.shape[1]
    return hmm.startprob_.copy(), transmat, hmm.means_ + shift, variances


_HMMLEARN_LOGGERS = ("hmmlearn.base", "hmmlearn.hmm")


class _TakeInFits(logging.Filter):
    """Takes the records logged by a thread inside :func:`_hmmlearn_log_taken`.

    A logger runs its filters in the thread that logs, so a thread-local list
    tells our fits' records from every other thread's (another fit, the
    user's own hmmlearn), which pass untouched, as do all records outside our
    fits. One filter, attached once and never removed: adding and removing a
    filter per fit raced with the other threads' logging, which walks the
    logger's list of filters while it changes (a record could skip a filter).
    """

    def __init__(self):
        super().__init__()
        self.local = threading.local()

    def filter(self, record):
        records = getattr(self.local, "records", None)
        if records is None:
            return True
        records.append(record)
        return False


_TAKE = _TakeInFits()
_ATTACH = threading.Lock()


@contextmanager
def _hmmlearn_log_taken():
    """Take hmmlearn's log records of this thread, for the block's duration.

    :class:`_TakeInFits` on hmmlearn's own loggers (filters do not apply to
    records that propagate from child loggers, so not on ``hmmlearn``),
    attached at the first fit; no handler, level or other logger changes.
    Yields the list of taken records, which :func:`_warn_from_hmmlearn_log`
    turns into warnings.
    """
    with _ATTACH:
        for name in _HMMLEARN_LOGGERS:
            logger = logging.getLogger(name)
            if _TAKE not in logger.filters:
                logger.addFilter(_TAKE)
    outer = getattr(_TAKE.local, "records", None)  # a block inside a block
    _TAKE.local.records = records = []
    try:
        yield records
    finally:
        _TAKE.local.records = outer


def _warn_from_hmmlearn_log(records, owner, n_states):
    """hmmlearn's log lines of one fit, as this package's warnings.

    - "Some rows of transmat_ have zero sum" (at every EM iteration): dropped,
      :func:`fit_diagonal_hmm` makes such rows uniform;
    - "Fitting a model with N free scalar parameters with only M data
      points": a ``UserWarning`` naming the estimator and ``n_states``;
    - "Model is not converging" (EM's log-likelihood fell): one
      ``ConvergenceWarning`` for the fit, however many iterations fell;
    - anything else: logged again, as hmmlearn would have.
    """
    falls = 0
    for record in records:
        message = record.getMessage()
        if message.startswith("Some rows of transmat_ have zero sum"):
            continue
        if message.startswith("Fitting a model with"):
            warn(
                f"{owner}: {message[0].lower()}{message[1:]} (an HMM of "
                f"n_states={n_states} on the training frames' values); lower "
                "n_states or give more series.", UserWarning)
        elif message.startswith("Model is not converging"):
            falls += 1
        else:
            logging.getLogger(record.name).handle(record)
    if falls:
        warn(
            f"{owner}: the HMM's log-likelihood fell at {falls} EM iteration(s) "
            "(EM never lowers it in exact arithmetic: states with a variance at "
            "hmmlearn's floor, or frames repeated exactly, make it unstable); "
            "the fitted HMM is the last iterate. Lower n_states or max_epochs.",
            ConvergenceWarning)


def _log_emissions(X, means, variances):
    """``log N(x_t; mu_k, diag(var_k))`` of every step and state: ``(n, T, S)``.

    From the centred differences ``x_t - mu_k``, one state at a time (as
    hmmlearn computes it), not the expanded ``x^2 - 2 x mu + mu^2``: on data
    far from 0 in units of its spread (raw values near 1e6 with a spread of 1,
    ``standardize=False``) the expanded terms cancel, off by about
    ``eps * (x / sigma)^2`` (1e-3 there, everything at 1e8).
    """
    quadratic = np.empty(X.shape[:2] + (len(means),))
    for k, (mean, variance) in enumerate(zip(means, variances)):
        quadratic[:, :, k] = ((X - mean) ** 2 / variance).sum(axis=2)
    log_norm = np.log(2.0 * np.pi * variances).sum(axis=1)
    return -0.5 * (quadratic + log_norm)


def _posteriors(log_start, log_trans, log_b, valid):
    """Forward-backward in log space: ``gamma`` ``(n, T, S)``, the summed
    transition posteriors ``xi`` ``(n, S, S)`` and the log-likelihoods.

    The posteriors are ``exp(alpha + beta - log_likelihood)``. On a series
    whose log-likelihood is so large in magnitude (values millions of
    standard deviations from every state, over many steps) that
    ``logsumexp_k(alpha_t(k) + beta_t(k))``, equal to it in exact arithmetic,
    drifts from it by more than ``sqrt(eps)`` at some step, those posteriors
    are off by that drift's exponential (a "probability" of 1e282 was seen):
    there each step's posteriors are normalised by their own logsumexp
    instead, so that they sum to 1 (to about ``eps * |log-likelihood|``: a
    series 1e4 standard deviations out is off by ~2e-6). Other series keep
    the plain form, to the bit.
    """
    n, T, S = log_b.shape
    # forward: alpha stays as it is past a series' end
    alpha = np.empty_like(log_b)
    alpha[:, 0] = log_start + log_b[:, 0]
    for t in range(1, T):
        step = logsumexp(alpha[:, t - 1, :, None] + log_trans, axis=1) + log_b[:, t]
        alpha[:, t] = np.where(valid[:, t, None], step, alpha[:, t - 1])
    log_likelihood = logsumexp(alpha[:, -1], axis=1)
    # backward: beta = 0 from each series' last step on
    beta = np.zeros_like(log_b)
    for t in range(T - 2, -1, -1):
        step = logsumexp(log_trans + (log_b[:, t + 1] + beta[:, t + 1])[:, None, :],
                          axis=2)
        beta[:, t] = np.where(valid[:, t + 1, None], step, 0.0)
    log_gamma = alpha + beta
    step_norm = logsumexp(log_gamma, axis=2)  # (n, T): the log-likelihood, exactly
    drift = np.where(valid, np.abs(step_norm - log_likelihood[:, None]), 0.0)
    plain = ~(drift.max(axis=1) > np.sqrt(np.finfo(np.float64).eps))  # NaN: plain
    norm = np.where(plain[:, None], log_likelihood[:, None], step_norm)
    gamma = np.exp(log_gamma - norm[:, :, None]) * valid[:, :, None]
    # expected transition counts: sum over t of xi_t(i, j), t + 1 inside the series
    xi = np.zeros((n, S, S))
    for t in range(T - 1):
        log_xi = (alpha[:, t, :, None] + log_trans
                  + (log_b[:, t + 1] + beta[:, t + 1])[:, None, :])
        xi_norm = (log_likelihood if plain.all() else
                   np.where(plain, log_likelihood, logsumexp(log_xi, axis=(1, 2))))
        xi += np.exp(log_xi - xi_norm[:, None, None]) * valid[:, t + 1, None, None]
    return gamma, xi, log_likelihood


def _complement_dominant(scores, probabilities):
    """The logits' scores of each probability row (last axis), with the entry
    of a row's dominant probability (above 1/2) replaced by minus the sum of
    the others.

    Each row of scores sums to 0 (posteriors and probabilities both sum to 1).
    The direct score of a probability ``p`` near 1, ``gamma - p`` (or
    ``sum_t xi - p sum_t gamma``), is, on a series that stays in that state, a
    difference of two nearly equal numbers whose rounding (about
    ``eps * |log-likelihood|``, from the posteriors) is all that is left of a
    score of size ``1 - p``: exact 0 with ``p = 1`` (one state), and off by
    5-200% (measured) where EM fitted ``1 - p ~ 1e-14`` (a state the training
    series never leave). The diagonal whitening then divided that noise by its
    own mean square, an O(1) random coordinate. The others' sum adds small,
    accurate terms: exactly 0 when their probabilities are 0 (the posteriors
    of an impossible state are exp(-inf) = 0), accurate when they are tiny.
    With ``p > 1/2`` it is never much less accurate than the direct score
    (either errs by about eps times the series' steps in that state), so it
    is taken in every such row, for every series.
    """
    scores = scores.copy()
    rows = np.atleast_2d(probabilities)
    for r in np.flatnonzero(rows.max(axis=1) > 0.5):
        k = int(rows[r].argmax())
        row = scores[..., r, :] if scores.ndim == 3 else scores
        others = np.delete(row, k, axis=-1).sum(axis=-1)
        row[..., k] = 0.0 - others
    return scores


def hmm_fisher_scores(X, lengths, startprob, transmat, means, variances, *,
                      name="X"):
    """Fisher scores of a diagonal-Gaussian HMM: the gradient of each series'
    log-likelihood with respect to the HMM's parameters.

    Computed exactly from the forward-backward posteriors (state posteriors
    ``gamma_t(k)`` and transition posteriors ``xi_t(i, j)``), for all series at
    once in log space. Parameters are taken in unconstrained form: the start
    and transition probabilities as softmax logits (per row), the emission
    standard deviations as logarithms, so that the gradient lives in the
    parameters' tangent space:

    - start logits: ``gamma_1(i) - pi_i``;
    - transition logits: ``sum_t xi_t(i, j) - A_ij sum_{t<T} gamma_t(i)``;
    - means: ``sum_t gamma_t(k) (x_t - mu_k) / var_k``;
    - log standard deviations: ``sum_t gamma_t(k) ((x_t - mu_k)^2 / var_k - 1)``.

    The start scores, and each row of transition scores, sum to 0; in a row
    with a probability above 1/2, that entry's score is taken as minus the
    others' sum (exactly 0 when their probabilities are 0, as with one state;
    accurate where the probability is 1 - 1e-14, and the direct difference
    rounding noise).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        Values past each series' length are ignored (NaN allowed there).
    lengths : ndarray of shape (n_samples,)
    startprob : ndarray of shape (n_states,)
    transmat : ndarray of shape (n_states, n_states)
    means, variances : ndarray of shape (n_states, n_channels)
    name : str, default="X"
        What the error on a series without a finite score calls the argument
        ``X`` came in ("X", "Y", "X2", ...).

    Returns
    -------
    scores : ndarray of shape (n_samples, n_states + n_states**2 + 2 * n_states * n_channels)
        Start, transition (row-major), mean and log-std gradients, in that
        order.
    log_likelihood : ndarray of shape (n_samples,)
    """
    X = np.asarray(X, dtype=np.float64)
    lengths = np.asarray(lengths, dtype=np.int64)
    n, T, _ = X.shape
    valid = np.arange(T)[None, :] < lengths[:, None]  # (n, T)
    X = np.where(valid[:, :, None], X, 0.0)
    with np.errstate(divide="ignore"):
        log_start, log_trans = np.log(startprob), np.log(transmat)
    # Overflow and invalid values are not reported here: they only arise on
    # steps whose squared distance to a state overflows float64, where an
    # infinite distance is that state's likelihood of 0 (exp(-inf) = 0, the
    # exact limit), or, at every state, a NaN posterior that the check at the
    # end turns into a ValueError naming the series.
    with np.errstate(over="ignore", invalid="ignore"):
        gamma, xi, log_likelihood = _posteriors(log_start, log_trans,
                                                _log_emissions(X, means, variances),
                                                valid)
        # sum_{t < T_i} gamma_t: over the steps a transition leaves from, not
        # all steps minus the last, which cancels for a state entered at the end
        from_state = (gamma[:, :-1] * valid[:, 1:, None]).sum(axis=1)
        d_start = _complement_dominant(gamma[:, 0] - startprob, startprob)
        d_trans = _complement_dominant(xi - transmat[None] * from_state[:, :, None],
                                       transmat)
        # emissions: sums over t of gamma_t(k) times the frame's centred
        # statistics (x_t - mu_k, not x_t and x_t^2, whose sums cancel as the
        # log-densities' would: see _log_emissions)
        occupancy = gamma.sum(axis=1)  # (n, S)
        d_means = np.empty((n, len(means), X.shape[2]))
        d_log_std = np.empty_like(d_means)
        for k, (mean, variance) in enumerate(zip(means, variances)):
            centred = X - mean  # padding: -mean, where gamma is 0
            d_means[:, k] = np.einsum("nt,ntd->nd", gamma[:, :, k], centred) / variance
            squares = np.einsum("nt,ntd->nd", gamma[:, :, k], centred**2)
            d_log_std[:, k] = squares / variance - occupancy[:, k, None]
        scores = np.concatenate([d_start, d_trans.reshape(n, -1),
                                 d_means.reshape(n, -1), d_log_std.reshape(n, -1)],
                                axis=1)
    # a step so far from every state that its squared distance overflows
    # float64 leaves no finite posterior: name the series, not a NaN downstream
    broken = ~np.isfinite(scores).all(axis=1)
    if broken.any():
        i = int(np.flatnonzero(broken)[0])
        raise ValueError(
            f"{name}'s sample {i} has no finite Fisher score: its values (largest "
            f"|value| {np.abs(X[i, :lengths[i]]).max():.3g}) are too far from every "
            "HMM state for float64; rescale the data."
        )
    return scores, log_likelihood
