"""Reproduce the source papers' results tables: run the benchmarks, render the report.

One command runs every ``bench_*.py`` script with ``--full`` (hours on two CPU
cores) and a machine-readable output (``--json``: the papers' claims declared in
the script, with our numbers and verdicts), then renders ``REPRODUCTION.md``:
for each claim of each spec's results tables, the closest experiment we can run
offline, the papers' numbers beside ours, and whether the claim holds here.
Claims no offline experiment can test are listed as "not reproduced", with the
reason, from the same records. Nothing in the report is typed by hand: edit the
``CLAIMS`` of the scripts, not the markdown.

Usage, from the repository root::

    python -m benchmarks.reproduce                  # full runs, then REPRODUCTION.md
    python -m benchmarks.reproduce --render-only    # re-render from the result files
    python -m benchmarks.reproduce --scripts bench_hulm,bench_cgru  # rerun some only
    python -m benchmarks.reproduce --quick --report /tmp/REPRODUCTION.md  # smoke test

The expensive runs can also be done one by one (or elsewhere), then rendered::

    python -m benchmarks.bench_hulm --full --no-progress \\
        --output benchmarks/reproduction/bench_hulm.md \\
        --json benchmarks/reproduction/bench_hulm.json
    python -m benchmarks.reproduce --render-only

Each script's output goes to ``RESULTS/<script>.json``, ``.md`` (its own tables)
and ``.log`` (stdout and stderr); RESULTS is ``--results``, by default
``benchmarks/reproduction/``, which the report links to (keep it with the
report). ``--quick`` runs write to a temporary folder unless ``--results`` says
otherwise, so they never overwrite the full results.
"""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ._claims import VERDICTS, read_claims
from ._common import SCRIPT_MODES, timer

HERE = Path(__file__).resolve().parent
#: The scripts' package: each runs as ``python -m <PACKAGE>.<name>`` from ``ROOT``.
PACKAGE = __package__
ROOT = HERE.parent

#: The scripts ``reproduce.py`` runs, in this order.
SCRIPTS = ("bench_tagm", "bench_hulm", "bench_siamese", "bench_cgru", "bench_routines",
           "bench_fewshot", "bench_kissme", "bench_iarn", "bench_age")
#: Modules that only declare claims (systems without any offline experiment).
DECLARATION_ONLY = ("_unreproduced",)
#: Extra arguments of a script's run, to match the papers' settings.
EXTRA_ARGS = {
    "bench_tagm": ("--window", "2"),  # the thesis's 2-frame windows
    # the learners' seeds: one seed's few-shot accuracy moves by 0.02-0.05
    "bench_fewshot": ("--seeds", "3"),
}
#: How a verdict is counted in the summary line.
_PLURAL = {"holds": "hold", "does not hold": "do not hold"}
#: The spec files, in report order, and what they describe.
SPECS = {
    "tagm.md": "TAGM, temporal attention-gated model (Pei et al., CVPR 2017; "
               "thesis ch. 3)",
    "hulm.md": "HULM, hidden-unit logistic model (Pei, Tax & van der Maaten; "
               "thesis ch. 2)",
    "siamese_rnn.md": "Siamese recurrent networks (Pei, Tax & van der Maaten, "
                      "2016; thesis ch. 5)",
    "coupled_gru.md": "Coupled GRU metric (Bernard thesis, ch. 4)",
    "kissme_routines.md": "KISSME, SS2S and routine retrieval (Bernard thesis, "
                          "ch. 3)",
    "other_systems.md": "SSMN few-shot activities, age estimation, IARN "
                        "(remaining systems of the theses)",
}


def load_module(name):
    """The script module ``<PACKAGE>.<name>``, e.g. ``benchmarks.bench_tagm``."""
    return importlib.import_module(f"{PACKAGE}.{name}")


def declared_claims(modules=None):
    """``{module name: list of Claim}``, as the code declares them now.

    ``modules`` defaults to :data:`SCRIPTS` and :data:`DECLARATION_ONLY`.
    """
    modules = (*SCRIPTS, *DECLARATION_ONLY) if modules is None else modules
    return {name: list(load_module(name).CLAIMS) for name in modules}


def run_script(name, mode, results, *, threads=1, random_state=0):
    """Run one script with ``--json``; return ``(exit code, seconds)``.

    Parameters
    ----------
    name : str
        A member of :data:`SCRIPTS`.
    mode : {"quick", "default", "full"}
    results : Path
        Folder of ``<name>.json``, ``<name>.md`` and ``<name>.log``.
    threads, random_state : int
        Passed to the script.

    Returns
    -------
    returncode : int
    seconds : float
    """
    command = [sys.executable, "-m", f"{PACKAGE}.{name}", "--no-progress",
               "--output", str(results / f"{name}.md"),
               "--json", str(results / f"{name}.json"),
               "--threads", str(threads), "--random-state", str(random_state),
               *EXTRA_ARGS.get(name, ())]
    if mode != "default":
        command.append(f"--{mode}")
    with open(results / f"{name}.log", "w") as log, timer() as elapsed:
        code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                              cwd=ROOT).returncode
    return code, elapsed["s"]


def _value(value):
    """A number as printed: short values as given, others to 4 significant digits."""
    if isinstance(value, str):
        return value
    text = repr(value)
    return text if len(text) <= 7 else f"{value:.4g}"


def _values(values, unit, empty="-"):
    if not values:
        return empty
    text = ", ".join(f"{label} {_value(v)}" for label, v in values.items())
    return f"{text} ({unit})" if unit else text


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _shared(texts):
    """The common start of ``texts``, cut after its last "; " or ": "."""
    if len(set(texts)) == 1:
        return texts[0]
    prefix = os.path.commonprefix(texts)
    if prefix in texts and all(t == prefix or t[len(prefix):].startswith(("; ", ": "))
                               for t in texts):
        return prefix + "; "  # one text is the others' common start: keep it whole
    cut = max(prefix.rfind("; "), prefix.rfind(": "))
    return prefix[:cut + 2] if cut > 0 else ""


def _experiments(rows):
    """One bullet per group of claims that share their differences (or reason)."""
    groups = {}
    for r in rows:
        groups.setdefault((r["differences"], r["reason"]), []).append(r)
    lines = []
    for (differences, reason), group in groups.items():
        ids = ", ".join(f"`{r['id']}`" for r in group)
        if not group[0]["experiment"]:
            lines.append(f"- {ids}: not reproduced: {reason}.")
            continue
        texts = {}  # each distinct text once, with the claims that share it
        for r in group:
            texts.setdefault(r["experiment"], []).append(f"`{r['id']}`")
        shared = _shared(list(texts))
        rest = [(", ".join(i), t[len(shared):]) for t, i in texts.items()]
        if any(t for _, t in rest):
            text = shared + "; ".join(f"{t} ({i})" for i, t in rest if t)
        else:
            text = shared.rstrip("; :")
        lines.append(f"- {ids}: {text}. Differs: {differences or 'nothing stated'}.")
    return lines


def _rows_of(claims, runs):
    """Merge declarations with the recorded runs: one row per declared claim."""
    rows = []
    for module, declared in claims.items():
        recorded = {r["id"]: r for r in (runs.get(module) or {}).get("claims", [])}
        for claim in declared:
            record = recorded.get(claim.id)
            if record is None:
                record = claim.record(note="" if not claim.experiment else
                                      "script not run" if module in SCRIPTS else "")
            # the declaration (paper numbers, texts) is the code's current one
            rows.append({**record, **{k: getattr(claim, k) for k in (
                "spec", "table", "claim", "paper", "unit", "experiment",
                "differences", "reason", "why")}, "module": module})
    return rows


def render(claims, runs, *, links=None, command="python -m benchmarks.reproduce"):
    """The markdown report.

    Parameters
    ----------
    claims : dict
        ``{module: list of Claim}`` (:func:`declared_claims`).
    runs : dict
        ``{script: dict from the script's --json file or None}``.
    links : dict or None, default=None
        ``{script: relative path of its .md results}`` to link to.
    command : str
        The command that produced the report, quoted in it.

    Returns
    -------
    text : str
    """
    rows = _rows_of(claims, runs)
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    modes = {run["mode"] for run in runs.values() if run}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Reproduction of the source papers' results", "",
        f"Generated by `{command}` on {now}: nothing here is typed by hand. The "
        "papers' numbers, the claims and the experiments are declared next to the "
        "experiments (`CLAIMS` in each `bench_*.py`, and `_unreproduced.py`); our "
        "numbers come from the runs listed below. Each claim's criterion is part "
        "of its text; our values are in the paper's unit.", "",
        f"{_count(len(rows), 'claim')} from "
        f"{_count(len({r['spec'] for r in rows}), 'spec')}: "
        + ", ".join(f"{counts[v]} {_PLURAL.get(v, v) if counts[v] != 1 else v}"
                    for v in VERDICTS) + ".", "",
    ]
    if "quick" in modes:
        out += ["**Quick mode runs: tiny subsets and 2 epochs. They check the "
                "machinery only; their numbers and verdicts mean nothing.**", ""]
    out += ["## Runs", "", "| script | mode | finished | seconds | machine | results |",
            "|---|---|---|---|---|---|"]
    for script, run in runs.items():
        if not run:
            out.append(f"| {script}.py | not run | - | - | - | - |")
            continue
        link = (links or {}).get(script)
        seconds = "-" if run.get("total_s") is None else f"{run['total_s']:.0f}"
        out.append(f"| {script}.py | {run['mode']} | {run['date']} | {seconds} | "
                   f"{run['machine']} | {f'[{link}]({link})' if link else '-'} |")
    for spec in dict.fromkeys([*SPECS, *(r["spec"] for r in rows)]):
        mine = [r for r in rows if r["spec"] == spec]
        if not mine:
            continue
        out += ["", f"## {spec}: {SPECS.get(spec, 'other')}", "",
                "| id | where | claim | paper | ours | verdict |",
                "|---|---|---|---|---|---|"]
        for r in mine:
            verdict = r["verdict"] + (f" ({r['note']})" if r.get("note") else "")
            paper = _values(r["paper"], r["unit"], "figure only, no numbers")
            ours = ("-" if r["verdict"] == "not reproduced"
                    else _values(r["ours"], r["unit"]))
            out.append("| " + " | ".join(_cell(c) for c in (
                f"`{r['id']}`", r["table"], r["claim"], paper, ours, verdict)) + " |")
        out += ["", "Experiments, and what differs from the papers:", "",
                *_experiments(mine)]
        failed = [r for r in mine if r["verdict"] == "does not hold"]
        if failed:
            why = {}  # text -> ids, in table order: a shared cause printed once
            for r in failed:
                text = (r.get("why") or "cause not measured").rstrip(".")
                why.setdefault(text, []).append(f"`{r['id']}`")
            out += ["", "Why the claims that do not hold differ, as measured:", "",
                    *(f"- {', '.join(ids)}: {text}." for text, ids in why.items())]
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.split("\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--mode", choices=SCRIPT_MODES, default="full",
                      help="mode of the script runs (default: %(default)s)")
    size.add_argument("--quick", action="store_const", dest="mode", const="quick",
                      help="same as --mode quick: checks the machinery in minutes")
    parser.add_argument("--render-only", action="store_true",
                        help="run nothing; render from the result files")
    parser.add_argument("--scripts", default=",".join(SCRIPTS),
                        help="comma-separated scripts to run (the others are "
                        "rendered from their result files; default: all)")
    parser.add_argument("--results", type=Path, default=None, metavar="DIR",
                        help="folder of the result files (default: "
                        "benchmarks/reproduction, or a temporary folder with "
                        "--quick)")
    parser.add_argument("--report", type=Path, default=None, metavar="PATH",
                        help="the markdown to write (default: "
                        "benchmarks/REPRODUCTION.md, or RESULTS/REPRODUCTION.md "
                        "with --quick)")
    parser.add_argument("--threads", type=int, default=1, metavar="INT")
    parser.add_argument("--random-state", type=int, default=0, metavar="INT")
    args = parser.parse_args(argv)
    selected = [s.strip() for s in args.scripts.split(",") if s.strip()]
    unknown = sorted(set(selected) - set(SCRIPTS))
    if unknown:
        parser.error(f"unknown script(s) {unknown}; choose from {', '.join(SCRIPTS)}")
    quick = args.mode == "quick"
    results = args.results or (Path(tempfile.mkdtemp(prefix="reproduce-quick-"))
                               if quick else HERE / "reproduction")
    report = args.report or (results / "REPRODUCTION.md" if quick
                             else HERE / "REPRODUCTION.md")
    results.mkdir(parents=True, exist_ok=True)

    failed = []
    if not args.render_only:
        for name in selected:
            print(f"{name}.py --{args.mode} ...", end=" ", flush=True)
            code, seconds = run_script(name, args.mode, results, threads=args.threads,
                                       random_state=args.random_state)
            print(f"{'ok' if code == 0 else f'FAILED (exit {code})'}, {seconds:.0f} s; "
                  f"log: {results / f'{name}.log'}", flush=True)
            if code:
                failed.append(name)
    runs, links = {}, {}
    for name in SCRIPTS:
        path = results / f"{name}.json"
        runs[name] = read_claims(path) if path.exists() and name not in failed else None
        if runs[name] and (results / f"{name}.md").exists():
            links[name] = Path(os.path.relpath(results / f"{name}.md",
                                               report.parent)).as_posix()
    command = "python -m benchmarks.reproduce" + (" --quick" if quick else "") + (
        " --render-only" if args.render_only else "")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render(declared_claims(), runs, links=links, command=command))
    print(f"report written to {report}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
