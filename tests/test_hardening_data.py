"""Hostile and mistaken YAML: what is written is what is printed, and every bad input is a
message with its place (exit 1, no traceback), never a crash, a hang or a changed figure.

Classes: YAML 1.1 surprises (octal, sexagesimal, yes/no, sets, duplicate keys), inputs that
crashed the loader (self-referring aliases, deep nesting, impossible times, keys that are not
text), bounds (devices, FIFOs, alias bombs against plain values), syntax errors in plain
words, last year's kinds as a contract, and `reportgen new` keeping constants.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from pathlib import Path

import pytest
import yaml
from conftest import assert_clean_failure, line_of_file, run_cli

from reportgen import data
from reportgen.data import load_facts, load_text, load_yaml
from reportgen.errors import DataError, MarkupError
from reportgen.markup import split_front_matter

TEMPLATE = """---
title: 测试工作总结
signature: 测试单位
date: 2020-12-20
---
编号{{ number }}。首批{{ first_batch_year }}年。共{{ n }}户，{{ flag }}。
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(text: str, name: str = "f.yaml") -> DataError:
    with pytest.raises(DataError) as info:
        load_text(text, name)
    return info.value


def cli_failure(tmp_path: Path, text: str, command: str = "validate") -> str:
    """Run a command over a data file holding ``text``; it must fail cleanly. Returns stderr."""
    source = write(tmp_path / "data.yaml", text)
    args = [command, "report", str(source)]
    if command == "render":
        args += ["-o", str(tmp_path / "x.docx")]
    code, stdout, stderr = run_cli(*args)
    assert_clean_failure(code, stdout, stderr)
    assert not (tmp_path / "x.docx").exists()
    return stderr


# --- 1. Values as written (no YAML 1.1 octal, sexagesimal, hex, yes/no) -----------------------

@pytest.mark.parametrize(("written", "read"), [
    ("017", "017"), ("0017", "0017"), ("-017", "-017"), ("00", "00"), ("0x26", "0x26"), ("0o17", "0o17"),
    ("0b101", "0b101"), ("1:20", "1:20"), ("190:20:30", "190:20:30"), ("1_000", "1_000"), ("00.5", "00.5"),
    ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"), ("y", "y"), ("n", "n"), ("Y", "Y"),
    ("2020-1-5", "2020-1-5"), ("=", "="),
    ("true", True), ("False", False), ("TRUE", True),
    ("0", 0), ("17", 17), ("-3", -3), ("+4", 4), ("1.5", 1.5), (".5", 0.5), ("1e3", 1000.0), ("0.25", 0.25),
    ("~", None), ("null", None), ("", None),
    ("2020-12-15", dt.date(2020, 12, 15)),
])
def test_values_are_read_as_written(written: str, read: object) -> None:
    value, _ = load_text(f"x: {written}\n", "f.yaml")
    assert value["x"] == read and type(value["x"]) is type(read)


def test_a_leading_zero_figure_prints_as_written(tmp_path: Path) -> None:
    write(tmp_path / "t.md.j2", TEMPLATE)
    source = write(tmp_path / "d.yaml", "number: 017\nfirst_batch_year: 1:20\nn: 0x26\nflag: yes\n")
    code, out, stderr = run_cli("preview", str(tmp_path / "t.md.j2"), str(source), "--markup")
    assert code == 0, stderr
    assert "编号017。首批1:20年。共0x26户，yes。" in out


@pytest.mark.parametrize(("typed", "advice"),
                         [("017", "e.g. 17"), ("1_000", "e.g. 1000"), ("0038", "e.g. 38")])
def test_a_leading_zero_where_a_whole_number_is_required_is_an_error(tmp_path: Path, typed: str,
                                                                     advice: str) -> None:
    stderr = cli_failure(tmp_path, f"document:\n  number: {typed}\n")
    assert "data.yaml:2:3 document.number: expected an integer" in stderr and f"'{typed}'" in stderr
    assert "without a leading zero" in stderr and advice in stderr


def test_yes_no_keys_and_values_stay_text() -> None:
    value, _ = load_text("yes: on\nno: off\n", "f.yaml")
    assert value == {"yes": "on", "no": "off"}


# --- 2. Duplicate keys, tags, sets -------------------------------------------------------------

@pytest.mark.parametrize(("text", "key", "first", "second"), [
    ("a: 1\nb: 2\na: 3\n", "a", 1, 3),
    ("m:\n  x: 1\n  y: 2\n  x: 1\n", "m.x", 2, 4),
    ("l:\n  - n: 1\n    n: 2\n", "l[0].n", 2, 3),
    ("'a': 1\n\"a\": 2\n", "a", 1, 2),
    ("a: 1\na: 1\n", "a", 1, 2),  # the same value twice is still refused: one of them is a slip
    ("f: {p: 1, p: 2}\n", "f.p", 1, 1),
])
def test_duplicate_keys_are_refused_with_both_places(text: str, key: str, first: int, second: int) -> None:
    problem = problem_of(text).problems[0]
    assert "is given twice" in problem.message
    assert f"at line {first} and at line {second}" in problem.message
    assert problem.place.line == second and problem.place.key == key
    assert f"f.yaml:{first}:" in (problem.hint or "")


def test_duplicate_key_through_the_command_line(tmp_path: Path) -> None:
    stderr = cli_failure(tmp_path, "year: 2020\nn: 5\nyear: 2021\n")
    assert "data.yaml:3:1 year: the key 'year' is given twice: at line 1 and at line 3" in stderr
    assert "data.yaml:1:1" in stderr


@pytest.mark.parametrize(("text", "tag"), [
    ("s: !!set {a, b}\n", "!!set"),
    ("s: !!omap [a: 1]\n", "!!omap"),
    ("s: !!pairs [a: 1]\n", "!!pairs"),
    ("s: !!binary aGVsbG8=\n", "!!binary"),
    ("s: !!int 017\n", "!!int"),
    ("s: !!int 0x26\n", "!!int"),
    ("s: !!float 1:20\n", "!!float"),
    ("s: !!bool yes\n", "!!bool"),
    ("s: !custom x\n", "!custom"),
    ("s: !!python/name:os.system\n", "!!python/name:os.system"),
])
def test_tags_that_change_values_are_refused(text: str, tag: str) -> None:
    problem = problem_of(text).problems[0]
    assert problem.message == f"tag not allowed in data: {tag}"
    assert (problem.place.line, problem.place.column) == (1, 4)


def test_plain_tags_that_change_nothing_are_allowed() -> None:
    value, _ = load_text("a: !!str 017\nb: !!int 17\nc: !!str yes\nd: !!float 1.5\ne: !!seq [1]\n", "f")
    assert value == {"a": "017", "b": 17, "c": "yes", "d": 1.5, "e": [1]}


def test_a_set_says_to_write_a_list(tmp_path: Path) -> None:
    stderr = cli_failure(tmp_path, "cc: !!set\n  ? 市委组织部\n  ? 市委宣传部\n")
    assert "data.yaml:1:5 cc: tag not allowed in data: !!set" in stderr and "write a list" in stderr


# --- 3. Inputs that crashed the loader ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x: &a [*a]\n",
    "x: &a {k: *a}\n",
    "x: &a [[1, *a]]\n",
    "x: &a\n  - y: *a\n",
    "top: &t\n  inner:\n    - *t\n",
])
def test_an_alias_inside_its_own_value_is_refused(tmp_path: Path, text: str) -> None:
    stderr = cli_failure(tmp_path, text)
    assert "an alias (*name) refers to the value it is part of" in stderr
    assert re.search(r"data\.yaml:[1-3]:\d+", stderr)


@pytest.mark.parametrize("text", [
    "x: " + "[" * 500 + "]" * 500 + "\n",
    "x: " + "{a: " * 400 + "1" + "}" * 400 + "\n",
    "".join("  " * i + f"k{i}:\n" for i in range(450)) + "  " * 450 + "v: 1\n",
    "".join("  " * i + "- \n" for i in range(450)),
])
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    stderr = cli_failure(tmp_path, text)
    assert f"nested more than {data.MAX_DEPTH} levels deep" in stderr
    assert re.search(r"data\.yaml:\d+:\d+", stderr)


def test_deep_nesting_through_aliases_is_refused() -> None:
    lines = ["a0: &a0 " + "[" * 60 + "1" + "]" * 60]
    lines += [f"a{i}: &a{i} " + "[" * 60 + f"*a{i - 1}" + "]" * 60 for i in range(1, 4)]
    assert "levels deep" in problem_of("\n".join(lines) + "\n").problems[0].message


def test_moderate_nesting_is_fine() -> None:
    value, _ = load_text("x: " + "[" * 50 + "1" + "]" * 50 + "\n", "f")
    nested = value["x"]
    for _ in range(50):
        nested = nested[0]
    assert nested == 1


@pytest.mark.parametrize(("written", "words"), [
    ("2020-12-15 25:00:00", "hour must be in 0..23"),
    ("2020-12-15 10:61:00", "minute must be in 0..59"),
    ("2020-12-15T10:00:61", "second must be in 0..59"),
    ("2020-02-30", "day is out of range"),
    ("2021-02-29", "day is out of range"),
    ("2020-13-01", "month must be in 1..12"),
    ("0000-01-01", "year 0 is out of range"),
    ("2020-1-32 10:00:00", "day is out of range"),
])
def test_impossible_dates_and_times_are_refused_with_the_place(tmp_path: Path, written: str,
                                                              words: str) -> None:
    stderr = cli_failure(tmp_path, f"year: 2020\ndocument:\n  date: {written}\n")
    assert "data.yaml:3:9 document.date: not a real date" in stderr and written in stderr
    assert words in stderr and "YYYY-MM-DD" in stderr


@pytest.mark.parametrize(("written", "read"), [
    ("2020-1-5 10:00:00", dt.datetime(2020, 1, 5, 10, 0)),
    ("2020-01-05T10:00:00", dt.datetime(2020, 1, 5, 10, 0)),
    ("2020-1-5 9:05:00", dt.datetime(2020, 1, 5, 9, 5)),
    ("2020-12-15 10:00:00.5", dt.datetime(2020, 12, 15, 10, 0, 0, 500000)),
    ("2020-02-29", dt.date(2020, 2, 29)),
])
def test_valid_timestamps_are_accepted(written: str, read: object) -> None:
    value, _ = load_text(f"t: {written}\n", "f.yaml")
    assert value["t"] == read


@pytest.mark.parametrize(("text", "key", "word"), [
    ("2020: x\n", "2020", "a number"),
    ("1.5: x\n", "1.5", "a number"),
    ("null: x\n", "null", "empty"),
    ("~: x\n", "~", "empty"),
    ("true: x\n", "true", "true/false"),
    ("2020-12-15: x\n", "2020-12-15", "a date"),
    ("m:\n  -1: x\n", "-1", "a number"),
    ("l:\n  - {3: x}\n", "3", "a number"),
])
def test_keys_that_are_not_text_are_refused(tmp_path: Path, text: str, key: str, word: str) -> None:
    stderr = cli_failure(tmp_path, text)
    assert f"the key {key!r} is read as {word}, but keys must be text" in stderr
    assert f'("{key}":)' in stderr
    assert re.search(r"data\.yaml:[12]:\d+", stderr)


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "? {a: 1}\n: 1\n"])
def test_collection_keys_are_refused(text: str) -> None:
    problem = problem_of(text).problems[0]
    assert "a key must be a name" in problem.message and problem.place.line == 1


def test_quoted_number_keys_are_fine() -> None:
    assert load_text('"2020": x\ny2020: y\n', "f")[0] == {"2020": "x", "y2020": "y"}


# --- 4. Bounds: devices, FIFOs, alias bombs ----------------------------------------------------

@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_not_read_forever(tmp_path: Path) -> None:
    code, stdout, stderr = run_cli("validate", "report", "/dev/zero")
    assert_clean_failure(code, stdout, stderr)
    assert "/dev/zero: the data file is a device, a pipe or a socket, not a regular file" in stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "d-2020.yaml"
    link.symlink_to("/dev/zero")
    stderr = run_cli("build", str(write(tmp_path / "p" / "reportgen.yaml",
                                        f"data: [{link}]\ndocuments:\n  - name: r\n    template: report\n")
                                  .parent), "-o", str(tmp_path / "out"))[2]
    assert f"{link}: the data file is a device" in stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(run_cli("validate", "report", str(fifo))),
                              daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO hung")
    code, stdout, stderr = result[0]
    assert_clean_failure(code, stdout, stderr)
    assert "not a regular file" in stderr


def test_a_folder_given_as_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_yaml(tmp_path)
    assert "is a folder, not a regular file" in info.value.problems[0].message


def test_the_size_limit_counts_what_is_read(tmp_path: Path) -> None:
    big = write(tmp_path / "big.yaml", "x: '" + "a" * (data.MAX_INPUT_BYTES + 10) + "'\n")
    with pytest.raises(DataError) as info:
        load_yaml(big)
    assert "more than the 5 MiB allowed" in info.value.problems[0].message


def bomb(levels: int, width: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [bomb(9), bomb(8), bomb(6, 20), bomb(30, 2)])
def test_alias_bombs_fail_fast(tmp_path: Path, text: str) -> None:
    import time

    started = time.monotonic()
    stderr = cli_failure(tmp_path, text)
    assert f"aliases (*name) expand to more than {data.MAX_ALIAS_VALUES} values" in stderr
    assert time.monotonic() - started < 10


def test_an_alias_bomb_in_front_matter_fails_fast() -> None:
    with pytest.raises(MarkupError) as info:
        split_front_matter("---\n" + bomb(9) + "---\n正文。\n", "t.md.j2")
    problem = info.value.problems[0]
    assert problem.message.startswith("front matter: aliases (*name) expand to more than")
    assert problem.place.file == "t.md.j2" and problem.place.line == 2


def test_plain_values_never_count_as_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "MAX_ALIAS_VALUES", 1000)
    many = write(tmp_path / "many.yaml", "v:\n" + "".join(f"  - {i}\n" for i in range(5000)))
    value, places = load_yaml(many)
    assert len(value["v"]) == 5000 and places["v[4999]"].line == 5001
    reused = "base: &b {a: 1, b: 2}\n" + "".join(f"k{i}: *b\n" for i in range(10))
    assert load_text(reused, "f")[0]["k9"] == {"a": 1, "b": 2}


def test_200000_plain_values_load() -> None:
    value, _ = load_text("v: [" + ", ".join(["1"] * 200_001) + "]\n", "many.yaml")
    assert len(value["v"]) == 200_001


# --- 5. Syntax errors in plain words, at the line of the mistake -------------------------------

@pytest.mark.parametrize(("text", "line", "words"), [
    ("a:\n\tb: 1\n", 2, "a tab is used for indentation"),
    ("a: 1\n\tb: 2\n", 2, "a tab is used for indentation"),
    ("a:\n  b: 1\n   c: 2\nd: 3\n", 3, "indented more than the line above"),
    ("a: 1\n  b: 2\n", 2, "indented more than the line above"),
    ("a:\n  b: 1\n c: 2\n", 3, "indentation does not match the lines above"),
    ("a: 1\nb 2\nc: 3\n", 2, "a key without a colon"),
    ("a:\n  b: 1\n  c 2\n  d: 3\n", 3, "a key without a colon"),
    ("a: 1\nb 2\n", 2, "a key without a colon"),
    ('a: "abc\nb: 2\n', 1, "a quote opened here is never closed"),
    ("x: 1\na: 'abc\nb: 2\n", 2, "a quote opened here is never closed"),
    ("a: [1, 2\nb: 2\n", 1, "a [ opened here is never closed"),
    ("a: {x: 1\nb: 2\n", 1, "a { opened here is never closed"),
    ("a: *x\n", 1, "a value starts with *"),
    ("a: *\n", 1, "a value starts with *"),
    ("a: &\n", 1, "a value starts with &"),
    ("a: %50\n", 1, "a value cannot start with %"),
    ("a: @某人\n", 1, "a value cannot start with @"),
    ("a: `code`\n", 1, "a value cannot start with `"),
    ("标题: 关于: 通知\n", 1, "a value holds a colon followed by a space"),
    ("a: 1\n- b\n", 2, "a list item (- ...) where a key was expected"),
    ('a: "x" y\n', 1, "text follows a quoted value"),
    ("a: |x\n", 1, "a value starts with | or >"),
    ("a: 1\n---\nb: 2\n", 2, "a second document"),
])
def test_syntax_errors_in_plain_words_at_the_right_line(tmp_path: Path, text: str, line: int,
                                                        words: str) -> None:
    stderr = cli_failure(tmp_path, text)
    assert f"data.yaml:{line}:" in stderr, stderr
    first = stderr.splitlines()[0]
    assert words in first and "<block" not in first and "token" not in first, first
    assert "(YAML: " in stderr  # PyYAML's own words stay as a detail


def test_front_matter_syntax_errors_name_the_template_line() -> None:
    with pytest.raises(MarkupError) as info:
        split_front_matter("\n---\ntitle: x\nsignature: [a\nnote: y\n---\n", "t.md.j2")
    problem = info.value.problems[0]
    assert "front matter: not valid YAML: a [ opened here is never closed" in problem.message
    assert (problem.place.file, problem.place.line) == ("t.md.j2", 4)
    assert "tojson" in (problem.hint or "")


@pytest.mark.parametrize(("block", "words", "line"), [
    ("title: a\ntitle: b\n", "the key 'title' is given twice", 3),
    ("date: 2020-02-30\n", "not a real date", 2),
    ("cc: !!set {a}\n", "tag not allowed", 2),
    ("2020: x\n", "keys must be text", 2),
    ("x: &a [*a]\n", "refers to the value it is part of", 2),
])
def test_front_matter_follows_the_data_rules(block: str, words: str, line: int) -> None:
    with pytest.raises(MarkupError) as info:
        split_front_matter(f"---\n{block}---\n正文。\n", "t.md.j2")
    problem = info.value.problems[0]
    assert words in problem.message and problem.place.line == line


def test_front_matter_values_as_written() -> None:
    meta, _, _ = split_front_matter("---\nnote: 017\nx: yes\n---\n正文。\n", "t")
    assert meta == {"note": "017", "x": "yes"}


# --- 6. Last year's kinds are this year's contract --------------------------------------------

def year_project(tmp_path: Path, last: str, now: str) -> Path:
    write(tmp_path / "t.md.j2", TEMPLATE)
    write(tmp_path / "data" / "d-2019.yaml", "year: 2019\n" + last)
    write(tmp_path / "data" / "d-2020.yaml", "year: 2020\n" + now)
    return write(tmp_path / "reportgen.yaml", "data: [data/d-2020.yaml]\ndocuments:\n"
                 "  - name: s\n    template: t.md.j2\n").parent


BASE = "number: 1\nn: 5\nflag: 有\n"


@pytest.mark.parametrize(("last", "now", "key", "kinds"), [
    ("first_batch_year: 2018\n", "first_batch_year: 二〇二二\n", "first_batch_year",
     "is text this year: '二〇二二', but was a number last year"),
    ("first_batch_year: 2018\nd: 2019-12-01\n", "first_batch_year: 2019\nd: 12月1日\n", "d",
     "is text this year: '12月1日', but was a date last year"),
    ("first_batch_year: 2018\ncc: [a, b]\n", "first_batch_year: 2019\ncc: a\n", "cc",
     "is text this year: 'a', but was a list last year"),
    ("first_batch_year: 2018\nok: true\n", "first_batch_year: 2019\nok: 是\n", "ok",
     "is text this year: '是', but was true/false last year"),
    ("first_batch_year: 2018\nm:\n  k: 1\n", "first_batch_year: 2019\nm: 1\n", "m",
     "is a number this year: 1, but was a mapping last year"),
    ("first_batch_year: 2018\nl:\n  - v: 1\n", "first_batch_year: 2019\nl:\n  - v: 1\n  - v: 一\n", "l[1].v",
     "is text this year: '一', but was a number last year"),
])
def test_a_value_changing_kind_from_last_year_is_an_error(tmp_path: Path, last: str, now: str, key: str,
                                                          kinds: str) -> None:
    project = year_project(tmp_path, BASE + last, BASE + now)
    now_file, last_file = project / "data" / "d-2020.yaml", project / "data" / "d-2019.yaml"
    name = key.split(".")[-1].split("[")[0]
    for command in (["validate", str(project)], ["build", str(project), "-o", str(tmp_path / "out")],
                    ["render", str(project / "t.md.j2"), str(now_file), "-o", str(tmp_path / "x.docx")],
                    ["preview", str(project / "t.md.j2"), str(now_file)]):
        code, stdout, stderr = run_cli(*command)
        assert_clean_failure(code, stdout, stderr)
        assert f"{now_file}:" in stderr and f" {key}: {kinds}" in stderr, stderr
        assert f"(at {last_file}:{line_of_file(last_file, name + ':')}:" in stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize(("last", "now"), [
    ("first_batch_year: 2018\n", "first_batch_year: 2019\n"),
    ("first_batch_year: 待定\n", "first_batch_year: 2019\n"),  # text may become a figure
    ("first_batch_year: 2018\nr: 1.5\n", "first_batch_year: 2019\nr: 2\n"),  # int and float are numbers
    ("first_batch_year: 2018\nd: 2019-12-01\n", "first_batch_year: 2019\nd: 2020-12-01 10:00:00\n"),
    ("first_batch_year: 2018\nnew_only_last_year: 1\n", "first_batch_year: 2019\n"),
])
def test_values_keeping_their_kind_pass(tmp_path: Path, last: str, now: str) -> None:
    project = year_project(tmp_path, BASE + last, BASE + now)
    code, _, stderr = run_cli("validate", str(project))
    assert code == 0, stderr


def test_empty_values_are_not_checked_against_last_year(tmp_path: Path) -> None:
    project = year_project(tmp_path, BASE + "first_batch_year: 2018\nextra: 3\n",
                           BASE + "first_batch_year: 2019\nextra:\n")
    _code, _, stderr = run_cli("validate", str(project))
    # (the template prints no `extra`: validate notes that, and nothing else about it)
    assert [line for line in stderr.splitlines() if "extra" in line] == \
        [line for line in stderr.splitlines() if "extra: no template uses this fact" in line]


def test_shipped_comparison_example_keeps_its_kinds() -> None:
    from conftest import COMPARE

    code, _, stderr = run_cli("validate", str(COMPARE))
    assert code == 0, stderr


# --- 7. `reportgen new` keeps constants --------------------------------------------------------

LAST = """year: 2019
district: 宝鸡市                # 地区
founded: 1998                   # 成立年份
count: 12                       # 户
org:
  name: 网信办
  head: 张三
cc: [市委组织部]
"""
NOW = """year: 2020
district: 宝鸡市                # 地区
founded: 1998                   # 成立年份
count: 13                       # 户
leader: 李四                    # 不变
motto: 为民                     # Constant
org:
  name: 网信办
  head: 王五
cc: [市委组织部]
items:
  - name: a
    n: 1
  - name: b
    n: 2
    extra: 3
"""


def test_new_keeps_values_the_same_two_years_running_and_marked_ones(tmp_path: Path) -> None:
    write(tmp_path / "d-2019.yaml", LAST)
    source = write(tmp_path / "d-2020.yaml", NOW)
    code, out, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    text = (tmp_path / "d-2021.yaml").read_text(encoding="utf-8")
    new = yaml.safe_load(text)
    assert new["district"] == "宝鸡市" and new["founded"] == 1998 and new["cc"] == ["市委组织部"]
    assert new["leader"] == "李四" and new["motto"] == "为民" and new["org"]["name"] == "网信办"
    assert new["count"] is None and new["org"]["head"] is None and new["year"] == 2021
    assert re.search(r"^district: 宝鸡市 +# 2020: 已保留 kept \(same in 2019 and 2020\)  # 地区$", text, re.M)
    assert "leader: 李四                    # 不变\n" in text  # a marked line is left as it is
    for kept in ("district (same in 2019 and 2020)", "founded (same in 2019 and 2020)",
                 "leader (marked constant)", "motto (marked constant)", "org.name (same in 2019 and 2020)",
                 "cc (same in 2019 and 2020)"):
        assert f"已保留 kept: {kept}" in out
    assert "count" not in out.split("\n", 1)[1] and "head" not in out


def test_kept_notes_do_not_pile_up(tmp_path: Path) -> None:
    write(tmp_path / "d-2019.yaml", LAST)
    source = write(tmp_path / "d-2020.yaml", NOW)
    assert run_cli("new", str(source))[0] == 0
    following = tmp_path / "d-2021.yaml"
    filled = following.read_text(encoding="utf-8")
    filled = filled.replace("count:  ", "count: 14").replace("head:", "head: 赵六")
    following.write_text(filled, encoding="utf-8")
    code, out, stderr = run_cli("new", str(following))
    assert code == 0, stderr
    text = (tmp_path / "d-2022.yaml").read_text(encoding="utf-8")
    assert "2020: 已保留" not in text and "# 2021: 已保留 kept (same in 2020 and 2021)  # 地区" in text
    assert "district (same in 2020 and 2021)" in out
    assert yaml.safe_load(text)["district"] == "宝鸡市"


def test_new_without_last_years_file_empties_all_but_marked(tmp_path: Path) -> None:
    source = write(tmp_path / "d-2020.yaml", NOW)
    code, out, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    new = yaml.safe_load((tmp_path / "d-2021.yaml").read_text(encoding="utf-8"))
    assert new["district"] is None and new["leader"] == "李四" and new["motto"] == "为民"
    assert "leader (marked constant)" in out and "district" not in out


def test_new_with_an_unreadable_last_year_warns_and_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "d-2019.yaml", "a: [\n")
    source = write(tmp_path / "d-2020.yaml", NOW)
    code, _out, stderr = run_cli("new", str(source))
    assert code == 0
    assert f"{tmp_path / 'd-2019.yaml'} could not be read" in stderr


@pytest.mark.parametrize("items", [
    "items:\n  - name: a\n  - name: b\n    extra: 3\n",
    "items:\n  - name: a\n  - name: b\n    sub:\n      k: 1\n",
    "items:\n  - [1]\n  - [1, {k: 2}]\n",
    "items: [{name: a}, {name: b, extra: 3}]\n",
])
def test_new_accepts_lists_whose_later_items_add_keys(tmp_path: Path, items: str) -> None:
    source = write(tmp_path / "x-2020.yaml", "year: 2020\n" + items)
    code, _, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    text = (tmp_path / "x-2021.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["year"] == 2021


@pytest.mark.parametrize(("text", "words"), [
    ("year: 2020\nyear: 2021\n", "given twice"),
    ("year: 2020\n2020: x\n", "keys must be text"),
    ("year: 2020\nd: 2020-02-30\n", "not a real date"),
    ("year: 2020\na:\n\tb: 1\n", "a tab is used for indentation"),
])
def test_new_refuses_bad_input_with_its_place(tmp_path: Path, text: str, words: str) -> None:
    source = write(tmp_path / "x-2020.yaml", text)
    code, stdout, stderr = run_cli("new", str(source))
    assert_clean_failure(code, stdout, stderr)
    assert f"{source}:" in stderr and words in stderr
    assert not (tmp_path / "x-2021.yaml").exists()


def test_new_refuses_a_device(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "x-2020.yaml"
    link.symlink_to("/dev/zero")
    code, stdout, stderr = run_cli("new", str(link))
    assert_clean_failure(code, stdout, stderr)
    assert "not a regular file" in stderr


# --- 8. Facts from several files ---------------------------------------------------------------

def test_load_facts_collects_every_files_problems(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", "a: 1\na: 2\n")
    second = write(tmp_path / "b.yaml", "b: 017\nc: [\n")
    third = write(tmp_path / "c.yaml", "n: 1\n")
    with pytest.raises(DataError) as info:
        load_facts([first, second, third])
    places = [(p.place.file, p.place.line) for p in info.value.problems]
    assert places == [(str(first), 2), (str(second), 2)]
    facts = load_facts([third, write(tmp_path / "d.yaml", "m: 017\n")])
    assert facts.values == {"n": 1, "m": "017"}


@pytest.mark.parametrize(("text", "kept", "emptied"), [
    ("year: 2020\norg:   # 不变\n  name: 网信办\n  head: 张三\nn: 1\n",
     {"org": {"name": "网信办", "head": "张三"}}, "n"),
    ("year: 2020\norg:\n  name: 网信办  # constant\n  head: 张三\n",
     {"org": {"name": "网信办", "head": None}}, "org.head"),
    ("year: 2020\ncc:   # constant: the same every year\n  - 市委组织部\n  - 市委宣传部\nn: 1\n",
     {"cc": ["市委组织部", "市委宣传部"]}, "n"),
    ("year: 2020\nintro: |   # 不变\n  第一段\n  第二段\nn: 1\n", {"intro": "第一段\n第二段\n"}, "n"),
])
def test_marked_constants_of_every_shape_are_kept(tmp_path: Path, text: str, kept: dict[str, object],
                                                  emptied: str) -> None:
    source = write(tmp_path / "x-2020.yaml", text)
    code, out, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    new = yaml.safe_load((tmp_path / "x-2021.yaml").read_text(encoding="utf-8"))
    for key, value in kept.items():
        assert new[key] == value
    assert "(marked constant)" in out and f"kept: {emptied} " not in out


@pytest.mark.parametrize("text", [
    "year: 2020\nsites: 3  # 「坚持示范引领方向不变，确定示范点3个。」\n",
    "year: 2020\nsites: 3  # “标准不变”的示范点\n",
    'year: 2020\nmotto: "方向不变 # 不是注释"\nsites: 3\n',
])
def test_words_quoted_in_a_comment_are_no_constant_mark(tmp_path: Path, text: str) -> None:
    """`reportgen import` quotes each fact's sentence in its comment; a 不变 inside the quote (or
    inside a quoted value) does not make the fact a constant: next year's value is to be filled in."""
    source = write(tmp_path / "x-2020.yaml", text)
    code, out, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    new = yaml.safe_load((tmp_path / "x-2021.yaml").read_text(encoding="utf-8"))
    assert new["sites"] is None and "(marked constant)" not in out
