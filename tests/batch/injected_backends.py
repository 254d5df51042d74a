"""Failure-injection OCR backends for the batch tests (the way OCRmyPDF tests its plugins).

``digitize batch --plugin tests.batch.injected_backends --backend chaos`` imports this
module in the coordinator and in every worker; ``chaos`` reads ground truth like the
``fake`` backend, except for files whose name holds a trigger word:

- ``crash``: the worker process exits at once (``os._exit``), every time;
- ``segv``: the worker process kills itself with SIGSEGV, every time;
- ``hang``: the worker sleeps far past any page timeout;
- ``garbage``: lines of random bytes with non-finite confidences and absurd boxes;
- ``oom``: the backend raises MemoryError;
- ``flaky``: the worker exits on the first attempt only (a marker file under
  ``$DIGITIZE_TEST_FLAKY_DIR`` remembers it), then reads normally.

``broken`` is a backend whose constructor fails: no worker can start.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.model import Line, Page
from digitize.ocr.base import register_backend
from digitize.ocr.fake import FakeBackend

HANG_SECONDS = 3600
CRASH_EXIT_CODE = 17
FLAKY_DIR_ENV = "DIGITIZE_TEST_FLAKY_DIR"


class ChaosBackend(FakeBackend):
    """The fake backend with failures injected by file name."""

    name = "chaos"

    def read_page(self, page: Page) -> list[Line]:
        name = Path(page.source.path).name
        if "crash" in name:
            os._exit(CRASH_EXIT_CODE)
        if "segv" in name:
            os.kill(os.getpid(), signal.SIGSEGV)
        if "hang" in name:
            time.sleep(HANG_SECONDS)
        if "oom" in name:
            raise MemoryError
        if "flaky" in name:
            marker = Path(os.environ[FLAKY_DIR_ENV]) / f"{name}-{page.source.page_index}"
            if not marker.exists():
                marker.write_text("crashed once", encoding="utf-8")
                os._exit(CRASH_EXIT_CODE)
        if "garbage" in name:
            rng = random.Random(name)
            return [Line(text="".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 80))),
                         confidence=float("nan"),
                         polygon=[(rng.uniform(-1e9, 1e9), rng.uniform(-1e9, 1e9)) for _ in range(4)],
                         engine="chaos") for _ in range(rng.randrange(5, 40))]
        return super().read_page(page)


class BrokenBackend(FakeBackend):
    """A backend that cannot load."""

    name = "broken"

    def __init__(self, settings: Settings) -> None:
        raise MissingDependency("the broken test backend never loads")


register_backend("chaos", f"{__name__}:ChaosBackend")
register_backend("broken", f"{__name__}:BrokenBackend")
