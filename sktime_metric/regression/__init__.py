"""Sequence regressors: per-step features or videos in, one real target out."""

from ._attended import ABLATION_LADDER, AttentionSequenceRegressor

__all__ = ["ABLATION_LADDER", "AttentionSequenceRegressor"]
