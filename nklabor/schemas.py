"""The pandera models: the one place where every table and column is defined.

Column names, dtypes, descriptions, vocabularies, checks and foreign keys live
here. The build validates with these models, the processed parquet dtypes are
derived from them, and the data dictionary is generated from them.

Field metadata keys used elsewhere:
- ``references``: "table.column" that every value (or list item) must resolve to;
- ``except``: values exempt from the foreign key (e.g. ``WLD``);
- ``list``: the cell is a ``;``-separated list;
- ``date``: an ISO 8601 date at year, month or day precision; the processed
  table gains ``<name>_date`` (first day of the period) and ``<name>_precision``.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from nklabor import checks
from nklabor.checks import Text
from nklabor.vocab import (  # noqa: F401  (re-exported: the vocabularies live in vocab.py)
    ACTION_TYPES,
    BASES,
    CONFIDENCE,
    COUNTED,
    DTYPE_KINDS,
    ENTITY_KINDS,
    ENTRY_CHANNELS,
    ENTRY_COUNTS,
    ESTIMATOR_KINDS,
    FLOW_MEASURES,
    INFERABLE,
    MEASURES,
    NAMINGS,
    PRECISIONS,
    QUALIFIERS,
    REGIONS,
    REVENUE_MEASURES,
    SCOPES,
    SECTORS,
    SLUG,
    SOURCE_KINDS,
    STAGES,
    STOCK_MEASURES,
    TIERS,
    URL,
)


def _text(description: str, *, required: bool = False, **kw) -> pa.Field:
    return pa.Field(nullable=not required, description=description, **kw)


def _date(description: str, *, required: bool = False) -> pa.Field:
    return pa.Field(nullable=not required, iso_date=(), description=description, metadata={"date": True})


def _vocab(values: tuple[str, ...], description: str, *, required: bool = True) -> pa.Field:
    return pa.Field(nullable=not required, isin=list(values), description=description)


def _inferred(table: str) -> pa.Field:
    return pa.Field(nullable=True, inferred_of={"fields": INFERABLE[table]},
                    description="Fields that are an inference rather than read on the page, each with why, in the "
                                f"curator's words: 'field: why; field: why'. Fields that may be inferred: "
                                f"{', '.join(INFERABLE[table])}.")


def _ref(target: str, description: str, *, required: bool = False, is_list: bool = False, **kw) -> pa.Field:
    meta = {"references": target, "list": is_list}
    if "exempt" in kw:
        meta["except"] = kw.pop("exempt")
    return pa.Field(nullable=not required, description=description, metadata=meta, **kw)


class RawModel(pa.DataFrameModel):
    """Base for the curated tables in data/raw/: strict columns, values coerced to the declared dtype."""

    class Config:
        strict = True
        coerce = True


class Sources(RawModel):
    """Every document a row cites: who published it, when, and where it can be read."""

    source_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG,
                                      description="Stable lower-case slug identifying the source.")
    title: Series[Text] = _text("Title as the document gives it.", required=True)
    publisher: Series[Text] = _text("Organisation that published the document at `url`.", required=True)
    author: Series[Text] = _text("Named author(s), if any.")
    published: Series[Text] = _date("Publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
    url: Series[Text] = pa.Field(str_matches=URL, description="Address of the copy that was read (http/https).")
    accessed: Series[Text] = _date("Date the copy at `url` was read (YYYY-MM-DD).", required=True)
    kind: Series[Text] = _vocab(SOURCE_KINDS, "Kind of publisher.")
    language: Series[Text] = pa.Field(str_matches=r"^[a-z]{2}$", description="ISO 639-1 language code.")
    original_publisher: Series[Text] = _text(
        "Where the page at `url` mirrors or quotes another publisher's work: that original publisher.")
    original_title: Series[Text] = _text("Title of the original work, where the page is a mirror or aggregator.")
    note: Series[Text] = _text("Curator's note, in the curator's own words.")
    tier: Series[Text] = _vocab(TIERS, "How close the page is to the origin: primary (the issuing authority, the "
                                      "court, or the estimator's own publication), outlet (a news organisation's "
                                      "own reporting or a wire), copy (a faithful republication; the original is "
                                      "named), aggregator (a rewrite or digest; never a row's only source).")
    original_url: Series[Text] = pa.Field(nullable=True, str_matches=URL,
                                         description="For a copy: the address of the original it reproduces, "
                                                     "where the copy or a search shows it.")

    @pa.dataframe_check(error="url: another source has the same url; merge the two rows")
    def url_unique(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df["url"].duplicated(keep=False) | df["url"].isna()

    @pa.dataframe_check(error="accessed: must be a full date YYYY-MM-DD")
    def accessed_is_day(cls, df: pd.DataFrame) -> Series[bool]:
        return df["accessed"].isna() | (df["accessed"].str.len() == 10)


class Countries(RawModel):
    """Host countries: every country that a source reports DPRK workers in, or where an action concerned them."""

    iso3: Series[Text] = pa.Field(unique=True, country_code={"allow": ()},
                                 description="ISO 3166-1 alpha-3 code of the host country.")
    name: Series[Text] = _text("Common English name.", required=True)
    region: Series[Text] = _vocab(REGIONS, "World region used for grouping in summaries and plots.")
    note: Series[Text] = _text("Curator's note.")


class Entities(RawModel):
    """Organisations that dispatch, manage or employ the workers, and the state bodies that run the system."""

    entity_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable slug of the entity.")
    name: Series[Text] = _text("Name as the main source (a sanctions list where there is one) writes it.",
                              required=True)
    name_ko: Series[Text] = _text("Korean name in Hangul, where a source gives it.")
    aliases: Series[Text] = _text("Other names and spellings sources use (;-separated).")
    kind: Series[Text] = _vocab(ENTITY_KINDS, "Role of the entity.")
    country_iso3: Series[Text] = pa.Field(nullable=True, country_code={"allow": ()},
                                         description="ISO3 code of the country where the entity is based.")
    sectors: Series[Text] = pa.Field(nullable=True, list_of={"allowed": SECTORS},
                                    description="Sectors the entity is reported in (;-separated vocabulary).",
                                    metadata={"list": True, "vocab": SECTORS})
    source_ids: Series[Text] = _ref("sources.source_id", "Sources for the entity (;-separated source ids).",
                                   required=True, is_list=True)
    note: Series[Text] = _text("Curator's note.")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row; empty "
                                    "where the row has not been re-checked yet.")


class EntityPresence(RawModel):
    """Links an entity to a host country it is reported to operate in, with the source that says so."""

    entity_id: Series[Text] = _ref("entities.entity_id", "The entity.", required=True)
    iso3: Series[Text] = _ref("countries.iso3", "Host country the entity is reported in.", required=True,
                             country_code={"allow": ()})
    source_id: Series[Text] = _ref("sources.source_id", "Source reporting the presence.", required=True)
    locator: Series[Text] = _text("Where in the source (page, paragraph, section).")
    inferred: Series[Text] = _inferred("entity_presence")

    @pa.dataframe_check(error="entity_id: the same entity, country and source appear twice")
    def unique_link(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(["entity_id", "iso3", "source_id"], keep=False)


class WorkerEstimates(RawModel):
    """One figure as one source reports it: how many DPRK workers, where, when, by whose count."""

    estimate_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable id of the figure.")
    country_iso3: Series[Text] = _ref("countries.iso3", "Host country (ISO3), or WLD for a worldwide total.",
                                     required=True, exempt=["WLD"], country_code={"allow": ("WLD",)})
    scope: Series[Text] = _vocab(SCOPES, "What the figure covers, as the source gives it: national (the whole "
                                         "country's DPRK workforce, whatever sector the source names), subnational "
                                         "(a region or city), sector_subset (one sector only, e.g. IT workers), "
                                         "entity (one employer or site), cumulative (a total over several years, "
                                         "not a stock), multi_country (several countries together).")
    subnational: Series[Text] = _text("Region, province or city, where the figure is for part of a country.")
    entity_id: Series[Text] = _ref("entities.entity_id", "Employer or dispatcher the figure concerns, if any.")
    sector: Series[Text] = pa.Field(nullable=True, list_of={"allowed": SECTORS},
                                   description="Sector(s) the figure concerns, if the source gives them (;-separated).",
                                   metadata={"list": True, "vocab": SECTORS})
    measure: Series[Text] = _vocab(MEASURES, "What is counted: a stock (workers_present, work_permits_valid) or a "
                                            "flow (repatriations, permits or visas issued, arrivals, departures). "
                                            "visas_issued counts visas of the purpose in entry_channel.")
    counted: Series[Text] = _vocab(COUNTED, "Who was counted: workers (DPRK workers, however they entered), or "
                                           "entries of DPRK nationals of all purposes, or for work, study or "
                                           "another stated purpose (entry and visa statistics).")
    as_of: Series[Text] = _date("Date the figure refers to (for flows, the end of the counted period).", required=True)
    period_start: Series[Text] = _date("Start of the counted period, for flows; empty where the source gives none.")
    count_low: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0,
                                                description="Lower bound (equal to count_high for a point figure).")
    count_high: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0,
                                                 description="Upper bound; empty for 'at least N'.")
    qualifier: Series[Text] = _vocab(QUALIFIERS, "How the source qualifies the figure; presence_only for no count.")
    count_as_stated: Series[Text] = _text("The figure in the source's own few words, e.g. 'more than 100,000'.")
    wording_rule: Series[Text] = _text("How vague wording became a number, e.g. \"'tens of thousands' read as at "
                                      "least 20,000\"; empty where the source gives the number.")
    entry_channel: Series[Text] = _vocab(ENTRY_CHANNELS, "How the workers entered, where the source says.",
                                        required=False)
    estimator: Series[Text] = _text("Who made the figure (may differ from the publisher).", required=True)
    estimator_kind: Series[Text] = _vocab(ESTIMATOR_KINDS, "Kind of estimator.")
    confidence: Series[Text] = _vocab(CONFIDENCE, "Curator's grade: official statistics high, named estimators "
                                                 "medium, anonymous-source reporting low unless corroborated.")
    source_id: Series[Text] = _ref("sources.source_id", "Source the figure was read in.", required=True)
    other_source_ids: Series[Text] = _ref("sources.source_id", "Other pages a field was read on (;-separated); "
                                                              "the locator says which field.", is_list=True)
    locator: Series[Text] = _text("Where on the page each field is read, field by field (paragraph, table row, "
                                 "page of a PDF), e.g. 'count: para 3; as_of: dateline; estimator: para 5'.")
    inferred: Series[Text] = _inferred("worker_estimates")
    note: Series[Text] = _text("Curator's note, in the curator's own words.")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row; empty "
                                    "where the row has not been re-checked yet.")

    @pa.dataframe_check(error="count_low: must not exceed count_high")
    def low_le_high(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["count_low"].isna() | df["count_high"].isna() | (df["count_low"] <= df["count_high"])).astype(bool)

    @pa.dataframe_check(error="count_low: a presence_only row has no counts; any other qualifier needs a count")
    def presence_has_no_count(cls, df: pd.DataFrame) -> Series[bool]:
        no_count = df["count_low"].isna() & df["count_high"].isna()
        return ((df["qualifier"] == "presence_only") == no_count).astype(bool)

    @pa.dataframe_check(error="count_high: exact and approximate figures need count_low equal to count_high")
    def point_is_point(cls, df: pd.DataFrame) -> Series[bool]:
        point = df["qualifier"].isin(["exact", "approximately"])
        same = (df["count_low"] == df["count_high"]).fillna(False).astype(bool)
        return (~point | same).astype(bool)

    @pa.dataframe_check(error="count_high: an at_least figure has count_low and an empty count_high")
    def at_least_open(cls, df: pd.DataFrame) -> Series[bool]:
        rows = df["qualifier"] == "at_least"
        return (~rows | (df["count_low"].notna() & df["count_high"].isna())).astype(bool)

    @pa.dataframe_check(error="count_low: an at_most figure has count_high and an empty count_low")
    def at_most_open(cls, df: pd.DataFrame) -> Series[bool]:
        return (~(df["qualifier"] == "at_most") | df["count_low"].isna()).astype(bool)

    @pa.dataframe_check(error="count_high: an at_most or range figure needs count_high")
    def bounded_has_high(cls, df: pd.DataFrame) -> Series[bool]:
        rows = df["qualifier"].isin(["at_most", "range"])
        return (~rows | df["count_high"].notna()).astype(bool)

    @pa.dataframe_check(error="subnational: a subnational figure names its region or city in subnational")
    def subnational_named(cls, df: pd.DataFrame) -> Series[bool]:
        return (~(df["scope"] == "subnational") | df["subnational"].notna()).astype(bool)

    @pa.dataframe_check(error="scope: a national figure has no subnational area; use scope subnational")
    def national_is_whole(cls, df: pd.DataFrame) -> Series[bool]:
        return (~(df["scope"] == "national") | df["subnational"].isna()).astype(bool)

    @pa.dataframe_check(error="sector: a sector_subset figure names its sector")
    def sector_subset_named(cls, df: pd.DataFrame) -> Series[bool]:
        return (~(df["scope"] == "sector_subset") | df["sector"].notna()).astype(bool)

    @pa.dataframe_check(error="counted: entry counts (all_entries, work_entries, ...) go with a flow measure, "
                              "not a stock")
    def entries_are_flows(cls, df: pd.DataFrame) -> Series[bool]:
        return (~df["counted"].isin(ENTRY_COUNTS) | df["measure"].isin(FLOW_MEASURES)).astype(bool)

    @pa.dataframe_check(error="period_start: must not be later than the end of as_of")
    def period_before_as_of(cls, df: pd.DataFrame) -> Series[bool]:
        start, end = checks.period_start(df["period_start"]), checks.period_end(df["as_of"])
        return (start.isna() | end.isna() | (start <= end)).astype(bool)


class EnforcementActions(RawModel):
    """Things governments and the UN did about the trade: resolutions, designations, visa halts, ratings."""

    action_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable id of the action.")
    date: Series[Text] = _date("Date of the action.", required=True)
    actor: Series[Text] = pa.Field(country_code={"allow": ("UN", "EU", "MSMT")},
                                  description="ISO3 of the acting state, or UN, EU, or MSMT (the member states "
                                              "of the Multilateral Sanctions Monitoring Team acting together).")
    action_type: Series[Text] = _vocab(ACTION_TYPES, "Kind of action.")
    target_country_iso3: Series[Text] = _ref("countries.iso3", "Host country concerned (PRK for measures on the "
                                                             "DPRK itself); empty for global measures.",
                                            exempt=["PRK"], country_code={"allow": ()})
    target_entity_id: Series[Text] = _ref("entities.entity_id", "Entity targeted, e.g. a designated company.")
    target_person_ids: Series[Text] = _ref("persons.person_id", "Officials or facilitators the action names "
                                                               "(;-separated person ids).", is_list=True)
    legal_basis: Series[Text] = _text("Legal instrument, e.g. 'UNSCR 2397 para 8', 'E.O. 13722'.")
    value: Series[Text] = _text("Value of the action where it has one, e.g. the tier of a TIP rating.")
    reference: Series[Text] = _text("List reference or document symbol where a source gives one.")
    jurisdiction: Series[Text] = _text("Court district or issuing office, where the source gives one.")
    stage: Series[Text] = _vocab(STAGES, "For a prosecution: the stage this row records (complaint, indictment, "
                                        "arrest, plea, trial, sentence, forfeiture); the date is that stage's.",
                                required=False)
    summary: Series[Text] = _text("What was done, in the curator's own words.", required=True)
    source_id: Series[Text] = _ref("sources.source_id", "Source the action was read in.", required=True)
    other_source_ids: Series[Text] = _ref("sources.source_id", "Further sources reporting the same action "
                                                              "(;-separated); one action is one row.", is_list=True)
    locator: Series[Text] = _text("Where on the page each field is read, field by field.")
    inferred: Series[Text] = _inferred("enforcement_actions")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row; empty "
                                    "where the row has not been re-checked yet.")

    @pa.dataframe_check(error="stage: only a prosecution has a stage")
    def stage_only_for_prosecutions(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["stage"].isna() | (df["action_type"] == "prosecution")).astype(bool)

    @pa.dataframe_check(error="other_source_ids: lists the row's own source_id; list only other pages")
    def other_sources_are_other(cls, df: pd.DataFrame) -> Series[bool]:
        return checks.not_in_list(df["source_id"], df["other_source_ids"])

    @pa.dataframe_check(error="value: a tip_rating needs the tier in value")
    def tip_has_tier(cls, df: pd.DataFrame) -> Series[bool]:
        return (~(df["action_type"] == "tip_rating") | df["value"].notna()).astype(bool)


class RevenueWages(RawModel):
    """Estimated revenue to the DPRK state from workers abroad, and reported wages and wage shares."""

    revenue_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable id of the figure.")
    country_iso3: Series[Text] = _ref("countries.iso3", "Host country, or WLD for all workers abroad.",
                                     required=True, exempt=["WLD"], country_code={"allow": ("WLD",)})
    measure: Series[Text] = _vocab(REVENUE_MEASURES, "What the value measures (unit in the name).")
    as_of: Series[Text] = _date("Date or year the figure refers to (end of the period for a scheme total).",
                               required=True)
    period_start: Series[Text] = _date("Start of the period a scheme total covers, where the source gives it.")
    value_low: Series[float] = pa.Field(nullable=True, ge=0, description="Lower bound of the value.")
    value_high: Series[float] = pa.Field(nullable=True, ge=0, description="Upper bound; empty for 'at least'.")
    qualifier: Series[Text] = _vocab(QUALIFIERS[:-1], "How the source qualifies the figure.")
    value_as_stated: Series[Text] = _text("The figure in the source's own few words.", required=True)
    estimator: Series[Text] = _text("Who made the figure.", required=True)
    estimator_kind: Series[Text] = _vocab(ESTIMATOR_KINDS, "Kind of estimator.")
    confidence: Series[Text] = _vocab(CONFIDENCE, "Curator's grade of the figure.")
    source_id: Series[Text] = _ref("sources.source_id", "Source the figure was read in.", required=True)
    other_source_ids: Series[Text] = _ref("sources.source_id", "Other pages a field was read on (;-separated); "
                                                              "the locator says which field.", is_list=True)
    locator: Series[Text] = _text("Where on the page each field is read, field by field.")
    inferred: Series[Text] = _inferred("revenue_wages")
    note: Series[Text] = _text("Curator's note, in the curator's own words.")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row; empty "
                                    "where the row has not been re-checked yet.")

    @pa.dataframe_check(error="value_low: must not exceed value_high")
    def low_le_high(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["value_low"].isna() | df["value_high"].isna() | (df["value_low"] <= df["value_high"])).astype(bool)


class Persons(RawModel):
    """People that a government or UN body names in a designation, indictment, wanted notice or reward offer
    concerning overseas workers (officials, executives, facilitators, and defendants so named).

    Never a worker, defector or family member named only by the press or by testimony.
    """

    person_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable slug of the person.")
    name: Series[Text] = _text("Name as the authority writes it.", required=True)
    name_ko: Series[Text] = _text("Name in Hangul, where the authority (or a source) gives it.")
    aliases: Series[Text] = _text("Other names and spellings the authority gives (;-separated).")
    role: Series[Text] = _text("Role or position as the source gives it.", required=True)
    nationality: Series[Text] = _text("Nationality, only where the naming authority publishes it.")
    birth_date: Series[Text] = _date("Date of birth, only where the naming authority publishes it.")
    naming: Series[Text] = _vocab(NAMINGS, "Kind of document that names the person: designation, indictment, "
                                          "wanted_notice, reward_offer or other.", required=False)
    entity_ids: Series[Text] = _ref("entities.entity_id", "Organisations the authority ties the person to "
                                                         "(;-separated).", is_list=True)
    source_ids: Series[Text] = _ref("sources.source_id", "Sources naming the person (;-separated).", required=True,
                                   is_list=True)
    locator: Series[Text] = _text("Where on the page each field is read, field by field.")
    inferred: Series[Text] = _inferred("persons")
    note: Series[Text] = _text("Curator's note, in the curator's own words.")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row.")


class WorkforceShares(RawModel):
    """Shares of a country's DPRK workforce with a stated trait (e.g. from Pyongyang), as a source reports them."""

    share_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable id of the figure.")
    country_iso3: Series[Text] = _ref("countries.iso3", "Host country, or WLD for all workers abroad.",
                                     required=True, exempt=["WLD"], country_code={"allow": ("WLD",)})
    as_of: Series[Text] = _date("Date or year the share refers to.", required=True)
    characteristic: Series[Text] = _text("The trait whose share is given, in the curator's words.", required=True)
    share_low_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Lower bound, percent.")
    share_high_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100, description="Upper bound, percent.")
    qualifier: Series[Text] = _vocab(QUALIFIERS[:-1], "How the source qualifies the figure.")
    value_as_stated: Series[Text] = _text("The share in the source's own few words.", required=True)
    estimator: Series[Text] = _text("Who made the figure.", required=True)
    estimator_kind: Series[Text] = _vocab(ESTIMATOR_KINDS, "Kind of estimator.")
    confidence: Series[Text] = _vocab(CONFIDENCE, "Curator's grade of the figure.")
    source_id: Series[Text] = _ref("sources.source_id", "Source the figure was read in.", required=True)
    locator: Series[Text] = _text("Where in the source.")
    note: Series[Text] = _text("Curator's note, in the curator's own words.")
    checked_on: Series[Text] = _date("Date a second curator re-read the cited source and confirmed this row.")

    @pa.dataframe_check(error="share_low_pct: must not exceed share_high_pct")
    def low_le_high(cls, df: pd.DataFrame) -> Series[bool]:
        low, high = df["share_low_pct"], df["share_high_pct"]
        return (low.isna() | high.isna() | (low <= high)).astype(bool)


CORRECTED_TABLES = ("sources", "entities", "entity_presence", "persons", "worker_estimates", "enforcement_actions",
                    "revenue_wages", "workforce_shares")


class Corrections(RawModel):
    """The log of corrections made when a row was read again against its page: what changed, and why.

    Users can see what a second reading changed in a row they used; the release carries the log.
    """

    correction_id: Series[Text] = pa.Field(unique=True, str_matches=SLUG, description="Stable id of the correction.")
    table_name: Series[Text] = _vocab(CORRECTED_TABLES, "Table of the corrected row.")
    row_id: Series[Text] = _text("Id of the corrected row (entity_presence: entity_id/iso3/source_id).",
                                required=True)
    field: Series[Text] = _text("Column that changed ('row' where the whole row was removed).", required=True)
    before: Series[Text] = _text("Value before the correction (empty where it was empty).")
    after: Series[Text] = _text("Value after (empty where it was emptied or the row removed).")
    reason: Series[Text] = _text("Why, in the curator's own words.", required=True)
    evidence_source_id: Series[Text] = _ref("sources.source_id", "Page the correction was read on, if any.")
    corrected_on: Series[Text] = _date("Date of the correction.", required=True)


#: The curated tables, in the order they are read (targets of foreign keys first).
RAW_TABLES: dict[str, type[RawModel]] = {
    "sources": Sources,
    "countries": Countries,
    "entities": Entities,
    "entity_presence": EntityPresence,
    "persons": Persons,
    "worker_estimates": WorkerEstimates,
    "enforcement_actions": EnforcementActions,
    "revenue_wages": RevenueWages,
    "workforce_shares": WorkforceShares,
    "corrections": Corrections,
}

#: Primary key of each curated table (entity_presence: its natural key).
PRIMARY_KEYS = {
    "sources": ["source_id"],
    "countries": ["iso3"],
    "entities": ["entity_id"],
    "entity_presence": ["entity_id", "iso3", "source_id"],
    "worker_estimates": ["estimate_id"],
    "enforcement_actions": ["action_id"],
    "revenue_wages": ["revenue_id"],
    "persons": ["person_id"],
    "workforce_shares": ["share_id"],
    "corrections": ["correction_id"],
}


# ----- derived tables -------------------------------------------------------------------------------------------

class DerivedModel(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class CountryYear(DerivedModel):
    """Panel of host country x year: how many sourced figures, their envelope, the reconstructed best figure, and
    actions by type.

    The envelope (`sourced_low`, `sourced_high`) is sourced: the lowest and highest whole-country (`scope`
    national) stock figures of the year. `best`, `best_low_80`, `best_high_80`, `best_display` and `basis` are a
    reconstruction, copied from `best_estimates` (method: docs/ESTIMATES.md).
    """

    iso3: Series[Text] = pa.Field(description="Host country (ISO3).")
    year: Series[pd.Int64Dtype] = pa.Field(ge=1900, le=2100, description="Calendar year.")
    n_estimates: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Rows in worker_estimates for this year.")
    n_sources: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Distinct sources behind those rows.")
    has_presence: Series[bool] = pa.Field(description="True if any row (count or presence_only, any scope) reports "
                                                      "workers present this year.")
    n_national_figures: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Whole-country stock figures with a "
                                                                           "count this year (sourced).")
    sourced_low: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Lowest count_low among those "
                                                                                  "figures (sourced).")
    sourced_high: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Highest count_high (or "
                                                                                   "count_low) among them "
                                                                                   "(sourced).")
    best: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Reconstructed best figure "
                                                                           "(best_estimates; a median).")
    best_low_80: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Low end of its 80% range.")
    best_high_80: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="High end of its 80% range.")
    best_display: Series[Text] = pa.Field(nullable=True, description="The best figure and its 80% range "
                                                                              "as people should read them.")
    basis: Series[pd.CategoricalDtype] = pa.Field(nullable=True, isin=list(BASES),
                                                  description="How the best figure was reached.")
    rests_on_low_confidence: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="The best figure rests "
                                                                                          "on low-confidence "
                                                                                          "figures alone.")
    workers_repatriated: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="Largest reported repatriation count (any scope) with as_of in this year.")
    n_actions: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Enforcement actions concerning this country "
                                                                  "dated in this year.")


for _t in ACTION_TYPES:  # one count column per action type, from the vocabulary
    CountryYear.__annotations__[f"actions_{_t}"] = Series[pd.Int64Dtype]
    setattr(CountryYear, f"actions_{_t}", pa.Field(ge=0, description=f"Actions of type {_t} this year."))
CountryYear = type("CountryYear", (DerivedModel,), dict(vars(CountryYear)))


class EstimateConflicts(DerivedModel):
    """Cells where sourced figures of the same kind disagree by more than the stated tolerance.

    Like is compared with like only: same country, year, measure, scope, counted population and period length
    (in days, for flows; stocks have none). Tolerance: the largest point figure exceeds the smallest by more than
    25 percent. A row's point figure is the midpoint of its low and high (its low for 'at least'). All rows of the
    cell are listed.
    """

    iso3: Series[Text] = pa.Field(description="Host country (ISO3) or WLD.")
    year: Series[pd.Int64Dtype] = pa.Field(description="Year of as_of.")
    measure: Series[Text] = pa.Field(isin=list(MEASURES), description="Measure of the figures compared.")
    scope: Series[Text] = pa.Field(isin=list(SCOPES), description="Scope shared by the figures compared.")
    counted: Series[Text] = pa.Field(isin=list(COUNTED), description="Counted population shared by the figures.")
    period_days: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Length of the counted period "
                                                                                  "in days (flows); empty for "
                                                                                  "stocks and unstated periods.")
    n_figures: Series[pd.Int64Dtype] = pa.Field(ge=2, description="Figures in the cell.")
    min_figure: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Smallest point figure.")
    max_figure: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Largest point figure.")
    ratio: Series[float] = pa.Field(ge=1, description="max_figure / min_figure.")
    estimate_ids: Series[Text] = pa.Field(description="The rows involved (;-separated estimate ids).",
                                                    metadata={"list": True})
    estimators: Series[Text] = pa.Field(description="Their estimators (;-separated, same order).",
                                                  metadata={"list": True})


ENTITY_STATUSES = ("sanctioned", "named_by_government", "reported")


class EntitySanctions(DerivedModel):
    """Sanctions designations per entity and designating authority: who designated it, and since when.

    Derived from `enforcement_actions` rows of type sanctions_designation that name a target entity; never typed
    by hand. One row per entity and actor (UN, EU, or a state's ISO3).
    """

    entity_id: Series[Text] = pa.Field(description="The designated entity.",
                                      metadata={"references": "entities.entity_id"})
    actor: Series[Text] = pa.Field(description="Designating authority (ISO3, UN or EU).")
    first_designated: Series[Text] = pa.Field(description="Date of the earliest designation by this actor "
                                                          "(ISO 8601 at the precision the source gives).")
    n_designations: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Designation actions by this actor.")
    legal_bases: Series[Text] = pa.Field(nullable=True, description="Legal bases cited (;-separated).",
                                        metadata={"list": True})
    references: Series[Text] = pa.Field(nullable=True, description="List references or programme tags "
                                                                  "(;-separated).", metadata={"list": True})
    action_ids: Series[Text] = pa.Field(description="The designation actions (;-separated).", metadata={"list": True})
    name: Series[Text] = pa.Field(description="Entity name.")
    sectors: Series[Text] = pa.Field(nullable=True, description="Entity sectors (;-separated).",
                                               metadata={"list": True})
    source_titles: Series[Text] = pa.Field(nullable=True, description="Titles of the sources of the "
                                                                               "designation actions (; -separated).")
    source_urls: Series[Text] = pa.Field(nullable=True, description="Their URLs (space-separated, same "
                                                                             "order).")


class EntityStatus(DerivedModel):
    """One row per entity with an honest status label derived from its rows.

    Rule: `sanctioned` if any sanctions_designation action targets it; otherwise `named_by_government` if a source
    of kind un, government, legislature or court supports the entity or an action by a state or the UN names it;
    otherwise `reported` (named only in media, NGO, academic or blog sources).
    """

    entity_id: Series[Text] = pa.Field(unique=True, description="The entity.",
                                      metadata={"references": "entities.entity_id"})
    name: Series[Text] = pa.Field(description="Entity name.")
    kind: Series[Text] = pa.Field(isin=list(ENTITY_KINDS), description="Role of the entity.")
    status: Series[Text] = pa.Field(isin=list(ENTITY_STATUSES), description="sanctioned, named_by_government or "
                                                                            "reported, by the rule above.")
    sanctioned_by: Series[Text] = pa.Field(nullable=True, description="Designating authorities (;-separated).",
                                          metadata={"list": True})
    first_sanctioned: Series[Text] = pa.Field(nullable=True, description="Earliest designation date by any actor.")
    host_countries: Series[Text] = pa.Field(nullable=True, description="Host countries it is reported in "
                                                                      "(;-separated ISO3).", metadata={"list": True})
    n_sources: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Distinct sources citing the entity anywhere.")


class Para8Tracker(DerivedModel):
    """Per host country: its reports under UNSCR 2397 paragraph 8 and the official figures of workers sent home
    and still present.

    Joins `enforcement_actions` (implementation_report rows acted by the country) with `worker_estimates`
    (host-government figures of any scope dated 2017-12-22 or later). `report_found` is false where no report
    was found by the curators: that is not evidence that the state did not report. `repatriated_total` adds the
    official repatriation figures, one per reported date (the largest where a date has several), on the reading
    that each report gives a new batch; where a state reports running totals that overcounts, so
    `repatriated_max` is kept beside it. `un_reporting_states` gives, as context, how many states the UN said had
    reported, parsed from the rows that say so.
    """

    iso3: Series[Text] = pa.Field(unique=True, description="Host country.",
                                            metadata={"references": "countries.iso3"})
    name: Series[Text] = pa.Field(description="Country name.")
    report_found: Series[bool] = pa.Field(description="An implementation report by this country was found; false "
                                                      "means none was found, not that none was made.")
    interim_date: Series[Text] = pa.Field(nullable=True, description="Date of the interim report.")
    final_date: Series[Text] = pa.Field(nullable=True, description="Date of the final report.")
    report_action_ids: Series[Text] = pa.Field(nullable=True, description="Implementation report "
                                                                                    "actions.",
                                                         metadata={"list": True})
    repatriated_total: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Sum of official "
                                                                                         "repatriation figures, one "
                                                                                         "per reported date.")
    repatriated_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0,
                                                      description="Largest single official repatriation figure.")
    remaining_latest: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0,
                                                       description="Latest official figure of workers present.")
    remaining_as_of: Series[Text] = pa.Field(nullable=True, description="as_of of that figure.")
    estimate_ids: Series[Text] = pa.Field(nullable=True, description="The official figures used "
                                                                               "(;-separated).",
                                                    metadata={"list": True})
    source_titles: Series[Text] = pa.Field(nullable=True, description="Titles of the sources of the "
                                                                               "reports and figures (; -separated).")
    source_urls: Series[Text] = pa.Field(nullable=True, description="Their URLs (space-separated, same "
                                                                             "order).")
    un_reporting_states: Series[Text] = pa.Field(nullable=True, description="Context: how many states "
                                                                                     "the UN said had reported, "
                                                                                     "with date and row id.")


class BestEstimates(DerivedModel):
    """A reconstruction, not a sourced figure: one figure per host country and year, with 80% and 50% ranges.

    Made by code (nklabor/estimate/, method in docs/ESTIMATES.md) from worker_estimates with a dated
    measurement-error model; never typed. Each year is published at its `reference_date` (1 July). `best` is the
    median of the posterior, `low_80`-`high_80` the range that holds the count with 80% probability under the
    model (10th to 90th percentile), `low_50`-`high_50` with 50%. `basis`: observed (figures dated in that year
    carry at least half the weight), blended (they exist but carry less), interpolated (none that year; figures
    before and after), extrapolated (figures on one side only), bounds_only (only counts of a region, sector or
    site, or flows, read as lower bounds), presence_only (reported, never counted: the pooled prior over hosts),
    official_zero (the host government or the UN, medium or high confidence, reported none). Show it to people
    as `display` (two significant figures), never to the unit.
    """

    iso3: Series[Text] = pa.Field(description="Host country (ISO3).",
                                            metadata={"references": "countries.iso3"})
    year: Series[pd.Int64Dtype] = pa.Field(ge=1900, le=2100, description="Calendar year.")
    reference_date: Series[Text] = pa.Field(description="The date the figure is for (YYYY-MM-DD; 1 July "
                                                                  "of the year).")
    best: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Best figure: the median of the posterior of DPRK "
                                                            "workers present at the reference date.")
    low_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Low end of the 80% range (10th percentile).")
    high_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="High end of the 80% range (90th percentile).")
    low_50: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Low end of the 50% range (25th percentile).")
    high_50: Series[pd.Int64Dtype] = pa.Field(ge=0, description="High end of the 50% range (75th percentile).")
    basis: Series[pd.CategoricalDtype] = pa.Field(isin=list(BASES), description="How the figure was reached "
                                                                                "(see the table description).")
    share_in_year: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=1, description="Share of the "
                                                                                            "weight carried by "
                                                                                            "whole-country figures "
                                                                                            "dated in the year.")
    n_observations: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Distinct observations (copies merged) "
                                                                      "carrying weight in the row.")
    input_estimate_ids: Series[Text] = pa.Field(nullable=True, description="Their estimate ids, copies "
                                                                                     "included, heaviest first "
                                                                                     "(;-separated); for "
                                                                                     "presence_only the reports of "
                                                                                     "presence.",
                                                          metadata={"list": True})
    rests_on_low_confidence: Series[bool] = pa.Field(description="True where every whole-country figure carrying a "
                                                                 "tenth of the weight or more is graded low (unnamed "
                                                                 "sources).")
    display: Series[Text] = pa.Field(description="The figure as people should read it: 'about 9,000 "
                                                           "(80% range 4,000-20,000)'.")

    @pa.dataframe_check(error="best: must lie within the 50% range, and the 50% range within the 80% range")
    def ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return ((df["low_80"] <= df["low_50"]) & (df["low_50"] <= df["best"]) & (df["best"] <= df["high_50"])
                & (df["high_50"] <= df["high_80"])).astype(bool)


class WorldYear(DerivedModel):
    """A reconstruction: DPRK workers abroad per year, simulated from the host countries' posteriors, plus a term
    for hosts no source names, beside the worldwide figures sources published that year.

    The total is the sum of draws from every host's posterior at the reference date, assuming the hosts' errors
    independent; the unnamed-hosts term is Chao's estimate of hosts no source names, scaled to the year, times
    the size of a rarely named host (docs/ESTIMATES.md). Published figures are listed with copies merged (one
    estimator's repeated figure counts once); IT-worker-only figures are kept in their own columns.
    """

    year: Series[pd.Int64Dtype] = pa.Field(ge=1900, le=2100, description="Calendar year.")
    reference_date: Series[Text] = pa.Field(description="The date the total is for (1 July).")
    best: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Median of the simulated worldwide total.")
    low_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Low end of its 80% range (10th percentile).")
    high_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="High end of its 80% range (90th percentile).")
    low_50: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Low end of its 50% range.")
    high_50: Series[pd.Int64Dtype] = pa.Field(ge=0, description="High end of its 50% range.")
    named_best: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Median of the sum over the named host "
                                                                  "countries alone.")
    named_low_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Its 80% range, low end.")
    named_high_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Its 80% range, high end.")
    unnamed_best: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Median of the term for hosts no source "
                                                                    "names.")
    unnamed_low_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Its 80% range, low end.")
    unnamed_high_80: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Its 80% range, high end.")
    unnamed_hosts_expected: Series[pd.Float64Dtype] = pa.Field(ge=0, description="Expected number of hosts no "
                                                                                "source names, this year.")
    n_countries: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Named host countries in the total (rows "
                                                                   "other than official_zero).")
    n_countries_counted: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Of those, resting on counts (any "
                                                                            "basis but presence_only).")
    n_countries_presence_only: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Countries with basis "
                                                                                  "presence_only.")
    share_observed: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=1,
                                                       description="Share of the sum of the countries' best "
                                                                   "figures from rows with basis observed.")
    published_low: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Lowest worldwide all-sector "
                                                                                      "figure published for the "
                                                                                      "year (sourced).")
    published_high: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Highest such figure.")
    published_n: Series[pd.Int64Dtype] = pa.Field(ge=0, description="Distinct such figures (copies merged).")
    published_figures: Series[Text] = pa.Field(nullable=True, description="Each figure with its "
                                                                                    "qualifier, kind of estimator, "
                                                                                    "confidence and ids "
                                                                                    "('; '-separated).")
    published_estimate_ids: Series[Text] = pa.Field(nullable=True, description="Their estimate ids, "
                                                                                          "copies included.",
                                                              metadata={"list": True})
    published_outside_80: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="True where the "
                                                                                        "published figures (medium "
                                                                                        "and high confidence where "
                                                                                        "there are any) and the 80% "
                                                                                        "range do not overlap.")
    published_it_low: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Lowest worldwide figure "
                                                                                         "of IT workers only.")
    published_it_high: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, description="Highest such figure.")
    published_it_estimate_ids: Series[Text] = pa.Field(nullable=True, description="Their estimate ids.",
                                                                 metadata={"list": True})
    display: Series[Text] = pa.Field(description="The total as people should read it: 'about 50,000 "
                                                           "(80% range 30,000-90,000)'.")

    @pa.dataframe_check(error="best: must lie within the 50% range, and the 50% range within the 80% range")
    def ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return ((df["low_80"] <= df["low_50"]) & (df["low_50"] <= df["best"]) & (df["best"] <= df["high_50"])
                & (df["high_50"] <= df["high_80"])).astype(bool)


DERIVED_TABLES: dict[str, type[DerivedModel]] = {
    "best_estimates": BestEstimates,
    "world_year": WorldYear,
    "country_year": CountryYear,
    "estimate_conflicts": EstimateConflicts,
    "entity_sanctions": EntitySanctions,
    "entity_status": EntityStatus,
    "para8_tracker": Para8Tracker,
}

ALL_TABLES: dict[str, type[pa.DataFrameModel]] = {**RAW_TABLES, **DERIVED_TABLES}

#: Primary keys of the derived tables (the curated tables' keys are in PRIMARY_KEYS above).
PRIMARY_KEYS.update({
    "best_estimates": ["iso3", "year"],
    "world_year": ["year"],
    "country_year": ["iso3", "year"],
    "estimate_conflicts": ["iso3", "year", "measure", "scope", "counted", "period_days"],
    "entity_sanctions": ["entity_id", "actor"],
    "entity_status": ["entity_id"],
    "para8_tracker": ["iso3"],
})

CONFLICT_TOLERANCE = 0.25
