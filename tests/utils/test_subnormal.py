"""Fits flush subnormal floats to zero on their own thread, and only while they train."""

import threading

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sktime_metric.classification import RNNClassifier
from sktime_metric.utils._subnormal import flush_subnormals, flushes_subnormals

# torch.set_flush_denormal works where the CPU has the mode (x86 with SSE3);
# elsewhere it returns False and changes nothing. Probe it once and restore.
CAN_FLUSH = torch.set_flush_denormal(True)
torch.set_flush_denormal(False)
needs_flush = pytest.mark.skipif(not CAN_FLUSH, reason="this CPU cannot flush subnormals")

SUBNORMAL = 1e-39  # below float32's smallest normal number, 1.18e-38


def test_the_probe_reads_the_mode_torch_sets():
    assert not flushes_subnormals()  # the default of every thread
    x = torch.tensor([SUBNORMAL], dtype=torch.float32)
    assert (x * 1.0).item() == pytest.approx(SUBNORMAL, rel=1e-2)
    if CAN_FLUSH:
        torch.set_flush_denormal(True)
        try:
            assert flushes_subnormals()
            assert (x * 1.0).item() == 0.0
        finally:
            torch.set_flush_denormal(False)


@needs_flush
def test_the_block_flushes_and_restores_the_mode():
    x = torch.tensor([SUBNORMAL, 1.0], dtype=torch.float32)
    with flush_subnormals():
        assert flushes_subnormals()
        np.testing.assert_array_equal((x * 1.0).numpy(), [0.0, 1.0])  # normal ones kept
    assert not flushes_subnormals()
    with pytest.raises(RuntimeError, match="inside"), flush_subnormals():
        raise RuntimeError("inside")
    assert not flushes_subnormals()  # restored after an error too


@needs_flush
def test_a_caller_who_flushes_keeps_flushing():
    torch.set_flush_denormal(True)
    try:
        with flush_subnormals():
            assert flushes_subnormals()
        assert flushes_subnormals()  # not turned off behind the caller's back
    finally:
        torch.set_flush_denormal(False)


@needs_flush
def test_the_mode_belongs_to_the_fitting_thread():
    # a thread that was running before the block (as torch's intra-op pool
    # is) keeps its own mode; threads started inside inherit it (Linux)
    seen, probe, done = [], threading.Event(), threading.Event()

    def other():
        probe.wait()
        seen.append(flushes_subnormals())
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with flush_subnormals():
        probe.set()
        done.wait()
        seen.append(flushes_subnormals())
    thread.join()
    assert seen == [False, True]


class _RecordMode(Callback):
    """What the training thread's mode is at each epoch's end."""

    def initialize(self):
        self.modes = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.modes.append(flushes_subnormals())


@needs_flush
def test_fit_trains_flushing_then_restores():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 5, 2)), np.repeat([0, 1], 6)
    record = _RecordMode()
    RNNClassifier(hidden_size=4, max_epochs=2, callbacks=[("mode", record)],
                  random_state=0).fit(X, y)
    assert record.modes == [True, True]
    assert not flushes_subnormals()


_POOL_STARTED_IN_THE_BLOCK = """
import torch
from sktime_metric.utils._subnormal import flush_subnormals
torch.set_num_threads(2)
with flush_subnormals():
    torch.ones(4_000_000).mul_(2)  # the process's first parallel region
x = torch.full((4_000_000,), 1e-39, dtype=torch.float32)
print(int(((x * 1.0) == 0).sum()))  # split over both threads of the pool
"""


@needs_flush
def test_a_thread_pool_started_by_a_fit_does_not_keep_flushing():
    # torch's intra-op threads inherit the mode of the thread that starts them
    # and keep it: the block starts the pool before setting the mode, so that
    # a process's first fit does not leave half of later products flushing
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _POOL_STARTED_IN_THE_BLOCK],
                         capture_output=True, text=True, check=True).stdout
    assert int(out) == 0
