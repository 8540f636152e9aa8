"""The estimation (nklabor/estimate/): hand-made cases with known answers, rules as specifications, the real data."""

from __future__ import annotations

import pandas as pd
import pytest

import nklabor
from nklabor import words
from nklabor.args import ArgumentError
from nklabor.estimate import observations, params, run, with_changes
from nklabor.estimate.present import display, round2

COUNTRIES = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"], "region": ["Europe"] * 5})


def row(eid, iso3, as_of, low, high=None, *, qualifier=None, confidence="high", kind="host_government",
        scope="national", measure="workers_present", counted="workers", period_start=None, source=None):
    high = low if high is None and qualifier in (None, "exact") else high
    q = qualifier or ("exact" if low == high else "range")
    return {"estimate_id": eid, "country_iso3": iso3, "scope": scope, "subnational": "x" if scope == "subnational"
            else None, "entity_id": None, "sector": None, "measure": measure, "counted": counted, "as_of": as_of,
            "period_start": period_start, "count_low": low, "count_high": high, "qualifier": q,
            "confidence": confidence, "estimator_kind": kind, "estimator": "someone", "source_id": source or eid}


def frame(rows) -> pd.DataFrame:
    f = pd.DataFrame(rows)
    for col in ("count_low", "count_high"):
        f[col] = f[col].astype("Int64")
    return f


HAND = frame([
    row("e01", "AAA", "2010", 1000), row("e02", "AAA", "2014-06", 16000), row("e03", "AAA", "2017", 8000),
    row("e04", "AAA", "2017-12-31", 8000),                         # a copy of e03 (same year, figure, kind)
    row("e05", "AAA", "2018-03", 12000, scope="subnational", confidence="medium"),  # a bound at its date
    row("e06", "BBB", "2015", 500), row("e07", "BBB", "2016-03", 0),                # official zero
    row("e08", "CCC", "2016", None, qualifier="presence_only"),
    row("e09", "DDD", "2016", 0, kind="media", confidence="low"),                   # not an official zero
    row("e10", "DDD", "2015", 300, confidence="medium"),
    row("e11", "EEE", "2016", 2000, qualifier="at_least", confidence="medium", kind="researcher"),
])


@pytest.fixture(scope="module")
def hand():
    return run(HAND, COUNTRIES)


def test_copies_are_one_observation_with_the_best_grade():
    more = frame([row("c1", "AAA", "2017", 8000, confidence="low"), row("c2", "AAA", "2017-12", 8000),
                  row("c3", "AAA", "2017-12-31", 8000, measure="work_permits_valid", confidence="medium"),
                  row("c4", "AAA", "2017-12-31", 9000)])
    obs = observations.build(more, COUNTRIES, params.Params()).obs
    assert len(obs) == 2
    merged = obs[obs["ids"].map(len) == 3].iloc[0]
    assert merged["ids"] == ("c1", "c2", "c3") and merged["grade"] == "high"


def test_bounds_are_bounds_at_their_date(hand):
    obs = hand.observations.obs.set_index("obs_id")
    assert obs.loc["e05", "kind"] == "lower" and obs.loc["e05", "role"] == "bound"
    assert abs(obs.loc["e05", "t"] - (2018 + 2.5 / 12)) < 0.01
    assert obs.loc["e11", "kind"] == "lower"
    best = hand.best_estimates.set_index(["iso3", "year"])
    # "at least 2,000" is never read as a point: the median lies above it
    assert best.loc[("EEE", 2016), "best"] > 2000 and best.loc[("EEE", 2016), "basis"] == "observed"


def test_official_zero_only_from_a_government_or_the_un(hand):
    best = hand.best_estimates.set_index(["iso3", "year"])
    assert best.loc[("BBB", 2016), "basis"] == "official_zero" and best.loc[("BBB", 2016), "best"] == 0
    assert ("BBB", 2017) not in best.index
    assert (best.xs("DDD")["basis"] != "official_zero").all()  # a columnist's zero is not a count
    assert list(hand.observations.zeros["estimate_id"]) == ["e07"]


def test_rows_basis_and_ranges(hand):
    b = hand.best_estimates
    assert ((b["low_80"] <= b["low_50"]) & (b["low_50"] <= b["best"]) & (b["best"] <= b["high_50"])
            & (b["high_50"] <= b["high_80"])).all()
    best = b.set_index(["iso3", "year"])
    assert best.loc[("AAA", 2010), "basis"] == "observed"
    assert best.loc[("AAA", 2012), "basis"] == "interpolated"
    assert best.loc[("CCC", 2016), "basis"] == "presence_only"
    assert best.loc[("AAA", 2012), "reference_date"] == "2012-07-01"
    assert set(best.loc[("AAA", 2017), "input_estimate_ids"].split(";")) >= {"e03", "e04"}


def test_no_country_branch_renaming_a_host_changes_nothing(hand):
    renamed = HAND.replace({"country_iso3": {"AAA": "ZZZ"}})
    countries = COUNTRIES.replace({"iso3": {"AAA": "ZZZ"}})
    other = run(renamed, countries).best_estimates
    a = hand.best_estimates[hand.best_estimates["iso3"] == "AAA"].drop(columns="iso3").reset_index(drop=True)
    z = other[other["iso3"] == "ZZZ"].drop(columns="iso3").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, z)


def test_world_simulation_is_deterministic(hand):
    again = run(HAND, COUNTRIES)
    pd.testing.assert_frame_equal(hand.world_year, again.world_year)
    other = run(HAND, COUNTRIES, with_changes(seed=1)).world_year
    assert not other["best"].equals(hand.world_year["best"])


@pytest.mark.parametrize("changes, message", [
    ({"carry": 1}, "unknown estimate parameter 'carry'"),
    ({"ou_rate": "fast"}, "estimate parameter ou_rate must be a number, not 'fast'"),
    ({"ou_rate": -1}, "estimate parameter ou_rate=-1.0 is out of range; allowed: 0.001 to 20"),
    ({"still_there_years": 1.5}, "must be a whole number"),
    ({"use_low_confidence": 3}, "must be true or false"),
    ({"error_ratio_low": 0.5}, "error_ratio_low=0.5 is out of range; allowed: 1 to 100"),
    ({"exclude_estimator_kinds": "journalist"}, "unknown value of exclude_estimator_kinds: 'journalist'"),
    ({"exclude_estimator_kinds": 5}, "must be estimator kinds"),
])
def test_params_errors_are_one_line(changes, message):
    with pytest.raises(ArgumentError) as caught:
        with_changes(**changes)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_params_accept_plain_strings():
    assert with_changes(exclude_estimator_kinds="media").exclude_estimator_kinds == ("media",)
    assert with_changes(exclude_estimator_kinds="media,testimony").exclude_estimator_kinds == ("media", "testimony")
    assert with_changes(ou_rate="0.5").ou_rate == 0.5 and with_changes(flows_as_bounds="false").flows_as_bounds is False
    for name, meta in params.spec().items():
        assert meta["help"] and meta["type"], name


@pytest.mark.parametrize("value, rounded", [(9137, 9100), (24495, 24000), (3782, 3800), (7, 7), (45, 45),
                                            (150, 150), (0.2, 0), (163256, 160000), (99999, 100000)])
def test_display_rounds_to_two_significant_figures(value, rounded):
    assert round2(value) == rounded


def test_display_text():
    assert display(9137, 4012, 19876) == "about 9,100 (80% range 4,000\u201320,000)"
    assert display(9137, 4012, 19876) == words.about(9137, 4012, 19876)
    assert display(0, 0, 0, zero=True) == "0 (official count of zero)"


def test_real_data_tables():
    best = nklabor.load("best_estimates")
    world = nklabor.load("world_year")
    assert {"low_80", "high_80", "low_50", "high_50", "display", "reference_date"} <= set(best.columns)
    for iso3 in ("RUS", "CHN"):
        years = set(best.loc[best["iso3"] == iso3, "year"])
        assert set(range(2010, 2027)) <= years, f"{iso3} misses {sorted(set(range(2010, 2027)) - years)}"
    assert world["display"].str.startswith("about").all()
    est = nklabor.load("worker_estimates").set_index("estimate_id")
    for ids in world["published_it_estimate_ids"].dropna():
        assert (est.loc[ids.split(";"), "scope"] == "sector_subset").all()


def test_best_figure_and_world_print_a_paragraph():
    text = str(nklabor.best_figure("RUS", 2018))
    assert "DPRK workers in Russia on 1 Jul 2018: about" in text and "docs/ESTIMATES.md" in text
    assert "reconstruction" in text and "Main sources" in text
    w = nklabor.world(2017)
    assert "DPRK workers abroad" in str(w) and len(w.countries) and len(w.published)
    with pytest.raises(ArgumentError, match="use nklabor.world"):
        nklabor.best_figure("WLD", 2017)


def test_exclude_estimate_ids_recomputes_without_them():
    est = nklabor.load("worker_estimates")
    rus = est[(est["country_iso3"] == "RUS") & (est["scope"] == "national") & (est["as_of"] == "2017-12-31")]
    out = nklabor.estimate(exclude_estimate_ids=list(rus["estimate_id"]))
    assert not set(rus["estimate_id"]) & set(";".join(out["best_estimates"]["input_estimate_ids"].dropna())
                                              .split(";"))
    with pytest.raises(ArgumentError, match="unknown estimate id"):
        nklabor.estimate(exclude_estimate_ids=["est-nope"])


def test_fit_status_is_reported_never_fatal():
    """New rows make the stored fit stale: the build and the estimate go on with it, and this says so."""
    import warnings

    from nklabor.estimate import fit

    est, countries = nklabor.load("worker_estimates"), nklabor.load("countries")
    stale = fit.staleness(est, countries)
    if stale:
        warnings.warn(stale, stacklevel=1)
    fewer = est.iloc[1:]
    assert fit.staleness(fewer, countries) is None or fit.staleness(fewer, countries).startswith("the hyper")
    assert nklabor.estimate()["best_estimates"].shape[0] > 0


def test_docs_are_current():
    """The generated part of docs/ESTIMATES.md matches the code, for the data it was generated from.

    When data rows were added since (its fingerprint differs), it is reported stale, not failed: regenerate with
    `nklabor estimate --fit` and `nklabor estimate --write-docs`.
    """
    import warnings

    from nklabor.estimate import docs
    from nklabor.paths import ROOT

    est, countries = nklabor.load("worker_estimates"), nklabor.load("countries")
    path = ROOT / "docs" / "ESTIMATES.md"
    stale = docs.stale_data(path, est, countries)
    if stale:
        warnings.warn(stale, stacklevel=1)
        pytest.skip(stale)
    assert docs.write_docs(path, est, countries, check=True), "run `nklabor estimate --write-docs`"


def test_column_lists_match_the_schemas():
    from nklabor.estimate import BEST_COLUMNS, WORLD_COLUMNS
    from nklabor.schemas import BestEstimates, WorldYear

    assert BEST_COLUMNS == tuple(BestEstimates.to_schema().columns)
    assert WORLD_COLUMNS == tuple(WorldYear.to_schema().columns)


def test_backtest_on_a_small_case_scores_every_protocol():
    """The back-test's machinery on the hand-made case (the real data's back-test runs in the docs check)."""
    from nklabor.estimate import backtest

    rows = HAND.to_dict("records") + [row("e12", "AAA", "2019", 9000, confidence="medium", kind="researcher"),
                                      row("e13", "AAA", "2012", 3000, confidence="low", kind="media")]
    out = backtest.backtest(frame(rows), COUNTRIES)
    new = out["new"].set_index("protocol")
    assert backtest.PROTOCOLS["a"] in new.index and backtest.PROTOCOLS["b"] in new.index
    assert new["cover_80"].between(0, 1).all() and (new["median_width_80"] > 0).all()
    rows_a = out["new_rows"].query("protocol == 'a'")
    assert {"q10", "q50", "q90", "y"} <= set(rows_a.columns)
    assert (rows_a["q10"] <= rows_a["q50"]).all() and (rows_a["q50"] <= rows_a["q90"]).all()
    assert "Old method" in backtest.report(out)


def test_fast_paths_give_numpy_and_pandas_numbers():
    """The world simulation's shortcuts (one sort for the quantiles, all hosts' draws of a year at once, the
    published figures without pandas) give the very numbers of np.quantile, one rng.random call per host and
    `published()`."""
    import numpy as np

    from nklabor.estimate import world

    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 4000):
        for values in (np.exp(rng.normal(8, 2, n)), np.round(rng.exponential(5, n)), np.zeros(n)):
            for qs in ([0.1, 0.25, 0.5, 0.75, 0.9], [0.0, 0.5, 1.0]):
                assert world.quantiles(values, qs).tobytes() == np.quantile(values, qs).tobytes()
    r = run(HAND, COUNTRIES)
    hists = [x for x in r.rows if x["hist"] is not None]
    one, many = np.random.default_rng(5), np.random.default_rng(5)
    singly = [world._sample(one, r.grid, x["hist"], 500, x["delta"]) for x in hists]
    together = world._draws(r.grid, [x["hist"] for x in hists], [x["delta"] for x in hists],
                            many.random((len(hists), 500)))
    assert np.stack(singly).tobytes() == together.tobytes()
    est = nklabor.load("worker_estimates")
    for frame in (est, est.astype("object")):
        pub = world.published(frame)
        records = world._published_records(frame)
        assert len(records) == len(pub) > 0
        for rec, (_, row) in zip(records, pub.iterrows()):
            assert rec["estimate_id"] == row["estimate_id"] and rec["ids"] == row["ids"]
            assert (rec["year"], rec["it"]) == (row["year"], row["it"])
            assert world._figure_text(rec) == world._figure_text(row)
