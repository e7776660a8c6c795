"""Containers refused rather than read, each with its library's way out.

A polars LazyFrame is a query, not data; a struct (polars, pyarrow, or
pandas' ``ArrowDtype``), alone or in lists, holds fields that could be time
steps or channels. :func:`~sktime_metric.utils.to_sequence_dataset`
calls :func:`refuse_unread` before it reads anything, so that such input gets
a ``TypeError`` naming its dtype and the conversion to pass, instead of a
reading numpy guesses (a field per time step, a null struct step taken for
padding) or numpy's "float() argument must be ... not 'dict'".
"""

__all__ = ["refuse_unread"]


# A plain struct Series: how each library makes of it a table (a field per
# column) and one series (a row per time step, a field per channel); {X}: the
# argument's name
_STRUCT_TABLE = {
    "polars": ("{X}.struct.unnest()", "{X}.struct.unnest().to_numpy()[None]"),
    "pandas": ("{X}.struct.explode()", "{X}.struct.explode().to_numpy()[None]"),
    "pyarrow": ("pa.Table.from_struct_array({X})",
                "np.asarray(pa.Table.from_struct_array({X}))[None]"),
}
# A Series of lists of structs: each step as the list of its fields, by the
# outer nesting (polars' List and Array have their own namespaces)
_STRUCT_STEPS = {
    ("polars", "List"): "{X}.list.eval(pl.concat_list(pl.element().struct.unnest())) "
                        "for a List of structs",
    ("polars", "Array"): "{X}.arr.to_list().list.eval(pl.concat_list("
                         "pl.element().struct.unnest())) for an Array of structs",
    ("pandas", "List"): "[[list(step.values()) for step in series] for series in "
                        "{X}.tolist()]",
    ("pyarrow", "List"): "[[list(step.values()) for step in series] for series "
                         "in {X}.to_pylist()]",
}


def _typed_columns(X):
    """X's library, and the name (None for X itself), shown dtype and Arrow or
    polars dtype of each of its columns; (None, []) for other containers.

    pandas' columns count only with an Arrow dtype (``pd.ArrowDtype``): a
    numpy or object column holds no struct type.
    """
    module = type(X).__module__
    if module.startswith("polars"):
        if hasattr(X, "struct") and hasattr(X, "dtype"):  # a Series
            return "polars", [(None, X.dtype, X.dtype)]
        return "polars", [(k, v, v) for k, v in getattr(X, "schema", {}).items()]
    if module.startswith("pyarrow"):
        if hasattr(X, "type"):  # an Array or ChunkedArray
            return "pyarrow", [(None, X.type, X.type)]
        schema = getattr(X, "schema", None)  # a Table or RecordBatch
        return "pyarrow", [(f.name, f.type, f.type) for f in schema or ()]
    if module.startswith("pandas"):
        dtypes = (list(X.dtypes.items()) if hasattr(X, "columns")
                  else [(None, getattr(X, "dtype", None))])
        return "pandas", [(k, v, v.pyarrow_dtype) for k, v in dtypes
                          if hasattr(v, "pyarrow_dtype")]
    return None, []


def _struct_nesting(dtype):
    """The list kinds around a struct in ``dtype`` ("List" or "Array", outer
    first; [] for a struct itself), or None when it holds no struct."""
    kinds = []
    while True:
        kind = type(dtype).__name__
        if kind in ("Array", "List"):  # polars'
            kinds.append(kind)
            dtype = dtype.inner
        elif kind in ("ListType", "LargeListType", "FixedSizeListType",
                      "ListViewType", "LargeListViewType"):  # pyarrow's
            kinds.append("List")
            dtype = dtype.value_type
        else:
            return kinds if kind in ("Struct", "StructType") else None


def refuse_unread(X, name="X"):
    """Refuse a polars LazyFrame, and a struct dtype of polars, pyarrow or
    pandas (``pd.ArrowDtype``): a Series, array or frame column of structs,
    or of (nested) lists of them.

    A LazyFrame is a query, not data: numpy failed on it with "setting an
    array element with a sequence" (and reading its schema runs the query's
    planner, with polars' ``PerformanceWarning``). numpy reads a polars
    struct as the row of its fields, so a ``Struct`` Series was read as a
    table (a field per time step) and a ``List(Struct)`` one as series of a
    field per channel, where a null struct step was a row of NaN: trailing,
    silently taken for padding; pyarrow's and pandas' structs are dicts to
    numpy, which failed with "float() argument must be ... not 'dict'".
    Neither reading is documented and a struct's fields are as likely
    channels as time steps: the user says which. ``name``: what the
    messages call the argument ``X`` (and its code, ``Y.collect()``).
    """
    if type(X).__module__.startswith("polars") and type(X).__name__ == "LazyFrame":
        # before its schema is read (the warning above)
        raise TypeError(f"{name} is a polars LazyFrame, a query: pass its "
                        f"result, {name}.collect().")
    library, columns = _typed_columns(X)
    for column, shown, dtype in columns:
        kinds = _struct_nesting(dtype)
        if kinds is None:
            continue
        if column is not None:
            raise TypeError(
                f"{name}'s column {column!r} has {library} dtype {shown}: structs are "
                "not read as sequences. Pass the series alone as lists of time "
                "steps, each a list of channels."
            )
        what = "Series" if library != "pyarrow" else type(X).__name__
        if not kinds:
            table, one = (code.format(X=name) for code in _STRUCT_TABLE[library])
            raise TypeError(
                f"{name} is a {library} {what} of dtype {shown}: a struct's fields "
                "could be time steps or channels, so structs are not read. "
                f"Pass {table} for a table (one univariate series per row, a "
                f"field per time step) or {one} for one series (a row per time "
                "step, a field per channel)."
            )
        raise TypeError(
            f"{name} is a {library} {what} of dtype {shown}: structs are not read "
            "as time steps. Pass each step as the list of its fields (one per "
            f"channel), e.g. {_STRUCT_STEPS[library, kinds[0]].format(X=name)}."
        )
