"""The data contract: accepted formats, lengths, and the errors for bad input."""

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse

from sktime_metric.utils import (
    check_sequences,
    padded_float32,
    sequence_lengths,
    to_sequence_dataset,
    validate_sequences,
)


def _ragged():
    rng = np.random.RandomState(0)
    return [rng.randn(4, 2), rng.randn(6, 2), rng.randn(1, 2)]


def test_list_of_ragged_series_is_nan_padded_at_the_end():
    series = _ragged()
    X, lengths = check_sequences(series)
    assert X.shape == (3, 6, 2)
    np.testing.assert_array_equal(lengths, [4, 6, 1])
    for x, length, s in zip(X, lengths, series):
        np.testing.assert_array_equal(x[:length], s)
        assert np.isnan(x[length:]).all()


def test_list_of_1d_series_is_univariate():
    X, lengths = check_sequences([[1, 2], [1, 4, 3]])
    assert X.shape == (2, 3, 1)
    np.testing.assert_array_equal(lengths, [2, 3])


def test_2d_array_is_univariate_series():
    X, lengths = check_sequences(np.arange(12.0).reshape(3, 4))
    assert X.shape == (3, 4, 1)
    np.testing.assert_array_equal(lengths, [4, 4, 4])


def test_lengths_follow_tslearn_ts_size():
    from tslearn.utils import to_time_series_dataset, ts_size

    X = to_time_series_dataset(_ragged())
    np.testing.assert_array_equal(sequence_lengths(X), [ts_size(x) for x in X])


def test_padded_float32_fills_padding_and_cuts_time():
    X, lengths = check_sequences([np.ones((2, 3)), np.ones((3, 3))])
    X = np.concatenate([X, np.full((2, 4, 3), np.nan)], axis=1)
    out = padded_float32(X, lengths)
    assert out.dtype == np.float32 and out.shape == (2, 3, 3)
    assert not np.isnan(out).any() and out[0, 2].sum() == 0


def test_caller_array_is_never_modified():
    X = to_sequence_dataset(_ragged())
    before = X.copy()
    X.setflags(write=False)  # a write would raise
    Xc, lengths = check_sequences(X)
    padded_float32(Xc, lengths)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize(
    "make_bad, error, message",
    [
        (
            lambda X: X.__setitem__((1, 2, slice(None)), np.nan),
            ValueError,
            "X's sample 1 has NaN at time step 2, inside the series",
        ),
        (
            lambda X: X.__setitem__((2, 3, 0), np.nan),
            ValueError,
            "X's sample 2 has NaN on channel(s) [0] only at time step 3",
        ),
        (
            lambda X: X.__setitem__((0, 1, 1), np.inf),
            ValueError,
            "X's sample 0 has an infinite value at time step 1",
        ),
        (
            lambda X: X.__setitem__((1, slice(None), slice(None)), np.nan),
            ValueError,
            "X's sample 1 is empty (all NaN)",
        ),
    ],
)
def test_bad_values_name_sample_and_time_step(make_bad, error, message):
    X = np.random.RandomState(0).randn(3, 5, 2)
    make_bad(X)
    with pytest.raises(error, match=re.escape(message)):
        check_sequences(X)


@pytest.mark.parametrize(
    "X, error, message",
    [
        (np.zeros(5), ValueError, "Reshape your data"),
        (np.zeros((2, 3, 4, 5)), ValueError, "got an array with 4 dimension(s)"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "non-numeric dtype"),
        (np.zeros((2, 3)) + 1j, ValueError, "Complex data not supported"),
        (np.zeros((0, 3, 2)), ValueError, "0 sample(s)"),
        (np.zeros((2, 0)), ValueError, "0 feature(s)"),
        (scipy.sparse.csr_matrix(np.eye(3)), TypeError, "Sparse input"),
        ([np.zeros((3, 2)), np.zeros((3, 1))], ValueError,
         "X's sample 1 has 1 channels"),
        ([np.zeros((3, 2)), np.zeros((3, 2, 1))], ValueError, "X's sample 1 has 3 dim"),
    ],
)
def test_bad_shapes_and_dtypes(X, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_sequences(X)


def test_messages_name_the_argument_the_series_came_in():
    # as the channel count's message does: "X_support has 3 channels"
    X = np.random.RandomState(0).randn(3, 5, 2)
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="^" + re.escape(
            "X_support's sample 1 has NaN at time step 2, inside the series")):
        check_sequences(X, name="X_support")
    X[1, 2] = np.inf
    with pytest.raises(ValueError, match="^Y's sample 1 has an infinite value"):
        validate_sequences(SimpleNamespace(), X, reset=True, name="Y")
    X[1, 2] = 1e39  # finite in float64 only
    with pytest.raises(ValueError, match="^" + re.escape(
            "X_pretrain's sample 1 has the value 1e+39 at time step 2, channel 0")):
        padded_float32(X, name="X_pretrain")
    # and as a list, read before any value is checked
    ragged = [np.zeros((3, 2)), np.zeros((4, 1))]
    with pytest.raises(ValueError, match="^" + re.escape(
            "Y's sample 1 has 1 channels but sample 0 has 2")):
        check_sequences(ragged, name="Y")
    with pytest.raises(TypeError, match="^X2's sample 1 has non-numeric dtype"):
        check_sequences([np.zeros(3), np.array(["a", "b"])], name="X2")
    with pytest.raises(TypeError, match="^Y has non-numeric dtype"):
        check_sequences(np.array([["a", "b"]]), name="Y")


def test_the_hints_code_names_the_argument_too():
    # a series of Y holding durations, or Y a nested tensor, gave code for X:
    # "Y's sample 1: X holds durations ..., e.g. X / pd.Timedelta('1D')"
    torch = pytest.importorskip("torch")
    durations = [np.zeros(3), np.array([1, 2], dtype="timedelta64[s]")]
    with pytest.raises(TypeError, match=r"^Y's sample 1: Y holds durations") as caught:
        check_sequences(durations, name="Y")
    assert "X" not in str(caught.value)
    with warnings.catch_warnings():  # torch: its nested tensors are a prototype
        warnings.simplefilter("ignore", UserWarning)
        nested = torch.nested.nested_tensor([torch.zeros(3, 2), torch.zeros(4, 2)])
    with pytest.raises(TypeError, match=re.escape("list(X_support.unbind())")):
        check_sequences(nested, name="X_support")


def test_min_length():
    with pytest.raises(ValueError,
                       match="X's sample 2 has length 1; series of at least 2"):
        check_sequences(_ragged(), min_length=2)


def test_tuples_of_series_and_boolean_arrays_are_read():
    np.testing.assert_array_equal(to_sequence_dataset(tuple(_ragged())),
                                  to_sequence_dataset(_ragged()))
    np.testing.assert_array_equal(to_sequence_dataset(np.array([[True, False]])),
                                  [[[1.0], [0.0]]])
