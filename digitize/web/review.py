"""The reviewer's screens: the field queue (lowest confidence first), crops of the ORIGINAL
image, keyboard corrections with optimistic locking, the full-page view, conflicts side by side.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from digitize.engine import ReviewRejected
from digitize.model import parse_path
from digitize.store import REVIEW_STATUSES, StaleReview, review_field
from digitize.store.models import DocumentRow, Dossier, FieldRow, InputFile
from digitize.store.models_web import Role
from digitize.web.app import WebConfig, check_csrf, current_user, db_session, render, require_role
from digitize.web.auth import Principal
from digitize.web.images import MAX_CROP_WIDTH, MAX_PAGE_WIDTH, crop_box, encode_jpeg, original_page

log = logging.getLogger(__name__)
router = APIRouter()

QUEUE_SIZE = 20
PAGE_SOURCES_CACHE = 1024  # documents whose page files are remembered
ACTIONS = ("confirm", "correct", "unreadable", "not_on_document")
SCREENS = ("queue", "page", "conflicts")
# A certificate owner's field and the ID card field it is checked against (digitize.dossier.cross_check).
CARD_COUNTERPART = {"ho_ten": "ho_ten", "nam_sinh": "ngay_sinh", "so_giay_to": "so_dinh_danh"}
STATUS_LABELS = {"needs_review": "cần kiểm tra", "conflict": "mâu thuẫn", "unreadable": "không đọc được",
                 "reviewed": "đã kiểm tra", "extracted": "đã đọc", "not_found": "không thấy"}


def _settings(request: Request) -> Any:
    config: WebConfig = request.app.state.config
    return config.settings


def visible_document(session: Session, user: Principal, document_id: int) -> DocumentRow:
    """A document of a dossier the user's unit owns (admins: any document), else 404."""
    row = session.get(DocumentRow, document_id, options=[defer(DocumentRow.result)])  # loaded when needed
    if row is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy tài liệu.")
    dossier = session.get(Dossier, row.dossier_id) if row.dossier_id is not None else None
    if not (user.is_admin or (dossier is not None and user.can_see_unit(dossier.unit))):
        raise HTTPException(status_code=404, detail="Không tìm thấy tài liệu.")
    return row


def visible_field(session: Session, user: Principal, field_id: int) -> FieldRow:
    """A field of a visible document, else 404."""
    field = session.get(FieldRow, field_id)
    if field is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy trường.")
    visible_document(session, user, field.document_id)
    return field


class PageSources:
    """(file, page index) of each page of a document, remembered per app by document id and
    version (the result JSON they come from is large)."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[int, int], list[tuple[str, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, document: DocumentRow) -> list[tuple[str, int]]:
        """The page files of ``document``."""
        key = (document.id, document.version)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        sources = [(str(p.get("source", {}).get("path", "")), int(p.get("source", {}).get("page_index", 0)))
                   for p in document.result.get("pages", [])]
        with self._lock:
            self._cache[key] = sources
            while len(self._cache) > PAGE_SOURCES_CACHE:
                self._cache.popitem(last=False)
        return sources


def page_sources(request: Request) -> PageSources:
    """The app's page-source cache."""
    cache = getattr(request.app.state, "page_sources", None)
    if cache is None:
        cache = request.app.state.page_sources = PageSources()
    return cache


def page_source(request: Request, session: Session, document: DocumentRow, page: int) -> tuple[str, int]:
    """(stored file, page index in it) of page ``page`` of a document: a file of its own inputs only."""
    pages = page_sources(request).of(document)
    if not 0 <= page < len(pages):
        raise HTTPException(status_code=404, detail="Không có trang này.")
    location, index = pages[page]
    owner = InputFile.dossier_id == document.dossier_id if document.dossier_id is not None \
        else InputFile.id == document.input_id
    if session.scalars(select(InputFile.id).where(InputFile.location == location, owner)).first() is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy ảnh gốc.")
    return location, index


@dataclass
class QueueItem:
    """One field in the queue, with what the reviewer needs to decide."""

    field: FieldRow
    document: DocumentRow
    dossier: Dossier | None
    alternatives: list[Any]
    label: str


def field_key(path: str) -> str:
    """The last name in a field path ('chu_su_dung[0].ho_ten' -> 'ho_ten')."""
    names = [p for p in parse_path(path) if isinstance(p, str)]
    return names[-1] if names else path


def _alternatives(document: DocumentRow, path: str) -> list[Any]:
    for f in document.result.get("fields", []):
        if f.get("path") == path:
            return list(f.get("alternatives") or [])
    return []


def queue_items(session: Session, user: Principal, *, unit: str = "", key: str = "", doc_type: str = "",
                status: str = "", dossier_id: int | None = None, limit: int = QUEUE_SIZE) -> list[QueueItem]:
    """Fields of merged dossiers to review, lowest confidence first, within the user's units."""
    query = (select(FieldRow, DocumentRow, Dossier).join(DocumentRow, DocumentRow.id == FieldRow.document_id)
             .join(Dossier, Dossier.id == DocumentRow.dossier_id).where(DocumentRow.kind == "dossier"))
    if not user.is_admin:
        query = query.where(Dossier.unit == user.unit)
    elif unit:
        query = query.where(Dossier.unit == unit)
    if status in STATUS_LABELS:
        query = query.where(FieldRow.status == status)
    else:
        query = query.where(FieldRow.status.in_(sorted(REVIEW_STATUSES)))
    if key:
        query = query.where((FieldRow.path == key) | FieldRow.path.like(f"%.{key}"))
    if doc_type:
        query = query.where(DocumentRow.doc_type == doc_type)
    if dossier_id is not None:
        query = query.where(Dossier.id == dossier_id)
    # The result JSON (every OCR line) is large: loaded only for the conflicts' alternatives.
    query = query.options(defer(DocumentRow.result)).order_by(FieldRow.confidence, FieldRow.id).limit(limit)
    items = []
    for field, document, dossier in session.execute(query):
        alternatives = _alternatives(document, field.path) if field.status == "conflict" else []
        items.append(QueueItem(field=field, document=document, dossier=dossier, alternatives=alternatives,
                               label=STATUS_LABELS.get(field.status, field.status)))
    return items


@router.get("/review")
def review_queue(request: Request, unit: str = "", field: str = "", doc_type: str = "", status: str = "",
                 dossier: int | None = None, user: Principal = Depends(require_role(Role.REVIEWER)),
                 session: Session = Depends(db_session)) -> Response:
    """The review queue: fields the engine is unsure of, lowest confidence first, filterable."""
    items = queue_items(session, user, unit=unit, key=field, doc_type=doc_type, status=status, dossier_id=dossier)
    units = sorted(u for u in session.scalars(select(Dossier.unit).distinct()) if u) if user.is_admin else []
    return render(request, "review.html", {"items": items, "units": units, "statuses": STATUS_LABELS,
                                           "filters": {"unit": unit, "field": field, "doc_type": doc_type,
                                                       "status": status, "dossier": dossier or ""},
                                           "message": request.query_params.get("msg")})


@router.get("/fields/{field_id}/crop.jpg")
def field_crop(request: Request, field_id: int, user: Principal = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    """The part of the ORIGINAL upload around the field's box, as JPEG."""
    field = visible_field(session, user, field_id)
    if field.box is None or field.page is None:
        raise HTTPException(status_code=404, detail="Trường không có vị trí trên ảnh.")
    location, index = page_source(request, session, field.document, field.page)
    try:
        image = original_page(location, index, _settings(request))
        data = encode_jpeg(crop_box(image, field.box), MAX_CROP_WIDTH)
    except (FileNotFoundError, ValueError) as exc:
        raise HTTPException(status_code=404, detail="Không cắt được ảnh.") from exc
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@router.post("/fields/{field_id}/review")
def review(request: Request, field_id: int, action: str = Form(...), value: str = Form(""),
           version: int = Form(...), screen: str = Form("queue"), back: str = Form(""),
           user: Principal = Depends(check_csrf), session: Session = Depends(db_session)) -> Response:
    """A reviewer's decision on one field; refused with the reason when invalid or stale."""
    if user.role not in (Role.REVIEWER, Role.ADMIN):
        raise HTTPException(status_code=403, detail="Chỉ người kiểm tra sửa dữ liệu.")
    if action not in ACTIONS:
        raise HTTPException(status_code=400, detail="Thao tác không hợp lệ.")
    field = visible_field(session, user, field_id)
    error: str | None = None
    status_code = 200
    try:
        review_field(session, field.document_id, field.path, value if action == "correct" else None, user.name,
                     action=action,  # type: ignore[arg-type]
                     screen=screen if screen in SCREENS else "queue", expected_version=version)
    except StaleReview:
        session.rollback()
        error, status_code = ("Trường này vừa được người khác sửa. Tải lại để xem giá trị mới "
                              "(this field was changed by someone else: reload)."), 409
    except ReviewRejected as exc:
        session.rollback()
        error, status_code = f"Giá trị không hợp lệ: {exc}", 422
    if error is None:
        _refresh_dossier_status(session, field.document_id)
        session.commit()  # stored before the reviewer's next request can read it
        log.info("field %d (%s) reviewed: %s", field_id, field_key(field.path), action)
    if request.headers.get("x-requested-with") == "fetch":
        session.refresh(field)
        return render(request, "_review_result.html", {"field": field, "error": error}, status_code=status_code)
    target = back if back.startswith("/") and not back.startswith("//") else "/review"
    if error:
        return render(request, "error.html", {"message": error, "back": target}, status_code=status_code)
    return RedirectResponse(target, status_code=303)


def _refresh_dossier_status(session: Session, document_id: int) -> None:
    from digitize.web.processing import DossierStatus

    document = session.get(DocumentRow, document_id)
    if document is None or document.kind != "dossier" or document.dossier_id is None:
        return
    dossier = session.get(Dossier, document.dossier_id)
    if dossier is not None and dossier.status in (DossierStatus.NEEDS_REVIEW, DossierStatus.DONE):
        dossier.status = DossierStatus.NEEDS_REVIEW if document.n_review > 0 else DossierStatus.DONE


@router.get("/documents/{document_id}/pages/{page}")
def page_view(request: Request, document_id: int, page: int, user: Principal = Depends(current_user),
              session: Session = Depends(db_session)) -> Response:
    """One page of a document with every field's box drawn on the original image."""
    document = visible_document(session, user, document_id)
    page_source(request, session, document, page)
    source = document.result["pages"][page]["source"]
    fields = [f for f in document.fields if f.page == page]
    return render(request, "page.html", {"document": document, "page": page, "fields": fields,
                                         "width": source.get("width") or 1, "height": source.get("height") or 1,
                                         "n_pages": len(document.result.get("pages", [])),
                                         "labels": STATUS_LABELS, "key": field_key})


@router.get("/documents/{document_id}/pages/{page}/image.jpg")
def page_image(request: Request, document_id: int, page: int, user: Principal = Depends(current_user),
               session: Session = Depends(db_session)) -> Response:
    """One page of a document's original upload as a JPEG for the page view."""
    document = visible_document(session, user, document_id)
    location, index = page_source(request, session, document, page)
    image = original_page(location, index, _settings(request))
    return Response(encode_jpeg(image, MAX_PAGE_WIDTH), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=300"})


def conflict_pairs(document: DocumentRow) -> list[dict[str, Any]]:
    """Each conflicting certificate field (reviewed or not) with the ID card field it was checked against."""
    by_path = {f.path: f for f in document.fields}
    pairs = []
    for f in document.fields:
        alternatives = _alternatives(document, f.path)
        if f.status != "conflict" and not alternatives:  # a reviewed conflict keeps its alternatives
            continue
        card_key = CARD_COUNTERPART.get(field_key(f.path))
        card = None
        if card_key is not None:
            candidates = [c for p, c in by_path.items()
                          if p.startswith("giay_to_tuy_than[") and field_key(p) == card_key]
            card = next((c for c in candidates if any(str(c.value).startswith(str(a)) for a in alternatives)),
                        candidates[0] if len(candidates) == 1 else None)
        pairs.append({"field": f, "card": card, "alternatives": alternatives})
    return pairs


@router.get("/dossiers/{dossier_id}/conflicts")
def conflicts(request: Request, dossier_id: int, user: Principal = Depends(require_role(Role.REVIEWER)),
              session: Session = Depends(db_session)) -> Response:
    """Conflicts between the certificate and the ID cards, side by side."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not user.can_see_unit(dossier.unit):
        raise HTTPException(status_code=404, detail="Không tìm thấy hồ sơ.")
    document = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                         DocumentRow.kind == "dossier")).first()
    pairs = conflict_pairs(document) if document is not None else []
    return render(request, "conflicts.html", {"dossier": dossier, "document": document, "pairs": pairs,
                                              "labels": STATUS_LABELS})
