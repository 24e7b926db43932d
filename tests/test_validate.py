"""Contracts, rules, 公文 element checks and safe rendering, through the command line.

Every bad input must give: the place (file:line:column and key path), what is wrong,
what to do, exit 1, no traceback, and no output file touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, assert_clean_failure, body_texts, run_cli

CONTRACT = EXAMPLE / "facts.contract.yaml"


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle (so tests never hard-code lines)."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def edited_data(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    text = DATA.read_text(encoding="utf-8")
    for old, new in edits:
        assert re.search(old, text, flags=re.M), old
        text = re.sub(old, lambda _m, new=new: new, text, count=1, flags=re.M)
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def edited_project(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, Path, str]:
    """A copy of the example project whose data file is edited."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    data, text = edited_data(tmp_path, *edits)
    config = project / "reportgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../data/baoji-2020.yaml", str(data)),
                      encoding="utf-8")
    return project, data, text


# --- the shipped example -------------------------------------------------------------------------

def test_example_is_valid_with_one_warning_for_the_missing_signer() -> None:
    code, stdout, stderr = run_cli("validate", str(EXAMPLE))
    assert code == 0
    assert "✓ report: 0 错误 errors, 1 警告 warnings" in stdout
    assert "✓ summary: 0 错误 errors, 0 警告 warnings" in stdout
    data_line = line_of(DATA.read_text(encoding="utf-8"), "signers:")
    assert f"baoji-2020.yaml:{data_line}:3 document.signers: 上行文 (报告) without 签发人" in stderr


def test_strict_turns_warnings_into_failure() -> None:
    code, stdout, _ = run_cli("validate", str(EXAMPLE), "--strict")
    assert code == 1 and "✗ report" in stdout


def test_the_example_declares_both_rules_and_types_every_fact() -> None:
    import yaml

    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    rules = [r["rule"] for r in contract["rules"]]
    assert "party_orgs.total == party_orgs.standalone + party_orgs.joint" in rules
    assert "registry.party_members <= registry.employees" in rules
    facts = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert set(contract["schema"]["required"]) == set(facts)
    for key, value in facts.items():
        declared = contract["schema"]["properties"][key]
        if isinstance(value, dict) and key != "document":
            assert set(declared["properties"]) == set(value), key


# --- data against the contract -------------------------------------------------------------------

def test_every_data_problem_is_reported_at_once_with_its_place(tmp_path: Path) -> None:
    project, data, text = edited_project(
        tmp_path,
        (r"^  enterprises: 31", "  enterprises: 三十一"),
        (r"^  min_staff: 3", "  min_staff: -3"),
        (r"^  party_members: 79.*\n", ""),
        (r"^  joint: 3", "  joint: 4"),
        (r"^promotion_meeting: 2020-11-26", "promotion_meeting: 2020年11月26日"),
    )
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert (f"{data}:{line_of(text, 'enterprises:')}:3 registry.enterprises: "
            "expected an integer (整数), got '三十一'") in stderr
    assert "write the exact figure in Arabic digits" in stderr
    assert f"{data}:{line_of(text, 'min_staff:')}:3 registry.min_staff: must be ≥ 1, got -3" in stderr
    assert "missing (缺少) registry.party_members — 党员（人）" in stderr
    assert "add party_members: … under registry" in stderr
    assert (f"{data}:{line_of(text, '  total:')}:3 party_orgs.total: rule not met (不符合规则): "
            "party_orgs.total == party_orgs.standalone + party_orgs.joint — "
            "party_orgs.total = 13, party_orgs.standalone = 10, party_orgs.joint = 4") in stderr
    assert "党组织总数应等于单独组建与联合组建的党支部数之和" in stderr
    assert "promotion_meeting: not a real date: '2020年11月26日'" in stderr
    # Shared data is reported once, not once per document.
    assert stderr.count("expected an integer") == 1
    # build runs the same checks and writes nothing.
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "expected an integer (整数), got '三十一'" in stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_second_rule_party_members_within_employees(tmp_path: Path) -> None:
    project, data, text = edited_project(tmp_path, (r"^  party_members: 79", "  party_members: 400"))
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert (f"{data}:{line_of(text, 'party_members:')}:3 registry.party_members: rule not met "
            "(不符合规则): registry.party_members <= registry.employees — "
            "registry.party_members = 400, registry.employees = 327") in stderr


def test_warning_rule_does_not_fail_without_strict(tmp_path: Path) -> None:
    project, _, _ = edited_project(tmp_path, (r"^  target_year: 2021", "  target_year: 2019"))
    code, _stdout, stderr = run_cli("validate", str(project))
    assert code == 0
    assert "警告 warning:" in stderr and "model_sites.target_year > year" in stderr


def test_render_checks_the_template_contract_and_keeps_the_old_file(tmp_path: Path) -> None:
    data, text = edited_data(tmp_path, (r"^  number: 38", "  number: 038号"))
    out = tmp_path / "report.docx"
    out.write_bytes(b"last year's file")
    code, stdout, stderr = run_cli("render", "report", str(data), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert (f"{data}:{line_of(text, '  number:')}:3 document.number: expected an integer (整数), "
            "got '038号'") in stderr
    assert "(required by" not in stderr
    assert out.read_bytes() == b"last year's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.yaml", "report.docx"]


def test_missing_required_fact_of_the_builtin_report(tmp_path: Path) -> None:
    data, _ = edited_data(tmp_path, (r"^  to: .*\n", ""))
    code, stdout, stderr = run_cli("validate", "report", str(data))
    assert_clean_failure(code, stdout, stderr)
    assert "document.to: missing (缺少) document.to — 主送机关" in stderr
    assert "report.contract.yaml" in stderr


@pytest.mark.parametrize(("contract", "message", "needle"), [
    ("schema:\n  type: integr\n", "not a valid JSON Schema", "schema"),
    ("rules:\n  - rule: a ==\n", "rule is not a valid expression", "rules[0]"),
    ("rules:\n  - rule: a == 1\n    severity: fatal\n", "severity must be error or warning", "rules[0]"),
    ("rulez: []\n", "unknown key 'rulez' in a contract", "rulez"),
])
def test_bad_contract_is_reported_in_the_contract_file(tmp_path: Path, contract: str, message: str,
                                                       needle: str) -> None:
    path = tmp_path / "c.contract.yaml"
    path.write_text(contract, encoding="utf-8")
    code, stdout, stderr = run_cli("validate", "report", str(DATA), "--contract", str(path))
    assert_clean_failure(code, stdout, stderr)
    assert f"{path}:" in stderr and message in stderr and needle in stderr


def test_rules_run_in_the_sandbox(tmp_path: Path) -> None:
    path = tmp_path / "c.contract.yaml"
    path.write_text("rules:\n  - rule: year.__class__.__mro__ is defined\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", "report", str(DATA), "--contract", str(path))
    assert_clean_failure(code, stdout, stderr)
    assert "rule not allowed" in stderr or "cannot be checked" in stderr


# --- 公文 elements ---------------------------------------------------------------------------------

def markup_template(tmp_path: Path, **front: str) -> Path:
    meta = {"kind": "通知", "organ_mark": "某某市人民政府办公室", "number": "某政办发〔2020〕5号",
            "title": "关于做好有关工作的通知", "to": "各县区人民政府", "signature": "某某市人民政府办公室",
            "date": "2020-12-15"}
    meta.update(front)
    front_lines = [f"{k}: {v}" for k, v in meta.items() if v != ""]
    lines = ["---", *front_lines, "---", "{{ body | default('正文。') }}"]
    path = tmp_path / "t.md.j2"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def validate_template(tmp_path: Path, data_text: str = "year: 2020\n", **front: str) -> tuple[int, str]:
    data = tmp_path / "d.yaml"
    data.write_text(data_text, encoding="utf-8")
    code, stdout, stderr = run_cli("validate", str(markup_template(tmp_path, **front)), str(data))
    assert "Traceback" not in stdout + stderr
    return code, stderr


def test_a_correct_notice_has_no_finding(tmp_path: Path) -> None:
    assert validate_template(tmp_path) == (0, "")


@pytest.mark.parametrize(("number", "message"), [
    ("某政办发[2020]5号", "the year goes in the hexagonal brackets 〔〕"),
    ("某政办发（2020）5号", "the year goes in the hexagonal brackets 〔〕"),
    ("某政办发〔20〕5号", "write the full year"),
    ("某政办发〔2020〕第5号", "no 第 before the sequence number"),
    ("某政办发〔2020〕05号", "no leading zero in the sequence number"),
    ("某政办发〔2021〕5号", "the year 2021 differs from the 成文日期 2020-12-15"),
])
def test_doc_number_form(tmp_path: Path, number: str, message: str) -> None:
    code, stderr = validate_template(tmp_path, number=number)
    assert code == 1
    assert f"错误 error: {tmp_path / 't.md.j2'}: 发文字号 '{number}': {message}" in stderr


def test_doc_number_problem_points_at_the_data_it_came_from(tmp_path: Path) -> None:
    data = "doc:\n  number: 某政办发〔2020〕05号\n"
    code, stderr = validate_template(tmp_path, data, number='"{{ doc.number }}"')
    assert code == 1
    assert f"{tmp_path / 'd.yaml'}:2:3 doc.number: 发文字号 '某政办发〔2020〕05号'" in stderr


@pytest.mark.parametrize(("front", "severity", "message"), [
    ({"secrecy": "内部"}, "错误 error", "密级 '内部' is not one of 绝密、机密、秘密"),
    ({"secrecy": "机密"}, "警告 warning", "密级 '机密' has no 保密期限"),
    ({"secrecy": "机密★一段时间"}, "警告 warning", "保密期限 '一段时间' is not a period"),
    ({"urgency": "急件"}, "错误 error", "紧急程度 '急件' is not one of 特急、加急"),
    ({"kind": "报告", "title": "关于工作情况的报告"}, "警告 warning", "上行文 (报告) without 签发人"),
    ({"to": '"各县区人民政府:"'}, "错误 error", "ends with a half-width colon"),
    ({"to": "各县区人民政府。"}, "错误 error", "ends with '。' before its colon"),
    ({"title": "关于做好有关工作"}, "警告 warning", "the title does not end with its 文种 '通知'"),
    ({"attachments": "[工作方案。]"}, "错误 error", "附件 name ends with punctuation: '工作方案。'"),
    ({"date": ""}, "错误 error", "署名 without 成文日期"),
    ({"printer": "某某市人民政府办公室", "print_date": "2020-12-10"}, "警告 warning",
     "印发日期 2020-12-10 is before 成文日期 2020-12-15"),
])
def test_official_elements(tmp_path: Path, front: dict[str, str], severity: str, message: str) -> None:
    code, stderr = validate_template(tmp_path, **front)
    assert message in stderr
    assert f"{severity}: " in stderr
    assert code == (1 if severity.startswith("错误") else 0)


def test_report_that_asks_for_instructions_is_warned(tmp_path: Path) -> None:
    code, stderr = validate_template(tmp_path, "year: 2020\nbody: 以上报告妥否，请批示。\n", kind="报告",
                                     title="关于工作情况的报告", signers="[张三]")
    assert code == 0
    assert "警告 warning:" in stderr and "a 报告 asks for instructions: “…以上报告妥否，请批示。…”" in stderr
    assert "must not carry 请示事项" in stderr


# --- safety ----------------------------------------------------------------------------------------

def test_impossible_date_in_data(tmp_path: Path) -> None:
    data, text = edited_data(tmp_path, (r"^  date: 2020-12-15", "  date: 2020-02-30"))
    code, stdout, stderr = run_cli("validate", "report", str(data))
    assert_clean_failure(code, stdout, stderr)
    line = line_of(text, "2020-02-30")
    assert f"{data}:{line}:9 document.date: not a real date: 2020-02-30" in stderr


def test_raw_control_character_in_data(tmp_path: Path) -> None:
    data, text = edited_data(tmp_path, (r"^  to: 省委网信办", "  to: 省委\x07网信办"))
    code, stdout, stderr = run_cli("validate", "report", str(data))
    assert_clean_failure(code, stdout, stderr)
    assert f"{data}:{line_of(text, chr(7))}:" in stderr and "control character U+0007" in stderr


def test_escaped_control_character_names_the_field(tmp_path: Path) -> None:
    data, text = edited_data(tmp_path, (r"^  to: 省委网信办", '  to: "省委\\x0c网信办"'))
    out = tmp_path / "x.docx"
    code, stdout, stderr = run_cli("render", "report", str(data), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert f"{data}:{line_of(text, '  to:')}:3 document.to: contains the control character U+000C" in stderr
    assert not out.exists()


def test_an_empty_value_is_never_printed_as_none(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("registry:\n  enterprises:\n  note:\n", encoding="utf-8")
    template = tmp_path / "t.md.j2"
    template.write_text("---\ntitle: 标题\n---\n{{ registry.note | default('无') }}\n\n"
                        "企业{{ registry.enterprises }}户。\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", str(template), str(data), "-o", str(tmp_path / "x.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert f"{template}:6: 'registry.enterprises' is empty in the data" in stderr
    assert not (tmp_path / "x.docx").exists()


def test_control_character_written_by_a_template(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text("---\ntitle: 标题\n---\n第一段。\n\n第二段\x0b。\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", str(template), str(DATA), "-o", str(tmp_path / "x.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert f"{template}:6: the template writes the control character U+000B" in stderr


def test_text_from_data_lands_verbatim(tmp_path: Path) -> None:
    tricky = "A&B <c> \"引号\" 'x' 😀 𠀀𪚥 **不加粗** #号 |竖线| a\\b"
    quoted = tricky.replace("'", "''")
    data, _ = edited_data(tmp_path, (r"^  transmitted: .*", f"  transmitted: '{quoted}'"),
                          (r"^    - 市委组织部", "    - 市委组织部<&>"))
    out = tmp_path / "x.docx"
    code, _stdout, stderr = run_cli("render", "report", str(data), "-o", str(out))
    assert code == 0, stderr
    texts = body_texts(out)
    assert any(f"现随文报来《{tricky}》，请审阅。" == t for t in texts), texts
    assert any("市委组织部<&>" in t for t in texts)
    import zipfile

    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "A&amp;B &lt;c&gt;" in xml and "😀 𠀀𪚥" in xml


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", "report", str(bomb))
    assert_clean_failure(code, stdout, stderr)
    assert f"{bomb}:" in stderr and "aliases (*name) expand to more than 100000 values" in stderr


def test_absurdly_large_input_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: '" + "字" * 2_000_000 + "'\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", "report", str(big))
    assert_clean_failure(code, stdout, stderr)
    assert "more than the 5 MiB allowed" in stderr


def test_output_name_from_data_cannot_escape(tmp_path: Path) -> None:
    project, _, _ = edited_project(tmp_path, (r"^  transmitted: .*", "  transmitted: ../../escaped"))
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "--doc", "summary")
    assert_clean_failure(code, stdout, stderr)
    assert "is not a plain file name" in stderr
    assert not list(tmp_path.rglob("escaped*"))


def test_write_failure_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    out = tmp_path / "report.docx"
    out.write_bytes(b"previous")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert f"{out}: cannot write output: No space left on device" in stderr
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]
