"""公文 markup → Document."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.errors import MarkupError
from reportgen.markup import parse, parse_inline
from reportgen.model import Heading, Paragraph, Table


def test_front_matter_fields() -> None:
    doc = parse('---\nkind: 报告\nnumber: "宝网信办发〔2020〕38号"\nto: 省委网信办\ndate: 2020-12-15\n'
                "cc: [市委组织部, 市民政局]\ncopy_number: 12\n---\n正文。\n")
    assert doc.kind == "报告" and doc.is_upward
    assert doc.doc_number == "宝网信办发〔2020〕38号"
    assert doc.to == "省委网信办："  # the colon is added [7.3.2]
    assert doc.date == dt.date(2020, 12, 15)
    assert doc.cc == ["市委组织部", "市民政局"]
    assert doc.copy_number == "000012"  # 6 digits [7.2.1]
    assert [b.text for b in doc.blocks] == ["正文。"]


def test_headings_are_numbered_per_level_and_reset() -> None:
    doc = parse("# 甲\n## 子一\n## 子二\n### 细\n# 乙\n### 跳级\n### 再一\n#### 末\n")
    numbers = [b.number for b in doc.blocks if isinstance(b, Heading)]
    assert numbers == ["一、", "（一）", "（二）", "1.", "二、", "1.", "2.", "（1）"]


def test_eleventh_heading_is_shiyi() -> None:
    doc = parse("".join(f"# 第{i}\n" for i in range(12)))
    assert [b.number for b in doc.blocks][9:] == ["十、", "十一、", "十二、"]


def test_run_in_heading_takes_the_next_paragraph() -> None:
    doc = parse("### 认真开展调研，明确工作思路。\n按照要求，\n深入调研。\n\n下一段。\n")
    heading, para = doc.blocks
    assert isinstance(heading, Heading)
    assert heading.text == "1.认真开展调研，明确工作思路。按照要求，深入调研。"
    assert isinstance(para, Paragraph) and para.text == "下一段。"


def test_heading_without_final_punctuation_stands_alone() -> None:
    doc = parse("# 高度重视，精心部署\n正文。\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Heading", "Paragraph"]


def test_bold_runs_and_escapes() -> None:
    runs = parse_inline("主要体现在：**一是**整体；**“两个覆盖”**工作 \\*不粗\\*")
    assert [(r.text, r.bold) for r in runs] == [
        ("主要体现在：", False), ("一是", True), ("整体；", False), ("“两个覆盖”", True),
        ("工作 *不粗*", False)]


def test_lines_of_a_paragraph_join_without_spaces_except_latin() -> None:
    doc = parse("第一行\n第二行 Word\npress 结束\n")
    assert doc.blocks[0].text == "第一行第二行 Word press 结束"


def test_pipe_table() -> None:
    doc = parse("| 县区 | 企业 |\n|---|---|\n| 渭滨区 | 12 |\n| 金台区 | 9 |\n")
    table = doc.blocks[0]
    assert isinstance(table, Table) and table.header_rows == 1
    assert table.text == "县区\t企业\n渭滨区\t12\n金台区\t9"


def test_attachment_section() -> None:
    doc = parse("正文。\n::: 附件 2020年工作总结\n# 做法\n内容。\n")
    assert [a.title for a in doc.attachments] == ["2020年工作总结"]
    assert doc.attachment_note == ["2020年工作总结"]
    assert doc.attachments[0].blocks[0].text == "一、做法"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("---\ntitle: x\n", "never closed", 1),
        ("---\ntitel: x\n---\n", "unknown front matter key 'titel'", None),
        ("---\ntitle: [x\n---\n", "not valid YAML", 2),
        ("正文\n\n**没有收尾\n", "unclosed **", 3),
        ("# 一、高度重视\n", "already carries a number", 1),
        ("##### 五级\n", "at most 4", 1),
        ("| a | b |\n| c |\n", "1 cell(s); the first row has 2", 2),
    ],
)
def test_errors_name_the_problem_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(MarkupError) as info:
        parse(text, "t.md")
    problem = info.value.problems[0]
    assert message in problem.message
    assert problem.place.file == "t.md"
    if line is not None:
        assert problem.place.line == line
