"""Shared fixtures: the repository layout, the example built once, reading .docx text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "baoji-2020"
COMPARE = ROOT / "examples" / "compare-illustrative"
ROLLUP = ROOT / "examples" / "rollup-illustrative"
KITCHEN_SINK = ROOT / "examples" / "kitchen-sink"
DATA = ROOT / "data" / "baoji-2020.yaml"
# The printed 宝网信办发〔2020〕38号 and its summary as text (tests/fixtures/README.md).
REFERENCE = ROOT / "tests" / "fixtures" / "baoji-2020-printed.txt"
REPORT_NAME = "宝网信办发〔2020〕38号.docx"
SUMMARY_NAME = "2020年宝鸡市互联网企业党建工作总结.docx"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_texts(path: Path) -> list[str]:
    """Text of every paragraph in body order as printed, table cell paragraphs in, empty ones dropped."""
    from docx import Document

    doc = Document(str(path))
    texts: list[str] = []
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    for p in doc.element.body.iter(f"{W}p"):
        if any(a.tag == fallback for a in p.iterancestors()):
            continue  # a text box kept twice (DrawingML and VML): its Choice is read
        # The paragraph's own text: a text box anchored in it has paragraphs of its own.
        own = [node for node in p.iter(f"{W}t", f"{W}br") if next(node.iterancestors(f"{W}p")) is p]
        text = "".join((node.text or "") if node.tag == f"{W}t" else "\n" for node in own)
        text = text.replace("\u2060", "")  # word joiners (writers/docx.joiner_offsets) print as nothing
        if text.strip():
            texts.append(text)
    return texts


def docx_xml(path: Path, part: str = "word/document.xml"):  # type: ignore[no-untyped-def]
    """A part of a .docx, parsed with lxml."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(part))


def para_starting(root, start: str):  # type: ignore[no-untyped-def]
    """The first w:p of ``root`` whose text starts with ``start``."""
    for p in root.iter(f"{W}p"):
        if "".join(p.itertext()).startswith(start):
            return p
    raise AssertionError(f"no paragraph starting with {start!r}")


def norm(text: str) -> str:
    """Ignore white space and the ** bold markers of the reference text."""
    return re.sub(r"\s+", "", text.replace("**", ""))


def run_cli(*args: str) -> tuple[int, str, str]:
    from reportgen.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def line_of_file(path: Path, needle: str) -> int:
    """1-based line of the first line of a file containing needle (tests never hard-code lines)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def copy_project(source: Path, tmp_path: Path) -> Path:
    """A copy of an example project folder, without its built output."""
    import shutil

    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("out"))
    return target


def edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_clean_failure(code: int, stdout: str, stderr: str) -> None:
    """Exit 1 and no traceback."""
    assert code == 1
    assert "Traceback" not in stdout + stderr


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example built once with the command line."""
    out = tmp_path_factory.mktemp("out")
    code, _stdout, stderr = run_cli("build", str(EXAMPLE), "-o", str(out))
    assert code == 0, stderr
    return out


def build_pdfs(project: Path, out: Path) -> Path:
    """Build a project with ``--pdf`` through the command line, as a user would; skip without
    LibreOffice (fail on CI, which must have it)."""
    _build_with_pdfs(project, out)
    return out


def build_pdf(project: Path, out: Path) -> tuple[int, Path]:
    """A one-document project built with ``--pdf`` (as build_pdfs): the page count that build
    announced, and its PDF, so a test compares the prediction with the print of one build."""
    m = re.search(r"\((\d+) 页 pages\)", _build_with_pdfs(project, out))
    assert m is not None, "the build announced no page count"
    [pdf] = out.glob("*.pdf")
    return int(m.group(1)), pdf


def _build_with_pdfs(project: Path, out: Path) -> str:
    """What ``reportgen build PROJECT -o OUT --pdf`` printed on stdout."""
    if shutil.which("soffice") is None:
        message = "LibreOffice (soffice) is not on PATH: cannot render PDFs"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install LibreOffice (libreoffice-writer-nogui) "
                        "and the CJK fonts (fonts-noto-cjk, fonts-arphic-ukai)", pytrace=False)
        pytest.skip(message)
    cmd = [sys.executable, "-m", "reportgen.cli", "build", str(project), "-o", str(out), "--pdf"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, (f"build of {project.name} failed ({result.returncode}):\n"
                                    f"{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/baoji-2020 built once with PDFs (shared by the rendering test modules)."""
    return build_pdfs(EXAMPLE, tmp_path_factory.mktemp("example-pdf"))


@pytest.fixture(scope="session")
def kitchen_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/kitchen-sink built once with PDFs."""
    return build_pdfs(KITCHEN_SINK, tmp_path_factory.mktemp("kitchen-pdf"))


MEASURED = pytest.StashKey[list[str]]()


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a measured figure; every figure is printed in a "measured" section after the run."""
    return request.config.stash.setdefault(MEASURED, []).append


def pytest_configure(config: pytest.Config) -> None:
    """The run's own cache folder (reportgen.cache), so tests neither read a user's cache nor
    leave entries in it; subprocesses inherit it."""
    import tempfile

    os.environ["REPORTGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="reportgen-test-cache-")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    figures = config.stash.get(MEASURED, [])
    if figures:
        terminalreporter.section("measured")
        for line in figures:
            terminalreporter.write_line(line)


def rollup_with(tmp_path: Path, districts: int) -> Path:
    """The rollup example with ``districts`` district files (and the city's stated total to match)."""
    project = copy_project(ROLLUP, tmp_path)
    folder = project / "districts"
    for old in folder.glob("*.yaml"):
        old.unlink()
    total = 0
    for k in range(1, districts + 1):
        total += k % 7 + 3
        (folder / f"{k:03d}-d-2020.yaml").write_text(
            f"name: 第{k}区\nregistry:\n  enterprises: {k % 7 + 3}\n  party_orgs: {k % 5 + 1}\n"
            f"  party_members: {k * 3}\ntraining:\n  classes: {k % 4 + 1}\n  trainees: {k * 11}\n"
            f"livestream:\n  bases: {k % 3}\n  sessions: {k * 101}\n  sales: {k * 7}.5\n", encoding="utf-8")
    city = project / "data" / "city-2020.yaml"
    edit_file(city, "enterprises: 27 ", f"enterprises: {total} ")
    return project
