"""`reportgen new`: next year's data file with the same keys, values emptied, notes of this year.

The scaffold must parse, keep every key path and comment, and once filled in give the
original data back (with the year advanced) and pass `reportgen validate`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DATA, EXAMPLE, assert_clean_failure, copy_project, edit_file, line_of_file, run_cli

from reportgen.scaffold import key_paths, scaffold_text


def fill(text: str, year: int) -> str:
    """Put back every value kept as a comment, and uncomment the other list items."""
    label = f"# {year}: "
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(label):
            line = line[: len(line) - len(stripped)] + stripped[len(label):]
        elif label in line:
            head, _, rest = line.partition(label)
            value = rest.split("  # ", 1)[0]
            head = head.rstrip()
            if head.endswith("[]"):  # a flow list emptied to []
                head = head[:-2].rstrip()
            line = f"{head} {value}"
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    source = tmp_path / "data" / "baoji-2020.yaml"
    source.parent.mkdir()
    shutil.copy(DATA, source)
    code, out, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    target = tmp_path / "data" / "baoji-2021.yaml"
    assert f"{target}:" in out and "values to fill in for 2021" in out
    return target


def test_new_writes_next_years_file_with_the_same_keys(scaffolded: Path) -> None:
    original = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    text = scaffolded.read_text(encoding="utf-8")
    new = yaml.safe_load(text)
    assert key_paths(new) == key_paths(original)
    assert new["year"] == 2021
    assert new["registry"]["enterprises"] is None and new["document"]["date"] is None
    assert new["founded"] == [{"name": None, "party_org": None}]  # one emptied item template
    assert new["document"]["cc"] == [None]
    assert new["multi_management"] == [] and new["document"]["signers"] == []
    assert [ln for ln in text.splitlines() if ln.startswith("#")] == \
        [ln for ln in DATA.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    assert re.search(r"^  enterprises: +# 2020: 31  # 互联网企业（户）$", text, re.M)
    assert re.search(r"^  date: +# 2020: 2020-12-15  # 成文日期$", text, re.M)
    assert "  # 2020: - name: 宝鸡市新青年新媒体发展中心" in text
    assert re.search(r"^multi_management: \[\] +# 2020: \[网信, 市场监管, 民政\]$", text, re.M)
    assert not list(scaffolded.parent.glob("*.tmp"))


def test_filled_scaffold_gives_back_the_data_and_validates(scaffolded: Path, tmp_path: Path) -> None:
    filled = scaffolded
    filled.write_text(fill(scaffolded.read_text(encoding="utf-8"), 2020), encoding="utf-8")
    original = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert yaml.safe_load(filled.read_text(encoding="utf-8")) == {**original, "year": 2021}
    project = copy_project(EXAMPLE, tmp_path)
    edit_file(project / "reportgen.yaml", "../../data/baoji-2020.yaml", str(filled))
    code, out, stderr = run_cli("validate", str(project))
    assert code == 0, stderr
    assert "✓ summary: 0 错误 errors" in out


def test_unfilled_scaffold_is_refused_with_places(scaffolded: Path, tmp_path: Path) -> None:
    project = copy_project(EXAMPLE, tmp_path)
    edit_file(project / "reportgen.yaml", "../../data/baoji-2020.yaml", str(scaffolded))
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    line = line_of_file(scaffolded, "  enterprises:")
    assert f"{scaffolded}:{line}:3 registry.enterprises: expected an integer" in stderr
    assert not (tmp_path / "out").exists()


def test_notes_do_not_pile_up_year_after_year(scaffolded: Path) -> None:
    # Fill 2021 as a user would: type the value after the key, leave the note behind it.
    typed = re.sub(r"^(\s*(?:- )?\w+:|\s*-)( +)# 2020: (.*?)(  #|$)",
                   lambda m: f"{m.group(1)} {m.group(3)}{m.group(2)}# 2020: {m.group(3)}{m.group(4)}",
                   scaffolded.read_text(encoding="utf-8"), flags=re.M)
    typed = typed.replace("multi_management: []", "multi_management: [网信, 民政]")
    scaffolded.write_text(typed, encoding="utf-8")
    assert yaml.safe_load(typed)["registry"]["enterprises"] == 31
    # Without 2020's file beside it: values the same two years running would be kept, not emptied.
    scaffolded.with_name("baoji-2020.yaml").unlink()
    code, _, stderr = run_cli("new", str(scaffolded))
    assert code == 0, stderr
    text = scaffolded.with_name("baoji-2022.yaml").read_text(encoding="utf-8")
    assert "# 2020:" not in text
    assert re.search(r"^  enterprises: +# 2021: 31  # 互联网企业（户）$", text, re.M)
    assert yaml.safe_load(text)["year"] == 2022


def test_new_refuses_to_overwrite_without_force(scaffolded: Path) -> None:
    scaffolded.write_text("year: 2021\n", encoding="utf-8")
    source = scaffolded.with_name("baoji-2020.yaml")
    code, stdout, stderr = run_cli("new", str(source))
    assert_clean_failure(code, stdout, stderr)
    assert f"{scaffolded} already exists" in stderr and "--force" in stderr
    assert scaffolded.read_text(encoding="utf-8") == "year: 2021\n"
    code, _, stderr = run_cli("new", str(source), "--force")
    assert code == 0, stderr
    assert yaml.safe_load(scaffolded.read_text(encoding="utf-8"))["registry"]["enterprises"] is None


def test_new_needs_a_name_when_the_file_has_no_year_in_it(tmp_path: Path) -> None:
    source = tmp_path / "facts.yaml"
    source.write_text("year: 2020\nn: 3\n", encoding="utf-8")
    code, stdout, stderr = run_cli("new", str(source))
    assert_clean_failure(code, stdout, stderr)
    assert "does not end in a year" in stderr and "-o" in stderr
    code, _, stderr = run_cli("new", str(source), "-o", str(tmp_path / "next.yaml"))
    assert code == 0, stderr
    assert (tmp_path / "next.yaml").read_text(encoding="utf-8") == "year: 2021\nn: # 2020: 3\n"
    code, stdout, stderr = run_cli("new", str(source), "-o", str(source), "--force")
    assert_clean_failure(code, stdout, stderr)
    assert "would replace the file it is made from" in stderr


def test_new_reports_bad_input_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "x-2020.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    code, stdout, stderr = run_cli("new", str(bad))
    assert_clean_failure(code, stdout, stderr)
    assert re.search(r"x-2020\.yaml:\d+:\d+", stderr)
    bad.write_text("a: &v 1\nb: *v\n", encoding="utf-8")
    code, stdout, stderr = run_cli("new", str(bad))
    assert_clean_failure(code, stdout, stderr)
    assert "x-2020.yaml:2:4" in stderr and "aliases" in stderr
    code, stdout, stderr = run_cli("new", str(tmp_path / "missing-2020.yaml"))
    assert_clean_failure(code, stdout, stderr)
    assert not (tmp_path / "x-2021.yaml").exists() and not (tmp_path / "missing-2021.yaml").exists()


TRICKY = """\
---
# head
year: 2020
intro: |
  第一段
  第二段

plain: a long
  plain scalar   # c
quoted: "a # b"   # real
flow: {a: 1, b: [x, y], c: {d: 2}}
maps: [{n: 1}, {n: 2}]
empty:
nested:
  - - 1
    - 2
  - - 3
items:
- name: one   # first
  sub:
    - k: 1
    - k: 2
# between
- name: two
deep:
  year: 2020
  other: 2019
"""


def test_scaffold_of_unusual_layouts_keeps_keys_and_comments() -> None:
    text, blanks, _kept = scaffold_text(TRICKY, 2020)
    new = yaml.safe_load(text)
    assert key_paths(new) == key_paths(yaml.safe_load(TRICKY))
    assert new["year"] == 2021 and new["deep"] == {"year": 2021, "other": None}
    assert new["intro"] is None and new["plain"] is None and new["quoted"] is None
    assert new["flow"] == {"a": None, "b": [], "c": {"d": None}}
    assert new["nested"] == [[None]] and new["items"] == [{"name": None, "sub": [{"k": None}]}]
    assert blanks == 9  # intro, plain, quoted, flow, maps, nested[0][0], items[0].name, sub[0].k, deep.other
    for comment in ("# head", "# between", "# c", "# real", "# first"):
        assert comment in text
    assert '# 2020: "a # b"  # real' in text
    assert "  # 第一段" in text  # the old block text stays, commented


def test_new_crlf_and_bom_files(tmp_path: Path) -> None:
    source = tmp_path / "w-2020.yaml"
    source.write_bytes("\ufeffyear: 2020\r\nn: 5   # 个\r\n".encode())
    code, _, stderr = run_cli("new", str(source))
    assert code == 0, stderr
    assert (tmp_path / "w-2021.yaml").read_bytes() == "year: 2021\r\nn:     # 2020: 5  # 个\r\n".encode()


def test_every_command_has_help_with_an_example() -> None:
    code, out, _ = run_cli("new", "--help")
    assert code == 0 and "Example" in out and "reportgen new data/baoji-2020.yaml" in out
    for command in ("render", "preview", "validate"):
        assert "--prev" in run_cli(command, "--help")[1]
