"""Shared look of every figure: colours, action families, key dates, the credit line, the backend choice."""

from __future__ import annotations

import os
import sys

import pandas as pd

WORKERS = "#b2182b"
LAND = "#e6e6e6"
HOST_LAND = "#f2dcd2"
OCEAN = "#f5f8fb"
BORDER = "#ffffff"
INK = "#222222"
MUTED = "#777777"

#: Action types grouped for map glyphs: a map has room for a handful of marks, not sixteen.
ACTION_FAMILIES: dict[str, dict] = {
    "resolution, designation or law": {
        "types": ("un_resolution", "sanctions_designation", "law", "executive_order", "customs_order"),
        "colour": "#0072B2", "marker": "s", "glyph": "\u25a0"},
    "visa or permit measure": {"types": ("visa_halt", "permit_nonrenewal"),
                               "colour": "#E69F00", "marker": "^", "glyph": "\u25b2"},
    "repatriation, expulsion or dismissal": {"types": ("repatriation", "expulsion", "employer_termination"),
                                             "colour": "#009E73", "marker": "D", "glyph": "\u25c6"},
    "report to the UN": {"types": ("implementation_report",), "colour": "#56B4E9", "marker": "o",
                         "glyph": "\u25cf"},
    "US trafficking report rating": {"types": ("tip_rating",), "colour": "#CC79A7", "marker": "v", "glyph": "\u25bc"},
    "other (inquiry, prosecution, advisory, diplomacy)": {
        "types": ("investigation", "prosecution", "advisory", "diplomatic_action", "other"),
        "colour": "#555555", "marker": "P", "glyph": "+"},
}

#: Who acted, for colouring timelines.
ACTOR_GROUPS: dict[str, str] = {
    "UN Security Council": "#0072B2",
    "EU or sanctions monitoring team": "#56B4E9",
    "United States": "#E69F00",
    "host government": "#009E73",
    "other government": "#CC79A7",
}

ESTIMATOR_COLOURS = {
    "host_government": "#009E73", "un": "#0072B2", "us_government": "#E69F00", "rok_government": "#D55E00",
    "other_government": "#CC79A7", "ngo": "#56B4E9", "researcher": "#332288", "media": "#888888",
    "employer": "#8C564B", "testimony": "#000000",
}

#: Dates marked on time axes. The resolutions' dates are checked against the data by the tests; the 2397
#: deadline is the resolution's 24 months (source mofa-kr-2017-12-unscr-2397); the border closure is known to the
#: month only (January 2020, source rfa-2021-02-22-coronavirus-strands-nk-workers-china), so it sits at the month's
#: start and its label says so.
KEY_DATES: list[tuple[str, str]] = [
    ("2017-08-05", "UNSCR 2371"),
    ("2017-09-11", "UNSCR 2375"),
    ("2017-12-22", "UNSCR 2397"),
    ("2019-12-22", "2397 deadline"),
    ("2020-01", "North Korea closes its border (Jan 2020)"),
]


def family_of(action_type: str) -> str:
    return next(name for name, fam in ACTION_FAMILIES.items() if action_type in fam["types"])


def actor_group(actor: str, target: str | None) -> str:
    if actor == "UN":
        return "UN Security Council"
    if actor in ("EU", "MSMT"):
        return "EU or sanctions monitoring team"
    if actor == "USA":
        return "United States"
    if isinstance(target, str) and actor == target:
        return "host government"
    return "other government"


def pretty(code: str, column: str = "action_type") -> str:
    """A coded value in plain words (nklabor.words), capitalised for the start of a line."""
    from nklabor import words

    text = words.label(column, code)
    return text[:1].upper() + text[1:]


def mid_period(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """Place a dated row in the middle of its period, so a year-only date does not sit on 1 January."""
    offset = precision.astype(str).map({"year": 182, "month": 14, "day": 0}).fillna(0)
    return pd.to_datetime(dates) + pd.to_timedelta(offset, unit="D")


#: The interval the plots draw, read through `interval()` only: (low column, high column, its level in percent):
#: best_estimates' and world_year's 80% range (country_year's best_low_80/best_high_80).
INTERVAL = ("low_80", "high_80", 80)


def interval(frame: pd.DataFrame, prefix: str = "") -> tuple[pd.Series, pd.Series]:
    """The low and high ends of the reconstruction's interval as floats: `prefix` "best_" for country_year."""
    low, high, _ = INTERVAL
    return frame[f"{prefix}{low}"].astype(float), frame[f"{prefix}{high}"].astype(float)


def range_words() -> str:
    """How the interval is named to a reader: 'range', or '80% range'."""
    level = INTERVAL[2]
    return f"{level}% range" if level else "range"


def about(value, low=None, high=None) -> str:
    """A reconstruction for a reader: 'about 41,000 (range 18,000-95,000)', rounded to two significant figures."""
    from nklabor import words

    return words.about(value, low, high, level=INTERVAL[2])


def credit_text() -> str:
    import nklabor

    n = len(nklabor.load("sources"))
    return (f"Data: nklabor {nklabor.__version__} (CC BY 4.0), compiled from {n:,} cited sources; "
            f"every figure is listed with its source in the dataset")


def add_credit(fig, extra: str = "", text: str | None = None, fontsize: float = 7) -> None:
    """The credit line, once per figure, bottom right. `text` replaces the default wording."""
    if credit_of(fig) is not None:
        return
    text = text if text is not None else credit_text() + (f" \u00b7 {extra}" if extra else "")
    engine = fig.get_layout_engine()
    if engine is not None and type(engine).__name__ == "ConstrainedLayoutEngine" and fig._supxlabel is None:
        fig.supxlabel(text, x=0.995, ha="right", fontsize=fontsize, color=MUTED).set_gid("credit")  # layout makes room
    else:
        fig.text(0.995, 0.005, text, ha="right", va="bottom", fontsize=fontsize, color=MUTED, gid="credit")


def credit_of(fig):
    """The credit line's Text, or None."""
    texts = list(fig.texts) + ([fig._supxlabel] if fig._supxlabel is not None else [])
    return next((t for t in texts if t.get_gid() == "credit"), None)


def use_agg_without_display() -> None:
    """Pick the Agg backend on a headless machine unless the user or a notebook chose one."""
    if os.environ.get("MPLBACKEND") or "ipykernel" in sys.modules:
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        import matplotlib

        matplotlib.use("Agg")


def text_as_text() -> None:
    """SVG output keeps text as editable text (not paths), so a graphics desk can restyle the labels."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"


def thousands(value, _pos=None) -> str:
    return f"{value:,.0f}"
