"""Shared fixtures: a small synthetic set of raw tables, and a built copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_RAW = Path(__file__).parent / "fixtures" / "raw"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture's raw tables."""
    dest = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, dest)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}
