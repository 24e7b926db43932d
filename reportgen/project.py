"""Projects (a folder with reportgen.yaml) and the pipeline that renders one document.

data → template → markup → Document → Plan; the writers take it from there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import spec
from .data import Facts, load_facts, load_yaml
from .errors import DataError, MarkupError, Place, Problem, ProjectError, ReportgenError
from .files import NAME_HINT, name_fault, output_name
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
    output_place: Place = field(default_factory=Place)  # the output: line, else the name: line


@dataclass
class Project:
    root: Path
    data: list[Path]
    style: Style
    documents: list[DocumentSpec]
    output: str | None = None
    contracts: list[Path] = field(default_factory=list)
    years: YearsConfig = field(default_factory=YearsConfig)
    reference: Path | None = None  # the house style's reference .docx, an input no output may replace

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


def _paths(value: Any, base: Path, where: Place, problems: list[Problem], key: str = "data") -> list[Path]:
    """The paths of a ``data``/``contract`` entry; a wrong type is one more problem, not the end."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem(f"{key} must be a path or a list of paths, not {value!r}", where,
                                f"e.g. {key}: file.yaml, or {key}: [a.yaml, b.yaml]"))
        return []
    return [Path(os.path.normpath(base / v)) for v in value]


def _output_pattern(value: Any, where: Place, problems: list[Problem]) -> str | None:
    """A document's ``output:``: a file name, or a pattern over the data checked once it is rendered."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"output must be a file name (text), not {value!r}", where,
                                'e.g. output: "{{ document.code }}〔{{ document.date.year }}〕'
                                '{{ document.number }}号.docx"'))
        return None
    if "{" not in value:
        text = value.strip()
        fault = name_fault(text if text.lower().endswith(".docx") else text + ".docx")
        if fault is not None:
            problems.append(Problem(f"output name {text!r} is not a plain file name: it {fault}", where,
                                    NAME_HINT))
    return value


def make_style(overrides: dict[str, Any], base: Style, where: Place,
               places: dict[str, Place] | None = None) -> Style:
    """``base`` with a reportgen.yaml ``style`` mapping applied: first its reference .docx
    (``reference``, read by :mod:`reportgen.reference`), then its own settings. ``places``
    (reportgen.yaml's key paths) puts a bad setting's message on its own line."""
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
            key = f"{where.key}.{exc.key}" if isinstance(exc, spec.SettingError) and where.key else ""
            raise ProjectError(str(exc), place=(places or {}).get(key, where),
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
    """Read PROJECT_DIR/reportgen.yaml; every problem of the file is reported at once."""
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
        docs_value = []
    style = spec.DEFAULT_STYLE
    reference = None
    try:
        overrides = _with_reference(value.get("style"), root, at, "style")
        reference = getattr(overrides.get("reference"), "path", None) if isinstance(overrides, dict) else None
        style = make_style(overrides, style, at("style"), places)
    except ReportgenError as exc:
        problems.extend(exc.problems)
    folder = value.get("output")
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        problems.append(Problem(f"output must be the path of the output folder, not {folder!r}", at("output"),
                                "e.g. output: out"))
        folder = None
    data = _paths(value.get("data"), root, at("data"), problems)
    contracts = _paths(value.get("contract"), root, at("contract"), problems, "contract")
    years, found = read_config(value, "", root, places, shown)
    problems.extend(found)
    documents: list[DocumentSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(docs_value):
        document = _document(entry, f"documents[{index}]", root, at, places, shown, years, problems)
        if document is None:
            continue
        if document.name in seen:
            problems.append(Problem(f"document name {document.name!r} is used twice", document.place))
        seen.add(document.name)
        documents.append(document)
    if problems:
        raise ProjectError(problems)
    return Project(root, data, style, documents, folder, contracts, years, reference)


def _document(entry: Any, key: str, root: Path, at: Any, places: dict[str, Place], shown: str,
              years: YearsConfig, problems: list[Problem]) -> DocumentSpec | None:
    """One entry of ``documents:``; its problems are added to ``problems``."""
    where = at(key)
    if not isinstance(entry, dict):
        problems.append(Problem("a document is a mapping with name and template", where))
        return None
    for name in entry:
        if name not in DOCUMENT_KEYS:
            problems.append(Problem(f"unknown key {name!r}", at(f"{key}.{name}"),
                                    "known keys: " + ", ".join(sorted(DOCUMENT_KEYS))))
    name = entry.get("name")
    template = entry.get("template")
    if not isinstance(name, str) or not name:
        problems.append(Problem("document without a name", where, "add name: report"))
        return None
    output_place = at(f"{key}.output") if "output" in entry else at(f"{key}.name")
    output = _output_pattern(entry.get("output"), output_place, problems)
    fault = None if "output" in entry else name_fault(f"{name}.docx")
    if fault is not None:
        problems.append(Problem(f"output name {name + '.docx'!r} is not a plain file name: it {fault} "
                                "(without output:, the document's name is its file name)", output_place,
                                "give the document an output: file name, or another name"))
    if not isinstance(template, str) or not template:
        problems.append(Problem(f"document {name!r} has no template", where,
                                "add template: report (built-in) or a path to a .md.j2 file"))
        return None
    doc_years, found = read_config(entry, key, root, places, shown, years)
    problems.extend(found)
    try:
        style = _with_reference(entry.get("style"), root, at, f"{key}.style")
    except ReportgenError as exc:
        problems.extend(exc.problems)
        style = {}
    return DocumentSpec(
        name=name,
        template=template,
        data=_paths(entry.get("data"), root, at(f"{key}.data"), problems),
        output=output,
        style=style,
        place=where,
        contracts=_paths(entry.get("contract"), root, at(f"{key}.contract"), problems, "contract"),
        years=doc_years,
        output_place=output_place,
    )


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
                    contracts: list[Path] | None = None, years: YearsConfig | None = None,
                    output_place: Place | None = None) -> Rendered:
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
                        output_name(output, name, facts.values, output_place or Place(template)), problems,
                        word.data)
    markup, source = render_markup(template, facts, base, context.variables)
    document = parse(markup, source)
    problems += check_document(document, facts)
    _stop_on_errors(problems, MarkupError)
    laid = plan(document, style)
    file_name = output_name(output, name, facts.values, output_place or Place(source))
    return Rendered(name, markup, document, laid, facts, file_name, problems)
