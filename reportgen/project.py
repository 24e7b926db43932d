"""Projects (a folder with reportgen.yaml) and the pipeline that renders one document.

data → template → markup → Document → Plan; the writers take it from there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import spec
from .data import Facts, load_facts, load_yaml
from .errors import DataError, MarkupError, OutputError, Place, Problem, ProjectError, ReportgenError
from .layout import Plan, plan
from .model import Document
from .spec import Style
from .years import YEARS_KEYS, YearsConfig, read_config, year_context

PROJECT_FILE = "reportgen.yaml"
PROJECT_KEYS = {"data", "style", "documents", "output", "contract"}
DOCUMENT_KEYS = {"name", "template", "data", "output", "style", "contract"}
PROJECT_KEYS |= YEARS_KEYS  # previous:, rollup: (reportgen/years.py)
DOCUMENT_KEYS |= YEARS_KEYS


@dataclass
class DocumentSpec:
    name: str
    template: str
    data: list[Path] = field(default_factory=list)
    output: str | None = None
    style: dict[str, Any] = field(default_factory=dict)
    place: Place = field(default_factory=Place)
    contracts: list[Path] = field(default_factory=list)
    years: YearsConfig = field(default_factory=YearsConfig)


@dataclass
class Project:
    root: Path
    data: list[Path]
    style: Style
    documents: list[DocumentSpec]
    output: str | None = None
    contracts: list[Path] = field(default_factory=list)
    years: YearsConfig = field(default_factory=YearsConfig)

    def find(self, name: str) -> DocumentSpec:
        for document in self.documents:
            if document.name == name:
                return document
        raise ProjectError(f"no document named {name!r} in the project",
                           place=Place(str(self.root / PROJECT_FILE)),
                           hint="documents: " + ", ".join(d.name for d in self.documents))


@dataclass
class Rendered:
    """One document carried through the pipeline."""

    name: str
    markup: str
    document: Document
    plan: Plan
    facts: Facts
    output: str
    warnings: list[Problem] = field(default_factory=list)
    docx: bytes | None = None  # made from a Word template: the file itself (no markup, no plan)

    def docx_bytes(self) -> bytes:
        from .writers.docx import write_docx

        return self.docx if self.docx is not None else write_docx(self.plan, self.document)


def _paths(value: Any, base: Path, where: Place, key: str = "data") -> list[Path]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProjectError(f"{key} must be a path or a list of paths", place=where)
    return [Path(os.path.normpath(base / v)) for v in value]


def make_style(overrides: dict[str, Any], base: Style, where: Place) -> Style:
    """``base`` with a reportgen.yaml ``style`` mapping applied: first its reference .docx
    (``reference``, read by :mod:`reportgen.reference`), then its own settings."""
    if not overrides:
        return base
    if not isinstance(overrides, dict):
        raise ProjectError("style must be a mapping of house-style settings", place=where)
    if "reference" in overrides:
        from .reference import ReferenceDocx, apply_reference, from_setting

        ref = overrides["reference"]
        if not isinstance(ref, ReferenceDocx):
            ref = from_setting(ref, Path.cwd(), where)
        base = apply_reference(base, ref)
        overrides = {k: v for k, v in overrides.items() if k != "reference"}
    try:
        return base.with_overrides(overrides)
    except (KeyError, TypeError, ValueError) as exc:
        from dataclasses import fields

        if isinstance(exc, ValueError | TypeError):
            raise ProjectError(str(exc), place=where,
                               hint="see the style settings in README.md") from None
        known = ", ".join(["reference", *(f.name for f in fields(Style))])
        raise ProjectError(f"unknown style setting {exc}", place=where,
                           hint=f"known settings: {known}") from None


def _with_reference(style: Any, root: Path, at: Any, key: str) -> Any:
    """A style mapping whose ``reference`` path is resolved against the project folder."""
    if not isinstance(style, dict) or "reference" not in style:
        return style or {}
    from .reference import from_setting

    return {**style, "reference": from_setting(style["reference"], root, at(f"{key}.reference"))}


def load_project(root: Path) -> Project:
    """Read PROJECT_DIR/reportgen.yaml."""
    file = root / PROJECT_FILE
    shown = str(file)
    if not file.is_file():
        raise ProjectError(f"no {PROJECT_FILE} in {root}", place=Place(str(root)),
                           hint=f"a project folder holds a {PROJECT_FILE} listing its documents")
    value, places = load_yaml(file, shown)
    if not isinstance(value, dict):
        raise ProjectError(f"{PROJECT_FILE} must be a mapping", place=Place(shown, 1))

    def at(key: str) -> Place:
        return places.get(key, Place(shown, key=key))

    problems = [Problem(f"unknown key {k!r}", at(k), "known keys: " + ", ".join(sorted(PROJECT_KEYS)))
                for k in value if k not in PROJECT_KEYS]
    docs_value = value.get("documents")
    if not isinstance(docs_value, list) or not docs_value:
        problems.append(Problem("documents: a list of documents is required", at("documents"),
                                "add documents: [{name: report, template: report}]"))
        raise ProjectError(problems)
    style = make_style(_with_reference(value.get("style"), root, at, "style"), spec.DEFAULT_STYLE,
                       at("style"))
    years, found = read_config(value, "", root, places, shown)
    problems.extend(found)
    documents: list[DocumentSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(docs_value):
        where = at(f"documents[{index}]")
        if not isinstance(entry, dict):
            problems.append(Problem("a document is a mapping with name and template", where))
            continue
        for key in entry:
            if key not in DOCUMENT_KEYS:
                problems.append(Problem(f"unknown key {key!r}", at(f"documents[{index}].{key}"),
                                        "known keys: " + ", ".join(sorted(DOCUMENT_KEYS))))
        name = entry.get("name")
        template = entry.get("template")
        if not isinstance(name, str) or not name:
            problems.append(Problem("document without a name", where, "add name: report"))
            continue
        if name in seen:
            problems.append(Problem(f"document name {name!r} is used twice", where))
        seen.add(name)
        if not isinstance(template, str) or not template:
            problems.append(Problem(f"document {name!r} has no template", where,
                                    "add template: report (built-in) or a path to a .md.j2 file"))
            continue
        doc_years, found = read_config(entry, f"documents[{index}]", root, places, shown, years)
        problems.extend(found)
        documents.append(DocumentSpec(
            name=name,
            template=template,
            data=_paths(entry.get("data"), root, where),
            output=entry.get("output"),
            style=_with_reference(entry.get("style"), root, at, f"documents[{index}].style"),
            place=where,
            contracts=_paths(entry.get("contract"), root, where, "contract"),
            years=doc_years,
        ))
    if problems:
        raise ProjectError(problems)
    return Project(root, _paths(value.get("data"), root, at("data")), style, documents,
                   value.get("output"), _paths(value.get("contract"), root, at("contract"), "contract"),
                   years)


def render_markup(template: str, facts: Facts, base: Path | None,
                  extra: dict[str, Any] | None = None) -> tuple[str, str]:
    from .templating import render

    return render(template, facts.values, base, extra)


def template_contract(template: str, base: Path | None) -> Path | None:
    """The contract beside a template (``report.md.j2`` → ``report.contract.yaml``), if any."""
    from .contract import contract_beside
    from .templating import builtin_template_dir, resolve_template

    name, dirs = resolve_template(template, base)
    file = dirs[0] / name if dirs else builtin_template_dir() / name.removeprefix("builtin/")
    found = contract_beside(file)
    return found if found.is_file() else None


def check_facts(facts: Facts, template: str, base: Path | None, contracts: list[Path],
                context: dict[str, Any] | None = None) -> list[Problem]:
    """Problems of the data itself: characters a .docx cannot hold, contracts' schemas and rules."""
    from .contract import check_facts as check_contracts
    from .contract import load_contract
    from .data import illegal_characters

    problems = illegal_characters(facts)
    paths = list(contracts)
    beside = template_contract(template, base)
    if beside is not None:
        paths.append(beside)
    loaded = []
    for path in paths:
        try:
            loaded.append(load_contract(path))
        except ReportgenError as exc:
            problems.extend(exc.problems)
    return problems + check_contracts(facts, loaded, context)


def _stop_on_errors(problems: list[Problem], kind: type[ReportgenError] = DataError) -> None:
    if any(p.severity == "error" for p in problems):
        raise kind(problems)


def render_document(name: str, template: str, data: list[Path], style: Style,
                    base: Path | None = None, output: str | None = None,
                    contracts: list[Path] | None = None, years: YearsConfig | None = None) -> Rendered:
    """Run the pipeline for one document, up to the laid-out plan.

    Every check runs before anything is laid out: the data's contracts and rules, then
    the 公文 elements of the parsed document. Errors stop with all problems found so far
    (warnings included); warnings alone travel on in ``Rendered.warnings``.
    """
    from .fields import check_document
    from .markup import parse

    facts = load_facts(data)
    context = year_context(facts, data, years)  # roll-up totals, prev, districts
    problems = context.problems + check_facts(facts, template, base, contracts or [], context.variables)
    _stop_on_errors(problems)
    if template.lower().endswith(".docx"):  # a template made in Word: reportgen/wordtemplate.py
        from .wordtemplate import render_word

        word = render_word(template, facts.values, base, context.variables)
        return Rendered(name, word.text, Document(source=template), Plan([], None, word.pages, style), facts,
                        output_name(output, name, facts, template), problems, word.data)
    markup, source = render_markup(template, facts, base, context.variables)
    document = parse(markup, source)
    problems += check_document(document, facts)
    _stop_on_errors(problems, MarkupError)
    laid = plan(document, style)
    return Rendered(name, markup, document, laid, facts, output_name(output, name, facts, source), problems)


def output_name(pattern: str | None, name: str, facts: Facts, where: str) -> str:
    """The output file name, possibly a template over the data; never a path."""
    if not pattern:
        return f"{name}.docx"
    if "{" in pattern:
        from .templating import wrap

        try:
            text = _name_template(pattern).render(wrap(dict(facts.values)))
        except Exception as exc:
            raise ProjectError(f"output name {pattern!r} cannot be rendered: {exc}",
                               place=Place(where)) from None
    else:
        text = pattern
    text = text.strip()
    if not text.lower().endswith(".docx"):
        text += ".docx"
    bad = set('/\\:*?"<>|\0')
    if any(c in bad or ord(c) < 32 for c in text) or text.startswith(".") or text in (".docx",):
        raise ProjectError(f"output name {text!r} is not a plain file name",
                           place=Place(where),
                           hint="an output name may not contain / \\ : * ? \" < > | or start with a dot")
    return text


@lru_cache(maxsize=64)
def _name_template(pattern: str) -> Any:
    """An output-name pattern compiled once per process (a build uses one pattern many times)."""
    from .templating import make_environment

    env = make_environment([])
    env.finalize = None  # a file name, not markup: no escaping
    return env.from_string(pattern)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename: never a partial file.

    The file gets the permissions a plain write would give it (mkstemp's own are owner-only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write output: {exc.strerror}", place=Place(str(path))) from None
        raise
