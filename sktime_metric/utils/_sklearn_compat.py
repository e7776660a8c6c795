"""The only place private scikit-learn API is imported.

Parameter constraints live in ``sklearn.utils._param_validation``, which is
private; if it moves, this file is the one to fix.
"""

from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)

__all__ = ["HasMethods", "Interval", "InvalidParameterError", "StrOptions"]
