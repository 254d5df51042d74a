"""Worker processes on this machine, each holding one Engine, recycled after N tasks.

The coordinator gives each worker one task at a time over its own pipe, so it always
knows which task a worker holds: a worker that dies (``os._exit``, a segfault, the
out-of-memory killer) or runs past the page timeout is killed and replaced, and exactly
that task is reported lost.  Workers are started with ``spawn`` (no inherited database
connections or threads) and ignore Ctrl-C: the coordinator decides when they stop.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from digitize.batch.executors.base import (
    CODE_CRASH,
    CODE_TIMEOUT,
    MAX_STARTUP_FAILURES,
    RETIRE_GRACE_S,
    STARTUP_TIMEOUT_S,
    Completed,
    Event,
    ExecutorError,
    Lost,
)
from digitize.batch.tasks import PageTask, TaskResult, make_engine, run_task

log = logging.getLogger(__name__)

MSG_READY = "ready"
MSG_RESULT = "result"
MSG_STARTUP_FAILED = "startup_failed"


def worker_main(conn: Connection, settings_json: str, plugins: Sequence[str]) -> None:
    """A worker process: load one Engine, then process the tasks the coordinator sends until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        engine = make_engine(settings_json, plugins)
    except Exception as exc:
        code = getattr(exc, "code", "internal_error")
        conn.send((MSG_STARTUP_FAILED, code, f"the OCR backend cannot start: {type(exc).__name__}: {exc}"))
        return
    conn.send((MSG_READY, None))
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return  # the coordinator is gone
            if task is None:
                return
            conn.send((MSG_RESULT, run_task(engine, task)))
    except (BrokenPipeError, EOFError, OSError):
        return
    finally:
        engine.close()


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    task: PageTask | None = None
    deadline: float = 0.0
    done: int = 0
    rss_mib: float = 0.0


class LocalExecutor:
    """``jobs`` worker processes on this machine."""

    def __init__(self, jobs: int, settings_json: str, plugins: Sequence[str] = (), *,
                 max_tasks_per_worker: int = 200, page_timeout: float = 300.0,
                 startup_timeout: float = STARTUP_TIMEOUT_S) -> None:
        self.jobs = jobs
        self.settings_json = settings_json
        self.plugins = tuple(plugins)
        self.max_tasks = max_tasks_per_worker
        self.page_timeout = page_timeout
        self.startup_timeout = startup_timeout
        self.workers_started = 0
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._startup_failures = 0

    # -- workers ------------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=worker_main, args=(child, self.settings_json, self.plugins),
                                        name="digitize-batch-worker", daemon=True)
        process.start()
        child.close()
        self.workers_started += 1
        return _Worker(process=process, conn=parent, started=time.monotonic())

    def _stop(self, worker: _Worker, *, kill: bool) -> None:
        if not kill and worker.process.is_alive():
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                kill = True
            else:
                worker.process.join(RETIRE_GRACE_S)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        self._stop(worker, kill=kill)
        self._workers[self._workers.index(worker)] = self._spawn()

    def start(self) -> None:
        """Start ``jobs`` workers; they load their backends in parallel."""
        self._workers = [self._spawn() for _ in range(self.jobs)]

    # -- tasks --------------------------------------------------------------------------------
    def free_slots(self) -> int:
        """Idle workers whose backend is loaded."""
        return sum(1 for w in self._workers if w.ready and w.task is None)

    def in_flight(self) -> int:
        """Tasks the workers hold now."""
        return sum(1 for w in self._workers if w.task is not None)

    def submit(self, task: PageTask) -> None:
        """Give ``task`` to an idle, ready worker (``free_slots()`` must be positive)."""
        worker = next(w for w in self._workers if w.ready and w.task is None)
        worker.task = task
        worker.deadline = time.monotonic() + self.page_timeout
        try:
            worker.conn.send(task)
        except (BrokenPipeError, OSError):
            log.debug("a worker died as it was given a task")  # wait() reports the task lost

    def worker_rss_mib(self) -> dict[int, float]:
        """Resident memory of each worker by process id, as it last reported."""
        return {w.process.pid or 0: w.rss_mib for w in self._workers if w.rss_mib}

    def _drain(self, worker: _Worker, events: list[Event]) -> None:
        while True:
            try:
                if not worker.conn.poll():
                    return
                kind, payload, *rest = worker.conn.recv()
            except (EOFError, OSError):
                return
            if kind == MSG_READY:
                worker.ready = True
                self._startup_failures = 0
            elif kind == MSG_STARTUP_FAILED:
                raise ExecutorError(str(rest[0]) if rest else "a worker could not start", code=str(payload))
            elif kind == MSG_RESULT and worker.task is not None:
                result: TaskResult = payload
                worker.rss_mib = result.rss_mib
                events.append(Completed(worker.task, result))
                worker.task = None
                worker.done += 1

    def _check(self, worker: _Worker, now: float, events: list[Event]) -> None:
        if not worker.process.is_alive():
            worker.process.join()
            exit_code = worker.process.exitcode
            if worker.task is not None:
                events.append(Lost(worker.task, CODE_CRASH, _exit_text(exit_code)))
            elif not worker.ready:
                self._startup_failures += 1
                if self._startup_failures >= MAX_STARTUP_FAILURES:
                    raise ExecutorError(f"workers die while starting ({_exit_text(exit_code)})")
            self._replace(worker, kill=True)
        elif worker.task is not None and now > worker.deadline:
            task = worker.task
            log.warning("%s: page task ran past %.0f s: its worker is killed", task.rel, self.page_timeout)
            events.append(Lost(task, CODE_TIMEOUT, f"processing took longer than {self.page_timeout:g} s"))
            self._replace(worker, kill=True)
        elif not worker.ready and now - worker.started > self.startup_timeout:
            raise ExecutorError(f"a worker did not load its backend within {self.startup_timeout:g} s")
        elif worker.task is None and worker.ready and worker.done >= self.max_tasks:
            self._replace(worker, kill=False)  # recycled: long runs leak

    def wait(self, timeout: float) -> list[Event]:
        """Results, crashes and timeouts since the last call; waits up to ``timeout`` s (less near a deadline)."""
        now = time.monotonic()
        deadlines = [w.deadline - now for w in self._workers if w.task is not None]
        limit = max(0.0, min([timeout, *deadlines]))
        handles: list[Any] = [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
        wait(handles, limit)
        events: list[Event] = []
        now = time.monotonic()
        for worker in list(self._workers):
            self._drain(worker, events)
            self._check(worker, now, events)
        return events

    def shutdown(self) -> None:
        """Stop every worker now; tasks in flight are abandoned (a resume redoes them)."""
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self._workers:
            worker.process.join()
            worker.conn.close()
        self._workers = []


def _exit_text(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = str(-exit_code)
        return f"the worker process was killed by {name}"
    return f"the worker process exited with code {exit_code}"
