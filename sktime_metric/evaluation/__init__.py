"""Evaluation protocols for learned sequence similarities.

Pair ROC AUC (within and out of domain), one-shot 1-NN accuracy and the N-way
K-shot protocol on novel classes, for any metric learner of this package and
for a DTW baseline alike; and the recommendation protocol of interaction logs
(a global time cut, the per-user ranking AUC, the minimum-count filter).
"""

from ._clustering import clustering_scores, precomputed_silhouette, routine_scores
from ._few_shot import class_split, few_shot_episodes, few_shot_evaluate
from ._protocols import class_disjoint_split, one_shot_accuracy, pair_auc
from ._recommendation import filter_interactions, ranking_auc, temporal_split

__all__ = [
    "class_disjoint_split",
    "class_split",
    "clustering_scores",
    "few_shot_episodes",
    "few_shot_evaluate",
    "filter_interactions",
    "one_shot_accuracy",
    "pair_auc",
    "precomputed_silhouette",
    "ranking_auc",
    "routine_scores",
    "temporal_split",
]
