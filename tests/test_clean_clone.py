"""`make data` works from a clean clone: nothing but committed files is needed to build.

The clone reuses this checkout's virtual environment (make is told the install step is done), so the test
covers the Makefile and the committed data, not the network install that CI exercises on a fresh machine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_make_data_from_clean_clone(tmp_path: Path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    result = subprocess.run(["make", "-o", ".venv/.installed-stamp", "data"], cwd=clone, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote" in result.stdout
    assert (clone / "data" / "processed" / "manifest.json").exists()
    again = subprocess.run(["make", "-o", ".venv/.installed-stamp", "data"], cwd=clone, capture_output=True,
                           text=True, timeout=300)
    assert "nothing to do" in again.stdout
