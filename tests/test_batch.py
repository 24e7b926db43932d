"""Batch builds: parallel workers, the same bytes whatever -j, failures that do not stop the others."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, REPORT_NAME, ROOT, SUMMARY_NAME, body_texts, run_cli

from reportgen.errors import DataError, Place, Problem, TemplateError

SUMMARY_LINE = re.compile(r"^(\d+) 份 documents written, (\d+) failed, (\d+) 页 pages, \d+\.\d\d s$", re.M)
ORGANS = ["省委网信办", "市委组织部", "市委宣传部", "市发展改革委", "市工业和信息化局"]


def make_project(root: Path, count: int, extra: str = "") -> Path:
    """A project of ``count`` cover letters over per-document data variants (文号 and 主送 differ)."""
    (root / "data").mkdir(parents=True)
    lines = [f"data: [{DATA}]", "documents:"]
    for n in range(1, count + 1):
        (root / "data" / f"v{n}.yaml").write_text(
            f"document:\n  number: {n}\n  to: {ORGANS[n % len(ORGANS)]}\n", encoding="utf-8")
        lines.append(f"  - {{name: letter{n}, template: report, data: data/v{n}.yaml, "
                     f"output: 'letter{n:03d}.docx'}}")
    (root / "reportgen.yaml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_one_and_two_workers_write_the_same_bytes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", 6)
    outputs = {}
    for jobs in ("1", "2"):
        code, _stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / jobs), "-j", jobs)
        assert code == 0, stderr
        outputs[jobs] = _files(tmp_path / jobs)
    assert sorted(outputs["1"]) == [f"letter{n:03d}.docx" for n in range(1, 7)]
    assert outputs["1"] == outputs["2"]
    # Each document got its own data: the 文号 and 主送 differ from letter to letter.
    texts = body_texts(tmp_path / "2" / "letter004.docx")
    assert "宝网信办发〔2020〕4号" in texts and "市工业和信息化局：" in texts


def test_the_example_is_the_same_with_one_and_two_workers(tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        code, _, stderr = run_cli("build", str(EXAMPLE), "-o", str(tmp_path / jobs), "-j", jobs)
        assert code == 0, stderr
    assert set(_files(tmp_path / "1")) == {REPORT_NAME, SUMMARY_NAME}
    assert _files(tmp_path / "1") == _files(tmp_path / "2")


def test_output_lines_keep_the_project_order_with_two_workers(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", 9)
    code, stdout, _ = run_cli("build", str(project), "-o", str(tmp_path / "out"), "-j", "2")
    assert code == 0
    names = [line.split(":")[0] for line in stdout.splitlines()]
    assert names == [f"letter{n}" for n in range(1, 10)]


def test_summary_line_counts_documents_and_pages(tmp_path: Path) -> None:
    code, stdout, stderr = run_cli("build", str(EXAMPLE), "-o", str(tmp_path))
    assert code == 0
    # The cover letter takes 2 pages (its 版记 at the foot of page 2), the summary 6.
    assert "(2 页 pages)" in stdout and "(6 页 pages)" in stdout
    match = SUMMARY_LINE.search(stderr)
    assert match and match.groups() == ("2", "0", "8")


def test_a_failing_document_does_not_stop_the_others(tmp_path: Path) -> None:
    bad_template = tmp_path / "p" / "bad.md.j2"
    extra = (
        "  - {name: missing, template: bad.md.j2}\n"
        "  - {name: broken, template: report, data: data/broken.yaml}\n"
    )
    project = make_project(tmp_path / "p", 4, extra)
    bad_template.write_text("---\ntitle: 标题\n---\n全市企业{{ registry.enterprizes }}户。\n",
                            encoding="utf-8")
    (project / "data" / "broken.yaml").write_text("document:\n  number: [5\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(project), "-o", str(out), "-j", "2")
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == [f"letter{n:03d}.docx" for n in range(1, 5)]
    assert "Traceback" not in stdout + stderr
    errors = [line for line in stderr.splitlines() if line.startswith("错误 error")]
    assert len(errors) == 2
    assert errors[0].startswith("错误 error: missing: ")
    assert "bad.md.j2:4" in errors[0] and "registry.enterprizes" in errors[0]
    assert errors[1].startswith("错误 error: broken: ")
    assert re.search(r"broken\.yaml:\d+:\d+", errors[1])
    match = SUMMARY_LINE.search(stderr)
    assert match and match.groups() == ("4", "2", "8")


def test_two_documents_with_one_output_name(tmp_path: Path) -> None:
    extra = "  - {name: again, template: report, data: data/v2.yaml, output: letter001.docx}\n"
    project = make_project(tmp_path / "p", 2, extra)
    out = tmp_path / "out"
    code, _, stderr = run_cli("build", str(project), "-o", str(out), "-j", "2")
    assert code == 1
    assert "again" in stderr and "would overwrite 'letter001.docx'" in stderr
    assert re.search(r"reportgen\.yaml:\d+", stderr)
    # The first document keeps its file: its own 主送, not the one of the later entry.
    assert "市委组织部：" in body_texts(out / "letter001.docx")


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(EXAMPLE), "-o", str(tmp_path), "-j", "0")
    assert code == 2 and "-j" in stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", 12)
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"), "-j", "2")
    assert code == 0
    assert "building" not in stderr and "\r" not in stderr and "\x1b" not in stderr
    assert SUMMARY_LINE.fullmatch(stderr.splitlines()[-1])
    assert len(stdout.splitlines()) == 12


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", 12)
    leader, follower = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "reportgen.cli", "build", str(project), "-o", str(tmp_path / "out"),
             "-j", "2"], stdout=subprocess.PIPE, stderr=follower, env=env, timeout=120, check=False)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    text = shown.decode()
    assert re.search(r"building\s+\[#+\]\s+12/12", text)
    assert SUMMARY_LINE.search(text.replace("\r", ""))
    # stdout is a pipe, not the terminal: the documents are still listed there.
    assert len(result.stdout.decode().splitlines()) == 12


def test_errors_with_places_cross_process_boundaries() -> None:
    problems = [Problem("'x' is not in the data", Place("t.md.j2", 4), "add it"),
                Problem("bad YAML", Place("d.yaml", 2, 7, "a.b"))]
    for error in (TemplateError(problems), DataError("one", place=Place("d.yaml", 1), hint="fix")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert copy.problems == error.problems
        assert str(copy) == str(error)


def test_per_process_caches_see_edited_inputs_at_once(tmp_path: Path) -> None:
    """Data and templates are cached per process for batch builds; a file rewritten within
    the same clock tick (same length, same modification time) must still be read again."""
    template = tmp_path / "t.md.j2"
    data = tmp_path / "d.yaml"
    for word in ("甲", "乙", "丙"):
        template.write_text(f"---\ntitle: 标题\n---\n{word}：{{{{ figure }}}}。\n", encoding="utf-8")
        data.write_text(f"figure: {word}\n", encoding="utf-8")
        for path in (template, data):
            os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
        out = tmp_path / "x.docx"
        code, _, stderr = run_cli("render", str(template), str(data), "-o", str(out))
        assert code == 0, stderr
        assert f"{word}：{word}。" in body_texts(out)


def test_default_workers_are_the_usable_cpus() -> None:
    from reportgen.batch import default_workers

    if hasattr(os, "sched_getaffinity"):
        assert default_workers() == len(os.sched_getaffinity(0))
    else:
        assert default_workers() >= 1


def test_without_worker_processes_the_build_runs_in_one(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    project = make_project(tmp_path / "p", 3)
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"), "-j", "2")
    assert code == 0, stderr
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_merging_does_not_change_the_cached_data(tmp_path: Path) -> None:
    """Parsed files are shared within a process; a merge must work on copies."""
    from reportgen.data import load_facts

    base = tmp_path / "base.yaml"
    base.write_text("registry:\n  enterprises: 31\n  names: [甲, 乙]\n", encoding="utf-8")
    override = tmp_path / "override.yaml"
    override.write_text("registry:\n  enterprises: 35\n", encoding="utf-8")
    merged = load_facts([base, override])
    assert merged.values["registry"] == {"enterprises": 35, "names": ["甲", "乙"]}
    merged.values["registry"]["names"].append("丙")
    again = load_facts([base])
    assert again.values["registry"] == {"enterprises": 31, "names": ["甲", "乙"]}
