"""What Word and WPS need to lay a .docx out the way the layout (and LibreOffice) does: full font-table
entries with fallbacks, the PAGE field in its complex form, settings in schema order with the layout's
kinsoku lists and Word's compatibility block, and word joiners where the layout keeps units together.

Word cannot run here. Its line breaking is encoded below from its documented rules (WORD_RULES) and run
on the same 680-pair matrix as tests/test_linebreak_rules.py, which checks the layout against LibreOffice.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import KITCHEN_SINK, W, assert_clean_failure, copy_project, docx_xml, edit_file, run_cli
from lxml import etree

from reportgen import spec
from reportgen.layout import NO_LINE_END, NO_LINE_START, plan
from reportgen.markup import parse
from reportgen.spec import FontFallbacks, Fonts, Style
from reportgen.writers import base
from reportgen.writers.docx import WORD_JOINER, joiner_offsets, write_docx
from reportgen.writers.pdf import stage_docx

NS = {"w": W[1:-1]}
WORD_URI = "http://schemas.microsoft.com/office/word"

NOTICE = """---
kind: 通知
title: 关于做好数据报送工作的通知
to: 各县区网信办
signature: 某某市网信办
date: 2021-03-01
---
{body}
"""


COLOPHON_DOC = """---
kind: 通知
title: 关于测试的通知
signature: 某某市网信办
date: 2021-03-01
cc: [市委组织部, 市财政局]
printer: 某某市网信办
print_date: 2021-03-02
---
{body}
"""


def _docx(body: str = "请按要求报送。", style: Style | None = None) -> bytes:
    document = parse(NOTICE.format(body=body))
    return write_docx(plan(document, style), document)


def _part(data: bytes, name: str):  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def _fonts(data: bytes) -> dict[str, etree._Element]:
    return {f.get(f"{W}name"): f for f in _part(data, "word/fontTable.xml").iter(f"{W}font")}


def _val(el, path: str) -> str | None:  # type: ignore[no-untyped-def]
    found = el.find(path, NS)
    return None if found is None else found.get(f"{W}val")


# --- 1. the font table ------------------------------------------------------------------------

FONT_CHILDREN = ["altName", "panose1", "charset", "family", "pitch", "sig"]  # CT_Font's order


@pytest.mark.parametrize(("name", "alt", "panose", "family", "pitch"), [
    ("仿宋_GB2312", "仿宋", "02010609030101010101", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "02010609030101010101", "modern", "fixed"),
    ("方正小标宋简体", "宋体", "03000509000000000000", "script", "fixed"),
    ("黑体", "SimHei", "02010609060101010101", "modern", "fixed"),
    ("宋体", "SimSun", "02010600030101010101", "auto", "variable"),
])
def test_standard_fonts_carry_full_entries_and_a_fallback_every_windows_has(
        name: str, alt: str, panose: str, family: str, pitch: str) -> None:
    font = _fonts(_docx())[name]
    assert [c.tag.split("}")[1] for c in font] == FONT_CHILDREN
    assert (_val(font, "w:altName"), _val(font, "w:panose1"), _val(font, "w:charset")) == (alt, panose, "86")
    assert (_val(font, "w:family"), _val(font, "w:pitch")) == (family, pitch)
    sig = font.find("w:sig", NS)
    assert all(len(sig.get(f"{W}{k}")) == 8 for k in ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"))


def test_latin_font_has_its_own_charset_and_no_cjk_fallback() -> None:
    fonts = _fonts(_docx(style=Style(fonts=Fonts(latin="Times New Roman"))))
    tnr = fonts["Times New Roman"]
    assert tnr.find("w:altName", NS) is None
    assert (_val(tnr, "w:charset"), _val(tnr, "w:family"), _val(tnr, "w:pitch")) == \
        ("00", "roman", "variable")
    assert _val(tnr, "w:panose1") == "02020603050405020304"
    other = _fonts(_docx(style=Style(fonts=Fonts(latin="Source Sans 3"))))["Source Sans 3"]
    assert _val(other, "w:charset") == "00"
    assert other.find("w:altName", NS) is None and other.find("w:panose1", NS) is None


def test_house_fonts_of_unknown_data_fall_back_by_kind_without_a_guessed_panose() -> None:
    fonts = _fonts(_docx(style=Style(fonts=Fonts(fangsong="方正仿宋_GBK", heiti="方正黑体_GBK",
                                                 kaiti="方正楷体_GBK", xiaobiaosong="方正小标宋_GBK"))))
    expected = {"方正仿宋_GBK": "仿宋", "方正黑体_GBK": "黑体", "方正楷体_GBK": "楷体",
                "方正小标宋_GBK": "宋体"}
    for name, alt in expected.items():
        font = fonts[name]
        assert _val(font, "w:altName") == alt
        assert _val(font, "w:charset") == "86"
        assert font.find("w:panose1", NS) is None and font.find("w:sig", NS) is None


def test_a_font_that_is_its_own_fallback_gets_no_alt_name_and_shared_names_one_entry() -> None:
    fonts = _fonts(_docx(style=Style(fonts=Fonts(fangsong="仿宋", kaiti="仿宋"))))
    assert fonts["仿宋"].find("w:altName", NS) is None
    assert _val(fonts["仿宋"], "w:panose1") == "02010609060101010101"
    names = [f.get(f"{W}name") for f in _part(_docx(style=Style(fonts=Fonts(fangsong="仿宋", kaiti="仿宋"))),
                                              "word/fontTable.xml").iter(f"{W}font")]
    assert len(names) == len(set(names))


def test_house_style_names_its_fallbacks() -> None:
    style = Style(font_fallbacks=FontFallbacks(xiaobiaosong="华文中宋", fangsong="FangSong", latin="Arial"))
    fonts = _fonts(_docx(style=style))
    assert _val(fonts["方正小标宋简体"], "w:altName") == "华文中宋"
    assert _val(fonts["仿宋_GB2312"], "w:altName") == "FangSong"
    assert _val(fonts["楷体_GB2312"], "w:altName") == "楷体"  # not named: the built-in choice
    with_latin = _fonts(_docx(style=Style(fonts=Fonts(latin="Times New Roman"),
                                          font_fallbacks=FontFallbacks(latin="Arial"))))
    assert _val(with_latin["Times New Roman"], "w:altName") == "Arial"


def test_font_names_with_markup_characters_are_escaped() -> None:
    style = Style(fonts=Fonts(songti='宋"体&<'), font_fallbacks=FontFallbacks(songti="A&B"))
    fonts = _fonts(_docx(style=style))
    assert _val(fonts['宋"体&<'], "w:altName") == "A&B"


def _yaml_project(tmp_path: Path, style: str) -> Path:
    project = copy_project(KITCHEN_SINK, tmp_path)
    edit_file(project / "reportgen.yaml", "  bold_ordinals: true", f"  bold_ordinals: true\n{style}")
    return project


def test_font_fallbacks_from_reportgen_yaml_reach_the_font_table(tmp_path: Path) -> None:
    project = _yaml_project(tmp_path, "  font_fallbacks:\n    xiaobiaosong: 华文中宋\n    heiti: null")
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(out), "--doc", "notice")
    assert code == 0, stderr
    table = docx_xml(out / "notice.docx", "word/fontTable.xml")
    fonts = {f.get(f"{W}name"): f for f in table.iter(f"{W}font")}
    assert _val(fonts["方正小标宋简体"], "w:altName") == "华文中宋"
    assert _val(fonts["黑体"], "w:altName") == "SimHei"


@pytest.mark.parametrize(("setting", "message"), [
    ("  font_fallbacks: 华文中宋", "font_fallbacks must be a mapping"),
    ("  font_fallbacks:\n    biaosong: 华文中宋", "font_fallbacks.biaosong"),
    ("  font_fallbacks:\n    fangsong: 12", "font_fallbacks.fangsong must be a font name"),
    ("  font_fallbacks:\n    fangsong: ''", "font_fallbacks.fangsong must be a font name"),
    ("  font_fallbacks:\n    fangsong: " + "仿" * 32, "at most 31"),
    ('  font_fallbacks:\n    fangsong: "仿\\x07宋"', "control character U+0007"),
    ("  font_fallbacks:\n    - 仿宋", "font_fallbacks must be a mapping"),
])
def test_bad_font_fallbacks_are_refused_at_their_line(tmp_path: Path, setting: str, message: str) -> None:
    project = _yaml_project(tmp_path, setting)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert message in stderr
    assert "reportgen.yaml" in stderr
    assert not out.exists() or not list(out.glob("*.docx"))


# --- 2. page numbers ---------------------------------------------------------------------------

def _footers(data: bytes) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [etree.fromstring(zf.read(n)) for n in sorted(zf.namelist()) if n.startswith("word/footer")]


def test_page_number_is_a_complex_field_with_a_cached_result() -> None:
    footers = _footers(_docx())
    numbered = [f for f in footers if f.find(".//w:fldChar", NS) is not None]
    assert len(numbered) == 2  # odd and even pages
    for footer in numbered:
        assert footer.find(".//w:fldSimple", NS) is None
        seq = []
        for run in footer.iter(f"{W}r"):
            child = run[-1]
            tag = child.tag.split("}")[1]
            seq.append(child.get(f"{W}fldCharType") if tag == "fldChar" else (tag, child.text))
        assert seq == [("t", "— "), "begin", ("instrText", " PAGE "), "separate", ("t", "1"), "end",
                       ("t", " —")]


def test_checker_reads_the_complex_field_as_a_page_field() -> None:
    from reportgen.check.docxread import field_text

    for footer in _footers(_docx()):
        for p in footer.iter(f"{W}p"):
            if p.find(".//w:fldChar", NS) is not None:
                assert field_text(p) == "— {PAGE} —"


def test_documents_with_a_blank_page_section_keep_unnumbered_footers() -> None:
    long_body = "\n\n".join(["这是一段正文，用来把版记推到下一页。" * 8] * 20)
    document = parse(COLOPHON_DOC.format(body=long_body))
    data = write_docx(plan(document), document)
    footers = _footers(data)
    fields = sum(len(f.findall(".//w:fldChar[@w:fldCharType='begin']", NS)) for f in footers)
    assert fields == 2  # only the numbered section's two footers hold a PAGE field


# --- 3. settings and tables ----------------------------------------------------------------------

# CT_Settings (ECMA-376 Part 1, 17.15.1.78), the elements the writer uses, in schema order.
SETTINGS_ORDER = ["defaultTabStop", "evenAndOddHeaders", "noPunctuationKerning", "characterSpacingControl",
                  "noLineBreaksAfter", "noLineBreaksBefore", "compat", "themeFontLang"]


def test_settings_in_schema_order_with_the_compatibility_flags() -> None:
    settings = _part(_docx(), "word/settings.xml")
    assert [el.tag.split("}")[1] for el in settings] == SETTINGS_ORDER
    assert _val(settings, "w:characterSpacingControl") == "doNotCompress"
    compat = settings.find("w:compat", NS)
    names = [el.tag.split("}")[1] for el in compat]
    # CT_Compat: the legacy flags in their order, then the compatSettings.
    assert names == ["doNotExpandShiftReturn", "useFELayout"] + ["compatSetting"] * 5
    modes = {el.get(f"{W}name"): (el.get(f"{W}uri"), el.get(f"{W}val"))
             for el in compat.iter(f"{W}compatSetting")}
    assert modes["compatibilityMode"] == (WORD_URI, "15")
    assert set(modes) == {"compatibilityMode", "overrideTableStyleFontSizeAndJustification",
                          "enableOpenTypeFeatures", "doNotFlipMirrorIndents",
                          "differentiateMultirowTableHeaders"}


def test_kinsoku_lists_are_the_layouts_own() -> None:
    settings = _part(_docx(), "word/settings.xml")
    after = settings.find("w:noLineBreaksAfter", NS)
    before = settings.find("w:noLineBreaksBefore", NS)
    assert after.get(f"{W}lang") == before.get(f"{W}lang") == "zh-CN"
    assert set(before.get(f"{W}val")) == NO_LINE_START
    assert set(after.get(f"{W}val")) == NO_LINE_END
    assert "…" not in before.get(f"{W}val")  # a line may start with …… (GB/T 15834 5.1.4)


def test_colophon_table_properties_word_2007_accepts() -> None:
    document = parse(COLOPHON_DOC.format(body="正文。"))
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(write_docx(plan(document), document)))
                            .read("word/document.xml"))
    tbl = root.find(".//w:tbl", NS)
    names = [el.tag.split("}")[1] for el in tbl.find("w:tblPr", NS)]
    # In schema order, and no tblLook (its firstRow… attributes are Word 2010's).
    assert names == ["tblpPr", "tblOverlap", "tblW", "tblBorders", "tblLayout", "tblCellMar"]
    for tr in tbl.iter(f"{W}tr"):
        assert tr.find("w:trPr/w:trHeight", NS).get(f"{W}hRule") == "exact"


# --- 4. line breaks: word joiners and Word's rules on the pair matrix ----------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("要求，2020年", "要求，|2020年"),  # closing mark + digit: kept together by the layout
    ("达到100%。App", "达到100%。|App"),
    ("第2020（一）号", "第2020|（一）号"),  # digit + opening mark
    ("他说“ab”c", "他说“ab”|c"),  # a closing quote + Latin
    ("字a“b", "字a|“b"),
    ("等等……，", "等等…|…，"),  # …… and —— are never split
    ("————好", "—|—|—|—好"),
    ("a……", "a|…|…"),
    ("2020年12月15日", "2020年12月15日"),  # break allowed everywhere or forbidden by the lists
    ("“2020”", "“2020”"),
    ("字，字。", "字，字。"),
    ("ab cd", "ab cd"),
    ("字\t“a", "字\t“a"),
])
def test_word_joiners_where_only_the_layouts_pair_rules_keep_units_together(text: str, expected: str) -> None:
    out = list(text)
    for offset in reversed(joiner_offsets(text)):
        out.insert(offset, "|")
    assert "".join(out) == expected


def _body_texts(data: bytes) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def test_joiners_only_in_paragraphs_of_more_than_one_line_and_not_in_the_libreoffice_copy() -> None:
    long = "根据文件要求，2020年全市网信系统" + "认真开展工作" * 6 + "，App备案达到100%。"
    data = _docx(long + "\n\n短段落，2020年。")
    texts = _body_texts(data)
    assert any(WORD_JOINER in t and t.replace(WORD_JOINER, "") == long for t in texts)
    assert "短段落，2020年。" in texts  # one line: as typed
    assert all(WORD_JOINER not in t for t in _body_texts(stage_docx(data)))
    assert [t.replace(WORD_JOINER, "") for t in texts] == [t for t in _body_texts(stage_docx(data))]


def _joiner_project(tmp_path: Path, style: str) -> Path:
    root = tmp_path / "project"
    root.mkdir(parents=True)
    long = "根据文件要求，2020年全市网信系统" + "认真开展工作" * 6 + "，App备案达到100%。"
    (root / "doc.md.j2").write_text(NOTICE.format(body=long), encoding="utf-8")
    (root / "reportgen.yaml").write_text(f"{style}documents:\n  - name: doc\n    template: doc.md.j2\n",
                                         encoding="utf-8")
    return root


@pytest.mark.parametrize(("style", "joiners"), [("", True), ("style:\n  word_joiners: true\n", True),
                                                ("style:\n  word_joiners: false\n", False)])
def test_house_style_can_leave_the_joiners_out(tmp_path: Path, style: str, joiners: bool) -> None:
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(_joiner_project(tmp_path, style)), "-o", str(out))
    assert code == 0, stderr
    assert any(WORD_JOINER in t for t in _body_texts((out / "doc.docx").read_bytes())) is joiners


@pytest.mark.parametrize("value", ["0", "yes-please", "[true]"])
def test_word_joiners_must_be_true_or_false(tmp_path: Path, value: str) -> None:
    project = _joiner_project(tmp_path, f"style:\n  word_joiners: {value}\n")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "word_joiners must be true or false" in stderr and "reportgen.yaml:2" in stderr
    assert not out.exists() or not list(out.glob("*.docx"))


def test_joiners_across_runs_of_different_formatting() -> None:
    long = ("工作有三个特点：" + "措施实" * 8 + "，**2020**年全面完成（**一**）任务"
            + "认真开展工作" * 4 + "。")
    texts = _body_texts(_docx(long))
    (text,) = [t for t in texts if "2020" in t]
    assert f"，{WORD_JOINER}2020" in text


# Word's line breaking, from what is documented (Word itself cannot run here):
# - Word breaks on both sides of an East Asian character unless kinsoku forbids it, and at a boundary
#   between East Asian and Latin text (a Word layout reimplementation measured on Word's PDFs:
#   yukiyokotani/office-open-xml-viewer PR #976); “”‘’—…· are East Asian with w:hint="eastAsia".
# - Latin text breaks only at spaces and after a hyphen (w:wordWrap absent: ECMA-376 17.3.1.45).
# - The kinsoku lists of settings.xml replace Word's built-in ones (17.15.1.58, 17.15.1.59).
# - U+2060 WORD JOINER forbids a break on both sides (Unicode UAX #14, class WJ).
# - No punctuation hangs into the margin (w:overflowPunct="0", 17.3.1.21); when a full line has no
#   break opportunity, the line breaks where it is full.
# Word's own zh-CN lists (Options → Typography, Chinese (Simplified)), used when a file has none; as
# Word writes them into settings.xml (a Word-saved flat-XML document in a public repository).
WORD_DEFAULT_NO_START = ("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄"
                         "﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠")
WORD_DEFAULT_NO_END = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"


def _east_asian(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def word_may_break(left: str, right: str, no_start: str, no_end: str) -> bool:
    """Whether Word may end a line between the characters ``left`` and ``right``."""
    if WORD_JOINER in (left, right) or right in no_start or left in no_end:
        return False
    if _east_asian(left) or _east_asian(right):
        return True
    return left == " " or (left == "-" and right.isalpha())


def word_lines(text: str, no_start: str, no_end: str, width: float = spec.CHARS_PER_LINE,
               indent: float = spec.BODY_INDENT) -> list[str]:
    """The lines Word makes of a body paragraph (first line indented), joiners removed."""
    def w(ch: str) -> float:
        return 0.0 if ch == WORD_JOINER else (1.0 if _east_asian(ch) else 0.5)

    lines: list[str] = []
    start, used, avail = 0, 0.0, width - indent
    i = 0
    while i < len(text):
        if used + w(text[i]) <= avail + 1e-9 or i == start:
            used += w(text[i])
            i += 1
            continue
        cut = next((k for k in range(i, start, -1) if word_may_break(text[k - 1], text[k], no_start, no_end)),
                   i)
        lines.append(text[start:cut])
        start, i, used, avail = cut, cut, 0.0, width
    lines.append(text[start:])
    return [line.replace(WORD_JOINER, "") for line in lines]


FILL = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄"
BEFORE = ["字", *"，。、；：？！）》」』】〕〗〉”’", "……", "——", *"“‘（《「『【〔〖〈",
          "11", "ab", "1%", "a."]
AFTER = ["字", "2", "b", *"，。、；：？！）》”（《“「【", "……", "——"]


@pytest.fixture(scope="module")
def matrix() -> tuple[list[tuple[str, str]], list[list[str]], list[str], bytes]:
    """The pair matrix of tests/test_linebreak_rules.py: the keys, the layout's lines of each
    paragraph, and the .docx with its body texts as written."""
    keys = [(x, y) for x in BEFORE for y in AFTER]
    paragraphs = [FILL[: int(26 - sum(0.5 if c.isascii() else 1.0 for c in x))] + x + y + "尾" * 8 + "。"
                  for x, y in keys]
    document = parse("---\nkind: 通知\ntitle: 断行\n---\n" + "\n\n".join(paragraphs) + "\n")
    laid = plan(document)
    predicted = [item.lines for item in laid.items if item.role == "body"]
    data = write_docx(laid, document)
    written = [t for t in _body_texts(data) if t.startswith(FILL[:4])]
    assert len(predicted) == len(written) == len(keys) == 680
    return keys, predicted, written, data


def test_layout_breaks_like_words_documented_rules_on_every_pair(matrix, report_figure) -> None:
    keys, predicted, written, data = matrix
    settings = _part(data, "word/settings.xml")
    no_start = settings.find("w:noLineBreaksBefore", NS).get(f"{W}val")
    no_end = settings.find("w:noLineBreaksAfter", NS).get(f"{W}val")
    differ = [(key, lines, word_lines(text, no_start, no_end))
              for key, lines, text in zip(keys, predicted, written, strict=True)
              if word_lines(text, no_start, no_end) != lines]
    report_figure(f"line-break rules, layout vs Word's documented rules (with the .docx's kinsoku lists and "
                  f"joiners): {len(keys) - len(differ)}/{len(keys)} character pairs break alike")
    assert differ == []


def test_without_the_lists_and_joiners_words_rules_would_differ(matrix, report_figure) -> None:
    """The measures are needed: Word's built-in lists and no joiners break many pairs elsewhere."""
    _keys, predicted, written, _data = matrix
    plain = [t.replace(WORD_JOINER, "") for t in written]
    by_default = sum(word_lines(t, WORD_DEFAULT_NO_START, WORD_DEFAULT_NO_END) != lines
                     for t, lines in zip(plain, predicted, strict=True))
    lists_only = sum(word_lines(t, "".join(NO_LINE_START), "".join(NO_LINE_END)) != lines
                     for t, lines in zip(plain, predicted, strict=True))
    report_figure(f"line-break rules, layout vs Word's rules without the .docx's measures: {by_default}/680 "
                  f"pairs differ with Word's own lists, {lists_only}/680 with the layout's lists and no "
                  "joiners")
    assert by_default > lists_only > 0


# --- 5. the 版记 floats at the bottom of the type area; LibreOffice gets the padded form -------------

def _colophon_doc(paragraphs: int):  # type: ignore[no-untyped-def]
    body = "\n\n".join(["这是一段正文，用来把版记推到下一页。" * 3] * paragraphs)
    document = parse(COLOPHON_DOC.format(body=body))
    return document, plan(document)


def _c14n(data: bytes, name: str) -> bytes:
    return etree.tostring(_part(data, name), method="c14n")


# 1 paragraph: the 版记 on a new even page; 9: on the last page; 12: fewer blank lines; 19: a blank
# page before the 版记 page.
LENGTHS = [1, 9, 12, 19]


@pytest.mark.parametrize("paragraphs", LENGTHS)
def test_colophon_floats_at_the_bottom_of_the_type_area_without_padding(paragraphs: int) -> None:
    document, laid = _colophon_doc(paragraphs)
    data = write_docx(laid, document)
    root = _part(data, "word/document.xml")
    body = root.find("w:body", NS)
    tbl = body.find("w:tbl", NS)
    float_pr = tbl.find("w:tblPr/w:tblpPr", NS)
    attrs = {k.split("}")[1]: v for k, v in float_pr.attrib.items()}
    assert (attrs["vertAnchor"], attrs["tblpYSpec"], attrs["horzAnchor"]) == ("margin", "bottom", "margin")
    assert _val(tbl, "w:tblPr/w:tblOverlap") == "never"
    before = tbl.getprevious()
    text = "".join(t.text or "" for t in before.iter(f"{W}t"))
    # Right after the text, or after the paragraph that opens the 版记's page: no blank lines.
    assert text or before.find("w:pPr/w:pageBreakBefore", NS) is not None
    variables = _part(data, "word/settings.xml").find("w:docVars", NS)
    colophon = laid.colophon
    pad = colophon.pad_lines - (1 if colophon.page_break_before else 0)
    assert variables[0].get(f"{W}val") == str(max(pad, 0))


@pytest.mark.parametrize("paragraphs", LENGTHS)
def test_libreoffice_copy_is_the_padded_form(paragraphs: int) -> None:
    """The staged copy holds the same body as the padded writer output: the PDF tests measure that
    form (its last rule on the type area's bottom edge, tests/test_render_pdf.py)."""
    document, laid = _colophon_doc(paragraphs)
    staged = stage_docx(write_docx(laid, document))
    padded = stage_docx(write_docx(laid, document, anchored=False))
    for name in ("word/document.xml", "word/settings.xml"):
        assert _c14n(staged, name) == _c14n(padded, name)
    root = _part(staged, "word/document.xml")
    assert root.find(".//w:tblpPr", NS) is None
    blanks = 0
    node = root.find(".//w:tbl", NS).getprevious()
    while (node is not None and not "".join(node.itertext())
           and node.find("w:pPr/w:pageBreakBefore", NS) is None):
        blanks += 1
        node = node.getprevious()
    colophon = laid.colophon
    assert blanks == max(colophon.pad_lines - (1 if colophon.page_break_before else 0), 0)


def test_a_docx_without_the_variable_is_staged_unchanged_in_its_tables() -> None:
    document, laid = _colophon_doc(9)
    padded = write_docx(laid, document, anchored=False)
    assert _part(padded, "word/settings.xml").find("w:docVars", NS) is None
    assert _c14n(stage_docx(padded), "word/document.xml").count(b"w:tbl>") == \
        _c14n(padded, "word/document.xml").count(b"w:tbl>")


# --- the calibration page ------------------------------------------------------------------------

CALIBRATION = Path(__file__).resolve().parent.parent / "examples" / "calibration"


@pytest.fixture(scope="module")
def calibration_plan():  # type: ignore[no-untyped-def]
    from reportgen.project import load_project, make_style, render_document

    project = load_project(CALIBRATION)
    (d,) = project.documents
    return render_document(d.name, d.template, project.data + d.data,
                           make_style(d.style, project.style, d.place), project.root).plan


def test_calibration_numbers_every_line_and_column(calibration_plan) -> None:  # type: ignore[no-untyped-def]
    laid = calibration_plan
    assert laid.pages == 2
    body = [item for item in laid.items if item.role == "body"]
    numbered = [item for item in body if item.text.startswith("第")]
    assert [item.positions for item in numbered] == [[(1, n)] for n in range(3, 23)]
    for item in numbered:
        assert item.text.startswith(f"第{item.positions[0][1]:02d}行") and item.text.endswith("８")
    ruler = next(item for item in body if item.text.startswith("３４５"))
    assert [len(line) for line in ruler.lines] == [26, 28]
    half = next(item for item in body if item.text.startswith("3344"))
    assert half.lines == [half.text]
    cases = [item for item in body if item.text.startswith("例")]
    assert [2 + len(item.lines[0]) for item in cases] == [26, 26, 28, 27, 26]  # where line 1 ends
    colophon = laid.colophon
    assert (colophon.page, colophon.blank_page_before) == (2, False)  # numbered pages 1 and 2


@pytest.mark.render
def test_calibration_pdf_shows_what_the_layout_predicts(tmp_path: Path, report_figure) -> None:  # type: ignore[no-untyped-def]
    import pdfplumber
    from conftest import build_pdfs
    from pdfmeasure import compare_breaks, horizontal_rules, page_number_problems, to_mm

    from reportgen.project import load_project, make_style, render_document

    out = build_pdfs(CALIBRATION, tmp_path / "out")
    project = load_project(CALIBRATION)
    (d,) = project.documents
    laid = render_document(d.name, d.template, project.data + d.data,
                           make_style(d.style, project.style, d.place), project.root).plan
    with pdfplumber.open(out / "calibration.pdf") as pdf:
        found = compare_breaks(laid, pdf, spec.LINE_PITCH / 20)
        assert [p for p in found if not p.same] == []
        report_figure(f"calibration page, layout vs LibreOffice: {len(found)}/{len(found)} paragraphs alike")
        assert [problem for page in pdf.pages for problem in page_number_problems(page)] == []
        last_rule = horizontal_rules(pdf.pages[1])[-1]
        assert to_mm(last_rule["y"]) == pytest.approx(262, abs=2)  # the type area's bottom edge
    assert (out / "calibration.docx").is_file()


@pytest.mark.parametrize("style", [
    Style(fonts=Fonts(fangsong="方正仿宋_GBK", latin="Times New Roman"),
          font_fallbacks=FontFallbacks(fangsong="FangSong", xiaobiaosong="华文中宋", latin="Arial")),
    Style(fonts=Fonts(fangsong="仿宋", kaiti="仿宋", songti='宋"体&<')),
], ids=["fallbacks", "shared-names"])
def test_house_style_output_is_schema_valid(style: Style, tmp_path: Path) -> None:
    from openxml_audit import FileFormat, OpenXmlValidator

    document, _laid = _colophon_doc(9)
    path = tmp_path / "doc.docx"
    path.write_bytes(write_docx(plan(document, style), document))
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        result = OpenXmlValidator(file_format=fmt, max_errors=100).validate(str(path))
        assert [str(e) for e in result.errors] == [], fmt


@pytest.mark.parametrize("project", ["baoji-2020", "kitchen-sink", "calibration"])
def test_example_paragraphs_break_alike_under_words_rules(project: str, report_figure) -> None:  # type: ignore[no-untyped-def]
    """Beyond the pair matrix: every body and heading paragraph of the examples, as written into the .docx."""
    from reportgen.project import load_project, make_style, render_document

    loaded = load_project(CALIBRATION.parent / project)
    start, end = base.kinsoku_lists()
    total, differ = 0, []
    for d in loaded.documents:
        rendered = render_document(d.name, d.template, loaded.data + d.data,
                                   make_style(d.style, loaded.style, d.place), loaded.root)
        laid = rendered.plan
        written = iter(_body_texts(write_docx(laid, rendered.document)))
        for item in laid.items:
            indents = (item.first_line, item.left, item.right)
            if not item.role.startswith(("body", "heading")) or indents != (2, 0, 0):
                continue
            text = next(t for t in written if t.replace(WORD_JOINER, "") == item.text)
            total += 1
            if word_lines(text, start, end) != item.lines:
                differ.append((d.name, item.lines, word_lines(text, start, end)))
    report_figure(f"line breaks, layout vs Word's documented rules ({project}): "
                  f"{total - len(differ)}/{total} body and heading paragraphs alike")
    assert total and differ == []


# 公文 text: CJK, full-width punctuation, ……, ——, numbers, Latin words, %, ‰, ℃, ·, curly quotes.
ALPHABET = (["字"] * 10 + list("，。、；：？！）》”“（《〔〕‘’·‰℃年")
            + ["……", "——", "2020", "12", "App", "a", "%", "1.5", "GDP"])


def test_random_paragraphs_break_alike_under_words_rules(report_figure) -> None:  # type: ignore[no-untyped-def]
    """3000 paragraphs drawn from the characters of 公文 text, as the writer puts them into the .docx."""
    import random

    from reportgen.layout import break_lines
    from reportgen.writers.docx import _joined

    rng = random.Random(9704)
    start, end = base.kinsoku_lists()
    differ = []
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(20, 90)))
        (written,) = _joined([text])
        if word_lines(written, start, end) != break_lines(text, spec.CHARS_PER_LINE, first_indent=2):
            differ.append(text)
    report_figure(f"line breaks, layout vs Word's documented rules: {3000 - len(differ)}/3000 random "
                  "paragraphs alike")
    assert differ == []


@pytest.mark.render
@pytest.mark.parametrize("fill", [24, 25])
def test_percent_keeps_the_number_or_word_after_it_like_libreoffice(tmp_path: Path, fill: int) -> None:
    """"%2020", "%GDP": LibreOffice keeps them on one line, and Word (one run of Latin text) too."""
    import shutil

    import pdfplumber
    from pdfmeasure import compare_breaks

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    cases = [FILL[:fill] + "%" + word + "尾" * 8 + "。" for word in ("2020", "GDP", "12", "a")]
    document = parse("---\nkind: 通知\ntitle: 断行\n---\n" + "\n\n".join(cases) + "\n")
    laid = plan(document)
    path = tmp_path / "percent.docx"
    path.write_bytes(write_docx(laid, document))
    (pdf_path,) = convert([path], tmp_path)
    with pdfplumber.open(pdf_path) as pdf:
        found = [p for p in compare_breaks(laid, pdf, spec.LINE_PITCH / 20) if p.role == "body"]
    assert len(found) == 4 and all(p.same for p in found), [(p.predicted, p.rendered) for p in found]


def test_checker_finds_nothing_in_text_with_joiners(tmp_path: Path) -> None:
    """Joiners sit in body text and headings; reportgen check reads the document as before."""
    import random

    from reportgen.check import check_file

    rng = random.Random(15834)
    paras = ["".join(rng.choice(ALPHABET[:-4]) for _ in range(rng.randint(40, 90))) + "。" for _ in range(12)]
    paras += ["根据要求，2020年全市“App”备案率达到100%，GDP增长5%。" * 3, "# 总体情况，2020年App（GDP）",
              "有关工作……——取得进展（2020年）。" * 3]
    head = COLOPHON_DOC.replace("kind: 通知\n",
                                "kind: 通知\norgan_mark: 某某市网信办\nnumber: 某网信〔2021〕3号\n")
    head = head.replace("signature:", "to: 各县区网信办\nsignature:")
    document = parse(head.format(body="\n\n".join(paras)))
    data = write_docx(plan(document), document)
    assert sum(t.count(WORD_JOINER) for t in _body_texts(data)) > 50
    path = tmp_path / "joined.docx"
    path.write_bytes(data)
    report = check_file(path)
    assert [(f.rule, f.severity) for f in report.findings] == []
