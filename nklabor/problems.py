"""A problem found in the raw tables, reported as FILE:LINE: COLUMN: VALUE: what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 80 else self.value[:77] + "..."
        return f"{self.file}:{self.line}: {self.column}: {value!r}: {self.message}"


class InvalidData(Exception):
    """Raised when the raw tables fail validation; carries every problem found in the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in data/raw")

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.problems)} problem(s); nothing was written to data/processed.")
        return "\n".join(lines)
