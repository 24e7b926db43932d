"""GB/T 9704-2012 chapter 10 without LibreOffice: choosing the format, the front matter of a 命令 and
a 纪要, the layout's lines, the .docx (first page footer, 版记 rules, drawn lines), the checker's
findings on a moved mark, and the built-in templates for 函, 命令 and 纪要."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import assert_clean_failure, run_cli
from lxml import etree

from reportgen import spec
from reportgen.check import check_file
from reportgen.errors import MarkupError
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx
from reportgen.writers.text import render_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"

LETTER = """---
kind: 函
organ_mark: 宝鸡市委网信办
number: 宝网信函〔2021〕7号
title: 关于商请协助开展调研的函
to: 西安市委网信办
signature: 宝鸡市委网信办
date: 2021-04-06
cc: [市委组织部]
{extra}---
我办拟于近期赴贵市开展专题调研。
"""


def letter(extra: str = "") -> str:
    return LETTER.replace("{extra}", extra)


def _write(tmp_path: Path, markup: str, name: str = "doc") -> Path:
    doc = parse(markup, f"{name}.md")
    path = tmp_path / f"{name}.docx"
    path.write_bytes(write_docx(plan(doc), doc))
    return path


# --------------------------------------------------------------------------- the format


@pytest.mark.parametrize(("extra", "kind", "expected"), [
    ("", "函", "letter"), ("format: 文件\n", "函", "standard"), ("format: 信函格式\n", "函", "letter"),
    ("format: letter\n", "函", "letter"), ("", "通知", "letter"),
])
def test_the_format_follows_the_kind_unless_given(extra: str, kind: str, expected: str) -> None:
    markup = letter(extra).replace("kind: 函", f"kind: {kind}")
    if kind == "通知":
        markup = markup.replace("---\n我办", "format: 信函\n---\n我办")
    assert parse(markup).format == expected


def test_other_kinds_keep_the_standard_format() -> None:
    assert parse("---\nkind: 通知\ntitle: 关于某事的通知\n---\n正文。\n").format == "standard"
    assert parse("---\nkind: 命令\norgan_mark: 某市人民政府令\n---\n正文。\n").format == "order"
    assert parse("---\nkind: 纪要\norgan_mark: 某会议纪要\n---\n正文。\n").format == "minutes"


@pytest.mark.parametrize(("extra", "key", "words"), [
    ("format: 公函\n", "format", "unknown format"),
    ("printer: 宝鸡市委网信办\n", "printer", "no place in 信函格式"),
    ("attendance: {出席: [张三]}\n", "attendance", "纪要格式 only"),
    ("signature_title: 主任\n", "signature_title", "命令格式 only"),
])
def test_what_a_format_has_no_place_for_is_an_error_at_its_key(extra: str, key: str, words: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse(letter(extra), "letter.md")
    (problem,) = caught.value.problems
    assert words in problem.message and problem.place.key == key
    assert problem.place.line == letter(extra).split("\n").index(extra.split("\n")[0]) + 1


def test_a_letter_needs_its_mark() -> None:
    """A 函 without an organ mark is a plain document; asking for 信函格式 without one is an error."""
    assert parse("---\nkind: 函\ntitle: 关于某事的函\n---\n正文。\n").format == "standard"
    with pytest.raises(MarkupError, match="needs its mark") as caught:
        parse("---\nkind: 函\nformat: 信函\ntitle: 关于某事的函\n---\n正文。\n", "x.md")
    assert caught.value.problems[0].place.line == 3


@pytest.mark.parametrize(("attendance", "words"), [
    ("[张三]", "mapping of labels"), ("{参加: 张三}", "unknown attendance label"),
    ("{出席: []}", "names nobody"),
])
def test_attendance_lists_are_checked(attendance: str, words: str) -> None:
    markup = f"---\nkind: 纪要\norgan_mark: 某会议纪要\nattendance: {attendance}\n---\n正文。\n"
    with pytest.raises(MarkupError, match=words):
        parse(markup)


def test_an_order_has_no_head_marks_and_a_wrong_number_is_reported(tmp_path: Path) -> None:
    with pytest.raises(MarkupError, match="copy_number has no place"):
        parse("---\nkind: 命令\ncopy_number: 1\norgan_mark: 某市人民政府令\n---\n正文。\n")
    template = tmp_path / "order.md.j2"
    template.write_text("---\nkind: 命令\norgan_mark: 某市人民政府令\nnumber: 5号\n---\n正文。\n",
                        encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("year: 2021\n", encoding="utf-8")
    code, out, err = run_cli("validate", str(template), str(data))
    assert_clean_failure(code, out, err)
    assert "令号 '5号' is not written 第N号" in out + err


# --------------------------------------------------------------------------- the layout


def test_letter_lines_on_the_grid() -> None:
    """Line 1 holds the drawn mark; the 文号 on line 2 at the right, 份号 beside it at the left,
    密级 under it; the title two lines below; the 版记 on the last page even when it is odd."""
    laid = plan(parse(letter('copy_number: "000012"\nsecrecy: 秘密★1年\n')))
    rows = {(item.role, item.row) for item in laid.items if item.role != "blank"}
    assert ("letter_head", 1) in rows and ("doc_number", 2) in rows and ("secrecy", 3) in rows
    assert ("title", 6) in rows
    number = next(item for item in laid.items if item.role == "doc_number")
    assert [seg.text for seg in number.segs] == ["000012", "宝网信函〔2021〕7号"] and number.right_tab
    assert laid.pages == 1 and laid.colophon is not None and laid.colophon.page == 1
    head = laid.letter
    assert head is not None and head.line_length == round(170 * spec.TWIPS_PER_MM)
    assert head.mark_top == round(30 * spec.TWIPS_PER_MM)
    assert "— 1 —" not in render_text(laid)  # no page number under page 1


def test_order_and_minutes_lines() -> None:
    order = plan(parse("---\nkind: 命令\norgan_mark: 某市人民政府令\nnumber: 第5号\nsignature_title: 市长\n"
                       "signature: 张三\ndate: 2021-03-01\n---\n正文。\n"))
    roles = [(item.role, item.row, item.text) for item in order.items if item.role != "blank"]
    mark, number, body, signature, date = roles
    assert mark[0] == "organ_mark" and number[1] == mark[1] + order.items[0].grid_lines + 2
    assert body[1] == number[1] + 3 and signature[1] == body[1] + 3 and date[1] == signature[1] + 2
    assert signature[2] == "市长　　张三"
    minutes = plan(parse("---\nkind: 纪要\norgan_mark: 某会议纪要\nnumber: 第5期\n"
                         "attendance: {出席: [张三, 李四], 请假: 王五}\n---\n正文。\n"))
    lines = [item for item in minutes.items if item.role == "attendance"]
    assert [item.text for item in lines] == ["出席：张三、李四", "请假：王五"]
    assert lines[0].segs[0].font == "heiti" and lines[0].segs[1].font == "fangsong"
    assert lines[0].left == 5 and lines[0].first_line == -3  # wrapped lines under the first name


# --------------------------------------------------------------------------- the .docx


def test_letter_docx_first_page_unnumbered_and_colophon_unruled(tmp_path: Path) -> None:
    path = _write(tmp_path, letter())
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    sect = root.find(f"{W}body/{W}sectPr")
    assert sect.find(f"{W}titlePg") is not None
    first = next(ref for ref in sect.findall(f"{W}footerReference") if ref.get(f"{W}type") == "first")
    assert first is not None
    borders = root.find(f".//{W}tbl/{W}tblPr/{W}tblBorders")
    assert {el.get(f"{W}val") for el in borders} == {"nil"}
    anchors = list(root.iter(f"{WP}anchor"))
    assert len(anchors) == 5  # the mark's box and four lines
    assert all(a.find(f"{WP}positionV").get("relativeFrom") == "page" for a in anchors)
    report = check_file(path)
    assert report.errors == 0 and report.structure.format == "letter"


def test_a_letter_mark_moved_down_is_found(tmp_path: Path) -> None:
    from docx import Document

    path = _write(tmp_path, letter())
    d = Document(str(path))
    box = next(a for a in d.element.body.iter(f"{WP}anchor")
               if a.find(f"{WP}docPr").get("name") == "发文机关标志")
    offset = box.find(f"{WP}positionV/{WP}posOffset")
    offset.text = str(int(offset.text) + 5 * 36000)  # 5 mm lower
    d.save(str(tmp_path / "moved.docx"))
    found = [f for f in check_file(tmp_path / "moved.docx").findings if f.severity == "error"]
    # 35 mm from the top; the lines are not blamed for the mark's place
    assert [f.rule for f in found] == ["organ-mark.position"] and "35.0 mm" in found[0].message


@pytest.mark.parametrize(("first", "expected"), [("thickThin", []), ("thinThick", ["上粗下细"])])
def test_double_lines_drawn_as_compound_lines(tmp_path: Path, first: str, expected: list[str]) -> None:
    """Offices draw each double line as one line of a compound style (a:ln/@cmpd), 3 pt wide."""
    from docx import Document

    d = Document(str(_write(tmp_path, letter())))
    anchors = {a.find(f"{WP}docPr").get("name"): a for a in d.element.body.iter(f"{WP}anchor")}
    gap = round(2.5 * 12700)  # the two single lines' centres
    for keep, drop, cmpd in (("红色双线1", "红色双线2", first), ("红色双线3", "红色双线4", "thinThick")):
        anchors[drop].getparent().getparent().getparent().remove(anchors[drop].getparent().getparent())
        offset = anchors[keep].find(f"{WP}positionV/{WP}posOffset")
        offset.text = str(int(offset.text) + gap // 2)
        ln = next(el for el in anchors[keep].iter() if el.tag.endswith("}ln"))
        ln.set("w", str(round(3.5 * 12700)))
        ln.set("cmpd", cmpd)
    d.save(str(tmp_path / "compound.docx"))
    report = check_file(tmp_path / "compound.docx")
    found = [f.message for f in report.findings if f.rule == "letter.double-lines"]
    assert [words for words in expected if any(words in m for m in found)] == expected
    assert bool(found) == bool(expected)


def test_a_minutes_mark_on_the_first_line_is_found(tmp_path: Path) -> None:
    from docx import Document

    markup = "---\nkind: 纪要\norgan_mark: 某某工作会议纪要\nnumber: 第5期\n---\n正文。\n"
    path = _write(tmp_path, markup)
    assert not [f for f in check_file(path).findings if f.severity == "error"]
    d = Document(str(path))
    body = d.element.body
    for p in list(body.iter(f"{W}p"))[:3]:  # the three 版头 lines above the mark
        body.remove(p)
    d.save(str(tmp_path / "high.docx"))
    found = [f for f in check_file(tmp_path / "high.docx").findings if f.rule == "organ-mark.position"]
    assert len(found) == 1 and "纪要" in found[0].message


# --------------------------------------------------------------------------- built-in templates


@pytest.mark.parametrize(("name", "data", "fmt"), [
    ("letter", "document:\n  organ: 宝鸡市委网信办\n  code: 宝网信函\n  number: 7\n  date: 2021-04-06\n"
               "  to: 西安市委网信办\n  title: 关于商请协助开展调研的函\n  body: 特此函商。\n", "letter"),
    ("order", "document:\n  organ: 宝鸡市人民政府\n  number: 5\n  signer_title: 市长\n  signer: 张某某\n"
              "  date: 2021-03-01\n  body: 现予公布。\n", "order"),
    ("minutes", "document:\n  mark: 宝鸡市联席会议纪要\n  number: 2\n  date: 2021-03-05\n  body: 会议研究。\n"
                "  attendance: {出席: [李某某, 王某某], 请假: 郑某某}\n", "minutes"),
])
def test_builtin_templates(tmp_path: Path, name: str, data: str, fmt: str) -> None:
    from reportgen.templating import builtin_template_dir

    first = (builtin_template_dir() / f"{name}.md.j2").read_text(encoding="utf-8").split("\n")[0]
    assert first.startswith("{#- builtin: ") and first.endswith(" -#}")
    facts = tmp_path / "d.yaml"
    facts.write_text(data, encoding="utf-8")
    out = tmp_path / f"{name}.docx"
    code, _stdout, stderr = run_cli("render", name, str(facts), "-o", str(out))
    assert code == 0, stderr
    report = check_file(out)
    assert report.errors == 0 and report.warnings == 0 and report.structure.format == fmt


def test_builtin_template_contract_names_a_missing_fact(tmp_path: Path) -> None:
    facts = tmp_path / "d.yaml"
    facts.write_text("document:\n  organ: 宝鸡市人民政府\n  number: 5\n  date: 2021-03-01\n"
                     "  body: 现予公布。\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", "order", str(facts), "-o", str(tmp_path / "o.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "signer" in stderr and not (tmp_path / "o.docx").exists()


def test_the_reader_gives_the_chapter_10_elements_back(tmp_path: Path) -> None:
    from reportgen.check.to_model import read_document

    markup = ("---\nkind: 命令\norgan_mark: 某市人民政府令\nnumber: 第5号\nsignature_title: 市长\n"
              "signature: 张三\ndate: 2021-03-01\n---\n正文。\n")
    order = read_document(_write(tmp_path, markup, "order")).document
    assert (order.format, order.doc_number, order.signature_title, order.signature) == \
        ("order", "第5号", "市长", "张三")
    minutes = read_document(_write(tmp_path, "---\nkind: 纪要\norgan_mark: 某会议纪要\nnumber: 第5期\n"
                                             "attendance: {出席: [张三, 李四], 请假: 王五}\n---\n正文。\n",
                                   "minutes")).document
    assert minutes.format == "minutes"
    assert minutes.attendance == [("出席", ["张三", "李四"]), ("请假", ["王五"])]
    assert [b.text for b in minutes.blocks] == ["正文。"]
    copy = read_document(_write(tmp_path, letter('copy_number: "000012"\n'), "letter")).document
    assert (copy.format, copy.copy_number, copy.doc_number) == ("letter", "000012", "宝网信函〔2021〕7号")
