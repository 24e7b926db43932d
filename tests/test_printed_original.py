"""The example reproduces 宝网信办发〔2020〕38号 and its enclosed summary, paragraph by paragraph.

The reference text was extracted from printed pages (tests/fixtures/README.md says how to read it):
blank lines separate paragraphs except where a page break fell inside a sentence, line
breaks inside a paragraph are printed wraps, and the organ mark was extracted after the
文号 although it is printed above it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DATA, EXAMPLE, REFERENCE, REPORT_NAME, SUMMARY_NAME, body_texts, norm, run_cli

SENTENCE_END = tuple("。：；！？”）")


def reference_paragraphs() -> tuple[list[str], list[str]]:
    """(cover letter paragraphs in printed order, summary paragraphs) of the reference."""
    if not REFERENCE.is_file():
        pytest.fail(f"reference text missing: {REFERENCE}")
    chunks = [c.strip() for c in re.split(r"\n\s*\n", REFERENCE.read_text(encoding="utf-8")) if c.strip()]
    # A page break inside a sentence leaves a chunk whose last line is a long run of body
    # text without final punctuation: glue it to the next chunk. (Headings are short; the
    # title was extracted with its printed wraps, so its last line is short.)
    merged: list[str] = []
    for chunk in chunks:
        last_line = norm(merged[-1].split("\n")[-1]) if merged else ""
        if len(last_line) > 28 and not last_line.endswith(SENTENCE_END):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    split = next(i for i, c in enumerate(merged) if c.startswith("抄送"))
    letter, summary = merged[: split + 1], merged[split + 1 :]
    # Chunk 2 holds the organ mark (its first printed line) and the title; on the page
    # the organ mark stands above the 文号.
    number, mark_and_title = letter[0], letter[1].split("\n", 1)
    letter = [mark_and_title[0], number, mark_and_title[1], *letter[2:]]
    return letter, summary


def test_reference_is_parsed_as_expected() -> None:
    letter, summary = reference_paragraphs()
    assert norm(letter[0]) == "中共宝鸡市委网信办"
    assert norm(letter[1]) == "宝网信办发〔2020〕38号"
    assert norm(letter[-1]) == "抄送：市委组织部"
    assert norm(summary[0]) == "2020年宝鸡市互联网企业党建工作总结"
    # The five page breaks inside sentences were glued back.
    assert any("确定了全市互联网企业党建工作" in norm(p) for p in summary)
    assert any("“两个覆盖”质量" in norm(p) for p in summary)
    assert len(summary) == 18


def test_cover_letter_matches_reference(built: Path) -> None:
    letter, _ = reference_paragraphs()
    ours = [norm(t) for t in body_texts(built / REPORT_NAME)]
    assert ours == [norm(p) for p in letter]


def test_summary_matches_reference(built: Path) -> None:
    _, summary = reference_paragraphs()
    ours = [norm(t) for t in body_texts(built / SUMMARY_NAME)]
    for index, (mine, theirs) in enumerate(zip(ours, summary, strict=False)):
        assert mine == norm(theirs), f"paragraph {index + 1} differs"
    assert len(ours) == len(summary)


def test_summary_template_types_no_figure() -> None:
    """Every figure of the summary's prose comes from the data: no digit in the template text."""
    template = (EXAMPLE / "summary.md.j2").read_text(encoding="utf-8")
    prose = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", template, flags=re.S)
    assert re.findall(r"[0-9０-９]", prose) == []
    assert re.findall(r"[0-9]", norm((EXAMPLE.parent.parent / "templates" / "report.md.j2").read_text(
        encoding="utf-8").split("---")[-1].split("{% else %}")[-1])) == []


def _build_with(tmp_path: Path, edit: dict[tuple[str, ...], object]) -> Path:
    """Copy the example and its data, change some facts, build, return the output folder."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for path, value in edit.items():
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    (project / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = (project / "reportgen.yaml").read_text(encoding="utf-8")
    (project / "reportgen.yaml").write_text(config.replace("../../data/baoji-2020.yaml", "facts.yaml"),
                                            encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr
    return out


def _all_text(out: Path) -> str:
    return "\n".join(body_texts(out / REPORT_NAME) + body_texts(out / SUMMARY_NAME))


@pytest.mark.parametrize(
    ("path", "value", "before", "after"),
    [
        (("registry", "enterprises"), 35, "互联网企业31户", "互联网企业35户"),
        (("party_orgs", "companies_covered"), 9, "涵盖企业8户", "涵盖企业9户"),
        (("livestream", "orders"), 1912345, "扶贫带货170多万单", "扶贫带货190多万单"),
        (("training", "trainees"), 405, "直接培训300余人次", "直接培训400余人次"),
    ],
)
def test_one_figure_changes_everywhere_and_nothing_else(
        built: Path, tmp_path: Path, path: tuple[str, ...], value: int, before: str, after: str) -> None:
    original = _all_text(built)
    changed = _all_text(_build_with(tmp_path, {path: value}))
    assert before in original
    assert changed != original
    assert changed == original.replace(before, after)


def test_a_fact_used_twice_changes_in_both_places(built: Path, tmp_path: Path) -> None:
    """The founded organisations are listed once and counted twice in the prose."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    founded = [*data["founded"], {"name": "宝鸡市网络文明志愿者协会", "party_org": False}]
    original = _all_text(built)
    changed = _all_text(_build_with(tmp_path, {("founded",): founded}))
    before = "宝鸡市新青年新媒体发展中心2个网络社会组织"
    after = "宝鸡市新青年新媒体发展中心、宝鸡市网络文明志愿者协会3个网络社会组织"
    assert changed == original.replace(before, after)
    assert "跟进指导2个社会组织" in changed  # only two of the three built a Party organisation


def test_document_number_drives_file_name_and_number_line(tmp_path: Path) -> None:
    out = _build_with(tmp_path, {("document", "number"): 7})
    path = out / "宝网信办发〔2020〕7号.docx"
    assert path.is_file()
    assert "宝网信办发〔2020〕7号" in body_texts(path)
