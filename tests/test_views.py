"""The notebook view of a country's figures keeps every row and names its source."""

from __future__ import annotations

from pathlib import Path

from nklabor.build import build


def test_country_figures_lists_each_source(raw_copy: Path, tmp_path: Path, monkeypatch):
    data = tmp_path / "data"
    build(raw_copy, data / "processed", log=lambda m: None)
    raw_copy.rename(data / "raw")
    monkeypatch.setenv("NKLABOR_DATA_DIR", str(data))
    from nklabor.views import country_figures

    rus = country_figures("rus")
    assert rus["estimate_id"].tolist() == ["est-0001", "est-0002", "est-0003"]
    assert rus["url"].notna().all()
    present = country_figures("RUS", measure="workers_present")
    assert set(present["estimator"]) == {"Example Agency", "unnamed source quoted by Example News"}
