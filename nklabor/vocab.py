"""The vocabularies of coded columns, in one light module (no pandas, no pandera).

The pandera models in `schemas.py` check values against these tuples; argument checks (`args.py`), the plots and
the estimation import them from here so that checking a name never loads pandera.
"""

from __future__ import annotations

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL = r"^https?://\S+$"

SOURCE_KINDS = ("un", "government", "court", "legislature", "ngo", "academic", "media", "blog", "dprk_state_media")
REGIONS = ("Africa", "Americas", "Central Asia", "East Asia", "Europe", "Middle East", "Oceania", "South Asia",
           "South-East Asia")
ENTITY_KINDS = ("dprk_dispatcher", "dprk_state_body", "host_employer", "intermediary", "other")
SECTORS = ("construction", "logging", "mining", "fishing_seafood", "textiles_garments", "shipbuilding",
           "restaurants_hospitality", "medical", "it_services", "agriculture", "monuments_art", "manufacturing",
           "other")
MEASURES = ("workers_present", "workers_repatriated", "work_permits_valid", "work_permits_issued", "visas_issued",
            "arrivals", "departures")
FLOW_MEASURES = ("workers_repatriated", "work_permits_issued", "visas_issued", "arrivals", "departures")
STOCK_MEASURES = ("workers_present", "work_permits_valid")
#: What a figure covers, as the source gives it (never read from `sector`, which only describes).
SCOPES = ("national", "subnational", "sector_subset", "entity", "cumulative", "multi_country")
#: Who was counted: DPRK workers, or entries of DPRK nationals by stated purpose (for entry statistics).
COUNTED = ("workers", "all_entries", "work_entries", "study_entries", "other_entries")
ENTRY_COUNTS = ("all_entries", "work_entries", "study_entries", "other_entries")
QUALIFIERS = ("exact", "approximately", "at_least", "at_most", "range", "presence_only")
ENTRY_CHANNELS = ("work", "student", "trainee", "other", "unknown")
ESTIMATOR_KINDS = ("host_government", "un", "us_government", "rok_government", "other_government", "ngo",
                   "researcher", "media", "employer", "testimony")
CONFIDENCE = ("high", "medium", "low")
ACTION_TYPES = ("un_resolution", "sanctions_designation", "visa_halt", "permit_nonrenewal", "permit_revocation",
                "expulsion", "repatriation", "tip_rating", "law", "executive_order", "customs_order", "prosecution",
                "investigation", "diplomatic_action", "employer_termination", "implementation_report", "advisory",
                "other")
PRECISIONS = ("year", "month", "day")
#: How a column's dtype is named in the data dictionary and the release's table descriptors.
DTYPE_KINDS = {"Int64": "integer", "float64": "number", "Float64": "number", "bool": "boolean", "boolean": "boolean"}
#: How a reconstructed figure was reached (best_estimates.basis; docs/ESTIMATES.md).
BASES = ("observed", "reported_zero", "interpolated", "carried_forward", "carried_back", "presence_only")
REVENUE_MEASURES = ("annual_revenue_usd", "scheme_revenue_usd", "wage_share_to_state_pct", "monthly_wage_usd")

#: How close a source is to the origin of what it says (sources.tier).
TIERS = ("primary", "outlet", "copy", "aggregator")
#: The stage of a prosecution (enforcement_actions.stage).
STAGES = ("complaint", "indictment", "arrest", "plea", "trial", "sentence", "forfeiture", "other")
#: The kind of government or UN document that names a person (persons.naming).
NAMINGS = ("designation", "indictment", "wanted_notice", "reward_offer", "other")
#: The fields of each table whose value may be an inference rather than read on the page; a row's `inferred`
#: column says which, as "field: why; field: why" (the build counts them).
INFERABLE = {
    "worker_estimates": ("country_iso3", "scope", "subnational", "entity_id", "sector", "measure", "counted", "as_of",
                         "period_start", "count_low", "count_high", "qualifier", "entry_channel", "estimator",
                         "estimator_kind"),
    "enforcement_actions": ("date", "actor", "action_type", "target_country_iso3", "target_entity_id",
                            "target_person_ids", "legal_basis", "value", "reference", "jurisdiction", "stage"),
    "revenue_wages": ("country_iso3", "measure", "as_of", "period_start", "value_low", "value_high", "qualifier",
                      "estimator", "estimator_kind"),
    "persons": ("name", "name_ko", "aliases", "role", "nationality", "birth_date", "naming", "entity_ids"),
    "entity_presence": ("entity_id", "iso3"),
}

#: The tables `nklabor.load()` accepts, in the order of `schemas.ALL_TABLES` (a test keeps the two equal).
TABLE_NAMES = ("sources", "countries", "entities", "entity_presence", "persons", "worker_estimates",
               "enforcement_actions", "revenue_wages", "workforce_shares", "corrections", "best_estimates",
               "world_year", "country_year", "estimate_conflicts", "entity_sanctions", "entity_status", "para8_tracker")
