"""Shared fixtures: fixed seeds, markers, and the seed sweep of learning tests.

Markers
-------
- ``cuda``: needs a CUDA device (skipped without).
- ``learning``: asserts a learning outcome (an accuracy, an AUC, a loss that
  falls). Its threshold keeps a margin below the lowest value measured over at
  least 5 seeds and two kernel settings (the comment at each assertion gives
  the range). Re-measure with ``python tests/learning_margins.py``, which runs
  these tests with ``SKTIME_METRIC_TEST_SEED`` = 0..4 and collects the values
  they record through ``learning_outcome``.
- ``float_tolerance``: compares floats computed by torch's kernels (applied
  automatically to tests that call ``assert_allclose``, ``allclose``,
  ``isclose`` or ``pytest.approx``, and to scikit-learn's estimator checks).

``.ci/run`` runs both marked sets a second time with other kernels
(``ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE``), so a verdict that holds
on one CPU's rounding only cannot pass unseen.
"""

import contextlib
import inspect
import json
import os

import numpy as np
import pytest
import torch


def pytest_configure(config):
    # One intra-op thread: the test models are tiny, and torch's OpenMP threads
    # spin-wait badly when the two cores of a CI machine are shared (a 0.1 s fit
    # was measured at 25 s next to another busy process).
    torch.set_num_threads(1)
    config.addinivalue_line("markers", "cuda: needs a CUDA device (skipped without)")
    config.addinivalue_line(
        "markers", "learning: asserts a learning outcome, with a margin measured "
        "over >= 5 seeds")
    config.addinivalue_line(
        "markers", "float_tolerance: compares floats computed by torch's kernels")


_FLOAT_COMPARISONS = ("assert_allclose", "allclose(", "isclose(", "approx(",
                      "assert_array_almost_equal")


def _compares_floats(item):
    if item.nodeid.startswith("tests/test_common.py"):
        return True  # scikit-learn's checks compare predictions at rtol 1e-7
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return any(name in source for name in _FLOAT_COMPARISONS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _compares_floats(item):
            item.add_marker(pytest.mark.float_tolerance)
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def learning_seed():
    """The ``random_state`` of a learning test: 0, or the sweep's seed."""
    return int(os.environ.get("SKTIME_METRIC_TEST_SEED", "0"))


@pytest.fixture
def learning_outcome(request, learning_seed):
    """``learning_outcome(name, value)`` records a measured outcome, returns it.

    With ``SKTIME_METRIC_OUTCOMES`` set to a file, each value is appended there
    as a JSON line (test, name, seed, value, kernels) for the margin sweep.
    """
    path = os.environ.get("SKTIME_METRIC_OUTCOMES")

    def record(name, value):
        value = float(value)
        if path:
            with open(path, "a") as f:
                f.write(json.dumps({
                    "test": request.node.nodeid, "name": name, "seed": learning_seed,
                    "value": value,
                    "kernels": os.environ.get("ATEN_CPU_CAPABILITY", "native"),
                }) + "\n")
        return value

    return record


@pytest.fixture(autouse=True)
def seeds_fixed():
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture
def gpu_seeding_calls(monkeypatch):
    """The names of torch's GPU seeding functions called while the test runs
    (they are replaced by recorders: a CPU-only machine can count the calls).

    ``torch._dynamo`` is imported first: torch imports it lazily at a process's
    first optimiser, and it refuses to start while one object stands in for
    several torch functions.
    """
    import torch._dynamo  # noqa: F401

    calls = []
    for module, name in ((torch.cuda, "manual_seed_all"), (torch.cuda, "manual_seed"),
                         (torch.mps, "manual_seed")):
        qualified = f"torch.{module.__name__.rsplit('.', 1)[-1]}.{name}"
        monkeypatch.setattr(module, name,
                            lambda *args, _name=qualified, **kwargs: calls.append(_name))
    return calls


@pytest.fixture
def meta_default_device():
    """A block in which torch's default device is "meta", torch's own after.

    The stand-in for a user's ``torch.set_default_device("cuda")`` on a
    machine without a GPU: a tensor an estimator made on the default device
    instead of its own holds no data there, so every such place fails
    loudly. The default is put back after the block and after the test, even
    one that fails inside it.
    """
    @contextlib.contextmanager
    def block():
        torch.set_default_device("meta")
        try:
            yield
            # the caller's default is left as it was
            assert torch.get_default_device() == torch.device("meta")
        finally:
            torch.set_default_device(None)

    yield block
    torch.set_default_device(None)
