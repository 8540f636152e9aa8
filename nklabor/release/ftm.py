"""Entities, their host countries and their sanctions designations in the FollowTheMoney model.

Written as line-delimited JSON in FollowTheMoney's entity format (id, schema, properties; countries as lower-case
ISO 3166-1 alpha-2), so the file loads into OpenSanctions-style tools. It is written without the followthemoney
library, whose text-normalising dependency needs a C++ compiler to install; the test suite loads the file back
with the library wherever it is installed (CI installs it). Only enforcement actions of type
sanctions_designation that name a target entity become Sanction entities and give an entity the `sanction`
topic; being reported, named or investigated does not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pycountry

SCHEMA_BY_KIND = {"dprk_state_body": "PublicBody", "dprk_dispatcher": "Company", "host_employer": "Company",
                  "intermediary": "Company", "other": "Organization"}
AUTHORITIES = {"UN": "United Nations Security Council", "EU": "European Union",
               "MSMT": "Multilateral Sanctions Monitoring Team"}
PREFIX = "nklabor-"


def entity_ftm_id(entity_id: str) -> str:
    return f"{PREFIX}{entity_id}"


def _split(value) -> list[str]:
    return [v for v in str(value).split(";") if v] if isinstance(value, str) else []


def _authority(actor: str) -> str:
    if actor in AUTHORITIES:
        return AUTHORITIES[actor]
    country = pycountry.countries.get(alpha_3=actor)
    return getattr(country, "name", actor)


def designations(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions that are sanctions designations of a named entity."""
    chosen = (actions["action_type"].astype(str) == "sanctions_designation") & actions["target_entity_id"].notna()
    return actions[chosen].sort_values("action_id")


def _country(iso3) -> list[str]:
    """FollowTheMoney's country code: lower-case ISO 3166-1 alpha-2."""
    if not isinstance(iso3, str):
        return []
    found = pycountry.countries.get(alpha_3=iso3)
    return [found.alpha_2.lower()] if found else []


class _Entity:
    """A FollowTheMoney entity as plain data: add() keeps each property's values unique."""

    def __init__(self, schema: str, entity_id: str):
        self.schema, self.id, self.properties = schema, entity_id, {}

    def add(self, prop: str, values) -> None:
        values = [values] if isinstance(values, str) else list(values)
        kept = self.properties.setdefault(prop, [])
        kept += [v for v in values if isinstance(v, str) and v and v not in kept]
        if not kept:
            del self.properties[prop]

    def to_dict(self) -> dict:
        return {"id": self.id, "schema": self.schema, "properties": self.properties}


def build_entities(tables: dict[str, pd.DataFrame]) -> list[_Entity]:
    urls = dict(zip(tables["sources"]["source_id"], tables["sources"]["url"]))
    presence = tables["entity_presence"]
    sanctions = designations(tables["enforcement_actions"])
    designated = set(sanctions["target_entity_id"])
    proxies = []
    for ent in tables["entities"].sort_values("entity_id").itertuples(index=False):
        proxy = _Entity(SCHEMA_BY_KIND.get(str(ent.kind), "Organization"), entity_ftm_id(ent.entity_id))
        proxy.add("name", ent.name)
        proxy.add("alias", _split(ent.aliases) + _split(ent.name_ko))
        proxy.add("sector", _split(ent.sectors))
        here = presence[presence["entity_id"] == ent.entity_id]
        proxy.add("mainCountry", _country(ent.country_iso3))
        proxy.add("country", _country(ent.country_iso3) + [c for i in sorted(here["iso3"]) for c in _country(i)])
        proxy.add("sourceUrl", [urls[s] for s in sorted(set(_split(ent.source_ids)) | set(here["source_id"]))
                                if isinstance(urls.get(s), str)])
        if isinstance(ent.note, str):
            proxy.add("notes", ent.note)
        if ent.entity_id in designated:
            proxy.add("topics", "sanction")
        proxies.append(proxy)
    for act in sanctions.itertuples(index=False):
        proxy = _Entity("Sanction", f"{PREFIX}sanction-{act.action_id}")
        proxy.add("entity", entity_ftm_id(act.target_entity_id))
        proxy.add("authority", _authority(act.actor))
        if act.actor not in AUTHORITIES:
            proxy.add("country", _country(act.actor))
        proxy.add("startDate", act.date)
        proxy.add("listingDate", act.date)
        for prop, value in (("program", act.legal_basis), ("programId", act.reference), ("summary", act.summary)):
            if isinstance(value, str):
                proxy.add(prop, value)
        sources = [act.source_id] + _split(getattr(act, "other_source_ids", None))
        proxy.add("sourceUrl", [urls[s] for s in sources if isinstance(urls.get(s), str)])
        proxies.append(proxy)
    return sorted(proxies, key=lambda p: p.id)


def write_ftm(tables: dict[str, pd.DataFrame], path: Path) -> int:
    lines = []
    for proxy in build_entities(tables):
        data = proxy.to_dict()
        data["properties"] = {k: sorted(v) for k, v in sorted(data["properties"].items())}
        lines.append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
