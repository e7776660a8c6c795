"""Routine retrieval: SS2S (Euclidean, cosine, KISSME) vs DTW, SLSTM, SGRU and CGRU.

The thesis's LTMM protocol (spec ``kissme_routines.md`` §7, ``coupled_gru.md``
Table 4.5) on a synthetic stand-in: :func:`~sktime_metric.datasets.make_routines`
builds a multi-day 6-channel wearable recording that follows a daily schedule
(BasicMotions recordings laid end to end, with jittered block boundaries,
skipped blocks, missing segments and noise). The days are split as the thesis
split its 30 virtual days: the first 40 % train the metric, the next 10 %
validate (reconstruction errors), the last 50 % are clustered and scored.

Every model is a :class:`~sktime_metric.cluster.RoutineClusterer` (1-hour
windows resampled to ``seq_len`` steps, 24 time-of-day slots, the time-of-day
equivalence constraint, spectral clustering into 5 routines): its metric is
learned on the training days, then reused as is on the test days, which are
scored against their time slots (completeness, silhouette, NMI, AMI; the
thesis's "time coherence"). Models: SS2S (``Seq2SeqEmbedder``) with Euclidean,
cosine and KISSME metrics, each trained jointly and disjointly, and the cosine
(Euclidean) one jointly with the MSE (cosine) reconstruction loss (Table 3.1); a
siamese LSTM ("SLSTM": ``SiameseRNNEmbedder(cell="lstm")``, contrastive loss);
SGRU and CGRU (``CoupledGRUMetric``, 100 units, structural loss with the time
slots as classes, as the thesis trained them); DTW and Euclidean distances on
the windows (no learning). Reconstruction errors (Table 3.3): mean squared error
of ``Seq2SeqEmbedder.reconstruct`` on the standardised validation windows.

Affinities are ``RoutineClusterer``'s default, locally scaled (Zelnik-Manor &
Perona 2004); the "thesis kernel" rows repeat DTW and Euclidean with the
thesis's global Gaussian (eq. 3.50, ``affinity="global"``), under which a few
far windows take whole clusters.

The claims of the two specs' routine tables are declared in :data:`CLAIMS`;
``--json PATH`` writes them with our numbers and verdicts for ``reproduce.py``.

Usage::

    python benchmarks/bench_routines.py --quick            # seconds; run by the tests
    python benchmarks/bench_routines.py --output routines.md
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _claims import Claim  # noqa: E402
from _common import add_common_arguments, save_claims, timer  # noqa: E402

from sktime_metric.benchmarking import format_table  # noqa: E402
from sktime_metric.cluster import RoutineClusterer  # noqa: E402
from sktime_metric.datasets import make_routines  # noqa: E402
from sktime_metric.metric import CoupledGRUMetric  # noqa: E402

COLUMNS = ("name", "completeness", "silhouette", "nmi", "ami", "reconstruction",
           "fit_s")
#: days, seconds between rows, window steps, epochs (per stage), pairs per epoch
SETTINGS = {
    "quick": dict(n_days=5, step=360.0, seq_len=10, max_epochs=2, n_pairs=100),
    "default": dict(n_days=30, step=36.0, seq_len=100, max_epochs=40, n_pairs=1000),
    "full": dict(n_days=30, step=36.0, seq_len=100, max_epochs=120, n_pairs=1000),
}
#: name -> (RoutineClusterer metric, its parameters[, RoutineClusterer parameters])
MODELS = {
    "DTW": ("dtw", {}),
    "Euclidean (no learning)": ("euclidean", {}),
    "DTW, thesis kernel": ("dtw", {}, {"affinity": "global"}),
    "Euclidean, thesis kernel": ("euclidean", {}, {"affinity": "global"}),
    "SLSTM": ("siamese", {"cell": "lstm", "hidden_size": 100, "loss": "contrastive"}),
    "SS2S Euclidean joint": ("seq2seq", {"metric": "euclidean", "training": "joint"}),
    "SS2S Euclidean disjoint": ("seq2seq", {"metric": "euclidean"}),
    "SS2S cosine joint": ("seq2seq", {"metric": "cosine", "training": "joint"}),
    "SS2S cosine disjoint": ("seq2seq", {"metric": "cosine"}),
    "SS2S KISSME joint": ("seq2seq", {"metric": "kissme", "training": "joint"}),
    "SS2S KISSME disjoint": ("seq2seq", {"metric": "kissme"}),
    "SS2S cosine joint MSE": ("seq2seq", {"metric": "cosine", "training": "joint",
                                          "reconstruction_loss": "mse"}),
    "SS2S Euclidean joint CRL": ("seq2seq", {"metric": "euclidean", "training": "joint",
                                             "reconstruction_loss": "cosine"}),
    "SGRU": ("cgru", {"coupling": False, "hidden_size": 100}),
    "CGRU": ("cgru", {"coupling": True, "hidden_size": 100}),
}

_EXPERIMENT = (
    "bench_routines.py: RoutineClusterer (1-hour windows, 24 slots, the time-of-day "
    "constraint, spectral clustering into 5 routines); metrics learned on the "
    "first 40 % of the days, reused on the last 50 %, scored against the time "
    "slots ({scores})"
)
_DIFF = (
    "a synthetic recording (make_routines: BasicMotions activities laid out on a "
    f"daily schedule, {SETTINGS['full']['n_days']} days) instead of LTMM (one elderly "
    "person's 3-day accelerometer and gyroscope recording cut into 30 virtual "
    f"days); one run instead of 20 tests; {SETTINGS['full']['max_epochs']} epochs "
    f"per stage with --full ({SETTINGS['default']['max_epochs']} by default); full "
    "DTW instead of FastDTW; a locally scaled affinity (Zelnik-Manor & Perona) "
    "instead of the thesis's Gaussian of width n (kept in the 'thesis kernel' rows)"
)
_SCORES = "completeness, silhouette, NMI, AMI"


def _claim(key, spec, table, claim, paper, scores=_SCORES, unit=""):
    return Claim(f"routines-{key}", spec, table, claim, paper, unit,
                 _EXPERIMENT.format(scores=scores), _DIFF)


#: The claims of kissme_routines.md (Tables 3.1-3.3) and coupled_gru.md Table 4.5.
CLAIMS = [
    _claim("kissme-best", "kissme_routines.md", "Table 3.2",
           "KISSME with disjoint training has the best completeness and NMI of all "
           "models", {"KISSME disjoint compl.": 0.983, "NMI": 0.619,
                      "DTW compl.": 0.804, "DTW NMI": 0.528}),
    _claim("disjoint", "kissme_routines.md", "Table 3.2",
           "Disjoint training beats joint training for every metric (NMI; "
           "Hypothesis 3.1 rejected)",
           {"Euclidean disjoint": 0.458, "joint": 0.434, "cosine disjoint": 0.467,
            "cosine joint": 0.449, "KISSME disjoint": 0.619, "KISSME joint": 0.446},
           unit="NMI"),
    _claim("dtw-silhouette", "kissme_routines.md", "Table 3.2",
           "DTW has the lowest silhouette of all models",
           {"DTW": 0.2136, "next lowest (KISSME joint)": 0.316}, unit="silhouette"),
    _claim("cosine-silhouette", "kissme_routines.md", "Table 3.2",
           "A cosine metric gives the best silhouette",
           {"cosine disjoint": 0.756, "cosine joint": 0.618}, unit="silhouette"),
    _claim("ss2s-slstm", "kissme_routines.md", "Table 3.2",
           "SS2S beats the siamese LSTM (Euclidean, NMI)",
           {"SS2S Euclidean disjoint": 0.458, "SLSTM Euclidean": 0.414}, unit="NMI"),
    _claim("crl", "kissme_routines.md", "Table 3.1",
           "With the cosine metric, the cosine reconstruction loss beats MSE on "
           "completeness, NMI and AMI (joint training; Hypothesis 3.2)",
           {"CRL compl.": 0.714, "MSE compl.": 0.666, "CRL NMI": 0.449,
            "MSE NMI": 0.397, "CRL AMI": 0.253, "MSE AMI": 0.205}),
    _claim("euclidean-mse", "kissme_routines.md", "Table 3.1",
           "With the Euclidean metric, MSE is at least as good as CRL (NMI, joint "
           "training)", {"MSE": 0.434, "CRL": 0.419}, unit="NMI"),
    _claim("reconstruction", "kissme_routines.md", "Table 3.3",
           "The autoencoder reconstructs best when trained alone first (KISSME "
           "disjoint below Euclidean and KISSME joint; cosine disjoint below "
           "cosine joint)",
           {"MSE: Euclidean joint": 0.707, "KISSME joint": 0.736, "disjoint": 0.55,
            "CRL: cosine joint": 0.339, "disjoint ": 0.298},
           scores="mean squared reconstruction error on the standardised windows of "
           "the validation days (the thesis: MSE or CRL, as trained)",
           unit="reconstruction error"),
    _claim("gru", "coupled_gru.md", "Table 4.5",
           "SGRU beats CGRU on completeness, NMI and AMI; CGRU has the higher "
           "silhouette", {"SGRU NMI": 0.568, "CGRU NMI": 0.545,
                          "SGRU silhouette": 0.263, "CGRU silhouette": 0.286}),
    _claim("gru-ami", "coupled_gru.md", "Table 4.5 vs Table 3.2",
           "Both GRU metrics have a higher AMI than every Chapter-3 model",
           {"SGRU": 0.54, "CGRU": 0.515, "best Ch. 3 (KISSME disjoint)": 0.363},
           unit="AMI"),
]


def split_days(X, t, n_days):
    """``{part: (X, t)}`` for the training, validation and test days."""
    day = np.floor(t / 86400).astype(int)
    n_train, n_val = max(1, round(0.4 * n_days)), max(1, round(0.1 * n_days))
    bounds = {"train": (0, n_train), "validation": (n_train, n_train + n_val),
              "test": (n_train + n_val, n_days)}
    return {part: (X[(day >= a) & (day < b)], t[(day >= a) & (day < b)])
            for part, (a, b) in bounds.items()}


def _params(metric, params, settings):
    if metric == "dtw" or metric == "euclidean":
        return params
    budget = {"max_epochs": settings["max_epochs"]}
    if metric != "cgru":
        budget["n_pairs"] = settings["n_pairs"]
    return {**budget, **params}


def _fit_metric(metric, params, train, common, random_state):
    """The metric learner fitted on the training days' windows."""
    X, t = train
    if metric == "cgru":  # structural loss, time slots as classes (the thesis)
        windows = RoutineClusterer("euclidean", **common).fit(X, timestamps=t)
        learner = CoupledGRUMetric(random_state=random_state, **params)
        return learner.fit(windows.windows_, windows.slot_index_)
    trained = RoutineClusterer(metric, metric_params=params, **common)
    return trained.fit(X, timestamps=t).metric_learner_


def run_model(name, parts, settings, random_state):
    """Scores of one model: metric fitted on the training days, test days clustered."""
    metric, params, *extra = MODELS[name]
    clustering = extra[0] if extra else {}
    common = dict(n_clusters=5, seq_len=settings["seq_len"], n_pairs=settings["n_pairs"],
                  random_state=random_state)
    row = {"name": name, "reconstruction": None, "fit_s": None}
    if metric not in ("dtw", "euclidean"):
        with timer() as fit:
            metric = _fit_metric(metric, _params(metric, params, settings),
                                 parts["train"], common, random_state)
        row["fit_s"] = fit["s"]
        if hasattr(metric, "reconstruct"):
            val = RoutineClusterer(metric, **common).fit(
                parts["validation"][0], timestamps=parts["validation"][1])
            W = val.windows_
            row["reconstruction"] = float(np.nanmean((metric.reconstruct(W) - W) ** 2))
    test = RoutineClusterer(metric, **common, **clustering).fit(
        parts["test"][0], timestamps=parts["test"][1])
    scores = test.time_coherence_scores_
    row.update({k: scores[k] for k in ("completeness", "silhouette", "nmi", "ami")})
    return row


def claims(rows):
    """``{claim id: (ours, ok)}`` of the claims this run measured."""
    get = {r["name"]: r for r in rows}
    learned = [r for r in rows if MODELS[r["name"]][0] not in ("dtw", "euclidean")]
    kd, out = get["SS2S KISSME disjoint"], {}
    others = [r for r in rows if r is not kd]
    best = {k: max(r[k] for r in others) for k in ("completeness", "nmi")}
    out["routines-kissme-best"] = (
        {"KISSME disjoint compl.": kd["completeness"], "NMI": kd["nmi"],
         "best other compl.": best["completeness"], "best other NMI": best["nmi"]},
        kd["completeness"] >= best["completeness"] and kd["nmi"] >= best["nmi"])
    nmi = {m: (get[f"SS2S {m} disjoint"]["nmi"], get[f"SS2S {m} joint"]["nmi"])
           for m in ("Euclidean", "cosine", "KISSME")}
    out["routines-disjoint"] = (
        {f"{m} {k}": v for m, pair in nmi.items()
         for k, v in zip(("disjoint", "joint"), pair)},
        all(d >= j for d, j in nmi.values()))
    lowest = min(r["silhouette"] for r in learned)
    out["routines-dtw-silhouette"] = (
        {"DTW": get["DTW"]["silhouette"], "lowest learned": lowest},
        get["DTW"]["silhouette"] <= lowest)
    top = max(learned, key=lambda r: r["silhouette"])
    out["routines-cosine-silhouette"] = (
        {"cosine disjoint": get["SS2S cosine disjoint"]["silhouette"],
         "cosine joint": get["SS2S cosine joint"]["silhouette"],
         f"best ({top['name']})": top["silhouette"]}, "cosine" in top["name"])
    ss2s, slstm = get["SS2S Euclidean disjoint"]["nmi"], get["SLSTM"]["nmi"]
    out["routines-ss2s-slstm"] = ({"SS2S Euclidean disjoint": ss2s, "SLSTM": slstm},
                                  ss2s >= slstm)
    crl, mse = get["SS2S cosine joint"], get["SS2S cosine joint MSE"]
    keys = ("completeness", "nmi", "ami")
    out["routines-crl"] = (
        {f"{loss} {k[:5]}.": r[k] for k in keys
         for loss, r in (("CRL", crl), ("MSE", mse))},
        all(crl[k] >= mse[k] for k in keys))
    mse, crl = get["SS2S Euclidean joint"]["nmi"], get["SS2S Euclidean joint CRL"]["nmi"]
    out["routines-euclidean-mse"] = ({"MSE": mse, "CRL": crl}, mse >= crl)
    rec = {n: get[f"SS2S {n}"]["reconstruction"] for n in (
        "Euclidean joint", "KISSME joint", "KISSME disjoint", "cosine joint",
        "cosine disjoint")}
    out["routines-reconstruction"] = (rec, rec["KISSME disjoint"] < min(
        rec["Euclidean joint"], rec["KISSME joint"])
        and rec["cosine disjoint"] < rec["cosine joint"])
    sgru, cgru = get["SGRU"], get["CGRU"]
    out["routines-gru"] = (
        {"SGRU NMI": sgru["nmi"], "CGRU NMI": cgru["nmi"],
         "SGRU silhouette": sgru["silhouette"], "CGRU silhouette": cgru["silhouette"]},
        all(sgru[k] >= cgru[k] for k in keys) and cgru["silhouette"] > sgru["silhouette"])
    chapter3 = max(r["ami"] for r in rows if r["name"] not in ("SGRU", "CGRU"))
    out["routines-gru-ami"] = (
        {"SGRU": sgru["ami"], "CGRU": cgru["ami"], "best other": chapter3},
        min(sgru["ami"], cgru["ami"]) > chapter3)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    settings = SETTINGS[args.mode]
    # spectral clustering of barely trained metrics (--quick) may find fewer
    # distinct clusters; RoutineClusterer's warnings about a disconnected or
    # fragmented affinity graph are left on: they explain bad scores
    warnings.filterwarnings("ignore", message="Number of distinct clusters")
    with timer() as total:
        X, t, _, _ = make_routines(settings["n_days"], step=settings["step"],
                                   random_state=args.random_state)
        parts = split_days(X, t, settings["n_days"])
        rows = []
        for name in MODELS:
            if args.progress:
                print(f"  routines: {name}", file=sys.stderr, flush=True)
            rows.append(run_model(name, parts, settings, args.random_state))
    title = (f"bench_routines ({args.mode} mode; {settings['n_days']} days, "
             f"{settings['max_epochs']} epochs per stage; random_state "
             f"{args.random_state}; total {total['s']:.0f} s)")
    shown = [{k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}
             for r in rows]
    records = save_claims(args, "bench_routines", CLAIMS, claims(rows), title=title,
                          total_s=total["s"])
    notes = [f"{r['claim']}: {r['verdict']}" for r in records]
    if args.mode == "quick":
        notes.append("--quick: a few days, 2 epochs: these verdicts mean nothing")
    text = "\n".join([f"# {title}", "", format_table(shown, COLUMNS), "", "Targets", "",
                      *(f"- {note}" for note in notes)])
    print(f"\n{text}")
    if args.output:
        Path(args.output).write_text(text + "\n")
        print(f"\nresults written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
