"""Sign-in, dossiers, uploads with capture feedback, progress, exports and the audit download."""

from __future__ import annotations

import csv
import io
import logging
import secrets
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from digitize.store.models import DocumentRow, Dossier, InputFile, InputStatus, ReviewRow
from digitize.store.models_web import Role
from digitize.web.app import WebConfig, check_csrf, current_user, db_session, render, require_role
from digitize.web.auth import SESSION_COOKIE, SESSION_HOURS, AuthError, Principal, RateLimited, sign_in, sign_out
from digitize.web.images import encode_jpeg, original_page
from digitize.web.processing import DossierStatus
from digitize.web.uploads import UploadRejected, capture_check, check_upload, copy_fake_truth, store_upload

log = logging.getLogger(__name__)
router = APIRouter()

LOGIN_CSRF_COOKIE = "digitize_login_csrf"
PREVIEW_WIDTH = 900
MAX_DOSSIER_NAME = 200
STATUS_LABELS = {
    DossierStatus.OPEN: "Chưa có ảnh",
    DossierStatus.PROCESSING: "Đang đọc",
    DossierStatus.NEEDS_REVIEW: "Cần kiểm tra",
    DossierStatus.DONE: "Xong",
}


def _config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def visible_dossier(session: Session, user: Principal, dossier_id: int) -> Dossier:
    """The dossier if the user's unit owns it (admins: any), else 404."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or not user.can_see_unit(dossier.unit):
        raise HTTPException(status_code=404, detail="Không tìm thấy hồ sơ.")
    return dossier


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form (with a double-submit CSRF token: there is no session yet)."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "error": None})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_config(request).secure_cookies)
    return response


@router.post("/login")
def login(request: Request, name: str = Form(...), password: str = Form(...), csrf: str = Form(""),
          session: Session = Depends(db_session)) -> Response:
    """Check the password, open a session and go to the start page."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not secrets.compare_digest(cookie, csrf):
        raise HTTPException(status_code=403, detail="Phiên đăng nhập hết hạn. Tải lại trang.")
    try:
        token, _row = sign_in(session, name, password, _client_ip(request))
    except RateLimited as exc:
        session.commit()
        log.warning("sign-in rate limited")
        return render(request, "login.html", {"login_csrf": cookie, "error": str(exc)}, status_code=429)
    except AuthError as exc:
        session.commit()  # the failed attempt counts
        return render(request, "login.html", {"login_csrf": cookie, "error": str(exc)}, status_code=401)
    session.commit()  # before the browser follows the redirect with its new cookie
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_config(request).secure_cookies,
                        max_age=SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, _user: Principal = Depends(check_csrf),
           session: Session = Depends(db_session)) -> Response:
    """End the session."""
    sign_out(session, request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request, user: Principal = Depends(current_user), session: Session = Depends(db_session)) -> Response:
    """The dossiers of the user's unit (all for an admin), newest first, with their status."""
    query = select(Dossier).order_by(Dossier.id.desc()).limit(200)
    if not user.is_admin:
        query = query.where(Dossier.unit == user.unit)
    dossiers = session.scalars(query).all()
    return render(request, "home.html", {"dossiers": dossiers, "labels": STATUS_LABELS,
                                         "can_create": user.role in (Role.COLLECTOR, Role.ADMIN)})


@router.post("/dossiers")
def create_dossier(request: Request, name: str = Form(...), unit: str = Form(""),
                   user: Principal = Depends(check_csrf), session: Session = Depends(db_session)) -> Response:
    """A new dossier in the collector's unit (an admin names the unit)."""
    if user.role not in (Role.COLLECTOR, Role.ADMIN):
        raise HTTPException(status_code=403, detail="Chỉ cán bộ thu thập tạo hồ sơ.")
    name = name.strip()[:MAX_DOSSIER_NAME]
    owner_unit = (unit.strip() or None) if user.is_admin else user.unit
    if not name or not owner_unit:
        raise HTTPException(status_code=400, detail="Cần tên hồ sơ và đơn vị.")
    dossier = Dossier(name=name, unit=owner_unit, status=DossierStatus.OPEN, created_by=user.name)
    session.add(dossier)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status_code=409, detail="Đã có hồ sơ cùng tên trong đơn vị.") from None
    session.commit()
    return RedirectResponse(f"/dossiers/{dossier.id}", status_code=303)


def dossier_progress(session: Session, dossier: Dossier) -> dict[str, Any]:
    """Counts of a dossier's inputs by status, its merged document and how many fields need review."""
    inputs = session.scalars(select(InputFile).where(InputFile.dossier_id == dossier.id)
                             .order_by(InputFile.id)).all()
    counts = {s: sum(1 for i in inputs if i.status == s) for s in
              (InputStatus.PENDING, InputStatus.RUNNING, InputStatus.DONE, InputStatus.FAILED)}
    finished = counts[InputStatus.DONE] + counts[InputStatus.FAILED]
    merged = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier.id,
                                                       DocumentRow.kind == "dossier")).first()
    return {"inputs": inputs, "counts": counts, "total": len(inputs), "finished": finished,
            "percent": round(100 * finished / len(inputs)) if inputs else 0, "merged": merged,
            "label": STATUS_LABELS.get(dossier.status, dossier.status)}


@router.get("/dossiers/{dossier_id}")
def dossier_page(request: Request, dossier_id: int, user: Principal = Depends(current_user),
                 session: Session = Depends(db_session)) -> Response:
    """A dossier: upload form, each photo's capture feedback, reading progress and results."""
    dossier = visible_dossier(session, user, dossier_id)
    return render(request, "dossier.html", {"dossier": dossier, **dossier_progress(session, dossier),
                                            "can_upload": user.role in (Role.COLLECTOR, Role.ADMIN)})


@router.get("/dossiers/{dossier_id}/progress")
def dossier_progress_fragment(request: Request, dossier_id: int, user: Principal = Depends(current_user),
                              session: Session = Depends(db_session)) -> Response:
    """The progress block of a dossier page (polled while pages are read)."""
    dossier = visible_dossier(session, user, dossier_id)
    return render(request, "_progress.html", {"dossier": dossier, **dossier_progress(session, dossier)})


@router.post("/dossiers/{dossier_id}/uploads")
async def upload(request: Request, dossier_id: int, files: list[UploadFile] = File(...),
                 user: Principal = Depends(check_csrf), session: Session = Depends(db_session)) -> Response:
    """Store photos/PDFs of a dossier, answer with each one's capture feedback, queue them for reading."""
    from starlette.concurrency import run_in_threadpool

    if user.role not in (Role.COLLECTOR, Role.ADMIN):
        raise HTTPException(status_code=403, detail="Chỉ cán bộ thu thập tải ảnh lên.")
    dossier = visible_dossier(session, user, dossier_id)
    config = _config(request)
    results: list[dict[str, Any]] = []
    queued: list[InputFile] = []
    for upload_file in files:
        data = await upload_file.read(config.max_upload_bytes + 1)
        try:
            media_type = check_upload(data, config.max_upload_bytes, config.settings)
            check = await run_in_threadpool(capture_check, data, media_type, config.settings)
        except UploadRejected as exc:
            results.append({"input": None, "error": str(exc), "check": None})
            continue
        stored = store_upload(data, media_type, config.upload_dir)
        if config.fake_truth_dir is not None and upload_file.filename:
            copy_fake_truth(upload_file.filename, stored, config.fake_truth_dir)
        import hashlib

        row = InputFile(path=f"web/{dossier.id}/{stored.name}", location=str(stored),
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), media_type=media_type,
                        status=InputStatus.PENDING, dossier_id=dossier.id,
                        timings={"capture_check": check.as_json()})
        session.add(row)
        session.flush()
        queued.append(row)
        results.append({"input": row, "error": None, "check": check.as_json()})
        log.info("upload stored: input %d, %s, capture check %.2f s, flags %s", row.id, media_type,
                 check.seconds, ",".join(check.flags) or "-")
    if queued:
        dossier.status = DossierStatus.PROCESSING
    session.commit()
    for row in queued:
        request.app.state.processor.submit(row.id, row.location, row.path)
    if request.headers.get("x-requested-with") == "fetch":
        return render(request, "_upload_results.html", {"results": results, "dossier": dossier})
    return RedirectResponse(f"/dossiers/{dossier.id}", status_code=303)


def visible_input(session: Session, user: Principal, input_id: int) -> InputFile:
    """An input of a dossier the user may see, else 404."""
    row = session.get(InputFile, input_id)
    if row is None or row.dossier_id is None:
        raise HTTPException(status_code=404, detail="Không tìm thấy ảnh.")
    visible_dossier(session, user, row.dossier_id)
    return row


@router.get("/inputs/{input_id}/preview.jpg")
def input_preview(request: Request, input_id: int, user: Principal = Depends(current_user),
                  session: Session = Depends(db_session)) -> Response:
    """The first page of an upload as a small JPEG (the capture feedback draws the outline on it)."""
    row = visible_input(session, user, input_id)
    image = original_page(row.location, 0, _config(request).settings)
    return Response(encode_jpeg(image, PREVIEW_WIDTH), media_type="image/jpeg")


def write_form01(docs: list[tuple[str, Any]], path: Path) -> int:
    """The one place the web app writes the Form 01 spreadsheet: (dossier name, merged document) pairs."""
    from digitize.export.items import ExportItem
    from digitize.export.xlsx import write_form01_xlsx

    return write_form01_xlsx([ExportItem(source=doc.source, document=doc, dossier=name) for name, doc in docs], path)


@router.get("/export/form01.xlsx")
def export_form01(request: Request, user: Principal = Depends(require_role(Role.REVIEWER)),
                  session: Session = Depends(db_session)) -> Response:
    """The Form 01 spreadsheet of the reviewed (done) dossiers of the user's unit (admins: all)."""
    from digitize.store import load_document

    query = (select(DocumentRow, Dossier.name).join(Dossier, Dossier.id == DocumentRow.dossier_id)
             .where(DocumentRow.kind == "dossier", Dossier.status == DossierStatus.DONE).order_by(Dossier.id))
    if not user.is_admin:
        query = query.where(Dossier.unit == user.unit)
    docs = [(name, load_document(row)) for row, name in session.execute(query)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form01.xlsx"
        write_form01(docs, path)
        data = path.read_bytes()
    log.info("form 01 exported: %d dossiers", len(docs))
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="form01.xlsx"'})


@router.get("/export/audit.csv")
def export_audit(user: Principal = Depends(require_role(Role.ADMIN)),
                 session: Session = Depends(db_session)) -> Response:
    """Every review decision (who, when, what, old and new value, from which screen) as CSV; admins only."""
    import json

    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["id", "at", "who", "dossier", "unit", "document", "field", "action", "old_value", "new_value",
                     "old_status", "screen"])
    query = (select(ReviewRow, DocumentRow.dossier_id, Dossier.unit)
             .join(DocumentRow, DocumentRow.id == ReviewRow.document_id)
             .outerjoin(Dossier, Dossier.id == DocumentRow.dossier_id).order_by(ReviewRow.id))
    for review, dossier_id, unit in session.execute(query):
        writer.writerow([review.id, review.at.isoformat(), review.who, dossier_id or "", unit or "",
                         review.document_id, review.field_path, review.action,
                         "" if review.old_value is None else json.dumps(review.old_value, ensure_ascii=False),
                         "" if review.new_value is None else json.dumps(review.new_value, ensure_ascii=False),
                         review.old_status or "", review.screen or ""])
    return Response(stream.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


@router.get("/healthz")
def health(_user: Principal = Depends(current_user), session: Session = Depends(db_session)) -> Response:
    """Counts of inputs by status (signed-in users only)."""
    rows = session.execute(select(InputFile.status, func.count()).group_by(InputFile.status)).all()
    return Response("\n".join(f"{status} {count}" for status, count in rows), media_type="text/plain")
