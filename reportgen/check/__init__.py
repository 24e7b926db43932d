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
from ..errors import CheckError, Place
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
    """Check one .docx; raise CheckError when it cannot be read or checked.

    A file nobody foresaw must not stop the files after it: any unexpected exception while
    reading or checking this one becomes a CheckError (an internal error) naming the file."""
    try:
        view = read_docx(path)
        structure = classify(view)
        findings = Checker(view, structure, style).run()
    except CheckError:
        raise
    except Exception as exc:
        raise CheckError(f"内部错误 internal error while checking this file: {type(exc).__name__}: {exc}",
                         place=Place(str(path)),
                         hint="please report it with the file; the other files are still checked") from None
    # Document-wide findings first (page setup, footers), then by paragraph.
    ordered = sorted(enumerate(findings), key=lambda item: (item[1].paragraph is not None,
                                                            item[1].paragraph or 0, item[0]))
    return CheckReport(str(path), [f for _k, f in ordered], structure, view)
