"""Full results as JSON Lines: one :meth:`Document.to_output` a line, failures marked as such.

A document line is exactly the ``digitize extract`` JSON (``Document.from_output`` reads
it back), with ``"dossier"`` added when the item belongs to one.  A failure line is
``{"failed": true, "path": ..., "code": ..., "message": ...}`` (the shape of a batch
folder's ``failures.jsonl``, plus the marker).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from digitize.export.items import ExportItem, failure_from_record
from digitize.model import Document

FAILED_KEY = "failed"


def item_record(item: ExportItem, include_lines: bool = False) -> dict[str, Any]:
    """The JSON object of one item (a result, or a failure marked ``"failed": true``)."""
    if item.failure is not None:
        record: dict[str, Any] = {FAILED_KEY: True, "path": item.source, "code": item.failure.code,
                                  "message": item.failure.message}
    else:
        assert item.document is not None
        record = item.document.to_output(include_lines=include_lines)
    if item.dossier is not None:
        record["dossier"] = item.dossier
    return record


def write_jsonl(items: Iterable[ExportItem], stream: IO[str], include_lines: bool = False) -> int:
    """Write one JSON object per item to ``stream`` (UTF-8, not ASCII-escaped); returns the number of lines."""
    count = 0
    for item in items:
        stream.write(json.dumps(item_record(item, include_lines), ensure_ascii=False) + "\n")
        count += 1
    return count


def read_jsonl(stream: IO[str]) -> list[ExportItem]:
    """The items of a JSON Lines export (the inverse of :func:`write_jsonl`; blank lines skipped)."""
    items = []
    for line in stream:
        if not line.strip():
            continue
        data = json.loads(line)
        dossier = data.get("dossier")
        if data.get(FAILED_KEY):
            failure = failure_from_record(data)
            items.append(ExportItem(source=failure.path, failure=failure, dossier=dossier))
        else:
            document = Document.from_output(data)
            items.append(ExportItem(source=document.source, document=document, dossier=dossier))
    return items
