"""has_time_zone / iso_nanoseconds: the one reading of dates with and without a zone."""

import datetime

import numpy as np
import pytest

from sktime_metric.utils._time import (
    has_time_zone,
    iso_nanoseconds,
    refuse_time_values,
    zoned_seconds,
)

PARIS_WINTER = datetime.timezone(datetime.timedelta(hours=1))


@pytest.mark.parametrize("value, zoned", [
    ("2024-01-01 10:00:00+01:00", True),   # what pandas writes for aware stamps
    ("2024-01-01T10:00Z", True),
    ("2024-01-01T10:00:00.5-0530", True),
    ("2024-01-01 10:00 +01", True),        # a space before the offset
    (" 2024-01-01T10:00+01:00 ", True),    # a padded cell, as iso_nanoseconds reads it
    ("1900-01-01 00:00:00+00:09:21", True),  # pandas' local mean time of Paris
    ("2024-05-01", False),                 # the "-01" of a date is no offset
    ("2024-01-01T10:00:00", False),
    ("12.5", False),
    (datetime.datetime(2024, 1, 1, 10, tzinfo=PARIS_WINTER), True),
    (datetime.datetime(2024, 1, 1, 10), False),
    (datetime.date(2024, 1, 1), False),
    (np.datetime64("2024-01-01T10:00"), False),
    (1704099600, False),
    (None, False),
])
def test_has_time_zone(value, zoned):
    assert has_time_zone(value) is zoned


def test_pandas_stamps_and_the_instant_of_each_spelling():
    pd = pytest.importorskip("pandas")
    assert has_time_zone(pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris"))
    assert not has_time_zone(pd.Timestamp("2024-01-01 10:00"))
    assert not has_time_zone(pd.NaT)
    # 10:00 at +01:00 is 09:00 UTC, in every spelling
    utc = np.datetime64("2024-01-01T09:00", "s").astype(np.int64)
    for value in ("2024-01-01 10:00:00+01:00", "2024-01-01 10:00 +01",
                  "2024-01-01T09:00:00Z", "2024-01-01T04:30:00-04:30",
                  datetime.datetime(2024, 1, 1, 10, tzinfo=PARIS_WINTER),
                  pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris")):
        assert zoned_seconds(value) == utc
    assert iso_nanoseconds("2024-01-01T10:00:00.000000001+01:00") == utc * 10**9 + 1


def test_offsets_with_seconds_and_comma_fractions_are_read():
    # pandas writes the local mean times of old dates with seconds in the
    # offset (Paris before 1911: +00:09:21), which the offset reader missed;
    # ISO 8601's comma before a fraction failed in numpy
    pd = pytest.importorskip("pandas")
    old = pd.Timestamp("1900-01-01 00:00", tz="Europe/Paris")
    assert str(old).endswith("+00:09:21")
    assert iso_nanoseconds(str(old)) == old.value
    assert iso_nanoseconds("2024-01-01T10:00:00,25Z") == \
        iso_nanoseconds("2024-01-01T10:00:00.25Z")


def test_durations_as_pandas_objects_are_named_durations():
    # an object column of pandas Timedeltas (Series.astype(object)) is named as
    # numpy's timedelta64 and datetime's timedelta are, with the durations' hint
    pd = pytest.importorskip("pandas")
    days = pd.Series(pd.to_timedelta([1, 2], unit="D")).astype(object)
    assert type(np.asarray(days)[0]).__name__ == "Timedelta"
    with pytest.raises(TypeError, match=r"y holds durations \(Timedelta\).*"
                       r"pd.Timedelta\('1D'\)"):
        refuse_time_values(days, "y")


def test_object_arrays_of_numbers_are_not_times():
    # numbers in an object array (a pandas object column, a list of mixed
    # ints and floats) pass, as do scalars and None
    for values in (np.array([1, 2.5, np.float32(3)], dtype=object), [1, 2.5],
                   np.array(["a", None], dtype=object), 3.0, None):
        assert refuse_time_values(values, "y") is None
