"""What a command imports is part of its start-up time (a clerk runs one build at a time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT

HEAVY = ("jinja2", "docx", "yaml", "lxml", "jsonschema", "babel", "docxtpl")
# The standard library's network stack: nothing of ours needs it (xml.sax.saxutils pulls it in).
NETWORK = ("urllib.request", "http.client", "email.parser", "ssl")


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                            env=env, check=True)
    return set(result.stdout.split())


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    loaded = _modules_after("import reportgen.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_build_never_loads_the_network_stack(tmp_path: Path) -> None:
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(tmp_path / "cache")}
    code = ("from reportgen.cli import main\n"
            f"try:\n    main(['build', {str(EXAMPLE)!r}, '-o', {str(tmp_path / 'out')!r}])\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code")
    loaded = _modules_after(code, env)
    assert "reportgen.writers.docx" in loaded  # it did build
    assert not loaded & set(NETWORK), sorted(loaded & set(NETWORK))
