"""The coordinator: plans the run from the store, feeds the executor, commits and writes every result.

It alone writes to the store and the output folder.  Each input's result is committed
and then written to ``OUT/<path>.json`` the moment its last page is done; a failure is
committed and appended to ``OUT/failures.jsonl``.  A run that starts repairs what a killed
one left: temporary files, results committed but not yet written, failures not yet listed.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from digitize.batch.discovery import DiscoveryError, discover
from digitize.batch.executors.base import Completed, Executor
from digitize.batch.ledger import DoneInput, FailedInput, Ledger, Plan
from digitize.batch.outputs import (
    FailureLog,
    atomic_write_json,
    dossier_path,
    remove_output,
    remove_stale_temps,
    result_path,
)
from digitize.batch.progress import BatchProgress
from digitize.batch.tasks import PageTask, peak_rss_mib
from digitize.config import Settings
from digitize.engine import Engine
from digitize.errors import ExitCode
from digitize.store import Store

log = logging.getLogger(__name__)

POLL_S = 0.5  # longest wait for a worker event before the coordinator looks around again
EXIT_INTERRUPTED = 130
REGISTER_REPORT_MIN = 5_000  # inputs from which registering reports its progress
REGISTER_REPORT_EVERY = 5_000
JOB_DONE = "done"
JOB_INTERRUPTED = "interrupted"


@dataclass
class BatchOptions:
    """Everything ``digitize batch`` was asked to do."""

    inputs: list[str]
    out_dir: Path
    settings: Settings
    db: str | None = None
    jobs: int = 1
    executor: str = "local"
    ray_address: str | None = None
    dossier_by: str = "none"
    retry_failed: bool = False
    force: bool = False
    rehash: bool = False
    page_timeout: float = 300.0
    max_attempts: int = 3
    max_tasks_per_worker: int = 200
    plugins: list[str] = field(default_factory=list)
    plain_progress: bool = False

    def command(self) -> dict[str, Any]:
        """The arguments as the ``jobs`` row keeps them (paths and switches, never file contents)."""
        return {"inputs": list(self.inputs), "out": str(self.out_dir), "jobs": self.jobs, "executor": self.executor,
                "dossier_by": self.dossier_by, "retry_failed": self.retry_failed, "force": self.force,
                "backend": self.settings.backend, "page_timeout": self.page_timeout}


@dataclass
class BatchSummary:
    """What a run did, for the end summary, the exit code and the benchmark."""

    counts: dict[str, int]
    plan: Plan
    pages_done: int = 0
    engine_seconds: float = 0.0  # the engine's own time on the pages of this run
    engine_cpu_seconds: float = 0.0  # the workers' CPU time on those pages
    coordinator_seconds: float = 0.0  # committing and writing results (while workers go on)
    wall_seconds: float = 0.0
    interrupted: bool = False
    failures: list[FailedInput] = field(default_factory=list)  # inputs that failed in this run
    repaired_outputs: int = 0
    dossiers_built: int = 0
    workers_started: int = 0
    worker_rss_mib: dict[int, list[float]] = field(default_factory=dict)  # pid -> RSS after each page
    coordinator_peak_rss_mib: float = 0.0

    @property
    def exit_code(self) -> int:
        """130 interrupted, 3 when an input of the run failed, else 0."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        return int(ExitCode.BAD_INPUT) if self.counts.get("failed") else int(ExitCode.OK)


def make_executor(options: BatchOptions) -> Executor:
    """The executor ``--executor`` names (Ray is imported only for ``ray``)."""
    settings_json = options.settings.model_dump_json()
    if options.executor == "ray":
        from digitize.batch.executors.ray_executor import RayExecutor

        return RayExecutor(options.jobs, settings_json, options.plugins, address=options.ray_address,
                           max_tasks_per_worker=options.max_tasks_per_worker, page_timeout=options.page_timeout)
    from digitize.batch.executors.local import LocalExecutor

    return LocalExecutor(options.jobs, settings_json, options.plugins,
                         max_tasks_per_worker=options.max_tasks_per_worker, page_timeout=options.page_timeout)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C: what is done stays committed."""
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Coordinator:
    """One run of ``digitize batch``."""

    def __init__(self, options: BatchOptions, executor_factory: Callable[[BatchOptions], Executor] = make_executor,
                 progress_stream: Any = None) -> None:
        self.options = options
        self.out_dir = options.out_dir
        self.executor_factory = executor_factory
        self.progress_stream = progress_stream
        self.failure_log = FailureLog(self.out_dir)
        self.merger = Engine(options.settings)  # merges dossiers; its backend is never loaded

    def run(self) -> BatchSummary:
        """Discover, plan, process and summarise; raises DiscoveryError / ExecutorError before any work."""
        begin = time.monotonic()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        _root, candidates = discover(self.options.inputs, exclude=self.out_dir)
        if not candidates:
            raise DiscoveryError("no supported files found (JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF)")
        store = Store.open(self.options.db, self.out_dir)
        try:
            ledger = Ledger(store, self.options.settings, self.options.max_attempts)
            summary = self._run(ledger, candidates)
        finally:
            store.close()
        summary.wall_seconds = time.monotonic() - begin
        summary.coordinator_peak_rss_mib = peak_rss_mib()
        return summary

    def _run(self, ledger: Ledger, candidates: list[Any]) -> BatchSummary:
        remove_stale_temps(self.out_dir)
        job_id = ledger.start_job(self.options.command())
        plan = ledger.sync(candidates, job_id, force=self.options.force, retry_failed=self.options.retry_failed,
                           rehash=self.options.rehash, dossier_by=self.options.dossier_by,
                           on_chunk=self._registering)
        summary = BatchSummary(counts={}, plan=plan, failures=list(plan.failed_now))
        for rel in plan.stale_outputs:
            remove_output(result_path(self.out_dir, rel))
        summary.repaired_outputs = self._repair_outputs(ledger, plan)
        self.failure_log.rewrite(f.record() for f in ledger.all_failures())
        for failure in plan.failed_now:
            log.warning("%s: %s", failure.rel, failure.code)
        summary.dossiers_built += self._build_dossiers(ledger, None)
        interrupted = False
        try:
            with _sigterm_as_interrupt():
                if plan.tasks:
                    self._process(ledger, plan, summary)
        except KeyboardInterrupt:
            interrupted = True
            # Ctrl-C may land between an input's commit to the store and the write of its JSON:
            # every input the store calls done gets its file before the run exits.
            summary.repaired_outputs += self._write_missing(ledger, ledger.done_paths(plan.input_ids))
        summary.interrupted = interrupted
        summary.counts = ledger.counts(plan.input_ids)
        if not interrupted:
            self.failure_log.rewrite(f.record() for f in ledger.all_failures())
        ledger.finish_job(job_id, JOB_INTERRUPTED if interrupted else JOB_DONE,
                          {**summary.counts, "pages": summary.pages_done})
        return summary

    def _registering(self, done: int, total: int) -> None:
        """A line now and then while a large share is registered (hashing and counting pages)."""
        if total >= REGISTER_REPORT_MIN and (done % REGISTER_REPORT_EVERY == 0 or done == total):
            print(f"batch: registering inputs: {done}/{total}", file=self.progress_stream or sys.stderr, flush=True)

    # -- outputs a killed run did not write ------------------------------------------------------
    def _repair_outputs(self, ledger: Ledger, plan: Plan) -> int:
        return self._write_missing(ledger, plan.done_rels)

    def _write_missing(self, ledger: Ledger, done_rels: list[str]) -> int:
        """Write the result files (and folder dossiers) of finished inputs that have none; returns how many."""
        missing = [rel for rel in done_rels if not result_path(self.out_dir, rel).exists()]
        for rel, result in ledger.documents_of(missing):
            atomic_write_json(result_path(self.out_dir, rel), _public(result))
        repaired = len(missing)
        if self.options.dossier_by == "folder":
            for name, result in ledger.dossier_results():
                target = dossier_path(self.out_dir, _folder(name))
                if not target.exists():
                    atomic_write_json(target, _public(result))
                    repaired += 1
        return repaired

    def _build_dossiers(self, ledger: Ledger, dossier_ids: list[int] | None) -> int:
        if self.options.dossier_by != "folder":
            return 0
        built = 0
        for dossier_id in ledger.dossiers_to_build(dossier_ids):
            made = ledger.build_dossier(dossier_id, self.merger.dossier)
            if made is not None:
                name, document = made
                atomic_write_json(dossier_path(self.out_dir, _folder(name)), document.to_output())
                built += 1
        return built

    # -- the main loop -----------------------------------------------------------------------------
    def _process(self, ledger: Ledger, plan: Plan, summary: BatchSummary) -> None:
        queue: deque[PageTask] = deque(plan.tasks)
        ended: set[int] = set()
        executor = self.executor_factory(self.options)
        with BatchProgress(plan.pages, self.progress_stream, self.options.plain_progress) as progress:
            try:
                executor.start()
                while queue or executor.in_flight():
                    self._feed(executor, queue, ended, progress)
                    events = executor.wait(POLL_S)
                    self._feed(executor, queue, ended, progress)  # workers go on while results are committed
                    begin = time.perf_counter()
                    for event in events:
                        if isinstance(event, Completed):
                            summary.pages_done += 1
                            summary.engine_seconds += event.result.seconds
                            summary.engine_cpu_seconds += event.result.cpu_seconds
                            summary.worker_rss_mib.setdefault(event.result.worker_pid, []).append(
                                event.result.rss_mib)
                            outcome = ledger.record_result(event.task, event.result)
                            progress.update(pages=1)
                        else:
                            outcome, again = ledger.record_lost(event.task, event.code, event.message)
                            log.warning("%s: %s (worker replaced)", event.task.rel, event.code)
                            if again:
                                queue.appendleft(event.task)
                            else:
                                progress.update(pages=1)
                        if outcome is not None:
                            ended.add(outcome.input_id)
                            self._finished(ledger, outcome, summary, progress)
                    summary.coordinator_seconds += time.perf_counter() - begin
            finally:
                summary.workers_started = executor.workers_started
                executor.shutdown()

    @staticmethod
    def _feed(executor: Executor, queue: deque[PageTask], ended: set[int], progress: BatchProgress) -> None:
        """Hand queued tasks to idle workers; tasks of inputs that already ended are dropped."""
        while queue and executor.free_slots():
            task = queue.popleft()
            if task.input_id in ended:
                progress.update(pages=1)
                continue
            executor.submit(task)

    def _finished(self, ledger: Ledger, outcome: DoneInput | FailedInput, summary: BatchSummary,
                  progress: BatchProgress) -> None:
        if isinstance(outcome, DoneInput):
            atomic_write_json(result_path(self.out_dir, outcome.rel), outcome.document.to_output())
            progress.update(done=1, review=int(outcome.n_review > 0))
            if outcome.dossier_id is not None:
                summary.dossiers_built += self._build_dossiers(ledger, [outcome.dossier_id])
            return
        summary.failures.append(outcome)
        self.failure_log.append(outcome.record())
        remove_output(result_path(self.out_dir, outcome.rel))
        progress.update(failed=1)
        progress.message(f"failed: {outcome.rel} ({outcome.code})")
        if self.options.dossier_by == "folder":
            summary.dossiers_built += self._build_dossiers(ledger, None)


def _folder(name: str) -> str:
    return "" if name == "." else name


def _public(result: dict[str, Any]) -> dict[str, Any]:
    """A stored result (OCR lines included) as the output folder has it (without the lines)."""
    pages = [{k: v for k, v in page.items() if k != "lines"} for page in result.get("pages", [])]
    return {**result, "pages": pages}
