"""Estimators used from several threads, as scikit-learn users meet it.

joblib's "threading" backend (``cross_val_score(n_jobs=2)`` inside
``parallel_backend("threading")``, a ``Parallel`` over clones) fits in
threads of one process, and a fitted model may serve predictions to several
threads. Results must be those of sequential use, to float32 rounding (the
BLAS a fit or a prediction calls may split its work by the threads free at
that moment: measured, an HMM fitted in a joblib thread differed from the
sequential fit by 2e-13 with 2 BLAS threads, and by nothing with 1), and the
process's warning filters and recorders must be left as they were. Verdicts
compare with sequential runs and never depend on thread timing: where a test
needs two threads inside a region at once, events order them.
"""

import threading
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score

from sktime_metric.classification import FisherKernelClassifier, NaiveLogisticClassifier

from ._registry import (
    ESTIMATORS,
    contract_data,
    estimator_id,
    estimator_output,
    registered,
    targets_for,
)

_TIMEOUT = 60  # seconds: a safety net against a deadlock, never a verdict


@pytest.fixture(scope="module")
def labelled():
    """The sequence contract's data: variable length, string labels."""
    return contract_data()


def _assert_same(est, actual, expected):
    """Equal to float32 rounding in the output's units, as the sequence
    contract compares (a regressor's module output is scaled by y_scale_)."""
    np.testing.assert_allclose(actual, expected, rtol=1e-5,
                               atol=1e-6 * getattr(est, "y_scale_", 1.0))


def _in_threads(*functions):
    """Run each function in its own thread; their results, or the first error."""
    results, errors = [None] * len(functions), []

    def run(i, function):
        try:
            results[i] = function()
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, f), daemon=True,
                                name=getattr(f, "__name__", None))
               for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "deadlock"
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=estimator_id)
def test_threads_give_the_sequential_results(estimator, labelled):
    """Fits in joblib's threads and predictions from several threads at once
    on one fitted model equal sequential ones (to float32 rounding: a race on
    a model's state or on torch's generator is off by far more)."""
    X, y = labelled
    y = targets_for(estimator, y)
    fitted = clone(estimator).fit(X, y)
    whole, part = estimator_output(fitted, X), estimator_output(fitted, X[5:12])
    start = threading.Barrier(4, timeout=_TIMEOUT)  # all four predict at once

    def predict(rows):
        start.wait()
        return [estimator_output(fitted, X[rows]) for _ in range(2)]

    outputs = _in_threads(*[lambda r=rows: predict(r)
                            for rows in (slice(None), slice(5, 12)) * 2])
    for expected, repeated in zip((whole, part) * 2, outputs):
        for out in repeated:
            _assert_same(fitted, out, expected)
    fits = joblib.Parallel(n_jobs=2, backend="threading", timeout=_TIMEOUT)(
        joblib.delayed(clone(estimator).set_params(random_state=seed).fit)(X, y)
        for seed in (0, 1)
    )
    _assert_same(fitted, estimator_output(fits[0], X), whole)


@pytest.mark.parametrize("cls", [NaiveLogisticClassifier, FisherKernelClassifier])
def test_cross_val_score_in_threads_is_sequential_score(cls, labelled):
    # a torch model (trained under the fit lock) and an HMM (no torch, no lock)
    X, y = labelled
    estimator = registered(cls)
    expected = cross_val_score(clone(estimator), X, y, cv=3)
    with joblib.parallel_backend("threading", n_jobs=2):
        scores = cross_val_score(clone(estimator), X, y, cv=3, n_jobs=2)
    np.testing.assert_array_equal(scores, expected)


@pytest.fixture
def in_hmm_filter(monkeypatch):
    """``in_hmm_filter(hook)``: hmmlearn's EM, which a Fisher-kernel fit runs
    inside its filter of k-means' "Number of distinct clusters" warning, calls
    ``hook()`` first (in the fitting thread)."""
    hmm = pytest.importorskip("hmmlearn.hmm")
    fit = hmm.GaussianHMM.fit

    def use(hook):
        def fit_after_hook(self, *args, **kwargs):
            hook()
            return fit(self, *args, **kwargs)

        monkeypatch.setattr(hmm.GaussianHMM, "fit", fit_after_hook)

    return use


def _wait(event):
    assert event.wait(_TIMEOUT)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_fit_in_a_thread_leaves_another_threads_recorder_alone(labelled,
                                                                 in_hmm_filter):
    """A user's ``catch_warnings(record=True)`` in one thread, opened while a
    Fisher-kernel fit in another thread filters a k-means warning and still
    open when that fit ends, records the ``ConvergenceWarning`` of its own fit;
    and the process's filters are left as they were.

    Before the fix, the fit's ``catch_warnings`` exit reinstated the filters
    and ``showwarning`` it had saved: the user's recorder was gone, the
    warning went to stderr, and the user's exit put back the fit's "ignore"
    filter for the rest of the process.
    """
    X, y = labelled
    constant = np.ones_like(X[:, :6])  # no model can learn from these
    inside, recording, fitted = threading.Event(), threading.Event(), threading.Event()
    in_hmm_filter(lambda: (inside.set(), _wait(recording)))
    before = list(warnings.filters)

    def fisher_fit():
        clone(registered(FisherKernelClassifier)).fit(constant, y)
        fitted.set()

    def user():
        _wait(inside)  # the fit is inside its filter
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            recording.set()
            _wait(fitted)  # the fit has left its filter
            clone(registered(NaiveLogisticClassifier)).fit(constant, y)
        return [str(w.message) for w in caught if w.category is ConvergenceWarning]

    _, recorded = _in_threads(fisher_fit, user)
    assert any("NaiveLogisticClassifier did not learn" in m for m in recorded)
    assert warnings.filters == before


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fits_in_threads_leave_the_warning_filters_as_they_were(labelled,
                                                                in_hmm_filter):
    """Two Fisher-kernel fits inside their k-means warning filters at once,
    the first in leaving first: no filter outlives them (before the fix, the
    second's exit put back the first's "ignore" filter)."""
    X, y = labelled
    constant = np.ones_like(X[:, :6])  # k-means finds one distinct cluster
    first_in, second_in, first_done = (threading.Event() for _ in range(3))

    def hook():
        if threading.current_thread().name == "first":
            first_in.set()
            _wait(second_in)
        else:
            second_in.set()
            _wait(first_done)

    in_hmm_filter(hook)
    before = list(warnings.filters)
    estimator = registered(FisherKernelClassifier)

    def first():
        clone(estimator).fit(constant, y)
        first_done.set()

    def second():
        _wait(first_in)
        clone(estimator).fit(constant, y)

    _in_threads(first, second)
    assert warnings.filters == before


@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
def test_a_convergence_warning_of_a_fit_in_a_thread_reaches_the_user(labelled):
    X, y = labelled
    constant = np.ones_like(X[:, :6])  # no model can learn from these
    with pytest.warns(ConvergenceWarning, match="did not learn"):
        with joblib.parallel_backend("threading", n_jobs=2):
            cross_val_score(clone(registered(NaiveLogisticClassifier)), constant, y,
                            cv=2, n_jobs=2)
