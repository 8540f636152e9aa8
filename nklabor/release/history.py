"""Release history: calendar versions, per-row ids and hashes, and the changelog derived from them.

Each release leaves a small manifest in releases/VERSION.json with, per table, every row's id, a hash of its
content, the release it first appeared in and the release it last changed in. The next release compares itself
with that manifest, so `first_released` and `last_changed` carry forward and the changelog lists rows added,
changed and removed by id. Curator-assigned ids that were removed are kept as retired and may not come back.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import pandas as pd

VERSION_RE = re.compile(r"^(\d{4})\.(0[1-9]|1[0-2])\.(0|[1-9]\d*)$")
HASH_CHARS = 16


class ReleaseError(RuntimeError):
    """The release cannot be made as asked: bad version, reused id, or a published release would change."""


def parse_version(version: str) -> tuple[int, int, int]:
    m = VERSION_RE.match(version)
    if not m or not 1980 <= int(m[1]) <= 2107:  # zip timestamps cover 1980-2107
        raise ReleaseError(f"version {version!r} is not a calendar version YYYY.MM.N (e.g. 2026.11.0)")
    return int(m[1]), int(m[2]), int(m[3])


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def row_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts without empty cells, so adding an empty column leaves every hash unchanged."""
    cols = list(frame.columns)
    out = []
    for values in frame.itertuples(index=False, name=None):
        out.append({c: v for c, v in zip(cols, map(_plain, values)) if v is not None})
    return out


def row_hash(record: dict) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def row_ids(frame: pd.DataFrame, key: list[str] | None) -> list[str]:
    """The row id: its key values joined by '/', or a content hash where the table has no key."""
    if not key:
        return [row_hash(r) for r in row_records(frame)]
    parts = [frame[k].map(lambda v: str(_plain(v))) for k in key]
    return ["/".join(vals) for vals in zip(*parts)]


def load_manifests(folder: Path) -> dict[str, dict]:
    found = {}
    for path in folder.glob("*.json"):
        if VERSION_RE.match(path.stem):
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return dict(sorted(found.items(), key=lambda kv: parse_version(kv[0])))


def advance(version: str, date: str, tables: dict[str, dict], previous: dict | None, inputs: dict) -> dict:
    """The manifest of `version`, given this release's rows and the previous release's manifest.

    `tables` maps name -> {"key": [...], "assigned": bool, "hashes": {id: hash}}.
    """
    prev_tables = (previous or {}).get("tables", {})
    prev_retired = (previous or {}).get("retired", {})
    out_tables, removed, retired = {}, {}, {}
    for name, info in tables.items():
        before = prev_tables.get(name, {}).get("rows", {})
        gone = prev_retired.get(name, {})
        reused = sorted(set(info["hashes"]) & set(gone)) if info["assigned"] else []
        if reused:
            raise ReleaseError(f"{name}: id(s) {', '.join(reused)} were removed in an earlier release "
                               f"({', '.join(sorted({gone[i] for i in reused}))}); ids are never reused, "
                               f"give the row(s) new ids")
        rows = {}
        for rid, digest in sorted(info["hashes"].items()):
            if rid in before:
                _, first, last = before[rid]
                rows[rid] = [digest, first, last if before[rid][0] == digest else version]
            else:
                rows[rid] = [digest, version, version]
        out_tables[name] = {"key": info["key"], "rows": rows}
        dropped = sorted(set(before) - set(rows))
        if dropped:
            removed[name] = dropped
        if info["assigned"]:
            retired[name] = dict(sorted({**gone, **{rid: version for rid in dropped}}.items()))
    return {"version": version, "date": date, "previous": (previous or {}).get("version"),
            "inputs": dict(sorted(inputs.items())), "tables": out_tables, "removed": removed,
            "retired": {k: v for k, v in retired.items() if v}}


def dumps(manifest: dict) -> str:
    """JSON with one row a line, so a release's diff in git shows the rows that changed."""
    head = {k: v for k, v in manifest.items() if k != "tables"}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True, ensure_ascii=False)},")
    lines.append('  "tables": {')
    names = list(manifest["tables"])
    for i, name in enumerate(names):
        table = manifest["tables"][name]
        lines.append(f"    {json.dumps(name)}: {{")
        lines.append(f'      "key": {json.dumps(table["key"])},')
        lines.append('      "rows": {')
        items = list(table["rows"].items())
        for j, (rid, row) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            lines.append(f"        {json.dumps(rid, ensure_ascii=False)}: {json.dumps(row)}{comma}")
        lines.append("      }")
        lines.append("    }" + ("," if i < len(names) - 1 else ""))
    lines += ["  }", "}", ""]
    text = "\n".join(lines)
    assert json.loads(text) == json.loads(json.dumps(manifest))
    return text


def changes(manifest: dict) -> dict[str, dict[str, list[str]]]:
    """Per table: ids added, changed and removed in this release."""
    version = manifest["version"]
    out = {}
    for name, table in manifest["tables"].items():
        rows = table["rows"].items()
        out[name] = {"added": [r for r, (_, first, _) in rows if first == version],
                     "changed": [r for r, (_, first, last) in rows if last == version and first != version],
                     "removed": manifest.get("removed", {}).get(name, [])}
    return out


def _ids(ids: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def changelog_entry(manifest: dict) -> list[str]:
    version, diff = manifest["version"], changes(manifest)
    lines = [f"## {version} ({manifest['date']})", ""]
    if manifest.get("previous"):
        lines += [f"Compared with {manifest['previous']}.", ""]
    else:
        lines += ["First release: every row is new (`first_released` = " + version + ").", ""]
    lines += ["| table | rows | added | changed | removed |", "|---|---:|---:|---:|---:|"]
    for name, d in diff.items():
        rows = len(manifest["tables"][name]["rows"])
        lines.append(f"| {name} | {rows} | {len(d['added'])} | {len(d['changed'])} | {len(d['removed'])} |")
    lines.append("")
    if manifest.get("previous"):
        for name, d in diff.items():
            if not any(d.values()):
                continue
            lines += [f"### {name}", ""]
            for what in ("added", "changed", "removed"):
                if d[what]:
                    lines.append(f"- {what.capitalize()} ({len(d[what])}): {_ids(d[what])}")
            lines.append("")
    return lines


def render_changelog(manifests: dict[str, dict]) -> str:
    lines = ["# Changelog", "",
             "Generated by `python -m nklabor release` from the manifests in `releases/`; do not edit by hand. "
             "Rows are named by id (`key/values` for tables with a composite key). Every row in a release carries "
             "`first_released` and `last_changed`.", ""]
    for version in sorted(manifests, key=parse_version, reverse=True):
        lines += changelog_entry(manifests[version])
    return "\n".join(lines).rstrip("\n") + "\n"
