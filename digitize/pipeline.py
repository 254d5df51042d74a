"""The whole chain for one page and one file: preprocess -> OCR -> classify -> extract.

``process_page`` does no I/O: it takes a loaded :class:`Page` and returns processed
pages (a photo of two facing pages becomes two).  ``process_file`` loads a file and
merges its pages into one :class:`Document`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from digitize.config import Settings
from digitize.io.loader import iter_pages
from digitize.layout.classify import classify_text
from digitize.layout.extract import extract_fields
from digitize.layout.reading import TextStream
from digitize.layout.template import template_for
from digitize.model import DocType, Document, Field, FieldStatus, Page
from digitize.ocr.base import OcrBackend


def warm_up() -> None:
    """Load what extraction loads lazily (gazetteer, vocabularies) so the first page is not slower."""
    from digitize.fields.domain_words import domain_vocabulary, land_name_vocabulary
    from digitize.fields.gazetteer import gazetteer_available

    gazetteer_available()
    domain_vocabulary()
    land_name_vocabulary()


def preprocess_page(page: Page, settings: Settings) -> list[Page]:
    """The image pipeline (:mod:`digitize.preprocess`), or the page as loaded when it is turned off."""
    if not settings.preprocess:
        return [page]
    from digitize.preprocess import preprocess

    return preprocess(page, settings)


def ocr_page(page: Page, backend: OcrBackend) -> Page:
    """Read the page; a page that reads badly is tried turned (:mod:`digitize.ocr.orientation`)."""
    from digitize.ocr.orientation import read_upright

    # Detection and recognition apart (``ocr`` stays the whole reading, turned tries included);
    # a duck-typed backend without stage times reports the whole only.
    take_stage_times = getattr(backend, "take_stage_times", dict)
    take_stage_times()
    start = time.perf_counter()
    page, lines, notes = read_upright(page, backend)
    elapsed = time.perf_counter() - start
    stages = {f"ocr.{stage}": seconds for stage, seconds in take_stage_times().items()}
    return page.model_copy(update={"lines": lines, "warnings": [*page.warnings, *notes],
                                   "timings": {**page.timings, "ocr": elapsed, **stages}})


def classify_page(page: Page) -> Page:
    start = time.perf_counter()
    stream = TextStream.from_lines(page.lines)
    result = classify_text(stream.folded)
    warnings = list(page.warnings)
    if result.doc_type == DocType.KHAC:
        warnings.append("document type not recognised: no certificate or ID-card wording found")
    return page.model_copy(
        update={
            "doc_type": result.doc_type,
            "doc_type_confidence": result.confidence,
            "page_role": result.page_role,
            "warnings": warnings,
            "timings": {**page.timings, "classify": time.perf_counter() - start},
        }
    )


def extract_page(page: Page, backend: OcrBackend, settings: Settings, page_number: int) -> Page:
    start = time.perf_counter()
    template = template_for(page.doc_type.value) if page.doc_type else None
    reader_timings: dict[str, float] = {}
    fields = extract_fields(page, template, backend, settings, page_number, reader_timings) if template else []
    elapsed = time.perf_counter() - start
    second = reader_timings.get("ocr.second_reader", 0.0)
    timings = {**page.timings, **reader_timings, "extract": elapsed - second}
    return page.model_copy(update={"fields": fields, "timings": timings})


def process_page(page: Page, backend: OcrBackend, settings: Settings, first_page_number: int = 0) -> list[Page]:
    """Preprocess, read, classify and extract one loaded page."""
    out = []
    for offset, prepared in enumerate(preprocess_page(page, settings)):
        read = ocr_page(prepared, backend)
        classified = classify_page(read)
        out.append(extract_page(classified, backend, settings, first_page_number + offset))
    return out


_STATUS_RANK = {
    FieldStatus.REVIEWED: 5,
    FieldStatus.EXTRACTED: 4,
    FieldStatus.NEEDS_REVIEW: 3,
    FieldStatus.CONFLICT: 2,
    FieldStatus.UNREADABLE: 1,
    FieldStatus.NOT_FOUND: 0,
}


def merge_fields(field_lists: Iterable[list[Field]]) -> list[Field]:
    """One field per path across pages: the found one with the best status and confidence."""
    best: dict[str, Field] = {}
    order: list[str] = []
    for fields in field_lists:
        for f in fields:
            current = best.get(f.path)
            if current is None:
                best[f.path] = f
                order.append(f.path)
                continue
            if (_STATUS_RANK[f.status], f.confidence) > (_STATUS_RANK[current.status], current.confidence):
                best[f.path] = f
    # Fields that ended up found somewhere do not also count as missing elsewhere.
    return [best[p] for p in order]


def document_type(pages: list[Page]) -> DocType:
    """The document's type: the most confident non-``khac`` page type."""
    typed = [p for p in pages if p.doc_type and p.doc_type != DocType.KHAC]
    if not typed:
        return DocType.KHAC
    return max(typed, key=lambda p: p.doc_type_confidence).doc_type or DocType.KHAC


def missing_required(pages: list[Page], fields: list[Field]) -> list[Field]:
    """``not_found`` fields for the Form 01 paths the documents' types require but no page gave."""
    present = {f.path for f in fields}
    out: list[Field] = []
    seen: set[str] = set()
    for page in pages:
        template = template_for(page.doc_type.value) if page.doc_type else None
        for path in template.required if template else ():
            if path in seen:
                continue
            seen.add(path)
            # A list value (land uses) is present when any of its elements is.
            if path in present or any(p.startswith(path + "[") or p.startswith(path + ".") for p in present):
                continue
            out.append(Field(path=path, status=FieldStatus.NOT_FOUND,
                             reasons=["not found on the pages supplied"]))
    return out


def build_document(source: str, pages: list[Page], backend_name: str) -> Document:
    timings: dict[str, float] = {}
    for page in pages:
        for key, value in page.timings.items():
            timings[key] = timings.get(key, 0.0) + value
    warnings = [f"page {i + 1}: {w}" if len(pages) > 1 else w for i, p in enumerate(pages) for w in p.warnings]
    return Document(
        source=source,
        loai_tai_lieu=document_type(pages),
        pages=pages,
        fields=(merged := merge_fields(p.fields for p in pages)) + missing_required(pages, merged),
        warnings=warnings,
        timings=timings,
        backend=backend_name,
    )


def merge_page_documents(source: str, documents: Sequence[Document], backend_name: str = "") -> Document:
    """One file's Document from the Documents of its pages, processed one at a time (a batch's page units).

    ``documents`` come in page order; each may hold more than one page (a photo of two facing
    pages).  Pages and field page numbers are renumbered into one sequence, fields are merged
    across pages as :func:`process_file` merges them, and timings are summed.
    """
    pages: list[Page] = []
    field_lists: list[list[Field]] = []
    warnings: list[str] = []
    timings: dict[str, float] = {}
    total = sum(len(d.pages) for d in documents)
    for doc in documents:
        offset = len(pages)
        field_lists.append([f.model_copy(update={"page": None if f.page is None else f.page + offset})
                            for f in doc.fields if f.status != FieldStatus.NOT_FOUND])
        pages.extend(doc.pages)
        prefix = f"page {offset + 1}: " if total > 1 and len(doc.pages) == 1 else ""
        warnings.extend(prefix + w for w in doc.warnings)
        for key, value in doc.timings.items():
            timings[key] = timings.get(key, 0.0) + value
    merged = merge_fields(field_lists)
    return Document(source=source, loai_tai_lieu=document_type(pages), pages=pages,
                    fields=merged + missing_required(pages, merged), warnings=warnings, timings=timings,
                    backend=backend_name or (documents[0].backend if documents else ""))


def process_file(
    path: str | Path, backend: OcrBackend, settings: Settings, pages: Sequence[int] | None = None
) -> Document:
    """Load one file and run every page through the chain.  Raises InputError for a bad file."""
    processed: list[Page] = []
    start = time.perf_counter()
    for loaded in iter_pages(path, settings, pages):
        load_seconds = time.perf_counter() - start
        loaded = loaded.model_copy(update={"timings": {"load": load_seconds}})
        processed.extend(process_page(loaded, backend, settings, first_page_number=len(processed)))
        start = time.perf_counter()
    return build_document(str(path), processed, backend.name)
