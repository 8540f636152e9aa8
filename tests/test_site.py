"""The static site: built from the current data, deterministic, light, every link resolving, and used in a real
browser (Debian's Chromium, driven by Playwright) as a reader would."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

import nklabor
from nklabor.site import build_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ENTITY = "mansudae-overseas-project-group-of-companies"
PERSON = "an-kwang-il"
pytestmark = pytest.mark.xdist_group("site")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "site", log=lambda m: None)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_exist(site: Path):
    for page in ("index.html", "countries.html", "entities.html", "actions.html", "sources.html", "methods.html",
                 "downloads.html", "search.html", "countries/RUS.html", f"entities/{ENTITY}.html"):
        assert (site / page).is_file(), page
    iso3s = set(nklabor.load("countries")["iso3"])
    assert {p.stem for p in (site / "countries").glob("*.html")} == iso3s
    assert len(list((site / "entities").glob("*.html"))) == len(nklabor.load("entities"))


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path):
    again = build_site(tmp_path / "again", log=lambda m: None)
    assert tree(site) == tree(again)


REF = re.compile(r'(?:href|src)="([^"]+)"')


def test_every_internal_link_and_asset_resolves_and_nothing_is_fetched_from_elsewhere(site: Path):
    broken, external_assets = [], []
    texts = {page.resolve(): page.read_text(encoding="utf-8") for page in site.rglob("*.html")}
    ids = {page: set(re.findall(r'id="([^"]+)"', text)) for page, text in texts.items()}
    for page, text in texts.items():
        for ref in set(REF.findall(text)):
            url = urlparse(ref)
            if url.scheme in ("http", "https", "mailto"):
                if re.search(rf'(?:src|rel="stylesheet" href)="{re.escape(ref)}"', text):
                    external_assets.append((page.name, ref))
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target not in ids and not target.exists():
                broken.append((str(page.relative_to(site.resolve())), ref))
            elif url.fragment and target.suffix == ".html" and url.fragment not in ids.get(target, set()):
                broken.append((str(page.relative_to(site.resolve())), ref))
    assert not broken, broken[:10]
    assert not external_assets, external_assets[:5]


def test_page_weight(site: Path):
    home = (site / "index.html").stat().st_size + sum(p.stat().st_size for p in (site / "assets").glob("*.*")
                                                     if p.suffix in (".css", ".js") and "search-index" not in p.name)
    assert home < 2_000_000, home
    for page in site.rglob("*.html"):
        if page.name != "index.html" or page.parent != site:
            assert page.stat().st_size < 1_000_000, page


def test_charts_keep_text_and_say_what_they_show(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count("<svg") >= 2 and "<text" in home and "<title" in home and "<desc" in home
    assert "reconstruction" in home and "figcaption" in home
    rus = (site / "countries" / "RUS.html").read_text(encoding="utf-8")
    assert "reconstruction" in rus and "<th scope=\"col\">Source</th>" in rus


# ----- what a reader sees ----------------------------------------------------------------------------------------

def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|title|desc)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<svg class="chart".*?</svg>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_raw_code_reaches_a_page(site: Path):
    iso3 = set(nklabor.load("countries")["iso3"]) | {"PRK", "USA", "KOR", "WLD"}
    pages = ["index.html", "countries.html", "entities.html", "persons.html", "actions.html", "countries/RUS.html",
             "countries/CHN.html", "countries/MNG.html", "countries/UKR.html", f"entities/{ENTITY}.html",
             f"persons/{PERSON}.html", "downloads.html"]
    for name in pages:
        text = visible_text((site / name).read_text(encoding="utf-8"))
        text = re.sub(r"https?://\S+", " ", text)
        snake = set(re.findall(r"\b[a-z]+_[a-z_]+\b(?!\.csv)", text))
        assert not snake, (name, sorted(snake)[:10])
        assert not re.search(r"\b[A-Z]{3}(?:;[A-Z]{3})+\b", text), name
        assert "Based in PRK" not in text and not re.search(r"\b1 [a-z ]*actions\b", text), name
        assert not re.search(r"(?<![#/])\b(?:act|est)-\d{4}\b", text), (name, re.findall(r"\bact-\d{4}", text)[:3])
        if name not in ("downloads.html",):
            codes = set(re.findall(r"\b[A-Z]{3,4}\b", text)) & iso3
            assert not codes, (name, codes)


def test_home_chart_draws_only_stocks(site: Path):
    """Workers sent home (est-0426, est-0427: 23,000 in 2019) are not a count of workers abroad."""
    home = (site / "index.html").read_text(encoding="utf-8")
    chart = home.split('id="world-series"')[1].split("</svg>")[0]
    est = nklabor.load("worker_estimates")
    sent_home = est[(est["country_iso3"] == "WLD") & (est["measure"] == "workers_repatriated")]
    assert len(sent_home)
    for r in sent_home.itertuples():
        assert f"<title>{r.as_of}: {r.count_as_stated}" not in chart, r.estimate_id
    stocks = est[(est["country_iso3"] == "WLD") & (est["scope"] == "national") & est["count_low"].notna()
                 & est["measure"].isin(["workers_present", "work_permits_valid"])
                 & (est["as_of_date"].dt.year >= 2000)]
    assert chart.count('class="point"') == len(stocks)


def test_para8_record_keeps_to_what_hosts_reported_to_the_un(site: Path):
    p8 = nklabor.load("para8_tracker").set_index("iso3")
    est = nklabor.load("worker_estimates").set_index("estimate_id")
    for iso3, r in p8.iterrows():
        for eid in str(r["estimate_ids"]).split(";") if isinstance(r["estimate_ids"], str) else []:
            assert est.loc[eid, "estimator_kind"] == "host_government"
            assert re.search(r"(?i)report|UN|1718", est.loc[eid, "estimator"]), (iso3, eid)
    assert p8.loc["MNG", "repatriated_total"] == 445
    assert pd.isna(p8.loc["CHN", "remaining_latest"])
    mng = visible_text((site / "countries" / "MNG.html").read_text(encoding="utf-8"))
    assert "reported to the UN" in mng and "445" in mng.split("resolution 2397")[1]


def test_partial_year_is_marked_on_the_actions_chart(site: Path):
    html = (site / "actions.html").read_text(encoding="utf-8")
    last = max(nklabor.load("enforcement_actions")["date"].astype(str))
    assert 'class="bar partial"' in html and f"{last[:4]} so far (to {last})" in html


def test_actions_sit_under_the_host_or_acting_country(site: Path):
    html = (site / "actions.html").read_text(encoding="utf-8")
    assert 'data-country="PRK"' not in html
    row = re.search(r'<tr id="act-1202"[^>]*>', html).group(0)
    assert 'data-country="USA"' in row


def test_ukraine_says_what_it_stands_for(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    y2024 = home.split('data-year="2024"')[-1].split("</table>")[0]
    ukr = [row for row in y2024.split("<tr") if "countries/UKR.html" in row][0]
    text = visible_text(ukr)
    assert "150" in text and "arrivals" in text and "Russian-occupied" in text
    assert "never counted" in text or "lower bounds" in text
    page = visible_text((site / "countries" / "UKR.html").read_text(encoding="utf-8"))
    answer = page.split("Ukraine", 2)[2][:500]
    assert "150" in answer and "arrivals" in answer and "Russian-occupied" in answer


def test_country_page_answers_first_then_chart_then_newest_figures(site: Path):
    html = (site / "countries" / "RUS.html").read_text(encoding="utf-8")
    answer = html.index('class="answer"')
    assert html.index("<h1>") < answer < html.index('id="series"') < html.index("Every sourced figure")
    text = visible_text(html[answer:html.index("</p>", answer)])
    assert re.search(r"Russia, \d{4}: about [\d,]+ DPRK workers \(80% range [\d,]+\u2013[\d,]+\)", text), text
    assert "reconstruction" in text and "rests on" in text
    dates = re.findall(r'<tr id="est-\d+"><td data-label="Date">([^<]+)</td>', html)
    years = [d[:4] for d in dates]
    assert len(dates) > 10 and years == sorted(years, reverse=True)


def test_charts_draw_no_line_across_missing_years_and_no_band_without_evidence():
    from nklabor.site import svg

    years = [2006, 2007, 2008, 2013, 2014, 2015]
    kinds = [svg.NONE, svg.NONE, svg.EVIDENCE, svg.BETWEEN, svg.EVIDENCE, svg.EVIDENCE]
    out = svg.band_chart(years, [1] * 6, [5] * 6, [9] * 6, title="t", desc="d", kinds=kinds)
    assert out.count('class="best"') == 1 + 2  # a dot for 2008 alone, then 2013-2014 (dashed) and 2014-2015
    assert out.count('stroke-dasharray="5 4"') == 1
    assert out.count("<polygon") == 1 and out.count('class="band"') == 2  # 2014-2015, and 2008's whisker


def test_poland_chart_skips_the_years_without_an_estimate(site: Path):
    html = (site / "countries" / "POL.html").read_text(encoding="utf-8")
    chart = html.split('id="series"')[1].split("</svg>")[0]
    best = nklabor.load("best_estimates")
    pol = best[(best["iso3"] == "POL") & (best["basis"] != "presence_only")]
    assert chart.count('class="best"') == len(pol) - 1  # one segment per pair of consecutive counted years


def test_reconstruction_is_read_through_one_function():
    from nklabor.site import reconstruction

    old = pd.DataFrame({"iso3": ["RUS"], "low": [1], "best": [2], "high": [3]})
    new = pd.DataFrame({"iso3": ["RUS"], "low_80": [1], "best": [2], "high_80": [3], "low_50": [1], "high_50": [2]})
    for frame in (old, new):
        got = reconstruction(frame)
        assert got[["low", "best", "high"]].iloc[0].tolist() == [1, 2, 3]


def test_persons_have_pages_and_are_linked(site: Path):
    persons = nklabor.load("persons")
    assert {p.stem for p in (site / "persons").glob("*.html")} == set(persons["person_id"])
    page = (site / "persons" / f"{PERSON}.html").read_text(encoding="utf-8")
    assert "Actions naming this person" in page and "Documents naming this person" in page
    acts = (site / "actions.html").read_text(encoding="utf-8")
    named = nklabor.load("enforcement_actions")["target_person_ids"].dropna()
    for pid in {p for ids in named for p in ids.split(";")}:
        assert f'href="persons/{pid}.html"' in acts
    linked = persons.dropna(subset=["entity_ids"]).iloc[0]
    ent = (site / "entities" / f"{linked['entity_ids'].split(';')[0]}.html").read_text(encoding="utf-8")
    assert f'href="../persons/{linked["person_id"]}.html"' in ent
    index = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert f"persons/{PERSON}.html" in index


def test_every_cited_source_says_what_cites_it(site: Path):
    from nklabor.site import citations

    t = {name: nklabor.load(name) for name in nklabor.tables()}
    cites = citations(t)
    by_persons = {s for ids in t["persons"]["source_ids"] for s in ids.split(";")}
    assert by_persons and all(cites[s].get("person") for s in by_persons)
    html = (site / "sources.html").read_text(encoding="utf-8")
    assert html.count(">not cited<") == sum(1 for s in t["sources"]["source_id"] if s not in cites)


def test_downloads_open_in_a_spreadsheet_and_carry_checksums(site: Path):
    import hashlib

    html = (site / "downloads.html").read_text(encoding="utf-8")
    for name in ("worker_estimates.csv", "entities.csv", "nklabor.xlsx"):
        data = (site / "data" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() in html, name
    assert (site / "data" / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (site / "data" / "nklabor.xlsx").read_bytes()[:2] == b"PK"
    assert "make release" not in html
    sums = (site / "data" / "checksums-sha256.txt").read_text(encoding="utf-8")
    assert "nklabor.xlsx" in sums and "worker_estimates.csv" in sums


# ----- in a real browser ----------------------------------------------------------------------------------------

def _browser():
    if not CHROMIUM:
        if os.environ.get("NKLABOR_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (CI) but missing: apt-get install chromium")
        pytest.skip("Chromium not found; install Debian's package: sudo apt-get install chromium")
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (make test does)")
    return playwright


ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    api = _browser()
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, site: Path, path: str, width: int = 1366, height: int = 768):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto((site / path).as_uri())
    page.wait_for_load_state("load")
    return page, errors


WIDTHS = {"phone": (390, 844), "laptop": (1366, 768)}
PAGES = ["index.html", "countries/RUS.html", "countries/CHN.html", "countries/POL.html", f"entities/{ENTITY}.html",
         f"persons/{PERSON}.html", "actions.html", "sources.html", "methods.html", "downloads.html", "search.html",
         "countries.html", "entities.html", "persons.html"]

#: The rendered size of every visible text in a chart or map, in CSS pixels (font size times the SVG's scale).
TEXT_SIZES = """() => Array.from(document.querySelectorAll('svg.chart text, svg.map text')).filter(t => {
  const r = t.getBoundingClientRect(); return r.width > 0 && r.height > 0 && t.getClientRects().length > 0;
}).map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])"""


@pytest.mark.browser
@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_fit_the_screen_with_readable_chart_text(browser, site: Path, width: str):
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    for path in PAGES:
        page.goto((site / path).as_uri())
        assert page.title().endswith("nklabor"), path
        over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert over <= 0, (path, width, over)
        small = [(text, round(size, 1)) for text, size in page.evaluate(TEXT_SIZES) if size < 11]
        assert not small, (path, width, small[:5])
    assert not errors, errors
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", list(WIDTHS))
def test_map_opens_on_the_main_hosts(browser, site: Path, width: str):
    page, errors = open_page(browser, site, "index.html", *WIDTHS[width])
    view = page.evaluate("""() => { const s = document.querySelector('.mapscroll').getBoundingClientRect();
      return Array.from(document.querySelectorAll('svg.map g.year:not([style*="none"]) circle.disc'))
        .filter(c => { const r = c.getBoundingClientRect(); const x = (r.left + r.right) / 2;
                       return x >= Math.max(s.left, 0) && x <= Math.min(s.right, window.innerWidth); })
        .map(c => c.dataset.iso3); }""")
    assert {"RUS", "CHN"} <= set(view), view
    assert not errors, errors
    page.close()


@pytest.mark.browser
def test_year_selector_changes_the_map(browser, site: Path):
    page, errors = open_page(browser, site, "index.html")
    visible = page.eval_on_selector_all("svg.map g.year", "gs => gs.filter(g => g.style.display !== 'none')"
                                                            ".map(g => g.dataset.year)")
    assert len(visible) == 1
    page.select_option("#year", "2017")
    after = page.eval_on_selector_all("svg.map g.year", "gs => gs.filter(g => g.style.display !== 'none')"
                                                          ".map(g => g.dataset.year)")
    assert after == ["2017"] and after != visible
    assert page.is_visible(".year-table[data-year='2017']")
    shaded = page.eval_on_selector_all("svg.map path.host", "ps => ps.map(p => p.dataset.iso3)")
    assert "CHN" in shaded and "RUS" in shaded
    labels = page.eval_on_selector_all("svg.map g.year[data-year='2017'] text.lbl",
                                       "ts => ts.map(t => { const r = t.getBoundingClientRect(); "
                                       "return [r.left, r.top, r.right, r.bottom]; })")
    assert len(labels) > 5
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, (a, b)
    assert not errors, errors
    page.close()


def found(page, site: Path, query: str) -> list[str]:
    page.goto((site / "search.html").as_uri())
    page.fill("#q", query)
    return page.eval_on_selector_all("#results a", "as => as.map(a => a.getAttribute('href'))")


@pytest.mark.browser
def test_search_forgives(browser, site: Path):
    page, errors = open_page(browser, site, "search.html")
    persons = nklabor.load("persons")
    chapman = persons[persons["name"].str.contains("Chapman")].iloc[0]
    aliased = persons.dropna(subset=["aliases"]).iloc[0]
    cases = {"Mansudae": f"entities/{ENTITY}.html", "만수대": f"entities/{ENTITY}.html",
             "Mansudea": f"entities/{ENTITY}.html", "Rusia": "countries/RUS.html", "russia": "countries/RUS.html",
             "Chapman": f"persons/{chapman['person_id']}.html",
             aliased["aliases"].split(";")[0]: f"persons/{aliased['person_id']}.html"}
    for query, href in cases.items():
        assert href in found(page, site, query), query
    hangul = nklabor.load("entities").dropna(subset=["name_ko"]).iloc[0]
    assert f"entities/{hangul['entity_id']}.html" in found(page, site, str(hangul["name_ko"])[:3])
    assert found(page, site, "Rusia")[0] == "countries/RUS.html"
    page.goto((site / "search.html").as_uri() + "?q=Russia")
    assert "countries/RUS.html" in page.eval_on_selector_all("#results a", "as => as.map(a => a.getAttribute('href'))")
    page.keyboard.press("Tab")  # the skip link is the first stop for keyboard users
    assert page.evaluate("document.activeElement.className") == "skip"
    assert not errors, errors
    page.close()


@pytest.mark.browser
def test_action_filters(browser, site: Path):
    page, errors = open_page(browser, site, "actions.html")
    total = page.eval_on_selector_all("table.actions tbody tr", "rs => rs.length")
    page.select_option("#f-type", "sanctions_designation")
    shown = page.eval_on_selector_all("table.actions tbody tr", "rs => rs.filter(r => !r.hidden).length")
    acts = nklabor.load("enforcement_actions")
    assert shown == int((acts["action_type"] == "sanctions_designation").sum()) < total
    assert page.inner_text("#f-count") == f"{shown} actions"
    assert not errors, errors
    page.close()


@pytest.mark.browser
def test_sources_sort_and_filter(browser, site: Path):
    page, errors = open_page(browser, site, "sources.html")
    rows = "table.sources tbody tr"
    page.click("table.sources thead th:nth-child(4) button")
    dates = page.eval_on_selector_all(rows, "rs => rs.map(r => r.cells[3].textContent)")
    assert dates == sorted(dates)
    page.click("table.sources thead th:nth-child(4) button")
    dates = page.eval_on_selector_all(rows, "rs => rs.map(r => r.cells[3].textContent)")
    assert dates == sorted(dates, reverse=True)
    page.select_option("#s-kind", "un")
    shown = page.eval_on_selector_all(rows, "rs => rs.filter(r => !r.hidden).length")
    assert shown == int((nklabor.load("sources")["kind"] == "un").sum())
    page.select_option("#s-kind", "")
    page.fill("#s-text", "Reuters")
    texts = page.eval_on_selector_all(rows, "rs => rs.filter(r => !r.hidden).map(r => r.textContent)")
    assert texts and all("reuters" in t.lower() for t in texts)
    assert not errors, errors
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "countries/RUS.html", f"entities/{ENTITY}.html",
                                  f"persons/{PERSON}.html", "actions.html", "search.html?q=Mansudae"])
def test_no_serious_accessibility_violation(browser, site: Path, path: str):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="make test installs it")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    file, _, query = path.partition("?")
    page.goto((site / file).as_uri() + (f"?{query}" if query else ""))
    results = axe.Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    page.close()


SHOTS = (("home", "index.html"), ("russia", "countries/RUS.html"), ("china", "countries/CHN.html"),
         ("poland", "countries/POL.html"), ("mansudae", f"entities/{ENTITY}.html"),
         ("person", f"persons/{PERSON}.html"), ("search", "search.html?q=Mansudea"))


def screenshots(browser, site: Path, out: Path) -> list[Path]:
    """Phone (390 px) and laptop (1366 px) screenshots of the key pages; `make site-shots` writes reports/site/."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    for label, (w, h) in WIDTHS.items():
        page = browser.new_page(viewport={"width": w, "height": h})
        for name, path in SHOTS:
            file, _, query = path.partition("?")
            page.goto((site / file).as_uri() + (f"?{query}" if query else ""))
            target = out / f"{name}-{label}.png"
            page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": w, "height": h * 3})
            shots.append(target)
        page.close()
    return shots


@pytest.mark.browser
def test_screenshots_are_made(browser, site: Path, tmp_path: Path):
    shots = screenshots(browser, site, tmp_path)
    assert len(shots) == 14 and all(p.read_bytes()[:4] == b"\x89PNG" for p in shots)
