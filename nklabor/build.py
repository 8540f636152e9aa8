"""The build: raw CSV -> validated -> derived -> parquet in data/processed, atomically and deterministically."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from nklabor import manifest
from nklabor.paths import processed_dir, raw_dir


@contextlib.contextmanager
def _lock(out_dir: Path):
    """One build at a time per output folder; a second one waits."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".build.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


JOURNAL = ".commit.json"


def _backup(path: Path) -> Path:
    return path.with_name(f".{path.name}.prev")


def _recover(out_dir: Path) -> None:
    """Finish or undo a commit that a killed build left half done, and delete its leftovers. Call under the lock.

    The manifest is the commit point: if it is the one the journal announced, the commit went through and the
    kept previous versions are dropped; otherwise every table is put back from its previous version, so the
    folder is again exactly what the last complete build wrote.
    """
    journal = out_dir / JOURNAL
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if record is not None:
        current = out_dir / manifest.MANIFEST
        committed = current.exists() and manifest.sha256(current) == record["manifest"]
        for name in record["files"]:
            path, backup = out_dir / name, _backup(out_dir / name)
            if committed:
                continue
            if backup.exists():
                os.replace(backup, path)
            elif name in record["new"]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
    for leftover in [*out_dir.glob(".*.tmp"), *out_dir.glob(".*.prev")]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(leftover)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal)
    _fsync_dir(out_dir)


def settle(out_dir: Path) -> None:
    """Wait for a running build of `out_dir` to finish, and repair what an interrupted one left behind."""
    with _lock(out_dir):
        _recover(out_dir)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(out_dir: Path, staged: list[tuple[Path, Path]], manifest_text: str) -> None:
    """Put the staged tables and then the manifest in place as one undoable step.

    Each table is renamed over its previous version on its own, so for a moment the folder holds new tables
    next to the old manifest. A journal written first, and the previous versions kept as hard links, let
    `_recover` undo that if the process dies before the manifest is replaced.
    """
    new = []
    for _, path in staged:
        if path.exists():
            backup = _backup(path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(backup)
            os.link(path, backup)
        else:
            new.append(path.name)
    digest = hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()
    journal = {"manifest": digest, "files": [path.name for _, path in staged], "new": new}
    _write_atomic(out_dir / JOURNAL, lambda tmp: tmp.write_text(json.dumps(journal), encoding="utf-8"))
    _fsync_dir(out_dir)
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
        _write_atomic(out_dir / manifest.MANIFEST, lambda tmp: tmp.write_text(manifest_text, encoding="utf-8"))
        _fsync_dir(out_dir)
    finally:
        _recover(out_dir)


def _write_atomic(path: Path, write) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_parquet(frame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def _inferred_counts(frames: dict) -> str:
    """How many rows infer each field, from the `inferred` notes ('field: why; ...')."""
    parts = []
    for name, frame in frames.items():
        if "inferred" not in frame.columns:
            continue
        notes = frame["inferred"].dropna().astype(str)
        fields = notes.str.split(";").explode().str.split(":").str[0].str.strip()
        counts = fields[fields != ""].value_counts()
        parts += [f"{name}.{field} {n}" for field, n in sorted(counts.items())]
    return ", ".join(parts)


def build(raw: Path | None = None, out: Path | None = None, *, force: bool = False, log=print) -> dict:
    """Build the processed tables. Returns the manifest. Raises InvalidData (nothing written) on bad input."""
    raw = Path(raw or raw_dir())
    out = Path(out or processed_dir())
    with _lock(out):
        _recover(out)
        if not force and manifest.is_current(raw, out):
            log(f"nklabor: {out} is up to date; nothing to do")
            return manifest.read(out)
        started = time.perf_counter()
        inputs = manifest.input_hashes(raw)

        # Load inputs.
        from nklabor.derive import derive_all
        from nklabor.schemas import RAW_TABLES
        from nklabor.validate import validate_raw

        frames = validate_raw(raw)
        log("nklabor: validated " + ", ".join(f"{name} ({len(f)})" for name, f in frames.items()))
        inferred = _inferred_counts(frames)
        if inferred:
            log("nklabor: fields inferred rather than read (rows): " + inferred)

        # Process data.
        tables = derive_all(frames, RAW_TABLES)
        from nklabor.estimate.fit import staleness

        stale = staleness(tables["worker_estimates"], tables["countries"])
        if stale:
            log(f"nklabor: note: {stale}")

        # Save outputs: every table to a temporary file first, then switch them all in, the manifest last.
        staged, outputs = [], {}
        try:
            for name, frame in tables.items():
                path = out / f"{name}.parquet"
                fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{path.name}.", suffix=".tmp")
                os.close(fd)
                staged.append((Path(tmp), path))
                _write_parquet(frame, Path(tmp))
                with open(tmp, "rb") as handle:
                    os.fsync(handle.fileno())
                outputs[name] = {"file": path.name, "rows": len(frame), "sha256": manifest.sha256(Path(tmp))}
            record = {"inputs": inputs, "outputs": outputs}
            _commit(out, staged, json.dumps(record, indent=2, sort_keys=True) + "\n")
        finally:
            for tmp, _ in staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        log(f"nklabor: wrote {len(outputs)} tables to {out} in {time.perf_counter() - started:.1f}s: "
            + ", ".join(f"{n} ({o['rows']})" for n, o in outputs.items()))
        return record
