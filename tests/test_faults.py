"""Interrupted, concurrent and tampered builds never leave users with half-written or silently wrong data.

What holds (see nklabor/build.py): every table is written to a temporary file, then all are switched in and
the manifest is replaced last; a journal and hard links to the previous versions let the next build (or the
next `load()`) undo a switch that was cut short. So after a kill at any point the folder holds exactly the
previous build or exactly the new one. `load()` checks the bytes it parses against the manifest it read, so
one call returns one table exactly as one complete build wrote it. Two separate calls that straddle a build
may come from different builds.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import snapshot

import nklabor
from nklabor import manifest
from nklabor.build import build, settle
from nklabor.parquet import read_frame

ROOT = Path(__file__).resolve().parents[1]

def forked(run) -> int:
    """Run `run()` in a forked child (cheap: pandas is already imported); return the signal that ended it, or 0."""
    pid = os.fork()
    if pid == 0:
        try:
            run()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0


def die_on_nth_call(module, attr: str, n: int, half_write: bool = False) -> None:
    """Make the n-th call of module.attr kill the process, optionally after leaving a half-written file."""
    original, calls = getattr(module, attr), []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            if half_write:
                original(*args, **kwargs)
                path = Path(args[1])
                path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(module, attr, wrapper)


def killed_build(raw: Path, out: Path, where: str, n: int) -> int:
    import nklabor.build as b

    def run():
        if where in ("write", "half_write"):
            die_on_nth_call(b, "_write_parquet", n, half_write=where == "half_write")
        else:
            die_on_nth_call(b.os, where, n)
        b.build(raw, out, force=True, log=lambda m: None)

    return forked(run)


N_TABLES = len(nklabor.tables())
KILL_POINTS = ([("write", i) for i in (1, 5, N_TABLES)] + [("half_write", 3)]
               + [("link", i) for i in (1, N_TABLES)]
               + [("replace", i) for i in (1, 2, N_TABLES // 2, N_TABLES, N_TABLES + 1, N_TABLES + 2)]
               + [("unlink", i) for i in (1, 3)])


def tables(snap: dict[str, bytes]) -> dict[str, bytes]:
    """The parquet files of a snapshot (the manifest also hashes the package code, which others may be editing)."""
    return {name: data for name, data in snap.items() if name.endswith(".parquet")}


def edit(raw: Path) -> None:
    """Change an input so that the next build writes different tables."""
    path = raw / "countries.csv"
    path.write_text(path.read_text().replace("Malta,Europe,", "Malta,Europe,edited"))


def load_all(data: Path, monkeypatch) -> dict[str, pd.DataFrame]:
    """Every table through nklabor.load(), without letting it rebuild from data/raw."""
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(data))
    return {name: nklabor.load(name) for name in nklabor.tables()}


def assert_consistent(out: Path, leftovers_allowed: bool = False) -> None:
    """The folder is one complete build: a manifest and the tables it lists; and, once a build ran, no leftovers."""
    record = manifest.read(out)
    assert record is not None
    assert manifest.damaged_outputs(out, record) == []
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".parquet") == sorted(
        o["file"] for o in record["outputs"].values())
    if not leftovers_allowed:
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".build.lock"]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """Built once: raw/ and edited/ tables, processed/ built from raw/, clean/ built from edited/."""
    from conftest import FIXTURE_RAW

    root = tmp_path_factory.mktemp("templates")
    shutil.copytree(FIXTURE_RAW, root / "raw")
    shutil.copytree(FIXTURE_RAW, root / "edited")
    edit(root / "edited")
    build(root / "raw", root / "processed", log=lambda m: None)
    build(root / "edited", root / "clean", log=lambda m: None)
    return root


@pytest.fixture
def built(templates: Path, tmp_path: Path):
    """(raw, out, tables of the build of raw, tables a clean build of the edited raw tables gives)."""
    raw, out = tmp_path / "raw", tmp_path / "data" / "processed"
    shutil.copytree(templates / "raw", raw)
    shutil.copytree(templates / "processed", out)
    return raw, out, tables(snapshot(out)), tables(snapshot(templates / "clean"))


@pytest.mark.parametrize("where,n", KILL_POINTS, ids=[f"{w}-{n}" for w, n in KILL_POINTS])
def test_killed_build_leaves_previous_or_new_outputs(built, where: str, n: int, monkeypatch):
    raw, out, old, new = built
    edit(raw)
    assert killed_build(raw, out, where, n) == signal.SIGKILL

    parked = raw.with_name("parked")
    raw.rename(parked)  # so that load() reads what is there instead of rebuilding
    loaded = load_all(out.parent, monkeypatch)
    assert tables(snapshot(out)) in (old, new)  # load() repaired the folder to one complete build
    assert_consistent(out, leftovers_allowed=True)
    assert ("edited" in loaded["countries"]["note"].dropna().tolist()) == (tables(snapshot(out)) == new)

    parked.rename(raw)
    build(raw, out, log=lambda m: None)  # recovers with no manual clean-up
    assert tables(snapshot(out)) == new
    assert_consistent(out)


@pytest.mark.parametrize("fraction", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_sigkill_at_any_moment(built, fraction: float, tmp_path: Path):
    raw, out, old, new = built
    edit(raw)
    started = time.perf_counter()
    build(raw, tmp_path / "timing", log=lambda m: None)
    seconds = time.perf_counter() - started
    pid = os.fork()
    if pid == 0:
        try:
            build(raw, out, force=True, log=lambda m: None)
        finally:
            os._exit(0)
    time.sleep(seconds * fraction)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    settle(out)
    assert tables(snapshot(out)) in (old, new)
    assert_consistent(out)
    build(raw, out, log=lambda m: None)
    assert tables(snapshot(out)) == new


def test_stale_temporary_files_are_removed(built):
    raw, out, old, new = built
    (out / ".countries.parquet.abc123.tmp").write_bytes(b"half a parquet file")
    (out / ".sources.parquet.prev").write_bytes(b"left by a killed build")
    build(raw, out, log=lambda m: None)
    assert tables(snapshot(out)) == old
    assert_consistent(out)


def test_two_builds_at_once_do_not_corrupt_each_other(built):
    raw, out, old, new = built
    other = raw.with_name("other")
    shutil.copytree(raw, other)
    edit(other)
    pids = []
    for source in (raw, other, raw, other):
        pid = os.fork()
        if pid == 0:
            try:
                build(source, out, force=True, log=lambda m: None)
                os._exit(0)
            finally:
                os._exit(1)
        pids.append(pid)
    assert [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids] == [0, 0, 0, 0]
    assert tables(snapshot(out)) in (old, new)
    assert_consistent(out)


def test_load_during_builds_reads_old_or_new_never_a_mix(built, monkeypatch):
    raw, out, old, new = built
    other = raw.with_name("other")
    shutil.copytree(raw, other)
    edit(other)
    parked = raw.with_name("parked")
    raw.rename(parked)
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(out.parent))
    versions = {"old": dict(old), "new": dict(new)}
    stop = threading.Event()

    def keep_building():
        i = 0
        while not stop.is_set():
            build(other if i % 2 == 0 else parked, out, force=True, log=lambda m: None)
            i += 1

    builder = threading.Thread(target=keep_building)
    builder.start()
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            for name in ("countries", "country_year", "worker_estimates"):
                frame = nklabor.load(name)
                matches = [v for v, files in versions.items()
                           if frame.equals(read_frame(files[f"{name}.parquet"]))]
                assert matches, f"{name} matches neither the old nor the new build"
    finally:
        stop.set()
        builder.join()
    assert_consistent(out)


@pytest.mark.parametrize("damage", ["truncate", "flip_byte", "delete", "replace_with_other_table"])
def test_damaged_output_is_detected_by_load(built, damage: str, monkeypatch):
    raw, out, old, new = built
    raw.rename(raw.with_name("parked"))
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(out.parent))
    target = out / "countries.parquet"
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "flip_byte":
        target.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    elif damage == "delete":
        target.unlink()
    else:
        shutil.copy(out / "sources.parquet", target)
    with pytest.raises(nklabor.DataError, match=r"countries\.parquet.*Rebuild with `make data`"):
        nklabor.load("countries")
    assert len(nklabor.load("sources")) > 0  # the intact tables still load


def test_damaged_or_missing_manifest_triggers_a_rebuild(built, monkeypatch):
    raw, out, old, new = built
    data = out.parent
    raw.rename(data / "raw")
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(data))
    (out / manifest.MANIFEST).write_text("{ not json")
    assert len(nklabor.load("countries")) == 3
    assert tables(snapshot(out)) == old
    os.unlink(out / manifest.MANIFEST)
    assert len(nklabor.load("countries")) == 3
    assert tables(snapshot(out)) == old
