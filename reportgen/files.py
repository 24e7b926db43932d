"""Output files: the one check of every output name, and the one way every output is written.

A name comes from a document's ``name``, an ``output:`` pattern or ``render -o``; whatever its
source it must be a plain file name that every system the document travels to can open.
Writing goes through a temporary file beside the target and a rename, so a failure (a full
disk, a read-only folder, a kill) leaves the previous file as it was and no temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import OutputError, Place, ProjectError

NAME_MAX = 255  # bytes of one file name on Linux and macOS file systems (UTF-16 units on Windows: fewer)
TEMP_PREFIX = ".reportgen-"  # not the name itself: any name that fits can be written
TEMP_SUFFIX = ".tmp"
WINDOWS_FORBIDDEN = set('<>:"|?*')
WINDOWS_DEVICES = ({"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in "123456789¹²³"}
                   | {f"LPT{n}" for n in "123456789¹²³"})
# Marks that change the order in which a name is displayed: "report\u202excod.exe" shows as "reportexe.docx".
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
NAME_HINT = ("an output name is a plain file name: no folders (/ or \\), no .., no < > : \" | ? *, "
             "not CON, PRN, AUX, NUL, COM1-9 or LPT1-9, not starting with a dot or ending with a dot "
             "or space")

_live: set[str] = set()  # temporary files being written, removed when a SIGTERM stops the command


def name_fault(name: str) -> str | None:
    """Why ``name`` cannot be an output file name, or None when it can."""
    if not name or not name.strip():
        return "is empty"
    if "/" in name or "\\" in name:
        return "contains a folder separator (/ or \\)"
    if name in (".", "..") or name.startswith("."):
        return "starts with a dot (a hidden file, or a way out of the output folder)"
    bad = sorted({c for c in name if c in WINDOWS_FORBIDDEN})
    if bad:
        return "contains " + " ".join(bad) + ", which Windows does not allow in file names"
    if any(ord(c) < 32 or ord(c) == 0x7F for c in name):
        return "contains a control character"
    if any(c in BIDI_CONTROLS for c in name):
        return "contains a text-direction mark (it makes the name display differently from what it is)"
    if any(unicodedata.category(c) == "Cs" for c in name):
        return "contains a lone surrogate (not a character)"
    if name[-1] in ". ":
        return "ends with a dot or a space, which Windows drops"
    if name.split(".")[0].rstrip(" ").upper() in WINDOWS_DEVICES:
        return f"is a device name on Windows ({name.split('.')[0].rstrip(' ').upper()}), not a file"
    size = len(name.encode("utf-8"))
    if size > NAME_MAX:
        return f"is {size} bytes long; a file name may have at most {NAME_MAX} (a Chinese character takes 3)"
    return None


def check_name(name: str, place: Place) -> str:
    """``name`` itself, or a ProjectError at ``place`` saying what is wrong with it."""
    fault = name_fault(name)
    if fault is not None:
        raise ProjectError(f"output name {name!r} is not a plain file name: it {fault}", place=place,
                           hint=NAME_HINT)
    return name


def collision_key(name: str) -> str:
    """Names that are one file on a case-insensitive or normalising file system share a key."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def output_name(pattern: str | None, name: str, values: dict[str, Any], place: Place) -> str:
    """The .docx file name of a document: its ``output:`` pattern (a template over the data) or its name."""
    if not pattern:
        return check_name(f"{name}.docx", place)
    if "{" in pattern:
        from .sandbox import limits
        from .templating import wrap

        try:
            with limits(f"the output name {pattern!r}"):
                text = _name_template(pattern).render(wrap(dict(values)))
        except Exception as exc:
            raise ProjectError(f"output name {pattern!r} cannot be rendered: {exc}", place=place,
                               hint="output: a file name, with {{ key }} for values of the data") from None
    else:
        text = pattern
    text = text.strip()
    if not text.lower().endswith(".docx"):
        text += ".docx"
    return check_name(text, place)


@lru_cache(maxsize=64)
def _name_template(pattern: str) -> Any:
    """An output-name pattern compiled once per process (a build uses one pattern many times)."""
    from .templating import make_environment

    env = make_environment([])
    env.finalize = None  # a file name, not markup: no escaping
    return env.from_string(pattern)


def check_target(path: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write onto anything but a regular file, or onto one of the command's own inputs."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _write_error(path, exc) from None
    if st is not None and (not stat.S_ISREG(st.st_mode) or _links_to_special(path)):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, a pipe or a socket)"
        raise OutputError(f"cannot write output: {path} is {kind}", place=Place(str(path)),
                          hint="give the path of a .docx file to create or replace (-o)")
    if st is None and not path.is_symlink():
        return
    target = path.resolve()
    for source in inputs:
        with contextlib.suppress(OSError):
            if source.resolve() == target or (st is not None and os.path.samefile(source, path)):
                raise OutputError(f"cannot write output: {path} is an input of this command ({source})",
                                  place=Place(str(path)),
                                  hint="write the output to another file; the input was left unchanged")


SPECIAL_FOLDERS = ("/proc/", "/dev/", "/sys/")  # their "files" are processes' streams and devices


def _links_to_special(path: Path) -> bool:
    """Whether ``path`` is a symlink leading, directly or through others, into /proc, /dev or /sys
    (``/proc/self/fd/1`` is this command's own output, whatever it is at the moment)."""
    current = path
    for _ in range(40):  # the kernel's own limit on links followed
        if not current.is_symlink():
            return False
        target = Path(os.readlink(current))
        current = target if target.is_absolute() else current.parent / target
        if os.path.normpath(current).startswith(SPECIAL_FOLDERS):
            return True
    return True


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or write elsewhere with -o",
    errno.EDQUOT: "your disk quota is used up: free some space, or write elsewhere with -o",
    errno.EROFS: "the folder is on a read-only disk: write elsewhere with -o",
    errno.EACCES: "you may not write in this folder: change its permissions, or write elsewhere with -o",
    errno.EPERM: "you may not write in this folder: change its permissions, or write elsewhere with -o",
    errno.ENAMETOOLONG: "the path is too long: use a shorter output name or folder",
    errno.ENOTDIR: "a part of the output folder is a file, not a folder: write elsewhere with -o",
    errno.EEXIST: "a part of the output folder is a file, not a folder: write elsewhere with -o",
}


def _write_error(path: Path, exc: OSError) -> OutputError:
    hint = _HINTS.get(exc.errno or 0, "check the output folder (-o), then run the command again")
    reason = exc.strerror or str(exc)
    if exc.filename and os.fspath(exc.filename) not in (str(path), os.fspath(path.parent)):
        reason += f" ({exc.filename})"
    return OutputError(f"cannot write output: {reason}", place=Place(str(path)),
                       hint=hint + "; any previous file of that name is unchanged")


def write_atomic(path: Path, data: bytes, inputs: Iterable[Path] = (),
                 verify: Callable[[Path], None] | None = None) -> None:
    """Write through a temporary file in the same folder, then rename: never a partial file.

    The file gets the permissions a plain write would give it (mkstemp's own are owner-only).
    Every OSError becomes an OutputError naming the file and what to do. ``verify`` is given the
    written temporary file before the rename; whatever it raises leaves ``path`` untouched.
    """
    check_target(path, inputs)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
        _live.add(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if verify is not None:
            verify(Path(tmp))
        os.replace(tmp, path)
        _live.discard(tmp)
    except BaseException as exc:
        if tmp is not None:
            _live.discard(tmp)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise


def _stop(signum: int, frame: object) -> None:
    """SIGTERM: remove the temporary files being written, then end as a terminated process would."""
    for tmp in list(_live):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _live.clear()
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def temporaries_removed_on_sigterm() -> Iterator[None]:
    """While a command writes, a SIGTERM removes its temporary files instead of leaving them behind."""
    try:
        previous = signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread: leave signals to whoever owns them
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def output_folder(folder: Path) -> None:
    """Refuse, once and up front, an output folder that is a file (it is created when the first document
    is written, so that a build that writes nothing leaves nothing behind)."""
    try:
        is_file = folder.exists() and not folder.is_dir()
    except OSError as exc:
        raise _write_error(folder, exc) from None
    if is_file:
        raise OutputError(f"cannot write output: {folder} is not a folder", place=Place(str(folder)),
                          hint="-o names the folder the documents are written into")
