"""`check` reads tables (reportgen/check/tables.py) beyond the one-mutation-per-rule cases of
test_check.py: totals with groups, 小计 and "—"; titles below a table and missing ones."""

from __future__ import annotations

from pathlib import Path

from reportgen.check import check_file
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.tables import table
from reportgen.writers.docx import write_docx

HEAD = "---\ntitle: 关于报送统计表的通知\nsignature: 示例市网信办\ndate: 2020-12-20\n---\n正文。\n\n"
VILLAGES = [{"c": c, "n": n, "v": v} for c, n, v in (
    ("甲县", "一村", 1.5), ("乙县", "二村", 2), ("甲县", "三村", 3), ("乙县", "四村", "—"),
    ("丙县", "五村", 5))]


def _findings(tmp_path: Path, markup: str) -> list[tuple[str, str]]:
    doc = parse(HEAD + markup)
    path = tmp_path / "t.docx"
    path.write_bytes(write_docx(plan(doc), doc))
    return [(f.rule, f.message) for f in check_file(path).findings]


def _grouped() -> str:
    columns = [{"key": "c", "head": "县"}, {"key": "n", "head": "村"}, {"key": "v", "head": "数"}]
    return str(table(VILLAGES, title="表1 各村", number=True, total="合计", group_by="c", subtotal="小计",
                     columns=columns))


def test_totals_with_groups_subtotals_and_dashes_add_up(tmp_path: Path) -> None:
    assert _findings(tmp_path, _grouped() + "\n") == []


def test_a_total_that_does_not_add_up_is_named_with_its_column_and_the_sum(tmp_path: Path) -> None:
    wrong = _grouped().replace("| 11.5 |", "| 12.5 |")
    assert _findings(tmp_path, wrong + "\n") == [
        ("table.total", "表格1 table 1 “数”列 column：合计 12.5，但上面 5 行之和为 11.5 "
                        "the rows above add up to 11.5")]


def test_columns_of_rates_and_names_are_not_added_up(tmp_path: Path) -> None:
    rates = ("| 县区 | 培训率 | 备注 |\n|---|---:|---|\n| 甲区 | 40% | 好 |\n| 乙县 | 30% | 中 |\n"
             "| 合计 | 35% | — |\n")
    assert _findings(tmp_path, rates) == []


def test_a_title_below_its_table_and_a_table_without_one(tmp_path: Path) -> None:
    below = "| 县区 | 企业 |\n|---|---:|\n| 甲区 | 12 |\n\n表1 各县区企业\n\n"
    titled = "::: 表 表2 各县区党员\n| 县区 | 党员 |\n|---|---:|\n| 甲区 | 31 |\n\n"
    untitled = "说明如下。\n\n| 县区 | 党员 |\n|---|---:|\n| 乙县 | 22 |\n"
    found = _findings(tmp_path, below + titled + untitled)
    assert [rule for rule, _m in found] == ["table.title", "table.title"]
    assert "在表格下方" in found[0][1] and "表格3 table 3：没有标题" in found[1][1]


def test_a_short_table_needs_no_repeated_header(tmp_path: Path) -> None:
    rows = "\n".join(f"| 第{k}区 | {k} |" for k in range(1, 15))
    assert _findings(tmp_path, "| 县区 | 企业 |\n|---|---:|\n" + rows + "\n") == []


def test_the_house_table_size_is_the_rule_when_the_house_sets_one(tmp_path: Path) -> None:
    from reportgen import spec

    doc = parse(HEAD + "| 县区 | 企业 |\n|---|---:|\n| 甲区 | 12 |\n")
    path = tmp_path / "t.docx"
    path.write_bytes(write_docx(plan(doc, spec.Style(table_size=14)), doc))
    assert check_file(path).findings == []  # 4号 tables pass the standard's range
    assert check_file(path, spec.Style(table_size=14)).findings == []
    found = check_file(path, spec.Style(table_size=12)).findings
    assert [(f.rule, "本单位表格文字为 12 磅" in f.message) for f in found] == [("table.size", True)]
