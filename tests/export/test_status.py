"""A row is never 'fully read' when something is missing, doubtful, to retake or not a certificate."""

from __future__ import annotations

from digitize.engine import apply_review
from digitize.export.form01 import rows_for_item
from digitize.export.items import ExportItem
from digitize.export.status import (
    FAILED,
    FULLY_READ,
    ID_PAPERS_ONLY,
    NEEDS_REVIEW,
    RETAKE,
    UNRECOGNISED,
    classify_row,
)
from digitize.model import Document, FieldStatus


def _labels(doc: Document) -> set[str]:
    return {row.classification.label for row in rows_for_item(ExportItem.of(doc)) if row.classification}


def _with_status(doc: Document, path: str, status: FieldStatus) -> Document:
    fields = [f.model_copy(update={"status": status}) if f.path == path else f for f in doc.fields]
    return doc.model_copy(update={"fields": fields})


def test_a_complete_certificate_is_fully_read(certificate: Document) -> None:
    assert _labels(certificate) == {FULLY_READ}


def test_a_black_page_is_not_fully_read(black_page: Document) -> None:
    verdict = classify_row(black_page)
    assert verdict.label == UNRECOGNISED and not verdict.fully_read
    assert any("chụp lại" in r for r in verdict.reasons)  # the retake is reported too


def test_a_lone_id_card_is_not_fully_read(card: Document) -> None:
    assert _labels(card) == {ID_PAPERS_ONLY}
    row = rows_for_item(ExportItem.of(card))[0]
    assert row.value("so_dinh_danh") == "025075239401"  # the card fills the person's columns


def test_a_page_that_asks_for_a_retake_is_not_fully_read(certificate: Document) -> None:
    page = certificate.pages[1]
    quality = page.quality.model_copy(update={"retake_recommended": True, "flags": ["blur"]})
    pages = [certificate.pages[0], page.model_copy(update={"quality": quality})]
    verdict = classify_row(certificate.model_copy(update={"pages": pages}))
    assert verdict.label == RETAKE
    assert verdict.reasons == ["trang 2 cần chụp lại (blur)"]


def test_a_missing_required_field_needs_review(page2: Document) -> None:
    verdict = classify_row(page2, owner=None, parcel=0)
    assert verdict.label == NEEDS_REVIEW
    assert "so_phat_hanh" in verdict.paths and "chu_su_dung[0].ho_ten" in verdict.paths


def test_doubtful_or_unreadable_fields_need_review(certificate: Document) -> None:
    for status in (FieldStatus.NEEDS_REVIEW, FieldStatus.CONFLICT, FieldStatus.UNREADABLE):
        verdict = classify_row(_with_status(certificate, "thua_dat[0].dien_tich", status), owner=0, parcel=0)
        assert verdict.label == NEEDS_REVIEW, status
        assert verdict.paths == ["thua_dat[0].dien_tich"]


def test_another_owners_doubt_does_not_flag_this_owners_row(certificate: Document) -> None:
    doc = _with_status(certificate, "chu_su_dung[0].ho_ten", FieldStatus.NEEDS_REVIEW)
    assert classify_row(doc, owner=1, parcel=0).paths == ["chu_su_dung[1].ho_ten"]  # missing, not owner 0's


def test_a_reviewed_field_counts_as_read(certificate: Document) -> None:
    doc = _with_status(certificate, "thua_dat[0].dien_tich", FieldStatus.NEEDS_REVIEW)
    doc = apply_review(doc, "thua_dat[0].dien_tich", None, "reviewer1")
    assert classify_row(doc, owner=0, parcel=0).label == FULLY_READ


def test_a_failed_input_has_its_own_row(failure) -> None:  # type: ignore[no-untyped-def]
    rows = rows_for_item(ExportItem.of(failure))
    assert len(rows) == 1 and rows[0].classification is not None
    assert rows[0].classification.label == FAILED
    assert rows[0].value("tep_nguon") == "scans/broken.jpg"
    assert "corrupt_file" in str(rows[0].value("ly_do_kiem_tra"))
