"""Progress figures for the dataset: rows per table, coverage by country and year, confidence and source mix."""

from __future__ import annotations

import pandas as pd

import nklabor


def _share(series: pd.Series) -> str:
    counts = series.astype(str).value_counts()
    total = counts.sum()
    return ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.items())


def _years(years: pd.Series) -> str:
    ys = sorted(set(int(y) for y in years.dropna()))
    if not ys:
        return "-"
    spans, start, prev = [], ys[0], ys[0]
    for y in ys[1:] + [None]:
        if y != prev + 1 if y is not None else True:
            spans.append(f"{start}" if start == prev else f"{start}-{prev}")
            if y is not None:
                start = y
        if y is not None:
            prev = y
    return ",".join(spans)


def _hosts_with_rows(t: dict) -> int:
    hosts = set(t["countries"]["iso3"])
    used = (set(t["worker_estimates"]["country_iso3"]) | set(t["enforcement_actions"]["target_country_iso3"].dropna())
            | set(t["enforcement_actions"]["actor"]) | set(t["entity_presence"]["iso3"]))
    return len(hosts & used)


def _designations(act: pd.DataFrame, src: pd.DataFrame) -> str:
    des = act[act["action_type"] == "sanctions_designation"]
    kinds = dict(zip(src["source_id"], src["kind"].astype(str)))
    own = des["source_id"].map(kinds).isin(["government", "un"])
    return f"{int(own.sum())} of {len(des)}"


def _sanctions_work(act: pd.DataFrame, persons: pd.DataFrame) -> str:
    """What a sanctions-compliance analyst needs: bases, references, case numbers, linked defendants, namings."""
    des = act[act["action_type"] == "sanctions_designation"]
    pro = act[act["action_type"] == "prosecution"]
    linked = set(act["target_person_ids"].dropna().str.split(";").explode())
    return (f"designations with a legal basis: {des['legal_basis'].notna().sum()} of {len(des)}, with a reference: "
            f"{des['reference'].notna().sum()} of {len(des)}; prosecutions with a case number: "
            f"{pro['reference'].notna().sum()} of {len(pro)}, with a stage: {pro['stage'].notna().sum()}, with "
            f"defendants linked: {pro['target_person_ids'].notna().sum()}; persons by naming document: "
            + _share(persons["naming"]) + f"; persons linked to no action: "
            f"{(~persons['person_id'].isin(linked)).sum()} of {len(persons)}")


def _per_year(t: dict) -> dict[int, int]:
    years = pd.concat([t["worker_estimates"]["as_of"], t["enforcement_actions"]["date"],
                       t["revenue_wages"]["as_of"]]).astype(str).str[:4].astype(int)
    counts = years.value_counts()
    return {y: int(counts.get(y, 0)) for y in range(2020, 2027)}


def report() -> str:
    t = {name: nklabor.load(name) for name in nklabor.tables()}
    est, act, src = t["worker_estimates"], t["enforcement_actions"], t["sources"]
    lines = ["Rows per table:"]
    lines += [f"  {name:22s} {len(frame):6d}" for name, frame in t.items()]
    hosts = est[est["country_iso3"] != "WLD"]
    counted = hosts[hosts["qualifier"] != "presence_only"]
    lines += ["",
              f"Host countries with any worker_estimates row: {hosts['country_iso3'].nunique()}"
              f" (with a count: {counted['country_iso3'].nunique()})",
              f"Countries in countries.csv: {len(t['countries'])}; host countries with a sourced row (a figure, an "
              f"action concerning them, or an organisation reported there): {_hosts_with_rows(t)}",
              f"Entities: {len(t['entities'])}; enforcement actions: {len(act)}; sources: {len(src)}",
              "", "worker_estimates by confidence: " + _share(est["confidence"]),
              "worker_estimates by estimator kind: " + _share(est["estimator_kind"]),
              "worker_estimates by source kind: "
              + _share(est.merge(src[["source_id", "kind"]], on="source_id")["kind"]),
              "sources by kind: " + _share(src["kind"]),
              "re-checked against the cited source by a second reader: "
              + ", ".join(f"{name} {t[name]['checked_on'].notna().sum()}/{len(t[name])}"
                          for name in ("worker_estimates", "enforcement_actions", "entities", "revenue_wages",
                                       "persons", "workforce_shares")),
              "rows with a field-by-field reading dated 2026-12-03 (this round): " + ", ".join(
                  f"{name} {(t[name]['checked_on'] == '2026-12-03').sum()}/{len(t[name])}"
                  for name in ("worker_estimates", "enforcement_actions", "revenue_wages", "persons")),
              "worker_estimates by scope: " + _share(est["scope"]),
              "sources that copy another publisher's work: "
              f"{src['original_publisher'].notna().sum()} of {len(src)}",
              "designations citing a government or UN page: " + _designations(act, src),
              "sources by tier: " + _share(src["tier"]),
              _sanctions_work(act, t["persons"]),
              f"corrections logged by second readings: {len(t['corrections'])} (rows touched: "
              f"{t['corrections']['row_id'].nunique()})",
              "rows per as_of year, 2020-2026 (worker_estimates + enforcement_actions + revenue_wages): " + ", ".join(
                  f"{y} {n}" for y, n in _per_year(t).items()),
              "enforcement_actions by type: " + _share(act["action_type"]),
              "", "Years covered per country (worker_estimates as_of):"]
    for iso3, group in est.groupby(est["country_iso3"].astype(str)):
        lines.append(f"  {iso3} {len(group):4d} rows  {_years(group['as_of_date'].dt.year)}")
    return "\n".join(lines)
