"""`python -m nklabor ...` is the `nklabor` command (nklabor/cli.py)."""

import sys

from nklabor.cli import main

if __name__ == "__main__":
    sys.exit(main())
