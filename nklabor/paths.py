"""Where the data lives: the repository's data/ folder, or NKLABOR_DATA_DIR if set."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent


def data_dir() -> Path:
    return Path(os.environ.get("NKLABOR_DATA_DIR", ROOT / "data"))


def raw_dir() -> Path:
    return data_dir() / "raw"


def processed_dir() -> Path:
    return data_dir() / "processed"
