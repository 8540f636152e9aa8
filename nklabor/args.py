"""Checks of user arguments, run before any work: one line naming the bad value and what is allowed or closest.

Every public function and CLI command checks its arguments here, so a typo gets "unknown table 'estimates'; did
you mean 'worker_estimates'?" rather than a traceback, an empty frame or an empty chart.
"""

from __future__ import annotations

import difflib
from pathlib import Path


class ArgumentError(ValueError, KeyError):
    """A bad argument. A ValueError (and, for old callers of load(), a KeyError) whose text is one line."""

    __str__ = BaseException.__str__


def _closest(value: str, allowed: list[str], limit: int = 12) -> str:
    text = str(value).lower()
    containing = [a for a in map(str, allowed) if text and len(text) >= 3 and text in a.lower()]
    close = containing[:1] or difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    shown = ", ".join(map(str, allowed[:limit])) + (f", ... ({len(allowed)} in all)" if len(allowed) > limit else "")
    return f"allowed: {shown}"


def choice(kind: str, value, allowed) -> str:
    """`value` if it is one of `allowed`, else ArgumentError naming the closest."""
    allowed = list(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ArgumentError(f"unknown {kind} {value!r}; {_closest(value, allowed)}")
    return value


def choices(kind: str, values, allowed) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else list(values)
    return [choice(kind, v, allowed) for v in values]


def table(name) -> str:
    from nklabor.schemas import ALL_TABLES

    return choice("table", name, ALL_TABLES)


def country(iso3, *, allow_world: bool = False) -> str:
    """An ISO3 code of a host country in the data (or WLD where allowed); case-insensitive."""
    import nklabor

    if not isinstance(iso3, str):
        raise ArgumentError(f"country must be an ISO3 code such as 'RUS', not {iso3!r}")
    code = iso3.strip().upper()
    known = sorted(nklabor.load("countries")["iso3"].astype(str))
    if allow_world:
        known = known + ["WLD"]
    if code not in known:
        names = nklabor.load("countries").set_index("iso3")["name"].astype(str)
        by_name = {n.lower(): c for c, n in names.items()}
        hint = by_name.get(iso3.strip().lower())
        tail = f"did you mean {hint!r}?" if hint else _closest(code, known)
        raise ArgumentError(f"unknown country {iso3!r}: not a host country in nklabor.load('countries'); {tail}")
    return code


def year(value, *, first: int | None = None, last: int | None = None) -> int:
    """A whole year, within [first, last] where given."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            value = int(str(value).strip()) if not isinstance(value, float) else int(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"year must be a whole number such as 2017, not {value!r}") from None
    if (first is not None and value < first) or (last is not None and value > last):
        raise ArgumentError(f"year {value} is outside the data; allowed: {first}-{last}")
    return value


def data_years(table_name: str = "best_estimates") -> tuple[int, int]:
    import nklabor

    years = nklabor.load(table_name)["year"].astype(int)
    return int(years.min()), int(years.max())


FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".eps", ".ps")


def figure_path(path) -> Path:
    """An output file whose suffix matplotlib can write."""
    path = Path(path)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ArgumentError(f"cannot write a figure to {str(path)!r}: unknown suffix {path.suffix or '(none)'!r}; "
                            f"allowed: {', '.join(FIGURE_SUFFIXES)}")
    return path
