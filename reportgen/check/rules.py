"""The rules of GB/T 9704-2012 that a .docx can be checked against, and the checks.

Every number comes from :mod:`reportgen.spec` (the writer's source too) or from the
house style (:class:`reportgen.spec.Style`, the standard by default). A finding names
its rule, the element, the place (paragraph number and first characters) and the fix.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import gongwen, spec
from ..layout import (
    LETTER_BOTTOM_LINE_MM,
    LETTER_LINE_MM,
    LETTER_MARK_GAP_MM,
    LETTER_MARK_TOP_MM,
    ORDER_MARK_TOP_MM,
    break_lines,
    cells,
)
from ..spec import Style
from .classify import (
    CC,
    COPY_NUMBER,
    FORMAL_GENRES,
    MINUTES_LABEL,
    NOTE_ITEM,
    NUMERIC_DATE,
    ROLE_ELEMENTS,
    ROLE_NAMES,
    SIDE_BY_SIDE,
    Role,
    Structure,
    doc_number_match,
    font_kind,
    is_red,
    letter_number_split,
    strip_all,
)
from .docxread import Border, DocxView, Para, RunInfo, SectionInfo, Shape
from .tables import check_tables

# A lead phrase in emphasis: 一是加强领导。 / 首先， … up to its first full stop or colon.
LEAD_PHRASE = re.compile(r"^\s*([一二三四五六七八九十]是|首先|其次|再次|最后)[^。：:]{0,40}[。：:，]")
# A run of emphasis inside a paragraph (一是…, 二是…) in 黑体 or 楷体: a house style.
EMPHASIS = re.compile(r"^\s*([一二三四五六七八九十]是|首先|其次|再次|最后)[^。]{0,40}[。：:，]?\s*$")
# Latin fonts offices commonly set for digits and letters beside the Chinese font: a house
# setting (Style.fonts.latin), not a fault, when no house style names one.
HOUSE_LATIN = frozenset({"Times New Roman"})
# The characters that take each rFonts slot: Chinese and full-width forms eastAsia, ASCII ascii,
# other Latin hAnsi (so 2020年 in a run whose hAnsi font is wrong prints right).
SLOT_CHARS = {"eastAsia": r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]", "ascii": r"[!-~]",
              "hAnsi": r"[\u00a0-\u024f]"}
LATIN_PLACEHOLDER = re.compile(r"[XxＸ×]{2,}|[XxＸ×](?=[年月日号])")
# Elements whose height is their own: the 版头 (placed by its spacing), rule carriers, the seal.
NOT_ON_GRID = frozenset({"copy_number", "secrecy", "urgency", "organ_mark", "doc_number", "signers", "seal",
                         "blank"})
# A line of at least this many times the font size is as tall as "at least" says (the font's own
# line height is smaller): it prints like an exact line.
ASCENT_FACTOR = 1.4
# Twips a paragraph's spacing may be off whole grid lines, per line (Word rounds to 0.05 pt).
GAP_TOLERANCE = 3
# Twips a page's lines may pass the type area's height and still fit (rounding of exact spacing).
GRID_SLACK = 30


@dataclass(frozen=True)
class Rule:
    element: str
    severity: str
    clause: str
    summary: str


def _mm(twips: float) -> str:
    return f"{twips / spec.TWIPS_PER_MM:.0f} mm"


PAPER = f"A4 {_mm(spec.PAGE_WIDTH)} × {_mm(spec.PAGE_HEIGHT)}"
MARGINS = (f"上 {_mm(spec.MARGIN_TOP)} 下 {_mm(spec.MARGIN_BOTTOM)} 左 {_mm(spec.MARGIN_LEFT)} "
           f"右 {_mm(spec.MARGIN_RIGHT)}")
TYPE_AREA = f"版心 {_mm(spec.TEXT_WIDTH)} × {_mm(spec.TEXT_HEIGHT)}"
PITCH_PT = f"{spec.LINE_PITCH / spec.TWIPS_PER_PT:g} 磅 pt"

RULES: dict[str, Rule] = {
    "page.size": Rule("页面设置", "error", "5.1", f"{PAPER} (±{spec.PAGE_TOLERANCE_MM:g} mm)"),
    "page.margins": Rule("页面设置", "error", "5.2.1",
                         f"margins {MARGINS} ({TYPE_AREA}, ±{spec.PAGE_TOLERANCE_MM:g} mm)"),
    "grid.doc-grid": Rule("页面设置", "error", "5.2.3", "a line grid that gives "
                          f"{spec.LINES_PER_PAGE} lines in the type area, where the text relies on it"),
    "grid.line-spacing": Rule("行距", "error", "5.2.3", f"{spec.LINES_PER_PAGE} lines a page as printed: "
                              f"exact line spacing ({PITCH_PT}), paragraph spacing in whole lines"),
    "font.name": Rule("字体", "error", "5.2.2, 7", "the font kind of each element in every rFonts slot "
                      "(eastAsia, ascii, hAnsi): 小标宋 title, 黑体 一、, 楷体 （一）, 仿宋 body …"),
    "font.theme": Rule("字体", "error", "5.2.2, 7",
                       "a theme font that the document's theme does not resolve to a font of the right kind"),
    "font.size": Rule("字号", "error", "5.2.2, 7", "2号 title, 3号 body, 4号 版记 and page numbers …"),
    "text.color": Rule("颜色", "error", "5.2.4", "text is black except the organ mark and the red rule"),
    "copy-number.format": Rule("版头", "error", "7.2.1", "份号: 6 Arabic digits"),
    "secrecy.period": Rule("版头", "warning", "7.2.2", "密级和保密期限: 机密★1年 (★ and a period)"),
    "urgency.word": Rule("版头", "error", "7.2.3", "紧急程度: 特急 or 加急"),
    "doc-number.nian": Rule("版头", "error", "7.2.5", "发文字号: no 年 after the year in 〔〕"),
    "doc-number.spaces": Rule("版头", "error", "7.2.5", "发文字号: no spaces inside"),
    "organ-mark.color": Rule("版头", "error", "7.2.4", "发文机关标志 in red"),
    "doc-number.brackets": Rule("版头", "error", "7.2.5", "发文字号: the year in 六角括号 〔〕"),
    "doc-number.year": Rule("版头", "error", "7.2.5", "发文字号: the full year (2020, not 20)"),
    "doc-number.di": Rule("版头", "error", "7.2.5", "发文字号: no 第 before the number"),
    "doc-number.zero": Rule("版头", "error", "7.2.5",
                            "发文字号: no leading zero in the number (1号, not 01号)"),
    "doc-number.position": Rule("版头", "error", "7.2.5",
                                "发文字号 centred; 居左空一字 when 签发人 stands on its line"),
    "doc-number.date": Rule("版头", "error", "7.2.5",
                            "发文字号: the year in 〔〕 is the year of the 成文日期"),
    "signers.missing": Rule("版头", "warning", "7.2.6", "上行文 (报告, 请示) carry 签发人"),
    "signers.position": Rule("版头", "error", "7.2.6", "签发人 on the 文号 line, 居右空一字"),
    "red-rule.missing": Rule("版头", "error", "7.2.7", "a red rule under the 发文字号"),
    "red-rule.color": Rule("版头", "error", "7.2.7", "the rule under the 发文字号 is red"),
    "red-rule.width": Rule("版头", "error", "7.2.7", "the red rule spans the type width"),
    "title.align": Rule("标题", "error", "7.3.1", "title centred"),
    "title.shape": Rule("标题", "error", "7.3.1",
                        "a title on several lines is a 梯形 (上短下长) or 菱形, not a rectangle, "
                        "an hourglass or 上长下短"),
    "to.colon": Rule("主送机关", "error", "7.3.2", "主送机关 ends with a full-width colon ："),
    "to.one": Rule("主送机关", "error", "条例 15", "a 请示 has one 主送机关 (一文一事)"),
    "to.indent": Rule("主送机关", "error", "7.3.2", "主送机关 flush left (顶格)"),
    "body.indent": Rule("正文", "error", "7.3.3",
                        "paragraphs and headings: first line 左空二字, no left indent"),
    "request.ending": Rule("正文", "warning", "条例 15", "a 请示 ends with its request (妥否，请批示。)"),
    "report.request": Rule("正文", "warning", "条例 15", "a 报告 carries no 请示事项"),
    "heading.marker": Rule("正文层级", "error", "7.3.3", "level markers 一、 （一） 1. （1）"),
    "heading.sequence": Rule("正文层级", "error", "7.3.3", "headings numbered in order, no gap, no repeat"),
    "heading.keep-next": Rule("正文层级", "error", "7.3.3",
                              "a heading on a line of its own never ends a page alone (error where the "
                              "pages can be predicted; a notice of the missing keep-with-next where not)"),
    "attachment-note.form": Rule("附件说明", "error", "7.3.4",
                                 "附件：名称, several numbered 附件：1.名称 2.名称 in order"),
    "attachment-note.punctuation": Rule("附件说明", "error", "7.3.4",
                                        "no punctuation after attachment names"),
    "attachment-note.indent": Rule("附件说明", "error", "7.3.4",
                                   "左空二字; the numbers of later lines under the first"),
    "date.format": Rule("成文日期", "error", "7.3.5.4",
                        "Arabic numerals, full year, no leading zero: 2020年12月15日"),
    "date.position": Rule("成文日期", "error", "7.3.5.1",
                          "成文日期 右空四字 (unsealed: 首字比署名首字右移二字)"),
    "signature.position": Rule("署名", "error", "7.3.5.1",
                               "署名 centred over the date (unsealed: 右空二字)"),
    "attachment.label": Rule("附件", "error", "7.3.7",
                             "附件 / 附件2 flush left on the attachment's first line"),
    "signature.missing": Rule("署名", "error", "7.3.5", "a 署名 above the 成文日期"),
    "date.missing": Rule("成文日期", "error", "7.3.5", "a 成文日期 at the end of the main text"),
    "to.missing": Rule("主送机关", "error", "7.3.2", "a 请示 or 报告 names its 主送机关"),
    "attachment-note.missing": Rule("附件说明", "error", "7.3.4",
                                    "text that refers to an attachment (见附件) has a 附件说明"),
    "colophon.cc": Rule("版记", "error", "7.4.2", "抄送： with a full-width colon, organs separated by ，"),
    "colophon.cc-stop": Rule("版记", "warning", "7.4.2", "a full stop after the last 抄送 organ"),
    "colophon.print-date": Rule("版记", "warning", "7.4.3", "印发日期 on or after the 成文日期"),
    "colophon.printer": Rule("版记", "error", "7.4.3", "印发机关 left, 印发日期 + 印发 right, 右空一字"),
    "colophon.indent": Rule("版记", "error", "7.4.2", "抄送 and 印发机关 左右各空一字"),
    "colophon.rules": Rule("版记", "error", "7.4.1",
                           f"full-width rules: first and last {spec.COLOPHON_THICK_MM} mm, "
                           f"the ones between {spec.COLOPHON_THIN_MM} mm"),
    "colophon.order": Rule("版记", "error", "7.4", "抄送 above 印发; nothing after the 版记"),
    "page-number.missing": Rule("页码", "error", "7.5", "every page numbered (page 1 too)"),
    "page-number.format": Rule("页码", "error", "7.5", "— 1 —: Arabic page number between 一字线 (—)"),
    "page-number.position": Rule("页码", "error", "7.5",
                                 "odd pages right, even pages left, 一字 from the edge of the type area"),
    "organ-mark.position": Rule("版头", "error", "10.1, 10.2, 10.3",
                                "the mark's top: 信函 30 mm from the page's top edge, 命令 20 mm and 纪要 "
                                "35 mm below the type area's top"),
    "letter.double-lines": Rule("版头", "error", "10.1",
                                "信函: red double lines 170 mm long, centred: 上粗下细 4 mm under the mark, "
                                "上细下粗 20 mm above the page's bottom edge"),
    "letter.page-number": Rule("页码", "error", "10.1", "信函: no page number on the first page"),
    "table.width": Rule("表格", "error", "5.2.1", "a table no wider than the type area of its page"),
    "table.header-repeat": Rule("表格", "warning", "", "a table longer than a page repeats its header rows"),
    "table.title": Rule("表格", "warning", "", "表N titles above their tables, numbered in order, on every "
                        "table once one has one"),
    "table.total": Rule("表格", "warning", "", "a 合计/总计 row equals the sum of the figures above it"),
    "table.font": Rule("表格", "warning", "", "cell text in 仿宋, 黑体, 楷体 or 宋体"),
    "table.size": Rule("表格", "warning", "", "cell text from 五号 to 三号, one size across the body rows"),
    "classify.unsure": Rule("识别", "warning", "", "a paragraph whose element the checker is unsure of"),
    "classify.not-measured": Rule("识别", "notice", "",
                                  "elements in text boxes: fonts checked, place not measured"),
    "classify.not-gongwen": Rule("识别", "notice", "",
                                 "a document that is no 公文 (a form, a manual): this notice, not the rules"),
}


@dataclass
class Finding:
    rule: str
    severity: str
    element: str
    message: str
    fix: str
    paragraph: int | None = None
    text: str | None = None  # the paragraph's first characters
    where: str | None = None  # a place that is not a body paragraph (section, footer)
    unsure: bool = False
    clause: str = ""
    xml: str = ""  # the OOXML the fix means, for --format json only

    @property
    def place(self) -> str:
        if self.paragraph is not None:
            text = f"「{self.text}」" if self.text else "（空行 blank）"
            return f"第{self.paragraph}段 {text}"
        return self.where or ""


def excerpt(text: str, n: int = 12) -> str:
    flat = strip_all(text).replace("\n", "⏎").replace("\t", " ")
    return flat if len(flat) <= n else flat[:n] + "…"


def mm(twips: float) -> float:
    return twips / spec.TWIPS_PER_MM


# Chapter 10's places [10.1–10.3], as reportgen.layout writes them.
CHAPTER10_MARK_TOP_MM = {"order": ORDER_MARK_TOP_MM, "minutes": spec.ORGAN_MARK_TOP_MM}
# A mark's top is the top of its em box, modelled from the line and the size (the glyphs of another
# program's font stand up to half a millimetre higher or lower): beyond the standard's ±1 mm by that.
MARK_TOLERANCE_MM = spec.PAGE_TOLERANCE_MM + 0.5


def _em_top(p: Para) -> float:
    """Twips from the top of an exact-spaced paragraph to the top of its first line's em box."""
    assert p.line is not None
    return p.before + spec.EXACT_BASELINE * p.line - spec.EM_ASCENT * p.size * 20
LETTER_BOTTOM_MM = LETTER_BOTTOM_LINE_MM
EMU_PER_MM = 36000


class Checker:
    def __init__(self, view: DocxView, structure: Structure, style: Style) -> None:
        self.view = view
        self.s = structure
        self.style = style
        self.findings: list[Finding] = []
        self.pending: dict[tuple[str, ...], list[tuple[Para | None, str | None, str, str]]] = {}
        self.placed_by_number = False
        self.unmeasured: list[str] = []  # elements found but drawn where their place is not measured
        self.paras = {p.index: p for p in view.paras}

    # --- helpers ---------------------------------------------------------------------

    def role(self, p: Para) -> Role:
        return self.s.roles[p.index]

    def add(self, rule: str, message: str, fix: str, para: Para | None = None, *, where: str | None = None,
            severity: str | None = None, element: str | None = None, xml: str = "") -> None:
        info = RULES[rule]
        unsure = False
        sev = severity or info.severity
        if element is None:
            element = info.element
            if para is not None and info.element in ("字体", "字号", "颜色", "行距", "正文"):
                element = ROLE_ELEMENTS.get(self.role(para).role, info.element)
        if para is not None and self.role(para).unsure and rule != "classify.unsure":
            unsure = True
            sev = "warning"
        flat = " ".join(message.split("\n"))  # a report line is one line
        self.findings.append(Finding(rule, sev, element, flat, fix, para.index if para else None,
                                     excerpt(para.text) if para else None, where, unsure, info.clause, xml))

    def each(self, *roles: str) -> Iterator[Para]:
        for index, role in self.s.roles.items():
            if role.role in roles:
                yield self.paras[index]

    def section(self, p: Para) -> SectionInfo:
        return self.view.sections[min(p.section, len(self.view.sections) - 1)]

    def line_cells(self, p: Para) -> float:
        # Positions are judged on the standard's type area: a wrong page size or margin is its own
        # finding (page.*), not a reason to call every right-aligned line misplaced as well.
        return spec.TEXT_WIDTH / p.cell

    def right_gap(self, p: Para) -> float:
        """Cells between the end of the (one-line) text and the right edge of the type area."""
        core = strip_all(p.text)
        lead = p.text[: len(p.text) - len(p.text.lstrip(" \u3000\xa0"))]
        trail = p.text[len(p.text.rstrip(" \u3000\xa0")) :]
        width = self.line_cells(p)
        if p.align == "right":
            return p.right / p.cell + cells(trail)
        if p.align == "center":
            free = width - (p.left + p.right) / p.cell - cells(p.text)
            return p.right / p.cell + free / 2 + cells(trail)
        start = (p.left + p.first_line) / p.cell + cells(lead)
        return width - start - cells(core)

    # --- running all --------------------------------------------------------------------

    def run(self) -> list[Finding]:
        if self.s.format == "not-gongwen":
            what = "文档没有文字 the document has no text" if all(p.blank for p in self.view.paras) else (
                f"不像公文 not a 公文: 没有版头、文种、主送机关或成文日期{self._table_share()}")
            self.add("classify.not-gongwen", f"{what}，未按 GB/T 9704 检查 the rules were not applied",
                     "如是公文，按 GB/T 9704 排出版头、标题、主送机关和成文日期后再检查",
                     where="全文 document")
            return self.findings
        for index, why in self.s.notes:
            para = self.paras.get(index) if index is not None else None
            self.add("classify.unsure", why, "检查这一段的格式，或忽略本提示 check this paragraph's format",
                     para, where=None if para else "全文 document")
        self.unmeasured = sorted({f"{ROLE_NAMES[r.role]}（文本框 text box）" for i, r in self.s.roles.items()
                                  if self.paras[i].in_box and r.role not in ("blank", "unknown")})
        self.page_setup()
        self.grid()
        self.fonts()
        self.head()
        self.chapter10()
        self.title()
        self.to()
        self.body()
        self.headings_kept()
        self.attachment_note()
        self.missing()
        self.signature()
        self.attachments()
        self.colophon()
        self.page_numbers()
        check_tables(self)
        self.flush()
        if self.unmeasured:
            shown = "、".join(dict.fromkeys(self.unmeasured))
            self.add("classify.not-measured", f"{shown}：位置未检查 their place on the page was not measured",
                     "在打印预览中核对位置 check the place in print preview", where="全文 document")
        return self.findings

    # --- 页面设置 ------------------------------------------------------------------------

    def page_setup(self) -> None:
        tol = spec.PAGE_TOLERANCE_MM
        for sec in self.view.sections:
            where = f"第{sec.index + 1}节 section {sec.index + 1}"
            w, h = sec.page_width, sec.page_height
            turned = is_turned(sec)
            if w is None or h is None:
                self.add("page.size", "未设置纸张大小 no paper size set (Word then uses Letter)",
                         f"页面设置 → 纸张 {PAPER}", where=where)
            elif not turned and (abs(mm(w - spec.PAGE_WIDTH)) > tol or abs(mm(h - spec.PAGE_HEIGHT)) > tol):
                self.add("page.size", f"纸张 paper {mm(w):.1f} × {mm(h):.1f} mm，应为 {PAPER}",
                         f"页面设置 → 纸张 {PAPER}, 纵向 portrait", where=where)
            wanted = {"top": spec.MARGIN_TOP, "bottom": spec.MARGIN_BOTTOM, "left": spec.MARGIN_LEFT,
                      "right": spec.MARGIN_RIGHT}
            if turned:  # 横排表格 [9]: the upright margins turned with the page, the head at the 订口
                wanted = {"top": spec.MARGIN_LEFT, "bottom": spec.MARGIN_RIGHT, "left": spec.MARGIN_BOTTOM,
                          "right": spec.MARGIN_TOP}
            names = {"top": "上 top", "bottom": "下 bottom", "left": "左 left", "right": "右 right"}
            off = []
            for side, value in wanted.items():
                got = sec.margins.get(side)
                if side == "left":
                    got = (got or 0) + (sec.margins.get("gutter") or 0) if got is not None else None
                if got is None or abs(mm(got - value)) > tol:
                    shown = "未设置 unset" if got is None else f"{mm(got):.1f} mm"
                    off.append(f"{names[side]} {shown}（应为 {mm(value):.0f} mm）")
            if off:
                self.add("page.margins", "页边距 margins: " + "，".join(off),
                         f"页面设置 → 页边距 {MARGINS}，装订线 0 ({TYPE_AREA})", where=where)
            if sec.grid_type == "linesAndChars" and sec.grid_pitch:
                self.add("grid.doc-grid", f"网格类型 grid type {sec.grid_type}: LibreOffice 7 lays a "
                         "character grid out with far fewer characters per line",
                         "页面设置 → 文档网格 → 只指定行网格", where=where, severity="warning",
                         xml="w:docGrid w:type=lines")

    def _table_share(self) -> str:
        text = [p for p in self.view.paras if not p.blank]
        share = sum(1 for p in text if p.in_table) / max(len(text), 1)
        return f"，{share:.0%} 的文字在表格中 of the text is in tables" if share > 0.5 else ""

    def _grid_lines(self, sec: SectionInfo) -> int:
        """Lines the grid's pitch gives in the standard's type area (page.* judge the area itself)."""
        if not sec.grid_pitch:
            return 0
        return int(spec.TEXT_HEIGHT // sec.grid_pitch)

    def grid(self) -> None:
        """Lines per page as they print: one finding per cause (a line spacing, a paragraph gap),
        named at its first paragraph with the count, since the cause is nearly always a style."""
        causes: dict[tuple[str, ...], list[Para]] = {}
        grid_fault: set[int] = set()
        for p in self.view.paras:
            role = self.role(p).role
            if p.blank or p.in_table or p.in_box or p.has_image or role in NOT_ON_GRID:
                continue
            cause = self._spacing_cause(p, role)
            if cause is None:
                continue
            if cause[0] == "grid":
                grid_fault.add(p.section)
                continue
            causes.setdefault(cause, []).append(p)
        for sec in self.view.sections:
            if sec.index in grid_fault:
                lines = self._grid_lines(sec)
                self.add("grid.doc-grid", f"网格每页 {lines} 行 the grid gives {lines} lines per page, "
                         f"应为 {spec.LINES_PER_PAGE} 行",
                         f"页面设置 → 文档网格 → 只指定行网格，每页 {spec.LINES_PER_PAGE} 行",
                         where=f"第{sec.index + 1}节 section {sec.index + 1}",
                         xml=f"w:docGrid w:type=lines w:linePitch={spec.LINE_PITCH}")
        pitch = spec.LINE_PITCH
        menu = f"段落 → 缩进和间距 → 行距 固定值 {pitch / 20:g} 磅"
        for cause, paras in causes.items():
            # Named at its first paragraph whose element is sure (a doubt would weaken the finding).
            first = next((p for p in paras if not self.role(p).unsure), paras[0])
            styles = {p.style for p in paras}
            where = f"（样式 style “{first.style}”）" if len(styles) == 1 and first.style else ""
            count = f"{len(paras)} 段 paragraphs{where}"
            kind = cause[0]
            if kind == "gap":
                self.add("grid.line-spacing", f"{count}: 段前 {first.before / 20:g} 磅、段后 "
                         f"{first.after / 20:g} 磅，行不再对齐 {spec.LINES_PER_PAGE} 行的网格 "
                         "spacing before/after that is not whole lines",
                         "段落 → 缩进和间距 → 段前、段后 0（空行用整行）", first,
                         xml="w:spacing w:before=0 w:after=0")
            elif kind in ("exact", "atLeast"):
                lines = spec.TEXT_HEIGHT // first.line if first.line else 0
                how = "固定值" if kind == "exact" else "最小值"
                self.add("grid.line-spacing", f"{count}: 行距 {how} {first.line / 20:g} 磅，每页 {lines} 行 "
                         f"lines per page，应为 {spec.LINES_PER_PAGE} 行", menu, first,
                         xml=f"w:spacing w:line={pitch} w:lineRule=exact")
            elif kind == "snap":
                self.add("grid.line-spacing", f"{count}: 行距 单倍，靠文档网格对齐 snaps to the grid："
                         f"Word 中每页 {spec.LINES_PER_PAGE} 行，其他软件可能不同 other programs may differ",
                         menu, first, severity="warning", xml=f"w:spacing w:line={pitch} w:lineRule=exact")
            elif kind == "auto":
                shown = "、".join(sorted({f"最小值 {p.line / 20:g} 磅" if p.line_rule == "atLeast" and p.line
                                          else f"多倍 {(p.line or 240) / 240:g}" for p in paras}))
                self.add("grid.line-spacing", f"{count}: 行距 {shown}，行高随字体而变 the line height "
                         f"follows the font, 每页不是 {spec.LINES_PER_PAGE} 行", menu, first,
                         xml=f"w:spacing w:line={pitch} w:lineRule=exact")

    def _spacing_cause(self, p: Para, role: str) -> tuple[str, ...] | None:
        """Why a paragraph's lines do not print at 22 a page, None when they do."""
        pitch = spec.LINE_PITCH
        sec = self.section(p)
        whole = role not in ("title", "attachment_title")  # a title may stand apart by its own spacing
        if p.line_rule == "exact" and p.line:
            if whole and spec.TEXT_HEIGHT // p.line != spec.LINES_PER_PAGE:
                return ("exact", str(p.line))
        elif p.line_rule == "atLeast" and p.line and p.line >= p.size * 20 * ASCENT_FACTOR:
            if whole and spec.TEXT_HEIGHT // p.line != spec.LINES_PER_PAGE:
                return ("atLeast", str(p.line))
        else:
            snaps = p.line_rule == "auto" and p.snap_to_grid and (p.line or 240) <= 240 \
                and sec.grid_type in ("lines", "linesAndChars") and sec.grid_pitch
            if not snaps:
                return ("auto",)  # whatever the amount: the line height follows the font
            if self._grid_lines(sec) != spec.LINES_PER_PAGE:
                return ("grid",)
            return ("snap",) if p.before + p.after == 0 else ("gap",)
        gap = p.before + p.after
        k = round(gap / pitch)
        if role in ("cc", "printer", "colophon_other"):
            return None  # the 版记 is pushed to the foot of the page by the spacing above it
        if whole and abs(gap - k * pitch) > GAP_TOLERANCE * max(k, 1):
            return ("gap", str(p.before), str(p.after))
        return None
    # --- fonts, sizes, colours ------------------------------------------------------------

    def zones(self, p: Para, role: Role) -> list[tuple[int, int, str | None]]:
        """(start, end, font kind) spans of the paragraph's text; None: any font."""
        text = p.text
        if role.role in ("doc_number", "minutes_line") and self.s.format in ("minutes", "order"):
            return [(0, len(text), None)]  # a 纪要's 编号 line, a 令号: GB/T 9704 names no font [10.2, 10.3]
        kind, _size = spec.ELEMENT_FORMATS.get(role.role, (None, None))
        if role.role.startswith("heading") and role.level in (1, 2):
            head_kind = spec.HEADING_FONTS[role.level - 1]
            m = re.search(r"[。！？]", text)
            cut = m.end() if m and text[m.end() :].strip() else len(text)
            return [(0, cut, head_kind), (cut, len(text), "fangsong")]
        split = letter_number_split(text) if role.role == "doc_number" else None
        if split:  # 信函: 份号 (仿宋) or 密级, 紧急程度 (黑体) left of the 文号 [10.1]
            tab = text.index("\t")
            left = "fangsong" if COPY_NUMBER.match(split[0]) else "heiti"
            return [(0, tab, left), (tab, len(text), "fangsong")]
        if role.role in ("doc_number", "signers") and "签发人" in text:
            label = text.index("签发人")
            colon = re.search(r"签发人\s*[:：]?", text[label:])
            names = label + (colon.end() if colon else 3)
            return [(0, names, "fangsong"), (names, len(text), "kaiti")]
        if role.role == "body" and self.s.format == "minutes":
            label = MINUTES_LABEL.match(text)
            if label:  # 出席：… 请假：… 列席：… [10.3]: the label in 黑体
                return [(0, label.end(), "heiti"), (label.end(), len(text), "fangsong")]
        if role.role == "body":
            lead = LEAD_PHRASE.match(text)
            if lead:  # 一是…。 in 黑体 or 楷体: a common house emphasis, the rest 仿宋
                return [(0, lead.end(), None), (lead.end(), len(text), "fangsong")]
        if role.role == "doc_number" and "\t" in text.strip():
            names = text.index("\t", len(text) - len(text.lstrip()))  # the last signers after a tab
            return [(0, names, "fangsong"), (names, len(text), "kaiti")]
        return [(0, len(text), kind)]

    def fonts(self) -> None:
        for p in self.view.paras:
            role = self.role(p)
            if role.role not in spec.ELEMENT_FORMATS or p.blank or role.unsure:
                continue  # an element the checker is unsure of: said once, its format not judged
            self._fonts_of(p, role.role, self.zones(p, role))
            self._colour_of(p, role.role)

    def _fonts_of(self, p: Para, role: str, zones: list[tuple[int, int, str | None]],
                  where: str | None = None) -> None:
        _kind, size = spec.ELEMENT_FORMATS[role]
        severity = "warning" if role == "organ_mark" else None  # 7.2.4 only recommends 小标宋
        reported: set[tuple[str, str]] = set()
        element = ROLE_ELEMENTS.get(role, "页码") if role != "page_number" else "页码"
        para = p if where is None else None
        for run in p.runs:
            visible = [k for k, ch in enumerate(run.text) if not ch.isspace()]
            if not visible:
                continue
            first, last = run.start + visible[0], run.start + visible[-1]
            emphasis = role == "body" and EMPHASIS.match(run.text) is not None
            for start, end, kind in zones:
                if kind is None or last < start or first >= end or emphasis:
                    continue
                self._check_slots(run, kind, p, para, where, element, severity, reported)
            if size is not None and abs(run.size - size) > spec.SIZE_TOLERANCE_PT:
                key = ("font.size", str(run.size))
                if key not in reported:
                    reported.add(key)
                    wanted = f"{_size_name(size)} {size:g} 磅"
                    self.defer("font.size", f"字号 size {run.size:g} 磅 pt，应为 {wanted}",
                               f"字体 → 字号 {_size_name(size)}", para, where, element, None,
                               f"w:sz w:val={round(size * 2)}")

    def defer(self, rule: str, message: str, fix: str, para: Para | None, where: str | None, element: str,
              severity: str | None, xml: str, chars: str = "") -> None:
        """Hold a font or size finding: the same fault of the same element is one cause (a style),
        reported once at its first place with the number of places (see :meth:`flush`)."""
        unsure = para is not None and bool(self.role(para).unsure)
        key = (rule, message, fix, element, severity or "", str(unsure))
        self.pending.setdefault(key, []).append((para, where, chars, xml))

    def flush(self) -> None:
        for (rule, message, fix, element, severity, _unsure), places in self.pending.items():
            para, where, chars, xml = places[0]
            count = len({(p.index if p else None, w) for p, w, _c, _x in places})
            more = f"（共 {count} 处 in {count} places）" if count > 1 else ""
            self.add(rule, f"{chars} {message}{more}".strip(), fix, para, where=where, element=element,
                     severity=severity or None, xml=xml)
        self.pending.clear()

    def _check_slots(self, run: RunInfo, kind: str, p: Para, para: Para | None,
                     where: str | None, element: str, severity: str | None,
                     reported: set[tuple[str, str]]) -> None:
        """The fonts of the slots the run's characters use: eastAsia for Chinese, ascii and hAnsi
        only when it has Latin letters or digits (an unused slot does not print)."""
        wanted = spec.FONT_KIND_NAMES[kind]
        configured = getattr(self.style.fonts, kind)
        latin = self.style.fonts.latin
        latin_text = LATIN_PLACEHOLDER.sub("", run.text)  # XX stands for Chinese words yet to come
        slots = [slot for slot, chars in SLOT_CHARS.items()
                 if re.search(chars, run.text if slot == "eastAsia" else latin_text)]
        unresolved = []
        wrong: list[tuple[str, str]] = []
        for slot in slots:
            font = run.fonts[slot]
            name = font.name
            if font.theme:
                name = self.view.theme_fonts.get(font.theme) or None
                if name is None:
                    unresolved.append(f"{slot}={font.theme}")
                    continue
            ok = font_kind(name, self.style) == kind or (
                slot != "eastAsia" and (name == latin or (latin is None and name in HOUSE_LATIN)))
            if not ok:
                theme = "（主题字体 theme font）" if font.theme else ""
                wrong.append((slot, f"{name or '未指定 unset'}{theme}"))
        chars = f"「{excerpt(run.text, 8)}」"
        if unresolved:
            key = ", ".join(unresolved)
            if ("font.theme", key) not in reported:
                reported.add(("font.theme", key))
                self.defer("font.theme", f"主题字体无法解析 theme font not found: {key}",
                           f"字体 → 中文字体、西文字体 都选 {configured}", para, where, element, severity,
                           "w:rFonts without asciiTheme/eastAsiaTheme/hAnsiTheme", chars)
        if wrong:
            # One cause per wrong font: the slots it sits in say only which menu fixes it.
            names = ", ".join(sorted({name for _slot, name in wrong}))
            if ("font.name", names) not in reported:
                reported.add(("font.name", names))
                self.defer("font.name", f"字体 font {names}，应为 {wanted} expected",
                           f"字体 → 中文字体、西文字体 选 {configured}", para, where, element, severity,
                           "w:rFonts w:eastAsia w:ascii w:hAnsi", chars)

    def _colour_of(self, p: Para, role: str) -> None:
        if role == "organ_mark":
            return  # organ-mark.color
        for run in p.runs:
            if not run.text.strip():
                continue
            if run.color is None and run.theme_color in (None, "text1", "dark1"):
                continue
            if run.color is not None and all(int(run.color[k : k + 2], 16) <= 0x40 for k in (0, 2, 4)) \
                    and run.theme_color in (None, "text1", "dark1"):
                continue
            shown = run.color or run.theme_color
            self.add("text.color", f"文字颜色 text colour {shown}，应为黑色 black",
                     "字体 → 字体颜色 自动或黑色 automatic / black", p)
            return

    # --- 版头 -----------------------------------------------------------------------

    def head(self) -> None:
        for p in self.each("copy_number"):
            if not re.fullmatch(r"\d{6}", strip_all(p.text)):
                self.add("copy-number.format", f"份号 “{strip_all(p.text)}” 不是 6 位数字 not 6 digits",
                         "份号用 6 位阿拉伯数字，如 000123", p)
        for p in self.each("organ_mark"):
            runs = [r for r in p.runs if r.text.strip()]
            if runs and not all(is_red(r.color) for r in runs):
                shown = next((r.color or "自动 auto") for r in runs if not is_red(r.color))
                self.add("organ-mark.color", f"发文机关标志颜色 colour {shown}，应为红色 red",
                         f"字体 → 字体颜色 红色 {spec.RED}", p)
        numbers = list(self.each("doc_number"))
        signers = list(self.each("signers"))
        for p in numbers:
            self._doc_number(p)
        if self.s.format != "standard":
            return  # 信函: a double line; 命令, 纪要: no red rule [10]
        if self.view.variables.get(spec.LETTERHEAD_VARIABLE) == "preprinted":
            self.unmeasured.append("发文机关标志和红色分隔线（预印版头 pre-printed letterhead）")
            return
        if numbers:
            self._signers(numbers[0], signers)
            self._red_rule(numbers[0], signers)
        elif self.s.of("organ_mark"):
            self._red_rule(self.paras[self.s.of("organ_mark")[-1]], [])

    def _doc_number(self, p: Para) -> None:
        """Where the 文号 stands; what it says is judged with the other elements (check.elements)."""
        if doc_number_match(p.text) is None or self.s.format in ("order", "minutes"):
            return  # a 令号 or a 纪要's 编号 [10.2, 10.3]
        if self.s.format == "letter":  # 信函格式: 文号 顶格居版心右边缘, under the double line [10.1]
            gap = (self._tab_gap(p) if "\t" in strip_all(p.text) else None)
            gap = self.right_gap(p) if gap is None else gap
            if abs(gap) > spec.POSITION_TOLERANCE:
                self.add("doc-number.position", "信函格式的发文字号应顶格居版心右边缘 in 信函格式 the 文号 "
                         f"ends at the right edge (now {gap:.1f} 字 from it)", "段落 → 右对齐，右缩进 0", p)
            return
        self._number_position(p)
        if any(f.rule == "doc-number.position" and f.paragraph == p.index for f in self.findings):
            self.placed_by_number = True  # the 签发人 beside it is out of place for the same cause

    def _number_position(self, p: Para) -> None:
        cell = p.cell
        indent = (p.left + p.first_line) / cell
        one = spec.UPWARD_NUMBER_INDENT
        left_one = p.align in ("left", "both") and abs(indent - one) <= spec.INDENT_TOLERANCE
        if "签发人" in p.text:
            if not left_one:
                self.add("doc-number.position", "有签发人时发文字号应居左空一字 with 签发人 the 文号 stands "
                         f"one 字 from the left (now {_align_name(p.align)}, {indent:.1f} 字)",
                         f"段落 → 对齐方式 左对齐，特殊格式 首行缩进 {one:g} 字符", p)
        elif not (p.align == "center" or left_one):
            self.add("doc-number.position",
                     f"发文字号应居中 the 文号 is centred (now {_align_name(p.align)})",
                     "居中；上行文可居左空一字", p)

    def _signers(self, number: Para, signers: list[Para]) -> None:
        """签发人 居右空一字 on the 文号's line; with more than two signers, two names a line and
        the 文号 on the line of the last ones [7.2.6]."""
        if self.placed_by_number:
            return
        above = [p for p in signers if p.index < number.index]
        label = number if "签发人" in number.text else next((p for p in signers if "签发人" in p.text), None)
        if label is None:
            return
        shares_last_line = "\t" in number.text.strip() or "签发人" in number.text
        if label is not number and not (above and label is above[0] and shares_last_line):
            self.add("signers.position", "签发人不在发文字号同一行 签发人 not on the 文号's line",
                     "把“签发人：姓名”与发文字号排在同一行，用右对齐制表位居右空一字", label)
            return
        block = sorted([*signers, number] if shares_last_line else signers, key=lambda p: p.index)
        gaps = [(p, self._tab_gap(p)) for p in block]
        missing = next((p for p, gap in gaps if gap is None), None)
        if missing is not None:
            self.add("signers.position", "签发人应居右空一字 签发人 stands one 字 from the right "
                     "(没有制表位 no tab stop)",
                     f"段落 → 制表位：右对齐，距版心右边缘 {spec.SIGNERS_RIGHT:g} 字", missing)
            return
        nearest, gap = min(((p, g) for p, g in gaps if g is not None), key=lambda pg: pg[1])
        if abs(gap - spec.SIGNERS_RIGHT) > spec.POSITION_TOLERANCE:
            self.add("signers.position",
                     f"签发人应居右空一字 签发人 stands one 字 from the right (右空 {gap:.1f} 字)",
                     f"段落 → 制表位：右对齐，距版心右边缘 {spec.SIGNERS_RIGHT:g} 字", nearest)

    def _tab_gap(self, p: Para) -> float | None:
        """Characters between the end of a line's tabbed part and the right edge of the type area."""
        width = spec.TEXT_WIDTH  # as line_cells: on the standard's type area
        if "\t" not in p.text:
            return self.right_gap(p)
        # Tab stops are measured from the margin, whatever the paragraph's indents: a right
        # indent does not move a right tab's text (it was subtracted once, hiding a 2-字 gap).
        right = [pos for val, pos in p.tabs if val in ("right", "end")]
        if right:
            return (width - max(right)) / p.cell
        left = [pos for val, pos in p.tabs if val in ("left", "start")]
        if not left:
            return None
        after = p.text.rstrip().rsplit("\t", 1)[-1]
        return (width - max(left)) / p.cell - cells(after)

    def _red_rule(self, anchor: Para, signers: list[Para]) -> None:
        title = self.s.first("title")
        last = max([anchor.index] + [s.index for s in signers])
        stop = title if title is not None else last + 4
        found: tuple[Para, Border] | None = None
        shape_found = None
        for k in range(1, stop):
            p = self.paras.get(k)
            if p is None:
                break
            lines = [sh for sh in p.shapes if sh.is_line]
            if lines and shape_found is None:
                shape_found = (p, lines[0])  # a drawn line anchored anywhere in the 版头
            if k < anchor.index:
                continue
            bdr = None
            if k >= last and "bottom" in p.borders and p.borders["bottom"].visible:
                bdr = p.borders["bottom"]
            elif k > last and "top" in p.borders and p.borders["top"].visible:
                bdr = p.borders["top"]
            if bdr is not None:
                found = (p, bdr)
                break
        if found is None and shape_found is not None:
            p, shape = shape_found
            if not is_red(shape.color):
                self.add("red-rule.color", f"分隔线颜色 rule colour {shape.color or '?'}，应为红色 red",
                         f"设置形状格式 → 线条颜色 红色 {spec.RED}", p)
            self.unmeasured.append("红色分隔线（图形 drawn shape）")
            return
        if found is None:
            self.add("red-rule.missing", "发文字号下没有红色分隔线 no red rule under the 文号",
                     f"段落 → 边框：下框线，颜色 {spec.RED}，宽度 {self.style.red_rule_sz / 8:g} 磅", anchor,
                     xml="w:pBdr/w:bottom")
            return
        p, bdr = found
        if not is_red(bdr.color):
            self.add("red-rule.color", f"分隔线颜色 rule colour {bdr.color or '自动 auto'}，应为红色 red",
                     f"段落 → 边框：框线颜色 红色 {spec.RED}", p)
        if abs(mm(p.left)) > spec.PAGE_TOLERANCE_MM or abs(mm(p.right)) > spec.PAGE_TOLERANCE_MM:
            self.add("red-rule.width", f"分隔线短于版心 the rule is shorter than the type width (indents "
                     f"left {mm(p.left):.1f} mm, right {mm(p.right):.1f} mm)",
                     "段落左右缩进设为 0，位置用首行缩进或制表位调整", p)

    # --- chapter 10: 信函, 命令, 纪要 ------------------------------------------------------

    def chapter10(self) -> None:
        """Where a chapter 10 format puts its mark and, for a 信函, its double lines and page 1's
        footer [10.1, 10.2, 10.3]. Places that depend on how a program draws (a mark in a text box
        not anchored to the page, paragraphs without exact line spacing) are not judged."""
        fmt = self.s.format
        marks = list(self.each("organ_mark"))
        if fmt in ("order", "minutes") and marks and not marks[0].in_box:
            top = self._flow_top(marks[0])
            wanted = CHAPTER10_MARK_TOP_MM[fmt]
            if top is not None and abs(top - wanted) > MARK_TOLERANCE_MM:
                name = {"order": "命令", "minutes": "纪要"}[fmt]
                self.add("organ-mark.position",
                         f"{name}标志上边缘距版心上边缘 {top:.1f} mm，应为 {wanted:g} mm "
                         f"the mark's top is {top:.1f} mm below the type area (expected {wanted:g})",
                         "调整标志之上的空行或标志段落的段前距、行距", marks[0])
        if fmt == "letter":
            self._letter(marks)

    def _flow_top(self, p: Para) -> float | None:
        """Millimetres from the type area's top to the top of the em box of ``p``'s first line, for a
        paragraph on page 1 under paragraphs of exact line spacing (one line each); else None."""
        top = 0
        for q in self.view.paras:
            if q.index == p.index:
                break
            if q.in_box or q.in_table or q.section or q.page_break_before or q.has_page_break:
                if q.in_box:
                    continue
                return None
            if q.line_rule != "exact" or not q.line or "\n" in q.text:
                return None
            top += q.before + q.line + q.after
        if p.line_rule != "exact" or not p.line:
            return None
        return mm(top + _em_top(p))

    def _letter(self, marks: list[Para]) -> None:
        """信函: the mark 30 mm from the page's top, the two double lines, no page number on page 1."""
        sec = self.view.sections[0] if self.view.sections else None
        if sec is not None:
            first = sec.footers.get("first") if sec.title_page else sec.footers.get("default")
            if first is not None and "{PAGE}" in first.page_text:
                self.add("letter.page-number", "信函首页不显示页码 a 信函 shows no page number on page 1",
                         "页面设置 → 版式 → 首页不同，首页页脚留空",
                         where="第1节 section 1 页脚 footer（首页 first page）", xml="w:titlePg")
        title = self.s.first("title")
        head = [p for p in self.view.paras if title is None or p.index < title]
        placed = [sh for p in head for sh in p.shapes if sh.page_y is not None]
        box = next((sh for sh in placed if not sh.is_line), None)
        mark_bottom = None
        if marks and marks[0].in_box and box is not None and marks[0].line_rule == "exact" and marks[0].line:
            p = marks[0]
            top = box.page_y / EMU_PER_MM + mm(_em_top(p))
            mark_bottom = top + p.size * 25.4 / 72
            self.unmeasured = [u for u in self.unmeasured if not u.startswith(ROLE_NAMES["organ_mark"])]
            if abs(top - LETTER_MARK_TOP_MM) > MARK_TOLERANCE_MM:
                mark_bottom = None  # the lines are judged on their own, not by a misplaced mark
                self.add("organ-mark.position", f"信函标志上边缘距页面上边缘 {top:.1f} mm，应为 "
                         f"{LETTER_MARK_TOP_MM:g} mm the mark's top is {top:.1f} mm from the page's top",
                         "调整文本框的垂直位置（相对于页面）", p)
        lines = sorted((sh for sh in placed if sh.is_line and sh.length), key=lambda sh: sh.page_y or 0)
        if not lines:
            self.unmeasured.append("信函红色双线 double lines")
            return
        problems = self._double_lines(lines, mark_bottom, sec)
        if problems:
            self.add("letter.double-lines", "信函红色双线 double lines: " + "，".join(problems),
                     f"两条红色双线长 {LETTER_LINE_MM:g} mm、居中：标志下 4 mm 上粗下细，距页面下边缘 "
                     f"{LETTER_BOTTOM_MM:g} mm 上细下粗", where="第1页 page 1")

    def _double_lines(self, lines: list[Shape], mark_bottom: float | None,
                      sec: SectionInfo | None) -> list[str]:
        """What is wrong with a 信函's double lines: each drawn as two lines, or as one line of a
        compound style (thickThin, thinThick) [10.1]."""
        problems: list[str] = []
        page_w = mm(sec.page_width or spec.PAGE_WIDTH) if sec else mm(spec.PAGE_WIDTH)
        page_h = mm(sec.page_height or spec.PAGE_HEIGHT) if sec else mm(spec.PAGE_HEIGHT)
        left = mm(sec.margins.get("left") or spec.MARGIN_LEFT) if sec else mm(spec.MARGIN_LEFT)
        area_centre = left + mm(sec.text_width if sec else spec.TEXT_WIDTH) / 2
        tol = spec.PAGE_TOLERANCE_MM
        for sh in lines:
            length = (sh.length or 0) / EMU_PER_MM
            x = (sh.page_x / EMU_PER_MM if sh.page_x is not None
                 else left + sh.margin_x / EMU_PER_MM if sh.margin_x is not None else None)
            centre = x + length / 2 if x is not None else None
            if abs(length - LETTER_LINE_MM) > tol:
                problems.append(f"长 {length:.1f} mm（应为 {LETTER_LINE_MM:g}）")
            elif centre is not None and not sh.centred and \
                    min(abs(centre - area_centre), abs(centre - page_w / 2)) > tol:
                problems.append(f"未居中 not centred（中点 {centre:.1f} mm）")
            if not is_red(sh.color):
                problems.append(f"颜色 {sh.color or '自动 auto'}（应为红色 red）")
        # Each double line as (top edge, bottom edge, upper thicker, lower thicker), in mm.
        doubles: list[tuple[float, float, bool, bool]] = []
        singles = [sh for sh in lines if sh.compound is None]
        for sh in lines:
            y, w = (sh.page_y or 0) / EMU_PER_MM, (sh.stroke or 0) / EMU_PER_MM
            if sh.compound is not None:
                doubles.append((y - w / 2, y + w / 2, sh.compound == "thickThin", sh.compound == "thinThick"))
        for upper, lower in zip(singles[::2], singles[1::2], strict=False):
            uy, lw = (upper.page_y or 0) / EMU_PER_MM, (lower.stroke or 0) / EMU_PER_MM
            ly = (lower.page_y or 0) / EMU_PER_MM
            if ly - uy < 3:
                thick_over = (upper.stroke or 0) > (lower.stroke or 0)
                thin_over = (lower.stroke or 0) > (upper.stroke or 0)
                top = uy - (upper.stroke or 0) / EMU_PER_MM / 2
                doubles.append((top, ly + lw / 2, thick_over, thin_over))
        doubles.sort()
        if len(doubles) != 2 or len(singles) % 2:
            problems.append(f"{len(lines)} 条线 lines，应为两组双线 two double lines")
            return list(dict.fromkeys(problems))
        (top_1, _, thick_over_1, _), (_, bottom_2, _, thin_over_2) = doubles
        if not thick_over_1:
            problems.append("第一条应上粗下细 the first is thick over thin")
        if not thin_over_2:
            problems.append("第二条应上细下粗 the second is thin over thick")
        if mark_bottom is not None:
            gap = top_1 - mark_bottom
            if abs(gap - LETTER_MARK_GAP_MM) > tol:
                problems.append(f"距标志 {gap:.1f} mm（应为 {LETTER_MARK_GAP_MM:g}）")
        bottom = page_h - bottom_2
        if abs(bottom - LETTER_BOTTOM_MM) > tol:
            problems.append(f"第二条距页面下边缘 {bottom:.1f} mm（应为 {LETTER_BOTTOM_MM:g}）")
        return list(dict.fromkeys(problems))

    # --- 标题 -----------------------------------------------------------------------

    def title(self) -> None:
        for role in ("title", "attachment_title"):
            paras = list(self.each(role))
            if not paras:
                continue
            for p in paras:
                if p.align != "center":
                    self.add("title.align", f"标题未居中 the title is not centred ({_align_name(p.align)})",
                             "标题居中", p, element=ROLE_ELEMENTS[role])
            # One shape per title: each attachment has its own, split over adjacent paragraphs.
            groups: list[list[Para]] = []
            for p in paras:
                if groups and p.index == groups[-1][-1].index + 1:
                    groups[-1].append(p)
                else:
                    groups.append([p])
            for group in groups:
                self._title_shape(group, ROLE_ELEMENTS[role])

    def _title_shape(self, paras: list[Para], element: str) -> None:
        widths: list[float] = []
        for p in paras:
            width = self.line_cells(p) - (p.left + p.right) / p.cell
            for segment in p.text.split("\n"):
                for line in break_lines(strip_all(segment), width):
                    if line.strip():
                        widths.append(cells(line.strip()))
        shape = {"rectangle": "长方形 rectangle", "hourglass": "沙漏形 hourglass",
                 "inverted": "上长下短 (倒梯形) longest line on top", None: None}[gongwen.title_shape(widths)]
        if shape:
            shown = " / ".join(f"{w:g}" for w in widths)
            self.add("title.shape", f"标题排成{shape} (line widths {shown} 字)",
                     "换行使各行成梯形（上短下长）或菱形，词意完整", paras[0], element=element)

    # --- 主送机关 ---------------------------------------------------------------------

    def to(self) -> None:
        for p in self.each("to"):
            indent = (p.left + p.first_line) / p.cell
            if abs(indent) > spec.INDENT_TOLERANCE or p.left / p.cell > spec.INDENT_TOLERANCE:
                self.add("to.indent", f"主送机关应顶格 flush left (indent {indent:.1f} 字)",
                         "段落 → 缩进：左侧 0，特殊格式 无", p)

    # --- 正文 -----------------------------------------------------------------------

    def body(self) -> None:
        for p in self.each("body", "heading1", "heading2", "heading3", "heading4", "note"):
            first = p.first_line / p.cell
            left = p.left / p.cell
            tol = spec.INDENT_TOLERANCE
            starts_right = abs(first + left - spec.BODY_INDENT) <= tol
            # A left indent prints like a first-line indent on a one-line paragraph, and a 纪要's
            # 出席： lines hang their names under the first one [10.3].
            text = strip_all(p.text)
            one_line = "\n" not in text and cells(text) <= self.line_cells(p) - first - left
            hanging = self.s.format == "minutes" and MINUTES_LABEL.match(p.text) is not None
            if p.in_box or (starts_right and (abs(left) <= tol or one_line or hanging)):
                continue
            if not starts_right or abs(left) > tol:
                self.add("body.indent", "首行应缩进二字 first line indented 2 字 "
                         f"(now first line {first:.1f}, left {left:.1f} 字)",
                         f"段落 → 缩进：特殊格式 首行缩进 {spec.BODY_INDENT:g} 字符，左侧 0", p,
                         xml=f"w:ind w:firstLineChars={round(spec.BODY_INDENT * 100)} w:left=0")
        counters: dict[int, list[int]] = {}
        for index, role in sorted(self.s.roles.items()):
            if role.role == "attachment_label":
                counters[role.attachment] = [0, 0, 0, 0]
            if not role.role.startswith("heading"):
                continue
            p = self.paras[index]
            if role.bad_marker:
                right = spec.heading_number(role.level, role.number or 1)
                what = f"层级序号 “{role.marker}” 格式不对 wrong marker form" if role.marker else \
                    "黑体标题没有层级序号 a 黑体 heading without its number"
                self.add("heading.marker", what, f"第{_cn_level(role.level)}层用 {right}", p)
            levels = counters.setdefault(role.attachment, [0, 0, 0, 0])
            expected = levels[role.level - 1] + 1
            if role.number is not None and role.number != expected:
                what = "重复 repeated" if role.number < expected else "跳号 skipped"
                right = spec.heading_number(role.level, expected)
                self.add("heading.sequence", f"序号{what}: “{role.marker}”，应为 {right}",
                         f"按顺序编号，此处用 {right}", p)
            levels[role.level - 1] = role.number or expected
            for deeper in range(role.level, 4):
                levels[deeper] = 0

    # --- 附件说明 ---------------------------------------------------------------------

    def attachment_note(self) -> None:
        lines = list(self.each("attachment_note"))
        if not lines:
            return
        first = lines[0]
        text = strip_all(first.text)
        m = re.match(r"^附\s*件\s*([:：])\s*", text)
        if m is None or m.group(0) != "附件：":
            self.add("attachment-note.form", "应为“附件：”加全角冒号 starts with 附件：",
                     "写成“附件：名称”", first)
        numbered = len(lines) > 1 or bool(NOTE_ITEM.match(text[m.end() if m else 0 :]))
        number_starts: list[float] = []
        for k, p in enumerate(lines, 1):
            body = strip_all(p.text)
            if p is first and m is not None:
                body = body[m.end() :]
            if numbered:
                item = re.match(r"^(\d{1,2})\s*([.．、,，]?)\s*", body)
                if item is None or int(item.group(1)) != k or item.group(2) not in (".", "．"):
                    got = item.group(0).strip() if item else body[:3]
                    self.add("attachment-note.form", f"附件序号 “{got}” 应为 “{k}.” numbered in order",
                             f"用阿拉伯数字加点：{k}.名称", p)
                lead = p.text[: len(p.text) - len(p.text.lstrip(" \u3000\xa0"))]
                prefix = (p.text.lstrip(" \u3000\xa0")[: m.end()] if p is first and m else "")
                number_starts.append((p.left + p.first_line) / p.cell + cells(lead) + cells(prefix))
        start = (first.left + first.first_line) / first.cell + cells(
            first.text[: len(first.text) - len(first.text.lstrip(" \u3000\xa0"))])
        if abs(start - spec.ATTACHMENT_NOTE_INDENT) > spec.INDENT_TOLERANCE:
            self.add("attachment-note.indent",
                     f"附件说明应左空二字 starts 2 字 from the left (now {start:.1f})",
                     f"首行从第 {spec.ATTACHMENT_NOTE_INDENT + 1:g} 字开始（悬挂缩进）", first)
        for p, pos in zip(lines[1:], number_starts[1:], strict=False):
            if abs(pos - number_starts[0]) > spec.POSITION_TOLERANCE:
                self.add("attachment-note.indent", f"序号未与第一项对齐 the number is not under the first "
                         f"(at {pos:.1f}, first at {number_starts[0]:.1f} 字)", "各项序号上下对齐", p)

    # --- required elements ---------------------------------------------------------------

    def missing(self) -> None:
        """Elements the format requires that were not found (one finding each, for the document)."""
        where = "全文 document"
        fmt = self.s.format
        dates = list(self.each("date"))
        title = "".join(strip_all(self.paras[i].text) for i in self.s.of("title"))
        formal = fmt == "letter" or (fmt == "standard" and bool(
            self.s.of("organ_mark") or self.s.of("doc_number") or title.endswith(FORMAL_GENRES)))
        if formal and not dates:
            self.add("date.missing", "没有找到成文日期 no 成文日期 found at the end of the text",
                     "在正文（或附件说明）之下写成文日期，如 2020年12月15日，右空四字", where=where)
        elif formal and not self.s.of("signature") and "\n" not in dates[0].text:
            self.add("signature.missing", "成文日期之上没有发文机关署名 no 署名 above the date",
                     "在成文日期之上写发文机关署名（全称或规范化简称）", dates[0])
        refers = next((p for p in self.each("body", "heading1", "heading2", "heading3", "heading4")
                       if re.search(r"(见|详见|参见)附件|[（(]附件\d*[）)]", p.text)), None)
        if refers is not None and not self.s.of("attachment_note") and not self.s.of("attachment_label"):
            self.add("attachment-note.missing", "正文提到附件，但没有附件说明 the text refers to an "
                     "attachment but there is no 附件说明", "在正文下空一行左空二字写“附件：名称”", refers)

    # --- 署名、成文日期 ----------------------------------------------------------------

    def signature(self) -> None:
        for p in self.each("date"):
            self._date_format(p, strip_all(p.text), "成文日期")
        dates = list(self.each("date"))
        if not dates or self.s.format == "order":
            return  # a 命令 is signed with the 签名章 [10.2]
        date = dates[0]
        if self.role(date).placeholder or "\n" in strip_all(date.text):
            return  # 20XX年XX月XX日, or the signature and date in one paragraph: not measured
        names = [self.paras[i] for i in self.s.of("signature") if i < date.index]
        date_gap = self.right_gap(date)
        date_w = cells(strip_all(date.text))
        tol = spec.POSITION_TOLERANCE
        sealed_ok = abs(date_gap - spec.SEALED_DATE_RIGHT) <= tol
        if not names:
            if not sealed_ok:
                self.add("date.position",
                         f"成文日期应右空四字 the date ends 4 字 from the right (now {date_gap:.1f})",
                         f"段落 → 对齐方式 右对齐，缩进 右侧 {spec.SEALED_DATE_RIGHT:g} 字符", date)
            return
        name = names[-1]
        if self.role(name).placeholder:
            return  # XXXX / [发文单位]: the width of the name to come is not known
        if any(SIDE_BY_SIDE.search(strip_all(n.text)) for n in names):
            self._joint_signature(name, date, date_gap, date_w)
            return
        name_gap = self.right_gap(name)
        name_w = cells(strip_all(name.text))
        centred = abs((name_gap + name_w / 2) - (date_gap + date_w / 2)) <= tol
        # A signature wider than the date cannot be centred inside the type area: flush right then.
        target = max(date_gap + (date_w - name_w) / 2, 0.0)
        sealed = sealed_ok and (centred or abs(name_gap - target) <= tol)
        # Unsealed [7.3.5.2]: the signature 右空二字, the date's first character two 字 right of its first.
        shift = (self.line_cells(date) - date_gap - date_w) - (self.line_cells(name) - name_gap - name_w)
        unsealed_name = abs(min(name_gap, date_gap) - spec.UNSEALED_SIGNATURE_RIGHT) <= tol
        unsealed = unsealed_name and abs(shift - spec.UNSEALED_DATE_SHIFT) <= tol
        if sealed or unsealed:
            return
        date_message = (f"成文日期应右空四字 the date ends 4 字 from the right (now {date_gap:.1f})",
                        f"段落 → 对齐方式 右对齐，缩进 右侧 {spec.SEALED_DATE_RIGHT:g} 字符")
        if sealed_ok:  # the date is right: the signature is off
            self.add("signature.position", "署名应以成文日期为准居中 the signature is centred over the date "
                     f"(right gap {name_gap:.1f}, wanted {target:.1f} 字)",
                     f"段落 → 对齐方式 右对齐，缩进 右侧 {target:g} 字符", name)
        elif centred:  # the pair is centred, but the date is not 右空四字
            self.add("date.position", *date_message, date)
        elif unsealed_name:  # unsealed layout with the date misplaced
            self.add("date.position", f"成文日期首字应比署名首字右移二字 the date starts 2 字 right of the "
                     f"signature (now {shift:.1f})", "段落 → 对齐方式 右对齐，调整右侧缩进", date)
        else:
            self.add("date.position", *date_message, date)
            wanted = max(spec.SEALED_DATE_RIGHT + (date_w - name_w) / 2, 0)
            self.add("signature.position", "署名应以成文日期为准居中 the signature is centred over the date "
                     f"(right gap {name_gap:.1f}, wanted {wanted:.1f} 字)",
                     f"段落 → 对齐方式 右对齐，缩进 右侧 {wanted:g} 字符", name)

    def headings_kept(self) -> None:
        """A heading on a line of its own must not end a page: its paragraph keeps with the next
        (w:keepNext). Word or WPS decides the pages, which check cannot render; where every line
        stands on the 22-line grid (:meth:`page_rows`), the pages are predicted as the layout
        predicts ours, and a heading that falls on the last line of a page is an error (one that
        does not is left alone); where they cannot be predicted, the missing keep-with-next, its
        cause, is a notice (Word drafts rarely set it, and most of their headings end no page)."""
        rows: dict[int, tuple[int, int, bool]] | None = None
        predicted = False
        for p in self.each("heading1", "heading2", "heading3", "heading4"):
            text = strip_all(p.text)
            own_line = len(break_lines(text, self.line_cells(p), first_indent=max(p.first_line, 0) / p.cell,
                                       left=p.left / p.cell, right=p.right / p.cell)) == 1
            if p.keep_next or not own_line or re.search(r"[。！？：:]\S", text):
                continue  # kept, or a run-in heading with its paragraph's text
            if not predicted:
                rows, predicted = self.page_rows(), True
            place = rows.get(p.index) if rows else None
            if place is not None and not place[2]:
                continue  # the pages are known and this heading has its text under it
            if place is not None:
                self.add("heading.keep-next", f"标题在第 {place[0]} 页末行，与下文分在两页 the heading ends "
                         f"page {place[0]} alone, its text on the next page",
                         "段落 → 换行和分页 → 与下段同页 keep with next", p, severity="error",
                         xml="w:pPr/w:keepNext")
            else:
                self.add("heading.keep-next", "标题未设置“与下段同页”，页面未能预测 the heading is not kept "
                         "with the next line, and the pages could not be predicted: whether it ends a page "
                         "alone was not checked",
                         "段落 → 换行和分页 → 与下段同页 keep with next", p, severity="notice",
                         xml="w:pPr/w:keepNext")

    def page_rows(self) -> dict[int, tuple[int, int, bool]] | None:
        """(page, end in twips from the top of the type area, last line of its page before more
        text) of every paragraph up to the 版记, as the pages print when the text is made of
        exact-spaced lines: each paragraph's lines broken as :func:`reportgen.layout.break_lines`
        breaks them (LibreOffice's breaks, measured), kept with the next paragraph where it says
        so. None when that cannot be known (tables, pictures, text boxes, lines spaced by the
        font): then the pages depend on the program that prints it."""
        if not self.view.sections or self._grid_lines(self.view.sections[0]) != spec.LINES_PER_PAGE:
            return None
        limit = spec.TEXT_HEIGHT + GRID_SLACK
        colophon = {p.table for p in self.view.paras if p.in_table
                    and self.role(p).role in ("cc", "printer", "colophon_other")}
        paras = list(itertools.takewhile(lambda p: not (p.in_table and p.table in colophon), self.view.paras))
        flat: list[tuple[int, int, bool, bool]] = []  # (paragraph, twips, glued to the next, page break)
        for k, p in enumerate(paras):
            if p.in_table or p.in_box or p.has_image or p.line_rule != "exact" or not p.line:
                return None
            text = strip_all(p.text)
            count = 1
            if text:
                indents = {"first_indent": max(p.first_line, 0) / p.cell, "right": p.right / p.cell,
                           "left": (p.left + min(p.first_line, 0)) / p.cell}
                width = self.line_cells(p)
                count = sum(len(break_lines(part, width, **indents)) for part in text.split("\n"))
            bottom = p.borders.get("bottom")
            border = 0
            if bottom is not None and bottom.visible:
                border = bottom.space * 20 + round(bottom.sz * 20 / 8)  # a rule under the line takes room
            before = paras[k - 1] if k else None
            brk = p.page_break_before or (before is not None
                                          and (before.ends_section or before.has_page_break))
            for line in range(count):
                last = line == count - 1
                twips = p.line + (p.before if line == 0 else 0) + (p.after + border if last else 0)
                flat.append((p.index, twips, p.keep_next, brk and line == 0))
        out: dict[int, tuple[int, int, bool]] = {}
        page, y, i = 1, 0, 0
        while i < len(flat):
            if flat[i][3] and y:
                page, y = page + 1, 0
            j, height = i, flat[i][1]
            while flat[j][2] and j + 1 < len(flat) and not flat[j + 1][3]:
                j += 1
                height += flat[j][1]
            if y and y + height > limit and height <= limit:
                page, y = page + 1, 0
            for k in range(i, j + 1):
                index, twips, _, _ = flat[k]
                if y and y + twips > limit:
                    page, y = page + 1, 0
                y += twips
                out[index] = (page, y, False)
            i = j + 1
        # The last line of a page before more text: the next paragraph with text starts a page.
        texts = [index for index in out if self.paras[index].text.strip()]
        for a, b in itertools.pairwise(texts):
            if out[b][0] > out[a][0]:
                out[a] = (*out[a][:2], True)
        return out

    def _joint_signature(self, name: Para, date: Para, date_gap: float, date_w: float) -> None:
        """联合行文 with seals [7.3.5.1]: the signatures stand side by side, each under its seal;
        the last seal presses the last signature and the date, so the last signature is centred
        over the date (右空四字). Measured where the last signature's place is known: on a
        centring tab stop, or a line of its own; signatures set apart by blanks are not."""
        tol = spec.POSITION_TOLERANCE
        text = strip_all(name.text)
        centres = sorted(pos / name.cell for val, pos in name.tabs if val == "center")
        raw = name.text.strip("\n 　")
        parts = raw.split("\t")[1:]  # a tab before each name: the k-th name on the k-th stop
        if raw.startswith("\t") and parts and len(centres) >= len(parts):
            last = parts[-1].strip()
            centre = centres[len(parts) - 1]
            wanted = self.line_cells(date) - date_gap - date_w / 2
            if abs(centre - wanted) > tol:
                self.add("signature.position", f"联合行文最后一个署名应以成文日期为准居中 the last signature "
                         f"“{last}” is centred over the date (its centre {centre:.1f} 字, the date's "
                         f"{wanted:.1f} 字 from the left)",
                         f"段落 → 制表位：居中对齐 {wanted:.1f} 字", name)
        elif not SIDE_BY_SIDE.search(text):
            centre = self.line_cells(name) - self.right_gap(name) - cells(text) / 2
            wanted = self.line_cells(date) - date_gap - date_w / 2
            if abs(centre - wanted) > tol:
                self.add("signature.position", "联合行文最后一个署名应以成文日期为准居中 the last signature "
                         f"is centred over the date (off by {centre - wanted:+.1f} 字)",
                         "段落 → 对齐方式 右对齐，调整右侧缩进", name)
        else:
            self.unmeasured.append("联合署名 joint signatures")
        if abs(date_gap - spec.SEALED_DATE_RIGHT) > tol:
            self.add("date.position",
                     f"成文日期应右空四字 the date ends 4 字 from the right (now {date_gap:.1f})",
                     f"段落 → 对齐方式 右对齐，缩进 右侧 {spec.SEALED_DATE_RIGHT:g} 字符", date)

    def _date_format(self, p: Para, text: str, element: str) -> None:
        numeric = NUMERIC_DATE.match(re.sub(r"\s", "", text))
        if numeric:
            y, m, d = (int(g) for g in numeric.groups())
            self.add("date.format", f"日期 “{text}”：用“年月日” written with 年、月、日",
                     f"写成 {y}年{m}月{d}日", p, element=element)
            return
        verdict = gongwen.date_faults(text)
        if verdict is None or not verdict[0]:
            return
        faults, fixed = verdict
        words = {"hanzi": "用阿拉伯数字 Arabic numerals", "zero": "月、日不编虚位 no leading zero",
                 "invalid": "不是有效日期 not a real date", "spaces": "中间不加空格 no spaces"}
        self.add("date.format", f"日期 “{text}”：" + "，".join(words[f] for f in faults),
                 f"写成 {fixed or '2020年12月15日 的形式'}", p, element=element)

    # --- 附件 -----------------------------------------------------------------------

    def attachments(self) -> None:
        for p in self.each("inline_attachment"):
            self.add("attachment.label", "附件应另面编排 an attachment starts on a page of its own",
                     "插入 → 分页符，附件标识“附件”顶格排在新页第一行", p)
        labels = list(self.each("attachment_label"))
        for k, p in enumerate(labels, 1):
            text = strip_all(p.text)
            wanted = "附件" if len(labels) == 1 else f"附件{k}"
            if text not in (wanted, "附件" + str(k)):
                self.add("attachment.label", f"附件标识 “{text}” 应为 “{wanted}”",
                         f"写成“{wanted}”（不加冒号，阿拉伯数字）", p)
            indent = (p.left + p.first_line) / p.cell
            if abs(indent) > spec.INDENT_TOLERANCE or p.align in ("center", "right"):
                self.add("attachment.label", f"附件标识应顶格 flush left (now {_align_name(p.align)}, "
                         f"{indent:.1f} 字)", "段落 → 对齐方式 左对齐，缩进 左侧 0，特殊格式 无", p)

    # --- 版记 -----------------------------------------------------------------------

    def colophon(self) -> None:
        rows = [self.paras[i] for i, r in sorted(self.s.roles.items()) if r.role in ("cc", "printer",
                                                                                    "colophon_other")]
        if not rows:
            return
        for p in self.each("cc"):
            text = strip_all(p.text)
            body = CC.sub("", text)
            if not text.startswith("抄送："):
                self.add("colophon.cc", "应为“抄送：”加全角冒号 starts with 抄送：",
                         "写成“抄送：机关，机关。”", p)
            if "、" in body or "," in body:
                self.add("colophon.cc", "抄送机关间用逗号 organs separated by ， (not 、 or ,)",
                         "机关名称之间用全角逗号“，”", p)
            if not body.endswith("。") and self.style.cc_full_stop:
                self.add("colophon.cc-stop", "最后一个抄送机关后没有句号 no full stop after the last organ",
                         "末尾加句号“。”", p)
            self._colophon_indent(p, cc=True)
        for p in self.each("printer"):
            self._printer(p)
        self._colophon_rules(rows)
        last = rows[-1].index
        after = [p for p in self.view.paras if p.index > last and not p.blank]
        if after:
            self.add("colophon.order", "版记之后还有内容 text after the 版记",
                     "版记放在最后一页的最后，之后不排任何内容", after[0])
        order = [self.s.roles[p.index].role for p in rows]
        if "cc" in order and "printer" in order and order.index("printer") < order.index("cc"):
            self.add("colophon.order", "抄送应在印发机关之上 抄送 above 印发机关和印发日期",
                     "先排抄送，再排印发机关和印发日期", rows[0])

    def _colophon_indent(self, p: Para, cc: bool) -> None:
        if p.in_box:
            return  # placed by its text box
        one = spec.COLOPHON_INDENT
        tol = spec.INDENT_TOLERANCE
        lead = p.text[: len(p.text) - len(p.text.lstrip(" \u3000\xa0"))]
        start = (p.left + p.first_line) / p.cell + cells(lead)
        right = p.right / p.cell
        problems = []
        if abs(start - one) > tol:
            problems.append(f"左空 left {start:.1f}")
        if cc and abs(right - one) > tol:
            problems.append(f"右空 right {right:.1f}")
        if problems:
            self.add("colophon.indent",
                     f"版记应左右各空一字 one 字 in on each side ({', '.join(problems)} 字)",
                     f"左缩进 {one:g} 字（抄送用悬挂缩进对齐冒号后），右缩进 {one:g} 字", p)

    def _printer(self, p: Para) -> None:
        text = strip_all(p.text)
        m = re.search(r"((?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.*?日)\s*印\s*发$", text)
        if m is None:
            self.add("colophon.printer", "印发日期应写成“2020年12月15日印发” date followed by 印发",
                     "印发机关左空一字，印发日期右空一字并加“印发”", p)
            return
        self._date_format(p, m.group(1).strip(), "版记")
        name = text[: m.start()].strip()
        if not name:
            self.add("colophon.printer", "没有印发机关 no printing organ before the date",
                     "印发机关左空一字，印发日期右空一字", p)
        self._colophon_indent(p, cc=False)
        if p.in_box:
            return
        gap = self._tab_gap(p)  # a right tab stop, else the line's own right edge (spaces, alignment)
        if gap is None or abs(gap - spec.COLOPHON_INDENT) > spec.POSITION_TOLERANCE:
            now = "没有右对齐制表位 no right tab stop" if gap is None else f"右空 {gap:.1f} 字"
            self.add("colophon.printer", f"印发日期应右空一字 the date ends one 字 from the right ({now})",
                     f"段落 → 制表位：右对齐，距版心右边缘 {spec.COLOPHON_INDENT:g} 字", p)

    def _colophon_rules(self, rows: list[Para]) -> None:
        if self.s.format == "letter":
            return  # 信函格式: no 版记 rules [10.1]
        if any(p.in_box for p in rows):
            self.unmeasured.append("版记分隔线（文本框 text box）")
            return
        lines = self._rule_lines(rows)
        if lines is None:
            return
        thick = self.style.colophon_thick_sz / 8 * 25.4 / 72
        thin = self.style.colophon_thin_sz / 8 * 25.4 / 72
        tol = spec.RULE_TOLERANCE_MM
        problems = []
        count = len(lines)
        for k, bdr in enumerate(lines):
            outer = k in (0, count - 1)
            name = {0: "首条 first", count - 1: "末条 last"}.get(k, f"第{k + 1}条 line {k + 1}")
            wanted = thick if outer else thin
            if bdr is None or not bdr.visible:
                problems.append(f"{name} 缺少 missing")
            elif abs(bdr.mm - wanted) > tol:
                problems.append(f"{name} {bdr.mm:.2f} mm（应为 {wanted:.2f}）")
        if problems:
            self.add("colophon.rules", "版记分隔线 rules: " + "，".join(problems),
                     f"首末条 {spec.COLOPHON_THICK_MM} mm（{self.style.colophon_thick_sz / 8:g} 磅），"
                     f"中间 {spec.COLOPHON_THIN_MM} mm（{self.style.colophon_thin_sz / 8:g} 磅），与版心等宽",
                     rows[0])

    def _rule_lines(self, rows: list[Para]) -> list[Border | None] | None:
        """The rules above, between and below the 版记 rows, from table or paragraph borders."""
        import contextlib

        real = [p for p in rows if not p.blank]
        if not real:
            return None
        if all(p.in_table for p in real) and len({p.table for p in real}) == 1 and real[0].table is not None:
            table = self.view.tables[real[0].table]
            width = table.width
            if width is not None and abs(mm(width - spec.TEXT_WIDTH)) > spec.PAGE_TOLERANCE_MM:
                self.add("colophon.rules",
                         f"版记表格宽 {mm(width):.1f} mm，应与版心等宽 as wide as the type area",
                         f"表格宽度 = 版心宽度 {_mm(spec.TEXT_WIDTH)}", real[0])
            return table.lines
        lines = self._border_rules(real)
        with contextlib.suppress(Exception):
            if any(sh.is_line for p in self.view.paras[max(real[0].index - 3, 0) :] for sh in p.shapes) \
                    and all(b is None for b in lines):
                self.add("classify.unsure", "版记分隔线是图形 the 版记 rules are drawn shapes: not measured",
                         "用表格或段落框线更稳妥 table or paragraph borders are more robust", real[0])
                return None
        return lines


    def _border_rules(self, real: list[Para]) -> list[Border | None]:
        """The rules above, between and below the rows, from paragraph borders — the rows' own or
        those of thin blank paragraphs around and between them (a common way to draw them)."""
        first, last = real[0].index, real[-1].index
        lo, hi = first, last
        while lo - 1 in self.paras and self.paras[lo - 1].blank and first - lo < 3:
            lo -= 1
        while hi + 1 in self.paras and self.paras[hi + 1].blank and hi - last < 3:
            hi += 1
        rows = {p.index for p in real}
        regions: list[Border | None] = [None] * (len(real) + 1)
        done = 0  # rows whose text lies above the current point
        for k in range(lo, hi + 1):
            p = self.paras[k]
            top, bottom = p.borders.get("top"), p.borders.get("bottom")
            if k in rows:
                if top is not None and top.visible and regions[done] is None:
                    regions[done] = top
                done += 1
                if bottom is None and k + 1 in rows:
                    bottom = p.borders.get("between")
            elif top is not None and top.visible and regions[done] is None:
                regions[done] = top
            if bottom is not None and bottom.visible and regions[done] is None:
                regions[done] = bottom
        return regions

    # --- 页码 -----------------------------------------------------------------------

    def page_numbers(self) -> None:
        sections = self.view.sections
        colophon_indices = set(self.s.of("cc") + self.s.of("printer") + self.s.of("colophon_other"))
        for sec in sections:
            where = f"第{sec.index + 1}节 section {sec.index + 1}"
            members = [p for p in self.view.paras if p.section == sec.index]
            only_colophon = sec.index > 0 and all(p.blank or p.index in colophon_indices for p in members)
            # 信函格式: the first page carries no page number [10.1].
            first = sec.title_page and not (self.s.format == "letter" and sec.index == 0)
            kinds = ["default"] + (["even"] if self.view.even_and_odd else []) + (["first"] if first else [])
            for kind in kinds:
                footer = sec.footers.get(kind)
                label = {"default": "奇数页 odd pages" if self.view.even_and_odd else "各页 every page",
                         "even": "偶数页 even pages", "first": "首页 first page"}[kind]
                place = f"{where} 页脚 footer（{label}）"
                if footer is None or "{PAGE}" not in footer.page_text:
                    if only_colophon:
                        continue  # 7.5: the 版记 page after a blank page carries no number
                    self.add("page-number.missing", f"{label}：没有页码 no page number",
                             "插入 → 页码 → 页面底端，写成“— 1 —”", where=place, xml="w:fldSimple PAGE")
                    continue
                self._page_number(footer, kind, place, sec)
            numbered = sec.footers.get("default") is not None and "{PAGE}" in sec.footers["default"].page_text
            placed = any(f.rule == "page-number.position" and (f.where or "").startswith(where)
                         for f in self.findings) or any(q.box_align == "outside" for q in (
                             sec.footers["default"].paras if sec.footers.get("default") else []))
            if not self.view.even_and_odd and sec.index == 0 and numbered and not placed:
                self.add("page-number.position", "奇偶页页码位置相同 odd and even pages share one footer",
                         "页面设置 → 版式 → 奇偶页不同；单页码居右空一字，双页码居左空一字",
                         where=f"{where} 页脚 footer")

    def _boxed_page_number(self, p: Para, kind: str, place: str) -> None:
        """A page number in a text box: its box's alignment says the side. Outside puts odd
        numbers right and even ones left [7.5]; the one 字 from the edge is the box's inset,
        not measured."""
        wanted = {"default": ("outside", "right"), "first": ("outside", "right"),
                  "even": ("outside", "left")}[kind]
        if p.box_align is None:
            self.unmeasured.append("页码（文本框 text box）")
        elif p.box_align not in wanted:
            shown = BOX_ALIGN_NAMES.get(p.box_align, p.box_align)
            self.add("page-number.position", f"页码文本框 page number box: {shown}",
                     "文本框 → 布局 → 水平对齐 外侧，相对于 页边距（单页居右、双页居左）", where=place)

    def _turned_page_number(self, p: Para, kind: str, place: str, sec: SectionInfo) -> None:
        """A landscape page's number [9]: where the upright pages have theirs once the sheet is
        turned back, i.e. in the left margin, its text vertical, near the type area's bottom edge
        on odd pages and its top edge on even ones (the box's end within two 字 of it)."""
        assert p.box_place is not None
        x, y, width, height = p.box_place
        top, bottom = sec.margins.get("top") or 0, sec.margins.get("bottom") or 0
        left = sec.margins.get("left") or 0
        odd = kind in ("default", "first") or not self.view.even_and_odd
        room = 2 * spec.COLOPHON_SIZE * spec.TWIPS_PER_PT
        if odd:
            edge = (sec.page_height or 0) - bottom
            ok = edge - room <= y + height <= edge and p.align == "right"
        else:
            ok = top <= y <= top + room and p.align in ("left", "both")
        if not (p.box_vertical and x + width <= left and ok):
            side = "版心下端 the type area's bottom end" if odd else "版心上端 the type area's top end"
            self.add("page-number.position",
                     f"横排页面的页码 landscape page number: 应在左侧页边、文字竖排、靠{side}",
                     "横排表格页的页码与其他页位置一致：页面转回纵向时仍在下方（单页居右、双页居左空一字）",
                     where=place)

    def _page_number(self, footer, kind: str, place: str, sec: SectionInfo) -> None:  # type: ignore[no-untyped-def]
        text = footer.page_text.strip()
        dash = spec.PAGE_NUMBER_DASH
        fmt = sec.number_format
        if not re.fullmatch(rf"{dash}\s?\{{PAGE\}}\s?{dash}", text) or fmt not in (None, "decimal"):
            shown = text.replace("{PAGE}", "n")
            extra = f"，页码格式 number format {fmt}" if fmt not in (None, "decimal") else ""
            self.add("page-number.format", f"页码 “{shown}”{extra}，应为 “{dash} n {dash}”",
                     f"写成“{dash} PAGE {dash}”，一字线 {dash} (U+2014)，阿拉伯数字", where=place)
        paras = [p for p in footer.paras if "{PAGE}" in p.text or p.text.strip()]
        if not paras:
            return
        p = next((q for q in footer.paras if q.text.strip()), paras[0])
        for q in footer.paras:
            if q.text.strip():
                self._fonts_of(q, "page_number", [(0, len(q.text), "songti")], where=place)
        if p.in_box and is_turned(sec) and p.box_place is not None:
            self._turned_page_number(p, kind, place, sec)
            return
        if p.in_box:  # WPS puts "outside" page numbers in a text box of the footer
            self._boxed_page_number(p, kind, place)
            return
        odd = kind in ("default", "first")
        one = spec.PAGE_NUMBER_INDENT
        lead = p.text[: len(p.text) - len(p.text.lstrip(" \u3000\xa0"))]
        trail = p.text[len(p.text.rstrip(" \u3000\xa0")) :]
        if kind == "first" or kind == "default" or not self.view.even_and_odd:
            gap = p.right / p.cell + cells(trail)
            ok = p.align == "right" and abs(gap - one) <= spec.INDENT_TOLERANCE
            want = f"右对齐，右缩进 {one:g} 字 right, one 字 in"
            now = f"{_align_name(p.align)}, {gap:.1f} 字"
        else:
            gap = (p.left + p.first_line) / p.cell + cells(lead)
            ok = p.align in ("left", "both") and abs(gap - one) <= spec.INDENT_TOLERANCE
            want = f"左对齐，左缩进 {one:g} 字 left, one 字 in"
            now = f"{_align_name(p.align)}, {gap:.1f} 字"
        if not ok:
            which = "页码 page number" if not self.view.even_and_odd else (
                "单页码 odd page number" if odd else "双页码 even page number")
            if not self.view.even_and_odd:  # one footer for both: the even pages are off too
                want += "；页面设置 → 版式 → 奇偶页不同，双页码居左空一字"
            self.add("page-number.position", f"{which}: 位置 position {now}", want, where=place)


def is_turned(sec: SectionInfo) -> bool:
    """A landscape A4 section (横排表格 [9])."""
    w, h, tol = sec.page_width, sec.page_height, spec.PAGE_TOLERANCE_MM
    return w is not None and h is not None and abs(mm(w - spec.PAGE_HEIGHT)) <= tol and \
        abs(mm(h - spec.PAGE_WIDTH)) <= tol


BOX_ALIGN_NAMES = {"left": "居左 left", "right": "居右 right", "center": "居中 centred",
                   "inside": "内侧 inside", "outside": "外侧 outside"}


def _align_name(align: str) -> str:
    return {"left": "左对齐 left", "right": "右对齐 right", "center": "居中 centred",
            "both": "两端对齐 justified", "distribute": "分散对齐 distributed"}.get(align, align)


def _size_name(size: float) -> str:
    for name, value in spec.SIZES_PT.items():
        if abs(value - size) < 0.01:
            return name
    return f"{size:g} pt"


def _cn_level(level: int) -> str:
    return "一二三四"[level - 1]

