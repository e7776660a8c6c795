"""The one seed a fit derives, and torch's generators seeded with it.

:func:`derive_seed` turns an estimator's ``random_state`` into the integer
every random choice of its fit draws from; :func:`_seeded_generators` seeds
torch's generators with it while the net trains (or a loaded one is rebuilt)
and puts the caller's back after, under :data:`_FIT_LOCK`: one fit at a time
per process. :func:`_float32_default` does the same for torch's default
dtype, the other process-wide setting a net's construction reads. Documented
as part of :mod:`sktime_metric.base`, which re-exports :func:`derive_seed`.
"""

import contextlib
import threading
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["derive_seed"]

# Training seeds torch's global generators (_seeded_generators), which all
# threads of a process share: fits running at once in threads (joblib's
# "threading" backend, a dask worker with several threads) would draw from each
# other's streams and lose reproducibility. So one fit at a time per process;
# processes (loky, dask workers) still fit in parallel. It orders our fits
# only: other code drawing from torch's global generators in another thread
# meanwhile shares the fit's seeded stream, and neither is reproducible
# (documented in docs/user_guide/scaling.rst; torch's dropout and layer
# initialisation take no generator of their own).
_FIT_LOCK = threading.RLock()


@contextlib.contextmanager
def _seeded_generators(device, seed):
    """torch's generators of the CPU and of ``device`` seeded with ``seed``,
    and restored on exit; every other device's left alone.

    ``torch.manual_seed`` would also reseed every CUDA device and MPS, which
    ``fork_rng`` restores only for the devices it is given: a CPU fit on a
    GPU machine, or a fit on one of several GPUs, would reset the caller's
    generators of the others. Hold :data:`_FIT_LOCK` around it (the
    generators are the process's).
    """
    device, seed = torch.device(device), int(seed)
    cuda = device.type == "cuda"
    with torch.random.fork_rng(devices=[device] if cuda else [], device_type="cuda"):
        if device.type not in ("cpu", "cuda", "mps"):  # another accelerator:
            torch.manual_seed(seed)  # torch seeds it (and restores nothing)
            yield
            return
        torch.default_generator.manual_seed(seed)
        if cuda:
            with torch.cuda.device(device):  # its index, or the current one
                torch.cuda.manual_seed(seed)
        if device.type != "mps":
            yield
            return
        # by hand: fork_rng's MPS support needs torch >= 2.4
        state = torch.mps.get_rng_state()
        torch.mps.manual_seed(seed)
        try:
            yield
        finally:
            torch.mps.set_rng_state(state)


@contextlib.contextmanager
def _float32_default():
    """torch's default dtype float32 inside the block, the caller's after.

    Layers draw their weights, and losses and forwards make their constants,
    in the default dtype: under a caller's ``torch.set_default_dtype(
    torch.float64)`` a module was built in float64 and failed on the float32
    input every estimator gives it (a dtype mismatch deep in training), and
    a saved float32 net was rebuilt in float64 and its weights refused as
    damaged. In float32, whatever the default, a fit or a load gives the very
    model it gives by default. The default is the process's: hold
    :data:`_FIT_LOCK` around it, as around :func:`_seeded_generators`.
    """
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def derive_seed(random_state):
    """The one integer seed a fit derives from its ``random_state``.

    Every random choice of a fit (weight initialisation, shuffling, dropout,
    validation splits, pair and episode sampling) is seeded from this number,
    drawn once at the top of ``fit``, so the same ``random_state`` gives the same
    model. An int maps to itself; a ``RandomState`` instance or None draws it.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        An estimator's ``random_state``.

    Returns
    -------
    seed : int
        In ``[0, 2**31)``.

    Examples
    --------
    >>> from sktime_metric.base import derive_seed
    >>> derive_seed(7), derive_seed(2**31 + 7)
    (7, 7)
    """
    if isinstance(random_state, Integral):
        return int(random_state) % (2**31)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
