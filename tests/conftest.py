"""Shared fixtures: the repository layout, the example built once, reading .docx text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "baoji-2020"
DATA = ROOT / "data" / "baoji-2020.yaml"
REFERENCE = ROOT.parent / "shared" / "reference" / "baoji-2020-report.txt"
REPORT_NAME = "宝网信办发〔2020〕38号.docx"
SUMMARY_NAME = "2020年宝鸡市互联网企业党建工作总结.docx"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_texts(path: Path) -> list[str]:
    """Text of every paragraph in body order, table cell paragraphs included, empty ones dropped."""
    from docx import Document

    doc = Document(str(path))
    texts: list[str] = []
    for p in doc.element.body.iter(f"{W}p"):
        text = "".join(node.text or "" for node in p.iter() if node.tag in (f"{W}t",))
        if p.find(f".//{W}br") is not None:
            text = "".join(
                (node.text or "") if node.tag == f"{W}t" else "\n"
                for node in p.iter() if node.tag in (f"{W}t", f"{W}br"))
        if text.strip():
            texts.append(text)
    return texts


def norm(text: str) -> str:
    """Ignore white space and the ** bold markers of the reference text."""
    return re.sub(r"\s+", "", text.replace("**", ""))


def run_cli(*args: str) -> tuple[int, str, str]:
    from reportgen.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example built once with the command line."""
    out = tmp_path_factory.mktemp("out")
    code, _stdout, stderr = run_cli("build", str(EXAMPLE), "-o", str(out))
    assert code == 0, stderr
    return out


MEASURED = pytest.StashKey[list[str]]()


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a measured figure; every figure is printed in a "measured" section after the run."""
    return request.config.stash.setdefault(MEASURED, []).append


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    figures = config.stash.get(MEASURED, [])
    if figures:
        terminalreporter.section("measured")
        for line in figures:
            terminalreporter.write_line(line)
