"""Screening names (nklabor.screen, `nklabor screen`), the entity card, the analyst workbook, and persons in the
FollowTheMoney export and the Datasette queries."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURE_RAW

import nklabor
from nklabor import screening

ROOT = Path(__file__).resolve().parents[1]

# (query, the record it must find first) on the real data: each spelling rule of nklabor/screening.py
SPELLINGS = [
    ("Kim Kwang Jin", "kim-kwang-jin"),
    ("Kim Kwang-jin", "kim-kwang-jin"),
    ("KIM Kwangjin", "kim-kwang-jin"),
    ("Kwang Jin Kim", "kim-kwang-jin"),
    ("kim, kwang jin", "kim-kwang-jin"),
    ("김관진", "kim-kwang-jin"),
    ("Lee Chol Min", "ri-chol-min"),
    ("Rhee Chul-min", "ri-chol-min"),
    ("Park Hwa Song", "pak-hwa-song"),
    ("Bak Hwa Seong", "pak-hwa-song"),
    ("Choi Jong Yong", "choe-jong-yong"),
    ("Chong In Chol", "jong-in-chol"),
    ("Jeong In-cheol", "jong-in-chol"),
    ("Mansudae Overseas Project Group of Companies", "mansudae-overseas-project-group-of-companies"),
    ("MANSUDAE OVERSEAS PROJECT CO., LTD.", "mansudae-overseas-project-group-of-companies"),
    ("Chinyong Information Technology Cooperation Co. Ltd", "chinyong-information-technology-cooperation-company"),
    ("Alice LLC", "alis-llc"),
    ("Christina Chapman", "christina-marie-chapman"),
    ("ТЭ СОН", "tae-son-llc"),
]


def test_korean_names_are_not_shortened_to_first_and_last():
    assert "kim-kang-jin" not in set(nklabor.screen("Kim Jin")["matched_id"])


@pytest.fixture(scope="module", autouse=True)
def built():
    nklabor.load("countries")


@pytest.mark.parametrize("query,expected", SPELLINGS, ids=[q for q, _ in SPELLINGS])
def test_spelling_variants_find_their_record_first(query, expected):
    found = nklabor.screen(query)
    assert len(found) and found["matched_id"].iloc[0] == expected, found[["matched_id", "score", "why"]]
    assert found["score"].iloc[0] >= screening.DEFAULT_THRESHOLD


def test_the_frame_has_one_row_per_query_and_candidate_best_first_and_none_for_no_candidate():
    found = nklabor.screen(["Zebulon Quackenbush", "Kim Kwang-jin", "Mansudae Overseas Project"])
    for col in ("query", "kind", "matched_id", "matched_name", "score", "matched_on", "why", "status",
                "designated_by", "first_designated", "legal_basis", "reference", "host_countries", "source_url"):
        assert col in found.columns
    assert "Zebulon Quackenbush" not in set(found["query"])
    assert set(found["kind"]) <= {"entity", "person"} and found["score"].between(0, 100).all()
    for _, group in found.groupby("query_row"):
        assert group["score"].is_monotonic_decreasing
    assert not found.duplicated(["query_row", "matched_id"]).any()
    mansudae = found[found["matched_id"] == "mansudae-overseas-project-group-of-companies"].iloc[0]
    assert mansudae["status"] == "sanctioned" and "UN Security Council" in mansudae["designated_by"]
    assert "UNSCR 2371" in mansudae["legal_basis"] and "Namibia" in mansudae["host_countries"]
    assert mansudae["source_url"].startswith("http") and "company suffixes" in mansudae["why"]
    assert pd.api.types.is_datetime64_any_dtype(found["first_designated"])
    assert nklabor.screen([]).empty


def test_country_and_date_of_birth_nudge_the_score():
    plain = nklabor.screen("Pak Hwa Song").iloc[0]
    agrees = nklabor.screen("Pak Hwa Son", countries="North Korea").iloc[0]
    assert agrees["matched_id"] == plain["matched_id"] and "country North Korea agrees" in agrees["why"]
    differs = nklabor.screen("Pak Hwa Song", countries=["FR"]).iloc[0]
    assert "not among the candidate's" in differs["why"]


def test_hangul_romanisation_and_folds_are_documented_tables():
    assert screening.plain_words("김관진") == ["gim", "gwan", "jin"]
    assert screening.fold("rhee") == screening.fold("lee") == screening.fold("ri")
    assert screening.keys("Kim Kwang-jin", False)[0] == screening.keys("KIM Kwangjin", False)[0]
    assert screening.keys("Sobaeksu Trading Co., Ltd.", True)[0] == screening.keys("Sobaeksu General Trading "
                                                                                   "Corporation", True)[0]


def test_the_documented_measurement_is_current_and_the_default_threshold_is_the_measured_one():
    from nklabor import screening_eval

    result = screening_eval.report()
    metrics = result["metrics"].set_index("threshold")
    top = metrics["f1"].max()
    assert metrics.loc[screening.DEFAULT_THRESHOLD, "f1"] >= top - 0.005, (
        f"the best F1 is now at {result['best']}; revisit DEFAULT_THRESHOLD")
    at = metrics.loc[screening.DEFAULT_THRESHOLD]
    assert at["precision"] >= 0.95 and at["recall"] >= 0.95
    text = screening_eval.render(result)
    assert (ROOT / "docs" / "SCREENING.md").read_text(encoding="utf-8") == text, (
        "docs/SCREENING.md is stale; run `nklabor screen --write-docs`")


def test_the_labelled_set_is_made_by_rule_and_its_negatives_are_not_namesakes():
    from nklabor import screening_eval

    lab = screening_eval.labelled_set()
    pos, neg = lab[lab["expected_id"].notna()], lab[lab["expected_id"].isna()]
    assert len(pos) > 1000 and len(neg) == sum(screening_eval.N_NEGATIVE.values())
    assert set(pos["expected_id"]) >= set(nklabor.load("persons")["person_id"])
    assert screening_eval.labelled_set().equals(lab)  # fixed seed


def test_entity_card_from_a_rough_name():
    card = nklabor.entity("mansudae overseas projects")
    assert card["entity_id"] == "mansudae-overseas-project-group-of-companies"
    assert card["status"] == "sanctioned" and "Namibia" in card["host_countries"]
    assert len(card["designations"]) >= 2 and len(card["actions"]) >= len(card["designations"])
    assert len(card["sources"]) and card["match"]["score"] >= screening.DEFAULT_THRESHOLD
    assert "sanctions_designation" not in set(card["actions"]["action"])  # words, not codes
    linked = nklabor.entity("Ryugyong Program Development Company")
    assert "Ri Chol Min" in set(linked["persons"]["name"])


def test_entity_look_up_forgives_a_typo_but_not_a_guess():
    assert nklabor.entity("Mansudea")["entity_id"] == "mansudae-overseas-project-group-of-companies"
    with pytest.raises(ValueError, match="no organisation matches 'Kumsong'"):
        nklabor.entity("Kumsong")


def test_screen_command_on_a_file_writes_csv_and_xlsx(tmp_path):
    from nklabor.cli import main

    names = tmp_path / "names.csv"
    pd.DataFrame({"id": [1, 2, 3], "who": ["Kim Kwang-jin", "Jane Doe", "Alice LLC"],
                  "land": ["KP", "", "Russia"]}).to_csv(names, index=False)
    assert main(["screen", str(names), "--column", "who", "--country-column", "land", "-o",
                 str(tmp_path / "out.csv")]) == 0
    out = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert set(out["query"]) == {"Kim Kwang-jin", "Alice LLC"} and out["score"].max() <= 100
    assert main(["screen", str(names), "--column", "who", "-o", str(tmp_path / "out.xlsx")]) == 0
    back = pd.read_excel(tmp_path / "out.xlsx", sheet_name="matches")
    assert len(back) == len(out) and pd.api.types.is_datetime64_any_dtype(back["first_designated"])


def test_screen_command_prints_candidates():
    out = subprocess.run([sys.executable, "-m", "nklabor", "screen", "Kim Kwang-jin"], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert "Kim Kwang Jin" in out.stdout and "why:" in out.stdout and "1 name screened" in out.stdout
    out = subprocess.run([sys.executable, "-m", "nklabor", "entity", "Mansudae"], capture_output=True, text=True)
    assert out.returncode == 0 and "Designations" in out.stdout and "UN Security Council" in out.stdout


def test_import_stays_light():
    code = ("import sys, nklabor; assert callable(nklabor.screen) and callable(nklabor.entity); "
            "assert not {'rapidfuzz', 'korean_romanizer', 'pandas'} & set(sys.modules), sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_export_writes_the_analyst_workbook_that_reads_back(tmp_path):
    from nklabor.cli import main

    path = tmp_path / "book.xlsx"
    assert main(["export", "--xlsx", str(path)]) == 0
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets)[:6] == ["README", "designations", "prosecutions", "entities", "persons",
                                "estimates_with_sources"]
    des = sheets["designations"]
    for col in ("target_kind", "target_name", "authority", "designated_on", "legal_basis", "reference",
                "host_countries", "source_url"):
        assert col in des.columns
    assert pd.api.types.is_datetime64_any_dtype(des["designated_on"])
    assert des["target_name"].notna().all() and {"entity", "person"} <= set(des["target_kind"])
    assert "USA" not in set(des["authority"])  # words, not codes
    pro = sheets["prosecutions"]
    assert {"defendants", "district", "case_number", "stage"} <= set(pro.columns)
    assert pro["defendants"].dropna().str.contains("Christina Marie Chapman").any()
    ents = sheets["entities"]
    assert {"status", "host_countries", "aliases", "name_ko"} <= set(ents.columns)
    assert len(ents) == len(nklabor.load("entities")) and len(sheets["persons"]) == len(nklabor.load("persons"))
    for name, frame in sheets.items():
        text = frame.select_dtypes(["object", "string"])
        assert not text.isin(["nan", "NaN", "<NA>", "None", "NaT"]).any().any(), name
    import openpyxl

    cell = openpyxl.load_workbook(path)["designations"]["J2"]
    assert cell.hyperlink is not None and cell.value.startswith("http")


# ----- FollowTheMoney and Datasette, on the fixture with a designated person added -----------------------------

PERSON = ("kim-chol-min,Kim Chol Min,김철민,Kim Chul Min,Representative of Example Construction Company in Russia,"
          "North Korean,1980-05-01,designation,example-construction-co,example-agency-2018,,,,")
WORKER = "ri-il-jin,Ri Il Jin,,,IT worker of Example Construction Company,,,indictment,example-construction-co," \
         "example-agency-2018,,,,"
ACTION = ("act-0004,2018-03-01,USA,sanctions_designation,,,kim-chol-min,E.O. 13722,,DPRK3,,,Synthetic fixture: a "
          "person designated.,example-agency-2018,,,,")


@pytest.fixture(scope="module")
def person_release(tmp_path_factory) -> Path:
    from nklabor.release import release

    work = tmp_path_factory.mktemp("persons")
    raw = work / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    for name, line in (("persons", PERSON), ("persons", WORKER), ("enforcement_actions", ACTION)):
        path = raw / f"{name}.csv"
        path.write_text(path.read_text() + line + "\n")
    return release("2026.11.0", raw=raw, processed=work / "processed", repo=work / "repo", log=lambda m: None)


def test_ftm_has_persons_their_sanctions_and_links(person_release: Path):
    data = {e["id"]: e for e in map(json.loads, (person_release / "entities.ftm.json").read_text().splitlines())}
    kim = data["nklabor-person-kim-chol-min"]
    assert kim["schema"] == "Person" and kim["properties"]["nationality"] == ["kp"]
    assert kim["properties"]["birthDate"] == ["1980-05-01"] and "김철민" in kim["properties"]["alias"]
    assert "sanction" in kim["properties"]["topics"]
    official = data["nklabor-person-example-official"]
    assert "nationality" not in official["properties"] and "birthDate" not in official["properties"]
    sanction = data["nklabor-sanction-act-0004-kim-chol-min"]
    assert sanction["properties"]["entity"] == [kim["id"]] and sanction["properties"]["programId"] == ["DPRK3"]
    link = data["nklabor-link-kim-chol-min-example-construction-co"]
    assert link["schema"] == "Representation" and link["properties"]["agent"] == [kim["id"]]
    assert data["nklabor-link-ri-il-jin-example-construction-co"]["schema"] == "Employment"


@pytest.mark.ftm
def test_ftm_persons_and_links_load_back_with_the_library(person_release: Path):
    model = pytest.importorskip("followthemoney", reason="install with `make check-ftm` (needs a C++ compiler)").model

    proxies = [model.get_proxy(json.loads(line), cleaned=False)
               for line in (person_release / "entities.ftm.json").read_text().splitlines()]
    by_id = {p.id: p for p in proxies}
    kim = by_id["nklabor-person-kim-chol-min"]
    assert kim.schema.name == "Person" and kim.get("nationality") == ["kp"] and kim.get("birthDate") == ["1980-05-01"]
    link = by_id["nklabor-link-kim-chol-min-example-construction-co"]
    assert link.schema.name == "Representation" and link.get("client") == ["nklabor-example-construction-co"]
    for proxy in proxies:  # every value is valid for its property type
        for prop, values in proxy.properties.items():
            for value in values:
                assert proxy.schema.get(prop).type.clean(value) is not None, (proxy.id, prop, value)


def _canned(bundle: Path, query: str, **params) -> list[dict]:
    meta = json.loads((bundle / "metadata.json").read_text())
    sql = meta["databases"]["nklabor"]["queries"][query]["sql"]
    con = sqlite3.connect(bundle / "nklabor.sqlite")
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_datasette_canned_queries_screen_and_show_an_entity_record(person_release: Path):
    rows = _canned(person_release, "screen_name", name="kim chol")
    assert [(r["kind"], r["id"], r["status"]) for r in rows][:1] == [("person", "kim-chol-min", "designated")]
    assert "E.O. 13722" in rows[0]["designations"]
    rows = _canned(person_release, "screen_name", name="example co")
    assert {r["id"] for r in rows} == {"example-construction-co"} and rows[0]["status"] == "sanctioned"
    record = _canned(person_release, "entity_record", entity_id="example-construction-co")
    parts = {r["part"] for r in record}
    assert {"entity", "status", "host country", "action", "person", "source"} <= parts


@pytest.mark.ftm
def test_the_real_data_exports_valid_ftm_with_every_reference_resolved():
    """Every value of every property cleans under its FtM type, and every entity reference points to an object
    of the schema the property expects (a Directorship's organization is an Organization, ...)."""
    model = pytest.importorskip("followthemoney", reason="install with `make check-ftm` (needs a C++ compiler)").model
    from nklabor.release.ftm import build_entities

    tables = {n: nklabor.load(n) for n in ("sources", "entities", "entity_presence", "enforcement_actions", "persons")}
    data = [e.to_dict() for e in build_entities(tables)]
    by_id = {e["id"]: e for e in data}
    assert len(by_id) == len(data)
    assert sum(e["schema"] == "Person" for e in data) == len(tables["persons"])
    for entity in data:
        proxy = model.get_proxy(entity, cleaned=False)
        for prop, values in proxy.properties.items():
            ptype = proxy.schema.get(prop)
            for value in values:
                assert ptype.type.clean(value) is not None, (entity["id"], prop, value)
                if ptype.type.name == "entity":
                    assert model.get(by_id[value]["schema"]).is_a(ptype.range), (entity["id"], prop, value)
