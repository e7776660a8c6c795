"""Benchmark registry and runner shared by ``sktime-metric`` and ``benchmarks/``.

An estimator joins every benchmark through one line in :data:`ESTIMATORS`: a name
and a factory ``factory(mode, random_state) -> estimator``. A dataset joins through
one line in :data:`DATASETS`: a name and a loader returning
``X_train, y_train, X_test, y_test``. :func:`run_benchmark` fits each estimator on
the same split, times ``fit`` and ``predict`` and returns one dict per estimator;
:func:`format_table` and :func:`write_results` print and save them.

Modes
-----
``"quick"``
    A stratified subsample (at most 60 training and 60 test series) and
    :data:`MAX_EPOCHS` ``["quick"]`` epochs: checks that everything runs, in
    seconds. Its numbers say nothing about accuracy.
``"default"``
    The whole dataset and 200 epochs: on JapaneseVowels the training loss of
    every network has converged by then (TAGM's is the last, near epoch 200).
``"full"``
    The whole dataset and 400 epochs, to see whether longer training changes
    the picture.

Timings exclude one-off start-up costs: before ``predict`` is timed, each fitted
estimator predicts one test series untimed, which compiles tslearn's numba DTW
(about 5 s, once per process).
"""

import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from .classification import (
    HCRFClassifier,
    HULMClassifier,
    RNNClassifier,
    TAGMClassifier,
)
from .datasets import load_basic_motions, load_japanese_vowels, make_synthetic_control

__all__ = [
    "COLUMNS",
    "DATASETS",
    "DEFAULT_ESTIMATORS",
    "ESTIMATORS",
    "MAX_EPOCHS",
    "MODES",
    "evaluate",
    "format_table",
    "load_synthetic_control_split",
    "run_benchmark",
    "stratified_subsample",
    "write_results",
]

MODES = ("quick", "default", "full")

#: Training epochs of the neural estimators in each mode.
MAX_EPOCHS = {"quick": 2, "default": 200, "full": 400}

#: Largest training and test sets in ``"quick"`` mode.
QUICK_SIZES = (60, 60)


def _net(estimator_class, **params):
    """Factory of a skorch-based estimator trained ``MAX_EPOCHS[mode]`` epochs."""

    def factory(mode, random_state):
        return estimator_class(**params, max_epochs=MAX_EPOCHS[mode],
                               random_state=random_state)

    return factory


def _dtw_1nn(mode, random_state):
    with warnings.catch_warnings():  # tslearn warns on import that h5py is missing
        warnings.filterwarnings("ignore", message="h5py not installed")
        from tslearn.neighbors import KNeighborsTimeSeriesClassifier

    return KNeighborsTimeSeriesClassifier(n_neighbors=1, metric="dtw")


def _coupled_gru_1nn(coupling):
    """Factory of the coupled GRU chapter's classifier: 1-NN on the learned distance.

    ``coupling=False`` is its control, the siamese GRU. Pipeline step names:
    ``"metric"`` (the :class:`~sktime_metric.metric.CoupledGRUMetric`), ``"knn"``.
    """

    def factory(mode, random_state):
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.pipeline import Pipeline

        from .metric import CoupledGRUMetric

        metric = CoupledGRUMetric(coupling=coupling, max_epochs=MAX_EPOCHS[mode],
                                  random_state=random_state)
        knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed")
        return Pipeline([("metric", metric), ("knn", knn)])

    return factory


def _siamese_1nn(mode, random_state):
    """Factory of ``Pipeline(SRN-A embedder, Euclidean 1-NN)``.

    The siamese RNN paper's settings (``hidden_size=64``, a 2-frame window, pair
    logistic loss, early stopping and learning-rate decay on the validation
    pair AUC), 2,000 pairs per epoch. Step names: ``"srn"``, ``"knn"``.
    """
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline

    from .metric import SiameseRNNEmbedder

    quick = mode == "quick"
    srn = SiameseRNNEmbedder(
        pooling="mean", window_size=2, early_stopping=True,
        validation_fraction=0.3 if quick else 0.15, n_pairs=100 if quick else 2000,
        max_epochs=MAX_EPOCHS[mode], random_state=random_state,
    )
    return Pipeline([("srn", srn), ("knn", KNeighborsClassifier(n_neighbors=1))])


def _seq2seq_1nn(mode, random_state):
    """Factory of ``Pipeline(SS2S KISSME embedder, Euclidean 1-NN)``.

    The routine thesis's best setting (LSTM autoencoder of 100 units, then a
    50-d KISSME head on the frozen encoder; ``M`` updated every 30 epochs),
    2,000 pairs per epoch, ``max_epochs`` per stage. Step names: ``"s2s"``,
    ``"knn"``.
    """
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline

    from .metric import Seq2SeqEmbedder

    s2s = Seq2SeqEmbedder(
        n_pairs=100 if mode == "quick" else 2000, max_epochs=MAX_EPOCHS[mode],
        random_state=random_state,
    )
    return Pipeline([("s2s", s2s), ("knn", KNeighborsClassifier(n_neighbors=1))])


#: name -> ``factory(mode, random_state)`` returning an unfitted estimator.
ESTIMATORS = {
    "tagm": _net(TAGMClassifier),
    "gru": _net(RNNClassifier, cell="gru"),
    "lstm": _net(RNNClassifier, cell="lstm"),
    "hulm": _net(HULMClassifier),
    "hcrf": _net(HCRFClassifier),
    "dtw_1nn": _dtw_1nn,
    "cgru_1nn": _coupled_gru_1nn(coupling=True),
    "sgru_1nn": _coupled_gru_1nn(coupling=False),
    "srn_1nn": _siamese_1nn,
    "seq2seq_1nn": _seq2seq_1nn,
}

#: What ``sktime-metric benchmark`` runs unless told otherwise: every registered
#: estimator but the slowest to fit (``seq2seq_1nn``, ~47 s), so that the default
#: run stays near two minutes on two cores (measured on JapaneseVowels: 1 min
#: 45 s; the whole registry, ``--estimators all``: 2 min 30 s).
DEFAULT_ESTIMATORS = tuple(name for name in ESTIMATORS if name != "seq2seq_1nn")


def load_synthetic_control_split(random_state=0):
    """Synthetic Control as the UCR archive splits it: 300 / 300, z-normalised.

    600 series from :func:`~sktime_metric.datasets.make_synthetic_control`,
    each z-normalised over time (the UCR copy is), split stratified in half.
    Returns ``X_train, y_train, X_test, y_test``.
    """
    X, y = make_synthetic_control(600, random_state=random_state)
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=random_state
    )
    return X_train, y_train, X_test, y_test


#: name -> loader returning ``X_train, y_train, X_test, y_test``.
DATASETS = {
    "japanese_vowels": load_japanese_vowels,
    "basic_motions": load_basic_motions,
    "synthetic_control": load_synthetic_control_split,
}

#: Result keys, in table order.
COLUMNS = (
    "dataset", "name", "n_train", "n_test", "accuracy",
    "fit_s", "predict_s", "epochs", "epoch_s",
)
_FORMATS = {
    "accuracy": "{:.4f}", "fit_s": "{:.2f}", "predict_s": "{:.3f}", "epoch_s": "{:.4f}",
}


def stratified_subsample(X, y, n, random_state=0):
    """At most ``n`` series of ``(X, y)``, drawn stratified by label.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
    y : ndarray of shape (n_samples,)
    n : int
        Size of the subsample; ``(X, y)`` is returned unchanged if ``n >= len(y)``.
    random_state : int, default=0

    Returns
    -------
    X_sub : ndarray of shape (min(n, n_samples), n_timestamps, n_channels)
    y_sub : ndarray of shape (min(n, n_samples),)
    """
    if n >= len(y):
        return X, y
    X_sub, _, y_sub, _ = train_test_split(
        X, y, train_size=n, stratify=y, random_state=random_state
    )
    return X_sub, y_sub


def _epoch_bar(estimator, desc, progress):
    """A tqdm bar on stderr that a skorch callback advances once per epoch."""
    from tqdm.auto import tqdm

    params = estimator.get_params()
    epochs = params.get("max_epochs")
    bar = tqdm(total=epochs or 1, desc=desc, unit="epoch" if epochs else "fit",
               file=sys.stderr, disable=not progress, leave=True)
    if progress and "callbacks" in params:
        from skorch.callbacks import Callback

        class _Tick(Callback):
            def on_epoch_end(self, net, **kwargs):
                bar.update(1)

        estimator.set_params(callbacks=[*(params["callbacks"] or []), _Tick()])
    return bar


def evaluate(name, estimator, X_train, y_train, X_test, y_test, *, dataset="",
             progress=False):
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

    Returns
    -------
    result : dict
        Keys :data:`COLUMNS`: ``accuracy`` on the test split, ``fit_s`` and
        ``predict_s`` wall-clock seconds, ``epochs`` trained and ``epoch_s`` the
        median seconds per epoch, both None for estimators without ``history_``.
    """
    bar = _epoch_bar(estimator, f"{dataset}/{name}" if dataset else name, progress)
    try:
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        estimator.predict(X_test[:1])  # warm-up: one-off JIT compilation
        start = time.perf_counter()
        y_pred = estimator.predict(X_test)
        predict_s = time.perf_counter() - start
    finally:
        bar.n = bar.total  # non-neural estimators and early stopping
        bar.close()
    history = getattr(estimator, "history_", None)
    durations = [] if history is None else history[:, "dur"]
    return {
        "dataset": dataset,
        "name": name,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "accuracy": float(accuracy_score(y_test, y_pred)),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "epochs": len(durations) if history is not None else None,
        "epoch_s": float(np.median(durations)) if len(durations) else None,
    }


def run_benchmark(dataset="japanese_vowels", estimators=None, mode="default",
                  random_state=0, progress=True, *, data=None, params=None,
                  threads=1):
    """Run registered estimators on one dataset, all on the same split.

    Parameters
    ----------
    dataset : str, default="japanese_vowels"
        A key of :data:`DATASETS`, or only a label when ``data`` is given.
    estimators : list of str or None, default=None
        Keys of :data:`ESTIMATORS`; None runs them all, in registry order.
    mode : {"quick", "default", "full"}, default="default"
        See the module docstring.
    random_state : int, default=0
        Seeds the estimators and the quick-mode subsample.
    progress : bool, default=True
        Progress bars on stderr.
    data : tuple or None, default=None
        ``(X_train, y_train, X_test, y_test)`` to use instead of loading ``dataset``.
    params : dict or None, default=None
        ``{name: {parameter: value}}`` passed to ``set_params`` of that estimator.
    threads : int or None, default=1
        torch intra-op threads while the benchmark runs (restored afterwards);
        None keeps torch's setting. The networks are small, and several threads
        spin-wait badly when the cores are shared with another busy process.

    Returns
    -------
    results : list of dict
        One dict per estimator; see :func:`evaluate`.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}.")
    names = list(ESTIMATORS) if estimators is None else list(estimators)
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown:
        raise ValueError(
            f"Unknown estimator(s) {unknown}; choose from {list(ESTIMATORS)}."
        )
    if data is None:
        if dataset not in DATASETS:
            raise ValueError(
                f"Unknown dataset {dataset!r}; choose from {list(DATASETS)}."
            )
        data = DATASETS[dataset]()
    X_train, y_train, X_test, y_test = data
    if mode == "quick":
        n_train, n_test = QUICK_SIZES
        X_train, y_train = stratified_subsample(X_train, y_train, n_train, random_state)
        X_test, y_test = stratified_subsample(X_test, y_test, n_test, random_state)
    results, saved_threads = [], torch.get_num_threads()
    try:
        if threads is not None:
            torch.set_num_threads(threads)
        for name in names:
            estimator = ESTIMATORS[name](mode, random_state)
            estimator.set_params(**(params or {}).get(name, {}))
            results.append(evaluate(name, estimator, X_train, y_train, X_test,
                                    y_test, dataset=dataset, progress=progress))
    finally:
        torch.set_num_threads(saved_threads)
    return results


def _cell(key, value):
    if value is None:
        return "-"
    return _FORMATS.get(key, "{}").format(value)


def format_table(results, columns=COLUMNS):
    """Results as a markdown table (through tabulate when it is installed).

    Parameters
    ----------
    results : list of dict
    columns : sequence of str, default=COLUMNS

    Returns
    -------
    table : str
    """
    rows = [[_cell(c, r.get(c)) for c in columns] for r in results]
    try:
        from tabulate import tabulate
    except ImportError:
        lines = [list(columns), ["---"] * len(columns), *rows]
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)
    return tabulate(
        rows, headers=list(columns), tablefmt="github", disable_numparse=True
    )


def write_results(results, path, *, title=None, notes=()):
    """Write results to ``path``: ``.csv`` (raw numbers) or ``.md`` (a table).

    Parameters
    ----------
    results : list of dict
    path : str or Path
    title : str or None, default=None
        Markdown only: a heading above the table.
    notes : sequence of str, default=()
        Markdown only: bullet points below the table (e.g. targets).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(results)
    elif suffix == ".md":
        parts = [f"# {title}\n"] if title else []
        parts.append(format_table(results) + "\n")
        if notes:
            parts.append("\n".join(f"- {note}" for note in notes) + "\n")
        path.write_text("\n".join(parts))
    else:
        raise ValueError(f"Output must end in .csv or .md; got {str(path)!r}.")
