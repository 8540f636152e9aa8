"""The figures say what the data says: one symbol per host country with data, legends and credit on every figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import nklabor  # noqa: E402
from nklabor import basemap, words  # noqa: E402
from nklabor.plots import style  # noqa: E402
from nklabor.plots.maps import map_rows, shared_scale  # noqa: E402

SMALL_HOSTS = ["MLT", "SGP", "BHR", "KWT", "QAT"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def fixture_data(raw_copy: Path, monkeypatch) -> Path:
    """Point nklabor at the tiny synthetic raw set; it builds on first load."""
    data = raw_copy.parent / "data"
    data.mkdir()
    raw_copy.rename(data / "raw")
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(data))
    return data


def collection(ax, gid: str):
    return next(c for c in ax.collections if c.get_gid() == gid)


def n_points(ax, gid: str) -> int:
    return len(collection(ax, gid).get_offsets())


def label_texts(ax) -> dict[str, str]:
    out = {}
    for art in ax.artists:
        if (art.get_gid() or "").startswith("label-"):
            text, *marks = art.offsetbox.get_children()
            out[art.get_gid()[6:]] = text.get_text() + "".join(m.get_label() for box in marks
                                                              for m in box.get_children())
    return out


def credit(fig) -> str:
    return style.credit_of(fig).get_text()


def assert_credited(fig):
    text = credit(fig)
    assert f"nklabor {nklabor.__version__}" in text and "cited sources" in text


def figure_texts(fig) -> list[str]:
    """Every string drawn on the figure: texts, titles, tick labels, legends, map labels."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def notes_text(fig) -> str:
    return " ".join(t.get_text() for a in [fig, *fig.axes] for t in a.texts if t.get_gid() == "notes")


def label_boxes(fig) -> list:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(a.get_gid(), a.offsetbox.get_window_extent(renderer)) for ax in fig.axes for a in ax.artists
            if (a.get_gid() or "").startswith("label-")]


# ---- base map ------------------------------------------------------------------------------------------------

def test_base_map_is_checked_and_has_the_small_states():
    import hashlib

    assert hashlib.sha256(basemap.GEOMETRY.read_bytes()).hexdigest() == basemap.recorded_sha256()
    world = basemap.countries().set_index("iso3")
    points = basemap.anchors()
    for iso3 in SMALL_HOSTS:
        assert world.loc[[iso3]].geometry.union_all().contains(points[iso3]), iso3
    assert world.crs.to_epsg() == 8857  # Equal Earth, not plate carree


def test_every_host_country_has_an_outline_and_no_shape_wraps_the_globe():
    assert set(nklabor.load("countries")["iso3"]) <= set(basemap.projected().anchors)
    bounds = basemap.countries("EPSG:4326").explode(index_parts=False).geometry.bounds
    assert ((bounds["maxx"] - bounds["minx"]) < 300).all()


def test_packaged_projected_outlines_are_the_vendored_geometry(tmp_path):
    """The drawing file is a pure function of countries-50m.json: rebuilt here, it matches what ships."""
    import numpy as np

    rebuilt = np.load(basemap.build_projected(tmp_path / "rebuilt.npz"))
    shipped = np.load(basemap.PROJECTED)
    assert sorted(rebuilt.files) == sorted(shipped.files)
    for key in ("iso3", "starts", "codes", "anchor_iso3", "source_sha256"):
        assert (rebuilt[key] == shipped[key]).all(), key
    for key in ("xy", "anchor_xy", "sphere"):
        assert np.allclose(rebuilt[key], shipped[key], atol=1.0), key  # metres
    base, points = basemap.projected(), basemap.anchors()
    for iso3 in SMALL_HOSTS:
        assert base.anchors[iso3] == pytest.approx((points[iso3].x, points[iso3].y))
    assert basemap.PROJECTED.stat().st_size < 400_000


# ---- deployment_map ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", [2016, 2017])
def test_map_draws_one_worker_symbol_per_host_country_with_data(year):
    fig, ax = nklabor.deployment_map(year)
    cy = nklabor.load("country_year")
    cy = cy[cy["year"] == year]
    best = cy["best"].astype(float)
    observed = (cy["basis"] == "observed") & ~cy["rests_on_low_confidence"].fillna(False).astype(bool)
    assert n_points(ax, "workers-best") == int(((best > 0) & observed).sum())
    assert n_points(ax, "workers-imputed") == int(((best > 0) & ~observed).sum())
    assert n_points(ax, "workers-zero") == int((best == 0).sum())
    assert n_points(ax, "workers-presence") == int((cy["has_presence"] & best.isna()).sum())
    high = style.interval(cy, "best_")[1]
    assert n_points(ax, "workers-high") == int(((best > 0) & (high > best)).sum())
    with_actions = cy[(cy["n_actions"] > 0) & ~cy["has_presence"] & best.isna()]
    assert n_points(ax, "actions-only") == len(with_actions[[bool(f) for f in map_rows(year).set_index("iso3")
                                                             .reindex(with_actions["iso3"])["families"]]])
    assert_credited(fig)
    assert str(year) in ax.get_title(loc="left")


@pytest.mark.parametrize("year", [2017, 2025])
def test_every_marker_is_labelled_or_listed_with_its_rounded_estimate_and_range(year):
    """2017 once had Libya, Senegal, Nigeria, Tanzania, Malaysia, Cambodia and Taiwan as markers with no label."""
    fig, ax = nklabor.deployment_map(year)
    rows = map_rows(year).set_index("iso3")
    texts, notes = label_texts(ax), notes_text(fig)
    for iso3, row in rows.iterrows():
        name = words.country(iso3)
        text = texts.get(iso3)
        if text is None:  # no room beside it: listed under the map instead
            assert "Not labelled on the map" in notes and name in notes, iso3
            continue
        assert text.startswith(name)
        if row["kind"] in ("count", "imputed") and row["basis"] != "presence_only":
            assert words.number(row["best"]) in text
            if words.round2(row["low"]) != words.round2(row["high"]):
                assert f"({words.span(row['low'], row['high'])})" in text
        elif row["kind"] in ("imputed", "presence"):
            assert text.split(" \N{BLACK SQUARE}")[0].rstrip(" " + "".join(
                f["glyph"] for f in style.ACTION_FAMILIES.values())).endswith("no count")
        for fam in row["families"]:
            assert style.ACTION_FAMILIES[fam]["glyph"] in text


def test_labels_show_reconstructions_to_two_significant_figures():
    import re

    fig, ax = nklabor.deployment_map(2017)
    numbers = [int(n.replace(",", "")) for t in label_texts(ax).values() for n in re.findall(r"\d[\d,]*", t)]
    assert numbers and all(n == words.round2(n) for n in numbers)
    china = nklabor.load("best_estimates").query("iso3 == 'CHN' and year == 2017").iloc[0]
    assert f"China {words.number(china['best'])}" in label_texts(ax)["CHN"]
    subtitle = next(t.get_text() for t in ax.texts if t.get_gid() == "subtitle")
    assert "reconstruction" in subtitle and "two significant figures" in subtitle


@pytest.mark.parametrize("year", [2005, 2017, 2019, 2025])
def test_map_labels_do_not_overlap(year):
    """Rendered label boxes are pairwise disjoint (2017 once had Poland on Germany and Qatar on the UAE)."""
    fig, ax = nklabor.deployment_map(year)
    boxes = label_boxes(fig)
    assert len(boxes) >= len(map_rows(year)) // 2
    clashes = [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[:i] if ba.overlaps(bb)]
    assert not clashes
    frame = ax.get_window_extent()
    assert all(frame.x0 - 1 <= bb.x0 and bb.x1 <= frame.x1 + 1 and frame.y0 - 1 <= bb.y0 and bb.y1 <= frame.y1 + 1
               for _, bb in boxes)


def test_small_multiples_label_every_panel_without_overlap():
    fig, axes = nklabor.deployment_maps([2016, 2018, 2020, 2024])
    boxes = label_boxes(fig)
    clashes = [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[:i] if ba.overlaps(bb)]
    assert not clashes
    notes = notes_text(fig)
    for ax, year in zip(axes.flat, [2016, 2018, 2020, 2024]):
        texts = label_texts(ax)
        for iso3 in map_rows(year)["iso3"]:
            assert iso3 in texts or words.country(iso3) in notes, (year, iso3)
    assert "Donbas" in notes  # 2024: Ukraine


def test_ukraine_says_it_stands_for_about_150_arrivals_in_occupied_donbas():
    """UKR has one figure: about 150 construction workers arriving in Russian-occupied Donbas (est-0394)."""
    est = nklabor.load("worker_estimates").query("country_iso3 == 'UKR'")
    assert len(est) == 1 and est["subnational"].iloc[0] == "Donbas (Russian-occupied)"
    for year in (2024, 2025, 2026):
        fig, ax = nklabor.deployment_map(year)
        label = label_texts(ax).get("UKR", "")
        notes = notes_text(fig)
        assert "Donbas (Russian-occupied)" in label or "Donbas (Russian-occupied)" in notes
        assert "Ukraine stands for Donbas (Russian-occupied) only" in notes
        assert "about 150 arrivals, January 2024" in notes and "No count for the country" in notes
        plt.close(fig)


def test_small_hosts_get_a_symbol_and_a_readable_label():
    cy = nklabor.load("country_year")
    seen = cy[cy["iso3"].isin(SMALL_HOSTS) & cy["has_presence"]]
    assert len(seen), "no small host with data; pick another check"
    year = int(seen.groupby("year").size().idxmax())
    fig, ax = nklabor.deployment_map(year)
    texts = label_texts(ax)
    for iso3 in seen.loc[seen["year"] == year, "iso3"]:
        assert texts[iso3].startswith(words.country(iso3))
    sizes = [a.offsetbox.get_children()[0]._text.get_fontsize() for a in ax.artists
             if (a.get_gid() or "") == f"label-{seen.loc[seen['year'] == year, 'iso3'].iloc[0]}"]
    assert sizes and sizes[0] >= 6.5


def test_map_legends_explain_symbols_sizes_and_actions_in_plain_words():
    fig, ax = nklabor.deployment_map(2017)
    legends = {lg.get_gid(): [t.get_text() for t in lg.get_texts()] for a in fig.axes for lg in a.artists
               if isinstance(lg, matplotlib.legend.Legend)}
    rng = style.range_words()
    assert legends["legend-workers"][:5] == [
        "estimate resting on that year's own figures (disc area)",
        "estimate carried from other years, or on unnamed sources only",
        "reported, never counted: a typical host's size, labelled \u201cno count\u201d",
        f"high end of its {rng} (solid ring)", f"low end of its {rng} (dotted ring)"]
    assert any(t.startswith("shading:") for t in legends["legend-workers"])
    families = {f for fams in map_rows(2017)["families"] for f in fams}
    assert set(legends["legend-actions"]) == families
    key = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == "size-key-title"]
    assert key == ["Disc area: estimated workers"]


RAW = ("docs/", "ESTIMATES.md", "ISO3", "nklabor figures", "_")


def assert_plain_words(fig):
    codes = set(nklabor.load("countries")["iso3"]) | {"PRK", "WLD", "MSMT"}
    for text in figure_texts(fig):
        assert not any(r in text for r in RAW), text
        assert not codes & set(text.replace("(", " ").replace(")", " ").replace(",", " ").split()), text


@pytest.mark.parametrize("make", [
    lambda: nklabor.deployment_map(2017), lambda: nklabor.deployment_map(2025),
    lambda: nklabor.deployment_maps([2016, 2024]), lambda: nklabor.series("WLD"), lambda: nklabor.series("RUS"),
    lambda: nklabor.country_profile("RUS"), lambda: nklabor.enforcement_timeline()],
    ids=["map-2017", "map-2025", "maps", "series-WLD", "series-RUS", "profile-RUS", "timeline"])
def test_figures_speak_plain_words(make):
    """No file names, commands, ISO codes or underscored codes reach a reader (nklabor.words names things)."""
    fig, _ = make()
    assert_plain_words(fig)


def _sizes(fig, ax) -> dict[str, list[float]]:
    from matplotlib.legend import Legend

    legends = [lg for a in fig.axes for lg in [*a.artists, a.get_legend()] if isinstance(lg, Legend)]
    return {
        "title": [ax.title.get_fontsize() if ax.get_title(loc="left") == "" else ax._left_title.get_fontsize()],
        "subtitle": [t.get_fontsize() for a in fig.axes for t in a.texts if t.get_gid() == "subtitle"],
        "credit": [style.credit_of(fig).get_fontsize()],
        "legend": sorted(t.get_fontsize() for lg in legends for t in [*lg.get_texts(), lg.get_title()]
                         if t.get_text()),
        "labels": sorted({a.offsetbox.get_children()[0]._text.get_fontsize() for a in ax.artists
                          if (a.get_gid() or "").startswith("label-")}),
        "key": sorted(t.get_fontsize() for a in fig.axes for t in a.texts
                      if (t.get_gid() or "").startswith("size-key")),
        "notes": [t.get_fontsize() for a in [fig, *fig.axes] for t in a.texts if t.get_gid() == "notes"],
    }


def test_fontsize_scales_every_text_of_a_map():
    small = _sizes(*nklabor.deployment_map(2025, fontsize=12))
    large = _sizes(*nklabor.deployment_map(2025, fontsize=18))
    for part in ("title", "subtitle", "credit", "legend", "labels", "key", "notes"):
        assert small[part], part
        assert large[part] == pytest.approx([1.5 * v for v in small[part]]), part


def test_fontsize_scales_every_text_of_the_series_chart():
    fig, ax = nklabor.series("WLD", fontsize=11)
    small = _sizes(fig, ax) | {"ticks": [ax.get_yticklabels()[0].get_fontsize(), ax.yaxis.label.get_fontsize()]}
    fig, ax = nklabor.series("WLD", fontsize=22)
    large = _sizes(fig, ax) | {"ticks": [ax.get_yticklabels()[0].get_fontsize(), ax.yaxis.label.get_fontsize()]}
    for part in ("title", "subtitle", "credit", "legend", "ticks"):
        assert small[part], part
        assert large[part] == pytest.approx([2 * v for v in small[part]]), part


def test_title_subtitle_and_credit_are_parameters_with_print_defaults():
    fig, ax = nklabor.deployment_map(2017)
    assert ax.get_title(loc="left") == "North Korean workers abroad in 2017"
    fig, ax = nklabor.deployment_map(2017, title="Workers, 2017", subtitle="A subtitle", credit="Credit line")
    assert ax.get_title(loc="left") == "Workers, 2017"
    assert [t.get_text() for t in ax.texts if t.get_gid() == "subtitle"] == ["A subtitle"]
    assert credit(fig) == "Credit line"
    fig, ax = nklabor.deployment_map(2017, subtitle="")
    assert not [t for t in ax.texts if t.get_gid() == "subtitle"]
    fig, ax = nklabor.series("RUS", title="T", subtitle="S", credit="C")
    assert ax.get_title(loc="left") == "T" and credit(fig) == "C"
    assert [t.get_text() for t in ax.texts if t.get_gid() == "subtitle"] == ["S"]


def test_series_legend_takes_at_most_a_quarter_of_the_width_and_says_reconstruction():
    for code in ("WLD", "RUS", "CHN"):
        fig, ax = nklabor.series(code, flows=True)
        fig.canvas.draw()
        legend = ax.get_legend()
        assert legend.get_window_extent().width <= 0.25 * fig.bbox.width, code
        texts = [t.get_text() for t in legend.get_texts()]
        assert "best estimate\n(a reconstruction)" in texts
        band = nklabor.load("world_year") if code == "WLD" else nklabor.load("best_estimates").query("iso3 == @code")
        last = band.sort_values("year").iloc[-1]
        low, high = style.interval(band.sort_values("year").tail(1))
        subtitle = next(t.get_text() for t in ax.texts if t.get_gid() == "subtitle")
        assert style.about(float(last["best"]), low.iloc[0], high.iloc[0]) in subtitle and "reconstruction" in subtitle
        plt.close(fig)


def test_symbol_area_is_proportional_to_the_figure():
    scale = shared_scale()
    big, small = scale.vmax, scale.vmax / 4
    assert scale.diameter(big) == pytest.approx(2 * scale.diameter(small))
    assert scale.diameter(1) == scale.diameter(0)  # floor, stated in the key


def test_maps_share_one_scale_across_years():
    fig, axes = nklabor.deployment_maps([2016, 2020])
    scale = shared_scale()
    for ax, year in zip(axes.flat, [2016, 2020]):
        cy = nklabor.load("country_year").query("year == @year and best > 0")
        sizes = sorted(list(collection(ax, "workers-best").get_sizes())
                       + list(collection(ax, "workers-imputed").get_sizes()))
        expected = sorted(scale.diameter(float(v)) ** 2 for v in cy["best"])
        assert sizes == pytest.approx(expected)
        assert ax.get_title(loc="left") == str(year)
    assert_credited(fig)


def test_map_on_the_tiny_fixture(fixture_data):
    fig, ax = nklabor.deployment_map(2017)
    assert n_points(ax, "workers-best") == 1  # Russia, from its 2017 figures
    assert set(label_texts(ax)) == {"RUS"}
    fig, ax = nklabor.deployment_map(2016)
    assert n_points(ax, "workers-imputed") == 1  # Malta: presence only, a pooled figure drawn pale
    assert "no count" in label_texts(ax)["MLT"]
    assert label_texts(ax)["RUS"].endswith(style.ACTION_FAMILIES["resolution, designation or law"]["glyph"])
    assert_credited(fig)


# ---- enforcement_timeline ------------------------------------------------------------------------------------

def plotted_actions(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if (c.get_gid() or "").startswith("actions-"))


def test_timeline_plots_every_action_once_with_key_dates():
    fig, ax = nklabor.enforcement_timeline()
    acts = nklabor.load("enforcement_actions")
    assert plotted_actions(ax) == len(acts)
    assert len([line for line in ax.lines if line.get_gid() == "key-date"]) == len(style.KEY_DATES)
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "key-date-label"]
    assert "UNSCR 2371, 2375, 2397" in labels
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "UN Security Council"
    assert_credited(fig)


def test_timeline_filters_by_country_and_entity():
    acts = nklabor.load("enforcement_actions")
    fig, ax = nklabor.enforcement_timeline(countries="RUS")
    assert plotted_actions(ax) == int(((acts["target_country_iso3"] == "RUS") | (acts["actor"] == "RUS")).sum())
    assert "Russia" in ax.get_title(loc="left")
    entity = acts["target_entity_id"].dropna().value_counts().index[0]
    fig, ax = nklabor.enforcement_timeline(entities=[entity])
    assert plotted_actions(ax) == int((acts["target_entity_id"] == entity).sum())


def test_key_dates_agree_with_the_resolutions_in_the_data():
    acts = nklabor.load("enforcement_actions")
    un = acts[acts["action_type"] == "un_resolution"]
    for date, label in style.KEY_DATES:
        if label.startswith("UNSCR"):
            number = label.split()[1]
            assert date in set(un.loc[un["legal_basis"].str.contains(number, na=False), "date"]), label
    deadline = dict((label, date) for date, label in style.KEY_DATES)["2397 deadline"]
    assert pd.Timestamp(deadline) == pd.Timestamp(dict((lb, d) for d, lb in style.KEY_DATES)["UNSCR 2397"]) \
        + pd.DateOffset(months=24)


def test_timeline_on_the_tiny_fixture(fixture_data):
    fig, ax = nklabor.enforcement_timeline()
    assert plotted_actions(ax) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Trafficking report rating (1)", "Sanctions designation (1)", "UN resolution (1)"]


# ---- country_profile -----------------------------------------------------------------------------------------

def test_profile_shows_every_sourced_figure_and_the_central_series():
    fig, (ax, act_ax) = nklabor.country_profile("RUS")
    est = nklabor.load("worker_estimates").query("country_iso3 == 'RUS'")
    counted = est[est["qualifier"] != "presence_only"]
    drawn = sum(len(c.get_offsets()) for c in ax.collections if (c.get_gid() or "").startswith("figures-"))
    assert drawn == len(counted)
    best = nklabor.load("best_estimates").query("iso3 == 'RUS'")
    line = next(line for line in ax.lines if line.get_gid() == "central-series")
    assert sorted(v for v in line.get_ydata() if v == v) == sorted(best["best"].astype(float))
    acts = nklabor.load("enforcement_actions")
    assert plotted_actions(act_ax) == int(((acts["target_country_iso3"] == "RUS") | (acts["actor"] == "RUS")).sum())
    assert "Russia" in ax.get_title(loc="left")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "best estimate per year (a reconstruction)" in legend and "workers present" in legend
    assert_credited(fig)


def test_profile_on_a_given_axes_and_on_the_fixture(fixture_data):
    fig, ax = plt.subplots()
    out_fig, out_ax = nklabor.country_profile("MLT", ax=ax)
    assert out_ax is ax and out_fig is fig
    assert len(next(c for c in ax.collections if c.get_gid() == "presence-only").get_segments()) == 1
    fig, (ax, _) = nklabor.country_profile("RUS")
    assert sum(len(c.get_offsets()) for c in ax.collections if (c.get_gid() or "").startswith("figures-")) == 3
    with pytest.raises(ValueError, match="XYZ"):
        nklabor.country_profile("XYZ")


# ---- command line --------------------------------------------------------------------------------------------

def test_command_line_writes_a_map(fixture_data, tmp_path):
    out = tmp_path / "map.png"
    result = subprocess.run([sys.executable, "-m", "nklabor", "plot", "map", "--year", "2017", "-o", str(out),
                             "--dpi", "50"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
