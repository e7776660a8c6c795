"""Sequence metric learning: learned similarities between variable-length series.

Metric learners share :class:`PairMetricMixin` (``pair_distance``,
``pair_score``, ``pairwise_distances``, ``get_metric``, ``score``) and draw their
training pairs from labels inside ``fit`` (:func:`sample_pairs`).
"""

from ._cgru import CoupledGRUMetric
from ._fisher import FisherVectorEmbedder
from ._kissme import KISSMETransformer
from ._kissme_closed_form import kissme_metric, pair_covariances
from ._mixin import LearnedMetric, PairMetricMixin
from ._rvsml import RVSMLMetric
from ._sampling import check_pairs, sample_pairs, sample_triplets
from ._seq2seq import Seq2SeqEmbedder
from ._siamese import SiameseRNNEmbedder

__all__ = [
    "CoupledGRUMetric",
    "FisherVectorEmbedder",
    "KISSMETransformer",
    "LearnedMetric",
    "PairMetricMixin",
    "RVSMLMetric",
    "Seq2SeqEmbedder",
    "SiameseRNNEmbedder",
    "check_pairs",
    "kissme_metric",
    "pair_covariances",
    "sample_pairs",
    "sample_triplets",
]
