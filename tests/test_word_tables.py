"""Tables in Word templates: a ``{%tr for %}`` row loop gets header rows repeated on every page
and rows kept whole; ``total()`` gives a totals row its exact sums (reportgen/tables.py), checked
against a stated total. Templates are made here with python-docx, as a clerk's Word file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import ROLLUP, assert_clean_failure, copy_project, edit_file, run_cli
from lxml import etree

from reportgen.errors import TemplateError
from reportgen.tables import total

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _template(path: Path, rows: list[list[str]], header: int | None = None) -> Path:
    """A Word file with one paragraph and a table of ``rows``; ``header`` rows marked to repeat."""
    from docx import Document
    from docx.oxml import OxmlElement

    d = Document()
    d.add_paragraph("全市互联网企业{{ registry.enterprises }}户。")
    tbl = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for tr, texts in zip(tbl.rows, rows, strict=True):
        for cell, text in zip(tr.cells, texts, strict=False):
            cell.text = text
    for tr in tbl.rows[: header or 0]:
        tr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    d.save(str(path))
    return path


LOOP = [["县区", "党员（人）"], ["{%tr for d in districts %}", ""],
        ["{{ d.name }}", "{{ d.registry.party_members }}"], ["{%tr endfor %}", ""],
        ["合计", "{{ total(districts, 'registry.party_members', stated=data) }}"]]


def _build(tmp_path: Path, rows: list[list[str]], header: int | None = None,
           edit: tuple[str, str, str] | None = None) -> tuple[int, str, str, Path]:
    project = copy_project(ROLLUP, tmp_path / "p")
    _template(project / "汇总.docx", rows, header)
    edit_file(project / "reportgen.yaml", "template: rollup.md.j2", "template: 汇总.docx")
    if edit:
        edit_file(project / edit[0], edit[1], edit[2])
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    return code, stdout, stderr, tmp_path / "out"


def _rows(out: Path) -> list[tuple[list[str], bool, bool]]:
    """(cell texts, repeated header row, kept whole) of each row of the output's table."""
    (docx,) = out.glob("*.docx")
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return [(["".join(tc.itertext()) for tc in tr.findall(f"{W}tc")],
             tr.find(f"{W}trPr/{W}tblHeader") is not None, tr.find(f"{W}trPr/{W}cantSplit") is not None)
            for tr in root.iter(f"{W}tr")]


def test_a_row_loop_gets_its_header_repeated_and_a_totals_row(tmp_path: Path) -> None:
    code, _out, stderr, out = _build(tmp_path, LOOP)
    assert code == 0, stderr
    assert _rows(out) == [(["县区", "党员（人）"], True, True), (["甲区", "31"], False, True),
                          (["乙县", "22"], False, True), (["丙县", "17"], False, True),
                          (["合计", "70"], False, True)]


def test_header_rows_the_template_marks_are_kept_as_they_are(tmp_path: Path) -> None:
    rows = [["各县区党员", ""], *LOOP]  # a title row above the headings, only the title marked
    code, _out, stderr, out = _build(tmp_path, rows, header=1)
    assert code == 0, stderr
    assert [header for _cells, header, _whole in _rows(out)] == [True, False, False, False, False, False]


def test_one_district_changed_moves_the_totals_row(tmp_path: Path) -> None:
    edit = ("districts/2-yi-2020.yaml", "party_members: 22 ", "party_members: 32 ")
    code, _out, stderr, out = _build(tmp_path, LOOP, edit=edit)
    assert code == 0, stderr
    assert _rows(out)[-1][0] == ["合计", "80"]


def test_a_stated_total_the_rows_contradict_is_an_error_at_its_cell(tmp_path: Path) -> None:
    rows = [*LOOP[:-1], ["合计", "{{ total(districts, 'registry.party_members', stated=71) }}"]]
    code, stdout, stderr, out = _build(tmp_path, rows)
    assert_clean_failure(code, stdout, stderr)
    assert "正文表格1第5行第2列" in stderr
    assert ("total: the total of registry.party_members is 70 (the sum of 3 rows) but the data states 71"
            in stderr)
    assert not out.exists() or not list(out.glob("*.docx"))


def test_total_sums_exactly_and_names_what_it_cannot_add() -> None:
    rows = [{"n": "甲", "v": 0.1}, {"n": "乙", "v": 0.2}, {"n": "丙", "v": "—"}]
    assert total(rows, "v") == "0.3"  # exact decimals: not 0.30000000000000004
    assert total(rows, "v", stated={"v": 0.3}) == "0.3"
    assert total([{"v": 12345}], "v", filter="wan") == "1.23万"
    with pytest.raises(TemplateError, match=r"total: row 2 \(乙\), column 'v': 'x' is not a figure"):
        total([{"n": "甲", "v": 1}, {"n": "乙", "v": "x"}], "v")
    with pytest.raises(TemplateError, match=r"total: row 2 \(乙\), column 'v': rows\[1\]\.v is missing"):
        total([{"n": "甲", "v": 1}, {"n": "乙"}], "v")
    with pytest.raises(TemplateError, match="but the data states 4"):
        total([{"v": 1}, {"v": 2}], "v", stated=4)


def test_total_in_a_text_template(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    edit_file(project / "rollup.md.j2", "全市企业党员{{ registry.party_members }}人。",
              "全市企业党员{{ total(districts, 'registry.party_members', stated=data) }}人。")
    code, stdout, stderr = run_cli("preview", str(project), "--markup")
    assert code == 0, stderr
    assert "全市企业党员70人。" in stdout


@pytest.mark.render
def test_the_loops_header_prints_on_every_page_in_libreoffice(tmp_path: Path) -> None:
    """60 districts from a row loop: LibreOffice prints the heading row at the top of every
    page of the table, each district once, on one line, and the totals row last."""
    import pdfplumber
    from conftest import build_pdfs

    project = copy_project(ROLLUP, tmp_path / "p")
    folder = project / "districts"
    for old in folder.glob("*.yaml"):
        old.unlink()
    for k in range(1, 61):
        (folder / f"{k:03d}-d-2020.yaml").write_text(
            f"name: 第{k}区\nregistry:\n  enterprises: 1\n  party_members: {k}\ntraining:\n  trainees: 1\n"
            "livestream:\n  sessions: 1\n", encoding="utf-8")
    edit_file(project / "data" / "city-2020.yaml", "enterprises: 27 ", "enterprises: 60 ")
    _template(project / "汇总.docx", LOOP)
    edit_file(project / "reportgen.yaml", "template: rollup.md.j2", "template: 汇总.docx")
    out = build_pdfs(project, tmp_path / "out")
    [pdf_path] = out.glob("*.pdf")
    seen: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            words = [w["text"] for w in page.extract_words()]
            names = [w for w in words if w.startswith("第") and w.endswith("区")]
            if names:
                assert "县区" in words and words.index("县区") < words.index(names[0]), page.page_number
            seen += names
        assert "1830" in (pdf.pages[-1].extract_text() or "")  # 合计 1 + 2 + … + 60
    assert seen == [f"第{k}区" for k in range(1, 61)]
