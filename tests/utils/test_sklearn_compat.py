"""``utils/_sklearn_compat.py`` is the one place private scikit-learn API is
imported: when scikit-learn moves one, one file is to fix."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sktime_metric"


def _private_sklearn_imports(tree):
    """``(line, name)`` of each import of a private scikit-learn module or name."""
    for node in ast.walk(tree):
        module = getattr(node, "module", None) or ""
        if isinstance(node, ast.ImportFrom) and module.startswith("sklearn"):
            parts = module.split(".")
            names = [a.name for a in node.names]
            if any(p.startswith("_") for p in parts):
                yield node.lineno, module
            yield from ((node.lineno, n) for n in names if n.startswith("_"))
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names
                        if a.name.startswith("sklearn") and any(
                            p.startswith("_") for p in a.name.split(".")))


def test_the_finder_sees_private_imports():
    tree = ast.parse("from sklearn.utils._x import A\n"
                     "from sklearn.utils.validation import _check_y, check_array\n"
                     "import sklearn.utils._y\nfrom sklearn.base import clone\n")
    assert list(_private_sklearn_imports(tree)) == [
        (1, "sklearn.utils._x"), (2, "_check_y"), (3, "sklearn.utils._y")]


def test_private_sklearn_api_is_imported_in_the_compat_module_only():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "_sklearn_compat.py"
        for line, name in _private_sklearn_imports(ast.parse(path.read_text()))
    ]
    assert not found, found
