"""``reportgen check``: a GB/T 9704-2012 conformance report for any .docx.

Steps, each usable alone: :func:`docxread.read_docx` reads the package with the
formatting Word would apply (styles resolved), :func:`classify.classify` says which 公文
element each paragraph is, and :func:`to_model.to_document` turns both into our
``model.Document`` with the paragraphs of each element (:func:`read_document` does all three:
the reader of Word documents for the project). :class:`rules.Checker` applies the formatting
rules (fonts, grid, positions), whose numbers come from :mod:`reportgen.spec` like the
writer's, and :func:`elements.element_findings` runs ``fields.check_document`` — the 公文
element rules the templates' documents are held to — on the read Document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import spec
from ..errors import CheckError, Place
from ..spec import Style
from .classify import ROLE_NAMES, Structure, classify
from .docxread import DocxView, read_docx
from .elements import element_findings
from .rules import RULES, Checker, Finding
from .to_model import ReadDocument, read_document, to_document

__all__ = ["ROLE_NAMES", "RULES", "CheckReport", "Finding", "ReadDocument", "check_file", "read_document",
           "to_document"]


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
        findings += element_findings(to_document(view, structure, str(path)))
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
