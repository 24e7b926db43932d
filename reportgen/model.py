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
    """A numbered heading; levels 3 and 4 may carry run-in text (``tail``)."""

    level: int
    number: str
    runs: list[Run]
    tail: list[Run] = field(default_factory=list)
    line: int | None = None

    @property
    def text(self) -> str:
        return self.number + plain(self.runs) + plain(self.tail)


@dataclass
class Table:
    rows: list[list[list[Run]]]
    header_rows: int = 1
    line: int | None = None

    @property
    def text(self) -> str:
        return "\n".join("\t".join(plain(c) for c in row) for row in self.rows)


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
    organ_mark: str | None = None  # 发文机关标志 (may end with 文件)
    doc_number: str | None = None  # 发文字号
    signers: list[str] = field(default_factory=list)  # 签发人
    title: str = ""
    title_lines: tuple[str, ...] = ()  # the title's lines as the author gave them; () = split by layout
    to: str | None = None  # 主送机关, with its colon
    blocks: list[Block] = field(default_factory=list)
    attachment_note: list[str] = field(default_factory=list)  # 附件说明 names
    signature: str | None = None  # 发文机关署名
    date: dt.date | None = None  # 成文日期
    note: str | None = None  # 附注
    attachments: list[Attachment] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)  # 抄送
    printer: str | None = None  # 印发机关
    print_date: dt.date | None = None  # 印发日期
    source: str | None = None  # the template it came from, for messages

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
