"""Our warnings point at the user's line that called the public method.

A warning's ``filename:lineno`` is what the user sees printed and what
``warnings.filterwarnings(module=...)`` matches: it must name the line here
that called ``fit`` / ``fit_transform`` / ``transform`` / ..., not a line of
sktime_metric, scikit-learn, skorch or torch, however deep the warning is
issued (``sktime_metric.utils._warnings.warn``). Each call below is written
in this file, so ``filename == __file__`` is the check.
"""

import importlib.util
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

import sktime_metric
from sktime_metric.classification import (
    MatchingNetworkClassifier,
    NaiveLogisticClassifier,
    RNNClassifier,
)
from sktime_metric.cluster import RoutineClusterer
from sktime_metric.metric import CoupledGRUMetric, Seq2SeqEmbedder, SiameseRNNEmbedder
from sktime_metric.nn import KISSMELoss
from sktime_metric.utils import SequenceLayoutWarning

from ._registry import contract_data

FAST = dict(max_epochs=2, lr=1e-2, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def constant():
    """Series that carry no class information: every fit "did not learn"."""
    X, y = contract_data()
    return np.ones_like(X[:, :6]), y


def _assert_points_here(record, text):
    """Each of our warnings (its message matches ``text``; another library's
    warning in the same fit may point where it likes) names this file."""
    ours = [w for w in record if re.search(text, str(w.message))]
    assert len(ours) > 0
    assert [w.filename for w in ours] == [__file__] * len(ours), [
        f"{w.filename}:{w.lineno}" for w in ours]


# the did-not-learn ConvergenceWarning of a classifier, a metric learner and
# Seq2Seq, through fit and through fit_transform (scikit-learn's
# TransformerMixin.fit_transform for Seq2Seq, our own for the others)
@pytest.mark.parametrize("Estimator, params", [
    (MatchingNetworkClassifier, dict(hidden_size=4, n_way="all", metric="euclidean")),
    (CoupledGRUMetric, dict(hidden_size=4)),
    (Seq2SeqEmbedder, dict(hidden_size=4, projection_dim=2, n_pairs=50)),
], ids=["matching", "cgru", "seq2seq"])
@pytest.mark.parametrize("method", ["fit", "fit_transform"])
def test_did_not_learn_points_at_the_fit_call(constant, Estimator, params, method):
    X, y = constant
    est = Estimator(**params, **FAST)
    with pytest.warns(ConvergenceWarning, match="did not learn") as record:
        getattr(est, method)(X, y)
    _assert_points_here(record, "did not learn")


def test_through_a_pipeline_and_cross_val_score_in_this_thread(constant):
    # scikit-learn's frames are skipped too: the user's line is the one that
    # called Pipeline.fit or cross_val_score
    X, y = constant
    with pytest.warns(ConvergenceWarning, match="did not learn") as record:
        Pipeline([("clf", NaiveLogisticClassifier(**FAST))]).fit(X, y)
    _assert_points_here(record, "did not learn")
    with pytest.warns(ConvergenceWarning, match="did not learn") as record:
        cross_val_score(NaiveLogisticClassifier(**FAST), X, y, cv=2)
    _assert_points_here(record, "did not learn")


def test_in_a_joblib_worker_thread_the_caller_is_scikit_learns_line(constant):
    # a worker thread's stack does not reach the user's line: the warning
    # names the line that called our fit (scikit-learn's), not one of ours
    X, y = constant
    with pytest.warns(ConvergenceWarning, match="did not learn") as record:
        with joblib.parallel_backend("threading", n_jobs=2):
            cross_val_score(NaiveLogisticClassifier(**FAST), X, y, cv=2, n_jobs=2)
    sklearn_dir = sklearn.__file__.rsplit("__init__.py", 1)[0]
    ours = [w for w in record if "did not learn" in str(w.message)]
    assert all(w.filename.startswith(sklearn_dir) for w in ours), [
        f"{w.filename}:{w.lineno}" for w in ours]


def test_layout_warnings_point_at_the_fit_call(constant):
    X, y = contract_data()
    X_aeon = np.ascontiguousarray(np.nan_to_num(X).transpose(0, 2, 1))[:, :, :10]
    with pytest.warns(SequenceLayoutWarning, match="aeon") as record:
        RNNClassifier(hidden_size=4, **FAST).fit(X_aeon, y)
    _assert_points_here(record, "aeon")
    with pytest.warns(SequenceLayoutWarning, match="aeon") as record:
        CoupledGRUMetric(hidden_size=4, **FAST).fit_transform(X_aeon[:12], y[:12])
    _assert_points_here(record, "aeon")


def test_data_warnings_point_at_the_call():
    X, y = contract_data()
    short = X[:, :2]  # every series shorter than the window of 3
    srn = SiameseRNNEmbedder(window_size=3, hidden_size=4, n_pairs=50, **FAST)
    with pytest.warns(UserWarning, match="shorter than window_size=3") as record:
        srn.fit(short, y)  # once: its learning check does not repeat it
    _assert_points_here(record, "shorter than")
    with pytest.warns(UserWarning, match="shorter than window_size=3") as record:
        srn.transform(short)  # through scikit-learn's set_output wrapper
    _assert_points_here(record, "shorter than window_size=3")
    # the routine clusterer's affinity graph, through fit_predict
    rng = np.random.RandomState(0)
    P = np.repeat([[0, 0], [10, 0], [0, 10]], 10, axis=0) + rng.randn(30, 2) * 0.3
    D = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))
    rc = RoutineClusterer("precomputed", n_clusters="eigengap", random_state=0)
    with pytest.warns(UserWarning, match="3 connected components") as record:
        rc.fit_predict(D)
    _assert_points_here(record, "3 connected components")


def test_a_torch_module_warning_points_at_the_modules_call():
    pairs = torch.randn(4, 2, 3)
    with pytest.warns(RuntimeWarning, match="only similar pairs") as record:
        KISSMELoss()(pairs, torch.ones(4), torch.eye(3))
    _assert_points_here(record, "only similar pairs")


def _only_similar_pairs():
    return torch.randn(4, 2, 3), torch.ones(4), torch.eye(3)


def test_a_loss_module_in_a_worker_thread_names_the_line_that_called_it():
    # no user's line on a worker thread's stack: the line that called into
    # this package, torch's Module.__call__ counting as part of our call (it
    # named torch's line): joblib's, or threading's for a thread whose target
    # is the module
    with pytest.warns(RuntimeWarning, match="only similar pairs") as record:
        joblib.Parallel(n_jobs=2, backend="threading")(
            joblib.delayed(KISSMELoss())(*_only_similar_pairs()) for _ in range(2))
    joblib_dir = joblib.__file__.rsplit("__init__.py", 1)[0]
    assert [w.filename.startswith(joblib_dir) for w in record] == [True, True], [
        f"{w.filename}:{w.lineno}" for w in record]
    with pytest.warns(RuntimeWarning, match="only similar pairs") as record:
        thread = threading.Thread(target=KISSMELoss(), args=_only_similar_pairs())
        thread.start()
        thread.join()
    assert [w.filename for w in record] == [threading.__file__]


def test_a_users_module_named_as_a_standard_module_is_the_users(tmp_path):
    # the standard library is told by its folder, not by module names: this
    # module is "code", as the standard library's code.py, and is the user's
    path = tmp_path / "code.py"
    path.write_text(
        "import torch\n"
        "from sktime_metric.nn import KISSMELoss\n"
        "def call(*args):\n"
        "    return KISSMELoss()(*args)\n")
    spec = importlib.util.spec_from_file_location("code", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.warns(RuntimeWarning, match="only similar pairs") as record:
        module.call(*_only_similar_pairs())
    assert [(w.filename, w.lineno) for w in record] == [(str(path), 4)]


def test_the_standard_library_is_told_by_its_files():
    from sktime_metric.utils._warnings import _in_standard_library

    assert _in_standard_library(threading.__file__)
    assert _in_standard_library("<frozen runpy>")
    # site-packages, inside the standard library's folder on many installs
    assert not _in_standard_library(sklearn.__file__)
    assert not _in_standard_library(__file__)


def test_the_command_names_its_own_line_that_called_the_estimator(tmp_path):
    # python -m sktime_metric: the stack holds only the standard library's
    # runpy and this package; the command is a user of the library, so the
    # warning names its line that called fit (once named "<frozen runpy>")
    X = np.ones((20, 5, 2))
    np.savez(tmp_path / "constant.npz", X=X, y=np.arange(20) % 2)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    env.pop("PYTHONWARNINGS", None)
    stderr = subprocess.run(
        [sys.executable, "-W", "always", "-m", "sktime_metric", "fit",
         "--train", "constant.npz", "--estimator", "NaiveLogisticClassifier",
         "--max-epochs", "1", "--output", "model.zip", "--no-progress"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stderr
    found = re.search(r"^(.+):(\d+): ConvergenceWarning: .*did not learn",
                      stderr, re.M)
    assert found, stderr
    fit = Path(sktime_metric.__file__).parent / "_cli" / "fit.py"
    assert found[1] == str(fit), stderr
    line = fit.read_text().splitlines()[int(found[2]) - 1]
    assert "estimator.fit(X, y)" in line


def test_the_package_warns_through_warn_only():
    # a warnings.warn(..., stacklevel=n) call is right for one call depth only
    package = Path(sktime_metric.__file__).parent
    helper = package / "utils" / "_warnings.py"
    direct = [str(path.relative_to(package)) for path in package.rglob("*.py")
              if path != helper and "warnings.warn(" in path.read_text()]
    assert direct == []
