"""Building many documents at once: jobs in, results out, in worker processes.

A worker runs the whole pipeline for one document and returns the .docx bytes or the
problems that stopped it; it never writes. The parent writes every output atomically, in
job order, so the files and the messages are the same whatever the number of workers.
At most a few results per worker are in flight, so memory does not grow with the size
of the build.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Place, Problem, ReportgenError
from .spec import Style

if TYPE_CHECKING:
    from .project import DocumentSpec, Project, Rendered
    from .years import YearsConfig

IN_FLIGHT_PER_WORKER = 4  # queued jobs per worker: enough to keep it busy, little memory
MAX_WORKERS = 32  # more processes than this only add start-up time and memory
POOL_MIN_DOCUMENTS = 8  # fewer are done before a pool's workers are of use (see pool_pays)
INTERNAL_HINT = ("this is a fault of reportgen, not of your files: please report it with this document's "
                 "files; the other documents were built")


def default_workers() -> int:
    """The CPUs this process may use (os.process_cpu_count from Python 3.13)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(requested: int | None, documents: int) -> tuple[int, str | None]:
    """How many workers to start, and a note when fewer than requested are started.

    Never more than there are documents, twice the usable CPUs (rendering is CPU-bound) or
    MAX_WORKERS; without -j, one unless the build is large enough for a pool to pay.
    """
    cpus = default_workers()
    if requested is None:
        return (min(cpus, documents, MAX_WORKERS) if pool_pays(documents) else 1), None
    workers = max(1, min(requested, cpus * 2, MAX_WORKERS, documents))
    if requested > min(cpus * 2, MAX_WORKERS):
        return workers, (f"-j {requested} is more than this machine can use ({cpus} CPUs): "
                         f"using {workers} worker processes")
    return workers, None


def pool_pays(documents: int) -> bool:
    """Whether worker processes are likely to finish a build sooner than this process alone.

    A pool costs 0.1-0.2 s to start and to ship results back, and saves at most
    (documents - 1) x (time per document) x (1 - 1/workers): the first document is always
    rendered here. A cover letter takes about 30 ms once the first has warmed the caches,
    a six-page summary about 0.2 s, so with 2 workers the pool pays from about 3 summaries or
    11 letters. Measured on 2 busy CPUs (warm, best of 3, this process alone vs -j 2):
    2 letters 0.06 vs 0.18 s, 4 letters 0.13 vs 0.27 s, 8 letters 0.22 vs 0.39 s, the example's
    2 documents 0.23 vs 0.37 s. Without -j a pool is started from POOL_MIN_DOCUMENTS documents
    on; an explicit -j above 1 always gets one.
    """
    return documents >= POOL_MIN_DOCUMENTS


@dataclass
class Job:
    """One document to render; plain values only, so it crosses to a worker process."""

    name: str
    template: str
    data: tuple[Path, ...]
    base_style: Style
    style: dict[str, Any] = field(default_factory=dict)
    root: Path | None = None
    output: str | None = None
    place: Place = field(default_factory=Place)
    contracts: list[Path] = field(default_factory=list)
    years: YearsConfig | None = None
    output_place: Place | None = None  # where the output name comes from (for its errors)
    reads: tuple[Path, ...] = ()  # further inputs: the project's reference .docx

    def inputs(self) -> list[Path]:
        """The files this job reads that an output must never replace."""
        from .project import PROJECT_FILE

        found = [*self.data, *self.contracts, *self.reads,
                 *((self.years.previous or []) if self.years else [])]
        root = self.root or Path.cwd()
        found.append(root / self.template)
        found.append(root / PROJECT_FILE)
        reference = self.style.get("reference") if isinstance(self.style, dict) else None
        if reference is not None and hasattr(reference, "path"):
            found.append(reference.path)
        return found


def project_jobs(project: Project, specs: list[DocumentSpec]) -> list[Job]:
    """One job per document of a project, with the project's shared data and house style."""
    return [Job(s.name, s.template, tuple(project.data + s.data), project.style, s.style, project.root,
                s.output, s.place, project.contracts + s.contracts, s.years, s.output_place,
                (project.reference,) if project.reference else ()) for s in specs]


@dataclass
class Result:
    """What a worker sends back: the bytes and file name, or the problems."""

    name: str
    output: str | None = None
    data: bytes | None = None
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)  # why it failed (warnings included)
    warnings: list[Problem] = field(default_factory=list)  # of a document that was rendered
    path: Path | None = None  # set by the parent once written

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Summary:
    written: int = 0
    failed: int = 0
    pages: int = 0
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        """One line for the end of a build; the time runs until it is printed (PDF included)."""
        seconds = time.perf_counter() - self.started
        return (f"{self.written} 份 documents written, {self.failed} failed, {self.pages} 页 pages, "
                f"{seconds:.2f} s")


def render_job_document(job: Job) -> Rendered:
    """The pipeline for one job up to the laid-out plan (build, preview and validate share it)."""
    from .project import make_style, render_document

    style = make_style(job.style, job.base_style, job.place)
    return render_document(job.name, job.template, list(job.data), style, job.root, job.output,
                           job.contracts, job.years, job.output_place)


def internal_error(job: Job, what: str) -> Result:
    """A failure that is reportgen's fault, reported for its document so that the build goes on."""
    return Result(job.name, problems=[Problem(f"内部错误 internal error: {what}", job.place, INTERNAL_HINT)])


def render_job(job: Job) -> Result:
    """Run the pipeline for one job (in a worker, or in this process with one worker).

    Whatever goes wrong is this document's failure, never the build's: an unexpected
    exception becomes an internal error with the document's name.
    """
    try:
        rendered = render_job_document(job)
        data = rendered.docx_bytes()
    except ReportgenError as exc:
        return Result(job.name, problems=exc.problems)
    except Exception as exc:
        return internal_error(job, f"{type(exc).__name__}: {exc}")
    return Result(job.name, rendered.output, data, rendered.plan.pages, warnings=rendered.warnings)


def _alone(job: Job) -> Result:
    """Render one job in a process of its own: after a worker died, this finds which job killed it."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(render_job, job).result()
        except BrokenProcessPool:
            return internal_error(job, "the process rendering it stopped (killed, or out of memory)")


def results(jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """Render jobs with up to ``workers`` processes; yield results in job order.

    A worker that dies (killed, out of memory) breaks the pool: the oldest unfinished job is
    then rendered alone, a new pool takes the others, and the job that kills its process
    alone is reported as an internal error.
    """
    jobs = list(jobs)
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        yield from map(render_job, jobs)
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # The first document is rendered here: its compiled template, parsed shared data and
    # package skeleton are then inherited by workers started by fork.
    yield render_job(jobs[0])
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, ImportError, NotImplementedError):
        # No worker processes on this system (e.g. no POSIX semaphores): one at a time.
        yield from map(render_job, jobs[1:])
        return
    pending: deque[tuple[Job, Future[Result]]] = deque()
    queue = iter(jobs[1:])

    def submit(job: Job) -> Future[Result]:
        """The job's future; a pool that broke meanwhile (another worker died) gives a failed
        one, which is recovered like any other when its turn comes."""
        try:
            return pool.submit(render_job, job)
        except BrokenProcessPool as exc:
            failed: Future[Result] = Future()
            failed.set_exception(exc)
            return failed

    def refill() -> None:
        while len(pending) < workers * IN_FLIGHT_PER_WORKER:
            job = next(queue, None)
            if job is None:
                return
            pending.append((job, submit(job)))

    try:
        refill()
        while pending:
            job, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                result = _alone(job)
                pool = ProcessPoolExecutor(max_workers=workers)
                pending = deque((j, submit(j)) for j, _ in pending)
            refill()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def build(jobs: list[Job], target: Path, workers: int, on_result: Callable[[Result], None] | None = None,
          summary: Summary | None = None) -> tuple[list[Result], Summary]:
    """Render and write every job into ``target``; keep going past failures.

    Returns the results (without their bytes) in job order and the summary. Two documents
    that would write the same file are an error for the second one: which one wins must
    not depend on timing.
    """
    from .files import write_atomic

    done: list[Result] = []
    owners: dict[str, tuple[str, str]] = {}  # collision key → (document, its file)
    summary = summary or Summary()
    by_name = {job.name: job for job in jobs}
    for result in results(jobs, workers):
        if result.ok and result.output is not None and result.data is not None:
            job = by_name[result.name]
            try:
                _claim(owners, result.name, result.output, job)
                result.path = target / result.output
                write_atomic(result.path, result.data, job.inputs())
            except ReportgenError as exc:
                result.problems = exc.problems
                result.path = None
            result.data = None
        if result.ok:
            summary.written += 1
            summary.pages += result.pages
        else:
            summary.failed += 1
        done.append(result)
        if on_result is not None:
            on_result(result)
    return done, summary


def _claim(owners: dict[str, tuple[str, str]], name: str, output: str, job: Job) -> None:
    """Reserve a document's .docx and .pdf names; the second document to want a name fails.

    Names are compared as the file systems of Windows and macOS compare them (case and
    Unicode form ignored), so ``report.docx`` and ``Report.DOCX`` are one file there, and so
    are the PDFs that --pdf makes from them.
    """
    from .errors import ProjectError
    from .files import collision_key

    keys = [collision_key(output), collision_key(Path(output).stem + ".pdf")]
    for key in keys:
        first, theirs = owners.get(key, (name, output))
        if first != name:
            raise ProjectError(f"document {name!r} would overwrite {theirs!r}, written by document {first!r}"
                               + ("" if theirs == output else f" (as {output!r}: the same file on Windows "
                                  "and macOS, which ignore case)"),
                               place=job.output_place or job.place,
                               hint="give the documents different output names")
    for key in keys:
        owners[key] = (name, output)
