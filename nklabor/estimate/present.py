"""How a reconstructed figure reaches people: rounded to two significant figures, with its range, in words.

`display()` is the one function that turns a figure and its 80% range into text; tables, plots, the site, the
CLI and the workbook all use it (or the `display` column it fills). `Figure` and `World` are what
`nklabor.best_figure()` and `nklabor.world()` return: printed, a paragraph a journalist can paste; the details
stay available as attributes and DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nklabor import words

METHOD = "docs/ESTIMATES.md"

BASIS_WORDS = {
    "observed": "it rests mostly on figures dated in {year}",
    "blended": "it blends figures dated in {year} with those of other years, which carry most of the weight",
    "interpolated": "no figure is dated in {year}: it is interpolated between figures dated before and after",
    "extrapolated": "no figure is dated in {year}: it is extrapolated from figures of earlier or later years "
                    "only, so the range widens with the distance",
    "bounds_only": "no source counted the whole country: it rests on counts of a region, a sector or a site, or "
                   "on flows of workers, read as lower bounds, and on what hosts in general suggest",
    "presence_only": "workers were reported there but never counted: the figure is what hosts in general "
                     "suggest (a pooled estimate), hence the wide range",
    "official_zero": "the host government or the UN reported that no DPRK workers remained",
}


def round2(value: float) -> int:
    """Two significant figures (9,137 -> 9,100; 24,495 -> 24,000; 7 -> 7), as `nklabor.words` rounds everywhere."""
    return words.round2(value) or 0


def number(value) -> str:
    return words.number(value)


def display(best, low_80, high_80, zero: bool = False) -> str:
    """'about 9,100 (80% range 4,000-20,000)': `words.about`, the one way a reconstruction is written for people."""
    if zero:
        return "0 (official count of zero)"
    if best is None or pd.isna(best):
        return ""
    return words.about(float(best), float(low_80), float(high_80))


def range_words(low_80, high_80) -> str:
    return (f"with 80% probability between {number(low_80)} and {number(high_80)}, if the model's assumptions "
            f"hold")


def _date_words(text: str) -> str:
    s = str(text)
    try:
        if len(s) == 10:
            return pd.Timestamp(s).strftime("%-d %b %Y")
        if len(s) == 7:
            return pd.Timestamp(s + "-01").strftime("%b %Y")
    except ValueError:
        pass
    return s


def source_line(row) -> str:
    stated = row.get("count_as_stated") if hasattr(row, "get") else None
    what = stated if isinstance(stated, str) and stated else ""
    return f"{row['estimator']} ({_date_words(row['as_of'])}{': ' + what if what else ''})"


@dataclass
class Figure:
    """A host country's reconstructed figure for one year; print it for a paragraph."""

    iso3: str
    name: str
    year: int
    reference_date: str | None
    best: int | None
    low_80: int | None
    high_80: int | None
    low_50: int | None
    high_50: int | None
    basis: str | None
    display: str
    n_observations: int = 0
    rests_on_low_confidence: bool = False
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    sourced_figures: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    kind: str = f"reconstruction ({METHOD})"

    def __str__(self) -> str:
        if self.best is None:
            return (f"{self.name}, {self.year}: no reconstructed figure (no figure and no report of DPRK workers in "
                    f"or near this year). Sourced figures: nklabor.views.country_figures({self.iso3!r}).")
        when = _date_words(self.reference_date)
        if self.basis == "official_zero":
            head = f"DPRK workers in {self.name} on {when}: none, by an official count of zero."
        else:
            head = (f"DPRK workers in {self.name} on {when}: {self.display}, that is "
                    f"{range_words(self.low_80, self.high_80)}.")
        basis = BASIS_WORDS.get(self.basis, self.basis).format(year=self.year)
        text = [head, f"This is a reconstruction by nklabor's model, not a figure any source published; "
                      f"{basis}."]
        if self.rests_on_low_confidence:
            text.append("The figures carrying its weight rest on unnamed sources (graded low).")
        if len(self.inputs):
            lines = "; ".join(source_line(r) for _, r in self.inputs.head(3).iterrows())
            text.append(f"Main sources: {lines}.")
        text.append(f"Method, assumptions and measured error: {METHOD}; every figure behind it: "
                    f".inputs, and all figures of the year: .sourced_figures.")
        return " ".join(text)

    __repr__ = __str__


@dataclass
class World:
    """The worldwide total for one year; print it for a paragraph."""

    year: int
    reference_date: str
    best: int
    low_80: int
    high_80: int
    low_50: int
    high_50: int
    display: str
    unnamed_best: int
    unnamed_low_80: int
    unnamed_high_80: int
    n_countries: int
    n_countries_presence_only: int
    share_observed: float | None
    published_outside_80: bool | None
    countries: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    published: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    published_it_only: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    kind: str = f"reconstruction: simulated sum over host countries, plus hosts no source names ({METHOD})"

    def __str__(self) -> str:
        when = _date_words(self.reference_date)
        text = [f"DPRK workers abroad on {when}: {self.display}, that is {range_words(self.low_80, self.high_80)}.",
                f"This is a reconstruction by nklabor's model, not a figure any source published: the sum over "
                f"{self.n_countries} host countries ({self.n_countries_presence_only} of them reported but never "
                f"counted), simulated as if the countries' errors were independent, plus "
                f"{display(self.unnamed_best, self.unnamed_low_80, self.unnamed_high_80)} in hosts no source "
                f"names."]
        if self.share_observed is not None:
            text.append(f"Figures dated in {self.year} carry most of the weight for {self.share_observed:.0%} of "
                        f"the total.")
        if len(self.countries):
            top = self.countries.head(3)
            text.append("Largest hosts: " + "; ".join(f"{r['name']} {r['display']}" for _, r in top.iterrows())
                        + ".")
        if len(self.published):
            pub = "; ".join(f"{_figure_words(r)} by {r['estimator']} ({_date_words(r['as_of'])})"
                            for _, r in self.published.head(4).iterrows())
            text.append(f"Worldwide figures published for {self.year}: {pub}.")
            if self.published_outside_80:
                text.append("They lie outside the reconstruction's 80% range: read both with care.")
        else:
            text.append(f"No source published an all-sector worldwide figure for {self.year}.")
        text.append(f"Method, assumptions and measured error: {METHOD}; details: .countries, .published.")
        return " ".join(text)

    __repr__ = __str__


def _figure_words(r) -> str:
    lo, hi, q = r.get("count_low"), r.get("count_high"), str(r.get("qualifier"))
    if q == "at_least":
        return f"at least {int(lo):,}"
    if q == "at_most":
        return f"at most {int(hi):,}"
    if pd.notna(lo) and pd.notna(hi) and lo != hi:
        return f"{int(lo):,}-{int(hi):,}"
    return f"{int(hi if pd.notna(hi) else lo):,}"
