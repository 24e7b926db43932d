"""Where the elements of GB/T 9704-2012 go on the grid: 版头 marks, 签发人, 附件说明, attachments.

Expected positions are the standard's (clause numbers in brackets), not the program's output.
"""

from __future__ import annotations

import pytest

from reportgen.errors import MarkupError
from reportgen.layout import Item, build_items, cells, organ_mark_fit, plan
from reportgen.markup import parse
from reportgen.spec import DEFAULT_STYLE


def _head(front: str) -> list[Item]:
    doc = parse(f"---\n{front}\norgan_mark: 某某机关\nnumber: 某发〔2021〕1号\n---\n正文。\n")
    return plan(doc).items


def _rows(items: list[Item]) -> dict[str, int]:
    return {item.role: item.row for item in items if item.role != "blank" and item.page == 1}


@pytest.mark.parametrize(("front", "expected"), [
    # 份号 line 1, 密级和保密期限 line 2, 紧急程度 below them [7.2.1–7.2.3].
    ("copy_number: 123\nsecrecy: 机密★1年\nurgency: 特急", {"copy_number": 1, "secrecy": 2, "urgency": 3}),
    # 密级 keeps line 2 without a 份号 ("顶格编排在版心左上角第二行").
    ("secrecy: 秘密★6个月\nurgency: 加急", {"secrecy": 2, "urgency": 3}),
    ("secrecy: 秘密", {"secrecy": 2}),
    # 紧急程度 alone stands on line 1 ("顶格编排在版心左上角").
    ("urgency: 特急", {"urgency": 1}),
    ("copy_number: 7\nurgency: 特急", {"copy_number": 1, "urgency": 2}),
])
def test_head_marks_lines(front: str, expected: dict[str, int]) -> None:
    rows = _rows(_head(front))
    assert {k: v for k, v in rows.items() if k in ("copy_number", "secrecy", "urgency")} == expected
    # The organ mark always starts on line 4, below the three lines these marks may use.
    assert rows["organ_mark"] == 4


def test_copy_number_is_six_digits_and_marks_use_their_fonts() -> None:
    items = {i.role: i for i in _head("copy_number: 123\nsecrecy: 机密★1年\nurgency: 特急")}
    assert items["copy_number"].text == "000123"  # 6 digits [7.2.1]
    assert items["secrecy"].segs[0].font == "heiti"  # 3号黑体 [7.2.2]
    assert items["urgency"].segs[0].font == "heiti"  # 3号黑体 [7.2.3]
    assert all(items[k].align == "left" and items[k].first_line == 0 and items[k].left == 0
               for k in ("copy_number", "secrecy", "urgency"))  # 顶格


def _signer_lines(signers: list[str]) -> list[Item]:
    names = ", ".join(signers)
    doc = parse(f"---\nkind: 请示\norgan_mark: 某某机关\nnumber: 某〔2021〕1号\nsigners: [{names}]\n---\n"
                "正文。\n")
    return [i for i in plan(doc).items if i.role in ("signers", "doc_number")]


def _name_column(item: Item) -> float:
    """Where the names start, in cells from the left edge of the type area."""
    assert item.tab_pos is not None
    label = "".join(s.text for s in item.segs if s.tab_before and s.font == "fangsong")
    return item.tab_pos + cells(label)


def test_two_signers_share_the_doc_number_line() -> None:
    (line,) = _signer_lines(["张建国", "李明"])
    assert line.role == "doc_number" and line.red_rule
    number, label, names = line.segs
    assert number.text == "某〔2021〕1号" and line.first_line == 1  # 居左空一字 [7.2.5]
    assert (label.text, label.font) == ("签发人：", "fangsong")  # 3号仿宋 [7.2.6]
    assert (names.text, names.font) == ("张建国　李明", "kaiti")  # names in 3号楷体
    # 居右空一字: the names end one character before the right edge.
    assert _name_column(line) + cells(names.text) == DEFAULT_STYLE.chars_per_line - 1


def test_several_signers_two_per_line_and_doc_number_with_the_last() -> None:
    lines = _signer_lines(["张建国", "李明", "王晓东", "赵一", "钱二"])
    assert [i.role for i in lines] == ["signers", "signers", "doc_number"]
    assert [i.segs[-1].text for i in lines] == ["张建国　李明", "王晓东　赵一", "钱二"]
    assert "签发人：" in lines[0].text and all("签发人" not in i.text for i in lines[1:])
    # 文号 on the line of the last 签发人, the red rule under that line [7.2.5, 7.2.7].
    assert lines[-1].text.startswith("某〔2021〕1号") and lines[-1].red_rule
    assert not any(i.red_rule for i in lines[:-1])
    # A wrapped line's names start under the first name of the line above [7.2.6].
    assert len({_name_column(i) for i in lines}) == 1
    assert max(_name_column(i) + cells(i.segs[-1].text) for i in lines) == DEFAULT_STYLE.chars_per_line - 1
    # Consecutive grid lines, the first two blank lines below the organ mark.
    assert [i.row for i in lines] == [8, 9, 10]


def test_downward_document_centres_the_doc_number() -> None:
    doc = parse("---\nkind: 通知\norgan_mark: 某某机关\nnumber: 某发〔2021〕1号\n---\n正文。\n")
    (line,) = [i for i in plan(doc).items if i.role == "doc_number"]
    assert line.align == "center" and line.first_line == 0 and line.red_rule  # [7.2.5]


def test_numbered_attachment_note_aligns_numbers_and_names() -> None:
    long_name = "二〇二一年度全市互联网企业党建工作示范点创建经费预算明细表"
    doc = parse(f"---\nattachments: [{long_name}, 培训计划]\n---\n正文。\n")
    first, second = [i for i in plan(doc).items if i.role == "attachment_note"]
    assert first.lines[0].startswith("附件：1." + long_name[:5]) and second.text == "2.培训计划"
    # 附件 left 2 characters; the 2. under the 1.; a wrapped name under its first character [7.3.4].
    assert first.left + first.first_line == 2
    assert second.left + second.first_line == 2 + cells("附件：")
    assert len(first.lines) == 2 and first.left == 2 + cells("附件：1.")


def test_single_attachment_is_not_numbered() -> None:
    doc = parse("---\nattachments: [工作总结]\n---\n正文。\n")
    (note,) = [i for i in plan(doc).items if i.role == "attachment_note"]
    assert note.text == "附件：工作总结"


def test_attachments_start_new_pages_with_label_and_title() -> None:
    doc = parse("正文。\n\n::: 附件 甲表\n内容。\n\n::: 附件 乙表\n内容。\n")
    items = build_items(doc, DEFAULT_STYLE)
    labels = [i for i in items if i.role == "attachment_label"]
    assert [i.text for i in labels] == ["附件1", "附件2"]
    assert all(i.page_break_before and i.segs[0].font == "heiti" and i.align == "left" for i in labels)
    laid = plan(doc)
    titles = [i for i in laid.items if i.role == "attachment_title"]
    assert [(i.page, i.row) for i in titles] == [(2, 3), (3, 3)]  # line 3 of a new page [7.3.7]


def test_attachment_note_must_match_the_attachment_titles() -> None:
    markup = "---\nattachments: [甲表, 乙表]\n---\n正文。\n\n::: 附件 甲表\n内容。\n\n::: 附件 丙表\n内容。\n"
    with pytest.raises(MarkupError) as info:
        parse(markup, "x.md")
    (problem,) = info.value.problems
    assert "附件2" in problem.message and "丙表" in problem.message and "乙表" in problem.message
    assert (problem.place.file, problem.place.line, problem.place.key) == ("x.md", 9, "attachments[1]")


def test_attachment_note_count_must_match() -> None:
    with pytest.raises(MarkupError, match=r"lists 1 name\(s\) but the body has 2"):
        parse("---\nattachments: [甲表]\n---\n正文。\n::: 附件 甲表\n内容。\n::: 附件 乙表\n内容。\n")


@pytest.mark.parametrize(("mark", "size", "scale"), [
    ("中共宝鸡市委网信办", 36.0, 100),  # 小初 fits: 9 × 36 pt < 156 mm
    ("宝鸡市互联网信息办公室文件", 32.6, 100),  # smaller, still over 一号
    ("中共宝鸡市委网络安全和信息化委员会办公室文件", 26.0, 74),  # 一号, condensed
])
def test_organ_mark_fits_the_type_width(mark: str, size: float, scale: int) -> None:
    assert organ_mark_fit(mark) == (size, scale)
    width_pt = DEFAULT_STYLE.text_width / 20
    assert cells(mark) * size * scale / 100 <= width_pt * 0.96 + 0.01


def test_organ_mark_house_size_and_suffix() -> None:
    style = DEFAULT_STYLE.with_overrides({"organ_mark_size": 42, "organ_mark_suffix": "文件"})
    doc = parse("---\norgan_mark: 某某局\nnumber: 某发〔2021〕1号\n---\n正文。\n")
    (mark,) = [i for i in plan(doc, style).items if i.role == "organ_mark"]
    assert mark.text == "某某局文件" and mark.size == 42 and mark.segs[0].color == "FF0000"
