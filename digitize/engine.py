"""The application layer every front end calls: ``extract``, ``bench``, ``batch`` and the web app.

An :class:`Engine` owns one OCR backend (loaded once, warmed up) and turns one input into a
:class:`~digitize.model.Document` or a typed :class:`Failure`; it never raises for a bad file,
so a front end's loop is one call per input.  :func:`apply_review` records a human
correction on a document.  The engine imports the core only (io, preprocess, ocr, layout,
fields): store, batch, web and export build on it, never the other way round.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from digitize.config import Settings
from digitize.errors import DigitizeError, ExitCode, InputError, MissingDependency
from digitize.fields.corrections import normalize_correction
from digitize.model import Document, FieldStatus, FileError, Review
from digitize.ocr.base import OcrBackend

log = logging.getLogger(__name__)

ReviewAction = Literal["confirm", "correct", "unreadable", "not_on_document"]


class Failure(FileError):
    """An input that gave no document: ``code`` says why (``corrupt_file``, ``timeout``, ...)."""

    exit_code: int = int(ExitCode.BAD_INPUT)
    seconds: float = 0.0


class ReviewRejected(ValueError):
    """A correction that cannot be stored as typed; the message says why (never the value)."""


def failure_from_exception(source: str, exc: BaseException, seconds: float = 0.0) -> Failure:
    """The typed failure for an exception raised while processing ``source``."""
    if isinstance(exc, InputError):
        # The loader's messages already name the file.
        return Failure(path=source, code=exc.code, message=str(exc), exit_code=int(exc.exit_code), seconds=seconds)
    if isinstance(exc, MissingDependency):
        return Failure(path=source, code=exc.code, message=f"{source}: {exc}", exit_code=int(exc.exit_code),
                       seconds=seconds)
    if isinstance(exc, DigitizeError):
        return Failure(path=source, code=exc.code, message=f"{source}: {exc}", exit_code=int(exc.exit_code),
                       seconds=seconds)
    if isinstance(exc, MemoryError):
        return Failure(path=source, code="out_of_memory", message=f"{source}: out of memory while reading the file",
                       exit_code=int(ExitCode.INTERNAL_ERROR), seconds=seconds)
    # An exception's text may quote what it was processing: only its type is reported.
    return Failure(path=source, code="internal_error", message=f"{source}: internal error ({type(exc).__name__})",
                   exit_code=int(ExitCode.INTERNAL_ERROR), seconds=seconds)


class Engine:
    """One OCR backend and the whole chain behind one call per input.

    The backend loads on first use (or :meth:`start`); ``backend`` may be given ready-made
    (tests inject failing or slow backends this way).  Use as a context manager or call
    :meth:`close`.
    """

    def __init__(self, settings: Settings | None = None, backend: OcrBackend | None = None) -> None:
        self.settings = settings or Settings()
        self._backend = backend
        self.load_seconds = 0.0

    @property
    def backend(self) -> OcrBackend:
        """The OCR backend, created and warmed up on first use (raises MissingDependency)."""
        if self._backend is None:
            self.start()
        assert self._backend is not None
        return self._backend

    @property
    def backend_name(self) -> str:
        return self._backend.name if self._backend is not None else self.settings.backend

    def start(self) -> Engine:
        """Load the backend and what extraction loads lazily, so the first input is not slower."""
        if self._backend is not None:
            return self
        from digitize.ocr.base import create_backend
        from digitize.pipeline import warm_up

        begin = time.perf_counter()
        self._backend = create_backend(self.settings.backend, self.settings)
        warm_up()
        self.load_seconds = time.perf_counter() - begin
        return self

    def process(self, source: str | Path, pages: Sequence[int] | None = None,
                display_name: str | None = None) -> Document | Failure:
        """Read one file (the selected 0-based ``pages`` of a PDF/TIFF): a Document, or the Failure why not.

        ``display_name`` replaces the path in the result's ``source`` (an upload's original
        name, a path relative to a batch root).
        """
        from digitize.pipeline import process_file

        name = display_name or str(source)
        begin = time.perf_counter()
        try:
            document = process_file(source, self.backend, self.settings, pages)
        except Exception as exc:  # every failure of one input is that input's, never the run's
            if not isinstance(exc, DigitizeError | MemoryError):
                log.exception("internal error on one input")
            return failure_from_exception(name, exc, time.perf_counter() - begin)
        if display_name:
            document = document.model_copy(update={"source": display_name})
        return document

    def dossier(self, documents: list[Document], source: str) -> Document:
        """Certificate pages and ID cards of one dossier merged into one cross-checked record."""
        from digitize.dossier import merge_dossier

        return merge_dossier(documents, source, self.settings.review_threshold)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def apply_review(document: Document, path: str, value: Any, who: str, *,
                 action: ReviewAction | None = None, screen: str | None = None,
                 when: datetime | None = None) -> Document:
    """A copy of ``document`` with a reviewer's decision on the field at ``path``.

    ``action``: ``confirm`` keeps the value, ``correct`` stores ``value`` normalised and
    validated as the engine would (raises :class:`ReviewRejected` with the reason when it is
    not valid), ``unreadable`` and ``not_on_document`` clear it.  Without ``action``, a
    ``value`` of None confirms and any other value corrects.  The field's status becomes
    ``reviewed`` and its ``review`` records who, when, the old and the new value.
    """
    if action is None:
        action = "confirm" if value is None else "correct"
    index = next((i for i, f in enumerate(document.fields) if f.path == path), None)
    if index is None:
        raise ReviewRejected(f"no field {path!r} in this document")
    field = document.fields[index]
    if action == "confirm":
        if field.value is None:
            raise ReviewRejected("nothing to confirm: the field has no value")
        new_value = field.value
    elif action == "correct":
        correction = normalize_correction(path, str(value))
        if not correction.ok:
            raise ReviewRejected(correction.error or "invalid value")
        new_value = correction.value
    else:
        new_value = None
    review = Review(who=who, when=when or datetime.now(UTC), action=action, old_value=field.value,
                    new_value=new_value, old_status=field.status, screen=screen)
    updated = field.model_copy(update={
        "value": new_value,
        "status": FieldStatus.REVIEWED,
        "confidence": 1.0 if new_value is not None else 0.0,
        "review": review,
    })
    fields = [*document.fields[:index], updated, *document.fields[index + 1:]]
    return document.model_copy(update={"fields": fields})
