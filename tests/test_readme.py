"""README.md's set-up commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    return [line for line in lines if line.startswith("pip install ")]


def test_readme_has_exactly_two_setup_commands_pinning_torch():
    commands = _setup_commands()
    assert len(commands) == 2
    assert all('"torch==${TORCH_VERSION:-2.13.0}"' in c for c in commands)
    assert commands[0].endswith("sktime-metric benchmark")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _setup_commands()[1] in ci
