"""Each benchmark script runs once per test session in ``--quick`` mode.

The per-script tests and the ``reproduce.py`` test share these runs (a quick
run takes seconds to a minute), so no script runs twice in the suite.
"""

import contextlib
import importlib
import io
from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """``quick_run(name)``: run ``benchmarks.<name> --quick`` once, lazily.

    Returns a namespace with ``code`` (exit code), ``out`` (stdout), ``md`` and
    ``json`` (paths of its ``--output`` and ``--json`` files) and ``folder``
    (where every run of the session writes, as ``<name>.md`` / ``<name>.json``:
    the layout ``reproduce.py --results`` reads).
    """
    folder = tmp_path_factory.mktemp("quick_runs")
    runs = {}

    def run(name):
        if name not in runs:
            md, json = folder / f"{name}.md", folder / f"{name}.json"
            stdout = io.StringIO()
            argv = ["--quick", "--no-progress", "--output", str(md), "--json", str(json)]
            with contextlib.redirect_stdout(stdout):
                code = importlib.import_module(f"benchmarks.{name}").main(argv)
            runs[name] = SimpleNamespace(code=code, out=stdout.getvalue(), md=md,
                                         json=json, folder=folder)
        return runs[name]

    return run
