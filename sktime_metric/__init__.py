"""Scikit-learn compatible sequence classifiers, regressors and metric learners.

Every estimator takes the same input as tslearn: a float array
``(n_samples, n_timestamps, n_channels)`` whose shorter series are NaN-padded at
the end, or a list of ``(T_i, n_channels)`` arrays.
"""

from .classification import (
    FisherKernelClassifier,
    HCRFClassifier,
    HULMClassifier,
    MatchingNetworkClassifier,
    NaiveLogisticClassifier,
    RNNClassifier,
    TAGMClassifier,
)
from .cluster import RoutineClusterer
from .regression import AttentionSequenceRegressor
from .recommendation import (
    IARNRecommender,
    MatrixFactorizationRecommender,
    PopularityRecommender,
    TimeAwareBaselineRecommender,
)
from .metric import (
    CoupledGRUMetric,
    FisherVectorEmbedder,
    KISSMETransformer,
    RVSMLMetric,
    Seq2SeqEmbedder,
    SiameseRNNEmbedder,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "AttentionSequenceRegressor",
    "CoupledGRUMetric",
    "FisherKernelClassifier",
    "FisherVectorEmbedder",
    "HCRFClassifier",
    "HULMClassifier",
    "IARNRecommender",
    "MatchingNetworkClassifier",
    "MatrixFactorizationRecommender",
    "KISSMETransformer",
    "NaiveLogisticClassifier",
    "PopularityRecommender",
    "RNNClassifier",
    "RVSMLMetric",
    "RoutineClusterer",
    "Seq2SeqEmbedder",
    "SiameseRNNEmbedder",
    "TAGMClassifier",
    "TimeAwareBaselineRecommender",
    "__version__",
]
