"""The only place skorch is configured.

Estimators compose a skorch net inside ``fit`` (subclassing ``NeuralNetClassifier``
fails many scikit-learn checks). This package holds what they share, by concept:

- :mod:`.nets`: the net classes, and the translation of our flat, grid-searchable
  parameters (optimiser names, early stopping, clipping, the learning-rate
  plateau schedule, progress bar) into skorch's;
- the callbacks skorch lacks: :mod:`.training` (clipping, the plateau schedule,
  averaging, a start condition), :mod:`.scoring` (per-epoch scores) and
  :mod:`.updates` (weights and data changed outside the gradient steps);
- :mod:`.samplers`: seeded batch samplers.
"""

from .nets import (
    EpisodicNet,
    SequenceNet,
    SequenceNetClassifier,
    SiameseNet,
    check_validation_size,
    fixed_validation,
    gradient_norm_clipping,
    plateau_lr_schedule,
    resolve_optimizer,
    training_callbacks,
    training_loss_callbacks,
    validation_split,
)
from .samplers import (
    ClassBalancedBatchSampler,
    EpisodeBatchSampler,
    class_balanced_loader,
    episode_iterators,
    episode_loader,
    warn_if_episodes_cannot_query,
    warn_if_episodes_repeat,
)
from .scoring import (
    EarlyStoppingFromStart,
    EpisodeAccuracyScoring,
    NearestNeighborScoring,
    PairAUCScoring,
    RecordModuleStatistic,
    pair_auc_scoring,
)
from .training import (
    AfterLearningStarts,
    GradientValueClipping,
    LRDecayOnPlateau,
    ParameterAveraging,
)
from .updates import InitialModuleState, KISSMEUpdate, ResampleEachEpoch

__all__ = [
    "AfterLearningStarts",
    "ClassBalancedBatchSampler",
    "EarlyStoppingFromStart",
    "EpisodeAccuracyScoring",
    "EpisodeBatchSampler",
    "EpisodicNet",
    "GradientValueClipping",
    "InitialModuleState",
    "KISSMEUpdate",
    "LRDecayOnPlateau",
    "NearestNeighborScoring",
    "PairAUCScoring",
    "ParameterAveraging",
    "RecordModuleStatistic",
    "ResampleEachEpoch",
    "SequenceNet",
    "SequenceNetClassifier",
    "SiameseNet",
    "check_validation_size",
    "class_balanced_loader",
    "episode_iterators",
    "episode_loader",
    "fixed_validation",
    "gradient_norm_clipping",
    "pair_auc_scoring",
    "plateau_lr_schedule",
    "resolve_optimizer",
    "training_callbacks",
    "training_loss_callbacks",
    "validation_split",
    "warn_if_episodes_cannot_query",
    "warn_if_episodes_repeat",
]
