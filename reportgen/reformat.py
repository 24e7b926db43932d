"""``reportgen format``: any Word draft re-set in GB/T 9704-2012 through our own layout and writer.

The draft is read with the project's Word reader (:func:`reportgen.check.read_document`: package,
classifier, model.Document); what the reader recognised is laid out and written as every other
document of reportgen is (:func:`reportgen.layout.plan`, :func:`reportgen.writers.docx.write_docx`).

The promise is that no text is lost. Three things keep it:

* a paragraph the reader did not turn into an element (a line it could not place, a 公文 field
  whose text the layout would not print as the draft has it) stays as body text, and a note says
  where it was (第N段) and where it went;
* headings keep the numbers they print: a regular 一、（一）1.（1） sequence is numbered again by the
  layout's own rule and reads the same; an irregular one keeps the draft's numbers, with a note;
* :func:`compare_text` compares the input's text with the written file's, character by character
  (white space aside); the command runs it on the file it is about to rename into place and
  refuses to write when a character would be lost. Rewrites the standard asks for (a date in
  Chinese numerals written 2020年12月15日, a heading's ``(1)`` written ``（1）``) are declared by
  :func:`reformat` and applied to the input's text before the comparison.

Images, headers' text, footnotes, endnotes and comments are not placed: each is named in a note.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import spec
from .check import ReadDocument, read_document
from .check.classify import ROLE_NAMES, strip_all
from .check.docxread import DocxView, Para, read_docx
from .errors import Place, Problem
from .gongwen import format_date, heading_marker
from .layout import Item, Plan, plan
from .model import Attachment, Block, Document, Heading, Paragraph, Run, Table
from .seal import Seal, find_seals, with_seals
from .spec import Style, heading_number

# Characters that are layout, not text: white space of every kind, and the word joiner the writer
# puts inside 11月26日.
_LAYOUT = re.compile(r"[\s\u3000\xa0\u2060\u200b\ufeff]+")
# How much of a paragraph a note quotes.
QUOTE = 16

# Item roles of the layout that print each field of the Document the reader fills.
FIELD_ROLES: dict[str, tuple[str, ...]] = {
    "copy_number": ("copy_number",), "secrecy": ("secrecy",), "urgency": ("urgency",),
    "organ_mark": ("organ_mark", "letter_head"), "doc_number": ("doc_number", "signers"),
    "signers": ("doc_number", "signers"),
    "title": ("title",), "to": ("to",), "attachment_note": ("attachment_note",),
    "signature": ("signature",), "date": ("date",), "note": ("note",), "cc": ("cc",),
    "printer": ("printer",), "print_date": ("printer",),
}
# The Document attributes a field's text went into: emptied when the field is kept as body text.
FIELD_ATTRS: dict[str, tuple[str, ...]] = {
    "doc_number": ("doc_number", "signers"), "signers": ("signers",), "title": ("title", "title_lines"),
    "signature": ("signature",), "date": ("date",), "cc": ("cc",), "printer": ("printer", "print_date"),
    "print_date": ("printer", "print_date"), "attachment_note": ("attachment_note",),
}
# Roles the reader keeps in no field and no block: their paragraphs become body text here.
UNPLACED_ROLES = frozenset({"unknown", "seal", "minutes_line", "colophon_other"})


@dataclass
class Rewrite:
    """A change of characters the standard asks for, declared so that the comparison allows it."""

    before: str
    after: str
    paragraph: int
    why: str


@dataclass
class Formatted:
    """A draft read and laid out: what is written, and what the user must be told."""

    document: Document
    read: ReadDocument
    plan: Plan
    notes: list[Problem] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    relocated: list[str] = field(default_factory=list)  # texts kept as body text away from their place
    seals: list[Seal] = field(default_factory=list)  # seal pictures put back over the signature and date

    def said_moved(self, run: str) -> bool:
        """Whether a run of text out of its place is one the notes already name."""
        return any(squeeze(run) in text for text in self.relocated)

    def docx_bytes(self) -> bytes:
        from .writers.docx import write_docx

        data = write_docx(self.plan, self.document)
        if self.seals and self.document.date is not None:
            data = with_seals(data, self.seals, format_date(self.document.date), self.plan.style)
        return data


@dataclass
class TextComparison:
    """The input's text against the output's, white space aside (see :func:`compare_text`)."""

    input_chars: int
    output_chars: int
    missing: list[str]  # runs of input characters the output does not have (in this place)
    moved: list[str]  # of those, runs the output has elsewhere (kept, out of order)

    @property
    def lost(self) -> list[str]:
        return [m for m in self.missing if m not in self.moved]

    @property
    def missing_chars(self) -> int:
        return sum(len(m) for m in self.missing)


def squeeze(text: str) -> str:
    """Text without white space and word joiners: what the comparison compares."""
    return _LAYOUT.sub("", text)


def compare_text(before: str, after: str) -> TextComparison:
    """Whether every character of ``before`` is in ``after`` in the same order (white space aside).

    ``after`` may hold more (heading numbers, 附件：, 抄送：, the 。 that ends the 抄送 line).
    Characters of ``before`` that the longest matching of the two does not cover are ``missing``;
    a missing run whose characters ``after`` holds among its own unmatched ones is ``moved``
    (kept, but not in its place); the others are lost. The texts are matched line by line first
    and character by character where lines differ, so a 300-page draft takes seconds.
    """
    source_lines = [line for line in map(squeeze, before.split("\n")) if line]
    target_lines = [line for line in map(squeeze, after.split("\n")) if line]
    source, target = "".join(source_lines), "".join(target_lines)
    if _in_order(source, target):
        return TextComparison(len(source), len(target), [], [])
    missing: list[str] = []
    spare: Counter[str] = Counter()
    lines = difflib.SequenceMatcher(None, source_lines, target_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        a, b = "".join(source_lines[i1:i2]), "".join(target_lines[j1:j2])
        position = target_position = 0
        for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            if block.a > position:
                missing.append(a[position:block.a])
            spare.update(b[target_position:block.b])
            position, target_position = block.a + block.size, block.b + block.size
    moved = []
    for run in missing:
        need = Counter(run)
        if all(spare[ch] >= n for ch, n in need.items()):
            spare.subtract(need)
            moved.append(run)
    return TextComparison(len(source), len(target), missing, moved)


def _in_order(source: str, target: str) -> bool:
    """Whether ``source`` is a subsequence of ``target`` (the common case, decided in one pass)."""
    characters = iter(target)
    return all(ch in characters for ch in source)


def draft_text(paras: Iterable[Para], rewrites: Iterable[Rewrite] = ()) -> str:
    """The text of a draft's paragraphs (Word's list numbers included) with the declared rewrites
    made in the paragraphs they belong to: what the output must hold."""
    by_paragraph: dict[int, list[Rewrite]] = {}
    for rewrite in rewrites:
        by_paragraph.setdefault(rewrite.paragraph, []).append(rewrite)
    texts = []
    for p in paras:
        if p.blank:
            continue
        text = squeeze(p.number_label + p.text)
        for rewrite in by_paragraph.get(p.index, []):
            text = text.replace(squeeze(rewrite.before), squeeze(rewrite.after), 1)
        texts.append(text)
    return "\n".join(texts)


def document_text(path: Path) -> str:
    """The text of a .docx as the reader sees it: every paragraph (tables and text boxes included)
    in reading order, with the numbers Word's list numbering prints."""
    return view_text(read_docx(path))


def view_text(view: DocxView) -> str:
    return draft_text(view.paras)


# --- reading the draft -------------------------------------------------------------------------

def reformat(path: Path, style: Style = spec.DEFAULT_STYLE) -> Formatted:
    """Read a draft and lay it out in GB/T 9704; raises CheckError when it cannot be read."""
    read = read_document(path)
    doc = read.document
    source = str(path)
    # A joint document's 文件 beside the stack and its unsealed signatures are the draft's layout,
    # kept whatever the house style says (the names alone would print without them).
    from .importer.style import joint_style

    style = style.with_overrides(joint_style(read))
    notes: list[Problem] = []
    rewrites: list[Rewrite] = []
    roles = read.structure.roles
    _article_lines(read)
    _list_labels(read, notes)
    irregular: list[tuple[int, str, str]] = []
    for blocks in [doc.blocks] + [a.blocks for a in doc.attachments]:
        irregular += _renumber(read, blocks, notes, rewrites)
        for block in blocks:  # a heading's weight is the house style's (heading_bold), not the draft's
            if isinstance(block, Heading):
                block.runs = [Run(run.text) for run in block.runs]
        _run_in(blocks)
        _table_heads(blocks)
    if irregular:
        notes.append(_irregular_note(irregular))
    _cc_rewrite(read, rewrites)
    _date_rewrites(read, rewrites)
    for rewrite in rewrites:
        if rewrite.why.endswith("[7.3.3]"):
            continue  # heading numbers have their own note
        notes.append(Problem(f"改写 rewritten: {rewrite.before!r} → {rewrite.after!r}: {rewrite.why}",
                             Place(key=f"第{rewrite.paragraph}段"), severity="warning"))
    if read.structure.format == "not-gongwen":
        notes.append(Problem("这不像公文 the draft does not read as a 公文 (no 版头, 主送 or date, and no"
                             " kind in its title): it is set as title and body text all the same",
                             hint="check the result; `reportgen check --roles` shows what was recognised",
                             severity="warning"))
    unplaced = [p for p in read.view.paras
                if not p.blank and roles[p.index].role in UNPLACED_ROLES]
    laid = plan(doc, style)
    # A field whose text the layout would not print as the draft has it is kept as body text.
    for name in list(read.fields):
        paras = read.fields[name]
        if name not in FIELD_ROLES or not paras:
            continue
        printed = "".join(_stored_text(item) for item in _items(laid, FIELD_ROLES[name]))
        check = compare_text(draft_text(paras, rewrites), printed)
        if check.missing:
            empty = Document()
            # Fields read from the same paragraphs go with it; so does the 署名 above a 日期 that goes,
            # to keep the two in the draft's order.
            sharing = [other for other, its in read.fields.items()
                       if other == name or {p.index for p in its} & {p.index for p in paras}
                       or (name == "date" and other == "signature")]
            for other in sharing:
                for attr in FIELD_ATTRS.get(other, (other,)):
                    setattr(doc, attr, getattr(empty, attr))
            for p in (p for other in sharing for p in read.fields[other]):
                if p not in unplaced:  # a paragraph read into two fields (文号 and 签发人) goes once
                    unplaced.append(p)
            laid = plan(doc, style)
    unplaced.sort(key=lambda p: p.index)
    if unplaced:
        _place(read, unplaced, notes)
        laid = plan(doc, style)
    seals = find_seals(read, path)
    notes += _unkept(read, path, {seal.paragraph for seal in seals})
    for seal in seals:
        notes.append(Problem("图片按印章放置 the picture is placed as the seal, over the signature and the"
                             f" date [7.3.5.1] ({seal.cx / 36000:.0f} × {seal.cy / 36000:.0f} mm)",
                             Place(key=f"第{seal.paragraph}段"), "check its place in the output",
                             severity="warning"))
    for note in notes:
        if note.place.file is None:
            note.place = Place(source, note.place.line, note.place.column, note.place.key)
    relocated = [squeeze(p.number_label + p.text) for p in unplaced]
    return Formatted(doc, read, laid, notes, rewrites, relocated, seals)


def _items(laid: Plan, roles: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    rows = laid.colophon.rows if laid.colophon else []
    return [item for item in laid.items + rows if item.role in roles]


def _stored_text(item: Item) -> str:
    """An item's text in the order the .docx stores it: a joint mark's 文件 is the cell beside the
    first name, merged down the stack, though it prints beside the middle (the item's own order)."""
    joint = item.joint
    if joint is None:
        return item.text
    return "".join([joint.names[0], joint.suffix, *joint.names[1:]])


def _quote(p: Para) -> str:
    text = strip_all(p.number_label + p.text).replace("\n", "⏎").replace("\t", " ")
    return text if len(text) <= QUOTE else text[:QUOTE] + "…"


def _article_lines(read: ReadDocument) -> None:
    """An article's ——subtitle and byline, which the reader marks but does not put in the Document."""
    for role in ("subtitle", "byline"):
        found = [p for p in read.view.paras if read.structure.roles[p.index].role == role]
        if found:
            setattr(read.document, role, "".join(strip_all(p.text) for p in found))
            read.fields[role] = found


def _list_labels(read: ReadDocument, notes: list[Problem]) -> None:
    """A body paragraph numbered by Word's list numbering prints its number: keep it as text."""
    for block in _all_blocks(read.document):
        if not isinstance(block, Paragraph):
            continue
        paras = read.paras_of(block)
        if paras and paras[0].number_label:
            block.runs.insert(0, Run(paras[0].number_label))


def _all_blocks(doc: Document) -> list[Block]:
    return doc.blocks + [b for a in doc.attachments for b in a.blocks]


def _renumber(read: ReadDocument, blocks: list[Block], notes: list[Problem],
              rewrites: list[Rewrite]) -> list[tuple[int, str, str]]:
    """Number the headings by the layout's rule where the draft's numbers follow it; keep the
    draft's own numbers where they do not, and return those: (paragraph, printed, expected)."""
    counters = [0, 0, 0, 0]
    irregular: list[tuple[int, str, str]] = []
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        paras = read.paras_of(block)
        index = paras[0].index if paras else 0
        if not block.number.strip() and paras and paras[0].number_label.strip():
            block.number = paras[0].number_label.strip()  # Word numbers it in a form of its own (1.2.1)
        if not block.number.strip():
            continue
        level = block.level
        printed = block.number.strip()
        marker = heading_marker(printed)
        value = marker.number if marker is not None and marker.level == level else None
        # A list that starts again at 1 (under a parent the draft did not make a heading) is no fault.
        expected_value = 1 if value == 1 else counters[level - 1] + 1
        counters[level - 1] = value if value is not None else expected_value
        for deeper in range(level, 4):
            counters[deeper] = 0
        expected = heading_number(level, expected_value)
        if value == expected_value and (printed == expected or (marker is not None and marker.bad)):
            if printed != expected:
                rewrites.append(Rewrite(printed, expected, index, "heading number form [7.3.3]"))
                notes.append(Problem(f"标题序号 heading number {printed!r} written {expected!r} [7.3.3]",
                                     Place(key=f"第{index}段"), severity="warning"))
            block.number = expected
            continue
        block.number = printed
        irregular.append((index, printed, expected))
    return irregular


def _irregular_note(irregular: list[tuple[int, str, str]]) -> Problem:
    shown = "、".join(f"第{k}段 {printed!r} for {expected!r}" for k, printed, expected in irregular[:6])
    more = f" and {len(irregular) - 6} more" if len(irregular) > 6 else ""
    return Problem(f"标题序号不连续 heading numbers out of sequence at {len(irregular)} headings:"
                   f" {shown}{more}; the draft's numbers are kept", Place(key=f"第{irregular[0][0]}段"),
                   "check the draft's headings, then number them 一、（一）1.（1） in order",
                   severity="warning")


def _run_in(blocks: list[Block]) -> None:
    """A level 1 or 2 heading followed by its paragraph's text on the same line (（一）加强领导。全市……):
    the text after the first 。 runs in, in the body font, as the layout sets levels 3 and 4."""
    for block in blocks:
        if not isinstance(block, Heading) or block.tail or block.level > 2:
            continue
        text = "".join(r.text for r in block.runs)
        stop = text.find("。")
        if 0 <= stop < len(text) - 1:
            head, tail = _split_runs(block.runs, stop + 1)
            block.runs, block.tail = head, tail


def _table_heads(blocks: list[Block]) -> None:
    """A table whose first row Word does not mark as a heading row, but which reads as one (every
    cell short text, no figure): that row is the column headings, set in 黑体 and repeated on each
    page as the standard's tables are."""
    for block in blocks:
        if not isinstance(block, Table) or block.header_rows or len(block.rows) < 2:
            continue
        first = ["".join(r.text for r in cell).strip() for c, cell in enumerate(block.rows[0])
                 if (0, c) not in block.merges]
        if all(text and len(text) <= 12 and not re.search(r"\d", text) for text in first):
            block.header_rows = 1


def _split_runs(runs: list[Run], at: int) -> tuple[list[Run], list[Run]]:
    head: list[Run] = []
    tail: list[Run] = []
    position = 0
    for run in runs:
        end = position + len(run.text)
        if end <= at:
            head.append(run)
        elif position >= at:
            tail.append(run)
        else:
            head.append(Run(run.text[: at - position], run.bold))
            tail.append(Run(run.text[at - position:], run.bold))
        position = end
    return head, tail


CC_SEPARATORS = "抄送机关间用逗号 organs separated by ， [7.4.2]"
DATE_FORM = "日期用阿拉伯数字、不编虚位 a date in Arabic numerals, no leading zero [7.3.5]"


def _cc_rewrite(read: ReadDocument, rewrites: list[Rewrite]) -> None:
    """抄送 organs separated by 、 or , are printed with ， [7.4.2]: declared for the comparison."""
    paras = read.fields.get("cc")
    if not paras or not read.document.cc:
        return
    text = re.sub(r"^抄\s*送\s*[:：]\s*", "", strip_all("".join(strip_all(p.text) for p in paras)))
    joined = "，".join(read.document.cc)
    if re.search(r"[、,]", text) and squeeze(text.rstrip("。.")) != squeeze(joined):
        rewrites.append(Rewrite(text.rstrip("。."), joined, paras[0].index, CC_SEPARATORS))


def _date_rewrites(read: ReadDocument, rewrites: list[Rewrite]) -> None:
    """A 成文日期 or 印发日期 the draft writes otherwise (二〇二〇年十二月十五日, 2020年01月05日) is
    printed 2020年12月15日 [7.3.5]: declared, so that the comparison allows it."""
    doc = read.document
    for name, value in (("date", doc.date), ("print_date", doc.print_date)):
        paras = read.fields.get(name)
        if value is None or not paras:
            continue
        line = strip_all(paras[-1].text.split("\n")[-1]) if name == "date" else strip_all(paras[0].text)
        written = format_date(value)
        m = re.search(r"[\d〇○Ｏ零一二三四五六七八九十]{2,4}\s*年.*?日", line)
        if m and squeeze(m.group(0)) != written:
            rewrites.append(Rewrite(m.group(0), written, paras[-1].index, DATE_FORM))


def _place(read: ReadDocument, unplaced: list[Para], notes: list[Problem]) -> None:
    """Put the paragraphs no element took into the body: before its first block when they stood
    above it, at its end otherwise (or at the end of the attachment they stood in)."""
    doc = read.document
    roles = read.structure.roles
    first = min((p.index for b in doc.blocks for p in read.paras_of(b)), default=None)
    before: list[Block] = []
    attachments: dict[int, Attachment] = dict(enumerate(doc.attachments, 1))
    for p in unplaced:
        block = Paragraph([Run(strip_all(p.number_label + p.text).replace("\n", ""))])
        role = ROLE_NAMES.get(roles[p.index].role, roles[p.index].role)
        attachment = roles[p.index].attachment
        if attachment in attachments:
            attachments[attachment].blocks.append(block)
            where = f"附件{attachment}之末 at the end of attachment {attachment}"
        elif first is not None and p.index < first:
            before.append(block)
            where = "正文之首 at the start of the body"
        else:
            doc.blocks.append(block)
            where = "正文之末 at the end of the body"
        notes.append(Problem(f"未能作为公文要素排版 not placed as a 公文 element ({role}): 「{_quote(p)}」;"
                             f" kept as body text {where}", Place(key=f"第{p.index}段"),
                             "check its place in the output; move it in the draft if it belongs elsewhere",
                             severity="warning"))
    doc.blocks[:0] = before


# --- what is not placed at all ---------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A footer that prints only the page number: — 1 —, 第 1 页 共 3 页, - 1 -, PAGE fields.
_PAGE_ONLY = re.compile(r"^[\s\-—－–·第页共/PAGENUMRSTIFODX\\*0-9]*$")


def _unkept(read: ReadDocument, path: Path, sealed: set[int]) -> list[Problem]:
    """Images (but the seals, in the paragraphs ``sealed``), headers' and footers' own text,
    footnotes, endnotes and comments: named, not placed."""
    notes: list[Problem] = []
    for p in read.view.paras:
        if p.has_image and p.index not in sealed:
            quoted = f" in 「{_quote(p)}」" if _quote(p) else ""
            notes.append(Problem(f"图片未保留 picture not kept (a seal, a logo, a scan?){quoted}",
                                 Place(key=f"第{p.index}段"),
                                 "add the picture (the seal) in Word after formatting", severity="warning"))
    from .ooxml import parse_xml, read_member

    with zipfile.ZipFile(path) as zf:
        skipped = _skipped_characters(read, parse_xml(read_member(zf, _main_part(zf))))
        if skipped:
            notes.append(Problem(f"未读入的字符 characters the reader did not take (a text box or shape"
                                 f" holding no letters or digits?): 「{skipped[:2 * QUOTE]}」",
                                 hint="type them in the body of the draft if they must be printed",
                                 severity="warning"))
        for name in sorted(zf.namelist()):
            kind = _part_kind(name)
            if kind is None:
                continue
            root = parse_xml(read_member(zf, name))
            texts = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]
            text = " ".join(t.strip() for t in texts if t.strip())
            if not text or (kind.startswith("页脚") and _PAGE_ONLY.match(text)):
                continue
            quoted = text if len(text) <= 2 * QUOTE else text[: 2 * QUOTE] + "…"
            notes.append(Problem(f"{kind} not kept: 「{quoted}」", Place(key=name),
                                 "the layout prints its own page numbers and no header; put this text in the"
                                 " body of the draft if it must be printed", severity="warning"))
    return notes


def _main_part(zf: zipfile.ZipFile) -> str:
    """The main document part's name, from [Content_Types].xml (word/document.xml as a rule)."""
    from .check.docxread import MAIN_TYPES
    from .ooxml import parse_xml, read_member

    types = parse_xml(read_member(zf, "[Content_Types].xml"))
    for override in types:
        if override.get("ContentType") in MAIN_TYPES and override.get("PartName"):
            return str(override.get("PartName")).lstrip("/")
    return "word/document.xml"


def _skipped_characters(read: ReadDocument, root: object) -> str:
    """Characters of the document's text (w:t, the Fallback of each mc:AlternateContent aside) that
    the reader's paragraphs do not hold: a text box with a lone ★, a shape's label."""
    from .check.docxread import drop_fallbacks

    drop_fallbacks(root)
    written = Counter(squeeze("".join(t.text or "" for t in root.iter(f"{_W}t"))))  # type: ignore[attr-defined]
    read_chars = Counter(squeeze("".join(p.text for p in read.view.paras)))
    return "".join((written - read_chars).elements())


def _part_kind(name: str) -> str | None:
    base = name.rsplit("/", 1)[-1]
    for prefix, kind in (("header", "页眉 header text"), ("footer", "页脚 footer text"),
                         ("footnotes", "脚注 footnotes"), ("endnotes", "尾注 endnotes"),
                         ("comments", "批注 comments")):
        if name.startswith("word/") and base.startswith(prefix) and base.endswith(".xml"):
            return kind
    return None
