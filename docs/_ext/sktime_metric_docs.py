"""Sphinx directive ``estimator-tags-table``: the estimators' input capabilities.

The table is built when the docs are built, from each public estimator's
``__sklearn_tags__()`` (``input_tags`` and our
:class:`~sktime_metric.base.SequenceTags` ``allow_variable_length``), so it
cannot go stale.
"""

import re

from docutils import nodes
from docutils.statemachine import StringList
from sklearn.base import BaseEstimator
from sphinx.util.docutils import SphinxDirective

import sktime_metric


def _yes(flag):
    return "yes" if flag else "no"


def _kind(cls, tags):
    if tags.estimator_type in ("classifier", "clusterer"):
        return tags.estimator_type
    return "metric learner" if hasattr(cls, "pairwise_distances") else "transformer"


def _input_kind(tags):
    if tags.input_tags.pairwise:
        return "precomputed distances"
    if tags.input_tags.three_d_array:
        return "``(n, T, d)`` series"
    return "``(n, d)`` vectors"


def estimator_rows():
    """One row per public estimator of :mod:`sktime_metric`, from its tags."""
    rows = []
    for name in sorted(sktime_metric.__all__):
        cls = getattr(sktime_metric, name)
        if not (isinstance(cls, type) and issubclass(cls, BaseEstimator)):
            continue
        tags = cls().__sklearn_tags__()
        module = cls.__module__.rsplit(".", 1)[0]  # sktime_metric.metric._kissme -> ...metric
        rows.append([
            f":class:`~{module}.{name}`",
            _kind(cls, tags),
            _input_kind(tags),
            _yes(getattr(tags, "allow_variable_length", False)),
            _yes(tags.input_tags.allow_nan),
            _yes(tags.target_tags.required),
        ])
    return rows


class EstimatorTagsTable(SphinxDirective):
    """``.. estimator-tags-table::``: a list-table generated from the tags."""

    header = ["estimator", "kind", "input", "variable length", "NaN padding",
              "needs ``y``"]

    def run(self):
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for row in [self.header, *estimator_rows()]:
            lines.append(f"   * - {row[0]}")
            lines.extend(f"     - {cell}" for cell in row[1:])
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="estimator-tags-table"),
                                self.content_offset, container)
        return container.children


def _defining_module(obj):
    """Module that defined a member, through properties and descriptors."""
    obj = getattr(obj, "fget", obj)  # property
    obj = getattr(obj, "__func__", obj)  # classmethod / staticmethod
    return getattr(obj, "__module__", None) or ""


def skip_foreign_member(app, what, name, obj, skip, options):
    """Document a class's own members and those of our base classes only.

    Methods inherited from scikit-learn (``get_params``, ``set_output``, the
    metadata-routing ``set_*_request``...) and from torch (``nn.Module``'s API)
    are documented upstream; their docstrings use those projects' labels.
    """
    if what == "class":
        module = _defining_module(obj)
        if module and not module.startswith("sktime_metric"):
            return True
    return None


# ``(n_features_in_,)``: numpydoc leaves a shape tuple with a trailing comma
# as is, and reST then reads ``n_features_in_`` as a reference to a target.
_TRAILING_UNDERSCORE = re.compile(r"(\w)_,\)")


def escape_shape_tuples(app, what, name, obj, options, lines):
    """Escape the trailing underscore in one-element shape tuples of docstrings."""
    lines[:] = [_TRAILING_UNDERSCORE.sub(r"\1\\_,)", line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", escape_shape_tuples, priority=100)
    app.add_directive("estimator-tags-table", EstimatorTagsTable)
    app.connect("autodoc-skip-member", skip_foreign_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
