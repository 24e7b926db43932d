"""The .docx reader (check/to_model.py): what reportgen writes reads back as the same Document,
and each construct of Word's XML maps to its element."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.batch import project_jobs, render_job_document
from reportgen.check import RULES, check_file, read_document
from reportgen.check.elements import MAPPING, rule_of
from reportgen.check.to_model import parse_date
from reportgen.errors import Problem
from reportgen.fields import check_document
from reportgen.gongwen import cn_small
from reportgen.layout import plan, split_title
from reportgen.markup import parse
from reportgen.model import Attachment, Document, Heading, Paragraph, Run, Table
from reportgen.project import load_project
from reportgen.writers.docx import write_docx

# --- the round trip -------------------------------------------------------------------------


def _blocks(blocks: list) -> list[tuple]:  # type: ignore[type-arg]
    out: list[tuple] = []  # type: ignore[type-arg]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("heading", b.level, b.number, b.text))
        elif isinstance(b, Table):
            out.append(("table", [["".join(r.text for r in cell) for cell in row] for row in b.rows], b.title,
                        b.merges, b.header_rows))
        else:
            bold = [r.text for r in b.runs if r.bold and not ORDINAL.fullmatch(r.text)]
            out.append(("paragraph", b.text, bold))
    return out


# The writer sets 一是、二是 in bold as a house style (layout._bold_ordinals): printed, not in the markup.
ORDINAL = re.compile(r"[一二三四五六七八九十]{1,3}是")


def _elements(doc: Document, mark_suffix: str = "") -> dict[str, object]:
    """What the reader promises to give back: the kind when the title names it, the organ mark
    as printed (with the house style's 文件)."""
    kind = doc.kind if doc.title.endswith(doc.kind) else ""
    organ_mark = doc.organ_mark + mark_suffix if doc.organ_mark else None
    return {"kind": kind, "copy_number": doc.copy_number, "secrecy": doc.secrecy, "urgency": doc.urgency,
            "organ_mark": organ_mark, "doc_number": doc.doc_number, "signers": doc.signers,
            "title": doc.title, "to": doc.to, "blocks": _blocks(doc.blocks), "organ_marks": doc.organ_marks,
            "attachment_note": doc.attachment_note, "signature": doc.signature, "signatures": doc.signatures,
            "date": doc.date,
            "note": doc.note, "attachments": [(a.title, _blocks(a.blocks)) for a in doc.attachments],
            "cc": doc.cc, "printer": doc.printer, "print_date": doc.print_date}


def _printed_title_lines(doc: Document) -> tuple[str, ...]:
    """The title's lines as the writer prints them: as given, else split by the layout."""
    lines = tuple(doc.title_lines) or tuple(split_title(doc.title))
    return lines if len(lines) > 1 else ()


def assert_round_trip(doc: Document, path: Path, mark_suffix: str = "") -> None:
    read = read_document(path)
    assert _elements(read.document) == _elements(doc, mark_suffix)
    assert read.document.title_lines == _printed_title_lines(doc)
    assert not read.unread
    # Every element knows its paragraphs, and every block its own.
    for block in read.document.blocks:
        assert read.paras_of(block)
    for name in ("title", "to", "signature", "date", "cc", "printer"):
        if getattr(doc, name):
            assert read.paragraph(name) is not None, name


def _write(doc: Document, path: Path) -> Path:
    path.write_bytes(write_docx(plan(doc), doc))
    return path


def _shipped() -> list[tuple[str, str]]:
    found = []
    for root in sorted(EXAMPLE.parent.iterdir()):
        if (root / "reportgen.yaml").is_file():
            project = load_project(root)
            found += [(root.name, d.name) for d in project.documents if not d.template.endswith(".docx")]
    return found


@pytest.mark.parametrize(("project", "name"), _shipped())
def test_every_shipped_example_reads_back_as_its_document(project: str, name: str, tmp_path: Path) -> None:
    loaded = load_project(EXAMPLE.parent / project)
    job, = project_jobs(loaded, [loaded.find(name)])
    rendered = render_job_document(job)
    path = tmp_path / "out.docx"
    path.write_bytes(write_docx(rendered.plan, rendered.document))
    assert_round_trip(rendered.document, path, rendered.plan.style.organ_mark_suffix)


FULL = """---
kind: 请示
copy_number: "000123"
secrecy: 机密★1年
urgency: 特急
organ_mark: 宝鸡市人民政府
number: 宝政发〔2021〕7号
signers: [张三, 李四, 王五]
title: 关于申请2021年互联网企业党建工作专项经费的请示
to: 省委网信办
attachments: [2021年专项经费预算表, 2021年互联网企业党建工作计划]
signature: 宝鸡市人民政府
date: 2021-03-05
note: 联系人：张三，电话：12345678
cc: [市委组织部, 市财政局]
printer: 宝鸡市人民政府办公室
print_date: 2021-03-06
---
为加强全市互联网企业党建工作，现将有关事项**请示如下**。

# 基本情况

## 组织建设

### 排查摸底。
全市符合登记条件的互联网企业31户。

#### 单独组建。
单独组建党支部10个。

## 经费需求

| 项目 | 金额 |
|---|---|
| 培训 | 5万元 |

# 请求事项

妥否，请批示。

::: 附件 2021年专项经费预算表
预算总额8万元。

::: 附件 2021年互联网企业党建工作计划
# 工作目标
实现党的组织全覆盖。
"""


def test_a_full_request_reads_back(tmp_path: Path) -> None:
    doc = parse(FULL, "full.md")
    path = _write(doc, tmp_path / "full.docx")
    assert_round_trip(doc, path)
    read = read_document(path).document
    assert read.kind == "请示" and read.signers == ["张三", "李四", "王五"]
    assert read.date == dt.date(2021, 3, 5) and read.print_date == dt.date(2021, 3, 6)
    heading = next(b for b in read.blocks if isinstance(b, Heading) and b.level == 3)
    assert (heading.number, heading.text) == ("1.", "1.排查摸底。全市符合登记条件的互联网企业31户。")
    assert [r.text for r in heading.tail] == ["全市符合登记条件的互联网企业31户。"]
    assert [r.text for r in read.blocks[0].runs if r.bold] == ["请示如下"]


def test_given_title_lines_read_back(tmp_path: Path) -> None:
    doc = Document(kind="通知", title="关于做好全市互联网企业党建工作的通知",
                   title_lines=("关于做好全市互联网", "企业党建工作的通知"), to="各县区：",
                   blocks=[Paragraph([Run("现将有关事项通知如下。")])], signature="宝鸡市人民政府",
                   date=dt.date(2021, 11, 26))
    assert_round_trip(doc, _write(doc, tmp_path / "lines.docx"))


# Generated documents: texts drawn from words that are neither markers, dates nor placeholders.
_WORDS = ["网络", "安全", "工作", "党建", "企业", "培训", "宣传", "经费", "组织", "建设", "管理", "服务"]
_text = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=12).map("".join)
_sentence = _text.map(lambda t: t + "。")
_name = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map("".join)  # organs: short lines
_level_text = {1: _text, 2: _text, 3: _sentence, 4: _sentence}
_KINDS = ["通知", "请示", "报告", "意见", "通报"]


@st.composite
def _body(draw: st.DrawFn) -> list:  # type: ignore[type-arg]
    blocks: list = []  # type: ignore[type-arg]
    counters = [0, 0, 0, 0]
    level = 0
    for _ in range(draw(st.integers(1, 8))):
        what = draw(st.sampled_from(["p", "p", "h", "t"]))
        if what == "h":
            level = draw(st.integers(1, min(level + 1, 4)))
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            n = counters[level - 1]
            number = {1: f"{cn_small(n)}、", 2: f"（{cn_small(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]
            tail = [Run(draw(_sentence))] if level >= 3 and draw(st.booleans()) else []
            blocks.append(Heading(level, number, [Run(draw(_level_text[level]))], tail))
        elif what == "t":
            columns = draw(st.integers(2, 3))
            rows = [[[Run(draw(_text))] for _ in range(columns)] for _ in range(draw(st.integers(2, 3)))]
            blocks.append(Table(rows))
        else:
            runs = [Run(draw(_text), bold=True)] if draw(st.booleans()) else []
            blocks.append(Paragraph([*runs, Run(draw(_sentence))]))
    if not any(isinstance(b, Paragraph) for b in blocks):
        blocks.append(Paragraph([Run(draw(_sentence))]))
    return blocks


@st.composite
def _documents(draw: st.DrawFn) -> Document:
    kind = draw(st.sampled_from(_KINDS))
    head = draw(st.booleans())
    date = draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
    organs = draw(st.lists(_name.map(lambda t: t + "局"), min_size=1, max_size=3, unique=True))
    attachments = draw(st.lists(_text, max_size=2, unique=True))
    body = draw(_body())
    printer = ("某市" + draw(_name) + "办公室") if draw(st.booleans()) else None  # 印发机关 with its date
    if kind == "请示":
        body.append(Paragraph([Run("妥否，请批示。")]))
    return Document(
        kind=kind, organ_mark=("某市" + draw(_name)) if head else None,
        doc_number=f"某发〔{date.year}〕{draw(st.integers(1, 99))}号" if head else None,
        signers=draw(st.lists(st.sampled_from(["张三", "李四", "王五"]), min_size=1, max_size=2, unique=True))
        if head and kind in ("请示", "报告") else [],
        title=f"关于{draw(_text)}的{kind}", to="、".join(organs[:1] if kind == "请示" else organs) + "：",
        blocks=body, attachment_note=attachments,
        attachments=[Attachment(name, [Paragraph([Run(draw(_sentence))])]) for name in attachments],
        signature="某市" + draw(_name), date=date,
        cc=draw(st.lists(_name.map(lambda t: t + "办"), max_size=2, unique=True)),
        printer=printer, print_date=date if printer else None)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_documents())
def test_generated_documents_read_back(doc: Document, tmp_path: Path) -> None:
    assert_round_trip(doc, _write(doc, tmp_path / "generated.docx"))


# --- the mapping, from tiny XML ---------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CENTRED_BIG = '<w:pPr><w:jc w:val="center"/></w:pPr>'


def _p(text: str, ppr: str = "", rpr: str = "") -> str:
    runs = "".join(f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{piece}</w:t></w:r>'
                   if piece != "\t" else "<w:r><w:tab/></w:r>" for piece in _pieces(text))
    return f"<w:p>{ppr}{runs}</w:p>"


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    for k, part in enumerate(text.split("\t")):
        if k:
            out.append("\t")
        if part:
            out.append(part)
    return out


def _docx(body: str, path: Path) -> Path:
    """A minimal package: [Content_Types], the relationship and document.xml with an A4 section."""
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:bottom="1984" '
            'w:left="1588" w:right="1474"/></w:sectPr>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="'
                   'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}{sect}'
                   "</w:body></w:document>")
    path.write_bytes(buffer.getvalue())
    return path


RED = '<w:color w:val="FF0000"/><w:sz w:val="88"/>'
TITLE = '<w:sz w:val="44"/>'
SIGN = '<w:pPr><w:jc w:val="right"/></w:pPr>'


def _letter(body: str) -> str:
    """A 公文 around the given body paragraphs: mark, 文号, title, 主送, signature and date."""
    return (_p("某市人民政府文件", CENTRED_BIG, RED) + _p("某政发〔2021〕5号", CENTRED_BIG)
            + _p("关于加强网络安全工作的通知", CENTRED_BIG, TITLE) + _p("各县区人民政府：") + body
            + _p("某市人民政府", SIGN) + _p("2021年5月6日", SIGN))


def test_head_title_to_signature_and_date(tmp_path: Path) -> None:
    read = read_document(_docx(_letter(_p("现将有关事项通知如下。")), tmp_path / "a.docx"))
    doc = read.document
    assert (doc.organ_mark, doc.doc_number, doc.title, doc.to) == (
        "某市人民政府文件", "某政发〔2021〕5号", "关于加强网络安全工作的通知", "各县区人民政府：")
    assert doc.kind == "通知" and doc.signature == "某市人民政府" and doc.date == dt.date(2021, 5, 6)
    assert [read.paragraph(n) for n in ("organ_mark", "doc_number", "title", "to", "signature", "date")] \
        == [1, 2, 3, 4, 6, 7]
    assert read.paras_of(doc.blocks[0])[0].index == 5


def test_typed_heading_markers_and_bold_runs(tmp_path: Path) -> None:
    body = (_p("一、总体要求") + _p("（二）工作任务") + _p("3.加强领导。各单位要落实责任。")
            + "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>一是</w:t></w:r><w:r><w:t>抓落实。</w:t></w:r></w:p>")
    doc = read_document(_docx(_letter(body), tmp_path / "b.docx")).document
    h1, h2, h3, para = doc.blocks
    assert (h1.level, h1.number, h1.text) == (1, "一、", "一、总体要求")
    assert (h2.level, h2.number) == (2, "（二）")
    assert (h3.level, h3.number, [r.text for r in h3.runs], [r.text for r in h3.tail]) == (
        3, "3.", ["加强领导。"], ["各单位要落实责任。"])
    assert isinstance(para, Paragraph) and [(r.text, r.bold) for r in para.runs] == [
        ("一是", True), ("抓落实。", False)]


def test_a_word_table_is_one_table_with_its_cells(tmp_path: Path) -> None:
    cell = "<w:tc>{}</w:tc>"
    rows = "".join("<w:tr>" + "".join(cell.format(_p(t)) for t in row) + "</w:tr>"
                   for row in (("项目", "金额"), ("培训", "5万元")))
    body = _p("经费如下。") + f"<w:tbl><w:tblPr/>{rows}</w:tbl>"
    read = read_document(_docx(_letter(body), tmp_path / "c.docx"))
    table = read.document.blocks[1]
    assert isinstance(table, Table)
    assert [["".join(r.text for r in c) for c in row] for row in table.rows] == [["项目", "金额"],
                                                                                  ["培训", "5万元"]]
    assert len(read.paras_of(table)) == 4


def test_signers_on_the_number_line_and_above_it(tmp_path: Path) -> None:
    body = (_p("某市人民政府文件", CENTRED_BIG, RED) + _p("\t签发人：张三　李四")
            + _p("某政发〔2021〕5号\t王五") + _p("关于申请经费的请示", CENTRED_BIG, TITLE) + _p("省财政厅：")
            + _p("妥否，请批示。") + _p("某市人民政府", SIGN) + _p("2021年5月6日", SIGN))
    read = read_document(_docx(body, tmp_path / "d.docx"))
    assert read.document.doc_number == "某政发〔2021〕5号"
    assert read.document.signers == ["张三", "李四", "王五"]
    assert [p.index for p in read.fields["signers"]] == [2, 3]


def test_attachment_note_colophon_and_note(tmp_path: Path) -> None:
    body = (_p("现将有关事项通知如下。") + _p("附件：1.工作要点") + _p("2.任务分工表")
            + _p("某市人民政府", SIGN) + _p("2021年5月6日", SIGN) + _p("（此件公开发布）")
            + _p("抄送：市委办公室，市人大办公室。") + _p("某市人民政府办公室\t2021年5月7日印发"))
    text = _letter("")
    head, tail = text.split(_p("某市人民政府", SIGN))
    doc = read_document(_docx(head + body, tmp_path / "e.docx")).document
    assert tail  # the signature and date come from ``body`` here
    assert doc.attachment_note == ["工作要点", "任务分工表"]
    assert doc.note == "此件公开发布"
    assert doc.cc == ["市委办公室", "市人大办公室"]
    assert (doc.printer, doc.print_date) == ("某市人民政府办公室", dt.date(2021, 5, 7))


def test_placeholders_are_unread_not_values(tmp_path: Path) -> None:
    body = (_p("XXXX人民政府文件", CENTRED_BIG, RED) + _p("XX发〔20XX〕XX号", CENTRED_BIG)
            + _p("关于XXXX的通知", CENTRED_BIG, TITLE) + _p("各县区：") + _p("正文内容。")
            + _p("XXXX人民政府", SIGN) + _p("20XX年X月X日", SIGN))
    read = read_document(_docx(body, tmp_path / "f.docx"))
    assert {"doc_number", "date"} <= read.unread
    assert read.document.date is None


@pytest.mark.parametrize(("text", "date"), [
    ("2021年5月6日", dt.date(2021, 5, 6)), ("2021 年 12 月 15 日", dt.date(2021, 12, 15)),
    ("二〇二一年五月六日", dt.date(2021, 5, 6)), ("二〇二〇年十二月二十五日", dt.date(2020, 12, 25)),
    ("2021年2月30日", None), ("2021.5.6", None), ("XXXX年X月X日", None)])
def test_dates_are_parsed(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_the_kind_is_the_longest_known_last_word(tmp_path: Path) -> None:
    for title, kind in (("关于开展调研的调研报告", "调研报告"), ("关于网络安全工作的报告", "报告"),
                        ("关于商请支持的函", "函"), ("网络安全工作情况", "")):
        body = _p("某市人民政府文件", CENTRED_BIG, RED) + _p("某政发〔2021〕5号", CENTRED_BIG) + _p(
            title, CENTRED_BIG, TITLE) + _p("现将有关情况报告如下。")
        assert read_document(_docx(body, tmp_path / "k.docx")).document.kind == kind, title


def test_word_list_numbering_gives_the_heading_its_number(tmp_path: Path) -> None:
    """Auto-numbered paragraphs (Word's List Number) read with the number Word shows."""
    from docx import Document as WordDocument

    d = WordDocument()
    d.add_paragraph("关于加强网络安全工作的通知").alignment = 1
    d.add_paragraph("各县区：")
    d.add_paragraph("加强领导。各单位要落实责任。", style="List Number")
    d.add_paragraph("完善制度。", style="List Number")
    d.save(str(tmp_path / "numbered.docx"))
    doc = read_document(tmp_path / "numbered.docx").document
    assert [(b.level, b.number, b.text) for b in doc.blocks if isinstance(b, Heading)] == [
        (3, "1.", "1.加强领导。各单位要落实责任。"), (3, "2.", "2.完善制度。")]


# --- check judges the read Document with fields.check_document ----------------------------------

def _fields_problems() -> list[Problem]:
    """One Document per kind of problem fields.check_document gives on what a .docx can hold."""
    base = {"title": "关于申请经费的请示", "kind": "请示", "to": "省财政厅：", "signature": "某市人民政府",
            "date": dt.date(2021, 3, 5), "blocks": [Paragraph([Run("妥否，请批示。")])]}
    variants = [
        {"doc_number": "某发[2021]第07号"}, {"doc_number": "某发〔21〕7号"},
        {"doc_number": "某发〔2021〕年 7号"},
        {"doc_number": "某发〔2020〕7号"}, {"doc_number": "某发2021"}, {"secrecy": "机密"},
        {"secrecy": "机密☆1年"}, {"secrecy": "机密★一段时间"}, {"secrecy": "内部"}, {"urgency": "特提"},
        {"organ_mark": "某市人民政府", "signers": []}, {"to": "省财政厅:"}, {"to": "省财政厅，省发改委。："},
        {"to": ""}, {"to": "省财政厅、省发改委："}, {"blocks": [Paragraph([Run("特此说明。")])]},
        {"kind": "报告", "title": "关于经费的报告", "blocks": [Paragraph([Run("妥否，请批示。")])]},
        {"attachment_note": ["预算表。"]}, {"date": None}, {"print_date": dt.date(2021, 3, 1)},
        {"title_lines": ("关于申请经费", "的请示")}, {"kind": "请示书"}, {"title": ""},
        {"title": "关于经费的通知"},
    ]
    problems: list[Problem] = []
    for variant in variants:
        problems += check_document(Document(**{**base, **variant}))
    return problems


def test_every_problem_fields_gives_has_its_place_in_check() -> None:
    """fields words its problems for YAML authors; check maps each kind to a rule id (or says why
    not): a new or reworded fields message fails here instead of vanishing from check."""
    problems = _fields_problems()
    assert len(problems) >= 24
    unmapped = [p.message for p in problems if rule_of(p) is None]
    assert unmapped == []
    for problem in problems:
        mapped = rule_of(problem)
        assert mapped is not None and (mapped.rule is None or mapped.rule in RULES), problem.message


def test_element_findings_are_worded_for_check(tmp_path: Path) -> None:
    """A read document with several element faults: each finding at its paragraph, one line,
    and its fix in the words of the document, not of the YAML front matter."""
    body = (_p("某市人民政府文件", CENTRED_BIG, RED) + _p("某政发〔21〕07号", CENTRED_BIG)
            + _p("关于申请经费的请示", CENTRED_BIG, TITLE) + _p("省财政厅、省发改委:") + _p("特此说明。")
            + _p("附件：预算表。") + _p("某市人民政府", SIGN) + _p("2021年5月6日", SIGN))
    path = _docx(body, tmp_path / "faults.docx")
    findings = [f for f in check_file(path).findings if f.rule in {m.rule for m in MAPPING}]
    got = {(f.rule, f.paragraph) for f in findings}
    assert {("doc-number.year", 2), ("doc-number.zero", 2), ("signers.missing", 2), ("to.colon", 4),
            ("to.one", 4), ("request.ending", 5), ("attachment-note.punctuation", 6)} <= got
    for f in findings:
        assert "\n" not in f.message + f.fix
        assert not re.search(r"front matter|the data|give \w+:", f.fix), f.fix


def test_merged_cells_heading_rows_and_a_table_title(tmp_path: Path) -> None:
    """gridSpan and vMerge become MERGE_LEFT / MERGE_UP; a 表1 row across the table is its title."""
    span = '<w:tcPr><w:gridSpan w:val="{}"/></w:tcPr>'
    up = '<w:tcPr><w:vMerge/></w:tcPr>'
    start = '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>'
    head = '<w:trPr><w:tblHeader/></w:trPr>'
    rows = (f"<w:tr>{head}<w:tc>{span.format(3)}{_p('表1 经费')}</w:tc></w:tr>"
            f"<w:tr>{head}<w:tc>{start}{_p('项目')}</w:tc><w:tc>{span.format(2)}{_p('金额')}</w:tc></w:tr>"
            f"<w:tr>{head}<w:tc>{up}<w:p/></w:tc><w:tc>{_p('上半年')}</w:tc><w:tc>{_p('下半年')}</w:tc></w:tr>"
            f"<w:tr><w:tc>{_p('培训')}</w:tc><w:tc>{_p('2')}</w:tc><w:tc>{_p('3')}</w:tc></w:tr>")
    body = _p("经费如下。") + f"<w:tbl><w:tblPr/>{rows}</w:tbl>"
    table = read_document(_docx(_letter(body), tmp_path / "m.docx")).document.blocks[1]
    assert isinstance(table, Table)
    assert table.title == "表1 经费" and table.header_rows == 2
    assert [["".join(r.text for r in c) for c in row] for row in table.rows] == [
        ["项目", "金额", ""], ["", "上半年", "下半年"], ["培训", "2", "3"]]
    assert table.merges == {(0, 2): "<", (1, 0): "^"}
