"""Templates made in Word or WPS: a .docx with Jinja tags, rendered through the facts pipeline.

docxtpl does the hard part of the Word format: it joins a tag that Word split over several
runs (spell-check marks, rsids, bookmarks between them) and turns the paragraph, row, cell
and run forms (``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``) into plain Jinja around the
XML. What is ours:

* the environment: sandboxed like text templates, with our wording filters, values escaped
  for XML (not for 公文 markup), and every name missing from the data an error;
* every problem located in the Word file in a clerk's words (正文第12段, 页眉, 表格1第2行第3列,
  文本框1), with the paragraph's text around the tag and a did-you-mean over the data's keys,
  all problems of a file at once;
* tags typed over two paragraphs caught with their own message; Word's curly quotes inside
  tags accepted;
* the body block ``{{p … | body }}``: 公文 markup (a value, or a ``.md.j2`` template beside
  the Word file) made into numbered body paragraphs by the 公文 writer;
* reproducible bytes: parts not rendered are copied as they are, members sorted, fixed zip
  timestamps and core properties from the 成文日期 (as the 公文 writer does).

How locating works: before docxtpl patches a part, a comment ``<!--rg:N-->`` on a line of its
own is put before every paragraph, row and cell (N: the paragraph at or after it). Jinja
reports the line of an error; the last marker at or above that line names the paragraph.
The markers are removed from the rendered XML. A missing name does not stop the rendering
of a part: it is noted with its line and the rendering goes on, so that one pass finds every
missing name; nothing is written when any was noted.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import difflib
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Place, Problem, ReportgenError, TemplateError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = "{" + W_NS + "}"
_MARK = re.compile(r"<!--rg:(\d+)-->")
_MARK_LINE = re.compile(r"\n<!--rg:\d+-->")
# A tag in a paragraph's text; docxtpl's level prefix (p, tr, tc, r) is kept apart.
_TAG = re.compile(r"\{([{%#])-?(?:(p|tr|tc|r)\s)?\s*(.*?)-?\s*([}%#])\}", re.DOTALL)
_OPEN = re.compile(r"\{[{%#]")
_CLOSE = re.compile(r"[}%#]\}")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
SNIPPET = 12  # characters of the paragraph shown on each side of a tag
# Parts of a .docx that hold text a clerk may put tags in, with the words for them.
_PART_LABELS = (
    (re.compile(r"word/document\.xml$"), "正文"),
    (re.compile(r"word/header\d*\.xml$"), "页眉"),
    (re.compile(r"word/footer\d*\.xml$"), "页脚"),
    (re.compile(r"word/footnotes\.xml$"), "脚注"),
    (re.compile(r"word/endnotes\.xml$"), "尾注"),
)
NOT_IN_DATA_HINT = "add the value to the data file or fix its name in the tag"


@dataclass
class Paragraph:
    """One w:p of a part: where a clerk finds it and its visible text."""

    where: str  # 正文第12段, 正文表格1第2行第3列, 页眉第1段, 正文文本框1第1段
    text: str


@dataclass
class PartTemplate:
    """One XML part of the template, patched by docxtpl and compiled by Jinja."""

    name: str
    label: str
    paragraphs: list[Paragraph]
    source: str  # the Jinja source: patched XML, markers on lines of their own
    template: Any = None  # jinja2.Template, when the part compiles
    line_paragraph: list[int] = field(default_factory=list)  # Jinja line (1-based) → paragraph index


@dataclass
class WordTemplate:
    parts: dict[str, bytes]  # every member of the package, as read
    templates: list[PartTemplate]
    problems: list[Problem]  # syntax problems found while preparing
    styles: dict[str, OwnStyle] = field(default_factory=dict)  # body role → the template's own style


@dataclass(frozen=True)
class OwnStyle:
    """A paragraph style of the template and what it sets itself: those properties come from
    the style, the rest keeps GB/T 9704's direct formatting."""

    style_id: str
    paragraph: dict[str, frozenset[str]]  # its w:pPr children: tag → the attributes it sets
    run: dict[str, frozenset[str]]  # its w:rPr children, likewise


# Names Word and WPS write in styles.xml for the styles a body block may take (Word writes its
# built-in names in English whatever the language of its menus; WPS may write the Chinese).
_STYLE_NAMES = {
    "heading1": ("heading 1", "标题 1"), "heading2": ("heading 2", "标题 2"),
    "heading3": ("heading 3", "标题 3"), "heading4": ("heading 4", "标题 4"),
    "body": ("body text", "正文文本", "normal", "正文"),
}


def _own_styles(styles_xml: bytes | None) -> dict[str, OwnStyle]:
    """The template's paragraph styles that the office set up for Chinese text, by body role.

    A style counts when it names an East Asian font itself (``w:rFonts w:eastAsia``, no theme
    font over it): Word's and python-docx's stock heading styles name theme fonts, and an
    office's 红头 template that defines 标题 1 as 黑体 三号 names 黑体. A heading style with its
    own list numbering is left out, since the body's headings carry their numbers as text.
    """
    if not styles_xml:
        return {}
    from .ooxml import parse_xml

    try:
        root = parse_xml(styles_xml)
    except Exception:  # an unreadable styles part: the GB/T defaults serve
        return {}
    found: dict[str, tuple[int, OwnStyle]] = {}  # role → (rank of its name among the role's names, style)
    for style in root.iter(f"{_W}style"):
        name_el = style.find(f"{_W}name")
        style_id = style.get(f"{_W}styleId")
        if style.get(f"{_W}type") != "paragraph" or name_el is None or not style_id:
            continue
        name = (name_el.get(f"{_W}val") or "").strip().lower()
        fonts = style.find(f"{_W}rPr/{_W}rFonts")
        own_font = (fonts is not None and fonts.get(f"{_W}eastAsia")
                    and not fonts.get(f"{_W}eastAsiaTheme"))  # a theme font wins over a named one
        if not own_font or style.find(f"{_W}pPr/{_W}numPr") is not None:
            continue
        for role, names in _STYLE_NAMES.items():
            # The first of the role's names wins (Body Text before Normal).
            if name in names and (role not in found or names.index(name) < found[role][0]):
                sets = [{child.tag: frozenset(child.attrib) for child in style.findall(f"{_W}{tag}/*")}
                        for tag in ("pPr", "rPr")]
                found[role] = (names.index(name), OwnStyle(style_id, *sets))
    return {role: style for role, (_rank, style) in found.items()}


# --- reading the template ---------------------------------------------------------------


def _part_label(name: str) -> str | None:
    for pattern, label in _PART_LABELS:
        if pattern.match(name):
            return label
    return None


def _own_text(p: Any) -> str:
    """The text of a paragraph without that of text boxes anchored in it."""
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        if next(node.iterancestors(f"{_W}p"), None) is not p:
            continue
        parts.append(node.text or "" if node.tag == f"{_W}t" else " ")
    return "".join(parts)


def _describe(root: Any, label: str) -> list[Paragraph]:
    """Every paragraph of a part, in document order, with its place in a clerk's words."""
    tables = {t: n for n, t in enumerate(root.iter(f"{_W}tbl"), 1)}
    boxes = _box_numbers(root)
    plain = 0
    in_box: dict[Any, int] = {}
    notes: dict[Any, int] = {}
    in_note: dict[Any, int] = {}
    out = []
    for p in root.iter(f"{_W}p"):
        holder = next(p.iterancestors(f"{_W}txbxContent", f"{_W}tc"), None)
        if holder is not None and holder.tag == f"{_W}txbxContent":
            in_box[holder] = in_box.get(holder, 0) + 1
            where = f"{label}文本框{boxes[holder]}第{in_box[holder]}段"
        elif holder is not None:
            row = holder.getparent()
            table = row.getparent()
            r = table.findall(f"{_W}tr").index(row) + 1
            c = row.findall(f"{_W}tc").index(holder) + 1
            where = f"{label}表格{tables[table]}第{r}行第{c}列"
        elif (note := next(p.iterancestors(f"{_W}footnote", f"{_W}endnote"), None)) is not None:
            # Notes as the reader sees them numbered (Word's separators are notes too, typed).
            if note not in notes:
                normal = note.get(f"{_W}type") in (None, "normal")
                notes[note] = sum(1 for n in notes.values() if n) + 1 if normal else 0
                in_note[note] = 0
            in_note[note] += 1
            where = f"{label}{notes[note]}第{in_note[note]}段"
        else:
            plain += 1
            where = f"{label}第{plain}段"
        out.append(Paragraph(where, _own_text(p)))
    return out


def _box_numbers(root: Any) -> dict[Any, int]:
    """Text boxes numbered as a clerk sees them: Word keeps each one twice (a DrawingML copy
    and a VML copy for old readers, in mc:Choice and mc:Fallback); both get the same number."""
    numbers: dict[Any, int] = {}
    count = 0
    for box in root.iter(f"{_W}txbxContent"):
        fallback = next(box.iterancestors(f"{{{MC_NS}}}Fallback"), None)
        if fallback is not None:
            choice = fallback.getprevious()
            copies = list(choice.iter(f"{_W}txbxContent")) if choice is not None else []
            index = list(fallback.iter(f"{_W}txbxContent")).index(box)
            if index < len(copies) and copies[index] in numbers:
                numbers[box] = numbers[copies[index]]
                continue
        count += 1
        numbers[box] = count
    return numbers


_ROW_LOOP = re.compile(r"\{%-?\s*tr\s+for\s")


def repeat_header_rows(root: Any) -> None:
    """A table with a row loop (``{%tr for … %}``) gets the rows above the loop repeated at the
    top of every page (``w:tblHeader``), when the template marks none: the rows the loop makes
    may run over several pages, and each should show its headings. Every row of such a table
    is also kept whole on a page (``w:cantSplit``), as offices print statistics."""
    from lxml import etree

    for tbl in root.iter(f"{_W}tbl"):
        rows = tbl.findall(f"{_W}tr")
        texts = ["".join(t.text or "" for t in tr.iter(f"{_W}t")).translate(_QUOTES) for tr in rows]
        start = next((k for k, text in enumerate(texts) if _ROW_LOOP.search(text)), None)
        if start is None:
            continue
        for tr in rows:
            props = tr.find(f"{_W}trPr")
            if props is None:
                props = etree.Element(f"{_W}trPr")
                tr.insert(next((i for i, el in enumerate(tr) if el.tag != f"{_W}tblPrEx"), len(tr)), props)
            if props.find(f"{_W}cantSplit") is None:
                props.append(etree.Element(f"{_W}cantSplit"))
        if start and not any(tr.find(f"{_W}trPr/{_W}tblHeader") is not None for tr in rows):
            for tr in rows[:start]:
                tr.find(f"{_W}trPr").append(etree.Element(f"{_W}tblHeader"))


def _mark(root: Any) -> None:
    """Put ``<!--rg:N-->`` before every paragraph, row and cell (N: the paragraph at or after it)."""
    from lxml import etree

    index = {p: n for n, p in enumerate(root.iter(f"{_W}p"))}
    for el in list(root.iter(f"{_W}p", f"{_W}tr", f"{_W}tc")):
        first = el if el.tag == f"{_W}p" else next(el.iter(f"{_W}p"), None)
        if first is None or el.getparent() is None:
            continue
        el.addprevious(etree.Comment(f"rg:{index[first]}"))


def _line_map(source: str) -> list[int]:
    """For every Jinja line (index 0 unused), the paragraph of the last marker at or above it."""
    current = 0
    out = [0]
    for line in source.split("\n"):
        marks = _MARK.findall(line)
        if marks:
            current = int(marks[-1])
        out.append(current)
    return out


def _unclosed(text: str) -> re.Match[str] | None:
    """The first opening {{ {% {# in a paragraph's text that no closing follows."""
    return _OPEN.search(_TAG.sub(lambda m: " " * len(m.group(0)), text))


def _paragraph_problems(paragraphs: list[Paragraph], shown: str,
                        env: Any) -> tuple[list[Problem], list[str] | None]:
    """Tags typed over two paragraphs, tags not closed, and tags that are not Jinja.

    Also the ``{{ }}`` tags in error, when they are the only problems: without them the part
    can still be rendered to look for missing names (None when it cannot).
    """
    problems = []
    bad_prints: list[str] | None = []
    for n, para in enumerate(paragraphs):
        text = para.text.translate(_QUOTES)
        rest = _TAG.sub(lambda m: " " * len(m.group(0)), text)
        opened = _OPEN.search(rest)
        if opened is not None:
            tail = text[opened.start():]
            nxt = paragraphs[n + 1] if n + 1 < len(paragraphs) else None
            head = _OPEN.split(nxt.text.translate(_QUOTES), 1)[0] if nxt is not None else ""
            if nxt is not None and _CLOSE.search(head):
                end = _CLOSE.search(head).end()  # type: ignore[union-attr]
                bad_prints = None
                broken = _cut(tail.strip()) + " … " + _cut(head[:end].strip())
                problems.append(Problem(
                    f"the tag {broken!r} is broken over two paragraphs: it goes on in "
                    f"{nxt.where}「{_snippet(nxt.text, 0, end)}」",
                    _place(shown, para, opened.start(), len(tail)),
                    "a tag must stay inside one paragraph: join the two paragraphs inside the tag "
                    "(Word starts a new paragraph where Enter was pressed)"))
            else:
                bad_prints = None
                problems.append(Problem(f"the tag {_cut(tail.strip())!r} is not closed in this paragraph",
                                        _place(shown, para, opened.start(), len(tail)),
                                        "end it with }} (or %} for {% %}) in the same paragraph"))
        else:
            closed = _CLOSE.search(rest)
            if closed is not None and not (n and _unclosed(paragraphs[n - 1].text.translate(_QUOTES))):
                bad_prints = None
                problems.append(Problem(f"{closed.group(0)!r} closes no tag in this paragraph",
                                        _place(shown, para, closed.start(), 2),
                                        "delete it, or retype the whole tag inside this paragraph"))
        for match in _TAG.finditer(text):
            is_body = re.search(r"\|\s*body\s*$", match.group(3)) is not None
            if match.group(1) == "{" and match.group(2) and not (match.group(2) == "p" and is_body):
                bad_prints = None
                problems.append(Problem(
                    f"{{{{{match.group(2)} … }}}} puts XML in the document; a value from the data is text",
                    _place(shown, para, match.start(), len(match.group(0))),
                    "write {{ … }} for a value (its run's formatting is kept); {{p … | body }} makes "
                    "body paragraphs from 公文 markup"))
                continue
            if match.group(1) == "{" and match.group(2) != "p" and is_body:
                bad_prints = None
                problems.append(Problem("the body filter makes whole paragraphs: it needs the tag's "
                                        "paragraph form {{p … | body }}",
                                        _place(shown, para, match.start(), len(match.group(0))),
                                        "write the tag alone in its paragraph as {{p … | body }}"))
                continue
            message = _tag_syntax(match, env)
            if message is not None:
                if bad_prints is not None and match.group(1) == "{" and not match.group(2):
                    bad_prints.append(match.group(0))
                else:
                    bad_prints = None
                problems.append(Problem(f"tag syntax: {message}",
                                        _place(shown, para, match.start(), len(match.group(0))),
                                        "retype the tag: {{ name }}, {% if … %}, {% for x in … %}"))
    return problems, bad_prints


_BLOCKS = {"if", "for", "with", "macro", "call", "filter", "block", "autoescape"}
_DOCXTPL_ONLY = {"vm", "hm", "colspan", "cellbg"}


def _tag_syntax(match: re.Match[str], env: Any) -> str | None:
    """Jinja's message for one tag on its own, None when it is fine."""
    from jinja2 import TemplateSyntaxError

    kind, body = match.group(1), match.group(3).strip()
    if kind == "#":
        return None
    if kind == "{":
        source = "{{ " + body + " }}"
    else:
        word = body.split(None, 1)[0] if body else ""
        if word in _DOCXTPL_ONLY or word.startswith("end") or word == "else":
            return None
        if word in _BLOCKS:
            source = "{% " + body + " %}{% end" + word + " %}"
        elif word == "elif":
            source = "{% if true %}{% " + body + " %}{% endif %}"
        elif word == "set" and "=" not in body:
            source = "{% " + body + " %}{% endset %}"
        else:
            source = "{% " + body + " %}"
    try:
        env.parse(source)
    except TemplateSyntaxError as exc:
        return exc.message or str(exc)
    return None


def _cut(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _snippet(text: str, start: int, length: int) -> str:
    """The paragraph's text around ``text[start:start+length]``, cut with … on each side."""
    left = max(0, start - SNIPPET)
    right = min(len(text), start + length + SNIPPET)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def _place(shown: str, para: Paragraph, start: int, length: int) -> Place:
    return Place(shown, key=f"{para.where}「{_snippet(para.text, start, length)}」")


def _place_of_name(shown: str, para: Paragraph, message: str) -> Place:
    """The place of an error about a name: the tag of the paragraph that uses it, if found."""
    name = re.match(r"'([^']+)'", message)
    text = para.text.translate(_QUOTES)
    tags = list(_TAG.finditer(text))
    if name is not None:
        last = re.split(r"[.\[\]]+", name.group(1).strip("]"))[-1]
        for tag in tags:
            if re.search(r"\b" + re.escape(last) + r"\b", tag.group(3)):
                return _place(shown, para, tag.start(), len(tag.group(0)))
    if tags:
        return _place(shown, para, tags[0].start(), len(tags[0].group(0)))
    return _place(shown, para, 0, len(para.text))


def _tag_text(xml: str) -> str:
    """Inside tags, ``&amp;`` back to ``&``: a string typed in a tag (``default("A&B")``) is text,
    escaped once for XML on output (docxtpl itself turns back only ``&lt;`` and ``&gt;``)."""
    return re.sub(r"(?<=\{[{%]).*?(?=[}%]\})", lambda m: m.group(0).replace("&amp;", "&"), xml)


def _without(source: str, tags: list[str]) -> str:
    for tag in tags:
        source = source.replace(tag, "", 1)
    return source


@lru_cache(maxsize=16)
def _prepare(data: bytes, shown: str) -> WordTemplate:
    """Read, locate, patch and compile every text part of a template (once per file content)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError
    from lxml import etree

    from .ooxml import UnsafePackageError, check_package, parse_xml, read_member

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_package(zf)
            parts = {name: read_member(zf, name) for name in zf.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TemplateError(f"not a Word file (.docx): {exc}", place=Place(shown),
                            hint="save the template in Word or WPS as .docx (not .doc or .wps)") from None
    except UnsafePackageError as exc:
        raise TemplateError(f"damaged or unsafe .docx: {exc}", place=Place(shown),
                            hint="open the template in Word or WPS and save it again") from None
    env = word_environment()
    patcher = DocxTemplate(io.BytesIO(data))
    templates: list[PartTemplate] = []
    problems: list[Problem] = []
    names = sorted((n for n in parts if _part_label(n)),
                   key=lambda n: ([label for p, label in _PART_LABELS].index(_part_label(n)), n))
    for name in names:
        label = _part_label(name) or name
        try:
            root = parse_xml(parts[name])
        except (etree.XMLSyntaxError, UnsafePackageError) as exc:
            raise TemplateError(f"{name} is not readable XML: {exc}", place=Place(shown),
                                hint="open the template in Word or WPS and save it again") from None
        paragraphs = _describe(root, label)
        if not any(_OPEN.search(p.text) or _CLOSE.search(p.text) for p in paragraphs):
            continue  # no tags: the part is copied as it is
        found, bad_prints = _paragraph_problems(paragraphs, shown, env)
        problems += found
        if label == "正文":
            repeat_header_rows(root)
        _mark(root)
        xml = etree.tostring(root, encoding="unicode").replace("<!--rg:", "\n<!--rg:")
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", _tag_text(patcher.patch_xml(xml)))
        part = PartTemplate(name, label, paragraphs, source, line_paragraph=_line_map(source))
        templates.append(part)
        if bad_prints is None:
            continue
        try:
            # Tags in error left out, the rest of the part is still looked through.
            part.template = env.from_string(_without(source, bad_prints))
        except TemplateSyntaxError as exc:
            if found:
                continue
            para = paragraphs[part.line_paragraph[min(exc.lineno or 0, len(part.line_paragraph) - 1)]]
            problems.append(Problem(f"tag syntax: {exc.message}", _place_of_name(shown, para, ""),
                                    "an {% if %} or {% for %} needs its {% endif %} / {% endfor %}, "
                                    "in the same form ({%p %} with {%p %}, {%tr %} with {%tr %})"))
    return WordTemplate(parts, templates, problems, _own_styles(parts.get("word/styles.xml")))


# --- the environment ----------------------------------------------------------------------

_records: contextvars.ContextVar[list[tuple[str, str | None, int]] | None] = contextvars.ContextVar(
    "wordtemplate_records", default=None)


def _template_line() -> int:
    """The line of the template being rendered, from the innermost Jinja frame on the stack."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return int(template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back  # type: ignore[assignment]
    return 0


def _record_undefined(value: Any) -> None:
    """A missing name noted; a name the sandbox refused (``''.__class__``) said as such."""
    from jinja2.exceptions import SecurityError

    if issubclass(value._undefined_exception, SecurityError):
        _record(f"not allowed in a template: {value._undefined_message}",
                "templates may only read data, not Python internals")
    else:
        _record(value._undefined_message)


def _record(message: str, hint: str | None = None) -> None:
    found = _records.get()
    if found is None:
        from jinja2 import UndefinedError

        raise UndefinedError(message)
    entry = (message, hint, _template_line())
    if entry not in found:
        found.append(entry)


@lru_cache(maxsize=1)
def _collecting_undefined() -> type:
    """A missing name that notes each use (with its line) and goes on, so that one rendering
    finds every missing name of a part; the document is not written when any was noted."""
    from .templating import _make_undefined

    strict = _make_undefined()

    def note(self: Any, *args: Any, **kwargs: Any) -> Any:
        _record_undefined(self)
        return self

    def noted(value: Any) -> Any:
        def method(self: Any, *args: Any) -> Any:
            _record_undefined(self)
            return value

        return method

    def note_iter(self: Any) -> Any:
        _record_undefined(self)
        return iter(())

    def getattr_(self: Any, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        _record_undefined(self)
        return self

    namespace: dict[str, Any] = {
        "__slots__": (), "__str__": noted(""), "__iter__": note_iter, "__getattr__": getattr_,
        "__bool__": noted(False), "__eq__": noted(False), "__ne__": noted(True),
        "__contains__": noted(False), "__lt__": noted(False), "__le__": noted(False),
        "__gt__": noted(False), "__ge__": noted(False), "__len__": noted(0), "__hash__": noted(0),
        "__int__": noted(0), "__float__": noted(0.0),
    }
    for op in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
               "rfloordiv", "mod", "rmod", "pow", "rpow", "pos", "neg", "call", "getitem"):
        namespace[f"__{op}__"] = note
    return type("MissingInWord", (strict,), namespace)


def _noting(name: str, func: Any) -> Any:
    """A wording filter that notes a missing value or a value it cannot word, and goes on."""
    undefined = _collecting_undefined()

    def call(value: Any, *args: Any, **kwargs: Any) -> Any:
        missing = [v for v in (value, *args, *kwargs.values()) if isinstance(v, undefined)]
        for v in missing:
            _record_undefined(v)
        if missing:
            return ""
        try:
            return func(value, *args, **kwargs)
        except ReportgenError as exc:
            for problem in exc.problems:
                message = problem.message if name in problem.message else f"{name}: {problem.message}"
                where = str(problem.place)
                _record(f"{message} (at {where})" if where else message, problem.hint)
            return ""

    return call


@dataclass
class _Rendering:
    """What the ``body`` filter needs besides its value: the data and where templates are."""

    values: dict[str, Any]
    base: Path | None
    extra: dict[str, Any]
    styles: dict[str, OwnStyle] = field(default_factory=dict)  # WordTemplate.styles


_rendering: contextvars.ContextVar[_Rendering | None] = contextvars.ContextVar("wordtemplate_rendering",
                                                                              default=None)
BODY_ROLES = ("heading1", "heading2", "heading3", "heading4", "body", "table")


def body_paragraphs(value: Any) -> Any:
    """The ``body`` filter: 公文 markup (a value, or the name of a ``.md.j2`` template rendered
    with the same data) → Word paragraphs, headings numbered 一、（一）1.（1）, **bold** runs,
    tables as lines. Written ``{{p … | body }}``: the paragraph of the tag is replaced by them.
    A paragraph takes the template's own style for its role where the office set one up
    (标题 1–4, 正文; :func:`_own_styles`) for what that style sets, and the GB/T 9704 body
    formatting for the rest."""
    from lxml import etree
    from markupsafe import Markup

    from . import spec
    from .layout import plan
    from .markup import parse
    from .writers.docx import _item

    text = str(value)
    source = "<body>"
    current = _rendering.get()
    if text.endswith(".md.j2") and "\n" not in text and current is not None:
        from .templating import render

        text, source = render(text, current.values, current.base, current.extra)
    laid = plan(parse(text, source), spec.DEFAULT_STYLE)
    styles = current.styles if current is not None else {}
    out = []
    for item in laid.items:
        if item.role not in BODY_ROLES:
            continue
        p = _item(item, laid)
        if item.role in styles:
            _restyle(p, styles[item.role])
        else:  # our heading styles are not in the office's template: its own would restyle the text
            for ref in p.iter(f"{_W}pStyle"):
                ref.getparent().remove(ref)
        out.append(etree.tostring(p, encoding="unicode"))
    return Markup("".join(out))


def _restyle(p: Any, style: OwnStyle) -> None:
    """Let the template's style format a paragraph: the style is named, and our direct
    formatting gives way wherever the style sets the same property itself; bold stays (it is
    the text's, not the style's)."""
    from lxml import etree

    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{_W}pPr")
        p.insert(0, ppr)
    for child in ppr.findall(f"{_W}pStyle"):
        ppr.remove(child)
    _give_way(ppr, style.paragraph)
    etree.SubElement(ppr, f"{_W}pStyle").set(f"{_W}val", style.style_id)
    ppr.insert(0, ppr[-1])  # pStyle comes first in w:pPr
    for rpr in p.iter(f"{_W}rPr"):
        if rpr.getparent() is not ppr:
            _give_way(rpr, {tag: attrs for tag, attrs in style.run.items()
                            if tag not in (f"{_W}b", f"{_W}bCs")})


def _give_way(props: Any, style_sets: dict[str, frozenset[str]]) -> None:
    """Drop from direct properties what the style sets: an attribute it sets (w:spacing's
    before/after, w:rFonts' eastAsia), or the whole element when it sets one without
    attributes (w:keepNext) or nothing of ours is left."""
    for child in list(props):
        if child.tag not in style_sets:
            continue
        attributes = style_sets[child.tag]
        for name in attributes:
            child.attrib.pop(name, None)
        if not attributes or (not child.attrib and len(child) == 0):
            props.remove(child)


@lru_cache(maxsize=1)
def word_environment() -> Any:
    """The sandbox of text templates, with values escaped for XML instead of for 公文 markup.

    No trim_blocks/lstrip_blocks (docxtpl's own setting: the tags stand inside XML), and no
    ``markup`` filter: a value is always text in a Word template, never raw XML.
    """
    from jinja2 import pass_context
    from jinja2.sandbox import SandboxedEnvironment

    from .filters import FILTERS

    env = SandboxedEnvironment(undefined=_collecting_undefined(), autoescape=True)
    env.filters.update({name: _noting(name, f) for name, f in FILTERS.items()})
    from .tables import total

    # A totals row: {{ total(districts, "registry.enterprises", stated=data) }} in a row after the loop.
    env.globals["total"] = _noting("total", total)
    noted_body = _noting("body", body_paragraphs)
    # pass_context: never folded at compile time (a template name is rendered with the data).
    env.filters["body"] = pass_context(lambda _context, value: noted_body(value))
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    return env


# --- rendering ----------------------------------------------------------------------------


def _key_paths(value: Any, path: str = "", out: list[str] | None = None, depth: int = 0) -> list[str]:
    """Every key path of the data (lists: their first items), for did-you-mean."""
    out = [] if out is None else out
    if depth > 12:
        return out
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            out.append(sub)
            _key_paths(item, sub, out, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value[:20]):
            sub = f"{path}[{i}]"
            out.append(sub)
            _key_paths(item, sub, out, depth + 1)
    return out


def _hint_for(message: str, hint: str | None, context: dict[str, Any]) -> str | None:
    if hint:
        return hint
    name = re.match(r"'([^']+)' is not in", message)
    if name is None:
        return None
    close = did_you_mean(name.group(1), _key_paths(context))
    return f"did you mean {close}?" if close else NOT_IN_DATA_HINT


def did_you_mean(path: str, known: list[str]) -> str | None:
    """The known key path closest to ``path``: first a sibling with a close name, then any path."""
    cut = max(path.rfind("."), path.rfind("["))
    parent, last = (path[:cut], path[cut:]) if cut > 0 else ("", path)
    depth = last.count(".") + last.count("[")
    siblings = {k[len(parent):]: k for k in known if k.startswith(parent)
                and k[len(parent):].count(".") + k[len(parent):].count("[") == depth}
    close = difflib.get_close_matches(last, list(siblings), n=1, cutoff=0.6)
    if close:
        return siblings[close[0]]
    found = difflib.get_close_matches(path, known, n=1, cutoff=0.75)
    return found[0] if found else None


def _error_line(exc: BaseException) -> int:
    """The template line of an exception (Jinja rewrites its traceback to template lines)."""
    import traceback

    line = 0
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>" and frame.lineno:
            line = frame.lineno
    return line


def _render_part(part: PartTemplate, context: dict[str, Any], shown: str) -> tuple[str, list[Problem]]:
    """The part's rendered XML and every problem met on the way."""
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2.exceptions import SecurityError

    def where(line: int, message: str) -> Place:
        if line <= 0:  # not from a line of the template (should not happen): the part at least
            return Place(shown, key=part.label)
        index = part.line_paragraph[min(line, len(part.line_paragraph) - 1)]
        return _place_of_name(shown, part.paragraphs[index], message)

    noted: list[tuple[str, str | None, int]] = []
    token = _records.set(noted)
    problems: list[Problem] = []
    xml = ""
    try:
        xml = part.template.render(context)
    except SecurityError as exc:
        problems.append(Problem(f"not allowed in a template: {exc}", where(_error_line(exc), ""),
                                "templates may only read data, not Python internals"))
    except ReportgenError as exc:
        for problem in exc.problems:
            problems.append(Problem(problem.message, where(_error_line(exc), problem.message),
                                    problem.hint))
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        problems.append(Problem(message, where(_error_line(exc), message),
                                _hint_for(message, None, context)))
    finally:
        _records.reset(token)
    problems[:0] = [Problem(m, where(line, m), _hint_for(m, h, context)) for m, h, line in noted]
    return xml, problems


def _finish_part(xml: str, patcher: Any) -> str:
    """docxtpl's steps after Jinja: markers and line breaks out, escaped braces back, tables
    whose cell count changed mended."""
    xml = _MARK_LINE.sub("", xml)
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    for escaped, brace in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        xml = xml.replace(escaped, brace)
    return str(patcher.resolve_listing(xml))


def _stamp(values: dict[str, Any]) -> dt.date:
    """The date in the core properties and zip entries: the data's document.date, like the
    公文 writer's 成文日期; else SOURCE_DATE_EPOCH or 1980-01-01."""
    from .writers.docx import undated_stamp

    document = values.get("document")
    when = document.get("date") if isinstance(document, dict) else None
    if isinstance(when, dt.datetime):
        return when.date()
    if isinstance(when, dt.date):
        return when
    return undated_stamp()


def _core(blob: bytes, when: dt.date) -> bytes:
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    core_xml = parse_xml(blob)
    core = CoreProperties(core_xml)
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    core.created = stamp
    core.modified = stamp
    core.last_modified_by = ""
    core.revision = 1
    return bytes(serialize_part_xml(core_xml))


@dataclass
class WordResult:
    data: bytes
    text: str  # visible text, a paragraph a line (for previews and comparisons)
    pages: int


def template_file(ref: str, base: Path | None) -> tuple[Path, str]:
    """The template's path and its name in messages (as the user wrote it, relative to base)."""
    path = Path(ref)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise TemplateError(f"template not found: {ref}", place=Place(str(path)),
                            hint="give the path of a .docx file made in Word or WPS")
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        shown = str(path)
    return path, shown


def render_word(ref: str, values: dict[str, Any], base: Path | None = None,
                extra: dict[str, Any] | None = None) -> WordResult:
    """Render a Word template with the data: every problem of the file at once, or the bytes."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from .data import read_bounded
    from .ooxml import MEMBER_LIMIT
    from .templating import FactDict, wrap
    from .writers.docx import _zip

    path, shown = template_file(ref, base)
    data = read_bounded(path, shown, "Word template", MEMBER_LIMIT,
                        "a 红头 template is a few hundred kB: is this the right file?")
    prepared = _prepare(data, shown)
    wrapped = _soften(wrap(dict(values)))
    context = FactDict(wrapped)
    context["data"] = wrapped
    context.update({k: _soft(v) for k, v in (extra or {}).items()})
    problems = list(prepared.problems)
    rendered: dict[str, str] = {}
    # A .md.j2 named by the body filter is looked for beside the Word template.
    token = _rendering.set(_Rendering(dict(values), path.parent, dict(extra or {}), prepared.styles))
    patcher = DocxTemplate(io.BytesIO(data))
    try:
        for part in prepared.templates:
            if part.template is None:
                continue
            xml, found = _render_part(part, context, shown)
            problems += found
            if not found:
                rendered[part.name] = _finish_part(xml, patcher)
    finally:
        _rendering.reset(token)
    if problems:
        raise TemplateError(_unique(problems))
    parts = dict(prepared.parts)
    breaks = 0
    for name, xml in rendered.items():
        try:
            tree = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                f"the rendered {_part_label(name)} is not a valid Word part ({exc})", place=Place(shown),
                hint="an {% if %} or {% for %} around whole paragraphs or table rows must use the "
                     "paragraph form {%p … %} or the row form {%tr … %}") from None
        if name == "word/document.xml":
            # Grid columns for rows whose cell count changed; a table without w:tblGrid is left
            # as it is (Word makes one on opening).
            with contextlib.suppress(AttributeError, TypeError, ValueError):
                tree = patcher.fix_tables(xml)
            for n, doc_pr in enumerate(tree.iter("{*}docPr"), 1):
                doc_pr.set("id", str(n))
            breaks = sum(1 for br in tree.iter(f"{_W}br") if br.get(f"{_W}type") == "page")
        parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    when = _stamp(values)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _core(parts["docProps/core.xml"], when)
    data = _zip(parts, (when.year, when.month, when.day, 0, 0, 0))
    return WordResult(data, visible_text(parts), _pages(data, breaks))


def _pages(data: bytes, breaks: int) -> int:
    """How many pages: the rendered package read back as a 公文 (the reader of ``check``: its
    版头, headings, tables, signature and 版记) and laid out on the 公文 grid, or one more than
    its page breaks if that is more. Word lays the file out with the template's own page setup,
    so this is a prediction on the GB/T 9704 grid; a package the reader cannot classify counts
    its paragraphs as body text."""
    import io

    import docx

    from . import spec
    from .check.classify import classify
    from .check.docxread import _read
    from .check.to_model import to_document
    from .layout import plan

    try:
        view = _read(docx.Document(io.BytesIO(data)), "template")
        laid = plan(to_document(view, classify(view)).document, spec.DEFAULT_STYLE).pages
    except Exception:  # an estimate for a message must never stop a build
        laid = 1
    return max(laid, breaks + 1)


def visible_text(parts: dict[str, bytes]) -> str:
    """The text of a package's headers, body, notes and footers, a paragraph a line."""
    from lxml import etree

    lines: list[str] = []
    for name in sorted((n for n in parts if _part_label(n)), key=_text_order):
        root = etree.fromstring(parts[name])
        lines += [_own_text(p) for p in root.iter(f"{_W}p")
                  if next(p.iterancestors(f"{{{MC_NS}}}Fallback"), None) is None]
    return "\n".join(lines)


def _soft(value: Any) -> Any:
    """``prev`` when there is no previous-year data: the same message, noted like a missing name."""
    from jinja2 import Undefined

    if isinstance(value, Undefined):
        return _collecting_undefined()(hint=value._undefined_hint, name=value._undefined_name)
    return value


def _soften(value: Any) -> Any:
    """Empty values of the data (``key:`` with nothing after it) noted like missing names, in place."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _soften(item)
    elif isinstance(value, list):
        value[:] = [_soften(item) for item in value]
    else:
        return _soft(value)
    return value


def _text_order(name: str) -> tuple[int, str]:
    label = _part_label(name)
    order = {"页眉": 0, "正文": 1, "脚注": 2, "尾注": 3, "页脚": 4}
    return (order.get(label or "", 9), name)


def _unique(problems: list[Problem]) -> list[Problem]:
    """The same problem once: a text box is kept twice in a .docx (for new and for old readers),
    and a tag in a loop fails the same way for every item (``founded[0]``, ``founded[1]`` …)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for problem in problems:
        key = (re.sub(r"\[\d+\]", "[]", problem.message), str(problem.place))
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
