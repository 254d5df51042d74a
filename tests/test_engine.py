"""The Engine: one call per input, typed failures, JSON round trip, reviews."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.engine import Engine, Failure, ReviewRejected, apply_review
from digitize.model import Document, Field, FieldStatus

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def fake_engine():
    with Engine(Settings(backend="fake")) as engine:
        yield engine


def test_process_gives_a_document_and_round_trips_through_its_json(fake_engine: Engine) -> None:
    doc = fake_engine.process(SAMPLES / "0000_gcn_2009_2014_trang_2_clean.jpg", display_name="a/b.jpg")
    assert isinstance(doc, Document)
    assert doc.source == "a/b.jpg"
    out = doc.to_output(include_lines=True)
    again = Document.from_output(json.loads(json.dumps(out, ensure_ascii=False)))
    assert again.to_output(include_lines=True) == out
    assert again.record == doc.record


@pytest.mark.parametrize("content, code", [
    (b"", "empty_file"),
    (b"this is text, not an image", "unsupported_format"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "corrupt_file"),
])
def test_a_bad_file_is_a_typed_failure_not_an_exception(fake_engine: Engine, tmp_path: Path, content: bytes,
                                                         code: str) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(content)
    result = fake_engine.process(bad)
    assert isinstance(result, Failure)
    assert result.code == code
    assert "bad.jpg" in result.message
    assert result.exit_code == 3


class _CrashingBackend:
    name = "crashing"

    def read_page(self, page):
        raise RuntimeError("secret text that must not leak: NGUYỄN VĂN AN 012345678901")

    def close(self) -> None:
        pass


def test_a_crashing_backend_fails_that_input_only_and_leaks_no_text() -> None:
    engine = Engine(Settings(), backend=_CrashingBackend())  # type: ignore[arg-type]
    result = engine.process(SAMPLES / "0000_gcn_2009_2014_trang_2_clean.jpg")
    assert isinstance(result, Failure)
    assert result.code == "internal_error"
    assert "RuntimeError" in result.message and "NGUY" not in result.message and "0123" not in result.message


def _doc() -> Document:
    return Document(source="x.jpg", fields=[
        Field(path="thua_dat[0].dien_tich", value=250.0, raw="250,0 m2", confidence=0.6,
              status=FieldStatus.NEEDS_REVIEW),
        Field(path="chu_su_dung[0].so_giay_to", value="022065001234", confidence=0.4,
              status=FieldStatus.NEEDS_REVIEW),
        Field(path="so_vao_so", status=FieldStatus.NOT_FOUND),
    ])


def test_a_correction_is_normalised_and_recorded_with_old_and_new_value() -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    doc = apply_review(_doc(), "thua_dat[0].dien_tich", "1.041,9 m²", "reviewer1", screen="queue", when=when)
    field = doc.field("thua_dat[0].dien_tich")
    assert field is not None and field.value == 1041.9 and field.status == FieldStatus.REVIEWED
    assert field.review is not None
    assert (field.review.who, field.review.old_value, field.review.new_value) == ("reviewer1", 250.0, 1041.9)
    assert field.review.old_status == FieldStatus.NEEDS_REVIEW and field.review.when == when
    assert doc.record["thua_dat"][0]["dien_tich"] == 1041.9
    # The review survives the JSON round trip.
    again = Document.from_output(doc.to_output())
    assert again.field("thua_dat[0].dien_tich").review == field.review  # type: ignore[union-attr]


def test_confirm_keeps_the_value_and_marks_it_reviewed() -> None:
    doc = apply_review(_doc(), "thua_dat[0].dien_tich", None, "r")
    field = doc.field("thua_dat[0].dien_tich")
    assert field is not None and field.value == 250.0 and field.status == FieldStatus.REVIEWED


def test_an_id_number_that_breaks_the_cccd_rules_is_refused_with_the_reason() -> None:
    with pytest.raises(ReviewRejected, match="12 digits"):
        apply_review(_doc(), "chu_su_dung[0].so_giay_to", "12345", "r")
    with pytest.raises(ReviewRejected, match="CCCD rules"):
        apply_review(_doc(), "chu_su_dung[0].so_giay_to", "999065001234", "r")  # no province 999
    ok = apply_review(_doc(), "chu_su_dung[0].so_giay_to", "022 065 001 235", "r")
    assert ok.field("chu_su_dung[0].so_giay_to").value == "022065001235"  # type: ignore[union-attr]


def test_not_on_document_and_unreadable_clear_the_value() -> None:
    doc = apply_review(_doc(), "thua_dat[0].dien_tich", None, "r", action="not_on_document")
    field = doc.field("thua_dat[0].dien_tich")
    assert field is not None and field.value is None and field.review is not None
    assert field.review.action == "not_on_document" and field.review.old_value == 250.0
    with pytest.raises(ReviewRejected, match="no field"):
        apply_review(_doc(), "nope", "1", "r")
    with pytest.raises(ReviewRejected, match="nothing to confirm"):
        apply_review(_doc(), "so_vao_so", None, "r", action="confirm")
