"""`python -m annotator` does what the `flower-annotator` console script does."""

from __future__ import annotations

import sys

from annotator.cli import main

if __name__ == "__main__":
    sys.exit(main())
