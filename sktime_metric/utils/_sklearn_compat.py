"""The only place private scikit-learn API is imported.

Parameter constraints live in ``sklearn.utils._param_validation``, which is
private (estimators check theirs through ``_parameter_constraints``, public
functions through the ``validate_params`` decorator), and the checks of
targets and sample weights that scikit-learn's own estimators use
(``_check_y``: a column vector warned about, numeric targets;
``_check_sample_weight``) are private functions of ``sklearn.utils.validation``;
if they move, this file is the one to fix.
"""

from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_sample_weight, _check_y

__all__ = ["HasMethods", "Interval", "InvalidParameterError", "StrOptions",
           "_check_sample_weight", "_check_y", "validate_params"]
