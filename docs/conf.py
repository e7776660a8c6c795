"""Sphinx configuration of the sktime_metric documentation.

Build (warnings are errors, as in CI)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

``SKTIME_METRIC_DOCS_FAST=1`` makes the slower gallery examples train on less
data for fewer epochs (the CI build uses it); the others run in full.
"""

import os
import sys
from pathlib import Path

# Examples run in this process: one thread each, as on the 2-core CI machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the checkout, even without an install

import sktime_metric  # noqa: E402

project = "sktime_metric"
author = "sktime_metric developers"
copyright = "sktime_metric developers"  # noqa: A001
release = sktime_metric.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sktime_metric_docs",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
default_role = "literal"

# -- API reference: autosummary stubs (sklearn style) ------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"

# numpydoc: the docstrings follow scikit-learn's dialect.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = True
# Types become cross-references where they name a documented object. There is no
# intersphinx (the build works offline), so numpydoc's default aliases that point
# into other projects' glossaries are plain names here. (The trailing underscore
# of ``of shape (n_features_in_,)`` is escaped by _ext/sktime_metric_docs.py.)
numpydoc_xref_ignore = {"of", "shape", "or", "and", "default", "optional", "instance"}
numpydoc_xref_aliases = {
    name: name
    for name in ("bool", "boolean", "iterable", "sequence", "generator", "scalar",
                 "array-like", "array_like")
}

# -- HTML: the default theme ---------------------------------------------------
html_theme = "alabaster"
html_title = f"sktime_metric {release}"
html_static_path = []
html_theme_options = {"description": "Sequence classifiers and metric learners"}

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sktime_metric",),
    "show_memory": False,
    "plot_gallery": True,
    "remove_config_comments": True,
    "min_reported_time": 5,
}
