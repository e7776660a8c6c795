"""pyproject.toml: what a non-editable install (a wheel) gets."""

import importlib.metadata
from pathlib import Path

import pytest

import sktime_metric

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_an_spdx_expression(pyproject):
    # the table form ({ text = ... }) is deprecated by setuptools, which stops
    # building it after 2027-02-18; the string form needs setuptools >= 77
    assert isinstance(pyproject["project"]["license"], str)
    floors = [r for r in pyproject["build-system"]["requires"]
              if r.startswith("setuptools")]
    assert floors == ["setuptools>=77"]


def test_the_license_text_ships_with_the_package(pyproject):
    # BSD-3-Clause's first two conditions: the notice travels with the code
    files = pyproject["project"]["license-files"]
    assert files == ["LICENSE"] and (ROOT / "LICENSE").is_file()
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License") and "Copyright" in text


def test_version_is_the_package_version(pyproject):
    # written once, in the package; the build reads it from there
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "sktime_metric.__version__"}
    assert importlib.metadata.version("sktime_metric") == sktime_metric.__version__


def test_every_data_file_is_package_data(pyproject):
    # files read at run time through importlib.resources (the embedded
    # datasets) must be listed, or a wheel installs without them
    patterns = pyproject["tool"]["setuptools"]["package-data"]
    package = ROOT / "sktime_metric"
    data = [p for p in package.rglob("*") if p.is_file()
            and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert data, "no data files found"
    for path in data:
        parts = path.relative_to(package).parts
        # (package, path inside it) for each package above the file
        owners = [(".".join(("sktime_metric", *parts[:k])), Path(*parts[k:]))
                  for k in range(len(parts))]
        assert any(inside.full_match(glob) if hasattr(inside, "full_match")
                   else inside.match(glob)
                   for owner, inside in owners
                   for glob in patterns.get(owner, ())), path
