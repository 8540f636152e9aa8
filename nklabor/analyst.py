"""Joined tables for analysts: designations, prosecutions, entities and persons with names, not ids.

Shared by `nklabor screen`, `nklabor entity`, `nklabor export --xlsx` and the release workbook, so each join is
written once. Every function takes `tables` (name -> frame, as a release holds them) or loads the processed
tables. Coded values are shown in words (nklabor/words.py); dates are datetimes; empty values stay empty.
"""

from __future__ import annotations

import pandas as pd

from nklabor import words


def _getter(tables: dict | None):
    if tables is not None:
        return tables.__getitem__
    import nklabor

    return nklabor.load


JOINED_FROM = ("sources", "entities", "persons", "enforcement_actions", "entity_presence", "entity_status")


def loaded(tables: dict | None = None) -> dict:
    """`tables`, or the processed tables these joins read, each loaded once."""
    if tables is not None:
        return tables
    import nklabor

    return {name: nklabor.load(name) for name in JOINED_FROM}


def split(value) -> list[str]:
    """'a;b' -> ['a', 'b']; an empty value -> []."""
    return [v.strip() for v in str(value).split(";") if v.strip()] if isinstance(value, str) else []


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _date(frame: pd.DataFrame, col: str) -> pd.Series:
    """The parsed date column (`col_date`) where the table has one, else `col` parsed."""
    if f"{col}_date" in frame.columns:
        return pd.to_datetime(frame[f"{col}_date"])
    return pd.to_datetime(frame[col], errors="coerce")


def source_urls(tables: dict | None = None) -> dict[str, str]:
    src = _getter(tables)("sources")
    return {s: u for s, u in zip(src["source_id"], src["url"]) if isinstance(u, str)}


def entity_hosts(tables: dict | None = None) -> dict[str, list[str]]:
    """entity id -> ISO3 codes of the host countries it is reported in (entity_presence)."""
    out: dict[str, set] = {}
    for eid, iso3 in zip(*(_getter(tables)("entity_presence")[c] for c in ("entity_id", "iso3"))):
        out.setdefault(str(eid), set()).add(str(iso3))
    return {k: sorted(v) for k, v in out.items()}


def person_hosts(tables: dict | None = None) -> dict[str, list[str]]:
    """person id -> host countries of the entities the person is linked to."""
    hosts = entity_hosts(tables)
    out = {}
    for pid, eids in zip(*(_getter(tables)("persons")[c] for c in ("person_id", "entity_ids"))):
        out[str(pid)] = sorted({c for e in split(eids) for c in hosts.get(e, [])})
    return out


def designations(tables: dict | None = None) -> pd.DataFrame:
    """One row per sanctions designation and target (entity or person): the target's name, the authority in words,
    the date, legal basis, reference, the target's host countries and the source URL."""
    get = _getter(tables)
    acts = get("enforcement_actions")
    acts = acts[acts["action_type"].astype(str) == "sanctions_designation"].copy()
    acts["when"] = _date(acts, "date")
    ent_names = dict(zip(get("entities")["entity_id"], get("entities")["name"]))
    per_names = dict(zip(get("persons")["person_id"], get("persons")["name"]))
    e_hosts, p_hosts, urls = entity_hosts(tables), person_hosts(tables), source_urls(tables)
    rows = []
    for a in acts.sort_values(["when", "action_id"]).itertuples(index=False):
        targets = ([("entity", a.target_entity_id)] if isinstance(a.target_entity_id, str) else [])
        targets += [("person", p) for p in split(a.target_person_ids)]
        for kind, tid in targets:
            names, hosts = (ent_names, e_hosts) if kind == "entity" else (per_names, p_hosts)
            rows.append({"target_kind": kind, "target_id": tid, "target_name": names.get(tid),
                         "authority": words.authority(a.actor), "designated_on": a.when,
                         "legal_basis": _text(a.legal_basis), "reference": _text(a.reference),
                         "host_countries": words.countries(hosts.get(tid, [])) or None,
                         "summary": _text(a.summary), "source_url": urls.get(a.source_id),
                         "action_id": a.action_id, "actor": a.actor})
    cols = ["target_kind", "target_id", "target_name", "authority", "designated_on", "legal_basis", "reference",
            "host_countries", "summary", "source_url", "action_id", "actor"]
    out = pd.DataFrame(rows, columns=cols)
    out["designated_on"] = pd.to_datetime(out["designated_on"])
    return out


def prosecutions(tables: dict | None = None) -> pd.DataFrame:
    """One row per prosecution step: date, defendants by name, district, case number, stage in words, source."""
    get = _getter(tables)
    acts = get("enforcement_actions")
    acts = acts[acts["action_type"].astype(str) == "prosecution"].copy()
    acts["when"] = _date(acts, "date")
    ent_names = dict(zip(get("entities")["entity_id"], get("entities")["name"]))
    per_names = dict(zip(get("persons")["person_id"], get("persons")["name"]))
    urls = source_urls(tables)
    rows = []
    for a in acts.sort_values(["when", "action_id"]).itertuples(index=False):
        people = [per_names.get(p, p) for p in split(a.target_person_ids)]
        rows.append({"date": a.when, "defendants": "; ".join(people) or None,
                     "entity": ent_names.get(a.target_entity_id) if isinstance(a.target_entity_id, str) else None,
                     "prosecutor": words.authority(a.actor), "district": _text(a.jurisdiction),
                     "case_number": _text(a.reference), "stage": words.label("stage", a.stage) or None,
                     "legal_basis": _text(a.legal_basis), "summary": _text(a.summary),
                     "source_url": urls.get(a.source_id), "action_id": a.action_id,
                     "person_ids": _text(a.target_person_ids)})
    out = pd.DataFrame(rows, columns=["date", "defendants", "entity", "prosecutor", "district", "case_number", "stage",
                                      "legal_basis", "summary", "source_url", "action_id", "person_ids"])
    out["date"] = pd.to_datetime(out["date"])
    return out


def by_target(des: pd.DataFrame, kind: str) -> dict[str, list[dict]]:
    """target id -> its designation rows (dicts), for one target kind."""
    out: dict[str, list[dict]] = {}
    for r in des[des["target_kind"] == kind].to_dict("records"):
        out.setdefault(r["target_id"], []).append(r)
    return out


def _summary(mine: list[dict]) -> dict:
    return {"designated_by": "; ".join(dict.fromkeys(r["authority"] for r in mine)) or None,
            "first_designated": min((r["designated_on"] for r in mine if pd.notna(r["designated_on"])),
                                    default=pd.NaT),
            "legal_bases": "; ".join(dict.fromkeys(r["legal_basis"] for r in mine
                                                   if isinstance(r["legal_basis"], str))) or None}


def entity_list(tables: dict | None = None, des: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every entity with its status, designations, host countries, aliases and Korean name, in words."""
    get = _getter(tables)
    ents = get("entities").sort_values("entity_id")
    status = dict(zip(get("entity_status")["entity_id"], get("entity_status")["status"].astype(str)))
    hosts, urls = entity_hosts(tables), source_urls(tables)
    listed = by_target(designations(tables) if des is None else des, "entity")
    rows = []
    for e in ents.itertuples(index=False):
        first = split(e.source_ids)[:1]
        rows.append({"entity_id": e.entity_id, "name": e.name, "name_ko": _text(e.name_ko),
                     "aliases": "; ".join(split(e.aliases)) or None, "kind": words.label("entity_kind", e.kind),
                     "status": words.label("status", status.get(e.entity_id)) or None,
                     **_summary(listed.get(e.entity_id, [])),
                     "based_in": words.country(e.country_iso3) if isinstance(e.country_iso3, str) else None,
                     "host_countries": words.countries(hosts.get(e.entity_id, [])) or None,
                     "sectors": ", ".join(words.label("sector", s) for s in split(e.sectors)) or None,
                     "note": _text(e.note), "source_url": urls.get(first[0]) if first else None})
    out = pd.DataFrame(rows)
    out["first_designated"] = pd.to_datetime(out["first_designated"])
    return _carry(out, ents, "entity_id")


def person_list(tables: dict | None = None, des: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every person with the naming document in words, designations, linked entities by name, host countries."""
    get = _getter(tables)
    pers = get("persons").sort_values("person_id")
    ent_names = dict(zip(get("entities")["entity_id"], get("entities")["name"]))
    hosts, urls = person_hosts(tables), source_urls(tables)
    listed = by_target(designations(tables) if des is None else des, "person")
    rows = []
    for p in pers.itertuples(index=False):
        first = split(p.source_ids)[:1]
        rows.append({"person_id": p.person_id, "name": p.name, "name_ko": _text(p.name_ko),
                     "aliases": "; ".join(split(p.aliases)) or None, "role": _text(p.role),
                     "nationality": _text(p.nationality),
                     "birth_date": pd.to_datetime(p.birth_date_date) if pd.notna(p.birth_date_date) else pd.NaT,
                     "named_in": words.label("naming", p.naming) or None,
                     **_summary(listed.get(p.person_id, [])),
                     "entities": "; ".join(ent_names.get(e, e) for e in split(p.entity_ids)) or None,
                     "host_countries": words.countries(hosts.get(p.person_id, [])) or None,
                     "note": _text(p.note), "source_url": urls.get(first[0]) if first else None})
    out = pd.DataFrame(rows)
    for col in ("birth_date", "first_designated"):
        out[col] = pd.to_datetime(out[col])
    return _carry(out, pers, "person_id")


def _carry(out: pd.DataFrame, frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Keep a release's version columns (first_released, last_changed) where the table has them."""
    extra = [c for c in ("first_released", "last_changed") if c in frame.columns]
    return out.merge(frame[[key, *extra]], on=key, how="left") if extra else out


#: The coded columns of estimates_with_sources, shown in words in the workbooks (the Python view keeps the codes).
FIGURE_WORDS = ("scope", "sector", "measure", "counted", "qualifier", "estimator_kind", "confidence")


def figures_in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """estimates_with_sources for a spreadsheet reader: coded values in words, the country by name only."""
    out = frame.drop(columns=["country_iso3"])
    for col in FIGURE_WORDS:
        out[col] = frame[col].map(lambda v, col=col: ", ".join(words.label(col, c) for c in split(v)) or None)
    return out


#: The analyst workbook's joined sheets and what each is (README lines).
SHEETS = {
    "designations": "One row per sanctions designation and target: entity or person name, authority, date, legal "
                    "basis, reference, host countries and source URL.",
    "prosecutions": "One row per step of a prosecution: date, defendants by name, district, case number, stage.",
    "entities": "Every organisation with its status, designations, host countries, aliases and Korean name.",
    "persons": "Every person named by a government or UN body: naming document, designations, linked "
               "organisations, host countries.",
}


def analyst_sheets(tables: dict | None = None) -> dict[str, pd.DataFrame]:
    """The joined sheets, in workbook order (see SHEETS)."""
    tables = loaded(tables)
    des = designations(tables)
    return {"designations": des, "prosecutions": prosecutions(tables),
            "entities": entity_list(tables, des), "persons": person_list(tables, des)}
