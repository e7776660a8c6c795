"""The machine a benchmark ran on, in one line: every report and claims file says it."""

import os
import platform


def machine_description():
    """The processor, operating system, Python, torch and torch's CPU kernels.

    Two runs of the same code and seeds on two machines can differ in the low
    bits of every float result, and so, through training, in a seeded
    accuracy or RMSE (measured: the IARN rows of ``benchmarks/bench_iarn.py``
    moved by up to 0.02 between two x86_64 machines with the same torch). The
    processor's model and the kernels torch dispatches to (``AVX512``,
    ``AVX2``, ``DEFAULT``; see ``ATEN_CPU_CAPABILITY``) tell such machines
    apart where the architecture and core count do not.

    Returns
    -------
    str
        E.g. ``"Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz, 2 CPUs, Linux
        x86_64, Python 3.11.7, torch 2.13.0+cpu (AVX512 kernels)"``.

    Examples
    --------
    >>> from sktime_metric.benchmarking import machine_description
    >>> "CPUs" in machine_description() and "kernels" in machine_description()
    True
    """
    import torch  # here, not at import: the command line starts without it

    return (f"{_cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}, torch "
            f"{torch.__version__} ({torch.backends.cpu.get_cpu_capability()} kernels)")


def _cpu_model():
    """The processor's model name, where the platform tells it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"
