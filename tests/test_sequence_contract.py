"""The sequence contract, checked for every estimator of the registry.

scikit-learn's common checks see 2-D tabular data only; these tests cover what
sequence users rely on: variable length and padding invariance, persistence,
model selection, reproducibility, clear errors, and no mutation of the input.
"""

import copy
import io
import pickle
import re

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from tslearn.preprocessing import TimeSeriesScalerMeanVariance

from sktime_metric.base import BaseSequenceNet
from sktime_metric.utils import sequence_lengths

from ._registry import (
    SEQUENCE_ESTIMATORS,
    contract_data,
    estimator_id,
    estimator_output,
    iteration_budget,
    size_grid,
)

pytestmark = pytest.mark.parametrize("estimator", SEQUENCE_ESTIMATORS,
                                     ids=estimator_id)


@pytest.fixture(scope="module")
def labelled():
    """Variable-length, string-labelled, easy three-class sequences."""
    return contract_data()


@pytest.fixture
def data(estimator, labelled):
    """The labelled sequences; a regressor's targets are their class's number."""
    X, y = labelled
    if is_regressor(estimator):
        return X, np.unique(y, return_inverse=True)[1] * 10.0
    return X, y


_fitted_cache = {}


def _short(estimator, budget, **params):
    """An unfitted clone whose training budget (epochs, EM iterations or
    alternations: ``iteration_budget``) is cut to ``budget``."""
    return clone(estimator).set_params(**iteration_budget(estimator, budget), **params)


def _atol(est):
    """The float32 tolerance of the contract's comparisons, in the output's units.

    A regressor predicts ``y_center_ + y_scale_ * module output``: the module's
    rounding (~1e-7 between batchings) is scaled by ``y_scale_`` too.
    """
    return 1e-6 * getattr(est, "y_scale_", 1.0)


def _fitted(estimator, data):
    """One fit per estimator, shared by the read-only tests."""
    key = id(estimator)
    if key not in _fitted_cache:
        _fitted_cache[key] = clone(estimator).fit(*data)
    return _fitted_cache[key]


@pytest.mark.learning
def test_string_labels_and_training_accuracy(estimator, data, learning_seed,
                                             learning_outcome):
    X, y = data
    est = (_fitted(estimator, data) if learning_seed == 0  # the registry's seed
           else clone(estimator).set_params(random_state=learning_seed).fit(X, y))
    if is_regressor(est):
        # the targets are 0, 10, 20 by class: measured over seeds 0-4, training
        # R^2 0.91-0.99 (AttentionSequenceRegressor)
        assert learning_outcome("training R^2", est.score(X, y)) > 0.8
        return
    if not is_classifier(est):  # a metric learner: one finite row per series
        out = est.transform(X)
        assert out.shape[0] == len(X) and np.isfinite(out).all()
        return
    assert est.classes_.tolist() == ["rest", "run", "walk"]
    y_pred = est.predict(X)
    assert y_pred.dtype == y.dtype and set(y_pred) <= set(y)
    # replaces the accuracy part of check_classifiers_train (see _registry.py)
    assert learning_outcome("training accuracy", np.mean(y_pred == y)) > 0.83
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_log_probabilities_are_the_log_of_the_probabilities(estimator, data):
    # scikit-learn's classifiers that give probabilities give their log too
    # (predict_log_proba: log-loss scorers, meta-estimators); computed from
    # the class scores, so it agrees with the probabilities to float64
    if not (is_classifier(estimator) and hasattr(estimator, "predict_proba")):
        pytest.skip("no class probabilities")
    est = _fitted(estimator, data)
    X, _ = data
    proba, log_proba = est.predict_proba(X), est.predict_log_proba(X)
    assert log_proba.shape == proba.shape and np.isfinite(log_proba).all()
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12, atol=1e-300)


def test_variable_length_formats_agree(estimator, data):
    X, _ = data
    est = _fitted(estimator, data)
    lengths = sequence_lengths(X)
    ragged = [x[:n] for x, n in zip(X, lengths)]
    np.testing.assert_allclose(
        estimator_output(est, ragged), estimator_output(est, X), atol=_atol(est)
    )


def test_padding_invariance(estimator, data):
    X, _ = data
    est = _fitted(estimator, data)
    expected = estimator_output(est, X)
    # extra trailing NaN padding
    longer = np.concatenate([X, np.full((len(X), 7, X.shape[2]), np.nan)], axis=1)
    np.testing.assert_allclose(estimator_output(est, longer), expected, atol=_atol(est))
    # each series alone, unpadded: no batch mate can leak into it
    lengths = sequence_lengths(X)
    alone = np.concatenate(
        [estimator_output(est, X[i : i + 1, : lengths[i]]) for i in range(0, len(X), 7)]
    )
    np.testing.assert_allclose(alone, expected[::7], atol=_atol(est))


def test_sample_order_invariance(estimator, data):
    # scikit-learn's check_methods_sample_order_invariance at a float32
    # tolerance (its own rtol of 1e-7 is skipped: see tests/_registry.py)
    X, _ = data
    est = _fitted(estimator, data)
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(estimator_output(est, X[order]),
                               estimator_output(est, X)[order], atol=_atol(est))


def test_same_random_state_same_predictions(estimator, data):
    # a deterministic estimator (no random_state) too: a refit is the same
    X, y = data
    first = estimator_output(_short(estimator, 2).fit(X, y), X)
    again = estimator_output(_short(estimator, 2).fit(X, y), X)
    np.testing.assert_array_equal(first, again)


def test_another_random_state_other_predictions(estimator, data):
    if "random_state" not in estimator.get_params():
        pytest.skip("no random_state: deterministic, nothing to vary")
    X, y = data
    first = estimator_output(_short(estimator, 2).fit(X, y), X)
    other = _short(estimator, 2, random_state=1).fit(X, y)
    assert not np.array_equal(estimator_output(other, X), first)


def test_global_torch_generator_is_untouched(estimator, data, gpu_seeding_calls):
    state = torch.random.get_rng_state()
    _short(estimator, 1).fit(*data)
    assert torch.equal(torch.random.get_rng_state(), state)
    # a CPU fit seeds no GPU's generator either (it restores only its own
    # device's: torch.manual_seed would reset the caller's on every GPU)
    assert gpu_seeding_calls == []


def test_a_float64_torch_default_changes_nothing(estimator, data):
    """A caller's ``torch.set_default_dtype(torch.float64)`` (common in
    scientific code) neither breaks a fit nor changes the model: the networks
    are built and trained in float32 whatever the default, and the caller's
    default is left as it was."""
    X, y = data
    expected = estimator_output(_short(estimator, 2).fit(X, y), X)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        est = _short(estimator, 2).fit(X, y)
        assert torch.get_default_dtype() == torch.float64
        got = estimator_output(est, X)
    finally:
        torch.set_default_dtype(previous)
    np.testing.assert_array_equal(got, expected)


def test_another_torch_default_device_changes_nothing(estimator, data,
                                                      meta_default_device):
    """A caller's ``torch.set_default_device("cuda")`` (here "meta", which
    no data can reach) neither breaks a fit or its predictions nor changes
    them: the estimator's ``device`` decides where it computes."""
    X, y = data
    reference = _short(estimator, 2).fit(X, y)
    expected = estimator_output(reference, X)
    with meta_default_device():
        est = _short(estimator, 2).fit(X, y)
        got = estimator_output(est, X)
        of_reference = estimator_output(reference, X)  # fitted without it
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(of_reference, expected)


def test_pickle_and_joblib_round_trip(estimator, data):
    X, _ = data
    est = _fitted(estimator, data)
    expected = estimator_output(est, X)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(estimator_output(restored, X), expected)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(estimator_output(joblib.load(buffer), X), expected)


def test_model_saved_on_another_device_loads_on_cpu(estimator, data):
    # What a CUDA-trained model looks like to skorch's unpickler: the net says
    # its device is "cuda". Without CUDA, skorch maps the weights to the CPU,
    # while the estimator's own ``device`` parameter still says "cuda": what
    # runs after fit must follow the net's device, not the parameter.
    X, _ = data
    est = _fitted(estimator, data)
    if not hasattr(est, "net_"):
        pytest.skip("no torch net: nothing it saves is bound to a device")
    expected = estimator_output(est, X)
    saved = pickle.loads(pickle.dumps(est))
    saved.device = saved.net_.device = "cuda"
    blob = pickle.dumps(saved)
    if torch.cuda.is_available():
        pytest.skip("CUDA is present: covered by test_cuda_fit_then_cpu_predict")
    with pytest.warns(Warning, match="CUDA"):
        restored = pickle.loads(blob)
    assert str(restored.net_.device) == "cpu"
    np.testing.assert_allclose(estimator_output(restored, X), expected, atol=_atol(est))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_torch_device_or_none_fits_as_the_string_cpu(estimator, data):
    # skorch's three spellings of a device: a str, a torch.device, and None
    # ("leave the module where torch built it": here, the CPU)
    if "device" not in estimator.get_params():
        pytest.skip("no device parameter")
    X, y = data
    expected = estimator_output(_short(estimator, 2).fit(X, y), X)
    for device in (torch.device("cpu"), None):
        est = _short(estimator, 2, device=device)
        assert clone(est).get_params()["device"] == device
        assert "device=" in repr(est)
        est.fit(X, y)
        assert est.device == device  # the parameter is left as given
        assert est.net_.device == "cpu"
        np.testing.assert_array_equal(estimator_output(est, X), expected)


@pytest.mark.cuda
def test_cuda_fit_then_cpu_predict(estimator, data):
    if "device" not in estimator.get_params():
        pytest.skip("no device parameter: computes in numpy on the CPU only")
    X, y = data
    est = _short(estimator, 2, device="cuda").fit(X, y)
    on_gpu = estimator_output(est, X)
    est.net_.set_params(device="cpu")
    est.net_.module_.to("cpu")
    np.testing.assert_allclose(estimator_output(est, X), on_gpu, atol=10 * _atol(est))


def test_clone_is_unfitted_with_same_params(estimator, data):
    est = _fitted(estimator, data)
    cloned = clone(est)
    assert not hasattr(cloned, "net_")
    assert cloned.get_params() == estimator.get_params()


def test_pipeline_grid_search_and_cross_val_score(estimator, data):
    X, y = data
    pipe = Pipeline(
        [("scale", TimeSeriesScalerMeanVariance()), ("clf", _short(estimator, 2))]
    )
    # numpy scalars from a grid must be accepted as hyper-parameters
    size, values = size_grid(estimator)
    values = np.array(values)
    grid = GridSearchCV(pipe, {f"clf__{size}": values}, cv=2)
    grid.fit(X, y)
    assert grid.best_params_[f"clf__{size}"] in values
    # a metric learner is the last step: it scores itself (pair ROC AUC)
    predicts = is_classifier(estimator) or is_regressor(estimator)
    out = grid.predict(X) if predicts else grid.transform(X)
    assert out.shape[0] == len(X)
    scores = cross_val_score(pipe, X, y, cv=3)
    # a regressor's score is R^2, at most 1 (negative after 2 epochs is allowed)
    low = -np.inf if is_regressor(estimator) else 0
    assert scores.shape == (3,) and np.all((scores >= low) & (scores <= 1))


def test_numpy_scalars_are_accepted_as_every_numeric_parameter(estimator, data):
    """A grid built with np.arange / np.array passes numpy scalars: every int
    and float parameter must take them, batch sizes above the predict batch
    (256, where the validation loader's size is derived) included."""
    X, y = data
    params = estimator.get_params()
    numeric = {k: np.int64(v) if isinstance(v, int) else np.float64(v)
               for k, v in params.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if "batch_size" in params:
        numeric["batch_size"] = np.int64(300)
    if "early_stopping" in params:
        numeric["early_stopping"] = True
        if "validation" in params:  # series of every class on both sides
            numeric["validation"] = "stratified"
    clone(estimator).set_params(**numeric).fit(X, y)


def test_transform_names_its_columns_and_outputs_pandas(estimator, data):
    """Every estimator with a transform names its columns, and so takes
    set_output, alone and as a pipeline's last step (scikit-learn's contract
    for transformers, LDA's classifier-with-transform included)."""
    if not hasattr(estimator, "transform"):
        pytest.skip("no transform")
    X, y = data
    est = _fitted(estimator, data)
    names = est.get_feature_names_out()
    expected = est.transform(X)
    frame = clone(est).set_output(transform="pandas").fit(X, y).transform(X)
    assert list(frame.columns) == list(names) and frame.shape == expected.shape
    np.testing.assert_array_equal(frame.to_numpy(), expected)
    piped = Pipeline([("last", clone(estimator))]).set_output(transform="pandas")
    np.testing.assert_array_equal(piped.fit(X, y).transform(X).to_numpy(), expected)


@pytest.mark.parametrize("output", ["pandas", "polars"])
def test_set_output_leaves_the_learned_distance_unchanged(estimator, data, output):
    """A learned distance is one of the rows transform computes, whatever
    container set_output wraps them in (polars' converts back to Fortran
    order, where the BLAS distances round differently)."""
    if not hasattr(estimator, "pairwise_distances"):
        pytest.skip("no learned distance")
    pytest.importorskip(output)
    X, y = data
    est = _fitted(estimator, data)
    framed = copy.deepcopy(est).set_output(transform=output)
    np.testing.assert_array_equal(framed.pairwise_distances(X),
                                  est.pairwise_distances(X))
    np.testing.assert_array_equal(framed.pair_distance(X[:9], X[9:18]),
                                  est.pair_distance(X[:9], X[9:18]))
    assert framed.score(X, y) == est.score(X, y)


def test_input_is_not_mutated(estimator, data):
    X, y = data
    X_before, y_before = X.copy(), y.copy()
    X_ro = X.copy()
    X_ro.setflags(write=False)  # any write would raise
    est = _short(estimator, 1).fit(X_ro, y)
    estimator_output(est, X_ro)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def _with(X, index, value):
    X = X.copy()
    X[index] = value
    return X


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda X: _with(X, (3, 2), np.nan),
         "X's sample 3 has NaN at time step 2, inside the series"),
        (lambda X: _with(X, (5, 1, 0), np.nan),
         "X's sample 5 has NaN on channel(s) [0] only at time step 1"),
        (lambda X: _with(X, (2, 4, 1), np.inf),
         "X's sample 2 has an infinite value at time step 4"),
        (lambda X: _with(X, 7, np.nan), "X's sample 7 is empty (all NaN)"),
        (lambda X: X[0, :, 0], "Reshape your data"),
        (lambda X: X[..., None], "got an array with 4 dimension(s)"),
    ],
)
def test_bad_input_gives_clear_errors_at_fit(estimator, data, corrupt, message):
    X, y = data
    with pytest.raises(ValueError, match=re.escape(message)):
        clone(estimator).fit(corrupt(X), y)


def test_values_on_extreme_scales_are_standardised_or_named(estimator, data):
    """Any finite float64 is standardised without overflow or underflow (not a
    channel scaled by inf to zeros, nor a tiny-scale signal read as constant);
    a value the float32 networks cannot hold is an error naming it, not a NaN
    loss or NaN probabilities."""
    X, y = data
    huge = _with(X, (2, 4, 1), 1e300)
    if estimator.get_params().get("standardize"):
        fitted = clone(estimator).fit(huge, y)
        assert 1e290 < fitted.scale_[1] < np.inf
        assert np.isfinite(estimator_output(fitted, huge)).all()
        # the same series on the scale 1e-30: the same statistics, scaled
        tiny = clone(estimator).fit(X * 1e-30, y)
        np.testing.assert_allclose(tiny.scale_, _fitted(estimator, data).scale_ * 1e-30,
                                   rtol=1e-12)
    if isinstance(estimator, BaseSequenceNet):
        unscaled = clone(estimator)
        if "standardize" in unscaled.get_params():
            unscaled.set_params(standardize=False)
        with pytest.raises(ValueError, match=re.escape(
                "X's sample 2 has the value 1e+300 at time step 4, channel 1")):
            unscaled.fit(huge, y)
    if isinstance(estimator, BaseSequenceNet):
        # the networks compute in float32: 1e39 is finite in float64 only
        with pytest.raises(ValueError, match=r"X's sample 3 has the value \S+ at time "
                           r"step 0, channel 0 .*beyond the float32 range"):
            estimator_output(_fitted(estimator, data), _with(X, (3, 0, 0), 1e39))


def test_bad_input_gives_clear_errors_at_predict(estimator, data):
    X, _ = data
    est = _fitted(estimator, data)
    with pytest.raises(ValueError, match=re.escape("X has 3 channels, but")):
        estimator_output(est, np.concatenate([X, X[:, :, :1]], axis=2))
    with pytest.raises(ValueError,
                       match=re.escape("X's sample 0 has NaN at time step 1")):
        estimator_output(est, _with(X, (0, 1), np.nan))
    with pytest.raises(TypeError, match="non-numeric"):
        estimator_output(est, np.full(X.shape, "a"))


def test_tags_declare_sequences(estimator):
    tags = estimator.__sklearn_tags__()
    assert tags.input_tags.three_d_array and tags.input_tags.allow_nan
    assert tags.allow_variable_length


# set by fit only for some inputs or parameters: videos' frames, a grid of Cs
_CONDITIONAL_ATTRIBUTES = {"frame_shape_", "cv_scores_"}


def test_fitted_attributes_are_documented(estimator, data):
    # scikit-learn's test_fit_docstring_attributes: every public attribute a
    # fit sets is in the class's numpydoc Attributes, and every documented one
    # is set (but for the conditional ones above)
    from numpydoc.docscrape import NumpyDocString

    est = _fitted(estimator, data)
    documented = {name.strip()
                  for attribute in NumpyDocString(type(est).__doc__)["Attributes"]
                  for name in attribute.name.split(",")}
    fitted = {name for name in vars(est)
              if name.endswith("_") and not name.startswith("_")}
    assert fitted <= documented, f"undocumented: {sorted(fitted - documented)}"
    absent = [name for name in sorted(documented - _CONDITIONAL_ATTRIBUTES)
              if not hasattr(est, name)]
    assert not absent, f"documented, not set by fit: {absent}"
