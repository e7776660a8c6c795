"""hmm_fisher_scores on hard inputs, against brute force over every state path.

The brute force sums the gradient of ``log p(x, path)`` over all ``S**T``
paths of a short series, weighted by their posteriors, in float64 from the
direct formulas (centred ``x - mu``, counts of transitions): no forward-backward,
no expanded quadratics, no differences of sums. The last test checks the
fit itself (fit_diagonal_hmm) against its translation-equivariance.
"""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from sktime_metric.utils._hmm import hmm_fisher_scores


def _enumerated_scores(x, startprob, transmat, means, variances):
    """Scores and log-likelihood of one series ``x`` ``(T, d)`` by enumeration."""
    T, S = len(x), len(startprob)
    paths = np.array(list(itertools.product(range(S), repeat=T)))  # (P, T)
    log_b = -0.5 * (((x[:, None, :] - means) ** 2 / variances)
                    + np.log(2 * np.pi * variances)).sum(axis=2)  # (T, S)
    with np.errstate(divide="ignore"):
        log_p = (np.log(startprob)[paths[:, 0]] + log_b[np.arange(T), paths].sum(1)
                 + np.log(transmat)[paths[:, :-1], paths[:, 1:]].sum(1))
    log_likelihood = logsumexp(log_p)
    weights = np.exp(log_p - log_likelihood)
    # each path's gradient: start and transition logits, means, log std
    in_state = (paths[:, :, None] == np.arange(S)).astype(float)  # (P, T, S)
    start = in_state[:, 0] - startprob
    counts = np.einsum("pti,ptj->pij", in_state[:, :-1], in_state[:, 1:])
    trans = counts - transmat * counts.sum(axis=2, keepdims=True)
    centred = x[:, None, :] - means  # (T, S, d)
    mean = np.einsum("pts,tsd->psd", in_state, centred / variances)
    log_std = np.einsum("pts,tsd->psd", in_state, centred**2 / variances - 1)
    grads = np.concatenate([start, trans.reshape(len(paths), -1),
                            mean.reshape(len(paths), -1),
                            log_std.reshape(len(paths), -1)], axis=1)
    return weights @ grads, log_likelihood


def _check_against_enumeration(X, lengths, params, rtol):
    """Library and brute force agree to ``rtol`` of each score's largest size."""
    scores, log_likelihood = hmm_fisher_scores(X, lengths, *params)
    expected = [_enumerated_scores(x[:n], *params) for x, n in zip(X, lengths)]
    expected_scores = np.array([e[0] for e in expected])
    # each score relative to its own size over the series (what the diagonal
    # whitening divides it by), so that tiny columns count as much as big ones
    size = np.abs(expected_scores).max(axis=0)
    error = np.abs(scores - expected_scores)
    np.testing.assert_array_less(error, np.broadcast_to(rtol * size + 1e-300,
                                                        error.shape))
    np.testing.assert_allclose(log_likelihood, [e[1] for e in expected], rtol=rtol)
    return scores, expected_scores


def test_enumeration_agrees_with_the_scores_on_ordinary_data():
    rng = np.random.RandomState(0)
    params = (rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3), size=3),
              rng.randn(3, 2), rng.uniform(0.5, 2.0, size=(3, 2)))
    X, lengths = rng.randn(3, 6, 2), np.array([6, 4, 5])
    _check_against_enumeration(X, lengths, params, rtol=1e-10)


def test_scores_of_raw_values_far_from_zero_keep_their_precision():
    """Raw values near 1e6 with a spread of 1 (``standardize=False`` on
    sensor counts): the log-densities and the emission scores were sums of
    x^2, -2 x mu and mu^2, ~1e12 each, whose cancellation left errors of
    ~1e-3 of every score (measured; all digits at 1e8)."""
    rng = np.random.RandomState(1)
    offset = np.array([1e6, -3e5])
    params = (np.array([0.5, 0.25, 0.25]), rng.dirichlet(np.ones(3), size=3),
              offset + rng.randn(3, 2), rng.uniform(0.5, 2.0, size=(3, 2)))
    X, lengths = offset + rng.randn(4, 6, 2), np.array([6, 6, 5, 3])
    _check_against_enumeration(X, lengths, params, rtol=1e-9)


def test_scores_of_near_certain_probabilities_are_not_rounding_noise():
    """A start or transition probability of 1 - 2**-46 (~1.4e-14: a state that
    the training series never leave, as EM fits it), on series that stay in
    that state: its score gamma_1 - pi (or sum_t xi - A sum_t gamma) is a
    difference of two numbers near 1 (or near the series' length) that agree
    to ~1e-14, and came out as their rounding noise, off by 25% of the
    score's size here (200% over 30 steps), which the diagonal whitening then
    scales to O(1). Minus the sum of the row's other scores (tiny, accurate)
    is exact."""
    gap = 2.0**-46  # dyadic, so that each row sums to 1 exactly
    startprob = np.array([1 - gap, gap / 2, gap / 2])
    transmat = np.array([[1 - gap, gap / 2, gap / 2],
                         [0.25, 0.5, 0.25],
                         [0.25, 0.25, 0.5]])
    means, variances = np.array([[-5.0, 0.0], [0.0, 0.0], [5.0, 0.0]]), np.ones((3, 2))
    rng = np.random.RandomState(2)
    X = np.array([-5.0, 0.0]) + rng.randn(4, 6, 2)
    X[3, 2] = [-2.5, 0.0]  # one step between two states
    _check_against_enumeration(X, np.array([6, 6, 5, 6]),
                               (startprob, transmat, means, variances), rtol=1e-9)


def test_transition_scores_of_a_state_entered_only_at_the_end_are_exact():
    """Series that reach a state (a rest level) at their last step only: the
    posterior time spent there before the end, from which transitions leave,
    is at most ~1e-15, and was the sum over all steps minus the last
    (~1 + 1e-15 - 1): rounding noise of ~3e-17 in that row's scores, 3% of
    their size here (2% on an HMM fitted to such series), scaled with them
    to O(1) by the diagonal whitening."""
    startprob, transmat = np.array([0.75, 0.25]), np.array([[0.75, 0.25],
                                                            [0.5, 0.5]])
    means, variances = np.array([[0.0], [10.0]]), np.ones((2, 1))
    X = np.random.RandomState(3).randn(4, 6, 1)
    lengths = np.array([6, 5, 6, 4])
    X[np.arange(4), lengths - 1] += 10.0
    _check_against_enumeration(X, lengths, (startprob, transmat, means, variances),
                               rtol=1e-9)


def test_the_fit_to_raw_values_far_from_zero_is_the_offset_free_fit_shifted():
    """Raw values near 1e6 with a spread of 1 (``standardize=False``): an HMM
    with Gaussian emissions is translation-equivariant (means shift, nothing
    else moves), but hmmlearn's M-step takes each variance as
    sum(g x^2) - 2 mu sum(g x) + mu^2 sum(g), ~1e12 per frame, which cancels
    to ~eps * 1e12: variances were off by ~1e-3 relative here, and the scores
    with them (measured; NaN variances at 1e8). Storing offset + x rounds each
    value by up to eps * |offset| / 2, so the two fits can only agree to about
    that (in units of the spread, 1): allowed 100 times it (4.4e-8), for
    EM's and forward-backward's amplification; measured 5e-12 to 2e-10."""
    pytest.importorskip("hmmlearn.hmm")
    from sktime_metric.metric import FisherVectorEmbedder

    rng = np.random.RandomState(4)
    states = np.cumsum(rng.rand(20, 30) < 0.1, axis=1) % 2  # runs of ~10 steps
    X = np.array([[0.0, 0.0], [8.0, -8.0]])[states] + rng.randn(20, 30, 2)
    offset = np.array([1e6, -2e6])
    tol = 100 * np.finfo(np.float64).eps * np.abs(offset).max()
    fits = [FisherVectorEmbedder(n_states=2, standardize=False, random_state=0)
            .fit(X + shift) for shift in (0.0, offset)]
    plain, far = fits
    np.testing.assert_allclose(far.means_ - offset, plain.means_, rtol=0, atol=tol)
    np.testing.assert_allclose(far.variances_, plain.variances_, rtol=tol)
    np.testing.assert_allclose(far.startprob_, plain.startprob_, rtol=0, atol=tol)
    np.testing.assert_allclose(far.transmat_, plain.transmat_, rtol=0, atol=tol)
    embeddings = [fit.transform(X + shift) for fit, shift in zip(fits, (0.0, offset))]
    np.testing.assert_allclose(embeddings[1], embeddings[0], rtol=0,
                               atol=tol * np.abs(embeddings[0]).max())


def test_rows_of_states_never_left_are_uniform_over_all_states():
    """Series of one step show no transition: each zero row of hmmlearn's
    transmat_ becomes 1 / n_states in every entry (with 3 states, not 1/2)."""
    pytest.importorskip("hmmlearn.hmm")
    import warnings

    from sktime_metric.utils._hmm import fit_diagonal_hmm

    X = (np.repeat([0.0, 5.0, 10.0], 4) + 0.1 * np.arange(12))[:, None, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few frames for the parameters
        _, transmat, _, _ = fit_diagonal_hmm(
            X, np.ones(12, int), n_states=3, max_epochs=5, tol=1e-3,
            random_state=0, owner="test")
    np.testing.assert_array_equal(transmat, np.full((3, 3), 1 / 3))


def test_a_log_block_inside_a_block_gives_the_outer_its_records_back():
    import logging

    from sktime_metric.utils._hmm import _hmmlearn_log_taken

    logger = logging.getLogger("hmmlearn.base")
    with _hmmlearn_log_taken() as outer:
        with _hmmlearn_log_taken() as inner:
            logger.warning("inner line")
        logger.warning("outer line")
    assert [r.getMessage() for r in inner] == ["inner line"]
    assert [r.getMessage() for r in outer] == ["outer line"]


def test_values_past_a_series_length_are_ignored_whatever_they_are():
    # padding of NaN, or of any finite value however large: the same scores
    rng = np.random.RandomState(5)
    params = (rng.dirichlet(np.ones(2)), rng.dirichlet(np.ones(2), size=2),
              rng.randn(2, 1), rng.uniform(0.5, 2.0, size=(2, 1)))
    X, lengths = rng.randn(3, 6, 1), np.array([6, 3, 4])
    padding = np.arange(6)[None, :] >= lengths[:, None]
    scores = []
    for value in (np.nan, 1e300, -7.0):
        padded = X.copy()
        padded[padding] = value
        scores.append(hmm_fisher_scores(padded, lengths, *params))
    for other in scores[1:]:
        np.testing.assert_array_equal(other[0], scores[0][0])
        np.testing.assert_array_equal(other[1], scores[0][1])


def test_k_means_finding_fewer_clusters_than_states_is_not_a_warning():
    """Frames of two distinct values and three states: the fit is still a
    valid HMM, and scikit-learn's k-means warning is not passed on."""
    pytest.importorskip("hmmlearn.hmm")
    import warnings

    from sktime_metric.utils._hmm import fit_diagonal_hmm

    X = np.repeat([0.0, 1.0], 20).reshape(4, 10, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_diagonal_hmm(X, np.full(4, 10), n_states=3, max_epochs=2, tol=1e-3,
                         random_state=0, owner="test")
    assert not [w for w in caught if "distinct clusters" in str(w.message)]
