"""The data contract's containers: what to_sequence_dataset (and so every
estimator) reads pandas, polars, pyarrow, torch, masked and nested input as,
and how it names what it cannot read."""

import re
import warnings

import numpy as np
import pytest

from sktime_metric.utils import check_sequences, to_sequence_dataset


def test_pandas_nullable_frames_read_na_as_nan_padding():
    # a wide (n, T) table of ragged univariate series read with pandas'
    # nullable dtypes (read_csv(dtype_backend="numpy_nullable"), convert_dtypes)
    # pads with pd.NA: scikit-learn's check_array reads it as NaN; the object
    # array numpy makes of such a frame failed with "float() argument must
    # be ... not 'NAType'"
    pd = pytest.importorskip("pandas")
    wide = pd.DataFrame([[1.0, 2.0, 3.0], [4.0, 5.0, None]]).astype("Float64")
    X, lengths = check_sequences(wide)
    np.testing.assert_array_equal(lengths, [3, 2])
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2, 3], [4, 5, np.nan]])
    ints = pd.DataFrame({"a": pd.array([1, 2, None], dtype="Int64"),
                         "b": pd.array([3, 4, None], dtype="Int64")})
    X, lengths = check_sequences([ints, ints.iloc[:1]])  # a list of (T_i, d) frames
    np.testing.assert_array_equal(lengths, [2, 1])
    np.testing.assert_array_equal(X[0, :2], [[1, 3], [2, 4]])
    # NA on some channels is still refused as a gap, text still names itself
    with pytest.raises(ValueError, match="NaN on channel"):
        check_sequences([ints.iloc[:2].assign(b=pd.array([3, None], dtype="Int64"))])
    with pytest.raises(ValueError, match="could not be converted.*'x'"):
        check_sequences(np.array([[1.0, pd.NA, "x"]], dtype=object))


def test_torch_tensors_are_read_detached_in_any_float_dtype():
    # bfloat16 failed in numpy ("Got unsupported ScalarType BFloat16") and a
    # tensor that requires grad with torch's "Can't call numpy()"
    torch = pytest.importorskip("torch")
    X = np.random.RandomState(0).randn(3, 4, 2)
    X[0, 2:] = np.nan
    reference, lengths = check_sequences(X)
    tensor = torch.tensor(X, dtype=torch.float32, requires_grad=True)
    for given in (tensor, list(tensor), tensor.to(torch.bfloat16),
                  tensor.to(torch.float16)):
        out, out_lengths = check_sequences(given)
        np.testing.assert_allclose(out, reference, rtol=1e-2, atol=1e-2)
        np.testing.assert_array_equal(out_lengths, lengths)


def test_torch_tensors_in_channels_first_layout_warn_as_numpy_arrays_do():
    # PyTorch's Conv1d (N, C, L) is aeon's layout: a numpy array warned, the
    # same data as a tensor trained on the wrong axis without a word
    torch = pytest.importorskip("torch")
    from sktime_metric.utils import SequenceLayoutWarning
    from sktime_metric.utils.validation import validate_sequences

    class Estimator:
        pass

    X = np.random.RandomState(0).randn(4, 3, 20)  # 3 channels, 20 steps
    for given in (X, torch.tensor(X)):
        with pytest.warns(SequenceLayoutWarning, match="from_aeon"):
            validate_sequences(Estimator(), given, reset=True)


def test_masked_values_are_missing_not_observations():
    # np.asarray keeps the values under a mask: read as NaN, a masked end is
    # padding and a masked step inside a series is the usual clear error
    X = np.ma.array(np.ones((2, 3, 1)), mask=[[[0], [0], [1]], [[0], [0], [0]]])
    X_3d, lengths = check_sequences(X)
    assert lengths.tolist() == [2, 3] and np.isnan(X_3d[0, 2, 0])
    inside = np.ma.array(np.ones((1, 3, 1)), mask=[[[0], [1], [0]]])
    with pytest.raises(ValueError, match="X's sample 0 has NaN at time step 1"):
        check_sequences(inside)
    series = [np.ma.array(np.arange(4), mask=[0, 0, 0, 1]), np.arange(3)]
    assert check_sequences(series)[1].tolist() == [3, 3]


def test_masked_arrays_pass_the_same_dtype_checks():
    # reading the mask must not skip the checks on the data under it: a
    # complex or text masked array is refused as an unmasked one is
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_sequences(np.ma.masked_array([[1 + 2j, 2, 3]], mask=[[0, 0, 1]]))
    with pytest.raises(TypeError, match="non-numeric dtype"):
        check_sequences(np.ma.masked_array([["a", "b"]], mask=[[0, 1]]))
    X = np.ma.array(np.ones((1, 3, 1)), mask=[[[0], [0], [1]]])
    check_sequences(X)
    assert (X.data == 1).all()  # the caller's data under the mask untouched


def test_pyarrow_arrays_read_as_their_numpy_conversions():
    # a pyarrow Array's to_numpy() copies nothing by default: a list of
    # series or nulls raised ArrowInvalid ("zero_copy_only was True"); numpy
    # read a fixed-shape tensor flattened, (2, 3, 2) as (2, 6, 1), silently
    pa = pytest.importorskip("pyarrow")
    expected = [[1.0, 2.0], [3.0, np.nan]]
    for ragged in (pa.array([[1.0, 2.0], [3.0]]),
                   pa.chunked_array([[[1.0, 2.0]], [[3.0]]])):
        X, lengths = check_sequences(ragged)
        np.testing.assert_array_equal(X[:, :, 0], expected)
        assert lengths.tolist() == [2, 1]
    with pytest.raises(ValueError, match="X.reshape"):  # one series, as numpy
        check_sequences(pa.array([1.0, None]))
    A = np.arange(12.0).reshape(2, 3, 2)
    tensors = pa.FixedShapeTensorArray.from_numpy_ndarray(A)
    np.testing.assert_array_equal(check_sequences(tensors)[0], A)
    chunked = pa.chunked_array([tensors, tensors])
    np.testing.assert_array_equal(check_sequences(chunked)[0], np.concatenate([A, A]))


def test_nested_polars_and_pyarrow_lists_read_as_lists_of_lists():
    # a polars List(List(Float64)) Series and pyarrow's nested ListArray or
    # ChunkedArray failed with "Sample 0 could not be converted to a numeric
    # array: setting an array element with a sequence"; numpy gives each
    # series as an object array of its time steps
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    rng = np.random.RandomState(0)
    lists = [rng.randn(5, 2).tolist(), rng.randn(3, 2).tolist()]
    lists[1][2] = [None, None]  # a missing last step: padding, as in a list
    expected, lengths = check_sequences(lists)
    assert lengths.tolist() == [5, 2]
    for given in (pl.Series(lists), pa.array(lists),
                  pa.array(lists, type=pa.large_list(pa.list_(pa.float64()))),
                  pa.chunked_array([pa.array(lists[:1]), pa.array(lists[1:])]),
                  pl.Series(lists, dtype=pl.List(pl.Array(pl.Float64, 2)))):
        X, given_lengths = check_sequences(given)
        np.testing.assert_array_equal(X, expected)
        assert given_lengths.tolist() == [5, 2]
    # one level of lists: univariate series, as a list of 1-D lists is read
    univariate = [[1.0, 2.0], [3.0, None, None]]
    for given in (pl.Series(univariate), pa.array(univariate)):
        np.testing.assert_array_equal(check_sequences(given)[0],
                                      check_sequences(univariate)[0])


def _polars_nesting(nesting, inner, steps=3, channels=2):
    """The polars dtype "List(Array)" etc. of series of ``inner`` values."""
    pl = pytest.importorskip("polars")
    outer, step = nesting.rstrip(")").split("(")
    step = pl.List(inner) if step == "List" else pl.Array(inner, channels)
    return pl.List(step) if outer == "List" else pl.Array(step, steps)


# (n series, T steps, d channels) as polars nests it: a List where the size
# varies, an Array where it is fixed. pl.Series(a 3-D array) is an
# Array(Array); X.list.to_array(T) of a List(List) an Array(List), T steps
# of any number of channels
_NESTINGS = ["List(List)", "List(Array)", "Array(Array)", "Array(List)"]


@pytest.mark.parametrize("inner", ["Float64", "Float32", "Int64", "UInt8"])
@pytest.mark.parametrize("nesting", _NESTINGS)
def test_every_polars_nesting_of_numbers_reads_as_nan_padded_series(nesting,
                                                                  inner):
    # an Array(List) was a 2-D object array to numpy, its list cells refused
    # as a table's: "X holds a sequence at row 0, column 0"
    pl = pytest.importorskip("polars")
    dtype = _polars_nesting(nesting, getattr(pl, inner))
    padded = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [None, None], [None, None]]]
    nan = np.nan
    expected = np.array([[[1, 2], [3, 4], [5, 6]], [[7, 8], [nan, nan], [nan, nan]]])
    X, lengths = check_sequences(pl.Series(padded, dtype=dtype))
    assert np.array_equal(X, expected, equal_nan=True)
    assert lengths.tolist() == [3, 1]
    padded[0][1][1] = None  # read as NaN (which check_sequences then names)
    expected[0, 1, 1] = nan
    X = to_sequence_dataset(pl.Series(padded, dtype=dtype))
    assert np.array_equal(X, expected, equal_nan=True)


@pytest.mark.parametrize("inner, X, message", [
    ("Float64", [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0, 7.0], [8.0, 9.0, 1.0]]],
     "X's sample 1 has 3 channels but sample 0 has 2"),
    ("Float64", [[[1.0, 2.0], [3.0]]], "X's sample 0 has time steps of different "
     "sizes: step 0 has 2 value(s), step 1 has 1 value(s)"),
    ("String", [[["a", "b"], ["c", "d"]]], "X's sample 0 could not be converted to "
     "a numeric array: could not convert string to float: 'a'"),
])
def test_an_array_of_lists_names_what_a_list_of_lists_names(inner, X, message):
    # an Array(List) fixes the steps, not their channels: ragged channels and
    # values that are no numbers are named as in the List(List) it is read as
    pl = pytest.importorskip("polars")
    for nesting in ("List(List)", "Array(List)"):
        dtype = _polars_nesting(nesting, getattr(pl, inner), steps=len(X[0]))
        with pytest.raises(ValueError, match=re.escape(message)):
            check_sequences(pl.Series(X, dtype=dtype))


def test_an_empty_polars_array_of_lists_is_refused_as_no_samples():
    # left as numpy reads it, (0, T): "0 sample(s)"; cast to its List(List),
    # it read as shape (0,) and was told to reshape(1, -1)
    pl = pytest.importorskip("polars")
    empty = pl.Series([], dtype=_polars_nesting("Array(List)", pl.Float64))
    with pytest.raises(ValueError, match=re.escape("Found array with 0 sample(s)")):
        check_sequences(empty)


def test_object_arrays_of_list_steps_read_as_lists_of_lists():
    # a series as a 1-D object array whose time steps are lists or tuples (a
    # pandas Series of lists of channels), not only numpy rows as polars and
    # pyarrow give them: read as the list of steps it holds
    steps = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    for step in (list, tuple, np.asarray):
        series = np.empty(3, dtype=object)
        series[:] = [step(s) for s in steps]
        X, lengths = check_sequences([series, np.asarray(steps[:1])])
        np.testing.assert_array_equal(X[0], steps)
        assert lengths.tolist() == [3, 1]


# a null series, a null step and a null value, in nested lists
_NULLS = [
    ([[[1.0, 2.0]], None], "X's sample 1 is missing (None) instead of a series"),
    ([[[1.0, 2.0], None]],
     "X's sample 0 has time steps of different sizes: step 0 has 2 value(s), "
     "step 1 has a missing value (None)"),
    ([[[1.0, None]], [[3.0, 4.0]]], "X's sample 0 has NaN on channel(s) [1] only"),
]


@pytest.mark.parametrize("container", ["list", "polars", "pyarrow"])
@pytest.mark.parametrize(
    "X, message",
    [
        *_NULLS,
        ([[[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0, 5.0]]],
         "X's sample 1 has time steps of different sizes: step 0 has 2 value(s), "
         "step 1 has 3 value(s)"),
        ([[[1.0, 2.0]], [[3.0, 4.0, 5.0]]], "X's sample 1 has 3 channels but sample 0"),
    ],
)
def test_nulls_and_ragged_steps_in_nested_lists_name_the_sample(X, message,
                                                               container):
    # numpy's "inhomogeneous shape" named no sample (a list of lists too);
    # a null series read as a 0-d array, "Sample 1 has 0 dimensions"
    if container == "polars":
        X = pytest.importorskip("polars").Series(X)
    elif container == "pyarrow":
        X = pytest.importorskip("pyarrow").array(X)
    with pytest.raises(ValueError, match=re.escape(message)):
        check_sequences(X)


@pytest.mark.parametrize("nesting", ["Array(Array)", "Array(List)"])
@pytest.mark.parametrize("X, message", _NULLS)
def test_nulls_in_fixed_size_polars_arrays_name_the_sample(X, message, nesting):
    # numpy reads a null of polars' fixed-size Array as NaN: a null series was
    # "X's sample 1 is empty (all NaN)" and a null step "NaN on channel(s) [0, 1]"
    pl = pytest.importorskip("polars")
    dtype = _polars_nesting(nesting, pl.Float64, steps=len(X[0]))
    with pytest.raises(ValueError, match=re.escape(message)):
        check_sequences(pl.Series(X, dtype=dtype))


def test_a_null_step_in_a_polars_list_of_fixed_size_arrays_is_named():
    # numpy reads the null Array of a List(Array) as a row of NaN too: a
    # trailing null step was taken for padding, a null step inside the series
    # named as NaN
    pl = pytest.importorskip("polars")
    dtype = pl.List(pl.Array(pl.Float64, 2))
    for X, step in (([[[1.0, 2.0], [3.0, 4.0], None]], 2),
                    ([[[1.0, 2.0], None, [3.0, 4.0]]], 1)):
        with pytest.raises(ValueError, match=re.escape(
                f"step {step} has a missing value (None)")):
            check_sequences(pl.Series(X, dtype=dtype))


@pytest.mark.parametrize("X, message", [
    # a NaN in place of a row is named as a missing step, as None is
    ([[[1.0, 2.0], float("nan")]], "X's sample 0 has time steps of different sizes: "
     "step 0 has 2 value(s), step 1 has a missing value (nan) in place of a row"),
    # a row of NaN is a step of that many values, not a missing step: the
    # ragged step is the third ([nan] read as missing named the second)
    ([[[1.0], [float("nan")], [2.0, 3.0]]], "X's sample 0 has time steps of "
     "different sizes: step 0 has 1 value(s), step 2 has 2 value(s)"),
    # a step that is itself a table is named by its shape, not its first size
    ([[[1.0, 2.0], [[3.0, 4.0], [5.0, 6.0]]]], "X's sample 0 has time steps of "
     "different sizes: step 0 has 2 value(s), step 1 has shape (2, 2)"),
    # steps alike but each ragged inside: numpy's own words, no culprit step
    ([[[1.0, [2.0, 3.0]], [1.0, [2.0, 3.0]]]],
     "X's sample 0 could not be converted to a numeric array: setting an array"),
])
def test_bad_steps_of_a_list_series_are_named_by_what_they_are(X, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_sequences(X)


def test_nested_frame_cells_must_each_be_one_channel():
    # a cell holding a whole (T, d) series was ravelled into one channel of
    # T * d steps, silently; a (T, 1) or (1, T) cell is still one channel
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    series = [rng.randn(5, 2), rng.randn(3, 2)]
    with pytest.raises(ValueError, match=re.escape(
            "X's sample 0, channel 0 of the nested DataFrame has shape (5, 2)")):
        check_sequences(pd.DataFrame({"x": series}))
    with pytest.raises(ValueError, match=re.escape("X['x']")):
        check_sequences(pd.DataFrame({"x": [s.tolist() for s in series]}))
    np.testing.assert_array_equal(check_sequences(pd.Series(series))[0],
                                  check_sequences(series)[0])
    columns = pd.DataFrame({"a": [s[:, :1] for s in series],
                            "b": [s[:, 1:].T for s in series]})
    np.testing.assert_array_equal(check_sequences(columns)[0],
                                  check_sequences(series)[0])


def test_tables_with_a_series_per_cell_are_refused_with_the_way_out():
    # a polars or pyarrow frame with a list column failed with "X could not be
    # converted to a numeric array: setting an array element with a sequence"
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    lists = [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]]]
    message = "X holds a sequence at row 0, column 1, where a number is expected"
    for table in (pl.DataFrame({"id": [1, 2], "x": lists}),
                  pa.table({"id": [1, 2], "x": lists})):
        with pytest.raises(ValueError, match=message):
            check_sequences(table)
    frame = pl.DataFrame({"a": [[1.0, 2.0], [3.0]], "b": [[4.0, 5.0], [6.0]]})
    X, lengths = check_sequences(frame.to_pandas())  # the way out it names
    assert lengths.tolist() == [2, 1] and X.shape == (2, 2, 2)
    np.testing.assert_array_equal(check_sequences(frame["a"])[0], X[:, :, :1])


def test_a_tensor_on_another_device_is_read_on_the_cpu():
    # (a CUDA tensor's numpy() refuses, as this stand-in does until cpu())
    torch = pytest.importorskip("torch")
    X = np.random.RandomState(0).randn(2, 3, 2)

    class DeviceTensor:
        def detach(self):
            return self

        def cpu(self):
            return torch.tensor(X)

        def numpy(self):
            raise TypeError("can't convert cuda:0 device type tensor to numpy")

    np.testing.assert_array_equal(to_sequence_dataset(DeviceTensor()), X)
    if torch.cuda.is_available():
        np.testing.assert_array_equal(
            to_sequence_dataset(torch.tensor(X, device="cuda")), X)


def test_empty_frames_and_tables_with_a_missing_first_cell():
    pd = pytest.importorskip("pandas")
    for empty in (pd.DataFrame(), pd.DataFrame(index=range(3))):
        with pytest.raises(ValueError, match=r"0 feature\(s\)"):
            to_sequence_dataset(empty)
    # NA in the first cell is a missing value of a table, not a nested frame
    table = pd.DataFrame({"a": [pd.NA, 1.0], "b": [2.0, 3.0]}, dtype="Float64")
    np.testing.assert_array_equal(to_sequence_dataset(table),
                                  [[[np.nan], [2.0]], [[1.0], [3.0]]])


def test_a_series_of_numbers_and_rows_names_its_steps():
    X = np.array([1.0, [1.0, 2.0]], dtype=object)
    with pytest.raises(ValueError, match=r"X has time steps of different sizes: "
                       r"step 0 has shape \(\), step 1 has 2 value"):
        to_sequence_dataset(X)


def test_the_aeon_hint_needs_equal_channel_rows():
    # (n_channels, T_i) arrays share their first size; these do not
    with pytest.raises(ValueError, match="X's sample 1 has 3 channels") as caught:
        to_sequence_dataset([np.zeros((5, 2)), np.zeros((4, 3))])
    assert "from_aeon" not in str(caught.value)


def test_from_aeon_names_a_bad_series_as_the_other_checks_do():
    # "X's sample i", as to_sequence_dataset's list path: it said "Sample 1"
    from sktime_metric.utils import from_aeon

    with pytest.raises(ValueError, match=r"^X's sample 1 has 1 dimension\(s\); aeon"):
        from_aeon([np.zeros((2, 5)), np.zeros(3)])
    with pytest.raises(TypeError, match="^X's sample 1 has non-numeric dtype"):
        from_aeon([np.zeros((2, 5)), np.array([["a", "b"]])])


@pytest.mark.parametrize(
    "X, error, message",
    [
        # numpy made a 0-d object array of them, and the NA check an
        # AttributeError ('bool' object has no attribute 'astype')
        ({"a": np.zeros((3, 2))}, TypeError, "not 'dict'"),
        ((x for x in np.zeros((2, 3))), TypeError, "not 'generator'"),
        # an int beyond float64: OverflowError escaped
        (np.array([[10**400, 1]], dtype=object), ValueError, "int too large"),
        ([[10**400, 1]], ValueError, "X's sample 0 could not be converted"),
    ],
)
def test_objects_that_are_no_series_are_named(X, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_sequences(X)


def test_durations_are_refused_as_values():
    # numpy counts timedelta64 as a number: read silently as counts of its
    # unit, while datetime64 was refused (and durations as weights or targets)
    pd = pytest.importorskip("pandas")
    days = pd.to_timedelta(np.arange(6), unit="D")
    for X in (days.values.reshape(2, 3), pd.DataFrame({"a": days})):
        with pytest.raises(TypeError, match=r"X holds durations \(timedelta64"):
            check_sequences(X)
    with pytest.raises(TypeError, match="X's sample 1: X holds durations"):
        check_sequences([np.zeros(3), np.ones(3, dtype="m8[s]")])


def test_duration_columns_among_numbers_are_named():
    # a frame mixing durations with numbers is an object array to numpy:
    # "float() argument must be a string or a real number, not 'Timedelta'",
    # which named neither the column nor a fix; polars read its durations
    # as counts of microseconds beside the numbers
    pd = pytest.importorskip("pandas")
    days = pd.to_timedelta([1, 2], unit="D")
    mixed = pd.DataFrame({"x": [1.0, 2.0], "gap": days, "y": [3, 4]})
    with pytest.raises(TypeError, match=r"^Y\['gap'\] holds durations "
                       r"\(timedelta64.* e\.g\. Y\['gap'\] / pd\.Timedelta\('1D'\)"):
        check_sequences(mixed, name="Y")
    mixed["when"] = pd.Timestamp("2024-01-01") + days
    with pytest.raises(TypeError, match=r"^X has 2 columns of dates, times or "
                       r"durations \('gap', 'when'\): X\['gap'\] holds durations"):
        check_sequences(mixed)
    as_objects = mixed[["x", "gap"]].astype(object)  # pandas' Timedelta objects
    with pytest.raises(TypeError, match=r"^X\['gap'\] holds durations \(Timedelta\)"):
        check_sequences(as_objects)
    pl = pytest.importorskip("polars")
    with pytest.raises(TypeError, match=r"^X\['gap'\] holds durations"):
        check_sequences(pl.from_pandas(mixed[["x", "gap"]]))
    converted = mixed.assign(gap=days / pd.Timedelta("1D")).drop(columns="when")
    assert check_sequences(converted)[0][:, :, 0].tolist() == [[1, 1, 3], [2, 2, 4]]


def test_duration_columns_of_a_list_of_tables_are_named():
    # each sample a table mixing durations with numbers: pandas gave
    # "X's sample 0 could not be converted ... not 'Timedelta'", and polars'
    # durations were read silently as counts of microseconds
    pd = pytest.importorskip("pandas")
    days = pd.to_timedelta([1, 2], unit="D")
    mixed = pd.DataFrame({"x": [1.0, 2.0], "gap": days})
    hint = r" e\.g\. X\[1\]\['gap'\] / pd\.Timedelta\('1D'\)"
    with pytest.raises(TypeError, match=r"^X's sample 1: X\[1\]\['gap'\] holds "
                       r"durations \(timedelta64.*" + hint):
        check_sequences([mixed[["x"]], mixed])
    with pytest.raises(TypeError, match=r"^X's sample 1: X\[1\]\['gap'\] holds "
                       r"durations \(Timedelta\).*" + hint):
        check_sequences([mixed[["x"]], mixed.astype(object)])
    two = mixed.assign(when=pd.Timestamp("2024-01-01") + days)
    with pytest.raises(TypeError, match=r"^X's sample 0: X\[0\] has 2 columns of "
                       r"dates, times or durations \('gap', 'when'\): X\[0\]"):
        check_sequences([two])
    pl = pytest.importorskip("polars")
    with pytest.raises(TypeError, match=r"^X's sample 1: X\[1\]\['gap'\] holds "
                       r"durations"):
        check_sequences([pl.from_pandas(mixed[["x"]])] + [pl.from_pandas(mixed)])
    converted = mixed.assign(gap=days / pd.Timedelta("1D"))
    assert check_sequences([converted])[0][0].tolist() == [[1, 1], [2, 2]]


@pytest.mark.filterwarnings("ignore:.*(nested tensors|ComplexHalf):UserWarning")
def test_torch_tensors_without_a_numpy_view_are_named():
    # a nested (ragged) tensor raised torch's RuntimeError, complex32 numpy's
    # "unsupported ScalarType ComplexHalf"
    torch = pytest.importorskip("torch")
    nested = torch.nested.nested_tensor([torch.zeros(3, 2), torch.zeros(5, 2)])
    with pytest.raises(TypeError, match=re.escape("list(X.unbind())")):
        check_sequences(nested)
    assert check_sequences(list(nested.unbind()))[1].tolist() == [3, 5]
    half = torch.zeros(2, 3, 2, dtype=torch.complex32)
    for X in (half, [half[0], half[1]]):
        with pytest.raises(ValueError, match="Complex data not supported"):
            check_sequences(X)


def test_a_missing_cell_of_a_nested_frame_is_named():
    # a None cell was read as a one-step channel: "channels of different
    # lengths [1, 5]", or with every cell None an "empty" series
    pd = pytest.importorskip("pandas")
    series = pd.Series(np.arange(5.0))
    for missing in (None, np.nan, pd.NA):
        nested = pd.DataFrame({"a": [series, missing], "b": [series, series]})
        with pytest.raises(ValueError, match=re.escape(
                "X's sample 1, channel 0 of the nested DataFrame is missing")):
            check_sequences(nested)


@pytest.mark.skipif(np.finfo(np.longdouble).max <= np.finfo(np.float64).max,
                    reason="long double is float64 on this platform")
def test_long_doubles_beyond_float64_are_named_as_the_value_given():
    # cast to float64 they were inf, named "an infinite value" (with numpy's
    # "overflow encountered in cast"): not the finite value the caller gave
    X = np.ones((2, 3, 2), dtype=np.longdouble)
    X[1, 2, 1] = np.longdouble("-1e400")
    beyond = "-1e+400 at {}, beyond float64's range"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for given, where in (
                (X, "X has the value " + beyond.format(
                    "sample 1, time step 2, channel 1")),
                (list(X), "X's sample 1 has the value " + beyond.format(
                    "time step 2, channel 1")),
                (X[:, :, 1], "X has the value " + beyond.format(
                    "sample 1, time step 2"))):
            with pytest.raises(ValueError, match=re.escape(where)):
                check_sequences(given)
        # within float64's range, or masked: read as before
        X[1, 2, 1] = 2.5
        np.testing.assert_array_equal(check_sequences(X)[0], X.astype(np.float64))
        # an infinite long double is no value beyond float64's range: it is
        # named as the infinite value it is
        X[1, 2, 1] = np.longdouble("inf")
        with pytest.raises(ValueError, match="X's sample 1 has an infinite value at "
                           "time step 2"):
            check_sequences(X)
        X[1, 2, 1] = np.longdouble("1e400")
        mask = np.zeros(X.shape, dtype=bool)
        mask[1, 2] = True  # the last step of sample 1, masked: padding
        assert check_sequences(np.ma.masked_array(X, mask))[1].tolist() == [3, 2]


@pytest.mark.skipif(np.finfo(np.longdouble).max <= np.finfo(np.float64).max,
                    reason="long double is float64 on this platform")
def test_a_1d_long_double_x_is_refused_by_its_shape_first():
    # its value beyond float64 was named at "sample 1", which is a time step
    # of a 1-D X, before the shape check could say that 1-D is no dataset
    x = np.array([1.0, np.longdouble("1e400"), 2.0], dtype=np.longdouble)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=r"got an array with 1 dimension\(s\) "
                           r"and shape \(3,\)\. Reshape your data: X.reshape\(1, -1\)"):
            check_sequences(x)
        # reshaped as it says, the value is named where it is
        with pytest.raises(ValueError, match="X has the value 1e\\+400 at sample 0, "
                           "time step 1, beyond float64's range"):
            check_sequences(x.reshape(1, -1))
