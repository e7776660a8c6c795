"""Shared fixtures: fixed seeds, and a `cuda` marker that skips without CUDA."""

import numpy as np
import pytest
import torch


def pytest_configure(config):
    # One intra-op thread: the test models are tiny, and torch's OpenMP threads
    # spin-wait badly when the two cores of a CI machine are shared (a 0.1 s fit
    # was measured at 25 s next to another busy process).
    torch.set_num_threads(1)
    config.addinivalue_line("markers", "cuda: needs a CUDA device (skipped without)")


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def seeds_fixed():
    torch.manual_seed(0)
    np.random.seed(0)
