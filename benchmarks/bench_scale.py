"""Time and peak memory of every estimator as the series grow longer and more numerous.

Three sweeps, on random-walk series with ``d = 3`` channels (two classes; a
real-valued target for the regressor), every estimator with small settings
(``hidden_size=8``, one epoch, a few pairs), so that a fit measures the cost
of one epoch:

1. **Length T** (``--quick`` 50, 100; default 1e2, 1e3, 1e4; ``--full`` adds
   1e5): ``fit`` on 4 series of T steps (one batch), and ``predict`` /
   ``transform`` of those 4 series by a model fitted on 4 series of 100 steps.
2. **Collection size n** (``--quick`` 20, 40; default 1e2, 1e3, 1e4; ``--full``
   adds 1e5): ``predict`` / ``transform`` of n series of 100 steps (``--quick``
   50) by a model fitted on 8 such series.
3. **pairwise_distances with chunks**: each metric learner's
   ``pairwise_distances(X[:q], X)`` for ``q = 10`` rows against the n series of
   sweep 2, so the memory column shows whether the chunks bound it.

Every (estimator, operation, size) runs in a fresh child process, since a
process's peak resident memory (``ru_maxrss``) cannot be reset; the children
fork from a server process (multiprocessing's "forkserver") that has imported
torch and the library and run nothing else, so they start in a fraction of
a second instead of the 2-4 s of the imports. ``peak_mb`` is
the child's ``ru_maxrss`` after the operation's first call minus its
resident memory just before it (after the imports, the data, the fitted model,
an untimed warm-up call on tiny data, which also takes the first-fit start-up
cost out, and ``malloc_trim``, so that memory freed earlier is not silently
reused: a difference of peaks measured 1-2 MB too little at T = 1,000). A
peak set before the operation (by the warm-up) can count up to ~1 MB too much. ``rss_mb`` is the absolute peak. On CUDA, ``peak_mb`` is
``torch.cuda.max_memory_allocated`` above the memory allocated before.

The yardstick is the bare fused kernel on the same batch, timed in the same
child, interleaved with the operation (:func:`~benchmarks._common.interleaved_ms`;
one repetition for slow cells, up to 5 for fast ones): ``torch.nn.GRU(3, 8)``
forward + backward of a summed output for ``fit``, forward without a graph for
``predict`` / ``transform``, and for ``pairwise_distances`` the GRU forward of
the q + n series then ``torch.cdist`` of their final states. ``vs_bare`` is the
median over repetitions of the operation's seconds over the kernel's. The bare
kernel also runs as its own row (``bare_gru``) for its memory, and so does
``nn.LSTM(3, 8)`` (``bare_lstm``, its ``vs_bare`` over the GRU): on the CPU,
torch runs LSTMs through a fused oneDNN kernel and GRUs step by step, so an
estimator built on LSTMs (``Seq2SeqEmbedder``) can run well below 1x. The
classifiers frame the series by default (``window="auto"``: 10 steps a frame,
stride 5, so their recurrence runs over T / 5 frames of 30 values):
``vs_bare`` compares what a user runs, not the same arithmetic.
:class:`~sktime_metric.metric.KISSMETransformer`, an estimator on vectors,
runs in sweeps 2 and 3 on each series flattened to ``T * d`` values.

The growth exponents are the least-squares slopes of ``log(seconds)`` and of
``log(peak_mb)`` against ``log(size)`` over the measured sizes (memory: over
sizes with at least 1 MB above the baseline; at small sizes a fixed overhead
dominates and flattens the slope, so ``mem_exp_last`` gives the slope between
the two largest measured sizes). A cell whose time, extrapolated linearly (or
by the fitted slope when it is steeper) from the previous size, would pass
``--cell-cap`` seconds is skipped, and the table says so; a child that runs
past ``5 * --cell-cap`` seconds is stopped.

With CUDA, the same sweeps run again with ``device="cuda"`` (``--device``).

``--dask`` adds the speed-up of 2 local dask workers over one in-process
thread for ``predict_in_blocks`` and for ``pairwise_distances``' tiles
(:mod:`benchmarks._scale_dask`).

Usage::

    python -m benchmarks.bench_scale --quick              # ~30 s; run by the tests
    python -m benchmarks.bench_scale --output scale.md    # ~6 minutes on one core
    python -m benchmarks.bench_scale --full               # ~25-30 minutes (estimated)
"""

import argparse
import ctypes
import gc
import importlib
import multiprocessing
import sys
import warnings

import numpy as np

from ._scale_dask import DASK_COLUMNS, dask_part
from ._common import (
    add_common_arguments,
    growth_exponent,
    interleaved_ms,
    peak_rss_mb,
    save_claims,
    timer,
    write_report,
)

#: No claim of the specs' tables is about scaling.
CLAIMS = []

ROW_COLUMNS = ("device", "sweep", "name", "op", "n", "T", "seconds", "bare_s",
               "vs_bare", "peak_mb", "rss_mb", "note")
GROWTH_COLUMNS = ("device", "sweep", "name", "op", "sizes", "time_exp", "mem_exp",
                  "mem_exp_last", "worst_vs_bare")

N_CHANNELS = 3
HIDDEN = 8
#: Series of the length sweep's fit; of the collection sweep's fitted model.
N_FIT_T, N_FIT_N = 4, 8
#: Length of the series the length sweep's predicting model is fitted on.
T_FIT = 100
#: Rows q of ``pairwise_distances(X[:q], X)``.
N_QUERY = 10
#: Seconds a child spends on extra repetitions after the first.
REPEAT_BUDGET_S = 3.0

SIZES = {
    "quick": {"T": (50, 100), "n": (20, 40), "T_n": 50, "q": 5},
    "default": {"T": (100, 1000, 10000), "n": (100, 1000, 10000), "T_n": 100,
                "q": N_QUERY},
    "full": {"T": (100, 1000, 10000, 100000), "n": (100, 1000, 10000, 100000),
             "T_n": 100, "q": N_QUERY},
}
#: Estimators of each mode (``--quick``: two, one classifier and one metric learner).
QUICK_NAMES = ("rnn", "srn")
#: Estimators that take sequences (every sweep) and those with ``pairwise_distances``.
SEQUENCE_NAMES = ("tagm", "rnn", "hulm", "hcrf", "srn", "cgru", "seq2seq", "matching",
                  "attention")
METRIC_NAMES = ("srn", "cgru", "seq2seq", "kissme")
BARE = "bare_gru"
#: The same with ``nn.LSTM(3, 8)``: on the CPU, torch runs LSTMs through a fused
#: oneDNN kernel and GRUs step by step, so the LSTM is much faster.
BARE_LSTM = "bare_lstm"


# -- estimators and data (used in the children) ---------------------------------


def make_estimator(name, device="cpu", random_state=0):
    """The unfitted estimator ``name``: hidden 8, one epoch, a few pairs."""
    from sktime_metric.classification import (
        HCRFClassifier,
        HULMClassifier,
        MatchingNetworkClassifier,
        RNNClassifier,
        TAGMClassifier,
    )
    from sktime_metric.metric import (
        CoupledGRUMetric,
        KISSMETransformer,
        Seq2SeqEmbedder,
        SiameseRNNEmbedder,
    )
    from sktime_metric.regression import AttentionSequenceRegressor

    if name == "kissme":
        return KISSMETransformer()
    common = dict(max_epochs=1, device=device, random_state=random_state)
    pairs = dict(n_pairs=8, batch_size=8)
    factories = {
        "tagm": lambda: TAGMClassifier(HIDDEN, attention_hidden_size=HIDDEN, **common),
        "rnn": lambda: RNNClassifier("gru", hidden_size=HIDDEN, **common),
        "hulm": lambda: HULMClassifier(HIDDEN, **common),
        "hcrf": lambda: HCRFClassifier(HIDDEN, **common),
        "srn": lambda: SiameseRNNEmbedder("mean", hidden_size=HIDDEN, **pairs, **common),
        # single steps, the recurrences' own cost (frames divide T)
        "cgru": lambda: CoupledGRUMetric(HIDDEN, window_size=1, stride=1, **pairs,
                                         **common),
        "seq2seq": lambda: Seq2SeqEmbedder(hidden_size=HIDDEN, projection_dim=4,
                                           window_size=1, **pairs, **common),
        "matching": lambda: MatchingNetworkClassifier(HIDDEN, n_way=2,
                                                      metric="euclidean", **common),
        "attention": lambda: AttentionSequenceRegressor(
            HIDDEN, temporal_attention_dim=HIDDEN, input_type="features", **common),
    }
    return factories[name]()


def random_series(n, T, random_state=0):
    """``n`` random walks of ``T`` steps and 3 channels (float32), labels 0/1 alternating.

    Drawn in float32 and summed in place: no temporary larger than the result,
    which would raise the child's peak memory before the measurement.
    """
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((n, T, N_CHANNELS), dtype=np.float32)
    np.cumsum(X, axis=1, out=X)
    X /= np.sqrt(np.arange(1, T + 1, dtype=np.float32))[:, None]
    return X, np.arange(n) % 2


def _target(name, y):
    return y.astype(float) if name == "attention" else y


def _inputs(name, X):
    return X.reshape(len(X), -1) if name == "kissme" else X


def _operation(name, op, estimator, X, y, q):
    """A no-argument function running ``op`` of ``estimator`` on ``X``."""
    X = _inputs(name, X)
    if op == "fit":
        return lambda: estimator.fit(X, _target(name, y))
    if op == "pairwise":
        return lambda: estimator.pairwise_distances(X[:q], X)
    method = estimator.predict if hasattr(estimator, "predict") else estimator.transform
    return lambda: method(X)


def _bare_kernel(op, X, q, device, cell="gru"):
    """The bare ``nn.GRU(3, 8)`` (or ``nn.LSTM``) counterpart of ``op`` on ``X``."""
    import torch

    module = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    gru = module(N_CHANNELS, HIDDEN, batch_first=True).to(device)
    x = torch.as_tensor(X, device=device)
    if op == "fit":
        def run():
            gru.zero_grad()
            out, _ = gru(x)
            out.sum().backward()
    elif op == "pairwise":
        def run():
            with torch.no_grad():
                h = gru(x)[1][0]
                torch.cdist(gru(x[:q])[1][0], h)
    else:
        def run():
            with torch.no_grad():
                gru(x)
    return run


def _peak_mb(device):
    """Peak memory so far: resident set (CPU) or allocated by torch (CUDA), in MB."""
    if device == "cpu":
        return peak_rss_mb()
    import torch

    return torch.cuda.max_memory_allocated() / 2**20


def _current_mb():
    """Resident memory now, in MB (``VmRSS``; the peak where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return _peak_mb("cpu")


def _release_free_memory():
    """Give the allocator's free memory back to the system (glibc), so that
    the operation's allocations show in the resident memory."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _synced(function, device):
    if device == "cpu":
        return function
    import torch

    def run():
        function()
        torch.cuda.synchronize()
    return run


def measure_cell(spec):
    """Measure one cell in this process (the child's work); returns a dict.

    ``spec``: ``name``, ``op`` (fit, predict, pairwise), ``n``, ``T``, ``device``,
    ``threads``, ``random_state``, ``q``, ``n_fit``, ``T_fit``.
    """
    import torch

    # one epoch on random walks: the "did not learn" warnings are expected
    warnings.simplefilter("ignore")
    torch.set_num_threads(spec["threads"])
    name, op, device, seed = spec["name"], spec["op"], spec["device"], spec["random_state"]
    q = spec["q"]
    X, y = random_series(spec["n"], spec["T"], seed)
    tiny, y_tiny = random_series(spec["n_fit"], 20, seed + 1)
    if name in (BARE, BARE_LSTM):
        cell = "lstm" if name == BARE_LSTM else "gru"
        function = _bare_kernel(op, X, q, device, cell)
        _bare_kernel(op, tiny, 2, device, cell)()  # warm-up
    else:
        estimator = make_estimator(name, device, seed)
        if op == "fit":
            _operation(name, "fit", estimator, tiny, y_tiny, q)()  # first-fit costs
        else:
            X_fit, y_fit = random_series(spec["n_fit"], spec["T_fit"], seed + 2)
            estimator.fit(_inputs(name, X_fit), _target(name, y_fit))
            _operation(name, op, estimator, X_fit[:2], y_fit, 1)()  # warm-up
        function = _operation(name, op, estimator, X, y, q)
    bare = _synced(_bare_kernel(op, X, q, device), device)
    function = _synced(function, device)
    _release_free_memory()
    if device != "cpu":
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated() / 2**20
    else:
        before = _current_mb()
    peak = {}

    def first_call():
        function()
        if "mb" not in peak:
            peak["mb"] = _peak_mb(device)

    functions = [first_call] if name == BARE else [first_call, bare]
    # warmup=0: the rotation starts with the operation, so its first call is
    # the first thing measured
    times = interleaved_ms(functions, 1, warmup=0)[1]
    more = int(min(4, REPEAT_BUDGET_S // max(times.sum(), 1e-3)))
    if more:
        times = np.vstack([times, interleaved_ms(functions, more, warmup=0)[1]])
    seconds = float(np.median(times[:, 0]))
    bare_s = seconds if name == BARE else float(np.median(times[:, 1]))
    return {"seconds": seconds, "bare_s": bare_s,
            "vs_bare": float(np.median(times[:, 0] / times[:, -1])),
            "peak_mb": max(0.0, peak["mb"] - before), "rss_mb": peak["mb"],
            "reps": len(times)}


# -- the sweeps (in the parent) ---------------------------------------------------


def _child(connection, spec):
    """A child's work: one cell, its result sent back through ``connection``."""
    try:
        result = measure_cell(spec)
    except Exception as error:  # reported in the table, not raised
        result = {"note": f"failed: {type(error).__name__}: {error}"[:160]}
    connection.send(result)
    connection.close()


def _context():
    """The forkserver context: children fork from a server that imported the
    libraries and ran nothing else (a fresh process, without the import time)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["torch", "torch._dynamo", "skorch",
                                    "sktime_metric.classification",
                                    "sktime_metric.metric", "sktime_metric.regression"])
    return context


def run_child(spec, timeout):
    """``measure_cell(spec)`` in a fresh child process; stopped after ``timeout`` s."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    # the function of the imported module, not of ``__main__``
    target = importlib.import_module(f"{__package__}.bench_scale")._child
    process = context.Process(target=target, args=(send, spec))
    process.start()
    send.close()
    result = {"note": f"stopped after {timeout:.0f} s"}
    try:
        if receive.poll(timeout):
            result = receive.recv()
    except EOFError:
        result = None
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    if result is None:
        result = {"note": f"failed: child exit code {process.exitcode}"}
    return result


def _estimate(sizes, seconds, size):
    """Seconds at ``size`` extrapolated from the measured ``(sizes, seconds)``."""
    slope = 1.0
    if len(sizes) >= 2:
        slope = max(1.0, growth_exponent(sizes[-2:], seconds[-2:]))
    return seconds[-1] * (size / sizes[-1]) ** slope


def sweep(cells, *, sweep_name, size_key, sizes, args, device, progress=print):
    """Rows of one sweep: ``cells`` are ``(name, op, spec_without_size)``."""
    rows = []
    for name, op, base in cells:
        measured_sizes, measured_s = [], []
        for size in sizes:
            spec = {**base, size_key: size, "name": name, "op": op, "device": device,
                    "threads": args.threads, "random_state": args.random_state}
            row = {"device": device, "sweep": sweep_name, "name": name, "op": op,
                   "n": spec["n"], "T": spec["T"]}
            estimate = (_estimate(measured_sizes, measured_s, size)
                        if measured_sizes else 0.0)
            if estimate > args.cell_cap:
                row["note"] = f"skipped: ~{estimate:.0f} s > cap {args.cell_cap:.0f} s"
            else:
                result = run_child(spec, timeout=5 * args.cell_cap + 60)
                row.update(result)
                if "seconds" in result:
                    measured_sizes.append(size)
                    measured_s.append(result["seconds"])
            rows.append(row)
            if args.progress:
                done = (f"{row['seconds']:.4f} s ({row['vs_bare']:.2f}x bare), "
                        f"{row['peak_mb']:.1f} MB" if "seconds" in row else row["note"])
                progress(f"{device} {sweep_name} {name} {op} {size_key}={size}: {done}",
                         file=sys.stderr, flush=True)
    return rows


def plan(mode, names):
    """``{sweep: (size_key, sizes, cells)}`` of one mode over the estimators ``names``."""
    size = SIZES[mode]
    sequence = [BARE, BARE_LSTM, *[n for n in SEQUENCE_NAMES if n in names]]
    length_cells = [(name, op, {"n": N_FIT_T, "n_fit": N_FIT_T, "T_fit": T_FIT,
                                "q": 2})
                    for name in sequence for op in ("fit", "predict")]
    base = {"T": size["T_n"], "n_fit": N_FIT_N, "T_fit": size["T_n"], "q": size["q"]}
    count_cells = [(name, "predict", base) for name in
                   [BARE, BARE_LSTM,
                    *[n for n in (*SEQUENCE_NAMES, "kissme") if n in names]]]
    pair_cells = [(name, "pairwise", base) for name in
                  [BARE, *[n for n in METRIC_NAMES if n in names]]]
    return {"length": ("T", size["T"], length_cells),
            "collection": ("n", size["n"], count_cells),
            "pairwise": ("n", size["n"], pair_cells)}


def rounded(rows):
    """Rows as the tables show them: seconds to 4 decimals, ratios to 2, MB to 1."""
    digits = {"seconds": 4, "bare_s": 4, "vs_bare": 2, "worst_vs_bare": 2,
              "peak_mb": 1, "rss_mb": 0, "time_exp": 2, "mem_exp": 2, "mem_exp_last": 2}
    return [{k: round(v, digits.get(k, 4)) if isinstance(v, float) else v
             for k, v in row.items()} for row in rows]


def growth(rows):
    """One row per (device, sweep, estimator, operation): fitted exponents, worst ratio."""
    out = []
    groups = {}
    for row in rows:
        groups.setdefault((row["device"], row["sweep"], row["name"], row["op"]),
                          []).append(row)
    for (device, sweep_name, name, op), group in groups.items():
        key = "T" if sweep_name == "length" else "n"
        done = [r for r in group if r.get("seconds")]
        sizes = [r[key] for r in done]
        result = {"device": device, "sweep": sweep_name, "name": name, "op": op,
                  "sizes": f"{key} {min(sizes)}-{max(sizes)}" if sizes else "-",
                  "time_exp": None, "mem_exp": None, "mem_exp_last": None,
                  "worst_vs_bare": max((r["vs_bare"] for r in done), default=None)}
        if len(done) >= 2:
            result["time_exp"] = growth_exponent(sizes, [r["seconds"] for r in done])
        mem = [r for r in done if r["peak_mb"] >= 1.0]
        if len(mem) >= 2:
            mem_sizes = [r[key] for r in mem]
            mb = [r["peak_mb"] for r in mem]
            result["mem_exp"] = growth_exponent(mem_sizes, mb)
            result["mem_exp_last"] = growth_exponent(mem_sizes[-2:], mb[-2:])
        out.append(result)
    return out


def notes(rows, exponents, mode):
    """Headline lines: worst ratios, steepest exponents, superlinear memory in T."""
    lines = []
    for device in dict.fromkeys(r["device"] for r in exponents):
        mine = [g for g in exponents
                if g["device"] == device and g["name"] not in (BARE, BARE_LSTM)]
        for sweep_name in ("length", "collection", "pairwise"):
            group = [g for g in mine if g["sweep"] == sweep_name and g["time_exp"]]
            if not group:
                continue
            worst = max(group, key=lambda g: g["worst_vs_bare"] or 0)
            steep = max(group, key=lambda g: g["time_exp"])
            lines.append(
                f"{device}, {sweep_name}: time exponents {min(g['time_exp'] for g in group):.2f}"
                f" to {steep['time_exp']:.2f} ({steep['name']} {steep['op']}); worst ratio"
                f" to the bare kernel {worst['worst_vs_bare']:.1f}x ({worst['name']} "
                f"{worst['op']})")
        lstm = [r for r in rows if r["device"] == device and r["name"] == BARE_LSTM
                and r["sweep"] == "length" and r.get("seconds")]
        if lstm:
            longest = max(r["T"] for r in lstm)
            lines.append(f"{device}: bare nn.LSTM(3, 8) over bare nn.GRU(3, 8) at T = "
                         f"{longest}: " + ", ".join(
                             f"{r['op']} {r['vs_bare']:.2f}x" for r in lstm
                             if r["T"] == longest))
        superlinear = [f"{g['name']} {g['op']} ({g['mem_exp']:.2f})" for g in mine
                       if g["sweep"] == "length" and g["mem_exp"] is not None
                       and g["mem_exp"] > 1.1]
        lines.append(f"{device}: memory growing faster than linearly in T: "
                     + (", ".join(superlinear) or "none"))
    skipped = [r for r in rows if "note" in r and r["note"]]
    lines.append(f"{len(skipped)} cells skipped, stopped or failed"
                 + (": " + "; ".join(f"{r['name']} {r['op']} n={r['n']} T={r['T']} "
                                     f"({r['note']})" for r in skipped) if skipped else ""))
    if mode == "quick":
        lines.append("--quick: tiny sizes, two estimators: these numbers mean nothing")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    add_common_arguments(parser)
    parser.add_argument("--cell-cap", type=float, default=None, metavar="SECONDS",
                        help="skip a cell whose extrapolated time passes this "
                        "(default: 10 in --quick, 60 in default mode, 300 in --full)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="auto (default): CPU, then CUDA when available")
    parser.add_argument("--estimators", default=None, metavar="NAMES",
                        help="comma-separated subset of "
                        f"{','.join((*SEQUENCE_NAMES, 'kissme'))} (default: all; "
                        f"--quick: {','.join(QUICK_NAMES)})")
    parser.add_argument("--dask", action="store_true",
                        help="also time predict_in_blocks and pairwise_distances on "
                        "2 local dask workers against one in-process thread")
    args = parser.parse_args(argv)
    import torch

    if args.cell_cap is None:
        args.cell_cap = {"quick": 10.0, "default": 60.0, "full": 300.0}[args.mode]
    names = (args.estimators.split(",") if args.estimators
             else QUICK_NAMES if args.mode == "quick" else (*SEQUENCE_NAMES, "kissme"))
    devices = ["cpu"] if args.device == "cpu" else ["cuda"] if args.device == "cuda" \
        else ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows = []
    with timer() as total:
        for device in devices:
            for sweep_name, (key, sizes, cells) in plan(args.mode, names).items():
                if device != "cpu":
                    cells = [c for c in cells if c[0] != "kissme"]
                rows += sweep(cells, sweep_name=sweep_name, size_key=key, sizes=sizes,
                              args=args, device=device, progress=print)
        dask_rows = dask_part(args.mode, args.random_state) if args.dask else []
    exponents = growth(rows)
    lines = notes(rows, exponents, args.mode)
    if isinstance(dask_rows, str):  # dask is not installed
        lines.append(dask_rows)
        dask_rows = []
    title = (f"bench_scale ({args.mode} mode; d = {N_CHANNELS}, hidden {HIDDEN}, one "
             f"epoch; cell cap {args.cell_cap:.0f} s; random_state {args.random_state};"
             f" threads {args.threads}; devices {', '.join(devices)}; total "
             f"{total['s']:.0f} s)")
    from sktime_metric.benchmarking import format_table

    text = "\n".join([
        f"# {title}", "",
        "Growth exponents (least-squares slope of log seconds / log peak MB against "
        "log size) and the worst ratio to the bare nn.GRU(3, 8) kernel", "",
        format_table(rounded(exponents), GROWTH_COLUMNS), "",
        "Every cell (seconds: median of interleaved repetitions; peak_mb: above the "
        "child's memory before the operation)", "",
        format_table(rounded(rows), ROW_COLUMNS), "",
        *(["Two local dask workers (processes, one thread each) against one "
           "in-process thread (seconds: median of 3 interleaved runs)", "",
           format_table(rounded(dask_rows), DASK_COLUMNS), ""] if dask_rows else []),
        "Notes", "", *(f"- {line}" for line in lines)])
    write_report(text, args.output)
    save_claims(args, "bench_scale", CLAIMS, {}, title=title, total_s=total["s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
