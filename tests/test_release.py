"""Releases: a reproducible, citable bundle for spreadsheets, DuckDB, Datasette, Frictionless and FtM tools."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURE_RAW, snapshot

from nklabor.parquet import read_frame
from nklabor.release import ReleaseError, release
from nklabor.release import bundle as release_module
from nklabor.release.fields import table_fields
from nklabor.release.history import load_manifests, parse_version
from nklabor.schemas import ALL_TABLES, MEASURES, PRIMARY_KEYS

ROOT = Path(__file__).resolve().parents[1]
VERSION = "2026.11.0"
QUIET = {"log": lambda m: None}


def make_release(raw: Path, work: Path, version: str = VERSION, **kw) -> Path:
    return release(version, raw=raw, processed=work / "processed", repo=work / "repo", **QUIET, **kw)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(work: Path, version: str) -> dict:
    return json.loads((work / "repo" / "releases" / f"{version}.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """One release of the fixture's raw tables, shared by the read-only tests."""
    work = tmp_path_factory.mktemp("release")
    shutil.copytree(FIXTURE_RAW, work / "raw")
    return make_release(work / "raw", work)


# ----- the bundle ---------------------------------------------------------------------------------------------

def test_bundle_has_every_format(bundle: Path):
    files = set(tree(bundle))
    for name in ALL_TABLES:
        assert {f"csv/{name}.csv", f"parquet/{name}.parquet"} <= files
    assert {"nklabor.sqlite", "metadata.json", "datapackage.json", "entities.ftm.json", "DATA_DICTIONARY.md",
            "CHANGELOG.md", "CITATION.cff", "LICENSE", "SHA256SUMS", "README.md"} <= files
    with zipfile.ZipFile(bundle.parent / f"{bundle.name}.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"{bundle.name}/{f}" for f in files)


def test_sha256sums_check_passes(bundle: Path):
    result = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS").read_text().splitlines()}
    assert listed == set(tree(bundle)) - {"SHA256SUMS"}


def test_frictionless_validate_passes(bundle: Path):
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], cwd=bundle,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_datapackage_schemas_come_from_the_pandera_models(bundle: Path):
    package = json.loads((bundle / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(ALL_TABLES)
    for name, resource in resources.items():
        schema_cols = list(ALL_TABLES[name].to_schema().columns)
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert [n for n in names if n in schema_cols] == schema_cols
        assert names[-2:] == ["first_released", "last_changed"]
        assert names == (bundle / "csv" / f"{name}.csv").read_text().splitlines()[0].split(",")
        if name in PRIMARY_KEYS:
            assert resource["schema"]["primaryKey"] == PRIMARY_KEYS[name]
        assert resource["hash"] == "sha256:" + hashlib.sha256((bundle / resource["path"]).read_bytes()).hexdigest()
    est = {f["name"]: f for f in resources["worker_estimates"]["schema"]["fields"]}
    assert est["measure"]["constraints"]["enum"] == list(MEASURES)
    assert est["count_low"]["type"] == "integer" and est["as_of_date"]["type"] == "date"
    fks = {fk["fields"]: fk["reference"] for fk in resources["worker_estimates"]["schema"]["foreignKeys"]}
    assert fks["source_id"] == {"resource": "sources", "fields": "source_id"}
    assert "country_iso3" not in fks  # WLD is exempt from that reference, so it cannot be a strict foreign key
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["version"] == VERSION


def test_duckdb_reads_the_parquet(bundle: Path):
    import duckdb

    for name in ALL_TABLES:
        path = (bundle / "parquet" / f"{name}.parquet").as_posix()
        rel = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
        assert rel.columns == [f.name for f in table_fields(name)]
        assert len(rel.fetchall()) == len(pd.read_csv(bundle / "csv" / f"{name}.csv"))
    rows = duckdb.sql(f"SELECT estimate_id, count_low, first_released FROM "
                      f"'{(bundle / 'parquet' / 'worker_estimates.parquet').as_posix()}' ORDER BY 1").fetchall()
    assert rows[0] == ("est-0001", 30000, VERSION)


def test_sqlite_has_keys_indexes_and_descriptions(bundle: Path):
    con = sqlite3.connect(bundle / "nklabor.sqlite")
    pk = [r[1] for r in sorted(con.execute("PRAGMA table_info(entity_presence)"), key=lambda r: r[5]) if r[5]]
    assert pk == ["entity_id", "iso3", "source_id"]
    refs = {(r[3], r[2], r[4]) for r in con.execute("PRAGMA foreign_key_list(worker_estimates)")}
    assert ("source_id", "sources", "source_id") in refs and ("entity_id", "entities", "entity_id") in refs
    indexed = {r[1] for r in con.execute("PRAGMA index_list(worker_estimates)")}
    assert "worker_estimates__source_id" in indexed and "worker_estimates__country_iso3" in indexed
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = 'sources'").fetchone()[0]
    assert "-- Stable lower-case slug identifying the source." in ddl
    described = con.execute("SELECT description FROM data_dictionary WHERE table_name = 'worker_estimates' "
                            "AND column_name = 'estimator'").fetchone()[0]
    assert described == ALL_TABLES["worker_estimates"].to_schema().columns["estimator"].description
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO countries (iso3, name, region, first_released, last_changed) "
                    "VALUES ('XXX', 'Nowhere', 'Atlantis', '2026.11.0', '2026.11.0')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_the_sqlite_on_loopback(bundle: Path):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", "-i", str(bundle / "nklabor.sqlite"),
                               "-m", str(bundle / "metadata.json"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/nklabor/worker_estimates.json?_shape=array&measure=workers_repatriated"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    rows = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert [r["estimate_id"] for r in rows] == ["est-0003"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as response:
            meta = json.load(response)
        assert meta["license"] == "CC BY 4.0"
        assert meta["databases"]["nklabor"]["tables"]["sources"]["columns"]["url"]
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.ftm
def test_ftm_export_loads_back_with_the_library(bundle: Path):
    model = pytest.importorskip("followthemoney", reason="install with `make check-ftm` (needs a C++ compiler)").model

    proxies = [model.get_proxy(json.loads(line)) for line in (bundle / "entities.ftm.json").read_text().splitlines()]
    by_id = {p.id: p for p in proxies}
    company = by_id["nklabor-example-construction-co"]
    assert company.schema.name == "Company" and company.get("name") == ["Example Construction Company"]
    assert set(company.get("country")) == {"kp", "ru"}  # based in the DPRK, present in Russia
    sanction = by_id["nklabor-sanction-act-0003"]
    assert sanction.schema.name == "Sanction" and sanction.get("entity") == [company.id]
    assert sanction.get("program") == ["E.O. 13722"] and sanction.get("startDate") == ["2016-12-02"]


def test_data_dictionary_and_citation(bundle: Path):
    from nklabor.dictionary import render

    assert (bundle / "DATA_DICTIONARY.md").read_text().startswith(render().rstrip("\n"))
    cff = (bundle / "CITATION.cff").read_text()
    assert f'version: "{VERSION}"' in cff and "license: CC-BY-4.0" in cff and "date-released: 2026-" in cff


def test_bundled_site_cites_this_release_not_the_last_one(bundle: Path):
    import html

    page = html.unescape((bundle / "site" / "downloads.html").read_text(encoding="utf-8"))
    assert (bundle / "CITATION.cff").read_text(encoding="utf-8") in page
    assert f"version\n{VERSION}," in page or f"version {VERSION}," in page


# ----- reproducibility and safety -----------------------------------------------------------------------------

def test_second_build_is_byte_identical(bundle: Path, raw_copy: Path, tmp_path: Path):
    again = make_release(raw_copy, tmp_path)
    assert tree(again) == tree(bundle)
    assert (again.parent / f"{again.name}.zip").read_bytes() == (bundle.parent / f"{bundle.name}.zip").read_bytes()
    assert (tmp_path / "repo" / "releases" / f"{VERSION}.json").read_bytes() == \
        (bundle.parents[1] / "releases" / f"{VERSION}.json").read_bytes()


def test_csv_neutralises_formula_cells_in_text_columns(raw_copy: Path, tmp_path: Path, monkeypatch):
    """Raw files reject formulas already; the release neutralises any that reach it anyway, and only in the CSV."""
    published = release_module._published
    payloads = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]

    def with_formulas(processed, record):
        frames = published(processed, record)
        frames["countries"]["note"] = pd.array(payloads[:3], dtype="string")
        frames["revenue_wages"].loc[0, "value_as_stated"] = payloads[3]
        frames["sources"]["note"] = pd.array(payloads[4:], dtype="string")
        return frames

    monkeypatch.setattr(release_module, "_published", with_formulas)
    out = make_release(raw_copy, tmp_path)
    def column(name: str, col: str) -> list[str]:
        with open(out / "csv" / f"{name}.csv", newline="", encoding="utf-8") as handle:
            return [row[col] for row in csv.DictReader(handle)]

    assert column("countries", "note") == ["'" + p for p in payloads[:3]]
    assert column("revenue_wages", "value_as_stated") == ["'" + payloads[3]]
    assert column("sources", "note") == ["'" + p for p in payloads[4:]]
    assert column("revenue_wages", "value_low") == ["500000000.0"]  # numbers are not text
    con = sqlite3.connect(out / "nklabor.sqlite")
    assert [r[0] for r in con.execute("SELECT note FROM countries ORDER BY iso3")] == payloads[:3]
    assert read_frame(out / "parquet" / "countries.parquet")["note"].tolist() == payloads[:3]


def test_release_never_modifies_raw(raw_copy: Path, tmp_path: Path):
    before = snapshot(raw_copy)
    make_release(raw_copy, tmp_path)
    assert snapshot(raw_copy) == before


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + line + "\n")


def test_only_actual_designations_become_sanctions(raw_copy: Path, tmp_path: Path):
    _append(raw_copy / "entities.csv", "zeta-trading,Zeta Trading,,,intermediary,CHN,,example-news-2019,,")
    _append(raw_copy / "enforcement_actions.csv", "act-0004,2019-01-01,USA,investigation,CHN,zeta-trading,,,,,,,"
                                                  "Synthetic fixture: an investigation.,example-news-2019,,,,")
    _append(raw_copy / "enforcement_actions.csv", "act-0005,2019-02-01,USA,sanctions_designation,,,,E.O. 13722,,,,,"
                                                  "Synthetic fixture: individuals designated.,example-news-2019,,,,")
    out = make_release(raw_copy, tmp_path)
    entities = [json.loads(line) for line in (out / "entities.ftm.json").read_text().splitlines()]
    assert [e["id"] for e in entities if e["schema"] == "Sanction"] == ["nklabor-sanction-act-0003"]
    zeta = next(e for e in entities if e["id"] == "nklabor-zeta-trading")
    assert "topics" not in zeta["properties"] and zeta["schema"] == "Company"
    company = next(e for e in entities if e["id"] == "nklabor-example-construction-co")
    assert company["properties"]["country"] == ["kp", "ru"] and company["properties"]["topics"] == ["sanction"]


# ----- versions and change tracking ---------------------------------------------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_second_release_tracks_rows_added_changed_and_removed(raw_copy: Path, tmp_path: Path):
    make_release(raw_copy, tmp_path, "2026.10.0")
    _edit(raw_copy / "countries.csv", "MLT,Malta,Europe,", "MLT,Malta,Europe,edited")
    _edit(raw_copy / "worker_estimates.csv",
          "est-0004,MLT,national,,,,workers_present,workers,2016,,,,presence_only,,,unknown,Example Agency,"
          "us_government,medium,example-agency-2018,,,,,\n", "")
    _append(raw_copy / "worker_estimates.csv", "est-0006,CHN,national,,,,workers_present,workers,2018,,100,100,"
                                               "exact,100,,work,Example Agency,host_government,high,"
                                               "example-agency-2018,,,,,")
    out = make_release(raw_copy, tmp_path, "2026.11.0")

    record = manifest(tmp_path, "2026.11.0")
    assert record["previous"] == "2026.10.0"
    assert record["tables"]["countries"]["rows"]["MLT"][1:] == ["2026.10.0", "2026.11.0"]
    assert record["tables"]["countries"]["rows"]["RUS"][1:] == ["2026.10.0", "2026.10.0"]
    assert record["tables"]["worker_estimates"]["rows"]["est-0006"][1:] == ["2026.11.0", "2026.11.0"]
    assert record["removed"]["worker_estimates"] == ["est-0004"]
    assert record["retired"]["worker_estimates"] == {"est-0004": "2026.11.0"}

    countries = pd.read_csv(out / "csv" / "countries.csv").set_index("iso3")
    assert countries.loc["MLT", ["first_released", "last_changed"]].tolist() == ["2026.10.0", "2026.11.0"]
    changelog = (tmp_path / "repo" / "CHANGELOG.md").read_text()
    assert changelog.index("## 2026.11.0") < changelog.index("## 2026.10.0")
    assert "- Added (1): `est-0006`" in changelog and "- Removed (1): `est-0004`" in changelog
    assert "- Changed (1): `MLT`" in changelog
    assert (out / "CHANGELOG.md").read_text() == changelog
    assert 'version: "2026.11.0"' in (tmp_path / "repo" / "CITATION.cff").read_text()


def test_ids_are_never_reused(raw_copy: Path, tmp_path: Path):
    row = ("est-0004,MLT,national,,,,workers_present,workers,2016,,,,presence_only,,,unknown,Example Agency,"
           "us_government,medium,example-agency-2018,,,,,\n")
    make_release(raw_copy, tmp_path, "2026.10.0")
    _edit(raw_copy / "worker_estimates.csv", row, "")
    make_release(raw_copy, tmp_path, "2026.10.1")
    _edit(raw_copy / "worker_estimates.csv", "est-0005,", row + "est-0005,")
    with pytest.raises(ReleaseError, match="est-0004.*never reused"):
        make_release(raw_copy, tmp_path, "2026.11.0")
    assert not (tmp_path / "repo" / "releases" / "2026.11.0.json").exists()


def test_versions_are_calendar_versions_and_increase(raw_copy: Path, tmp_path: Path):
    with pytest.raises(ReleaseError, match="calendar version"):
        make_release(raw_copy, tmp_path, "1.0")
    make_release(raw_copy, tmp_path, "2026.11.0")
    with pytest.raises(ReleaseError, match="newer"):
        make_release(raw_copy, tmp_path, "2026.10.0")
    _edit(raw_copy / "countries.csv", "MLT,Malta,Europe,", "MLT,Malta,Europe,edited")
    with pytest.raises(ReleaseError, match="exists"):
        make_release(raw_copy, tmp_path, "2026.11.0")
    make_release(raw_copy, tmp_path, "2026.11.0", replace=True)


def test_a_release_dated_ahead_or_with_nothing_new_is_refused(raw_copy: Path, tmp_path: Path):
    import datetime as dt

    ahead = dt.date.today() + dt.timedelta(days=62)
    with pytest.raises(ReleaseError, match="in the future"):
        make_release(raw_copy, tmp_path, f"{ahead.year}.{ahead.month:02d}.0")
    assert not (tmp_path / "repo" / "releases").exists()
    make_release(raw_copy, tmp_path, "2026.10.0")
    with pytest.raises(ReleaseError, match="nothing changed since release 2026.10.0"):
        make_release(raw_copy, tmp_path, "2026.11.0")
    make_release(raw_copy, tmp_path, "2026.11.0", force=True)


def test_workbook_has_readme_joined_view_and_tables(bundle: Path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(bundle / "nklabor.xlsx")
    assert book.sheetnames[:7] == ["README", "designations", "prosecutions", "entities", "persons",
                                   "estimates_with_sources", "sources"]
    joined = book["estimates_with_sources"]
    header = [c.value for c in joined[1]]
    for col in ("country_name", "scope", "estimator", "confidence", "source_title", "source_publisher",
                "source_published", "source_url"):
        assert col in header
    assert joined.freeze_panes == "A2" and joined.auto_filter.ref
    assert "country_iso3" not in header  # a reader sees the country's name, and coded values in words
    from nklabor.words import LABELS

    for col in ("scope", "measure", "qualifier", "estimator_kind", "confidence"):
        j = header.index(col)
        cells = {row[j].value for row in joined.iter_rows(min_row=2) if row[j].value}
        assert cells and cells <= set(LABELS[col].values()), (col, cells)
    assert joined.max_row == 1 + 5  # the fixture's five figures
    assert "CC BY 4.0" in " ".join(str(c.value) for row in book["README"].iter_rows() for c in row if c.value)


# ----- the real data ------------------------------------------------------------------------------------------

def test_release_of_the_real_data(tmp_path: Path):
    """The curated data releases cleanly after the committed releases, validates, and data/raw is untouched."""
    from frictionless import validate

    raw = ROOT / "data" / "raw"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(raw.glob("*.csv"))}
    published = sorted(load_manifests(ROOT / "releases"), key=parse_version) if (ROOT / "releases").exists() else []
    if published:
        shutil.copytree(ROOT / "releases", tmp_path / "repo" / "releases")
    year, month, n = parse_version(published[-1]) if published else (2026, 11, -1)
    out = release(f"{year}.{month:02d}.{n + 1}", repo=tmp_path / "repo", **QUIET)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(raw.glob("*.csv"))} == before
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out).returncode == 0
    actions = read_frame(out / "parquet" / "enforcement_actions.parquet")
    designations = actions[actions["action_type"] == "sanctions_designation"]
    targets = designations["target_entity_id"].notna().sum() + sum(
        len([p for p in str(ids).split(";") if p]) for ids in designations["target_person_ids"].dropna())
    lines = (out / "entities.ftm.json").read_text().splitlines()
    assert sum('"schema": "Sanction"' in line for line in lines) == targets
    assert sum('"schema": "Person"' in line for line in lines) == len(read_frame(out / "parquet" / "persons.parquet"))
