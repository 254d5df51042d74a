"""Progress while a batch runs: a rich bar on a terminal, plain lines in a log, and the end summary.

Only paths, codes and counts are shown: never a value read from a document.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

PLAIN_INTERVAL_S = 10.0  # seconds between two plain progress lines


def _rate_text(pages: int, seconds: float) -> str:
    return f"{pages / seconds:.2f}" if seconds > 0 else "0.00"


def _eta_text(left: int, pages: int, seconds: float) -> str:
    if pages <= 0 or seconds <= 0:
        return "?"
    eta = left * seconds / pages
    hours, rest = divmod(int(eta), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class BatchProgress:
    """Pages done of the pages to do, pages/s, ETA, and inputs done / failed / needing review."""

    def __init__(self, total_pages: int, stream: TextIO | None = None, force_plain: bool = False) -> None:
        self.total = total_pages
        self.pages = 0
        self.done = 0
        self.failed = 0
        self.review = 0
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream)
        self.plain = force_plain or not self.console.is_terminal
        self.started = time.monotonic()
        self._last_line = 0.0
        self._bar: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> BatchProgress:
        if not self.plain and self.total:
            self._bar = Progress(
                TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"),
                TextColumn("{task.fields[rate]} pages/s"), TimeElapsedColumn(), TextColumn("ETA"),
                TimeRemainingColumn(), TextColumn("{task.fields[counts]}"), console=self.console,
                transient=False, refresh_per_second=4)
            self._bar.start()
            self._task = self._bar.add_task("batch", total=self.total, rate="0.00", counts=self._counts())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._refresh()
            self._bar.stop()
        elif self.total:
            self._line()

    def _counts(self) -> str:
        return f"done {self.done} · failed {self.failed} · needs review {self.review}"

    def update(self, pages: int = 0, done: int = 0, failed: int = 0, review: int = 0) -> None:
        """Count finished pages and inputs that just ended."""
        self.pages += pages
        self.done += done
        self.failed += failed
        self.review += review
        if self._bar is not None:
            self._refresh()
        elif time.monotonic() - self._last_line >= PLAIN_INTERVAL_S:
            self._line()

    def _refresh(self) -> None:
        assert self._bar is not None
        elapsed = time.monotonic() - self.started
        self._bar.update(self._task, completed=self.pages, rate=_rate_text(self.pages, elapsed),
                         counts=self._counts())

    def _line(self) -> None:
        self._last_line = time.monotonic()
        elapsed = self._last_line - self.started
        print(f"batch: {self.pages}/{self.total} pages, {_rate_text(self.pages, elapsed)} pages/s, "
              f"ETA {_eta_text(self.total - self.pages, self.pages, elapsed)}, {self._counts()}",
              file=self.stream, flush=True)

    def message(self, text: str) -> None:
        """A line above the bar (or in the log): a failed input's path and code."""
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)
