"""Write the archives that tests/test_persistence_versions.py loads.

Each folder of ``tests/data/archives`` holds archives written by
:func:`~sktime_metric.persistence.save_weights` of one version of
sktime_metric (the folder's name: the format version and the commit), for
these estimators: ``rnn`` (RNNClassifier, a skorch net), ``cgru``
(CoupledGRUMetric, a pair-trained net with its training series), ``kissme``
(KISSMETransformer, numpy only), ``hcrf``, ``hulm``, ``tagm`` (HCRF, HULM and
TAGM classifiers), ``matching`` (MatchingNetworkClassifier, its support set),
``siamese`` (SiameseRNNEmbedder) and ``routine`` (RoutineClusterer, a siamese
learner nested in it). Beside each ``<name>.zip``, ``<name>.npz`` holds the
series the outputs were computed on and the outputs themselves, as that
version computed them (a key ``a.b``: method ``b`` of attribute ``a``; an
attribute's value when it is no method): the test loads the archive with
this version and compares.

Run it with the version to write, from a checkout of it (this script uses only
what every version since format 2 has)::

    git worktree add /tmp/old <commit>
    PYTHONPATH=/tmp/old python tests/data/make_archives.py \\
        tests/data/archives/format2_<commit>

``--requests`` (versions that save metadata requests, from 904fd9f) saves the
RNN classifier after ``set_fit_request(sample_weight=True)`` and records that
in its ``.npz``. ``--only NAME ...`` writes these archives only. The folders
kept: ``format2_d48ff45`` (the first commit of format 2, skops and
safetensors) and ones written by recent commits with ``--requests``
(``format3_529db84``: rnn, cgru and kissme; ``format3_de5ba1d``: all). Add a
folder, or archives of new names to one (``--only``), do not rewrite an
archive: each is the record of what its version wrote.
"""

import argparse
import json
import os
import warnings

import numpy as np


def _series(n, random_state):
    """``n`` NaN-padded series of 2 channels, 4 to 8 steps, 3 classes."""
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(n, 8, 2)).astype(np.float32)
    y = np.array(["a", "b", "c"])[np.arange(n) % 3]
    X[y == "b", :, 0] += 1.5
    X[y == "c", :, 1] -= 1.5
    for i, length in enumerate(rng.randint(4, 9, size=n)):
        X[i, length:] = np.nan
    return X, y


def _vectors(X):
    return np.nan_to_num(X[:, :4]).reshape(len(X), -1).astype(np.float64)


def training_data(name):
    """The arguments of the fit of archive ``name``."""
    X, y = _series(12, 0)
    if name == "kissme":
        return _vectors(X), y
    if name == "routine":  # 12 windows of 4 steps, contiguous: 3 days of 4 slots
        return (np.nan_to_num(_series(12, 2)[0][:, :4]),)
    if name == "matching":  # a support set of 4, 4 and 3: its class prior shows
        return X[:11], y[:11]
    return X, y


def _estimators(requests):
    """For each name, a function that returns the fitted estimator and the
    series its outputs are computed on."""
    import sklearn

    from sktime_metric import KISSMETransformer, RNNClassifier
    from sktime_metric.classification import (
        HCRFClassifier,
        HULMClassifier,
        MatchingNetworkClassifier,
        TAGMClassifier,
    )
    from sktime_metric.cluster import RoutineClusterer
    from sktime_metric.metric import CoupledGRUMetric, SiameseRNNEmbedder

    X, y = training_data("rnn")
    X_new, _ = _series(6, 1)  # outputs on other series: no distance to itself
    small = dict(max_epochs=2, batch_size=6, random_state=0)

    def rnn():
        est = RNNClassifier(hidden_size=3, **small)
        if requests:
            with sklearn.config_context(enable_metadata_routing=True):
                est.set_fit_request(sample_weight=True)
        return est.fit(X, y), X_new

    def routine():
        # the siamese learner is a nested estimator of the archive; its
        # outputs are on the windows it was fitted on, which the archive holds
        est = RoutineClusterer(
            "siamese", metric_params=dict(hidden_size=3, max_epochs=2, batch_size=6),
            window=1.0, period=4.0, seq_len=4, n_pairs=20, n_clusters=2,
            n_neighbors=3, random_state=0).fit(*training_data("routine"))
        return est, est.windows_

    return {
        "rnn": rnn,
        "cgru": lambda: (CoupledGRUMetric(hidden_size=3, n_pairs=20, **small)
                         .fit(X, y), X_new),
        "kissme": lambda: (KISSMETransformer(n_components=3, random_state=0)
                           .fit(*training_data("kissme")), _vectors(X_new)),
        "hcrf": lambda: (HCRFClassifier(n_states=2, **small).fit(X, y), X_new),
        "hulm": lambda: (HULMClassifier(hidden_size=3, **small).fit(X, y), X_new),
        "tagm": lambda: (TAGMClassifier(hidden_size=3, attention_hidden_size=3,
                                        **small).fit(X, y), X_new),
        "matching": lambda: (MatchingNetworkClassifier(hidden_size=3, **small)
                             .fit(*training_data("matching")), X_new),
        "siamese": lambda: (SiameseRNNEmbedder(hidden_size=3, n_pairs=20, **small)
                            .fit(X, y), X_new),
        "routine": routine,
    }


def _outputs(name, est, Z):
    """What a user reads from the fitted estimator, by method."""
    outputs = {}
    if name == "routine":
        for attribute in ("labels_", "day_index_", "slot_index_"):  # routine_map's
            outputs[attribute] = getattr(est, attribute)
        outputs["metric_learner_.transform"] = est.metric_learner_.transform(Z)
        return outputs
    if hasattr(est, "predict_proba"):
        outputs["predict_proba"] = est.predict_proba(Z)
    if hasattr(est, "transform"):
        outputs["transform"] = est.transform(Z)
    if hasattr(est, "pairwise_distances"):
        outputs["pairwise_distances"] = est.pairwise_distances(Z[:3], Z[3:])
    for method in ("predict_attention", "hidden_posteriors"):  # NaN on padding
        if hasattr(est, method):
            outputs[method] = getattr(est, method)(Z)
    return outputs


def main(out, requests=False, names=None):
    from sktime_metric.persistence import save_weights

    os.makedirs(out, exist_ok=True)
    for name, make in _estimators(requests).items():
        if names and name not in names:
            continue
        est, Z = make()
        outputs = _outputs(name, est, Z)
        if name == "rnn" and requests:
            outputs["requests"] = np.array(json.dumps(
                {"fit": {"sample_weight": True}}))
        save_weights(est, os.path.join(out, f"{name}.zip"))
        np.savez(os.path.join(out, f"{name}.npz"), X=Z, **outputs)
        print(name, sorted(outputs), os.path.getsize(os.path.join(out, f"{name}.zip")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="the folder to write")
    parser.add_argument("--requests", action="store_true",
                        help="save the RNN classifier with a metadata request")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="write these archives only (default: all)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # tiny fits: convergence warnings
    main(args.out, requests=args.requests, names=args.only)
