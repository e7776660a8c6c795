"""FisherVectorEmbedder: the HMM's exact Fisher scores as an embedding."""

import warnings

import numpy as np
import pytest

from sktime_metric.classification import FisherKernelClassifier
from sktime_metric.metric import FisherVectorEmbedder
from sktime_metric.utils._hmm import hmm_fisher_scores
from sktime_metric.utils.validation import validate_sequences

pytest.importorskip("hmmlearn.hmm")


def _regimes(n, random_state):
    """Two classes with the same frames in distribution and different dynamics:
    long runs of one level (class 0) or a level switching at every step (1)."""
    rng = np.random.default_rng(random_state)
    X = np.full((n, 40, 1), np.nan)
    y = np.arange(n) % 2
    for i in range(n):
        length = rng.integers(20, 41)
        run = 10 if y[i] == 0 else 1
        levels = np.where((np.arange(length) // run + rng.integers(2)) % 2, 1.0, -1.0)
        X[i, :length, 0] = levels + 0.3 * rng.standard_normal(length)
    return X, y


def test_transform_is_the_whitened_exact_scores():
    X, _ = _regimes(30, 0)
    embedder = FisherVectorEmbedder(n_states=2, random_state=0).fit(X)
    Z = embedder.transform(X)
    # the same HMM's scores, recomputed on the standardised series
    X_std = (X - embedder.mean_) / embedder.scale_
    _, lengths = validate_sequences(embedder, X, reset=False)
    raw, _ = hmm_fisher_scores(X_std, lengths, embedder.startprob_, embedder.transmat_,
                               embedder.means_, embedder.variances_)
    np.testing.assert_allclose(Z * embedder.fisher_scale_, raw, rtol=1e-10, atol=1e-10)
    assert Z.shape == (30, embedder.n_components_) == (30, 2 + 4 + 2 * 2 * 1)
    # diagonal whitening: every score that varies has mean square 1 on the
    # training series; "identity" keeps the raw gradients (the paper's U = I)
    varying = raw.std(axis=0) > 1e-8
    np.testing.assert_allclose(np.mean(Z[:, varying] ** 2, axis=0), 1.0, rtol=1e-10)
    identity = FisherVectorEmbedder(n_states=2, fisher_information="identity",
                                    random_state=0).fit(X)
    np.testing.assert_array_equal(identity.fisher_scale_, 1.0)
    np.testing.assert_allclose(identity.transform(X), raw, rtol=1e-10, atol=1e-10)


def test_max_epochs_and_tol_reach_the_em():
    # EM stops after 2 iterations either way: 2 epochs, or a gain below a huge
    # tol (hmmlearn checks it from the 2nd); the default runs on
    X, _ = _regimes(20, 0)
    by_tol = FisherVectorEmbedder(n_states=2, tol=1e9, random_state=0).fit(X)
    by_epochs = FisherVectorEmbedder(n_states=2, max_epochs=2, tol=0,
                                     random_state=0).fit(X)
    converged = FisherVectorEmbedder(n_states=2, random_state=0).fit(X)
    for name in ("startprob_", "transmat_", "means_", "variances_"):
        np.testing.assert_allclose(getattr(by_tol, name), getattr(by_epochs, name),
                                   rtol=1e-12, atol=1e-15)
    assert np.abs(by_tol.means_ - converged.means_).max() > 0.1


def test_scores_that_are_always_zero_stay_zero():
    # one state: its start and transition gradients, gamma_1 - 1 and
    # sum_t xi - A sum_t gamma with A = 1, are exactly 0 on every series, a
    # mean square of 0 that the whitening must not divide by. Computed as
    # differences of equal sums they were rounding noise (~1e-14), which the
    # whitening scaled up to a random coordinate of mean square 1
    X, _ = _regimes(10, 0)
    embedder = FisherVectorEmbedder(n_states=1, random_state=0).fit(X)
    Z = embedder.transform(X)
    assert Z.shape == (10, 1 + 1 + 2) and np.isfinite(Z).all()
    np.testing.assert_array_equal(Z[:, :2], 0.0)
    np.testing.assert_array_equal(embedder.fisher_scale_[:2], 1.0)
    np.testing.assert_array_equal(embedder.transform(_regimes(6, 1)[0])[:, :2], 0.0)


def test_a_series_too_far_for_float64_is_named():
    X, _ = _regimes(10, 0)
    embedder = FisherVectorEmbedder(n_states=2, random_state=0).fit(X)
    X = X[:3].copy()
    X[1, 4, 0] = 1e200  # its squared distance to every state overflows
    # the error, and no numpy RuntimeWarning ("overflow encountered") before it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="X's sample 1 has no finite Fisher score"):
            embedder.transform(X)
    # the distances name the argument the series came in, not X
    with pytest.raises(ValueError, match="^Y's sample 1 has no finite Fisher score"):
        embedder.pairwise_distances(X[[0, 2]], X)
    with pytest.raises(ValueError, match="^v's sample 0 has no finite Fisher score"):
        embedder.get_metric()(X[0], X[1])


def test_posteriors_of_a_series_far_from_every_state_stay_probabilities():
    """Values 1e6 standard deviations out, over 1000 steps: a log-likelihood
    of about -1e14 x 1000, whose rounding made exp(alpha + beta - loglik) a
    "posterior" of up to 1e282, silently (no warning, finite scores)."""
    X, _ = _regimes(20, 0)
    embedder = FisherVectorEmbedder(n_states=3, fisher_information="identity",
                                    random_state=0).fit(X)
    far = np.random.default_rng(0).standard_normal((3, 1000, 1)) * 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = embedder.transform(far)
    d_start, d_trans = scores[:, :3], scores[:, 3:12].reshape(3, 3, 3)
    # gamma_1 - pi and sum_t xi - A sum_t gamma: posteriors in [0, 1] that sum
    # to 1 give start scores in [-1, 1] summing to 0, transition rows summing
    # to 0 with entries at most the 999 transitions
    assert np.all(np.abs(d_start) <= 1 + 1e-12)
    np.testing.assert_allclose(d_start.sum(axis=1), 0.0, atol=1e-9)
    assert np.all(np.abs(d_trans) <= 999 * (1 + 1e-12))
    np.testing.assert_allclose(d_trans.sum(axis=2), 0.0, atol=1e-9)


def test_posteriors_of_a_series_far_enough_to_drift_a_little_are_normalised():
    """Values 1e4 standard deviations out: the log-likelihood's rounding
    drifts by about 1e-4 (more than sqrt(eps), less than 1e-3), where
    neighbouring states share the posteriors: each step's posteriors are
    still normalised (start scores summing to 0), not exp(alpha + beta -
    loglik) off by that drift."""
    startprob, transmat = np.full(3, 1 / 3), np.full((3, 3), 1 / 3)
    means, variances = np.array([[-1.0], [0.0], [1.0]]), np.ones((3, 1))
    X = np.random.default_rng(0).standard_normal((3, 1000, 1)) * 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores, _ = hmm_fisher_scores(X, np.full(3, 1000), startprob, transmat,
                                      means, variances)
    d_start = scores[:, :3]
    assert np.all(np.abs(d_start) <= 1 + 1e-12)
    np.testing.assert_allclose(d_start.sum(axis=1), 0.0, atol=1e-12)


def test_labels_are_not_used():
    X, y = _regimes(20, 1)
    a = FisherVectorEmbedder(n_states=2, random_state=0).fit(X).transform(X)
    b = FisherVectorEmbedder(n_states=2, random_state=0).fit(X, y).transform(X)
    np.testing.assert_array_equal(a, b)


def test_pair_distances_are_euclidean_between_embeddings():
    X, _ = _regimes(12, 2)
    embedder = FisherVectorEmbedder(n_states=2, random_state=0).fit(X)
    Z = embedder.transform(X)
    expected = np.sqrt(((Z[:, None] - Z[None]) ** 2).sum(-1))
    # scikit-learn's matrix form |a|^2 + |b|^2 - 2 a.b cancels to ~1e-8 of the
    # norms on the diagonal, in float64
    atol = 1e-7 * np.linalg.norm(Z, axis=1).max()
    np.testing.assert_allclose(embedder.pairwise_distances(X), expected, atol=atol)
    np.testing.assert_allclose(embedder.pair_distance(X[:4], X[4:8]),
                               expected[np.arange(4), np.arange(4, 8)], atol=atol)


@pytest.mark.learning
@pytest.mark.parametrize("random_state", range(3))
def test_separates_classes_that_differ_only_in_dynamics(random_state):
    # pair AUC on new series, measured over seeds 0-4 and both kernel
    # settings: 0.875-0.975 (chance 0.5); the transition gradients carry it
    X, y = _regimes(80, random_state)
    embedder = FisherVectorEmbedder(n_states=2, random_state=random_state).fit(X[:40])
    assert embedder.score(X[40:], y[40:]) > 0.75


@pytest.mark.parametrize("fisher", [FisherVectorEmbedder, FisherKernelClassifier])
def test_a_state_never_left_in_training_gets_uniform_transitions(fisher):
    """Series of one step show no transition: hmmlearn leaves zero rows in
    transmat_, which made every longer series impossible (a NaN Fisher score,
    refused as values "too far from every HMM state")."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 1, 1)) + np.repeat([0.0, 4.0], 6)[:, None, None]
    y = np.repeat([0, 1], 6)
    model = fisher(n_states=2, max_epochs=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(model.transmat_.sum(axis=1), 1.0)
    longer = rng.normal(size=(4, 5, 1))
    out = (model.predict_proba(longer) if hasattr(model, "predict_proba")
           else model.transform(longer))
    assert np.isfinite(out).all()


def test_hmmlearn_missing_is_named(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_hmmlearn(name, *args, **kwargs):
        if name.startswith("hmmlearn"):
            raise ImportError("no hmmlearn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_hmmlearn)
    X, _ = _regimes(6, 0)
    with pytest.raises(ImportError, match=r"FisherVectorEmbedder fits its HMM with hmmlearn"):
        FisherVectorEmbedder(n_states=2).fit(X)


def _hmmlearn_records(caplog):
    return [r for r in caplog.records if r.name.startswith("hmmlearn")]


@pytest.mark.filterwarnings("ignore:FisherKernelClassifier did not learn")
@pytest.mark.parametrize("fisher", [FisherVectorEmbedder, FisherKernelClassifier])
def test_hmmlearn_log_lines_are_dropped_or_become_warnings(fisher, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 6)
    # series of one step: "Some rows of transmat_ have zero sum" at every EM
    # iteration, which the fit already repairs (uniform rows): dropped
    X = rng.normal(size=(12, 1, 1)) + np.repeat([0.0, 4.0], 6)[:, None, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fisher(n_states=2, max_epochs=5, random_state=0).fit(X, y)
    assert _hmmlearn_records(caplog) == []
    # more free parameters than values: hmmlearn's line, as our warning
    X = rng.normal(size=(4, 3, 1))
    with pytest.warns(UserWarning, match=r"(Embedder|Classifier): fitting a model "
                      r"with \d+ free scalar parameters with only 12 data "
                      r"points.*n_states=5") as record:
        fisher(n_states=5, max_epochs=5, random_state=0).fit(X, [0, 1, 0, 1])
    assert record[0].filename == __file__  # points at the user's fit
    assert _hmmlearn_records(caplog) == []
    # outside our fits every line passes, and fits attach nothing more
    logging.getLogger("hmmlearn.base").warning("the user's own hmmlearn")
    assert [r.getMessage() for r in _hmmlearn_records(caplog)] == [
        "the user's own hmmlearn"]
    fisher(n_states=2, max_epochs=2, random_state=0).fit(X, [0, 1, 0, 1])
    for name in ("hmmlearn.base", "hmmlearn.hmm"):
        assert len(logging.getLogger(name).filters) <= 1
    assert logging.getLogger("hmmlearn").filters == []


@pytest.mark.parametrize("falls", [1, 3])
def test_a_falling_em_log_likelihood_is_one_convergence_warning(monkeypatch, caplog,
                                                                falls):
    import logging

    from hmmlearn.hmm import GaussianHMM
    from sklearn.exceptions import ConvergenceWarning

    fit = GaussianHMM.fit

    def falling(self, *args, **kwargs):  # what hmmlearn's monitor logs
        for _ in range(falls):
            logging.getLogger("hmmlearn.base").warning(
                "Model is not converging.  Current: -10.0 is not greater than -9.0."
                " Delta is -1.0")
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(GaussianHMM, "fit", falling)
    X, _ = _regimes(10, 0)
    with pytest.warns(ConvergenceWarning,
                      match=f"fell at {falls} EM iteration") as record:
        FisherVectorEmbedder(n_states=2, random_state=0).fit(X)
    caught = [w for w in record if w.category is ConvergenceWarning]
    assert len(caught) == 1
    assert caught[0].filename == __file__  # points at the user's fit
    assert _hmmlearn_records(caplog) == []


def test_other_threads_hmmlearn_log_lines_pass(caplog):
    import logging
    import threading

    from sktime_metric.utils._hmm import _hmmlearn_log_taken

    log = logging.getLogger("hmmlearn.base")
    with _hmmlearn_log_taken() as taken:
        log.warning("this thread")
        logging.getLogger("hmmlearn.hmm").warning("its models' module")
        other = threading.Thread(target=log.warning, args=("other thread",))
        other.start()
        other.join()
    assert [r.getMessage() for r in taken] == ["this thread", "its models' module"]
    assert [r.getMessage() for r in _hmmlearn_records(caplog)] == ["other thread"]


def test_hmmlearn_log_lines_are_taken_without_thread_ids_in_records(monkeypatch):
    # logging.logThreads = False (a documented setting) leaves record.thread
    # None: the lines were then never taken and went out as hmmlearn's
    import logging

    from sktime_metric.utils._hmm import _hmmlearn_log_taken

    monkeypatch.setattr(logging, "logThreads", False)
    with _hmmlearn_log_taken() as taken:
        logging.getLogger("hmmlearn.base").warning("this thread")
    assert [r.getMessage() for r in taken] == ["this thread"]
