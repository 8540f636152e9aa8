"""Custom pandera checks shared by the schemas.

Registered once on import so that models can use them as `Field(...)` keywords.
Each check is vectorised (it must stay fast at a million rows) and each has a
companion `explain_*` function that says, for one failing value, what is wrong.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

import numpy as np
import pandas as pd
import pycountry
from pandera import dtypes, extensions
from pandera.engines import pandas_engine

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
ISO3_CODES = frozenset(c.alpha_3 for c in pycountry.countries)
SPECIAL_AREAS = {"WLD": "worldwide total", "UN": "United Nations", "EU": "European Union",
                 "MSMT": "Multilateral Sanctions Monitoring Team"}


@pandas_engine.Engine.register_dtype
@dtypes.immutable(init=True)
class Text(pandas_engine.STRING):
    """pandas' default string dtype, checked once per column.

    pandera checks a `str` column value by value and formats a report of the (empty) failures every time, which
    cost about a third of the raw tables' validation. After coercion the column's dtype is all there is to check.
    """

    def check(self, pandera_dtype, data_container=None) -> bool:
        try:
            return pandas_engine.Engine.dtype(pandera_dtype).type == self.type
        except TypeError:
            return False


def _today() -> dt.date:
    return dt.date.today()


def parse_iso_date(value: str) -> tuple[dt.date, str] | None:
    """Return (first day of the period, precision) for YYYY, YYYY-MM or YYYY-MM-DD, else None."""
    m = DATE_RE.fullmatch(value)
    if not m:
        return None
    year, month, day = m.groups()
    try:
        start = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    precision = "day" if day else "month" if month else "year"
    return start, precision


def explain_date(value: str) -> str:
    if not DATE_RE.match(value):
        return "not an ISO 8601 date; write YYYY, YYYY-MM or YYYY-MM-DD"
    parsed = parse_iso_date(value)
    if parsed is None:
        return "not a real calendar date"
    if parsed[0] > _today():
        return "date is in the future"
    return "invalid date"


def period_start(dates: pd.Series) -> pd.Series:
    """YYYY and YYYY-MM padded to the first day, so dates of mixed precision compare and parse as periods."""
    s = dates.astype("string")
    return s.where(s.str.len() != 4, s + "-01-01").where(s.str.len() != 7, s + "-01")


def period_end(dates: pd.Series) -> pd.Series:
    """YYYY and YYYY-MM padded to the (lexically) last day, so a period compares by its end."""
    s = dates.astype("string")
    return s.where(s.str.len() != 4, s + "-12-31").where(s.str.len() != 7, s + "-31")


def date_ok(series: pd.Series) -> pd.Series:
    """True where the value is empty or a real ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD) not in the future.

    Each distinct value is parsed once: a column holds far fewer distinct dates than rows.
    """
    today = _today()
    good = set()
    for value in series.dropna().unique():
        parsed = parse_iso_date(str(value))
        if parsed is not None and parsed[0] <= today:
            good.add(value)
    return series.isna() | pd.Series(member(series, good), index=series.index)


def member(series: pd.Series, values) -> np.ndarray:
    """`series.isin(values)` as a boolean array (<NA> is False). pandas' Arrow-backed strings build one Arrow scalar
    per value in `isin`, slow for sets of hundreds (every id a foreign key may point to); Arrow's own is_in is not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        column = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed Python objects: pandas' own isin handles them
        column = None
    if column is None or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return series.isin(list(values)).to_numpy(dtype=bool)
    found = pc.is_in(column, value_set=pa.array([str(v) for v in values], type=column.type))
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


@extensions.register_check_method(check_type="vectorized")
def iso_date(pandas_obj: pd.Series) -> pd.Series:
    """ISO 8601 date at year, month or day precision, not in the future."""
    return date_ok(pandas_obj)


@extensions.register_check_method(statistics=["allow"], check_type="vectorized")
def country_code(pandas_obj: pd.Series, *, allow: tuple[str, ...]) -> pd.Series:
    """An ISO 3166-1 alpha-3 code (pycountry), or one of the listed special codes."""
    return pandas_obj.isna() | pandas_obj.isin(ISO3_CODES | set(allow))


def explain_country(value: str, allow: tuple[str, ...]) -> str:
    if value in SPECIAL_AREAS and value not in allow:
        return f"'{value}' ({SPECIAL_AREAS[value]}) is not allowed here; give a real country's ISO 3166-1 alpha-3 code"
    hint = ""
    found = None
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        pass
    if found is not None:
        hint = f"; did you mean '{found.alpha_3}' ({found.name})?"
    extra = f" or {', '.join(allow)}" if allow else ""
    return f"not an ISO 3166-1 alpha-3 country code{extra}{hint}"


@extensions.register_check_method(statistics=["allowed"], check_type="vectorized")
def list_of(pandas_obj: pd.Series, *, allowed: tuple[str, ...]) -> pd.Series:
    """A ';'-separated list whose items all come from a vocabulary."""
    allowed_set = set(allowed)

    def ok(cell):
        if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
            return True
        return all(item in allowed_set for item in str(cell).split(";"))

    return pandas_obj.map(ok).astype(bool)


@extensions.register_check_method(statistics=["fields"], check_type="vectorized")
def inferred_of(pandas_obj: pd.Series, *, fields: tuple[str, ...]) -> pd.Series:
    """An `inferred` note: 'field: why; field: why', each field one that the table allows to be inferred."""
    allowed = set(fields)

    def ok(cell):
        if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
            return True
        parts = [p.strip() for p in str(cell).split(";") if p.strip()]
        return bool(parts) and all(":" in p and p.split(":", 1)[0].strip() in allowed and p.split(":", 1)[1].strip()
                                   for p in parts)

    return pandas_obj.map(ok).astype(bool)


def explain_inferred(value: str, fields: tuple[str, ...]) -> str:
    return (f"write 'field: why; field: why', each field one of {', '.join(fields)}")


def not_in_list(values: pd.Series, lists: pd.Series) -> pd.Series:
    """True where `values[i]` is not an item of the ;-separated list `lists[i]`."""
    return pd.Series([not (isinstance(items, str) and str(v) in items.split(";")) for v, items in zip(values, lists)],
                     index=values.index, dtype=bool)


def explain_vocab(value: str, allowed: tuple[str, ...], is_list: bool = False) -> str:
    items = str(value).split(";") if is_list else [str(value)]
    bad = [i for i in items if i not in allowed]
    parts = []
    for item in bad:
        close = difflib.get_close_matches(item, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        parts.append(f"'{item}'{hint}")
    return f"unknown value {', '.join(parts)}; allowed: {', '.join(allowed)}"
