"""Every kind of bad raw input is rejected with a message naming file, line, column and value.

The corpus lives in tests/bad_inputs/<case>/: the broken table and expected.txt (regenerate with
tests/bad_inputs/generate.py). The build must exit non-zero, report the expected problem lines, and leave
data/processed byte-for-byte as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import snapshot

from nklabor.__main__ import main
from nklabor.build import build
from nklabor.problems import InvalidData
from nklabor.validate import validate_raw

CASES = sorted(p for p in (Path(__file__).parent / "bad_inputs").iterdir() if p.is_dir())


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_rejected_precisely(case: Path, raw_copy: Path):
    for broken in case.glob("*.csv"):
        shutil.copy(broken, raw_copy / broken.name)
    with pytest.raises(InvalidData) as caught:
        validate_raw(raw_copy)
    report = caught.value.report()
    for expected in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        assert expected in report, f"missing:\n{expected}\n--- got:\n{report}"


def test_missing_file_is_reported(raw_copy: Path):
    (raw_copy / "entities.csv").unlink()
    with pytest.raises(InvalidData) as caught:
        validate_raw(raw_copy)
    assert "data/raw/entities.csv:0: -: '': file is missing" in caught.value.report()


def test_all_problems_reported_in_one_run(raw_copy: Path):
    for name in ("month_13", "unknown_region", "duplicate_url"):
        for broken in (Path(__file__).parent / "bad_inputs" / name).glob("*.csv"):
            shutil.copy(broken, raw_copy / broken.name)
    with pytest.raises(InvalidData) as caught:
        validate_raw(raw_copy)
    files = {p.file for p in caught.value.problems}
    assert files == {"data/raw/worker_estimates.csv", "data/raw/countries.csv", "data/raw/sources.csv"}


@pytest.mark.parametrize("case", ["ragged_row", "non_utf8", "duplicated_id", "dangling_source_id"])
def test_failed_build_leaves_outputs_untouched(case: str, raw_copy: Path, tmp_path: Path, capsys):
    out = tmp_path / "processed"
    build(raw_copy, out, log=lambda m: None)
    before = snapshot(out)
    for broken in (Path(__file__).parent / "bad_inputs" / case).glob("*.csv"):
        shutil.copy(broken, raw_copy / broken.name)
    assert main(["build", "--raw", str(raw_copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written to data/processed" in err
    assert "Traceback" not in err
    assert snapshot(out) == before
