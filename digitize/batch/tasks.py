"""The unit of work and its result, and what a worker does with one (local processes and Ray actors alike).

A task is one page of one input (a PDF or multi-page TIFF gives one task per page) or a
whole single-page file.  A worker holds one :class:`~digitize.engine.Engine` and returns
the page's Document as JSON (or the typed Failure); it never writes anything itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digitize.config import Settings
from digitize.engine import Engine, Failure

# Native libraries each start a thread pool per core unless told: parallelism belongs to
# the executor, one page per worker.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
KIB_PER_MIB = 1024.0


@dataclass(frozen=True)
class PageTask:
    """One unit of work: page ``page_index`` of the input at ``location`` (``None``: the whole file)."""

    page_id: int
    input_id: int
    location: str
    rel: str
    page_index: int | None


@dataclass
class TaskResult:
    """What a worker sends back: the page's Document output, or the Failure, never both."""

    page_id: int
    input_id: int
    output: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None
    seconds: float = 0.0
    worker_pid: int = 0
    rss_mib: float = 0.0
    peak_rss_mib: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time on the task
    extra: dict[str, Any] = field(default_factory=dict)


def load_plugins(plugins: Sequence[str]) -> None:
    """Import plugin modules (a dotted name or a ``.py`` path) that register OCR backends by name."""
    for plugin in plugins:
        if plugin.endswith(".py"):
            path = Path(plugin).resolve()
            folder = str(path.parent)
            if folder not in sys.path:
                sys.path.insert(0, folder)
            importlib.import_module(path.stem)
        else:
            importlib.import_module(plugin)


def current_rss_mib() -> float:
    """This process's resident memory now (Linux ``/proc``; the peak elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (KIB_PER_MIB * KIB_PER_MIB)
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


def peak_rss_mib() -> float:
    """This process's peak resident memory."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB


def make_engine(settings_json: str, plugins: Sequence[str]) -> Engine:
    """The worker's Engine: plugins imported, native thread pools at one thread, backend loaded."""
    for key in THREAD_ENV:
        os.environ.setdefault(key, "1")
    load_plugins(plugins)
    return Engine(Settings.model_validate_json(settings_json)).start()


def run_task(engine: Engine, task: PageTask) -> TaskResult:
    """Process one task with ``engine``: never raises for a bad input (the engine types its failure)."""
    begin = time.perf_counter()
    cpu_begin = time.process_time()
    pages = None if task.page_index is None else [task.page_index]
    result = engine.process(task.location, pages=pages, display_name=task.rel)
    seconds = time.perf_counter() - begin
    out = TaskResult(page_id=task.page_id, input_id=task.input_id, seconds=seconds, worker_pid=os.getpid(),
                     rss_mib=current_rss_mib(), peak_rss_mib=peak_rss_mib(),
                     cpu_seconds=time.process_time() - cpu_begin)
    if isinstance(result, Failure):
        out.failure = {"code": result.code, "message": result.message}
    else:
        out.output = result.to_output(include_lines=True)
    return out
