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


def default_workers() -> int:
    """The CPUs this process may use (os.process_cpu_count from Python 3.13)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


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


def project_jobs(project: Project, specs: list[DocumentSpec]) -> list[Job]:
    """One job per document of a project, with the project's shared data and house style."""
    return [Job(s.name, s.template, tuple(project.data + s.data), project.style, s.style, project.root,
                s.output, s.place, project.contracts + s.contracts, s.years) for s in specs]


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
                           job.contracts, job.years)


def render_job(job: Job) -> Result:
    """Run the pipeline for one job (in a worker, or in this process with one worker)."""
    try:
        rendered = render_job_document(job)
        data = rendered.docx_bytes()
    except ReportgenError as exc:
        return Result(job.name, problems=exc.problems)
    return Result(job.name, rendered.output, data, rendered.plan.pages, warnings=rendered.warnings)


def results(jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """Render jobs with up to ``workers`` processes; yield results in job order."""
    jobs = list(jobs)
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        yield from map(render_job, jobs)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    # The first document is rendered here: its compiled template, parsed shared data and
    # package skeleton are then inherited by workers started by fork.
    yield render_job(jobs[0])
    pending: deque[Future[Result]] = deque()
    queue = iter(jobs[1:])
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, ImportError, NotImplementedError):
        # No worker processes on this system (e.g. no POSIX semaphores): one at a time.
        yield from map(render_job, jobs)
        return
    try:
        for job in queue:
            pending.append(pool.submit(render_job, job))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                break
        while pending:
            result = pending.popleft().result()
            job = next(queue, None)
            if job is not None:
                pending.append(pool.submit(render_job, job))
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
    from .errors import ProjectError
    from .project import write_atomic

    done: list[Result] = []
    owners: dict[str, str] = {}
    summary = summary or Summary()
    by_name = {job.name: job for job in jobs}
    for result in results(jobs, workers):
        if result.ok and result.output is not None and result.data is not None:
            first = owners.setdefault(result.output, result.name)
            try:
                if first != result.name:
                    raise ProjectError(f"document {result.name!r} would overwrite {result.output!r}, "
                                       f"written by document {first!r}", place=by_name[result.name].place,
                                       hint="give the documents different output names")
                result.path = target / result.output
                write_atomic(result.path, result.data)
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
