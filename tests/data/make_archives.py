"""Write the archives that tests/test_persistence_versions.py loads.

Each folder of ``tests/data/archives`` holds archives written by
:func:`~sktime_metric.persistence.save_weights` of one version of
sktime_metric (the folder's name: the format version and the commit), for three
estimators: ``rnn`` (RNNClassifier, a skorch net), ``cgru`` (CoupledGRUMetric,
a pair-trained net with its training series) and ``kissme``
(KISSMETransformer, numpy only). Beside each ``<name>.zip``, ``<name>.npz``
holds the series the outputs were computed on and the outputs themselves, as
that version computed them: the test loads the archive with this version and
compares.

Run it with the version to write, from a checkout of it (this script uses only
what every version since format 2 has)::

    git worktree add /tmp/old <commit>
    PYTHONPATH=/tmp/old python tests/data/make_archives.py \\
        tests/data/archives/format2_<commit>

``--requests`` (versions that save metadata requests, from 904fd9f) saves the
RNN classifier after ``set_fit_request(sample_weight=True)`` and records that
in its ``.npz``. The folders kept: ``format2_d48ff45`` (the first commit of
format 2, skops and safetensors) and one written by a recent commit with
``--requests``. Add a folder, do not rewrite one: each is the record of what
its version wrote.
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


def main(out, requests=False):
    import sklearn

    from sktime_metric import KISSMETransformer, RNNClassifier
    from sktime_metric.metric import CoupledGRUMetric
    from sktime_metric.persistence import save_weights

    os.makedirs(out, exist_ok=True)
    X, y = _series(12, 0)
    X_new, _ = _series(6, 1)  # outputs on other series: no distance to itself
    small = dict(hidden_size=3, max_epochs=2, batch_size=6, random_state=0)
    rnn = RNNClassifier(**small)
    saved_requests = None
    if requests:
        with sklearn.config_context(enable_metadata_routing=True):
            rnn.set_fit_request(sample_weight=True)
        saved_requests = {"fit": {"sample_weight": True}}
    fitted = {
        "rnn": (rnn.fit(X, y), X_new),
        "cgru": (CoupledGRUMetric(n_pairs=20, **small).fit(X, y), X_new),
        "kissme": (KISSMETransformer(n_components=3, random_state=0)
                   .fit(_vectors(X), y), _vectors(X_new)),
    }
    for name, (est, Z) in fitted.items():
        outputs = {}
        if hasattr(est, "predict_proba"):
            outputs["predict_proba"] = est.predict_proba(Z)
        if hasattr(est, "transform"):
            outputs["transform"] = est.transform(Z)
        if hasattr(est, "pairwise_distances"):
            outputs["pairwise_distances"] = est.pairwise_distances(Z[:3], Z[3:])
        if name == "rnn" and saved_requests is not None:
            outputs["requests"] = np.array(json.dumps(saved_requests))
        save_weights(est, os.path.join(out, f"{name}.zip"))
        np.savez(os.path.join(out, f"{name}.npz"), X=Z, **outputs)
        print(name, sorted(outputs), os.path.getsize(os.path.join(out, f"{name}.zip")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="the folder to write")
    parser.add_argument("--requests", action="store_true",
                        help="save the RNN classifier with a metadata request")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # tiny fits: convergence warnings
    main(args.out, requests=args.requests)
