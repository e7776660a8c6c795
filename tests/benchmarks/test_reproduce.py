"""``benchmarks.reproduce`` renders a row for every claim the scripts declare.

The render test reuses the session's quick runs of the scripts (``quick_run``);
the run path is checked on a stand-in script, so nothing runs twice.
"""

import json
import os
import re
import sys
import textwrap

import pytest


@pytest.fixture(scope="module")
def reproduce():
    from benchmarks import reproduce

    return reproduce


def _rows(text):
    """``{claim id: verdict cell}`` of the report's claim tables."""
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^\| `([^`]+)` \|.*\| ([^|]+) \|$", text, flags=re.M)}


def test_claim_ids_are_unique_and_well_formed(reproduce):
    claims = [c for declared in reproduce.declared_claims().values() for c in declared]
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    for claim in claims:
        assert claim.spec in reproduce.SPECS, claim.id
        assert bool(claim.experiment) != bool(claim.reason), claim.id  # one of them
        assert claim.claim and claim.table
    assert {c.spec for c in claims} == set(reproduce.SPECS)  # every spec is covered


def test_quick_report_has_a_row_per_claim(reproduce, quick_run, tmp_path):
    folder = None
    for name in reproduce.SCRIPTS:
        run = quick_run(name)
        assert run.code == 0 and run.json.exists()
        folder = run.folder
    report = tmp_path / "REPRODUCTION.md"
    assert reproduce.main(["--render-only", "--results", str(folder),
                           "--report", str(report)]) == 0
    text = report.read_text()
    rows = _rows(text)
    declared = reproduce.declared_claims()
    for module, claims in declared.items():
        for claim in claims:
            verdict = rows[claim.id]  # a row for every claim
            expected = (("holds", "does not hold", "not measured") if claim.experiment
                        else ("not reproduced",))
            assert verdict.startswith(expected), (claim.id, verdict)
            assert "script not run" not in verdict
    assert len(rows) == sum(map(len, declared.values()))
    assert "Quick mode runs" in text and "| not run |" not in text
    for spec in reproduce.SPECS:
        assert f"\n## {spec}: " in text
    for name in reproduce.SCRIPTS:  # the runs table links each script's tables
        assert f"{name}.md](" in text


@pytest.fixture
def stand_in_package(monkeypatch, tmp_path):
    """A package ``fake_benchmarks`` in ``tmp_path``, importable here and in children."""
    package = tmp_path / "fake_benchmarks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path), prepend=os.pathsep)
    yield package
    for name in [m for m in sys.modules if m.partition(".")[0] == "fake_benchmarks"]:
        del sys.modules[name]


def test_run_path_on_a_stand_in_script(reproduce, monkeypatch, stand_in_package,
                                       tmp_path):
    script = stand_in_package / "bench_fake.py"
    script.write_text(textwrap.dedent("""
        import argparse
        from benchmarks._claims import Claim, claim_records, write_claims
        CLAIMS = [Claim("fake-1", "tagm.md", "Table 0", "one is one", {"x": 1}, "",
                        "the stand-in", "none"),
                  Claim("fake-2", "tagm.md", "Table 0", "cannot", {"x": 2},
                        reason="no data")]
        if __name__ == "__main__":
            parser = argparse.ArgumentParser()
            for flag in ("--output", "--json", "--threads", "--random-state"):
                parser.add_argument(flag)
            parser.add_argument("--no-progress", action="store_true")
            parser.add_argument("--quick", action="store_true")
            args = parser.parse_args()
            assert args.quick and args.no_progress
            open(args.output, "w").write("# fake\\n")
            records = claim_records(CLAIMS, {"fake-1": ({"x": 1}, True)}, "quick")
            write_claims(args.json, records, script="bench_fake", mode="quick",
                         title="fake", total_s=0.1)
        """))
    monkeypatch.setattr(reproduce, "PACKAGE", stand_in_package.name)
    monkeypatch.setattr(reproduce, "SCRIPTS", ("bench_fake",))
    monkeypatch.setattr(reproduce, "DECLARATION_ONLY", ())
    results, report = tmp_path / "results", tmp_path / "R.md"
    assert reproduce.main(["--quick", "--results", str(results), "--report",
                           str(report)]) == 0
    assert json.loads((results / "bench_fake.json").read_text())["mode"] == "quick"
    rows = _rows(report.read_text())
    assert rows == {"fake-1": "holds (quick mode: means nothing)",
                    "fake-2": "not reproduced"}
    assert ("2 claims from 1 spec: 1 holds, 0 do not hold, 0 not measured, "
            "1 not reproduced.") in report.read_text()
    # a failing script is reported, and rendered as not run
    script.write_text("import sys\nCLAIMS = []\nif __name__ == '__main__':\n"
                      "    sys.exit(3)\n")
    assert reproduce.main(["--quick", "--results", str(results), "--report",
                           str(report)]) == 1
    assert "| bench_fake.py | not run |" in report.read_text()


def test_unknown_script_is_a_usage_error(reproduce, capsys):
    with pytest.raises(SystemExit):
        reproduce.main(["--render-only", "--scripts", "bench_nope"])
    assert "unknown script(s) ['bench_nope']" in capsys.readouterr().err


def test_values_are_printed_as_declared(reproduce):
    assert reproduce._value(97.64) == "97.64" and reproduce._value(32 / 44) == "0.7273"
    assert reproduce._values({}, "AUC", "figure only") == "figure only"
    assert reproduce._values({"a": 1, "b": 0.5}, "AUC") == "a 1, b 0.5 (AUC)"


def test_experiments_extending_a_shared_one_print_it_once(reproduce):
    base = "part 2, noisy digits: trained 100 epochs; test accuracy"
    rows = [{"id": i, "experiment": t, "differences": "FSDD", "reason": ""}
            for i, t in [("a", base), ("b", base), ("c", base + "; HULM clean vs noisy")]]
    (line,) = reproduce._experiments(rows)
    assert line == (f"- `a`, `b`, `c`: {base}; HULM clean vs noisy (`c`). Differs: FSDD.")
    # texts that merely share a start are cut at the last separator of that start
    rows[2]["experiment"] = "part 2, noisy digits: other protocol"
    (line,) = reproduce._experiments(rows)
    assert line.startswith("- `a`, `b`, `c`: part 2, noisy digits: trained 100 epochs; "
                           "test accuracy (`a`, `b`); other protocol (`c`).")


def test_failed_claims_say_why_or_that_the_cause_is_not_measured(reproduce):
    from benchmarks._claims import Claim

    shared = "few training classes, measured by the class-disjoint row"
    claims = {"bench_x": [
        Claim("x-a", "x.md", "T1", "A beats B", {"A": 1}, "acc", "exp", "diff",
              why=shared),
        Claim("x-b", "x.md", "T1", "A beats C", {"A": 1}, "acc", "exp", "diff",
              why=shared + "."),
        Claim("x-c", "x.md", "T1", "A beats D", {"A": 1}, "acc", "exp", "diff"),
        Claim("x-d", "x.md", "T1", "A beats E", {"A": 1}, "acc", "exp", "diff",
              why="never shown: this claim holds"),
    ]}
    records = [c.record({"A": 0.5}, c.id == "x-d") for c in claims["bench_x"]]
    run = {"mode": "default", "date": "-", "total_s": 1.0, "machine": "-",
           "claims": records}
    text = reproduce.render(claims, {"bench_x": run})
    section = text.split("Why the claims that do not hold differ, as measured:")[1]
    # one line per cause, in table order; trailing stops not doubled
    assert section.strip().splitlines() == [
        f"- `x-a`, `x-b`: {shared}.", "- `x-c`: cause not measured."]
    assert "never shown" not in text
