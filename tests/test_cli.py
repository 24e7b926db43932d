"""The command line: version, help with examples, preview, render, errors without tracebacks."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from conftest import DATA, EXAMPLE, body_texts, run_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_version() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and re.search(r"reportgen, version \d+\.\d+", out)


def test_every_command_has_help_with_an_example() -> None:
    from reportgen.cli import main

    assert {"build", "render", "preview", "validate", "new", "check"} <= set(main.commands)
    for command in main.commands:
        code, out, _ = run_cli(command, "--help")
        assert code == 0
        assert "Example" in out and f"reportgen {command}" in out


def test_python_dash_m_runs_the_same_command_line() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "reportgen", "--version"], capture_output=True, text=True,
                          env=env, cwd=root, check=False)
    assert done.returncode == 0 and re.search(r"reportgen, version \d+\.\d+", done.stdout)


def test_preview_shows_pages_of_22_by_28() -> None:
    code, out, _ = run_cli("preview", str(EXAMPLE), "--doc", "summary")
    assert code == 0
    out = ANSI.sub("", out)
    pages = out.split("┌")[1:]
    assert len(pages) == 6
    for number, page in enumerate(pages, 1):
        rows = [line for line in page.splitlines() if line.startswith("│")]
        assert len(rows) == 22
        footer = page.split("┘", 1)[1].splitlines()[1]
        assert footer.strip() == f"— {number} —"
        indent = len(footer) - len(footer.lstrip(" "))
        if number % 2:
            assert indent > 40  # odd pages: right
        else:
            assert indent == 2  # even pages: left
    assert "一、高度重视，精心部署" in out
    assert "1.认真开展调研，明确工作思路。" in out


def test_preview_of_the_cover_letter_shows_head_rule_and_colophon() -> None:
    code, out, _ = run_cli("preview", str(EXAMPLE), "--doc", "report")
    assert code == 0
    assert "中共宝鸡市委网信办" in out and "宝网信办发〔2020〕38号" in out
    rows = ANSI.sub("", out).splitlines()
    number_row = next(i for i, row in enumerate(rows) if "宝网信办发〔2020〕38号" in row)
    assert "=" * 40 in rows[number_row + 1]  # the red rule under the 文号
    assert "抄送：市委组织部" in out
    assert out.count("┌") == 2  # the 版记 goes to the bottom of page 2


def test_preview_template_and_data() -> None:
    code, out, _ = run_cli("preview", "report", str(DATA), "--markup")
    assert code == 0
    assert "现随文报来《2020年宝鸡市互联网企业党建工作总结》，请审阅。" in out
    assert '"宝网信办发〔2020〕38号"' in out


def test_render_one_document(tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    code, _stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    assert code == 0, stderr
    texts = body_texts(out)
    assert texts[0] == "中共宝鸡市委网信办"
    assert "抄送：市委组织部。" in texts  # outside the example the standard's full stop applies


def test_render_with_a_template_path(tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    code, _, stderr = run_cli("render", str(EXAMPLE / "summary.md.j2"), str(DATA), "-o", str(out))
    assert code == 0, stderr
    assert body_texts(out)[0] == "2020年宝鸡市互联网企业党建工作总结"


def test_missing_value_is_an_error_with_template_line(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text("---\ntitle: 标题\n---\n全市企业{{ registry.enterprizes }}户。\n", encoding="utf-8")
    out = tmp_path / "x.docx"
    code, stdout, stderr = run_cli("render", str(template), str(DATA), "-o", str(out))
    assert code == 1
    assert "registry.enterprizes" in stderr and "t.md.j2:4" in stderr
    assert "Traceback" not in stderr + stdout
    assert not out.exists()


def test_bad_yaml_is_reported_with_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "bad.yaml"
    data.write_text("registry:\n  enterprises: [31\n", encoding="utf-8")
    code, _, stderr = run_cli("render", "report", str(data), "-o", str(tmp_path / "x.docx"))
    assert code == 1
    assert re.search(r"bad\.yaml:\d+:\d+", stderr)
    assert "Traceback" not in stderr


def test_python_tags_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "evil.yaml"
    data.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    code, _, stderr = run_cli("render", "report", str(data), "-o", str(tmp_path / "x.docx"))
    assert code == 1
    assert "evil.yaml:1" in stderr and "tag not allowed" in stderr


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text("---\ntitle: x\n---\n{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    code, _, stderr = run_cli("render", str(template), str(DATA), "-o", str(tmp_path / "x.docx"))
    assert code == 1
    assert "t.md.j2" in stderr and "Traceback" not in stderr


def test_failed_build_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    out.write_bytes(b"previous")
    template = tmp_path / "t.md.j2"
    template.write_text("{{ nothing }}", encoding="utf-8")
    code, _, _ = run_cli("render", str(template), str(DATA), "-o", str(out))
    assert code == 1
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_gets_the_permissions_of_a_plain_write(tmp_path: Path) -> None:
    """Written through a temporary file, yet readable by others as any new file (umask 022 here)."""
    out = tmp_path / "letter.docx"
    previous = os.umask(0o022)
    try:
        code, _stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    finally:
        os.umask(previous)
    assert code == 0, stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_unknown_project_document(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(EXAMPLE), "--doc", "nope", "-o", str(tmp_path))
    assert code == 1 and "no document named 'nope'" in stderr and "report, summary" in stderr


def test_not_a_project(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(tmp_path))
    assert code == 1 and "no reportgen.yaml" in stderr


def test_blank_page_and_colophon_page_are_unnumbered(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    body = "\n\n".join(["字" * 54] * 21)
    template.write_text(f"---\ntitle: 标题\ncc: [甲]\n---\n{body}\n", encoding="utf-8")
    code, out, _ = run_cli("preview", str(template), str(DATA))
    assert code == 0
    assert "— 2 —" in out and "— 3 —" not in out and "— 4 —" not in out
    docx = tmp_path / "x.docx"
    assert run_cli("render", str(template), str(DATA), "-o", str(docx))[0] == 0
    from docx import Document

    sections = Document(str(docx)).sections
    assert len(sections) == 2
    assert all(p.text == "" for p in sections[1].footer.paragraphs)
    assert all(p.text == "" for p in sections[1].even_page_footer.paragraphs)


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    """`reportgen init --list | head -1`: the reader stops early; no internal error, no traceback."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-m", "reportgen", "init", "--list"], cwd=root, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # before the child has started: its first write finds no reader
        err = child.stderr.read().decode()
        child.wait()
        assert "internal error" not in err and "Traceback" not in err and "Exception" not in err, err
        assert child.returncode in (0, 141)
