"""nklabor.xlsx: the release as one workbook for people who work in a spreadsheet.

A README sheet (what each sheet is, licence, citation, version), `estimates_with_sources` (every worker figure
with its country, scope, estimator, confidence and the source's title, publisher, date and URL), then one sheet
per table. Headers are frozen and filtered, columns sized to their content. Written with XlsxWriter with the
document date set to the release date, so two builds give the same bytes.
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
        return value.strftime("%Y-%m-%d")
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
        lengths = frame[col].astype("string").str.len().fillna(0)
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
               "title": book.add_format({"bold": True, "font_size": 14}), "wrap": book.add_format({"text_wrap": True})}
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
