"""The words a reader sees: every coded value, country code and reconstructed number is shown through here.

One vocabulary for the site, the CLI, the plots and the workbook, so that no raw code (`tip_rating`, `RUS`)
reaches a reader and a label is changed in one place. Light: no pandas, no pandera.
"""

from __future__ import annotations

import csv
import math
from functools import cache

from nklabor import vocab

#: Plain words for coded values, by column. A value missing here falls back to its code with underscores as spaces,
#: and a test keeps every vocabulary value covered.
LABELS: dict[str, dict[str, str]] = {
    "action_type": {
        "un_resolution": "UN resolution", "sanctions_designation": "sanctions designation", "visa_halt": "visa halt",
        "permit_nonrenewal": "permit non-renewal",
        "permit_revocation": "permits revoked", "expulsion": "expulsion", "repatriation": "repatriation",
        "tip_rating": "trafficking report rating", "law": "law", "executive_order": "executive order",
        "customs_order": "customs order", "prosecution": "prosecution", "investigation": "investigation",
        "diplomatic_action": "diplomatic action", "employer_termination": "employer ended contracts",
        "implementation_report": "report to the UN on implementation", "advisory": "advisory", "other": "other action",
    },
    "measure": {
        "workers_present": "workers present", "workers_repatriated": "workers sent home",
        "work_permits_valid": "valid work permits", "work_permits_issued": "work permits issued",
        "visas_issued": "visas issued", "arrivals": "arrivals", "departures": "departures",
    },
    "scope": {
        "national": "whole country", "subnational": "one region", "sector_subset": "one sector",
        "entity": "one firm or site", "cumulative": "total over years", "multi_country": "several countries",
    },
    "qualifier": {
        "exact": "exactly", "approximately": "about", "at_least": "at least", "at_most": "at most",
        "range": "between", "presence_only": "present, no number",
    },
    "estimator_kind": {
        "host_government": "host government", "un": "United Nations", "us_government": "US government",
        "rok_government": "South Korean government", "other_government": "other government", "ngo": "NGO",
        "researcher": "researcher", "media": "news media", "employer": "employer", "testimony": "testimony",
    },
    "confidence": {"high": "high confidence", "medium": "medium confidence", "low": "low confidence"},
    "entity_kind": {
        "dprk_dispatcher": "North Korean dispatching company", "dprk_state_body": "North Korean state body",
        "host_employer": "employer in the host country", "intermediary": "intermediary", "other": "other organisation",
    },
    "sector": {
        "construction": "construction", "logging": "logging", "mining": "mining",
        "fishing_seafood": "fishing and seafood",
        "textiles_garments": "textiles and garments", "shipbuilding": "shipbuilding",
        "restaurants_hospitality": "restaurants and hotels", "medical": "medical work", "it_services": "IT work",
        "agriculture": "agriculture", "monuments_art": "monuments and art", "manufacturing": "manufacturing",
        "other": "other work",
    },
    "basis": {
        "observed": "figures from that year", "reported_zero": "reported as none",
        "interpolated": "between dated figures",
        "carried_forward": "carried forward from earlier figures", "carried_back": "carried back from later figures",
        "presence_only": "workers reported, never counted", "blended": "figures from that year and nearby years",
        "extrapolated": "beyond the dated figures", "official_zero": "reported as none by the host or the UN",
        "imputed": "typical host (no count)",
        "bounds_only": "lower bounds only (a region, a sector, a site or flows)",
    },
    "tier": {"primary": "issuing authority", "outlet": "news organisation", "copy": "copy of an original",
             "aggregator": "rewrite or digest"},
    "stage": {"complaint": "complaint", "indictment": "indictment", "arrest": "arrest", "plea": "guilty plea",
              "trial": "trial", "sentence": "sentence", "forfeiture": "forfeiture", "other": "other stage"},
    "naming": {"designation": "sanctions designation", "indictment": "indictment", "wanted_notice": "wanted notice",
               "reward_offer": "reward offer", "other": "other official document"},
    "source_kind": {"un": "United Nations", "government": "government", "court": "court", "legislature": "legislature",
                    "ngo": "NGO", "academic": "academic", "media": "news media", "blog": "blog",
                    "dprk_state_media": "North Korean state media"},
    "status": {"sanctioned": "sanctioned", "named_by_government": "named by a government",
               "reported": "reported only (no official naming)"},
    "counted": {"workers": "workers", "all_entries": "all entries", "work_entries": "entries for work",
                "study_entries": "entries for study", "other_entries": "other entries"},
    "para8_report": {"interim": "interim report", "final": "final report"},
}

#: Plural forms where adding "s" is wrong or where a count reads better with another noun.
PLURALS = {"action": "actions", "figure": "figures", "source": "sources", "person": "persons", "entity": "entities",
           "country": "countries", "enforcement action": "enforcement actions", "organisation": "organisations",
           "designation": "designations", "year": "years", "result": "results"}

#: Names for codes that are not countries in the countries table.
SPECIAL_PLACES = {"WLD": "worldwide", "PRK": "North Korea", "XXX": "unnamed hosts", "UN": "United Nations",
                  "EU": "European Union", "MSMT": "Multilateral Sanctions Monitoring Team",
                  "USA": "United States", "KOR": "South Korea", "JPN": "Japan", "GBR": "United Kingdom"}

#: Kinds of things a reader can find in the explorer's search, singular.
KINDS = {"country": "country", "entity": "organisation", "person": "person", "source": "source"}


def label(column: str, code: str | None) -> str:
    """Plain words for one coded value of `column` ('' for an empty value)."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return ""
    return LABELS.get(column, {}).get(str(code), str(code).replace("_", " "))


def plural(noun: str, n: int) -> str:
    """'1 action', '3 actions', '1 entity', '2 entities'."""
    if n == 1:
        return f"{n:,} {noun}"
    head, _, last = noun.rpartition(" ")
    many = PLURALS.get(last, last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s")
    return f"{n:,} {PLURALS.get(noun, (head + ' ' if head else '') + many)}"


@cache
def _country_names() -> dict[str, str]:
    from nklabor.paths import raw_dir

    with open(raw_dir() / "countries.csv", encoding="utf-8", newline="") as f:
        return {r["iso3"]: r["name"] for r in csv.DictReader(f)}


def country(iso3: str | None) -> str:
    """The country's name for an ISO3 code (countries table, then pycountry), or the code if neither knows it."""
    if not iso3:
        return ""
    if iso3 in SPECIAL_PLACES:
        return SPECIAL_PLACES[iso3]
    names = _country_names()
    if iso3 in names:
        return names[iso3]
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3)
    return getattr(found, "common_name", None) or getattr(found, "name", None) or iso3


def countries(codes: str | list[str] | None, sep: str = ";") -> str:
    """'CHN;LAO;RUS' -> 'China, Laos and Russia'."""
    if not codes:
        return ""
    items = [country(c.strip()) for c in (codes.split(sep) if isinstance(codes, str) else codes) if c and c.strip()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def round2(value: float | None) -> int | None:
    """Round to two significant figures (a reconstruction never shows more precision than it has)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value == 0:
        return 0
    digits = 1 - int(math.floor(math.log10(abs(value))))
    return int(round(value, digits)) if digits < 0 else int(round(value))


def number(value: float | None) -> str:
    """A reconstructed number for a reader: two significant figures, thousands separated."""
    r = round2(value)
    return "" if r is None else f"{r:,}"


def span(low: float | None, high: float | None) -> str:
    """'4,000\u201320,000': a reconstruction's range, both ends rounded like the number ('' if either is missing)."""
    if low is None or high is None or any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return ""
    return f"{number(low)}\u2013{number(high)}"


def about(value: float | None, low: float | None = None, high: float | None = None, level: int | None = 80) -> str:
    """'about 9,000 (80% range 4,000-20,000)': how a reconstruction is shown wherever people see it. `level`
    None names the range without a probability ('about 9,000 (range 4,000-20,000)')."""
    if value is None:
        return ""
    text = f"about {number(value)}"
    if span(low, high):
        text += f" ({f'{level}% ' if level else ''}range {span(low, high)})"
    return text


def check_covered() -> list[str]:
    """Vocabulary values with no plain-words label (a test keeps this empty)."""
    pairs = {"action_type": vocab.ACTION_TYPES, "measure": vocab.MEASURES, "scope": vocab.SCOPES,
             "qualifier": vocab.QUALIFIERS, "estimator_kind": vocab.ESTIMATOR_KINDS, "confidence": vocab.CONFIDENCE,
             "entity_kind": vocab.ENTITY_KINDS, "sector": vocab.SECTORS, "basis": vocab.BASES, "tier": vocab.TIERS,
             "stage": vocab.STAGES, "naming": vocab.NAMINGS, "source_kind": vocab.SOURCE_KINDS,
             "counted": vocab.COUNTED}
    return [f"{col}={v}" for col, values in pairs.items() for v in values if v not in LABELS.get(col, {})]


#: Designating authorities that are not countries.
AUTHORITIES = {"UN": "UN Security Council", "EU": "European Union", "MSMT": "Multilateral Sanctions Monitoring Team"}


def authority(actor: str | None) -> str:
    """'UN' -> 'UN Security Council', 'USA' -> 'United States'."""
    if not actor:
        return ""
    return AUTHORITIES.get(actor) or country(actor)


#: Nationality as the data words it -> ISO3 (demonyms pycountry does not know).
DEMONYMS = {"north korean": "PRK", "south korean": "KOR", "russian": "RUS", "chinese": "CHN", "american": "USA",
            "mexican": "MEX", "ukrainian": "UKR", "vietnamese": "VNM", "japanese": "JPN", "british": "GBR"}


def country_code(text: str | None) -> str | None:
    """ISO3 for a country name, demonym, ISO2 or ISO3 ('North Korean', 'Russia', 'RU', 'RUS'); None if unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = text.strip()
    if key.lower() in DEMONYMS:
        return DEMONYMS[key.lower()]
    names = {v.lower(): k for k, v in _country_names().items()}
    if key.lower() in names:
        return names[key.lower()]
    import pycountry

    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        return None
