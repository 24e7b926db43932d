"""``reportgen init --kind 通知 DIR``: a new project for one kind of document, from a built-in template.

Every built-in template that starts a project says so on its first line::

    {#- builtin: 通知 — what the template is for -#}

and ships an example data file beside it (``notice.example.yaml``): the ``document.*`` values
(or the summary's) a clerk replaces, each with a comment saying what it is. The values are
illustrative (某某市某某局, 张某某): the new project builds at once, `check` passes it, and nothing
in it can be taken for a real organ's document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError, Place, ProjectError

#: The first line of a built-in template that can start a project.
BUILTIN_LINE = re.compile(r"^\{#-?\s*builtin:\s*(?P<kind>\S+)\s+[—–-]+\s*(?P<what>.*?)\s*-?#\}\s*$")
EXAMPLE_SUFFIX = ".example.yaml"


@dataclass(frozen=True)
class Starter:
    """A kind of document a project can start with."""

    kind: str  # 文种: 通知, 请示 …
    template: str  # the built-in template's name (notice)
    what: str  # one line: what it is for
    example: Path  # the example data file beside it


def starters() -> dict[str, Starter]:
    """The kinds with a built-in template and its example data, by kind, in template order."""
    from .templating import TEMPLATE_SUFFIX, builtin_template_dir

    found: dict[str, Starter] = {}
    for path in sorted(builtin_template_dir().glob("*" + TEMPLATE_SUFFIX)):
        with path.open(encoding="utf-8") as f:
            m = BUILTIN_LINE.match(f.readline().strip())
        name = path.name.removesuffix(TEMPLATE_SUFFIX)
        example = path.with_name(name + EXAMPLE_SUFFIX)
        if m and example.is_file():
            found.setdefault(m["kind"], Starter(m["kind"], name, m["what"], example))
    return found


def _unknown(kind: str, known: dict[str, Starter]) -> ProjectError:
    from .gongwen import KINDS, kind_suggestion

    listed = "、".join(known)
    guess = kind_suggestion(kind)
    if guess in known:
        hint = f"did you mean {guess}? kinds with a template: {listed}"
    else:
        hint = f"kinds with a template: {listed} (reportgen init --list)"
    what = "has no built-in template" if kind in KINDS else "is not a kind of document reportgen knows"
    return ProjectError(f"{kind!r} {what}", place=Place(key="--kind"), hint=hint)


def output_pattern(starter: Starter) -> str | None:
    """The file name offices give the document, from its data: the 文号 (某某发〔2026〕1号.docx), a
    命令's mark and 令号, a 纪要's mark and number, else its title; None when the data has none."""
    import yaml

    data = yaml.safe_load(starter.example.read_text(encoding="utf-8")) or {}
    doc = data.get("document") or {}
    if {"code", "number", "date"} <= doc.keys():
        name = "{{ document.code }}〔{{ document.date.year }}〕{{ document.number }}号"
    elif {"organ", "number", "signer"} <= doc.keys():
        name = '{{ document.organ ~ (document.word | default("令")) }}第{{ document.number }}号'
    elif {"mark", "number"} <= doc.keys():
        name = '{{ document.mark }}第{{ document.number }}{{ document.unit | default("次") }}'
    elif "title" in doc:
        name = "{{ document.title }}"
    elif "title" in (data.get("summary") or {}):
        name = "{{ summary.title }}"
    else:
        return None
    return "'" + name + ".docx'"


def project_files(starter: Starter) -> dict[str, str]:
    """The new project's files, by name: reportgen.yaml and the data file."""
    config = (
        f"# {starter.kind}：{starter.what}\n"
        f"# 由 reportgen init --kind {starter.kind} 生成。先改 data.yaml 中的示例值，再运行：\n"
        "#   reportgen build . -o out/          （--pdf 同时生成 PDF）\n"
        "data:\n"
        "  - data.yaml                         # 公文要素（示例值，请替换为实际内容）\n"
        "style: {}                             # 本单位版式（默认即 GB/T 9704-2012），见 README\n"
        "documents:\n"
        f"  - name: {starter.template}\n"
        f"    template: {starter.template}{' ' * max(24 - len(starter.template), 1)}"
        f"# 内置模板 built-in template（{starter.kind}）\n"
    )
    pattern = output_pattern(starter)
    if pattern:
        config += f"    output: {pattern}\n"
    return {"reportgen.yaml": config, "data.yaml": starter.example.read_text(encoding="utf-8")}


def init_project(kind: str, target: Path) -> tuple[Starter, list[Path]]:
    """Write a new project for ``kind`` into ``target`` (which must be empty or absent)."""
    from .files import write_atomic

    known = starters()
    if kind not in known:
        raise _unknown(kind, known)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "the folder is not empty" if target.is_dir() else "it exists and is not a folder"
        raise OutputError(what, place=Place(str(target)),
                          hint="give a new or empty folder: init never writes over files")
    starter = known[kind]
    files = project_files(starter)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror}", place=Place(str(target))) from None
    written: list[Path] = []
    try:
        for name, text in files.items():
            write_atomic(target / name, text.encode("utf-8"))
            written.append(target / name)
    except OutputError:
        for path in written:  # never half a project
            path.unlink(missing_ok=True)
        raise
    return starter, written
