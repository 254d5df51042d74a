"""The web app's routes for every role, on a real store with the fake OCR backend."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from digitize.confidence import FEATURE_NAMES
from digitize.model import Document, FieldStatus
from digitize.store import Store, save_document
from digitize.store.models import DocumentRow, FieldRow, InputFile, ReviewRow
from digitize.store.models_web import FieldSignals, WebSession
from digitize.store.review_samples import review_samples
from digitize.web.app import create_app
from digitize.web.auth import MAX_FAILURES_PER_USER
from tests.web.conftest import (
    CERTIFICATE,
    ID_CARD,
    PHOTO,
    SAMPLES,
    create_dossier,
    login,
    make_config,
    upload,
    wait_for_dossier,
)


@pytest.fixture
def idle_client(web_db: str, tmp_path: Path) -> TestClient:
    """A client of an app that stores uploads without reading them."""
    app = create_app(make_config(web_db, tmp_path / "data", process=False))
    client = TestClient(app)
    client.web_app = app  # type: ignore[attr-defined]
    return client


def _routes() -> list[tuple[str, str]]:
    out = []
    from digitize.web.review import router as review_router
    from digitize.web.views import router as views_router

    for route in [*views_router.routes, *review_router.routes]:
        path = getattr(route, "path", "")
        if path in ("/login", "/static") or path.startswith("/static"):
            continue
        for method in sorted(getattr(route, "methods", []) or []):
            if method in ("GET", "POST"):
                out.append((method, re.sub(r"\{[a-z_]+\}", "1", path)))
    return out


def test_anonymous_is_refused_on_every_route(idle_client: TestClient) -> None:
    routes = _routes()
    assert len(routes) >= 15
    for method, path in routes:
        response = idle_client.request(method, path, follow_redirects=False)
        assert response.status_code in (401, 303), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"] == "/login"
    page = idle_client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert idle_client.get("/login").status_code == 200
    assert idle_client.get("/static/app.js").status_code == 200


def test_security_headers_and_session_cookie(idle_client: TestClient) -> None:
    page = idle_client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and "style=" not in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    response = idle_client.post("/login", data={"name": "thu_a", "password": "mat-khau-thu-1",
                                                "csrf": token.group(1)}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "digitize_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_login_without_its_csrf_token_is_refused(idle_client: TestClient) -> None:
    idle_client.get("/login")
    response = idle_client.post("/login", data={"name": "thu_a", "password": "mat-khau-thu-1", "csrf": "x"})
    assert response.status_code == 403


def test_sign_in_is_rate_limited_per_user(idle_client: TestClient) -> None:
    page = idle_client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    for _ in range(MAX_FAILURES_PER_USER):
        wrong = idle_client.post("/login", data={"name": "kiem_a", "password": "sai-mat-khau", "csrf": token})
        assert wrong.status_code == 401
    right = idle_client.post("/login", data={"name": "kiem_a", "password": "mat-khau-thu-1", "csrf": token},
                             follow_redirects=False)
    assert right.status_code == 429
    other = idle_client.post("/login", data={"name": "kiem_b", "password": "mat-khau-thu-1", "csrf": token},
                             follow_redirects=False)
    assert other.status_code == 303  # another user from the same address is not locked out


def test_posts_need_the_session_csrf_token(idle_client: TestClient) -> None:
    csrf = login(idle_client, "thu_a")
    assert idle_client.post("/dossiers", data={"name": "HS-x"}).status_code == 403
    assert idle_client.post("/dossiers", data={"name": "HS-x", "csrf": "wrong"}).status_code == 403
    assert create_dossier(idle_client, csrf, "HS-x") > 0


def test_roles(idle_client: TestClient) -> None:
    csrf = login(idle_client, "kiem_a")
    assert idle_client.post("/dossiers", data={"name": "HS-r", "csrf": csrf}).status_code == 403
    assert idle_client.get("/export/audit.csv").status_code == 403
    assert idle_client.get("/review").status_code == 200
    idle_client.cookies.clear()
    csrf = login(idle_client, "thu_a")
    assert idle_client.get("/review").status_code == 403
    assert idle_client.get("/export/form01.xlsx").status_code == 403


def test_a_disabled_user_is_signed_out(idle_client: TestClient, web_db: str) -> None:
    login(idle_client, "thu_a")
    assert idle_client.get("/").status_code == 200
    store = Store.open(web_db, migrate_schema=False)
    from digitize.web.auth import disable_user

    with store.session() as session:
        disable_user(session, "thu_a")
    with store.session() as session:
        assert session.scalars(select(WebSession)).first() is None
    store.close()
    assert idle_client.get("/", follow_redirects=False).status_code in (401, 303)


def test_upload_checks_content_and_gives_capture_feedback(idle_client: TestClient, tmp_path: Path) -> None:
    csrf = login(idle_client, "thu_a")
    dossier_id = create_dossier(idle_client, csrf, "HS-u")
    fake = idle_client.post(f"/dossiers/{dossier_id}/uploads", data={"csrf": csrf},
                            files=[("files", ("anh.jpg", b"<html>not an image</html>", "image/jpeg"))],
                            headers={"X-Requested-With": "fetch"})
    assert fake.status_code == 200 and "Không phải ảnh hoặc PDF" in fake.text
    response = upload(idle_client, csrf, dossier_id, PHOTO)
    assert response.status_code == 200
    # The phone photo is flagged (its quality flags with the Vietnamese advice), with the outline drawn.
    assert 'data-flag="' in response.text and "chụp lại" in response.text
    assert "<polygon" in response.text and "Nên chụp lại" in response.text
    stored = list((tmp_path / "data" / "uploads").glob("*.jpg"))
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.jpg", stored[0].name)
    input_id = int(re.search(r"/inputs/(\d+)/preview.jpg", response.text).group(1))  # type: ignore[union-attr]
    preview = idle_client.get(f"/inputs/{input_id}/preview.jpg")
    assert preview.status_code == 200 and preview.content[:3] == b"\xff\xd8\xff"


def _seed(client: TestClient, db: str, name: str = "HS-A1") -> int:
    csrf = login(client, "thu_a")
    dossier_id = create_dossier(client, csrf, name)
    response = upload(client, csrf, dossier_id, CERTIFICATE, ID_CARD)
    assert response.status_code == 200 and "Đã nhận tệp PDF" in response.text
    assert wait_for_dossier(db, dossier_id) == "needs_review"
    client.cookies.clear()
    return dossier_id


def _make_conflict(db: str, dossier_id: int) -> None:
    """Put a certificate/ID card disagreement into the stored dossier (as merge_dossier would)."""
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                        DocumentRow.kind == "dossier")).one()
        doc = Document.from_output(row.result)
        card = doc.field("giay_to_tuy_than[0].ho_ten")
        assert card is not None
        fields = [f.model_copy(update={"status": FieldStatus.CONFLICT, "alternatives": [card.value],
                                       "confidence": 0.3, "reasons": ["name differs from the ID card"]})
                  if f.path == "chu_su_dung[0].ho_ten" else f for f in doc.fields]
        save_document(session, doc.model_copy(update={"fields": fields}), dossier_id=dossier_id, kind="dossier")
    store.close()


def test_collect_process_review_and_export(app_client: tuple[TestClient, str], tmp_path: Path) -> None:
    client, db = app_client
    dossier_id = _seed(client, db)
    csrf = login(client, "kiem_a")
    queue = client.get("/review")
    assert queue.status_code == 200
    ids = [int(i) for i in re.findall(r'action="/fields/(\d+)/review"', queue.text)]
    assert ids, "fields to review"
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        confidences = [session.get(FieldRow, i).confidence for i in ids]  # type: ignore[union-attr]
        assert confidences == sorted(confidences)
        assert session.scalars(select(FieldSignals)).first() is not None  # kept for calibrate --from-reviews
        boxed = next(i for i in ids if session.get(FieldRow, i).box is not None)  # type: ignore[union-attr]
        versions = {i: session.get(FieldRow, i).version for i in ids}  # type: ignore[union-attr]
    crop = client.get(f"/fields/{boxed}/crop.jpg")
    assert crop.status_code == 200 and crop.content[:3] == b"\xff\xd8\xff"
    merged = re.search(r'href="/documents/(\d+)/pages/', queue.text).group(1)  # type: ignore[union-attr]
    assert client.get(f"/documents/{merged}/pages/0").status_code == 200
    assert client.get(f"/documents/{merged}/pages/0/image.jpg").content[:3] == b"\xff\xd8\xff"
    # An invalid correction is refused with the reason; the field is unchanged.
    first = ids[0]
    bad = client.post(f"/fields/{first}/review", data={"csrf": csrf, "action": "correct", "value": "",
                                                       "version": versions[first]},
                      headers={"X-Requested-With": "fetch"})
    assert bad.status_code in (200, 422)
    # Every field: unreadable (a valid decision for any field), with the version seen.
    for i in ids:
        ok = client.post(f"/fields/{i}/review", data={"csrf": csrf, "action": "unreadable",
                                                      "version": versions[i]}, headers={"X-Requested-With": "fetch"})
        assert ok.status_code == 200, ok.text
    # A second reviewer with the old version is told, not silently overwriting.
    client.cookies.clear()
    csrf2 = login(client, "kiem_a2")
    stale = client.post(f"/fields/{first}/review", data={"csrf": csrf2, "action": "confirm",
                                                        "version": versions[first]},
                        headers={"X-Requested-With": "fetch"})
    assert stale.status_code == 409 and "người khác" in stale.text
    with store.session() as session:
        reviews = session.scalars(select(ReviewRow)).all()
        assert {r.who for r in reviews} == {"kiem_a"} and all(r.screen == "queue" for r in reviews)
        assert len(reviews) == len(ids)
        # The reviewed fields are calibration samples: the engine's signals, and wrong (unreadable).
        xs, ys, _paths = review_samples(session, len(FEATURE_NAMES))
        assert xs and set(ys) == {0.0} and all(len(x) == len(FEATURE_NAMES) for x in xs)
    store.close()
    from click.testing import CliRunner

    from digitize.cli import main

    refit = CliRunner().invoke(main, ["calibrate", "--from-reviews", db, "-o", str(tmp_path / "cal.json")])
    assert refit.exit_code != 0 and "too few" in refit.output  # a handful of one-sided samples fits nothing
    assert wait_for_dossier(db, dossier_id, timeout=5) == "done"
    export = client.get("/export/form01.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet.max_row >= 2
    client.cookies.clear()
    login(client, "admin")
    audit = client.get("/export/audit.csv")
    assert audit.status_code == 200
    rows = list(csv.DictReader(io.StringIO(audit.content.decode("utf-8-sig"))))
    assert len(rows) == len(ids) and rows[0]["who"] == "kiem_a" and rows[0]["action"] == "unreadable"


def test_a_correction_is_normalised_and_an_invalid_one_refused(app_client: tuple[TestClient, str]) -> None:
    client, db = app_client
    dossier_id = _seed(client, db, "HS-A2")
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        row = session.scalars(select(FieldRow).join(DocumentRow).where(
            DocumentRow.dossier_id == dossier_id, DocumentRow.kind == "dossier",
            FieldRow.path == "ngay_cap")).one()
        field_id, version = row.id, row.version
    csrf = login(client, "kiem_a")
    bad = client.post(f"/fields/{field_id}/review", data={"csrf": csrf, "action": "correct", "value": "31/02/2020",
                                                          "version": version}, headers={"X-Requested-With": "fetch"})
    assert bad.status_code == 422 and "không hợp lệ" in bad.text
    good = client.post(f"/fields/{field_id}/review", data={"csrf": csrf, "action": "correct", "value": "5/3/2020",
                                                           "version": version}, headers={"X-Requested-With": "fetch"})
    assert good.status_code == 200
    with store.session() as session:
        assert session.get(FieldRow, field_id).value == "2020-03-05"  # type: ignore[union-attr]
    store.close()


def test_another_units_reviewer_cannot_read_crop_export_or_change(app_client: tuple[TestClient, str]) -> None:
    client, db = app_client
    dossier_id = _seed(client, db, "HS-A3")
    _make_conflict(db, dossier_id)
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        merged = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                           DocumentRow.kind == "dossier")).one()
        field = next(f for f in merged.fields if f.box is not None)
        input_id = session.scalars(select(InputFile.id).where(InputFile.dossier_id == dossier_id)).first()
        field_id, version, doc_id = field.id, field.version, merged.id
    # Unit A's reviewer sees the conflict side by side.
    login(client, "kiem_a")
    page = client.get(f"/dossiers/{dossier_id}/conflicts")
    assert page.status_code == 200 and "chu_su_dung[0].ho_ten" in page.text
    name_item = page.text.split("chu_su_dung[0].ho_ten", 1)[1].split("</form>", 1)[0]
    assert name_item.count("crop.jpg") == 2  # the certificate's and the ID card's crops side by side
    client.cookies.clear()
    csrf = login(client, "kiem_b")
    for path in (f"/dossiers/{dossier_id}", f"/dossiers/{dossier_id}/progress", f"/dossiers/{dossier_id}/conflicts",
                 f"/fields/{field_id}/crop.jpg", f"/documents/{doc_id}/pages/0",
                 f"/documents/{doc_id}/pages/0/image.jpg", f"/inputs/{input_id}/preview.jpg"):
        assert client.get(path).status_code == 404, path
    change = client.post(f"/fields/{field_id}/review", data={"csrf": csrf, "action": "unreadable",
                                                             "version": version})
    assert change.status_code == 404
    assert f"/fields/{field_id}/" not in client.get("/review").text
    assert "HS-A3" not in client.get("/").text
    export = client.get("/export/form01.xlsx")
    assert export.status_code == 200
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None and sheet.max_row <= 1  # header only: nothing of unit A
    client.cookies.clear()
    csrf_b = login(client, "thu_b")
    refused = client.post(f"/dossiers/{dossier_id}/uploads", data={"csrf": csrf_b},
                          files=[("files", (ID_CARD, (SAMPLES / ID_CARD).read_bytes(), "image/jpeg"))])
    assert refused.status_code == 404
    with store.session() as session:
        assert session.scalars(select(ReviewRow)).first() is None
    store.close()


def test_users_commands_and_serve_refuses_plain_http_on_a_public_address(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from digitize.cli import main

    runner = CliRunner()
    data = ["--data", str(tmp_path)]
    added = runner.invoke(main, ["users", "add", "kiem_c", "--role", "reviewer", "--unit", "Xã C",
                                 "--password-stdin", *data], input="mat-khau-dai-1\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["users", "add", "x", "--role", "reviewer", "--password-stdin", *data],
                         input="mat-khau-dai-1\n").exit_code != 0  # a reviewer needs a unit
    assert runner.invoke(main, ["users", "add", "y", "--role", "admin", "--password-stdin", *data],
                         input="short\n").exit_code != 0  # too short
    listed = runner.invoke(main, ["users", "list", *data])
    assert "kiem_c\treviewer\tXã C\tactive" in listed.output and "mat-khau" not in listed.output
    assert runner.invoke(main, ["users", "passwd", "kiem_c", "--password-stdin", *data],
                         input="mat-khau-moi-2\n").exit_code == 0
    assert runner.invoke(main, ["users", "disable", "kiem_c", *data]).exit_code == 0
    assert "disabled" in runner.invoke(main, ["users", "list", *data]).output
    refused = runner.invoke(main, ["serve", "--host", "0.0.0.0", *data])
    assert refused.exit_code != 0 and "TLS" in refused.output
