"""Entities, persons, their links, host countries and sanctions designations in the FollowTheMoney model.

Written as line-delimited JSON in FollowTheMoney's entity format (id, schema, properties; countries as lower-case
ISO 3166-1 alpha-2), so the file loads into OpenSanctions-style tools. It is written without the followthemoney
library, whose text-normalising dependency needs a C++ compiler to install; the test suite loads the file back
with the library wherever it is installed (CI installs it). Only enforcement actions of type
sanctions_designation that name a target entity or person become Sanction entities and give the target the
`sanction` topic; being reported, named or investigated does not.

Persons carry name, aliases and Korean name; nationality and birth date only where the data has them (the naming
authority published them). A person linked to an entity (persons.entity_ids) becomes a Directorship,
Employment or Representation where the person's role, as the naming document words it, says so (LINK_RULES),
else an UnknownLink. Ids are built from the project's stable row ids, so they stay the same across releases.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pycountry

SCHEMA_BY_KIND = {"dprk_state_body": "PublicBody", "dprk_dispatcher": "Company", "host_employer": "Company",
                  "intermediary": "Company", "other": "Organization"}
AUTHORITIES = {"UN": "United Nations Security Council", "EU": "European Union",
               "MSMT": "Multilateral Sanctions Monitoring Team"}
PREFIX = "nklabor-"


#: (pattern in the person's role, FtM schema, property for the person, property for the entity); first match wins.
LINK_RULES = [
    (r"\b(representative|agent|envoy)\b", "Representation", "agent", "client"),
    (r"\b(director|head|chief|president|chairman|chairwoman|ceo|executive|founder|owner|rector|provost|runs)\b",
     "Directorship", "director", "organization"),
    (r"\b(worker|employee|operative|staff|official|officer|engineer|developer|member|banker|accountant|manager)\b",
     "Employment", "employee", "employer"),
]
#: The topic a person's naming document gives (FtM topics).
NAMING_TOPICS = {"designation": "sanction", "indictment": "crime", "wanted_notice": "wanted", "reward_offer": "wanted"}


def entity_ftm_id(entity_id: str) -> str:
    return f"{PREFIX}{entity_id}"


def person_ftm_id(person_id: str) -> str:
    return f"{PREFIX}person-{person_id}"


def link_schema(role) -> tuple[str, str, str]:
    """(schema, person property, entity property) for a person's role text."""
    text = str(role).lower() if isinstance(role, str) else ""
    for pattern, schema, person_prop, entity_prop in LINK_RULES:
        if re.search(pattern, text):
            return schema, person_prop, entity_prop
    return "UnknownLink", "subject", "object"


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


def person_designations(actions: pd.DataFrame) -> list[tuple]:
    """(action row, person id) for every designation that names a person."""
    chosen = (actions["action_type"].astype(str) == "sanctions_designation") & actions["target_person_ids"].notna()
    return [(act, pid) for act in actions[chosen].sort_values("action_id").itertuples(index=False)
            for pid in _split(act.target_person_ids)]


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
    named = person_designations(tables["enforcement_actions"])
    listed = {pid for _, pid in named}
    persons = tables["persons"]
    person_ids = set(persons["person_id"])
    for per in persons.sort_values("person_id").itertuples(index=False):
        proxy = _Entity("Person", person_ftm_id(per.person_id))
        proxy.add("name", per.name)
        proxy.add("alias", _split(per.aliases) + _split(per.name_ko))
        if isinstance(per.nationality, str):
            from nklabor.words import country_code

            proxy.add("nationality", _country(country_code(per.nationality)))
        if isinstance(per.birth_date, str):
            proxy.add("birthDate", per.birth_date)
        if isinstance(per.role, str):
            proxy.add("position", per.role)
        if isinstance(per.note, str):
            proxy.add("notes", per.note)
        proxy.add("sourceUrl", [urls[s] for s in _split(per.source_ids) if isinstance(urls.get(s), str)])
        topics = [NAMING_TOPICS.get(str(per.naming))] + (["sanction"] if per.person_id in listed else [])
        proxy.add("topics", [t for t in topics if t])
        proxies.append(proxy)
        for eid in _split(per.entity_ids):
            schema, person_prop, entity_prop = link_schema(per.role)
            link = _Entity(schema, f"{PREFIX}link-{per.person_id}-{eid}")
            link.add(person_prop, person_ftm_id(per.person_id))
            link.add(entity_prop, entity_ftm_id(eid))
            if isinstance(per.role, str):
                link.add("role", per.role)
            link.add("sourceUrl", [urls[s] for s in _split(per.source_ids) if isinstance(urls.get(s), str)])
            proxies.append(link)
    targets = [(act, entity_ftm_id(act.target_entity_id), f"{PREFIX}sanction-{act.action_id}")
               for act in sanctions.itertuples(index=False)]
    targets += [(act, person_ftm_id(pid), f"{PREFIX}sanction-{act.action_id}-{pid}")
                for act, pid in named if pid in person_ids]
    for act, target, sanction_id in targets:
        proxy = _Entity("Sanction", sanction_id)
        proxy.add("entity", target)
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
