"""Articles (综述, 讲话, 信息 …): no 版头 and no 版记, a subtitle and a byline under the title,
unnumbered headings, every heading kept with the line after it, 一是/二是 set off."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import KITCHEN_SINK, W, run_cli
from lxml import etree
from pdfmeasure import (
    AREA_BOTTOM,
    AREA_LEFT,
    AREA_RIGHT,
    LINES_PER_PAGE,
    compare_breaks,
    font_family,
    text_lines,
)

from reportgen import spec
from reportgen.check import check_file
from reportgen.errors import MarkupError
from reportgen.layout import Plan, paginate, plan
from reportgen.markup import escape, parse
from reportgen.model import Heading
from reportgen.project import load_project, make_style, render_document
from reportgen.spec import SettingError, Style
from reportgen.writers.docx import write_docx

NS = {"w": W[1:-1]}

ARTICLE = """---
kind: 综述
title: 党建引领 企业奋发
subtitle: 2023年全区互联网企业党建工作综述
byline: （2023年12月）
numbering: false
signature: 中共示例区委组织部
date: 2023-12-20
---

今年以来，全区互联网企业党建工作稳步推进，一是抓组织覆盖，二是抓队伍建设，取得明显成效。

# 坚持高位推动，压实党建责任

区委把互联网企业党建工作纳入全区党建工作总体布局。一是健全工作机制，二是完善制度体系。

## 强化统筹协调

成立工作专班，定期研究解决重点难点问题。

# 聚焦组织覆盖，夯实基层基础

新建党组织12个，覆盖率达到95%。
"""


def _headings(markup: str) -> list[tuple[int, str, str]]:
    return [(b.level, b.number, b.text) for b in parse(markup).blocks if isinstance(b, Heading)]


# --------------------------------------------------------------------------- unnumbered headings


@pytest.mark.parametrize("mark", ["{-}", "{.unnumbered}", " {-}", "\t{.unnumbered}"])
def test_a_heading_marked_unnumbered_has_no_number_and_does_not_count(mark: str) -> None:
    found = _headings(f"# 甲\n\n# 乙{mark}\n\n# 丙\n\n## 丁{mark}\n\n## 戊\n")
    assert found == [(1, "一、", "一、甲"), (1, "", "乙"), (1, "二、", "二、丙"), (2, "", "丁"),
                     (2, "（一）", "（一）戊")]


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_unnumbered_at_every_level(level: int) -> None:
    marks = "#" * level
    parents = "".join(f"{'#' * k} 上{k}\n\n" for k in range(1, level))
    found = _headings(f"{parents}{marks} 标题 {{-}}\n\n正文。\n")
    assert found[-1] == (level, "", "标题")


def test_numbering_false_numbers_no_heading() -> None:
    found = _headings("---\nnumbering: false\n---\n# 甲\n\n## 乙\n\n### 丙\n\n#### 丁\n\n# 戊 {-}\n")
    assert [number for _level, number, _text in found] == [""] * 5
    assert _headings("---\nnumbering: true\n---\n# 甲\n")[0][1] == "一、"


@pytest.mark.parametrize("value", ["no", "0", "[false]", "off2", "null"])
def test_numbering_must_be_true_or_false(value: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse(f"---\ntitle: 标题\nnumbering: {value}\n---\n# 甲\n", "t.md")
    (problem,) = caught.value.problems
    assert "must be true or false" in problem.message
    assert problem.place.line == 3 and problem.place.key == "numbering"


def test_a_number_typed_by_hand_is_kept_when_the_heading_is_unnumbered() -> None:
    assert _headings("# 一、甲 {-}\n")[0] == (1, "", "一、甲")
    assert _headings("---\nnumbering: false\n---\n# （一）乙\n")[0][1:] == ("", "（一）乙")
    with pytest.raises(MarkupError, match="already carries a number"):
        parse("# 一、甲\n")


def test_a_heading_of_only_the_mark_is_an_error() -> None:
    with pytest.raises(MarkupError, match="heading without text"):
        parse("# {-}\n")


@pytest.mark.parametrize("value", ["甲 {-}", "乙{.unnumbered}", "丙 \\{-}"])
def test_a_data_value_ending_like_the_mark_stays_text(value: str) -> None:
    (heading,) = [b for b in parse(f"# {escape(value)}\n").blocks if isinstance(b, Heading)]
    assert heading.number == "一、" and heading.text == "一、" + value


def test_an_unnumbered_heading_keeps_its_level_font_and_takes_its_heading_style() -> None:
    doc = parse(ARTICLE)
    laid = plan(doc)
    heads = [i for i in laid.items if i.role.startswith("heading")]
    assert [(i.role, i.segs[0].font, i.text) for i in heads] == [
        ("heading1", "heiti", "坚持高位推动，压实党建责任"), ("heading2", "kaiti", "强化统筹协调"),
        ("heading1", "heiti", "聚焦组织覆盖，夯实基层基础")]
    body = _document_xml(laid, doc)
    styles = [(p.find("w:pPr/w:pStyle", NS), "".join(p.itertext())) for p in body.iter(f"{W}p")]
    kept = [p.find("w:pPr/w:keepNext", NS) is not None for p in body.iter(f"{W}p")
            if p.find("w:pPr/w:pStyle", NS) is not None]
    assert kept == [True, True, True]  # keep with next in Word and WPS too
    assert [(s.get(f"{W}val"), t) for s, t in styles if s is not None] == [
        ("Heading1", "坚持高位推动，压实党建责任"), ("Heading2", "强化统筹协调"),
        ("Heading1", "聚焦组织覆盖，夯实基层基础")]


# --------------------------------------------------------------------------- subtitle and byline


@pytest.mark.parametrize(("given", "printed"), [
    ("2023年综述", "——2023年综述"), ("——2023年综述", "——2023年综述"), ("  2023年综述 ", "——2023年综述"),
    ("—2023年综述", "—2023年综述"), ("－－2023年综述", "－－2023年综述"),
])
def test_the_subtitle_opens_with_a_dash(given: str, printed: str) -> None:
    assert parse(f"---\ntitle: 标题\nsubtitle: \"{given}\"\n---\n正文。\n").subtitle == printed


@pytest.mark.parametrize(("key", "value"), [("subtitle", "[a, b]"), ("byline", "{a: 1}"), ("byline", "true")])
def test_subtitle_and_byline_are_text(key: str, value: str) -> None:
    with pytest.raises(MarkupError, match="must be text"):
        parse(f"---\ntitle: 标题\n{key}: {value}\n---\n正文。\n")


def _document_xml(laid: Plan, doc) -> etree._Element:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(write_docx(laid, doc))) as z:
        return etree.fromstring(z.read("word/document.xml"))


@pytest.mark.parametrize(("subtitle", "byline"), [(True, True), (True, False), (False, True)])
def test_subtitle_and_byline_stand_under_the_title_in_kaiti(subtitle: bool, byline: bool) -> None:
    front = "title: 标题\n" + ("subtitle: 副标题\n" if subtitle else "")
    front += "byline: 张三\n" if byline else ""
    doc = parse(f"---\n{front}---\n正文。\n")
    laid = plan(doc)
    roles = [i.role for i in laid.items]
    under = (["subtitle"] if subtitle else []) + (["byline"] if byline else [])
    assert roles == ["title", *under, "blank", "body"]
    for item in laid.items[1:-2]:
        assert (item.align, item.segs[0].font, item.size, item.keep_next) == ("center", "kaiti", 16, True)
        assert item.positions == [(1, laid.items.index(item) + 1)]  # one line each, right under the title
    paras = [p for p in _document_xml(laid, doc).iter(f"{W}p")
             if "".join(p.itertext()) in ("——副标题", "张三")]
    assert len(paras) == subtitle + byline
    for p in paras:
        assert p.find("w:pPr/w:jc", NS).get(f"{W}val") == "center"
        assert p.find("w:pPr/w:keepNext", NS) is not None
        assert p.find("w:r/w:rPr/w:rFonts", NS).get(f"{W}eastAsia") == spec.Fonts().kaiti


# --------------------------------------------------------------------------- kept with the next line


def _filler(lines: int) -> str:
    """Paragraphs that fill ``lines`` grid lines exactly (one full line each)."""
    return "\n\n".join("文" * 26 for _ in range(lines))


@pytest.mark.parametrize("heading", ["# 甲 {-}", "## 乙 {-}", "### 丙 {-}", "#### 丁 {-}", "# 戊", "## 己"])
@pytest.mark.parametrize("title", [False, True])
def test_no_heading_is_the_last_line_of_a_page(heading: str, title: bool) -> None:
    """A heading that would fall on the page's last line moves to the next page with its text."""
    front = "---\ntitle: 标题\nsubtitle: 副标题\n---\n" if title else ""
    used = 3 if title else 0  # title, subtitle, the blank line under them
    parents = "".join(f"{'#' * k} 上{k} {{-}}\n\n" for k in range(1, heading.count("#")))
    depth = heading.count("#") - 1
    body = _filler(LINES_PER_PAGE - 1 - used - depth)
    laid = plan(parse(f"{front}{parents}{body}\n\n{heading}\n\n正文第一行。\n"))
    head = [i for i in laid.items if i.role.startswith("heading")][-1]
    after = laid.items[laid.items.index(head) + 1]
    assert head.positions == [(2, 1)] and after.positions[0] == (2, 2)
    # Without the keep, the same heading would have stood alone on the last line.
    head.keep_next = False
    paginate(laid.items, laid.style.lines_per_page)
    assert head.positions == [(1, LINES_PER_PAGE)]


def test_a_run_in_heading_carries_its_own_text() -> None:
    """A level-3 heading ending in 。 runs into its paragraph: nothing to keep it with."""
    laid = plan(parse("# 甲\n\n### 认真开展调研。\n\n按照部署开展工作。\n"))
    (item,) = [i for i in laid.items if i.role == "heading3"]
    assert not item.keep_next and item.text.endswith("按照部署开展工作。")


# --------------------------------------------------------------------------- 一是 / 二是


@pytest.mark.parametrize(("bold", "font"), [(True, ""), (True, "heiti"), (True, "kaiti"), (False, "heiti")])
def test_ordinals_in_bold_and_in_a_font_of_their_own(bold: bool, font: str) -> None:
    style = Style(bold_ordinals=bold, ordinal_font=font)
    laid = plan(parse("一是抓组织，二是抓队伍。\n"), style)
    segs = laid.items[0].segs
    ordinals = [s for s in segs if s.text in ("一是", "二是")]
    assert len(ordinals) == 2
    assert all(s.bold == bold and s.font == (font or "fangsong") for s in ordinals)
    assert all(not s.bold and s.font == "fangsong" for s in segs if s not in ordinals)


def test_ordinals_are_plain_by_default() -> None:
    segs = plan(parse("一是抓组织，二是抓队伍。\n")).items[0].segs
    assert [(s.text, s.bold, s.font) for s in segs] == [("一是抓组织，二是抓队伍。", False, "fangsong")]


@pytest.mark.parametrize("value", ["songti", "黑体", "Heiti", "xiaobiaosong"])
def test_ordinal_font_takes_heiti_or_kaiti(value: str) -> None:
    with pytest.raises(SettingError, match="ordinal_font must be one of") as caught:
        Style(ordinal_font=value)
    assert caught.value.key == "ordinal_font"


@pytest.mark.parametrize(("setting", "message"), [
    ("  ordinal_font: songti", "ordinal_font must be one of '', 'heiti', 'kaiti'"),
    ("  ordinal_font: 1", "ordinal_font must be text, got 1"),
    ("  ordinal_font: [heiti]", "ordinal_font must be text"),
])
def test_a_bad_ordinal_font_in_the_project_fails_cleanly(tmp_path: Path, setting: str, message: str) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "doc.md.j2").write_text("---\ntitle: 标题\n---\n一是甲。\n", encoding="utf-8")
    project = f"style:\n{setting}\ndocuments:\n  - name: doc\n    template: doc.md.j2\n"
    (root / "reportgen.yaml").write_text(project, encoding="utf-8")
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(tmp_path / "out"))
    assert code == 1 and "Traceback" not in stderr
    assert message in stderr and "reportgen.yaml" in stderr
    assert not (tmp_path / "out" / "doc.docx").exists()


# --------------------------------------------------------------------------- check


def _write(tmp_path: Path, markup: str, style: Style = spec.DEFAULT_STYLE) -> Path:
    doc = parse(markup)
    path = tmp_path / "a.docx"
    path.write_bytes(write_docx(plan(doc, style), doc))
    return path


@pytest.mark.parametrize("dated", [True, False])
@pytest.mark.parametrize("font", ["", "heiti", "kaiti"])
def test_check_judges_an_article_right(tmp_path: Path, dated: bool, font: str) -> None:
    markup = ARTICLE if dated else ARTICLE.replace("signature: 中共示例区委组织部\ndate: 2023-12-20\n", "")
    style = Style(bold_ordinals=True, ordinal_font=font)
    report = check_file(_write(tmp_path, markup, style), style)
    assert report.errors == 0, [f.message for f in report.findings if f.severity == "error"]
    roles = [r.role for _i, r in sorted(report.structure.roles.items()) if r.role not in ("blank", "body")]
    assert roles[:3] == ["title", "subtitle", "byline"]
    assert [r for r in roles if r.startswith("heading")] == ["heading1", "heading2", "heading1"]
    assert report.structure.format == "standard" and report.structure.article


def test_an_unnumbered_heiti_heading_is_still_an_error_under_a_head(tmp_path: Path) -> None:
    """With a 版头 the document is a 公文: its 黑体 headings need their 一、."""
    head = "kind: 报告\norgan_mark: 示例区委组织部\nnumber: 示组发〔2023〕1号\nto: 区委：\n"
    markup = ARTICLE.replace("kind: 综述\n", head)
    report = check_file(_write(tmp_path, markup))
    assert not report.structure.article
    assert any("没有层级序号" in f.message for f in report.findings if f.severity == "error")


# --------------------------------------------------------------------------- rendered (LibreOffice)


@pytest.fixture(scope="module")
def review_plan() -> Plan:
    project = load_project(KITCHEN_SINK)
    (entry,) = [d for d in project.documents if d.name == "review"]
    return render_document(entry.name, entry.template, project.data + entry.data,
                           make_style(entry.style, project.style, entry.place), project.root).plan


@pytest.mark.render
def test_the_rendered_article(kitchen_pdfs: Path, review_plan: Plan) -> None:
    with pdfplumber.open(kitchen_pdfs / "review.pdf") as pdf:
        pages = [text_lines(page, bottom_limit=AREA_BOTTOM) for page in pdf.pages]
        # The layout's lines are LibreOffice's, page and row.
        wrong = [p for p in compare_breaks(review_plan, pdf, spec.LINE_PITCH / 20) if not p.same]
        assert not wrong, [(p.role, p.predicted, p.rendered) for p in wrong]
    title, subtitle, byline = pages[0][:3]
    assert title.stripped == "党建引领企业奋发"
    assert subtitle.stripped.startswith("——") and subtitle.stripped.endswith("互联网企业党建工作综述")
    assert byline.stripped.startswith("（在") and byline.stripped.endswith("）")
    centre = (AREA_LEFT + AREA_RIGHT) / 2
    for line in (subtitle, byline):
        assert line.centre_x == pytest.approx(centre, abs=1.5)
        assert line.sizes == {16}
        assert {font_family(f) for f in line.fontnames} == {font_family(next(iter(byline.fontnames)))}
        assert "Kai" in next(iter(line.fontnames))
    # Each sits on the grid line right under the one before it.
    pitch = spec.LINE_PITCH / 20
    assert subtitle.baseline - title.baseline > pitch * 0.9
    assert byline.baseline - subtitle.baseline == pytest.approx(pitch, abs=0.5)
    # No heading is the last line of a page, and the example has one the keep moved.
    headings = {i.lines[0] for i in review_plan.items if i.role.startswith("heading")}
    for page in pages:
        assert page[-1].stripped not in headings
    moved = [i for i in review_plan.items if i.role.startswith("heading") and i.positions[0][1] == 1]
    assert moved, "the example should show a heading carried to the next page"
