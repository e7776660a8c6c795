"""The ``device`` parameter: one check, one string, for every estimator.

skorch's ``device`` is a string, a :class:`torch.device` or None;
:func:`check_device` turns any of the three into the one string every reader
of the parameter (the skorch net, the seeding, the chunk sizes, loading
saved weights) uses, refused at the top of ``fit`` when it names no device
usable here. Re-exported by :mod:`sktime_metric.base`.
:func:`_cpu_default_device` keeps torch's default device from deciding
instead of the parameter.
"""

import contextlib

import torch

__all__ = ["check_device"]


def check_device(device):
    """``device`` as the torch device string it names, checked usable here.

    A string (``"cpu"``, ``"cuda:0"``) is returned as given, a
    :class:`torch.device` as its string form and None, which skorch reads as
    "leave the module and the data where torch puts them", as ``"cpu"``: the
    estimators build their module themselves, which torch does on the CPU, from
    numpy data, which it reads on the CPU. So every reader of
    the parameter (the skorch net, the seeding, the chunk sizes) sees one
    string whichever of the three a user gave. torch's own parser decides what
    names a device; a CUDA device on a machine without CUDA is refused too,
    with what to do instead, rather than failing deep in training or loading.
    """
    if device is None:
        return "cpu"
    if isinstance(device, torch.device):
        device = str(device)  # torch.device("cuda", 0) -> "cuda:0"
    if not isinstance(device, str):
        raise TypeError("device must be a str such as 'cpu' or 'cuda', a "
                        f"torch.device or None; got {device!r}.")
    try:
        parsed = torch.device(device)
    except RuntimeError as error:
        raise ValueError(
            f"device must be a torch device string such as 'cpu', 'cuda' or "
            f"'cuda:0'; got {device!r} ({error})."
        ) from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r}, but CUDA is not available here; use "
                         "device='cpu'.")
    if parsed.type == "cuda" and (parsed.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"device={device!r}, but this machine has "
                         f"{torch.cuda.device_count()} CUDA device(s).")
    if parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r}, but MPS is not available here; use "
                         "device='cpu'.")
    return device


def _cpu_default_device():
    """A block in which torch's default device is the CPU, as torch starts.

    The estimators make their tensors (from numpy data, and by factories such
    as ``torch.zeros``) where torch's default device puts them, as they find
    them on the CPU, and move them to ``device`` themselves: under a caller's
    ``torch.set_default_device("cuda")`` a CPU estimator made CUDA tensors
    beside its CPU module (a device mismatch, or its work silently on the
    GPU) and a module was built on the GPU, drawing its weights from the GPU's
    generator. Inside this block the ``device`` parameter alone decides, and
    an estimator computes what it computes under torch's own default.
    torch's default device is the calling thread's (``set_default_device``
    sets it for that thread only, and a ``torch.device`` block overrides it
    there until the block ends), so this needs no lock, and predictions in
    threads side by side each get their own. Where the default is already
    the CPU nothing is entered: a ``torch.device`` block puts every torch call
    through a Python hook.
    """
    if torch.get_default_device().type == "cpu":
        return contextlib.nullcontext()
    return torch.device("cpu")
