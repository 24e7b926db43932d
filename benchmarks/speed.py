"""How fast reportgen is: per-document rendering, CLI start-up, large builds and their memory.

Run from a checkout with the `bench` extra installed:

    pip install -e '.[bench]'
    python benchmarks/speed.py            # about a minute on 2 cores
    python benchmarks/speed.py --quick    # fewer rounds, 100/200 documents

It prints figures beside their targets; it does not fail. Each document figure is the median
over many renders in one warm process (a batch build's steady state: the shared data file is
parsed once per process, by both), up to the .docx bytes in memory. The comparison renders the
same facts with docxtpl from a .docx template built here on the same minimal package, fonts and
grid as ours, with Jinja tags for the same facts and reportgen's wording filters.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "baoji-2020"
DATA = ROOT / "data" / "baoji-2020.yaml"
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.5
TARGET_HELP_MS = 150
TARGET_BUILD_S = 10.0
# A template made in Word, rendered by reportgen, against docxtpl rendering the same file.
TARGET_WORD_RATIO = 1.0
# Whole processes, as a clerk runs one build: the example's two documents against docxtpl
# rendering one, and one document against one.
TARGET_PROCESS_RATIO = {"whole example": 1.5, "--doc summary": 1.2}


def per_call_ms(fns: list[Callable[[], Any]], rounds: int) -> list[float]:
    """Median wall time of one call of each function, after two warm-up calls. The calls
    alternate, so that load from elsewhere on a shared machine falls on all of them alike."""
    for fn in fns:
        fn()
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) * 1000 for spent in times]


# --- ours --------------------------------------------------------------------------------

def ours(name: str) -> Callable[[], bytes]:
    from reportgen.project import load_project, make_style, render_document
    from reportgen.writers.docx import write_docx

    project = load_project(EXAMPLE)
    spec_ = project.find(name)
    style = make_style(spec_.style, project.style, spec_.place)

    def render() -> bytes:
        rendered = render_document(spec_.name, spec_.template, project.data + spec_.data, style,
                                   project.root, spec_.output)
        return write_docx(rendered.plan, rendered.document)

    return render


def ours_word(template: Path) -> Callable[[], bytes]:
    """reportgen rendering docxtpl's own .docx template (a template made in Word), checks included."""
    from reportgen import spec
    from reportgen.project import render_document

    def render() -> bytes:
        return render_document(template.stem, str(template), [DATA], spec.DEFAULT_STYLE).docx_bytes()

    return render


# --- docxtpl on an equivalent template ----------------------------------------------------

def _template_doc():  # type: ignore[no-untyped-def]
    """A python-docx document on reportgen's own minimal package, with its page numbers."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from reportgen import spec
    from reportgen.writers.base import base_docx

    doc = Document(io.BytesIO(base_docx(spec.DEFAULT_STYLE)))
    for footer, align in ((doc.sections[0].footer, "right"), (doc.sections[0].even_page_footer, "left")):
        p = footer.paragraphs[0]
        p.alignment = {"right": 2, "left": 0}[align]
        p.add_run("— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        p._p.append(field)
        p.add_run(" —")
    return doc


def _paragraph(doc, parts: list[tuple[str, str, float, bool]], align: str = "both",  # type: ignore[no-untyped-def]
               first_line_chars: float = 0, red: bool = False, rule: bool = False):
    """One paragraph on the 579-twip grid; parts are (text, font, size pt, bold) runs."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor, Twips

    from reportgen import spec

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"left": 0, "center": 1, "right": 2, "both": 3}[align]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(spec.LINE_PITCH)
    fmt.space_before = fmt.space_after = Pt(0)
    if first_line_chars:
        fmt.first_line_indent = Twips(round(first_line_chars * (spec.BODY_SIZE * 20 + spec.BODY_TRACKING)))
    if rule:
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "7"), ("color", spec.RED)):
            bottom.set(qn(f"w:{key}"), value)
        border.append(bottom)
        p._p.get_or_add_pPr().append(border)
    for text, font, size, bold in parts:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold or None
        run.font.name = font
        run._r.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), font)
        if red:
            run.font.color.rgb = RGBColor.from_string(spec.RED)
    return p


def letter_template(path: Path) -> None:
    """The cover letter: 版头, 文号 over the red rule, title, 主送, body, signature, date, 抄送."""
    from reportgen import spec

    fonts = spec.DEFAULT_STYLE.fonts
    body = spec.BODY_SIZE
    doc = _template_doc()
    _paragraph(doc, [("{{ document.organ_mark }}", fonts.xiaobiaosong, 36, False)], "center", red=True)
    _paragraph(doc, [("", fonts.fangsong, body, False)])
    _paragraph(doc, [("{{ document.code }}〔{{ document.date.year }}〕{{ document.number }}号",
                      fonts.fangsong, body, False)], "center", rule=True)
    _paragraph(doc, [("", fonts.fangsong, body, False)])
    _paragraph(doc, [("关于报送《{{ document.transmitted }}》的{{ document.kind }}", fonts.xiaobiaosong,
                      spec.TITLE_SIZE, False)], "center")
    _paragraph(doc, [("", fonts.fangsong, body, False)])
    _paragraph(doc, [("{{ document.to }}：", fonts.fangsong, body, False)], "left")
    _paragraph(doc, [("现随文报来《{{ document.transmitted }}》，请审阅。", fonts.fangsong, body, False)],
               first_line_chars=2)
    for _ in range(3):
        _paragraph(doc, [("", fonts.fangsong, body, False)])
    _paragraph(doc, [("{{ document.organ }}", fonts.fangsong, body, False)], "right")
    _paragraph(doc, [("{{ document.date | cn_date }}", fonts.fangsong, body, False)], "right")
    _paragraph(doc, [("抄送：{{ document.cc | join('，') }}", fonts.fangsong, spec.COLOPHON_SIZE, False)],
               "left", rule=True)
    doc.save(str(path))


HEADING = re.compile(r"^(#{1,4}) (.*)$")


def summary_template(path: Path) -> None:
    """The work summary: the project template's body, paragraph by paragraph, numbers typed in."""
    from reportgen import spec
    from reportgen.spec import heading_number

    fonts = spec.DEFAULT_STYLE.fonts
    body = spec.BODY_SIZE
    source = (EXAMPLE / "summary.md.j2").read_text(encoding="utf-8")
    text = source.split("{% block body %}", 1)[1].rsplit("{% endblock %}", 1)[0]
    doc = _template_doc()
    _paragraph(doc, [("{{ document.transmitted }}", fonts.xiaobiaosong, spec.TITLE_SIZE, False)], "center")
    _paragraph(doc, [("", fonts.fangsong, body, False)])
    counters = [0, 0, 0, 0]
    pending: list[tuple[str, str, float, bool]] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.strip().splitlines()
        match = HEADING.match(lines[0])
        if match:
            level = len(match.group(1))
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            font = {1: fonts.heiti, 2: fonts.kaiti}.get(level, fonts.fangsong)
            run = (heading_number(level, counters[level - 1]) + match.group(2), font, body, False)
            if level > 1 and match.group(2).endswith("。"):
                pending = [run]  # runs into the paragraph below, as in the printed summary
            else:
                _paragraph(doc, [run], first_line_chars=2)
            lines = lines[1:]
            if not lines:
                continue
        # A paragraph's lines join without spaces; **bold** becomes a bold run.
        joined = "".join(line.strip() for line in lines)
        parts = [(piece, fonts.fangsong, body, index % 2 == 1)
                 for index, piece in enumerate(joined.split("**")) if piece]
        _paragraph(doc, pending + parts, first_line_chars=2)
        pending = []
    doc.save(str(path))


def docxtpl_renderer(template: Path) -> Callable[[], bytes]:
    """docxtpl with reportgen's wording filters: facts in, .docx bytes out."""
    import yaml
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from reportgen.filters import FILTERS

    env = Environment(autoescape=False)
    env.filters.update(FILTERS)

    # Loaded once, as a batch script would: reportgen also reads shared data once per process.
    context = yaml.safe_load(DATA.read_text(encoding="utf-8"))

    def render() -> bytes:
        tpl = DocxTemplate(str(template))
        tpl.render(context, env)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    return render


def docx_text(data: bytes) -> str:
    from docx import Document

    return "".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


DOCXTPL_PROCESS = """
import sys
import yaml
from docxtpl import DocxTemplate
from jinja2 import Environment
from reportgen.filters import FILTERS
env = Environment(autoescape=False)
env.filters.update(FILTERS)
context = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
tpl = DocxTemplate(sys.argv[1])
tpl.render(context, env)
tpl.save(sys.argv[3])
"""


def process_seconds(commands: list[list[str]], runs: int) -> list[float]:
    """Median wall time of each whole command, run in turn (A B A B …) after one warm-up each,
    so that load from elsewhere falls on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for command, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            if round_:
                spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


# --- command line ------------------------------------------------------------------------

def reportgen_command() -> list[str]:
    script = Path(sys.executable).parent / "reportgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportgen.cli"]


def cold_help_ms(runs: int) -> float:
    cmd = [*reportgen_command(), "--help"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def make_project(root: Path, count: int) -> Path:
    """``count`` cover letters, the report template over per-document data variants."""
    organs = ["省委网信办", "市委组织部", "市委宣传部", "市发展改革委", "市工业和信息化局"]
    (root / "data").mkdir(parents=True)
    lines = [f"data: [{DATA}]", "documents:"]
    for n in range(1, count + 1):
        (root / "data" / f"v{n}.yaml").write_text(
            f"document:\n  number: {n}\n  to: {organs[n % len(organs)]}\n", encoding="utf-8")
        lines.append(f"  - {{name: d{n}, template: report, data: data/v{n}.yaml}}")
    (root / "reportgen.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


MEASURE = """
import resource, sys, time
from reportgen.cli import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
seconds = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{code} {seconds:.3f} {me} {workers}", file=sys.stderr)
"""


def build(project: Path, out: Path, jobs: int, runs: int) -> tuple[float, int, int]:
    """Median seconds over ``runs`` builds, and the peak RSS in MiB of the parent and of its
    largest worker (ru_maxrss of the children; 0 with -j1)."""
    seconds, parent, worker = [], 0, 0
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", MEASURE, "build", str(project), "-o", str(out),
                                 "-j", str(jobs)], capture_output=True, text=True, check=False)
        last = result.stderr.strip().splitlines()[-1].split()
        if last[0] not in ("0", "None"):
            raise SystemExit(f"build failed:\n{result.stderr}")
        seconds.append(float(last[1]))
        parent = max(parent, int(last[2]) // 1024)
        worker = max(worker, int(last[3]) // 1024)
    return statistics.median(seconds), parent, worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, 100 and 200 documents")
    args = parser.parse_args()
    rounds = 10 if args.quick else 40
    sizes = (100, 200) if args.quick else (100, 500)
    runs = 1 if args.quick else 3  # builds: the median of three, the machine may be shared
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {cores} cores, Python {sys.version.split()[0]}, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    print("\nper document (median of one warm process: facts → .docx bytes)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("report", letter_template), ("summary", summary_template)):
            template = Path(tmp) / f"{name}.docx"
            make(template)
            theirs = docxtpl_renderer(template)
            check = docx_text(theirs())
            assert "{{" not in check and "{%" not in check, "docxtpl left a tag unrendered"
            ours_ms, theirs_ms = per_call_ms([ours(name), theirs], rounds)
            ratio = ours_ms / theirs_ms
            verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
            print(f"  {name:8} reportgen {ours_ms:6.1f} ms   docxtpl {theirs_ms:6.1f} ms   "
                  f"ratio {ratio:.2f}  (target ≤ {TARGET_RATIO})  {verdict}")
            # The same .docx template through reportgen (a template made in Word): no slower.
            word_ms, theirs_ms = per_call_ms([ours_word(template), theirs], rounds)
            ratio = word_ms / theirs_ms
            verdict = "ok" if ratio <= TARGET_WORD_RATIO else "MISSED"
            print(f"  {name:8} reportgen, docxtpl's .docx template {word_ms:6.1f} ms   docxtpl "
                  f"{theirs_ms:6.1f} ms   ratio {ratio:.2f}  (target ≤ {TARGET_WORD_RATIO})  {verdict}")

    print("\nwhole processes (start-up, imports, checks and writing included; median wall time)")
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "summary.docx"
        summary_template(template)
        theirs = [sys.executable, "-c", DOCXTPL_PROCESS, str(template), str(DATA), str(Path(tmp) / "t.docx")]
        for label, extra in (("whole example", []), ("--doc summary", ["--doc", "summary"])):
            ours_cmd = [*reportgen_command(), "build", str(EXAMPLE), "-o", str(Path(tmp) / "out"), *extra]
            ours_s, theirs_s = process_seconds([ours_cmd, theirs], 5 if args.quick else 15)
            ratio = ours_s / theirs_s
            target = TARGET_PROCESS_RATIO[label]
            print(f"  reportgen build {label:14} {ours_s * 1000:5.0f} ms   docxtpl, one summary "
                  f"{theirs_s * 1000:5.0f} ms   ratio {ratio:.2f}  (target ≤ {target})  "
                  + ("ok" if ratio <= target else "MISSED"))

    help_ms = cold_help_ms(7 if args.quick else 15)
    verdict = "ok" if help_ms <= TARGET_HELP_MS else "MISSED"
    print(f"\ncold `reportgen --help`: {help_ms:.0f} ms median  (target ≤ {TARGET_HELP_MS} ms)  {verdict}")

    print(f"\nproject builds (cover letters over per-document data; median wall time of {runs}, peak RSS)")
    memory: dict[int, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            project = make_project(Path(tmp) / f"p{count}", count)
            for jobs in (1, 2):
                seconds, parent, worker = build(project, Path(tmp) / f"out{count}-{jobs}", jobs, runs)
                note = ""
                if count == sizes[-1] and jobs == 2:
                    ok = seconds <= TARGET_BUILD_S * count / 500
                    note = f"  (target ≤ {TARGET_BUILD_S * count / 500:.0f} s with -j2)  " + (
                        "ok" if ok else "MISSED")
                print(f"  {count:4} documents -j{jobs}: {seconds:6.2f} s  "
                      f"{seconds / count * 1000:5.1f} ms/doc   parent {parent} MiB"
                      + (f", largest worker {worker} MiB" if jobs > 1 else "") + note)
                if jobs == 2:
                    memory[count] = (parent, worker)
    (small, big) = sizes
    growth = max(memory[big][0] - memory[small][0], memory[big][1] - memory[small][1])
    verdict = "ok" if growth <= 10 else "MISSED"
    print(f"  memory {small} → {big} documents (-j2): parent {memory[small][0]} → {memory[big][0]} MiB, "
          f"worker {memory[small][1]} → {memory[big][1]} MiB  (target: flat, ≤ 10 MiB growth)  {verdict}")


if __name__ == "__main__":
    main()
