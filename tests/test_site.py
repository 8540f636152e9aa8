"""The static site: built from the current data, deterministic, light, every link resolving, and used in a real
browser (Debian's Chromium, driven by Playwright) as a reader would."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

import nklabor
from nklabor.site import build_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ENTITY = "mansudae-overseas-project-group-of-companies"


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
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for ref in REF.findall(text):
            url = urlparse(ref)
            if url.scheme in ("http", "https", "mailto"):
                if re.search(rf'(?:src|rel="stylesheet" href)="{re.escape(ref)}"', text):
                    external_assets.append((page.name, ref))
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if not target.exists():
                broken.append((str(page.relative_to(site)), ref))
            elif url.fragment and target.suffix == ".html":
                if f'id="{url.fragment}"' not in target.read_text(encoding="utf-8"):
                    broken.append((str(page.relative_to(site)), ref))
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


def open_page(browser, site: Path, path: str, width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto((site / path).as_uri())
    page.wait_for_load_state("load")
    return page, errors


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "countries/RUS.html", f"entities/{ENTITY}.html", "search.html",
                                  "actions.html"])
def test_pages_load_without_console_errors(browser, site: Path, path: str):
    page, errors = open_page(browser, site, path)
    assert page.title().endswith("nklabor")
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
    assert not errors, errors
    page.close()


@pytest.mark.browser
def test_search_finds_names_and_hangul_aliases(browser, site: Path):
    page, errors = open_page(browser, site, "search.html")
    page.fill("#q", "Mansudae")
    links = page.eval_on_selector_all("#results a", "as => as.map(a => a.getAttribute('href'))")
    assert f"entities/{ENTITY}.html" in links
    entities = nklabor.load("entities").dropna(subset=["name_ko"])
    hangul = entities.iloc[0]
    page.fill("#q", str(hangul["name_ko"])[:3])
    links = page.eval_on_selector_all("#results a", "as => as.map(a => a.getAttribute('href'))")
    assert f"entities/{hangul['entity_id']}.html" in links
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
    assert not errors, errors
    page.close()


def screenshots(browser, site: Path, out: Path) -> list[Path]:
    """Desktop and phone screenshots of the pages the tests use; `make site-shots` writes them to reports/site."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    pages = (("home", "index.html"), ("russia", "countries/RUS.html"), ("mansudae", f"entities/{ENTITY}.html"),
             ("search", "search.html?q=Mansudae"))
    for name, path in pages:
        for label, (w, h) in (("desktop", (1280, 900)), ("phone", (390, 844))):
            page = browser.new_page(viewport={"width": w, "height": h})
            page.goto((site / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
            target = out / f"{name}-{label}.png"
            page.screenshot(path=str(target))
            page.close()
            shots.append(target)
    return shots


@pytest.mark.browser
def test_screenshots_are_made(browser, site: Path, tmp_path: Path):
    shots = screenshots(browser, site, tmp_path)
    assert len(shots) == 8 and all(p.read_bytes()[:4] == b"\x89PNG" for p in shots)
