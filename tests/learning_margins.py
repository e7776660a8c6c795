"""Measure the learning tests' outcomes over seeds and kernel settings.

Runs the tests marked ``learning`` once per seed (``SKTIME_METRIC_TEST_SEED``)
under this CPU's native kernels and under ``ATEN_CPU_CAPABILITY=default
MKL_CBWR=COMPATIBLE``, collects the values each test records through the
``learning_outcome`` fixture, and prints min / mean / max per outcome, so a
threshold can be set with a measured margin rather than tuned to one seed::

    python tests/learning_margins.py              # seeds 0-4, both kernel settings
    python tests/learning_margins.py --seeds 8 -k siamese
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

KERNELS = {
    "native": {},
    "default": {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (5)")
    parser.add_argument("-k", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "outcomes.jsonl")
        for kernel, extra in KERNELS.items():
            for seed in range(args.seeds):
                env = {**os.environ, **extra, "SKTIME_METRIC_TEST_SEED": str(seed),
                       "SKTIME_METRIC_OUTCOMES": path}
                command = [sys.executable, "-m", "pytest", "-q", "-m", "learning",
                           "-p", "no:warnings", "tests"]
                if args.k:
                    command += ["-k", args.k]
                done = subprocess.run(command, cwd=root, env=env, capture_output=True,
                                      text=True)
                summary = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
                print(f"{kernel:7s} seed {seed}: {summary[0]}", flush=True)
        rows = defaultdict(lambda: defaultdict(list))
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                rows[(r["test"], r["name"])][r["kernels"]].append(r["value"])
    print()
    for (test, name), by_kernel in sorted(rows.items()):
        print(f"{test}  [{name}]")
        for kernel, values in sorted(by_kernel.items()):
            print(f"    {kernel:8s} n={len(values):2d}  min {min(values):.4f}  "
                  f"mean {sum(values) / len(values):.4f}  max {max(values):.4f}")


if __name__ == "__main__":
    main()
