"""Roll-up: a unit's figures as the sum of its districts' files.

Declared in reportgen.yaml::

    rollup:
      from: districts/*.yaml          # one file per 县区 (glob, relative to reportgen.yaml)
      sum:                            # numeric leaves to add up
        - registry.enterprises
        - training.trainees

Each named figure is summed over the district files. When the unit's own data does
not state it, the sum becomes the unit's figure; when it does and the two differ, that
is an error naming the stated value's place and every district's value and place.
"""

from __future__ import annotations

import copy
import glob
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .data import Facts, load_yaml, lookup
from .errors import DataError, Place, Problem

ROLLUP_KEYS = {"from", "sum"}
_KEY_PATH = re.compile(r"[^.\[\]\s]+(?:\.[^.\[\]\s]+)*")


@dataclass
class Rollup:
    """A declared roll-up: which files, which figures, and where it was declared."""

    sources: list[str]
    paths: list[str]
    root: Path
    place: Place = field(default_factory=Place)
    from_place: Place = field(default_factory=Place)
    path_places: dict[str, Place] = field(default_factory=dict)


@dataclass
class Share:
    """One district's value of one figure."""

    value: int | float
    place: Place


def read_rollup(value: Any, prefix: str, root: Path, places: dict[str, Place],
                file: str) -> tuple[Rollup | None, list[Problem]]:
    """Check a ``rollup:`` mapping of reportgen.yaml; ``rollup: null`` turns an inherited one off."""
    def at(key: str = "") -> Place:
        full = f"{prefix}.{key}" if key else prefix
        return places.get(full, Place(file, key=full))

    example = "rollup: {from: districts/*.yaml, sum: [registry.enterprises]}"
    if value is None or value is False:
        return None, []
    if not isinstance(value, dict):
        return None, [Problem("rollup: a mapping with `from` (district files) and `sum` (figures) is needed",
                              at(), f"e.g. {example}")]
    problems = [Problem(f"unknown key {k!r} in rollup", at(str(k)), "known keys: from, sum")
                for k in value if k not in ROLLUP_KEYS]
    sources = value.get("from")
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
        problems.append(Problem("rollup.from: give the district files as a pattern or a list of patterns",
                                at("from"), "e.g. from: districts/*.yaml"))
        sources = []
    paths = value.get("sum")
    path_places: dict[str, Place] = {}
    if not isinstance(paths, list) or not paths:
        problems.append(Problem("rollup.sum: list the figures to add up, as key paths", at("sum"),
                                "e.g. sum: [registry.enterprises, training.trainees]"))
        paths = []
    for index, path in enumerate(paths):
        where = at(f"sum[{index}]")
        if not isinstance(path, str) or not _KEY_PATH.fullmatch(path):
            problems.append(Problem(f"rollup.sum: {path!r} is not a key path", where,
                                    "write keys joined by dots, e.g. registry.enterprises"))
        elif path in path_places:
            problems.append(Problem(f"rollup.sum: {path} is listed twice", where))
        else:
            path_places[path] = where
    if problems:
        return None, problems
    return Rollup(sources, list(path_places), root, at(), at("from"), path_places), []


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _exact(value: int | float) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _at(place: Place) -> str:
    return f"{place.file}:{place.line}" if place.line else str(place.file)


def district_files(rollup: Rollup, exclude: Sequence[Path] = ()) -> tuple[list[Path], list[Problem]]:
    """The district files, in name order; the unit's own data files are left out.

    A file reached twice (through a symlinked folder, or by two patterns) counts once.
    """
    skip = {p.resolve() for p in exclude}
    files: list[Path] = []
    seen: set[Path] = set()
    problems: list[Problem] = []
    for pattern in rollup.sources:
        matched = sorted(m for m in _matches(rollup.root, pattern) if m.is_file() and m.resolve() not in skip)
        if not matched:
            problems.append(Problem(f"rollup.from: {pattern} matches no district file "
                                    f"(relative to {rollup.root})", rollup.from_place,
                                    "check the pattern; it is relative to reportgen.yaml"))
        for path in matched:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    return files, problems


def _matches(root: Path, pattern: str) -> list[Path]:
    """The paths a glob pattern names, relative to ``root``.

    ``**`` goes down real folders only, never through a symlinked one, so a symlink cycle
    cannot make the search endless; hidden files (starting with a dot) are left out, as the shell does.
    """
    full = Path(os.path.normpath(root / pattern))
    parts = full.parts
    first = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
    base = Path(*parts[:first])
    if first == len(parts):
        return [base] if base.exists() else []
    rest = str(Path(*parts[first:]))
    dotted = any(part.startswith(".") for part in parts[first:])
    return [Path(os.path.normpath(m)) for m in base.glob(rest)
            if dotted or not any(p.startswith(".") for p in m.relative_to(base).parts)]


def load_districts(files: list[Path]) -> tuple[list[Facts], list[Problem]]:
    districts: list[Facts] = []
    problems: list[Problem] = []
    for path in files:
        try:
            value, places = load_yaml(path, str(path))
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(value, dict):
            problems.append(Problem("a district file must be a mapping of keys to values",
                                    Place(str(path), 1), "start the file with key: value lines"))
            continue
        districts.append(Facts(value, places, [str(path)]))
    return districts, problems


def _missing_place(facts: Facts, path: str) -> Place:
    near = facts.place(path)
    return Place(near.file, near.line, near.column, path)


def shares(rollup: Rollup, districts: list[Facts]) -> tuple[dict[str, list[Share]], list[Problem]]:
    """Each figure's value in each district; figures with a bad district value are left out."""
    found: dict[str, list[Share]] = {}
    problems: list[Problem] = []
    for path in rollup.paths:
        values: list[Share] = []
        for district in districts:
            present, value = lookup(district.values, path)
            if not present:
                declared = rollup.path_places[path]
                problems.append(Problem(
                    "missing: the roll-up sums this figure over every district file",
                    _missing_place(district, path),
                    f"write it (0 if there are none), or remove it from rollup.sum at {declared}"))
            elif not _is_number(value):
                problems.append(Problem(f"must be a number to be summed, not {_show(value)}",
                                        district.place(path), "write the figure in Arabic digits, e.g. 12"))
            else:
                values.append(Share(value, district.place(path)))
        if len(values) == len(districts):
            found[path] = values
    return found, problems


def total(values: list[Share]) -> int | float:
    exact = sum((_exact(s.value) for s in values), Decimal(0))
    if all(isinstance(s.value, int) for s in values):
        return int(exact)
    return float(exact)


def apply_rollup(rollup: Rollup, facts: Facts,
                 data: Sequence[Path] = ()) -> tuple[list[Facts], list[Problem]]:
    """Put the districts' sums into ``facts`` where the unit states none; check stated totals.

    Returns the districts' data (for the ``districts`` template variable) and every problem.
    """
    files, problems = district_files(rollup, data)
    districts, found = load_districts(files)
    problems.extend(found)
    figures, found = shares(rollup, districts)
    problems.extend(found)
    for path, values in figures.items():
        summed = total(values)
        present, stated = lookup(facts.values, path)
        if not present:
            problems.extend(_insert(facts, path, summed, rollup.path_places[path]))
            continue
        where = facts.place(path)
        if not _is_number(stated):
            problems.append(Problem(f"a roll-up total must be a number, not {_show(stated)}",
                                    where, "write the total in Arabic digits, or delete it to use the sum"))
            continue
        if _exact(stated) != _exact(summed):
            parts = " + ".join(f"{s.value} ({_at(s.place)})" for s in values)
            problems.append(Problem(
                f"stated total {stated} differs from the sum of the districts {summed} = {parts}",
                where, "correct the total or the district figures; or delete the total and the sum is used"))
    return districts, problems


def _insert(facts: Facts, path: str, value: int | float, declared: Place) -> list[Problem]:
    parts = path.split(".")
    current = facts.values
    for depth, part in enumerate(parts[:-1]):
        nxt = current.setdefault(part, {})
        if not isinstance(nxt, dict):
            parent = ".".join(parts[: depth + 1])
            return [Problem(f"cannot put the districts' sum of {path} here: {parent} is not a mapping",
                            facts.place(parent), f"rename {parent} or change rollup.sum at {declared}")]
        current = nxt
    current[parts[-1]] = value
    facts.places[path] = Place(declared.file, declared.line, declared.column, path)
    return []


def rollup_problems(rollup: Rollup, facts: Facts, data: Sequence[Path] = ()) -> list[Problem]:
    """Every roll-up problem (bad district files, stated totals that differ), without changing ``facts``."""
    scratch = Facts(copy.deepcopy(facts.values), dict(facts.places), list(facts.files))
    return apply_rollup(rollup, scratch, data)[1]
