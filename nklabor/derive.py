"""Derive the processed tables: typed copies of the curated tables, the country-year panel and the conflicts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa

from nklabor.checks import period_start
from nklabor.schemas import (
    ACTION_TYPES,
    BASES,
    CONFLICT_TOLERANCE,
    COUNTED,
    FLOW_MEASURES,
    MEASURES,
    PRECISIONS,
    SCOPES,
    STOCK_MEASURES,
    CountryYear,
    EntitySanctions,
    EntityStatus,
    EstimateConflicts,
    Para8Tracker,
)

OFFICIAL_SOURCE_KINDS = {"un", "government", "legislature", "court"}
UNSCR_2397 = "2017-12-22"

CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
ESTIMATOR_RANK = {"host_government": 0, "un": 0, "us_government": 1, "rok_government": 1, "other_government": 1,
                  "researcher": 2, "ngo": 2, "employer": 3, "media": 3, "testimony": 4}


def typed_table(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Give a validated raw table its published dtypes: vocabularies as categoricals, dates parsed with precision.

    Columns stay pandas/Arrow arrays throughout (a detour through Python objects costs seconds at a million rows)
    and become one frame at the end."""
    out = {}
    for name, col in schema.columns.items():
        values = frame[name].reset_index(drop=True)
        vocab = next((c.statistics["allowed_values"] for c in col.checks if c.name == "isin"), None)
        if vocab is not None:
            out[name] = pd.Categorical(values, categories=list(vocab))
        elif str(col.dtype) == "Int64":
            out[name] = pd.array(values, dtype="Int64")
        elif str(col.dtype).startswith("float"):
            out[name] = pd.to_numeric(values).astype("float64").array
        else:
            out[name] = values.astype("string").array
        if col.metadata and col.metadata.get("date"):
            text = values.astype("string")
            out[f"{name}_date"] = pd.to_datetime(period_start(text), format="%Y-%m-%d").astype("datetime64[s]").array
            precision = text.str.len().map({4: "year", 7: "month", 10: "day"})
            out[f"{name}_precision"] = pd.Categorical(precision, categories=list(PRECISIONS))
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _year(dates: pd.Series) -> pd.Series:
    return pd.to_numeric(dates.astype("string").str[:4]).astype("Int64")


def point_figure(est: pd.DataFrame) -> pd.Series:
    """Midpoint of low and high; the low for open-ended figures, the high for 'at most'."""
    low = est["count_low"].astype("Float64")
    high = est["count_high"].astype("Float64")
    mid = (low + high) / 2
    return mid.fillna(low).fillna(high).round().astype("Int64")


def country_year(countries: pd.DataFrame, estimates: pd.DataFrame, actions: pd.DataFrame,
                 best: pd.DataFrame) -> pd.DataFrame:
    """Host country x year: counts and envelope of the figures, the best estimate, and actions by type.

    Each cell is one integer, the country's rank times `_CELL` plus the year, and every per-cell number is a
    numpy bincount or ufunc.at over those; rows are picked column by column, never as whole frames (a pandas
    groupby, join or frame filter costs milliseconds each at any size).
    """
    hosts = pd.Index(np.unique(np.concatenate([countries["iso3"].to_numpy(str), best["iso3"].to_numpy(str)])))
    e_cells, e_cell, rows = _cells(hosts, countries["iso3"], estimates["country_iso3"], estimates["as_of"])
    n = len(e_cells)
    measure, low, high = estimates["measure"], estimates["count_low"], estimates["count_high"]
    national = ((estimates["scope"] == "national") & measure.isin(STOCK_MEASURES)
                & (estimates["qualifier"] != "presence_only") & low.fillna(high).notna()).to_numpy(bool)[rows]
    repatriated = (measure == "workers_repatriated").to_numpy(bool)[rows]
    low, high = low.array[rows], high.array[rows]
    by_e = {
        "n_estimates": np.bincount(e_cell, minlength=n),
        "n_sources": _distinct(e_cell, estimates["source_id"].array[rows], n, count_na=False),
        "has_presence": np.bincount(e_cell, weights=(measure == "workers_present").to_numpy(bool)[rows],
                                    minlength=n) > 0,
        "n_national_figures": np.bincount(e_cell[national], minlength=n),
        "sourced_low": _cell_extreme(np.minimum, e_cell[national], low[national], n),
        "sourced_high": _cell_extreme(np.maximum, e_cell[national], high.fillna(low)[national], n),
        "workers_repatriated": _cell_extreme(np.maximum, e_cell[repatriated], point_figure(
            pd.DataFrame({"count_low": low[repatriated], "count_high": high[repatriated]})).array, n),
    }
    a_cells, a_cell, rows = _cells(hosts, countries["iso3"], actions["target_country_iso3"], actions["date"])
    types = pd.Index(ACTION_TYPES).get_indexer(actions["action_type"])[rows]
    by_type = np.zeros((len(a_cells) + 1, len(ACTION_TYPES) + 1), dtype="int64")  # the last row: no actions
    np.add.at(by_type, (a_cell, types), 1)  # code -1 (a type outside the vocabulary) lands in the last column
    b_cell = hosts.get_indexer(best["iso3"].astype(str)) * _CELL + best["year"].to_numpy("int64")
    cells = np.union1d(_panel_index(np.union1d(e_cells, a_cells)), b_cell)
    at_e, at_a, at_b = (pd.Index(c).get_indexer(cells) for c in (e_cells, a_cells, b_cell))
    a_counts = by_type[at_a]  # -1 (no actions that year) picks the last row, all zeros
    frame = pd.DataFrame({
        "iso3": pd.array(hosts.to_numpy()[cells // _CELL], dtype="string"),
        "year": pd.array(cells % _CELL, dtype="Int64"),
        **{name: _take(values, at_e) for name, values in by_e.items()},
        "best": best["best"].array.take(at_b, allow_fill=True),
        "best_low_80": best["low_80"].array.take(at_b, allow_fill=True),
        "best_high_80": best["high_80"].array.take(at_b, allow_fill=True),
        "best_display": pd.array(best["display"], dtype="string").take(at_b, allow_fill=True),
        "basis": pd.Categorical(best["basis"], categories=list(BASES), ordered=False).take(at_b, allow_fill=True),
        "rests_on_low_confidence": pd.array(best["rests_on_low_confidence"], dtype="boolean").take(at_b,
                                                                                                   allow_fill=True),
        "n_actions": pd.array(a_counts.sum(axis=1), dtype="Int64"),
        **{f"actions_{t}": pd.array(a_counts[:, i], dtype="Int64") for i, t in enumerate(ACTION_TYPES)},
    })
    return CountryYear.validate(frame[list(CountryYear.to_schema().columns)])


#: Cell keys of country_year: country rank * _CELL + year (years have four digits).
_CELL = 10_000


def _cells(hosts: pd.Index, countries: pd.Series, iso3: pd.Series, dates: pd.Series):
    """The sorted distinct cells of the rows in `countries` with a year, each such row's cell among them (its
    position), and those rows (a mask)."""
    year = dates.str.slice(0, 4).astype("Float64").to_numpy("float64", na_value=np.nan)
    rank = hosts.get_indexer(iso3)
    rows = np.append(hosts.isin(countries), False)[rank] & ~np.isnan(year)  # rank -1 (not a host) picks False
    distinct, position = np.unique(rank[rows] * _CELL + year[rows].astype("int64"), return_inverse=True)
    return distinct, position.reshape(-1), rows


def _cell_extreme(ufunc, cell: np.ndarray, values: pd.Series, n: int) -> pd.arrays.IntegerArray:
    """np.minimum or np.maximum of a nullable integer column per cell, skipping <NA>; <NA> where a cell has none."""
    ok = ~pd.isna(values)
    start = np.iinfo("int64").max if ufunc is np.minimum else np.iinfo("int64").min
    out = np.full(n, start, dtype="int64")
    ufunc.at(out, cell[ok], values.to_numpy("int64", na_value=0)[ok])
    return pd.arrays.IntegerArray(out, np.bincount(cell[ok], minlength=n) == 0)


def _take(values, at: np.ndarray):
    """values[at], with -1 as missing: zero for counts, False for flags, <NA> for figures; counts as Int64."""
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return values.take(at, allow_fill=True)
    taken = np.append(values, np.zeros(1, values.dtype))[at]  # -1 picks the appended zero
    return taken if taken.dtype == bool else pd.array(taken, dtype="Int64")


def _panel_index(cells: np.ndarray) -> np.ndarray:
    """Every year from a country's first to its last reported year, with no gaps (from its sorted reported cells)."""
    countries = cells // _CELL
    first = np.unique(countries, return_index=True)[1]  # cells are sorted: a country's first and last years
    last = np.append(first[1:], len(cells)) - 1
    lengths = cells[last] - cells[first] + 1
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(cells[first], lengths) + offsets


def _period_days(est: pd.DataFrame) -> pd.arrays.IntegerArray:
    """Days from period_start to the end of the as_of period (its last day at month or year precision), for flows;
    <NA> for stocks and unstated starts. From typed_table's parsed dates, in numpy."""
    as_of = est["as_of_date"].to_numpy("datetime64[D]")
    start = est["period_start_date"].to_numpy("datetime64[D]")
    precision = est["as_of_precision"]
    month_end = (as_of.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year_end = (as_of.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    end = np.where(precision == "day", as_of, np.where(precision == "month", month_end, year_end))
    known = ~np.isnat(start) & ~np.isnat(end) & est["measure"].isin(FLOW_MEASURES).to_numpy(bool)
    days = np.where(known, (end - start).astype("int64") + 1, 0)
    return pd.arrays.IntegerArray(days, ~known)


def estimate_conflicts(estimates: pd.DataFrame) -> pd.DataFrame:
    """Cells of like figures (country, year, measure, scope, counted, period length) that disagree beyond the
    tolerance.

    Each row's cell is one integer, the six keys' sorted codes in mixed radix, so the cells sort as pandas'
    groupby would sort them and every per-cell number is a numpy reduction; only the rows of the few conflicting
    cells are read in Python, to join their ids.
    """
    point = point_figure(estimates).array
    days = _period_days(estimates)
    flow = estimates["measure"].isin(FLOW_MEASURES).to_numpy(bool)
    rows = np.flatnonzero(~pd.isna(point) & (~flow | ~pd.isna(days)))  # a flow needs a stated period
    year = estimates["as_of_date"].to_numpy("datetime64[Y]").astype("int64")[rows] + 1970
    keys = [estimates["country_iso3"].array[rows], year, estimates["measure"].array[rows],
            estimates["scope"].array[rows], estimates["counted"].array[rows], days[rows]]
    key = np.zeros(len(rows), dtype="int64")
    for values in keys:
        codes, uniques = pd.factorize(values, sort=True)
        key = key * (len(uniques) + 1) + np.where(codes < 0, len(uniques), codes)  # <NA> last, as groupby does
    _, first, cell, size = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    cell = cell.reshape(-1)
    n = len(size)
    point = point.to_numpy("int64", na_value=0)[rows]
    lo, hi = np.full(n, np.iinfo("int64").max), np.full(n, np.iinfo("int64").min)
    np.minimum.at(lo, cell, point)
    np.maximum.at(hi, cell, point)
    scope = keys[3][first]
    mixed = (((scope == "entity") & (_distinct(cell, estimates["entity_id"].array[rows], n) > 1))
             | ((scope == "subnational") & (_distinct(cell, estimates["subnational"].array[rows], n) > 1)))
    mixed = np.asarray(mixed, dtype=bool)  # different employers, sites or places are not the same figure
    close = (lo == hi) | ((lo > 0) & (hi <= lo * (1 + CONFLICT_TOLERANCE)))
    chosen = np.flatnonzero((size > 1) & ~mixed & ~close)
    members = np.flatnonzero(np.isin(cell, chosen))
    members = members[np.argsort(cell[members], kind="stable")]
    ids = estimates["estimate_id"].array[rows][members].tolist()
    estimators = estimates["estimator"].array[rows][members].tolist()
    ends = np.cumsum(size[chosen]).tolist()
    pairs = [sorted(zip(ids[a:b], estimators[a:b])) for a, b in zip([0, *ends[:-1]], ends)]
    at = first[chosen]
    lo, hi = lo[chosen].tolist(), hi[chosen].tolist()
    frame = pd.DataFrame({
        "iso3": pd.array(keys[0][at], dtype="string"), "year": pd.array(year[at], dtype="Int64"),
        "measure": keys[2][at].astype(str), "scope": keys[3][at].astype(str), "counted": keys[4][at].astype(str),
        "period_days": days[rows][at], "n_figures": pd.array(size[chosen], dtype="Int64"),
        "min_figure": pd.array(lo, dtype="Int64"), "max_figure": pd.array(hi, dtype="Int64"),
        "ratio": np.array([round(h / low, 3) if low else float("inf") for low, h in zip(lo, hi)], dtype="float64"),
        "estimate_ids": pd.array([";".join(i for i, _ in group) for group in pairs], dtype="string"),
        "estimators": pd.array([";".join(e for _, e in group) for group in pairs], dtype="string"),
    })
    frame = EstimateConflicts.validate(frame)
    for col, vocab in (("measure", MEASURES), ("scope", SCOPES), ("counted", COUNTED)):
        frame[col] = pd.Categorical(frame[col], categories=list(vocab))
    return frame


def _distinct(cell: np.ndarray, values, n: int, count_na: bool = True) -> np.ndarray:
    """How many distinct values each of n cells holds, <NA> counting as one value or (count_na=False) not at all."""
    codes = pd.factorize(values, use_na_sentinel=not count_na)[0]
    cell, codes = cell[codes >= 0], codes[codes >= 0]
    width = codes.max(initial=0) + 1
    return np.bincount(np.unique(cell * width + codes) // width, minlength=n)


def _join(values) -> str | None:
    items = [str(v) for v in values if isinstance(v, str) and v]
    items = list(dict.fromkeys(i for v in items for i in v.split(";")))
    return ";".join(items) if items else None


def _source_lookup(sources: pd.DataFrame):
    """A function from source ids to (titles '; '-joined, URLs space-joined), in order, each once."""
    ids = sources["source_id"].astype(str).tolist()
    titles = dict(zip(ids, sources["title"].astype(str).tolist()))
    urls = dict(zip(ids, sources["url"].astype(str).tolist()))

    def cited(source_ids) -> tuple[str | None, str | None]:
        ids = list(dict.fromkeys(i for v in source_ids if isinstance(v, str) for i in v.split(";") if i))
        ids = [i for i in ids if i in titles]
        if not ids:
            return None, None
        return "; ".join(titles[i] for i in ids), " ".join(urls[i] for i in ids)

    return cited


def _records(frame: pd.DataFrame, columns: list[str], rows=None) -> list[dict]:
    """Plain dict rows (missing values as None), of `rows` only (a mask) if given: a few hundred rows are grouped
    faster in Python than in pandas. Column by column, never filtering or casting the whole frame."""
    arrays = [frame[c].array if rows is None else frame[c].array[rows] for c in columns]
    values = [a.to_numpy(dtype=object, na_value=None) for a in arrays]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _distinct_pairs(a: pd.Series, b: pd.Series) -> list[tuple]:
    """The distinct (a, b) pairs where a is given, deduplicated in numpy: worker_estimates can be large."""
    rows = _mask(a.notna())
    a_codes, a_values = pd.factorize(a.array[rows])
    b_codes, b_values = pd.factorize(b.array[rows], use_na_sentinel=False)
    pairs = np.unique(a_codes * (len(b_values) + 1) + b_codes)
    a_at, b_at = np.divmod(pairs, len(b_values) + 1)
    return list(zip(a_values.to_numpy(dtype=object, na_value=None)[a_at].tolist(),
                    b_values.to_numpy(dtype=object, na_value=None)[b_at].tolist()))


def _frame(rows: list[dict], model) -> pd.DataFrame:
    """A frame with the model's columns from dict rows, built column by column."""
    columns = list(model.to_schema().columns)
    return pd.DataFrame({c: [r[c] for r in rows] for c in columns}, columns=columns)


def _mask(condition: pd.Series) -> np.ndarray:
    """A writable boolean array (<NA> as False), to be narrowed in place: `rows[rows] = test(column[rows])`."""
    return condition.to_numpy(dtype=bool, na_value=False, copy=True)


def entity_sanctions(actions: pd.DataFrame, entities: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per designated entity and designating actor. A few hundred designations: grouped in plain Python,
    which here is faster than a pandas groupby with string joins."""
    cited = _source_lookup(sources)
    ent = {r["entity_id"]: r for r in _records(entities, ["entity_id", "name", "sectors"])}
    des = _mask(actions["action_type"] == "sanctions_designation") & _mask(actions["target_entity_id"].notna())
    groups: dict[tuple, list[dict]] = {}
    for r in _records(actions, ["action_id", "date", "actor", "target_entity_id", "legal_basis", "reference",
                                "source_id", "other_source_ids"], des):
        groups.setdefault((r["target_entity_id"], r["actor"]), []).append(r)
    rows = []
    for (entity_id, actor), group in sorted(groups.items()):
        group.sort(key=lambda r: (r["date"], r["action_id"]))
        titles, urls = cited([r["source_id"] for r in group] + [r["other_source_ids"] for r in group])
        rows.append({"entity_id": entity_id, "actor": actor, "first_designated": group[0]["date"],
                     "n_designations": len(group), "legal_bases": _join(r["legal_basis"] for r in group),
                     "references": _join(r["reference"] for r in group),
                     "action_ids": ";".join(r["action_id"] for r in group),
                     "name": ent[entity_id]["name"], "sectors": ent[entity_id]["sectors"],
                     "source_titles": titles, "source_urls": urls})
    frame = _frame(rows, EntitySanctions)
    frame["n_designations"] = frame["n_designations"].astype("Int64")
    for col in ("name", "sectors", "source_titles", "source_urls"):
        frame[col] = frame[col].astype("string")
    return EntitySanctions.validate(frame)


def entity_status(entities, presence, actions, estimates, sources, sanctions) -> pd.DataFrame:
    """One row per entity with its status: sanctioned, named_by_government or reported (rule: EntityStatus)."""
    kinds = dict(zip(sources["source_id"].astype(str).tolist(), sources["kind"].astype(str).tolist()))
    cites: dict[str, set] = {}
    hosts: dict[str, set] = {}
    n_actions: dict[str, int] = {}
    for r in _records(presence, ["entity_id", "iso3", "source_id"]):
        cites.setdefault(r["entity_id"], set()).add(r["source_id"])
        hosts.setdefault(r["entity_id"], set()).add(r["iso3"])
    for r in _records(actions, ["target_entity_id", "source_id"], _mask(actions["target_entity_id"].notna())):
        cites.setdefault(r["target_entity_id"], set()).add(r["source_id"])
        n_actions[r["target_entity_id"]] = n_actions.get(r["target_entity_id"], 0) + 1
    for eid, sid in _distinct_pairs(estimates["entity_id"], estimates["source_id"]):
        cites.setdefault(eid, set()).add(sid)
    sanc: dict[str, list[dict]] = {}
    for r in _records(sanctions, ["entity_id", "actor", "first_designated"]):
        sanc.setdefault(r["entity_id"], []).append(r)
    rows = []
    for ent in sorted(_records(entities, ["entity_id", "name", "kind", "source_ids"]), key=lambda r: r["entity_id"]):
        eid = ent["entity_id"]
        src = set(str(ent["source_ids"]).split(";")) | cites.get(eid, set())
        listed = sanc.get(eid, [])
        if listed:
            status = "sanctioned"
        elif {kinds.get(s) for s in src} & OFFICIAL_SOURCE_KINDS or n_actions.get(eid):
            status = "named_by_government"
        else:
            status = "reported"
        rows.append({"entity_id": eid, "name": ent["name"], "kind": str(ent["kind"]), "status": status,
                     "sanctioned_by": ";".join(r["actor"] for r in listed) or None,
                     "first_sanctioned": min(r["first_designated"] for r in listed) if listed else None,
                     "host_countries": ";".join(sorted(hosts.get(eid, set()))) or None, "n_sources": len(src)})
    frame = _frame(rows, EntityStatus)
    frame["n_sources"] = frame["n_sources"].astype("Int64")
    frame = EntityStatus.validate(frame)
    for col in ("kind", "status"):
        allowed = EntityStatus.to_schema().columns[col].checks[0].statistics["allowed_values"]
        frame[col] = pd.Categorical(frame[col], categories=list(allowed))
    return frame


def _un_reporting_states(actions: pd.DataFrame, estimates: pd.DataFrame) -> str | None:
    """'N states by DATE (id)' for every row where the UN says how many states had reported under para 8.

    The UN's actions and the worldwide figures are a few rows: their text is read in Python (the same `re` search
    that pandas' str.extract runs for an unnamed group)."""
    pattern = re.compile(r"(\d+) (?:UN member )?states")
    found = []
    for r in _records(actions, ["date", "action_id", "summary", "legal_basis"], _mask(actions["actor"] == "UN")):
        m = pattern.search(str(r["summary"])) if "2397" in (r["legal_basis"] or "") else None
        if m and "report" in r["summary"]:
            found.append((str(r["date"]), f"{m.group(1)} states by {r['date']} ({r['action_id']})"))
    for r in _records(estimates, ["as_of", "estimate_id", "estimator"], _mask(estimates["country_iso3"] == "WLD")):
        m = pattern.search(r["estimator"]) if "2397" in (r["estimator"] or "") else None
        if m:
            found.append((str(r["as_of"]), f"{m.group(1)} states by {r['as_of']} ({r['estimate_id']})"))
    return "; ".join(text for _, text in sorted(found)) or None


#: A host-government figure belongs in the paragraph 8 record only when it was reported to the UN.
REPORTED_TO_UN = r"(?i)report(?:ed)? to (?:the )?(?:UN|UNSC|1718|Security Council)|implementation report|para 8 report"
#: Numbers sent home, as the host's own para 8 report summary words them ("445 DPRK workers had been sent home").
SENT_HOME = (r"(\d[\d,]*) (?:DPRK |North Korean )?(?:workers|nationals|North Koreans|labourers) (?:had been |were )"
             r"(?:sent home|sent back|repatriated)|repatriated (\d[\d,]*) (?:DPRK|North Korean)")


def _period_end(date: str) -> str:
    """checks.period_end for one date: YYYY and YYYY-MM padded to their (lexically) last day."""
    return date + {4: "-12-31", 7: "-31"}.get(len(date), "")


def _sent_home(summary) -> int | None:
    m = re.search(SENT_HOME, str(summary))
    return int((m.group(1) or m.group(2)).replace(",", "")) if m else None


def para8_tracker(countries, actions, estimates, sources) -> pd.DataFrame:
    """What each host reported to the UN under UNSCR 2397 para 8: its reports, and only the figures it gave the UN
    (a host-government figure from elsewhere, such as a local count, is not part of the record).

    The cheap tests pick the candidate rows first; the text tests then run on those few rows only."""
    cited = _source_lookup(sources)
    official = (_mask(estimates["estimator_kind"] == "host_government")
                & _mask(estimates["count_low"].fillna(estimates["count_high"]).notna()))
    official[official] = _mask(estimates["estimator"][official].fillna("").str.contains(REPORTED_TO_UN))
    figures = [r for r in _records(estimates, ["country_iso3", "measure", "as_of", "estimate_id", "source_id",
                                               "count_low", "count_high"], official)
               if str(r["as_of"]) >= UNSCR_2397[:4] and _period_end(str(r["as_of"])) >= UNSCR_2397]
    points = point_figure(pd.DataFrame({c: pd.array([r[c] for r in figures], dtype="Int64")
                                        for c in ("count_low", "count_high")}))
    context = _un_reporting_states(actions, estimates)
    by_actor: dict[str, list[dict]] = {}
    for r in _records(actions, ["actor", "date", "action_id", "value", "source_id", "summary", "legal_basis"],
                      _mask(actions["action_type"] == "implementation_report")):
        if "2397" in (r["legal_basis"] or ""):
            by_actor.setdefault(r["actor"], []).append(r)
    by_host: dict[str, list[dict]] = {}
    for r, point in zip(figures, points.tolist()):
        by_host.setdefault(str(r["country_iso3"]), []).append({**r, "point": point})
    rows = []
    for c in sorted(_records(countries, ["iso3", "name"]), key=lambda r: r["iso3"]):
        rep = sorted(by_actor.get(c["iso3"], []), key=lambda r: (r["date"], r["action_id"]))
        est = by_host.get(c["iso3"], [])
        repat = [r for r in est if r["measure"] == "workers_repatriated"]
        present = sorted((r for r in est if r["measure"] == "workers_present"),
                         key=lambda r: (r["as_of"], r["estimate_id"]))
        latest = present[-1:]
        interim = [r["date"] for r in rep if r["value"] == "interim"]
        final = [r["date"] for r in rep if r["value"] == "final"]
        used = repat + latest
        batches: dict[str, int] = {}
        for r in repat:
            batches[str(r["as_of"])] = max(batches.get(str(r["as_of"]), 0), int(r["point"]))
        for r in rep:
            sent = _sent_home(r["summary"])
            if sent is not None and sent not in batches.values():
                batches[str(r["date"])] = sent
        titles, urls = cited([r["source_id"] for r in rep] + [r["source_id"] for r in used])
        rows.append({
            "iso3": c["iso3"], "name": c["name"], "report_found": bool(rep),
            "interim_date": interim[0] if interim else None, "final_date": final[0] if final else None,
            "report_action_ids": ";".join(r["action_id"] for r in rep) or None,
            "repatriated_total": sum(batches.values()) if batches else None,
            "repatriated_max": max(batches.values()) if batches else None,
            "remaining_latest": int(latest[0]["point"]) if latest else None,
            "remaining_as_of": latest[0]["as_of"] if latest else None,
            "estimate_ids": ";".join(sorted(r["estimate_id"] for r in used)) or None,
            "source_titles": titles, "source_urls": urls, "un_reporting_states": context})
    frame = _frame(rows, Para8Tracker)
    for col in ("repatriated_total", "repatriated_max", "remaining_latest"):
        frame[col] = frame[col].astype("Int64")
    return Para8Tracker.validate(_strings(frame))


def _strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas' string dtype with <NA>, as in the curated tables."""
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    return frame


def derive_all(frames: dict[str, pd.DataFrame], models: dict) -> dict[str, pd.DataFrame]:
    """All processed tables, keyed by name, from validated raw frames."""
    from nklabor.estimate import estimate_tables

    out = {name: typed_table(frames[name], model.to_schema()) for name, model in models.items()}
    out["best_estimates"], out["world_year"] = estimate_tables(out["worker_estimates"], out["countries"],
                                                                validate=True)
    out["country_year"] = country_year(out["countries"], out["worker_estimates"], out["enforcement_actions"],
                                       out["best_estimates"])
    out["estimate_conflicts"] = estimate_conflicts(out["worker_estimates"])
    out["entity_sanctions"] = entity_sanctions(out["enforcement_actions"], out["entities"], out["sources"])
    out["entity_status"] = entity_status(out["entities"], out["entity_presence"], out["enforcement_actions"],
                                         out["worker_estimates"], out["sources"], out["entity_sanctions"])
    out["para8_tracker"] = para8_tracker(out["countries"], out["enforcement_actions"], out["worker_estimates"],
                                         out["sources"])
    for name in ("entity_sanctions", "entity_status"):
        out[name] = _strings(out[name])
    return out
