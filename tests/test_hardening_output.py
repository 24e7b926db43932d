"""Hostile outputs: names that escape or that Windows cannot open, collisions, targets that are not
files or are the command's own inputs, failures while writing, crashes and killed workers, -j,
roll-up globs through symlinks, and reportgen.yaml problems reported together at their lines."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, ROLLUP, ROOT, assert_clean_failure, copy_project, line_of_file, run_cli

ORGANS = ["省委网信办", "市委组织部", "市委宣传部", "市发展改革委", "市工业和信息化局"]


def letters(root: Path, entries: list[str], extra: str = "") -> Path:
    """A project of cover letters; ``entries`` are the inner text of each document mapping."""
    (root / "data").mkdir(parents=True)
    lines = [f"data: [{DATA}]", "documents:"]
    for n, entry in enumerate(entries, 1):
        (root / "data" / f"v{n}.yaml").write_text(
            f"document:\n  number: {n}\n  to: {ORGANS[n % len(ORGANS)]}\n", encoding="utf-8")
        lines.append(f"  - {{template: report, data: data/v{n}.yaml, {entry}}}")
    (root / "reportgen.yaml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return root


def numbered(root: Path, count: int) -> Path:
    return letters(root, [f"name: letter{n}, output: 'letter{n}.docx'" for n in range(1, count + 1)])


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar holding ``value`` exactly."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if 32 <= ord(c) != 0x7F and not 0x2000 <= ord(c) <= 0x206F else f"\\u{ord(c):04x}"
                         for c in escaped) + '"'


# 1. Output names: one check for the document's name, the output: pattern and the data it reads.

BAD_NAMES = [
    ("../escaped", "folder separator"),
    ("../../../../tmp/escaped-abs", "folder separator"),
    ("/tmp/escaped-absolute", "folder separator"),
    ("sub/report", "folder separator"),
    ("sub\\report", "folder separator"),
    ("..", "starts with a dot"),
    (".hidden", "starts with a dot"),
    ("CON", "device name on Windows"),
    ("nul", "device name on Windows"),
    ("Com1", "device name on Windows"),
    ("LPT9.backup", "device name on Windows"),
    ("aux .old", "device name on Windows"),
    ("C:report", "Windows does not allow"),
    ("report?", "Windows does not allow"),
    ('say "hi"', "Windows does not allow"),
    ("a<b>c", "Windows does not allow"),
    ("a|b*c", "Windows does not allow"),
    ("tab\there", "control character"),
    ("bell\x07", "control character"),
    ("invoice\u202excod.exe", "text-direction mark"),
    ("left\u2066isolate", "text-direction mark"),
    ("mark\u200f", "text-direction mark"),
    ("字" * 84, "bytes long"),
]


@pytest.mark.parametrize(("name", "why"), BAD_NAMES)
def test_a_document_name_that_is_no_file_name_is_refused_at_its_line(tmp_path: Path, name: str,
                                                                     why: str) -> None:
    project = letters(tmp_path / "p", [f"name: {yaml_text(name)}", "name: fine"])
    out = tmp_path / "deep" / "er" / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    line = line_of_file(project / "reportgen.yaml", "data/v1.yaml")
    assert f"reportgen.yaml:{line}:" in stderr and "documents[0].name" in stderr
    assert why in stderr and "is not a plain file name" in stderr
    assert not out.exists()  # nothing at all is built from a project file with a problem
    assert not [p for p in tmp_path.rglob("*") if "escaped" in p.name]
    assert not Path("/tmp/escaped-absolute.docx").exists()


@pytest.mark.parametrize(("name", "why"), BAD_NAMES[::2])
def test_a_literal_output_name_is_checked_at_its_output_line(tmp_path: Path, name: str, why: str) -> None:
    project = letters(tmp_path / "p", [f"name: one, output: {yaml_text(name)}"])
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert "documents[0].output" in stderr and why in stderr


@pytest.mark.parametrize(("value", "why"), [
    ("../../escaped", "folder separator"),
    ("/etc/escaped", "folder separator"),
    ("PRN", "device name on Windows"),
    ("trailing.", "starts with a dot"),  # "trailing..docx" is fine; see the next case
    ("名\u202e称", "text-direction mark"),
    ("字" * 84, "bytes long"),
])
def test_an_output_name_from_the_data_is_checked_and_points_at_the_output_line(
        tmp_path: Path, value: str, why: str) -> None:
    entry = "name: one, output: '{{ document.label }}.docx'"
    project = letters(tmp_path / "p", [entry, "name: two, output: 'two.docx'"])
    (project / "data" / "v1.yaml").write_text(
        f"document:\n  number: 1\n  to: 省委网信办\n  label: {yaml_text(value)}\n", encoding="utf-8")
    if value == "trailing.":  # a name may end with a dot before .docx; it may not start with one
        (project / "data" / "v1.yaml").write_text(
            "document:\n  number: 1\n  to: 省委网信办\n  label: .trailing\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    line = line_of_file(project / "reportgen.yaml", "document.label")
    assert f"one: {project / 'reportgen.yaml'}:{line}:" in stderr and why in stderr
    assert "builtin" not in stderr  # the place is the output: line, not the template
    assert listing(out) == ["two.docx"]  # the other document is still written
    assert not [p for p in tmp_path.rglob("*escaped*")]


def test_a_long_chinese_name_that_fits_is_written(tmp_path: Path) -> None:
    """80 characters are 240 bytes; with .docx 245 — under 255, and the temporary name does not add to it."""
    name = ("关于" + "宝鸡市互联网企业党建工作" * 7)[:80]
    project = letters(tmp_path / "p", [f"name: {name}"])
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr
    assert listing(out) == [f"{name}.docx"]
    too_long = letters(tmp_path / "q", [f"name: {name}字字字字"])
    code, stdout, stderr = run_cli("build", str(too_long), "-o", str(tmp_path / "out2"))
    assert_clean_failure(code, stdout, stderr)
    assert "is 257 bytes long; a file name may have at most 255" in stderr


@pytest.mark.parametrize("name", ["CON.docx", "a\u202eb.docx", "x:y.docx", ".docx", "字" * 90 + ".docx"])
def test_render_checks_the_name_given_with_o(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "is not a plain file name" in stderr and "-o" in stderr
    assert listing(tmp_path) == []


def test_render_writes_into_sub_folders_of_an_explicit_path(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "报告.docx"
    code, _, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    assert code == 0, stderr
    assert out.is_file()


# 3. Collisions: names that are one file on a case-insensitive or normalising file system.

@pytest.mark.parametrize(("first", "second"), [
    ("report.docx", "report.DOCX"),
    ("Report.docx", "REPORT.docx"),
    ("report", "Report.docx"),
    (unicodedata.normalize("NFC", "café.docx"), unicodedata.normalize("NFD", "café.docx")),
    ("STRASSE.docx", "straße.docx"),
])
def test_output_names_that_differ_only_in_case_or_form_collide(tmp_path: Path, first: str,
                                                               second: str) -> None:
    project = letters(tmp_path / "p", [f"name: a, output: {yaml_text(first)}",
                                       "name: b, output: 'other.docx'",
                                       f"name: c, output: {yaml_text(second)}"])
    out = tmp_path / "out"
    for jobs in ("1", "2"):
        code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "-j", jobs)
        assert_clean_failure(code, stdout, stderr)
        assert "c: " in stderr and "would overwrite" in stderr and "written by document 'a'" in stderr
        line = line_of_file(project / "reportgen.yaml", "name: c")
        assert f"reportgen.yaml:{line}:" in stderr
        written = listing(out)
        assert len(written) == 2 and "other.docx" in written
        assert first in written or f"{first}.docx" in written  # the first document's file, untouched


def test_collision_with_pdf_keeps_the_first_documents_pdf(tmp_path: Path) -> None:
    import shutil

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    project = letters(tmp_path / "p", ["name: a, output: 'report.docx'", "name: b, output: 'report.DOCX'"])
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "--pdf")
    assert_clean_failure(code, stdout, stderr)
    assert listing(out) == ["report.docx", "report.pdf"]
    assert "b: " in stderr and "the same file on Windows and macOS" in stderr


# 4. Targets that are not regular files, or are the command's own inputs.

def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["devnull", "fifo", "stdout-link", "folder", "link-to-fifo"])
def test_render_refuses_a_target_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    if kind == "devnull":
        target = Path(os.devnull)
    elif kind == "fifo":
        target = _fifo(tmp_path / "pipe.docx")
    elif kind == "stdout-link":
        target = tmp_path / "out.docx"
        target.symlink_to("/proc/self/fd/1")
    elif kind == "folder":
        target = tmp_path / "folder.docx"
        target.mkdir()
    else:
        target = tmp_path / "link.docx"
        target.symlink_to(_fifo(tmp_path / "pipe"))
    before = sorted(tmp_path.iterdir())
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(target))
    assert_clean_failure(code, stdout, stderr)
    assert "cannot write output" in stderr and ("not a regular file" in stderr or "a folder" in stderr)
    assert sorted(tmp_path.iterdir()) == before
    if kind == "stdout-link":
        assert target.is_symlink()


@pytest.mark.parametrize("which", ["data", "template", "contract", "prev", "link-to-data", "hard-link"])
def test_render_refuses_to_overwrite_its_own_input(tmp_path: Path, which: str) -> None:
    data = tmp_path / "facts-2020.yaml"
    data.write_bytes(DATA.read_bytes())
    template = tmp_path / "t.md.j2"
    template.write_text((ROOT / "templates" / "report.md.j2").read_text(encoding="utf-8"), encoding="utf-8")
    contract = tmp_path / "c.contract.yaml"
    contract.write_text("rules: []\n", encoding="utf-8")
    prev = tmp_path / "facts-2019.yaml"
    prev.write_bytes(DATA.read_bytes())
    targets = {"data": data, "template": template, "contract": contract, "prev": prev,
               "link-to-data": tmp_path / "link.docx", "hard-link": tmp_path / "hard.docx"}
    target = targets[which]
    if which == "link-to-data":
        target.symlink_to(data)
    elif which == "hard-link":
        os.link(data, target)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = ["render", str(template), str(data), "-o", str(target), "--contract", str(contract),
            "--prev", str(prev)]
    code, stdout, stderr = run_cli(*args)
    assert_clean_failure(code, stdout, stderr)
    assert "is an input of this command" in stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_build_refuses_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 2)
    out = tmp_path / "out"
    out.write_bytes(b"keep")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert f"{out}: cannot write output: {out} is not a folder" in stderr
    assert out.read_bytes() == b"keep"


def test_build_refuses_outputs_that_are_links_to_devices_or_inputs(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 3)
    out = tmp_path / "out"
    out.mkdir()
    (out / "letter1.docx").symlink_to(os.devnull)
    (out / "letter2.docx").symlink_to(project / "data" / "v2.yaml")
    data_before = (project / "data" / "v2.yaml").read_bytes()
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "letter1: " in stderr and "not a regular file" in stderr
    assert "letter2: " in stderr and "is an input of this command" in stderr
    assert (project / "data" / "v2.yaml").read_bytes() == data_before
    assert (out / "letter3.docx").is_file() and not (out / "letter3.docx").is_symlink()
    assert "1 份 documents written, 2 failed" in stderr


@pytest.mark.parametrize("kind", ["same", "devnull", "fifo", "link"])
def test_new_refuses_its_own_input_and_non_files(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "baoji-2020.yaml"
    data.write_bytes(DATA.read_bytes())
    target = {"same": data, "devnull": Path(os.devnull), "fifo": tmp_path / "pipe.yaml",
              "link": tmp_path / "link.yaml"}[kind]
    if kind == "fifo":
        _fifo(target)
    if kind == "link":
        target.symlink_to(data)
    code, stdout, stderr = run_cli("new", str(data), "-o", str(target), "--force")
    assert_clean_failure(code, stdout, stderr)
    assert "cannot write output" in stderr or "would replace the file it is made from" in stderr
    assert data.read_bytes() == DATA.read_bytes()


# 7. One document's crash, or a killed worker, does not lose the others.

@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyError("missing"), ZeroDivisionError(),
                                   RecursionError("deep")])
@pytest.mark.parametrize("victim", ["letter1", "letter3", "letter5"])
def test_an_unexpected_error_fails_its_document_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     error: Exception, victim: str) -> None:
    import reportgen.batch as batch

    real = batch.render_job_document

    def failing(job: batch.Job):  # type: ignore[no-untyped-def]
        if job.name == victim:
            raise error
        return real(job)

    monkeypatch.setattr(batch, "render_job_document", failing)
    project = numbered(tmp_path / "p", 5)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "-j", "1")
    assert_clean_failure(code, stdout, stderr)
    assert f"{victim}: " in stderr and "内部错误 internal error" in stderr
    assert type(error).__name__ in stderr
    line = line_of_file(project / "reportgen.yaml", f"name: {victim},")
    assert f"reportgen.yaml:{line}:" in stderr
    assert listing(out) == [f"letter{n}.docx" for n in range(1, 6) if f"letter{n}" != victim]
    assert "4 份 documents written, 1 failed" in stderr


def test_validate_reports_an_unexpected_error_and_checks_the_other_documents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.batch as batch

    real = batch.render_job_document

    def failing(job: batch.Job):  # type: ignore[no-untyped-def]
        if job.name == "letter2":
            raise AttributeError("'NoneType' object has no attribute 'x'")
        return real(job)

    monkeypatch.setattr(batch, "render_job_document", failing)
    project = numbered(tmp_path / "p", 3)
    code, stdout, stderr = run_cli("validate", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert "内部错误 internal error: AttributeError" in stderr
    assert "✗ letter2: 1 错误 errors" in stdout
    assert "✓ letter1" in stdout and "✓ letter3" in stdout


KILLER = textwrap.dedent("""
    import os, signal, sys
    import reportgen.batch as batch
    from reportgen.cli import main

    victims = set(sys.argv[1].split(","))
    real = batch.render_job_document

    def deadly(job):
        if job.name in victims and os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job)

    PARENT = os.getpid()
    batch.render_job_document = deadly
    main(sys.argv[2:])
""")


@pytest.mark.parametrize("victims", [["letter3"], ["letter2", "letter6"], ["letter6"]])
def test_a_killed_worker_fails_its_document_only(tmp_path: Path, victims: list[str]) -> None:
    project = numbered(tmp_path / "p", 6)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", KILLER, ",".join(victims), "build", str(project),
                             "-o", str(out), "-j", "2"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert_clean_failure(result.returncode, result.stdout, result.stderr)
    for victim in victims:
        assert f"{victim}: " in result.stderr
    assert result.stderr.count("内部错误 internal error: the process rendering it stopped") == len(victims)
    assert listing(out) == [f"letter{n}.docx" for n in range(1, 7) if f"letter{n}" not in victims]
    assert f"{6 - len(victims)} 份 documents written, {len(victims)} failed" in result.stderr


# 8. Writing fails: every OSError is a message with the file, the old file stays, no temporary is left.

@pytest.mark.parametrize(("where", "code_", "expected"), [
    ("mkstemp", errno.EACCES, "you may not write in this folder"),
    ("mkstemp", errno.EROFS, "read-only disk"),
    ("mkstemp", errno.ENOSPC, "the disk is full"),  # no inodes left is ENOSPC too
    ("mkstemp", errno.EDQUOT, "quota"),
    ("fsync", errno.ENOSPC, "the disk is full"),
    ("fsync", errno.EIO, "check the output folder"),
    ("replace", errno.EACCES, "you may not write in this folder"),
    ("mkdir", errno.EROFS, "read-only disk"),
])
def test_every_write_failure_is_a_message_and_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code_: int, expected: str) -> None:
    out = tmp_path / "out" / "report.docx"
    if where != "mkdir":
        out.parent.mkdir()
        out.write_bytes(b"previous")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(code_, os.strerror(code_))

    target = {"mkstemp": (tempfile, "mkstemp"), "fsync": (os, "fsync"), "replace": (os, "replace"),
              "mkdir": (Path, "mkdir")}[where]
    monkeypatch.setattr(*target, broken)
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert f"{out}: cannot write output: {os.strerror(code_)}" in stderr
    assert expected in stderr and "any previous file of that name is unchanged" in stderr
    if where != "mkdir":
        assert out.read_bytes() == b"previous"
        assert listing(out.parent) == ["report.docx"]


def test_a_write_failure_in_build_fails_each_document_and_leaves_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync
    calls = []

    def every_other(fd: int) -> None:
        calls.append(fd)
        if len(calls) % 2 == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", every_other)
    project = numbered(tmp_path / "p", 4)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "-j", "1")
    assert_clean_failure(code, stdout, stderr)
    assert listing(out) == ["letter1.docx", "letter3.docx"]
    assert stderr.count("cannot write output: No space left on device") == 2


def test_real_failures_output_under_a_file_and_a_path_too_long(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(blocker / "sub" / "r.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "cannot write output" in stderr and "not a folder" in stderr
    deep = tmp_path.joinpath(*["长目录名" * 10] * 40) / "r.docx"  # well over PATH_MAX (4096 bytes)
    code, stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(deep))
    assert_clean_failure(code, stdout, stderr)
    assert "cannot write output" in stderr and "too long" in stderr


SLOW_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from reportgen.files import temporaries_removed_on_sigterm, write_atomic

    real = os.fsync
    def slow(fd):
        print("writing", flush=True)
        time.sleep(30)
        real(fd)
    os.fsync = slow
    with temporaries_removed_on_sigterm():
        write_atomic(Path(sys.argv[1]), b"new" * 1000)
""")


def test_sigterm_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"previous")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    assert len(listing(tmp_path)) == 2  # the temporary file exists now
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in stderr
    assert listing(tmp_path) == ["report.docx"]
    assert target.read_bytes() == b"previous"


# 14. Roll-up globs through symlinks; -j capped.

def test_rollup_glob_through_a_symlink_cycle_ends_and_counts_each_file_once(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    districts = project / "districts"
    (districts / "loop").symlink_to("..", target_is_directory=True)
    (districts / "self").symlink_to(".", target_is_directory=True)
    (project / "mirror").symlink_to("districts", target_is_directory=True)
    yaml = project / "reportgen.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(
        "from: districts/*-2020.yaml",
        "from: [districts/**/*-2020.yaml, mirror/*-2020.yaml, districts/self/*-2020.yaml]"),
        encoding="utf-8")
    started = time.perf_counter()
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr  # the city's stated 27 still equals 12 + 9 + 6: no district counted twice
    assert time.perf_counter() - started < 30
    from reportgen.project import load_project
    from reportgen.rollup import district_files

    rollup = load_project(project).years.rollup
    assert rollup is not None
    files, problems = district_files(rollup)
    assert not problems and len(files) == 3


def test_rollup_hidden_files_are_left_out_unless_named(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    (project / "districts" / ".4-ding-2020.yaml").write_text("registry: {enterprises: 100}\n",
                                                             encoding="utf-8")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr


@pytest.mark.parametrize(("requested", "documents", "expected", "noted"), [
    (None, 1, 1, False), (None, 3, 1, False), (None, 7, 1, False), (None, 8, None, False),
    (1, 10, 1, False), (2, 2, 2, False), (2, 1, 1, False),
    (1000, 10, None, True), (33, 100, None, True),
])
def test_worker_count_is_capped(requested: int | None, documents: int, expected: int | None,
                                noted: bool) -> None:
    from reportgen.batch import MAX_WORKERS, default_workers, worker_count

    count, note = worker_count(requested, documents)
    cap = min(default_workers() * (2 if requested else 1), MAX_WORKERS, documents)
    assert count == (expected if expected is not None else cap)
    assert (note is not None) == noted
    if note:
        assert f"-j {requested}" in note and f"using {count} worker" in note


def test_a_huge_j_is_capped_with_a_note_and_writes_the_same_bytes(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 5)
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "a"), "-j", "100000")
    assert code == 0, stderr
    assert "注意 note: -j 100000 is more than this machine can use" in stderr
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "b"), "-j", "1")
    assert code == 0, stderr
    assert "note" not in stderr
    for name in listing(tmp_path / "a"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# 20. reportgen.yaml: every problem at once, each at its line.

def test_every_project_file_problem_is_reported_together(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "reportgen.yaml").write_text(textwrap.dedent("""\
        data: 5
        contract: [1, 2]
        output: 7
        colour: red
        documents:
          - {name: a, template: report, output: 5}
          - {name: b, template: report, output: [x.docx, y.docx]}
          - {name: ../c, template: report}
          - {name: d, template: report, data: {x: 1}}
          - {name: e, template: report, output: 'CON.docx'}
        """), encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(project))
    assert_clean_failure(code, stdout, stderr)
    file = project / "reportgen.yaml"
    expected = [
        ("data: 5", "data must be a path or a list of paths"),
        ("contract: [1, 2]", "contract must be a path or a list of paths"),
        ("output: 7", "output must be the path of the output folder"),
        ("colour: red", "unknown key 'colour'"),
        ("name: a,", "output must be a file name (text), not 5"),
        ("name: b,", "output must be a file name (text), not ['x.docx', 'y.docx']"),
        ("name: ../c,", "folder separator"),
        ("name: d,", "data must be a path or a list of paths"),
        ("name: e,", "device name on Windows"),
    ]
    for needle, message in expected:
        line = line_of_file(file, needle)
        rows = stderr.splitlines()
        assert any(f"{file}:{line}:" in row and message in row for row in rows), (needle, stderr)
    assert not (project / "out").exists()


@pytest.mark.parametrize("command", ["build", "validate", "preview"])
def test_a_bad_output_pattern_names_its_line_for_every_command(tmp_path: Path, command: str) -> None:
    project = copy_project(EXAMPLE, tmp_path)
    yaml = project / "reportgen.yaml"
    text = yaml.read_text(encoding="utf-8").replace("../../data/baoji-2020.yaml", str(DATA))
    yaml.write_text(text.replace('output: "{{ document.transmitted }}.docx"',
                                 'output: "{{ document.transmitted | nosuchfilter }}.docx"'),
                    encoding="utf-8")
    code, stdout, stderr = run_cli(command, str(project), "--doc", "summary")
    assert_clean_failure(code, stdout, stderr)
    line = line_of_file(yaml, "nosuchfilter")
    assert f"{yaml}:{line}:" in stderr and "cannot be rendered" in stderr


SLOW_BUILD = textwrap.dedent("""
    import os, sys, time
    from reportgen.cli import main

    real = os.fsync
    calls = []
    def slow(fd):
        calls.append(fd)
        if len(calls) == 2:
            print("writing", flush=True)
            time.sleep(30)
        real(fd)
    os.fsync = slow
    main(sys.argv[1:])
""")


def test_sigterm_during_a_build_leaves_written_files_and_no_temporary(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 3)
    out = tmp_path / "out"
    out.mkdir()
    (out / "letter2.docx").write_bytes(b"last year's")
    command = [sys.executable, "-c", SLOW_BUILD, "build", str(project), "-o", str(out), "-j", "1"]
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    while (line := proc.stdout.readline()) and line.strip() != "writing":
        pass
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in stderr
    assert listing(out) == ["letter1.docx", "letter2.docx"]
    assert (out / "letter2.docx").read_bytes() == b"last year's"


def test_check_reports_every_file_and_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip", encoding="utf-8")
    code, stdout, stderr = run_cli("check", str(bad), str(tmp_path / "missing.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert f"{bad}: " in stderr and "not a .docx file" in stderr
    assert f"{tmp_path / 'missing.docx'}: " in stderr
    code, stdout, _ = run_cli("check", "--format", "json", str(bad))
    report = json.loads(stdout)
    assert code == 1 and report["files"][0]["problems"][0]["place"] == str(bad)


@pytest.mark.parametrize("level", ["project", "document"])
def test_build_refuses_to_replace_the_reference_docx(tmp_path: Path, level: str) -> None:
    from test_house_style import make_reference

    project = tmp_path / "p"
    project.mkdir()
    reference = make_reference(project / "house.docx")
    before = reference.read_bytes()
    style = "    style: {reference: house.docx}\n" if level == "document" else ""
    head = "style:\n  reference: house.docx\n" if level == "project" else ""
    (project / "reportgen.yaml").write_text(
        f"{head}data: [{DATA}]\ndocuments:\n  - name: house\n    template: report\n{style}"
        "  - name: other\n    template: report\n", encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(project))
    assert_clean_failure(code, stdout, stderr)
    assert "house: " in stderr and "is an input of this command" in stderr
    assert reference.read_bytes() == before
    assert (project / "other.docx").is_file()


def test_output_pattern_runs_under_the_template_limits(tmp_path: Path) -> None:
    """An output: pattern is a template too: a loop in it stops at the operation limit."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "reportgen.yaml").write_text(
        f"data: {DATA}\ndocuments:\n"
        "  - name: a\n    template: report\n"
        "    output: \"{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}a\"\n",
        encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(root), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "output name" in stderr and "operations" in stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("command", [["preview", "report"], ["validate", "report"], ["render", "report"]])
def test_an_unexpected_error_in_any_command_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         command: list[str]) -> None:
    """Outside build too, a fault of reportgen's own is one line and exit 1, never a traceback."""
    import reportgen.project

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a fault")

    monkeypatch.setattr(reportgen.project, "render_document", broken)
    args = [*command, str(DATA)] + (["-o", str(tmp_path / "x.docx")] if command[0] == "render" else [])
    code, stdout, stderr = run_cli(*args)
    assert_clean_failure(code, stdout, stderr)
    assert "内部错误 internal error" in stderr and "ZeroDivisionError: a fault" in stderr
    assert not (tmp_path / "x.docx").exists()
