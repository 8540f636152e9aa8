"""Validate the raw tables against the pandera models and each other, collecting every problem in one run."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from nklabor import checks
from nklabor.problems import InvalidData, Problem
from nklabor.readcsv import read_table
from nklabor.schemas import PRIMARY_KEYS, RAW_TABLES

INT_RE = re.compile(r"^-?\d+$")
FLOAT_RE = re.compile(r"^-?\d+(\.\d+)?$")


def column_kinds(schema: pa.DataFrameSchema) -> dict[str, str]:
    """Classify columns as int, float, text (free text) or coded (ids, vocabularies, dates, codes)."""
    kinds = {}
    for name, col in schema.columns.items():
        dtype = str(col.dtype)
        if dtype == "Int64":
            kinds[name] = "int"
        elif dtype.startswith("float"):
            kinds[name] = "float"
        elif col.checks or col.metadata or col.unique:
            kinds[name] = "coded"
        else:
            kinds[name] = "text"
    return kinds


def _parse_numbers(frame: pd.DataFrame, kinds: dict[str, str], display: str) -> list[Problem]:
    problems = []
    for name, kind in kinds.items():
        if kind not in ("int", "float"):
            continue
        pattern = INT_RE if kind == "int" else FLOAT_RE
        values = frame[name]
        present = values.notna()
        bad = present & ~values.where(present, "0").str.match(pattern)
        for line, value in values[bad].items():
            problems.append(Problem(display, int(line), name, value, _explain_number(value, kind)))
        frame.loc[bad, name] = None
    return problems


def _explain_number(value: str, kind: str) -> str:
    if re.fullmatch(r"\d{1,3}([,.' ]\d{3})+", value):
        return f"thousands separators are not allowed; write {re.sub(r'[^0-9]', '', value)}"
    if re.fullmatch(r"\d+(\.\d+)?\s*[kKmM]", value):
        return "write the full number (e.g. 52000), not an abbreviation"
    return "not a whole number" if kind == "int" else "not a number"


def _explain_failure(check: str, value: str, column: str, schema: pa.DataFrameSchema) -> str:
    col = schema.columns.get(column)
    if check == "not_nullable":
        return "required value is empty"
    if check == "field_uniqueness":
        return "duplicate value; must be unique in the table"
    if check.startswith("isin"):
        allowed = next(c.statistics["allowed_values"] for c in col.checks if c.name == "isin")
        return checks.explain_vocab(value, tuple(allowed))
    if check.startswith("list_of"):
        allowed = next(c.statistics["allowed"] for c in col.checks if c.name == "list_of")
        return checks.explain_vocab(value, tuple(allowed), is_list=True)
    if check.startswith("inferred_of"):
        fields = next(c.statistics["fields"] for c in col.checks if c.name == "inferred_of")
        return checks.explain_inferred(value, tuple(fields))
    if check.startswith("iso_date"):
        return checks.explain_date(value)
    if check.startswith("country_code"):
        allow = next(c.statistics["allow"] for c in col.checks if c.name == "country_code")
        return checks.explain_country(value, tuple(allow))
    if check.startswith("str_matches"):
        if column == "url":
            return "not an http(s) URL"
        if column == "language":
            return "not a two-letter ISO 639-1 language code"
        return "not a valid id: use lower-case letters a-z, digits and single hyphens"
    if check.startswith("greater_than_or_equal_to"):
        return "must not be negative"
    if check.startswith(("dtype", "coerce_dtype")):
        return f"wrong type ({check})"
    return check.split(": ", 1)[-1]


def _schema_problems(err: SchemaErrors, frame: pd.DataFrame, schema: pa.DataFrameSchema,
                     display: str) -> list[Problem]:
    problems = []
    cases = err.failure_cases
    for case in cases.itertuples(index=False):
        check = str(case.check)
        if check in ("column_in_schema", "column_in_dataframe"):
            continue  # reported by the reader with the header line
        if case.index is None or pd.isna(case.index):
            problems.append(Problem(display, 1, str(case.column), str(case.failure_case), check))
            continue
        line = int(case.index)
        if case.schema_context == "DataFrameSchema":
            column = check.split(":", 1)[0]
            value = frame.at[line, column] if column in frame.columns else ""
            value = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            problems.append(Problem(display, line, column, value, check.split(": ", 1)[-1]))
        else:
            value = "" if case.failure_case is None or pd.isna(case.failure_case) else str(case.failure_case)
            problems.append(Problem(display, line, str(case.column), value,
                                    _explain_failure(check, value, str(case.column), schema)))
    return problems


def _order_problems(frame: pd.DataFrame, key: list[str], display: str) -> list[Problem]:
    if len(key) == 1:  # the common case, without a tuple per row
        values = frame[key[0]].fillna("").astype(object).to_numpy()
        later = np.flatnonzero(values[1:] < values[:-1])
        if not len(later):
            return []
        first = later[0] + 1
        return [Problem(display, int(frame.index[first]), key[0], values[first],
                        f"rows must be sorted by {key[0]}; this row comes after {values[first - 1]!r}")]
    keys = list(frame[key].fillna("").itertuples(index=False, name=None))
    for (line, current), previous in zip(list(zip(frame.index, keys))[1:], keys):
        if current < previous:
            return [Problem(display, int(line), key[0], current[0],
                            f"rows must be sorted by {', '.join(key)}; this row comes after {previous[0]!r}")]
    return []


def _foreign_key_problems(frames: dict[str, pd.DataFrame], displays: dict[str, str]) -> list[Problem]:
    problems = []
    for table, model in RAW_TABLES.items():
        frame = frames.get(table)
        if frame is None:
            continue
        for name, col in model.to_schema().columns.items():
            target = col.metadata.get("references") if col.metadata else None
            if not target:
                continue
            target_table, target_col = target.split(".")
            if target_table not in frames:
                continue
            known = set(frames[target_table][target_col].dropna())
            exempt = set(col.metadata.get("except", []))
            cells = frame[name].dropna()
            if not col.metadata.get("list"):
                cells = cells[~checks.member(cells, known | exempt)]  # most resolve; look closer at the rest
            for line, cell in cells.items():
                items = cell.split(";") if col.metadata.get("list") else [cell]
                for item in items:
                    if item not in known and item not in exempt:
                        hint = _closest(item, known)
                        problems.append(Problem(displays[table], int(line), name, item,
                                                f"no such {target_col} in {target_table}.csv{hint}"))
    return problems


def _closest(value: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Tables that start empty and fill as curators find rows; every other table must have rows.
MAY_BE_EMPTY = {"workforce_shares", "corrections"}


def validate_raw(raw_dir: Path, display_dir: str = "data/raw") -> dict[str, pd.DataFrame]:
    """Read and validate every raw table; return typed frames or raise InvalidData with all problems."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    displays: dict[str, str] = {}
    for table, model in RAW_TABLES.items():
        path = raw_dir / f"{table}.csv"
        display = f"{display_dir}/{table}.csv"
        displays[table] = display
        if not path.exists():
            problems.append(Problem(display, 0, "-", "", "file is missing"))
            continue
        schema = model.to_schema()
        columns = list(schema.columns)
        kinds = column_kinds(schema)
        frame, found = read_table(path, columns, set(columns), display,
                                  {c for c, k in kinds.items() if k == "text"},
                                  allow_empty=table in MAY_BE_EMPTY)
        problems += found
        problems += _parse_numbers(frame, kinds, display)
        try:
            typed = schema.validate(frame, lazy=True)
        except SchemaErrors as err:
            problems += _schema_problems(err, frame, schema, display)
            typed = frame
        if not typed.empty:
            problems += _order_problems(typed, PRIMARY_KEYS[table], display)
        frames[table] = typed
    problems += _foreign_key_problems(frames, displays)
    if problems:
        raise InvalidData(problems)
    return frames
