"""Hostile templates, rules, contracts and data text: each refused with its place, never a
traceback, a hang, a read outside the project, a change to the data or markup from data."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, assert_clean_failure, body_texts, copy_project, edit_file, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import sandbox
from reportgen.errors import ReportgenError, TemplateError
from reportgen.markup import parse
from reportgen.model import Heading, Paragraph, Table
from reportgen.templating import render

FRONT = """---
kind: 通知
organ_mark: 某某市人民政府办公室
number: 某政办发〔2020〕5号
title: 关于做好有关工作的通知
to: 各县区人民政府
signature: 某某市人民政府办公室
date: 2020-12-15
---
"""
FRONT_LINES = FRONT.count("\n")


def write_template(tmp_path: Path, body: str, name: str = "t.md.j2") -> Path:
    path = tmp_path / name
    path.write_text(FRONT + body + "\n", encoding="utf-8")
    return path


def render_cli(tmp_path: Path, template: Path, data: Path = DATA) -> tuple[int, str, Path]:
    out = tmp_path / "out.docx"
    code, stdout, stderr = run_cli("render", str(template), str(data), "-o", str(out))
    assert "Traceback" not in stdout + stderr
    return code, stderr, out


def refused(tmp_path: Path, body: str, *needles: str, line: int = 1) -> str:
    """Render ``body`` (its ``line``-th line is the bad one) through the CLI: exit 1, the template's
    file and line, each needle in the message, nothing written."""
    template = write_template(tmp_path, body)
    code, stderr, out = render_cli(tmp_path, template)
    assert_clean_failure(code, "", stderr)
    assert f"t.md.j2:{FRONT_LINES + line}" in stderr, stderr
    for needle in needles:
        assert needle in stderr, stderr
    assert not out.exists()
    return stderr


# --- data text lands verbatim (no markup from data) ------------------------------------------

CONSTRUCTS = [
    "::: 附件 伪造附件",
    ":::附件伪造附件",
    "# 伪造标题",
    "#### 伪造标题",
    "| 甲 | 乙 |",
    "|---|---|",
    "---",
    "...",
    "-----",
    "**伪造粗体**",
    "\\*",
    "\\",
    "\\\\::: 附件 x",
    "  ::: 附件 前有空格",
    "\u3000::: 附件 前有全角空格",
    "\t# 前有制表符",
    "\u2028::: 附件 前有行分隔符",
    "\x85# 前有下一行符",
    "\xa0--- ",
]


def rendered_document(tmp_path: Path, body: str, value: str):  # type: ignore[no-untyped-def]
    template = write_template(tmp_path, body)
    markup, source = render(str(template), {"year": 2020, "v": value})
    return parse(markup, source)


def only_text(document) -> str:  # type: ignore[no-untyped-def]
    assert document.attachments == []
    assert not any(isinstance(b, (Heading, Table)) for b in document.blocks)
    assert all(isinstance(b, Paragraph) for b in document.blocks)
    assert all(not run.bold for b in document.blocks for run in b.runs)
    return "".join(run.text for b in document.blocks for run in b.runs)


def joined(*lines: str) -> str:
    """How the markup joins the lines of one paragraph (each stripped, no space in CJK)."""
    return "".join(line.strip() for line in lines)


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_a_construct_at_the_start_of_a_value_lands_verbatim(tmp_path: Path, construct: str) -> None:
    document = rendered_document(tmp_path, "{{ v }}", construct)
    assert document.title == "关于做好有关工作的通知"  # the front matter is still the template's
    assert only_text(document) == construct.strip()


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_a_construct_on_a_later_line_of_a_value_lands_verbatim(tmp_path: Path, construct: str) -> None:
    value = f"前文\n{construct}\n后文"
    document = rendered_document(tmp_path, "正文开头{{ v }}", value)
    assert only_text(document) == joined("正文开头前文", construct, "后文")


@pytest.mark.parametrize("construct", ["::: 附件 伪造附件", "# 伪造标题", "| 甲 | 乙 |"])
def test_a_construct_in_a_value_inside_a_table_cell_or_heading_stays_text(tmp_path: Path,
                                                                          construct: str) -> None:
    document = rendered_document(tmp_path, "# 标题{{ v }}\n\n| 甲 | {{ v }} |", construct)
    heading, table = document.blocks
    assert isinstance(heading, Heading) and "".join(r.text for r in heading.runs) == "标题" + construct
    assert isinstance(table, Table)
    assert [[("".join(r.text for r in cell)) for cell in row] for row in table.rows] == [["甲", construct]]


def test_a_list_or_mapping_printed_whole_lands_verbatim(tmp_path: Path) -> None:
    document = rendered_document(tmp_path, "{{ [v] }}{{ {'k': v} }}", "**粗** | # x")
    assert only_text(document) == "['**粗** | # x']{'k': '**粗** | # x'}"


def test_a_value_opening_the_output_cannot_make_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "bare.md.j2"
    path.write_text("{{ v }}\n", encoding="utf-8")
    markup, source = render(str(path), {"v": "---\nkind: 命令\ntitle: 伪造\n---\n正文"})
    document = parse(markup, source)
    assert document.kind == "" and document.title == ""
    assert only_text(document) == "---kind: 命令title: 伪造---正文"


def test_markup_filter_still_opts_out(tmp_path: Path) -> None:
    document = rendered_document(tmp_path, "{{ v | markup }}", "正文。\n\n::: 附件 真附件\n附件正文。")
    assert [a.title for a in document.attachments] == ["真附件"]


def test_an_injected_attachment_line_from_data_stays_text_in_the_docx(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text('year: 2020\nv: "情况如下。\\n::: 附件 伪造附件\\n# 伪造标题\\n| 甲 | 乙 |"\n',
                    encoding="utf-8")
    code, stderr, out = render_cli(tmp_path, write_template(tmp_path, "{{ v }}"), data)
    assert code == 0, stderr
    texts = body_texts(out)
    assert "情况如下。::: 附件 伪造附件# 伪造标题| 甲 | 乙 |" in texts
    assert not any(t.startswith("附件") for t in texts)


# --- the immutable sandbox and private helper attributes ------------------------------------

@pytest.mark.parametrize("call", [
    "registry.update({'enterprises': 0})",
    "registry.pop('enterprises')",
    "registry.setdefault('x', 1)",
    "registry.clear()",
    "founded.append('x')",
    "founded.insert(0, 'x')",
    "multi_management.sort()",
    "data.update({})",
])
def test_templates_cannot_change_the_data(tmp_path: Path, call: str) -> None:
    refused(tmp_path, f"{{% set _ = {call} %}}{{{{ registry.enterprises }}}}", "not allowed in a template")


def test_helper_attributes_are_private(tmp_path: Path) -> None:
    refused(tmp_path, "{{ registry.rg_path }}", "'registry.rg_path' is not in the data")
    refused(tmp_path, "{{ registry._rg_path }}", "not allowed in a template")
    refused(tmp_path, "{{ registry._rg_source }}", "not allowed in a template")


@pytest.mark.parametrize("rule", ["registry.update({'enterprises': 0}) or true", "founded.append(1) is none",
                                  "registry._rg_path == ''"])
def test_rules_cannot_change_the_data_or_see_helpers(tmp_path: Path, rule: str) -> None:
    contract = tmp_path / "c.contract.yaml"
    contract.write_text(f'rules:\n  - rule: "{rule}"\n', encoding="utf-8")
    code, stdout, stderr = run_cli("validate", "report", str(DATA), "--contract", str(contract))
    assert_clean_failure(code, stdout, stderr)
    assert "c.contract.yaml:2" in stderr and "rule not allowed" in stderr


# --- recursion, huge values, absurd filter arguments -----------------------------------------

@pytest.mark.parametrize(("body", "line"), [
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(1) }}", 1),
    ("{% macro f(n) %}\n{{ f(n + 1) }}{{ f(n + 1) }}\n{% endmacro %}\n{{ f(1) }}", 2),
    ("{% for x in [[1]] recursive %}{{ loop([[1]]) }}{% endfor %}", 1),
])
def test_recursion_is_refused_at_its_line(tmp_path: Path, body: str, line: int) -> None:
    refused(tmp_path, body, "calls itself without end", line=line)


def test_validate_and_build_report_a_template_limit_at_its_line(tmp_path: Path) -> None:
    template = write_template(tmp_path, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}")
    code, stdout, stderr = run_cli("validate", str(template), str(DATA))
    assert_clean_failure(code, stdout, stderr)
    assert f"t.md.j2:{FRONT_LINES + 1}" in stderr and "calls itself without end" in stderr
    project = copy_project(EXAMPLE, tmp_path)
    edit_file(project / "reportgen.yaml", "../../data/baoji-2020.yaml", str(DATA))
    edit_file(project / "summary.md.j2", "{% block body %}\n", "{% block body %}\n{{ 'x' * 10**10 }}\n")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "summary.md.j2:" in stderr and "repeating a str" in stderr


def test_a_self_include_is_refused(tmp_path: Path) -> None:
    (tmp_path / "part.md.j2").write_text("段落\n{% include 'part.md.j2' %}\n", encoding="utf-8")
    code, stderr, _ = render_cli(tmp_path, write_template(tmp_path, "{% include 'part.md.j2' %}"))
    assert_clean_failure(code, "", stderr)
    assert "part.md.j2:2" in stderr and "calls itself without end" in stderr


def test_mutual_includes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.md.j2").write_text("{% include 'b.md.j2' %}\n", encoding="utf-8")
    (tmp_path / "b.md.j2").write_text("{% include 'a.md.j2' %}\n", encoding="utf-8")
    code, stderr, _ = render_cli(tmp_path, write_template(tmp_path, "{% include 'a.md.j2' %}"))
    assert_clean_failure(code, "", stderr)
    assert "calls itself without end" in stderr


@pytest.mark.parametrize(("body", "needle"), [
    ("{{ 'x' * 10**10 }}", "repeating a str"),
    ("{{ 10**10 * 'x' }}", "repeating a str"),
    ("{{ [1, 2] * 10**9 }}", "repeating a list"),
    ("{{ (['x' * 4000000] * 10) | join }}", "repeating a list"),
    ("{{ 10**5000 }}", "is not a figure"),
    ("{{ 2 ** (10**9) }}", "is not a figure"),
    ("{{ 10**2000 * 10**2000 }}", "is not a figure"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "joining texts with ~"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     "joining two values"),
    ("{{ range(99999) | map('center', 99999) | join | length }}", "the filter map"),
    ("{% set x %}{% for i in range(99999) %}{{ 'a' | center(99999) }}{% endfor %}{% endset %}",
     "a macro or block's output"),
    ("{% macro m() %}{% for i in range(99999) %}{{ 'a' | center(99999) }}{% endfor %}{% endmacro %}"
     "{{ m() | length }}", "a macro or block's output"),
    ("{% filter upper %}{% for i in range(99999) %}{{ 'a' | center(99999) }}{% endfor %}{% endfilter %}",
     "a macro or block's output"),
    ("{% set ns = namespace(n=2) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
     "is not a figure"),
])
def test_huge_values_are_refused(tmp_path: Path, body: str, needle: str) -> None:
    refused(tmp_path, body, needle)


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "1e309", "[1e400]", "{'a': 1E999}"])
def test_a_number_that_overflows_is_a_syntax_error(tmp_path: Path, literal: str) -> None:
    refused(tmp_path, f"前文\n{{% set x = {literal} %}}{{{{ x }}}}", "too large to write", line=2)
    refused(tmp_path, f"前文\n{{{{ {literal} }}}}", "too large to write", line=2)


@pytest.mark.parametrize(("body", "needle"), [
    ("{{ 'abc' | truncate(-1) }}", "length must not be negative"),
    ("{{ 'abc' | truncate(5, leeway=-5) }}", "leeway must not be negative"),
    ("{{ 'abc' | truncate(10**9) }}", "out of range"),
    ("{{ 'a' | center(10**9) }}", "the filter center"),
    ("{{ 'a' | indent(10**9) }}", "the filter indent"),
    ("{{ 'a b' | wordwrap(0) }}", "invalid width 0"),
    ("{{ 'a b' | wordwrap(10**9) }}", "the filter wordwrap"),
    ("{{ 1.5 | round(10**9) }}", "the filter round"),
    ("{{ founded | batch(10**9) | list }}", "the filter batch"),
    ("{{ founded | slice(10**9) | list }}", "the filter slice"),
    ("{{ '%999999999s' | format('a') }}", "the filter format"),
    ("{{ '%*s' | format(999999999, 'a') }}", "the filter format"),
    ("{{ 'aa' | replace('a', 'b', 10**9) }}", "the filter replace"),
    ("{{ '%999999999d' % 1 }}", "a % pattern"),
    ("{{ '%*d' % (999999999, 1) }}", "a % pattern"),
    ("{{ '{:>999999999}'.format(1) }}", "str.format"),
    ("{{ '{:>{}}'.format(1, 999999999) }}", "str.format"),
    ("{{ 'x'.center(10**9) }}", "the method center"),
    ("{{ 'x'.ljust(10**9) }}", "the method ljust"),
    ("{{ 'x'.zfill(10**9) }}", "the method zfill"),
    ("{{ '\t'.expandtabs(10**9) }}", "the method expandtabs"),
    ("{{ ','.join(['x' * 4000000, 'y' * 4000000]) }}", "the method join"),
])
def test_absurd_filter_and_method_arguments_are_refused(tmp_path: Path, body: str, needle: str) -> None:
    refused(tmp_path, body, needle)


def test_reasonable_uses_of_the_bounded_filters_still_work(tmp_path: Path) -> None:
    body = ("{{ 'abcdefghij' | truncate(5, leeway=0) }}|{{ 'a' | center(5) }}|{{ 1.2345 | round(2) }}|"
            "{{ '%05d' | format(42) }}|{{ '{:>4}'.format(7) }}|{{ [1, 2, 3] | batch(2) | list | length }}|"
            "{{ 'ab' * 3 }}|{{ 2 ** 10 }}|{{ 'a' ~ 'b' }}|{% for i in range(3) %}{{ i }}{% endfor %}|"
            "{{ [1, 2] | map('string') | join(',') }}|{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(1) }}")
    markup, _ = render(str(write_template(tmp_path, body)), {"year": 2020})
    assert markup.endswith("ab...|  a  |1.23|00042|   7|2|ababab|1024|ab|012|1,2|<1>\n")


# --- time and operation limits ---------------------------------------------------------------

def test_nested_loops_stop_at_the_operation_budget(tmp_path: Path) -> None:
    start = time.monotonic()
    refused(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "did more than 2,000,000 operations", "t.md.j2")
    assert time.monotonic() - start < sandbox.TIME_LIMIT + 5


@pytest.mark.parametrize("body", [
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{% for i in range(99999) %}{{ range(99999) | map('string') | join | length }}{% endfor %}",
])
def test_the_time_limit_stops_a_long_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            body: str) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    monkeypatch.setattr(sandbox, "MAX_OPERATIONS", 10**12)
    start = time.monotonic()
    stderr = refused(tmp_path, body, "took longer than 0.5 seconds", "the template")
    assert time.monotonic() - start < 5
    assert "t.md.j2" in stderr
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_the_time_limit_holds_outside_the_main_thread(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    monkeypatch.setattr(sandbox, "MAX_OPERATIONS", 10**12)
    template = write_template(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}"
                                        "{% endfor %}{% endfor %}")
    caught: list[BaseException] = []

    def work() -> None:
        try:
            render(str(template), {"year": 2020})
        except BaseException as exc:  # handed to the test thread
            caught.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert len(caught) == 1 and isinstance(caught[0], TemplateError)
    assert "took longer than 0.5 seconds" in str(caught[0])


def test_an_outer_alarm_is_kept(tmp_path: Path) -> None:
    """A caller's own SIGALRM timer and handler survive a render (with the time it had left)."""
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        render(str(write_template(tmp_path, "{{ year }}")), {"year": 2020})
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < remaining <= 30
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_huge_document_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 100_000)
    template = write_template(tmp_path, "{% for i in range(20000) %}{{ '甲乙丙丁' * 5 }}{% endfor %}")
    with pytest.raises(TemplateError, match="the document would make"):
        render(str(template), {"year": 2020})


def test_the_budget_is_per_render(tmp_path: Path) -> None:
    """Many renders in one process (a batch) do not add up towards the limits."""
    template = write_template(tmp_path, "{% for i in range(99999) %}{% endfor %}{{ year }}")
    for _ in range(30):
        render(str(template), {"year": 2020})


# --- contracts: references, cycles, patterns, rules -------------------------------------------

def validate_with(tmp_path: Path, contract_text: str, data_text: str = "year: 2020\nn: 5\n",
                  ) -> tuple[int, str]:
    contract = tmp_path / "c.contract.yaml"
    contract.write_text(contract_text, encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text(data_text, encoding="utf-8")
    template = write_template(tmp_path, "正文{{ year }}。")
    code, stdout, stderr = run_cli("validate", str(template), str(data), "--contract", str(contract))
    assert "Traceback" not in stdout + stderr
    return code, stderr


def ref_schema(ref: str) -> str:
    return f"schema:\n  type: object\n  properties:\n    n: {{$ref: '{ref}'}}\n"


@pytest.mark.parametrize("ref", [
    "file:///etc/passwd",
    "file:///etc/passwd#/x",
    "http://127.0.0.1:9/schema.json",
    "https://example.com/schema.json#/$defs/x",
    "other.contract.yaml",
    "../secret.json#/a",
    "//example.com/x",
])
def test_a_reference_outside_the_contract_is_refused_at_its_line(tmp_path: Path, ref: str) -> None:
    (tmp_path / "other.contract.yaml").write_text("type: string\n", encoding="utf-8")
    code, stderr = validate_with(tmp_path, ref_schema(ref))
    assert code == 1
    assert "c.contract.yaml:4" in stderr and "points outside the contract" in stderr
    assert "root:" not in stderr


def test_a_reference_is_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a schema that skipped the load-time check cannot make the registry read a file."""
    from reportgen.contract import Contract, check_schema
    from reportgen.data import load_facts

    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string"}', encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("n: 5\n", encoding="utf-8")
    contract = Contract(str(tmp_path / "c.contract.yaml"),
                        {"type": "object", "properties": {"n": {"$ref": secret.as_uri()}}})
    problems = check_schema(load_facts([data]), contract)
    assert len(problems) == 1 and "cannot be applied" in problems[0].message


@pytest.mark.parametrize("ref", ["#/$defs/nothing", "#/properties/zz", "#/$defs/a/items", "#/not%20here"])
def test_an_unresolvable_reference_is_refused_at_its_line(tmp_path: Path, ref: str) -> None:
    code, stderr = validate_with(tmp_path, ref_schema(ref) + "  $defs:\n    a: {type: string}\n")
    assert code == 1
    assert "c.contract.yaml:4" in stderr and "points to nothing in the contract" in stderr


@pytest.mark.parametrize(("defs", "line"), [
    ("    a: {$ref: '#/$defs/b'}\n    b: {$ref: '#/$defs/a'}\n", 6),
    ("    a: {$ref: '#/$defs/a'}\n", 6),
    ("    a: {allOf: [{type: integer}, {$ref: '#/$defs/b'}]}\n    b: {anyOf: [{$ref: '#/$defs/a'}]}\n", 6),
    ("    a: {not: {$ref: '#/$defs/b'}}\n    b: {oneOf: [{$ref: '#/$defs/c'}]}\n"
     "    c: {if: {$ref: '#/$defs/a'}}\n", 6),
])
def test_a_reference_cycle_is_refused(tmp_path: Path, defs: str, line: int) -> None:
    text = ("schema:\n  type: object\n  properties:\n    n: {$ref: '#/$defs/a'}\n  $defs:\n" + defs)
    code, stderr = validate_with(tmp_path, text)
    assert code == 1
    assert "loops back to itself" in stderr and "c.contract.yaml:" in stderr
    assert stderr.count("loops back") == 1


def test_a_root_reference_to_itself_is_refused(tmp_path: Path) -> None:
    code, stderr = validate_with(tmp_path, "schema:\n  $ref: '#'\n")
    assert code == 1 and "c.contract.yaml:2" in stderr and "loops back to itself: # → #" in stderr


def test_references_inside_the_contract_and_recursion_through_the_data_work(tmp_path: Path) -> None:
    text = """schema:
  type: object
  properties:
    n: {$ref: '#/$defs/count'}
    tree: {$ref: '#/$defs/node'}
  $defs:
    count: {type: integer, minimum: 0}
    node:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/$defs/node'}}
"""
    data = ("year: 2020\nn: 5\ntree:\n  children:\n    - children: []\n"
            "    - children:\n        - children: []\n")
    assert validate_with(tmp_path, text, data) == (0, "")
    code, stderr = validate_with(tmp_path, text, data.replace("n: 5", "n: -1"))
    assert code == 1 and "must be ≥ 0, got -1" in stderr


@pytest.mark.parametrize("pattern", ["^(a+)+$", "^(a|a)*$", "^(a*)*b$", "^(\\w+\\s?)*$"])
def test_a_backtracking_pattern_stops_at_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         pattern: str) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    text = f"schema:\n  type: object\n  properties:\n    code: {{type: string, pattern: '{pattern}'}}\n"
    start = time.monotonic()
    code, stderr = validate_with(tmp_path, text, "year: 2020\ncode: '" + "a" * 60 + "!'\n")
    assert time.monotonic() - start < 5
    assert code == 1
    assert "c.contract.yaml" in stderr and "took longer than 0.5 seconds" in stderr
    assert pattern.replace("\\", "\\\\") in stderr  # the hint names the patterns


@pytest.mark.parametrize(("rule", "needle"), [
    ("'x' * 10**10", "repeating a str"),
    ("10**5000 > 0", "is not a figure"),
    ("(range(99999) | list) * 99999", "repeating a list"),
    ("'abc' | truncate(-1)", "must not be negative"),
    ("'a' | center(10**9)", "the filter center"),
    ("'{:>999999999}'.format(1)", "str.format"),
])
def test_absurd_rules_are_refused_at_the_rule(tmp_path: Path, rule: str, needle: str) -> None:
    code, stderr = validate_with(tmp_path, f'rules:\n  - rule: "{rule}"\n')
    assert code == 1
    assert "c.contract.yaml:2" in stderr and needle in stderr


@pytest.mark.parametrize("rule", ["1e400 > 0", "n < 1e999"])
def test_a_rule_with_an_overflowing_number_is_not_an_expression(tmp_path: Path, rule: str) -> None:
    code, stderr = validate_with(tmp_path, f'rules:\n  - rule: "{rule}"\n')
    assert code == 1
    assert "c.contract.yaml:2" in stderr and "too large to write" in stderr


def test_a_slow_rule_stops_at_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    monkeypatch.setattr(sandbox, "MAX_OPERATIONS", 10**12)
    # Work without bulk: each term builds half a million characters, far below the size caps,
    # so only the clock can stop it (a faster machine must not hit a size cap first).
    rule = "range(99999) | map('string') | join | length > 0 and " * 40
    start = time.monotonic()
    code, stderr = validate_with(tmp_path, f'rules:\n  - rule: "{rule}true"\n')
    assert time.monotonic() - start < 5
    assert code == 1 and "c.contract.yaml:2" in stderr and "took longer than 0.5 seconds" in stderr


def test_limits_are_errors_with_places_not_exceptions(tmp_path: Path) -> None:
    """The library raises a ReportgenError (with a place) for every limit, for callers other than the CLI."""
    template = write_template(tmp_path, "{{ 'x' * 10**10 }}")
    with pytest.raises(ReportgenError) as info:
        render(str(template), {"year": 2020})
    assert info.value.problems[0].place.line == FRONT_LINES + 1


# --- any text: escaped, parsed back, nothing but its own characters --------------------------

def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":#|-.*\\=>+`~_ \t\n\u3000\u2028\x85a1附件标题")), max_size=60))
def test_any_escaped_text_parses_back_to_itself(text: str) -> None:
    from reportgen.markup import escape

    document = parse(escape(text))
    assert document.kind == "" and document.title == ""
    assert _no_space(only_text(document)) == _no_space(text)


@pytest.mark.parametrize("expression", ["(" * 300 + "1" + ")" * 300,
                                        " and ".join(["range(3) | map('string') | join | length > 0"] * 200)])
def test_an_expression_too_deep_to_compile_is_a_message(tmp_path: Path, expression: str) -> None:
    """Hundreds of nested brackets or chained operators: Jinja's parser or Python's compiler
    gives up; the template or rule is named, never an internal error."""
    stderr = refused(tmp_path, "{{ " + expression + " }}", "nested too deeply or is too long", "t.md.j2")
    assert "内部错误" not in stderr
    code, stderr = validate_with(tmp_path, f'rules:\n  - rule: "{expression}"\n')
    assert code == 1 and "c.contract.yaml:2" in stderr and "nested too deeply or is too long" in stderr
    assert "内部错误" not in stderr
