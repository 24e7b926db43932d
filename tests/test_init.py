"""``reportgen init --kind KIND DIR``: a project for one kind of document from a built-in template."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, run_cli

from reportgen.check import check_file, read_document
from reportgen.starter import BUILTIN_LINE, starters

KINDS = ["通知", "请示", "综述", "报告", "总结", "函", "命令", "纪要"]


def test_every_template_that_starts_a_project_says_so_on_its_first_line() -> None:
    found = starters()
    assert set(KINDS) <= set(found)
    for kind, starter in found.items():
        path = ROOT / "templates" / f"{starter.template}.md.j2"
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        m = BUILTIN_LINE.match(first)
        assert m and m["kind"] == kind and m["what"] == starter.what and starter.what
        assert (ROOT / "templates" / f"{starter.template}.contract.yaml").is_file() or kind == "总结"


def test_list_shows_the_kinds() -> None:
    code, out, _ = run_cli("init", "--list")
    assert code == 0
    rows = [line.split("\t") for line in out.strip().split("\n")]
    assert {row[0] for row in rows} >= set(KINDS)
    assert all(len(row) == 3 and row[2] for row in rows)


@pytest.mark.parametrize("kind", sorted(starters()))
def test_init_build_check(kind: str, tmp_path: Path) -> None:
    """Each kind's new project builds at once, and the document passes check with no error."""
    project = tmp_path / "p"
    code, _, stderr = run_cli("init", "--kind", kind, str(project))
    assert code == 0, stderr
    assert sorted(p.name for p in project.iterdir()) == ["data.yaml", "reportgen.yaml"]
    assert "某某" in (project / "data.yaml").read_text(encoding="utf-8")  # illustrative, never real
    config = (project / "reportgen.yaml").read_text(encoding="utf-8")
    assert f"template: {starters()[kind].template}" in config
    code, _, stderr = run_cli("validate", str(project))
    assert code == 0, stderr
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    built = list((tmp_path / "out").glob("*.docx"))
    assert len(built) == 1
    # Named as offices name the file: by its 文号 (令号, 纪要 number) or, for an article, its title.
    expected = {"函": "某某函〔2026〕1号", "通知": "某某发〔2026〕1号", "请示": "某某〔2026〕1号",
                "报告": "某某〔2026〕1号", "命令": "某某市人民政府令第1号",
                "纪要": "某某工作联席会议纪要第1次", "总结": "某某市某某局2026年度工作总结"}
    assert built[0].stem == expected.get(kind, read_document(built[0]).document.title.replace("\n", ""))
    report = check_file(built[0])
    assert report.errors == 0, [(f.rule, f.message) for f in report.findings if f.severity == "error"]


def test_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    code, out, stderr = run_cli("init", "--kind", "通知", str(tmp_path))
    assert_clean_failure(code, out, stderr)
    assert "not empty" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(("kind", "words"), [
    ("通之", "did you mean 通知?"),
    ("工作总结", "did you mean 总结?"),
    ("决定", "'决定' has no built-in template"),
    ("abc", "is not a kind of document"),
])
def test_an_unknown_kind_is_named_with_the_nearest(kind: str, words: str, tmp_path: Path) -> None:
    code, out, stderr = run_cli("init", "--kind", kind, str(tmp_path / "p"))
    assert_clean_failure(code, out, stderr)
    assert words in stderr and "通知" in stderr
    assert not (tmp_path / "p").exists()


def test_kind_and_folder_are_needed(tmp_path: Path) -> None:
    code, out, stderr = run_cli("init", str(tmp_path / "p"))
    assert_clean_failure(code, out, stderr)
    assert "--kind" in stderr
