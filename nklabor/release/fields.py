"""The published columns of every table, read from the pandera models.

One list of fields per table drives the Frictionless table schemas, the SQLite DDL, the Datasette metadata and
the CSV and parquet writers, so no release format carries a hand-written column list.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from nklabor.schemas import ALL_TABLES, DTYPE_KINDS, PRECISIONS, PRIMARY_KEYS, RAW_TABLES

VERSION_PATTERN = r"[0-9]{4}\.[0-9]{2}\.[0-9]+"
DATE_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, integer, number, boolean or date
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    is_list: bool = False
    references: str | None = None
    exempt: tuple[str, ...] = ()

    @property
    def strict_reference(self) -> tuple[str, str] | None:
        """(table, column) when every value must resolve; None for lists and references with exemptions."""
        if not self.references or self.is_list or self.exempt:
            return None
        table, column = self.references.split(".")
        return table, column


RELEASE_FIELDS = (
    Field("first_released", "string", "Release (YYYY.MM.N) in which this row first appeared.", required=True,
          pattern=VERSION_PATTERN),
    Field("last_changed", "string", "Release in which this row last changed (equal to first_released if never).",
          required=True, pattern=VERSION_PATTERN),
)


def _anchorless(pattern: str) -> str:
    """Table Schema patterns match the whole value and use plain groups."""
    return pattern.removeprefix("^").removesuffix("$").replace("(?:", "(")


def _field(name: str, col) -> Field:
    meta = col.metadata or {}
    kind = DTYPE_KINDS.get(str(col.dtype), "string")
    spec: dict = {"type": kind, "description": col.description or "", "required": not col.nullable,
                  "unique": bool(col.unique), "is_list": bool(meta.get("list")),
                  "references": meta.get("references"), "exempt": tuple(meta.get("except") or ())}
    for check in col.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            spec["enum"] = tuple(stats["allowed_values"])
        elif check.name == "str_matches":
            spec["pattern"] = _anchorless(str(stats["pattern"]))
        elif check.name == "country_code":
            spec["pattern"] = "(" + "|".join(["[A-Z]{3}", *stats["allow"]]) + ")"
        elif check.name == "iso_date":
            spec["pattern"] = DATE_PATTERN
        elif check.name == "list_of":
            item = "(" + "|".join(re.escape(v) for v in stats["allowed"]) + ")"
            spec["pattern"] = f"{item}(;{item})*"
        elif check.name == "greater_than_or_equal_to":
            spec["minimum"] = next(iter(stats.values()))
        elif check.name == "less_than_or_equal_to":
            spec["maximum"] = next(iter(stats.values()))
    return Field(name, **spec)


def table_fields(name: str, *, release: bool = True) -> list[Field]:
    """The columns of a processed table in file order, plus the release's per-row version columns."""
    fields = []
    for cname, col in ALL_TABLES[name].to_schema().columns.items():
        field = _field(cname, col)
        fields.append(field)
        if col.metadata and col.metadata.get("date") and name in RAW_TABLES:
            fields.append(Field(f"{cname}_date", "date", f"First day of the period given in `{cname}`.",
                                required=field.required))
            fields.append(Field(f"{cname}_precision", "string", f"Precision of `{cname}`.", required=field.required,
                                enum=PRECISIONS))
    return fields + list(RELEASE_FIELDS) if release else fields


def primary_key(name: str) -> list[str] | None:
    """Columns that identify a row: PRIMARY_KEYS, else the table's one unique column."""
    if name in PRIMARY_KEYS:
        return list(PRIMARY_KEYS[name])
    unique = [f.name for f in table_fields(name, release=False) if f.unique]
    return unique[:1] or None


def assigned_id(name: str) -> bool:
    """True where the key is one curator-assigned slug column: such ids are never reused once retired."""
    key = primary_key(name)
    if name not in RAW_TABLES or not key or len(key) != 1:
        return False
    col = ALL_TABLES[name].to_schema().columns[key[0]]
    return any(c.name == "str_matches" for c in col.checks)


def title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def description(name: str) -> str:
    return inspect.cleandoc(ALL_TABLES[name].__doc__ or "")
