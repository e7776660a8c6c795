"""The chapter's protocol: temporal_split, filter_interactions, ranking_auc; MovieLens."""

import importlib.util

import numpy as np
import pytest

from sktime_metric.evaluation import filter_interactions, ranking_auc, temporal_split
from sktime_metric.recommendation import PopularityRecommender


def test_temporal_split_cuts_at_one_time():
    X = np.array([[1, 1, 3.0], [2, 1, 1.0], [1, 2, 7.0], [3, 3, 5.0]])
    X_tr, y_tr, X_te, y_te = temporal_split(X, [1, 2, 3, 4], split_time=5)
    assert X_tr[:, 2].max() < 5 <= X_te[:, 2].min()
    assert y_tr.tolist() == [1, 2] and y_te.tolist() == [3, 4]
    with pytest.raises(ValueError, match="leaves the test part empty"):
        temporal_split(X, split_time=100)
    with pytest.raises(ValueError, match="row 1 has a missing or infinite timestamp"):
        temporal_split(np.array([[1, 1, 0.0], [1, 2, np.nan]]), split_time=1)


def test_temporal_split_on_dataframes_with_dates():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                          "timestamp": pd.to_datetime(["2009-05-01", "2010-02-01",
                                                       "2009-12-31"]),
                          "rating": [3.0, 4.0, 5.0]})
    train, test = temporal_split(frame, split_time="2010-01-01")
    assert train["user_id"].tolist() == [1, 3] and test["user_id"].tolist() == [2]


def test_filter_keeps_users_and_items_with_more_than_three_ratings():
    X = np.array([[u, i, 0] for u in range(4) for i in range(4)]
                 + [[9, 0, 0], [0, 7, 0]])
    kept, y = filter_interactions(X, np.arange(len(X)))
    assert len(kept) == 16 and y.tolist() == list(range(16))
    # one pass: user 3 and item 3 (3 ratings each) go; users 0-2 stay with 3
    X2 = np.array([[u, i, 0] for u in range(4) for i in range(4)][:-1])
    assert len(filter_interactions(X2)) == 9
    assert len(filter_interactions(X2, iterative=True)) == 0  # then all fall


class _Oracle:
    """Scores an item by a fixed table (ids 0-9): 'likes' low ids."""

    item_ids_ = np.arange(10)

    def predict(self, X):
        return -np.asarray(X, dtype=float)[:, 1]



def test_an_empty_log_or_ratings_of_another_length_are_refused_by_name():
    # numpy's "zero-size array to reduction operation" and boolean-index
    # IndexError named neither the log nor the ratings
    empty = np.zeros((0, 3), dtype=int)
    for split in (lambda X: filter_interactions(X),
                  lambda X: temporal_split(X, split_time=1)):
        with pytest.raises(ValueError, match=": the log has no interaction"):
            split(empty)
    X = np.array([[u, i, 0] for u in range(4) for i in range(4)])
    with pytest.raises(ValueError, match="^filter_interactions: 15 ratings for 16 "
                       "interactions"):
        filter_interactions(X, np.ones(15))

def test_ranking_auc_is_the_per_user_fraction_of_ordered_pairs():
    X_test = np.array([[0, 0, 10], [0, 1, 11], [1, 9, 10]])
    auc, per_user = ranking_auc(_Oracle(), X_test, return_per_user=True,
                                random_state=0)
    assert per_user == {0: 1.0, 1: 0.0} and auc == 0.5
    # a training item of user 1 is never drawn as a negative
    X_train = np.array([[1, 8, 1]])
    _, per_user = ranking_auc(_Oracle(), X_test, X_train=X_train, n_negatives=3,
                              return_per_user=True, random_state=0)
    assert per_user[1] == 0.0


class _Recorder:
    """Scores by a fixed table like _Oracle, or by one constant; keeps the queries."""

    item_ids_ = np.arange(10)

    def __init__(self, constant=None):
        self.constant = constant

    def predict(self, X):
        self.queries_ = np.asarray(X, dtype=float)
        if self.constant is not None:
            return np.full(len(X), self.constant)
        return -self.queries_[:, 1]


def test_ranking_auc_counts_a_tie_as_a_half():
    # every item scored the same: each (positive, negative) pair is a tie
    X_test = np.array([[0, 0, 10], [1, 9, 10]])
    auc, per_user = ranking_auc(_Recorder(constant=3.0), X_test, return_per_user=True,
                                random_state=0)
    assert per_user == {0: 0.5, 1: 0.5} and auc == 0.5



def test_ranking_auc_counts_a_tie_of_infinite_scores_as_a_half():
    # -inf - (-inf) is NaN: subtracted, the tie counted as a wrong order
    X_test = np.array([[0, 0, 10], [1, 9, 10]])
    auc = ranking_auc(_Recorder(constant=-np.inf), X_test, random_state=0)
    assert auc == 0.5


class _Predicts:
    item_ids_ = np.arange(10)

    def __init__(self, make):
        self.make = make

    def predict(self, X):
        return self.make(len(X))


@pytest.mark.parametrize("make, match", [
    # NaN is neither above nor below: every pair a wrong order, an AUC of 0
    (lambda n: np.full(n, np.nan), r"predict gave NaN for 20 of 20 \(user, item\)"),
    (lambda n: np.zeros(n - 1), r"predict gave an array of shape \(19,\) for 20"),
    (lambda n: np.zeros((n, 2)),
     r"predict gave an array of shape \(20, 2\) for 20 rows"),
], ids=["nan", "short", "two-columns"])
def test_ranking_auc_refuses_predictions_it_cannot_rank(make, match):
    X_test = np.array([[0, 0, 10], [1, 9, 10]])
    with pytest.raises(ValueError, match="^ranking_auc: estimator." + match):
        ranking_auc(_Predicts(make), X_test, random_state=0)
    # a column of scores is one score per row
    assert ranking_auc(_Predicts(lambda n: np.zeros((n, 1))), X_test,
                       random_state=0) == 0.5

def test_ranking_auc_never_draws_a_training_item_as_a_negative():
    # user 0's test item 1 is above every item but 0, which she rated in
    # training: with all 8 items left as negatives, her AUC is exactly 1
    X_test = np.array([[0, 1, 10]])
    X_train = np.array([[0, 0, 1]])
    estimator = _Recorder()
    auc = ranking_auc(estimator, X_test, X_train=X_train, random_state=0)
    assert auc == 1.0
    assert sorted(estimator.queries_[:, 1]) == list(range(1, 10))


def test_ranking_auc_scores_a_user_at_her_first_test_time():
    X_test = np.array([[0, 0, 30], [0, 1, 10], [0, 2, 20]])
    estimator = _Recorder()
    ranking_auc(estimator, X_test, random_state=0)
    assert (estimator.queries_[:, 2] == 10).all()


def test_filter_applies_the_user_and_the_item_threshold_each_to_its_own():
    # 3 users rate items 0-2; user 3 rates item 0 only; item 3 is rated by
    # user 0 only
    X = np.array([[u, i, 0] for u in range(3) for i in range(3)]
                 + [[3, 0, 0], [0, 3, 0]])
    y = np.arange(len(X))
    # users need 1 rating, items 3: item 3 (1 rating) goes, user 3 stays
    assert filter_interactions(X, y, min_user_ratings=1, min_item_ratings=3)[1] \
        .tolist() == list(range(10))
    # users need 3 ratings, items 1: user 3 (1 rating) goes, item 3 stays
    assert filter_interactions(X, y, min_user_ratings=3, min_item_ratings=1)[1] \
        .tolist() == list(range(9)) + [10]


@pytest.mark.skipif(importlib.util.find_spec("recbole") is None,
                    reason="recbole (the MovieLens-100K data) is not installed")
def test_movielens_100k_from_the_recbole_wheel():
    from sktime_metric.datasets import load_movielens_100k

    X, y, genres = load_movielens_100k(return_genres=True)
    assert X.shape == (100000, 3) and y.shape == (100000,)
    assert len(np.unique(X[:, 0])) == 943 and len(np.unique(X[:, 1])) == 1682
    assert set(np.unique(y)) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert genres[1] == ["Animation", "Children's", "Comedy"]
    X_tr, _, X_te, _ = temporal_split(X, y, split_time="1998-03-01")
    assert 0.7 < len(X_tr) / len(X) < 0.85


def test_movielens_without_recbole_names_the_install_command(monkeypatch):
    from sktime_metric.datasets import _movielens

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install --no-deps recbole==1.2.1"):
        _movielens.load_movielens_100k()


def test_temporal_split_refuses_to_compare_zoned_and_naive_dates():
    # a naive split_time on a zoned log was read as UTC, shifting the cut by
    # the zone's offset without a word
    pd = pytest.importorskip("pandas")
    stamps = pd.to_datetime(["2024-07-01 09:30", "2024-07-01 10:30",
                             "2024-07-01 11:30"]).tz_localize("Europe/Paris")
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                          "timestamp": stamps})
    with pytest.raises(ValueError, match=r"with a time zone \(X's timestamps\) and "
                                         r"without \(split_time\)"):
        temporal_split(frame, split_time="2024-07-01 10:00")
    # 10:00 Paris summer time is 08:00 UTC: one instant, three spellings
    for cut in ("2024-07-01T10:00:00+02:00", pd.Timestamp("2024-07-01 08:00", tz="UTC"),
                stamps[0].value / 1e9 + 1800):
        train, test = temporal_split(frame, split_time=cut)
        assert train["user_id"].tolist() == [1] and test["user_id"].tolist() == [2, 3]
    with pytest.raises(ValueError, match=r"with a time zone \(split_time\) and without "
                                         r"\(X's timestamps\)"):
        temporal_split(frame.assign(timestamp=stamps.tz_localize(None)),
                       split_time="2024-07-01T10:00:00+02:00")


def test_a_bad_time_parameter_is_named_as_a_parameter():
    # "the the time 'at' column holds values ..." named a parameter as a
    # column; a list of times gave numpy's "only 0-dimensional arrays ..."
    X = np.array([[1, 4, 0.0], [2, 5, 1.0], [3, 6, 2.0]])
    with pytest.raises(TypeError, match=r"^temporal_split: split_time is neither a "
                                        r"number nor a date .*; got 'soon'\.$"):
        temporal_split(X, split_time="soon")
    est = PopularityRecommender().fit(X)
    with pytest.raises(TypeError, match=r"^PopularityRecommender: the time 'at' is "
                                        r"neither a number nor a date"):
        est.recommend([1], at="soon")
    with pytest.raises(TypeError, match=r"the time 'at' must be one time .*\[1, 2\]"):
        est.recommend([1], at=[1, 2])


@pytest.mark.parametrize("library", ["polars", "pyarrow"])
def test_temporal_split_of_polars_and_pyarrow_tables(library):
    # a pyarrow Table's .columns are its arrays (the time column was "not
    # found"), a polars frame came back as a numpy array, and both libraries'
    # zoned times reached numpy as bare UTC datetime64 (a naive split_time was
    # then compared with them as if it were UTC)
    pd = pytest.importorskip("pandas")
    lib = pytest.importorskip(library)
    stamps = pd.to_datetime(["2024-07-01 09:30", "2024-07-01 10:30",
                             "2024-07-01 11:30"]).tz_localize("Europe/Paris")
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [4, 5, 6],
                          "timestamp": stamps})
    table = (lib.from_pandas(frame) if library == "polars"
             else lib.Table.from_pandas(frame, preserve_index=False))
    train, y_train, test, y_test = temporal_split(
        table, [1.0, 2.0, 3.0], split_time="2024-07-01T10:00:00+02:00")
    assert type(train) is type(table) and type(test) is type(table)
    assert list(np.asarray(train["user_id"])) == [1] and y_test.tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match=r"with a time zone \(X's timestamps\) and "
                                         r"without \(split_time\)"):
        temporal_split(table, split_time="2024-07-01 10:00")


@pytest.mark.parametrize("times, match", [
    ([1, "2024-01-01", 3], r"mixes numbers \(1\) and dates \('2024-01-01'\)"),
    ([True, 2, 3], "neither numbers nor dates .* e.g. True"),
    (["2024-01-01T10:00Z", "noonT10:00Z", "2024-01-02T10:00Z"],
     "neither numbers nor dates .* e.g. 'noonT10:00Z'"),
])
def test_timestamps_of_mixed_kinds_are_refused_naming_the_culprit(times, match):
    # a number among dates was read as nanoseconds since 1970 (1 -> 1e-09 s), a
    # bool as 1, and an unreadable zoned text was named by the first row's
    X = np.array([[1, 1, times[0]], [2, 1, times[1]], [1, 2, times[2]]], dtype=object)
    with pytest.raises(TypeError, match=match):
        temporal_split(X, split_time=2)
