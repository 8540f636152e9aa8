"""Generate the data dictionary (docs/data-dictionary.md) from the pandera models."""

from __future__ import annotations

import inspect

import pandas as pd

from nklabor.schemas import ALL_TABLES, DTYPE_KINDS, PRIMARY_KEYS, RAW_TABLES


def _type(col) -> str:
    vocab = next((c.statistics["allowed_values"] for c in col.checks if c.name == "isin"), None)
    if vocab is not None:
        return "category"
    if col.metadata and col.metadata.get("date"):
        return "date string"
    if col.metadata and col.metadata.get("list"):
        return "list (;)"
    return DTYPE_KINDS.get(str(col.dtype), "string")


def _rules(col) -> str:
    parts = []
    for check in col.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            parts.append("one of: " + ", ".join(f"`{v}`" for v in stats["allowed_values"]))
        elif check.name == "list_of":
            parts.append("items from: " + ", ".join(f"`{v}`" for v in stats["allowed"]))
        elif check.name == "str_matches":
            parts.append(f"matches `{stats.get('pattern')}`")
        elif check.name == "country_code":
            extra = ", ".join(stats["allow"])
            parts.append("ISO 3166-1 alpha-3" + (f" or {extra}" if extra else ""))
        elif check.name == "iso_date":
            parts.append("YYYY, YYYY-MM or YYYY-MM-DD, not in the future")
        elif check.name in ("greater_than_or_equal_to", "less_than_or_equal_to"):
            op = ">=" if check.name.startswith("greater") else "<="
            parts.append(f"{op} {next(iter(stats.values()))}")
    if col.unique:
        parts.append("unique")
    if col.metadata and col.metadata.get("references"):
        exempt = col.metadata.get("except")
        parts.append(f"references `{col.metadata['references']}`" + (f" (except {', '.join(exempt)})"
                                                                      if exempt else ""))
    return "; ".join(parts)


def table_dictionary(name: str) -> pd.DataFrame:
    schema = ALL_TABLES[name].to_schema()
    rows = []
    for cname, col in schema.columns.items():
        rows.append({"column": cname, "type": _type(col), "required": not col.nullable,
                     "description": col.description or "", "rules": _rules(col)})
        if col.metadata and col.metadata.get("date") and name in RAW_TABLES:
            rows.append({"column": f"{cname}_date", "type": "date", "required": not col.nullable,
                         "description": f"Processed only: first day of the period given in `{cname}`.",
                         "rules": ""})
            rows.append({"column": f"{cname}_precision", "type": "category", "required": not col.nullable,
                         "description": f"Processed only: precision of `{cname}`.",
                         "rules": "one of: `year`, `month`, `day`"})
    return pd.DataFrame(rows)


def render() -> str:
    lines = ["# nklabor data dictionary", "",
             "Generated from the pandera models in `nklabor/schemas.py` by `python -m nklabor dictionary`; "
             "do not edit by hand.", ""]
    for name, model in ALL_TABLES.items():
        kind = "curated, `data/raw/" + name + ".csv`" if name in RAW_TABLES else "derived in the build"
        lines += [f"## {name}", "", f"*{kind}; processed file `data/processed/{name}.parquet`*", ""]
        lines += [inspect.cleandoc(model.__doc__ or ""), ""]
        if name in PRIMARY_KEYS:
            lines += ["Primary key: " + ", ".join(f"`{k}`" for k in PRIMARY_KEYS[name]), ""]
        lines += ["| column | type | required | description | rules |", "|---|---|---|---|---|"]
        for row in table_dictionary(name).itertuples(index=False):
            lines.append(f"| `{row.column}` | {row.type} | {'yes' if row.required else ''} | "
                         f"{row.description} | {row.rules} |")
        lines.append("")
    return "\n".join(lines)
