"""The notebooks are stored without outputs and run top to bottom on the current data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

RUN = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
book = nbformat.read(path, as_version=4)
NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


def test_there_are_at_least_three_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    book = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in book["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)
    first = book["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")


def test_notebooks_run_top_to_bottom():
    """All notebooks at once, each in its own kernel, so the suite stays quick."""
    runs = {p.stem: subprocess.Popen([sys.executable, "-c", RUN, str(p), str(p.parent)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for p in NOTEBOOKS}
    failed = {}
    for name, proc in runs.items():
        _, err = proc.communicate(timeout=600)
        if proc.returncode:
            failed[name] = err[-3000:]
    assert not failed, "\n\n".join(f"{name}:\n{err}" for name, err in failed.items())
