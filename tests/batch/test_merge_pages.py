"""A file's Document assembled from the Documents of its pages (the batch's page units)."""

from __future__ import annotations

from digitize.model import DocType, Document, Field, FieldStatus, Page, SourceInfo
from digitize.pipeline import merge_page_documents


def _page_doc(index: int, fields: list[Field], doc_type: DocType, n_pages: int = 1) -> Document:
    pages = [Page(source=SourceInfo(path="x.pdf", sha256="0" * 64, page_index=index, page_count=2, width=10,
                                    height=10), doc_type=doc_type, doc_type_confidence=0.9)
             for _ in range(n_pages)]
    return Document(source="x.pdf", loai_tai_lieu=doc_type, pages=pages, fields=fields, warnings=["blurred"],
                    timings={"ocr": 1.0}, backend="fake")


def test_pages_are_renumbered_and_the_best_reading_of_each_field_wins() -> None:
    first = _page_doc(0, [Field(path="so_phat_hanh", value="AA 1", confidence=0.6, status=FieldStatus.NEEDS_REVIEW,
                                page=0),
                          Field(path="so_vao_so", status=FieldStatus.NOT_FOUND)], DocType.GCN_2009_2014)
    second = _page_doc(1, [Field(path="so_phat_hanh", value="AA 2", confidence=0.95,
                                 status=FieldStatus.EXTRACTED, page=1),
                           Field(path="so_vao_so", value="CS 1", confidence=0.9, status=FieldStatus.EXTRACTED,
                                 page=0)], DocType.GCN_2009_2014, n_pages=2)
    merged = merge_page_documents("dir/x.pdf", [first, second])
    assert merged.source == "dir/x.pdf" and len(merged.pages) == 3
    assert merged.loai_tai_lieu == DocType.GCN_2009_2014
    by_path = {f.path: f for f in merged.fields}
    assert by_path["so_phat_hanh"].value == "AA 2" and by_path["so_phat_hanh"].page == 2  # 1 + one page before
    assert by_path["so_vao_so"].value == "CS 1" and by_path["so_vao_so"].page == 1
    assert merged.timings == {"ocr": 2.0}
    assert merged.warnings == ["page 1: blurred", "blurred"]  # a two-page unit's warnings carry their own numbers
    assert merged.backend == "fake"
