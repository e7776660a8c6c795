"""Weights-only persistence (sktime_metric.persistence) for every estimator.

Pickle and joblib round trips are tested in test_sequence_contract.py.
"""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
import safetensors.torch
import skops.io
import torch
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances
from skorch import NeuralNet
from skorch.callbacks import EpochTimer
from skorch.history import History

from sktime_metric import (
    KISSMETransformer,
    MatchingNetworkClassifier,
    RNNClassifier,
    RoutineClusterer,
    SiameseRNNEmbedder,
    TAGMClassifier,
)
from sktime_metric._persistence.archive import _FORMAT, _FORMAT_VERSION
from sktime_metric._persistence.trust import _trusted_types
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.persistence import load_weights, save_weights

from ._registry import (
    ESTIMATORS,
    PRECOMPUTED_ESTIMATORS,
    VECTOR_ESTIMATORS,
    estimator_id,
    registered,
    targets_for,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=36, n_classes=3, n_channels=2, min_length=6, max_length=12,
        motif_length=4, noise=0.3, random_state=0,
    )
    return X, np.array(["walk", "run", "rest"])[y]


def _fit(estimator, data):
    """A quickly fitted clone, on the input its kind takes."""
    X, y = data
    est = clone(estimator)
    if "max_epochs" in est.get_params():
        est.set_params(max_epochs=2)
    if isinstance(est, KISSMETransformer):
        return est.fit(_vectors(X), y)
    if isinstance(est, RoutineClusterer):
        return est.fit(_distances(X))
    return est.fit(X, targets_for(est, y))


def _vectors(X):
    return np.nan_to_num(X[:, :6]).reshape(len(X), -1)


def _distances(X):
    return pairwise_distances(_vectors(X))


def _outputs(est, data):
    """Everything a user reads from the fitted estimator, by method."""
    X, _ = data
    if isinstance(est, RoutineClusterer):
        return {"labels_": est.labels_, "routine_map": est.routine_map()[0]}
    if isinstance(est, KISSMETransformer):
        Z = _vectors(X)
        return {"transform": est.transform(Z), "pairwise": est.pairwise_distances(Z)}
    out = {}
    if is_classifier(est):
        out["predict_proba"], out["predict"] = est.predict_proba(X), est.predict(X)
    if hasattr(est, "transform"):
        out["transform"] = est.transform(X)
    if hasattr(est, "pairwise_distances"):
        out["pairwise"] = est.pairwise_distances(X[:5], X)
    return out


def _assert_same_state(a, b, where="estimator"):
    """Fitted attributes equal, recursively (nets: weights and history)."""
    if isinstance(a, NeuralNet):
        assert type(a) is type(b), where
        # the loss's state too (the structural loss's moving means)
        for part in ("module_", "criterion_"):
            sa, sb = getattr(a, part).state_dict(), getattr(b, part).state_dict()
            assert sa.keys() == sb.keys(), f"{where}.{part}"
            for key in sa:
                torch.testing.assert_close(sb[key].cpu(), sa[key].cpu(), rtol=0,
                                           atol=0, equal_nan=True,
                                           msg=f"{where}.{part}.{key}")
        assert a.history.to_list() == b.history.to_list(), where
    elif isinstance(a, History):
        assert a.to_list() == b.to_list(), where
    elif hasattr(a, "get_params") and not isinstance(a, type):
        assert type(a) is type(b), where
        assert vars(a).keys() == vars(b).keys(), where
        params = a.get_params(deep=False)
        for name in vars(a):
            if name not in params:
                _assert_same_state(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a.cpu(), b.cpu()), where
    else:
        assert type(a) is type(b) and (a == b or a != a and b != b), where


ALL = ESTIMATORS + VECTOR_ESTIMATORS + PRECOMPUTED_ESTIMATORS


@pytest.mark.parametrize("estimator", ALL, ids=estimator_id)
def test_round_trip_predicts_exactly_the_same(estimator, data, tmp_path):
    est = _fit(estimator, data)
    expected = _outputs(est, data)
    path = tmp_path / "model.zip"
    save_weights(est, path)
    loaded = load_weights(path)
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    _assert_same_state(est, loaded)
    got = _outputs(loaded, data)
    assert got.keys() == expected.keys()
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def _qualified(cls):
    return f"{cls.__module__}.{cls.__name__}"


@pytest.mark.parametrize("estimator", ALL, ids=estimator_id)
def test_archive_holds_no_pickle(estimator, data):
    buffer = io.BytesIO()
    save_weights(_fit(estimator, data), buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert sorted(archive.namelist()) == ["estimator.skops", "weights.safetensors"]
        # beyond skops's defaults, the estimator needs our estimators, skorch's
        # History and the records of persistence: no skorch net (whose
        # __setstate__ unpickles), no torch module, no optimizer
        blob = archive.read("estimator.skops")
        ours = {_qualified(cls) for cls in (KISSMETransformer, RoutineClusterer,
                                            SiameseRNNEmbedder, type(estimator))}
        assert set(skops.io.get_untrusted_types(data=blob)) <= ours | {
            "skorch.history.History", "sktime_metric.persistence._Net",
            "sktime_metric.persistence._Tensor"}
        assert type(skops.io.loads(blob, trusted=_trusted_types())[
            "estimator"]) is type(estimator)
        # the weights are tensors only
        weights = safetensors.torch.load(archive.read("weights.safetensors"))
        assert all(isinstance(t, torch.Tensor) for t in weights.values())


def test_loading_leaves_the_global_torch_generator_untouched(data, gpu_seeding_calls):
    buffer = io.BytesIO()
    save_weights(_fit(registered(TAGMClassifier), data), buffer)
    state = torch.random.get_rng_state()
    load_weights(buffer)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert gpu_seeding_calls == []  # nor reseeds the GPUs', which it would not restore


@pytest.mark.parametrize("estimator", ALL, ids=estimator_id)
def test_a_float64_torch_default_loads_the_same_model(estimator, data):
    # the net is rebuilt in float32, as fit built it, whatever the caller's
    # default: under float64 its weights were refused as "damaged"
    est = _fit(estimator, data)
    expected = _outputs(est, data)
    buffer = io.BytesIO()
    save_weights(est, buffer)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        loaded = load_weights(buffer)
        assert torch.get_default_dtype() == torch.float64
        got = _outputs(loaded, data)
    finally:
        torch.set_default_dtype(previous)
    _assert_same_state(est, loaded)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


@pytest.mark.parametrize("estimator", ALL, ids=estimator_id)
def test_another_torch_default_device_loads_the_same_model(estimator, data,
                                                           meta_default_device):
    # the net is rebuilt on the CPU, as fit built it, and moved to the device
    # asked for, whatever the caller's default device ("meta": no data there)
    est = _fit(estimator, data)
    expected = _outputs(est, data)
    buffer = io.BytesIO()
    save_weights(est, buffer)
    with meta_default_device():
        loaded = load_weights(buffer)
        got = _outputs(loaded, data)
    _assert_same_state(est, loaded)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def test_nested_nets_and_estimators_round_trip(data, tmp_path):
    # a second net (the pretraining net) and a fitted learner inside a clusterer
    X, y = data
    matching = MatchingNetworkClassifier(hidden_size=4, n_way=2, pretrain_epochs=1,
                                         max_epochs=2, random_state=0).fit(X, y)
    assert matching.pretrain_net_ is not None
    stamps = np.datetime64("2024-03-01T00:00") + np.arange(0, 48 * 60, 12).astype(
        "timedelta64[m]")
    recording = np.random.RandomState(0).randn(len(stamps), 2)
    learner = SiameseRNNEmbedder(hidden_size=4, n_pairs=40, max_epochs=1, random_state=0)
    routine = RoutineClusterer(learner, n_clusters=2, seq_len=5, n_pairs=40,
                               random_state=0).fit(recording, timestamps=stamps)
    assert routine.metric_learner_ is not None
    for est in (matching, routine):
        save_weights(est, tmp_path / "nested.zip")
        _assert_same_state(est, load_weights(tmp_path / "nested.zip"))
    loaded = load_weights(tmp_path / "nested.zip")
    # an estimator as a parameter is stored as its parameters (clone semantics)
    assert loaded.metric.get_params() == learner.get_params()
    np.testing.assert_array_equal(
        loaded.metric_learner_.transform(routine.windows_),
        routine.metric_learner_.transform(routine.windows_),
    )


def test_metadata_requests_are_saved_and_set_back(data):
    # set_fit_request and the like store a MetadataRequest, which skops does
    # not trust and, since scikit-learn 1.9, a cycle back to the estimator
    # that it cannot follow (RecursionError): saved as plain data instead
    import sklearn

    X, y = data
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0)
        clf.set_fit_request(sample_weight=True).set_score_request(sample_weight="w")
        clf.fit(X, y)
        before = {m: dict(getattr(clf._get_metadata_request(), m).requests)
                  for m in ("fit", "score")}
        loaded = load_weights(_saved(clf))
        after = {m: dict(getattr(loaded._get_metadata_request(), m).requests)
                 for m in ("fit", "score")}
    assert after == before == {"fit": {"sample_weight": True},
                               "score": {"sample_weight": "w"}}
    assert loaded._metadata_request.fit.owner in (loaded, "RNNClassifier")
    assert clf._metadata_request.fit.owner in (clf, "RNNClassifier")  # untouched
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    plain = load_weights(_saved(RNNClassifier(hidden_size=4, max_epochs=1,
                                              random_state=0).fit(X, y)))
    assert "_metadata_request" not in vars(plain)  # none set, none made


def _saved(est):
    buffer = io.BytesIO()
    save_weights(est, buffer)
    buffer.seek(0)
    return buffer


def test_model_saved_on_another_device_loads_on_cpu(data):
    # What a CUDA-trained estimator looks like to save_weights: its ``device``
    # says "cuda". The saved tensors are device-agnostic once map_location
    # moves them; load_weights(device="cpu") also resets the parameter.
    X, _ = data
    est = _fit(registered(TAGMClassifier), data)
    expected = est.predict_proba(X)
    est.set_params(device="cuda")
    est.net_.device = "cuda"
    buffer = _saved(est)
    loaded = load_weights(buffer, device="cpu")
    assert loaded.device == "cpu" and str(loaded.net_.device) == "cpu"
    assert all(p.device.type == "cpu" for p in loaded.net_.module_.parameters())
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            load_weights(buffer, device=None)  # None: the saved device, "cuda"


@pytest.mark.cuda
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=estimator_id)
def test_cuda_trained_model_loads_on_cpu(estimator, data):
    X, y = data
    est = clone(estimator).set_params(device="cuda", max_epochs=2).fit(X, y)
    on_gpu = _outputs(est, data)
    buffer = _saved(est)
    on_cpu = load_weights(buffer, device="cpu")
    assert all(p.device.type == "cpu" for p in on_cpu.net_.module_.parameters())
    for name, value in _outputs(on_cpu, data).items():
        np.testing.assert_allclose(value, on_gpu[name], atol=1e-5, err_msg=name)
    buffer.seek(0)
    again_on_gpu = load_weights(buffer, device=None)
    for name, value in _outputs(again_on_gpu, data).items():
        np.testing.assert_array_equal(value, on_gpu[name], err_msg=name)


@pytest.mark.parametrize(
    "params, name, untrusted",
    [
        ({"callbacks": [EpochTimer()]}, "callbacks", "skorch.callbacks"),
        ({"optimizer": torch.optim.Adam}, "optimizer", "torch.optim"),
    ],
)
def test_parameter_that_skops_does_not_trust_is_refused_by_name(data, params, name,
                                                                untrusted):
    est = RNNClassifier(hidden_size=4, max_epochs=1, **params).fit(*data)
    with pytest.raises(TypeError, match=f"parameter '{name}' of RNNClassifier "
                       f"holds {untrusted}.*load_weights does not trust"):
        save_weights(est, io.BytesIO())


def test_numpy_parameters_keep_their_types(data):
    # skops stores numpy scalars and random states as such (the JSON of the
    # first format turned scalars into Python numbers and refused random states)
    est = RNNClassifier(hidden_size=np.int64(4), lr=np.float32(0.01), max_epochs=1,
                        random_state=np.random.RandomState(0)).fit(*data)
    loaded = load_weights(_saved(est))
    assert loaded.hidden_size == 4 and type(loaded.hidden_size) is np.int64
    assert loaded.lr == est.lr and type(loaded.lr) is np.float32
    assert isinstance(loaded.random_state, np.random.RandomState)
    for a, b in zip(loaded.random_state.get_state(), est.random_state.get_state()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict_proba(data[0]), est.predict_proba(data[0]))


def test_unfitted_or_foreign_estimators_are_refused(data):
    with pytest.raises(NotFittedError):
        save_weights(RNNClassifier(), io.BytesIO())
    lr = LogisticRegression().fit(_vectors(data[0]), data[1])
    with pytest.raises(TypeError, match="estimators of sktime_metric.*LogisticRegression"):
        save_weights(lr, io.BytesIO())

    class MyRNN(RNNClassifier):  # a subclass is not on the allow-list either
        pass

    with pytest.raises(TypeError, match="MyRNN"):
        save_weights(MyRNN(hidden_size=4, max_epochs=1).fit(*data), io.BytesIO())


def _replaced(buffer, member, content):
    """A copy of the archive with ``member`` replaced (None: removed)."""
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name != member:
                dst.writestr(name, src.read(name))
            elif content is not None:
                dst.writestr(name, content)
    out.seek(0)
    return out


def _rewritten(buffer, edit=None, drop=()):
    """The archive with ``edit(node)`` applied to each node of the skops schema
    of its estimator, and the files of ``drop`` left out of that skops file."""

    def walk(node):
        if isinstance(node, dict):
            edit(node)
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                walk(child)

    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        blob = archive.read("estimator.skops")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            content = src.read(name)
            if name == "schema.json" and edit is not None:
                schema = json.loads(content)
                walk(schema)
                content = json.dumps(schema)
            if name not in drop:
                dst.writestr(name, content)
    return _replaced(buffer, "estimator.skops", out.getvalue())


def _retype(old, new):
    """An edit: the objects of class ``old`` become of class ``new`` (qualified)."""

    def edit(node):
        if f"{node.get('__module__')}.{node.get('__class__')}" == old:
            node["__module__"], node["__class__"] = new.rsplit(".", 1)

    return edit


def _rename(old, new):
    """An edit: the string ``old`` becomes ``new``."""

    def edit(node):
        if node.get("__loader__") == "JsonNode" and node["content"] == json.dumps(old):
            node["content"], node["__id__"] = json.dumps(new), None

    return edit


def test_classes_outside_the_allow_list_are_refused(data, monkeypatch):
    est = _fit(registered(RNNClassifier), data)
    buffer = _saved(est)
    with pytest.raises(ValueError, match="names types that are not sktime_metric's.*"
                       "os.system.*nothing was loaded"):
        load_weights(_rewritten(buffer, _retype(_qualified(type(est)), "os.system")))
    module = _qualified(est.net_.module)
    with pytest.raises(ValueError, match="torch module 'subprocess.Popen'"):
        load_weights(_rewritten(buffer, _rename(module, "subprocess.Popen")))
    # a skops file of the whole estimator, its skorch net included, is refused:
    # skorch's __setstate__ would unpickle the net's weights
    record = {"format": _FORMAT, "format_version": _FORMAT_VERSION, "estimator": est}
    with pytest.raises(ValueError, match="names types.*SequenceNetClassifier"):
        load_weights(_replaced(buffer, "estimator.skops", skops.io.dumps(record)))
    with monkeypatch.context() as patched:
        # the version save_weights writes; load_weights reads up to the real one
        patched.setattr("sktime_metric._persistence.save._FIRST_VERSION", 99)
        newer = _saved(est)
    with pytest.raises(ValueError, match="newer sktime_metric"):
        load_weights(newer)


class _Exploit:
    def __reduce__(self):  # what a malicious pickle does: call anything on load
        return (print, ("pwned",))


def test_pickled_code_in_the_archive_is_not_run(data, tmp_path, capsys):
    buffer = _saved(_fit(registered(RNNClassifier), data))
    payload = io.BytesIO()
    torch.save({"net_.module": _Exploit()}, payload)
    evil = _replaced(buffer, "weights.safetensors", payload.getvalue())
    with pytest.raises(ValueError, match="weights.safetensors is not a safetensors "
                       "file.*nothing in it was executed") as error:
        load_weights(evil)
    assert "weights_only=False" not in str(error.value)
    evil = _replaced(buffer, "estimator.skops", pickle.dumps(_Exploit()))
    with pytest.raises(ValueError, match="estimator.skops is not a readable skops"):
        load_weights(evil)
    assert "pwned" not in capsys.readouterr().out
    not_an_archive = tmp_path / "model.zip"
    with zipfile.ZipFile(not_an_archive, "w") as archive:
        archive.writestr("other.txt", "hello")
    with pytest.raises(ValueError, match="not an archive written by save_weights"):
        load_weights(not_an_archive)
    with pytest.raises(ValueError, match="not a zip file"):
        load_weights(io.BytesIO(b"\x80\x04 a pickle, say"))
    first_format = tmp_path / "format1.zip"
    with zipfile.ZipFile(first_format, "w") as archive:
        for name in ("estimator.json", "arrays.npz", "tensors.pt"):
            archive.writestr(name, "")
    with pytest.raises(ValueError, match="format version 1 by an earlier"):
        load_weights(first_format)


def test_bad_device_gives_clear_errors(data):
    buffer = _saved(_fit(registered(RNNClassifier), data))
    with pytest.raises(ValueError, match="must be a torch device string"):
        load_weights(buffer, device="gpu")
    with pytest.raises(TypeError, match="device must be a str .* or None; got 0"):
        load_weights(buffer, device=0)


@pytest.mark.parametrize("device", [torch.device("cpu"), None])
def test_a_torch_device_or_none_saves_as_the_string_it_names(data, device):
    # skops would write the torch.device class, which loading does not trust:
    # it is saved as "cpu", the same device to torch and skorch
    est = _fit(registered(RNNClassifier), data)
    est.set_params(device=device)
    buffer = _saved(est)
    assert est.device == device  # the caller's estimator is left as it was
    X, _ = data
    for load_on in (None, torch.device("cpu")):  # None: the saved device
        buffer.seek(0)
        loaded = load_weights(buffer, device=load_on)
        assert loaded.device == "cpu" and loaded.net_.device == "cpu"
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


@pytest.mark.parametrize("damage, message", [
    (("estimator.skops", None), "has no estimator.skops"),
    (("weights.safetensors", None), "has no weights.safetensors"),
    (("estimator.skops", b"PK\x03\x04garbage"), "estimator.skops is not a "
                                                  "readable skops"),
    (("weights.safetensors", b"\x80\x04garbage"), "weights.safetensors is not a "
                                                   "safetensors file"),
])
def test_damaged_archives_raise_value_errors_naming_the_archive(data, tmp_path,
                                                               damage, message):
    buffer = _saved(_fit(registered(RNNClassifier), data))
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(_replaced(buffer, *damage).getvalue())
    with pytest.raises(ValueError, match=message) as error:
        load_weights(damaged)
    assert "damaged.zip" in str(error.value)


def _forget(param):
    """An edit for :func:`_rewritten`: ``param`` left out of the estimator's
    parameters, as in an archive written before it existed."""
    def edit(node):  # the estimator's parameters: the dict with hidden_size
        content = node.get("content")
        if isinstance(content, dict) and "hidden_size" in content:
            content.pop(param, None)
    return edit


def test_an_archive_from_before_a_parameter_existed_loads_as_it_was(data, monkeypatch):
    # CoupledGRUMetric gained standardize: an archive written before has no
    # value for it and loads with the one that reproduces it (False: the
    # channels as given); a missing parameter with no such value is refused
    from sktime_metric.metric import CoupledGRUMetric

    X, _ = data
    est = _fit(CoupledGRUMetric(hidden_size=4, batch_size=8, standardize=False,
                                random_state=0), data)
    archive = _rewritten(_saved(est), _forget("standardize"))
    earlier = load_weights(archive)
    assert earlier.standardize is False
    np.testing.assert_array_equal(earlier.transform(X[:3]), est.transform(X[:3]))
    with pytest.raises(ValueError, match="had no parameter 'align'"):
        load_weights(_rewritten(_saved(est), _forget("align")))
    monkeypatch.setattr(CoupledGRUMetric, "_PARAMETERS_ADDED", {})
    archive.seek(0)
    with pytest.raises(ValueError, match="had no parameter 'standardize'"):
        load_weights(archive)


def test_an_iarn_archive_from_before_its_biases_loads_without_them():
    # IARNRecommender gained biases (off by default): an archive written before
    # has no value for it, holds the thesis' model without them, and loads as such
    from sktime_metric.recommendation import IARNRecommender

    from .recommendation._synthetic import drifting_log

    X, y = drifting_log(n_users=10, n_items=8, n_per_user=8, random_state=0)
    est = IARNRecommender(embedding_dim=4, hidden_size=6, attention_size=4,
                          max_history=8, max_epochs=2, biases=False,
                          random_state=0).fit(X, y)
    earlier = load_weights(_rewritten(_saved(est), _forget("biases")))
    assert earlier.biases is False
    np.testing.assert_array_equal(earlier.predict(X), est.predict(X))


def test_tampered_archives_raise_value_errors(data):
    buffer = _saved(_fit(registered(RNNClassifier), data))

    def module_arguments(node):  # a module of another size than its weights
        content = node.get("content")
        if isinstance(content, dict) and "module__hidden_size" in content:
            # (skops shares nodes by id: the edited one gets none of its own)
            content["module__hidden_size"] = {**content["module__hidden_size"],
                                              "content": "99", "__id__": None}

    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        weights = safetensors.torch.load(archive.read("weights.safetensors"))
        arrays = [n for n in zipfile.ZipFile(io.BytesIO(archive.read(
            "estimator.skops"))).namelist() if n.endswith(".npy")]
    del weights[next(iter(weights))]
    for damaged in (_rewritten(buffer, module_arguments),
                    _replaced(buffer, "weights.safetensors",
                              safetensors.torch.save(weights))):
        with pytest.raises(ValueError, match="estimator does not match its weights"):
            load_weights(damaged)
    # an array of the estimator missing from its skops file
    with pytest.raises(ValueError, match="estimator.skops is not a readable skops"):
        load_weights(_rewritten(buffer, drop=arrays[:1]))


def test_archives_with_more_or_other_than_save_weights_wrote_are_refused(data, tmp_path):
    buffer = _saved(_fit(registered(RNNClassifier), data))
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        weights = safetensors.torch.load(archive.read("weights.safetensors"))
    extra = io.BytesIO(_replaced(buffer, "weights.safetensors", None).getvalue())
    with zipfile.ZipFile(extra, "a") as archive:  # the weights back, and a stranger
        archive.writestr("weights.safetensors", safetensors.torch.save(weights))
        archive.writestr("evil.py", "print('hello')")
    with pytest.raises(ValueError, match=r"besides .* it holds \['evil.py'\]"):
        load_weights(extra)
    # weights no part of the estimator reads, or of another dtype than its module's
    for tensors, message in [
        ({**weights, "zzz": torch.zeros(2)}, r"holds \['zzz'\], which no part"),
        ({**weights, "net_.junk": torch.zeros(2)}, r"holds \['net_.junk'\]"),
        ({k: v.double() for k, v in weights.items()}, "are torch.float64, the module's"),
    ]:
        with pytest.raises(ValueError, match=message):
            load_weights(_replaced(buffer, "weights.safetensors",
                                   safetensors.torch.save(tensors)))
    with pytest.raises(ValueError, match="is a directory"):
        load_weights(tmp_path)
    path = tmp_path / "model.zip"
    path.write_bytes(buffer.getvalue())
    assert load_weights(bytes(path)).get_params() == load_weights(path).get_params()


def test_a_bytes_path_round_trips(data, tmp_path):
    """save_weights takes a bytes path as load_weights does (it was refused by
    validate_params, and zipfile would have taken it for a file object)."""
    est = _fit(registered(RNNClassifier), data)
    path = tmp_path / "model.zip"
    save_weights(est, bytes(path))
    assert path.is_file()
    loaded = load_weights(bytes(path))
    _assert_same_state(est, loaded)
    np.testing.assert_array_equal(loaded.predict_proba(data[0]),
                                  est.predict_proba(data[0]))


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_an_archive_with_a_duplicate_member_is_refused(data):
    # two members of one name: which one a reader takes is the zip reader's
    # choice, so neither is trusted
    buffer = _saved(_fit(registered(RNNClassifier), data))
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        weights = archive.read("weights.safetensors")
    duplicate = io.BytesIO(buffer.getvalue())
    with zipfile.ZipFile(duplicate, "a") as archive:
        archive.writestr("weights.safetensors", weights)
    with pytest.raises(ValueError, match="it holds a duplicate"):
        load_weights(duplicate)


def test_net_arguments_other_than_the_module_and_criterion_are_refused(data,
                                                                       monkeypatch):
    import sktime_metric._persistence.save as save

    def with_compile(net, key, tensors):  # a net record save_weights never writes
        record = original(net, key, tensors)
        record.arguments["compile"] = True
        return record

    original = save._net_record
    monkeypatch.setattr(save, "_net_record", with_compile)
    buffer = _saved(_fit(registered(RNNClassifier), data))
    with pytest.raises(ValueError, match=r"has the arguments \['compile'\]"):
        load_weights(buffer)


def test_a_dict_with_bool_keys_is_refused_at_save(data):
    # skops writes keys as text and reads the key False back as True
    X, y = data
    y_bool = y == np.unique(y)[0]
    est = clone(registered(RNNClassifier)).set_params(class_weight={True: 5.0, False: 1.0})
    with pytest.raises(TypeError, match="'class_weight': a dict with bool keys"):
        save_weights(est.fit(X, y_bool), io.BytesIO())


@pytest.mark.parametrize("record, message", [
    ({"format": "other.format"}, "is not an archive written by save_weights"),
    ({"format_version": str(_FORMAT_VERSION)}, "is not an archive written by"),
    ({"format_version": float(_FORMAT_VERSION)}, "is not an archive written by"),
    ({"estimator": "KISSMETransformer"}, "is not an archive written by"),
    ({"estimator": {"n_components": 2}}, "is not an archive written by"),
    ({"format_version": _FORMAT_VERSION + 1}, "newer sktime_metric"),
])
def test_an_archive_whose_record_is_not_save_weights_is_refused(data, record,
                                                                message):
    # the record's format name, its integer version (the newest this version
    # reads, no later) and an estimator of this package are each checked
    est = _fit(KISSMETransformer(), data)
    buffer = _saved(est)
    good = {"format": _FORMAT, "format_version": _FORMAT_VERSION, "estimator": est}
    assert isinstance(load_weights(_replaced(buffer, "estimator.skops",
                                             skops.io.dumps(good))),
                      KISSMETransformer)
    with pytest.raises(ValueError, match=message):
        load_weights(_replaced(buffer, "estimator.skops",
                               skops.io.dumps({**good, **record})))


def test_a_net_record_naming_a_module_as_its_net_is_refused(data):
    # the net's class is looked up among skorch nets, not merely the allow-list
    est = _fit(registered(RNNClassifier), data)
    net = _qualified(type(est.net_))
    with pytest.raises(ValueError, match="names the skorch net '.*"
                       f"{est.net_.module.__name__}'"):
        load_weights(_rewritten(_saved(est), _rename(net, _qualified(est.net_.module))))


def test_a_dict_with_numpy_bool_keys_is_refused_at_save(data):
    # np.True_ / np.False_ keys are written as text too: False would come back True
    X, y = data
    y_bool = y == np.unique(y)[0]
    est = clone(registered(RNNClassifier)).set_params(
        class_weight={np.True_: 5.0, np.False_: 1.0})
    with pytest.raises(TypeError, match="'class_weight': a dict with bool keys"):
        save_weights(est.fit(X, y_bool), io.BytesIO())


def test_records_stand_in_for_tensors_in_lists_tuples_and_dicts():
    from sktime_metric._persistence.archive import _replaced as replaced

    def stand_in(obj, key):
        return f"<{key}>" if isinstance(obj, torch.Tensor) else obj

    t = torch.zeros(1)
    assert replaced({"a": (t, [1, t])}, "x", stand_in) == {
        "a": ("<x.a.0>", [1, "<x.a.1.1>"])}


def test_an_uninitialised_net_is_refused_at_save(data):
    est = _fit(registered(RNNClassifier), data)
    est.net_ = type(est.net_)(module=est.net_.module, criterion=est.net_.criterion)
    with pytest.raises(TypeError, match="or is not initialised"):
        save_weights(est, io.BytesIO())
