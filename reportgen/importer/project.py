"""``reportgen import``: a project (reportgen.yaml, data, contract, one template per document)
from documents an office already has (.docx, or .txt pasted from a PDF).

Each input is read into a :class:`reportgen.model.Document` (the Word reader of ``check``, or
:mod:`reportgen.importer.textread`), its figures become facts (:mod:`reportgen.importer.figures`)
and the Document is written back as a template through :mod:`reportgen.writers.markup`, with
``{{ }}`` expressions where the figures were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check.classify import PLACEHOLDER
from ..errors import OutputError, Place, ReportgenError
from ..files import TEMP_PREFIX, write_atomic
from ..markup import escape
from ..model import Document, Heading, Table, plain
from ..writers import markup as markup_writer
from .figures import KEY_CHARS, FactBook, Figure, Rule

DATA_FOLDER = "data"
CONTRACT_FILE = "facts.contract.yaml"
# 文种 → the name of its document in reportgen.yaml (and of its template file).
KIND_NAMES = {"报告": "report", "请示": "request", "通知": "notice", "总结": "summary", "函": "letter",
              "纪要": "minutes", "意见": "opinion", "通报": "bulletin", "决定": "decision", "批复": "reply",
              "通告": "announcement", "公告": "announcement", "方案": "plan", "要点": "points",
              "讲话": "speech", "综述": "review", "规划": "plan", "调研报告": "survey", "信息": "news",
              "命令": "order", "令": "order", "决议": "resolution", "公报": "communique", "议案": "motion"}
# Front-matter fields: the words that name a figure found in them with nothing before it.
LABELS = {"number": "发文字号", "title": "标题", "signature": "署名", "note": "附注", "to": "主送",
          "cc": "抄送", "printer": "印发机关", "attachments": "附件", "subtitle": "副标题",
          "byline": "署名行",
          "copy_number": "份号", "secrecy": "密级", "urgency": "紧急程度", "organ_mark": "发文机关标志",
          "signers": "签发人", "kind": "文种"}
DATE_LABELS = {"date": "成文日期", "print_date": "印发日期"}
# The elements whose text is kept as typed, figures and all: names, not facts.
LITERAL_FIELDS = {"kind", "organ_mark", "signers", "to", "cc", "printer", "signature", "secrecy", "urgency"}


@dataclass
class Source:
    """One input read: its Document, the style read from it, what could not be read."""

    path: Path
    document: Document
    style: dict[str, Any] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)  # fields the reader could not read (placeholders)


@dataclass
class ImportedDocument:
    name: str
    source: Source
    template: str = ""
    output: str = ""
    placeholders: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    year: int
    name: str  # the data file's name part: data/NAME-YEAR.yaml
    documents: list[ImportedDocument]
    book: FactBook
    style: dict[str, Any]

    @property
    def data_file(self) -> str:
        return f"{DATA_FOLDER}/{self.name}-{self.year}.yaml"

    def files(self) -> dict[str, str]:
        """Every file of the project, by its path relative to the project folder."""
        out = {"reportgen.yaml": self._project_yaml(), self.data_file: self._data_yaml(),
               CONTRACT_FILE: self._contract_yaml()}
        for doc in self.documents:
            out[f"{doc.name}.md.j2"] = doc.template
        return out

    def _project_yaml(self) -> str:
        names = ", ".join(d.source.path.name for d in self.documents)
        lines = [f"# 由 reportgen import 从 {names} 生成 (imported)", "data:",
                 f"  - {self.data_file}", f"contract: {CONTRACT_FILE}"]
        if self.style:
            lines += ["style:                                  # 原件的版式（与 GB/T 9704 不同之处）",
                      *_yaml_mapping(self.style, 1)]
        lines.append("documents:")
        for doc in self.documents:
            lines += [f"  - name: {doc.name}", f"    template: {doc.name}.md.j2",
                      f"    output: {json.dumps(doc.output, ensure_ascii=False)}"]
            own = {k: v for k, v in doc.source.style.items() if self.style.get(k) != v}
            if own:
                lines += ["    style:", *_yaml_mapping(own, 3)]
        return "\n".join(lines) + "\n"

    def _data_yaml(self) -> str:
        book = self.book
        lines = [f"# {self.year}年 —— 年度事实 (facts of the year), imported by reportgen import",
                 "# Each figure of the documents is one fact; the comment quotes where it was printed.",
                 f"year: {self.year}                      # 年度"]
        document = None
        for fact in book.facts.values():
            if fact.document != document:
                document = fact.document
                lines += ["", f"# —— {document}"]
            note = f"原文 printed “{fact.printed}”: " if fact.filter.startswith("over") else ""
            sentence = fact.sentence.replace("#", "＃")
            lines.append(f"{fact.key}: {_scalar(fact.value)}  # {note}「{sentence}」")
        return "\n".join(lines) + "\n"

    def _contract_yaml(self) -> str:
        book = self.book
        keys = ["year", *book.facts]
        rows = [", ".join(keys[k:k + 6]) for k in range(0, len(keys), 6)]
        lines = ["# 数据约定 (contract): the type of every fact, and the sums the text states.", "schema:",
                 "  type: object", "  required: [" + (",\n             ".join(rows)) + "]",
                 "  properties:",
                 "    year: {type: integer, minimum: 1900, maximum: 2100, description: 年度}"]
        for fact in book.facts.values():
            lines.append(f"    {fact.key}: {_schema(fact)}")
        if book.rules:
            lines.append("rules:")
            for rule in book.rules:
                lines += [f"  - rule: {json.dumps(rule.expression, ensure_ascii=False)}",
                          f"    message: {_json('合计与分项不符：' + rule.sentence)}"]
        return "\n".join(lines) + "\n"


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _schema(fact: Any) -> str:
    described = f", description: {_json(fact.description)}" if fact.description else ""
    kind = {"integer": "type: integer, minimum: 0", "number": "type: number, minimum: 0",
            "ratio": "type: number, minimum: 0", "date": "type: string, format: date",
            "text": "type: string"}[fact.kind]
    return "{" + kind + described + "}"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def _yaml_mapping(values: dict[str, Any], depth: int) -> list[str]:
    pad = "  " * depth
    out: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}: {{{', '.join(f'{k}: {_scalar(v)}' for k, v in value.items())}}}")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")
    return out


# --- reading -------------------------------------------------------------------------------------

def read_source(path: Path) -> Source:
    """A .docx (through the Word reader of ``check``) or a .txt (one paragraph a line)."""
    if path.suffix.lower() == ".txt":
        from .textread import read_text

        document, style = read_text(path)
        return Source(path, document, dict(style))
    from ..check import read_document

    read = read_document(path)
    from .style import house_style

    return Source(path, read.document, house_style(read), sorted(read.unread))


def document_year(sources: list[Source]) -> int | None:
    """The year of the documents: the first 成文日期, else the year their titles and text name most."""
    for source in sources:
        if source.document.date:
            return source.document.date.year
    years: Counter[int] = Counter()
    for source in sources:
        text = source.document.title + "".join(_texts(source.document))
        years.update(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?=年)", text))
    return years.most_common(1)[0][0] if years else None


def _texts(doc: Document) -> list[str]:
    out: list[str] = []
    for block in doc.blocks + [b for a in doc.attachments for b in a.blocks]:
        out.append(block.text)
    return out


# --- templates -----------------------------------------------------------------------------------

_JINJA_OPEN = re.compile(r"\\\{(?=[%#])")


def literal_markup(text: str) -> str:
    """Text as template markup that prints it: markup escapes, and a ``{`` before ``%`` or ``#``
    (which Jinja would read as a tag) printed through ``{{ "{" }}``."""
    return _JINJA_OPEN.sub('{{ "{" }}', escape(text))


class _Hooks:
    """The text hooks of the markup writer that put facts where the figures are."""

    def __init__(self, book: FactBook, document: str) -> None:
        self.book = book
        self.document = document

    def body(self, text: str, where: str) -> str:
        out: list[str] = []
        label = ""
        if where.startswith("table\t"):  # a figure alone in a cell is named by its row and column
            row, column = where.split("\t")[1:3]
            if column.strip() in COUNTING_COLUMNS:
                return literal_markup(text)
            label = cell_label(row, column)
        for piece in self.book.template(text, self.document, label):
            if isinstance(piece, str):
                raw = where == "attachment_title" and "{" not in piece
                out.append(piece if raw else literal_markup(piece))
            else:
                out.append("{{ " + piece[0] + " }}")
        return "".join(out)

    def value(self, text: str, key: str) -> str:
        if key in LITERAL_FIELDS:
            return literal_value(text)
        pieces = self.book.template(text, self.document, LABELS.get(key, ""))
        if all(isinstance(p, str) for p in pieces):
            return literal_value(text)
        parts = [json.dumps(p, ensure_ascii=False) if isinstance(p, str) else f"({p[0]})" for p in pieces]
        return "{{ (" + " ~ ".join(parts) + ") | tojson }}"

    def date(self, value: dt.date, key: str) -> str:
        label = DATE_LABELS[key]
        figure = Figure(0, 0, value.isoformat(), value, "date", noun=label)
        expression = self.book.date_fact(figure, self.document, label)
        return "{{ " + expression + " }}"


def literal_value(text: str) -> str:
    """Text as a front-matter value of a template: a YAML string, or its tojson when Jinja would read it."""
    if "{" in text:
        return "{{ " + json.dumps(text, ensure_ascii=False) + " | tojson }}"
    return json.dumps(text, ensure_ascii=False)


TOTAL_ROWS = ("合计", "总计", "共计", "总数")
COUNTING_COLUMNS = ("序号", "编号", "排名", "排序")  # their numbers count rows: kept as text


def cell_label(row: str, column: str) -> str:
    """The name of a figure alone in a table cell: its row's first cell and its column's heading."""
    return "_".join(re.sub(r"\W", "", part)[:KEY_CHARS] for part in (row, column) if part)


def table_sums(book: FactBook, doc: Document) -> None:
    """A table's 合计 row as contract rules: each column's total equals the sum of the rows above
    it, where every cell of the column is a whole figure (rows of 小计 are left out)."""
    tables = [b for b in doc.blocks + [b for a in doc.attachments for b in a.blocks] if isinstance(b, Table)]
    for table in tables:
        head = markup_writer.column_heads(table)
        body = [row for r, row in enumerate(table.rows) if r >= table.header_rows and row]
        names = {id(row): markup_writer.row_name(row) for row in body}
        totals = [row for row in body if names[id(row)].replace(" ", "") in TOTAL_ROWS]
        parts = [row for row in body if row not in totals and "小计" not in names[id(row)]]
        for c in range(1, min(table.columns, len(head))):
            cells = [book.known(plain(row[c]), cell_label(names[id(row)], head[c])) if c < len(row) else None
                     for row in parts]
            for total_row in totals:
                total = book.known(plain(total_row[c]), cell_label(names[id(total_row)], head[c])) \
                    if c < len(total_row) else None
                if total is None or len(cells) < 2 or any(cell is None for cell in cells):
                    continue
                keys = [cell.key for cell in cells if cell is not None]
                if sum(book.facts[k].value for k in keys) == total.value:
                    where = f"{table.title or '表格'}：{plain(total_row[0])}（{head[c]}）"
                    rule = Rule(total.key, keys, where)
                    if rule.expression not in {x.expression for x in book.rules}:
                        book.rules.append(rule)


def _names(sources: list[Source]) -> list[str]:
    names: list[str] = []
    for source in sources:
        base = KIND_NAMES.get(source.document.kind, "document")
        name, k = base, 2
        while name in names:
            name, k = f"{base}{k}", k + 1
        names.append(name)
    return names


def _output_pattern(path: Path, book: FactBook) -> str:
    """The input's file name, its years relative to ``year`` and the 文号's number from the data
    (宝网信办发〔{{ year }}〕{{ 发文字号_号 }}号.docx), so that next year's file gets next year's name."""
    stem = path.stem.replace("{", "(").replace("}", ")")
    return book.reuse(stem, LABELS["number"]) + ".docx"


def placeholders(doc: Document, unread: list[str]) -> list[str]:
    """The placeholders left in a template document (XX, ××, 20XX年XX月XX日, [发文单位])."""
    found: list[str] = [f"{LABELS.get(name, DATE_LABELS.get(name, name))} (unread)" for name in unread]
    texts = [doc.title, doc.doc_number or "", doc.to or "", doc.signature or "", doc.note or "",
             *doc.cc, *_texts(doc)]
    for text in texts:
        m = PLACEHOLDER.search(text)
        if m:  # one note per paragraph: its first placeholder with the words around it
            left, right = max(m.start() - 8, 0), min(m.end() + 8, len(text))
            found.append(f"「{'…' if left else ''}{text[left:right]}{'…' if right < len(text) else ''}」")
    return list(dict.fromkeys(found))


def import_documents(paths: list[Path], year: int | None = None, name: str = "facts") -> ImportResult:
    """Read every input and make the project's files (nothing is written)."""
    sources = [read_source(path) for path in paths]
    year = year or document_year(sources)
    if year is None:
        raise ReportgenError("cannot tell the year of these documents: no 成文日期, and no year in the text",
                             place=Place(str(paths[0])), hint="give it: --year 2020")
    book = FactBook(year)
    documents: list[ImportedDocument] = []
    for source, doc_name in zip(sources, _names(sources), strict=True):
        hooks = _Hooks(book, doc_name)
        template = markup_writer.write(source.document, hooks.body, hooks.value, hooks.date)
        table_sums(book, source.document)
        header = (f"{{#- {doc_name}: imported from {source.path.name} by reportgen import."
                  " Every figure is a fact of the data file. -#}\n")
        documents.append(ImportedDocument(doc_name, source, header + template,
                                          _output_pattern(source.path, book),
                                          placeholders(source.document, source.unread)))
    # The project's style holds what every input shares; each document keeps what is its own
    # (a setting one input has and another has not must not reach the other through the project).
    style = {key: value for key, value in (sources[0].style if sources else {}).items()
             if all(other.style.get(key) == value for other in sources[1:])}
    return ImportResult(year, name, documents, book, style)


# --- writing -------------------------------------------------------------------------------------

def write_project(result: ImportResult, folder: Path, force: bool = False) -> list[Path]:
    """Write the project's files into ``folder``: all at once into a new folder (renamed into place),
    or, with ``force``, each file atomically over an existing project."""
    files = result.files()
    try:
        exists = folder.exists()
        busy = exists and (not folder.is_dir() or any(folder.iterdir()))
    except OSError as exc:
        raise _cannot(folder, exc) from None
    if exists and not folder.is_dir():
        raise OutputError(f"cannot write output: {folder} is not a folder", place=Place(str(folder)),
                          hint="-o names the new project's folder")
    if busy and not force:
        raise OutputError("the folder is not empty: reportgen import writes a new project",
                          place=Place(str(folder)),
                          hint="name a new folder, or add --force to replace the imported files in it")
    written = [folder / rel for rel in files]
    if busy:
        for rel, text in files.items():
            write_atomic(folder / rel, text.encode("utf-8"))
        return written
    parent = folder.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
    except OSError as exc:
        raise _cannot(parent, exc) from None
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if exists:
            folder.rmdir()
        staging.rename(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise _cannot(folder, exc) from None
    return written


def _cannot(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write output: {path}: {exc.strerror}", place=Place(str(path)),
                       hint="check that the folder can be written (permissions, free space)")


def project_name(folder: Path) -> str:
    """The data file's name part, from the project folder's name (ASCII letters, digits, -)."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", folder.absolute().name).strip("-").lower()
    name = re.sub(r"-?(19|20)\d\d$", "", name).strip("-")
    return name or "facts"


def model_texts(doc: Document) -> list[str]:
    """A document's text, element by element, white space dropped: what the round trip compares."""
    def norm(text: str) -> str:
        return re.sub(r"\s+", "", text.replace("\u2060", ""))

    out = [norm(x) for x in (doc.copy_number, doc.secrecy, doc.urgency, doc.organ_mark, doc.doc_number) if x]
    out += [norm(" ".join(doc.signers))] if doc.signers else []
    out += [norm(doc.title)] if doc.title else []
    out += [norm(x) for x in (doc.subtitle, doc.byline) if x]
    out += [norm(doc.to).rstrip(":：")] if doc.to else []
    for block in doc.blocks + [b for a in doc.attachments for b in [Heading(0, "", []), *a.blocks]]:
        if isinstance(block, Table):
            out += [norm(plain(cell)) for row in block.rows for cell in row]
        elif not (isinstance(block, Heading) and block.level == 0):
            out.append(norm(block.text))
    out += [norm(x) for x in doc.attachment_note]
    out += [norm(x) for x in (doc.signature, str(doc.date or ""), doc.note) if x]
    out += [norm(x) for x in doc.cc]
    out += [norm(x) for x in (doc.printer, str(doc.print_date or "")) if x]
    out += [norm(a.title) for a in doc.attachments]
    return [x for x in out if x]
