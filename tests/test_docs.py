"""The API reference lists every public name; the docs build is wired into CI.

Cheap checks that need no Sphinx: ``docs/api.rst`` is parsed as text (its
``currentmodule`` and ``autosummary`` entries) and compared with the ``__all__``
of every public module.
"""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api.rst"

# Modules documented name by name: each name of their ``__all__`` must appear
# as ``module.name`` in docs/api.rst.
MODULES = [
    "sktime_metric.base",
    "sktime_metric.benchmarking",
    "sktime_metric.classification",
    "sktime_metric.cluster",
    "sktime_metric.datasets",
    "sktime_metric.evaluation",
    "sktime_metric.metric",
    "sktime_metric.nn",
    "sktime_metric.persistence",
    "sktime_metric.recommendation",
    "sktime_metric.regression",
    "sktime_metric.utils.validation",
]
# Packages that re-export names documented elsewhere: each name of their
# ``__all__`` must be documented under some module (the same object).
REEXPORTING = ["sktime_metric", "sktime_metric.utils"]


def documented_names(text):
    """``module.name`` of every autosummary entry of an API page."""
    names, module, in_autosummary = [], None, False
    for line in text.splitlines():
        match = re.match(r"\.\. currentmodule:: (\S+)", line)
        if match:
            module = match.group(1)
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary:
            entry = line.strip()
            if not entry or entry.startswith(":"):
                continue
            if line.startswith("   "):
                names.append(f"{module}.{entry}")
                continue
            in_autosummary = False
    return names


def _public(module_name):
    module = importlib.import_module(module_name)
    return [name for name in module.__all__ if not name.startswith("__")]


@pytest.fixture(scope="module")
def documented():
    return documented_names(API.read_text())


def test_parser_reads_autosummary_entries():
    text = ".. currentmodule:: a.b\n\n.. autosummary::\n   :toctree: x/\n\n   f\n   g\n\ntext\n"
    assert documented_names(text) == ["a.b.f", "a.b.g"]


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_is_in_the_api_reference(module_name, documented):
    missing = [name for name in _public(module_name)
               if f"{module_name}.{name}" not in documented]
    assert not missing, f"add to docs/api.rst under {module_name}: {missing}"


@pytest.mark.parametrize("module_name", REEXPORTING)
def test_reexported_names_are_documented_somewhere(module_name, documented):
    objects = []
    for full_name in documented:
        module, name = full_name.rsplit(".", 1)
        objects.append(getattr(importlib.import_module(module), name))
    module = importlib.import_module(module_name)
    missing = [name for name in _public(module_name)
               if not any(getattr(module, name) is obj for obj in objects)]
    assert not missing, f"document in docs/api.rst: {missing}"


def test_api_reference_lists_no_stale_or_duplicate_name(documented):
    assert len(documented) == len(set(documented))
    stale = []
    for full_name in documented:
        module, name = full_name.rsplit(".", 1)
        if name not in importlib.import_module(module).__all__:
            stale.append(full_name)
    assert not stale, f"not public (any more): {stale}"


def test_ci_builds_the_docs_with_warnings_as_errors():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m sphinx -W --keep-going -b html docs docs/_build/html" in ci
    assert "SKTIME_METRIC_DOCS_FAST=1" in ci


def test_every_gallery_example_has_a_fast_mode_or_says_why_not():
    # the CI build runs the gallery with SKTIME_METRIC_DOCS_FAST=1: an example
    # either has a fast mode or is already fast and says so (a fast mode that
    # saves a few seconds can draw a picture its own text contradicts)
    examples = sorted((ROOT / "examples").glob("*/plot_*.py"))
    assert examples
    for path in examples:
        text = path.read_text()
        assert "SKTIME_METRIC_DOCS_FAST" in text or "# No fast mode: " in text, path.name


def test_the_library_cites_source_documents_not_internal_specs():
    # the spec files do not ship with the library: code cites the paper's or
    # thesis's own equation, table and section numbers
    import re
    from pathlib import Path

    import sktime_metric

    root = Path(sktime_metric.__file__).parent
    pattern = re.compile(
        r"\bspec(?:/| section| ambiguity| [A-Z]?\d|\.md| ``)"
        r"|\((?:[A-C]\.\d+\.\d+|[A-C]\.\d+)[),]")  # "(A.2.6)": a spec's section
    found = [f"{path.relative_to(root)}:{number}: {line.strip()}"
             for path in sorted(root.rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if pattern.search(line)]
    assert not found, "\n".join(found)


# -- every documented callable documents its parameters as its signature has them


def _documented_parameters(doc):
    """``(name, type)`` of a numpydoc Parameters section, grouped names split."""
    from numpydoc.docscrape import NumpyDocString

    sections = NumpyDocString(doc)
    entries = []
    for parameter in sections["Parameters"] + sections["Other Parameters"]:
        names = [name.strip() for name in parameter.name.split(",")]
        entries.extend((name, parameter.type, position, len(names))
                       for position, name in enumerate(names))
    return entries


def _stated_default(type_text, position, n_grouped, namespace):
    """The value after ``default=``; for grouped names the one at ``position``."""
    import ast
    import builtins
    import math

    match = re.search(r"default[= ]\s*(.+)$", type_text)
    if match is None:
        return None, False
    text = match.group(1).strip()
    try:  # "0.5", "(16, 32)", "'auto'", "10_000"
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    else:  # "a, b : float, default=0.2, 0.05": one value per name
        if n_grouped > 1 and isinstance(value, tuple) and len(value) == n_grouped:
            value = value[position]
        return value, True
    try:  # "sqrt(1e-3)", "2/3", a module constant such as COLUMNS, "map"
        return eval(text, {"sqrt": math.sqrt, **vars(builtins)}, namespace), True
    except Exception:  # noqa: BLE001 - prose such as "the number of classes"
        return text, True


def _same(value, stated):
    import math

    if isinstance(value, float) and isinstance(stated, (int, float)):
        return math.isclose(value, stated, rel_tol=1e-12)
    return value == stated or str(value) == str(stated)


def _parameter_problems(qualname, function, doc, namespace):
    import inspect

    signature = inspect.signature(function)
    parameters = [p for p in signature.parameters.values()
                  if p.name not in ("self", "cls")
                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    variadic = {p.name for p in signature.parameters.values()
                if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    entries = [entry for entry in _documented_parameters(doc)
               if entry[0].lstrip("*") not in variadic]
    names = [p.name for p in parameters]
    if [entry[0] for entry in entries] != names:
        return [f"{qualname}: documents {[entry[0] for entry in entries]}, "
                f"the signature has {names}"]
    problems = []
    for parameter, (name, type_text, position, n_grouped) in zip(parameters, entries):
        if parameter.default is parameter.empty or type_text.strip() == "None":
            continue  # "y : None": ignored, scikit-learn's API has it
        stated, found = _stated_default(type_text, position, n_grouped, namespace)
        if not found:
            problems.append(f"{qualname}: {name} has no 'default=' (its default "
                            f"is {parameter.default!r})")
        elif not _same(parameter.default, stated):
            problems.append(f"{qualname}: {name} says default={stated!r}, the "
                            f"signature's is {parameter.default!r}")
    return problems


def test_every_documented_callable_documents_its_parameters(documented):
    # scikit-learn's own check (sklearn/tests/test_docstring_parameters.py):
    # the numpydoc Parameters name every parameter in the signature's order,
    # and each stated default is the signature's; for the estimators, also
    # their public methods. The torch modules' forward() is documented in the
    # class docstring, as torch's own modules do, and is not checked.
    import inspect
    import sys

    from sklearn.base import BaseEstimator

    problems = []
    for full_name in documented:
        module_name, name = full_name.rsplit(".", 1)
        obj = getattr(importlib.import_module(module_name), name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue  # constants
        namespace = vars(sys.modules[obj.__module__])
        if inspect.isfunction(obj):
            problems += _parameter_problems(full_name, obj, inspect.getdoc(obj) or "",
                                            namespace)
            continue
        if "__dataclass_fields__" in vars(obj):
            continue  # dataclasses (tags) document their fields as attributes
        if "__init__" in vars(obj) or issubclass(obj, BaseEstimator):
            problems += _parameter_problems(full_name, obj.__init__,
                                            inspect.getdoc(obj) or "", namespace)
        if not issubclass(obj, BaseEstimator):
            continue
        for method_name, method in inspect.getmembers(obj, inspect.isfunction):
            if method_name.startswith("_") or not method.__module__.startswith(
                    "sktime_metric"):
                continue
            problems += _parameter_problems(f"{full_name}.{method_name}", method,
                                            inspect.getdoc(method) or "", namespace)
    assert not problems, "\n".join(problems)


def _optional_features():
    """``(call, blocked module, install command)`` of each public feature that
    needs an optional library; ``call()`` uses it."""
    from sktime_metric.benchmarking import plot_critical_difference, plot_results
    from sktime_metric.classification import FisherKernelClassifier
    from sktime_metric.cluster import plot_affinity_matrix, plot_routine_timeline
    from sktime_metric.datasets import make_sequence_classification
    from sktime_metric.metric import FisherVectorEmbedder

    X, y = make_sequence_classification(n_samples=12, random_state=0)
    rows = [{"dataset": d, "name": n, "accuracy": 0.5, "fit_s": 1.0,
             "predict_s": 1.0} for d in ("a", "b") for n in ("x", "z")]
    hmm = "pip install 'sktime_metric[hmm]'"
    stats = "pip install 'sktime_metric[stats]'"
    return [
        (FisherKernelClassifier, lambda: FisherKernelClassifier(n_states=2).fit(X, y),
         "hmmlearn", hmm),
        (FisherVectorEmbedder, lambda: FisherVectorEmbedder(n_states=2).fit(X),
         "hmmlearn", hmm),
        (plot_results, lambda: plot_results(rows, "unused.png"), "matplotlib",
         "pip install matplotlib"),
        (plot_critical_difference, lambda: plot_critical_difference(rows, "unused.png"),
         "scikit_posthocs", stats),
        (plot_routine_timeline, lambda: plot_routine_timeline([0], [0], [0]),
         "matplotlib", "pip install matplotlib"),
        (plot_affinity_matrix, lambda: plot_affinity_matrix([[1.0]]), "matplotlib",
         "pip install matplotlib"),
    ]


@pytest.mark.parametrize("index", range(6))
def test_features_of_an_extra_say_so_and_name_its_install_command(index, monkeypatch):
    # a user of the base install meets these in the docstrings' examples: the
    # docstring names what to install, and the error names the same command
    import inspect
    import sys

    obj, call, module, command = _optional_features()[index]
    doc = inspect.getdoc(obj)
    assert command.split()[-1] in doc, f"{obj.__name__}: no {command!r} in docstring"
    assert "ImportError" in doc, f"{obj.__name__}: its error is not documented"
    for name in [m for m in sys.modules if m.partition(".")[0] == module]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # import now fails
    with pytest.raises(ImportError) as error:
        call()
    assert command in str(error.value)
