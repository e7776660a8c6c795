"""Evaluation protocols for learned sequence similarities.

Pair ROC AUC (within and out of domain) and one-shot 1-NN accuracy, for any
metric learner of this package and for a DTW baseline alike.
"""

from ._clustering import clustering_scores, precomputed_silhouette, routine_scores
from ._protocols import class_disjoint_split, one_shot_accuracy, pair_auc

__all__ = [
    "class_disjoint_split",
    "clustering_scores",
    "one_shot_accuracy",
    "pair_auc",
    "precomputed_silhouette",
    "routine_scores",
]
