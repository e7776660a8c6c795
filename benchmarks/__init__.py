"""The benchmark scripts: the papers' experiments, and the report that compares them.

A package so the scripts share ``_claims`` (the claims registry, one source of
``REPRODUCTION.md``) and ``_common`` (options, timer, target report) by
import; the estimators, datasets, modes and table writers come from
:mod:`sktime_metric.benchmarking`. Run a script from the repository root as a
module, e.g. ``python -m benchmarks.bench_tagm --quick``; ``python -m
benchmarks.reproduce`` runs them all and renders the report (see README.md).
Not part of the installed package.
"""
