"""Archives across versions of sktime_metric: which reader reads which archive.

Round trips within one version are in test_persistence.py.
"""

import importlib.util
import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sklearn
import skops.io
from sklearn.base import clone

from sktime_metric import RNNClassifier
from sktime_metric._persistence.archive import _FIRST_VERSION, _FORMAT_VERSION
from sktime_metric._persistence.trust import _trusted_types
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.persistence import load_weights

from .test_persistence import _rewritten, _saved


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=20, n_classes=2, min_length=6,
                                        max_length=10, motif_length=4, random_state=0)


def _format_version(buffer):
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        blob = archive.read("estimator.skops")
    buffer.seek(0)
    return skops.io.loads(blob, trusted=_trusted_types())["format_version"]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_archive_says_the_lowest_version_that_reads_it(data, monkeypatch):
    # metadata requests are what version 3 added: a reader of version 2 loads
    # their record as a plain dict in place of the estimator's requests, and
    # scikit-learn then routes nothing to it, without an error. An archive that
    # holds requests says 3, so that reader refuses it ("newer sktime_metric");
    # one without says 2, and every reader of version 2 reads it
    X, y = data
    clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    plain = _saved(clf)
    with sklearn.config_context(enable_metadata_routing=True):
        clf.set_fit_request(sample_weight=True)
        requests = _saved(clf)
    assert _format_version(plain) == _FIRST_VERSION == 2
    assert _format_version(requests) == _FORMAT_VERSION == 3
    for archive in (plain, requests):  # this version reads both
        np.testing.assert_array_equal(load_weights(archive).predict_proba(X),
                                      clf.predict_proba(X))
    monkeypatch.setattr("sktime_metric._persistence.load._FORMAT_VERSION", 2)
    assert load_weights(plain).get_params() == clf.get_params()
    with pytest.raises(ValueError, match="format version 3 by a newer sktime_metric; "
                       "this version reads up to 2"):
        load_weights(requests)


ARCHIVES = Path(__file__).parent / "data" / "archives"
WRITTEN = sorted(f"{folder.name}/{archive.stem}" for folder in ARCHIVES.iterdir()
                 if folder.is_dir() for archive in folder.glob("*.zip"))


def _output(estimator, key, X):
    """The output ``key`` of make_archives.py: a method called on ``X`` (a
    pair distance between its first 3 series and the others), an attribute's
    value, or either of an attribute (``metric_learner_.transform``)."""
    *path, name = key.split(".")
    for attribute in path:
        estimator = getattr(estimator, attribute)
    output = getattr(estimator, name)
    if not callable(output):
        return output
    return output(X[:3], X[3:]) if name == "pairwise_distances" else output(X)


@pytest.mark.parametrize("written", WRITTEN)
def test_archives_written_by_earlier_versions_load_and_predict_as_they_did(written):
    # tests/data/make_archives.py wrote them, with the version the folder
    # names, and the outputs beside them, as that version computed them. Here
    # they are computed again from the weights, on this CPU: float32 rounding
    with np.load(ARCHIVES / f"{written}.npz") as saved:
        expected = dict(saved)
    loaded = load_weights(ARCHIVES / f"{written}.zip")
    assert clone(loaded).get_params() == loaded.get_params()  # none missing
    X = expected.pop("X")
    requests = json.loads(str(expected.pop("requests", "{}")))
    assert expected, written
    for key, want in expected.items():
        got = _output(loaded, key, X)
        # float32 nets; NaN where a series is padding (attention, posteriors)
        scale = max(float(np.nanmax(np.abs(want))), 1e-3)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * scale,
                                   err_msg=f"{written}.{key}")
    with sklearn.config_context(enable_metadata_routing=True):
        routing = loaded._get_metadata_request()
        for method, want in requests.items():
            assert dict(getattr(routing, method).requests) == want


def _make_archives():
    spec = importlib.util.spec_from_file_location("make_archives",
                                                  ARCHIVES.parent / "make_archives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fitted_attributes(estimator):
    return {k for k in vars(estimator) if k.endswith("_") and not k.startswith("__")}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("written", WRITTEN)
def test_archives_written_by_earlier_versions_have_todays_fitted_attributes(written):
    # one that came with a parameter's "auto" (window_, stride_, ...) is
    # missing from archives written before it: _ATTRIBUTES_ADDED fills it
    # (TAGMClassifier.predict_attention reads window_)
    loaded = load_weights(ARCHIVES / f"{written}.zip")
    refit = clone(loaded).fit(*_make_archives().training_data(written.split("/")[1]))
    pairs = [(loaded, refit)]
    if hasattr(refit, "metric_learner_"):  # a nested fitted estimator
        pairs.append((loaded.metric_learner_, refit.metric_learner_))
    for old, new in pairs:
        missing = _fitted_attributes(new) - _fitted_attributes(old)
        assert not missing, (written, type(old).__name__, missing)
        # and those filled in are of the type fit gives them
        for attr in getattr(type(old), "_ATTRIBUTES_ADDED", {}):
            assert type(getattr(old, attr)) is type(getattr(new, attr)), (
                written, type(old).__name__, attr)


def _retyped_parameter(name, value):
    """An edit for :func:`_rewritten`: the estimator's parameter ``name``
    becomes the JSON ``value`` (``"1"``: the int 1 where 1.0 was saved)."""
    def edit(node):  # the estimator's parameters: the dict with hidden_size
        content = node.get("content")
        if isinstance(content, dict) and "hidden_size" in content:
            content[name]["content"] = value
    return edit


def test_a_filled_in_attribute_is_of_the_type_fit_gives_it():
    # format 2's MatchingNetworkClassifier has no temperature_ (it came with
    # temperature="auto"): filled in from temperature, which a user may have
    # given as an int; fit stores float(temperature), and so does the loader
    path = ARCHIVES / "format2_d48ff45" / "matching.zip"
    saved = load_weights(path)
    assert saved.temperature == 1.0 and "temperature_" in vars(saved)
    with open(path, "rb") as file:
        buffer = io.BytesIO(file.read())
    loaded = load_weights(_rewritten(buffer, _retyped_parameter("temperature", "1")))
    assert type(loaded.temperature) is int  # as the archive says
    assert type(loaded.temperature_) is float and loaded.temperature_ == 1.0
    X = _make_archives().training_data("matching")[0]
    np.testing.assert_array_equal(loaded.predict_proba(X), saved.predict_proba(X))


def _with_parameter(name):
    """An edit for :func:`_rewritten`: the estimator's parameters gain ``name``
    (with the value of ``verbose``), as in an archive written by a version that
    has a parameter this one does not: a newer one, or one before a removal."""
    def edit(node):  # the estimator's parameters: the dict with hidden_size
        content = node.get("content")
        if isinstance(content, dict) and "hidden_size" in content:
            content[name] = dict(content["verbose"])
            types = node["key_types"]["content"]  # one per key: skops zips them
            types.append(dict(types[0]))
    return edit


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_parameter_this_version_does_not_have_is_refused(data, monkeypatch):
    # a parameter only a newer version has changes what that version computes
    # (measured: MatchingNetworkClassifier's class_prior, 62ace18, read by the
    # version before it: predict_proba off by 0.37, 15 of 20 labels changed,
    # without a word); refused, naming it, where it was ignored
    X, y = data
    clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    names = RNNClassifier._get_param_names()
    with monkeypatch.context() as newer:  # a version whose class has one more
        newer.setattr(RNNClassifier, "_get_param_names",
                      classmethod(lambda cls: sorted([*names, "calibration"])))
        clf.calibration = 0.5
        path = _saved(clf)
    with pytest.raises(ValueError, match="RNNClassifier has no parameter "
                       "'calibration'.*newer sktime_metric"):
        load_weights(path)
    # an attribute the user set is no parameter of the version that saved it:
    # it loads with the model, which predicts as it did
    loaded = load_weights(_rewritten(_saved(clf), _with_parameter("note")))
    assert loaded.note == loaded.verbose
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    del clf.calibration
    clf.note = "run 7"
    loaded = load_weights(_saved(clf))
    assert loaded.note == "run 7"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_module_argument_this_version_does_not_take_is_refused(data, monkeypatch):
    # what a newer version's module may take (RNNClassifierModule's window,
    # 96430cc, is why archives of this version fail in d48ff45: "damaged or
    # was not written by save_weights ... unexpected keyword argument"): said
    import sktime_metric._persistence.save as save

    def newer(net, key, tensors):
        record = original(net, key, tensors)
        record.arguments["module__future_option"] = 1
        return record

    X, y = data
    clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    original = save._net_record
    monkeypatch.setattr(save, "_net_record", newer)
    with pytest.raises(ValueError, match="RNNClassifierModule takes no argument "
                       "'future_option'.*newer sktime_metric"):
        load_weights(_saved(clf))


def test_every_parameter_added_since_the_snapshot_says_how_old_archives_load():
    # archives/parameters.json: each estimator's parameters when it was taken.
    # An archive written before a parameter existed loads only with the value
    # in the class's _PARAMETERS_ADDED that reproduces the model it holds
    # (load_weights refuses it otherwise): a new parameter needs that entry,
    # and a removed one breaks the archives that hold it. After adding the
    # entry, or deciding the break, record the names again in the snapshot.
    from sktime_metric._persistence.trust import _estimator_classes

    snapshot = json.loads((ARCHIVES / "parameters.json").read_text())
    problems = []
    for cls in _estimator_classes():
        names = set(cls._get_param_names())
        before = set(snapshot.get(cls.__name__, names))  # a new class: none
        added = getattr(cls, "_PARAMETERS_ADDED", {})
        problems += [f"{cls.__name__}.{p} added without _PARAMETERS_ADDED"
                     for p in sorted(names - before - set(added))]
        problems += [f"{cls.__name__}.{p} removed" for p in sorted(before - names)]
    assert not problems, problems


def _written_with_sklearn(version):
    """An edit for :func:`_rewritten`: the archive as scikit-learn ``version``
    wrote it. Every node of the installed version's string: skops stores that
    one str object (``versions["sklearn"]``, each scikit-learn estimator's
    ``_sklearn_version``) once and loads every node of its ``__id__`` as the
    first, so editing one of them alone edits none."""
    def edit(node):
        if node.get("content") == json.dumps(sklearn.__version__):
            node["content"] = json.dumps(version)
    return edit


def test_a_scikit_learn_estimator_of_another_version_warns_as_unpickling_does():
    # skops re-creates each object through its __setstate__, so the warning
    # scikit-learn's BaseEstimator.__setstate__ gives a pickle of its own
    # estimators from another version comes through load_weights too: here
    # KISSMETransformer's pca_. Like pickle, it names scikit-learn's classes
    # only (its __setstate__ checks sklearn.* modules), not ours
    from sklearn.exceptions import InconsistentVersionWarning

    from sktime_metric import KISSMETransformer

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 4)), np.repeat([0, 1, 2], 10)
    kissme = KISSMETransformer(n_components=2).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_weights(_saved(kissme))
        assert not caught  # the same version: nothing to say
        older = _rewritten(_saved(kissme), _written_with_sklearn("1.5.0"))
        loaded = load_weights(older)
    assert [w.category for w in caught] == [InconsistentVersionWarning]
    warning = caught[0].message
    assert (warning.estimator_name, warning.original_sklearn_version,
            warning.current_sklearn_version) == ("PCA", "1.5.0", sklearn.__version__)
    np.testing.assert_array_equal(loaded.transform(X), kissme.transform(X))


def test_a_net_that_moved_loads_as_the_class_it_moved_to():
    # the archives of format 2 name MatchingNetworkClassifier's net by its old
    # place (classification._matching._EpisodicNet): it loads as the same
    # class, EpisodicNet (whose episodic loss training on after loading
    # needs), not a net of another estimator that merely predicts alike
    from sktime_metric._persistence.trust import _torch_classes
    from sktime_metric.utils._skorch.nets import EpisodicNet

    old = "sktime_metric.classification._matching._EpisodicNet"
    assert _torch_classes()[old] is EpisodicNet
    loaded = load_weights(ARCHIVES / "format2_d48ff45" / "matching.zip")
    assert type(loaded.net_) is EpisodicNet
