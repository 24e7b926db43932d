"""The yearly cycle: last year's facts beside this year's, and totals rolled up from districts.

* ``prev``: the data of year N−1 for the same unit, found by name (``baoji-2019.yaml``
  beside ``baoji-2020.yaml``) or declared in reportgen.yaml (``previous:``). Templates
  see it as a strict, place-tracked value like the current data; when there is none,
  ``prev`` is undefined and any use of it says where it was looked for.
* ``rollup:`` (see :mod:`reportgen.rollup`): a unit's figures as the sum of its
  districts' files, and the check that a stated total equals that sum.

The project keys read here (``previous``, ``rollup``) may stand at project level or in
one document's entry, where they replace the project's.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import Facts, load_facts, lookup
from .errors import DataError, Place, Problem
from .rollup import Rollup, apply_rollup, read_rollup

#: reportgen.yaml keys this module reads, at project and at document level.
YEARS_KEYS = {"previous", "rollup"}
#: Template variables beside the data; a top-level data key of that name would be hidden.
RESERVED = ("prev", "districts")

_TRAILING_YEAR = re.compile(r"(?<![0-9])([0-9]{4})$")

NO_PREV_HINT = ("put last year's file there, declare `previous:` in reportgen.yaml (or --prev FILE), "
                "or write {% if prev is defined %} around the comparison")


@dataclass
class YearsConfig:
    """How one document finds last year's data and its district totals."""

    previous: list[Path] | None = None  # None: by name beside the data files; []: none
    previous_place: Place | None = None  # where `previous:` was declared
    rollup: Rollup | None = None


@dataclass
class YearContext:
    """What the year features add to one document: variables and problems."""

    variables: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def year_of(path: Path) -> int | None:
    """The year a file name ends in (``baoji-2020.yaml`` → 2020), if any."""
    found = _TRAILING_YEAR.search(path.name.split(".", 1)[0])
    return int(found.group(1)) if found else None


def with_year(path: Path, year: int) -> Path:
    """``data/baoji-2020.yaml`` → ``data/baoji-2019.yaml`` for year 2019."""
    stem, dot, suffix = path.name.partition(".")
    return path.with_name(_TRAILING_YEAR.sub(str(year), stem) + dot + suffix)


def read_config(entry: dict[str, Any], prefix: str, root: Path, places: dict[str, Place],
                file: str, inherit: YearsConfig | None = None) -> tuple[YearsConfig, list[Problem]]:
    """Read ``previous:`` and ``rollup:`` of a project (prefix "") or a document entry.

    A document's keys replace the project's (``inherit``); paths are relative to the project.
    """
    config = YearsConfig() if inherit is None else YearsConfig(inherit.previous, inherit.previous_place,
                                                                inherit.rollup)
    problems: list[Problem] = []

    def at(key: str) -> Place:
        full = f"{prefix}.{key}" if prefix else key
        return places.get(full, Place(file, key=full))

    if "previous" in entry:
        value = entry["previous"]
        if value is None:
            value = []
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            config.previous = [Path(os.path.normpath(root / v)) for v in value]
            config.previous_place = at("previous")
        else:
            problems.append(Problem("previous: give the previous year's data file, or a list of files",
                                    at("previous"), "e.g. previous: ../../data/baoji-2019.yaml"))
    if "rollup" in entry:
        rollup, found = read_rollup(entry["rollup"], (f"{prefix}.rollup" if prefix else "rollup"),
                                    root, places, file)
        config.rollup = rollup
        problems.extend(found)
    return config, problems


def _shown(paths: list[Path]) -> str:
    return ", ".join(str(p) for p in paths)


def find_previous(data: list[Path], config: YearsConfig) -> tuple[list[Path], str, list[Problem]]:
    """Last year's data files: (files found, where they were looked for, problems).

    Declared files must exist. By name, each data file ending in a year is paired with
    the same name one year earlier in the same folder; the pairs that exist are used.
    """
    if config.previous is not None:
        where = f"`previous:` at {config.previous_place}" if config.previous_place else "--prev"
        if not config.previous:
            return [], f"{where} is empty", []
        missing = [p for p in config.previous if not p.is_file()]
        problems = [Problem(f"previous-year data file not found: {p}", config.previous_place or Place(str(p)),
                            "check the path (relative to reportgen.yaml) or remove it from `previous:`")
                    for p in missing]
        return [p for p in config.previous if p.is_file()], where, problems
    candidates = [with_year(p, year - 1) for p in data if (year := year_of(p)) is not None]
    if not candidates:
        named = _shown(data) or "none"
        return [], f"no data file name ends in a year (data: {named}) and no `previous:` is declared", []
    found = [c for c in candidates if c.is_file()]
    return found, "looked for " + _shown(candidates), []


def check_previous(facts: Facts, previous: Facts) -> list[Problem]:
    """Last year's ``year:`` must be this year's minus one, when both files say it."""
    now, before = facts.values.get("year"), previous.values.get("year")
    if not (isinstance(now, int) and isinstance(before, int)) or isinstance(now, bool) \
            or isinstance(before, bool) or before == now - 1:
        return []
    return [Problem(f"the previous-year data is for year {before}, not {now - 1}",
                    previous.place("year"),
                    f"this year's data says year: {now} at {facts.place('year')}; "
                    "give the file of the year before")]


def _kind(value: Any) -> str | None:
    """The kind of a value a template relies on; None for an empty value (still to be filled in)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else None


def _kinds(value: Any, path: str = "", shape: str = "") -> Iterator[tuple[str, str, str]]:
    """(key path, path with list positions as ``[]``, kind) of every non-empty value."""
    kind = _kind(value)
    if kind is None:
        return
    if path:
        yield path, shape, kind
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _kinds(item, f"{path}.{key}" if path else str(key),
                              f"{shape}.{key}" if shape else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _kinds(item, f"{path}[{index}]", f"{shape}[]")


def check_kinds(facts: Facts, previous: Facts) -> list[Problem]:
    """Last year's values are this year's contract of kinds: a figure stays a figure, a date a
    date, a list a list. Text last year may become a number (it prints the same way);
    an empty value is not checked (a scaffold still being filled in)."""
    before: dict[str, tuple[str, str]] = {}
    for path, shape, kind in _kinds(previous.values):
        before.setdefault(shape, (path, kind))
    problems: list[Problem] = []
    reported: set[str] = set()
    for path, shape, kind in _kinds(facts.values):
        if shape not in before or any(path.startswith((done + ".", done + "[")) for done in reported):
            continue
        old_path, old_kind = before[shape]
        if kind == old_kind or (old_kind == "text" and kind == "a number"):
            continue
        reported.add(path)
        found, value = lookup(facts.values, path)
        shown = f": {value!r}" if found and not isinstance(value, (list, dict)) else ""
        problems.append(Problem(
            f"is {kind} this year{shown}, but was {old_kind} last year "
            f"(at {previous.place(old_path)})", facts.place(path),
            f"write it as {old_kind} like last year's value (e.g. digits for a number, YYYY-MM-DD for "
            "a date); if its meaning changed, rename the key"))
    return problems


def reserved_keys(facts: Facts, names: tuple[str, ...]) -> list[Problem]:
    return [Problem(f"the top-level key {name!r} is reserved: templates see it as "
                    + ("last year's data" if name == "prev" else "the list of district data"),
                    facts.place(name), f"rename {name!r} in the data file")
            for name in names if name in facts.values]


def year_context(facts: Facts, data: list[Path], config: YearsConfig | None) -> YearContext:
    """Roll up district totals into ``facts`` and gather ``prev`` and ``districts``.

    Every problem is collected (nothing raised), so ``validate`` reports them together
    with the contracts' and ``build`` stops before writing anything.
    """
    from .templating import absent, wrap

    config = config or YearsConfig()
    result = YearContext()
    result.problems.extend(reserved_keys(facts, RESERVED if config.rollup else ("prev",)))
    if config.rollup is not None:
        districts, problems = apply_rollup(config.rollup, facts, data)
        result.problems.extend(problems)
        result.variables["districts"] = wrap_districts(districts)
    files, where, problems = find_previous(data, config)
    result.problems.extend(problems)
    if files:
        try:
            previous = load_facts(files)
        except DataError as exc:
            result.problems.extend(exc.problems)
        else:
            result.problems.extend(check_previous(facts, previous))
            result.problems.extend(check_kinds(facts, previous))
            source = f"the previous-year data ({_shown(files)})"
            result.variables["prev"] = wrap(dict(previous.values), "prev", source)
    if "prev" not in result.variables:
        result.variables["prev"] = absent(
            "prev", f"'prev' is used but no previous-year data was found: {where}. To compare with "
                    f"last year, {NO_PREV_HINT}")
    return result


def wrap_districts(districts: list[Facts]) -> Any:
    from .templating import FactList, wrap

    items = FactList(wrap(dict(d.values), f"districts[{i}]", d.files[0]) for i, d in enumerate(districts))
    items._rg_path = "districts"
    return items
