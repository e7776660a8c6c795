"""Other libraries' layouts: read as this library's, flagged, and converted.

aeon's ``(n, n_channels, n_timestamps)`` arrays and lists of ``(n_channels,
T_i)`` arrays, and sktime's ``pd-multiindex`` frames, are read in this
library's layout with a ``SequenceLayoutWarning`` that names the conversion;
``from_aeon`` / ``to_aeon`` convert.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.utils import SequenceLayoutWarning, from_aeon, to_aeon

from ._registry import ESTIMATORS, contract_data, estimator_id, targets_for

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    return contract_data()


def _fit_params(estimator):
    return {"max_epochs": 2} if "max_epochs" in estimator.get_params() else {}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=estimator_id)
def test_aeon_layout_is_flagged_and_converted(estimator, data):
    X, y = data
    y = targets_for(estimator, y)
    # aeon's (n, n_channels, n_timestamps): read as 2 steps of 10 channels
    X_aeon = np.ascontiguousarray(np.nan_to_num(X).transpose(0, 2, 1))
    with pytest.warns(SequenceLayoutWarning, match=r"aeon and sktime use \(n_samples, "
                      r"n_channels, n_timestamps\).*from_aeon\(X\)"):
        clone(estimator).set_params(**_fit_params(estimator)).fit(X_aeon, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SequenceLayoutWarning)
        clone(estimator).set_params(**_fit_params(estimator)).fit(from_aeon(X_aeon), y)


def test_aeon_converters_round_trip():
    rng = np.random.RandomState(0)
    X_aeon = rng.randn(40, 6, 100)  # aeon's BasicMotions shape
    X = from_aeon(X_aeon)
    assert X.shape == (40, 100, 6)
    np.testing.assert_array_equal(X[3, :, 2], X_aeon[3, 2])
    np.testing.assert_array_equal(to_aeon(X), X_aeon)
    unequal = [rng.randn(3, 5), rng.randn(3, 8)]  # aeon's list of (d, T_i)
    X = from_aeon(unequal)
    assert X.shape == (2, 8, 3) and np.isnan(X[0, 5:]).all()
    back = to_aeon(X)
    assert [b.shape for b in back] == [(3, 5), (3, 8)]
    np.testing.assert_array_equal(back[1], unequal[1])
    with pytest.raises(ValueError, match="aeon's 3-D layout"):
        from_aeon(rng.randn(4, 5))


def test_sktime_multiindex_frames_are_flagged_with_their_conversion():
    # sktime's pd-multiindex (rows indexed by instance, then time) is long
    # format: read as a table, its 26 rows are 26 series of 2 steps. A flat
    # frame is a table whatever its index (a wide frame indexed by subject
    # and trial is one), so it is read as one, with a warning naming the call
    from sktime_metric.classification import RNNClassifier
    from sktime_metric.datasets import from_long_format

    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_tuples(
        [(i, t) for i in range(4) for t in range(5 + i)], names=["instance", "time"])
    frame = pd.DataFrame(rng.randn(len(index), 2), index=index, columns=["a", "b"])
    est = RNNClassifier(hidden_size=4, max_epochs=1)
    call = (r"from_long_format\(X.reset_index\(\), series_column='instance', "
            r"time_column='time'\)")
    flagged = pytest.warns(SequenceLayoutWarning, match=r"indexed by 2 levels "
                           r"\['instance', 'time'\].*pd-multiindex.*" + call)
    with flagged:
        est.fit(frame, np.arange(len(frame)) % 2)
    assert est.n_features_in_ == 1  # each row a series, as for any table
    # a Series of one channel cannot be read as a table: the hint comes first
    with flagged, pytest.raises(ValueError, match="1 dimension"):
        est.fit(frame["a"], np.arange(len(frame)) % 2)
    # the named call gives one series per instance, of its own length
    X, _ = from_long_format(frame.reset_index(), series_column="instance",
                            time_column="time")
    assert X.shape == (4, 8, 2) and np.isnan(X[0, 5:]).all()
    # nested frames (a series per cell) are read by their rows, silently
    nested = pd.DataFrame({"a": [pd.Series(rng.randn(5)) for _ in range(4)]},
                          index=pd.MultiIndex.from_product([["s1", "s2"], [1, 2]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SequenceLayoutWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch
        assert est.fit(X, [0, 1, 0, 1]).n_features_in_ == 2
        assert est.fit(nested, [0, 1, 0, 1]).n_features_in_ == 1


def test_aeon_lists_are_flagged_too():
    # aeon's unequal-length collections are lists of (n_channels, T_i) arrays:
    # read as (T_i, n_channels), equal lengths train on the wrong axis with no
    # error (as a 3-D array would), unequal ones fail on the channel count
    from sktime_metric.classification import RNNClassifier

    rng = np.random.RandomState(0)
    est = RNNClassifier(hidden_size=4, max_epochs=1)
    y = [0, 1, 0, 1]
    equal = [rng.randn(3, 50) for _ in y]
    with pytest.warns(SequenceLayoutWarning, match=r"aeon's lists hold \(n_channels, "
                      r"T_i\) arrays.*from_aeon\(X\)"):
        est.fit(equal, y)
    with pytest.raises(ValueError, match=r"X's sample 1 has 50 channels but sample 0 "
                       r"has 40.*aeon's \(n_channels, T_i\) arrays.*from_aeon"):
        est.fit([rng.randn(3, n) for n in (40, 50, 45, 42)], y)
    with warnings.catch_warnings():  # our own layout, and from_aeon's output
        warnings.simplefilter("error", SequenceLayoutWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch
        est.fit([rng.randn(n, 3) for n in (40, 50, 45, 42)], y)
        est.fit(from_aeon(equal), y)
        est.fit([rng.randn(n) for n in (4, 5, 3, 2)], y)  # univariate lists


def test_the_multiindex_hint_fits_unnamed_and_deeper_indexes():
    # reset_index() names unnamed levels level_0, level_1: the named call must
    # work as written; with three levels no two of them are (instance, time)
    from sktime_metric.datasets import from_long_format
    from sktime_metric.utils.validation import validate_sequences

    class Estimator:
        pass

    rng = np.random.RandomState(0)
    index = pd.MultiIndex.from_tuples([(i, t) for i in range(4) for t in range(5 + i)])
    frame = pd.DataFrame(rng.randn(len(index), 2), index=index)
    call = (r"from_long_format\(X.reset_index\(\), series_column='level_0', "
            r"time_column='level_1'\)")
    with pytest.warns(SequenceLayoutWarning, match=r"\['level_0', 'level_1'\].*"
                      + call):
        validate_sequences(Estimator(), frame, reset=True)
    X, _ = from_long_format(frame.reset_index(), series_column="level_0",
                            time_column="level_1")
    assert X.shape == (4, 8, 2)
    deeper = frame.set_index(np.arange(len(frame)) % 3, append=True)
    with pytest.warns(SequenceLayoutWarning, match="indexed by 3 levels") as caught:
        validate_sequences(Estimator(), deeper, reset=True)
    message = str(caught[0].message)
    assert "convert it to one series per instance first" in message
    assert "series_column=" not in message


def test_the_layout_warnings_name_the_channels_and_steps_read():
    # an aeon array of 10 channels and 2 steps is read as 2 steps of 10
    # channels; a list of (3, 50) arrays as series of 3 steps of 50 channels
    from sktime_metric.utils.validation import validate_sequences

    class Estimator:
        pass

    with pytest.warns(SequenceLayoutWarning, match=r"X has shape \(4, 2, 10\): "
                      r"more channels \(10\) than time steps \(2\)\."):
        validate_sequences(Estimator(), np.zeros((4, 2, 10)), reset=True)
    with pytest.warns(SequenceLayoutWarning, match=r"X's series have more "
                      r"channels \(50\) than time steps \(at most 3\)\."):
        validate_sequences(Estimator(), [np.zeros((3, 50)), np.zeros((2, 50))],
                           reset=True)


def test_no_layout_warning_for_as_many_channels_as_steps_or_at_predict():
    # (n, 3, 3) is as likely ours as aeon's: no warning; and a multi-index
    # frame warns at fit only (reset=True), not at every predict
    from sktime_metric.utils.validation import validate_sequences

    class Estimator:
        pass

    index = pd.MultiIndex.from_tuples([(i, t) for i in range(3) for t in range(4)],
                                      names=["a", "b"])
    frame = pd.DataFrame(np.zeros((len(index), 2)), index=index)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SequenceLayoutWarning)
        validate_sequences(Estimator(), np.zeros((4, 3, 3)), reset=True)
        fitted = Estimator()
        fitted.n_features_in_ = 1
        validate_sequences(fitted, frame, reset=False)
    # all the levels of a deeper index are named
    deeper = frame.set_index(np.arange(len(frame)) % 2, append=True)
    deeper.index.names = ["a", "b", "c"]
    with pytest.warns(SequenceLayoutWarning,
                      match=r"indexed by 3 levels \['a', 'b', 'c'\]"):
        validate_sequences(Estimator(), deeper, reset=True)
