"""Benchmark registry and runner shared by ``sktime-metric`` and ``benchmarks/``.

An estimator joins every benchmark through one line in :data:`ESTIMATORS`: a name
and a factory ``factory(mode, random_state) -> estimator``. A dataset joins through
one line in :data:`DATASETS`: a name and a loader returning
``X_train, y_train, X_test, y_test``. :func:`run_benchmark` fits each estimator on
the same split, times ``fit`` and ``predict`` and returns one dict per estimator;
:func:`format_table`, :func:`write_results` and :func:`plot_results` print,
save and draw them. Over several datasets or resamples
(:func:`stratified_resample`, ``run_benchmark(resample=i)``),
:func:`summarize_results`, :func:`rank_results` and :func:`format_summary` give
mean ± sd and mean ranks, and :func:`plot_critical_difference` draws Demšar's
critical-difference diagram with scikit-posthocs (the ``stats`` extra).

Modes
-----
``"quick"``
    A stratified subsample (at most 60 training and 60 test series) and
    :data:`MAX_EPOCHS` ``["quick"]`` epochs: checks that everything runs, in
    seconds. Its numbers say nothing about accuracy.
``"fast"``
    The whole dataset and 100 epochs (TAGM 200: :data:`FAST_EPOCHS`): what
    ``sktime-metric benchmark`` runs unless told otherwise, so that it takes
    under two minutes on two CPU cores (117 s in the README's run). The
    networks are close to, not at, convergence: at most one point of accuracy
    from the "default" mode's on JapaneseVowels.
``"default"``
    The whole dataset and 200 epochs: on JapaneseVowels the training loss of
    every network has converged by then (TAGM's is the last, near epoch 200).
    The ``benchmarks/`` scripts run this mode unless told otherwise.
``"full"``
    The whole dataset and 400 epochs, to see whether longer training changes
    the picture.

Timings exclude one-off start-up costs: before the first network's ``fit`` is
timed, a throwaway torch optimizer is created, which imports ``torch._dynamo``
(about 1 s, once per process); before ``predict`` is timed, each fitted
estimator predicts one test series untimed, which compiles tslearn's numba DTW
(about 5 s, once per process).

The package is split into ``_registry`` (what runs), ``_runner`` (fitting and
timing), ``_tables`` (markdown tables and files), ``_statistics`` (mean ± sd,
mean ranks), ``_plots`` (the bar chart and the critical-difference diagram)
and ``_machine`` (the one-line description of the machine a run is on);
everything public is importable from here.
"""

from ._registry import (
    DATASETS,
    DEFAULT_ESTIMATORS,
    ESTIMATORS,
    FAST_EPOCHS,
    MAX_EPOCHS,
    MODES,
    QUICK_SIZES,
    load_synthetic_control_split,
)
from ._machine import machine_description
from ._plots import plot_critical_difference, plot_results
from ._resampling import stratified_resample, stratified_subsample
from ._runner import evaluate, run_benchmark
from ._statistics import format_summary, rank_results, summarize_results
from ._tables import COLUMNS, format_table, write_results

__all__ = [
    "COLUMNS",
    "DATASETS",
    "DEFAULT_ESTIMATORS",
    "ESTIMATORS",
    "FAST_EPOCHS",
    "MAX_EPOCHS",
    "MODES",
    "QUICK_SIZES",
    "evaluate",
    "format_summary",
    "format_table",
    "load_synthetic_control_split",
    "machine_description",
    "plot_critical_difference",
    "plot_results",
    "rank_results",
    "run_benchmark",
    "stratified_resample",
    "stratified_subsample",
    "summarize_results",
    "write_results",
]
