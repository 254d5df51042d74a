"""JSON Lines: one full result a line, read back through Document.from_output; failures marked."""

from __future__ import annotations

import io
import json

from digitize.engine import Failure
from digitize.export.items import ExportItem
from digitize.export.jsonl import read_jsonl, write_jsonl
from digitize.model import Document


def test_round_trip(certificate: Document, card: Document, failure: Failure) -> None:
    items = [ExportItem.of(certificate, dossier="lo1"), ExportItem.of(card), ExportItem.of(failure)]
    stream = io.StringIO()
    assert write_jsonl(items, stream) == 3
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first["record"]["so_phat_hanh"] == "CC 468480" and first["dossier"] == "lo1"
    assert "ĐẶNG" in lines[0]  # not ASCII-escaped
    assert json.loads(lines[2]) == {"failed": True, "path": "scans/broken.jpg", "code": "corrupt_file",
                                    "message": failure.message}
    back = read_jsonl(io.StringIO(stream.getvalue()))
    assert [i.source for i in back] == [i.source for i in items]
    assert back[0].dossier == "lo1" and back[2].failure is not None and back[2].failure.code == "corrupt_file"
    again = Document.from_output(first)
    assert again.to_output() == certificate.to_output()
    assert back[1].document is not None and back[1].document.to_output() == card.to_output()
