"""公文 markup → :class:`reportgen.model.Document`.

The markup is deliberately small and not CommonMark:

* YAML front matter between ``---`` lines holds the document's elements
  (kind, organ_mark, number, signers, title, to, signature, date, cc …).
* ``#`` … ``####`` are the four heading levels, numbered automatically
  一、 （一） 1. （1）. A level 2–4 heading whose text ends with 。！？：
  runs into the paragraph that follows it, as 公文 practice prints
  "1.认真开展调研，明确工作思路。按照……".
  ``# 标题 {-}`` (or ``{.unnumbered}``) is a heading without a number, and the front
  matter's ``numbering: false`` numbers no heading of the document (an article's bold
  headings); an unnumbered heading does not count in the numbering of the others.
* ``subtitle:`` (the ——… line) and ``byline:`` (author or occasion) print under the title.
* ``format:`` 文件, 信函, 命令 or 纪要 (GB/T 9704 chapters 7 and 10; by default the kind's:
  a 函 with an organ mark is a 信函, a 命令 a 命令, a 纪要 a 纪要); a 命令's ``signature_title:``
  (签发人职务) stands left of its ``signature:`` (签名章); a 纪要's ``attendance:`` maps
  主持/出席/请假/列席/记录 to names, printed under the body in the order written.
* ``**bold**`` is the only inline markup; ``\\*`` and ``\\#`` escape.
* Blank lines separate paragraphs; lines of one paragraph are joined without a
  space (CJK text has none), except between two Latin words.
* Pipe tables: ``| a | b |`` rows; a row ``|---|:---:|---:|`` ends the header rows above it
  and sets each column's alignment (left, centred, right; ``---`` aligns by content). A cell
  that is only ``<`` merges with the cell to its left, only ``^`` with the cell above it.
  ``::: 表 TITLE`` right before a table prints TITLE above it; ``::: 列宽 4 8 6`` gives the
  columns' relative widths (else they follow the content); ``::: 横排`` prints the table on
  landscape pages (a table too wide for the portrait page goes there unasked; ``::: 竖排``
  keeps it upright).
* ``::: 附件 TITLE`` starts an attachment; what follows belongs to it.

CommonMark would turn a body line starting with "1." into a list and its
emphasis rules fail next to CJK punctuation (``**“两个覆盖”**工作``), which is
why this parser is our own.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import spec
from .data import XML_ILLEGAL
from .errors import DataError, MarkupError, Place, Problem
from .gongwen import ATTENDANCE_LABELS, FORMAT_NAMES, FORMATS, heading_marker, kind_format
from .model import (
    MERGE_LEFT,
    MERGE_UP,
    Attachment,
    Block,
    Document,
    Heading,
    Paragraph,
    Run,
    Table,
    plain,
    table_spans,
)
from .spec import heading_number

RUN_IN_END = tuple("。！？：")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ATTACHMENT = re.compile(r"^:::\s*附件\s*(.*?)\s*$")
_TABLE_TITLE = re.compile(r"^:::\s*表(?:\s+(.*?))?\s*$")
_TABLE_WIDTHS = re.compile(r"^:::\s*列宽\s*(.*?)\s*$")
_TABLE_TURN = re.compile(r"^:::\s*(横排|竖排)\s*$")

FRONT_MATTER_KEYS = {
    "kind", "copy_number", "secrecy", "urgency", "organ_mark", "number", "signers",
    "title", "to", "signature", "date", "note", "attachments", "cc", "printer",
    "print_date", "subtitle", "byline", "numbering", "format", "signature_title", "attendance",
}
# A heading that takes no number, as pandoc writes it: ``# 标题 {-}`` or ``{.unnumbered}``.
_UNNUMBERED = re.compile(r"\s*(?<!\\)\{(?:-|\.unnumbered)\}$")


def parse(text: str, source: str = "<markup>") -> Document:
    """Parse rendered 公文 markup into a Document; raise MarkupError with places."""
    bad = XML_ILLEGAL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise MarkupError(f"the template writes the control character U+{ord(bad.group()):04X}, "
                          "which a .docx cannot hold", place=Place(source, line),
                          hint="remove it from the template at that line")
    meta, body, offset = split_front_matter(text, source)
    doc = _document_from_meta(meta, source, _key_lines(text.split("\n", offset)[:offset]))
    problems: list[Problem] = []
    main, attachments = _split_attachments(body.split("\n"), offset)
    numbered = _numbering(meta.get("numbering", True), source, _key_lines(text.split("\n", offset)[:offset]))
    doc.blocks = _parse_blocks(main, source, problems, numbered)
    for title, lines in attachments:
        doc.attachments.append(Attachment(title, _parse_blocks(lines, source, problems, numbered)))
    if not doc.attachment_note and doc.attachments:
        doc.attachment_note = [a.title for a in doc.attachments]
    elif doc.attachments:
        problems += _check_attachment_titles(doc, attachments, source)
    if problems:
        raise MarkupError(problems)
    return doc


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str, int]:
    """Return (metadata, body, line offset of the body)."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != "---":
        return {}, text, 0
    for end in range(start + 1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = _load_front_matter("\n".join(lines[start + 1 : end]), source, start + 2)
            if not isinstance(meta, dict):
                raise MarkupError("front matter must be a mapping of keys to values",
                                  place=Place(source, start + 1))
            return meta, "\n".join(lines[end + 1 :]), end + 1
    raise MarkupError("front matter opened with --- is never closed",
                      place=Place(source, start + 1), hint="add a line with --- after it")


_TOJSON = "; a value from the data is quoted by the tojson filter: title: {{ x | tojson }}"


def _load_front_matter(block: str, source: str, first_line: int) -> Any:
    """The front matter, read by the loader of the data files, so it follows the same rules
    (YAML 1.2 values, no duplicate keys, bounded aliases and nesting)."""
    from .data import load_text

    try:
        value, _places = load_text(block, source, first_line)
    except DataError as exc:
        raise MarkupError([Problem(f"front matter: {p.message}", p.place,
                                   p.hint + _TOJSON if p.hint and "quote" in p.hint else p.hint)
                           for p in exc.problems]) from None
    return value or {}


# The dates a .docx can carry: zip timestamps hold the years 1980–2107 (the writer stamps the
# 成文日期 on every member), and no 公文 is dated outside them.
FIRST_YEAR, LAST_YEAR = 1980, 2107


_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def _key_lines(front: list[str]) -> dict[str, int]:
    """1-based line of every top-level front-matter key (the lines before the body)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front, 1):
        m = _KEY_LINE.match(line)
        if m:
            lines.setdefault(m.group(1), number)
    return lines


def _at(source: str, key: str, lines: dict[str, int]) -> Place:
    """The place of a front-matter key (``cc[1]`` is on the line of ``cc``)."""
    return Place(source, lines.get(key.split("[")[0]), key=key)


def _text(value: Any, key: str, source: str, lines: dict[str, int]) -> str:
    """A front-matter value that prints as text: a string, or a figure (份号 000001, a year);
    never a list, a mapping or true/false, and nothing XML cannot hold."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date):
        kind = {bool: "true/false", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
        raise MarkupError(f"must be text, got {kind}: {value!r}", place=_at(source, key, lines),
                          hint=f"write {key}: followed by the text (quote it if it starts with [ or {{)")
    text = str(value)
    bad = XML_ILLEGAL.search(text)
    if bad:
        raise MarkupError(f"contains the control character U+{ord(bad.group()):04X}, "
                          "which a .docx cannot hold", place=_at(source, key, lines),
                          hint="delete it; it often comes with text pasted from another program")
    return text


def _as_list(value: Any, key: str, source: str, lines: dict[str, int]) -> list[str]:
    """One name or a list of names (signers, cc, attachments)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [_text(value, key, source, lines)]
    if not isinstance(value, list):
        raise MarkupError(f"must be one name or a list of names, got {value!r}",
                          place=_at(source, key, lines), hint=f"{key}: [甲单位, 乙单位]")
    return [_text(item, f"{key}[{index}]", source, lines) for index, item in enumerate(value)]


def _title_lines(value: Any, source: str, lines: dict[str, int]) -> tuple[str, ...]:
    """A title as the author gave it: text (the layout splits it), or its lines, as a list or as
    text with line breaks (a YAML ``|`` block). Blank lines and the white space around each
    line are dropped: a title has no empty line."""
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        parts = [_text(item, f"title[{index}]", source, lines) for index, item in enumerate(value)]
    else:
        parts = _text(value, "title", source, lines).split("\n")
    return tuple(part.strip() for part in parts if part.strip())


def _numbering(value: Any, source: str, lines: dict[str, int]) -> bool:
    """``numbering:`` true (the default: 一、（一）1.（1）) or false (no heading is numbered)."""
    if not isinstance(value, bool):
        raise MarkupError(f"must be true or false, got {value!r}", place=_at(source, "numbering", lines),
                          hint="numbering: false prints every heading without its number (an article's"
                               " headings); mark a single heading with {-} at its end instead")
    return value


def _as_date(value: Any, key: str, source: str, lines: dict[str, int]) -> dt.date | None:
    """A real date between 1980 and 2107 (YAML's date, or text YYYY-MM-DD)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise MarkupError(f"not a date: {value!r}", place=_at(source, key, lines),
                              hint="write dates as YYYY-MM-DD")
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise MarkupError(f"not a date: {value!r}", place=_at(source, key, lines),
                              hint="write dates as YYYY-MM-DD, a day that exists (02-29 in a leap year,"
                                   " never 02-30)") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise MarkupError(f"{value.isoformat()} is outside the years {FIRST_YEAR}–{LAST_YEAR}",
                          place=_at(source, key, lines),
                          hint=f"a .docx carries dates from {FIRST_YEAR} to {LAST_YEAR}: check the year")
    return value


def _document_from_meta(meta: dict[str, Any], source: str, lines: dict[str, int] | None = None) -> Document:
    lines = lines or {}
    unknown = sorted(set(meta) - FRONT_MATTER_KEYS)
    if unknown:
        raise MarkupError(
            f"unknown front matter key {unknown[0]!r}",
            place=_at(source, unknown[0], lines),
            hint="known keys: " + ", ".join(sorted(FRONT_MATTER_KEYS)),
        )

    def text(key: str) -> str | None:
        value = meta.get(key)
        return None if value is None or value == "" else _text(value, key, source, lines)

    title_lines = _title_lines(meta.get("title"), source, lines)
    to = text("to")
    if to and not to.endswith(("：", ":")):
        to += "："
    marks = _organs(meta.get("organ_mark"), "organ_mark", source, lines, spec.JOINT_MARKS_MAX)
    signatures = _organs(meta.get("signature"), "signature", source, lines, None)
    copy_number = text("copy_number")
    if copy_number and copy_number.isdigit():
        copy_number = copy_number.zfill(6)  # 6 digits [7.2.1]
    kind = text("kind") or ""
    doc = Document(
        kind=kind,
        copy_number=copy_number,
        secrecy=text("secrecy"),
        urgency=text("urgency"),
        organ_mark=marks[0] if marks else None,
        organ_marks=marks if len(marks) > 1 else [],
        doc_number=text("number"),
        signers=_as_list(meta.get("signers"), "signers", source, lines),
        title="".join(title_lines),
        title_lines=title_lines if len(title_lines) > 1 else (),
        subtitle=_subtitle(text("subtitle")),
        byline=text("byline"),
        to=to,
        attachment_note=_as_list(meta.get("attachments"), "attachments", source, lines),
        signature=signatures[0] if signatures else None,
        signatures=signatures if len(signatures) > 1 else [],
        date=_as_date(meta.get("date"), "date", source, lines),
        note=text("note"),
        cc=_as_list(meta.get("cc"), "cc", source, lines),
        printer=text("printer"),
        print_date=_as_date(meta.get("print_date"), "print_date", source, lines),
        source=source,
        format=_format(text("format"), kind, bool(marks), source, lines),
        signature_title=text("signature_title"),
        attendance=_attendance(meta.get("attendance"), source, lines),
    )
    _check_format(doc, meta, source, lines)
    return doc


def _format(value: str | None, kind: str, marked: bool, source: str, lines: dict[str, int]) -> str:
    """``format:`` 文件 / 信函 / 命令 / 纪要 (or standard / letter / order / minutes); by default the
    kind's own (a 函 with an organ mark in 信函格式, a 命令 in 命令格式, a 纪要 in 纪要格式), else
    文件格式 (a 函 without a mark is laid out as a plain document)."""
    if value is None:
        return kind_format(kind, marked)
    name = value.strip().removesuffix("格式")
    if name in FORMATS:
        return FORMATS[name]
    if name in FORMATS.values():
        return name
    raise MarkupError(f"unknown format {value!r}", place=_at(source, "format", lines),
                      hint="format: 文件, 信函, 命令 or 纪要 (GB/T 9704 chapters 7 and 10)")


def _attendance(value: Any, source: str, lines: dict[str, int]) -> list[tuple[str, list[str]]]:
    """A 纪要's ``attendance:`` mapping: label (出席, 请假, 列席, 主持, 记录) → a name or a list of
    names, printed in the order written."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise MarkupError(f"must be a mapping of labels to names, got {value!r}",
                          place=_at(source, "attendance", lines),
                          hint="attendance: {出席: [张三, 李四], 请假: 王五, 列席: [赵六]}")
    out: list[tuple[str, list[str]]] = []
    for label, names in value.items():
        if label not in ATTENDANCE_LABELS:
            raise MarkupError(f"unknown attendance label {label!r}", place=_at(source, "attendance", lines),
                              hint="the labels are " + "、".join(ATTENDANCE_LABELS))
        listed = _as_list(names, f"attendance.{label}", source, lines)
        if not listed:
            raise MarkupError(f"attendance {label} names nobody", place=_at(source, "attendance", lines),
                              hint=f"give the names after {label}:, or leave the line out")
        out.append((label, listed))
    return out


# Elements a chapter 10 format does not have, with the clause that says so.
_NOT_IN_FORMAT = {
    "letter": (("printer", "print_date"), "a 信函's 版记 has no 印发机关 and 印发日期 (GB/T 9704 10.1)"),
    "order": (("copy_number", "secrecy", "urgency", "signers"),
              "a 命令 has its mark, 令号, body, 签发人职务, 签名章 and date (GB/T 9704 10.2)"),
}


def _check_format(doc: Document, meta: dict[str, Any], source: str, lines: dict[str, int]) -> None:
    """Keys the document's format has no place for; attendance lists only in a 纪要."""
    if doc.format == "letter" and not doc.organ_mark:
        raise MarkupError("信函格式 needs its mark (organ_mark)", place=_at(source, "format", lines),
                          hint="organ_mark: 宝鸡市委网信办 (the organ's full name, GB/T 9704 10.1), "
                               "or leave format out")
    keys, why = _NOT_IN_FORMAT.get(doc.format, ((), ""))
    for key in keys:
        if meta.get(key) not in (None, "", []):
            raise MarkupError(f"{key} has no place in {FORMAT_NAMES[doc.format]}",
                              place=_at(source, key, lines),
                              hint=f"{why}: remove {key}, or write format: 文件 for the standard format")
    if doc.attendance and doc.format != "minutes":
        raise MarkupError("attendance lists are printed in 纪要格式 only",
                          place=_at(source, "attendance", lines),
                          hint="write kind: 纪要 (or format: 纪要), or leave attendance out")
    if doc.signature_title and doc.format != "order":
        raise MarkupError("signature_title (签发人职务) is printed in 命令格式 only",
                          place=_at(source, "signature_title", lines),
                          hint="write kind: 命令 (or format: 命令), or leave signature_title out")
    if doc.signature_title and not doc.signature:
        raise MarkupError("signature_title without signature: the 签名章 is the signer's name",
                          place=_at(source, "signature_title", lines),
                          hint="signature: 张三 (the name on the 签名章), signature_title: 市长")


def _organs(value: Any, key: str, source: str, lines: dict[str, int], most: int | None) -> list[str]:
    """``organ_mark:`` or ``signature:``: one organ's text, or a list of them for a joint document
    (联合行文), the 主办机关 first [7.2.4, 7.3.5]; empty entries are refused, not skipped."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        return [_text(value, key, source, lines)]
    names = [_text(item, f"{key}[{index}]", source, lines).strip() for index, item in enumerate(value)]
    if not names or not all(names):
        raise MarkupError(f"{key} lists an empty name" if names else f"{key} is an empty list",
                          place=_at(source, key, lines),
                          hint=f"{key}: [主办机关, 联署机关] — one name per organ, the 主办机关 first")
    if most is not None and len(names) > most:
        raise MarkupError(f"{key} stacks {len(names)} organs; at most {most} fit the 版头",
                          place=_at(source, key, lines),
                          hint=f"give the 主办机关's mark alone ({key}: {names[0]}) and the organs in the"
                               " signature; GB/T 9704 7.2.4 lets a joint document show the 主办机关 only")
    return names


def _subtitle(text: str | None) -> str | None:
    """The subtitle as printed: it opens with a dash (——), added when the author left it out."""
    if text is None:
        return None
    text = text.strip()
    return text if text.startswith(("—", "－", "-")) else "——" + text


def _check_attachment_titles(doc: Document, attachments: list[tuple[str, list[tuple[int, str]]]],
                             source: str) -> list[Problem]:
    """附件说明 and the attachments' own titles must agree, number and wording [7.3.7]."""
    note = doc.attachment_note
    problems: list[Problem] = []
    if len(note) != len(attachments):
        problems.append(Problem(
            f"attachments lists {len(note)} name(s) but the body has {len(attachments)} ::: 附件 block(s)",
            Place(source, key="attachments"),
            "give every ::: 附件 block a name in attachments, in the same order (or leave attachments out)"))
        return problems
    for k, (name, (title, lines)) in enumerate(zip(note, attachments, strict=True), 1):
        if name != title:
            line = lines[0][0] - 1 if lines else None
            problems.append(Problem(
                f"附件{k} is titled {title!r} but attachments names it {name!r}",
                Place(source, line, key=f"attachments[{k - 1}]"),
                "the 附件说明 must repeat the attachment's title exactly (GB/T 9704 7.3.7)"))
    return problems


def _split_attachments(lines: list[str], offset: int,
                       ) -> tuple[list[tuple[int, str]], list[tuple[str, list[tuple[int, str]]]]]:
    main: list[tuple[int, str]] = []
    attachments: list[tuple[str, list[tuple[int, str]]]] = []
    target = main
    for i, line in enumerate(lines):
        m = _ATTACHMENT.match(line.strip())
        if m:
            target = []
            attachments.append((m.group(1), target))
            continue
        target.append((offset + i + 1, line))
    return main, attachments


#: Characters a backslash escapes, so that they print as themselves: the inline ones
#: (``**``, ``\\``, ``|`` in table cells, ``{`` of a heading's ``{-}``) and the first
#: characters of every construct read at a line start (``#`` headings, ``|`` tables,
#: ``::: 附件``, ``---`` / ``...`` front matter).
ESCAPABLE = "\\*#|:-.<^{" + "".join(RUN_IN_END)
# A heading ending with an escaped 。！？： (``### 标题\。``) keeps its own line: no run-in text.
_STANDALONE_END = tuple("\\" + ch for ch in RUN_IN_END)
_INLINE_SPECIAL = str.maketrans({c: "\\" + c for c in "\\*#|{"})
# The first visible character of a line (after any white space ``str.strip`` would remove),
# when the line could open a construct: ``:`` (``::: 附件``), or a line made only of ``-`` or
# ``.`` (front matter fences). ``#`` and ``|`` are escaped everywhere.
_LINE_START_SPECIAL = re.compile(r"(?m)^([^\S\n]*)(:|-+[^\S\n]*$|\.+[^\S\n]*$)")


def escape(text: str) -> str:
    """Text that the parser reads back as exactly ``text``, with no structure of its own.

    Every ``{{ value }}`` of a template passes through here, so a data value containing
    ``**``, a ``# heading`` line, a ``| table |`` row, a ``::: 附件`` line or a ``---``
    line lands verbatim. The escapes are applied at the value's start too, since a value
    may be printed at the start of a line.
    """
    escaped = _LINE_START_SPECIAL.sub(r"\1\\\2", text.translate(_INLINE_SPECIAL))
    if escaped.strip() in (MERGE_LEFT, MERGE_UP):  # alone in a table cell it would merge cells
        escaped = escaped.replace(escaped.strip(), "\\" + escaped.strip())
    return escaped


def parse_inline(text: str, source: str = "<markup>", line: int | None = None) -> list[Run]:
    """``**bold**`` and backslash escapes (before any of :data:`ESCAPABLE`) → runs."""
    if "\\" not in text:  # most paragraphs: only ** to look for
        pieces = text.split("**")
        if len(pieces) % 2 == 0:
            raise MarkupError("unclosed ** (bold)", place=Place(source, line),
                              hint="close the bold text with ** or escape a literal asterisk as \\*")
        return [Run(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]
    runs: list[Run] = []
    buf: list[str] = []
    bold = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPABLE:
            buf.append(text[i + 1])
            i += 2
            continue
        if text.startswith("**", i):
            if buf:
                runs.append(Run("".join(buf), bold))
                buf = []
            bold = not bold
            i += 2
            continue
        buf.append(ch)
        i += 1
    if bold:
        raise MarkupError("unclosed ** (bold)", place=Place(source, line),
                          hint="close the bold text with ** or escape a literal asterisk as \\*")
    if buf:
        runs.append(Run("".join(buf), bold))
    return runs


def _join(lines: list[str]) -> str:
    out = ""
    for part in (ln.strip() for ln in lines):
        if out and part and out[-1].isascii() and out[-1].isalnum() \
                and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _parse_blocks(lines: list[tuple[int, str]], source: str,
                  problems: list[Problem], numbered: bool = True) -> list[Block]:
    blocks: list[Block] = []
    counters = [0, 0, 0, 0]
    pending_runin: Heading | None = None
    i = 0
    n = len(lines)
    while i < n:
        lineno, raw = lines[i]
        line = raw.strip()
        if not line:
            i += 1
            continue
        m = _HEADING.match(line)
        if m:
            level = len(m.group(1))
            if level > 4:
                problems.append(Problem(f"heading level {level} does not exist in 公文 (at most 4: #### )",
                                        Place(source, lineno)))
                i += 1
                continue
            content = m.group(2)
            mark = _UNNUMBERED.search(content)
            if mark:
                content = content[:mark.start()]
            if not content:
                problems.append(Problem("heading without text", Place(source, lineno),
                                        "write the heading's text after the #"))
            numbers = numbered and not mark
            if numbers and heading_marker(content) is not None:  # typed by hand though numbering is automatic
                problems.append(Problem(
                    f"heading already carries a number: {content[:12]!r}",
                    Place(source, lineno),
                    "numbering is automatic: write the heading without 一、 （一） 1. （1）"
                    " (or end it with {-} to print it unnumbered, as typed)"))
            if numbers:
                counters[level - 1] += 1
                for deeper in range(level, 4):
                    counters[deeper] = 0
            try:
                runs = parse_inline(content, source, lineno)
            except MarkupError as exc:
                problems.extend(exc.problems)
                runs = [Run(content)]
            number = heading_number(level, counters[level - 1]) if numbers else ""
            heading = Heading(level, number, runs, line=lineno)
            blocks.append(heading)
            pending_runin = heading if level > 1 and content.endswith(RUN_IN_END) \
                and not content.endswith(_STANDALONE_END) else None
            i += 1
            continue
        if line.startswith("|") or _TABLE_TITLE.match(line) or _TABLE_WIDTHS.match(line) \
                or _TABLE_TURN.match(line):
            title, widths, turn = "", "", ""
            while i < n and not lines[i][1].strip().startswith("|"):
                directive = lines[i][1].strip()
                m_title, m_widths = _TABLE_TITLE.match(directive), _TABLE_WIDTHS.match(directive)
                m_turn = _TABLE_TURN.match(directive)
                if not (m_title or m_widths or m_turn):
                    problems.append(Problem(f"{line[:12]!r} must be followed by the table's | rows",
                                            Place(source, lineno),
                                            "put ::: 表, ::: 列宽 and ::: 横排 right above the table,"
                                            " no blank line"))
                    break
                if (m_title and title) or (m_widths and widths) or (m_turn and turn):
                    problems.append(Problem(f"a second {directive[:8]!r} line for one table",
                                            Place(source, lines[i][0]), "give each table one ::: 表 line"
                                            " and at most one ::: 列宽 line and one ::: 横排 line"))
                if m_title:
                    title = m_title.group(1) or ""
                elif m_turn:
                    turn = m_turn.group(1)
                else:
                    widths = m_widths.group(1) if m_widths else ""
                i += 1
            rows: list[tuple[int, str]] = []
            while i < n and lines[i][1].strip().startswith("|"):
                rows.append((lines[i][0], lines[i][1].strip()))
                i += 1
            if rows:
                table = _parse_table(rows, source, problems)
                table.title = _table_title(title, source, lineno, problems)
                table.widths = _table_widths(widths, table.columns, source, lineno, problems)
                table.landscape = {"横排": True, "竖排": False}.get(turn)
                blocks.append(table)
            pending_runin = None
            continue
        para_lines: list[str] = []
        first = lineno
        while i < n:
            text = lines[i][1].strip()
            if not text or _HEADING.match(text) or text.startswith("|") or _TABLE_TITLE.match(text) \
                    or _TABLE_WIDTHS.match(text) or _TABLE_TURN.match(text):
                break
            para_lines.append(text)
            i += 1
        try:
            runs = parse_inline(_join(para_lines), source, first)
        except MarkupError as exc:
            problems.extend(exc.problems)
            runs = [Run(_join(para_lines))]
        if pending_runin is not None:
            pending_runin.tail = runs
            pending_runin = None
        else:
            blocks.append(Paragraph(runs, line=first))
    return blocks


def _split_row(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip())
    if cells and cells[0].strip() == "":
        cells = cells[1:]
    if cells and cells[-1].strip() == "":
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _table_title(title: str, source: str, line: int, problems: list[Problem]) -> str:
    try:
        return plain(parse_inline(title, source, line))
    except MarkupError as exc:
        problems.extend(exc.problems)
        return title


def _table_widths(text: str, columns: int, source: str, line: int, problems: list[Problem]) -> list[float]:
    """``::: 列宽 4 8 6``: one positive number per column (relative: they are scaled to the type width)."""
    if not text:
        return []
    parts = text.replace("，", " ").replace(",", " ").split()
    try:
        widths = [float(p) for p in parts]
    except ValueError:
        widths = []
    if len(widths) != columns or not all(0 < w <= 1000 for w in widths):
        problems.append(Problem(f"::: 列宽 {text!r} must give {columns} positive number(s), one per column",
                                Place(source, line), "e.g. ::: 列宽 " + " ".join(["4"] * max(columns, 1))))
        return []
    return widths


_ALIGN = {(True, True): "center", (False, True): "right", (True, False): "left", (False, False): ""}


def _parse_table(rows: list[tuple[int, str]], source: str, problems: list[Problem]) -> Table:
    header_rows = 0
    body: list[list[list[Run]]] = []
    align: list[str] = []
    merges: dict[tuple[int, int], str] = {}
    body_lines: list[int] = []
    width = None
    for idx, (lineno, row) in enumerate(rows):
        if idx >= 1 and not header_rows and _TABLE_SEP.match(row):
            header_rows = len(body)
            align = [_ALIGN[c.startswith(":"), c.endswith(":")] for c in _split_row(row)]
            continue
        cells = _split_row(row)
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            problems.append(Problem(f"table row has {len(cells)} cell(s); the first row has {width}",
                                    Place(source, lineno), "give every row the same number of | cells"))
        for col, cell in enumerate(cells):
            if cell not in (MERGE_LEFT, MERGE_UP):
                continue
            if (cell == MERGE_LEFT and col == 0) or (cell == MERGE_UP and not body):
                where = "first column" if cell == MERGE_LEFT else "first row"
                problems.append(Problem(f"a {cell} cell in the {where} has nothing to merge with",
                                        Place(source, lineno), f"write \\{cell} for the character itself"))
            else:
                merges[len(body), col] = cell
        try:
            body.append([[] if (len(body), k) in merges else parse_inline(c, source, lineno)
                         for k, c in enumerate(cells)])
            body_lines.append(lineno)
        except MarkupError as exc:
            problems.extend(exc.problems)
    table = Table(body, header_rows, line=rows[0][0], align=align, merges=merges)
    bad = table_spans(table)[1] if width is not None and all(len(r) == width for r in body) else []
    for r, c in bad[:1]:
        problems.append(Problem(f"column {c + 1} of this row breaks a merged cell's rectangle",
                                Place(source, body_lines[r]),
                                "a merged cell is a rectangle: fill it with < and ^"))
    if align and width is not None and len(align) != width:
        problems.append(Problem(f"the table's |---| row has {len(align)} cell(s); its rows have {width}",
                                Place(source, rows[0][0]), "give the |---| row one cell per column"))
    return table
