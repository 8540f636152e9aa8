"""Write one release's tables as CSV, parquet and SQLite, and describe them for Frictionless and Datasette.

Every writer takes the published frames and the fields of release.fields, and writes the same bytes for the
same input: rows in key order, no clock times, fixed parquet settings and zip entry metadata.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd

from nklabor.readcsv import FORMULA_START
from nklabor.release.fields import Field, description, primary_key, table_fields, title

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT", "string": "TEXT"}


def neutralise(text: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula; the value is kept otherwise."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _cell(value, field: Field, *, for_csv: bool):
    if _missing(value):
        return "" if for_csv else None
    if field.type == "integer":
        return str(int(value)) if for_csv else int(value)
    if field.type == "number":
        return repr(float(value)) if for_csv else float(value)
    if field.type == "boolean":
        return ("true" if value else "false") if for_csv else int(bool(value))
    if field.type == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return neutralise(str(value)) if for_csv else str(value)


def _rows(frame: pd.DataFrame, fields: list[Field], *, for_csv: bool):
    for values in frame[[f.name for f in fields]].itertuples(index=False, name=None):
        yield [_cell(v, f, for_csv=for_csv) for v, f in zip(values, fields)]


def _csv_cell(text: str) -> str:
    """RFC 4180 quoting, including a bare carriage return (which the csv module leaves unquoted with LF lines)."""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def write_csv(frame: pd.DataFrame, fields: list[Field], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(_csv_cell(f.name) for f in fields) + "\n")
        for row in _rows(frame, fields, for_csv=True):
            handle.write(",".join(map(_csv_cell, row)) + "\n")


def write_parquet(frame: pd.DataFrame, fields: list[Field], path: Path, version: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame[[f.name for f in fields]], preserve_index=False)
    by_name = {f.name: f for f in fields}
    schema = pa.schema([fld.with_metadata({"description": by_name[fld.name].description}) for fld in table.schema],
                       metadata={b"pandas": table.schema.metadata[b"pandas"], b"nklabor.version": version.encode()})
    pq.write_table(pa.Table.from_arrays(table.columns, schema=schema), path, compression="zstd",
                   write_statistics=True, store_schema=True)


def _ddl(name: str, fields: list[Field]) -> list[str]:
    key = primary_key(name)
    lines = []
    for f in fields:
        col = f'"{f.name}" {SQL_TYPES[f.type]}'
        if f.required:
            col += " NOT NULL"
        if f.unique and key != [f.name]:
            col += " UNIQUE"
        if f.enum:
            col += f' CHECK ("{f.name}" IN (' + ", ".join("'" + v.replace("'", "''") + "'" for v in f.enum) + "))"
        if f.type == "boolean":
            col += f' CHECK ("{f.name}" IN (0, 1))'
        lines.append((col, f.description))
    constraints = []
    if key:
        constraints.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")")
    for f in fields:
        if f.strict_reference:
            table, column = f.strict_reference
            constraints.append(f'FOREIGN KEY ("{f.name}") REFERENCES "{table}" ("{column}")')
    body = [(c, d) for c, d in lines] + [(c, None) for c in constraints]
    out = [f'CREATE TABLE "{name}" (']
    for i, (text, desc) in enumerate(body):
        comma = "," if i < len(body) - 1 else ""
        out.append(f"  {text}{comma}" + (f" -- {desc}" if desc else ""))
    out.append(")")
    return ["\n".join(out)] + [f'CREATE INDEX "{name}__{f.name}" ON "{name}" ("{f.name}")' for f in fields
                               if f.references and not f.is_list and (not key or key[0] != f.name)]


def write_sqlite(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """All tables with primary keys, foreign keys, indexes and vocabularies as CHECKs; descriptions as comments
    in the DDL and in a data_dictionary table."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode = DELETE")
        with con:
            for name, frame in frames.items():
                fields = table_fields(name)
                for statement in _ddl(name, fields):
                    con.execute(statement)
                marks = ", ".join("?" * len(fields))
                con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', _rows(frame, fields, for_csv=False))
            con.execute('CREATE TABLE "data_dictionary" ("table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, '
                        '"type" TEXT NOT NULL, "required" INTEGER NOT NULL, "description" TEXT, '
                        'PRIMARY KEY ("table_name", "column_name"))')
            con.executemany('INSERT INTO "data_dictionary" VALUES (?, ?, ?, ?, ?)',
                            [(name, f.name, f.type, int(f.required), f.description)
                             for name in frames for f in table_fields(name)])
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign key violations in the SQLite file: {broken[:5]}")
        con.execute("VACUUM")
    finally:
        con.close()


def _frictionless_field(f: Field) -> dict:
    out = {"name": f.name, "type": f.type, "description": f.description}
    if f.type == "boolean":
        out.update(trueValues=["true"], falseValues=["false"])
    cons = {}
    if f.required:
        cons["required"] = True
    if f.unique:
        cons["unique"] = True
    if f.enum:
        cons["enum"] = list(f.enum)
    if f.pattern:
        cons["pattern"] = f.pattern
    if f.minimum is not None:
        cons["minimum"] = f.minimum
    if f.maximum is not None:
        cons["maximum"] = f.maximum
    if cons:
        out["constraints"] = cons
    return out


def table_schema(name: str) -> dict:
    fields = table_fields(name)
    schema: dict = {"fields": [_frictionless_field(f) for f in fields], "missingValues": [""]}
    key = primary_key(name)
    if key:
        schema["primaryKey"] = key
    fks = [{"fields": f.name, "reference": {"resource": f.strict_reference[0], "fields": f.strict_reference[1]}}
           for f in fields if f.strict_reference]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def datapackage(names: list[str], folder: Path, version: str, date: str) -> dict:
    resources = []
    for name in names:
        path = folder / "csv" / f"{name}.csv"
        resources.append({
            "name": name, "title": title(name), "description": description(name),
            "path": f"csv/{name}.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": "sha256:" + sha256(path),
            "schema": table_schema(name)})
    return {
        "name": "nklabor-data", "title": "nklabor: North Korea's state-run export of workers abroad",
        "description": ("Where the DPRK sends its citizens to work abroad under state control, how many were "
                        "reported where and when and by whom, which organisations dispatch and employ them, and "
                        "what the UN and governments did about it. Every row cites a source (the sources "
                        "resource). The same tables are in parquet/, nklabor.sqlite and, for entities and "
                        "sanctions, entities.ftm.json. Text cells in the CSV files that begin with =, +, -, @, "
                        "tab or carriage return are prefixed with a single quote so that spreadsheets do not run "
                        "them as formulas; the parquet and SQLite files keep the original text."),
        "version": version, "created": f"{date}T00:00:00Z",
        "licenses": [LICENCE],
        "sources": [{"title": "Documents cited row by row: see the sources resource", "path": "csv/sources.csv"}],
        "contributors": [{"title": "nklabor contributors", "role": "author"}],
        "keywords": ["North Korea", "DPRK", "forced labour", "overseas workers", "sanctions"],
        "resources": resources,
    }


def datasette_metadata(names: list[str], version: str) -> dict:
    tables = {}
    for name in names:
        entry = {"title": title(name), "description": description(name),
                 "columns": {f.name: f.description for f in table_fields(name)}}
        key = primary_key(name)
        if key:
            entry["sort"] = key[0]
        tables[name] = entry
    tables["data_dictionary"] = {"title": "Data dictionary", "description": "Every column of every table."}
    queries = {
        "estimates_with_sources": {
            "title": "Every worker figure with its source",
            "description": "Sourced figures (not reconstructions) joined to the source's title, publisher, date "
                           "and URL. Filter with :country (ISO3, or empty for all).",
            "sql": "select e.estimate_id, e.country_iso3, c.name as country_name, e.scope, e.subnational, e.sector, "
                   "e.measure, e.counted, e.as_of, e.count_low, e.count_high, e.qualifier, e.count_as_stated, "
                   "e.estimator, e.estimator_kind, e.confidence, s.title as source_title, s.publisher as "
                   "source_publisher, s.original_publisher, s.published as source_published, s.url as source_url "
                   "from worker_estimates e join sources s on s.source_id = e.source_id left join countries c on "
                   "c.iso3 = e.country_iso3 where (:country = '' or e.country_iso3 = upper(:country)) "
                   "order by e.country_iso3, e.as_of, e.estimate_id"},
        "designations_by_entity": {
            "title": "Sanctions designations by entity",
            "description": "Each designated entity with the authority, first date, legal bases and the sources.",
            "sql": "select s.entity_id, s.name, s.actor, s.first_designated, s.n_designations, s.legal_bases, "
                   "s.\"references\", s.source_titles, s.source_urls from entity_sanctions s "
                   "order by s.name, s.actor"},
        "screen_name": {
            "title": "Screen a name against entities and persons",
            "description": "Every entity and person whose name, alias or Korean name contains :name (letters "
                           "compared without case), with status, designations and host countries. For fuzzy "
                           "matching across romanisations use `nklabor screen` (docs/SCREENING.md).",
            "sql": "with names as (select 'entity' as kind, entity_id as id, name, name as matched_on from entities "
                   "union all select 'entity', entity_id, name, aliases from entities where aliases is not null "
                   "union all select 'entity', entity_id, name, name_ko from entities where name_ko is not null "
                   "union all select 'person', person_id, name, name from persons "
                   "union all select 'person', person_id, name, aliases from persons where aliases is not null "
                   "union all select 'person', person_id, name, name_ko from persons where name_ko is not null) "
                   "select distinct n.kind, n.id, n.name, n.matched_on, "
                   "case when n.kind = 'entity' then st.status when exists (select 1 from enforcement_actions a "
                   "where a.action_type = 'sanctions_designation' and ';' || a.target_person_ids || ';' like "
                   "'%;' || n.id || ';%') then 'designated' else 'named in ' || p.naming end as status, "
                   "(select group_concat(a.actor || ' ' || a.date || coalesce(' ' || a.legal_basis, ''), '; ') "
                   "from enforcement_actions a where a.action_type = 'sanctions_designation' and "
                   "(a.target_entity_id = n.id or ';' || a.target_person_ids || ';' like '%;' || n.id || ';%')) "
                   "as designations, st.host_countries from names n left join entity_status st on n.kind = "
                   "'entity' and st.entity_id = n.id left join persons p on n.kind = 'person' and p.person_id = "
                   "n.id where :name != '' and (replace(replace(lower(n.matched_on), '-', ''), ' ', '') like "
                   "'%' || replace(replace(lower(:name), '-', ''), ' ', '') || '%') order by n.kind, n.name"},
        "entity_record": {
            "title": "An entity's full record",
            "description": "Everything nklabor holds on one entity (:entity_id, e.g. mansudae-overseas-project-"
                           "group-of-companies), one fact per row: names, status, host countries, designations and "
                           "other actions, persons named with it, and the source of each.",
            "sql": "select 'entity' as part, e.name as detail, e.kind as kind, null as date, e.aliases as more, "
                   "null as source_url from entities e where e.entity_id = :entity_id "
                   "union all select 'status', st.status, st.sanctioned_by, st.first_sanctioned, "
                   "st.host_countries, null from entity_status st where st.entity_id = :entity_id "
                   "union all select 'host country', c.name, p.iso3, null, p.locator, s.url from entity_presence p "
                   "left join countries c on c.iso3 = p.iso3 left join sources s on s.source_id = p.source_id "
                   "where p.entity_id = :entity_id "
                   "union all select 'action', a.summary, a.action_type, a.date, coalesce(a.legal_basis, '') || "
                   "coalesce(' ref. ' || a.reference, ''), s.url from enforcement_actions a left join sources s "
                   "on s.source_id = a.source_id where a.target_entity_id = :entity_id "
                   "union all select 'person', p.name, p.naming, null, p.role, null from persons p where ';' || "
                   "p.entity_ids || ';' like '%;' || :entity_id || ';%' "
                   "union all select 'source', s.title, s.publisher, s.published, s.tier, s.url from sources s "
                   "where s.source_id in (select value from json_each('[\"' || replace((select source_ids from "
                   "entities where entity_id = :entity_id), ';', '\",\"') || '\"]')) "
                   "order by 1, 4"},
    }
    return {
        "title": f"nklabor {version}", "description": "North Korea's state-run export of workers abroad: "
        "sourced figures, entities and enforcement actions. Every row cites a document in the sources table.",
        "license": "CC BY 4.0", "license_url": LICENCE["path"],
        "source": "Documents cited row by row (the sources table)", "source_url": "/nklabor/sources",
        "databases": {"nklabor": {"tables": tables, "queries": queries}},
    }


def write_json(data, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sums(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256(p)}  {p.relative_to(folder).as_posix()}" for p in files]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_zip(folder: Path, path: Path, date: str) -> None:
    """Entries sorted by path, all stamped with the release date and mode 644, so the zip is reproducible."""
    stamp = tuple(int(x) for x in date.split("-")) + (0, 0, 0)
    with zipfile.ZipFile(path, "w") as zf:
        for p in sorted(q for q in folder.rglob("*") if q.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{p.relative_to(folder).as_posix()}", date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, p.read_bytes(), compresslevel=9)
