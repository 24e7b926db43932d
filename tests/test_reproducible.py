"""Same inputs, same bytes: a build can be diffed and cached."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import EXAMPLE, REPORT_NAME, ROOT, SUMMARY_NAME


def _build(out: Path, cwd: Path, tz: str, **extra: str) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(TZ=tz, PYTHONPATH=str(ROOT), **extra)
    subprocess.run([sys.executable, "-m", "reportgen.cli", "build", str(EXAMPLE), "-o", str(out)],
                   cwd=cwd, env=env, check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_build_is_byte_identical_across_runs_cwd_and_tz(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", ROOT, "UTC")
    second = _build(tmp_path / "b", ROOT, "UTC")
    third = _build(tmp_path / "c", tmp_path, "Asia/Shanghai")
    assert set(first) == {REPORT_NAME, SUMMARY_NAME}
    assert first == second == third


def test_zip_members_are_sorted_with_the_document_date(tmp_path: Path) -> None:
    files = _build(tmp_path / "a", ROOT, "UTC")
    path = tmp_path / "a" / REPORT_NAME
    assert path.read_bytes() == files[REPORT_NAME]
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "[Content_Types].xml"
        assert names[1:] == sorted(names[1:])
        assert {i.date_time for i in infos} == {(2020, 12, 15, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
        assert "2020-12-15T00:00:00Z" in core


def test_undated_document_takes_source_date_epoch(tmp_path: Path) -> None:
    """The summary has no 成文日期: its stamps come from SOURCE_DATE_EPOCH when set, else 1980-01-01;
    the dated cover letter keeps its own date either way."""
    plain = _build(tmp_path / "a", ROOT, "UTC")
    stamped = _build(tmp_path / "b", ROOT, "UTC", SOURCE_DATE_EPOCH="1608076800")  # 2020-12-16 00:00 UTC
    assert plain[REPORT_NAME] == stamped[REPORT_NAME]
    with zipfile.ZipFile(tmp_path / "a" / SUMMARY_NAME) as zf:
        assert "1980-01-01T00:00:00Z" in zf.read("docProps/core.xml").decode()
    with zipfile.ZipFile(tmp_path / "b" / SUMMARY_NAME) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2020, 12, 16, 0, 0, 0)}
        assert "2020-12-16T00:00:00Z" in zf.read("docProps/core.xml").decode()
