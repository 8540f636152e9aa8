"""Property-based specifications (hypothesis): valid tables always build, corrupted ones never build silently,
and the fast CSV path reads exactly what the strict csv-module reader reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURE_RAW, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nklabor.build import build
from nklabor.problems import InvalidData
from nklabor.readcsv import _read_regular, _read_strictly
from nklabor.schemas import (
    CONFIDENCE,
    COUNTED,
    ENTRY_CHANNELS,
    ESTIMATOR_KINDS,
    FLOW_MEASURES,
    MEASURES,
    SCOPES,
    SECTORS,
    SOURCE_KINDS,
    TIERS,
    Sources,
    WorkerEstimates,
)
from nklabor.validate import validate_raw

ESTIMATE_COLUMNS = list(WorkerEstimates.to_schema().columns)
SOURCE_COLUMNS = list(Sources.to_schema().columns)
FIXTURE_SOURCES = ["example-agency-2018", "example-news-2019"]
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(st.sampled_from("abcdefgh xyzé,\"'()"), min_size=1, max_size=30).map(str.strip).filter(
    lambda s: s and not s.startswith(("=", "+", "-", "@")))
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@st.composite
def dates(draw, full: bool = False):
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31)))
    precision = "day" if full else draw(st.sampled_from(["year", "month", "day"]))
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": f"{day:%Y-%m-%d}"}[precision]


@st.composite
def estimate(draw, estimate_id: str) -> dict:
    qualifier = draw(st.sampled_from(["exact", "approximately", "at_least", "at_most", "range", "presence_only"]))
    low = draw(st.integers(0, 10**7))
    high = low + draw(st.integers(0, 10**6))
    counts = {"exact": (low, low), "approximately": (low, low), "at_least": (low, ""), "at_most": ("", high),
              "range": (low, high), "presence_only": ("", "")}[qualifier]
    as_of = draw(dates())
    subnational = draw(st.one_of(st.just(""), words))
    sector = ";".join(draw(st.lists(st.sampled_from(SECTORS), max_size=3, unique=True)))
    scopes = [s for s in SCOPES if not (s == "subnational" and not subnational)
              and not (s == "national" and subnational) and not (s == "sector_subset" and not sector)]
    measure = draw(st.sampled_from(MEASURES))
    counted = draw(st.sampled_from(COUNTED if measure in FLOW_MEASURES else ("workers",)))
    return {
        "estimate_id": estimate_id, "country_iso3": draw(st.sampled_from(["CHN", "MLT", "RUS", "WLD"])),
        "scope": draw(st.sampled_from(scopes)), "subnational": subnational, "entity_id": draw(st.sampled_from(
            ["", "example-construction-co"])),
        "sector": sector, "measure": measure, "counted": counted, "wording_rule": "", "as_of": as_of,
        "period_start": draw(st.sampled_from(["", as_of[:4]])),
        "count_low": counts[0], "count_high": counts[1], "qualifier": qualifier,
        "count_as_stated": draw(st.one_of(st.just(""), words)),
        "entry_channel": draw(st.sampled_from(ENTRY_CHANNELS + ("",))), "estimator": draw(words),
        "estimator_kind": draw(st.sampled_from(ESTIMATOR_KINDS)), "confidence": draw(st.sampled_from(CONFIDENCE)),
        "source_id": draw(st.sampled_from(FIXTURE_SOURCES)), "locator": draw(st.one_of(st.just(""), words)),
        "note": draw(st.one_of(st.just(""), words)),
    }


@st.composite
def estimates_table(draw) -> list[dict]:
    ids = sorted(draw(st.lists(slug, min_size=1, max_size=30, unique=True)))
    return [draw(estimate(f"e-{i}")) for i in ids]


@st.composite
def source(draw, source_id: str) -> dict:
    return {"source_id": source_id, "title": draw(words), "publisher": draw(words),
            "author": draw(st.one_of(st.just(""), words)), "published": draw(st.one_of(st.just(""), dates())),
            "url": f"https://example.net/{source_id}", "accessed": draw(dates(full=True)),
            "kind": draw(st.sampled_from(SOURCE_KINDS)), "language": draw(st.from_regex(r"[a-z]{2}", fullmatch=True)),
            "original_publisher": "", "original_title": "", "note": draw(st.one_of(st.just(""), words)),
            "tier": draw(st.sampled_from(TIERS)), "original_url": ""}


def to_csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def fixture_rows(name: str) -> list[dict]:
    with open(FIXTURE_RAW / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def fresh_raw(workdir: Path) -> Path:
    raw = workdir / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(FIXTURE_RAW, raw)
    return raw


@SETTINGS
@given(rows=estimates_table())
def test_valid_worker_estimates_always_build(rows, workdir: Path):
    raw = fresh_raw(workdir)
    (raw / "worker_estimates.csv").write_text(to_csv(ESTIMATE_COLUMNS, rows), encoding="utf-8")
    record = build(raw, workdir / "out", force=True, log=lambda m: None)
    assert record["outputs"]["worker_estimates"]["rows"] == len(rows)


@SETTINGS
@given(ids=st.lists(slug, max_size=20, unique=True), data=st.data())
def test_valid_sources_always_build(ids, data, workdir: Path):
    raw = fresh_raw(workdir)
    ids = sorted(set(ids) - set(FIXTURE_SOURCES))
    rows = fixture_rows("sources") + [data.draw(source(i)) for i in ids]
    rows.sort(key=lambda r: r["source_id"])
    (raw / "sources.csv").write_text(to_csv(SOURCE_COLUMNS, rows), encoding="utf-8")
    record = build(raw, workdir / "out", force=True, log=lambda m: None)
    assert record["outputs"]["sources"]["rows"] == len(rows)


# Each operator breaks row `i` (0-based, among data rows) of a valid worker_estimates.csv text, in a way a
# curator or a spreadsheet might.
def _cell(column: str, value: str):
    def apply(rows: list[dict], i: int) -> None:
        rows[i][column] = value
    return apply


CELL_CORRUPTIONS = {
    "negative count": _cell("count_low", "-5"),
    "thousands separator": _cell("count_low", "52,000"),
    "abbreviated count": _cell("count_high", "52k"),
    "empty required id": _cell("estimate_id", ""),
    "empty required estimator": _cell("estimator", ""),
    "unknown measure": _cell("measure", "workers_presnt"),
    "unknown sector": _cell("sector", "construction;spying"),
    "month 13": _cell("as_of", "2017-13-01"),
    "day first": _cell("as_of", "17/06/2017"),
    "future date": _cell("as_of", f"{dt.date.today().year + 2}-01-01"),
    "unknown country": _cell("country_iso3", "XXX"),
    "lower-case country": _cell("country_iso3", "rus"),
    "dangling source": _cell("source_id", "no-such-source"),
    "dangling entity": _cell("entity_id", "no-such-entity"),
    "formula in text": _cell("note", "=HYPERLINK(\"x\")"),
    "trailing space in id": lambda rows, i: rows[i].update(estimate_id=rows[i]["estimate_id"] + " "),
    "id breaks slug": lambda rows, i: rows[i].update(estimate_id=rows[i]["estimate_id"].upper() + "_X"),
    "duplicated id": lambda rows, i: rows[i].update(estimate_id=rows[i - 1]["estimate_id"]) if i else
    rows[i].update(estimate_id=rows[i + 1]["estimate_id"]),
    "low above high": lambda rows, i: rows[i].update(qualifier="range", count_low="9", count_high="3"),
}
TEXT_CORRUPTIONS = {
    "ragged row (field dropped)": lambda line: line.rsplit(",", 1)[0],
    "extra field": lambda line: line + ",extra",
    "unbalanced quote": lambda line: line.replace(",", ',"', 1),
    "blank line": lambda line: line + "\n",
    "carriage return": lambda line: line + "\r",
}


def _valid_text() -> list[dict]:
    return fixture_rows("worker_estimates")


@settings(max_examples=30, deadline=None)
@given(operator=st.sampled_from(sorted(CELL_CORRUPTIONS) + sorted(TEXT_CORRUPTIONS) + ["bom", "empty table"]),
       row=st.integers(0, 4))
def test_corruptions_never_pass_validation(operator: str, row: int, workdir: Path):
    raw = fresh_raw(workdir)
    rows = _valid_text()
    if operator in CELL_CORRUPTIONS:
        CELL_CORRUPTIONS[operator](rows, row)
        text = to_csv(ESTIMATE_COLUMNS, rows)
    else:
        lines = to_csv(ESTIMATE_COLUMNS, rows).splitlines()
        if operator in TEXT_CORRUPTIONS:
            lines[row + 1] = TEXT_CORRUPTIONS[operator](lines[row + 1])
        elif operator == "bom":
            lines[0] = "\ufeff" + lines[0]
        else:
            lines = lines[:1]
        text = "\n".join(lines) + "\n"
    (raw / "worker_estimates.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        validate_raw(raw)
    assert any(p.file == "data/raw/worker_estimates.csv" for p in caught.value.problems), caught.value.report()


def test_a_corrupted_table_never_reaches_processed(raw_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(raw_copy, out, log=lambda m: None)
    before = snapshot(out)
    rows = _valid_text()
    for name in ("negative count", "duplicated id", "dangling source", "future date"):
        operator = CELL_CORRUPTIONS[name]
        broken = [dict(r) for r in rows]
        operator(broken, 2)
        (raw_copy / "worker_estimates.csv").write_text(to_csv(ESTIMATE_COLUMNS, broken), encoding="utf-8")
        with pytest.raises(InvalidData):
            build(raw_copy, out, log=lambda m: None)
        assert snapshot(out) == before, name


csv_text = st.text(st.sampled_from(['a', 'b', ' ', ',', '"', '\n', 'é', '=']), max_size=60)
plain_cell = st.text(st.sampled_from("ab é="), max_size=4)
quoted_cell = st.lists(st.sampled_from(['a', ' ', ',', '""', '\n', 'é']), max_size=5).map(lambda s: f'"{"".join(s)}"')


@st.composite
def rows_text(draw, width: int) -> str:
    """Well-formed rows of `width` cells, plain or quoted."""
    rows = draw(st.lists(st.lists(st.one_of(plain_cell, quoted_cell), min_size=width, max_size=width), max_size=6))
    return "".join(",".join(r) + "\n" for r in rows)


@st.composite
def mutated(draw, text: str) -> str:
    """Well-formed rows with, sometimes, one character inserted somewhere."""
    if not text or draw(st.booleans()):
        return text
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(['"', ',', '\n', 'a'])) + text[at:]


@settings(max_examples=400, deadline=None)
@given(width=st.integers(2, 4), data=st.data())
def test_fast_reader_reads_what_the_strict_reader_reads(width: int, data):
    body = data.draw(st.one_of(csv_text, rows_text(width).flatmap(mutated)))
    text = ",".join(f"h{i}" for i in range(width)) + "\n" + body
    fast = _read_regular(text)
    if fast is None:
        return  # left to the strict reader
    problems = []
    header, cells, lines = _read_strictly(text, lambda *p: problems.append(p))
    assert problems == []
    assert fast[0] == header
    assert [c.to_pylist() for c in fast[1]] == [c.to_pylist() for c in cells]
    assert fast[2].tolist() == lines.tolist()
