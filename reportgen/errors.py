"""One exception family for everything a user can get wrong.

Every error carries where it happened (file, line, column, key path) so that only
the command line decides how to print it and which exit code to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file, optionally a line/column (1-based) and a key path."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            loc = self.file
            if self.line:
                loc += f":{self.line}"
                if self.column:
                    loc += f":{self.column}"
            parts.append(loc)
        if self.key:
            parts.append(self.key)
        return " ".join(parts)


@dataclass
class Problem:
    """One finding: an error stops rendering, a warning does not."""

    message: str
    place: Place = field(default_factory=Place)
    hint: str | None = None
    severity: str = "error"

    def format(self) -> str:
        where = str(self.place)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


class ReportgenError(Exception):
    """Base of all user-facing errors; holds one or more problems."""

    def __init__(self, problems: Problem | list[Problem] | str, *, hint: str | None = None,
                 place: Place | None = None) -> None:
        if isinstance(problems, str):
            problems = Problem(problems, place or Place(), hint)
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(p.format() for p in problems))


class DataError(ReportgenError):
    """Bad or missing facts in the YAML data."""


class TemplateError(ReportgenError):
    """A template that cannot be loaded or rendered."""


class MarkupError(ReportgenError):
    """公文 markup that cannot be parsed into a document."""


class ProjectError(ReportgenError):
    """A project folder or reportgen.yaml that is wrong."""


class FilterError(ReportgenError, ValueError):
    """A template filter was given a value it cannot word."""


class OutputError(ReportgenError):
    """An output file that cannot be written."""


class CheckError(ReportgenError):
    """A file given to ``reportgen check`` that cannot be read as a .docx."""
