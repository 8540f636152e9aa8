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
    from nklabor.vocab import TABLE_NAMES

    return choice("table", name, TABLE_NAMES)


def country(iso3, *, allow_world: bool = False) -> str:
    """An ISO3 code of a host country in the data (or WLD where allowed); case-insensitive."""
    import nklabor

    if not isinstance(iso3, str):
        raise ArgumentError(f"country must be an ISO3 code such as 'RUS', not {iso3!r}")
    code = iso3.strip().upper()
    if code == "WLD" and not allow_world:
        raise ArgumentError("'WLD' is the world, not a host country: use nklabor.world(year) for the worldwide "
                            "total")
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
    """A whole year, within [first, last] where given (public entry points pass `year_range()`)."""
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


def year_range() -> tuple[int, int]:
    """The one range of years every command and function accepts: the years of the reconstruction
    (`best_estimates`), which runs from the first year with a figure to the current year."""
    import nklabor

    years = nklabor.load("best_estimates")["year"].astype(int)
    return int(years.min()), int(years.max())


def data_year(value) -> int:
    """A whole year inside `year_range()`."""
    first, last = year_range()
    return year(value, first=first, last=last)


def output_file(path, suffixes: tuple[str, ...], what: str = "file") -> Path:
    """An output file with an allowed suffix whose folder exists or can be made (it is made here)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise ArgumentError(f"cannot write a {what} to {str(path)!r}: unknown suffix {path.suffix or '(none)'!r}; "
                            f"allowed: {', '.join(suffixes)}")
    if path.is_dir():
        raise ArgumentError(f"cannot write to {str(path)!r}: it is a folder; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArgumentError(f"cannot make the folder {str(path.parent)!r} for {str(path)!r}: "
                            f"{err.strerror or err}") from None
    return path


def parameters(cls, changes: dict, *, kind: str = "estimate parameter"):
    """An instance of the dataclass `cls` with `changes` applied, each value parsed and checked by its field.

    Field metadata says what is allowed: ``min``/``max`` for numbers, ``items`` for the vocabulary of a tuple of
    strings. Values may be strings (from the command line: "1.5", "media,testimony"); a plain string is accepted
    where a tuple of strings is meant.
    """
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(cls)}
    default = cls()
    out = {}
    for name, value in changes.items():
        if name not in fields:
            raise ArgumentError(f"unknown {kind} {name!r}; {_closest(name, sorted(fields))}")
        f, current = fields[name], getattr(default, name)
        meta = f.metadata
        if isinstance(current, bool):
            text = str(value).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no"):
                raise ArgumentError(f"{kind} {name} must be true or false, not {value!r}")
            value = text in ("true", "1", "yes")
        elif isinstance(current, (int, float)):
            typ = type(current)
            try:
                if isinstance(value, bool) or (typ is int and isinstance(value, float) and not value.is_integer()):
                    raise ValueError
                number = typ(float(value)) if typ is int and not isinstance(value, str) else typ(str(value).strip())
            except (TypeError, ValueError):
                word = "a whole number" if typ is int else "a number"
                raise ArgumentError(f"{kind} {name} must be {word}, not {value!r}") from None
            low, high = meta.get("min"), meta.get("max")
            if (low is not None and number < low) or (high is not None and number > high):
                raise ArgumentError(f"{kind} {name}={number} is out of range; allowed: "
                                    f"{low if low is not None else '-inf'} to {high if high is not None else 'inf'}")
            value = number
        elif isinstance(current, tuple):
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            try:
                value = tuple(value)
            except TypeError:
                raise ArgumentError(f"{kind} {name} must be a list of values, not {value!r}") from None
            if "items" in meta:
                for item in value:
                    choice(f"value of {name}:", item, meta["items"])
        elif isinstance(current, dict):
            if not isinstance(value, dict):
                raise ArgumentError(f"{kind} {name} must be a mapping such as {current!r}, not {value!r}")
            unknown = sorted(set(value) - set(current))
            if unknown:
                raise ArgumentError(f"unknown key {unknown[0]!r} in {kind} {name}; allowed: {', '.join(current)}")
            for key, v in value.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    raise ArgumentError(f"{kind} {name}[{key!r}] must be a number >= 0, not {v!r}")
            value = {**current, **value}
        out[name] = value
    return dataclasses.replace(default, **out)


FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".eps", ".ps")


def figure_path(path) -> Path:
    """An output file whose suffix matplotlib can write."""
    path = Path(path)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ArgumentError(f"cannot write a figure to {str(path)!r}: unknown suffix {path.suffix or '(none)'!r}; "
                            f"allowed: {', '.join(FIGURE_SUFFIXES)}")
    return path
