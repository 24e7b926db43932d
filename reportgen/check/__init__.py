"""``reportgen check``: a GB/T 9704-2012 conformance report for any .docx.

Three steps, each usable alone: :func:`docxread.read_docx` reads the package with the
formatting Word would apply (styles resolved), :func:`classify.classify` says which 公文
element each paragraph is, and :class:`rules.Checker` applies the rules, whose numbers
come from :mod:`reportgen.spec` like the writer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import spec
from ..spec import Style
from .classify import ROLE_NAMES, Structure, classify
from .docxread import DocxView, read_docx
from .rules import RULES, Checker, Finding

__all__ = ["ROLE_NAMES", "RULES", "CheckReport", "Finding", "check_file"]


@dataclass
class CheckReport:
    file: str
    findings: list[Finding]
    structure: Structure
    view: DocxView

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def check_file(path: Path, style: Style = spec.DEFAULT_STYLE) -> CheckReport:
    """Check one .docx; raise CheckError when it cannot be read."""
    view = read_docx(path)
    structure = classify(view)
    findings = Checker(view, structure, style).run()
    # Document-wide findings first (page setup, footers), then by paragraph.
    ordered = sorted(enumerate(findings), key=lambda item: (item[1].paragraph is not None,
                                                            item[1].paragraph or 0, item[0]))
    return CheckReport(str(path), [f for _k, f in ordered], structure, view)
