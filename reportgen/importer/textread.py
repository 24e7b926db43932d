"""A plain-text 公文 (one paragraph a line, as pasted from a PDF) read as a model.Document.

The same rules as the Word reader where text alone can tell: heading markers
(:func:`reportgen.gongwen.heading_marker`, run-in text after ``1.标题。``), the 文号
(:func:`reportgen.gongwen.parse_doc_number`), dates (:data:`reportgen.gongwen.DATE_LOOSE`),
``主送：``, ``附件：``, ``抄送：`` and ``…印发``. What formatting would tell in Word (the red
organ mark, the centred title) is read from the order: the lines before the 文号 are the 版头,
the short lines before the 主送 (or before the first paragraph) the title.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import gongwen
from ..check.classify import fill_placeholders, has_placeholder
from ..check.to_model import parse_date
from ..data import read_bounded
from ..errors import DataError, Place
from ..model import Attachment, Block, Document, Heading, Paragraph, Run

TITLE_MAX = 40  # characters of one title line; a longer line is a paragraph
_SENTENCE_END = tuple("。！？；…")
_SIGNERS = re.compile(r"^(?P<number>.*?)[\s\u3000]*签发人\s*[:：]\s*(?P<names>.*)$")
_NOTE_LINE = re.compile(r"^附\s*件\s*[:：]\s*(?:\d{1,2}\s*[.．、]\s*)?(?P<name>.+)$")
_NOTE_MORE = re.compile(r"^\d{1,2}\s*[.．、]\s*(?P<name>.+)$")
_LABEL = re.compile(r"^附\s*件\s*\d{0,2}$")
_CC = re.compile(r"^抄\s*送\s*[:：]\s*(?P<organs>.+?)[。.]?$")
_MORE_SIGNERS = re.compile(r"^签发人\s*[:：]|^[\u4e00-\u9fff]{2,4}( [\u4e00-\u9fff]{2,4})*$")
_PRINTED = re.compile(r"^(?P<printer>.*?)[\s\u3000]*(?P<date>\d{4}\s*年.*?日)?\s*印\s*发$")


def read_text(path: Path) -> tuple[Document, dict[str, bool]]:
    """Read a .txt file (UTF-8, or GB18030 as Chinese Windows saves it) as a Document, with the
    house style its text shows (``cc_full_stop: false`` for 抄送 without the final 。)."""
    raw = read_bounded(path, str(path), "text file", hint="a document's text is a few hundred kB at most")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise DataError("not UTF-8 or GB18030 text", place=Place(str(path)),
                            hint="save the text as UTF-8 (UTF-8 编码)") from None
    doc = parse_text(text, str(path))
    cc = [line.strip() for line in text.splitlines() if _CC.match(line.strip())]
    return doc, ({"cc_full_stop": False} if cc and not cc[-1].endswith(("。", ".")) else {})


def parse_text(text: str, source: str = "<text>") -> Document:
    lines = [line.strip().replace("\u3000", " ").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    doc = Document(source=source)
    k = _head(doc, lines)
    k = _title(doc, lines, k)
    if k < len(lines) and _is_to(lines[k]):
        doc.to = lines[k] if lines[k].endswith("：") else lines[k][:-1] + "："
        k += 1
    end = _tail(doc, lines, k)
    doc.blocks = _blocks(lines[k:end])
    kinds = sorted(gongwen.KINDS, key=len, reverse=True)
    doc.kind = next((kind for kind in kinds if doc.title.endswith(kind)), "")
    return doc


def _head(doc: Document, lines: list[str]) -> int:
    """份号, 密级, 紧急程度, the organ mark and the 文号 (with 签发人) at the top."""
    for k, line in enumerate(lines[:8]):
        m = _SIGNERS.match(line)
        number = m["number"].strip() if m else line
        if gongwen.parse_doc_number(fill_placeholders(number).replace(" ", "")):
            above = lines[:k]
            for item in above:
                if re.fullmatch(r"\d{6}", item):
                    doc.copy_number = item
                elif item.startswith(gongwen.SECRECY_LEVELS):
                    doc.secrecy = item
                elif item in gongwen.URGENCY_LEVELS + gongwen.URGENCY_OTHER:
                    doc.urgency = item
                else:
                    doc.organ_mark = (doc.organ_mark or "") + item
            doc.doc_number = number
            if m:
                doc.signers = m["names"].split()
            k += 1
            while k < len(lines) and doc.signers and _MORE_SIGNERS.match(lines[k]):
                doc.signers += re.sub(r"^签发人\s*[:：]", "", lines[k]).split()
                k += 1
            return k
    return 0


def _is_to(line: str) -> bool:
    return line.endswith(("：", ":")) and len(line) <= TITLE_MAX and not gongwen.heading_marker(line)


def _title(doc: Document, lines: list[str], k: int) -> int:
    """The short lines before the 主送, or the first line when there is no 主送."""
    taken: list[str] = []
    j = k
    while j < len(lines) and len(taken) < 4:
        line = lines[j]
        if _is_to(line) or gongwen.heading_marker(line) or len(line) > TITLE_MAX or \
                line.endswith(_SENTENCE_END):
            break
        taken.append(line)
        j += 1
    if len(taken) > 1 and not (j < len(lines) and _is_to(lines[j])):
        taken = taken[:1]  # no 主送 below: only the first line is sure to be the title
    if not taken:
        return k
    doc.title = "".join(taken)
    doc.title_lines = tuple(taken) if len(taken) > 1 else ()
    return k + len(taken)


def _tail(doc: Document, lines: list[str], start: int) -> int:
    """附件说明, 署名, 成文日期, 附注, attachments and the 版记 at the end; returns where the body ends."""
    end = len(lines)
    for j in range(len(lines) - 1, start - 1, -1):  # 版记 from the bottom
        line = lines[j]
        m_cc, m_printed = _CC.match(line), _PRINTED.match(line)
        if m_cc:
            doc.cc = [organ.strip() for organ in re.split(r"[，、,]", m_cc["organs"]) if organ.strip()]
        elif m_printed and j >= len(lines) - 3:
            doc.printer = m_printed["printer"].strip() or None
            doc.print_date = parse_date(m_printed["date"] or "")
        else:
            break
        end = j
    date_at = next((j for j in range(start, end) if gongwen.DATE_LOOSE.match(lines[j].replace(" ", ""))
                    and parse_date(lines[j]) and not has_placeholder(lines[j])), None)
    if date_at is None:
        return end
    doc.date = parse_date(lines[date_at])
    body_end = date_at
    signature: list[str] = []
    while body_end - 1 > start and len(lines[body_end - 1]) <= TITLE_MAX and \
            not lines[body_end - 1].endswith(_SENTENCE_END) and len(signature) < 2 and \
            not _NOTE_LINE.match(lines[body_end - 1]) and not gongwen.heading_marker(lines[body_end - 1]):
        signature.insert(0, lines[body_end - 1])
        body_end -= 1
    doc.signature = "\n".join(signature) or None
    note_at = next((j for j in range(start, body_end) if _NOTE_LINE.match(lines[j])), None)
    if note_at is not None:
        doc.attachment_note.append(_NOTE_LINE.match(lines[note_at])["name"])  # type: ignore[index]
        for line in lines[note_at + 1: body_end]:
            more = _NOTE_MORE.match(line)
            if not more:
                break
            doc.attachment_note.append(more["name"])
        body_end = note_at
    rest = lines[date_at + 1: end]
    if rest and rest[0].startswith(("（", "(")) and rest[0].endswith(("）", ")")):
        doc.note = rest[0][1:-1]
        rest = rest[1:]
    _attachments(doc, rest)
    return body_end


def _attachments(doc: Document, lines: list[str]) -> None:
    """``附件`` / ``附件2`` lines, each followed by its title and its blocks."""
    starts = [j for j, line in enumerate(lines) if _LABEL.match(line)]
    for n, j in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = lines[j + 1] if j + 1 < stop else ""
        doc.attachments.append(Attachment(title, _blocks(lines[j + 2: stop])))


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for line in lines:
        marker = gongwen.heading_marker(line)
        if marker is None or marker.bad or len(line) == len(marker.text):
            blocks.append(Paragraph([Run(line)]))
            continue
        text = line[len(marker.text):]
        stop = text.find("。")
        if marker.level >= 3 and 0 <= stop < len(text) - 1:  # run-in text after 1.标题。
            blocks.append(Heading(marker.level, marker.text, [Run(text[: stop + 1])], [Run(text[stop + 1:])]))
        elif marker.level >= 3 or (len(text) <= TITLE_MAX and not text.endswith(_SENTENCE_END)):
            blocks.append(Heading(marker.level, marker.text, [Run(text)]))
        else:
            blocks.append(Paragraph([Run(line)]))
    return blocks
