"""Data contracts: the facts a template needs (JSON Schema in YAML) and consistency rules.

A contract file looks like::

    schema:                 # JSON Schema (draft 2020-12), written in YAML
      type: object
      required: [registry]
      properties:
        registry:
          type: object
          properties:
            enterprises: {type: integer, minimum: 0, description: 互联网企业（户）}
    rules:                  # Jinja expressions over the data, evaluated in the sandbox
      - rule: registry.party_members <= registry.employees
        message: 党员人数不能多于从业人员
        severity: error     # or warning

Dates in the data are checked as ISO strings, so ``{type: string, format: date}``
describes a YAML date. Problems carry the data file's line and column of the key
path they concern, so the user goes straight to the figure to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import Facts, load_yaml, lookup
from .errors import DataError, Place, Problem

CONTRACT_SUFFIX = ".contract.yaml"
CONTRACT_KEYS = {"schema", "rules"}
RULE_KEYS = {"rule", "message", "severity"}

_TYPE_WORDS = {
    "integer": "an integer (整数)",
    "number": "a number (数字)",
    "string": "text (文字)",
    "array": "a list (列表)",
    "object": "a mapping of keys (键值)",
    "boolean": "true or false (是否)",
    "null": "empty (空)",
}
_TYPE_HINTS = {
    "integer": "write the exact figure in Arabic digits, e.g. 31; the template words it",
    "number": "write the figure in Arabic digits, e.g. 12.5",
    "array": "write a list: one '- item' line per entry",
    "object": "write the keys indented under this one",
    "boolean": "write true or false",
}


@dataclass
class Rule:
    expression: str
    message: str | None
    severity: str
    place: Place


@dataclass
class Contract:
    file: str
    schema: dict[str, Any] | None = None
    rules: list[Rule] = field(default_factory=list)


def contract_beside(template_file: Path) -> Path:
    """``summary.md.j2`` → ``summary.contract.yaml`` in the same folder."""
    name = template_file.name
    stem = name[: -len(".md.j2")] if name.endswith(".md.j2") else template_file.stem
    return template_file.with_name(stem + CONTRACT_SUFFIX)


@lru_cache(maxsize=32)
def _schema_error(schema_json: str) -> tuple[str, tuple[str | int, ...]] | None:
    """Whether a schema is valid JSON Schema: its message and path if not. Checking walks the
    whole metaschema, the slow part of reading a contract; a build asks once per process, and
    a schema that passed is remembered between runs (reportgen.cache)."""
    from .cache import known, remember

    if known("schemas", schema_json):
        return None
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(json.loads(schema_json))
    except SchemaError as exc:
        return exc.message, tuple(exc.path)
    remember("schemas", schema_json)
    return None


def load_contract(path: Path, display: str | None = None) -> Contract:
    """Read and check a contract file; errors name the contract's own lines."""
    shown = display or str(path)
    value, places = load_yaml(path, shown)
    if not isinstance(value, dict):
        raise DataError("a contract is a mapping with schema: and rules:", place=Place(shown, 1))
    problems: list[Problem] = []
    for key in value:
        if key not in CONTRACT_KEYS:
            problems.append(Problem(f"unknown key {key!r} in a contract", places.get(str(key), Place(shown)),
                                    "a contract has schema: (JSON Schema) and rules: (a list)"))
    schema = value.get("schema")
    if schema is not None:
        if not isinstance(schema, dict):
            problems.append(Problem("schema: must be a JSON Schema mapping",
                                    places.get("schema", Place(shown))))
            schema = None
        else:
            schema = _jsonable(schema)
            error = _schema_error(json.dumps(schema, ensure_ascii=False))
            if error is not None:
                message, path_in_schema = error
                where = ".".join(str(p) for p in path_in_schema)
                place = places.get("schema." + where if where else "schema", Place(shown, key="schema"))
                problems.append(Problem(f"not a valid JSON Schema: {message}", place,
                                        "see https://json-schema.org/understanding-json-schema/"))
                schema = None
            elif "$ref" in json.dumps(schema) or "$dynamicRef" in json.dumps(schema):
                reference_problems = _schema_references(schema, places, shown)
                if reference_problems:
                    problems.extend(reference_problems)
                    schema = None
    rules: list[Rule] = []
    raw_rules = value.get("rules") or []
    if not isinstance(raw_rules, list):
        problems.append(Problem("rules: must be a list", places.get("rules", Place(shown))))
        raw_rules = []
    for index, entry in enumerate(raw_rules):
        where = places.get(f"rules[{index}]", Place(shown))
        if isinstance(entry, str):
            entry = {"rule": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            problems.append(Problem("a rule is an expression, or a mapping with rule: and message:", where,
                                    "e.g. - rule: registry.party_members <= registry.employees"))
            continue
        unknown = sorted(set(entry) - RULE_KEYS)
        if unknown:
            problems.append(Problem(f"unknown key {unknown[0]!r} in a rule", where,
                                    "known keys: " + ", ".join(sorted(RULE_KEYS))))
        severity = entry.get("severity", "error")
        if severity not in ("error", "warning"):
            problems.append(Problem(f"severity must be error or warning, not {severity!r}", where))
            continue
        message = entry.get("message")
        rule = Rule(entry["rule"], str(message) if message is not None else None, severity, where)
        syntax = _compile_problem(rule)
        if syntax:
            problems.append(syntax)
            continue
        rules.append(rule)
    if problems:
        raise DataError(problems)
    return Contract(shown, schema, rules)


#: Keywords whose subschemas apply to the same value as the schema holding them: a ``$ref``
#: cycle through these alone would never end (through ``properties`` or ``items`` it follows
#: the data, which is finite).
_SAME_VALUE_LISTS = ("allOf", "anyOf", "oneOf")
_SAME_VALUE_ONE = ("not", "if", "then", "else")
_REF_HINT = ("a contract refers only to its own definitions, e.g. $ref: '#/$defs/amount'; "
             "copy what you need into schema: $defs:")


def _refuse_retrieval(uri: str) -> Any:
    """The retrieval function of a contract's reference registry: nothing outside the contract
    is ever read (no ``file://``, no ``http(s)://``)."""
    raise LookupError(f"references outside the contract are not followed: {uri}")


def schema_registry() -> Any:
    """A ``referencing`` registry that resolves only references inside the schema itself."""
    from referencing import Registry

    return Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]


def _schema_references(schema: dict[str, Any], places: dict[str, Place], shown: str) -> list[Problem]:
    """Every ``$ref`` of a schema points inside it, resolves, and no chain of them loops.

    Problems are at the ``$ref``'s own line in the contract.
    """
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    resolver = schema_registry().resolver_with_root(DRAFT202012.create_resource(schema))
    problems: list[Problem] = []
    refs: list[tuple[str, str]] = []  # (key path in the contract, reference)

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{path}.{key}"
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    refs.append((here, value))
                walk(value, here)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    def place(path: str) -> Place:
        probe = path
        while probe and probe not in places:
            probe = probe[: max(probe.rfind("."), probe.rfind("["), 0)]
        return places.get(probe, Place(shown, key=path))

    def same_value_refs(node: Any) -> list[str]:
        """References a subschema applies to the value it checks itself."""
        if not isinstance(node, dict):
            return []
        found = [node[k] for k in ("$ref", "$dynamicRef") if isinstance(node.get(k), str)]
        for key in _SAME_VALUE_LISTS:
            for sub in node.get(key) or []:
                found += same_value_refs(sub)
        for key in _SAME_VALUE_ONE:
            found += same_value_refs(node.get(key))
        for sub in (node.get("dependentSchemas") or {}).values():
            found += same_value_refs(sub)
        return found

    def target(ref: str) -> Any:
        return resolver.lookup(ref).contents

    walk(schema, "schema")
    for path, ref in refs:
        if not ref.startswith("#"):
            problems.append(Problem(f"$ref {ref!r} points outside the contract; it is not followed",
                                    place(path), _REF_HINT))
            continue
        try:
            target(ref)
        except Unresolvable:
            problems.append(Problem(f"$ref {ref!r} points to nothing in the contract", place(path),
                                    "check the path after #, e.g. #/$defs/amount"))
    if problems:
        return problems
    reported: set[frozenset[str]] = set()
    for path, ref in refs:
        cycle = _ref_cycle(ref, lambda r: same_value_refs(target(r)))
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            problems.append(Problem(f"$ref {ref!r} loops back to itself: {' → '.join(cycle)}", place(path),
                                    "a definition cannot be defined by itself; break the cycle"))
    return problems


def _ref_cycle(start: str, follow: Any) -> list[str] | None:
    """A chain of references from ``start`` that comes back to one of its own members."""
    chain: list[str] = []
    done: set[str] = set()

    def visit(ref: str) -> list[str] | None:
        if ref in chain:
            return [*chain[chain.index(ref):], ref]
        if ref in done:
            return None
        chain.append(ref)
        for nxt in follow(ref):
            found = visit(nxt)
            if found:
                return found
        chain.pop()
        done.add(ref)
        return None

    return visit(start)


def _patterns(node: Any, path: str) -> list[tuple[str, str]]:
    """(key path, regular expression) of every ``pattern`` and ``patternProperties`` key."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key == "pattern" and isinstance(value, str):
                found.append((here, value))
            elif key == "patternProperties" and isinstance(value, dict):
                found.extend((f"{here}.{regex}", regex) for regex in value)
            found.extend(_patterns(value, here))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_patterns(value, f"{path}[{index}]"))
    return found


@lru_cache(maxsize=256)
def compiled_rule(expression: str) -> Any:
    """A rule compiled in the shared sandbox, once per process (a build checks the same rules
    for every document) and, through the bytecode cache, once per rule text across runs: what
    ``Environment.compile_expression`` does, with the compiled code kept. Raises
    TemplateSyntaxError."""
    from jinja2.environment import TemplateExpression

    from .templating import TOO_DEEP, shared_environment

    env = shared_environment(())
    cache = env.bytecode_cache
    bucket = cache.get_bucket(env, f"<rule> {expression}", None, expression) if cache else None
    code = bucket.code if bucket is not None else None
    if code is None:
        from jinja2 import TemplateSyntaxError, nodes
        from jinja2.parser import Parser

        parser = Parser(env, expression, state="variable")
        try:
            expr = parser.parse_expression()
            if not parser.stream.eos:
                raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
            expr.set_environment(env)
        except TemplateSyntaxError:
            env.handle_exception(source=expression)
        except RecursionError:
            raise TemplateSyntaxError(TOO_DEEP, 1) from None
        try:
            code = env.compile(nodes.Template([nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)],
                                              lineno=1))
        except (RecursionError, SyntaxError, MemoryError):
            raise TemplateSyntaxError(TOO_DEEP, 1) from None
        if bucket is not None:
            bucket.code = code
            cache.set_bucket(bucket)
    template = env.template_class.from_code(env, code, env.make_globals(None), None)
    return TemplateExpression(template, True)


def _compile_problem(rule: Rule) -> Problem | None:
    from jinja2 import TemplateSyntaxError

    try:
        compiled_rule(rule.expression)
    except TemplateSyntaxError as exc:
        return Problem(f"rule is not a valid expression: {exc.message}", rule.place,
                       "write a Jinja expression such as a.total == a.x + a.y")
    return None


def _jsonable(value: Any) -> Any:
    """Data as JSON Schema sees it: dates become ISO strings, keys strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _key_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(schema: Any) -> str | None:
    return schema.get("description") if isinstance(schema, dict) else None


def check_schema(facts: Facts, contract: Contract) -> list[Problem]:
    """Every schema violation of the data, each at the data's place for its key path."""
    if contract.schema is None:
        return []
    from .cache import known, remember

    instance = _jsonable(facts.values)
    # Data that met this very schema in an earlier run meet it now (a pure function of both).
    checked = json.dumps([contract.schema, instance], ensure_ascii=False, sort_keys=True)
    if known("valid-data", checked):
        return []
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing.exceptions import Unresolvable

    from .sandbox import LimitExceededError, limits

    validator = Draft202012Validator(contract.schema, format_checker=FormatChecker(),
                                     registry=schema_registry())
    problems: list[Problem] = []
    try:
        with limits(f"checking the data against the schema of {contract.file}"):
            errors = list(validator.iter_errors(instance))
    except LimitExceededError as exc:
        patterns = "; ".join(f"{path}: {regex!r}" for path, regex in _patterns(contract.schema, "schema"))
        return [Problem(exc.message, Place(contract.file, key="schema"),
                        "a `pattern` that backtracks (such as ^(a+)+$) runs for ever on some text: "
                        "write it without nested repetition"
                        + (f" (the patterns here: {patterns})" if patterns else ""))]
    except (Unresolvable, RecursionError) as exc:  # load_contract refuses these; a schema built otherwise
        return [Problem(f"the schema cannot be applied: {type(exc).__name__}: {exc}",
                        Place(contract.file, key="schema"), _REF_HINT)]
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        problems.extend(_problems_of(error, facts, contract))
    if not errors:
        remember("valid-data", checked)
    return problems


def _problems_of(error: Any, facts: Facts, contract: Contract) -> list[Problem]:
    """A jsonschema error → problems worded for someone who edits YAML, not JSON Schema."""
    path = _key_path(error.absolute_path)
    value = error.instance
    kind = error.validator
    schema = error.schema
    description = _describe(schema)
    hint = schema.get("x-hint") if isinstance(schema, dict) else None

    def at(key: str) -> Place:
        place = facts.place(key) if key else Place(facts.files[-1] if facts.files else None)
        if place.key != key:
            place = Place(place.file, place.line, place.column, key or None)
        return place

    if kind == "required":
        out = []
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for name in error.validator_value:
            if isinstance(value, dict) and name not in value:
                full = f"{path}.{name}" if path else name
                about = _describe(properties.get(name))
                where = at(path)
                out.append(Problem(f"missing (缺少) {full}" + (f" — {about}" if about else ""),
                                   Place(where.file, where.line, where.column, full),
                                   f"add {name}: … under {path or 'the top level'} in the data "
                                   f"(required by {contract.file})"))
        return out
    if kind == "type":
        wanted = error.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        words = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        message = f"expected {words}, got {_show(value)}"
        figure = value.replace("_", "").replace(":", "") if isinstance(value, str) else ""
        if not hint and names[0] in ("integer", "number") and figure.isascii() and figure.isdigit():
            # 017, 1:20, 1_000 are read as text, never as octal, sexagesimal or grouped figures.
            hint = (f"write the figure as a plain number without a leading zero, _ or :, "
                    f"e.g. {int(figure)}; as written it is text")
        hint = hint or _TYPE_HINTS.get(names[0])
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        message = f"must be {sign} {error.validator_value}, got {_show(value)}"
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        message = f"must be one of: {', '.join(_show(a) for a in allowed)}; got {_show(value)}"
    elif kind == "format" and error.validator_value in ("date", "date-time"):
        message = f"not a real date: {_show(value)}"
        hint = hint or "write the date as YYYY-MM-DD, e.g. 2020-12-15"
    elif kind == "pattern":
        message = f"{_show(value)} is not in the expected form"
        hint = hint or f"it must match {error.validator_value}"
    elif kind in ("minLength", "maxLength", "minItems", "maxItems"):
        what = "characters" if "Length" in kind else "items"
        bound = "at least" if kind.startswith("min") else "at most"
        message = f"must have {bound} {error.validator_value} {what}, has {len(value)}"
    elif kind == "additionalProperties" and isinstance(value, dict):
        allowed = set(schema.get("properties", {}))
        out = []
        for extra in sorted(k for k in value if k not in allowed):
            full = f"{path}.{extra}" if path else extra
            out.append(Problem(f"unknown key {extra!r}", at(full),
                               "known keys here: " + ", ".join(sorted(allowed)) if allowed else None))
        return out
    else:
        message = error.message
    if description:
        hint = f"{hint}; {path} is {description}" if hint else f"{path} is {description}"
    return [Problem(message, at(path), hint)]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def key_path(node: Any, indexes: bool = True) -> str | None:
    """The key path a Jinja expression node reads (``a.b``, ``a['b']``, ``a[0]`` as ``a[0]``), or
    None when it is not a plain chain of names, attributes and constant keys. ``indexes=False``:
    a chain through a number index is no path (the caller reads its root whole)."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = key_path(node.node, indexes)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        key = node.arg.value
        if not isinstance(key, str) and not (indexes and isinstance(key, int)):
            return None
        base = key_path(node.node, indexes)
        if base is None:
            return None
        return f"{base}[{key}]" if isinstance(key, int) else f"{base}.{key}"
    return None


@lru_cache(maxsize=256)
def referenced_paths(expression: str) -> tuple[str, ...]:
    """Key paths (``party_orgs.total``) an expression reads, in order of appearance."""

    from .templating import shared_environment

    tree = shared_environment(()).parse("{{ (" + expression + ") }}")
    found: list[str] = []

    def visit(node: Any) -> None:
        path = key_path(node)
        if path is not None:
            if path not in found:
                found.append(path)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return tuple(found)


def check_rules(facts: Facts, contract: Contract, context: dict[str, Any] | None = None,
                schema_failed: bool = False) -> list[Problem]:
    """Evaluate each rule in the sandbox; a rule that is false is a problem at its first fact."""
    from jinja2.exceptions import SecurityError, UndefinedError

    from .sandbox import LimitExceededError, limits
    from .templating import wrap

    scope = wrap(dict(facts.values))
    if context:
        scope.update(context)
    problems: list[Problem] = []
    for rule in contract.rules:
        paths = referenced_paths(rule.expression)
        where = facts.place(paths[0]) if paths else rule.place
        rule_at = f"rule at {rule.place}"
        try:
            with limits(f"the rule {rule.expression!r}"):
                result = bool(compiled_rule(rule.expression)(**scope))
        except LimitExceededError as exc:
            problems.append(Problem(exc.message, rule.place, exc.hint))
            continue
        except RecursionError:
            problems.append(Problem(f"rule {rule.expression!r} nests too deep to be checked", rule.place,
                                    "write the rule as a plain comparison of facts"))
            continue
        except UndefinedError as exc:
            if not schema_failed:
                problems.append(Problem(f"rule {rule.expression!r} cannot be checked: {exc.message}",
                                        rule.place, "add the value to the data or fix the rule"))
            continue
        except SecurityError as exc:
            problems.append(Problem(f"rule not allowed: {exc}", rule.place,
                                    "rules may only read data, not Python internals"))
            continue
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            if not schema_failed:
                problems.append(Problem(f"rule {rule.expression!r} cannot be checked: {exc}", rule.place,
                                        "check the types of the values it uses"))
            continue
        except Exception as exc:  # a filter or method failing in its own way: still the rule's fault
            problems.append(Problem(f"rule {rule.expression!r} cannot be checked: {type(exc).__name__}: "
                                    f"{exc}", rule.place, "check the filters and methods it uses"))
            continue
        if result:
            continue
        values = [(p, lookup(facts.values, p)[1]) for p in paths]
        shown = ", ".join(f"{p} = {_show(v)}" for p, v in values if v is not None)
        message = f"rule not met (不符合规则): {rule.expression}"
        if shown:
            message += f" — {shown}"
        hint = f"{rule.message} ({rule_at})" if rule.message else f"correct the figures ({rule_at})"
        problems.append(Problem(message, where, hint, rule.severity))
    return problems


def check_facts(facts: Facts, contracts: list[Contract], context: dict[str, Any] | None = None,
                ) -> list[Problem]:
    """Schema then rules of every contract; problems in a stable order, duplicates dropped."""
    problems: list[Problem] = []
    for contract in contracts:
        schema_problems = check_schema(facts, contract)
        problems.extend(schema_problems)
        problems.extend(check_rules(facts, contract, context, bool(schema_problems)))
    return unique(problems)


def unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for problem in problems:
        key = (problem.severity, str(problem.place), problem.message)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
