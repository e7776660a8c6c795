"""Datasets: embedded real data, optional loaders and seeded synthetic generators.

Everything here returns the project's data format: float64 arrays
``(n_samples, n_timestamps, n_channels)``, shorter series NaN-padded at the end.
"""

from ._actigraphy import load_actigraphy_examples, read_awd
from ._embedded import load_basic_motions, load_japanese_vowels, load_spoken_digits
from ._hapt import load_hapt, load_hapt_recordings
from ._long_format import load_csv, load_npz
from ._long_frame import from_long_format
from ._movielens import load_movielens_100k
from ._routines import make_routines
from ._synthetic import add_noise_segments, make_sequence_classification, sliding_window
from ._synthetic_control import make_synthetic_control
from ._ts_format import load_ts_file, load_ucr_uea
from ._ucr_wheel import list_ucr_wheel_datasets, load_ucr_wheel
from ._videos import make_expression_videos
from ._watch import load_watch

__all__ = [
    "add_noise_segments",
    "from_long_format",
    "list_ucr_wheel_datasets",
    "load_actigraphy_examples",
    "load_basic_motions",
    "load_csv",
    "load_hapt",
    "load_hapt_recordings",
    "load_japanese_vowels",
    "load_movielens_100k",
    "load_npz",
    "load_spoken_digits",
    "load_ts_file",
    "load_ucr_uea",
    "load_ucr_wheel",
    "load_watch",
    "make_expression_videos",
    "make_routines",
    "make_sequence_classification",
    "make_synthetic_control",
    "read_awd",
    "sliding_window",
]
