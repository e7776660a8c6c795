"""Routine discovery: time-of-day metric learning and spectral clustering of windows."""

from ._plot import plot_affinity_matrix, plot_routine_timeline
from ._affinity import affinity_from_distances
from ._routine import RoutineClusterer, routine_clustering
from ._slots import similarity_mask, time_of_day, time_of_day_pairs

__all__ = [
    "RoutineClusterer",
    "affinity_from_distances",
    "plot_affinity_matrix",
    "plot_routine_timeline",
    "routine_clustering",
    "similarity_mask",
    "time_of_day",
    "time_of_day_pairs",
]
