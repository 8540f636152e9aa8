"""The build manifest: hashes of the inputs a build used and of every output it wrote.

Kept free of pandas so that `make data` can tell in milliseconds that nothing changed, and so that
`nklabor.load()` can detect a tampered or truncated output before reading it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nklabor.paths import PACKAGE_DIR

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(raw_dir: Path) -> dict[str, str]:
    """Hashes of the raw tables and of the package code that turns them into outputs."""
    files = {f"raw/{p.name}": sha256(p) for p in sorted(raw_dir.glob("*.csv"))}
    code = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*.py")):
        code.update(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + p.read_bytes())
    files["code"] = code.hexdigest()
    return files


def read(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(raw_dir: Path, out_dir: Path) -> bool:
    """True if the outputs were built from exactly these inputs and are intact."""
    manifest = read(out_dir)
    if not manifest or manifest.get("inputs") != input_hashes(raw_dir):
        return False
    return not damaged_outputs(out_dir, manifest)


def damaged_outputs(out_dir: Path, manifest: dict) -> list[str]:
    bad = []
    for name, info in manifest.get("outputs", {}).items():
        path = out_dir / info["file"]
        if not path.exists() or sha256(path) != info["sha256"]:
            bad.append(name)
    return bad
