"""A per-user cache of work that depends only on file contents, kept between runs.

A clerk runs one build at a time, so every process starts cold. Two steps cost as much as
all of the writing and are the same from run to run while their inputs do not change:
compiling the templates (Jinja's bytecode, kept by :func:`template_bytecode_cache`), and
checking a contract's schema against the JSON Schema metaschema and the data against the schema
(:func:`known`, :func:`remember`; only passes are kept, and with them the whole of jsonschema's
import is skipped). All are keyed by the content they depend on, so an edited file is a miss.

The cache is an optimisation only: every failure to read or write it is ignored, and
``REPORTGEN_NO_CACHE=1`` turns it off. Its folder is ``$REPORTGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/reportgen``, else ``~/.cache/reportgen``. Compiled templates are code, so the
folder is used only when it belongs to the current user and nobody else may write to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__


@lru_cache(maxsize=1)
def cache_dir() -> Path | None:
    """The cache folder, created private (0700) if missing; None when caching is off or the
    folder is not safe to load code from."""
    if os.environ.get("REPORTGEN_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("REPORTGEN_CACHE_DIR")
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "reportgen"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return None
    if not stat.S_ISDIR(info.st_mode) or folder.is_symlink():
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return None
    return folder


def _write(path: Path, data: bytes) -> None:
    """Write a cache entry the way every output is written (reportgen.files.write_atomic);
    a failure costs only speed."""
    from .errors import OutputError
    from .files import write_atomic

    with contextlib.suppress(OutputError):
        write_atomic(path, data)


def known(kind: str, payload: str) -> bool:
    """Whether this exact ``payload`` passed the check ``kind`` in an earlier run."""
    folder = cache_dir()
    return folder is not None and (folder / kind / _digest(payload.encode("utf-8"))).is_file()


def remember(kind: str, payload: str) -> None:
    """Note that ``payload`` passed the check ``kind``. Only passes are kept: a failure is
    worked out again, so that its messages always come from the check itself."""
    folder = cache_dir()
    if folder is not None:
        _write(folder / kind / _digest(payload.encode("utf-8")), b"")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data + _judge()).hexdigest()


@lru_cache(maxsize=1)
def _judge() -> bytes:
    """Which jsonschema judged (its files' place, size and time, found without importing it:
    the point is not to import it): an upgrade is a miss, since a newer one may judge otherwise."""
    from importlib.util import find_spec

    with contextlib.suppress(Exception):
        spec = find_spec("jsonschema")
        if spec is not None and spec.origin:
            folder = Path(spec.origin).parent
            parts = [f"{__version__}|{folder}"]
            for name in ("__init__.py", "validators.py", "_keywords.py", "_format.py"):
                info = (folder / name).stat()
                parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
            return "|".join(parts).encode()
    return b"unknown"


@lru_cache(maxsize=1)
def _compiler_salt() -> str:
    """What compiled templates and rules depend on besides their text: Jinja's version and
    reportgen's own code generator (reportgen.sandbox counts loop steps in the generated code;
    reportgen.contract builds a rule's template)."""
    import jinja2

    here = Path(__file__).parent
    digest = hashlib.sha256(f"{__version__} jinja2 {jinja2.__version__}".encode())
    for name in ("sandbox.py", "templating.py", "contract.py"):
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def template_bytecode_cache() -> Any:
    """A Jinja bytecode cache in the cache folder, or None when there is none."""
    folder = cache_dir()
    if folder is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    class TemplateBytecodeCache(FileSystemBytecodeCache):
        """Jinja's file cache under our own folder, its keys salted with the compiler's
        version so that bytecode made by another code generator is never loaded."""

        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return hashlib.sha256(
                f"{_compiler_salt()}|{name}|{filename or ''}".encode()).hexdigest()

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry is a miss: the template is compiled again
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):  # a full disk costs speed, never the build
                super().dump_bytecode(bucket)

    try:
        (folder / "templates").mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return TemplateBytecodeCache(str(folder / "templates"), "%s.jinja")
