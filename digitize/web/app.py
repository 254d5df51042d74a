"""The FastAPI application: configuration, security headers, sessions, templates, routers.

Routes live by concern: :mod:`digitize.web.views` (sign-in, dossiers, uploads, exports),
:mod:`digitize.web.review` (queue, crops, corrections, page view, conflicts).  Every route
but the sign-in page and ``/static`` needs a session (:func:`current_user`); every POST
needs the session's CSRF token (:func:`check_csrf`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from digitize.config import Settings
from digitize.store import Store
from digitize.web.auth import SESSION_COOKIE, Principal, csrf_ok, principal_for

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 40 * 1024 * 1024  # one photo or PDF
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass
class WebConfig:
    """How the app runs: its database, data folder, engine settings and pool size."""

    db: str
    data_dir: Path
    settings: Settings = field(default_factory=Settings)
    workers: int = 1
    secure_cookies: bool = False  # set behind TLS
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    # Tests with the fake OCR backend: the ``<name>.gt.json`` sidecar of an uploaded
    # ``<name>.jpg`` is looked up here and stored beside the upload (never in production).
    fake_truth_dir: Path | None = None
    process_uploads: bool = True  # False: uploads are stored and checked, not read (tests of the queue)

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


class LoginRequired(Exception):
    """No valid session: browsers are sent to the sign-in page, fetches get 401."""


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def db_session(request: Request) -> Iterator[Session]:
    """A database session for one request, committed when the request ends.

    Handlers that write commit themselves before answering: the dependency's exit may run
    after the response is sent, and the browser's next request must see the change.
    """
    with get_store(request).session() as session:
        yield session


def current_user(request: Request, session: Session = Depends(db_session)) -> Principal:
    """The signed-in user, or LoginRequired."""
    principal = principal_for(session, request.cookies.get(SESSION_COOKIE))
    if principal is None:
        raise LoginRequired()
    request.state.principal = principal
    return principal


async def check_csrf(request: Request, user: Principal = Depends(current_user)) -> Principal:
    """The signed-in user, after checking the POST's CSRF token (form field or X-CSRF-Token header)."""
    submitted = request.headers.get("x-csrf-token")
    if submitted is None:
        form = await request.form()
        value = form.get("csrf")
        submitted = value if isinstance(value, str) else None
    if not csrf_ok(user, submitted):
        raise HTTPException(status_code=403, detail="Phiên làm việc không hợp lệ (CSRF). Tải lại trang.")
    return user


def require_role(*roles: str) -> Callable[..., Principal]:
    """A dependency that lets only ``roles`` (and admins) through."""

    def dependency(user: Principal = Depends(current_user)) -> Principal:
        if user.role not in roles and not user.is_admin:
            raise HTTPException(status_code=403, detail="Bạn không có quyền dùng chức năng này.")
        return user

    return dependency


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A template rendered with the signed-in user and their CSRF token."""
    templates: Jinja2Templates = request.app.state.templates
    principal = getattr(request.state, "principal", None)
    return templates.TemplateResponse(request, name, {"user": principal,
                                                      "csrf": principal.csrf if principal else "", **context},
                                      status_code=status_code)


def create_app(config: WebConfig) -> FastAPI:
    """The web app for ``config`` (opens and migrates the store, starts the processing pool)."""
    from contextlib import asynccontextmanager

    from digitize.web.processing import Processor
    from digitize.web.review import router as review_router
    from digitize.web.views import router as views_router

    config.upload_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(config.db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        app.state.processor.start()
        try:
            yield
        finally:
            app.state.processor.stop()
            store.close()

    app = FastAPI(title="digitize", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.config = config
    app.state.store = store
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.processor = Processor(config, store)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(views_router)
    app.include_router(review_router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if config.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/login", status_code=303)
        return Response("Cần đăng nhập.", status_code=401, media_type="text/plain; charset=utf-8")

    return app
