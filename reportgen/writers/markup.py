"""model.Document → 公文 markup (the direction back from :mod:`reportgen.markup`).

``parse(write(doc))`` gives a Document with the same text, element by element: front matter for
the 公文 elements, ``#`` headings (the printed number dropped where the automatic numbering
gives the same one, else kept as text on an unnumbered heading ``{-}``), ``**bold**``, pipe
tables with ``<``/``^`` merges, ``::: 附件`` blocks. Every piece of text goes through a
:class:`Text` hook, so that ``reportgen import`` can put ``{{ }}`` expressions in place of
figures; the default hook escapes the text (:func:`reportgen.markup.escape`) and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from ..markup import RUN_IN_END, escape
from ..model import MERGE_LEFT, MERGE_UP, Attachment, Block, Document, Heading, Run, Table, plain
from ..spec import heading_number

#: (text, where) → the markup (or template) text that prints ``text``. ``where`` names the
#: element (``title``, ``body``, ``table``, ``heading`` …) for hooks that care.
Text = Callable[[str, str], str]
#: (text, where) → a YAML scalar that prints ``text`` (front matter values).
Value = Callable[[str, str], str]


def _escape(text: str, where: str) -> str:
    """Markup escapes; an attachment's title (the rest of a ``::: 附件`` line) is read as typed."""
    return text if where == "attachment_title" else escape(text)


def _quote(text: str, where: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _date(value: dt.date, where: str) -> str:
    return value.isoformat()


def write(doc: Document, text: Text = _escape, value: Value = _quote,
          date: Callable[[dt.date, str], str] = _date) -> str:
    """The markup of a whole document: front matter, body, attachments."""
    out = ["---", *front_matter(doc, value, date), "---"]
    out += blocks(doc.blocks, text)
    for attachment in doc.attachments:
        out += _attachment(attachment, text)
    return "\n".join(out).rstrip("\n") + "\n"


def front_matter(doc: Document, value: Value = _quote,
                 date: Callable[[dt.date, str], str] = _date) -> list[str]:
    """``key: value`` lines for every element the document has, in the README's order."""
    lines: list[str] = []

    def one(key: str, text: str | None) -> None:
        if text:
            lines.append(f"{key}: {value(text, key)}")

    def many(key: str, items: list[str]) -> None:
        if items:
            lines.append(f"{key}: [{', '.join(value(item, key) for item in items)}]")

    one("kind", doc.kind)
    lines += _format(doc)
    one("copy_number", doc.copy_number)
    one("secrecy", doc.secrecy)
    one("urgency", doc.urgency)
    if doc.organ_marks:
        many("organ_mark", doc.organ_marks)
    else:
        one("organ_mark", doc.organ_mark)
    one("number", doc.doc_number)
    many("signers", doc.signers)
    if doc.title_lines and _shaped(doc.title_lines):
        many("title", list(doc.title_lines))
    else:
        one("title", doc.title)
    one("subtitle", doc.subtitle)
    one("byline", doc.byline)
    one("to", doc.to)
    if doc.attachment_note != [a.title for a in doc.attachments]:
        many("attachments", doc.attachment_note)
    one("signature_title", doc.signature_title)
    if doc.signatures:
        many("signature", doc.signatures)
    else:
        one("signature", doc.signature)
    if doc.date:
        lines.append(f"date: {date(doc.date, 'date')}")
    one("note", doc.note)
    many("cc", doc.cc)
    one("printer", doc.printer)
    if doc.print_date:
        lines.append(f"print_date: {date(doc.print_date, 'print_date')}")
    if doc.attendance:
        lines.append("attendance:")
        lines += [f"  {label}: [{', '.join(value(name, 'attendance') for name in names)}]"
                  for label, names in doc.attendance]
    return lines


def _format(doc: Document) -> list[str]:
    """``format:`` where the document's format is not the one its kind takes by default (a 函
    read in 文件格式, a 通知 in 信函格式); the front matter's default is the reader's too."""
    from ..gongwen import FORMATS, kind_format

    if doc.format == kind_format(doc.kind, bool(doc.organ_mark)):
        return []
    return [f"format: {next(name for name, fid in FORMATS.items() if fid == doc.format)}"]


def _shaped(lines: tuple[str, ...]) -> bool:
    """Title lines the layout accepts as given (梯形 or 菱形); others are left to the layout to split."""
    from ..gongwen import title_shape
    from ..layout import cells

    return title_shape([cells(line) for line in lines]) is None


def blocks(items: list[Block], text: Text = _escape) -> list[str]:
    """The markup lines of a body (or an attachment's), a blank line between blocks."""
    out: list[str] = []
    counters = [0, 0, 0, 0]
    for block in items:
        if isinstance(block, Heading):
            out += _heading(block, counters, text)
        elif isinstance(block, Table):
            out += _table(block, text)
        else:
            out.append(inline(block.runs, text, "body"))
        out.append("")
    return out


def inline(runs: list[Run], text: Text = _escape, where: str = "body") -> str:
    """Runs as one markup line: bold between ``**``, line breaks dropped (markup joins lines)."""
    parts: list[str] = []
    for run in runs:
        piece = run.text.replace("\n", "")
        if not piece:
            continue
        written = text(piece, where)
        parts.append(f"**{written}**" if run.bold and piece.strip() else written)
    return "".join(parts)


def _heading(block: Heading, counters: list[int], text: Text) -> list[str]:
    level = min(max(block.level, 1), 4)
    content = inline(block.runs, text, "heading")
    if block.number and block.number == heading_number(level, counters[level - 1] + 1):
        counters[level - 1] += 1
        for deeper in range(level, 4):
            counters[deeper] = 0
        line = f"{'#' * level} {content}"
    else:  # unnumbered, or a number the automatic numbering would not give: printed as typed
        line = f"{'#' * level} {escape(block.number)}{content} {{-}}"
    if not block.tail and level > 1 and line.endswith(RUN_IN_END):  # not run-in: the parser must know
        line = line[:-1] + "\\" + line[-1]
    elif not block.tail and level > 1 and line.endswith(" {-}") and line[:-4].endswith(RUN_IN_END):
        line = line[:-5] + "\\" + line[-5:]
    lines = [line]
    if block.tail:
        lines.append(inline(block.tail, text, "body"))
    return lines


def _table(table: Table, text: Text) -> list[str]:
    lines: list[str] = []
    if table.title:
        lines.append(f"::: 表 {text(table.title, 'table')}")
    columns = table.columns
    for r, row in enumerate(table.rows):
        cells: list[str] = []
        for c in range(columns):
            mark = table.merges.get((r, c))
            if mark in (MERGE_LEFT, MERGE_UP):
                cells.append(mark)
            else:
                cell = inline(row[c], text, _cell_place(table, r, c)) if c < len(row) else ""
                cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
        if r + 1 == table.header_rows:
            lines.append("|" + "|".join(["---"] * columns) + "|")
    return lines


def _cell_place(table: Table, r: int, c: int) -> str:
    """``where`` of a table cell for the text hook: ``table``, then the row's name and the column's
    heading (tab-separated) for a cell below the heading rows, which name its figure. The row's
    name is its first cell without digits (甲区, not the 序号 before it)."""
    if r < table.header_rows:
        return "table"
    heads = column_heads(table)
    return f"table\t{row_name(table.rows[r])}\t{heads[c] if c < len(heads) else ''}"


def column_heads(table: Table) -> list[str]:
    """Each column's heading: the lowest heading row's text in it (a cell merged from above, such
    as 序号 over two heading rows, gives the text it continues)."""
    heads: list[str] = []
    for c in range(table.columns):
        texts = [plain(row[c]) for row in table.rows[:table.header_rows] if c < len(row) and plain(row[c])]
        heads.append(texts[-1] if texts else "")
    return heads


def row_name(row: list[list[Run]]) -> str:
    """A table row's name: its first cell without digits (甲区, not the 序号 before it)."""
    texts = [plain(cell) for cell in row if plain(cell) and not any(ch.isdigit() for ch in plain(cell))]
    return texts[0] if texts else ""


def _attachment(attachment: Attachment, text: Text) -> list[str]:
    return [f"::: 附件 {text(attachment.title, 'attachment_title')}", "", *blocks(attachment.blocks, text)]
