"""The reconstruction (nklabor/reconstruct.py): a hand-made case with known answers, properties, and the real data."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nklabor
from nklabor import reconstruct as R

COUNTRIES = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"],
                          "region": ["Europe"] * 7})


def row(eid, iso3, as_of, low, high=None, *, qualifier=None, confidence="high", kind="host_government",
        scope="national", measure="workers_present", sector=None):
    high = low if high is None and qualifier in (None, "exact") else high
    q = qualifier or ("exact" if low == high else "range")
    return {"estimate_id": eid, "country_iso3": iso3, "scope": scope, "subnational": "x" if scope == "subnational"
            else None, "entity_id": None, "sector": sector, "measure": measure, "counted": "workers", "as_of": as_of,
            "period_start": None, "count_low": low, "count_high": high, "qualifier": q, "confidence": confidence,
            "estimator_kind": kind, "estimator": "someone"}


def frame(rows) -> pd.DataFrame:
    f = pd.DataFrame(rows)
    for col in ("count_low", "count_high"):
        f[col] = f[col].astype("Int64")
    return f


HAND = frame([
    row("e01", "AAA", "2010", 1000),
    row("e02", "AAA", "2014", 16000),
    row("e03", "AAA", "2017", 8000),
    row("e04", "AAA", "2018-03", 4000, scope="subnational"),        # lower bound in a carried year
    row("e05", "AAA", "2018-06", 3000, measure="workers_repatriated"),
    row("e06", "BBB", "2015", 500),
    row("e07", "BBB", "2016", 0),                                    # official zero
    row("e08", "CCC", "2016", None, qualifier="presence_only"),
    row("e09", "DDD", "2016", 200), row("e10", "EEE", "2016", 300), row("e11", "FFF", "2016", 400),
    row("e12", "GGG", "2016", 100), row("e13", "GGG", "2016", 900, confidence="low", kind="media"),
])


@pytest.fixture(scope="module")
def hand():
    return R.best_estimates(HAND, COUNTRIES).set_index(["iso3", "year"])


def test_observed_interpolated_and_carried(hand):
    assert hand.loc[("AAA", 2010), "best"] == 1000 and hand.loc[("AAA", 2010), "basis"] == "observed"
    # 2012 lies halfway between 1,000 (2010) and 16,000 (2014) on a log scale: 4,000
    assert hand.loc[("AAA", 2012), "best"] == 4000 and hand.loc[("AAA", 2012), "basis"] == "interpolated"
    # 2018: 8,000 carried, less 3,000 sent home, but not below the 4,000 counted in one region
    assert hand.loc[("AAA", 2018), "basis"] == "carried_forward"
    assert hand.loc[("AAA", 2018), "best"] == 5000
    assert hand.loc[("AAA", 2018), "low"] >= 4000
    assert "e04" not in str(hand.loc[("AAA", 2018), "input_estimate_ids"])  # the bound did not bind
    # a figure from before 2019 is never carried past 2019
    assert ("AAA", 2020) not in hand.index


def test_an_official_zero_gives_zero_and_ends_the_series(hand):
    assert hand.loc[("BBB", 2016), "best"] == 0 and hand.loc[("BBB", 2016), "basis"] == "reported_zero"
    assert ("BBB", 2017) not in hand.index


def test_presence_only_takes_the_quartiles_of_similar_hosts(hand):
    r = hand.loc[("CCC", 2016)]
    assert r["basis"] == "presence_only" and r["presence_pool"] == "Europe"
    observed = hand[(hand["basis"] == "observed") & (hand.index.get_level_values(0) != "CCC")]
    assert r["best"] == round(observed["best"].median())


def test_low_confidence_counts_with_little_weight(hand):
    # 100 (high, official) and 900 (low, media): weights 1.0 and 0.15 x 0.5
    w = 0.15 * 0.5
    expected = math.exp((math.log(100) + w * math.log(900)) / (1 + w))
    assert hand.loc[("GGG", 2016), "best"] == round(expected)
    assert not hand.loc[("GGG", 2016), "rests_on_low_confidence"]


def test_every_national_counted_row_is_an_input():
    est = nklabor.load("worker_estimates")
    best = nklabor.load("best_estimates")
    used = {i for ids in best["input_estimate_ids"].dropna() for i in ids.split(";")}
    national = est[(est["scope"] == "national") & est["measure"].isin(["workers_present", "work_permits_valid"])
                   & (est["qualifier"] != "presence_only") & (est["country_iso3"] != "WLD")
                   & est["count_low"].fillna(est["count_high"]).notna()]
    assert set(national["estimate_id"]) <= used, sorted(set(national["estimate_id"]) - used)[:10]


def test_real_data_invariants():
    best = nklabor.load("best_estimates")
    assert (best["low"] <= best["best"]).all() and (best["best"] <= best["high"]).all()
    for iso3 in ("RUS", "CHN"):
        years = set(best.loc[best["iso3"] == iso3, "year"])
        assert set(range(2010, 2027)) <= years, f"{iso3} misses {sorted(set(range(2010, 2027)) - years)}"
    world = nklabor.load("world_year").set_index("year")
    sums = best.groupby("year")[["low", "best", "high"]].sum()
    for y in world.index:
        expected = sums.loc[y] if y in sums.index else pd.Series({"low": 0, "best": 0, "high": 0})
        assert world.loc[y, ["low", "best", "high"]].tolist() == expected.tolist()


def test_it_only_worldwide_figures_never_count_as_all_sector():
    world = nklabor.load("world_year")
    est = nklabor.load("worker_estimates").set_index("estimate_id")
    for ids in world["published_estimate_ids"].dropna():
        assert (est.loc[ids.split(";"), "scope"] == "national").all()
    for ids in world["published_it_estimate_ids"].dropna():
        assert (est.loc[ids.split(";"), "scope"] == "sector_subset").all()


def test_backtest_is_measured_and_documented():
    result = R.backtest(nklabor.load("worker_estimates"), nklabor.load("countries"))
    assert result["n_estimated"] > 50 and 0 < result["coverage"] <= 1
    assert R.write_docs(nklabor.paths.ROOT / "docs" / "ESTIMATES.md", nklabor.load("worker_estimates"),
                        nklabor.load("countries"), check=True), "run `nklabor estimate --write-docs`"


figure = st.tuples(st.integers(2000, 2025), st.integers(1, 100000), st.sampled_from(["high", "medium", "low"]),
                   st.sampled_from(["host_government", "media", "researcher"]))


@settings(max_examples=60, deadline=None)
@given(figures=st.lists(figure, min_size=1, max_size=12))
def test_properties_low_best_high(figures):
    rows = frame([row(f"p{i:02d}", "AAA", str(y), n, confidence=c, kind=k) for i, (y, n, c, k) in
                  enumerate(figures)])
    best = R.best_estimates(rows, COUNTRIES)
    assert (best["low"] <= best["best"]).all() and (best["best"] <= best["high"]).all()
    assert set(best.loc[best["basis"] == "observed", "year"]) == {y for y, *_ in figures}


@settings(max_examples=40, deadline=None)
@given(base=st.integers(100, 100000), other=st.integers(100, 100000))
def test_properties_a_better_sourced_figure_pulls_best_toward_it(base, other):
    one = frame([row("a1", "AAA", "2016", base, confidence="low", kind="media")])
    two = frame([row("a1", "AAA", "2016", base, confidence="low", kind="media"),
                 row("a2", "AAA", "2016", other, confidence="high", kind="host_government")])
    b1 = R.best_estimates(one, COUNTRIES)["best"].iloc[0]
    b2 = R.best_estimates(two, COUNTRIES)["best"].iloc[0]
    assert abs(b2 - other) <= abs(b1 - other) + 1


def test_unknown_parameter_is_one_line():
    with pytest.raises(ValueError, match="unknown estimate parameter 'carry'; did you mean 'carry_"):
        nklabor.estimate(carry=1)
