"""The 公文 document tree shared by the markup parser, the layout and every writer.

Plain dataclasses: no I/O, no docx, no Jinja. Heading numbers are already resolved
here (``number``), so writers never count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Run:
    """A piece of inline text; ``bold`` comes from ``**…**`` in the markup."""

    text: str
    bold: bool = False


def plain(runs: list[Run]) -> str:
    return "".join(r.text for r in runs)


@dataclass
class Paragraph:
    runs: list[Run]
    line: int | None = None  # line in the rendered markup, for messages

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass
class Heading:
    """A heading; levels 3 and 4 may carry run-in text (``tail``). ``number`` is empty for an
    unnumbered heading (an article's, or one marked ``{-}``): it keeps its level's font."""

    level: int
    number: str
    runs: list[Run]
    tail: list[Run] = field(default_factory=list)
    line: int | None = None

    @property
    def text(self) -> str:
        return self.number + plain(self.runs) + plain(self.tail)


#: A cell that continues the cell to its left (``<``) or above it (``^``): merged cells.
MERGE_LEFT, MERGE_UP = "<", "^"


@dataclass
class Table:
    """A ruled table. ``rows`` hold the cells' runs; a cell whose ``merges`` entry is
    :data:`MERGE_LEFT` or :data:`MERGE_UP` is covered by the cell it continues (a group
    heading over its columns, a 序号 heading over two header rows)."""

    rows: list[list[list[Run]]]
    header_rows: int = 1
    line: int | None = None
    title: str = ""  # printed above the table (表1 …)
    align: list[str] = field(default_factory=list)  # per column: left | center | right | "" (by content)
    widths: list[float] = field(default_factory=list)  # given column widths (relative), else from content
    merges: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → MERGE_LEFT/UP
    landscape: bool | None = None  # on landscape pages (横排); None: when too wide for the portrait page

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    @property
    def text(self) -> str:
        head = [self.title] if self.title else []
        return "\n".join(head + ["\t".join(plain(c) for c in row) for row in self.rows])


def table_spans(table: Table) -> tuple[dict[tuple[int, int], tuple[int, int]], list[tuple[int, int]]]:
    """(row, column) of every cell that others merge into → (rows, columns) it covers; and the
    cells that break a merge's rectangle (a text cell inside it), which the markup refuses."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(table.rows):
        for c in range(len(row)):
            mark = table.merges.get((r, c))
            if mark == MERGE_LEFT and (r, c - 1) in owner:
                origin = owner[r, c - 1]
            elif mark == MERGE_UP and (r - 1, c) in owner:
                origin = owner[r - 1, c]
            else:
                origin = (r, c)
            owner[r, c] = origin
            rows, cols = spans.get(origin, (1, 1))
            spans[origin] = (max(rows, r - origin[0] + 1), max(cols, c - origin[1] + 1))
    bad = [(r, c) for (r0, c0), (nrows, ncols) in spans.items()
           for r in range(r0, r0 + nrows) for c in range(c0, c0 + ncols)
           if owner.get((r, c)) != (r0, c0)]
    return spans, bad


Block = Paragraph | Heading | Table


@dataclass
class Attachment:
    """An attachment (附件) printed after the signature on a new page [7.3.7]."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """One 公文. Every element but the body is optional: a 工作总结 has only a title and body."""

    kind: str = ""  # 文种: 报告, 请示, 通知, 总结 …
    copy_number: str | None = None  # 份号
    secrecy: str | None = None  # 密级和保密期限, e.g. 机密★1年
    urgency: str | None = None  # 紧急程度
    organ_mark: str | None = None  # 发文机关标志 (may end with 文件); of a joint document, the 主办机关's
    organ_marks: list[str] = field(default_factory=list)  # 联合行文: every organ's mark, 主办机关 first
    doc_number: str | None = None  # 发文字号
    signers: list[str] = field(default_factory=list)  # 签发人
    title: str = ""
    title_lines: tuple[str, ...] = ()  # the title's lines as the author gave them; () = split by layout
    subtitle: str | None = None  # the ——… line under the title (an article's)
    byline: str | None = None  # author or occasion under the title: （2023年12月）, 张三
    to: str | None = None  # 主送机关, with its colon
    blocks: list[Block] = field(default_factory=list)
    attachment_note: list[str] = field(default_factory=list)  # 附件说明 names
    signature: str | None = None  # 发文机关署名; of a joint document, the 主办机关's
    signatures: list[str] = field(default_factory=list)  # 联合行文: every organ's 署名, 主办机关 first
    date: dt.date | None = None  # 成文日期
    note: str | None = None  # 附注
    attachments: list[Attachment] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)  # 抄送
    printer: str | None = None  # 印发机关
    print_date: dt.date | None = None  # 印发日期
    source: str | None = None  # the template it came from, for messages
    # GB/T 9704's format: standard (文件格式), or chapter 10's letter (信函), order (命令), minutes (纪要).
    format: str = "standard"
    signature_title: str | None = None  # a 命令's 签发人职务, left of the 签名章 (``signature``) [7.3.5.3]
    # A 纪要's lines under the body: (label, names) such as ("出席", ["张三", "李四"]) [10.3].
    attendance: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def is_upward(self) -> bool:
        """上行文 (报告, 请示) put the 文号 left and the 签发人 right [7.2.5]."""
        return self.kind in {"报告", "请示"}

    @property
    def has_head(self) -> bool:
        return bool(self.organ_mark or self.doc_number)

    @property
    def has_colophon(self) -> bool:
        return bool(self.cc or self.printer)


def iter_blocks(doc: Document) -> Iterator[Block]:
    """Every block of a document in reading order: the body, then each attachment's.

    A Table is one block; its cells are in its ``text``. Checks that search the text (a 报告
    asking for instructions) walk this, so that no part of the document escapes them.
    """
    yield from doc.blocks
    for attachment in doc.attachments:
        yield from attachment.blocks
