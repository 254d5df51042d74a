"""Reading uploads in the background: a process pool of Engines, one writer in the server.

Each worker process owns one :class:`~digitize.engine.Engine` (loaded once) and returns the
document's JSON with its fields' confidence signals; the server process alone writes the
store, from one writer thread, so the request handlers stay responsive while pages are read.
When every input of a dossier is finished, the merged dossier is saved as ``kind='dossier'``.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from digitize.config import Settings
from digitize.engine import Engine, Failure
from digitize.model import Document
from digitize.store import Store, load_document, save_document
from digitize.store.models import DocumentRow, Dossier, InputFile, InputStatus
from digitize.store.models_web import FieldSignals

if TYPE_CHECKING:
    from digitize.web.app import WebConfig

log = logging.getLogger(__name__)

STOP = None  # the writer queue's end marker
RECYCLE_AFTER_TASKS = 200  # a worker is replaced after this many inputs (long runs leak)
WRITER_JOIN_S = 10  # seconds the writer gets to store queued results at shutdown


class DossierStatus:
    """Values of ``dossiers.status`` the web app sets."""

    OPEN = "open"
    PROCESSING = "processing"
    NEEDS_REVIEW = "needs_review"
    DONE = "done"


_engine: Engine | None = None


def _init_worker(settings: Settings) -> None:
    global _engine
    _engine = Engine(settings).start()


def read_input(location: str, display_name: str) -> dict[str, Any]:
    """In a worker: read one stored upload; the document JSON and signals, or the failure."""
    assert _engine is not None
    begin = time.perf_counter()
    result = _engine.process(location, display_name=display_name)
    seconds = time.perf_counter() - begin
    if isinstance(result, Failure):
        return {"failure": result.model_dump(mode="json"), "seconds": seconds}
    signals = {f.path: (f.value, list(f.signals)) for f in result.fields if f.signals is not None}
    return {"document": result.to_output(include_lines=True), "signals": signals, "seconds": seconds}


class Processor:
    """Queues uploads to the worker pool and stores what comes back."""

    def __init__(self, config: WebConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self._pool: ProcessPoolExecutor | None = None
        self._results: queue.Queue[tuple[int, Future[dict[str, Any]]] | None] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tasks = 0

    def start(self) -> None:
        """Start the writer thread and the pool; re-queue inputs left pending by a stopped server."""
        if not self.config.process_uploads or self._writer is not None:
            return
        self._writer = threading.Thread(target=self._write_loop, name="store-writer", daemon=True)
        self._writer.start()
        with self.store.session() as session:
            pending = session.scalars(select(InputFile).where(
                InputFile.dossier_id.is_not(None),
                InputFile.status.in_([InputStatus.PENDING, InputStatus.RUNNING]))).all()
            for row in pending:
                self.submit(row.id, row.location, row.path)

    def _pool_now(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None or self._tasks >= RECYCLE_AFTER_TASKS:
                if self._pool is not None:
                    self._pool.shutdown(wait=False)
                # spawn, not fork: a forked worker would inherit the server's threads, sockets and pipes.
                self._pool = ProcessPoolExecutor(max_workers=self.config.workers, initializer=_init_worker,
                                                 initargs=(self.config.settings,),
                                                 mp_context=multiprocessing.get_context("spawn"))
                self._tasks = 0
            self._tasks += 1
            return self._pool

    def submit(self, input_id: int, location: str, display_name: str) -> None:
        """Queue one stored upload for reading."""
        if not self.config.process_uploads:
            return
        future = self._pool_now().submit(read_input, location, display_name)
        future.add_done_callback(lambda f: self._results.put((input_id, f)))

    def stop(self) -> None:
        """Stop the writer (after what is queued) and the pool."""
        if self._writer is not None:
            self._results.put(STOP)
            self._writer.join(timeout=WRITER_JOIN_S)
            self._writer = None
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def _write_loop(self) -> None:
        while True:
            item = self._results.get()
            if item is STOP:
                return
            input_id, future = item
            try:
                outcome = future.result()
            except Exception as exc:  # a crashed worker: the input failed, the server goes on
                outcome = {"failure": {"code": "internal_error", "message": f"worker failed ({type(exc).__name__})"},
                           "seconds": 0.0}
            try:
                with self.store.session() as session:
                    store_outcome(session, input_id, outcome, self.config.settings)
            except Exception:
                log.exception("could not store the result of input %d", input_id)


def store_outcome(session: Session, input_id: int, outcome: dict[str, Any], settings: Settings) -> None:
    """Save one input's result (document and signals, or failure) and update its dossier."""
    row = session.get(InputFile, input_id)
    if row is None:
        return
    row.seconds = float(outcome.get("seconds", 0.0))
    row.attempts += 1
    if "failure" in outcome:
        row.status = InputStatus.FAILED
        row.error_code = str(outcome["failure"].get("code", "internal_error"))
        row.error = str(outcome["failure"].get("message", ""))
        log.info("input %d failed: %s", input_id, row.error_code)
    else:
        document = Document.from_output(outcome["document"])
        doc_row = save_document(session, document, input_id=input_id, dossier_id=row.dossier_id)
        save_signals(session, doc_row.id, outcome.get("signals", {}))
        row.status = InputStatus.DONE
        row.page_count = len(document.pages)
        log.info("input %d done: %d fields, %d to review", input_id, doc_row.n_fields, doc_row.n_review)
    session.flush()
    if row.dossier_id is not None:
        update_dossier(session, row.dossier_id, settings)


def save_signals(session: Session, document_id: int, signals: dict[str, Any]) -> None:
    """Keep the engine's confidence signals of a document's fields (for calibrate --from-reviews)."""
    for old in session.scalars(select(FieldSignals).where(FieldSignals.document_id == document_id)):
        session.delete(old)
    for path, (value, values) in signals.items():
        session.add(FieldSignals(document_id=document_id, path=path, value=value, signals=values,
                                 n_model=len(values)))


def update_dossier(session: Session, dossier_id: int, settings: Settings) -> None:
    """Set a dossier's status; when all its inputs are finished, save the merged dossier."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        return
    inputs = session.scalars(select(InputFile).where(InputFile.dossier_id == dossier_id)
                             .order_by(InputFile.id)).all()
    if not inputs:
        dossier.status = DossierStatus.OPEN
        return
    if any(i.status in (InputStatus.PENDING, InputStatus.RUNNING) for i in inputs):
        dossier.status = DossierStatus.PROCESSING
        return
    docs = [load_document(i.document) for i in inputs if i.status == InputStatus.DONE and i.document is not None]
    merged_row = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                           DocumentRow.kind == "dossier")).first()
    if docs:
        merged = Engine(settings).dossier(docs, source=f"dossier-{dossier_id}")
        merged_row = save_document(session, merged, dossier_id=dossier_id, kind="dossier")
        signals: dict[str, Any] = {}
        for i in inputs:
            if i.document is not None:
                for s in session.scalars(select(FieldSignals).where(FieldSignals.document_id == i.document.id)):
                    signals.setdefault(s.path, (s.value, s.signals))
        # A merged field keeps the signals of the input field it came from when the value is the same.
        kept = {f.path: signals[f.path] for f in merged.fields
                if f.path in signals and signals[f.path][0] == f.value}
        save_signals(session, merged_row.id, kept)
    needs_review = merged_row is not None and merged_row.n_review > 0
    failed = any(i.status == InputStatus.FAILED for i in inputs)
    dossier.status = DossierStatus.NEEDS_REVIEW if (needs_review or failed) else DossierStatus.DONE
    dossier.updated_at = datetime.now(UTC)
