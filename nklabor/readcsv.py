"""Read a curated CSV strictly: every cell a string, every row tagged with the line a person would open.

Malformed files (bad encoding, byte-order mark, CRLF line ends, ragged rows, unbalanced quotes, blank lines,
wrong headers, stray whitespace, spreadsheet formulas) become Problems rather than tracebacks, so that a
curator sees them all in one run.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from nklabor.problems import Problem

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_table(path: Path, columns: list[str], required: set[str], display: str,
               text_columns: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Return (frame indexed by line number, problems). The frame holds str or None, one column per header."""
    problems: list[Problem] = []

    def problem(line: int, column: str, value: str, message: str) -> None:
        problems.append(Problem(display, line, column, value, message))

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problem(1, "-", "BOM", "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start: err.end].hex(" ")
        problem(line, "-", f"0x{bad}", "bytes are not valid UTF-8; save the file as UTF-8")
        text = data.decode("utf-8", errors="replace")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problem(line, "-", "\\r", "carriage return found (CRLF or CR line ends); save with LF (Unix) line ends")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problem(1, "-", "", "file is empty; it needs at least the header row")
        return pd.DataFrame(columns=columns), problems

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if header is None:
                header = record
            elif not record or record == [""]:
                problem(start, "-", "", "blank line; delete it")
            else:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        problem(start, "-", "", f"malformed CSV (check the quotes on this line): {err}")

    header = header or []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problem(1, name, name, "column appears twice in the header")
        seen.add(name)
        if name not in columns:
            hint = _suggest(name, columns)
            problem(1, name, name, f"unknown column{hint}; allowed: {', '.join(columns)}")
    for name in columns:
        if name not in seen and name in required:
            problem(1, name, "", "required column is missing from the header")
    if not rows:
        problem(1, "-", "", "table has no rows")

    width = len(header)
    good_rows, good_lines = [], []
    for record, line in zip(rows, lines):
        if len(record) != width:
            problem(line, "-", f"{len(record)} fields", f"row has {len(record)} fields but the header has {width}")
            continue
        for name, cell in zip(header, record):
            if cell != cell.strip():
                problem(line, name, cell, "leading or trailing whitespace")
            if name in text_columns and cell.startswith(FORMULA_START):
                problem(line, name, cell, "text starts like a spreadsheet formula (=, +, -, @); reword it")
        good_rows.append(record)
        good_lines.append(line)

    unique_header = list(dict.fromkeys(header))
    frame = pd.DataFrame(good_rows, columns=header, index=pd.Index(good_lines, name="line"), dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame.reindex(columns=[c for c in unique_header if c in columns])
    for name in columns:  # optional columns may be left out of the file
        if name not in frame.columns:
            frame[name] = None
    frame = frame[columns].replace({"": None})
    return frame, problems


def _suggest(name: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
