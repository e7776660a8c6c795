"""``python -m sktime_metric``: the ``sktime-metric`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
