"""Synthetic worker_estimates at any size, citing the real sources, countries and entities so the build accepts it.

Rows are varied like curated ones (every measure and qualifier, optional cells, quoted text with commas) and
deterministic for a given size, so that runs compare.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

from nklabor.schemas import (
    CONFIDENCE,
    COUNTED,
    ENTRY_CHANNELS,
    ESTIMATOR_KINDS,
    FLOW_MEASURES,
    MEASURES,
    SECTORS,
    WorkerEstimates,
)

COLUMNS = list(WorkerEstimates.to_schema().columns)


def _ids(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _counts(rng: random.Random, qualifier: str) -> tuple[str, str, str]:
    low = rng.randrange(10, 200_000)
    if qualifier == "presence_only":
        return "", "", ""
    if qualifier in ("exact", "approximately"):
        return str(low), str(low), f"about {low}"
    if qualifier == "at_least":
        return str(low), "", f"more than {low:,}"
    high = low + rng.randrange(0, 50_000)
    if qualifier == "at_most":
        return "", str(high), f"up to {high}"
    return str(low), str(high), f"{low} to {high}"


def write_estimates(path: Path, rows: int, raw: Path, seed: int = 6) -> None:
    """Write `rows` valid worker_estimates rows to `path`, with foreign keys into the tables in `raw`."""
    rng = random.Random(seed)
    countries = _ids(raw / "countries.csv", "iso3") + ["WLD"]
    sources = _ids(raw / "sources.csv", "source_id")
    entities = _ids(raw / "entities.csv", "entity_id")
    qualifiers = ("exact", "approximately", "at_least", "at_most", "range", "presence_only")
    width = len(str(rows))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(COLUMNS)
        for i in range(rows):
            qualifier = rng.choice(qualifiers)
            low, high, stated = _counts(rng, qualifier)
            year = rng.randrange(1995, 2025)
            as_of = rng.choice((f"{year}", f"{year}-{rng.randrange(1, 13):02d}",
                                f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"))
            subnational = rng.choice(("", "", "Primorsky Krai", "Vladivostok"))
            sector = ";".join(rng.sample(SECTORS, rng.randrange(0, 3)))
            entity = rng.choice(entities) if rng.random() < 0.2 else ""
            scope = ("subnational" if subnational else "entity" if entity else
                     "sector_subset" if sector and rng.random() < 0.3 else "national")
            measure = rng.choice(MEASURES)
            row = {
                "estimate_id": f"est-{i:0{width}d}",
                "country_iso3": rng.choice(countries),
                "scope": scope,
                "subnational": subnational,
                "entity_id": entity,
                "sector": sector,
                "measure": measure,
                "counted": rng.choice(COUNTED) if measure in FLOW_MEASURES else "workers",
                "wording_rule": "",
                "as_of": as_of,
                "period_start": f"{year - 1}" if rng.random() < 0.2 else "",
                "count_low": low, "count_high": high, "qualifier": qualifier, "count_as_stated": stated,
                "entry_channel": rng.choice(ENTRY_CHANNELS + ("",)),
                "estimator": rng.choice(("Ministry of Labour", "Example Agency, quoted by \"Example News\"",
                                         "UN Panel of Experts")),
                "estimator_kind": rng.choice(ESTIMATOR_KINDS),
                "confidence": rng.choice(CONFIDENCE),
                "source_id": rng.choice(sources),
                "locator": rng.choice(("", "p. 3", "paras 1-3")),
                "note": rng.choice(("", "Synthetic row for the benchmark.", "Figure, as reported; unverified.")),
                "checked_on": "",
            }
            out.writerow(row.get(c, "") for c in COLUMNS)  # columns the generator does not fill stay empty


def synthetic_raw(dest: Path, rows: int, real_raw: Path) -> Path:
    """A raw folder: the real curated tables with worker_estimates replaced by `rows` synthetic rows."""
    dest.mkdir(parents=True, exist_ok=True)
    for table in real_raw.glob("*.csv"):
        shutil.copy(table, dest / table.name)
    write_estimates(dest / "worker_estimates.csv", rows, real_raw)
    return dest
