"""The benchmark library behind ``sktime-metric benchmark``: the registry of
estimators and datasets, resampling, tables, summaries and plots."""

import io
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.benchmarking import (
    DATASETS,
    ESTIMATORS,
    format_summary,
    format_table,
    plot_critical_difference,
    plot_results,
    rank_results,
    run_benchmark,
    stratified_resample,
    stratified_subsample,
    summarize_results,
    write_results,
)
from sktime_metric.benchmarking import _machine, _runner
from sktime_metric.benchmarking._registry import load_synthetic_control_split
from sktime_metric.benchmarking._runner import evaluate
from sktime_metric.classification import MatchingNetworkClassifier
from sktime_metric.datasets import make_sequence_classification

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_registry_has_the_baselines():
    assert {"tagm", "gru", "lstm", "dtw_1nn"} <= set(ESTIMATORS)
    assert {"japanese_vowels", "basic_motions"} <= set(DATASETS)
    for factory in ESTIMATORS.values():
        assert hasattr(factory("quick", 0), "fit")


def test_registry_nets_train_their_mode_s_epochs():
    # the protocols' fixed budgets: no stop on a converged training loss
    for name in ("tagm", "am_nn", "nn", "gru", "lstm"):
        estimator = ESTIMATORS[name]("fast", 0)
        assert estimator.tol is None and estimator.max_epochs >= 100


def test_registry_options_reach_the_estimators():
    # epochs per mode, TAGM's exception in "fast" only
    assert ESTIMATORS["tagm"]("quick", 0).max_epochs == 2
    assert ESTIMATORS["tagm"]("fast", 0).max_epochs == 200
    assert ESTIMATORS["gru"]("fast", 0).max_epochs == 100
    assert ESTIMATORS["fisher_kernel"]("quick", 0).max_epochs == 2
    assert ESTIMATORS["fisher_kernel"]("fast", 0).max_epochs == 100
    # the chapter's TAGM and its two ablations
    tagm, am_nn, nn = (ESTIMATORS[n]("quick", 0) for n in ("tagm", "am_nn", "nn"))
    assert not tagm.bidirectional and tagm.recurrent and tagm.temporal_attention
    assert not am_nn.recurrent and am_nn.temporal_attention
    assert not nn.recurrent and not nn.temporal_attention
    # the coupled GRU and its control, the siamese GRU
    assert ESTIMATORS["cgru_1nn"]("quick", 0).named_steps["metric"].coupling is True
    assert ESTIMATORS["sgru_1nn"]("quick", 0).named_steps["metric"].coupling is False


def test_synthetic_control_split_is_z_normalised_per_series():
    X_train, y_train, X_test, y_test = load_synthetic_control_split(random_state=0)
    assert X_train.shape == X_test.shape == (300, 60, 1)
    assert np.bincount(y_train).tolist() == np.bincount(y_test).tolist() == [50] * 6
    for X in (X_train, X_test):
        np.testing.assert_allclose(X.mean(axis=1), 0.0, atol=1e-12)
        np.testing.assert_allclose(X.std(axis=1), 1.0, rtol=1e-12)


class _Recorder(ClassifierMixin, BaseEstimator):
    """Remembers what it was fitted on; predicts its first class."""

    def __init__(self, flag=0, random_state=None):
        self.flag = flag
        self.random_state = random_state

    def fit(self, X, y):
        self.X_, self.classes_ = X, np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_run_benchmark_passes_its_options_on(monkeypatch):
    monkeypatch.setitem(ESTIMATORS, "recorder",
                        lambda mode, random_state: _Recorder(random_state=random_state))
    X, y = make_sequence_classification(n_samples=160, n_classes=2, random_state=0)
    data = (X[:100], y[:100], X[100:], y[100:])

    def extra(name, fitted):
        return {"X": fitted.X_, "seed": fitted.random_state, "flag": fitted.flag}

    saved = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        row, = run_benchmark("toy", ["recorder"], mode="quick", random_state=3,
                             progress=False, data=data, threads=2, extra=extra,
                             params={"recorder": {"flag": 7}}, resample=2)
        assert torch.get_num_threads() == 1  # restored
    finally:
        torch.set_num_threads(saved)
    # resample 2 of seed 3: the split and the estimator seeded 5, then the
    # quick mode's subsample of 60 training series seeded 5 as well
    assert (row["seed"], row["flag"], row["resample"], row["n_train"]) == (5, 7, 2, 60)
    X_train, y_train, _, _ = stratified_resample(*data, random_state=5)
    np.testing.assert_array_equal(row["X"],
                                  stratified_subsample(X_train, y_train, 60, 5)[0])
    with pytest.raises(ValueError, match="'resample' parameter"):
        run_benchmark("toy", ["recorder"], data=data, resample=-1)


def test_run_benchmark_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown estimator"):
        run_benchmark(estimators=["nope"], mode="quick")
    with pytest.raises(ValueError, match="Unknown dataset"):
        run_benchmark(dataset="nope", mode="quick")
    with pytest.raises(ValueError, match="mode must be one of"):
        run_benchmark(mode="slow")


class _TorchRecorder(_Recorder):
    """A network's shape (an ``optimizer`` parameter); records at ``fit``
    whether the process's torch warm-up had run by then."""

    def __init__(self, flag=0, random_state=None, optimizer="adam"):
        super().__init__(random_state=random_state, flag=flag)
        self.optimizer = optimizer

    def fit(self, X, y):
        self.warm_at_fit_ = _runner._torch_warm
        return super().fit(X, y)


def test_evaluate_warms_torch_up_before_timing_a_network(monkeypatch):
    # the first optimizer of a process imports torch._dynamo (~1 s), which the
    # first network's fit_s carried, against "timings exclude one-off start-up
    # costs"; only runs with a network pay for the warm-up
    from sklearn.pipeline import Pipeline

    calls = []
    real = _runner._warm_up_torch
    monkeypatch.setattr(_runner, "_warm_up_torch", lambda: calls.append(1) or real())
    monkeypatch.setattr(_runner, "_torch_warm", False)
    X, y = make_sequence_classification(n_samples=20, n_classes=2, random_state=0)
    split = (X[:10], y[:10], X[10:], y[10:])
    evaluate("plain", _Recorder(), *split)
    assert calls == [] and not _runner._torch_warm
    net = _TorchRecorder()
    evaluate("net", net, *split)
    assert calls == [1] and net.warm_at_fit_
    assert "torch._dynamo" in sys.modules
    # a network inside a pipeline is one too
    evaluate("pipe", Pipeline([("id", "passthrough"), ("net", _TorchRecorder())]),
             *split)
    assert calls == [1, 1]


def test_torch_warm_up_is_once_per_process(monkeypatch):
    monkeypatch.setattr(_runner, "_torch_warm", False)
    made = []
    real = torch.optim.SGD
    monkeypatch.setattr(torch.optim, "SGD",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    _runner._warm_up_torch()
    _runner._warm_up_torch()
    assert made == [1] and _runner._torch_warm


def test_evaluate_a_fit_that_ran_no_epoch():
    # a matching network on one series per class cannot train (no episode has
    # a query): its empty history is 0 epochs in the row, not a KeyError
    X, y = make_sequence_classification(n_samples=12, n_classes=3, random_state=0)
    first = np.sort([np.flatnonzero(y == c)[0] for c in range(3)])
    with pytest.warns(ConvergenceWarning, match="single series"):
        row = evaluate("matching", MatchingNetworkClassifier(hidden_size=4, random_state=0),
                       X[first], y[first], X, y, progress=False)
    assert row["epochs"] == 0 and row["epoch_s"] is None
    assert row["convergence_warnings"] == 1


class _DidNotLearn(_Recorder):
    """Issues one ConvergenceWarning per fit, from the same line every time."""

    def fit(self, X, y):
        warnings.warn("did not learn", ConvergenceWarning)
        return super().fit(X, y)


def _shown(calls):
    """The messages of the warnings shown while ``calls`` run under the
    default filter."""
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        for call in calls:
            call()
    return [str(w.message) for w in shown]


def test_evaluate_labels_each_fit_s_warnings():
    # the recorded warnings were issued again without a label: over datasets
    # and resamples the same "did not learn" printed dozens of times, none
    # saying which fit had not learned
    X, y = make_sequence_classification(n_samples=20, n_classes=2, random_state=0)
    split = (X[:10], y[:10], X[10:], y[10:])

    def run(dataset, resample=0):
        return lambda: evaluate("gru", _DidNotLearn(), *split, dataset=dataset,
                                resample=resample)

    assert _shown([run("a"), run("b"), run("a", 2)]) == [
        "a/gru: did not learn", "b/gru: did not learn",
        "a/gru (resample 2): did not learn"]
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        row = evaluate("gru", _DidNotLearn(), *split)
    w, = shown  # the category and the place the estimator warned from
    assert (str(w.message), w.category, w.filename) == (
        "gru: did not learn", ConvergenceWarning, __file__)
    assert row["convergence_warnings"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ConvergenceWarning, match="^b/gru: did not learn$"):
            run("b")()


def test_run_benchmark_labels_the_warnings_of_a_resample(monkeypatch):
    monkeypatch.setitem(ESTIMATORS, "recorder",
                        lambda mode, random_state: _DidNotLearn())
    X, y = make_sequence_classification(n_samples=40, n_classes=2, random_state=0)
    data = (X[:20], y[:20], X[20:], y[20:])
    rows = []
    assert _shown([lambda i=i: rows.extend(run_benchmark(
        "toy", ["recorder"], progress=False, data=data, resample=i))
        for i in (0, 1)]) == ["toy/recorder: did not learn",
                                     "toy/recorder (resample 1): did not learn"]
    assert [row["convergence_warnings"] for row in rows] == [1, 1]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 3 epochs
def test_evaluate_with_progress_leaves_the_estimator_picklable(capsys):
    # the bar's callback was a class local to a function, left in the caller's
    # estimator: its fitted model could not be pickled (nor saved), and every
    # call added one more callback
    import pickle

    from skorch.callbacks import EpochTimer

    from sktime_metric.classification import RNNClassifier

    X, y = make_sequence_classification(n_samples=30, random_state=0)
    own = [("timer", EpochTimer())]
    gru = RNNClassifier(hidden_size=4, max_epochs=3, tol=None, callbacks=own,
                        random_state=0)
    for _ in range(2):
        evaluate("gru", gru, X[:20], y[:20], X[20:], y[20:], progress=True)
        assert gru.get_params()["callbacks"] is own
    assert "3/3" in capsys.readouterr().err  # the bar did advance per epoch
    again = pickle.loads(pickle.dumps(gru))
    np.testing.assert_array_equal(again.predict_proba(X), gru.predict_proba(X))


def test_format_table_without_tabulate(monkeypatch):
    results = [{"dataset": "d", "name": "x", "accuracy": 0.5, "fit_s": 1.0,
                "predict_s": 0.25, "epochs": None, "epoch_s": None}]
    monkeypatch.setitem(sys.modules, "tabulate", None)  # import now fails
    table = format_table(results, columns=("name", "accuracy", "epochs"))
    assert table.splitlines() == [
        "| name | accuracy | epochs |",
        "| --- | --- | --- |",
        "| x | 0.5000 | - |",
    ]


def test_write_results_leaves_other_keys_out_and_puts_notes_last(tmp_path):
    rows = [{"dataset": "d", "name": "x", "accuracy": 0.5, "resample": 0,
             "convergence_warnings": 0}]
    write_results(rows, tmp_path / "r.csv", columns=("name", "accuracy"))
    assert (tmp_path / "r.csv").read_text().splitlines() == ["name,accuracy", "x,0.5"]
    write_results(rows, tmp_path / "r.md", columns=("name", "accuracy"),
                  title="T", notes=["a note"], sections=["## Ranks\n\ntable\n"])
    text = (tmp_path / "r.md").read_text()
    assert text.index("| x ") < text.index("## Ranks") < text.index("- a note")


def test_default_columns_tell_the_resamples_apart(tmp_path):
    # the rows of several resamples printed as the same (dataset, name) twice
    # by default: only the command line added the column itself
    row = {"dataset": "d", "name": "x", "n_train": 4, "n_test": 2,
           "accuracy": 0.5, "fit_s": 1.0, "predict_s": 0.25, "epochs": None,
           "epoch_s": None}
    rows = [{**row, "resample": i} for i in range(2)]
    header = format_table(rows).splitlines()[0].split("|")
    assert [c.strip() for c in header[1:4]] == ["dataset", "name", "resample"]
    write_results(rows, tmp_path / "r.csv")
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert lines[0].startswith("dataset,name,resample,")
    assert lines[2].startswith("d,x,1,")
    # one split (every row resample 0): the column would only repeat 0
    assert "resample" not in format_table([{**row, "resample": 0}])
    assert "resample" not in format_table([row])
    # a lone resample i > 0 is not the given split: it says so
    assert "resample" in format_table([{**row, "resample": 3}])


def test_machine_description_names_the_processor(monkeypatch):
    cpuinfo = "processor\t: 0\nmodel name\t: Test CPU @ 1.00GHz\nflags\t: x\n"
    monkeypatch.setattr(_machine, "open", lambda path: io.StringIO(cpuinfo),
                        raising=False)
    assert _machine.machine_description().startswith("Test CPU @ 1.00GHz, ")

    def no_file(path):
        raise OSError(path)

    monkeypatch.setattr(_machine, "open", no_file, raising=False)
    monkeypatch.setattr(_machine.platform, "processor", lambda: "")
    assert _machine.machine_description().startswith("unknown processor, ")


def test_write_results_rejects_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.md"):
        write_results([], tmp_path / "results.json")


def test_plot_results_of_several_datasets(tmp_path):
    rows = [{"dataset": d, "name": n, "accuracy": a, "fit_s": f, "predict_s": 0.5}
            for d, n, a, f in (("a", "x", 0.5, 2.0), ("b", "x", 1.0, 0.0))]
    plot_results(rows, tmp_path / "two.png", title="two datasets")
    assert (tmp_path / "two.png").read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(ValueError, match="No results"):
        plot_results([], tmp_path / "none.png")


def test_stratified_subsample_of_all_series_is_the_input():
    y = np.repeat([0, 1], 5)
    X = np.zeros((10, 3, 1))
    X_sub, y_sub = stratified_subsample(X, y, 10)
    assert X_sub is X and y_sub is y


@pytest.mark.parametrize("random_state", range(5))
def test_stratified_subsample_keeps_the_class_proportions(random_state):
    # 72, 24 and 12 series: a subsample of a quarter keeps a quarter of each
    y = np.repeat([0, 1, 2], [72, 24, 12])
    X = np.arange(len(y), dtype=float)[:, None, None]
    X_sub, y_sub = stratified_subsample(X, y, 27, random_state=random_state)
    assert np.bincount(y_sub).tolist() == [18, 6, 3]
    np.testing.assert_array_equal(y[X_sub[:, 0, 0].astype(int)], y_sub)


def test_stratified_resample_keeps_sizes_and_training_class_counts():
    rng = np.random.RandomState(0)
    X_train, X_test = rng.normal(size=(12, 5, 2)), rng.normal(size=(18, 7, 2))
    X_test[:, 5:] = np.nan  # the test split is padded longer
    y_train = np.array(["a"] * 8 + ["b"] * 4)
    y_test = np.array(["a"] * 6 + ["b"] * 10 + ["c"] * 2)
    X_tr, y_tr, X_te, y_te = stratified_resample(X_train, y_train, X_test, y_test,
                                                 random_state=1)
    assert (len(y_tr), len(y_te)) == (12, 18)
    assert sorted(y_tr.tolist()) == sorted(y_train.tolist())  # 8 a, 4 b, no c
    assert sorted([*y_tr, *y_te]) == sorted([*y_train, *y_test])
    assert X_tr.shape[1:] == (5, 2) and X_te.shape[1:] == (5, 2)  # padding trimmed
    pooled = {tuple(x.ravel()) for x in np.concatenate([X_train, X_test[:, :5]])}
    assert {tuple(x.ravel()) for x in np.concatenate([X_tr, X_te])} == pooled
    again = stratified_resample(X_train, y_train, X_test, y_test, random_state=1)
    np.testing.assert_array_equal(again[0], X_tr)
    other = stratified_resample(X_train, y_train, X_test, y_test, random_state=2)
    assert not np.array_equal(other[0], X_tr)
    with pytest.raises(ValueError, match="same number of channels"):
        stratified_resample(X_train, y_train, X_test[:, :, :1], y_test)


def test_stratified_resample_takes_lists_and_2d_arrays():
    # the data format: series of different lengths as a list, univariate
    # series as a 2-D array; both were refused (numpy's "inhomogeneous shape",
    # or "must be (n, T, d) arrays")
    rng = np.random.RandomState(0)
    y_train, y_test = np.array([0, 0, 1, 1]), np.array([0, 1, 1])
    ragged = [rng.normal(size=(3 + i, 2)) for i in range(7)]
    X_tr, y_tr, X_te, y_te = stratified_resample(ragged[:4], y_train, ragged[4:],
                                                 y_test, random_state=0)
    assert X_tr.shape[2] == 2 and np.bincount(y_tr).tolist() == [2, 2]
    observed = sorted(int((~np.isnan(x[:, 0])).sum()) for x in [*X_tr, *X_te])
    assert observed == list(range(3, 10))  # every series, its length kept
    flat = rng.normal(size=(7, 5))
    X_tr, _, X_te, _ = stratified_resample(flat[:4], y_train, flat[4:], y_test)
    assert X_tr.shape == (4, 5, 1) and X_te.shape == (3, 5, 1)


def test_stratified_resample_refuses_labels_that_do_not_match_the_series():
    # pooled train + test, one label too few would pair later series with
    # their neighbours' labels, silently
    X = np.zeros((10, 4, 1))
    y = np.array([0, 1] * 5)
    with pytest.raises(ValueError, match=r"y_train of shape \(3,\).*X_train, 4"):
        stratified_resample(X[:4], y[:3], X[4:], y[4:])
    with pytest.raises(ValueError, match="y_test .* X_test, 6 series"):
        stratified_resample(X[:4], y[:4], X[4:], y[4:].reshape(3, 2))



def test_stratified_resample_refuses_labels_it_could_not_pool():
    # a missing label was no class: its series was left out of the new
    # training split (9 series for 10); string labels of one split and numbers
    # of the other were pooled as text, no series of a training class was
    # left and the new training split was empty
    X = np.zeros((10, 4, 1))
    y = np.array([0, 1] * 5, dtype=float)
    missing = y[:4].copy()
    missing[2] = np.nan
    with pytest.raises(ValueError, match="^y_train has a missing value .* position 2"):
        stratified_resample(X[:4], missing, X[4:], y[4:])
    with pytest.raises(TypeError, match=r"^y_train \(0, \.\.\.\) and y_test "
                       r"\('0', \.\.\.\) must both be strings or both numbers"):
        stratified_resample(X[:4], [0, 1, 0, 1], X[4:], y[4:].astype(int).astype(str))
    # numbers of two types pool as numbers
    _, y_tr, _, _ = stratified_resample(X[:4], y[:4].astype(int), X[4:], y[4:])
    assert sorted(y_tr.tolist()) == [0, 0, 1, 1]


def test_rank_results_refuses_nothing_and_a_nan_accuracy():
    # a NaN made every mean rank NaN, and no result gave numpy's warning
    rows = [{"dataset": d, "name": n, "accuracy": a}
            for d, n, a in [("a", "x", 0.9), ("a", "y", np.nan),
                            ("b", "x", 0.7), ("b", "y", 0.8)]]
    with pytest.raises(ValueError, match="^'y' has a NaN accuracy on dataset 'a'"):
        rank_results(rows)
    with pytest.raises(ValueError, match="^No results to rank"):
        rank_results([])

def test_run_benchmark_takes_a_list_of_series_for_the_dtw_baseline():
    # tslearn's 1-NN DTW reads no list of series of different lengths
    X, y = make_sequence_classification(n_samples=20, n_classes=2, random_state=0)
    series = [x[: 5 + i % 4] for i, x in enumerate(X)]
    data = (series[:12], y[:12], series[12:], y[12:])
    for resample in (0, 1):
        row, = run_benchmark("toy", ["dtw_1nn"], mode="quick", progress=False,
                             data=data, resample=resample)
        assert (row["n_train"], row["n_test"]) == (12, 8)


def _rows(table):
    """Result rows from ``{(dataset, resample): {name: accuracy}}``."""
    return [{"dataset": d, "resample": r, "name": n, "accuracy": a, "fit_s": 1.0,
             "predict_s": 0.5} for (d, r), scores in table.items()
            for n, a in scores.items()]


def test_summary_ranks_and_friedman_over_datasets():
    rows = _rows({("d1", 0): {"x": 0.9, "y": 0.8, "z": 0.7},
                  ("d1", 1): {"x": 0.7, "y": 0.8, "z": 0.7},
                  ("d2", 0): {"x": 0.5, "y": 0.6, "z": 0.4},
                  ("d2", 1): {"x": 0.5, "y": 0.6, "z": 0.4}})
    summary = summarize_results(rows)
    assert [(r["dataset"], r["name"], r["resamples"]) for r in summary][:2] == [
        ("d1", "x", 2), ("d1", "y", 2)]
    assert summary[0]["accuracy_mean"] == pytest.approx(0.8)
    assert summary[0]["accuracy_sd"] == pytest.approx(np.std([0.9, 0.7], ddof=1))
    ranking = rank_results(rows)
    # d1: x 0.8, y 0.8, z 0.7 -> 1.5, 1.5, 3; d2: y, x, z -> 2, 1, 3
    assert ranking["blocks"] == "datasets" and ranking["block_labels"] == ["d1", "d2"]
    assert ranking["mean_ranks"] == {"y": 1.25, "x": 1.75, "z": 3.0}
    assert 0 < ranking["friedman_p"] < 1
    text = format_summary(rows)
    assert "## Accuracy over resamples (mean ± sd)" in text
    assert "| d1        | x      | 2           | 0.8000 ± 0.1414 |" in text
    assert "## Mean rank over 2 datasets (1 = most accurate; Friedman test p = " in text
    ranks = text[text.index("## Mean rank"):]
    assert ranks.index("| y ") < ranks.index("| x ") < ranks.index("| z ")
    assert "| y      | 1.25        | 0.7000     | 2         |" in ranks  # best: ties


def test_ranks_over_resamples_of_one_dataset_and_incomplete_results():
    rows = _rows({("d", 0): {"x": 0.9, "y": 0.8}, ("d", 1): {"x": 0.9, "y": 0.9}})
    ranking = rank_results(rows)
    assert ranking["blocks"] == "resamples" and ranking["friedman_p"] is None
    assert ranking["mean_ranks"] == {"x": 1.25, "y": 1.75}
    assert "## Mean rank over 2 resamples of d" in format_summary(rows)
    assert format_summary(rows[:2]) == ""  # one run: nothing to summarise
    with pytest.raises(ValueError, match="'y' has no result on dataset 'e'"):
        rank_results(rows + [{"dataset": "e", "name": "x", "accuracy": 1.0}])


def test_plot_critical_difference(tmp_path, monkeypatch):
    pytest.importorskip("scikit_posthocs")
    rows = _rows({(d, 0): {"tagm": 0.9 - 0.01 * i, "gru": 0.8, "dtw_1nn": 0.6}
                  for i, d in enumerate("abcdef")})
    path = tmp_path / "cd.png"
    out = plot_critical_difference(rows, path, title="six datasets")
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert list(out["mean_ranks"]) == ["tagm", "gru", "dtw_1nn"]
    assert out["p_values"].loc["tagm", "dtw_1nn"] < 0.05 < out["p_values"].loc[
        "tagm", "gru"]
    assert out["cd"] == pytest.approx(1.35, abs=0.01)  # Demsar's q_0.05 = 2.343, k=3
    with pytest.raises(ValueError, match="at least two estimators"):
        plot_critical_difference([r for r in rows if r["name"] == "gru"], path)
    monkeypatch.setitem(sys.modules, "scikit_posthocs", None)  # import now fails
    with pytest.raises(ImportError, match=r"pip install 'sktime_metric\[stats\]'"):
        plot_critical_difference(rows, path)
