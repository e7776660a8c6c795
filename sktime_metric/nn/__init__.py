"""Plain PyTorch modules: no scikit-learn, numpy or skorch in here.

Every ``forward`` takes ``x`` ``(batch, time, channels)``, zero-filled past each
sequence's length, and ``lengths`` ``(batch,)`` int64.
"""

from .appearance import AppearanceCNN, SpatialAttention
from .attended import AttendedRegressorModule, TemporalAttentionPooling
from ._coupled_layer import CoupledGRULayer
from .cgru import CoupledGRU
from .encoders import RecurrentEncoder, RNNClassifierModule
from .hcrf import HCRFModule
from .hulm import HULMModule
from .iarn import FeatureEncoder, IARNModule, InteractingAttention
from .matching import EpisodeNLLLoss, MatchingNetworkModule
from .naive_logistic import NaiveLogisticModule
from .distances import CosineDistance, EuclideanDistance, SquaredMahalanobisDistance
from .losses import ContrastiveLoss, PairLogisticLoss, SiameseLoss, TripletLoss
from .kissme import KISSMEHead, KISSMELoss
from .reconstruction import CosineReconstructionLoss, SequenceMSELoss
from .seq2seq import Seq2SeqAutoencoder, Seq2SeqLoss, Seq2SeqMetricModule
from .siamese import BilinearSimilarity, SequenceEncoder, SiameseRNNModule
from .tagm import (
    AttentionGatedRNN,
    AttentionNNModule,
    BidirectionalRNN,
    TAGMModule,
    TemporalAttention,
)

__all__ = [
    "AppearanceCNN",
    "AttendedRegressorModule",
    "AttentionGatedRNN",
    "AttentionNNModule",
    "BidirectionalRNN",
    "BilinearSimilarity",
    "ContrastiveLoss",
    "CosineDistance",
    "CosineReconstructionLoss",
    "CoupledGRU",
    "CoupledGRULayer",
    "EpisodeNLLLoss",
    "EuclideanDistance",
    "FeatureEncoder",
    "HCRFModule",
    "HULMModule",
    "IARNModule",
    "InteractingAttention",
    "KISSMEHead",
    "KISSMELoss",
    "MatchingNetworkModule",
    "NaiveLogisticModule",
    "PairLogisticLoss",
    "RecurrentEncoder",
    "RNNClassifierModule",
    "Seq2SeqAutoencoder",
    "Seq2SeqLoss",
    "Seq2SeqMetricModule",
    "SequenceEncoder",
    "SequenceMSELoss",
    "SiameseLoss",
    "SiameseRNNModule",
    "SquaredMahalanobisDistance",
    "SpatialAttention",
    "TAGMModule",
    "TemporalAttention",
    "TemporalAttentionPooling",
    "TripletLoss",
]
