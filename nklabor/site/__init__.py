"""The static explorer: `nklabor site` writes dist/site/ from the processed tables of the current build.

Plain HTML, CSS and a little JavaScript, no server code, nothing fetched from another host: it works opened from
disk or from any static host. Pages: home (map with a year selector, the world series, headline numbers), one
page per host country and per entity, actions, sources, methods, downloads, and search over a prebuilt index.
The same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
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
    return escape(_s(value))


def _s(value) -> str:
    """A cell's text, '' for any missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _ids(value) -> list[str]:
    return [x for x in _s(value).split(";") if x]


def num(value) -> str:
    try:
        return "" if value is None or pd.isna(value) else f"{int(value):,}"
    except (TypeError, ValueError):
        return e(value)


def link(url, text) -> str:
    return f'<a href="{e(url)}">{e(text)}</a>' if isinstance(url, str) and url else e(text)


TAG = re.compile(r"<[^>]+>")


def table(headers: list[str], rows: list[list[str]], caption: str = "", cls: str = "",
          row_attrs: list[str] | None = None) -> str:
    """A table that becomes stacked cards on a phone: each cell carries its column's name (`data-label`)."""
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    labels = [escape(TAG.sub("", h), quote=True) for h in headers]
    attrs = row_attrs or [""] * len(rows)
    body = "\n".join(f"<tr{a}>" + "".join(f'<td data-label="{lab}">{c}</td>' for lab, c in zip(labels, r)) + "</tr>"
                     for r, a in zip(rows, attrs))
    cap = f"<caption>{caption}</caption>" if caption else ""
    classes = cls if "keep" in cls.split() else f"cards {cls}".strip()
    return (f'<div class="scroll"><table class="{classes}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table></div>")


NAV = [("index.html", "Home"), ("countries.html", "Countries"), ("entities.html", "Organisations"),
       ("persons.html", "People"), ("actions.html", "Actions"), ("sources.html", "Sources"),
       ("methods.html", "Methods"), ("downloads.html", "Downloads"), ("search.html", "Search")]


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
<input id="q-top" name="q" type="search" placeholder="Country, organisation, person, source"></form></header>
<main id="main">
{body}
</main>
<footer><p>nklabor {escape(nklabor.__version__)} · data CC BY 4.0 · Every figure cites its source.
<strong>Sourced figures</strong> are shown as sources give them; <strong>reconstructions</strong> are
made by code from them, rounded, with their range (<a href="{up}methods.html#estimates">method</a>).</p></footer>
{js}
</body></html>
"""


# ----- the reconstruction, read in one place ---------------------------------------------------------------------

#: best_estimates' 80% range, whichever name the table gives it (low_80/high_80 once the estimates work lands,
#: low/high before): the site reads every reconstruction through `reconstruction()`.
RANGE = {"low_80": "low", "high_80": "high"}

#: Bases resting on the country's own figures of that year (a band is drawn), and bases with no count at all.
EVIDENCE_BASES = {"observed", "reported_zero", "official_zero", "blended"}
NO_COUNT_BASES = {"presence_only", "imputed"}
#: Bases resting on partial figures (a region, a sector, a site, flows): the page says what they were.
PARTIAL_BASES = {"bounds_only"}


def reconstruction(frame: pd.DataFrame) -> pd.DataFrame:
    """best_estimates (or world_year) with its 80% range as `low` and `high`: the one place the site reads it."""
    present = {k: v for k, v in RANGE.items() if k in frame.columns}
    if present:
        frame = frame.drop(columns=[v for v in present.values() if v in frame.columns]).rename(columns=present)
    return frame


def _kind(basis) -> str:
    b = _s(basis)
    return svg.NONE if b in NO_COUNT_BASES else svg.EVIDENCE if b in EVIDENCE_BASES else svg.BETWEEN


def _about(r) -> str:
    """How one reconstruction row reads: rounded with its range, or 'workers reported, never counted'."""
    if _s(r["basis"]) in NO_COUNT_BASES:
        return "workers reported, never counted"
    if r["high"] == 0:
        return "none"
    return words.about(float(r["best"]), float(r["low"]), float(r["high"]))


def _figure_words(f) -> str:
    """One sourced figure in a few words: 'approximately 150 (arrivals; Donbas (Russian-occupied), 2024-01)'."""
    where = _s(f["subnational"]) or (words.label("scope", f["scope"]) if _s(f["scope"]) != "national" else "")
    bits = [words.label("measure", f["measure"])] + ([where] if where else []) + [_s(f["as_of"])]
    stated = _s(f["count_as_stated"])
    return f"{stated} ({'; '.join(b for b in bits if b)})" if stated else "; ".join(b for b in bits if b)


# ----- data ------------------------------------------------------------------------------------------------------

def _tables() -> dict[str, pd.DataFrame]:
    return {name: nklabor.load(name) for name in nklabor.tables()}


class Site:
    """What every page needs, looked up once: names, sources, figures, actions and persons by id."""

    def __init__(self, t: dict[str, pd.DataFrame]):
        self.t = t
        self.names = dict(zip(t["countries"]["iso3"], t["countries"]["name"]))
        self.src = {r["source_id"]: r for r in t["sources"].to_dict("records")}
        self.est = {r["estimate_id"]: r for r in t["worker_estimates"].to_dict("records")}
        self.acts = t["enforcement_actions"].sort_values(["date", "action_id"], ascending=[False, True])
        self.act_rows = self.acts.to_dict("records")
        self.ents = {r["entity_id"]: r for r in t["entities"].to_dict("records")}
        self.persons = {r["person_id"]: r for r in t["persons"].to_dict("records")}
        self.est_by_country: dict[str, list[dict]] = {}
        for r in sorted(self.est.values(), key=lambda r: (-r["as_of_date"].value, r["estimate_id"])):
            self.est_by_country.setdefault(_s(r["country_iso3"]), []).append(r)
        self.status = {r["entity_id"]: r for r in t["entity_status"].to_dict("records")}
        self.act_by_id = {a["action_id"]: a for a in self.act_rows}
        self.best = reconstruction(t["best_estimates"])
        self.world = reconstruction(t["world_year"])
        self.person_acts: dict[str, list[dict]] = {}
        for a in self.act_rows:
            for pid in _ids(a["target_person_ids"]):
                self.person_acts.setdefault(pid, []).append(a)
        self.entity_persons: dict[str, list[str]] = {}
        for pid, p in self.persons.items():
            ents = set(_ids(p["entity_ids"])) | {_s(a["target_entity_id"]) for a in self.person_acts.get(pid, [])}
            for ent in ents - {""}:
                self.entity_persons.setdefault(ent, []).append(pid)

    def country(self, iso3, up: str = "") -> str:
        """A country's name, linked to its page where it has one."""
        code = _s(iso3)
        if code in self.names:
            return f'<a href="{up}countries/{code}.html">{e(self.names[code])}</a>'
        return e(words.country(code))

    def source(self, sid) -> str:
        s = self.src.get(_s(sid))
        if s is None:
            return e(sid)
        pub = e(s["publisher"]) + (f" (originally {e(s['original_publisher'])})" if _s(s["original_publisher"])
                                   else "")
        return f'{link(s["url"], s["title"])}<br><span class="muted">{pub}, {e(s["published"])}</span>'

    def person(self, pid, up: str = "") -> str:
        p = self.persons.get(pid)
        return f'<a href="{up}persons/{pid}.html">{e(p["name"])}</a>' if p else e(pid)

    def entity(self, ent, up: str = "") -> str:
        x = self.ents.get(_s(ent))
        return f'<a href="{up}entities/{ent}.html">{e(x["name"])}</a>' if x else e(ent)

    def linkify(self, text, up: str = "") -> str:
        """A curator's text with the ids it mentions ('see act-0331') as links a reader can follow."""
        def sub(m):
            ref = m.group(0)
            if ref.startswith("act-"):
                if ref not in self.act_by_id:
                    return "a related action not recorded here"
                return f'<a href="{up}actions.html#{ref}">action {ref[4:]}</a>'
            f = self.est.get(ref)
            if f is not None and _s(f["country_iso3"]) in self.names:
                return f'<a href="{up}countries/{f["country_iso3"]}.html#{ref}">figure {ref[4:]}</a>'
            return f"figure {ref[4:]}"
        return re.sub(r"\b(?:act|est)-\d{4}\b", sub, e(text))

    def place(self, a) -> str:
        """Where an action belongs: the host it concerns, else the acting country (a US prosecution over IT
        workers is placed under the United States, not North Korea); '' for a worldwide measure."""
        target = _s(a["target_country_iso3"])
        if target in self.names:
            return target
        actor = _s(a["actor"])
        return actor if len(actor) == 3 and actor.isalpha() and actor not in ("PRK", "WLD") else ""

    def rests_on(self, ids, up: str = "") -> str:
        """'3 figures by Government of Russia and NK News: source, source'."""
        figs = [self.est[i] for i in _ids(ids) if i in self.est]
        if not figs:
            return ""
        who = sorted({_s(f["estimator"]) for f in figs})
        who_text = ", ".join(who[:3]) + (f" and {words.plural('other', len(who) - 3)}" if len(who) > 3 else "")
        srcs = sorted({_s(f["source_id"]) for f in figs})
        links = "; ".join(link(self.src[s]["url"], self.src[s]["title"]) if s in self.src else e(s)
                          for s in srcs[:5])
        more = f" and {words.plural('source', len(srcs) - 5)} more" if len(srcs) > 5 else ""
        return f"{words.plural('figure', len(figs))} by {e(who_text)}. Sources: {links}{more}."

    def evidence(self, ids) -> str:
        """For a host with no count: what was reported, in words."""
        figs = sorted((self.est[i] for i in _ids(ids) if i in self.est), key=lambda f: _s(f["as_of"]), reverse=True)
        more = f"; and {words.plural('other figure', len(figs) - 2)}" if len(figs) > 2 else ""
        return "; ".join(_figure_words(f) for f in figs[:2]) + more


# ----- pages -----------------------------------------------------------------------------------------------------

STOCKS = ("workers_present", "work_permits_valid")


def _map_rows(site: Site, g: pd.DataFrame, year: int) -> list[dict]:
    rows = []
    for r in g.to_dict("records"):
        name = site.names.get(r["iso3"], words.country(r["iso3"]))
        counted = _s(r["basis"]) not in NO_COUNT_BASES
        if counted:
            label = f"{name} {words.number(r['best'])}"
            tip = f"{name}, {year}: {_about(r)}, {words.label('basis', r['basis'])} (reconstruction)"
            if _s(r["basis"]) in PARTIAL_BASES:
                figs = [site.est[i] for i in _ids(r["input_estimate_ids"]) if i in site.est]
                where = {_s(f["subnational"]) for f in figs}
                if len(where) == 1 and "" not in where:
                    label = f"{name}, {next(iter(where))}: {words.number(r['best'])}"
                tip += f": {site.evidence(r['input_estimate_ids'])}"
        else:
            figs = [site.est[i] for i in _ids(r["input_estimate_ids"]) if i in site.est]
            where = {_s(f["subnational"]) for f in figs}
            label = f"{name}: no count" if len(where) != 1 or "" in where else f"{name}, {next(iter(where))}: no count"
            tip = (f"{name}, {year}: workers reported, never counted ({site.evidence(r['input_estimate_ids'])}); "
                   f"drawn as a typical host of its region, {words.about(r['best'], r['low'], r['high'])}")
        rows.append({"iso3": r["iso3"], "best": int(r["best"]), "high": int(r["high"]), "label": label, "tip": tip,
                     "imputed": not counted or bool(r["rests_on_low_confidence"]), "counted": counted})
    return rows


def _year_table(site: Site, g: pd.DataFrame, year: int) -> str:
    rows = []
    for r in sorted(g.to_dict("records"), key=lambda r: (_s(r["basis"]) in NO_COUNT_BASES, -r["best"])):
        counted = _s(r["basis"]) not in NO_COUNT_BASES
        how = words.label("basis", r["basis"]) + ("; every figure from unnamed sources"
                                                   if r["rests_on_low_confidence"] else "")
        if _s(r["basis"]) in PARTIAL_BASES:
            how += f": {site.evidence(r['input_estimate_ids'])}"
        if not counted:
            how = (f"What was reported: {e(site.evidence(r['input_estimate_ids']))}. Counted in the totals as a "
                   f"typical host of its region (imputed), {words.about(r['best'], r['low'], r['high'])}")
        rows.append([site.country(r["iso3"]), e(_about(r)), how if not counted else e(how)])
    return table(["Country", "Reconstruction", "How it was reached"], rows,
                 f"DPRK workers per host country in {year}: reconstructions, rounded, 80% range")


def _home(site: Site) -> str:
    t = site.t
    world, best = site.world, site.best
    latest = int(world["year"].max())
    w = world.set_index("year")
    years = [int(y) for y in world["year"] if y >= 2000]
    ww = w.loc[years]
    wld = t["worker_estimates"]
    wld = wld[(wld["country_iso3"] == "WLD") & (wld["scope"] == "national") & wld["measure"].isin(STOCKS)
              & wld["count_low"].notna()]
    points = [(float(r.as_of_date.year) + 0.5, float((r.count_low + (r.count_high if pd.notna(r.count_high)
                                                                         else r.count_low)) / 2),
               f"{r.as_of}: {r.count_as_stated} ({r.estimator})", False) for r in wld.itertuples()
              if r.as_of_date.year >= 2000]
    chart = svg.responsive(svg.band_chart, years=years, low=ww["low"].astype(float), best=ww["best"].astype(float),
                           high=ww["high"].astype(float), points=points,
                           title="DPRK workers abroad, all host countries: reconstruction and its range",
                           desc="Sum of the host countries' reconstructions per year with the 80% range as a band, "
                                "and the worldwide figures of workers present that sources published as points.",
                           gid="world-series", key_years=KEY_YEARS)
    by_year, year_tables = {}, []
    recent = best[best["year"] >= 2000]
    for y, g in recent.groupby("year"):
        by_year[int(y)] = _map_rows(site, g, int(y))
    for y, g in sorted(recent.groupby("year"), key=lambda x: -x[0]):
        hidden = "" if y == latest else " hidden"
        year_tables.append(f'<div class="year-table" data-year="{int(y)}"{hidden}>{_year_table(site, g, int(y))}'
                           "</div>")
    options = "".join(f'<option value="{y}"{" selected" if y == latest else ""}>{y}</option>'
                      for y in sorted(by_year, reverse=True))
    lw = w.loc[latest]
    peak = int(w["best"].idxmax())
    pw = w.loc[peak]
    rows = [[str(y), e(words.about(w.loc[y, "best"], w.loc[y, "low"], w.loc[y, "high"])),
             num(w.loc[y, "n_countries_counted"]), num(w.loc[y, "n_countries_presence_only"]),
             f"{num(w.loc[y, 'published_low'])}\u2013{num(w.loc[y, 'published_high'])}"
             if pd.notna(w.loc[y, "published_low"]) else ""] for y in sorted(years, reverse=True)]
    n = {k: len(t[k]) for k in ("worker_estimates", "entities", "persons", "enforcement_actions", "sources")}
    body = f"""<h1>DPRK workers abroad: where, how many, and what was done</h1>
<p class="lead">An open dataset of North Korea's state-run export of workers: {words.plural('sourced figure', n['worker_estimates'])}
for {words.plural('host country', len(t['countries']))}, {words.plural('organisation', n['entities'])},
{words.plural('person', n['persons'])} named by governments and {words.plural('enforcement action', n['enforcement_actions'])},
each citing one of {words.plural('source', n['sources'])}.</p>
<section class="headline" aria-label="Headline numbers">
<div><span class="big">{e(words.about(lw['best']))}</span><span>DPRK workers abroad in {latest}, all host countries
(80% range {words.number(lw['low'])}\u2013{words.number(lw['high'])}): a reconstruction from
{words.plural('country', int(lw['n_countries_counted']))} with counts and {int(lw['n_countries_presence_only'])} where
workers are reported but never counted.</span></div>
<div><span class="big">{e(words.about(pw['best']))}</span><span>in {peak}, the highest year of the reconstruction
(80% range {words.number(pw['low'])}\u2013{words.number(pw['high'])}). Sources then published
{num(pw['published_low'])}\u2013{num(pw['published_high'])}.</span></div>
</section>
<h2 id="map">Map</h2>
<p><label for="year">Year</label> <select id="year">{options}</select></p>
<p class="swipe">The map opens on Asia, where most workers are; swipe it sideways for Europe, Africa and the Middle
East. The list under the map names every host.</p>
<figure class="mapfig"><div class="mapscroll" tabindex="0" role="region" aria-label="Map, scrolls sideways">
{svg.world_map(by_year, latest, names=site.names)}</div>
<figcaption>Disc area: reconstructed number of DPRK workers in the host country in the selected year (rounded on the
labels; rule: <a href="methods.html#estimates">method</a>); ring: high end of its 80% range; pale dashed disc:
imputed (workers reported but never counted, drawn as a typical host of the region) or resting on unnamed sources
only; shaded: host countries that year. Base map: Natural Earth.</figcaption></figure>
{''.join(year_tables)}
<h2 id="world">Over time</h2>
<figure>{chart}<figcaption>Line and band: the sum of the countries' reconstructions and their 80% ranges. Points:
worldwide figures of workers present, all sectors, as sources published them (hover for who). Figures of workers
sent home and IT-worker-only figures are not stocks and are not drawn here.</figcaption></figure>
<details><summary>The world series as a table</summary>
{table(["Year", "Reconstruction", "Countries with counts", "Countries with no count", "Published (all sectors)"], rows,
       cls="keep")}
</details>
<h2>Explore</h2>
<ul class="cols"><li><a href="countries.html">Host countries</a></li><li><a href="entities.html">Organisations</a></li>
<li><a href="persons.html">People named by governments</a></li>
<li><a href="actions.html">Enforcement actions</a></li><li><a href="sources.html">Sources</a></li>
<li><a href="methods.html">How the data is made</a></li><li><a href="downloads.html">Downloads and citation</a></li>
<li><a href="search.html">Search</a></li></ul>"""
    return page("Home", body, scripts=("site.js",))


def _answer(site: Site, iso3: str, b: pd.DataFrame) -> str:
    """The line at the top of a country page: the latest year's reconstruction and what it rests on."""
    name = site.names[iso3]
    if not len(b):
        return (f'<p class="answer">No reconstruction for {e(name)}: workers are reported here, but no year can be '
                "estimated. The figures below are all there is.</p>")
    r = b.sort_values("year").iloc[-1]
    year = int(r["year"])
    if _s(r["basis"]) in NO_COUNT_BASES:
        return (f'<p class="answer"><strong>{e(name)}, {year}: workers reported, never counted.</strong> What was '
                f"reported: {e(site.evidence(r['input_estimate_ids']))}. In the world totals it counts as a typical "
                f"host of its region: {e(words.about(r['best'], r['low'], r['high']))}, an imputed value, not a "
                "count.</p>")
    unnamed = " Every figure behind it comes from unnamed sources." if r["rests_on_low_confidence"] else ""
    if r["high"] == 0:
        return (f'<p class="answer"><strong>{e(name)}, {year}: no DPRK workers</strong> '
                f'({e(words.label("basis", r["basis"]))}). It rests on {site.rests_on(r["input_estimate_ids"], "../")}'
                "</p>")
    return (f'<p class="answer"><strong>{e(name)}, {year}: {e(words.about(r["best"]))} DPRK workers</strong> '
            f"(80% range {words.number(r['low'])}\u2013{words.number(r['high'])}), a reconstruction: "
            f"{e(words.label('basis', r['basis']))}."
            + (f" What was reported: {e(site.evidence(r['input_estimate_ids']))}." if _s(r["basis"]) in PARTIAL_BASES
               else "")
            + f" It rests on {site.rests_on(r['input_estimate_ids'], '../')}{unnamed}</p>")


def _figure_row(site: Site, r: dict) -> list[str]:
    lo, hi = r["count_low"], r["count_high"]
    number = (num(lo) + (f"\u2013{num(hi)}" if pd.notna(hi) and pd.notna(lo) and hi != lo else "")) or num(hi)
    return [e(r["as_of"]), e(words.label("measure", r["measure"])) + (
        f' <span class="muted">({e(words.label("counted", r["counted"]))})</span>'
        if _s(r["counted"]) not in ("", "workers") else ""),
        e(r["count_as_stated"]), number or "no number",
        e(words.label("scope", r["scope"])) + (f" ({e(r['subnational'])})" if _s(r["subnational"]) else ""),
        e(r["estimator"]) + f'<br><span class="muted">{e(words.label("estimator_kind", r["estimator_kind"]))}</span>',
        e(words.label("confidence", r["confidence"])), site.source(r["source_id"])]


def _country(site: Site, iso3: str) -> str:
    t = site.t
    name = site.names[iso3]
    b = site.best[site.best["iso3"] == iso3].sort_values("year")
    rows = site.est_by_country.get(iso3, [])
    stock = [r for r in rows if r["measure"] in STOCKS and not (pd.isna(r["count_low"]) and pd.isna(r["count_high"]))]
    pts = []
    for r in stock:
        lo = r["count_low"] if pd.notna(r["count_low"]) else r["count_high"]
        hi = r["count_high"] if pd.notna(r["count_high"]) else r["count_low"]
        pts.append((r["as_of_date"].year + (r["as_of_date"].month - 1) / 12 + 0.04, float((lo + hi) / 2),
                    f"{r['as_of']}: {r['count_as_stated']} ({r['estimator']}; {words.label('scope', r['scope'])})",
                    r["scope"] != "national"))
    parts = [f"<h1>{e(name)}</h1>", _answer(site, iso3, b)]
    if len(b):
        kinds = [_kind(x) for x in b["basis"]]
        chart = svg.responsive(svg.band_chart, years=[int(y) for y in b["year"]], low=b["low"].astype(float),
                               best=b["best"].astype(float), high=b["high"].astype(float), points=pts, kinds=kinds,
                               title=f"DPRK workers in {name}: reconstruction", key_years=KEY_YEARS, gid="series",
                               desc=f"Reconstructed number of DPRK workers in {name} per year with its 80% range where "
                                    "the country has figures of that year, and the sourced figures as points.")
        parts.append(f"<figure>{chart}<figcaption>Line: the reconstruction for each year, solid where {e(name)} has "
                     "figures of that year (band: 80% range), dashed between or beyond them; no line across years "
                     "without a reconstruction, and none for years where workers are reported but never counted (grey marks "
                     "on the axis). "
                     "Filled points: whole-country figures as sources give them; hollow: one region, sector or site "
                     'only (rule: <a href="../methods.html#estimates">method</a>).</figcaption></figure>')
        parts.append("<details><summary>The reconstruction by year as a table</summary>" + table(
            ["Year", "Reconstruction", "How it was reached"],
            [[str(r["year"]), e(_about(r)), e(words.label("basis", r["basis"])) + (
                f": {e(site.evidence(r['input_estimate_ids']))}; drawn as a typical host, imputed"
                if _s(r["basis"]) in NO_COUNT_BASES else "") + (
                "; every figure from unnamed sources" if r["rests_on_low_confidence"] else "")]
             for r in b.sort_values("year", ascending=False).to_dict("records")],
            "Reconstructions, newest first, rounded, with the 80% range", cls="keep") + "</details>")
    parts.append(f"<h2>Every sourced figure ({len(rows)}), newest first</h2>" + table(
        ["Date", "What", "As stated", "Number", "Where", "Who counted", "Confidence", "Source"],
        [_figure_row(site, r) for r in rows],
        "Figures as each source gives them; conflicting figures are kept side by side",
        row_attrs=[f' id="{e(r["estimate_id"])}"' for r in rows]))
    acts = site.acts[(site.acts["target_country_iso3"] == iso3) | (site.acts["actor"] == iso3)]
    parts.append(f"<h2>Actions concerning {e(name)} ({len(acts)}), newest first</h2>" + table(
        ["Date", "Who acted", "Type", "What was done", "Source"],
        [[e(a["date"]), e(words.authority(a["actor"])), e(words.label("action_type", a["action_type"])),
          site.linkify(a["summary"], "../"), site.source(a["source_id"])] for a in acts.to_dict("records")]))
    pres = t["entity_presence"]
    ents = sorted(set(pres.loc[pres["iso3"] == iso3, "entity_id"]), key=lambda x: site.ents[x]["name"])
    parts.append("<h2>Organisations reported here</h2>" + ("<ul>" + "".join(
        f"<li>{site.entity(x, '../')}</li>" for x in ents) + "</ul>" if ents else "<p>None recorded.</p>"))
    p8 = t["para8_tracker"].set_index("iso3")
    if iso3 in p8.index:
        r = p8.loc[iso3]
        parts.append("<h2>What it reported to the UN under resolution 2397, paragraph 8</h2>"
                     "<p>Only what the host government itself reported to the UN; figures from other sources are in "
                     "the table above.</p>" + table(
                         ["Report found", "Interim report", "Final report", "Workers sent home (sum of reported "
                          "batches)", "Largest single figure", "Latest number remaining"],
                         [["yes" if r["report_found"] else "none found", e(r["interim_date"]) or "none found",
                           e(r["final_date"]) or "none found", num(r["repatriated_total"]) or "not reported",
                           num(r["repatriated_max"]) or "not reported",
                           (num(r["remaining_latest"]) + (f" ({e(r['remaining_as_of'])})"
                                                          if pd.notna(r["remaining_as_of"]) else ""))
                           or "not reported"]]))
    return page(name, "\n".join(parts), depth=1)


def _entity(site: Site, ent: dict) -> str:
    t = site.t
    status = site.status[ent["entity_id"]]
    sanc = t["entity_sanctions"]
    sanc = sanc[sanc["entity_id"] == ent["entity_id"]]
    rows = []
    for s in sanc.to_dict("records"):
        for aid in _ids(s["action_ids"]):
            a = site.act_by_id[aid]
            rows.append([e(words.authority(s["actor"])), e(a["date"]), e(a["legal_basis"]), e(a["reference"]),
                         site.source(a["source_id"])])
    hosts = [h for h in _ids(status["host_countries"]) if h in site.names]
    srcs = sorted(set(_ids(ent["source_ids"])))
    people = sorted(site.entity_persons.get(ent["entity_id"], []), key=lambda p: site.persons[p]["name"])
    named = site.acts[site.acts["target_entity_id"] == ent["entity_id"]]
    aliases = "; ".join(_ids(ent["aliases"]))
    sectors = ", ".join(words.label("sector", x) for x in _ids(ent["sectors"]))
    body = f"""<h1>{e(ent['name'])}</h1>
<dl class="facts"><dt>Kind</dt><dd>{e(words.label('entity_kind', ent['kind']))}</dd>
<dt>Korean name</dt><dd lang="ko">{e(ent['name_ko']) or "not recorded"}</dd>
<dt>Other names</dt><dd>{e(aliases) or "none recorded"}</dd>
<dt>Status</dt><dd><strong>{e(words.label('status', status['status']))}</strong> (sanctioned: designated by an
authority; named by a government: named in an official source or action; reported: named in media or NGO sources
only)</dd>
<dt>Home country</dt><dd>{site.country(ent['country_iso3'], '../') or "not recorded"}</dd>
<dt>Sectors</dt><dd>{e(sectors) or "not recorded"}</dd>
<dt>Reported in</dt><dd>{", ".join(site.country(h, '../') for h in hosts) or "no host country recorded"}</dd>
<dt>People</dt><dd>{", ".join(site.person(p, '../') for p in people) or "none recorded"}</dd>
</dl><p>{site.linkify(ent['note'], '../')}</p>
<h2>Designations ({len(rows)})</h2>
{table(["Authority", "Date", "Legal basis", "Reference", "Source"], rows) if rows else "<p>None recorded.</p>"}
<h2>Actions naming it ({len(named)})</h2>
{table(["Date", "Who acted", "Type", "What was done"], [[f'<a href="../actions.html#{a["action_id"]}">{e(a["date"])}</a>',
       e(words.authority(a["actor"])), e(words.label("action_type", a["action_type"])), site.linkify(a["summary"], "../")]
       for a in named.to_dict("records")]) if len(named) else "<p>None recorded.</p>"}
<h2>Sources</h2><ul>{"".join(f"<li>{site.source(s)}</li>" for s in srcs)}</ul>"""
    return page(ent["name"], body, depth=1)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}" if noun else ""


def _namer(site: Site, p: dict, acts: list[dict]) -> str:
    """Who named the person: the acting authorities of the actions naming them, else 'an official source'."""
    who = sorted({_s(a["actor"]) for a in acts} - {""}, key=words.country)
    return words.countries(who) if who else "an official source"


def _person(site: Site, p: dict) -> str:
    acts = site.person_acts.get(p["person_id"], [])
    ents = sorted(set(_ids(p["entity_ids"])) | {_s(a["target_entity_id"]) for a in acts} - {""})
    srcs = sorted(set(_ids(p["source_ids"])))
    body = f"""<h1>{e(p['name'])}</h1>
<p class="answer">{e(p['role']).rstrip('.')}. Named by {e(_namer(site, p, acts))} in {e(_a(words.label('naming', p['naming'])) or "an official document")}.</p>
<dl class="facts"><dt>Korean name</dt><dd lang="ko">{e(p['name_ko']) or "not recorded"}</dd>
<dt>Other names</dt><dd>{e("; ".join(_ids(p['aliases']))) or "none recorded"}</dd>
<dt>Nationality</dt><dd>{e(p['nationality']) or "not published by the naming authority"}</dd>
<dt>Born</dt><dd>{e(p['birth_date']) or "not published by the naming authority"}</dd>
<dt>Named in</dt><dd>{e(words.label('naming', p['naming'])) or "not recorded"}</dd>
<dt>Organisations</dt><dd>{", ".join(site.entity(x, '../') for x in ents) or "none recorded"}</dd>
</dl><p>{site.linkify(p['note'], '../')}</p>
<h2>Actions naming this person ({len(acts)})</h2>
{table(["Date", "Who acted", "Type", "What was done", "Source"], [[
        f'<a href="../actions.html#{a["action_id"]}">{e(a["date"])}</a>', e(words.authority(a["actor"])),
        e(words.label("action_type", a["action_type"])), site.linkify(a["summary"], "../"), site.source(a["source_id"])]
        for a in acts]) if acts else "<p>None recorded.</p>"}
<h2>Documents naming this person ({len(srcs)})</h2><ul>{"".join(f"<li>{site.source(s)}</li>" for s in srcs)}</ul>"""
    return page(p["name"], body, depth=1)


def _actions_chart(site: Site) -> str:
    acts = site.acts
    dates = acts["date"].astype(str)
    counts = dates.str[:4].astype(int).value_counts()
    years = list(range(int(counts.index.min()), int(counts.index.max()) + 1))
    last = dates.max()
    partial = None
    if last[5:] < "12":
        partial = (years[-1], f"{years[-1]} so far (to {last})")
    return svg.responsive(svg.bar_chart, years=years, counts=[int(counts.get(y, 0)) for y in years],
                          partial=partial, title="Enforcement actions per year",
                          desc="Number of recorded actions per year, all types"
                               + (f"; {partial[1]}, not a full year." if partial else "."),
                          gid="actions-chart", key_years=KEY_YEARS), partial


def _actions(site: Site) -> str:
    acts = site.act_rows
    chart, partial = _actions_chart(site)
    types = sorted({_s(a["action_type"]) for a in acts}, key=lambda v: words.label("action_type", v))
    actors = sorted({_s(a["actor"]) for a in acts}, key=words.authority)
    places = sorted({site.place(a) for a in acts} - {""}, key=words.country)

    def opts(values, label, say):
        return f'<option value="">all {label}</option>' + "".join(f'<option value="{e(v)}">{e(say(v))}</option>'
                                                                   for v in values)

    rows = [[e(a["date"]), e(words.authority(a["actor"])),
             e(words.label("action_type", a["action_type"])) + (f'<br><span class="muted">{e(a["legal_basis"])}</span>'
                                                               if _s(a["legal_basis"]) else ""),
             site.country(site.place(a)) if site.place(a) else "worldwide",
             site.entity(a["target_entity_id"]) if _s(a["target_entity_id"]) else "",
             ", ".join(site.person(p) for p in _ids(a["target_person_ids"])),
             site.linkify(a["summary"]), site.source(a["source_id"])] for a in acts]
    attrs = [f' id="{e(a["action_id"])}" data-type="{e(a["action_type"])}" data-actor="{e(a["actor"])}" '
             f'data-country="{e(site.place(a))}"' for a in acts]
    tbl = table(["Date", "Who acted", "Type", "Where", "Organisation", "People named", "What was done", "Source"],
                rows, cls="actions", row_attrs=attrs)
    note = f" The last bar is {partial[1]}: not a full year." if partial else ""
    body = f"""<h1>Enforcement actions</h1>
<figure>{chart}<figcaption>Number of recorded actions per year (all types; sourced, one row per action).{e(note)}
</figcaption></figure>
<form class="filters" aria-label="Filter actions"><label>Type <select id="f-type">{opts(types, "types", lambda v: words.label("action_type", v))}</select></label>
<label>Who acted <select id="f-actor">{opts(actors, "actors", words.authority)}</select></label>
<label>Where <select id="f-country">{opts(places, "places", words.country)}</select></label>
<output id="f-count">{words.plural('action', len(acts))}</output></form>
<p class="muted">Where: the host country an action concerns, or else the country that acted (a US prosecution
over IT workers abroad is placed under the United States).</p>
{tbl}"""
    return page("Actions", body, scripts=("site.js",))


CITERS = (("worker_estimates", "figure"), ("enforcement_actions", "action"), ("revenue_wages", "revenue figure"),
          ("entity_presence", "presence record"), ("entities", "organisation"), ("persons", "person"))


def citations(t) -> dict[str, dict[str, int]]:
    """source id -> {kind of row: how many rows cite it}, counting every column that cites a source."""
    cites: dict[str, dict[str, int]] = {}
    for name, noun in CITERS:
        frame = t[name]
        for col in ("source_id", "source_ids", "other_source_ids"):
            if col not in frame.columns:
                continue
            for ids in frame[col]:
                for sid in _ids(ids):
                    cites.setdefault(sid, {}).setdefault(noun, 0)
                    cites[sid][noun] += 1
    return cites


def _sources(site: Site) -> str:
    cites = citations(site.t)
    rows, attrs = [], []
    for s in site.t["sources"].sort_values(["published", "source_id"], ascending=[False, True]).to_dict("records"):
        what = cites.get(s["source_id"], {})
        rows.append([f'<span id="{e(s["source_id"])}">{link(s["url"], s["title"])}</span>', e(s["publisher"]),
                     e(s["original_publisher"]), e(s["published"]), e(words.label("source_kind", s["kind"])),
                     e(words.label("tier", s["tier"])),
                     ", ".join(words.plural(k, n) for k, n in sorted(what.items())) or "not cited"])
        attrs.append(f' data-kind="{e(s["kind"])}"')
    kinds = sorted({_s(s) for s in site.t["sources"]["kind"]}, key=lambda v: words.label("source_kind", v))
    body = f"""<h1>Sources ({len(rows)})</h1><p>Every document a row cites, newest first, with what cites it. Where a
page republishes another outlet's work, the original publisher is named. Click a column heading to sort; type to
filter.</p>
<form class="filters" aria-label="Filter sources"><label>Contains <input id="s-text" type="search"></label>
<label>Kind <select id="s-kind"><option value="">all kinds</option>{"".join(
        f'<option value="{e(k)}">{e(words.label("source_kind", k))}</option>' for k in kinds)}</select></label>
<output id="s-count">{words.plural('source', len(rows))}</output></form>
{table(["Title", "Publisher", "Original publisher", "Date", "Kind", "Tier", "Cited by"], rows, cls="sortable sources",
       row_attrs=attrs)}"""
    return page("Sources", body, scripts=("site.js",))


def _md(path: Path) -> str:
    import markdown

    html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code", "toc"])
    return html.replace("<table>", '<div class="scroll"><table>').replace("</table>", "</table></div>")


def _methods() -> str:
    from nklabor.paths import ROOT

    docs = ROOT / "docs"
    body = (f'<section id="curation">{_md(docs / "METHODS.md")}</section>'
            f'<section id="estimates">{_md(docs / "ESTIMATES.md")}</section>')
    for md, html in (("data-dictionary.md", "data/DATA_DICTIONARY.html"), ("ESTIMATES.md", "#estimates"),
                     ("METHODS.md", "#curation"), ("docs/ESTIMATES.md", "#estimates")):
        body = body.replace(f'href="{md}">{md}</a>', f'href="{html}">{DOC_NAMES.get(md, md)}</a>')
        body = body.replace(f'href="{md}"', f'href="{html}"')
    return page("Methods", body)


DOC_NAMES = {"data-dictionary.md": "the data dictionary", "ESTIMATES.md": "how the reconstruction is made",
             "METHODS.md": "how the data is collected", "docs/ESTIMATES.md": "how the reconstruction is made"}


def _downloads(t, files: list[tuple[str, str, int]], cff: str | None = None,
               version: str | None = None) -> str:
    """The downloads page; a release passes its own citation and version, so the page never shows the last one."""
    from nklabor.paths import ROOT

    if cff is None:
        cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8") if (ROOT / "CITATION.cff").exists() else ""
    book = [f for f in files if f[0].endswith(".xlsx")]
    rows = [[f'<a href="{e(p)}" download>{e(Path(p).name)}</a>', e(TABLE_WORDS.get(Path(p).stem, "")),
             f"{size / 1024:,.0f} KB", f"<code>{digest}</code>"] for p, digest, size in files]
    workbook = (f'<p class="answer"><a href="{e(book[0][0])}" download>Download the whole dataset as one Excel '
                f"workbook</a> ({book[0][2] / 1024:,.0f} KB): a README sheet, then every table, with every figure "
                "beside its source. Opens in Excel, LibreOffice or Google Sheets.</p>") if book else ""
    body = f"""<h1>Downloads</h1>
{workbook}
<p>Or one table at a time as CSV (UTF-8 with a byte-order mark, so Excel shows Hangul and accents correctly when you
double-click the file). <a href="data/DATA_DICTIONARY.html">What every column means</a>. To check a download is
complete and unchanged, compare its SHA-256 checksum with the one below (on Windows: <code>certutil -hashfile FILE
SHA256</code>; on a Mac or Linux: <code>shasum -a 256 FILE</code>).</p>
{table(["File", "What it holds", "Size", "SHA-256 checksum"], rows)}
<p>All checksums in one file: <a href="data/checksums-sha256.txt">checksums-sha256.txt</a>.</p>
<h2>How to cite</h2><p>nklabor contributors, <em>nklabor: North Korean overseas labour dataset</em>, version
{e(version or nklabor.__version__)}, CC BY 4.0. Please also cite the original sources of the figures you use (the sources
table).</p><pre>{e(cff)}</pre>"""
    return page("Downloads", body)


TABLE_WORDS = {
    "nklabor": "everything below in one workbook", "sources": "every document cited",
    "countries": "host countries", "entities": "organisations", "entity_presence": "where organisations were reported",
    "persons": "people named by governments", "worker_estimates": "every sourced figure of workers",
    "enforcement_actions": "what governments and the UN did", "revenue_wages": "revenue and wage figures",
    "workforce_shares": "shares of workers with a trait", "corrections": "log of corrections to the data",
    "best_estimates": "reconstruction per country and year (rounded on the site, exact here)",
    "world_year": "worldwide reconstruction per year", "country_year": "one row per country and year",
    "estimate_conflicts": "figures that disagree", "entity_sanctions": "designations per organisation",
    "entity_status": "status of each organisation", "para8_tracker": "reports to the UN under paragraph 8",
}


def _search_index(site: Site) -> str:
    t = site.t
    items = [{"k": words.KINDS["country"], "n": n, "a": [i], "u": f"countries/{i}.html"}
             for i, n in sorted(site.names.items())]
    for ent in t["entities"].sort_values("entity_id").to_dict("records"):
        aliases = _ids(ent["aliases"]) + ([ent["name_ko"]] if _s(ent["name_ko"]) else [])
        items.append({"k": words.KINDS["entity"], "n": ent["name"], "a": aliases,
                      "u": f"entities/{ent['entity_id']}.html"})
    for p in t["persons"].sort_values("person_id").to_dict("records"):
        aliases = _ids(p["aliases"]) + ([p["name_ko"]] if _s(p["name_ko"]) else [])
        items.append({"k": words.KINDS["person"], "n": p["name"], "a": aliases, "u": f"persons/{p['person_id']}.html"})
    for s in t["sources"].sort_values("source_id").to_dict("records"):
        items.append({"k": words.KINDS["source"], "n": s["title"], "a": [_s(s["publisher"])],
                      "u": f"sources.html#{s['source_id']}"})
    return "window.NKLABOR_INDEX = " + json.dumps(items, ensure_ascii=False, sort_keys=True) + ";\n"


def _search() -> str:
    body = """<h1>Search</h1>
<form id="search-form" role="search"><label for="q">Find countries, organisations, people and sources by name,
alias or Korean name; small misspellings are forgiven</label><input id="q" name="q" type="search" autocomplete="off">
</form>
<p id="search-status" aria-live="polite"></p><ol id="results"></ol>"""
    return page("Search", body, scripts=("search-index.js", "site.js"))


def _list_page(title, intro, rows, headers) -> str:
    return page(title, f"<h1>{title}</h1><p>{intro}</p>" + table(headers, rows))


def _countries_page(site: Site) -> str:
    t = site.t
    latest = site.best.sort_values("year").groupby("iso3").tail(1).set_index("iso3")
    n_figs = t["worker_estimates"]["country_iso3"].value_counts()
    rows = []
    for i, region in sorted(zip(t["countries"]["iso3"], t["countries"]["region"].astype(str)),
                            key=lambda x: site.names[x[0]]):
        r = latest.loc[i] if i in latest.index else None
        rows.append([site.country(i), e(region), e(_about(r)) if r is not None else "no reconstruction",
                     e(r["year"]) if r is not None else "", str(int(n_figs.get(i, 0)))])
    return _list_page("Host countries", "Every country where sources report DPRK workers, with the reconstruction "
                      "for its latest year (rounded, 80% range) and the number of sourced figures. Where workers "
                      "are reported but never counted, it says so: no number is shown.", rows,
                      ["Country", "Region", "Latest reconstruction", "Year", "Sourced figures"])


def _entities_page(site: Site) -> str:
    status = site.status
    rows = [[site.entity(x["entity_id"]), f'<span lang="ko">{e(x["name_ko"])}</span>',
             e(words.label("entity_kind", x["kind"])), e(words.label("status", status[x["entity_id"]]["status"])),
             ", ".join(site.country(h) for h in _ids(status[x["entity_id"]]["host_countries"]))]
            for x in site.t["entities"].sort_values("name").to_dict("records")]
    return _list_page("Organisations", "Organisations that dispatch, manage or employ workers, and the state bodies "
                      "that run the system, with an honest status: sanctioned, named by a government, or reported.",
                      rows, ["Name", "Korean", "Kind", "Status", "Reported in"])


def _persons_page(site: Site) -> str:
    rows = [[site.person(p["person_id"]), f'<span lang="ko">{e(p["name_ko"])}</span>', e(p["role"]),
             e(words.label("naming", p["naming"])),
             ", ".join(site.entity(x) for x in _ids(p["entity_ids"]))]
            for p in site.t["persons"].sort_values("name").to_dict("records")]
    return _list_page("People named by governments", "Officials, executives and facilitators that a government or "
                      "UN body names in a designation, indictment, wanted notice or reward offer concerning workers "
                      "abroad. Never a worker named only by the press.", rows,
                      ["Name", "Korean", "Role", "Named in", "Organisations"])


# ----- build -----------------------------------------------------------------------------------------------------

def _workbook(t, path: Path, version: str | None, key: str) -> None:
    """The release workbook for people who work in a spreadsheet, dated by the newest source read (same data, same
    bytes). Kept in dist/.cache by a hash of the tables, since writing it takes longer than the whole site."""
    from nklabor.paths import ROOT

    date = str(t["sources"]["accessed"].dropna().astype(str).max())[:10]
    date = date if len(date) == 10 else f"{date[:4]}-01-01"
    version = version or nklabor.__version__
    digest = hashlib.sha256(f"{key}|{version}|{date}".encode()).hexdigest()[:24]
    cached = ROOT / "dist" / ".cache" / f"nklabor-{digest}.xlsx"
    if not cached.exists():
        from nklabor.release.bundle import write_release_workbook

        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{id(t)}.tmp")
        write_release_workbook(dict(t), tmp, {"version": version, "date": date})
        tmp.replace(cached)
    shutil.copyfile(cached, path)


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
    site = Site(t)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".site-") as tmp:
        root = Path(tmp) / "site"
        for folder in ("countries", "entities", "persons", "data"):
            (root / folder).mkdir(parents=True)
        shutil.copytree(ASSETS, root / "assets")
        files = []
        for name, frame in t.items():
            path = root / "data" / f"{name}.csv"
            frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig")
            data = path.read_bytes()
            files.append((f"data/{path.name}", hashlib.sha256(data).hexdigest(), len(data)))
        book = root / "data" / "nklabor.xlsx"
        _workbook(t, book, version, "".join(d for _, d, _ in files))
        data = book.read_bytes()
        files.insert(0, ("data/nklabor.xlsx", hashlib.sha256(data).hexdigest(), len(data)))
        (root / "data" / "checksums-sha256.txt").write_text("".join(f"{d}  {Path(p).name}\n" for p, d, _ in files),
                                                  encoding="utf-8")
        dict_html = page("Data dictionary", _md(ROOT / "docs" / "data-dictionary.md"), depth=1)
        (root / "data" / "DATA_DICTIONARY.html").write_text(dict_html, encoding="utf-8")
        pages = {"index.html": _home(site), "actions.html": _actions(site), "sources.html": _sources(site),
                 "methods.html": _methods(), "search.html": _search(),
                 "downloads.html": _downloads(t, files, citation, version),
                 "countries.html": _countries_page(site), "entities.html": _entities_page(site),
                 "persons.html": _persons_page(site)}
        for iso3 in sorted(site.names):
            pages[f"countries/{iso3}.html"] = _country(site, iso3)
        for ent in site.ents.values():
            pages[f"entities/{ent['entity_id']}.html"] = _entity(site, ent)
        for p in site.persons.values():
            pages[f"persons/{p['person_id']}.html"] = _person(site, p)
        for path, html in pages.items():
            (root / path).write_text(html, encoding="utf-8")
        (root / "assets" / "search-index.js").write_text(_search_index(site), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        root.rename(out)
    n = sum(1 for _ in out.rglob("*.html"))
    log(f"nklabor: wrote the site ({n} pages) to {out} in {time.perf_counter() - started:.1f}s; "
        f"open {out / 'index.html'}")
    return out
