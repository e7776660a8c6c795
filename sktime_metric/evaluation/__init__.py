"""Evaluation protocols for learned sequence similarities.

Pair ROC AUC (within and out of domain) and one-shot 1-NN accuracy, for any
metric learner of this package and for a DTW baseline alike.
"""

from ._protocols import class_disjoint_split, one_shot_accuracy, pair_auc

__all__ = ["class_disjoint_split", "one_shot_accuracy", "pair_auc"]
