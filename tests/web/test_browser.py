"""Browser tests: Debian's chromium driven by Playwright against a real uvicorn server on
127.0.0.1 (fake OCR backend).  Screenshots of each screen go to test-artifacts/screenshots/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from digitize.model import Document, FieldStatus
from digitize.store import Store, save_document
from digitize.store.models import DocumentRow, ReviewRow
from tests.web.conftest import CERTIFICATE, ID_CARD, PASSWORD, SAMPLES, add_users, make_config, wait_for_dossier

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 60_000

if not CHROMIUM.exists():
    pytest.skip("chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a real uvicorn server in a thread."""
    import uvicorn

    from digitize.web.app import create_app

    db = f"sqlite:///{tmp_path / 'web.db'}"
    add_users(db)
    app = create_app(make_config(db, tmp_path / "data"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                             timeout_graceful_shutdown=5))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    try:
        yield f"http://127.0.0.1:{port}", db
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _login(page: object, base: str, name: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill('input[name="name"]', name)  # type: ignore[attr-defined]
    page.fill('input[name="password"]', PASSWORD)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.click('#login button[type="submit"]')  # type: ignore[attr-defined]
    assert page.url == f"{base}/", page.content()  # type: ignore[attr-defined]


def _mark_unsure(db: str, dossier_id: int, path: str) -> None:
    """The fake OCR reads perfectly: mark one more field unsure, as a real reading would be."""
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                        DocumentRow.kind == "dossier")).one()
        doc = Document.from_output(row.result)
        fields = [f.model_copy(update={"status": FieldStatus.NEEDS_REVIEW, "confidence": 0.41,
                                       "reasons": ["low character confidence"]}) if f.path == path else f
                  for f in doc.fields]
        save_document(session, doc.model_copy(update={"fields": fields}), dossier_id=dossier_id, kind="dossier")
    store.close()


def test_collect_on_a_phone_then_review_with_the_keyboard_and_export(server: tuple[str, str], browser: object,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    base, db = server
    # -- the collector, on a phone ------------------------------------------------------------
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/")
    assert page.url.endswith("/login")
    page.screenshot(path=str(SHOTS / "01_login_phone.png"), full_page=True)
    _login(page, base, "thu_a")
    page.fill('input[name="name"]', "HS-2026-0001")
    page.click('#new-dossier button[type="submit"]')
    page.wait_for_url(f"{base}/dossiers/*")
    dossier_id = int(page.url.rsplit("/", 1)[1])
    file_input = page.locator('input[type="file"]')
    assert file_input.get_attribute("capture") == "environment"
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    file_input.set_input_files([str(SAMPLES / CERTIFICATE), str(SAMPLES / ID_CARD)])
    started = time.perf_counter()
    page.click('#upload button[type="submit"]')
    page.locator("#upload-results .capture.good svg.outline").first.wait_for()
    assert page.locator("#upload-results .capture:not(.pending)").count() == 2
    feedback_s = time.perf_counter() - started
    page.screenshot(path=str(SHOTS / "02_upload_feedback_phone.png"), full_page=True)
    page.locator("#dossier-status", has_text="Cần kiểm tra").wait_for()
    page.screenshot(path=str(SHOTS / "03_dossier_status_phone.png"), full_page=True)
    phone.close()
    assert wait_for_dossier(db, dossier_id, timeout=10) == "needs_review"
    _mark_unsure(db, dossier_id, "so_vao_so")

    # -- the reviewer, keyboard only ----------------------------------------------------------
    desk = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    page = desk.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    _login(page, base, "kiem_a")
    page.goto(f"{base}/review")
    items = page.locator("form[data-item]")
    assert items.count() >= 3
    paths = [items.nth(i).locator("code.path").inner_text() for i in range(3)]
    values = [items.nth(i).locator('input[name="value"]').input_value() for i in range(3)]
    confidences = [float(items.nth(i).locator(".conf").inner_text().split()[-1]) for i in range(items.count())]
    assert confidences == sorted(confidences)  # lowest confidence first
    page.screenshot(path=str(SHOTS / "04_review_queue.png"), full_page=True)
    # The plan: accept what was read, correct a name by typing it, mark the rest unreadable.
    plan: dict[str, str] = {}
    begin = time.perf_counter()
    for i, path in enumerate(paths):
        assert page.evaluate("document.activeElement.name") == "value"
        if path.endswith("ho_ten"):
            card_name = items.nth(i).locator(".facts dd").nth(1).inner_text()  # the ID card's reading
            page.keyboard.press("Control+A")
            page.keyboard.type(card_name)  # typing corrects: the name as on the ID card
            page.keyboard.press("Enter")
            plan[path] = "correct"
        elif i == 0 and values[i]:
            page.keyboard.press("Enter")  # accept the reading
            plan[path] = "confirm"
        else:
            page.keyboard.press("F8")  # unreadable
            plan[path] = "unreadable"
        items.nth(i).locator(".result [data-done]").wait_for()
    per_field = (time.perf_counter() - begin) / len(paths)
    page.screenshot(path=str(SHOTS / "05_review_done.png"), full_page=True)
    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        actions = {r.field_path: r.action for r in session.scalars(select(ReviewRow))}
    store.close()
    assert actions == plan and "confirm" in plan.values() and "unreadable" in plan.values()
    if "correct" in plan.values():
        assert "Đã lưu: NGUYỄN HỮU QUÝ" in page.locator("#queue").inner_text()
    # -- the page view, the conflicts, the export -----------------------------------------------
    page.goto(f"{base}/dossiers/{dossier_id}")
    page.click("text=Xem trang")
    assert page.locator("svg rect.box").count() > 5
    page.screenshot(path=str(SHOTS / "06_page_view.png"), full_page=True)
    page.goto(f"{base}/dossiers/{dossier_id}/conflicts")
    assert page.locator(".side-by-side").count() >= 2
    assert page.locator(".side-by-side img.crop").count() >= 4
    page.screenshot(path=str(SHOTS / "07_conflicts.png"), full_page=True)
    page.goto(f"{base}/")
    with page.expect_download() as download_info:
        page.click("text=Xuất Mẫu 01")
    target = SHOTS.parent / "form01.xlsx"
    download_info.value.save_as(str(target))
    download_info.value.delete()
    assert target.read_bytes()[:2] == b"PK"
    page.screenshot(path=str(SHOTS / "08_home_reviewer.png"), full_page=True)
    desk.close()
    with capsys.disabled():
        print(f"\ncapture feedback for 2 uploads (PDF + photo): {feedback_s:.2f} s; "
              f"keyboard reviewer: {per_field:.2f} s per field")
