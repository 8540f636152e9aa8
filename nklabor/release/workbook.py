"""nklabor.xlsx and `nklabor export --xlsx`: the data as one workbook for people who work in a spreadsheet.

A README sheet (what each sheet is, licence, citation, version), the analyst's joined sheets (designations,
prosecutions, entities, persons: nklabor/analyst.py), `estimates_with_sources` (every worker figure with its
country, scope, estimator, confidence and the source's title, publisher, date and URL, coded values in words),
and in a release one sheet per remaining table. Headers are frozen and filtered, columns sized to their content;
dates are Excel dates, URLs are links, empty values are empty cells. Written with XlsxWriter with the document
date set to the release date, so two builds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

MAX_WIDTH = 60


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str) and value.lower() in ("nan", "<na>", "none", "nat"):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _sheet(book, name: str, frame: pd.DataFrame, formats: dict, descriptions: dict | None = None) -> None:
    sheet = book.add_worksheet(name[:31])
    columns = list(frame.columns)
    for j, col in enumerate(columns):
        sheet.write_string(0, j, col, formats["header"])
        if descriptions and descriptions.get(col):
            sheet.write_comment(0, j, descriptions[col][:1000])
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            value = _cell(value)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, (dt.datetime, dt.date)):
                sheet.write_datetime(i, j, value, formats["date"])
            elif isinstance(value, float) and value in (float("inf"), float("-inf")):
                sheet.write_string(i, j, str(value))
            elif isinstance(value, (int, float)):
                sheet.write_number(i, j, value)
            else:
                text = str(value)
                if text.startswith(("http://", "https://")) and len(text) < 255:
                    sheet.write_url(i, j, text, string=text)
                else:
                    sheet.write_string(i, j, text)
    for j, col in enumerate(columns):
        is_date = pd.api.types.is_datetime64_any_dtype(frame[col])
        lengths = pd.Series([10] * len(frame)) if is_date else frame[col].astype("string").str.len().fillna(0)
        width = max(len(col), int(lengths.quantile(0.9)) if len(lengths) else 0) + 2
        sheet.set_column(j, j, min(width, MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), max(len(columns) - 1, 0))


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], readme: list[tuple[str, str]], date: str,
                   descriptions: dict[str, dict] | None = None, title: str = "nklabor") -> None:
    """Write `sheets` (name -> frame) after a README sheet of (name, what it is) lines."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    created = dt.datetime.strptime(date[:10], "%Y-%m-%d")
    book.set_properties({"title": title, "author": "nklabor contributors", "created": created})
    formats = {"header": book.add_format({"bold": True, "bg_color": "#eeeeee", "border": 1}),
               "title": book.add_format({"bold": True, "font_size": 14}), "wrap": book.add_format({"text_wrap": True}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    sheet = book.add_worksheet("README")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 110, formats["wrap"])
    for i, (left, right) in enumerate(readme):
        sheet.write_string(i, 0, left, formats["title"] if i == 0 else formats["header"] if not right else None)
        if right:
            sheet.write_string(i, 1, right)
    for name, frame in sheets.items():
        _sheet(book, name, frame, formats, (descriptions or {}).get(name))
    book.close()


def analyst_readme(version: str) -> list[tuple[str, str]]:
    from nklabor.analyst import SHEETS

    return [(f"nklabor: the analyst workbook ({version})", ""),
            ("What this is", "North Korea's state-run export of workers abroad: who was designated or prosecuted, "
                             "the organisations and persons named, and every sourced worker figure, joined so that "
                             "each sheet can be filtered without lookups. Every row carries a source URL."),
            ("Status words", "sanctioned: designated by at least one authority; named by a government: named in an "
                             "official document but not designated; reported only: named by the press or "
                             "researchers. A name here is a lead, not a listing."),
            ("Licence", "CC BY 4.0. Cite nklabor and the original sources of the rows you use."),
            ("Sheets", ""), *SHEETS.items(),
            ("estimates_with_sources", "Every worker figure with its country, scope, estimator, confidence and the "
                                       "source's title, publisher, date and URL (figures as sources give them, not "
                                       "reconstructions).")]


def analyst_frames(tables: dict | None = None) -> dict[str, pd.DataFrame]:
    from nklabor.analyst import analyst_sheets, figures_in_words
    from nklabor.views import estimates_with_sources

    return {**analyst_sheets(tables), "estimates_with_sources": figures_in_words(estimates_with_sources(tables))}


def write_analyst_workbook(path: Path, tables: dict | None, version: str, date: str) -> dict[str, pd.DataFrame]:
    """`nklabor export --xlsx`: README, the joined sheets and estimates_with_sources; returns the sheets."""
    sheets = analyst_frames(tables)
    write_workbook(path, sheets, analyst_readme(version), date)
    return sheets
