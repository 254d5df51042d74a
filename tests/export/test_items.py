"""Reading a batch output folder and filtering by field status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digitize.export.items import ExportItem, filter_items, load_output_folder
from digitize.model import Document, FieldStatus


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _doubtful(doc: Document) -> Document:
    fields = [f.model_copy(update={"status": FieldStatus.NEEDS_REVIEW}) if f.path == "so_vao_so" else f
              for f in doc.fields]
    return doc.model_copy(update={"fields": fields, "source": "lo2/b.pdf"})


def test_folder_results_failures_and_dossiers(tmp_path: Path, certificate: Document, card: Document) -> None:
    _write(tmp_path / "a.json", certificate.to_output())
    _write(tmp_path / "lo2" / "b.json", _doubtful(certificate).to_output())
    _write(tmp_path / "lo2" / "cards.json", [card.to_output()])  # a list, as extract -o FILE writes several
    _write(tmp_path / "summary.json", {"done": 3})  # not a result: skipped
    (tmp_path / "failures.jsonl").write_text(
        '{"path": "x/broken.jpg", "code": "corrupt_file", "message": "x/broken.jpg: truncated"}\n\nnot json\n',
        encoding="utf-8")
    items = load_output_folder(tmp_path)
    assert [(i.source, i.dossier, i.failure is None) for i in items] == [
        (certificate.source, None, True), ("lo2/b.pdf", "lo2", True), (card.source, "lo2", True),
        ("x/broken.jpg", None, False)]
    assert items[3].failure is not None and items[3].failure.code == "corrupt_file"
    assert [i.source for i in filter_items(items, ["needs_review"])] == ["lo2/b.pdf"]
    assert [i.source for i in filter_items(items, ["failed"])] == ["x/broken.jpg"]
    assert len(filter_items(items, None)) == 4
    with pytest.raises(ValueError, match="unknown status"):
        filter_items(items, ["bogus"])


def test_an_item_holds_a_document_or_a_failure(certificate: Document) -> None:
    with pytest.raises(ValueError):
        ExportItem(source="x")
    assert ExportItem.of(certificate).source == certificate.source
