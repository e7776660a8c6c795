"""RoutineClusterer: constraint, planted schedule, bad input, sklearn checks."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sktime_metric.cluster import (
    RoutineClusterer,
    affinity_from_distances,
    routine_clustering,
    similarity_mask,
    time_of_day,
    time_of_day_pairs,
)
from sktime_metric.datasets import make_routines
from sktime_metric.evaluation import clustering_scores


@pytest.fixture(scope="module")
def routines():
    # 4 days, 10 rows per hour, no missing data, little noise
    return make_routines(4, step=360, jitter=0, missing_probability=0.0,
                         skip_probability=0.0, random_state=0)


def _hour_activity(t, act):
    """Majority activity per 1 h window of the rows."""
    return act[::10]


def test_time_of_day_on_hand_made_timestamps():
    hour = 3600.0
    starts = np.array([0, 1, 23, 24, 25, 47.5]) * hour + 6 * hour
    days, slots = time_of_day(starts, period=24 * hour, slot_size=hour, day_start=0)
    assert days.tolist() == [0, 0, 1, 1, 1, 2]
    assert slots.tolist() == [6, 7, 5, 6, 7, 5]
    mask = similarity_mask(slots, days, n_slots=24)
    assert mask[0, 3] and mask[1, 4] and mask[2, 5] and mask[3, 0]
    assert not mask[0, 1] and not mask[3, 4] and not mask.diagonal().any()
    # a tolerance of one slot makes neighbouring slots on other days similar
    loose = similarity_mask(slots, days, n_slots=24, slot_tolerance=1)
    assert loose[0, 4] and loose[0, 2] and not loose[0, 1]
    # circular: 23 h and 0 h are neighbours
    assert similarity_mask([23, 0], [0, 1], n_slots=24, slot_tolerance=1)[0, 1]


def test_day_start_and_datetime_timestamps():
    ts = np.datetime64("2024-03-01T05:00") + np.arange(0, 48 * 60, 6).astype("timedelta64[m]")
    X = np.random.RandomState(0).randn(len(ts), 2)
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=5, day_start="6h",
                          random_state=0).fit(X, timestamps=ts)
    assert rc.window_starts_.dtype.kind == "M"
    assert rc.window_starts_[0] == np.datetime64("2024-03-01T05:00")
    assert rc.slot_index_[0] == 23 and rc.day_index_[0] == 0
    assert rc.slot_index_[1] == 0 and rc.day_index_[1] == 1


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_timedelta_timestamps_are_read_in_their_own_unit(unit):
    # numpy's timedelta64 is an integer type: its raw count (microseconds for
    # pandas' to_timedelta) was once taken as seconds, silently 1e6 times off
    seconds = 5 * 3600 + np.arange(0, 48 * 3600, 360.0)
    X = np.random.RandomState(0).randn(len(seconds), 2)
    params = dict(n_clusters=2, seq_len=5, random_state=0)
    given = RoutineClusterer("euclidean", **params).fit(X, timestamps=seconds)
    elapsed = (seconds * 1e9).astype(np.int64).astype("timedelta64[ns]").astype(
        f"timedelta64[{unit}]")
    rc = RoutineClusterer("euclidean", **params).fit(X, timestamps=elapsed)
    np.testing.assert_array_equal(rc.labels_, given.labels_)
    np.testing.assert_array_equal(rc.slot_index_, given.slot_index_)
    assert rc.window_starts_.dtype.kind == "m"
    assert given.window_starts_[0] == 5 * 3600
    assert rc.window_starts_[0] == np.timedelta64(5, "h")


def test_datetime_objects_and_iso_texts_are_local_times():
    # a list of datetime / Timestamp objects or ISO 8601 texts (what a CSV
    # column gives) reads as datetime64; a text with a UTC offset is refused
    # (numpy would move it to UTC, the routine's day is the local one)
    import datetime

    start = datetime.datetime(2024, 3, 1, 5)
    times = [start + datetime.timedelta(minutes=6 * k) for k in range(480)]
    X = np.random.RandomState(0).randn(len(times), 2)
    params = dict(n_clusters=2, seq_len=5, random_state=0)
    reference = RoutineClusterer("euclidean", **params).fit(
        X, timestamps=np.array(times, dtype="datetime64[ns]"))
    for given in (times, [t.isoformat() for t in times]):
        rc = RoutineClusterer("euclidean", **params).fit(X, timestamps=given)
        np.testing.assert_array_equal(rc.labels_, reference.labels_)
        assert rc.window_starts_.dtype.kind == "M"
        assert rc.slot_index_[0] == 5
    with pytest.raises(TypeError, match=r"UTC offset \('2024-03-01T05:00:00\+01:00'\)"):
        RoutineClusterer("euclidean", **params).fit(
            X, timestamps=[t.isoformat() + "+01:00" for t in times])
    # an offset on any row, and in a pandas column of texts (object dtype)
    pd = pytest.importorskip("pandas")
    texts = [t.isoformat() for t in times]
    texts[7] += "+01:00"
    for given in (texts, pd.Series(texts)):
        with pytest.raises(TypeError, match=r"UTC offset \('2024-03-01T05:42:00"):
            RoutineClusterer("euclidean", **params).fit(X, timestamps=given)
    # texts of numbers are not dates (numpy would read "60" as the year 60)
    with pytest.raises(TypeError, match="must be numeric seconds"):
        RoutineClusterer("euclidean", **params).fit(
            X, timestamps=[str(60 * k) for k in range(len(times))])
    # a missing time among the objects is named
    with pytest.raises(ValueError, match="contains NaT at position 3"):
        RoutineClusterer("euclidean", **params).fit(
            X, timestamps=times[:3] + [None] + times[4:])


def test_timestamps_in_other_units_than_seconds_are_caught():
    # epoch milliseconds read as seconds: every 1-hour window would hold a
    # hundredth of a sample (a constant); nanoseconds never finished cutting
    seconds = np.arange(0, 48 * 3600, 360.0)
    X = np.random.RandomState(0).randn(len(seconds), 2)
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=5, random_state=0)
    with pytest.raises(ValueError, match=r"fewer than 1\. If the timestamps are "
                       r"not seconds \(e\.g\. epoch milliseconds"):
        rc.fit(X, timestamps=seconds * 1e3)
    # beyond 3,000 years: another unit, even where a window holds rows (epoch
    # milliseconds of a row a second put 3.6 in an hour, 1,000 days in one)
    ms = 1_709_280_000_000 + np.arange(0, 86400, 1.0) * 1000
    for t in (seconds * 1e9, ms):
        with pytest.raises(ValueError, match=r"timestamps are read as seconds, and "
                           r"position \d+ \(.*\) is then over 3,000 years from "
                           r"1970: epoch milliseconds, microseconds or nanoseconds"):
            rc.fit(np.zeros((len(t), 2)), timestamps=t)
    # hourly summaries in one-hour windows (one sample each) are legitimate
    hourly = np.random.RandomState(0).randn(14 * 24, 3)
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=2, random_state=0)
    assert rc.fit(hourly, timestamps=np.arange(14 * 24) * 3600.0).labels_.shape == (
        14 * 24,)


def test_time_zone_aware_timestamps_name_the_local_conversion():
    pd = pytest.importorskip("pandas")
    index = pd.date_range("2024-03-01 05:00", periods=480, freq="6min",
                          tz="Europe/Paris")
    X = np.random.RandomState(0).randn(len(index), 2)
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=5, random_state=0)
    with pytest.raises(TypeError, match=r"time-zone aware \(Europe/Paris\).*"
                       r"tz_localize\(None\)"):
        rc.fit(X, timestamps=index)
    # a DataFrame's time index is not read as its timestamps: the error says so
    frame = pd.DataFrame(X, index=index.tz_localize(None))
    with pytest.raises(ValueError, match=r"needs timestamps or sampling_rate\. "
                       r"X's index holds DatetimeIndex times: pass "
                       r"timestamps=X\.index\."):
        rc.fit(frame)
    with pytest.raises(ValueError, match=r"pass timestamps=X\.index\.tz_localize"):
        rc.fit(pd.DataFrame(X, index=index))  # a zoned index: its local times
    assert rc.fit(frame, timestamps=frame.index).slot_index_[0] == 5


def test_time_zone_aware_pyarrow_and_polars_timestamps_are_refused_too():
    # numpy reads them as bare UTC datetime64 (their zone is on the type):
    # Paris 00:00 became 23:00 the day before, every slot an hour off, silently
    pa = pytest.importorskip("pyarrow")
    local = (np.datetime64("2024-03-01T00:00") + np.arange(0, 48 * 60, 6).astype(
        "timedelta64[m]")).astype("datetime64[us]")
    X = np.random.RandomState(0).randn(len(local), 2)
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=5, random_state=0)
    zoned = pa.array(local).cast(pa.timestamp("us", tz="Europe/Paris"))
    given = [zoned, pa.chunked_array([zoned])]
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        given.append(pl.Series(local).dt.replace_time_zone("Europe/Paris"))
    for timestamps in given:
        with pytest.raises(TypeError, match=r"time-zone aware \(Europe/Paris\)"):
            rc.fit(X, timestamps=timestamps)
    naive = rc.fit(X, timestamps=pa.array(local))  # a zone-free array is read
    assert naive.window_starts_[0] == local[0]


def test_windows_lie_on_the_day_grid_whatever_the_first_timestamp():
    # a recording from 05:20 on (a row every 6 min, for 2 days): the 05:00
    # window misses a third of its rows, so the first window is 06:00, and
    # every window starts on the hour (the grid from day_start), not 05:20
    seconds = 5 * 3600 + 20 * 60 + np.arange(0, 48 * 3600, 360.0)
    X = np.random.RandomState(0).randn(len(seconds), 2)
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=5,
                          random_state=0).fit(X, timestamps=seconds)
    assert rc.window_starts_[0] == 6 * 3600
    assert (rc.window_starts_ % 3600 == 0).all()
    assert rc.slot_index_[:3].tolist() == [6, 7, 8]


def test_pairs_respect_constraint():
    days = np.repeat(np.arange(3), 24)
    slots = np.tile(np.arange(24), 3)
    pairs, labels = time_of_day_pairs(slots, days, n_slots=24, n_pairs=100, random_state=0)
    i, j = pairs.T
    pos = labels == 1
    assert pos.sum() == 50 and (~pos).sum() == 50
    assert (slots[i[pos]] == slots[j[pos]]).all() and (days[i[pos]] != days[j[pos]]).all()
    assert not ((slots[i[~pos]] == slots[j[~pos]]) & (days[i[~pos]] != days[j[~pos]])).any()
    with pytest.raises(ValueError, match="No similar pair"):
        time_of_day_pairs(slots[:24], days[:24], n_slots=24)


@pytest.mark.learning
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_schedule_recovered_dtw(seed, learning_seed, learning_outcome):
    # one-minute samples, so each one-hour window holds 60 samples of its
    # activity (with 10 per window, DTW confused running windows of different
    # phase: AMI 0.54 for seed 0)
    schedule = [(0, 8, "standing"), (8, 16, "running"), (16, 24, "standing")]
    X, t, act, _ = make_routines(3, schedule=schedule, step=60, jitter=0,
                                 missing_probability=0.0, skip_probability=0.0,
                                 random_state=seed)
    rc = RoutineClusterer("dtw", n_clusters=2, seq_len=60, random_state=learning_seed)
    labels = rc.fit_predict(X, timestamps=t)
    assert labels.shape == (72,)
    # 1.0 for every data seed and clustering seeds 0-4, on both kernel settings
    assert learning_outcome("AMI", clustering_scores(act[::60], labels)["ami"]) > 0.8
    completeness = rc.time_coherence_scores_["completeness"]
    assert learning_outcome("completeness", completeness) > 0.9


@pytest.mark.learning
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("seed", [0, 1])
def test_default_metric_learns_routines(seed, learning_seed, learning_outcome):
    # the default "sgru" against the raw Euclidean distance, on the generator's
    # default day: a week of 50 samples an hour, no activity label used. With
    # 5 days it is not reliably better (data seeds 0-5: 0.708 vs 0.643 on
    # average, below on 2 of 6), and DTW beats both (user guide)
    X, t, act, _ = make_routines(7, step=72, random_state=seed)
    scores = {}
    for name, metric in (("sgru", "sgru"), ("euclidean", "euclidean")):
        rc = RoutineClusterer(metric, n_clusters=5, seq_len=50,
                              random_state=learning_seed).fit(X, timestamps=t)
        truth = act[np.searchsorted(t, rc.window_starts_) + 25]
        scores[name] = clustering_scores(truth, rc.labels_)["ami"]
    # measured over model seeds 0-4, both kernel settings: activity AMI
    # 0.82-0.92, its lead over Euclidean 0.18-0.27 (data seed 0), 0.06-0.16 (1)
    assert learning_outcome("activity AMI", scores["sgru"]) > 0.6
    assert learning_outcome("AMI over Euclidean",
                            scores["sgru"] - scores["euclidean"]) > 0.0


def test_euclidean_fit_attributes(routines):
    # raw Euclidean is phase-sensitive: it does not recover the activities well
    # (see the report), so only the fitted state is checked here
    X, t, act, schedule = routines
    rc = RoutineClusterer("euclidean", n_clusters=4, seq_len=10, random_state=0)
    assert rc.fit_predict(X, timestamps=t).shape == (96,)
    grid, days, slots = rc.routine_map()
    assert grid.shape == (4, 24) and (grid >= 0).all()
    assert set(rc.time_coherence_scores_) >= {"completeness", "nmi", "ami", "silhouette"}


def test_seq2seq_fast(routines):
    X, t, act, _ = routines
    params = dict(hidden_size=8, projection_dim=4, max_epochs=3, n_pairs=100, lr=1e-2)
    rc = RoutineClusterer("seq2seq", metric_params=params, n_clusters=3, seq_len=10,
                          random_state=0).fit(X, timestamps=t)
    assert rc.embedding_.shape == (96, 4)
    assert rc.affinity_matrix_.shape == (96, 96)
    assert np.allclose(rc.affinity_matrix_, rc.affinity_matrix_.T)
    assert len(np.unique(rc.labels_)) == 3
    # the fitted learner is reusable as a metric
    rc2 = RoutineClusterer(rc.metric_learner_, n_clusters=3, seq_len=10,
                           random_state=0).fit(X, timestamps=t)
    assert rc2.metric_learner_ is rc.metric_learner_
    np.testing.assert_allclose(rc2.distance_matrix_, rc.distance_matrix_)


def test_another_torch_default_device_leaves_the_clustering_unchanged(
        routines, meta_default_device):
    # a caller's torch.set_default_device("cuda") ("meta" here: no data
    # there) reached the learner's training data and its pair chunks
    X, t, _, _ = routines
    kwargs = dict(metric_params=dict(hidden_size=4, max_epochs=1), n_clusters=3,
                  seq_len=10, n_pairs=60, random_state=0)
    expected = RoutineClusterer("sgru", **kwargs).fit(X, timestamps=t)
    with meta_default_device():
        rc = RoutineClusterer("sgru", **kwargs).fit(X, timestamps=t)
    np.testing.assert_array_equal(rc.distance_matrix_, expected.distance_matrix_)
    np.testing.assert_array_equal(rc.labels_, expected.labels_)


@pytest.mark.parametrize("output", ["pandas", "polars"])
def test_global_transform_output_leaves_the_clustering_unchanged(routines, output):
    # sklearn.set_config(transform_output=...) reached the inner learner's
    # transform: embedding_ became a frame (documented: an ndarray), or, on
    # the k-NN path, polars' Fortran-ordered array
    pytest.importorskip(output)
    import sklearn

    X, t, _, _ = routines
    params = dict(hidden_size=8, projection_dim=4, max_epochs=1, n_pairs=40)
    for graph in ("dense", "knn"):
        kwargs = dict(metric_params=params, n_clusters=3, seq_len=10,
                      affinity_graph=graph, random_state=0)
        expected = RoutineClusterer("seq2seq", **kwargs).fit(X, timestamps=t)
        with sklearn.config_context(transform_output=output):
            rc = RoutineClusterer("seq2seq", **kwargs).fit(X, timestamps=t)
        # an ndarray laid out as the default's (distances on it round alike)
        assert type(rc.embedding_) is np.ndarray and rc.embedding_.flags.c_contiguous
        np.testing.assert_array_equal(rc.embedding_, expected.embedding_)
        D, D_expected = rc.distance_matrix_, expected.distance_matrix_
        if graph == "knn":
            D, D_expected = D.toarray(), D_expected.toarray()
        np.testing.assert_array_equal(D, D_expected)
        assert rc.time_coherence_scores_ == expected.time_coherence_scores_


def test_a_cosine_learner_gets_the_cosine_kernel_under_global_affinity(routines):
    # thesis eq. 3.50: 1 + cos for a cosine learner, not a Gaussian of its distances
    from sktime_metric.cluster import affinity_from_distances

    X, t, _, _ = routines
    params = dict(hidden_size=8, projection_dim=4, max_epochs=1, n_pairs=40,
                  metric="cosine")
    rc = RoutineClusterer("seq2seq", metric_params=params, affinity="global",
                          n_clusters=3, seq_len=10, random_state=0).fit(X, timestamps=t)
    np.testing.assert_allclose(
        rc.affinity_matrix_,
        affinity_from_distances(rc.distance_matrix_, kernel="cosine"))


@pytest.mark.parametrize("metric", ["siamese", "sgru", "cgru"])
def test_pair_learners_by_name_fit_with_their_defaults(routines, metric):
    # with a slot tolerance, "same slot" is no class label: a learner named by
    # string is fitted on constraint pairs, and its defaults (CoupledGRUMetric's
    # structural loss needs class labels) must not refuse
    X, t, _, _ = routines
    params = dict(hidden_size=4, max_epochs=1)
    rc = RoutineClusterer(metric, metric_params=params, slot_tolerance=1, n_clusters=3,
                          seq_len=10, n_pairs=60, random_state=0).fit(X, timestamps=t)
    assert rc.distance_matrix_.shape == (96, 96)
    assert len(np.unique(rc.labels_)) == 3
    if metric != "siamese":
        assert rc.metric_learner_.loss == "contrastive"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_default_metric_is_the_siamese_gru_on_slot_labels(routines):
    # "sgru" (the default): CoupledGRUMetric without coupling, 100 units, on
    # frames, trained with the structural loss over the time slots as classes
    X, t, _, _ = routines
    rc = RoutineClusterer(metric_params=dict(max_epochs=1), n_clusters=3, seq_len=40,
                          random_state=0).fit(X, timestamps=t)
    learner = rc.metric_learner_
    assert rc.metric == "sgru" and not learner.coupling and learner.hidden_size == 100
    assert learner.loss == "structural" and learner.window_size_ > 1
    np.testing.assert_array_equal(learner.X_fit_, rc.windows_)
    # its transform gives distances to the training windows, not an embedding
    assert rc.embedding_ is None
    # the same learner fitted by hand on (windows, slots) gives the same distances
    from sktime_metric.metric import CoupledGRUMetric

    by_hand = CoupledGRUMetric(**learner.get_params()).fit(rc.windows_, rc.slot_index_)
    np.testing.assert_allclose(by_hand.pairwise_distances(rc.windows_),
                               rc.distance_matrix_, rtol=1e-5, atol=1e-6)
    # overlapping windows put two windows of one slot in a day: constraint pairs
    overlapping = RoutineClusterer(metric_params=dict(hidden_size=4, max_epochs=1),
                                   stride="30min", n_clusters=3, seq_len=10, n_pairs=60,
                                   random_state=0).fit(X, timestamps=t)
    assert overlapping.metric_learner_.loss == "contrastive"


def test_single_day_has_no_similar_pair():
    X, t, _, _ = make_routines(1, step=360, random_state=0)
    # every learner says it alike, in slots and days ("seq2seq" spoke of
    # classes with one sample each)
    for metric in ("sgru", "seq2seq", "siamese"):
        with pytest.raises(ValueError, match=r"No similar pair: .* at least two "
                           r"different days; the 24 windows lie on 1 day\(s\) "
                           r".* 'dtw' or 'euclidean'"):
            RoutineClusterer(metric, metric_params=dict(hidden_size=4, max_epochs=1),
                             seq_len=10, random_state=0).fit(X, timestamps=t)


def test_precut_windows_callable_and_function(routines):
    X, t, act, _ = routines
    W = X.reshape(-1, 10, 6)  # 1 h windows, 96 of them
    out = routine_clustering(W, t[::10], metric=lambda a, b: np.abs(a - b).mean(),
                             n_clusters=4, random_state=0)
    assert out.labels.shape == (96,) and out.slots.tolist() == list(range(24)) * 4
    ref = RoutineClusterer("euclidean", n_clusters=4, random_state=0).fit(W)  # no timestamps
    assert ref.slot_index_.tolist() == out.slots.tolist()


def test_series_of_windows_read_as_the_list_of_them(routines):
    # the docstring takes windows as a list; a pandas Series of them (as
    # check_sequences reads one) was taken for a recording and failed with
    # "The recording could not be converted to a numeric array"
    pd = pytest.importorskip("pandas")
    X, t, _, _ = routines
    W = list(X.reshape(-1, 10, 6)[:48])  # the first two days, 1 h windows
    ref = RoutineClusterer("euclidean", n_clusters=3, random_state=0).fit(W)
    given = [pd.Series(W), np.array(W + [None], dtype=object)[:-1]]
    try:
        import polars as pl
        given.append(pl.Series([w.tolist() for w in W]))
    except ImportError:
        pass
    for windows in given:
        rc = RoutineClusterer("euclidean", n_clusters=3, random_state=0).fit(windows)
        np.testing.assert_array_equal(rc.windows_, ref.windows_)
        np.testing.assert_array_equal(rc.labels_, ref.labels_)
    with pytest.raises(ValueError, match="X's sample 1 has 3 channels"):
        RoutineClusterer("euclidean").fit(pd.Series([W[0], W[1][:, :3]]))


def test_eigengap_and_precomputed():
    # three well separated groups of points
    rng = np.random.RandomState(0)
    centres = np.repeat([[0, 0], [10, 0], [0, 10]], 10, axis=0)
    P = centres + rng.randn(30, 2) * 0.3
    D = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))
    rc = RoutineClusterer("precomputed", n_clusters="eigengap", random_state=0)
    with pytest.warns(UserWarning, match="3 connected components"):
        rc.fit(D)  # the local affinity cuts every link between the groups
    assert rc.n_clusters_ == 3 and rc.eigenvalues_ is not None
    assert clustering_scores(np.repeat([0, 1, 2], 10), rc.labels_)["ami"] == pytest.approx(1.0)
    A = affinity_from_distances(D)
    assert A.shape == (30, 30) and np.all((A >= 0) & (A <= 1))


def test_nan_gaps_drop_windows(routines):
    X, t, _, _ = routines
    X = X.copy()
    X[15:30] = np.nan  # hour 1 half, hour 2 fully missing
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10, random_state=0)
    rc.fit(X, timestamps=t)
    assert len(rc.labels_) == 94 and 1 not in rc.slot_index_[rc.day_index_ == 0]
    rc.set_params(min_coverage=0.5).fit(X, timestamps=t)
    assert len(rc.labels_) == 95  # hour 1 kept (half covered, gap interpolated)
    assert not np.isnan(rc.windows_).any()


def test_bad_input(routines):
    X, t, _, _ = routines
    rc = RoutineClusterer("euclidean", n_clusters=2, seq_len=10)
    t_bad = t.copy()
    t_bad[[5, 6]] = t_bad[[6, 5]]
    with pytest.raises(ValueError, match="strictly increasing; position 6"):
        rc.fit(X, timestamps=t_bad)
    with pytest.raises(ValueError, match="longer than the recording"):
        rc.set_params(window="5d", slot_size="1h").fit(X, timestamps=t)
    with pytest.raises(ValueError, match="one entry per row"):
        rc.set_params(window="1h").fit(X, timestamps=t[:-1])
    with pytest.raises(ValueError, match="not a duration"):
        rc.set_params(window="an hour").fit(X, timestamps=t)
    with pytest.raises(ValueError, match="timestamps or sampling_rate"):
        rc.set_params(window="1h").fit(X)
    X_all_nan = X.copy()
    X_all_nan[:] = np.nan
    with pytest.raises(ValueError, match="min_coverage"):
        rc.fit(X_all_nan, timestamps=t)
    with pytest.raises(ValueError, match="n_clusters=50"):
        rc.set_params(n_clusters=50).fit(X[:200], timestamps=t[:200])
    rc.set_params(n_clusters=2)
    X_inf = X.copy()
    X_inf[100, 2] = np.inf
    with pytest.raises(ValueError, match="infinite value at row 100, channel 2"):
        rc.fit(X_inf, timestamps=t)
    with pytest.raises(ValueError, match="The recording is complex"):
        rc.fit(X + 1j, timestamps=t)
    with pytest.raises(ValueError, match="The recording could not be converted"):
        rc.fit(np.full(X.shape, "a", dtype=object), timestamps=t)
    with pytest.raises(ValueError, match=r"got shape \(\d+,\)\. A recording of one "
                       r"channel: X\.reshape\(-1, 1\)"):
        rc.fit(X[:, 0], timestamps=t)
    # a metric must be a name, an object with pairwise_distances or a callable
    for metric in ("bogus", 3):
        with pytest.raises(InvalidParameterError, match="'metric' parameter"):
            rc.set_params(metric=metric).fit(X, timestamps=t)


def test_standardize_keeps_or_reuses_channel_statistics(routines):
    from sktime_metric.utils import channel_statistics

    X, t, _, _ = routines
    raw = RoutineClusterer("euclidean", n_clusters=3, seq_len=10, standardize=False,
                           random_state=0).fit(X, timestamps=t)
    assert raw.mean_ is None and raw.scale_ is None
    own = RoutineClusterer("euclidean", n_clusters=3, seq_len=10,
                           random_state=0).fit(X, timestamps=t)
    mean, scale = channel_statistics(raw.windows_)
    np.testing.assert_allclose(own.mean_, mean)
    np.testing.assert_allclose(own.windows_, (raw.windows_ - mean) / scale)
    # new days scaled with the first fit's statistics, not their own
    day = slice(0, 240)  # the first day: a different mix than all four
    fixed = RoutineClusterer("euclidean", n_clusters=3, seq_len=10,
                             standardize=(own.mean_, own.scale_),
                             random_state=0).fit(X[day], timestamps=t[day])
    np.testing.assert_array_equal(fixed.mean_, own.mean_)
    np.testing.assert_allclose(fixed.windows_, own.windows_[:24])
    alone = RoutineClusterer("euclidean", n_clusters=3, seq_len=10,
                             random_state=0).fit(X[day], timestamps=t[day])
    assert not np.allclose(alone.windows_, own.windows_[:24])
    with pytest.raises(ValueError, match="one value per channel"):
        fixed.set_params(standardize=(own.mean_[:2], own.scale_)).fit(X, timestamps=t)
    with pytest.raises(ValueError, match="positive finite scales"):
        fixed.set_params(standardize=(own.mean_, 0 * own.scale_)).fit(X, timestamps=t)
    with pytest.raises(ValueError, match="a .mean, scale. tuple"):
        fixed.set_params(standardize=(own.mean_,)).fit(X, timestamps=t)


def test_deterministic(routines):
    X, t, _, _ = routines
    a = RoutineClusterer("euclidean", n_clusters=4, seq_len=10, random_state=3).fit(X, timestamps=t)
    b = RoutineClusterer("euclidean", n_clusters=4, seq_len=10, random_state=3).fit(X, timestamps=t)
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_plots(routines):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from sktime_metric.cluster import plot_affinity_matrix, plot_routine_timeline

    X, t, _, _ = routines
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10, random_state=0).fit(X, timestamps=t)
    ax, grid = plot_routine_timeline(rc.labels_, rc.day_index_, rc.slot_index_, n_slots=24)
    np.testing.assert_array_equal(grid, rc.routine_map()[0])
    assert ax.get_xlabel() == "time slot of the day"
    ax2 = plot_affinity_matrix(rc.affinity_matrix_, rc.labels_)
    assert ax2.images[0].get_array().shape == (96, 96)
    plt.close("all")
