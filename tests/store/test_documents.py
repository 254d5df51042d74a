"""The store on SQLite and on a real PostgreSQL server: schema, documents, reviews, locking."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from digitize.engine import ReviewRejected
from digitize.model import Document, Field, FieldStatus
from digitize.store import (
    StaleReview,
    Store,
    failed_inputs,
    iter_documents,
    load_document,
    review_field,
    save_document,
    schema_revision,
)
from digitize.store.models import DocumentRow, FieldRow, InputFile, InputStatus, ReviewRow


def _document(source: str = "a/scan.jpg") -> Document:
    return Document(source=source, fields=[
        Field(path="so_phat_hanh", value="DP 947330", raw="DP 947330", confidence=0.97,
              status=FieldStatus.EXTRACTED, page=0, box=[1.0, 2.0, 3.0, 4.0]),
        Field(path="thua_dat[0].dien_tich", value=250.0, raw="25O,0 m2", confidence=0.55,
              status=FieldStatus.NEEDS_REVIEW, page=0),
        Field(path="so_vao_so", status=FieldStatus.NOT_FOUND),
    ])


@pytest.fixture
def store(store_url: str):
    s = Store.open(store_url)
    yield s
    s.close()


def _input(session, path: str = "a/scan.jpg", status: str = InputStatus.DONE) -> InputFile:
    row = InputFile(path=path, location="/data/" + path, sha256="ab" * 32, size=10, status=status)
    session.add(row)
    session.flush()
    return row


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from digitize.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_open_migrates_an_empty_database_and_is_idempotent(store_url: str) -> None:
    first = Store.open(store_url)
    assert schema_revision(first.engine) == _head_revision()
    first.close()
    again = Store.open(store_url)  # a second open finds the schema current
    assert schema_revision(again.engine) == _head_revision()
    again.close()


def test_a_saved_document_reads_back_with_flat_fields(store: Store) -> None:
    with store.session() as s:
        doc_id = save_document(s, _document(), input_id=_input(s).id).id
    with store.session() as s:
        row = s.get(DocumentRow, doc_id)
        assert row is not None
        assert load_document(row).to_output() == _document().to_output()
        assert row.n_fields == 3 and row.n_review == 1
        assert [f.path for f in row.fields] == ["so_phat_hanh", "thua_dat[0].dien_tich", "so_vao_so"]
        assert row.fields[0].box == [1.0, 2.0, 3.0, 4.0] and row.fields[1].value == 250.0


def test_saving_again_for_the_same_input_replaces_not_duplicates(store: Store) -> None:
    with store.session() as s:
        input_id = _input(s).id
        save_document(s, _document(), input_id=input_id)
    with store.session() as s:
        save_document(s, _document("again.jpg"), input_id=input_id)
    with store.session() as s:
        assert len(s.scalars(select(DocumentRow)).all()) == 1
        assert len(s.scalars(select(FieldRow)).all()) == 3
        assert s.scalars(select(DocumentRow)).one().source == "again.jpg"


def test_documents_filter_by_field_status_and_failures_list(store: Store) -> None:
    with store.session() as s:
        save_document(s, _document(), input_id=_input(s, "one.jpg").id)
        clean = Document(source="two.jpg", fields=[Field(path="so_phat_hanh", value="DP 1", confidence=0.99,
                                                         status=FieldStatus.EXTRACTED)])
        save_document(s, clean, input_id=_input(s, "two.jpg").id)
        bad = _input(s, "bad.jpg", InputStatus.FAILED)
        bad.error_code, bad.error = "corrupt_file", "bad.jpg: cannot be decoded"
    with store.session() as s:
        assert [r.source for r in iter_documents(s)] == ["a/scan.jpg", "two.jpg"]
        assert [r.source for r in iter_documents(s, statuses=["needs_review"])] == ["a/scan.jpg"]
        assert [(f.path, f.error_code) for f in failed_inputs(s)] == [("bad.jpg", "corrupt_file")]


def test_a_review_updates_field_document_and_audit_trail(store: Store) -> None:
    with store.session() as s:
        doc_id = save_document(s, _document(), input_id=_input(s).id).id
    with store.session() as s:
        after = review_field(s, doc_id, "thua_dat[0].dien_tich", "250,5", "reviewer1", screen="queue",
                             expected_version=1)
        assert after.record["thua_dat"][0]["dien_tich"] == 250.5
    with store.session() as s:
        row = s.get(DocumentRow, doc_id)
        assert row is not None and row.n_review == 0
        field = next(f for f in row.fields if f.path == "thua_dat[0].dien_tich")
        assert (field.value, field.status, field.version) == (250.5, "reviewed", 2)
        assert load_document(row).field("thua_dat[0].dien_tich").review.who == "reviewer1"  # type: ignore[union-attr]
        audit = s.scalars(select(ReviewRow)).one()
        assert (audit.who, audit.old_value, audit.new_value, audit.old_status, audit.screen) == (
            "reviewer1", 250.0, 250.5, "needs_review", "queue")


def test_the_second_of_two_reviewers_gets_a_clear_message_not_a_silent_overwrite(store: Store) -> None:
    with store.session() as s:
        doc_id = save_document(s, _document(), input_id=_input(s).id).id
    with store.session() as s:
        review_field(s, doc_id, "thua_dat[0].dien_tich", "251", "first", expected_version=1)
    with pytest.raises(StaleReview, match="changed by someone else"), store.session() as s:
        review_field(s, doc_id, "thua_dat[0].dien_tich", "252", "second", expected_version=1)
    with store.session() as s:
        field = s.scalars(select(FieldRow).where(FieldRow.path == "thua_dat[0].dien_tich")).one()
        assert field.value == 251.0
        assert len(s.scalars(select(ReviewRow)).all()) == 1


def test_an_invalid_correction_writes_nothing(store: Store) -> None:
    with store.session() as s:
        doc_id = save_document(s, _document(), input_id=_input(s).id).id
    with pytest.raises(ReviewRejected), store.session() as s:
        review_field(s, doc_id, "thua_dat[0].dien_tich", "không rõ", "r")
    with store.session() as s:
        assert s.scalars(select(ReviewRow)).all() == []
