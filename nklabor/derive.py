"""Derive the processed tables: typed copies of the curated tables, the country-year panel and the conflicts."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from nklabor.checks import period_end, period_start
from nklabor.schemas import (
    ACTION_TYPES,
    CONFLICT_TOLERANCE,
    PRECISIONS,
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
    """Give a validated raw table its published dtypes: vocabularies as categoricals, dates parsed with precision."""
    out = pd.DataFrame(index=range(len(frame)))
    for name, col in schema.columns.items():
        values = frame[name].reset_index(drop=True)
        vocab = next((c.statistics["allowed_values"] for c in col.checks if c.name == "isin"), None)
        if vocab is not None:
            out[name] = pd.Categorical(values, categories=list(vocab))
        elif str(col.dtype) == "Int64":
            out[name] = pd.array(values, dtype="Int64")
        elif str(col.dtype).startswith("float"):
            out[name] = pd.to_numeric(values).astype("float64")
        else:
            out[name] = values.astype("string")
        if col.metadata and col.metadata.get("date"):
            text = values.astype("string")
            out[f"{name}_date"] = pd.to_datetime(period_start(text), format="%Y-%m-%d").astype("datetime64[s]")
            precision = text.str.len().map({4: "year", 7: "month", 10: "day"})
            out[f"{name}_precision"] = pd.Categorical(precision, categories=list(PRECISIONS))
    return out


def _year(dates: pd.Series) -> pd.Series:
    return pd.to_numeric(dates.astype("string").str[:4]).astype("Int64")


def point_figure(est: pd.DataFrame) -> pd.Series:
    """Midpoint of low and high; the low for open-ended figures, the high for 'at most'."""
    low = est["count_low"].astype("Float64")
    high = est["count_high"].astype("Float64")
    mid = (low + high) / 2
    return mid.fillna(low).fillna(high).round().astype("Int64")


def country_year(countries: pd.DataFrame, estimates: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    est = estimates.assign(year=_year(estimates["as_of"]), point=point_figure(estimates))
    est = est[est["country_iso3"].isin(countries["iso3"])]
    act = actions.assign(year=_year(actions["date"])).dropna(subset=["target_country_iso3"])
    act = act[act["target_country_iso3"].isin(countries["iso3"])]
    panel = _panel_index(est, act)
    key = ["iso3", "year"]
    e = est.rename(columns={"country_iso3": "iso3"}).dropna(subset=["year"])
    present = e[e["measure"] == "workers_present"]
    whole = present["subnational"].isna() & present["sector"].isna() & present["entity_id"].isna()
    counted = present[whole & (present["qualifier"] != "presence_only")]
    by_e = e.groupby(key)
    out = panel.join(by_e.size().rename("n_estimates")).join(by_e["source_id"].nunique().rename("n_sources"))
    out = out.join(present.groupby(key).size().gt(0).rename("has_presence"))
    out = out.join(counted.groupby(key)["count_low"].min().rename("workers_present_low"))
    out = out.join(counted.assign(h=counted["count_high"].fillna(counted["count_low"]))
                   .groupby(key)["h"].max().rename("workers_present_high"))
    out = out.join(_central(counted[counted["confidence"] != "low"]))
    repat = e[e["measure"] == "workers_repatriated"].dropna(subset=["point"])
    out = out.join(repat.groupby(key)["point"].max().rename("workers_repatriated"))
    a = act.rename(columns={"target_country_iso3": "iso3"}).dropna(subset=["year"])
    out = out.join(a.groupby(key).size().rename("n_actions"))
    by_type = pd.crosstab([a["iso3"], a["year"]], a["action_type"].astype(str))
    by_type = by_type.reindex(columns=list(ACTION_TYPES), fill_value=0).add_prefix("actions_")
    out = out.join(by_type)
    counts = ["n_estimates", "n_sources", "n_actions"] + [f"actions_{t}" for t in ACTION_TYPES]
    out[counts] = out[counts].fillna(0)
    out["has_presence"] = out["has_presence"].fillna(False).astype(bool)
    frame = out.reset_index()[list(CountryYear.to_schema().columns)]
    return CountryYear.validate(frame)


def _panel_index(est: pd.DataFrame, act: pd.DataFrame) -> pd.DataFrame:
    """Every year from a country's first to its last reported year (figure or action), with no gaps."""
    years = pd.concat([est[["country_iso3", "year"]].rename(columns={"country_iso3": "iso3"}),
                       act[["target_country_iso3", "year"]].rename(columns={"target_country_iso3": "iso3"})])
    span = years.dropna().groupby("iso3")["year"].agg(["min", "max"]).sort_index()
    pairs = [(iso3, y) for iso3, lo, hi in span.itertuples() for y in range(int(lo), int(hi) + 1)]
    return pd.DataFrame(index=pd.MultiIndex.from_tuples(pairs, names=["iso3", "year"]))


def _central(counted: pd.DataFrame) -> pd.DataFrame:
    """The central figure per country-year by the rule in the CountryYear docstring, with its reason."""
    columns = ["workers_present_central", "central_estimate_id", "central_reason"]
    if counted.empty:
        return pd.DataFrame(columns=columns, index=pd.MultiIndex.from_tuples([], names=["iso3", "year"]))
    ranked = counted.assign(
        conf_rank=counted["confidence"].astype(str).map(CONFIDENCE_RANK),
        est_rank=counted["estimator_kind"].astype(str).map(ESTIMATOR_RANK),
        as_of_key=counted["as_of"].astype(str),
        n=counted.groupby(["iso3", "year"])["estimate_id"].transform("size"),
    ).sort_values(["iso3", "year", "conf_rank", "est_rank", "as_of_key", "estimate_id"],
                  ascending=[True, True, True, True, False, True])
    best = ranked.drop_duplicates(["iso3", "year"]).set_index(["iso3", "year"])
    reason = (best["confidence"].astype(str) + " confidence, estimator kind " + best["estimator_kind"].astype(str)
              + ", as of " + best["as_of"].astype(str) + "; chosen from " + best["n"].astype(str)
              + " counted figure(s)")
    return pd.DataFrame({"workers_present_central": best["point"], "central_estimate_id": best["estimate_id"],
                         "central_reason": reason})


def estimate_conflicts(estimates: pd.DataFrame) -> pd.DataFrame:
    est = estimates.assign(year=_year(estimates["as_of"]), point=point_figure(estimates))
    est = est[est["point"].notna()]
    rows = []
    for (iso3, year, measure), cell in est.groupby(["country_iso3", "year", "measure"], observed=True, sort=True):
        if len(cell) < 2:
            continue
        lo, hi = int(cell["point"].min()), int(cell["point"].max())
        if lo == hi or (lo > 0 and hi <= lo * (1 + CONFLICT_TOLERANCE)):
            continue
        cell = cell.sort_values("estimate_id")
        rows.append({"iso3": iso3, "year": int(year), "measure": str(measure), "n_figures": len(cell),
                     "min_figure": lo, "max_figure": hi, "ratio": round(hi / lo, 3) if lo else float("inf"),
                     "estimate_ids": ";".join(cell["estimate_id"]), "estimators": ";".join(cell["estimator"])})
    frame = pd.DataFrame(rows, columns=list(EstimateConflicts.to_schema().columns))
    frame = EstimateConflicts.validate(frame)
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(EstimateConflicts.to_schema()
                                                                         .columns["measure"].checks[0]
                                                                         .statistics["allowed_values"]))
    return frame


def _join(values) -> str | None:
    items = [str(v) for v in values if isinstance(v, str) and v]
    items = list(dict.fromkeys(i for v in items for i in v.split(";")))
    return ";".join(items) if items else None


def entity_sanctions(actions: pd.DataFrame) -> pd.DataFrame:
    des = actions[(actions["action_type"] == "sanctions_designation") & actions["target_entity_id"].notna()]
    rows = []
    for (entity_id, actor), group in des.groupby(["target_entity_id", "actor"], sort=True):
        group = group.sort_values(["date", "action_id"])
        rows.append({"entity_id": entity_id, "actor": actor, "first_designated": group["date"].iloc[0],
                     "n_designations": len(group), "legal_bases": _join(group["legal_basis"]),
                     "references": _join(group["reference"]), "action_ids": ";".join(group["action_id"])})
    return EntitySanctions.validate(pd.DataFrame(rows, columns=list(EntitySanctions.to_schema().columns)))


def entity_status(entities, presence, actions, estimates, sources, sanctions) -> pd.DataFrame:
    kinds = dict(zip(sources["source_id"], sources["kind"].astype(str)))
    rows = []
    for ent in entities.sort_values("entity_id").itertuples(index=False):
        eid = ent.entity_id
        acts = actions[actions["target_entity_id"] == eid]
        src = set(str(ent.source_ids).split(";")) | set(presence.loc[presence["entity_id"] == eid, "source_id"])
        src |= set(acts["source_id"]) | set(estimates.loc[estimates["entity_id"] == eid, "source_id"])
        sanc = sanctions[sanctions["entity_id"] == eid]
        if len(sanc):
            status = "sanctioned"
        elif {kinds.get(s) for s in src} & OFFICIAL_SOURCE_KINDS or len(acts):
            status = "named_by_government"
        else:
            status = "reported"
        hosts = sorted(set(presence.loc[presence["entity_id"] == eid, "iso3"]))
        rows.append({"entity_id": eid, "name": ent.name, "kind": str(ent.kind), "status": status,
                     "sanctioned_by": ";".join(sanc["actor"]) or None,
                     "first_sanctioned": sanc["first_designated"].min() if len(sanc) else None,
                     "host_countries": ";".join(hosts) or None, "n_sources": len(src)})
    frame = EntityStatus.validate(pd.DataFrame(rows, columns=list(EntityStatus.to_schema().columns)))
    for col in ("kind", "status"):
        allowed = EntityStatus.to_schema().columns[col].checks[0].statistics["allowed_values"]
        frame[col] = pd.Categorical(frame[col], categories=list(allowed))
    return frame


def para8_tracker(countries, actions, estimates) -> pd.DataFrame:
    reports = actions[(actions["action_type"] == "implementation_report")
                      & actions["legal_basis"].fillna("").str.contains("2397")]
    official = estimates[(estimates["estimator_kind"] == "host_government") & estimates["subnational"].isna()
                         & (estimates["as_of"].astype(str) >= UNSCR_2397[:4])
                         & estimates["count_low"].fillna(estimates["count_high"]).notna()]
    official = official[period_end(official["as_of"]) >= UNSCR_2397]
    rows = []
    for c in countries.sort_values("iso3").itertuples(index=False):
        rep = reports[reports["actor"] == c.iso3].sort_values(["date", "action_id"])
        est = official[official["country_iso3"] == c.iso3]
        repat = est[est["measure"] == "workers_repatriated"]
        present = est[est["measure"] == "workers_present"].sort_values(["as_of", "estimate_id"])
        interim = rep[rep["value"] == "interim"]["date"]
        final = rep[rep["value"] == "final"]["date"]
        used = pd.concat([repat, present.tail(1)])
        rows.append({
            "iso3": c.iso3, "name": c.name, "has_report": bool(len(rep)),
            "interim_date": interim.iloc[0] if len(interim) else None,
            "final_date": final.iloc[0] if len(final) else None,
            "report_action_ids": ";".join(rep["action_id"]) or None,
            "repatriated_max": int(point_figure(repat).max()) if len(repat) else None,
            "remaining_latest": int(point_figure(present.tail(1)).iloc[0]) if len(present) else None,
            "remaining_as_of": present["as_of"].iloc[-1] if len(present) else None,
            "estimate_ids": ";".join(sorted(used["estimate_id"])) or None})
    return Para8Tracker.validate(pd.DataFrame(rows, columns=list(Para8Tracker.to_schema().columns)))


def derive_all(frames: dict[str, pd.DataFrame], models: dict) -> dict[str, pd.DataFrame]:
    """All processed tables, keyed by name, from validated raw frames."""
    out = {name: typed_table(frames[name], model.to_schema()) for name, model in models.items()}
    out["country_year"] = country_year(out["countries"], out["worker_estimates"], out["enforcement_actions"])
    out["estimate_conflicts"] = estimate_conflicts(out["worker_estimates"])
    out["entity_sanctions"] = entity_sanctions(out["enforcement_actions"])
    out["entity_status"] = entity_status(out["entities"], out["entity_presence"], out["enforcement_actions"],
                                         out["worker_estimates"], out["sources"], out["entity_sanctions"])
    out["para8_tracker"] = para8_tracker(out["countries"], out["enforcement_actions"], out["worker_estimates"])
    return out
