"""The build: deterministic, atomic, a no-op when nothing changed; the library API on top of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import snapshot

import nklabor
from nklabor.build import build
from nklabor.parquet import read_frame

ROOT = Path(__file__).resolve().parents[1]


def test_build_is_deterministic(raw_copy: Path, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(raw_copy, a, log=lambda m: None)
    build(raw_copy, b, log=lambda m: None, force=True)
    assert snapshot(a) == snapshot(b)


def test_second_build_does_nothing(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    messages: list[str] = []
    build(raw_copy, out, log=messages.append)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    build(raw_copy, out, log=messages.append)
    assert "up to date" in messages[-1]
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_changed_input_rebuilds(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    path = raw_copy / "countries.csv"
    path.write_text(path.read_text().replace("Malta,Europe,", "Malta,Europe,edited"))
    messages: list[str] = []
    build(raw_copy, out, log=messages.append)
    assert "wrote" in messages[-1]
    assert read_frame(out / "countries.parquet")["note"].tolist()[1] == "edited"


def test_typed_outputs(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    est = read_frame(out / "worker_estimates.parquet")
    assert isinstance(est["measure"].dtype, pd.CategoricalDtype)
    assert str(est["count_low"].dtype) == "Int64"
    assert est.loc[est["estimate_id"] == "est-0002", "as_of_precision"].item() == "month"
    assert est.loc[est["estimate_id"] == "est-0002", "as_of_date"].item() == pd.Timestamp("2017-06-01")


def test_country_year_carries_the_envelope_and_the_best_estimate(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    cy = read_frame(out / "country_year.parquet").set_index(["iso3", "year"])
    row = cy.loc[("RUS", 2017)]
    assert row["sourced_low"] == 30000 and row["sourced_high"] == 50000 and row["n_national_figures"] == 2
    # the high-confidence official figure weighs far more than the anonymous 'more than 50000'
    assert 30000 <= row["best"] < 35000 and row["basis"] == "observed"
    assert row["best_low_80"] <= row["best"] <= row["best_high_80"]
    assert cy.loc[("RUS", 2016), "actions_sanctions_designation"] == 1
    mlt = cy.loc[("MLT", 2016)]
    assert bool(mlt["has_presence"]) and mlt["basis"] == "presence_only" and mlt["best"] > 0


def test_conflicts_listed(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    conflicts = read_frame(out / "estimate_conflicts.parquet")
    assert conflicts["estimate_ids"].tolist() == ["est-0001;est-0002"]


def test_load_detects_tampering(raw_copy: Path, tmp_path: Path, monkeypatch):
    import nklabor

    data = tmp_path / "data"
    (data / "raw").parent.mkdir(parents=True, exist_ok=True)
    raw_copy.rename(data / "raw")
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(data))
    assert len(nklabor.load("countries")) == 3  # builds on first use
    target = data / "processed" / "countries.parquet"
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(nklabor.DataError, match="make data"):
        nklabor.load("countries")


def test_load_rejects_unknown_table():
    import nklabor

    with pytest.raises(KeyError, match="worker_estimates"):
        nklabor.load("workers")


def test_describe_comes_from_schema():
    import nklabor

    d = nklabor.describe("worker_estimates")
    assert {"estimate_id", "count_low", "as_of_date"} <= set(d["column"])
    assert d.set_index("column").loc["measure", "rules"].startswith("one of: `workers_present`")


def test_import_stays_light(raw_copy: Path, tmp_path: Path):
    """Importing and loading built tables never pull in the plotting stack. (Building may: pandera imports
    geopandas when it builds a schema and geopandas is installed.)"""
    data = tmp_path / "data"
    build(raw_copy, data / "processed", log=lambda m: None)
    raw_copy.rename(data / "raw")
    code = ("import sys, nklabor; nklabor.tables(); nklabor.load('countries'); "
            "bad = [m for m in ('matplotlib', 'geopandas') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    env = {**os.environ, "NKLABOR_DATA_DIR": str(data)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_dictionary_is_current():
    result = subprocess.run([sys.executable, "-m", "nklabor", "dictionary", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_year_on_low_confidence_figures_alone_is_flagged(raw_copy: Path, tmp_path: Path):
    path = raw_copy / "worker_estimates.csv"
    path.write_text(path.read_text().replace("host_government,high,example-agency-2018,,p. 1",
                                             "host_government,low,example-agency-2018,,p. 1"))
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    row = read_frame(out / "country_year.parquet").set_index(["iso3", "year"]).loc[("RUS", 2017)]
    assert bool(row["rests_on_low_confidence"]) and row["best"] > 0
    assert row["sourced_low"] == 30000 and row["sourced_high"] == 50000


def test_the_light_table_list_matches_the_schemas():
    from nklabor.schemas import ALL_TABLES
    from nklabor.vocab import TABLE_NAMES

    assert list(TABLE_NAMES) == list(ALL_TABLES)


SOURCE_COLUMNS = {"worker_estimates": ("source_id",), "enforcement_actions": ("source_id", "other_source_ids"),
                  "revenue_wages": ("source_id", "other_source_ids"), "persons": ("source_ids",),
                  "entity_presence": ("source_id",), "entities": ("source_ids",)}


@pytest.mark.parametrize("table", sorted(SOURCE_COLUMNS))
def test_no_row_rests_on_an_aggregator_alone(table):
    """Rewrites and digests may point to an original, but a row needs at least one source of another tier."""
    tiers = dict(zip(nklabor.load("sources")["source_id"], nklabor.load("sources")["tier"].astype(str)))
    frame = nklabor.load(table)
    alone = []
    for _, row in frame.iterrows():
        ids = [i for col in SOURCE_COLUMNS[table] if isinstance(row[col], str) for i in row[col].split(";") if i]
        if ids and all(tiers.get(i) == "aggregator" for i in ids):
            alone.append(str(row.iloc[0]))
    assert alone == [], f"{table} rows resting only on aggregator pages: {alone}"


def test_member_is_isin_for_every_kind_of_column():
    """checks.member (Arrow's is_in, used for foreign keys and dates) answers as pandas' isin does."""
    import pandas as pd

    from nklabor.checks import member

    values = {"a", "c", "est-0001"}
    for series in (pd.Series(["a", None, "b", "est-0001"], dtype="str"),
                   pd.Series(["a", pd.NA, "c"], dtype="string"),
                   pd.Series(["a", None, 3, "c"], dtype=object),
                   pd.Series([], dtype="str")):
        assert member(series, values).tolist() == series.isin(list(values)).fillna(False).tolist()
