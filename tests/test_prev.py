"""Last year's data as `prev`: found by name or declared; strict; clear when missing.

Expected figures are worked out by hand from the illustrative data files (27 vs 24
enterprises is +12.5%); places are looked up in the files, never hard-coded.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import (
    COMPARE,
    DATA,
    EXAMPLE,
    ROLLUP,
    assert_clean_failure,
    body_texts,
    copy_project,
    edit_file,
    line_of_file,
    norm,
    run_cli,
)


def template(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "t.md.j2"
    path.write_text(f"---\nkind: 总结\ntitle: 标题\n---\n{body}\n", encoding="utf-8")
    return path


def year_files(tmp_path: Path, current: str, previous: str | None) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "unit-2020.yaml").write_text(current, encoding="utf-8")
    if previous is not None:
        (folder / "unit-2019.yaml").write_text(previous, encoding="utf-8")
    return folder / "unit-2020.yaml"


def test_compare_example_words_year_over_year_changes(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(COMPARE), "-o", str(tmp_path))
    assert code == 0, stderr
    texts = [norm(t) for t in body_texts(tmp_path / "示例市2020年互联网企业党建工作总结（示例）.docx")]
    body = "".join(texts)
    # 27/24 = 1.125; 301/268 = 1.1231; 70/61 = 1.1475; 11/27 − 9/24 = 0.4074 − 0.375 = +3.24 points;
    # 288/320 = 0.9; 20350000/12000000 = 1.6958.
    assert "互联网企业27户，较上年增长12.5%" in body
    assert "从业人员301人，较上年增长12.3%" in body
    assert "党员70人，较上年增长14.8%" in body
    assert "党组织覆盖率40.7%，较上年提高3.2个百分点" in body
    assert "比上年增加2个" in body
    assert "全年培训288人次，较上年下降10.0%" in body
    assert "直播带货销售额2035万元，较上年增长69.6%" in body
    assert any("示例" in t and "不是真实统计数据" in t for t in texts)  # marked as illustrative


def test_example_data_files_say_they_are_illustrative() -> None:
    for path in [*COMPARE.glob("data/*.yaml"), *ROLLUP.glob("data/*.yaml"), *ROLLUP.glob("districts/*.yaml")]:
        head = path.read_text(encoding="utf-8").splitlines()[0:3]
        assert any("示例数据" in line for line in head), path
        assert "ILLUSTRATIVE" in path.read_text(encoding="utf-8"), path


def test_prev_is_found_by_name_beside_the_data(tmp_path: Path) -> None:
    data = year_files(tmp_path, "year: 2020\nn: 120\n", "year: 2019\nn: 100\n")
    code, out, stderr = run_cli("preview", str(template(tmp_path, "较上年{{ n | change(prev.n) }}。")),
                                str(data), "--markup")
    assert code == 0, stderr
    assert "较上年增长20.0%。" in out


def test_prev_given_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "now.yaml"
    data.write_text("n: 0.35\n", encoding="utf-8")
    before = tmp_path / "before.yaml"
    before.write_text("n: 0.30\n", encoding="utf-8")
    code, out, stderr = run_cli("preview", str(template(tmp_path, "{{ n | pp_change(prev.n) }}")), str(data),
                                "--markup", "--prev", str(before))
    assert code == 0, stderr
    assert "提高5.0个百分点" in out


def test_prev_declared_in_the_project_and_per_document(tmp_path: Path) -> None:
    project = copy_project(COMPARE, tmp_path)
    (project / "data" / "city-2019.yaml").rename(project / "data" / "last.yaml")
    config = project / "reportgen.yaml"
    edit_file(config, "contract:", "previous: data/last.yaml\ncontract:")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    # a document's own `previous:` replaces the project's
    edit_file(config, "    template: compare.md.j2",
              "    template: compare.md.j2\n    previous: data/nothing.yaml")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out2"))
    assert_clean_failure(code, stdout, stderr)
    assert "previous-year data file not found" in stderr and "nothing.yaml" in stderr
    assert f"reportgen.yaml:{line_of_file(config, 'previous: data/nothing.yaml')}" in stderr
    assert not (tmp_path / "out2").exists()


def test_no_prev_says_where_it_looked(tmp_path: Path) -> None:
    project = copy_project(COMPARE, tmp_path)
    (project / "data" / "city-2019.yaml").unlink()
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "no previous-year data was found" in stderr
    assert str(project / "data" / "city-2019.yaml") in stderr  # where it looked
    assert re.search(r"compare\.md\.j2:\d+", stderr)  # the template line that used it
    assert not (tmp_path / "out").exists()


def test_no_year_in_the_data_names(tmp_path: Path) -> None:
    data = tmp_path / "facts.yaml"
    data.write_text("n: 1\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", str(template(tmp_path, "{{ prev.n }}")), str(data),
                                   "-o", str(tmp_path / "x.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "no data file name ends in a year" in stderr and "facts.yaml" in stderr
    assert not (tmp_path / "x.docx").exists()


def test_prev_is_optional_with_is_defined(tmp_path: Path) -> None:
    data = tmp_path / "facts.yaml"
    data.write_text("n: 1\n", encoding="utf-8")
    body = "{% if prev is defined %}比较{% else %}首年{% endif %}"
    code, out, stderr = run_cli("preview", str(template(tmp_path, body)), str(data), "--markup")
    assert code == 0, stderr
    assert "首年" in out


def test_missing_prev_key_names_key_and_file(tmp_path: Path) -> None:
    data = year_files(tmp_path, "year: 2020\nregistry: {enterprises: 5}\n", "year: 2019\nregistry: {}\n")
    for body in ("{{ prev.registry.enterprises }}",
                 "{{ registry.enterprises | change(prev.registry.enterprises) }}"):
        code, stdout, stderr = run_cli("render", str(template(tmp_path, body)), str(data),
                                       "-o", str(tmp_path / "x.docx"))
        assert_clean_failure(code, stdout, stderr)
        assert "'prev.registry.enterprises' is not in the previous-year data" in stderr
        assert "unit-2019.yaml" in stderr and "t.md.j2:5" in stderr


def test_prev_of_the_wrong_year(tmp_path: Path) -> None:
    data = year_files(tmp_path, "year: 2020\nn: 2\n", "# old\nyear: 2018\nn: 1\n")
    code, stdout, stderr = run_cli("render", str(template(tmp_path, "{{ n }}")), str(data),
                                   "-o", str(tmp_path / "x.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "unit-2019.yaml:2:1 year: the previous-year data is for year 2018, not 2019" in stderr
    assert "unit-2020.yaml:1:1" in stderr


def test_prev_is_a_reserved_key(tmp_path: Path) -> None:
    data = tmp_path / "facts.yaml"
    data.write_text("n: 1\nprev: 3\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", str(template(tmp_path, "{{ n }}")), str(data),
                                   "-o", str(tmp_path / "x.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "facts.yaml:2:1" in stderr and "'prev' is reserved" in stderr


def test_contract_rules_see_prev(tmp_path: Path) -> None:
    project = copy_project(COMPARE, tmp_path)
    edit_file(project / "data" / "city-2020.yaml", "  total: 9 ", "  total: 6 ")
    code, _, stderr = run_cli("validate", str(project))
    assert code == 0  # a warning only
    assert "党组织数少于上年" in stderr and "city-2020.yaml" in stderr
    code, out, stderr = run_cli("preview", str(project), "--markup")
    assert code == 0, stderr
    assert "建立党组织6个，比上年减少1个，" in out  # 7 last year


def test_reference_example_has_no_prev_and_still_builds() -> None:
    assert not (DATA.parent / "baoji-2019.yaml").exists()
    code, _, stderr = run_cli("validate", str(EXAMPLE))
    assert code == 0, stderr
