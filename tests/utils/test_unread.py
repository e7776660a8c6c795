"""Containers the data contract refuses with the way out (``utils/_unread.py``):
polars, pyarrow and pandas Arrow structs, whose fields could be steps or
channels, and a polars LazyFrame, a query rather than data."""

import re
import warnings

import numpy as np
import pytest

from sktime_metric.utils import check_sequences


def test_polars_structs_are_refused_with_the_way_out():
    # numpy reads a struct as the row of its fields: a Struct Series was read
    # as a table (a field per time step) without a word, and in a List of
    # structs a trailing null step as a row of NaN, i.e. padding
    pl = pytest.importorskip("polars")
    for X, message in (
            (pl.Series([{"a": 1.0}]), "X.struct.unnest()"),
            (pl.Series([{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}]),
             "dtype Struct({'a': Float64, 'b': Float64})"),
            (pl.Series([[{"a": 1.0, "b": 2.0}, None]]),
             "dtype List(Struct({'a': Float64, 'b': Float64}))"),
            (pl.DataFrame({"x": [[1.0]], "y": [[{"a": 1.0}]]}),
             "X's column 'y' has polars dtype List(Struct")):
        with pytest.raises(TypeError, match=re.escape(message)):
            check_sequences(X)
    # the ways out named read what they say
    X = pl.Series([{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}])
    assert check_sequences(X.struct.unnest())[0].shape == (2, 2, 1)
    assert check_sequences(X.struct.unnest().to_numpy()[None])[0].shape == (1, 2, 2)
    nested = pl.Series([[{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}]])
    np.testing.assert_array_equal(
        check_sequences(
            nested.list.eval(pl.concat_list(pl.element().struct.unnest())))[0],
        [[[1.0, 2.0], [3.0, 4.0]]])
    # an Array of structs gets its own recipe, not the List one (an Array has
    # no .list namespace), and that recipe reads too
    fixed = nested.cast(pl.Array(nested.dtype.inner, 2))
    recipe = ("X.arr.to_list().list.eval(pl.concat_list("
              "pl.element().struct.unnest())) for an Array of structs")
    with pytest.raises(TypeError, match=re.escape(recipe)):
        check_sequences(fixed)
    # an argument beside X (a support set, the Y of distances) is named so,
    # in the recipe's code too
    with pytest.raises(TypeError, match=r"^X_support is a polars Series .* e\.g\. "
                       r"X_support\.arr\.to_list\(\)"):
        check_sequences(fixed, name="X_support")
    np.testing.assert_array_equal(
        check_sequences(fixed.arr.to_list().list.eval(
            pl.concat_list(pl.element().struct.unnest())))[0],
        [[[1.0, 2.0], [3.0, 4.0]]])
    # the outermost nesting picks the recipe: a List of Arrays of structs
    # has the .list namespace, an Array of Lists of them does not
    steps = [[[{"a": 1.0, "b": 2.0}], [{"a": 3.0, "b": 4.0}]]]
    struct = nested.dtype.inner
    for dtype, way_out in ((pl.List(pl.Array(struct, 1)), "X.list.eval("),
                           (pl.Array(pl.List(struct), 2), "X.arr.to_list()")):
        with pytest.raises(TypeError, match=re.escape(f"e.g. {way_out}")):
            check_sequences(pl.Series(steps).cast(dtype))


def test_pyarrow_and_pandas_arrow_structs_are_refused_as_polars_ones():
    # numpy reads their structs as dicts: "float() argument must be a string
    # or a real number, not 'dict'"; the polars struct's refusal, with each
    # library's way out
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    struct = pa.array([{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}])
    steps = pa.array([[{"a": 1.0, "b": 2.0}], [{"a": 3.0, "b": 4.0}, None]])
    arrow = pd.Series(struct, dtype=pd.ArrowDtype(struct.type))
    for X, message in (
            (struct, "X is a pyarrow StructArray of dtype struct<a: double, b: "
                     "double>: a struct's fields could be time steps or channels, "
                     "so structs are not read. Pass pa.Table.from_struct_array(X)"),
            (pa.chunked_array([struct]), "pyarrow ChunkedArray of dtype struct<"),
            (pa.table({"x": [1.0, 2.0], "s": struct}),
             "X's column 's' has pyarrow dtype struct<"),
            (arrow, "X is a pandas Series of dtype struct<a: double, b: double>"
                    "[pyarrow]: a struct's fields could be time steps or channels, "
                    "so structs are not read. Pass X.struct.explode()"),
            (pd.DataFrame({"s": arrow}), "X's column 's' has pandas dtype struct<"),
            (steps, "pyarrow ListArray of dtype list<item: struct<a: double, b: "
                    "double>>: structs are not read as time steps"),
            (pd.Series(steps, dtype=pd.ArrowDtype(steps.type)),
             "in X.tolist()]")):
        with pytest.raises(TypeError, match=re.escape(message)):
            check_sequences(X)
    # every pyarrow list type around the structs, nested lists too
    rows = [[{"a": 1.0, "b": 2.0}], [{"a": 3.0, "b": 4.0}]]
    for list_type in (pa.large_list(struct.type), pa.list_(struct.type, 1),
                      pa.list_(pa.large_list(struct.type))):
        given = pa.array([[row] for row in rows] if list_type.value_type != struct.type
                         else rows, type=list_type)
        with pytest.raises(TypeError, match=re.escape(
                "structs are not read as time steps. Pass each step as the list "
                "of its fields (one per channel), e.g. [[list(step.values()) for "
                "step in series] for series in X.to_pylist()]")):
            check_sequences(given)
    # the ways out named read what they say
    table = pa.Table.from_struct_array(struct)
    assert check_sequences(table)[0].shape == (2, 2, 1)
    assert check_sequences(np.asarray(table)[None])[0].shape == (1, 2, 2)
    assert check_sequences(arrow.struct.explode())[0].shape == (2, 2, 1)
    assert check_sequences(arrow.struct.explode().to_numpy()[None])[0].shape == (
        1, 2, 2)
    complete = pa.array([[{"a": 1.0, "b": 2.0}], [{"a": 3.0, "b": 4.0}] * 2])
    np.testing.assert_array_equal(
        check_sequences([[list(step.values()) for step in series]
                         for series in complete.to_pylist()])[0],
        [[[1.0, 2.0], [np.nan, np.nan]], [[3.0, 4.0], [3.0, 4.0]]])
    # numbers in Arrow dtypes are read as before
    assert check_sequences(pd.DataFrame({"t0": [1.0]}, dtype="float64[pyarrow]"))[
        0].shape == (1, 1, 1)


def test_a_polars_lazy_frame_is_refused_with_the_way_out():
    # a query, not data: numpy's "setting an array element with a sequence",
    # after polars' PerformanceWarning for reading its schema
    pl = pytest.importorskip("polars")
    X = pl.DataFrame({"t0": [1.0, 3.0], "t1": [2.0, 4.0]})  # a series per row
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=re.escape("pass its result, X.collect()")):
            check_sequences(X.lazy())
    assert check_sequences(X.lazy().collect())[0].shape == (2, 2, 1)
