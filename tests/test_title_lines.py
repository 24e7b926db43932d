"""A title given as explicit lines (a list, or a text with line breaks) is printed on those
lines by the layout, the .docx and the preview alike; automatic splits keep a year with the
phrase it dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import W, docx_xml, para_starting, run_cli

from reportgen.layout import plan, split_title
from reportgen.markup import parse

FRONT = "---\nkind: 通知\n{title}\nto: 各县区委网信办\n---\n请认真做好。\n"


@pytest.mark.parametrize("title", [
    "title: [关于做好, 2021年某某工作的通知]",
    'title: "关于做好\\n2021年某某工作的通知"',
    "title: |\n  关于做好\n\n  2021年某某工作的通知\n",
    "title:\n  - 关于做好\n  - '  2021年某某工作的通知  '",
])
def test_given_lines_are_the_printed_lines(title: str) -> None:
    doc = parse(FRONT.format(title=title))
    assert doc.title == "关于做好2021年某某工作的通知"
    assert doc.title_lines == ("关于做好", "2021年某某工作的通知")
    (item,) = [i for i in plan(doc).items if i.role == "title"]
    assert item.lines == ["关于做好", "2021年某某工作的通知"]


def test_one_line_of_text_is_split_by_the_layout() -> None:
    doc = parse(FRONT.format(title="title: 关于做好2021年全市互联网企业党建工作专项检查的通知"))
    assert doc.title_lines == ()
    (item,) = [i for i in plan(doc).items if i.role == "title"]
    assert len(item.lines) >= 2 and "".join(item.lines) == doc.title


def test_a_given_line_too_long_for_the_width_wraps_within_itself() -> None:
    doc = parse(FRONT.format(title="title: [关于, 做好2021年全市互联网企业党建工作专项检查和整改落实的通知]"))
    (item,) = [i for i in plan(doc).items if i.role == "title"]
    assert item.lines[0] == "关于" and len(item.lines) >= 3
    assert "".join(item.lines) == doc.title


def test_the_docx_and_the_preview_print_the_given_lines(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(FRONT.format(title="title: [关于做好, 2021年某某工作的通知]"), encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("year: 2021\n", encoding="utf-8")
    out = tmp_path / "o.docx"
    code, _stdout, stderr = run_cli("render", str(template), str(data), "-o", str(out))
    assert code == 0, stderr
    p = para_starting(docx_xml(out), "关于做好")
    assert len(p.findall(f".//{W}br")) == 1  # two lines, no empty one
    assert "".join(t.text for t in p.iter(f"{W}t")) == "关于做好2021年某某工作的通知"
    code, stdout, _stderr = run_cli("preview", str(template), str(data))
    lines = [line.strip(" │|") for line in stdout.splitlines()]
    assert any(line.strip() == "关于做好" for line in lines)
    assert any(line.strip() == "2021年某某工作的通知" for line in lines)


@pytest.mark.parametrize(("lines", "shape"), [
    ("[关于做好2021年某某工作, 的通知]", "上长下短"), ("[关于做好某某, 工作的新通知]", "rectangle"),
])
def test_given_lines_of_a_wrong_shape_are_warned(tmp_path: Path, lines: str, shape: str) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(FRONT.format(title=f"title: {lines}"), encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("year: 2021\n", encoding="utf-8")
    code, _stdout, stderr = run_cli("validate", str(template), str(data))
    assert code == 0 and "警告 warning" in stderr and shape in stderr


@pytest.mark.parametrize(("title", "first"), [
    ("党建引领 E企奋发——2023年宝鸡市渭滨区互联网企业党建工作综述", "党建引领 E企奋发——"),
    ("关于做好2023年宝鸡市网络安全和信息化专项检查工作的通知", None),
])
def test_a_year_stays_with_the_phrase_it_dates(title: str, first: str | None) -> None:
    lines = split_title(title)
    assert not any(line.endswith("年") and line[-5:-1].isdigit() for line in lines[:-1]), lines
    if first is not None:
        assert lines[0] == first


@pytest.mark.parametrize("title", [
    "关于商请协助开展互联网企业党建工作调研的函",
    "关于报送互联网企业党建工作示范点创建情况的报告",
    "关于进一步做好网络社会组织党建工作有关事项的通知",
])
def test_no_line_of_a_split_title_is_less_than_half_the_longest(title: str) -> None:
    """长短适宜 [7.3.1]: 关于 alone over a line of nineteen characters is a 梯形 but not a title
    an office would print; the split keeps every line at least half as long as the longest."""
    lines = split_title(title)
    assert "".join(lines) == title and len(lines) == 2
    assert min(map(len, lines)) >= max(map(len, lines)) / 2, lines
    assert len(lines[0]) <= len(lines[1])  # still 上短下长


@pytest.mark.parametrize(("title", "first"), [
    ("关于开展“我的刀盾”传播素材整理工作的通知", "关于开展“我的刀盾”"),
    ("关于开展“我的家乡”网络正能量作品征集活动的通知", "关于开展“我的家乡”"),
])
def test_a_name_in_quotes_stays_whole(title: str, first: str) -> None:
    """A name in “” is kept whole like one in 《》: 的 inside “我的刀盾” is no place to break."""
    lines = split_title(title)
    assert lines[0] == first and "".join(lines) == title
