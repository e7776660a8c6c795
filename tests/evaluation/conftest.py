"""The labelled series the protocol and measure tests share."""

import numpy as np
import pytest

from sktime_metric.datasets import make_sequence_classification


@pytest.fixture(scope="module")
def data():
    """24 series of 6 to 12 steps, 3 string classes (a module may define its
    own ``data``, which then takes precedence)."""
    X, y = make_sequence_classification(
        n_samples=24, n_classes=3, min_length=6, max_length=12, motif_length=4,
        random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y]
