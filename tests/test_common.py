"""scikit-learn's estimator checks over every estimator of the registry."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from ._registry import (
    ESTIMATORS,
    PRECOMPUTED_ESTIMATORS,
    PRECOMPUTED_EXPECTED_FAILED_CHECKS,
    VECTOR_ESTIMATORS,
    expected_failed_checks,
)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
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
