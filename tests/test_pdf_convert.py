"""How --pdf drives LibreOffice: one soffice process for all files, failures reported by file name.

The rendered result itself is measured in test_render_pdf.py, test_render_kitchen.py and
test_linebreak_rules.py. Here a stand-in ``soffice`` first on PATH either logs each start and
hands over to the real one (render tests), or misbehaves on purpose (no LibreOffice needed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import DATA, EXAMPLE, REPORT_NAME, SUMMARY_NAME, run_cli

from reportgen.errors import OutputError
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx
from reportgen.writers.pdf import build_id, convert


def _stand_in(folder: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a shell script named soffice first on PATH."""
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")


def _counting_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real soffice behind a stand-in that logs every start; returns the log."""
    real = shutil.which("soffice")
    if real is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    log = tmp_path / "starts.log"
    log.touch()
    _stand_in(tmp_path / "bin", f'echo start >> "{log}"\nexec "{real}" "$@"', monkeypatch)
    return log


def _docx(path: Path, title: str) -> Path:
    document = parse(f"---\nkind: 通知\ntitle: {title}\n---\n正文写于2020年12月15日，共3项。\n")
    path.write_bytes(write_docx(plan(document), document))
    return path


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "")


@pytest.mark.render
def test_build_converts_every_document_in_one_soffice_start(tmp_path: Path, monkeypatch) -> None:
    log = _counting_soffice(tmp_path, monkeypatch)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(EXAMPLE), "-o", str(out), "--pdf")
    assert code == 0, stderr
    assert log.read_text().splitlines() == ["start"]
    report, summary = (out / Path(name).with_suffix(".pdf").name for name in (REPORT_NAME, SUMMARY_NAME))
    assert f"pdf: {report}" in stdout and f"pdf: {summary}" in stdout
    # Each PDF holds its own document, not the other's.
    assert "宝网信办发〔2020〕38号" in _pdf_text(report)
    assert "2020年宝鸡市互联网企业党建工作总结" in _pdf_text(summary).replace("\n", "")


@pytest.mark.render
def test_a_file_libreoffice_cannot_open_is_named_and_the_others_convert(tmp_path: Path, monkeypatch) -> None:
    log = _counting_soffice(tmp_path, monkeypatch)
    first = _docx(tmp_path / "first.docx", "第一件")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as package:  # a zip with XML in it, but no Word document
        package.writestr("word/document.xml", "<a/>")
    last = _docx(tmp_path / "last.docx", "第三件")
    out = tmp_path / "out"
    (out / "broken.pdf").parent.mkdir()
    (out / "broken.pdf").write_bytes(b"last year's")
    with pytest.raises(OutputError) as caught:
        convert([first, broken, last], out)
    assert log.read_text().splitlines() == ["start"]
    (problem,) = caught.value.problems
    assert problem.place.file == str(broken)
    assert "LibreOffice could not convert it to PDF" in problem.message
    assert problem.hint and ".docx was written" in problem.hint
    assert (out / "broken.pdf").read_bytes() == b"last year's"
    assert "第一件" in _pdf_text(out / "first.pdf") and "第三件" in _pdf_text(out / "last.pdf")


@pytest.mark.render
def test_the_profile_is_made_for_the_installed_libreoffice(tmp_path: Path) -> None:
    """Its build id, as the first start records it: without it soffice.bin starts a second time."""
    real = shutil.which("soffice")
    if real is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    profile = tmp_path / "profile"
    subprocess.run([real, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--terminate_after_init"], capture_output=True, timeout=120, check=True)
    assert build_id(real) == (profile / "user" / "extensions" / "buildid").read_text().strip()
    assert build_id(str(tmp_path / "soffice")) is None


def test_without_libreoffice_the_docx_is_written_and_the_message_says_what_to_install(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "letter.docx"
    code, _stdout, stderr = run_cli("render", "report", str(DATA), "-o", str(out), "--pdf")
    assert code == 1
    assert "LibreOffice (soffice) is not installed" in stderr and "apt-get install" in stderr
    assert "Traceback" not in stderr
    assert out.is_file() and not out.with_suffix(".pdf").exists()


def test_soffice_stopping_early_names_the_file_it_was_on(tmp_path: Path, monkeypatch) -> None:
    _stand_in(tmp_path / "bin", 'echo "soffice: cannot start" >&2\nexit 3', monkeypatch)
    files = [_docx(tmp_path / "a.docx", "甲"), _docx(tmp_path / "b.docx", "乙")]
    with pytest.raises(OutputError) as caught:
        convert(files, tmp_path / "out")
    first, second = caught.value.problems
    assert first.place.file == str(files[0])
    assert first.message == ("LibreOffice stopped (exit status 3): soffice: cannot start "
                             "while converting it to PDF")
    assert second.place.file == str(files[1])
    assert "had stopped before it" in second.message
    assert not (tmp_path / "out" / "a.pdf").exists()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_timeout_stops_soffice_and_what_it_started(tmp_path: Path, monkeypatch) -> None:
    pid_file = tmp_path / "child.pid"
    # Like oosplash, which starts soffice.bin and waits for it.
    _stand_in(tmp_path / "bin", f'sleep 300 &\necho $! > "{pid_file}"\nwait', monkeypatch)
    docx = _docx(tmp_path / "slow.docx", "慢")
    started = time.monotonic()
    with pytest.raises(OutputError) as caught:
        convert([docx], tmp_path / "out", timeout=2)
    assert time.monotonic() - started < 30
    (problem,) = caught.value.problems
    assert problem.place.file == str(docx)
    assert problem.message == "LibreOffice did not finish within 2 s while converting it to PDF"
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)
