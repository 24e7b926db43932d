"""A .docx read as our document tree: :class:`reportgen.model.Document`, with where each element came from.

This is the reader of Word documents for the whole project, in three steps that can each be
used alone::

    view = docxread.read_docx(path)          # the package, formatting resolved (DocxView / Para)
    structure = classify.classify(view)      # which 公文 element each paragraph is (Role)
    read = to_document(view, structure)      # model.Document + the paragraphs of each element

or at once with :func:`read_document`. The Document stays plain (model.py knows nothing of
.docx): the measured formatting of an element is in its :class:`~reportgen.check.docxread.Para`
objects, found with :meth:`ReadDocument.paras_of` (a block or an attachment) or
:attr:`ReadDocument.fields` (a field of the Document by name, e.g. ``"title"``, ``"date"``).

What is read, by element: 份号, 密级, 紧急程度, 发文机关标志 and 发文字号 as their text; the 签发人
as a list of names; the title as one string, and its lines (``title_lines``) when it was
written on several lines (paragraphs or line breaks); the 主送 with its colon; the body as
Heading (level and number as printed, Word's list numbering included; run-in text of levels
3 and 4 in ``tail``), Paragraph (runs with bold) and Table (rows, cells, its heading rows,
merged cells as MERGE_LEFT/MERGE_UP, a 表1 … first row across the table as its title); the
附件说明 names without 附件： and their numbers; 署名; the 成文日期 and 印发日期 as dates; the
附注 without its brackets; each attachment's title and blocks; the 抄送 organs; the 印发机关.
The kind is the title's last word when it names a known kind (:data:`reportgen.gongwen.KINDS`).
Word joiners (U+2060, which the writer puts inside 11月26日) are layout, not text: dropped.

In chapter 10's formats ``doc_number`` holds what stands in the 文号's place: a 命令's 令号
(第1号) or a 纪要's 编号 (〔2026〕第5次); ``ReadDocument.structure.format`` says which.

Where a value cannot be read (a template's ``XX发〔20XX〕XX号``, a date written 2024.1.21) the
field keeps its text or stays None, and its name is in :attr:`ReadDocument.unread`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import gongwen
from ..errors import Place
from ..model import MERGE_LEFT, MERGE_UP, Attachment, Block, Document, Heading, Paragraph, Run, Table
from .classify import (
    COPY_NUMBER,
    DATE_LOOSE,
    MINUTES_LABEL,
    SIDE_BY_SIDE,
    Structure,
    classify,
    has_placeholder,
    letter_number_split,
    strip_all,
)
from .docxread import DocxView, Para, read_docx

# Roles whose paragraphs are blocks of the body (or of an attachment).
BLOCK_ROLES = frozenset({"body", "heading1", "heading2", "heading3", "heading4", "table", "table_row",
                         "inline_attachment"})
# The Document fields read from one kind of paragraph each (the role of the same name).
TEXT_FIELDS = ("copy_number", "secrecy", "urgency", "organ_mark", "to", "note", "subtitle", "byline")
# Layout marks the writer puts between characters that must stay on one line (11月26日): not text.
WORD_JOINER = "\u2060"
_ZH_DIGITS = {ch: str(k) for k, ch in enumerate("零一二三四五六七八九")} | {"〇": "0", "○": "0", "Ｏ": "0"}


@dataclass
class ReadDocument:
    """A .docx read as a 公文: the Document, and the paragraphs each element was read from.

    ``fields`` maps a Document field name (``"title"``, ``"doc_number"``, ``"signers"``,
    ``"attachment_note"``, ``"date"``, ``"cc"``, ``"printer"`` …) to its paragraphs in document
    order; ``unread`` names the fields present in the file whose value could not be read
    (placeholders, dates in another form). Blocks and attachments: :meth:`paras_of`.
    """

    document: Document
    view: DocxView
    structure: Structure
    fields: dict[str, list[Para]] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)
    _origin: dict[int, list[Para]] = field(default_factory=dict, repr=False)

    def paras_of(self, element: Block | Attachment) -> list[Para]:
        """The paragraphs a block (Heading, Paragraph, Table) or an attachment was read from."""
        return self._origin.get(id(element), [])

    def paragraph(self, name: str) -> int | None:
        """The number (1-based, as ``check`` prints it) of a field's first paragraph."""
        paras = self.fields.get(name)
        return paras[0].index if paras else None

    def place(self, name: str) -> Place:
        """A field's place for messages: the file, and its paragraph number as the line."""
        return Place(self.document.source, self.paragraph(name), key=name)


def read_document(path: Path) -> ReadDocument:
    """Read a .docx (or .dotx/.docm/.dotm) as a Document; raises CheckError when it cannot be read."""
    view = read_docx(path)
    return to_document(view, classify(view), str(path))


def to_document(view: DocxView, structure: Structure, source: str | None = None) -> ReadDocument:
    """The Document a classified .docx holds, with the paragraphs of each element."""
    doc = Document(source=source)
    read = ReadDocument(doc, view, structure)
    roles = structure.roles
    paras = [p for p in view.paras if not p.blank]

    def of(role: str, attachment: int = 0) -> list[Para]:
        return [p for p in paras if roles[p.index].role == role and roles[p.index].attachment == attachment]

    def keep(name: str, found: list[Para]) -> list[Para]:
        if found:
            read.fields[name] = found
            if any(roles[p.index].placeholder for p in found):
                read.unread.add(name)
        return found

    def part(attachment: int) -> list[Para]:
        """The block paragraphs of the body (0) or an attachment, with the blank cells of its tables."""
        found = [p for p in paras
                 if roles[p.index].role in BLOCK_ROLES and roles[p.index].attachment == attachment]
        tables = {p.table for p in found if p.in_table}
        blank_cells = [p for p in view.paras if p.blank and p.in_table and p.table in tables]
        return sorted(found + blank_cells, key=lambda p: p.index)

    for name in TEXT_FIELDS:
        found = keep(name, of(name))
        if found:
            text = "".join(_plain(p.text) for p in found)
            if name == "note" and text[:1] in "（(" and text[-1:] in "）)":
                text = text[1:-1]
            setattr(doc, name, text)
    _joint_marks(read, of("organ_mark"))
    _head(read, of("doc_number"), of("signers"))
    _title(read, keep("title", of("title")))
    doc.blocks = _blocks(read, part(0))
    doc.format = structure.format if structure.format in ("letter", "order", "minutes") else "standard"
    if doc.format == "minutes":
        _attendance(read)
    for p in keep("attachment_note", of("attachment_note")):
        text = re.sub(r"^附\s*件\s*[:：]\s*", "", _plain(p.text))
        doc.attachment_note.append(re.sub(r"^\d{1,2}\s*[.．、]\s*", "", text))
    _signature(read, keep("signature", of("signature")), keep("date", of("date")))
    _joint_signatures(read, of("signature"))
    _colophon(read, keep("cc", of("cc")), keep("printer", of("printer")))
    for k in sorted({r.attachment for r in roles.values() if r.attachment}):
        label, title = of("attachment_label", k), of("attachment_title", k)
        attachment = Attachment("".join(_plain(line) for p in title for line in p.text.split("\n")))
        attachment.blocks = _blocks(read, part(k))
        read._origin[id(attachment)] = label + title
        doc.attachments.append(attachment)
    doc.kind = next((kind for kind in sorted(gongwen.KINDS, key=len, reverse=True)
                     if doc.title.endswith(kind) or (doc.subtitle or "").endswith(kind)), "")
    return read


def parse_date(text: str) -> dt.date | None:
    """A written date (2020年12月15日, 二〇二〇年十二月十五日) as a date; None when it is not one."""
    m = DATE_LOOSE.match(re.sub(r"\s", "", text))
    if m is None:
        return None
    year = "".join(_ZH_DIGITS.get(ch, ch) for ch in m["y"])
    month, day = (int(v) if v.isdigit() else gongwen.cn_value(v.replace("〇", "零"))
                  for v in m.group("m", "d"))
    try:
        return dt.date(int(year), month or 0, day or 0)
    except ValueError:
        return None


def runs_of(p: Para, start: int = 0, end: int | None = None) -> list[Run]:
    """The runs of a paragraph's text[start:end], bold kept, neighbours of one weight merged."""
    end = len(p.text) if end is None else end
    out: list[Run] = []
    for r in p.runs:
        a, b = max(r.start, start), min(r.start + len(r.text), end)
        if a >= b:
            continue
        piece = r.text[a - r.start: b - r.start].replace(WORD_JOINER, "")
        if out and out[-1].bold == r.bold:
            out[-1].text += piece
        else:
            out.append(Run(piece, r.bold))
    return out


def _plain(text: str) -> str:
    """A paragraph's text as content: without word joiners and the blanks around it."""
    return strip_all(text.replace(WORD_JOINER, ""))


def _trimmed(p: Para) -> tuple[int, int]:
    """The span of a paragraph's text without the blanks around it (typed indents)."""
    blanks = " \t\n\u3000\xa0"
    start = len(p.text) - len(p.text.lstrip(blanks))
    return start, len(p.text.rstrip(blanks))


def _head(read: ReadDocument, numbers: list[Para], signer_lines: list[Para]) -> None:
    """The 发文字号 and the 签发人 names, on the 文号's line and on lines of their own [7.2.5, 7.2.6]."""
    doc = read.document
    with_names: list[Para] = []
    for p in sorted(numbers + signer_lines, key=lambda q: q.index):
        rest = _plain(p.text)
        split = letter_number_split(p.text) if p in numbers else None
        if split:  # 信函: 份号 (or 密级, 紧急程度) left, 文号 right on one line [10.1]
            doc.doc_number = doc.doc_number or split[1]
            if COPY_NUMBER.match(split[0]):
                doc.copy_number = doc.copy_number or split[0]
            continue
        if p in numbers:
            number = re.split(r"[\t　 ]*签发人|\t|[　 ]{2,}", rest)[0].strip()
            doc.doc_number = doc.doc_number or number
            rest = rest[rest.index(number) + len(number):] if number in rest else ""
        names = [n for n in re.split(r"[\s\u3000]+", re.sub(r"^.*签发人\s*[:：]?", "", rest)) if n]
        if names:
            doc.signers.extend(names)
            with_names.append(p)
    if numbers:
        read.fields["doc_number"] = numbers
        if any(read.structure.roles[p.index].placeholder for p in numbers):
            read.unread.add("doc_number")
    if with_names:
        read.fields["signers"] = with_names


def _title(read: ReadDocument, paras: list[Para]) -> None:
    lines = [_plain(line) for p in paras for line in p.text.split("\n") if _plain(line)]
    read.document.title = "".join(lines)
    read.document.title_lines = tuple(lines) if len(lines) > 1 else ()


def _blocks(read: ReadDocument, paras: list[Para]) -> list[Block]:
    """The blocks of a body: paragraphs and headings one each, a Word table's paragraphs one Table."""
    blocks: list[Block] = []
    roles = read.structure.roles
    tables: dict[int, Table] = {}
    for p in paras:
        role = roles[p.index]
        block: Block
        if p.in_table and p.table is not None:
            table = tables.get(p.table)
            if table is None:
                table = tables[p.table] = Table([])
                sec = read.view.sections[min(p.section, len(read.view.sections) - 1)]
                if sec.page_width and sec.page_height and sec.page_width > sec.page_height:
                    table.landscape = True  # on a landscape page: a 横排表格
                blocks.append(table)
                read._origin[id(table)] = []
            _cell(table, p)
            read._origin[id(table)].append(p)
            continue
        start, end = _trimmed(p)
        if role.role.startswith("heading"):
            if p.number_label:  # Word's list numbering: the number is not in the text
                number, cut = role.marker, start
            else:
                number, cut = p.text[start: start + len(role.marker)], start + len(role.marker)
            runs = runs_of(p, cut, end)
            tail: list[Run] = []
            text = p.text[cut:end]
            stop = text.find("。")
            if role.level >= 3 and 0 <= stop < len(text) - 1:  # run-in text after 1.标题。
                runs, tail = runs_of(p, cut, cut + stop + 1), runs_of(p, cut + stop + 1, end)
            block = Heading(role.level, number, runs, tail)
        else:
            block = Paragraph(runs_of(p, start, end))
        read._origin[id(block)] = [p]
        blocks.append(block)
    for number, table in tables.items():
        heads = {p.row for p in paras if p.in_table and p.table == number and p.header_row}
        table.header_rows = len(heads)  # the rows Word repeats on each page
        _table_title(table)
    return blocks


def _cell(table: Table, p: Para) -> None:
    """Put a table paragraph into its cell; the grid columns a cell spans, and a cell that
    continues the one above, become merges (MERGE_LEFT, MERGE_UP) as the markup writes them."""
    r, c = p.row or 0, p.column or 0
    while len(table.rows) <= r:
        table.rows.append([])
    row = table.rows[r]
    while len(row) < c + p.span:
        row.append([])
    for k in range(1, p.span):
        table.merges[r, c + k] = MERGE_LEFT
    if p.merged_up:
        table.merges[r, c] = MERGE_UP
        return
    cell = row[c]
    if cell:
        cell.append(Run("\n"))
    # A line break inside a cell's paragraph only says where its line ends (a heading's unit on
    # a line of its own: 培训 over （人次）); the cell's text runs on.
    cell.extend(Run(run.text.replace("\n", ""), run.bold) for run in runs_of(p, *_trimmed(p))
                if run.text.replace("\n", ""))


def _table_title(table: Table) -> None:
    """A first row that is one cell across the table saying 表1 …: the table's title."""
    if len(table.rows) < 2 or table.columns < 2:
        return
    first = table.rows[0]
    if not all(table.merges.get((0, c)) == MERGE_LEFT for c in range(1, table.columns)):
        return
    title = "".join(r.text for r in first[0])
    if not re.match(r"^(续)?表\s*[\d一二三四五六七八九十]", title):
        return
    table.title = title
    table.header_rows = max(table.header_rows - 1, 0)
    table.rows = table.rows[1:]
    table.merges = {(r - 1, c): mark for (r, c), mark in table.merges.items() if r > 0}


def _signature(read: ReadDocument, signatures: list[Para], dates: list[Para]) -> None:
    doc = read.document
    lines = [_plain(line) for p in signatures for line in p.text.split("\n") if _plain(line)]
    if dates:
        date_lines = [_plain(line) for line in dates[0].text.split("\n") if _plain(line)]
        lines += date_lines[:-1]  # 署名⏎成文日期 in one paragraph
        if len(date_lines) > 1:
            read.fields.setdefault("signature", dates)
        doc.date = parse_date(date_lines[-1]) if date_lines else None
        if doc.date is None:
            read.unread.add("date")
    doc.signature = "\n".join(lines) or None
    if read.structure.format == "order" and doc.signature:
        # 签发人职务 and 签名章 on one line, two 字 apart [7.3.5.3]
        parts = re.split(r"[ \t\u3000]{2,}", doc.signature, maxsplit=1)
        if len(parts) == 2:
            doc.signature_title, doc.signature = parts


def _attendance(read: ReadDocument) -> None:
    """A 纪要's 主持/出席/请假/列席/记录 lines at the end of its body, as ``attendance`` [10.3]."""
    doc = read.document
    while doc.blocks and isinstance(doc.blocks[-1], Paragraph):
        m = MINUTES_LABEL.match(doc.blocks[-1].text)
        if m is None:
            break
        block = doc.blocks.pop()
        label = re.sub(r"\s", "", m.group(1))
        names = [n.strip() for n in block.text[m.end():].split("、")]
        doc.attendance.insert(0, (label, [n for n in names if n]))
        read.fields.setdefault("attendance", [])[:0] = read.paras_of(block)


def _joint_marks(read: ReadDocument, marks: list[Para]) -> None:
    """Stacked organ marks (联合行文) in a table: the names down its first column, 文件 beside
    them. ``organ_marks`` gets the names; ``organ_mark`` the 主办机关's as printed with 文件."""
    if not marks or not all(p.in_table for p in marks):
        return
    names = [_plain(p.text) for p in marks if not p.column]
    suffix = "".join(_plain(p.text) for p in marks if p.column)
    if len(names) > 1:
        read.document.organ_marks = names
        read.document.organ_mark = names[0] + suffix


def _joint_signatures(read: ReadDocument, signatures: list[Para]) -> None:
    """Several 署名 (联合行文): side by side, a tab or wide blanks apart (under their seals), or one
    a line under a joint 版头. ``signatures`` gets every name, ``signature`` the 主办机关's."""
    doc = read.document
    if read.structure.format == "order":
        return  # a 命令's 职务 and 签名章 [10.2]
    side = any(SIDE_BY_SIDE.search(strip_all(p.text)) for p in signatures)
    if not side and not (doc.organ_marks and len(signatures) > 1):
        return
    names = [name for p in signatures for name in re.split(r"\t+|[ 　]{2,}", _plain(p.text)) if name.strip()]
    if len(names) > 1:
        doc.signatures = [name.strip() for name in names]
        doc.signature = doc.signatures[0]


def _colophon(read: ReadDocument, cc: list[Para], printer: list[Para]) -> None:
    doc = read.document
    text = "".join(_plain(p.text) for p in cc)
    text = re.sub(r"^抄\s*送\s*[:：]\s*", "", text).rstrip("。.")
    doc.cc = [organ.strip() for organ in re.split(r"[，、,]", text) if organ.strip()]
    if printer:
        line = _plain(printer[0].text)
        m = re.match(r"^(.*?)[\s　]*(\S*\d{4}\s*年.*?日)?\s*印\s*发$", line)
        if m:
            doc.printer = m[1].strip() or None
            doc.print_date = parse_date(m[2] or "")
        read.fields["print_date"] = printer
        if doc.print_date is None or has_placeholder(line):
            read.unread.add("print_date")
