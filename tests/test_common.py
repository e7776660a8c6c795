"""scikit-learn's estimator checks over every estimator of the registry.

Expected failures are strict (``xfail_strict`` in pyproject.toml): a check
declared to fail that passes is an error, so the declarations stay exact.
Checks whose verdict depends on the CPU's float kernels are skipped with their
reason instead (``kernel_dependent_checks``).
"""

import pytest
from sklearn.utils.estimator_checks import (
    estimator_checks_generator,
    parametrize_with_checks,
)

from ._registry import (
    COMMON_CHECKS_ONLY,
    ESTIMATORS,
    INTERACTION_LOG_ESTIMATORS,
    PRECOMPUTED_ESTIMATORS,
    PRECOMPUTED_EXPECTED_FAILED_CHECKS,
    VECTOR_ESTIMATORS,
    estimator_id,
    expected_failed_checks,
    interaction_log_expected_failed_checks,
    kernel_dependent_checks,
)


def _check_name(check):
    return getattr(check, "func", check).__name__


def _sequence_checks():
    """``(estimator, check)`` params: strict xfail or skip where declared."""
    for estimator in ESTIMATORS + COMMON_CHECKS_ONLY:
        xfail = expected_failed_checks(estimator)
        skip = kernel_dependent_checks(estimator)
        for est, check in estimator_checks_generator(estimator, mark=None):
            name = _check_name(check)
            marks = []
            if name in skip:
                marks = [pytest.mark.skip(reason=skip[name])]
            elif name in xfail:
                marks = [pytest.mark.xfail(reason=xfail[name], strict=True)]
            yield pytest.param(est, check, marks=marks,
                               id=f"{estimator_id(estimator)}-{name}")


@pytest.mark.parametrize("estimator, check", list(_sequence_checks()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(VECTOR_ESTIMATORS)
def test_sklearn_compatible_vector_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    PRECOMPUTED_ESTIMATORS,
    expected_failed_checks=lambda estimator: PRECOMPUTED_EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_precomputed_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    INTERACTION_LOG_ESTIMATORS,
    expected_failed_checks=interaction_log_expected_failed_checks,
)
def test_sklearn_compatible_interaction_log_estimator(estimator, check):
    check(estimator)
