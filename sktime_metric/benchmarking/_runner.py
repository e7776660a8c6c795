"""Fitting, timing and scoring the registered estimators on one split."""

import sys
import time
import warnings
from numbers import Integral

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from skorch.callbacks import Callback

from ..utils._sklearn_compat import Interval, validate_params
from ._registry import DATASETS, ESTIMATORS, MODES, QUICK_SIZES, check_requirements
from ._resampling import _dataset, stratified_resample, stratified_subsample

__all__ = ["evaluate", "run_benchmark"]


class _EpochTick(Callback):
    """Advances a progress bar once per epoch.

    A module-level class whose bar is left out of its pickled state: the
    fitted network holds the callback, and must pickle as any fitted
    estimator does (a class local to a function cannot be pickled).
    """

    def __init__(self, bar):
        self.bar = bar

    def on_epoch_end(self, net, **kwargs):
        if self.bar is not None:
            self.bar.update(1)

    def __getstate__(self):
        return {**self.__dict__, "bar": None}


def _epoch_bar(estimator, desc, progress):
    """A tqdm bar on stderr that a skorch callback advances once per epoch.

    Returns the bar and a function that gives the estimator its own
    ``callbacks`` back, to be called once it is fitted: the estimator is the
    caller's, and neither its parameters nor a later ``clone`` of it should
    keep the bar's callback (nor gain one more on every call).
    """
    from tqdm.auto import tqdm

    params = estimator.get_params()
    epochs = params.get("max_epochs")
    bar = tqdm(total=epochs or 1, desc=desc, unit="epoch" if epochs else "fit",
               file=sys.stderr, disable=not progress, leave=True)
    if not (progress and "callbacks" in params):
        return bar, lambda: None
    own = params["callbacks"]
    estimator.set_params(callbacks=[*(own or []), _EpochTick(bar)])
    return bar, lambda: estimator.set_params(callbacks=own)


def _trains_with_torch(estimator):
    """Whether ``estimator`` or a step of it has a torch ``optimizer`` (the
    skorch convention every network here follows)."""
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") \
        else {}
    return any(key.rpartition("__")[2] == "optimizer" for key in params)


_torch_warm = False


def _warm_up_torch():
    """Create a throwaway torch optimizer, once per process.

    The first optimizer torch creates imports ``torch._dynamo`` (about 1 s,
    several on a loaded machine), which the first network's ``fit_s`` would
    otherwise carry: timings are to exclude one-off start-up costs.
    """
    global _torch_warm
    if not _torch_warm:
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.0)
        _torch_warm = True


def _reissue(caught, label):
    """Issue the recorded warnings ``caught`` again, each message opened by
    ``label`` (the row), with its own category and the place it was raised from.

    Under the caller's filters, without a registry: each fit's warnings are
    shown, and say which fit they came from. (A show-once registry could not
    outlive the next ``catch_warnings``: changing the filters empties them all.)
    """
    for w in caught:
        try:
            message = w.category(f"{label}: {w.message}")
        except Exception:  # noqa: BLE001 (a category that takes other arguments)
            message = w.message
        warnings.warn_explicit(message, w.category, w.filename, w.lineno,
                               source=w.source)


# prefer_skip_nested_validation=False: the estimators' own checks must run
@validate_params(
    {"resample": [Interval(Integral, 0, None, closed="left")]},
    prefer_skip_nested_validation=False,
)
def evaluate(name, estimator, X_train, y_train, X_test, y_test, *, dataset="",
             progress=False, extra=None, resample=0):
    """Fit ``estimator``, time ``fit`` and ``predict`` and score it.

    Parameters
    ----------
    name : str
        Row label.
    estimator : classifier
        Unfitted; it is fitted in place.
    X_train, y_train, X_test, y_test : array-like
        One split, in the project's data format.
    dataset : str, default=""
        Dataset label of the row.
    progress : bool, default=False
        Show a progress bar on stderr (per epoch for skorch-based estimators).
    extra : callable or None, default=None
        ``extra(name, fitted_estimator) -> dict`` of further measurements added
        to the result (e.g. accuracy on freshly perturbed training data).
    resample : int, default=0
        The resample the split is (:func:`run_benchmark`'s ``resample``), at
        least 0; named in the warnings' label when above 0. Not a key of the
        result (:func:`run_benchmark` adds it).

    Returns
    -------
    result : dict
        Keys :data:`COLUMNS`: ``accuracy`` on the test split, ``fit_s`` and
        ``predict_s`` wall-clock seconds, ``epochs`` trained and ``epoch_s`` the
        median seconds per epoch, both None for estimators without ``history_``.
        Two more keys: ``convergence_warnings``, how many scikit-learn
        ``ConvergenceWarning`` ``fit`` raised (they are still issued), and
        ``predicted_classes``, how many distinct labels ``predict`` returned on
        the test split (1: the fit collapsed to one class);
        plus the keys ``extra`` returns.

    Notes
    -----
    The warnings ``fit`` raised are issued again once it returns, each message
    opened by the row's label (``"dataset/name: "``, ``"dataset/name
    (resample i): "`` for a resample), with its category and the file and line
    it was raised from: the caller's filters apply to them, and each fit's
    warnings are shown, under its own label.

    The warnings are counted with ``warnings.catch_warnings(record=True)``,
    whose recorder is the whole process's before Python 3.14: calls run at
    once in threads count each other's warnings. Run them one at a time, as
    :func:`run_benchmark` does, or in processes (joblib's default "loky"
    backend).

    Examples
    --------
    >>> from sktime_metric.benchmarking import evaluate
    >>> from sktime_metric.classification import RNNClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=40, random_state=0)
    >>> gru = RNNClassifier(hidden_size=8, lr=0.03, max_epochs=10, tol=None,
    ...                     random_state=0)
    >>> result = evaluate("gru", gru, X[:30], y[:30], X[30:], y[30:], dataset="toy",
    ...                   extra=lambda name, fitted: {"classes": len(fitted.classes_)})
    >>> result["dataset"], result["name"], result["n_train"], result["n_test"]
    ('toy', 'gru', 30, 10)
    >>> result["epochs"], result["classes"], 0 <= result["accuracy"] <= 1
    (10, 3, True)
    >>> sorted(result)  # doctest: +NORMALIZE_WHITESPACE
    ['accuracy', 'classes', 'convergence_warnings', 'dataset', 'epoch_s', 'epochs',
     'fit_s', 'n_test', 'n_train', 'name', 'predict_s', 'predicted_classes']
    """
    if _trains_with_torch(estimator):
        _warm_up_torch()  # untimed, like predict's warm-up below
    label = f"{dataset}/{name}" if dataset else name
    bar, restore_callbacks = _epoch_bar(estimator, label, progress)
    try:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)  # count each one
            estimator.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        # recorded, not swallowed: the caller's filters apply
        _reissue(caught, f"{label} (resample {resample})" if resample else label)
        estimator.predict(X_test[:1])  # warm-up: one-off JIT compilation
        start = time.perf_counter()
        y_pred = estimator.predict(X_test)
        predict_s = time.perf_counter() - start
    finally:
        restore_callbacks()
        bar.n = bar.total  # non-neural estimators and early stopping
        bar.close()
    history = getattr(estimator, "history_", None)
    # no epoch (a fit that could not train) records no "dur"
    durations = [] if not history else history[:, "dur"]
    measured = {} if extra is None else extra(name, estimator)
    return {
        **measured,
        "dataset": dataset,
        "name": name,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "accuracy": float(accuracy_score(y_test, y_pred)),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "epochs": len(durations) if history is not None else None,
        "epoch_s": float(np.median(durations)) if len(durations) else None,
        "convergence_warnings": sum(issubclass(w.category, ConvergenceWarning)
                                    for w in caught),
        "predicted_classes": int(len(np.unique(y_pred))),
    }


# prefer_skip_nested_validation=False: the estimators' own checks must run
@validate_params(
    {
        "random_state": [Interval(Integral, 0, None, closed="left")],
        "progress": ["boolean"],
        "threads": [Interval(Integral, 1, None, closed="left"), None],
        "resample": [Interval(Integral, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=False,
)
def run_benchmark(dataset="japanese_vowels", estimators=None, mode="default",
                  random_state=0, progress=True, *, data=None, params=None,
                  threads=1, extra=None, resample=0):
    """Run registered estimators on one dataset, all on the same split.

    Parameters
    ----------
    dataset : str, default="japanese_vowels"
        A key of :data:`DATASETS`, or only a label when ``data`` is given.
    estimators : list of str or None, default=None
        Keys of :data:`ESTIMATORS`; None runs them all, in registry order.
    mode : {"quick", "fast", "default", "full"}, default="default"
        See the module docstring.
    random_state : int, default=0
        Seeds the estimators and the quick-mode subsample; at least 0.
    progress : bool, default=True
        Progress bars on stderr.
    data : tuple or None, default=None
        ``(X_train, y_train, X_test, y_test)`` to use instead of loading
        ``dataset``, in the data format (a list of series of different
        lengths, or a 2-D array of univariate series, is made the NaN-padded
        3-D array first).
    params : dict or None, default=None
        ``{name: {parameter: value}}`` passed to ``set_params`` of that estimator.
    threads : int or None, default=1
        torch intra-op threads (at least 1) while the benchmark runs (restored
        afterwards);
        None keeps torch's setting. The networks are small, and several threads
        spin-wait badly when the cores are shared with another busy process.
    extra : callable or None, default=None
        Passed to :func:`evaluate`.
    resample : int, default=0
        At least 0. 0 runs the given split. ``i > 0`` runs the ``i``-th resample of it,
        :func:`stratified_resample` of train + test seeded with
        ``random_state + i``, and seeds the estimators (and the quick-mode
        subsample) with ``random_state + i`` too: each resample is a new
        experiment, as in the UCR/UEA bake-offs.

    Returns
    -------
    results : list of dict
        One dict per estimator; see :func:`evaluate`; its key ``resample``
        holds ``resample``.

    Raises
    ------
    ImportError
        Before anything is fitted, when an estimator needs an optional library
        that is not installed (``fisher_kernel``: hmmlearn, the ``hmm``
        extra); the message gives the install command.
    ValueError
        When an estimator refuses the data (too few series of a class for
        its pairs, say): its message, after the dataset and estimator.

    Examples
    --------
    Two small networks, two epochs each, on the embedded BasicMotions (the
    "quick" mode: a check that everything runs, whose accuracies mean nothing):

    >>> from sktime_metric.benchmarking import run_benchmark
    >>> results = run_benchmark("basic_motions", ["gru", "nn"], mode="quick",
    ...                         progress=False)
    >>> [(r["name"], r["n_train"], r["n_test"], r["epochs"]) for r in results]
    [('gru', 40, 40, 2), ('nn', 40, 40, 2)]
    >>> all(0 <= r["accuracy"] <= 1 and r["fit_s"] > 0 for r in results)
    True
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}.")
    names = list(ESTIMATORS) if estimators is None else list(estimators)
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown:
        raise ValueError(
            f"Unknown estimator(s) {unknown}; choose from {list(ESTIMATORS)}."
        )
    check_requirements(names)  # before the first fit, not after it
    if data is None:
        if dataset not in DATASETS:
            raise ValueError(
                f"Unknown dataset {dataset!r}; choose from {list(DATASETS)}."
            )
        data = DATASETS[dataset]()
    X_train, y_train, X_test, y_test = data
    X_train, X_test = _dataset(X_train), _dataset(X_test)
    if resample:
        random_state = random_state + resample
        X_train, y_train, X_test, y_test = stratified_resample(
            X_train, y_train, X_test, y_test, random_state=random_state)
    if mode == "quick":
        n_train, n_test = QUICK_SIZES
        X_train, y_train = stratified_subsample(X_train, y_train, n_train, random_state)
        X_test, y_test = stratified_subsample(X_test, y_test, n_test, random_state)
    results, saved_threads = [], torch.get_num_threads()
    try:
        if threads is not None:
            torch.set_num_threads(int(threads))  # True is 1 to the checks
        for name in names:
            estimator = ESTIMATORS[name](mode, random_state)
            estimator.set_params(**(params or {}).get(name, {}))
            try:
                result = evaluate(name, estimator, X_train, y_train, X_test, y_test,
                                  dataset=dataset, progress=progress, extra=extra,
                                  resample=resample)
            except ValueError as exc:
                # the estimator's own message names no run: on the user's
                # data, after the fits before it, which one refused it?
                where = f"{dataset}/{name}" + (f" (resample {resample})"
                                               if resample else "")
                raise ValueError(f"{where} could not be fitted on this data: "
                                 f"{exc}") from exc
            results.append({**result, "resample": resample})
    finally:
        torch.set_num_threads(saved_threads)
    return results
