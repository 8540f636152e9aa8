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
from nklabor import basemap  # noqa: E402
from nklabor.estimate.present import round2  # noqa: E402
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
            out[art.get_gid()[6:]] = "".join(child.get_text() for child in art.offsetbox.get_children())
    return out


def credit(fig) -> str:
    return style.credit_of(fig).get_text()


def assert_credited(fig):
    text = credit(fig)
    assert f"nklabor {nklabor.__version__}" in text and "cited sources" in text and "nklabor figures ISO3" in text


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
    assert set(nklabor.load("countries")["iso3"]) <= set(basemap.anchors().index)
    bounds = basemap.countries("EPSG:4326").explode(index_parts=False).geometry.bounds
    assert ((bounds["maxx"] - bounds["minx"]) < 300).all()


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
    high = cy["best_high_80"].astype(float)
    assert n_points(ax, "workers-high") == int(((best > 0) & (high > best)).sum())
    with_actions = cy[(cy["n_actions"] > 0) & ~cy["has_presence"] & best.isna()]
    assert n_points(ax, "actions-only") == len(with_actions[[bool(f) for f in map_rows(year).set_index("iso3")
                                                             .reindex(with_actions["iso3"])["families"]]])
    assert_credited(fig)
    assert str(year) in ax.get_title(loc="left")


def test_map_labels_name_every_symbol_with_its_figure_and_action_marks():
    fig, ax = nklabor.deployment_map(2017)
    rows = map_rows(2017).set_index("iso3")
    texts = label_texts(ax)
    assert set(texts) == set(rows.index)
    for iso3, row in rows.iterrows():
        assert texts[iso3].startswith(row["name"])
        if row["kind"] in ("count", "imputed"):
            if row["basis"] == "presence_only":
                assert texts[iso3].endswith("?") or "?" in texts[iso3]
            else:
                assert f"{round2(int(row['best'])):,}" in texts[iso3]
                assert ("~" in texts[iso3]) == (row["kind"] == "imputed")
        for fam in row["families"]:
            assert style.ACTION_FAMILIES[fam]["glyph"] in texts[iso3]


def test_map_labels_do_not_overlap():
    fig, ax = nklabor.deployment_map(2017)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [a.offsetbox.get_window_extent(renderer) for a in ax.artists if (a.get_gid() or "").startswith("label-")]
    assert len(boxes) == len(map_rows(2017))
    clashes = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert not clashes


def test_small_hosts_get_a_symbol_and_a_readable_label():
    cy = nklabor.load("country_year")
    seen = cy[cy["iso3"].isin(SMALL_HOSTS) & cy["has_presence"]]
    assert len(seen), "no small host with data; pick another check"
    year = int(seen.groupby("year").size().idxmax())
    fig, ax = nklabor.deployment_map(year)
    names = nklabor.load("countries").set_index("iso3")["name"]
    texts = label_texts(ax)
    for iso3 in seen.loc[seen["year"] == year, "iso3"]:
        assert texts[iso3].startswith(names[iso3])
    sizes = [a.offsetbox.get_children()[0]._text.get_fontsize() for a in ax.artists
             if (a.get_gid() or "") == f"label-{seen.loc[seen['year'] == year, 'iso3'].iloc[0]}"]
    assert sizes and sizes[0] >= 6.5


def test_map_legends_explain_symbols_sizes_and_actions():
    fig, ax = nklabor.deployment_map(2017)
    legends = {lg.get_gid(): [t.get_text() for t in lg.get_texts()] for a in fig.axes for lg in a.artists
               if isinstance(lg, matplotlib.legend.Legend)}
    assert legends["legend-workers"][:4] == ["best estimate, from that year's figures (disc area)",
                                             "best estimate imputed, or on unnamed sources only (~)",
                                             "reported, never counted (disc: a typical host)",
                                             "high end of its 80% range (solid ring)"]
    assert any(t.startswith("shading:") for t in legends["legend-workers"])
    families = {f for fams in map_rows(2017)["families"] for f in fams}
    assert set(legends["legend-actions"]) == families
    key = [t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == "size-key-title"]
    assert key == ["Disc area = best estimate"]
    caption = [t.get_text() for t in ax.texts if t.get_gid() == "caption"]
    assert caption and "best estimate" in caption[0] and "docs/ESTIMATES.md" in caption[0]


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
    assert n_points(ax, "workers-imputed") == 1  # Malta: presence only, a pooled figure drawn pale, never "no count"
    assert "?" in label_texts(ax)["MLT"]
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
    assert [t.get_text() for t in ax.get_yticklabels()] == ["TIP rating (1)", "Sanctions designation (1)",
                                                            "UN resolution (1)"]


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
    assert "best estimate per year (reconstruction; docs/ESTIMATES.md)" in legend and "workers present" in legend
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
