"""What every executor offers the coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from digitize.batch.tasks import PageTask, TaskResult

CODE_CRASH = "worker_crash"
CODE_TIMEOUT = "timeout"
# How long a new worker may take to load its backend and say it is ready.
STARTUP_TIMEOUT_S = 600.0
# A worker asked to stop after its last task gets this long before it is killed.
RETIRE_GRACE_S = 10.0
# Workers that die before they are ready, in a row, before the batch gives up.
MAX_STARTUP_FAILURES = 3


class ExecutorError(RuntimeError):
    """The executor cannot run tasks at all (the backend cannot load, workers die on start)."""

    def __init__(self, message: str, code: str = "internal_error") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Completed:
    """A task its worker finished: a Document or a typed Failure in ``result``."""

    task: PageTask
    result: TaskResult


@dataclass(frozen=True)
class Lost:
    """A task whose worker crashed (``worker_crash``) or ran past the page timeout (``timeout``)."""

    task: PageTask
    code: str
    message: str


Event = Completed | Lost


class Executor(Protocol):
    """Runs tasks in workers that each hold one Engine."""

    workers_started: int

    def start(self) -> None:
        """Start the workers (they load their backends in the background)."""

    def free_slots(self) -> int:
        """How many tasks can be submitted now."""

    def in_flight(self) -> int:
        """How many tasks are running."""

    def submit(self, task: PageTask) -> None:
        """Hand ``task`` to an idle worker."""

    def wait(self, timeout: float) -> list[Event]:
        """Events since the last call, waiting up to ``timeout`` seconds for the first one."""

    def worker_rss_mib(self) -> dict[int, float]:
        """Resident memory of each live worker by process id (as last reported)."""

    def shutdown(self) -> None:
        """Stop every worker now; tasks in flight are abandoned (a resume redoes them)."""
