"""Which 公文 element each paragraph of a .docx is, for documents we did not write.

The order of the standard does most of the work: the 版头 is on top (份号, 密级, 紧急程度,
the red 发文机关标志, the 发文字号), then the title, the 主送机关, the body, and at the end
the 附件说明, signature, date, 附注, attachments and the 版记. Text patterns (〔2020〕38号,
2020年12月15日, 抄送：…) find the anchors; formatting (colour, size, alignment) confirms
them. Where the evidence is thin the role carries an ``unsure`` reason, and the rules
report the doubt once instead of the paragraph's fonts and sizes.

Templates are checked before they are filled in, so placeholders (XX发〔20XX〕XX号,
20XX年XX月XX日, [发文单位], 〔此处加盖印章〕) are read as the elements they stand for. The
format is recognised last (:func:`_format`): 文件格式, or chapter 10's 信函, 命令 and 纪要
formats, or no 公文 at all (a form, a manual, another language), which gets one notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import spec
from ..gongwen import (
    CN_SMALL,
    DATE_LOOSE,
    KINDS,
    SECRECY_LEVELS,
    URGENCY_LEVELS,
    URGENCY_OTHER,
    DocNumber,
    heading_marker,
    parse_doc_number,
)
from ..layout import cells
from ..spec import Style
from .docxread import DocxView, Para

# Names side by side on one line, apart by a tab or by two blanks or more: joint signatures
# (联合行文), a 命令's 职务 and 签名章.
SIDE_BY_SIDE = re.compile(r"\S(?:\t|[ 　]{2,})[ \t　]*\S")


def doc_number_match(text: str) -> DocNumber | None:
    """The 发文字号 of a line that is one (maybe with 签发人 after it), None otherwise.

    The whole number part must match, so that a title quoting a 文号 (关于转发国办发〔2020〕5号
    文件的通知) is not taken for one.
    """
    # What follows a tab or a wide gap is the 签发人 block, with or without its label (with
    # three or more signers the 文号 shares the last line with the last names) [7.2.6].
    number_part = re.split(r"[\t　 ]*签发人|\t|[　 ]{2,}", strip_all(text))[0].strip()
    if has_placeholder(number_part):
        number_part = fill_placeholders(number_part)
        if number_part[:1] in "〔[［【(（":
            number_part = "某" + number_part  # 〔2020〕XX号: the 代字 left for later
    return parse_doc_number(number_part)


# Template placeholders: XX发〔20XX〕XX号, XXXX年X月X日, [发文单位], 【标题】, 〔此处加盖印章〕.
PLACEHOLDER = re.compile(r"[XxＸ×]{2,}|[XxＸ×](?=[年月日号])|(?<=[〕\]])\s*号|第\s{2,}号"
                         r"|\[[^\]\d]*\]|【[^】\d]*】|[〔（(]此处[^〕）)]*[〕）)]")


def has_placeholder(text: str) -> bool:
    return PLACEHOLDER.search(text) is not None


def fill_placeholders(text: str) -> str:
    """The text with its placeholders replaced by plausible values, so that a template's
    XX发〔20XX〕XX号 reads as a 文号 and 20XX年XX月XX日 as a date."""
    text = re.sub(r"20[XxＸ×]{2}", "2020", text)
    text = re.sub(r"[XxＸ×]{4}(?=\s*年)", "2020", text)
    text = re.sub(r"[XxＸ×]+(?=\s*[号月日次期])", "1", text)
    text = re.sub(r"[XxＸ×]{2,}|\[[^\]\d]*\]|【[^】\d]*】", "某", text)
    text = re.sub(r"第\s{2,}号", "第1号", text)
    return re.sub(r"([〕\]])\s*号", r"\g<1>1号", text)


def plain(text: str) -> str:
    """The stripped text, its placeholders filled in."""
    text = strip_all(text)
    return fill_placeholders(text) if has_placeholder(text) else text


# A template's 文号 to come: [此处输入文号]号.
NUMBER_SLOT = re.compile(r"^[\[【〔][^\]】〕]*(文号|编号|字号)[^\]】〕]*[\]】〕]\s*号?$")
# Chapter 10 formats: the 令号 of a 命令 and the 编号 line of a 纪要.
ORDER_NUMBER = re.compile(r"^第\s*\d+\s*号$")
MINUTES_NUMBER = re.compile(r"^([〔\[［(（]\s*\d{4}\s*[〕\]］)）])?\s*第\s*\d+\s*[次期]$")
# Where the seal goes, written in the template: 〔此处加盖红色印章〕, （盖章）.
# Bracketed, or saying where to stamp (盖章): a title such as 图片和印章占位样例 is none.
SEAL = re.compile(r"^([〔（(\[【][^〔（(\[【]{0,8}(盖章|印章)[^〕）)\]】]{0,4}[〕）)\]】]"
                  r"|[^〔（(\[【]{0,8}盖章[^〕）)\]】]{0,4})$")
COPY_NUMBER = re.compile(r"^\d{3,8}$")
SECRECY = re.compile(rf"^({'|'.join(SECRECY_LEVELS)})\s*([★☆*＊].*)?$")
URGENCY = re.compile(f"^({'|'.join(URGENCY_LEVELS + URGENCY_OTHER)})$")
CC = re.compile(r"^抄\s*送\s*[:：]")
PRINTER = re.compile(r"印\s*发\s*$")
# An attachment label in the run of the body, not on a page of its own: 附件1（可选）.
INLINE_ATTACHMENT = re.compile(rf"^附\s*件\s*[\d{CN_SMALL}]*\s*([（(][^）)]{{0,10}}[）)])?\s*[:：]?$")
# A date written with dots, dashes or slashes (2024.1.21, 2024-01-21): a date, in the wrong form.
NUMERIC_DATE = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$")
# The labels of a 纪要's attendance lines [10.3], and the 主持/记录 lines offices add.
MINUTES_LABEL = re.compile(r"^\s*(出\s*席|请\s*假|列\s*席|主\s*持|记\s*录)(人员)?\s*[:：]")
# A template's date or signature to come: [日期], 【成文日期】, [发文单位], 〔发文机关〕.
DATE_SLOT = re.compile(r"^[\[【〔（(]\s*(成文|发文)?日期\s*[\]】〕）)]$")
NAME_SLOT = re.compile(r"^[\[【〔（(][^\]】〕）)]{0,8}(单位|机关|部门|署名)[\]】〕）)]$")
ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[:：]\s*\S")
NOTE_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]")
ATTACHMENT_LABEL = re.compile(rf"^附\s*件\s*[\d{CN_SMALL}]*\s*[:：]?$")
NOTE = re.compile(r"^[（(].*[）)]$")
# A 附注 typed without its brackets under the date: 联系人：张三，电话：…
CONTACT = re.compile(r"^(联\s*系\s*人|联系电话|联系方式)\s*[:：]\S.{0,60}$")
SENTENCE_END = "。！？；"

ROLE_NAMES = {
    "copy_number": "份号", "secrecy": "密级和保密期限", "urgency": "紧急程度", "organ_mark": "发文机关标志",
    "doc_number": "发文字号", "signers": "签发人", "title": "标题", "to": "主送机关", "body": "正文",
    "heading1": "一级标题", "heading2": "二级标题", "heading3": "三级标题", "heading4": "四级标题",
    "table": "表格", "table_row": "表格（文字行）", "attachment_note": "附件说明",
    "signature": "发文机关署名",
    "date": "成文日期", "note": "附注", "attachment_label": "附件标识", "attachment_title": "附件标题",
    "cc": "抄送", "printer": "印发机关和印发日期", "colophon_other": "版记其他", "blank": "空行",
    "unknown": "未识别", "seal": "印章位置", "minutes_line": "纪要编号行",
    "inline_attachment": "附件标识（未另页）", "subtitle": "副标题", "byline": "作者或场合",
}
ROLE_ELEMENTS = {
    "copy_number": "版头", "secrecy": "版头", "urgency": "版头", "organ_mark": "版头", "doc_number": "版头",
    "signers": "版头", "title": "标题", "to": "主送机关", "body": "正文", "heading1": "正文层级",
    "heading2": "正文层级", "heading3": "正文层级", "heading4": "正文层级", "table": "正文",
    "table_row": "正文", "attachment_note": "附件说明", "signature": "署名", "date": "成文日期",
    "note": "附注", "attachment_label": "附件", "attachment_title": "附件", "cc": "版记", "printer": "版记",
    "colophon_other": "版记", "blank": "空行", "unknown": "未识别", "seal": "署名", "minutes_line": "版头",
    "inline_attachment": "附件", "subtitle": "标题", "byline": "标题",
}


@dataclass
class Role:
    role: str
    unsure: str | None = None  # why the classification is doubtful
    level: int = 0  # headings
    number: int | None = None
    marker: str = ""
    bad_marker: bool = False
    attachment: int = 0  # 0: the main document, k: the k-th attachment
    placeholder: bool = False  # a template's placeholder (XX, [发文单位]): its wording is not judged


@dataclass
class Structure:
    roles: dict[int, Role] = field(default_factory=dict)
    notes: list[tuple[int | None, str]] = field(default_factory=list)  # (paragraph, why unsure)
    # GB/T 9704 chapter 10: standard (文件格式), letter (信函格式), order (命令格式), minutes (纪要格式);
    # not-gongwen: a form or a manual, which gets one notice instead of the rules.
    format: str = "standard"
    # An article (综述, 讲话, 信息 …): no 版头 and no 版记. Its subtitle and byline stand under the
    # title, and its headings may go without numbers.
    article: bool = False

    def of(self, role: str) -> list[int]:
        return [i for i, r in self.roles.items() if r.role == role]

    def first(self, role: str) -> int | None:
        found = self.of(role)
        return found[0] if found else None


def font_kind(name: str | None, style: Style | None = None) -> str | None:
    """The font kind (field of spec.Fonts) a font name belongs to, None when unknown."""
    if not name:
        return None
    if style is not None:
        for kind, value in vars(style.fonts).items():
            if value and value == name and kind != "latin":
                return kind
    low = name.lower()
    for kind, fragments in spec.FONT_KIND_FRAGMENTS:
        if any(f in low for f in fragments):
            return kind
    return None


def strip_all(text: str) -> str:
    return text.strip(" \t\n\u3000\xa0")


def is_red(color: str | None) -> bool:
    if not color or len(color) != 6:
        return False
    try:
        r, g, b = (int(color[k : k + 2], 16) for k in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0xC0 and g <= 0x50 and b <= 0x50


def red_text(p: Para) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(is_red(r.color) for r in runs)


def is_date(text: str) -> bool:
    """A written date (2020年12月15日, 二〇二〇年…), placeholders such as 20XX年XX月XX日 included."""
    text = re.sub(r"\s", "", text)
    if DATE_SLOT.match(text) or NUMERIC_DATE.match(text):
        return True
    return DATE_LOOSE.match(fill_placeholders(text) if has_placeholder(text) else text) is not None


def _han(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


# The 文种 a title ends with [GB/T 9704 does not list them; 《党政机关公文处理工作条例》 第八条 does].
# The fifteen kinds of 公文 (条例 第八条) bar 纪要 and 命令, which have formats of their own.
FORMAL_GENRES = ("决议", "决定", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
                 "议案", "函")
GENRES = (*FORMAL_GENRES, "纪要", "命令", "令", "规定", "办法", "方案", "总结", "计划", "要点", "通令")
# The articles an office writes without a 版头 (综述, 讲话, 信息 …): gongwen.KINDS' 文章 group.
ARTICLE_KINDS = tuple(k.name for k in KINDS.values() if k.group == "文章")


def _looks_like_prose(p: Para) -> bool:
    text = strip_all(p.text)
    return cells(text) > 40 or text.endswith(tuple(SENTENCE_END)) or heading_marker(text) is not None


def _title_like(p: Para) -> bool:
    return p.align == "center" and (p.size >= spec.TITLE_SIZE - 4)


def classify(view: DocxView) -> Structure:
    s = Structure()
    paras = view.paras
    for p in paras:
        seal = SEAL.match(strip_all(p.text)) is not None
        s.roles[p.index] = Role("blank" if p.blank else "seal" if seal else "unknown")
    head_table = _head_table(paras)
    main = [p for p in paras if not p.blank and (not p.in_table or p.index in head_table)
            and s.roles[p.index].role != "seal"]
    by_index = {p.index: p for p in paras}
    if not main and not any(p.in_table and not p.blank for p in paras):
        s.format = "not-gongwen"  # an empty template: one notice
        return s

    # --- the 版记, from the end ------------------------------------------------------
    colophon_start = _colophon(paras, s)
    # --- the 版头 --------------------------------------------------------------------
    window: list[Para] = []
    for p in main:
        if p.index >= colophon_start or _looks_like_prose(p):
            break
        window.append(p)
        if len(window) >= 14:
            break
    head_end = _head(window, s)  # index of the last head paragraph, 0 when none
    # --- the title and 主送 -------------------------------------------------------------
    rest = [p for p in main if head_end < p.index < colophon_start]
    s.article = head_end == 0 and not (s.of("cc") or s.of("printer"))
    title_end = _title(rest, s, head_end > 0)
    if s.article:
        title_end = _subtitle_lines(rest, s, title_end)
    after_title = [p for p in rest if p.index > title_end]
    body_start_index = title_end
    if after_title:
        first = after_title[0]
        text = strip_all(first.text)
        if (text.endswith(("：", ":")) and "。" not in text and "如下" not in text and cells(text) <= 60
                and heading_marker(text) is None and not text.startswith("附件")):
            s.roles[first.index] = Role("to")
            body_start_index = first.index
    # --- attachments, signature block, 附件说明 ------------------------------------------
    tail = [p for p in main if body_start_index < p.index < colophon_start]
    labels = [p for p in tail if ATTACHMENT_LABEL.match(strip_all(p.text)) and _break_before(p, by_index)]
    attachments_start = labels[0].index if labels else colophon_start
    main_tail = [p for p in tail if p.index < attachments_start]
    attendance: list[Para] = []  # a 纪要's 出席：/请假：/列席： lines, under the body [10.3]
    while main_tail and MINUTES_LABEL.match(main_tail[-1].text):
        attendance.insert(0, main_tail.pop())
    body_end = _signature_block(main_tail, s, by_index)
    for p in attendance:
        s.roles[p.index] = Role("body")
    # --- body ---------------------------------------------------------------------------
    _body([p for p in paras if body_start_index < p.index < body_end and not p.blank], s, 0)
    for p in paras:
        if body_end <= p.index < attachments_start and not p.blank and s.roles[p.index].role == "unknown":
            s.roles[p.index] = Role("unknown", "正文之后的段落 a paragraph after the body that is none of "
                                    "附件说明/署名/成文日期/附注")
            s.notes.append((p.index, s.roles[p.index].unsure or ""))
    for k, label in enumerate(labels, 1):
        end = labels[k].index if k < len(labels) else colophon_start
        part = [p for p in paras if label.index < p.index < end and not p.blank]
        s.roles[label.index] = Role("attachment_label", attachment=k)
        if part and part[0].align == "center" and not part[0].in_table:
            size = part[0].size
            for p in part:
                if p.align != "center" or abs(p.size - size) > 0.5 or p.in_table:
                    break
                s.roles[p.index] = Role("attachment_title", attachment=k)
        _body([p for p in part if s.roles[p.index].role == "unknown"], s, k)
    for p in paras:
        role = s.roles[p.index]
        if p.in_table and role.role == "unknown" and not p.blank:
            s.roles[p.index] = Role("table")
        s.roles[p.index].placeholder = has_placeholder(p.text)
    s.format = _format(view, s, by_index)
    if s.format in ("order", "minutes"):  # the mark stands for the title [10.2, 10.3]
        s.notes = [note for note in s.notes if not note[1].startswith("没有找到标题")]
    return s


def _head_table(paras: list[Para]) -> set[int]:
    """Paragraphs of a table the document opens with whose text is all red: the stacked organ
    marks of a joint document (联合行文), set in a table without rules as offices do [7.2.4].
    They are read as the 版头's lines, not as a table."""
    first = next((p for p in paras if not p.blank), None)
    if first is None or not first.in_table:
        first = next((p for p in paras if p.in_table), None)
        before = [p for p in paras if first is not None and p.index < first.index and not p.blank]
        if first is None or any(not (COPY_NUMBER.match(strip_all(p.text)) or SECRECY.match(strip_all(p.text))
                                     or URGENCY.match(strip_all(p.text))) for p in before):
            return set()
    cells_of = [p for p in paras if p.in_table and p.table == first.table]
    text = [p for p in cells_of if not p.blank]
    if not text or not all(red_text(p) for p in text):
        return set()
    return {p.index for p in cells_of}


def _format(view: DocxView, s: Structure, by_index: dict[int, Para]) -> str:
    """Which format of GB/T 9704 the document follows: 文件格式, or chapter 10's 信函/命令/纪要
    formats, or none (a form, a manual: text in tables, no 版头, no 文种, no date)."""
    marks = "".join(strip_all(by_index[i].text) for i in s.of("organ_mark"))
    marks = re.sub(r"\s", "", marks)
    number = s.first("doc_number")
    number_text = plain(by_index[number].text) if number is not None else ""
    if marks.endswith("发电"):
        return "not-gongwen"  # 明传电报: a form of its own, not in GB/T 9704
    if marks.endswith("令") or ORDER_NUMBER.match(number_text):
        return "order"
    if marks.endswith("纪要") or (number is not None and MINUTES_NUMBER.match(number_text)
                                 and not ORDER_NUMBER.match(number_text)):
        return "minutes"
    if marks and not marks.endswith("文件"):
        title = s.first("title")
        head = [p for p in view.paras if p.index < (title or 0)]
        double_line = sum(1 for p in head for sh in p.shapes if sh.is_line) >= 2 or any(
            b.visible and b.val in ("double", "thinThickSmallGap", "thickThinSmallGap")
            for p in head for b in p.borders.values())
        right_number = number is not None and by_index[number].align == "right"
        if double_line or right_number:
            return "letter"
    text = [p for p in view.paras if not p.blank]
    in_tables = sum(1 for p in text if p.in_table) / max(len(text), 1)
    letters = "".join(p.text for p in text)
    han = _han(letters)
    if han < 0.5 * (han + len(re.findall(r"[A-Za-z]", letters))):
        return "not-gongwen"  # a document in another language
    # An article's kind is often in its subtitle: 党建引领 E企奋发——2023年……综述.
    title = "".join(strip_all(by_index[i].text) for i in s.of("title") + s.of("subtitle"))
    # A 公文 with a 版头, a 主送 or a date stays one however much of it is tables.
    anchors = s.of("organ_mark") or s.of("doc_number") or s.of("date") or s.of("to")
    if not anchors and (in_tables > 0.6 or not title.endswith((*GENRES, *ARTICLE_KINDS))):
        return "not-gongwen"
    return "standard"


def _break_before(p: Para, by_index: dict[int, Para]) -> bool:
    """A page (or section) break right before the paragraph."""
    if p.page_break_before:
        return True
    k = p.index - 1
    while k in by_index:
        prev = by_index[k]
        if prev.has_page_break or prev.ends_section:
            return True
        if not prev.blank:
            return False
        k -= 1
    return False


def _is_colophon_line(p: Para) -> str | None:
    text = strip_all(p.text)
    if CC.match(text):
        return "cc"
    if PRINTER.search(text) and re.search(r"\d{4}\s*年", text):
        return "printer"
    if re.match(r"^(主|分)\s*送\s*[:：]", text):
        return "colophon_other"  # a 纪要's 分送 / 主送 in the 版记
    return None


def _colophon(paras: list[Para], s: Structure) -> int:
    """Mark 抄送/印发 near the end; return the index where the 版记 starts (past the end when none).

    The 版记 is looked for among the last few paragraphs, so that text wrongly put after it
    is still seen as such (colophon.order) rather than hiding the 版记.
    """
    tail = [p for p in paras if not p.blank][-6:]
    last = next((p for p in reversed(tail) if _is_colophon_line(p)), None)
    if last is None:
        return len(paras) + 1
    start = last.index
    table = last.table if last.in_table else None
    for p in reversed([q for q in paras if not q.blank and q.index <= last.index]):
        kind = _is_colophon_line(p)
        if kind:
            s.roles[p.index] = Role(kind)
        elif table is not None and p.in_table and p.table == table:
            s.roles[p.index] = Role("colophon_other", "版记表格中的其他行 another row of the 版记 table")
            s.notes.append((p.index, s.roles[p.index].unsure or ""))
        else:
            break
        if p.in_table:
            table = p.table
        start = p.index
    return start


def letter_number_split(text: str) -> tuple[str, str] | None:
    """A 信函's first line under the double line: 份号 (or 密级, 紧急程度) at the left, a tab, the
    文号 at the right [10.1]; (left part, 文号), or None for another line."""
    parts = strip_all(text).split("\t")
    if len(parts) < 2:
        return None
    left, number = parts[0].strip(), parts[-1].strip()
    if not (COPY_NUMBER.match(left) or SECRECY.match(left) or URGENCY.match(left)):
        return None
    return (left, number) if doc_number_match(number) else None


def _head(window: list[Para], s: Structure) -> int:
    number = next((p for p in window if cells(strip_all(p.text)) <= 60 and not p.in_box
                   and (doc_number_match(p.text) or ORDER_NUMBER.match(plain(p.text))
                        or NUMBER_SLOT.match(strip_all(p.text))
                        or MINUTES_NUMBER.match(plain(p.text)) or letter_number_split(p.text))), None)
    before = [p for p in window if number is None or p.index < number.index]
    marks = [p for p in before if red_text(p) and not doc_number_match(p.text) and _han(p.text) >= 2]
    if not marks and number is not None:
        candidates = [p for p in before if p.align == "center"]
        if candidates:
            last = candidates[-1]
            marks = [last]
            if last.size < spec.TITLE_SIZE:
                s.roles[last.index] = Role("organ_mark", "在发文字号之上居中但字小且非红色 centred above the "
                                           "文号 but small and not red")
                s.notes.append((last.index, s.roles[last.index].unsure or ""))
                marks = []
    if not marks and number is None:
        # No 文号: only a red, centred, large first line is taken for an organ mark.
        marks = [p for p in before[:3] if red_text(p) and _han(p.text) >= 2
                 and (p.align in ("center", "distribute") or p.in_box) and p.size >= spec.TITLE_SIZE - 4]
    for p in marks:
        s.roles[p.index] = Role("organ_mark")
    if number is None and not marks and not s.of("organ_mark"):
        return 0
    first_mark = min([p.index for p in marks] + ([number.index] if number else []) + s.of("organ_mark"))
    for p in before:
        if p.index >= first_mark:
            break
        text = strip_all(p.text)
        if COPY_NUMBER.match(text):
            s.roles[p.index] = Role("copy_number")
        elif SECRECY.match(text):
            s.roles[p.index] = Role("secrecy")
        elif URGENCY.match(text):
            s.roles[p.index] = Role("urgency")
        else:
            s.roles[p.index] = Role("unknown", "版头中无法识别 in the 版头 but not 份号/密级/紧急程度")
            s.notes.append((p.index, s.roles[p.index].unsure or ""))
    end = max([p.index for p in marks] + s.of("organ_mark"), default=0)
    if number is not None:
        s.roles[number.index] = Role("doc_number")
        # 签发人 lines above the 文号 (the 文号 stands on the last signer line).
        for p in before:
            if s.roles[p.index].role in ("copy_number", "secrecy", "urgency"):
                continue  # 份号, 密级, 紧急程度 over a 文号 with no organ mark (pre-printed paper)
            if p.index > end and not p.blank and ("签发人" in p.text or cells(strip_all(p.text)) <= 12):
                s.roles[p.index] = Role("signers")
        end = number.index
        if letter_number_split(number.text):  # 信函: 密级, 紧急程度 under the 份号 [10.1]
            for p in (q for q in window if q.index > number.index):
                text = strip_all(p.text)
                role = "secrecy" if SECRECY.match(text) else "urgency" if URGENCY.match(text) else None
                if role is None:
                    break
                s.roles[p.index] = Role(role)
                end = p.index
            return end
        # A 纪要's 编号 line may be followed by one with the organ and the date [10.3].
        after = [p for p in window if p.index > number.index]
        minutes = MINUTES_NUMBER.match(plain(number.text)) or re.sub(r"\s", "", "".join(
            p.text for p in marks)).endswith("纪要")
        if after and minutes and re.search(r"\d{4}\s*年", after[0].text) \
                and is_date(re.split(r"[\t　 ]{2,}", strip_all(after[0].text))[-1]):
            s.roles[after[0].index] = Role("minutes_line")
            return after[0].index
        # 签发人 lines under the 文号 (three or more signers take more lines).
        for p in window:
            if p.index <= number.index:
                continue
            if "签发人" in p.text or (("签发人" in number.text or s.of("signers")) and not _title_like(p)
                                     and cells(strip_all(p.text)) <= 12):
                s.roles[p.index] = Role("signers")
                end = p.index
            else:
                break
    return end


def _title(rest: list[Para], s: Structure, has_head: bool) -> int:
    """Mark the title lines; return the index of the last (the head's end when there is none)."""
    if not rest:
        s.notes.append((None, "没有找到标题 no title found"))
        return 0
    first = rest[0]
    text = strip_all(first.text)
    big = first.size >= spec.TITLE_SIZE - 2 or _font_kind_of(first) == "xiaobiaosong"
    if first.align == "center" and big:
        unsure = None
    elif has_head and (first.align == "center" or big):
        unsure = None  # the first line under the 版头 is the title; its format is for the rules to judge
    elif has_head and has_placeholder(text):
        return first.index - 1  # a template's [此处输入正文内容] under the 版头: no title line
    elif first.align == "center" or big:
        unsure = "居中或字大，但不都是 centred or large, not both"
    elif (cells(text) <= 40 and not text.endswith((*tuple(SENTENCE_END), "：", ":"))
          and heading_marker(text) is None and not is_date(text)):
        unsure = "既不居中也不是大字，按位置当作标题 neither centred nor large; taken by its place"
    else:
        s.notes.append((first.index, "没有找到标题 no title found: the first paragraph reads like body text"))
        return first.index - 1
    s.roles[first.index] = Role("title", unsure)
    if unsure:
        s.notes.append((first.index, f"标题 title? {unsure}"))
    last = first.index
    for p in rest[1:]:
        if p.index != last + 1 or p.align != first.align or abs(p.size - first.size) > 0.5 \
                or is_date(p.text) or first.align != "center":
            break
        s.roles[p.index] = Role("title", unsure)
        last = p.index
    return last


def _subtitle_lines(rest: list[Para], s: Structure, title_end: int) -> int:
    """An article's ——subtitle and byline: centred 楷体 lines right under the title."""
    last = title_end
    for p in rest:
        if p.index <= title_end:
            continue
        if p.index != last + 1 or p.align != "center" or _font_kind_of(p) != "kaiti" or last - title_end >= 2:
            break
        dash = strip_all(p.text).startswith(("—", "－"))
        s.roles[p.index] = Role("subtitle" if dash and last == title_end else "byline")
        last = p.index
    return last


def _font_kind_of(p: Para) -> str | None:
    for run in p.runs:
        if run.text.strip():
            return font_kind(run.fonts["eastAsia"].name)
    return None


def _signature_block(tail: list[Para], s: Structure, by_index: dict[int, Para]) -> int:
    """Mark 附注, 成文日期, 署名 and 附件说明 at the end of the main document.

    Returns the index where the body ends.
    """
    k = len(tail) - 1
    end = tail[-1].index + 1 if tail else 10**9
    if k >= 1 and (NOTE.match(strip_all(tail[k].text)) or CONTACT.match(strip_all(tail[k].text))) \
            and is_date(tail[k - 1].text):
        s.roles[tail[k].index] = Role("note")
        k -= 1
    if k >= 0 and "\n" in strip_all(tail[k].text) and is_date(strip_all(tail[k].text).split("\n")[-1]):
        s.roles[tail[k].index] = Role("date")  # 署名⏎成文日期 in one paragraph, lines broken by hand
        end = tail[k].index
        k -= 1
    elif k >= 0 and is_date(tail[k].text) and cells(strip_all(tail[k].text)) <= 20:
        s.roles[tail[k].index] = Role("date")
        end = tail[k].index
        k -= 1
        signatures: list[Para] = []
        above = tail[k + 1].index - 1
        while s.roles.get(above) is not None and (s.roles[above].role == "seal" or (
                s.roles[above].role == "blank" and above in by_index and by_index[above].has_image)):
            above -= 1  # 〔此处加盖印章〕, or the seal's picture, between the signature and the date
        wide = k >= 0 and SIDE_BY_SIDE.search(strip_all(tail[k].text)) is not None
        if wide and above - 3 <= tail[k].index < above:
            above = tail[k].index  # a 命令's 签名章 line, or joint signatures, with room left for seals
        while k >= 0 and len(signatures) < 4 and tail[k].index == above:
            p = tail[k]
            above -= 1
            text = strip_all(p.text)
            start = p.left + max(p.first_line, 0)
            right_side = p.align in ("right", "center") or start > 8 * p.cell or text != p.text.strip("\n") \
                or NAME_SLOT.match(text) is not None
            # 联合行文: organs side by side; a 命令's 职务 and 签名章 (市长  张三).
            joint = SIDE_BY_SIDE.search(text) is not None
            ends = text.endswith((*tuple(SENTENCE_END), "：", ":", "，"))
            if (cells(text) <= (44 if joint else 24) and not ends and heading_marker(text) is None
                    and (right_side or joint) and not ATTACHMENT_NOTE.match(text)):
                signatures.append(p)
                k -= 1
                if (joint or SIDE_BY_SIDE.search(strip_all(tail[k].text) if k >= 0 else "")) \
                        and k >= 0 and tail[k].index >= p.index - 5:
                    above = tail[k].index  # the rows of a joint signature leave room for the seals
            else:
                break
        for p in signatures:
            s.roles[p.index] = Role("signature")
            end = p.index
    # 附件说明: 附件：1.… and the numbered lines under it.
    lines: list[Para] = []
    j = k
    while j >= 0:
        text = strip_all(tail[j].text)
        if ATTACHMENT_NOTE.match(text):
            lines.insert(0, tail[j])
            for p in lines:
                s.roles[p.index] = Role("attachment_note")
            end = tail[j].index
            break
        if NOTE_ITEM.match(text) and cells(text) <= 60:
            lines.insert(0, tail[j])
            j -= 1
            continue
        break
    return end


def _unnumbered_heading(p: Para, text: str, fonts: tuple[str, ...] = ("heiti",)) -> int | None:
    """The level of a short line of its own in one heading font (黑体 1, 楷体 2), else None."""
    runs = [r for r in p.runs if r.text.strip()]
    kinds = {font_kind(r.fonts["eastAsia"].name) for r in runs}
    if not runs or len(kinds) != 1 or p.in_table or cells(text) > 20 \
            or text.endswith((*tuple(SENTENCE_END), "：", ":", "，")):
        return None
    kind = kinds.pop()
    return {"heiti": 1, "kaiti": 2}[kind] if kind in fonts else None


def _body(paras: list[Para], s: Structure, attachment: int) -> None:
    rows: list[Para] = []

    def flush() -> None:
        # Text tables: two or more left-aligned, unindented lines with the same number of fields.
        counts = {len([f for f in re.split(r"[\t　]+", strip_all(p.text)) if f]) for p in rows}
        if len(rows) >= 2 and len(counts) == 1 and counts.pop() >= 2:
            for p in rows:
                s.roles[p.index] = Role("table_row", attachment=attachment)
        rows.clear()

    for p in paras:
        if s.roles[p.index].role not in ("unknown", "blank"):
            flush()
            continue
        if p.in_table:
            flush()
            s.roles[p.index] = Role("table", attachment=attachment)
            continue
        text = strip_all(p.number_label + p.text)  # Word's list numbering, read as typed
        if INLINE_ATTACHMENT.match(text):
            flush()
            s.roles[p.index] = Role("inline_attachment", attachment=attachment)
            continue
        marker = heading_marker(text)
        level = _unnumbered_heading(p, text, ("heiti", "kaiti") if s.article else ("heiti",))
        if marker is None and level:
            # A 黑体 line of its own: a heading that lacks its 一、 (an article's may go without)
            marker = (level, None, "", not s.article)
        if marker is not None:
            flush()
            level, number, mark, bad = marker
            s.roles[p.index] = Role(f"heading{level}", level=level, number=number, marker=mark,
                                    bad_marker=bad, attachment=attachment)
            continue
        s.roles[p.index] = Role("body", attachment=attachment)
        if p.num_pr is not None and not p.number_label:
            s.notes.append((p.index, "自动编号 automatic numbering: the number is not in the text, so its "
                                     "form and order were not checked"))
        if p.align == "left" and p.first_line + p.left < 0.5 * p.cell and re.search(r"\S[\t　]+\S", text):
            rows.append(p)
        else:
            flush()
    flush()
