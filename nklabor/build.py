"""The build: raw CSV -> validated -> derived -> parquet in data/processed, atomically and deterministically."""

from __future__ import annotations

import contextlib
import fcntl
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


def build(raw: Path | None = None, out: Path | None = None, *, force: bool = False, log=print) -> dict:
    """Build the processed tables. Returns the manifest. Raises InvalidData (nothing written) on bad input."""
    raw = Path(raw or raw_dir())
    out = Path(out or processed_dir())
    with _lock(out):
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

        # Process data.
        tables = derive_all(frames, RAW_TABLES)

        # Save outputs: every table to a temporary file first, then rename them all, the manifest last.
        staged, outputs = [], {}
        try:
            for name, frame in tables.items():
                path = out / f"{name}.parquet"
                fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{path.name}.", suffix=".tmp")
                os.close(fd)
                staged.append((Path(tmp), path))
                _write_parquet(frame, Path(tmp))
                outputs[name] = {"file": path.name, "rows": len(frame), "sha256": manifest.sha256(Path(tmp))}
            for tmp, path in staged:
                os.replace(tmp, path)
        finally:
            for tmp, _ in staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        record = {"inputs": inputs, "outputs": outputs}
        text = json.dumps(record, indent=2, sort_keys=True) + "\n"
        _write_atomic(out / manifest.MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        log(f"nklabor: wrote {len(outputs)} tables to {out} in {time.perf_counter() - started:.1f}s: "
            + ", ".join(f"{n} ({o['rows']})" for n, o in outputs.items()))
        return record


