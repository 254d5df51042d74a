"""Ray actors, each holding one Engine: the same pipeline on a local Ray or across a cluster.

Imported only for ``--executor ray`` (Ray is an optional extra).  Each actor processes one
task at a time; the coordinator (the Ray driver) alone writes to the store and the output
folder, so a cluster needs shared storage only for the inputs (every node reads them by
the same path); the workers never touch the database: only the driver writes.
A crashed actor (``RayActorError``) or one past the page timeout is killed and replaced,
and its task reported lost, as the local executor does.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import digitize
from digitize.batch.executors.base import (
    CODE_CRASH,
    CODE_TIMEOUT,
    MAX_STARTUP_FAILURES,
    STARTUP_TIMEOUT_S,
    Completed,
    Event,
    ExecutorError,
    Lost,
)
from digitize.batch.tasks import PageTask, TaskResult, make_engine, run_task

log = logging.getLogger(__name__)

RAY_TEMP_PREFIX = "ray_dz_"  # short: Ray's socket paths must stay under 107 characters


class BatchActor:
    """One Engine in one Ray worker process."""

    def __init__(self, settings_json: str, plugins: Sequence[str]) -> None:
        self.engine = make_engine(settings_json, plugins)

    def ready(self) -> int:
        """The actor's process id, once its backend is loaded."""
        return os.getpid()

    def process(self, task: PageTask) -> TaskResult:
        """Process one page task."""
        return run_task(self.engine, task)


@dataclass
class _Slot:
    actor: Any
    ready_ref: Any
    started: float
    ready: bool = False
    task: PageTask | None = None
    ref: Any = None
    deadline: float = 0.0
    done: int = 0
    pid: int = 0
    rss_mib: float = 0.0


def _worker_pythonpath(plugins: Sequence[str]) -> str:
    """PYTHONPATH for Ray workers: where this digitize is, the folders of plugin files, the driver's own."""
    folders = [str(Path(digitize.__file__).resolve().parent.parent)]
    folders += [str(Path(p).resolve().parent) for p in plugins if p.endswith(".py")]
    if os.environ.get("PYTHONPATH"):
        folders.append(os.environ["PYTHONPATH"])
    return os.pathsep.join(dict.fromkeys(folders))


class RayExecutor:
    """``jobs`` Ray actors on a local Ray (started here) or on the cluster at ``address``."""

    def __init__(self, jobs: int, settings_json: str, plugins: Sequence[str] = (), *, address: str | None = None,
                 max_tasks_per_worker: int = 200, page_timeout: float = 300.0,
                 startup_timeout: float = STARTUP_TIMEOUT_S) -> None:
        self.jobs = jobs
        self.settings_json = settings_json
        self.plugins = tuple(plugins)
        self.address = address
        self.max_tasks = max_tasks_per_worker
        self.page_timeout = page_timeout
        self.startup_timeout = startup_timeout
        self.workers_started = 0
        self._slots: list[_Slot] = []
        self._startup_failures = 0
        self._started_ray = False
        self._temp_dir: str | None = None
        self._actor_class: Any = None

    def start(self) -> None:
        """Join (or start) Ray and create the actors."""
        import ray

        if not ray.is_initialized():
            runtime_env = {"env_vars": {"PYTHONPATH": _worker_pythonpath(self.plugins),
                                        "OMP_NUM_THREADS": "1"}}
            if self.address:
                ray.init(address=self.address, runtime_env=runtime_env, log_to_driver=False,
                         configure_logging=False)
            else:
                self._temp_dir = tempfile.mkdtemp(prefix=RAY_TEMP_PREFIX, dir="/tmp")
                ray.init(num_cpus=max(1, self.jobs), include_dashboard=False, _temp_dir=self._temp_dir,
                         runtime_env=runtime_env, log_to_driver=False, configure_logging=False)
            self._started_ray = True
        if self.jobs <= 0:  # one actor per CPU of the cluster
            self.jobs = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(BatchActor)
        self._slots = [self._spawn() for _ in range(self.jobs)]

    def _spawn(self) -> _Slot:
        actor = self._actor_class.remote(self.settings_json, self.plugins)
        self.workers_started += 1
        return _Slot(actor=actor, ready_ref=actor.ready.remote(), started=time.monotonic())

    def _replace(self, slot: _Slot) -> None:
        import ray

        try:
            ray.kill(slot.actor, no_restart=True)
        except Exception:  # the actor is already gone
            log.debug("actor already gone")
        self._slots[self._slots.index(slot)] = self._spawn()

    def free_slots(self) -> int:
        """Idle workers whose backend is loaded."""
        return sum(1 for s in self._slots if s.ready and s.task is None)

    def in_flight(self) -> int:
        """Tasks the workers hold now."""
        return sum(1 for s in self._slots if s.task is not None)

    def submit(self, task: PageTask) -> None:
        """Give ``task`` to an idle, ready worker (``free_slots()`` must be positive)."""
        slot = next(s for s in self._slots if s.ready and s.task is None)
        slot.task, slot.ref = task, slot.actor.process.remote(task)
        slot.deadline = time.monotonic() + self.page_timeout

    def worker_rss_mib(self) -> dict[int, float]:
        """Resident memory of each worker by process id, as it last reported."""
        return {s.pid: s.rss_mib for s in self._slots if s.rss_mib}

    def wait(self, timeout: float) -> list[Event]:
        """Results, crashes and timeouts since the last call; waits up to ``timeout`` s (less near a deadline)."""
        import ray
        from ray.exceptions import RayActorError, RayError

        now = time.monotonic()
        pending = {id(s): (s.ref if s.task is not None else s.ready_ref) for s in self._slots
                   if s.task is not None or not s.ready}
        limit = max(0.0, min([timeout, *(s.deadline - now for s in self._slots if s.task is not None)]))
        refs = list(pending.values())
        ready_refs: set[Any] = set()
        if refs:
            done, _ = ray.wait(refs, num_returns=1, timeout=limit)
            if done:
                done, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
            ready_refs = set(done)
        else:
            time.sleep(limit)
        events: list[Event] = []
        now = time.monotonic()
        for slot in list(self._slots):
            ref = pending.get(id(slot))
            if ref is not None and ref in ready_refs:
                try:
                    value = ray.get(ref)
                except RayActorError as exc:
                    self._lost(slot, CODE_CRASH, "the Ray actor died", exc, events)
                    continue
                except RayError as exc:
                    self._lost(slot, CODE_CRASH, f"the Ray task failed ({type(exc).__name__})", exc, events)
                    continue
                if slot.task is None:
                    slot.ready, slot.pid, self._startup_failures = True, int(value), 0
                else:
                    result: TaskResult = value
                    slot.rss_mib = result.rss_mib
                    events.append(Completed(slot.task, result))
                    slot.task, slot.ref = None, None
                    slot.done += 1
                    if slot.done >= self.max_tasks:
                        self._replace(slot)  # recycled: long runs leak
            elif slot.task is not None and now > slot.deadline:
                log.warning("%s: page task ran past %.0f s: its actor is killed", slot.task.rel, self.page_timeout)
                events.append(Lost(slot.task, CODE_TIMEOUT, f"processing took longer than {self.page_timeout:g} s"))
                self._replace(slot)
            elif not slot.ready and now - slot.started > self.startup_timeout:
                raise ExecutorError(f"a Ray actor did not load its backend within {self.startup_timeout:g} s")
        return events

    def _lost(self, slot: _Slot, code: str, message: str, exc: Exception, events: list[Event]) -> None:
        if slot.task is not None:
            events.append(Lost(slot.task, code, message))
        else:
            self._startup_failures += 1
            if self._startup_failures >= MAX_STARTUP_FAILURES:
                cause = getattr(exc, "cause", None)
                code_name = getattr(cause, "code", "internal_error")
                raise ExecutorError(f"Ray actors cannot start: {type(cause or exc).__name__}: {cause or exc}",
                                    code=str(code_name)) from exc
        self._replace(slot)

    def shutdown(self) -> None:
        """Stop every worker now; tasks in flight are abandoned (a resume redoes them)."""
        import ray

        for slot in self._slots:
            try:
                ray.kill(slot.actor, no_restart=True)
            except Exception:  # an actor already gone
                log.debug("actor already gone")
        self._slots = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
