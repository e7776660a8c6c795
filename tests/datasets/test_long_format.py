"""load_csv (long format) and load_npz on files the tests write."""

import io
import warnings

import numpy as np
import pytest

from sktime_metric.datasets import from_long_format, load_csv, load_npz

# two series, rows interleaved and out of time order; "b" is shorter
_CSV = """series_id,time,acc_x,acc_y,label
a,1,2.0,20,walk
b,0,5.0,50,run
a,0,1.0,10,walk
a,2,3.0,30,walk
b,1,6.0,60,run
"""


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_series_in_order_of_first_row_sorted_by_time_and_padded(tmp_path):
    X, y, ids = load_csv(_write(tmp_path, _CSV), label_column="label",
                         return_series_ids=True)
    assert X.dtype == np.float64 and X.shape == (2, 3, 2)
    np.testing.assert_array_equal(X[0], [[1, 10], [2, 20], [3, 30]])
    np.testing.assert_array_equal(X[1, :2], [[5, 50], [6, 60]])
    assert np.isnan(X[1, 2]).all()  # padding at the end
    assert y.tolist() == ["walk", "run"] and ids == ["a", "b"]


def test_without_labels_every_other_column_is_a_channel(tmp_path):
    text = _CSV.replace(",label", "").replace(",walk", "").replace(",run", "")
    X, y = load_csv(_write(tmp_path, text))
    assert X.shape == (2, 3, 2) and y is None
    # the label column, if present and not named, is a channel and must be numeric
    with pytest.raises(ValueError, match=r"column 'label': series 'a' at time 1: "
                       r"'walk' is not a number"):
        load_csv(_write(tmp_path, _CSV))


def test_channel_columns_delimiter_and_file_order(tmp_path):
    text = _CSV.replace(",", ";").replace("series_id", "id").replace("time", "t")
    path = _write(tmp_path, text)
    X, y = load_csv(path, series_column="id", time_column="t", label_column="label",
                    channel_columns=["acc_y"], delimiter=";")
    assert X.shape == (2, 3, 1)
    np.testing.assert_array_equal(X[0, :, 0], [10, 20, 30])
    # time_column=None: the rows of each series in file order
    X, _ = load_csv(path, series_column="id", time_column=None, label_column="label",
                    channel_columns=["acc_x", "t"], delimiter=";")
    np.testing.assert_array_equal(X[0], [[2, 1], [1, 0], [3, 2]])
    with pytest.raises(ValueError, match="Pass delimiter="):
        load_csv(path)


def test_iso_dates_order_the_rows(tmp_path):
    text = ("series_id,time,x\n"
            "s,2024-05-01T12:00:01,2\n"
            "s,2024-05-01T12:00:00,1\n"
            "s,2024-05-02,3\n")
    X, _ = load_csv(_write(tmp_path, text))
    np.testing.assert_array_equal(X[0, :, 0], [1, 2, 3])


def test_integer_times_beyond_float_precision_stay_distinct(tmp_path):
    # nanosecond stamps: 2**53 + 1 rounds to 2**53 as a float, which would call
    # the two rows one time step (and the order of the others arbitrary)
    big = 2**53
    text = ("series_id,time,x\n"
            f"s,{big + 1},2\n"
            f"s,{big},1\n"
            f"s,{big + 1}.5,3\n")  # a float beside the ints, compared exactly
    X, _ = load_csv(_write(tmp_path, text))
    np.testing.assert_array_equal(X[0, :, 0], [1, 2, 3])
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"series_id": ["s", "s"], "x": [2.0, 1.0],
                          "time": np.array([big + 1, big], dtype=np.int64)})
    np.testing.assert_array_equal(from_long_format(frame)[0][0, :, 0], [1, 2])
    huge = pd.DataFrame({"series_id": ["s", "s"], "x": [2.0, 1.0],
                         "time": ["9" * 400, "8" * 400]})  # beyond float64: exact
    np.testing.assert_array_equal(from_long_format(huge)[0][0, :, 0], [1, 2])
    with pytest.raises(ValueError, match=f"two rows at time {big}"):
        load_csv(_write(tmp_path, f"series_id,time,x\ns,{big},1\ns,{big}.0,2\n"))


def test_utc_offsets_order_the_rows_by_their_instant(tmp_path):
    # pandas writes time-zone-aware stamps with an offset; numpy's own reading
    # of offsets is deprecated (a warning), so load_csv subtracts them itself
    text = ("series_id,time,x\n"
            "s,2024-05-01 12:30:00+02:00,2\n"   # 10:30 UTC
            "s,2024-05-01T10:00:00Z,1\n"        # 10:00 UTC
            "s,2024-05-01T06:00:00-0500,3\n"    # 11:00 UTC
            "s,2024-05-02T00:00:00+00:00,4\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X, _ = load_csv(_write(tmp_path, text))
    np.testing.assert_array_equal(X[0, :, 0], [1, 2, 3, 4])
    # a date's "-02" is no offset: dates alone are local times, in order
    dates = "series_id,time,x\ns,2024-05-02,2\ns,2024-05-01,1\n"
    np.testing.assert_array_equal(load_csv(_write(tmp_path, dates))[0][0, :, 0], [1, 2])
    # a local time among instants has no instant of its own: refused, as
    # pandas refuses to compare the two (it was once read as UTC)
    mixed = text.replace("2024-05-02T00:00:00+00:00", "2024-05-02")
    with pytest.raises(ValueError, match=r"line 5 \(series 's'\): time '2024-05-02' "
                       r"in column 'time' is not an ISO 8601 date/time with a UTC "
                       r"offset, as the first row's is"):
        load_csv(_write(tmp_path, mixed))


@pytest.mark.parametrize("text, kwargs, message", [
    ("id,time,x\na,0,1\n", {}, r"no column 'series_id' \(series_column\); the "
     r"header row has \['id', 'time', 'x'\]"),
    (_CSV, {"label_column": "activity"}, r"no column 'activity' \(label_column\)"),
    ("series_id,x\na,1\n", {}, r"no column 'time' \(time_column\); the header row "
     r"has \['series_id', 'x'\]. Rows in time order without a time column: pass "
     r"time_column=None"),
    (_CSV, {"channel_columns": ["acc_z"]}, r"no column 'acc_z' \(channel_columns\)"),
    (_CSV, {"channel_columns": ["time"]}, r"channel_columns \['time'\] are also"),
    (_CSV, {"channel_columns": ["acc_x", "acc_x"]},
     r"channel_columns names \['acc_x'\] more than once"),
    ("series_id,time,label\na,0,x\n", {"label_column": "label"}, "no channel column"),
    ("series_id,time,x,x\na,0,1,2\n", {}, r"column\(s\) \['x'\] appear more than once"),
    ("", {}, "the file is empty"),
    ("series_id,time,x\n", {}, "no data row below the header"),
    ("series_id,time,x\na,0,1\na,1\n", {}, "line 3 has 2 fields; the header row has 3"),
    ("series_id,time,x\n,0,1\n", {}, "line 2: empty 'series_id'"),
    ("series_id,time,x\na,0,1\na,1,abc\n", {},
     "line 3, column 'x': series 'a' at time 1: 'abc' is not a number"),
    ("series_id,time,x\na,0,1\na,1,\n", {},
     r"line 3, column 'x': series 'a' at time 1 has a missing or infinite value "
     r"\(''\).*fill or drop"),
    ("series_id,time,x\na,0,NaN\n", {}, r"series 'a' at time 0 has a missing or "
     r"infinite value \('NaN'\)"),
    ("series_id,time,x\na,0,?\n", {}, r"missing or infinite value \('\?'\)"),
    ("series_id,time,x\na,0,-inf\n", {}, r"missing or infinite value \('-inf'\)"),
    ("series_id,time,x\na,0,1\nb,0,2\na,0,3\n", {},
     "series 'a' has two rows at time 0 \\(lines 2 and 4\\)"),
    ("series_id,time,x\na,0,1\na,yesterday,2\n", {},
     "line 3 \\(series 'a'\\): time 'yesterday' in column 'time' is not a number"),
    ("series_id,time,x\na,noon,1\n", {},
     "line 2: time 'noon' is neither a number, an ISO 8601 date"),
    ("series_id,time,x\na,0 days 00:00:01,1\na,1,2\n", {},
     "line 3 \\(series 'a'\\): time '1' in column 'time' is not a duration"),
    ("series_id,time,x\na,nan,1\n", {}, "the time 'nan' is not a finite number"),
    ("series_id,time,x,y\na,0,1,up\na,1,2,down\n", {"label_column": "y"},
     "series 'a' changes label: 'up' on line 2, 'down' on line 3"),
    ("series_id,time,x,y\na,0,1, \n", {"label_column": "y"},
     r"line 2 \(series 'a'\): empty label in column 'y'"),
    # pandas' to_csv without index=False: the row numbers were read as channel 0
    (",series_id,time,x\n0,a,0,1\n1,a,1,2\n", {},
     r"column 0 \(''\) has no name of its own.*to_csv writes a frame's index "
     r"there unless index=False"),
    # a delimiter at the end of each line: no pandas index (it comes first)
    ("series_id,time,x,\na,0,1,\n", {}, r"the last column has no name "
     r"\(\['series_id', 'time', 'x', ''\]\): does each line end with the "
     r"delimiter\? Remove it, or name the channels with channel_columns"),
])
def test_bad_input_names_the_line_series_and_column(tmp_path, text, kwargs, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as info:
        load_csv(path, **kwargs)
    assert str(path) in str(info.value) or "channel_columns" in str(info.value)


def test_blank_lines_and_a_byte_order_mark_are_ignored(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffseries_id,time,x\n\na,0,1\n\n".encode("utf-8"))
    X, _ = load_csv(path)
    assert X.shape == (1, 1, 1)


def test_load_npz(tmp_path):
    X = np.arange(24.0).reshape(4, 3, 2)
    X[1, 2] = np.nan
    np.savez(tmp_path / "xy.npz", X=X.astype(np.float32), y=np.array([0, 1, 0, 1]))
    X_read, y = load_npz(tmp_path / "xy.npz")
    assert X_read.dtype == np.float64
    np.testing.assert_array_equal(X_read, X)
    assert y.tolist() == [0, 1, 0, 1]
    np.savez(tmp_path / "x.npz", X=np.zeros((3, 5)))  # univariate, no labels
    X_read, y = load_npz(tmp_path / "x.npz")
    assert X_read.shape == (3, 5, 1) and y is None


@pytest.mark.parametrize("arrays, message", [
    ({"series": np.zeros((2, 3, 1))}, r"no array 'X' \(it has \['series'\]\)"),
    ({"X": np.array([np.zeros(2), np.zeros(3)], dtype=object)},
     "array 'X' is an object array, which only loads with pickle"),
    ({"X": np.array([["a", "b"]])}, "X has dtype <U1; it must be numeric"),
    ({"X": np.zeros(4)}, r"X has shape \(4,\)"),
    ({"X": np.zeros((2, 3, 1)), "y": np.array([0, 1, 1])},
     r"y has shape \(3,\); expected \(2,\)"),
])
def test_load_npz_refuses_what_it_cannot_read(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match=message):
        load_npz(tmp_path / "bad.npz")


# -- the same table as a pandas DataFrame in memory ---------------------------


def test_a_frame_reads_as_the_same_table_in_a_file(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(_CSV))
    frame["subject"] = "s1"  # not a channel: named out by channel_columns
    expected = load_csv(_write(tmp_path, _CSV), label_column="label",
                        return_series_ids=True)
    got = from_long_format(frame, label_column="label",
                           channel_columns=["acc_x", "acc_y"], return_series_ids=True)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1].tolist() == expected[1].tolist() and got[2] == expected[2]
    # datetimes order the rows by their instant, time zones included
    times = pd.to_datetime(["2024-05-01 12:00", "2024-05-01 09:00"]).tz_localize("UTC")
    zoned = pd.DataFrame({"series_id": ["s", "s"], "x": [2.0, 1.0],
                          "time": times.tz_convert("Europe/Amsterdam")})
    np.testing.assert_array_equal(from_long_format(zoned)[0][0, :, 0], [1.0, 2.0])
    # a naive time among zoned ones has no instant of its own: refused
    mixed = pd.DataFrame({"series_id": ["s", "s"], "x": [2.0, 1.0],
                          "time": pd.Series([times[0], times[1].tz_localize(None)],
                                            dtype=object)})
    with pytest.raises(ValueError, match=r"row 1 \(series 's'\): the time .* is a "
                       r"date, the first row's a date with a time zone"):
        from_long_format(mixed)
    # durations, and text ids stripped as a CSV's cells are
    elapsed = pd.DataFrame({"series_id": ["s", "s ", "s"], "x": [3.0, 1.0, 2.0],
                            "time": pd.to_timedelta([30, 10, 20], unit="s")})
    np.testing.assert_array_equal(from_long_format(elapsed)[0][0, :, 0], [1, 2, 3])
    # to the nanosecond: numpy's reading of a Timedelta kept whole microseconds,
    # so 1 ns and 0 were "two rows at time 0 days 00:00:00"
    nanoseconds = elapsed.assign(time=pd.to_timedelta([2, 0, 1], unit="ns"))
    np.testing.assert_array_equal(from_long_format(nanoseconds)[0][0, :, 0],
                                  [1, 2, 3])
    # without a time column, each series' rows in the frame's order
    X, _ = from_long_format(frame.drop(columns="time"), time_column=None,
                            channel_columns=["acc_x"])
    np.testing.assert_array_equal(X[0, :, 0], [2.0, 1.0, 3.0])
    # a bool channel: 1 / 0 from the frame and from the file to_csv writes
    # of it ("True" / "False" cells, once refused as "not a number")
    switched = pd.DataFrame({"series_id": ["s"] * 3, "time": [2, 0, 1],
                             "on": [True, False, True], "x": [1.0, 2.0, 3.0]})
    switched.to_csv(tmp_path / "switched.csv", index=False)
    from_file, _ = load_csv(tmp_path / "switched.csv")
    np.testing.assert_array_equal(from_file, from_long_format(switched)[0])
    np.testing.assert_array_equal(from_file[0, :, 0], [0.0, 1.0, 1.0])
    lower = _write(tmp_path, "series_id,time,on\ns,0,false\ns,1,TRUE\n", "lower.csv")
    np.testing.assert_array_equal(load_csv(lower)[0][0, :, 0], [0.0, 1.0])


@pytest.mark.parametrize("change, message", [
    (lambda f: f.assign(acc_x=f["acc_x"].where(f.index != 3)),
     r"row 3, column 'acc_x': series 'a' at time 2 has a missing or infinite value"),
    (lambda f: f.assign(label=["walk", "run", "run", "walk", "run"]),
     "series 'a' changes label: 'walk' on row 0, 'run' on row 2"),
    (lambda f: f.assign(time=[0, 0, 0, 2, 1]),
     r"series 'a' has two rows at time 0 \(rows 0 and 2\)"),
    (lambda f: f.assign(time=[1.0, 0.0, None, 2.0, 1.0]),
     r"row 2 \(series 'a'\) has a missing time"),
    (lambda f: f.assign(time=["1", "0", "2024-05-01", "2", "1"]),
     r"row 2 \(series 'a'\): the time '2024-05-01' is a date, the first row's a number"),
    (lambda f: f.assign(time=["0 days 00:00:01", "0 days 00:00:00", "2024-05-01",
                              "0 days 00:00:02", "0 days 00:00:01"]),
     r"row 2 \(series 'a'\): the time '2024-05-01' is a date, the first row's a "
     "duration"),
    (lambda f: f.assign(acc_y="high"), r"row 0, column 'acc_y': series 'a' at time 1: "
     "'high' is not a number"),
    (lambda f: f.assign(time=["1", "0", "nan", "2", "1"]),
     r"row 2 \(series 'a'\): the time 'nan' is not a finite number"),
    (lambda f: f.assign(series_id=["a", "b", " ", "a", "b"]),
     "row 2 has a missing or empty 'series_id'"),
    (lambda f: f.assign(label=["walk", "run", "", "walk", "run"]),
     r"row 2 \(series 'a'\): missing or empty label"),
])
def test_a_frame_is_checked_like_a_file(change, message):
    pd = pytest.importorskip("pandas")
    frame = change(pd.read_csv(io.StringIO(_CSV)))
    with pytest.raises(ValueError, match=message):
        from_long_format(frame, label_column="label")


def test_an_unnamed_column_is_refused_unless_the_caller_names_it(tmp_path):
    # the index pandas' to_csv writes: "" in the file, "Unnamed: 0" once
    # read_csv has read it back; refused as a channel, fine when named
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"series_id": list("aab"), "time": [0, 1, 0],
                          "x": [1.0, 2.0, 3.0]})
    path = tmp_path / "indexed.csv"
    frame.to_csv(path)
    with pytest.raises(ValueError, match=r"column 0 \('Unnamed: 0'\) has no name"):
        from_long_format(pd.read_csv(path))
    assert from_long_format(pd.read_csv(path, index_col=0))[0].shape == (2, 2, 1)
    named = _write(tmp_path, ",time,x\na,0,1\na,1,2\nb,0,3\n")
    assert load_csv(named, series_column="")[0].shape == (2, 2, 1)
    labelled = _write(tmp_path, "series_id,time,x,\na,0,1,r\na,1,2,r\nb,0,3,s\n")
    assert load_csv(labelled, label_column="")[1].tolist() == ["r", "s"]


def test_labels_of_several_types_are_kept_as_they_are():
    # numpy made 1 and "r" both text ('1', 'r'): the docstring promises that
    # labels keep their type, and scikit-learn refuses such a mix
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"series_id": list("aabb"), "time": [0, 1, 0, 1],
                          "x": [1.0, 2.0, 3.0, 4.0], "label": [1, 1, "r", "r"]})
    y = from_long_format(frame, label_column="label")[1]
    assert y.dtype == object and y.tolist() == [1, "r"]
    # one kind stays a typed array; Python and numpy integers are one kind
    frame["label"] = pd.Series([1, 1, np.int64(2), np.int64(2)], dtype=object)
    y = from_long_format(frame, label_column="label")[1]
    assert y.dtype.kind == "i" and y.tolist() == [1, 2]
    frame["label"] = pd.Series([True, True, np.False_, np.False_], dtype=object)
    assert from_long_format(frame, label_column="label")[1].dtype == bool


def test_from_long_format_takes_a_frame_only():
    with pytest.raises(TypeError, match="takes a pandas DataFrame.*load_csv"):
        from_long_format(np.zeros((3, 3)))


def test_polars_and_pyarrow_frames_read_as_their_pandas_conversion(tmp_path):
    # they were refused: "takes a pandas DataFrame; got DataFrame" (polars')
    pa_csv = pytest.importorskip("pyarrow.csv")
    pytest.importorskip("pandas")
    expected = load_csv(_write(tmp_path, _CSV), label_column="label",
                        return_series_ids=True)
    table = pa_csv.read_csv(io.BytesIO(_CSV.encode()))
    frames = [table]
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        frames.append(pl.from_arrow(table))
    for frame in frames:
        got = from_long_format(frame, label_column="label", return_series_ids=True)
        np.testing.assert_array_equal(got[0], expected[0])
        assert got[1].tolist() == expected[1].tolist() and got[2] == expected[2]


def test_durations_as_pandas_writes_them_read_as_from_long_format_reads_them(
        tmp_path):
    # to_csv writes a Timedelta column as "0 days 00:00:02" ("-1 days
    # +23:59:58" for -2 s, "1 days" when all are whole days): load_csv
    # refused the file where from_long_format reads the frame itself
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"series_id": "s", "x": np.arange(5.0), "time":
                          pd.to_timedelta([400 * 86400 + 3, -2, 1e-9, 0.5, 0],
                                          unit="s")})
    days = pd.DataFrame({"series_id": "s", "x": [1.0, 2.0],
                         "time": pd.to_timedelta([1, -1], unit="D")})
    for given, expected in ((frame, [1, 4, 2, 3, 0]), (days, [2, 1])):
        path = tmp_path / "elapsed.csv"
        given.to_csv(path, index=False)
        X, _ = load_csv(path)
        np.testing.assert_array_equal(X[0, :, 0], expected)
        np.testing.assert_array_equal(from_long_format(given)[0], X)
        np.testing.assert_array_equal(from_long_format(pd.read_csv(path))[0], X)


def test_pandas_duration_texts_are_read_to_the_nanosecond():
    # the clock's seconds and a fraction of any length (pandas writes
    # microseconds, ".500000"; nanoseconds, ".000000001") are part of it
    from sktime_metric.datasets._long_format import _duration_nanoseconds

    for text, nanoseconds in (("0 days 00:00:02", 2 * 10**9),
                              ("1 days 01:02:03.5", ((86400 + 3723) * 10**9
                                                     + 5 * 10**8)),
                              ("0 days 00:00:00.500000", 5 * 10**8),
                              ("-1 days +23:59:58", -2 * 10**9),
                              ("0 days 00:00:00.000000001", 1)):
        assert _duration_nanoseconds(text) == nanoseconds


@pytest.mark.parametrize("data, message", [
    # a spreadsheet's export in a Western code page: the decoder's message
    # named neither the file nor the line
    ("series_id,time,x,label\na,0,1,été\n".encode("cp1252"),
     r"line 2 is not UTF-8 text \(its byte 7 is 0xe9\).*save it as UTF-8"),
    # Excel's "Unicode text": UTF-16, said so
    ("series_id,time,x,label\na,0,1,up\n".encode("utf-16"),
     r"line 1 is not UTF-8 text .*UTF-16's byte-order mark"),
], ids=["cp1252", "utf-16"])
def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path, data, message):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message) as info:
        load_csv(path, label_column="label")
    assert str(info.value).startswith(f"{path}: ")


def test_a_decimal_comma_is_named_as_such(tmp_path):
    # a European spreadsheet's export: ';' between fields, ',' in numbers
    path = _write(tmp_path, "series_id;time;x\na;0;1,5\n")
    with pytest.raises(ValueError, match=r"line 2, column 'x': series 'a' at time "
                       r"0: '1,5' is not a number: numbers are read with a decimal "
                       r"point \(0.5\), not a decimal comma"):
        load_csv(path, delimiter=";")
    # other text is only "not a number"
    with pytest.raises(ValueError, match=r"'1,5,2' is not a number\.$"):
        load_csv(_write(tmp_path, "series_id;time;x\na;0;1,5,2\n"), delimiter=";")


@pytest.mark.parametrize("levels", [["series_id"], ["series_id", "time"]])
def test_ids_in_a_frames_index_are_named_as_such(levels):
    # "no column 'series_id'" named no index, where the ids were
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(_CSV)).set_index(levels)
    with pytest.raises(ValueError, match=r"'series_id' is a level of the frame's "
                       r"index \(levels \['series_id'.*\]\), not one of its columns "
                       r".*: pass frame.reset_index\(\)"):
        from_long_format(frame, label_column="label")
    X, _ = from_long_format(frame.reset_index(), label_column="label")
    assert X.shape == (2, 3, 2)
