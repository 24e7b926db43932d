"""Roll-up: a unit's figures as the sum of its district files; stated totals checked.

Sums are worked out by hand from the illustrative district files.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import (
    ROLLUP,
    assert_clean_failure,
    body_texts,
    copy_project,
    edit_file,
    line_of_file,
    norm,
    run_cli,
)

from reportgen.data import load_facts
from reportgen.errors import Problem
from reportgen.project import load_project
from reportgen.rollup import rollup_problems


def test_rollup_example_sums_the_districts(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(ROLLUP), "-o", str(tmp_path))
    assert code == 0, stderr
    docx = tmp_path / "示例市2020年互联网企业党建工作情况汇总（示例）.docx"
    body = "".join(norm(t) for t in body_texts(docx))
    # 12 + 9 + 6 = 27 (also stated), 31 + 22 + 17 = 70, 140 + 96 + 52 = 288, 1210 + 870 + 415 = 2495
    assert "互联网企业27户，其中甲区12户，乙县9户，丙县6户。" in body
    assert "全市企业党员70人" in body
    assert "全年共培训288人次，开展直播带货2495场次" in body


def test_stated_total_that_differs_names_both(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    city = project / "data" / "city-2020.yaml"
    edit_file(city, "enterprises: 27 ", "enterprises: 28 ")
    out = tmp_path / "out"
    for command in (["build", str(project), "-o", str(out)], ["preview", str(project)],
                    ["validate", str(project)]):
        code, stdout, stderr = run_cli(*command)
        assert_clean_failure(code, stdout, stderr)
        line = line_of_file(city, "enterprises: 28")
        assert (f"{city}:{line}:3 registry.enterprises: stated total 28 differs "
                "from the sum of the districts 27") in stderr
        for name, value in (("1-jia", 12), ("2-yi", 9), ("3-bing", 6)):
            district = project / "districts" / f"{name}-2020.yaml"
            assert f"{value} ({district}:{line_of_file(district, 'enterprises:')})" in stderr
    assert not out.exists()


def test_district_figure_missing_or_not_a_number(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    yi = project / "districts" / "2-yi-2020.yaml"
    bing = project / "districts" / "3-bing-2020.yaml"
    edit_file(yi, "  trainees: 96 ", "  trainees: 九十六 ")
    edit_file(bing, "  party_members: 17             # 党员（人）\n", "")
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    line = line_of_file(yi, "trainees:")
    assert f"{yi}:{line}:3 training.trainees: must be a number to be summed, not '九十六'" in stderr
    assert f"{bing}:{line_of_file(bing, 'registry:')}:1 registry.party_members: missing" in stderr
    config = project / "reportgen.yaml"
    assert f"rollup.sum at {config}:{line_of_file(config, '- registry.party_members')}" in stderr


def test_rollup_problems_for_validate(tmp_path: Path) -> None:
    """The function a checker collects: a list of Problems, facts left unchanged."""
    project = copy_project(ROLLUP, tmp_path)
    city = project / "data" / "city-2020.yaml"
    edit_file(city, "enterprises: 27 ", "enterprises: 26 ")
    loaded = load_project(project)
    facts = load_facts(loaded.data)
    before = yaml.safe_dump(facts.values)
    problems = rollup_problems(loaded.years.rollup, facts, loaded.data)
    assert [type(p) for p in problems] == [Problem]
    assert problems[0].place.file == str(city) and problems[0].place.key == "registry.enterprises"
    assert problems[0].place.line == line_of_file(city, "enterprises: 26")
    assert yaml.safe_dump(facts.values) == before
    edit_file(city, "enterprises: 26 ", "enterprises: 27 ")
    assert rollup_problems(loaded.years.rollup, load_facts(loaded.data), loaded.data) == []


def test_rollup_declaration_errors(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    config = project / "reportgen.yaml"
    edit_file(config, "from: districts/*-2020.yaml", "from: nowhere/*.yaml")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert f"{config}:{line_of_file(config, 'from: nowhere')}" in stderr
    assert "matches no district file" in stderr
    edit_file(config, "from: nowhere/*.yaml", "form: districts/*.yaml")
    edit_file(config, "    - registry.enterprises", "    - registry..enterprises")
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert f"{config}:{line_of_file(config, 'form:')}" in stderr and "unknown key 'form' in rollup" in stderr
    assert "rollup.from: give the district files" in stderr
    assert f"{config}:{line_of_file(config, 'registry..enterprises')}" in stderr
    assert "is not a key path" in stderr
    assert not (tmp_path / "out").exists()


def test_districts_is_reserved_when_rolling_up(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    city = project / "data" / "city-2020.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "districts: [甲区]\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert f"{city}:{line_of_file(city, 'districts:')}:1" in stderr and "'districts' is reserved" in stderr


def test_sum_fills_a_missing_total_and_floats_add_exactly(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.yaml").write_text("rate: 0.1\nn: 1\n", encoding="utf-8")
    (tmp_path / "d" / "b.yaml").write_text("rate: 0.2\nn: 2\n", encoding="utf-8")
    (tmp_path / "unit.yaml").write_text("rate: 0.3\n", encoding="utf-8")  # 0.1 + 0.2 == 0.3 exactly
    (tmp_path / "t.md.j2").write_text("---\nkind: 总结\ntitle: 标题\n---\n共{{ n }}个，{{ rate }}。\n",
                                      encoding="utf-8")
    (tmp_path / "reportgen.yaml").write_text(
        "data: unit.yaml\nrollup: {from: 'd/*.yaml', sum: [rate, n]}\n"
        "documents: [{name: x, template: t.md.j2}]\n", encoding="utf-8")
    code, out, stderr = run_cli("preview", str(tmp_path), "--markup")
    assert code == 0, stderr
    assert "共3个，0.3。" in out


def test_prev_on_the_command_line_keeps_the_projects_rollup(tmp_path: Path) -> None:
    before = tmp_path / "city-2019.yaml"
    before.write_text("year: 2019\nregistry: {enterprises: 20}\n", encoding="utf-8")
    project = copy_project(ROLLUP, tmp_path)
    edit_file(project / "rollup.md.j2", "全市企业党员", "上年{{ prev.registry.enterprises }}户。全市企业党员")
    code, out, stderr = run_cli("preview", str(project), "--markup", "--prev", str(before))
    assert code == 0, stderr
    assert "丙县6户。上年20户。全市企业党员70人。" in out
