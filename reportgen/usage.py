"""Facts that no template of a project prints: what ``validate`` warns about.

Renaming a fact is two edits (its key in the data file, its name in the templates); a key
renamed in one place and not the other is either a missing name (an error at the template
line) or a fact nothing uses (this warning, at the key's line). Read from the templates'
source, so a fact used on a branch the data never takes counts as used:

* a name read whole (``{{ founded | length }}``, ``{% set d = document %}``) uses everything under it;
* ``a.b.c`` uses ``a.b.c`` and everything under it;
* ``data`` read whole uses every fact; templates reached through ``extends``, ``include`` and
  ``import`` count, and so do the ``output:`` patterns of reportgen.yaml.

Word templates (.docx) are not read here: a project that has one is not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .batch import Job
from .data import leaves, load_facts
from .errors import Place, Problem

WHOLE = "*"  # the marker of a name read whole


def _paths(source: str) -> tuple[set[str], list[str]]:
    """Key paths a template reads, and the templates it names (extends, include, import)."""
    from jinja2 import nodes

    from .contract import key_path
    from .templating import shared_environment

    tree = shared_environment(()).parse(source)
    found: set[str] = set()
    named: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport) and \
                isinstance(node.template, nodes.Const):
            named.append(node.template.value)
        path = key_path(node, indexes=False)
        if path is not None:
            if isinstance(node, nodes.Name):
                if node.ctx == "load":
                    found.add(path + "." + WHOLE)
            else:
                found.add(path)
            return
        for child in node.iter_child_nodes():  # a chain through a call or filter: its root is read whole
            visit(child)

    visit(tree)
    return found, named


def _template_paths(job: Job) -> set[str] | None:
    """Every key path the job's template (and those it reaches) reads; None for a Word template."""
    from .templating import resolve_template, shared_environment

    if job.template.lower().endswith((".docx", ".dotx", ".docm", ".dotm")):
        return None
    name, dirs = resolve_template(job.template, job.root)
    env = shared_environment(tuple(str(d) for d in dirs))
    found: set[str] = set()
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
        except Exception:  # a template that cannot be read is reported by the render itself
            continue
        paths, named = _paths(source)
        found |= paths
        todo += named
    if job.output:
        found |= _paths(job.output)[0]
    return found


def _used(path: str, read: set[str]) -> bool:
    parts = path.replace("[", ".[").split(".")
    for k in range(1, len(parts) + 1):
        prefix = ".".join(parts[:k]).replace(".[", "[")
        if prefix + "." + WHOLE in read or (k > 1 and prefix in read):
            return True
    return False


def unused_facts(jobs: list[Job]) -> list[Problem]:
    """A warning for every fact of the jobs' data files that none of their templates reads."""
    read: set[str] = set()
    data: dict[tuple[str, ...], None] = {}
    for job in jobs:
        paths = _template_paths(job)
        if paths is None:
            return []
        read |= paths
        data[tuple(str(p) for p in job.data)] = None
    if "data." + WHOLE in read:
        return []
    problems: list[Problem] = []
    for files in data:
        facts = load_facts([Path(f) for f in files])
        for path, _value in leaves(facts.values):
            top = path.split(".")[0].split("[")[0]
            if top == "year" or _used(path, read):
                continue
            place = facts.place(path)
            problems.append(Problem(
                "no template uses this fact", Place(place.file, place.line, place.column, key=path),
                "renamed? use the new name in the template too; else remove it from the data", "warning"))
    return problems
