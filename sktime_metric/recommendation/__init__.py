"""Recommenders on interaction logs: (user, item, timestamp) rows with ratings.

:class:`IARNRecommender` predicts the rating a user gives an item from the
time-ordered histories of both; :class:`MatrixFactorizationRecommender`,
:class:`TimeAwareBaselineRecommender` and :class:`PopularityRecommender` are the
baselines it is measured against, on the same input. The evaluation protocol (a
global time cut, the per-user ranking AUC, the minimum-count filter) is in
:mod:`sktime_metric.evaluation`, and MovieLens-100K in
:func:`sktime_metric.datasets.load_movielens_100k`.
"""

from ._factorization import MatrixFactorizationRecommender
from ._iarn import IARNRecommender
from ._popularity import PopularityRecommender
from ._time_baseline import TimeAwareBaselineRecommender

__all__ = [
    "IARNRecommender",
    "MatrixFactorizationRecommender",
    "PopularityRecommender",
    "TimeAwareBaselineRecommender",
]
