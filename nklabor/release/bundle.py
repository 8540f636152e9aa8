"""`python -m nklabor release --version YYYY.MM.N`: a citable, reproducible bundle of the processed tables.

Writes dist/nklabor-data-VERSION/ (CSV, parquet, SQLite with Datasette metadata, a Frictionless Data Package,
FollowTheMoney entities, data dictionary, changelog, citation, licence, SHA256SUMS) and a zip of it, and keeps
releases/VERSION.json, CHANGELOG.md and CITATION.cff in the repository. Two builds from the same commit are
byte-identical: the release date comes from an existing manifest or the git commit, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from nklabor.parquet import read_frame
from nklabor.paths import ROOT, processed_dir, raw_dir
from nklabor.release import formats as writers
from nklabor.release import history
from nklabor.release.fields import RELEASE_FIELDS, assigned_id, primary_key, table_fields
from nklabor.release.history import ReleaseError
from nklabor.schemas import ALL_TABLES

TITLE = "nklabor: North Korean overseas labour dataset"
__all__ = ["release", "ReleaseError"]


def _commit_date() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def release_date(version: str, existing: dict | None) -> str:
    """The date of an existing manifest, else the later of the git commit date and the version's first day."""
    if existing:
        return existing["date"]
    year, month, _ = history.parse_version(version)
    floor = f"{year:04d}-{month:02d}-01"
    commit = _commit_date()
    return max(commit, floor) if commit else floor


def _sorted(frame: pd.DataFrame, key: list[str] | None) -> pd.DataFrame:
    ids = history.row_ids(frame, key)
    order = sorted(range(len(frame)), key=lambda i: tuple(frame[k].iloc[i] for k in key) if key else ids[i])
    return frame.iloc[order].reset_index(drop=True)


def _published(processed: Path, record: dict) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in ALL_TABLES:
        info = record["outputs"].get(name)
        if info is None:
            raise ReleaseError(f"{name}: not in {processed}; rebuild with `python -m nklabor build --force`")
        frame = read_frame(processed / info["file"])
        expected = [f.name for f in table_fields(name, release=False)]
        if list(frame.columns) != expected:
            raise ReleaseError(f"{name}: processed columns {list(frame.columns)} differ from the schema {expected}; "
                               f"rebuild with `python -m nklabor build --force`")
        frames[name] = _sorted(frame, primary_key(name))
    return frames


def _row_hashes(frames: dict[str, pd.DataFrame]) -> dict[str, dict]:
    out = {}
    for name, frame in frames.items():
        key = primary_key(name)
        ids = history.row_ids(frame, key)
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise ReleaseError(f"{name}: duplicate row ids {dupes[:5]}")
        hashes = dict(zip(ids, map(history.row_hash, history.row_records(frame))))
        out[name] = {"key": key or [], "assigned": assigned_id(name), "hashes": hashes}
    return out


def _with_versions(frames: dict[str, pd.DataFrame], manifest: dict) -> dict[str, pd.DataFrame]:
    out = {}
    for name, frame in frames.items():
        rows = manifest["tables"][name]["rows"]
        ids = history.row_ids(frame, primary_key(name))
        first, last = (f.name for f in RELEASE_FIELDS)
        out[name] = frame.assign(**{first: pd.array([rows[i][1] for i in ids], dtype="string"),
                                    last: pd.array([rows[i][2] for i in ids], dtype="string")})
    return out


def citation(manifest: dict) -> str:
    return "\n".join([
        "cff-version: 1.2.0",
        'message: "Please cite this dataset as below, and also cite the original sources of the figures you use '
        '(the sources table)."',
        "type: dataset",
        f'title: "{TITLE}"',
        f'version: "{manifest["version"]}"',
        f"date-released: {manifest['date']}",
        "authors:",
        '  - name: "nklabor contributors"',
        "license: CC-BY-4.0",
        'abstract: "Where the DPRK sends its citizens to work abroad under state control, how many were reported '
        'where and when and by whom, which organisations dispatch and employ them, and what the UN and governments '
        'did about it. Every row cites a source."',
        "keywords:",
        '  - "North Korea"',
        '  - "forced labour"',
        '  - "overseas workers"',
        '  - "sanctions"',
        "",
    ])


def _licence(version: str) -> str:
    return (f"nklabor data release {version}\n\n"
            "The data in this release (every file in this folder) is licensed under the Creative Commons "
            "Attribution 4.0 International licence (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/\n"
            "Full legal code: https://creativecommons.org/licenses/by/4.0/legalcode\n\n"
            "Attribution: nklabor contributors, nklabor: North Korean overseas labour dataset, version "
            f"{version} (see CITATION.cff).\n\n"
            "The documents that the rows cite (the sources table) keep their own copyright. The dataset holds "
            "facts, short figures as worded, and curators' own summaries, not copies of source texts.\n\n"
            "The nklabor code that builds this release is MIT-licensed and is not part of this bundle.\n")


def _readme(version: str, date: str, names: list[str]) -> str:
    return "\n".join([
        f"# nklabor data {version} ({date})", "",
        "North Korea's state-run export of workers abroad, as an open, sourced dataset. Every row cites a document "
        "in the `sources` table.", "",
        "- `csv/` one UTF-8 CSV per table; `parquet/` the same tables, typed.",
        "- `nklabor.sqlite` all tables with keys and indexes: `datasette nklabor.sqlite -m metadata.json`.",
        "- `datapackage.json` a Frictionless Data Package of the CSV files: `frictionless validate datapackage.json`.",
        "- `entities.ftm.json` entities, persons, their links, host countries and sanctions designations in the "
        "FollowTheMoney model.",
        "- `nklabor.xlsx` one workbook: a README sheet, designations, prosecutions, entities and persons joined for "
        "analysts, every figure joined to its source, and one sheet per other table.",
        "- `site/` the explorer site: open `site/index.html` in a browser (works from disk, fetches nothing).",
        "- `DATA_DICTIONARY.md` every column; `CHANGELOG.md` rows added, changed and removed per release.",
        "- `CITATION.cff` how to cite; `LICENSE` CC BY 4.0; `SHA256SUMS` check with `sha256sum -c SHA256SUMS`.", "",
        "In the CSV files, text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed "
        "with a single quote so that spreadsheets do not run them as formulas; parquet and SQLite keep the text "
        "as curated. The CSV files are plain UTF-8 without a byte-order mark, for programs; for a spreadsheet, "
        "open nklabor.xlsx, or write a CSV with a byte-order mark with `nklabor export --csv FILE`.", "",
        "Every row carries `first_released` (the release it first appeared in) and `last_changed`.", "",
        "Tables: " + ", ".join(f"`{n}`" for n in names) + ".", "",
        "Query the parquet files with DuckDB: `SELECT * FROM 'parquet/worker_estimates.parquet'`.", "",
    ])


def _dictionary() -> str:
    from nklabor.dictionary import render

    extra = ["## Release columns", "",
             "Every table in a release also has these columns (not in `data/processed/`):", "",
             "| column | type | required | description |", "|---|---|---|---|"]
    extra += [f"| `{f.name}` | string | yes | {f.description} |" for f in RELEASE_FIELDS]
    return render().rstrip("\n") + "\n\n" + "\n".join(extra) + "\n"


def write_release_workbook(frames: dict[str, pd.DataFrame], path: Path, manifest: dict) -> None:
    from nklabor.release.fields import description
    from nklabor.release.workbook import analyst_frames, analyst_readme, write_workbook

    version, date = manifest["version"], manifest["date"]
    joined = analyst_frames(frames)
    readme = analyst_readme(f"{TITLE}, release {version} ({date})")
    readme[0] = (f"{TITLE}, release {version} ({date})", "")
    readme[1:1] = [("Sourced or reconstructed", "worker_estimates and estimates_with_sources hold figures as sources "
                                                "give them. best_estimates, world_year and the best columns of "
                                                "country_year are reconstructions made by code (method: "
                                                "docs/ESTIMATES.md in the repository)."),
                   ("Cite as", f"nklabor contributors, {TITLE}, version {version}. Please also cite the original "
                               "sources of the figures you use.")]
    rest = {name: frame for name, frame in frames.items() if name not in joined}
    readme += [(name, description(name)) for name in rest]
    readme += [("entities, persons", "The entities and persons tables joined with status, designations and host "
                                     "countries; their plain columns are in csv/ and parquet/.")]
    descriptions = {name: {f.name: f.description for f in table_fields(name)} for name in frames}
    write_workbook(path, {**joined, **rest}, readme, date, descriptions, TITLE)


def _write_bundle(folder: Path, frames: dict[str, pd.DataFrame], manifest: dict,
                  manifests: dict[str, dict]) -> None:
    version, date, names = manifest["version"], manifest["date"], list(frames)
    (folder / "csv").mkdir(parents=True)
    (folder / "parquet").mkdir()
    for name, frame in frames.items():
        fields = table_fields(name)
        writers.write_csv(frame, fields, folder / "csv" / f"{name}.csv")
        writers.write_parquet(frame, fields, folder / "parquet" / f"{name}.parquet", version)
    writers.write_sqlite(frames, folder / "nklabor.sqlite")
    writers.write_json(writers.datasette_metadata(names, version), folder / "metadata.json")
    writers.write_json(writers.datapackage(names, folder, version, date), folder / "datapackage.json")
    from nklabor.release.ftm import write_ftm

    write_ftm(frames, folder / "entities.ftm.json")
    write_release_workbook(frames, folder / "nklabor.xlsx", manifest)
    from nklabor.site import build_site

    build_site(folder / "site", log=lambda m: None, tables=frames, citation=citation(manifest), version=version)
    upto = {v: m for v, m in manifests.items() if history.parse_version(v) <= history.parse_version(version)}
    texts = {"DATA_DICTIONARY.md": _dictionary(), "CHANGELOG.md": history.render_changelog(upto),
             "CITATION.cff": citation(manifest), "LICENSE": _licence(version),
             "README.md": _readme(version, date, names)}
    for fname, text in texts.items():
        (folder / fname).write_text(text, encoding="utf-8")
    writers.write_sums(folder)


def release(version: str, *, raw: Path | None = None, processed: Path | None = None, repo: Path | None = None,
            dist: Path | None = None, replace: bool = False, force: bool = False, log=print) -> Path:
    """Build release `version`; returns the bundle folder. Raises ReleaseError when it must not be made."""
    from nklabor.build import build

    year, month, _ = history.parse_version(version)
    today = dt.date.today()
    if (year, month) > (today.year, today.month) and not force:
        raise ReleaseError(f"version {version} is dated in the future (today is {today.isoformat()}); "
                           f"use this month's version, e.g. {today.year}.{today.month:02d}.0, or pass --force")
    repo = Path(repo or ROOT)
    dist = Path(dist or repo / "dist")
    releases = repo / "releases"
    manifests = history.load_manifests(releases) if releases.exists() else {}
    newer = [v for v in manifests if history.parse_version(v) > history.parse_version(version)]
    if newer:
        raise ReleaseError(f"release {newer[-1]} is newer than {version}; versions must increase")
    earlier = [v for v in manifests if history.parse_version(v) < history.parse_version(version)]
    previous = manifests[earlier[-1]] if earlier else None

    processed = Path(processed or processed_dir())
    record = build(Path(raw or raw_dir()), processed, log=log)
    frames = _published(processed, record)
    inputs = {k: v for k, v in record["inputs"].items() if k.startswith("raw/")}
    manifest = history.advance(version, release_date(version, manifests.get(version)), _row_hashes(frames),
                               previous, inputs)
    if previous is not None and version not in manifests and not force and not any(
            d["added"] or d["changed"] or d["removed"] for d in history.changes(manifest).values()):
        raise ReleaseError(f"nothing changed since release {earlier[-1]}; no new release made (pass --force to "
                           f"make one anyway)")
    if version in manifests and manifests[version] != manifest and not replace:
        raise ReleaseError(f"release {version} exists in {releases} with different rows; make a new version "
                           f"(or pass --replace if {version} was never published)")
    manifests[version] = manifest
    frames = _with_versions(frames, manifest)

    dist.mkdir(parents=True, exist_ok=True)
    target = dist / f"nklabor-data-{version}"
    with tempfile.TemporaryDirectory(dir=dist, prefix=".release-") as tmp:
        staged = Path(tmp) / target.name
        _write_bundle(staged, frames, manifest, manifests)
        writers.write_zip(staged, Path(tmp) / "bundle.zip", manifest["date"])
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
        Path(tmp, "bundle.zip").replace(dist / f"{target.name}.zip")

    releases.mkdir(parents=True, exist_ok=True)
    (releases / f"{version}.json").write_text(history.dumps(manifest), encoding="utf-8")
    (repo / "CHANGELOG.md").write_text(history.render_changelog(manifests), encoding="utf-8")
    latest = manifests[max(manifests, key=history.parse_version)]
    (repo / "CITATION.cff").write_text(citation(latest), encoding="utf-8")
    diff = history.changes(manifest)
    log(f"nklabor: release {version} ({manifest['date']}) in {target} and {target.name}.zip: "
        + ", ".join(f"{n} {len(manifest['tables'][n]['rows'])} (+{len(d['added'])} ~{len(d['changed'])} "
                    f"-{len(d['removed'])})" for n, d in diff.items()))
    return target
