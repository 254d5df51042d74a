"""What every exporter takes: one :class:`ExportItem` per input (a document, or the failure why not).

Front ends (``digitize extract``, ``digitize batch``, ``digitize export``, the web app)
build the items from what they hold; :func:`load_output_folder` builds them from a batch
output folder (``*.json`` results plus ``failures.jsonl``) and :func:`filter_items`
keeps the documents with fields of a given status.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digitize.engine import Failure
from digitize.model import Document, FieldStatus

log = logging.getLogger(__name__)

FAILURES_FILE = "failures.jsonl"
"""Name of the file in a batch output folder that lists the inputs that failed, one JSON object a line."""

FAILED = "failed"
"""``--status`` value that selects the failed inputs (not a field status)."""

STATUS_CHOICES = (*tuple(s.value for s in FieldStatus), FAILED)


@dataclass(frozen=True)
class ExportItem:
    """One input as the exporters see it: exactly one of ``document`` and ``failure`` is set.

    ``source`` is the input's name as the office knows it (a path relative to the batch
    root, an upload's name); ``dossier`` names the dossier (folder) it belongs to, if any.
    """

    source: str
    document: Document | None = None
    failure: Failure | None = None
    dossier: str | None = None

    def __post_init__(self) -> None:
        if (self.document is None) == (self.failure is None):
            raise ValueError("an ExportItem holds either a document or a failure")

    @classmethod
    def of(cls, result: Document | Failure, dossier: str | None = None) -> ExportItem:
        """The item for what :meth:`digitize.engine.Engine.process` returned."""
        if isinstance(result, Failure):
            return cls(source=result.path, failure=result, dossier=dossier)
        return cls(source=result.source, document=result, dossier=dossier)


def items_from(results: Iterable[Document | Failure], dossier: str | None = None) -> list[ExportItem]:
    """Items for a sequence of documents and failures (the order is kept)."""
    return [ExportItem.of(r, dossier) for r in results]


def failure_from_record(data: dict[str, Any]) -> Failure:
    """A :class:`Failure` from one ``failures.jsonl`` object (``path``, ``code``, ``message``)."""
    return Failure(path=str(data.get("path") or data.get("source") or ""), code=str(data.get("code") or "failed"),
                   message=str(data.get("message") or ""))


def _is_result(data: Any) -> bool:
    return isinstance(data, dict) and "source" in data and "fields" in data


def _read_results(path: Path) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        log.warning("%s: not a JSON result, skipped", path.name)
        return
    for entry in data if isinstance(data, list) else [data]:
        if _is_result(entry):
            yield entry


def read_failures(path: Path) -> list[Failure]:
    """The failures listed in a ``failures.jsonl`` file (lines that are not JSON objects are skipped)."""
    failures = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s line %d: not JSON, skipped", path.name, number)
            continue
        if isinstance(data, dict):
            failures.append(failure_from_record(data))
    return failures


def load_output_folder(folder: str | Path) -> list[ExportItem]:
    """Every result under ``folder`` (``**/*.json``, sorted) and the failures in ``folder/failures.jsonl``.

    A result in a sub-folder belongs to the dossier named by that sub-folder's path;
    JSON files that are not results (a summary, a manifest) are skipped.
    """
    root = Path(folder)
    items: list[ExportItem] = []
    for path in sorted(root.rglob("*.json")):
        relative_parent = path.parent.relative_to(root)
        dossier = None if str(relative_parent) == "." else relative_parent.as_posix()
        for data in _read_results(path):
            try:
                document = Document.from_output(data)
            except (ValueError, KeyError, TypeError):
                log.warning("%s: result cannot be read back, skipped", path.name)
                continue
            items.append(ExportItem(source=document.source, document=document, dossier=dossier))
    failures = root / FAILURES_FILE
    if failures.is_file():
        items.extend(ExportItem(source=f.path, failure=f) for f in read_failures(failures))
    return items


def has_status(item: ExportItem, statuses: Iterable[str]) -> bool:
    """Whether ``item`` matches any of ``statuses`` (field statuses, or ``failed`` for a failure)."""
    wanted = set(statuses)
    if item.failure is not None:
        return FAILED in wanted
    assert item.document is not None
    return any(f.status.value in wanted for f in item.document.fields)


def filter_items(items: Iterable[ExportItem], statuses: Iterable[str] | None) -> list[ExportItem]:
    """The items that match any of ``statuses``; all of them when ``statuses`` is empty or None."""
    wanted = [s for s in (statuses or ()) if s]
    unknown = [s for s in wanted if s not in STATUS_CHOICES]
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r}; choose from {', '.join(STATUS_CHOICES)}")
    if not wanted:
        return list(items)
    return [item for item in items if has_status(item, wanted)]
