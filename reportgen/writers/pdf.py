"""PDF through LibreOffice headless: one soffice call converts every file of a build.

The fontconfig file shipped with the package maps the official font names to the CJK
fonts Debian installs; it is passed through FONTCONFIG_FILE so nothing under /etc changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputError, Place

INSTALL_HINT = ("install LibreOffice and the fonts, e.g. on Debian/Ubuntu: "
                "apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai")


def fonts_conf() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "fonts.conf"


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(files: list[Path], out_dir: Path, timeout: float = 300) -> list[Path]:
    """Convert .docx files to PDF in ``out_dir`` with one LibreOffice call."""
    soffice = find_soffice()
    if soffice is None:
        raise OutputError("LibreOffice (soffice) is not installed: cannot make PDF",
                          hint=INSTALL_HINT + "; the .docx files were written")
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), *[str(f) for f in files]]
        try:
            result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                                    check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice did not finish within {timeout:.0f} s",
                              place=Place(str(files[0]))) from None
    pdfs = [out_dir / (f.stem + ".pdf") for f in files]
    missing = [p for p in pdfs if not p.is_file()]
    if result.returncode != 0 or missing:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"LibreOffice failed to convert: {detail[0]}",
                          place=Place(str(missing[0] if missing else files[0])))
    return pdfs
