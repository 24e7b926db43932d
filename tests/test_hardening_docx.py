"""Hostile input to the .docx side: front matter, house style, reference .docx, ``check`` on
damaged packages, heading numbers past 99, and schema validity of what the writer makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli

EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "reportgen.yaml").is_file())


# --- schema validity of every example's output ------------------------------------------

@pytest.mark.parametrize("project", EXAMPLES, ids=lambda p: p.name)
def test_example_output_is_schema_valid(project: Path, tmp_path: Path) -> None:
    """Every part the writer makes (settings, styles, theme, sectPr, pPr/rPr, tblPr) follows the
    Office 2007 and 2016 schemas, element order included: no validator finding at all."""
    from openxml_audit import FileFormat, OpenXmlValidator

    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr
    files = sorted(out.glob("*.docx"))
    assert files
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        validator = OpenXmlValidator(file_format=fmt, max_errors=100)
        for path in files:
            result = validator.validate(str(path))
            assert [str(e) for e in result.errors] == [], (fmt, path.name)


def test_settings_children_in_schema_order(tmp_path: Path) -> None:
    from conftest import docx_xml

    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(EXAMPLES[0]), "-o", str(out))
    assert code == 0, stderr
    settings = docx_xml(next(out.glob("*.docx")), "word/settings.xml")
    names = [el.tag.split("}")[1] for el in settings]
    assert names.index("defaultTabStop") < names.index("evenAndOddHeaders") < names.index("compat")
