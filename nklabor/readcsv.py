"""Read a curated CSV strictly: every cell a string, every row tagged with the line a person would open.

Malformed files (bad encoding, byte-order mark, CRLF line ends, ragged rows, unbalanced quotes, blank lines,
wrong headers, stray whitespace, spreadsheet formulas) become Problems rather than tracebacks, so that a
curator sees them all in one run.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from nklabor.problems import Problem

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Every character for which str.isspace() is true (written out: computing it scans all of Unicode at import).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
EDGE_SPACE = f"^[{re.escape(WHITESPACE)}]|[{re.escape(WHITESPACE)}]$"


def read_table(path: Path, columns: list[str], required: set[str], display: str,
               text_columns: set[str], allow_empty: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
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

    fast = _read_regular(text)
    if fast is not None:
        header, cells, lines = fast
    else:
        header, cells, lines = _read_strictly(text, problem)
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
    if not len(lines) and not allow_empty:
        problem(1, "-", "", "table has no rows")

    cells, lines = _check_cells(header, cells, lines, text_columns, problem)

    index = pd.Index(lines, name="line")
    first = {name: i for i, name in reversed(list(enumerate(header)))}
    empty = pa.nulls(len(index), pa.string())
    data = {name: _as_strings(cells[first[name]] if name in first else empty, index) for name in columns}
    return pd.DataFrame(data, index=index, columns=columns), problems


def _read_regular(text: str) -> tuple[list[str], list, np.ndarray] | None:
    """Parse a well-formed file with pyarrow, or return None to leave it to the strict csv-module reader.

    Anything unusual (quoted or single-column header, blank lines, NUL bytes, stray quotes, ragged rows) goes
    to `_read_strictly`, which reads exactly as before and reports what is wrong; this path only makes the
    common case fast, and yields the same cells and line numbers.
    """
    first_line = text.partition("\n")[0]
    if '"' in first_line or "\x00" in text or "\n\n" in text or text.startswith("\n"):
        return None
    header = next(csv.reader([first_line]))
    data = text.encode("utf-8")
    if len(header) < 2 or not _quotes_are_regular(data):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    cells = [table.column(i).combine_chunks() if table.num_rows else pa.array([], pa.string())
             for i in range(len(names))]
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for column in cells:
        breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    lines = 2 + np.concatenate([[0], np.cumsum(breaks + 1)[:-1]]) if table.num_rows else np.array([], np.int64)
    return header, cells, lines


def _quotes_are_regular(data: bytes) -> bool:
    """True if every quote opens a field, closes one, or is doubled inside one: the only quoting both readers agree on.

    Splitting at the quotes gives stretches that alternate outside and inside quoted fields; each stretch outside
    must be empty (a doubled quote) or begin and end at a field boundary (comma, line end, start or end of file).
    """
    quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord('"'))
    if len(quotes) == 0:
        return True
    if len(quotes) % 2:
        return False
    boundary = np.zeros(256, dtype=bool)
    boundary[[ord(","), ord("\n")]] = True
    raw = np.frombuffer(data, dtype=np.uint8)
    opens, closes = quotes[0::2], quotes[1::2]
    after_close, before_open = closes[:-1], opens[1:]
    gap = before_open - after_close > 1
    if not (boundary[raw[after_close[gap] + 1]].all() and boundary[raw[before_open[gap] - 1]].all()):
        return False
    first_ok = opens[0] == 0 or boundary[raw[opens[0] - 1]]
    last_ok = closes[-1] == len(raw) - 1 or boundary[raw[closes[-1] + 1]]
    return bool(first_ok and last_ok)


def _read_strictly(text: str, problem) -> tuple[list[str], list, np.ndarray]:
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
    width = len(header)
    good, good_lines = [], []
    for record, line in zip(rows, lines):
        if len(record) != width:
            problem(line, "-", f"{len(record)} fields", f"row has {len(record)} fields but the header has {width}")
            continue
        good.append(record)
        good_lines.append(line)
    cells = [pa.array([r[i] for r in good], pa.string()) for i in range(width)]
    return header, cells, np.array(good_lines, dtype=np.int64)


def _check_cells(header, cells, lines, text_columns, problem):
    """Whitespace around values, and formulas in free text, checked column by column."""
    for name, column in zip(header, cells):
        flagged = pc.match_substring_regex(column, EDGE_SPACE)
        if name in text_columns:
            for start in FORMULA_START:
                flagged = pc.or_(flagged, pc.starts_with(column, start))
        for i in np.flatnonzero(flagged.to_numpy(zero_copy_only=False)):
            cell, line = column[i].as_py(), int(lines[i])
            if cell != cell.strip():
                problem(line, name, cell, "leading or trailing whitespace")
            if name in text_columns and cell.startswith(FORMULA_START):
                problem(line, name, cell, "text starts like a spreadsheet formula (=, +, -, @); reword it")
    return cells, lines


def _as_strings(column: pa.Array, index: pd.Index) -> pd.Series:
    """Arrow-backed strings with empty cells as missing: no copy into Python objects, fast vectorised checks."""
    values = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index)


def _suggest(name: str, allowed: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
