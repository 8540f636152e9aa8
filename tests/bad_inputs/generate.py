"""Regenerate the bad-input corpus from tests/fixtures/raw: one folder per case.

Each case folder holds the one raw table it breaks (the other tables come from the fixture) and
`expected.txt`, the exact problem line(s) the build must print. Run: python tests/bad_inputs/generate.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "raw"
E, A, S, C, N, P = ("worker_estimates", "enforcement_actions", "sources", "countries", "entities",
                    "entity_presence")
P2, K = "persons", "corrections"


def sub(old: str, new: str, count: int = 1):
    def apply(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return apply


def append(line: str):
    return lambda text: text + line + "\n"


W = "data/raw/worker_estimates.csv"

# name: (table, mutation of the text, or bytes function, expected lines)
CASES = {
    "ragged_row": (E, sub("p. 1,,,\n", "p. 1,,,,extra\n"),
                   [f"{W}:2: -: '26 fields': row has 26 fields but the header has 25"]),
    "unbalanced_quote": (E, sub("about 30000", '"about 30000'),
                         [f"{W}:2: -: '': malformed CSV (check the quotes on this line): unexpected end of data"]),
    "misspelled_header": (E, sub("estimator_kind", "estimator_knd"),
                          [f"{W}:1: estimator_knd: 'estimator_knd': unknown column (did you mean 'estimator_kind'?)"]),
    "duplicated_header": (C, sub("iso3,name,region,note", "iso3,name,region,name"),
                          ["data/raw/countries.csv:1: name: 'name': column appears twice in the header"]),
    "missing_column": (C, lambda t: "\n".join(",".join(line.split(",")[:3]) for line in t.splitlines()) + "\n",
                       ["data/raw/countries.csv:1: note: '': required column is missing from the header"]),
    "extra_column": (C, lambda t: "\n".join(line + ",x" for line in t.splitlines()) + "\n",
                     ["data/raw/countries.csv:1: x: 'x': unknown column; allowed: iso3, name, region, note"]),
    "non_utf8": (C, lambda t: t.replace("Malta", "Malt\udce9") , ["data/raw/countries.csv:3: -: '0xe9': bytes are "
                                                                   "not valid UTF-8; save the file as UTF-8"]),
    "bom": (C, lambda t: "\ufeff" + t, ["data/raw/countries.csv:1: -: 'BOM': file starts with a UTF-8 byte-order "
                                        "mark; save it as UTF-8 without BOM"]),
    "crlf": (C, lambda t: t.replace("\n", "\r\n"), ["data/raw/countries.csv:1: -: '\\\\r': carriage return found "
                                                    "(CRLF or CR line ends); save with LF (Unix) line ends"]),
    "blank_line": (C, sub("MLT,Malta,Europe,\n", "MLT,Malta,Europe,\n\n"),
                   ["data/raw/countries.csv:4: -: '': blank line; delete it"]),
    "trailing_space_id": (E, sub("est-0001,", "est-0001 ,"),
                          [f"{W}:2: estimate_id: 'est-0001 ': leading or trailing whitespace"]),
    "id_breaks_slug": (E, sub("est-0005,", "Est_0005,"),
                       [f"{W}:6: estimate_id: 'Est_0005': not a valid id: use lower-case letters a-z, digits and "
                        "single hyphens"]),
    "duplicated_id": (E, sub("est-0002,", "est-0001,"),
                      [f"{W}:2: estimate_id: 'est-0001': duplicate value; must be unique in the table",
                       f"{W}:3: estimate_id: 'est-0001': duplicate value; must be unique in the table"]),
    "unsorted_ids": (E, sub("est-0003,", "est-0000,"),
                     [f"{W}:4: estimate_id: 'est-0000': rows must be sorted by estimate_id; this row comes after "
                      "'est-0002'"]),
    "unknown_iso3": (E, sub("est-0002,RUS", "est-0002,XYZ"),
                     [f"{W}:3: country_iso3: 'XYZ': not an ISO 3166-1 alpha-3 country code or WLD"]),
    "lowercase_iso3": (C, sub("MLT,Malta", "mlt,Malta"),
                       ["data/raw/countries.csv:3: iso3: 'mlt': not an ISO 3166-1 alpha-3 country code; "
                        "did you mean 'MLT' (Malta)?"]),
    "wld_in_countries": (C, append("WLD,World,Europe,"),
                         ["data/raw/countries.csv:5: iso3: 'WLD': 'WLD' (worldwide total) is not allowed here; "
                          "give a real country's ISO 3166-1 alpha-3 code"]),
    "wld_as_action_target": (A, sub("tip_rating,CHN", "tip_rating,WLD"),
                             ["data/raw/enforcement_actions.csv:3: target_country_iso3: 'WLD': 'WLD' (worldwide "
                              "total) is not allowed here; give a real country's ISO 3166-1 alpha-3 code"]),
    "month_13": (E, sub("workers_present,workers,2017-06", "workers_present,workers,2017-13-01"),
                 [f"{W}:3: as_of: '2017-13-01': not a real calendar date"]),
    "day_month_year": (E, sub("workers_present,workers,2017-06", "workers_present,workers,17/06/2017"),
                       [f"{W}:3: as_of: '17/06/2017': not an ISO 8601 date; write YYYY, YYYY-MM or YYYY-MM-DD"]),
    "future_date": (A, sub("2018-06-28", "2099-06-28"),
                    ["data/raw/enforcement_actions.csv:3: date: '2099-06-28': date is in the future"]),
    "low_above_high": (E, sub("10000,12000,range", "13000,12000,range"),
                       [f"{W}:4: count_low: '13000': must not exceed count_high"]),
    "negative_count": (E, sub("10000,12000,range", "-10,12000,range"),
                       [f"{W}:4: count_low: '-10': must not be negative"]),
    "thousands_separator": (E, sub("30000,30000,approximately", '"30,000",30000,approximately'),
                            [f"{W}:2: count_low: '30,000': thousands separators are not allowed; write 30000"]),
    "count_52k": (E, sub("52000,80000,range", "52k,80000,range"),
                  [f"{W}:6: count_low: '52k': write the full number (e.g. 52000), not an abbreviation"]),
    "decimal_count": (E, sub("52000,80000,range", "52000.5,80000,range"),
                      [f"{W}:6: count_low: '52000.5': not a whole number"]),
    "unknown_measure": (E, sub("workers_repatriated", "workers_repatriate"),
                        [f"{W}:4: measure: 'workers_repatriate': unknown value 'workers_repatriate' (did you mean "
                         "'workers_repatriated'?); allowed: workers_present, workers_repatriated, work_permits_valid, "
                         "work_permits_issued, visas_issued, arrivals, departures"]),
    "unknown_region": (C, sub("MLT,Malta,Europe", "MLT,Malta,Eurpoe"),
                       ["data/raw/countries.csv:3: region: 'Eurpoe': unknown value 'Eurpoe' (did you mean "
                        "'Europe'?); allowed: Africa, Americas, Central Asia, East Asia, Europe, Middle East, Oceania, "
                        "South Asia, South-East Asia"]),
    "unknown_sector_in_list": (N, sub("construction;logging", "construction;loging"),
                               ["data/raw/entities.csv:2: sectors: 'construction;loging': unknown value 'loging' (did "
                                "you mean 'logging'?)"]),
    "unknown_entity_kind": (N, sub("dprk_dispatcher", "dispatcher"),
                            ["data/raw/entities.csv:2: kind: 'dispatcher': unknown value 'dispatcher'"]),
    "dangling_source_id": (E, sub("host_government,high,example-agency-2018,,p. 3",
                                  "host_government,high,example-agency-2019,,p. 3"),
                           [f"{W}:4: source_id: 'example-agency-2019': no such source_id in sources.csv (did you "
                            "mean 'example-agency-2018'?)"]),
    "dangling_entity_id": (A, sub("RUS,example-construction-co", "RUS,example-constructon-co"),
                           ["data/raw/enforcement_actions.csv:4: target_entity_id: 'example-constructon-co': no such "
                            "entity_id in entities.csv (did you mean 'example-construction-co'?)"]),
    "dangling_list_source": (N, sub("construction;logging,example-agency-2018",
                                    "construction;logging,example-agency-2018;nope"),
                             ["data/raw/entities.csv:2: source_ids: 'nope': no such source_id in sources.csv"]),
    "presence_unknown_country": (P, sub("example-construction-co,RUS", "example-construction-co,POL"),
                                 ["data/raw/entity_presence.csv:2: iso3: 'POL': no such iso3 in countries.csv"]),
    "duplicate_presence": (P, append("example-construction-co,RUS,example-agency-2018,p. 9,"),
                           ["data/raw/entity_presence.csv:2: entity_id: 'example-construction-co': the same entity, "
                            "country and source appear twice"]),
    "source_without_url": (S, sub("https://example.org/news", ""),
                           ["data/raw/sources.csv:3: url: '': required value is empty"]),
    "source_ftp_url": (S, sub("https://example.org/news", "ftp://example.org/news"),
                       ["data/raw/sources.csv:3: url: 'ftp://example.org/news': not an http(s) URL"]),
    "duplicate_url": (S, sub("https://example.org/news", "https://example.org/report"),
                      ["data/raw/sources.csv:2: url: 'https://example.org/report': another source has the same url; "
                       "merge the two rows"]),
    "bad_language": (S, sub(",media,en,", ",media,eng,"),
                     ["data/raw/sources.csv:3: language: 'eng': not a two-letter ISO 639-1 language code"]),
    "accessed_year_only": (S, sub("2019-12-20,https://example.org/news,2026-11-27",
                                  "2019-12-20,https://example.org/news,2026"),
                           ["data/raw/sources.csv:3: accessed: '2026': must be a full date YYYY-MM-DD"]),
    "formula_in_text": (A, sub("Synthetic fixture: a rating.", "=HYPERLINK(\"\"x\"\")"),
                        ["data/raw/enforcement_actions.csv:3: summary: '=HYPERLINK(\"\"x\"\")': text starts like a "
                         "spreadsheet formula (=, +, -, @); reword it"]),
    "empty_table": (N, lambda t: t.splitlines()[0] + "\n", ["data/raw/entities.csv:1: -: '': table has no rows"]),
    "empty_file": (C, lambda t: "", ["data/raw/countries.csv:1: -: '': file is empty; it needs at least the header "
                                     "row"]),
    "presence_with_count": (E, sub(",,presence_only", ",5,presence_only"),
                            [f"{W}:5: count_low: '': a presence_only row has no counts; any other qualifier needs a "
                             "count"]),
    "at_least_with_high": (E, sub("50000,,at_least", "50000,60000,at_least"),
                           [f"{W}:3: count_high: '60000': an at_least figure has count_low and an empty count_high"]),
    "exact_not_point": (E, sub("30000,30000,approximately", "30000,31000,approximately"),
                        [f"{W}:2: count_high: '31000': exact and approximate figures need count_low equal to "
                         "count_high"]),
    "at_most_with_low": (E, sub("50000,,at_least", "50000,60000,at_most"),
                         [f"{W}:3: count_low: '50000': an at_most figure has count_high and an empty count_low"]),
    "period_after_as_of": (E, sub("2019-12,2018-01", "2019-12,2020-01"),
                           [f"{W}:4: period_start: '2020-01': must not be later than the end of as_of"]),
    "empty_required": (E, sub(",work,Example Agency,host_government,high,example-agency-2018,,p. 1",
                              ",work,,host_government,high,example-agency-2018,,p. 1"),
                       [f"{W}:2: estimator: '': required value is empty"]),
    "unknown_actor": (A, sub(",USA,tip_rating", ",XX,tip_rating"),
                      ["data/raw/enforcement_actions.csv:3: actor: 'XX': not an ISO 3166-1 alpha-3 country code or "
                       "UN, EU"]),
    "subnational_without_region": (E, sub("est-0002,RUS,national,", "est-0002,RUS,subnational,"),
                                   [f"{W}:3: subnational: '': a subnational figure names its region or city in "
                                    "subnational"]),
    "national_with_region": (E, sub("est-0002,RUS,national,,", "est-0002,RUS,national,Primorsky Krai,"),
                             [f"{W}:3: scope: 'national': a national figure has no subnational area; use scope "
                              "subnational"]),
    "sector_subset_without_sector": (E, sub("est-0002,RUS,national,", "est-0002,RUS,sector_subset,"),
                                     [f"{W}:3: sector: '': a sector_subset figure names its sector"]),
    "unknown_scope": (E, sub("est-0002,RUS,national,", "est-0002,RUS,nationwide,"),
                      [f"{W}:3: scope: 'nationwide': unknown value 'nationwide' (did you mean 'national'?); "
                       "allowed: national, subnational, sector_subset, entity, cumulative, multi_country"]),
    "entries_as_stock": (E, sub("workers_present,workers,2017-06", "workers_present,study_entries,2017-06"),
                         [f"{W}:3: counted: 'study_entries': entry counts (all_entries, work_entries, ...) go with a "
                          "flow measure, not a stock"]),
    "dangling_person_id": (A, sub("example-construction-co,,E.O. 13722", "example-construction-co,nobody,E.O. 13722"),
                           ["data/raw/enforcement_actions.csv:4: target_person_ids: 'nobody': no such person_id in "
                            "persons.csv"]),
    "tip_without_tier": (A, sub("TVPA,Tier 3", "TVPA,"),
                         ["data/raw/enforcement_actions.csv:3: value: '': a tip_rating needs the tier in value"]),
    "unknown_tier": (S, sub("Synthetic fixture row.,primary,", "Synthetic fixture row.,primery,"),
                     ["data/raw/sources.csv:2: tier: 'primery': unknown value 'primery' (did you mean 'primary'?); "
                      "allowed: primary, outlet, copy, aggregator"]),
    "inferred_unknown_field": (E, sub("example-agency-2018,,p. 1,,", "example-agency-2018,,p. 1,confidnce: a guess,"),
                               [f"{W}:2: inferred: 'confidnce: a guess': write 'field: why; field: why', each field "
                                "one of country_iso3, scope"]),
    "inferred_without_why": (E, sub("example-agency-2018,,p. 1,,", "example-agency-2018,,p. 1,as_of,"),
                             [f"{W}:2: inferred: 'as_of': write 'field: why; field: why'"]),
    "stage_not_prosecution": (A, sub("Tier 3,,,,Synthetic", "Tier 3,,,plea,Synthetic"),
                              ["data/raw/enforcement_actions.csv:3: stage: 'plea': only a prosecution has a stage"]),
    "own_source_as_other": (A, sub("Synthetic fixture: a rating.,example-news-2019,,",
                                   "Synthetic fixture: a rating.,example-news-2019,example-news-2019,"),
                            ["data/raw/enforcement_actions.csv:3: other_source_ids: 'example-news-2019': lists the "
                             "row's own source_id; list only other pages"]),
    "unknown_naming": (P2, sub("Director of an example bureau,,,,", "Director of an example bureau,,,listed,"),
                       ["data/raw/persons.csv:2: naming: 'listed': unknown value 'listed'"]),
    "correction_unknown_table": (K, append("cor-0001,estimates,est-0001,count_low,1,2,typo,,2026-12-01"),
                                 ["data/raw/corrections.csv:2: table_name: 'estimates': unknown value 'estimates' "
                                  "(did you mean 'worker_estimates'?)"]),
}


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir() and old.name not in CASES:
            shutil.rmtree(old)
    for name, (table, mutate, expected) in CASES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        text = (FIXTURE / f"{table}.csv").read_text(encoding="utf-8")
        new = mutate(text)
        data = new.encode("utf-8", errors="surrogateescape")
        (folder / f"{table}.csv").write_bytes(data)
        (folder / "expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
