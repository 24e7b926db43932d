"""The per-user cache of compiled templates and checked schemas (reportgen.cache): it changes
how long a build takes, never what it writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, copy_project, edit_file, run_cli

from reportgen import cache


@pytest.fixture
def cache_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("REPORTGEN_NO_CACHE", raising=False)
    _forget()
    yield folder
    _forget()


def _forget() -> None:
    """Clear what this process remembers, so the next build reads the cache folder again."""
    from reportgen import templating

    cache.cache_dir.cache_clear()
    templating.shared_environment.cache_clear()
    from reportgen import contract

    contract._schema_error.cache_clear()


def _build(project: Path, out: Path) -> dict[str, bytes]:
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.docx"))}


def test_a_second_build_uses_the_cache_and_writes_the_same_bytes(cache_at: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(EXAMPLE, tmp_path / "a")
    compiled = sorted((cache_at / "templates").glob("*.jinja"))
    schemas = sorted((cache_at / "schemas").iterdir())
    assert len(compiled) >= 2 and schemas  # the summary and the report templates; their contracts
    assert oct(cache_at.stat().st_mode & 0o777) == "0o700"
    _forget()
    assert _build(EXAMPLE, tmp_path / "b") == first
    monkeypatch.setenv("REPORTGEN_NO_CACHE", "1")
    _forget()
    assert cache.cache_dir() is None
    assert _build(EXAMPLE, tmp_path / "c") == first


def test_an_edited_template_is_compiled_again(cache_at: Path, tmp_path: Path) -> None:
    project = copy_project(EXAMPLE, tmp_path)
    edit_file(project / "reportgen.yaml", "../../data/baoji-2020.yaml", str(DATA))
    _build(project, tmp_path / "a")
    edit_file(project / "summary.md.j2", "# 高度重视，精心部署", "# 高度关注，精心部署")
    _forget()
    from docx import Document

    out = _build(project, tmp_path / "b")
    text = "".join(p.text for name in out for p in Document(str(tmp_path / "b" / name)).paragraphs)
    assert "高度关注，精心部署" in text and "高度重视，精心部署" not in text


def test_damaged_entries_are_misses(cache_at: Path, tmp_path: Path) -> None:
    first = _build(EXAMPLE, tmp_path / "a")
    for entry in (cache_at / "templates").glob("*.jinja"):
        entry.write_bytes(b"\x00garbage")
    _forget()
    assert _build(EXAMPLE, tmp_path / "b") == first


@pytest.mark.parametrize("kind", ["world-writable", "a file", "a symlink"])
def test_an_unsafe_or_unusable_folder_is_not_used(kind: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    if kind == "world-writable":
        folder.mkdir()
        os.chmod(folder, 0o777)
    elif kind == "a file":
        folder.write_text("not a folder")
    else:
        (tmp_path / "real").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "real")
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(folder))
    _forget()
    try:
        assert cache.cache_dir() is None
        assert cache.template_bytecode_cache() is None
        _build(EXAMPLE, tmp_path / "out")  # builds all the same
    finally:
        _forget()


def test_compiled_code_is_keyed_by_the_code_generator(cache_at: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Bytecode made by another version of the sandbox's code generator is never loaded."""
    bcc = cache.template_bytecode_cache()
    key = bcc.get_cache_key("summary.md.j2", "/x/summary.md.j2")
    monkeypatch.setattr(cache, "_compiler_salt", lambda: "another generator")
    assert bcc.get_cache_key("summary.md.j2", "/x/summary.md.j2") != key


def test_a_bad_schema_is_never_remembered(cache_at: Path) -> None:
    from reportgen.contract import _schema_error

    bad = '{"type": "integr"}'
    assert _schema_error(bad) is not None
    assert not cache.known("schemas", bad)
    good = '{"type": "integer"}'
    assert _schema_error(good) is None
    assert cache.known("schemas", good)


def test_data_that_met_the_schema_before_skip_the_schema_library(tmp_path: Path) -> None:
    """A repeated build does not import jsonschema at all; the first one after an edit does,
    and reports what is wrong."""
    import subprocess
    import sys

    script = ("import sys\nfrom reportgen.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
              "print(code, 'jsonschema' in sys.modules)\n")
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("REPORTGEN_NO_CACHE", None)
    project = copy_project(EXAMPLE, tmp_path)
    data = tmp_path / "data.yaml"
    data.write_bytes(DATA.read_bytes())
    edit_file(project / "reportgen.yaml", "../../data/baoji-2020.yaml", str(data))

    def build() -> str:
        command = [sys.executable, "-c", script, "build", str(project), "-o", str(tmp_path / "o")]
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return result.stdout.split("\n")[-2]

    assert build() == "0 True"
    assert build() == "0 False"
    edit_file(data, "enterprises: 31", "enterprises: -31")
    assert build() == "1 True"  # a miss: checked again, and the error is found


def test_a_contract_rule_is_compiled_once_across_runs(cache_at: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.contract import compiled_rule
    from reportgen.templating import shared_environment

    rule = "registry.party_members <= registry.employees + 1"
    assert compiled_rule(rule)(registry={"party_members": 3, "employees": 2}) is True
    _forget()
    compiled_rule.cache_clear()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(type(shared_environment(())), "compile", no_compiling)
    assert compiled_rule(rule)(registry={"party_members": 5, "employees": 2}) is False  # from the cache
    with pytest.raises(AssertionError, match="compiled again"):
        compiled_rule(rule + " and true")  # another text is a miss
    compiled_rule.cache_clear()
