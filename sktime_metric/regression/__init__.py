"""Sequence regressors: per-step features or videos in, one real target out."""

from ._attended import AttentionSequenceRegressor
from ._presets import ABLATION_LADDER

__all__ = ["ABLATION_LADDER", "AttentionSequenceRegressor"]
