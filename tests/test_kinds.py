"""Kinds of document are known: an unknown kind is an error with the likely one, and each kind
has what it requires (《党政机关公文处理工作条例》 art. 8 and 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from reportgen import gongwen


def _validate(tmp_path: Path, front: str, body: str = "正文。") -> tuple[int, str]:
    template = tmp_path / "doc.md.j2"
    template.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text("year: 2021\n", encoding="utf-8")
    code, _stdout, stderr = run_cli("validate", str(template), str(data))
    return code, stderr


@pytest.mark.parametrize(("written", "meant"), [
    ("会议纪要", "纪要"), ("工作总结", "总结"), ("通之", "通知"), ("请示报告", "报告"), ("情示", "请示"),
    ("讲话稿", "讲话"), ("函件", "函"),
])
def test_an_unknown_kind_is_an_error_with_the_likely_one(tmp_path: Path, written: str, meant: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: {written}\ntitle: 关于某事的{meant}\nto: 某局\n")
    assert code == 1
    assert f"kind '{written}' is not a kind of document reportgen knows" in stderr
    assert f"did you mean {meant}?" in stderr
    assert "doc.md.j2" in stderr


@pytest.mark.parametrize("kind", sorted(gongwen.KINDS))
def test_every_known_kind_with_what_it_needs_passes(tmp_path: Path, kind: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: {kind}\ntitle: 关于某事的{kind}\nto: 某某局\n",
                             "特此说明。妥否，请批示。")
    assert code == 0, stderr


@pytest.mark.parametrize("kind", [k for k, v in gongwen.KINDS.items() if v.title])
def test_a_kind_that_needs_a_title_and_has_none_is_an_error(tmp_path: Path, kind: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: {kind}\nto: 某某局\n", "妥否，请批示。")
    assert code == 1 and f"a {kind} needs a title (标题)" in stderr


@pytest.mark.parametrize("kind", ["命令", "令", "纪要"])
def test_a_kind_whose_mark_stands_for_the_title_needs_none(tmp_path: Path, kind: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: {kind}\n")
    assert code == 0, stderr


@pytest.mark.parametrize("kind", ["请示", "报告", "函", "批复", "议案"])
def test_a_kind_sent_to_an_organ_needs_its_zhusong(tmp_path: Path, kind: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: {kind}\ntitle: 关于某事的{kind}\n", "妥否，请批示。")
    assert code == 1 and f"a {kind} needs its 主送机关" in stderr


@pytest.mark.parametrize("to", ["省委网信办、省发展改革委", "省委网信办，省财政厅", "甲、乙、丙"])
def test_a_qingshi_has_one_zhusong(tmp_path: Path, to: str) -> None:
    code, stderr = _validate(tmp_path, f"kind: 请示\ntitle: 关于某事的请示\nto: {to}\n", "妥否，请批示。")
    assert code == 1 and "a 请示 is sent to one organ" in stderr and "一文一事" in stderr


@pytest.mark.parametrize(("last", "warned"), [
    ("妥否，请批示。", False), ("以上请示，请予审批。", False), ("当否，请批复。", False),
    ("请审定。", False), ("特此报告。", True), ("我们将认真落实。", True),
])
def test_a_qingshi_ends_with_its_request(tmp_path: Path, last: str, warned: bool) -> None:
    front = "kind: 请示\ntitle: 关于某事的请示\nto: 某局\n"
    code, stderr = _validate(tmp_path, front, f"事由如下。\n\n{last}")
    assert code == 0
    assert ("a 请示 ends with its request" in stderr) is warned



@pytest.mark.parametrize("request_", ["妥否，请批示。", "请审定。", "以上请示，请予审批。", "当否，请批复。"])
def test_one_vocabulary_of_requests_for_a_qingshi_and_a_baogao(tmp_path: Path, request_: str) -> None:
    """What ends a 请示 is what a 报告 must not carry: one pattern (gongwen.REQUEST) for both."""
    front = "kind: {0}\ntitle: 关于某事的{0}\nto: 某局\n"
    code, stderr = _validate(tmp_path, front.format("请示"), f"事由如下。\n\n{request_}")
    assert code == 0 and "ends with its request" not in stderr
    code, stderr = _validate(tmp_path, front.format("报告"), f"情况如下。\n\n{request_}")
    assert code == 0 and "a 报告 asks for instructions" in stderr
