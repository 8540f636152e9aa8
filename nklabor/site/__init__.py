"""The static explorer: `nklabor site` writes dist/site/ from the processed tables of the current build.

Plain HTML, CSS and a little JavaScript, no server code, nothing fetched from another host: it works opened from
disk or from any static host. Pages: home (map with a year selector, the world series, headline numbers), one
page per host country and per entity, actions, sources, methods, downloads, and search over a prebuilt index.
The same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from html import escape
from pathlib import Path

import pandas as pd

import nklabor
from nklabor import words
from nklabor.site import svg

ASSETS = Path(__file__).parent / "assets"
KEY_YEARS = [(2017.97, "UNSCR 2397"), (2019.97, "2397 deadline")]


# ----- small helpers -----------------------------------------------------------------------------------------

def e(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return escape(str(value))


def num(value) -> str:
    try:
        return "" if value is None or pd.isna(value) else f"{int(value):,}"
    except (TypeError, ValueError):
        return e(value)


def link(url, text) -> str:
    return f'<a href="{e(url)}">{e(text)}</a>' if isinstance(url, str) and url else e(text)


def table(headers: list[str], rows: list[list[str]], caption: str = "", cls: str = "") -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (f'<div class="scroll"><table class="{cls}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table></div>")


NAV = [("index.html", "Home"), ("countries.html", "Countries"), ("entities.html", "Entities"),
       ("actions.html", "Actions"), ("sources.html", "Sources"), ("methods.html", "Methods"),
       ("downloads.html", "Downloads"), ("search.html", "Search")]


def page(title: str, body: str, depth: int = 0, scripts: tuple[str, ...] = ()) -> str:
    up = "../" * depth
    nav = "".join(f'<a href="{up}{href}">{label}</a>' for href, label in NAV)
    js = "".join(f'<script src="{up}assets/{s}"></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · nklabor</title>
<link rel="stylesheet" href="{up}assets/style.css">
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="{up}index.html">nklabor</a><nav aria-label="Main">{nav}</nav>
<form class="search" action="{up}search.html" role="search"><label for="q-top" class="vh">Search</label>
<input id="q-top" name="q" type="search" placeholder="Country, entity, source"></form></header>
<main id="main">
{body}
</main>
<footer><p>nklabor {escape(nklabor.__version__)} · data CC BY 4.0 · Every figure cites its source.
<strong>Sourced figures</strong> are shown as sources give them; <strong>best estimates</strong> are
reconstructions by code (<a href="{up}methods.html#estimates">method</a>).</p></footer>
{js}
</body></html>
"""


# ----- data ------------------------------------------------------------------------------------------------------

def _tables() -> dict[str, pd.DataFrame]:
    return {name: nklabor.load(name) for name in nklabor.tables()}


def _sources_by_id(t) -> pd.DataFrame:
    return t["sources"].set_index("source_id")


def _source_cell(src: pd.DataFrame, sid) -> str:
    if not isinstance(sid, str) or sid not in src.index:
        return e(sid)
    s = src.loc[sid]
    pub = e(s["publisher"]) + (f" (orig. {e(s['original_publisher'])})" if isinstance(s["original_publisher"], str)
                               else "")
    return f'{link(s["url"], s["title"])}<br><span class="muted">{pub}, {e(s["published"])}</span>'


# ----- pages -----------------------------------------------------------------------------------------------------

def _home(t, names) -> str:
    world = t["world_year"]
    best = t["best_estimates"]
    latest = int(world["year"].max())
    w = world.set_index("year")
    years = [y for y in world["year"] if y >= 2000]
    ww = w.loc[years]
    wld = t["worker_estimates"]
    wld = wld[(wld["country_iso3"] == "WLD") & (wld["scope"] == "national") & wld["count_low"].notna()]
    points = [(float(r.as_of_date.year) + 0.5, float((r.count_low + (r.count_high if pd.notna(r.count_high)
                                                                         else r.count_low)) / 2),
               f"{r.as_of}: {r.count_as_stated} ({r.estimator})", False) for r in wld.itertuples()
              if r.as_of_date.year >= 2000]
    chart = svg.band_chart(years, ww["low_80"].astype(float), ww["best"].astype(float), ww["high_80"].astype(float),
                           points, title="DPRK workers abroad, all host countries: best estimate and interval",
                           desc="Sum of the host countries' best estimates per year (a reconstruction), the interval "
                                "as a band, and the worldwide figures that sources published as points.",
                           gid="world-series", key_years=KEY_YEARS)
    by_year = {}
    for y, g in best[best["year"] >= 2000].groupby("year"):
        by_year[int(y)] = [{"iso3": r.iso3, "best": int(r.best), "low": int(r.low_80), "high": int(r.high_80),
                            "basis": str(r.basis),
                            "imputed": str(r.basis) != "observed" or bool(r.rests_on_low_confidence)}
                           for r in g.itertuples()]
    year_tables = []
    for y in sorted(by_year, reverse=True):
        rows = [[f'<a href="countries/{r["iso3"]}.html">{e(names.get(r["iso3"], r["iso3"]))}</a>',
                 words.number(r["best"]), f'{words.number(r["low"])}\u2013{words.number(r["high"])}',
                 e(words.label("basis", r["basis"]))]
                for r in sorted(by_year[y], key=lambda r: -r["best"])]
        hidden = "" if y == latest else " hidden"
        year_tables.append(f'<div class="year-table" data-year="{y}"{hidden}>'
                           + table(["Country", "Best estimate", "Interval", "Basis"], rows,
                                   f"Best estimates for {y} (reconstructions)") + "</div>")
    options = "".join(f'<option value="{y}"{" selected" if y == latest else ""}>{y}</option>'
                      for y in sorted(by_year, reverse=True))
    lw = w.loc[latest]
    peak = int(w["best"].idxmax())
    pw = w.loc[peak]
    rows = [[str(y), words.number(w.loc[y, "low_80"]), words.number(w.loc[y, "best"]),
             words.number(w.loc[y, "high_80"]),
             num(w.loc[y, "n_countries_counted"]), num(w.loc[y, "n_countries_presence_only"]),
             f"{num(w.loc[y, 'published_low'])}-{num(w.loc[y, 'published_high'])}"
             if pd.notna(w.loc[y, "published_low"]) else ""] for y in sorted(years, reverse=True)]
    body = f"""<h1>DPRK workers abroad: where, how many, and what was done</h1>
<p class="lead">An open dataset of North Korea's state-run export of workers: {len(t['worker_estimates']):,} sourced
figures for {t['countries'].shape[0]} host countries, {len(t['entities'])} organisations and
{len(t['enforcement_actions'])} enforcement actions, each citing one of {len(t['sources'])} sources.</p>
<section class="headline" aria-label="Headline numbers">
<div><span class="big">{words.number(lw['best'])}</span><span>best estimate for {latest}, all host countries
(80% range {words.number(lw['low_80'])}-{words.number(lw['high_80'])}); {num(lw['n_countries_counted'])} countries
counted,
{num(lw['n_countries_presence_only'])} with presence only. A reconstruction.</span></div>
<div><span class="big">{words.number(pw['best'])}</span><span>best estimate for {peak}, the highest year
(80% range {words.number(pw['low_80'])}-{words.number(pw['high_80'])}). Sources then published
{num(pw['published_low'])}-{num(pw['published_high'])}.</span></div>
</section>
<h2 id="map">Map</h2>
<p><label for="year">Year</label> <select id="year">{options}</select></p>
<figure class="mapfig"><div class="scroll">{svg.world_map(by_year, latest, names=names)}</div>
<figcaption>Disc area: best estimate of DPRK workers in the host country during the selected year, a reconstruction
from the sourced figures (rule: <a href="methods.html#estimates">method</a>); ring: high end of its interval; pale
disc: imputed or resting on unnamed sources only; "?": workers reported, never counted (disc: a typical host);
shaded: host countries that year. Base map: Natural Earth.</figcaption></figure>
{''.join(year_tables)}
<h2 id="world">Over time</h2>
<figure>{chart}<figcaption>Line and band: the sum of the countries' best estimates and their intervals
(reconstruction; rule: <a href="methods.html#estimates">method</a>). Points: worldwide all-sector figures published by
sources (hover for who). IT-worker-only figures are not shown here.</figcaption></figure>
<details><summary>The world series as a table</summary>
{table(["Year", "Low", "Best", "High", "Countries counted", "Presence only", "Published (all sectors)"], rows)}
</details>
<h2>Explore</h2>
<ul class="cols"><li><a href="countries.html">Host countries</a></li><li><a href="entities.html">Organisations</a></li>
<li><a href="actions.html">Enforcement actions</a></li><li><a href="sources.html">Sources</a></li>
<li><a href="methods.html">How the data is made</a></li><li><a href="downloads.html">Downloads and citation</a></li>
<li><a href="search.html">Search</a></li></ul>"""
    return page("Home", body, scripts=("site.js",))


def _country(iso3, t, names, src) -> str:
    name = names[iso3]
    best = t["best_estimates"]
    b = best[best["iso3"] == iso3]
    est = t["worker_estimates"]
    rows = est[est["country_iso3"] == iso3].sort_values(["as_of_date", "estimate_id"])
    stock = rows[rows["measure"].isin(["workers_present", "work_permits_valid"]) & rows["count_low"].fillna(
        rows["count_high"]).notna()]
    pts = [(r.as_of_date.year + (r.as_of_date.month - 1) / 12 + 0.04, float(
        ((r.count_low if pd.notna(r.count_low) else r.count_high) + (r.count_high if pd.notna(r.count_high)
                                                                       else r.count_low)) / 2),
            f"{r.as_of}: {r.count_as_stated} ({r.estimator}; {r.scope})", r.scope != "national")
           for r in stock.itertuples()]
    parts = [f"<h1>{e(name)}</h1>"]
    if len(b):
        chart = svg.band_chart(list(b["year"]), b["low_80"].astype(float), b["best"].astype(float),
                               b["high_80"].astype(float), pts, title=f"DPRK workers in {name}: best estimate",
                               desc=f"Best estimate per year for {name} (reconstruction) with its interval, and the "
                                    "sourced stock figures as points.", gid="series", key_years=KEY_YEARS)
        parts.append(f"<figure>{chart}<figcaption>Line and band: best estimate for each year and its interval, a "
                     "reconstruction (rule: <a href=\"../methods.html#estimates\">method</a>). Filled points: "
                     "whole-country figures as sources give them; hollow: one region, sector or site only."
                     "</figcaption></figure>")
        parts.append("<h2>Best estimates</h2>" + table(
            ["Year", "Best", "Low", "High", "Basis", "Rests on unnamed sources only"],
            [[str(r.year), words.number(r.best), words.number(r.low_80), words.number(r.high_80), e(r.basis),
              "yes" if r.rests_on_low_confidence else ""] for r in b.sort_values("year", ascending=False)
             .itertuples()], "Reconstructions; the basis says how each year was reached"))
    else:
        parts.append("<p>No best estimate: workers are reported here, but no year can be estimated.</p>")
    parts.append(f"<h2>Every sourced figure ({len(rows)})</h2>" + table(
        ["Date", "Measure", "As stated", "Low", "High", "Scope", "Counted", "Estimator", "Confidence", "Source"],
        [[e(r.as_of), e(r.measure), e(r.count_as_stated), num(r.count_low), num(r.count_high),
          e(r.scope) + (f" ({e(r.subnational)})" if isinstance(r.subnational, str) else ""), e(r.counted),
          e(r.estimator), e(r.confidence), _source_cell(src, r.source_id)] for r in rows.itertuples()],
        "Figures as each source gives them; conflicting figures are kept side by side"))
    acts = t["enforcement_actions"]
    acts = acts[(acts["target_country_iso3"] == iso3) | (acts["actor"] == iso3)].sort_values(["date", "action_id"])
    parts.append(f"<h2>Actions concerning {e(name)} ({len(acts)})</h2>" + table(
        ["Date", "Actor", "Type", "What was done", "Source"],
        [[e(r.date), e(r.actor), e(r.action_type), e(r.summary), _source_cell(src, r.source_id)]
         for r in acts.itertuples()]))
    pres = t["entity_presence"]
    ents = sorted(set(pres.loc[pres["iso3"] == iso3, "entity_id"]))
    enames = t["entities"].set_index("entity_id")["name"]
    parts.append("<h2>Organisations reported here</h2>" + ("<ul>" + "".join(
        f'<li><a href="../entities/{x}.html">{e(enames[x])}</a></li>' for x in ents) + "</ul>" if ents else
        "<p>None recorded.</p>"))
    p8 = t["para8_tracker"].set_index("iso3")
    if iso3 in p8.index:
        r = p8.loc[iso3]
        parts.append("<h2>UNSCR 2397 paragraph 8 record</h2>" + table(
            ["Report found", "Interim", "Final", "Repatriated (sum of batches)", "Largest single figure",
             "Latest remaining"],
            [["yes" if r["report_found"] else "none found", e(r["interim_date"]), e(r["final_date"]),
              num(r["repatriated_total"]), num(r["repatriated_max"]),
              num(r["remaining_latest"]) + (f" ({e(r['remaining_as_of'])})" if pd.notna(r["remaining_as_of"])
                                            else "")]]))
    return page(name, "\n".join(parts), depth=1)


def _entity(ent, t, names, src) -> str:
    status = t["entity_status"].set_index("entity_id").loc[ent.entity_id]
    sanc = t["entity_sanctions"]
    sanc = sanc[sanc["entity_id"] == ent.entity_id]
    acts = t["enforcement_actions"].set_index("action_id")
    rows = []
    for s in sanc.itertuples():
        for aid in s.action_ids.split(";"):
            a = acts.loc[aid]
            rows.append([e(s.actor), e(a["date"]), e(a["legal_basis"]), e(a["reference"]),
                         _source_cell(src, a["source_id"])])
    hosts = [h for h in str(status["host_countries"]).split(";") if h and h != "<NA>" and h in names]
    srcs = sorted(set(str(ent.source_ids).split(";")))
    body = f"""<h1>{e(ent.name)}</h1>
<dl class="facts"><dt>Kind</dt><dd>{e(ent.kind)}</dd>
<dt>Korean name</dt><dd lang="ko">{e(ent.name_ko) or "not recorded"}</dd>
<dt>Other names</dt><dd>{e(str(ent.aliases).replace(";", "; ")) if isinstance(ent.aliases, str) else "none recorded"}</dd>
<dt>Status</dt><dd><strong>{e(status['status'])}</strong> (sanctioned: designated by an authority; named by a
government: named in an official source or action; reported: named in media or NGO sources only)</dd>
<dt>Based in</dt><dd>{e(ent.country_iso3)}</dd>
<dt>Sectors</dt><dd>{e(str(ent.sectors).replace(";", ", ").replace("_", " ")) if isinstance(ent.sectors, str) else ""}</dd>
<dt>Reported in</dt><dd>{", ".join(f'<a href="../countries/{h}.html">{e(names[h])}</a>' for h in hosts) or "-"}</dd>
</dl><p>{e(ent.note)}</p>
<h2>Designations ({len(rows)})</h2>
{table(["Authority", "Date", "Legal basis", "Reference", "Source"], rows) if rows else "<p>None recorded.</p>"}
<h2>Sources</h2><ul>{"".join(f"<li>{_source_cell(src, s)}</li>" for s in srcs)}</ul>"""
    return page(ent.name, body, depth=1)


def _actions(t, names, src) -> str:
    acts = t["enforcement_actions"].sort_values(["date", "action_id"], ascending=[False, True])
    types = sorted(set(acts["action_type"].astype(str)))
    actors = sorted(set(acts["actor"].astype(str)))
    targets = sorted(set(acts["target_country_iso3"].dropna().astype(str)))
    counts = acts.assign(y=acts["date"].astype(str).str[:4].astype(int)).groupby("y").size()
    years = list(range(int(counts.index.min()), int(counts.index.max()) + 1))
    vals = [float(counts.get(y, 0)) for y in years]
    chart = svg.band_chart(years, [0.0] * len(years), vals, vals, title="Enforcement actions per year",
                           desc="Number of recorded actions per year, all types.", gid="actions-chart",
                           key_years=KEY_YEARS, legend=False)

    def opts(values, label):
        return f'<option value="">all {label}</option>' + "".join(f'<option value="{e(v)}">{e(v)}</option>'
                                                                   for v in values)

    rows = [[e(r.date), e(r.actor), e(r.action_type), link(f"countries/{r.target_country_iso3}.html",
                                                         names.get(r.target_country_iso3, ""))
             if r.target_country_iso3 in names else e(r.target_country_iso3),
             link(f"entities/{r.target_entity_id}.html", r.target_entity_id) if isinstance(r.target_entity_id, str)
             else "", e(r.legal_basis), e(r.summary), _source_cell(src, r.source_id)] for r in acts.itertuples()]
    attrs = [f' data-type="{e(r.action_type)}" data-actor="{e(r.actor)}" data-country="{e(r.target_country_iso3)}"'
             for r in acts.itertuples()]
    tbl = table(["Date", "Actor", "Type", "Country", "Entity", "Legal basis", "What was done", "Source"], rows,
                cls="actions")
    body_rows = tbl.split("<tbody>\n")[1].split("\n</tbody>")[0].split("\n")
    tbl = tbl.replace("\n".join(body_rows), "\n".join(r.replace("<tr>", f"<tr{a}>", 1)
                                                      for r, a in zip(body_rows, attrs)))
    body = f"""<h1>Enforcement actions</h1>
<figure>{chart}<figcaption>Number of recorded actions per year (all types; sourced, one row per action).
</figcaption></figure>
<form class="filters" aria-label="Filter actions"><label>Type <select id="f-type">{opts(types, "types")}</select></label>
<label>Actor <select id="f-actor">{opts(actors, "actors")}</select></label>
<label>Country <select id="f-country">{opts(targets, "countries")}</select></label>
<output id="f-count">{len(acts)} actions</output></form>
{tbl}"""
    return page("Actions", body, scripts=("site.js",))


def _sources(t) -> str:
    cites: dict[str, list[str]] = {}
    for name, col in (("worker_estimates", "source_id"), ("enforcement_actions", "source_id"),
                      ("revenue_wages", "source_id"), ("entity_presence", "source_id")):
        for sid in t[name][col]:
            cites.setdefault(sid, []).append(name)
    for name in ("entities", "persons"):
        for ids in t[name]["source_ids"]:
            for sid in str(ids).split(";"):
                cites.setdefault(sid, []).append(name)
    rows = []
    for s in t["sources"].sort_values("source_id").itertuples():
        what = pd.Series(cites.get(s.source_id, [])).value_counts()
        rows.append([f'<span id="{e(s.source_id)}">{link(s.url, s.title)}</span>', e(s.publisher),
                     e(s.original_publisher), e(s.published), e(s.kind),
                     ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in what.items())])
    body = f"""<h1>Sources ({len(rows)})</h1><p>Every document a row cites, with what cites it. Where a page
republishes another outlet's work, the original publisher is named.</p>
{table(["Title", "Publisher", "Original publisher", "Date", "Kind", "Cited by"], rows)}"""
    return page("Sources", body)


def _md(path: Path) -> str:
    import markdown

    return markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code", "toc"])


def _methods() -> str:
    from nklabor.paths import ROOT

    docs = ROOT / "docs"
    body = (f'<section id="curation">{_md(docs / "METHODS.md")}</section>'
            f'<section id="estimates">{_md(docs / "ESTIMATES.md")}</section>')
    for md, html in (("data-dictionary.md", "data/DATA_DICTIONARY.html"), ("ESTIMATES.md", "#estimates"),
                     ("METHODS.md", "#curation"), ("docs/ESTIMATES.md", "#estimates")):
        body = body.replace(f'href="{md}"', f'href="{html}"')
    return page("Methods", body)


def _downloads(t, out: Path, files: list[tuple[str, str, int]], cff: str | None = None,
               version: str | None = None) -> str:
    """The downloads page; a release passes its own citation and version, so the page never shows the last one."""
    from nklabor.paths import ROOT

    if cff is None:
        cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8") if (ROOT / "CITATION.cff").exists() else ""
    rows = [[f'<a href="{e(p)}">{e(p)}</a>', f"{size:,}", f"<code>{digest}</code>"] for p, digest, size in files]
    body = f"""<h1>Downloads</h1>
<p>Every table as CSV (UTF-8, one row per record), with its SHA-256 checksum. The
<a href="data/DATA_DICTIONARY.html">data dictionary</a> describes every column. Published releases (CSV, parquet,
SQLite, a workbook, a Frictionless Data Package) are made with <code>make release</code>.</p>
{table(["File", "Bytes", "SHA-256"], rows)}
<h2>How to cite</h2><p>nklabor contributors, <em>nklabor: North Korean overseas labour dataset</em>, version
{e(version or nklabor.__version__)}, CC BY 4.0. Please also cite the original sources of the figures you use (the sources
table).</p><pre>{e(cff)}</pre>"""
    return page("Downloads", body)


def _search_index(t, names) -> str:
    items = [{"k": "country", "n": names[i], "a": [i], "u": f"countries/{i}.html"} for i in sorted(names)]
    for ent in t["entities"].sort_values("entity_id").itertuples():
        aliases = [a for a in str(ent.aliases).split(";") if a and a != "<NA>"]
        if isinstance(ent.name_ko, str):
            aliases.append(ent.name_ko)
        items.append({"k": "entity", "n": ent.name, "a": aliases, "u": f"entities/{ent.entity_id}.html"})
    for s in t["sources"].sort_values("source_id").itertuples():
        items.append({"k": "source", "n": s.title, "a": [str(s.publisher)], "u": f"sources.html#{s.source_id}"})
    return "window.NKLABOR_INDEX = " + json.dumps(items, ensure_ascii=False, sort_keys=True) + ";\n"


def _search() -> str:
    body = """<h1>Search</h1>
<form id="search-form" role="search"><label for="q">Find countries, organisations and sources by name or alias
(Hangul too)</label><input id="q" name="q" type="search" autocomplete="off"></form>
<p id="search-status" aria-live="polite"></p><ol id="results"></ol>"""
    return page("Search", body, scripts=("search-index.js", "site.js"))


def _list_page(title, intro, rows, headers) -> str:
    return page(title, f"<h1>{title}</h1><p>{intro}</p>" + table(headers, rows))


# ----- build -----------------------------------------------------------------------------------------------------

def build_site(out: Path | None = None, log=print, tables: dict[str, pd.DataFrame] | None = None,
               citation: str | None = None, version: str | None = None) -> Path:
    """Write the site to `out` (default dist/site) via a temporary folder, so a failed build leaves the last one.
    `tables` defaults to the processed tables of the current build; a release passes its own tables, citation
    and version, so everything in its bundle comes from the new version's metadata."""
    import time

    from nklabor.paths import ROOT

    started = time.perf_counter()
    out = Path(out or ROOT / "dist" / "site")
    t = tables or _tables()
    names = dict(zip(t["countries"]["iso3"], t["countries"]["name"]))
    src = _sources_by_id(t)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".site-") as tmp:
        root = Path(tmp) / "site"
        (root / "countries").mkdir(parents=True)
        (root / "entities").mkdir()
        (root / "data").mkdir()
        shutil.copytree(ASSETS, root / "assets")
        files = []
        for name, frame in t.items():
            path = root / "data" / f"{name}.csv"
            frame.to_csv(path, index=False, lineterminator="\n")
            data = path.read_bytes()
            files.append((f"data/{name}.csv", hashlib.sha256(data).hexdigest(), len(data)))
        dict_html = page("Data dictionary", _md(ROOT / "docs" / "data-dictionary.md"), depth=1)
        (root / "data" / "DATA_DICTIONARY.html").write_text(dict_html, encoding="utf-8")
        pages = {"index.html": _home(t, names), "actions.html": _actions(t, names, src),
                 "sources.html": _sources(t), "methods.html": _methods(), "search.html": _search(),
                 "downloads.html": _downloads(t, root, files, citation, version)}
        best = t["best_estimates"]
        latest = best.sort_values("year").groupby("iso3").tail(1).set_index("iso3")
        pages["countries.html"] = _list_page(
            "Host countries", "Every country where sources report DPRK workers, with its latest best estimate "
            "(a reconstruction) and the number of sourced figures.",
            [[f'<a href="countries/{i}.html">{e(names[i])}</a>', e(r), words.number(latest.loc[i, "best"])
              if i in latest.index else "", e(latest.loc[i, "year"]) if i in latest.index else "",
              str(int((t["worker_estimates"]["country_iso3"] == i).sum()))]
             for i, r in sorted(zip(t["countries"]["iso3"], t["countries"]["region"].astype(str)),
                                key=lambda x: names[x[0]])],
            ["Country", "Region", "Latest best estimate", "Year", "Sourced figures"])
        status = t["entity_status"].set_index("entity_id")
        pages["entities.html"] = _list_page(
            "Organisations", "Organisations that dispatch, manage or employ workers, and the state bodies that run "
            "the system, with an honest status: sanctioned, named by a government, or reported.",
            [[f'<a href="entities/{x.entity_id}.html">{e(x.name)}</a>', f'<span lang="ko">{e(x.name_ko)}</span>',
              e(x.kind), e(status.loc[x.entity_id, "status"]), e(status.loc[x.entity_id, "host_countries"])]
             for x in t["entities"].sort_values("name").itertuples()],
            ["Name", "Korean", "Kind", "Status", "Reported in"])
        for path, html in pages.items():
            (root / path).write_text(html, encoding="utf-8")
        for iso3 in sorted(names):
            (root / "countries" / f"{iso3}.html").write_text(_country(iso3, t, names, src), encoding="utf-8")
        for ent in t["entities"].itertuples():
            (root / "entities" / f"{ent.entity_id}.html").write_text(_entity(ent, t, names, src), encoding="utf-8")
        (root / "assets" / "search-index.js").write_text(_search_index(t, names), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        root.rename(out)
    n = sum(1 for _ in out.rglob("*.html"))
    log(f"nklabor: wrote the site ({n} pages) to {out} in {time.perf_counter() - started:.1f}s; "
        f"open {out / 'index.html'}")
    return out
