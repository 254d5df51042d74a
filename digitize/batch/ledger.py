"""The batch's state in the store: which inputs and pages are done, failed or still to do.

The store is the only truth a resume needs.  An input row is identified by its path
relative to the input root and its content hash; a page row is the unit of work.  Every
write here is one short transaction made by the coordinating process: a page's result, an
input's assembled Document and its ``done`` status are committed together, so a kill at
any moment leaves each input either done (exactly once) or to be redone.  Nothing is
marked "running": whatever is not done or failed when a run starts is redone.

``inputs.timings`` also keeps the file's ``mtime_ns`` next to the processing timings: with
the size, it lets a resume skip re-hashing files that did not change (``--rehash`` forces it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, null, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from digitize.batch.discovery import Candidate
from digitize.batch.tasks import PageTask, TaskResult
from digitize.config import Settings
from digitize.errors import InputError
from digitize.io.loader import count_pages
from digitize.model import Document
from digitize.pipeline import merge_page_documents
from digitize.store import Store, load_document, save_document
from digitize.store.models import DocumentRow, Dossier, InputFile, InputPage, InputStatus, Job, utcnow

MTIME_KEY = "file_mtime_ns"
HASH_CHUNK = 1 << 20
SYNC_CHUNK = 500  # candidates per transaction while registering inputs
ROOT_DOSSIER = "."
CODE_BAD_RESULT = "bad_result"
CODE_STORE_ERROR = "store_error"
DOSSIER_DONE = "done"
DOSSIER_REVIEW = "needs_review"
DOSSIER_OPEN = "open"


def file_sha256(path: Path) -> str:
    """The sha256 of a file's content."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class FailedInput:
    """An input that ended failed: what ``failures.jsonl`` and the summary say about it."""

    input_id: int
    rel: str
    code: str
    message: str
    attempts: int

    def record(self) -> dict[str, Any]:
        """The ``failures.jsonl`` object."""
        return {"path": self.rel, "code": self.code, "message": self.message, "attempts": self.attempts}


@dataclass
class DoneInput:
    """An input whose Document was just committed."""

    input_id: int
    rel: str
    document: Document
    n_review: int
    dossier_id: int | None


@dataclass
class Plan:
    """What a run has to do, from :meth:`Ledger.sync`."""

    input_ids: list[int] = field(default_factory=list)
    tasks: list[PageTask] = field(default_factory=list)
    skipped_done: int = 0
    skipped_failed: int = 0
    new: int = 0
    changed: int = 0
    failed_now: list[FailedInput] = field(default_factory=list)  # failed while being registered
    stale_outputs: list[str] = field(default_factory=list)  # rels whose old result must go
    done_rels: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)  # listed but gone before they were read

    @property
    def pages(self) -> int:
        """Page tasks to do."""
        return len(self.tasks)


class Ledger:
    """Store operations of one batch run (coordinator only)."""

    def __init__(self, store: Store, settings: Settings, max_attempts: int) -> None:
        self.store = store
        self.settings = settings
        self.max_attempts = max_attempts

    # -- jobs ---------------------------------------------------------------------------------
    def start_job(self, command: dict[str, Any]) -> int:
        """A ``jobs`` row for this run."""
        with self.store.session() as s:
            job = Job(kind="batch", command=command)
            s.add(job)
            s.flush()
            return job.id

    def finish_job(self, job_id: int, status: str, counts: dict[str, Any]) -> None:
        """Close the run's ``jobs`` row with its status and counts."""
        with self.store.session() as s:
            job = s.get(Job, job_id)
            if job is not None:
                job.status, job.counts, job.finished_at = status, counts, utcnow()

    # -- registering inputs ------------------------------------------------------------------
    def sync(self, candidates: Sequence[Candidate], job_id: int, *, force: bool = False,
             retry_failed: bool = False, rehash: bool = False, dossier_by: str = "none",
             on_chunk: Callable[[int, int], None] | None = None) -> Plan:
        """Register the run's inputs and list the page tasks still to do.

        A finished input whose content did not change is skipped; a failed one is retried
        only with ``retry_failed``; one that is new or changed (or every one, with
        ``force``) is (re)registered with its page rows; the pages of an unfinished input
        that are not done are to do again.
        """
        plan = Plan()
        with self.store.session() as s:
            existing = {row.path: row for row in s.execute(
                select(InputFile.id, InputFile.path, InputFile.sha256, InputFile.size, InputFile.status,
                       InputFile.timings, InputFile.location, InputFile.dossier_id))}
        dossiers = self._dossier_ids([c.folder or ROOT_DOSSIER for c in candidates]) if dossier_by == "folder" \
            else {}
        for start in range(0, len(candidates), SYNC_CHUNK):
            with self.store.session() as s:
                for cand in candidates[start:start + SYNC_CHUNK]:
                    dossier_id = dossiers.get(cand.folder or ROOT_DOSSIER)
                    self._sync_one(s, cand, existing.get(cand.rel), job_id, plan, force=force,
                                   retry_failed=retry_failed, rehash=rehash, dossier_id=dossier_id)
            if on_chunk is not None:
                on_chunk(min(start + SYNC_CHUNK, len(candidates)), len(candidates))
        return plan

    def _dossier_ids(self, names: Sequence[str]) -> dict[str, int]:
        with self.store.session() as s:
            found = {d.name: d.id for d in s.scalars(select(Dossier).where(Dossier.unit.is_(None)))}
            for name in dict.fromkeys(names):
                if name not in found:
                    dossier = Dossier(name=name, status=DOSSIER_OPEN)
                    s.add(dossier)
                    s.flush()
                    found[name] = dossier.id
            return found

    def _sync_one(self, s: Session, cand: Candidate, known: Any, job_id: int, plan: Plan, *, force: bool,
                  retry_failed: bool, rehash: bool, dossier_id: int | None) -> None:
        try:
            stat = cand.location.stat()
        except OSError:
            plan.vanished.append(cand.rel)
            return
        sha: str | None = None
        unchanged = False
        if known is not None and not force:
            same_stat = known.size == stat.st_size and (known.timings or {}).get(MTIME_KEY) == stat.st_mtime_ns
            if same_stat and not rehash:
                unchanged = True
            else:
                sha = file_sha256(cand.location)
                unchanged = sha == known.sha256
        if unchanged and known.status == InputStatus.DONE and not _needs_refresh(known, cand, stat.st_mtime_ns,
                                                                                 dossier_id):
            plan.input_ids.append(known.id)  # the common case of a resume: nothing to read or write
            plan.skipped_done += 1
            plan.done_rels.append(known.path)
            return
        if unchanged:
            row = s.get(InputFile, known.id)
            assert row is not None
            self._refresh(row, cand, stat.st_mtime_ns, dossier_id)
            plan.input_ids.append(row.id)
            if row.status == InputStatus.DONE:
                plan.skipped_done += 1
                plan.done_rels.append(row.path)
                return
            if row.status == InputStatus.FAILED and not retry_failed:
                plan.skipped_failed += 1
                return
            if row.status == InputStatus.FAILED:
                self._reopen_failed(s, row)
            if row.pages:
                row.job_id = job_id
                self._add_tasks(s, row, plan)
                return
            plan.input_ids.pop()  # failed before its pages were known: registered again below
        row = s.get(InputFile, known.id) if known is not None else None
        if row is None:
            row = InputFile(path=cand.rel, location=str(cand.location), sha256="", size=stat.st_size)
            s.add(row)
            plan.new += 1
        else:
            if not unchanged:
                plan.changed += 1
                plan.stale_outputs.append(row.path)
            s.execute(delete(DocumentRow).where(DocumentRow.input_id == row.id))
            s.execute(delete(InputPage).where(InputPage.input_id == row.id))
        row.job_id = job_id
        row.status, row.error_code, row.error, row.attempts, row.seconds = InputStatus.PENDING, None, None, 0, 0.0
        self._refresh(row, cand, stat.st_mtime_ns, dossier_id)
        row.size = stat.st_size
        try:
            check, count = count_pages(cand.location, self.settings)
        except InputError as exc:
            row.sha256 = sha or (file_sha256(cand.location) if cand.location.is_file() else "")
            s.flush()
            failure = FailedInput(row.id, row.path, exc.code, str(exc), 1)
            self._set_failed(row, failure)
            plan.input_ids.append(row.id)
            plan.failed_now.append(failure)
            return
        row.sha256, row.media_type, row.page_count = check.sha256, check.media_type, count
        row.pages = [InputPage(page_index=i) for i in range(count)]
        s.flush()
        plan.input_ids.append(row.id)
        self._add_tasks(s, row, plan)

    @staticmethod
    def _refresh(row: InputFile, cand: Candidate, mtime_ns: int, dossier_id: int | None) -> None:
        timings = dict(row.timings or {})
        if timings.get(MTIME_KEY) != mtime_ns:
            row.timings = {**timings, MTIME_KEY: mtime_ns}
        if row.location != str(cand.location):
            row.location = str(cand.location)
        if row.dossier_id != dossier_id:
            row.dossier_id = dossier_id

    @staticmethod
    def _reopen_failed(s: Session, row: InputFile) -> None:
        row.status, row.error_code, row.error, row.attempts = InputStatus.PENDING, None, None, 0
        for page in row.pages:
            if page.status != InputStatus.DONE:
                page.status, page.attempts, page.error_code, page.error = InputStatus.PENDING, 0, None, None
        if row.dossier_id is not None:
            dossier = s.get(Dossier, row.dossier_id)
            if dossier is not None:
                dossier.status = DOSSIER_OPEN

    @staticmethod
    def _add_tasks(s: Session, row: InputFile, plan: Plan) -> None:
        if row.dossier_id is not None:
            dossier = s.get(Dossier, row.dossier_id)
            if dossier is not None and dossier.status != DOSSIER_OPEN:
                dossier.status = DOSSIER_OPEN
        single = (row.page_count or 1) == 1
        for page in row.pages:
            if page.status != InputStatus.DONE:
                plan.tasks.append(PageTask(page_id=page.id, input_id=row.id, location=row.location, rel=row.path,
                                           page_index=None if single else page.page_index))

    # -- results --------------------------------------------------------------------------------
    @staticmethod
    def _set_failed(row: InputFile, failure: FailedInput) -> None:
        row.status, row.error_code, row.error, row.attempts = (InputStatus.FAILED, failure.code, failure.message,
                                                               failure.attempts)

    def record_result(self, task: PageTask, result: TaskResult) -> DoneInput | FailedInput | None:
        """Commit a worker's result: the page, and the input's Document once every page is done.

        Returns the input when it just ended (done or failed), None while pages remain.  A
        result that is not a valid Document (a garbage-producing backend) fails the input
        with ``bad_result``; one the database refuses fails it with ``store_error``.
        """
        parsed: Document | str | None = None if result.failure is not None else _parse_output(result.output)
        problem = parsed if isinstance(parsed, str) else None
        try:
            with self.store.session() as s:
                return self._record(s, task, result, problem, parsed if isinstance(parsed, Document) else None)
        except SQLAlchemyError as exc:
            failure = FailedInput(task.input_id, task.rel, CODE_STORE_ERROR,
                                  f"{task.rel}: the result could not be stored ({type(exc).__name__})", 1)
            with self.store.session() as s:
                row = s.get(InputFile, task.input_id)
                if row is not None:
                    self._set_failed(row, failure)
            return failure

    def _record(self, s: Session, task: PageTask, result: TaskResult,
                problem: str | None, parsed: Document | None) -> DoneInput | FailedInput | None:
        page = s.get(InputPage, task.page_id)
        row = s.get(InputFile, task.input_id)
        if page is None or row is None or row.status != InputStatus.PENDING or page.status == InputStatus.DONE:
            return None  # a result for work that is no longer wanted
        page.seconds = result.seconds
        attempts = page.attempts + 1
        if result.failure is not None or problem is not None:
            code = result.failure["code"] if result.failure is not None else CODE_BAD_RESULT
            message = result.failure["message"] if result.failure is not None else f"{task.rel}: {problem}"
            if row.page_count and row.page_count > 1:
                message = f"page {page.page_index + 1}: {message}"
            page.status, page.error_code, page.error, page.attempts = InputStatus.FAILED, code, message, attempts
            failure = FailedInput(row.id, row.path, code, message, attempts)
            self._set_failed(row, failure)
            return failure
        page.status, page.attempts = InputStatus.DONE, attempts
        if (row.page_count or 1) == 1:
            document = parsed or Document.from_output(result.output or {})
        else:
            page.result = result.output
            s.flush()
            remaining = s.scalar(select(func.count()).select_from(InputPage).where(
                InputPage.input_id == row.id, InputPage.status != InputStatus.DONE))
            if remaining:
                return None
            pages = list(s.scalars(select(InputPage).where(InputPage.input_id == row.id)
                                   .order_by(InputPage.page_index)))
            document = merge_page_documents(row.path, [Document.from_output(p.result or {}) for p in pages])
            for p in pages:
                p.result = null()  # type: ignore[assignment]  # SQL NULL: the merged Document holds it now
        saved = save_document(s, document, input_id=row.id, dossier_id=row.dossier_id)
        row.status, row.error_code, row.error = InputStatus.DONE, None, None
        row.attempts = max(row.attempts, attempts)
        row.seconds = float(s.scalar(select(func.sum(InputPage.seconds)).where(InputPage.input_id == row.id)) or 0.0)
        row.timings = {**{k: v for k, v in (row.timings or {}).items() if k == MTIME_KEY}, **document.timings}
        return DoneInput(row.id, row.path, document, saved.n_review, row.dossier_id)

    def record_lost(self, task: PageTask, code: str, message: str) -> tuple[FailedInput | None, bool]:
        """A task whose worker crashed or hung: one more attempt counted; the input fails after the last.

        Returns (the failure when the input just failed, whether to try the task again).
        """
        with self.store.session() as s:
            page = s.get(InputPage, task.page_id)
            row = s.get(InputFile, task.input_id)
            if page is None or row is None or row.status != InputStatus.PENDING:
                return None, False
            page.attempts += 1
            if page.attempts < self.max_attempts:
                return None, True
            text = f"{task.rel}: {message} ({page.attempts} attempts)"
            if row.page_count and row.page_count > 1:
                text = f"{task.rel}: page {page.page_index + 1}: {message} ({page.attempts} attempts)"
            page.status, page.error_code, page.error = InputStatus.FAILED, code, text
            failure = FailedInput(row.id, row.path, code, text, page.attempts)
            self._set_failed(row, failure)
            return failure, False

    # -- reading back ---------------------------------------------------------------------------
    def all_failures(self) -> list[FailedInput]:
        """Every failed input in the store, by path (what ``failures.jsonl`` lists)."""
        with self.store.session() as s:
            return [FailedInput(r.id, r.path, r.error_code or "failed", r.error or "", r.attempts)
                    for r in s.execute(select(InputFile.id, InputFile.path, InputFile.error_code, InputFile.error,
                                              InputFile.attempts)
                                       .where(InputFile.status == InputStatus.FAILED).order_by(InputFile.path))]

    def documents_of(self, rels: Sequence[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, stored result) of the finished inputs named ``rels``."""
        for start in range(0, len(rels), SYNC_CHUNK):
            with self.store.session() as s:
                rows = s.execute(select(InputFile.path, DocumentRow.result).join(
                    DocumentRow, DocumentRow.input_id == InputFile.id).where(
                    InputFile.path.in_(rels[start:start + SYNC_CHUNK])))
                yield from ((path, result) for path, result in rows)

    def done_paths(self, input_ids: Sequence[int]) -> list[str]:
        """Paths of the inputs among ``input_ids`` that the store calls done."""
        wanted = set(input_ids)
        with self.store.session() as s:
            return [path for input_id, path in s.execute(
                select(InputFile.id, InputFile.path).where(InputFile.status == InputStatus.DONE))
                if input_id in wanted]

    def counts(self, input_ids: Sequence[int]) -> dict[str, int]:
        """done / failed / pending / needs_review over the run's inputs."""
        wanted = set(input_ids)
        counts = {"inputs": len(wanted), "done": 0, "failed": 0, "pending": 0, "needs_review": 0}
        with self.store.session() as s:
            for input_id, status in s.execute(select(InputFile.id, InputFile.status)):
                if input_id in wanted:
                    key = status if status in ("done", "failed") else "pending"
                    counts[key] += 1
            for doc_input in s.scalars(select(DocumentRow.input_id)
                                      .where(DocumentRow.kind == "input", DocumentRow.n_review > 0)):
                counts["needs_review"] += int(doc_input in wanted)
        return counts

    # -- dossiers ---------------------------------------------------------------------------------
    def dossiers_to_build(self, dossier_ids: Sequence[int] | None = None) -> list[int]:
        """Open dossiers (of ``dossier_ids``, or all) whose every input is done or failed."""
        with self.store.session() as s:
            query = select(Dossier.id).where(Dossier.status == DOSSIER_OPEN)
            if dossier_ids is not None:
                query = query.where(Dossier.id.in_(list(dossier_ids)))
            open_ids = list(s.scalars(query))
            busy = set(s.scalars(select(InputFile.dossier_id).where(
                InputFile.dossier_id.in_(open_ids),
                InputFile.status.not_in([InputStatus.DONE, InputStatus.FAILED])).distinct()))
            return [i for i in open_ids if i not in busy]

    def build_dossier(self, dossier_id: int, merge: Any) -> tuple[str, Document] | None:
        """Merge a dossier's finished documents with ``merge(documents, name)`` and store it as kind='dossier'."""
        with self.store.session() as s:
            dossier = s.get(Dossier, dossier_id)
            if dossier is None:
                return None
            members = list(s.execute(select(InputFile.path, InputFile.status, InputFile.error_code, DocumentRow)
                                     .outerjoin(DocumentRow, DocumentRow.input_id == InputFile.id)
                                     .where(InputFile.dossier_id == dossier_id).order_by(InputFile.path)))
            docs = [load_document(doc) for _p, status, _c, doc in members if doc is not None and status == "done"]
            if not docs:
                dossier.status = DOSSIER_DONE
                return None
            merged = merge(docs, dossier.name)
            failed = [f"{Path(p).name}: could not be read ({code})" for p, status, code, _d in members
                      if status == InputStatus.FAILED]
            if failed:
                merged = merged.model_copy(update={"warnings": [*merged.warnings, *failed]})
            row = save_document(s, merged, dossier_id=dossier_id, kind="dossier")
            dossier.status = DOSSIER_REVIEW if row.n_review else DOSSIER_DONE
            return dossier.name, merged

    def dossier_results(self) -> list[tuple[str, dict[str, Any]]]:
        """(folder, stored result) of every merged dossier."""
        with self.store.session() as s:
            return [(name, result) for name, result in s.execute(
                select(Dossier.name, DocumentRow.result).join(DocumentRow, DocumentRow.dossier_id == Dossier.id)
                .where(DocumentRow.kind == "dossier"))]


def _needs_refresh(known: Any, cand: Candidate, mtime_ns: int, dossier_id: int | None) -> bool:
    return bool((known.timings or {}).get(MTIME_KEY) != mtime_ns or known.location != str(cand.location)
                or known.dossier_id != dossier_id)


def _parse_output(output: Any) -> Document | str:
    """The Document a worker's output holds, or why it is not a storable one (a garbage-producing backend)."""
    if not isinstance(output, dict):
        return "the worker returned no result"
    try:
        text = json.dumps(output, ensure_ascii=False, allow_nan=False)
        document = Document.from_output(output)
    except (TypeError, ValueError, KeyError) as exc:
        return f"the result is not a valid document ({type(exc).__name__})"
    if "\\u0000" in text or "\x00" in text:
        return "the result holds NUL characters"
    return document
