"""The one interface every OCR engine sits behind, and the registry that names them.

A backend loads its models once, in its constructor, and never parallelises inside:
parallelism belongs to the executor (one backend per worker process).  Backends are
imported lazily by name so that ``import digitize`` stays light.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from digitize.errors import MissingDependency

if TYPE_CHECKING:
    from digitize.config import Settings
    from digitize.model import Line, Page, Reading, TextKind


class OcrBackend(ABC):
    """Finds and reads the text lines of a page image."""

    name: str = "base"

    @abstractmethod
    def read_page(self, page: Page) -> list[Line]:
        """Detect and read every text line of ``page.image``.

        Polygons are in ``page.image`` coordinates.  Lines come in no particular order;
        reading order is the layout stage's job.
        """

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        """A second reading of ``lines`` by the recogniser best suited to ``kind``.

        ``digits`` asks for the recogniser that is strongest on numbers, serials and
        dates; ``text`` for an independent reader of Vietnamese words.  Returns one
        ``Reading`` per line, ``None`` where this backend has no such reader.
        """
        return [None for _ in lines]

    def model_info(self) -> dict[str, str]:
        """Model files and versions in use, for reports and benchmarks."""
        return {}

    def add_stage_time(self, stage: str, seconds: float) -> None:
        """Count ``seconds`` against an OCR stage (``detect``, ``recognise``, ``second_reader`` ...)."""
        stages: dict[str, float] = self.__dict__.setdefault("_stage_seconds", {})
        stages[stage] = stages.get(stage, 0.0) + seconds

    def take_stage_times(self) -> dict[str, float]:
        """Seconds per OCR stage since the last call, and start counting afresh (empty for a
        backend that does not split its time)."""
        stages: dict[str, float] = self.__dict__.pop("_stage_seconds", {})
        return stages

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release native resources."""


BackendFactory = Callable[["Settings"], OcrBackend]

# name -> "module:attribute"; resolved only when asked for.
_REGISTRY: dict[str, str] = {
    "default": "digitize.ocr.default:DefaultBackend",
    "trained": "digitize.ocr.default:TrainedBackend",
    "tesseract": "digitize.ocr.tesseract_page:TesseractPageBackend",
    "rapidocr": "digitize.ocr.default:RapidOcrBackend",
    "paddle": "digitize.ocr.paddle:PaddleBackend",
    "fake": "digitize.ocr.fake:FakeBackend",
}


def register_backend(name: str, target: str) -> None:
    """Register a backend class by ``module:attribute`` under ``name``."""
    _REGISTRY[name] = target


def backend_names() -> list[str]:
    return sorted(_REGISTRY)


def get_backend_class(name: str) -> type[OcrBackend]:
    try:
        target = _REGISTRY[name]
    except KeyError as exc:
        raise ValueError(f"unknown OCR backend {name!r}; choose one of {', '.join(backend_names())}") from exc
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingDependency(f"OCR backend {name!r} is not installed: {exc}") from exc
    cls = getattr(module, attr)
    if not (isinstance(cls, type) and issubclass(cls, OcrBackend)):
        raise TypeError(f"{target} is not an OcrBackend")
    return cls


def create_backend(name: str, settings: Settings) -> OcrBackend:
    """Instantiate the backend registered as ``name`` (loads its models)."""
    return get_backend_class(name)(settings)  # type: ignore[call-arg]


def available_backends(settings: Settings) -> dict[str, str | None]:
    """name -> None when it can be created here, else the reason it cannot."""
    result: dict[str, str | None] = {}
    for name in backend_names():
        try:
            cls = get_backend_class(name)
            check = getattr(cls, "check_available", None)
            result[name] = check(settings) if callable(check) else None
        except Exception as exc:
            result[name] = str(exc)
    return result
