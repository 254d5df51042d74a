"""Fixtures of the web app's tests: a real store (SQLite, and PostgreSQL when the test server
runs), real accounts, the fake OCR backend reading the samples' ground-truth sidecars."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# The web extra is installed by the README's set-up; the paddle environment lacks it.
pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from sqlalchemy import select

from digitize.config import Settings
from digitize.store import Store
from digitize.store.models import Dossier
from digitize.web.app import WebConfig, create_app
from digitize.web.auth import add_user

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PASSWORD = "mat-khau-thu-1"
CERTIFICATE = "gcn_2009_2014_trang_1-2.pdf"  # both pages of one certificate
ID_CARD = "0003_cccd_mat_truoc_mat_truoc_clean.jpg"
PHOTO = "0002_gcn_2009_2014_trang_2_phone.jpg"
PROCESS_TIMEOUT_S = 120
SAMPLE_PDF_DPI = 150  # the sample PDF's ground truth (what the fake backend reads) is at 150 dpi

# (name, role, unit)
USERS = [
    ("admin", "admin", None),
    ("thu_a", "collector", "Xã A"),
    ("kiem_a", "reviewer", "Xã A"),
    ("kiem_a2", "reviewer", "Xã A"),
    ("thu_b", "collector", "Xã B"),
    ("kiem_b", "reviewer", "Xã B"),
]


def make_config(db_url: str, data: Path, process: bool = True) -> WebConfig:
    """A web config on the fake backend that finds the samples' sidecars."""
    return WebConfig(db=db_url, data_dir=data, settings=Settings(backend="fake", pdf_dpi=SAMPLE_PDF_DPI),
                     workers=1,
                     fake_truth_dir=SAMPLES, process_uploads=process)


def add_users(db_url: str) -> None:
    """The accounts of USERS, all with PASSWORD."""
    store = Store.open(db_url)
    with store.session() as session:
        for name, role, unit in USERS:
            add_user(session, name, role, unit, PASSWORD)
    store.close()


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post("/login", data={"name": name, "password": password, "csrf": token.group(1)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    home = client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert csrf is not None
    return csrf.group(1)


def wait_for_dossier(db_url: str, dossier_id: int, timeout: float = PROCESS_TIMEOUT_S) -> str:
    """Wait until a dossier's uploads are all read; its final status."""
    store = Store.open(db_url, migrate_schema=False)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with store.session() as session:
                dossier = session.get(Dossier, dossier_id)
                assert dossier is not None
                if dossier.status not in ("processing", "open"):
                    return dossier.status
            time.sleep(0.3)
    finally:
        store.close()
    raise TimeoutError(f"dossier {dossier_id} still processing")


def upload(client: TestClient, csrf: str, dossier_id: int, *names: str) -> object:
    """Upload sample files (by name) to a dossier as a phone would."""
    files = [("files", (name, (SAMPLES / name).read_bytes(), "application/octet-stream")) for name in names]
    return client.post(f"/dossiers/{dossier_id}/uploads", data={"csrf": csrf}, files=files,
                       headers={"X-Requested-With": "fetch"})


def create_dossier(client: TestClient, csrf: str, name: str) -> int:
    """Create a dossier; its id."""
    response = client.post("/dossiers", data={"csrf": csrf, "name": name}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def dossier_id_by_name(db_url: str, name: str) -> int:
    store = Store.open(db_url, migrate_schema=False)
    with store.session() as session:
        dossier_id = session.scalars(select(Dossier.id).where(Dossier.name == name)).one()
    store.close()
    return int(dossier_id)


@pytest.fixture
def web_db(store_url: str) -> str:
    """A migrated store with the test accounts."""
    add_users(store_url)
    return store_url


@pytest.fixture
def app_client(web_db: str, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """(client of a running app with its processing pool, database URL)."""
    app = create_app(make_config(web_db, tmp_path / "data"))
    with TestClient(app) as client:
        yield client, web_db


@pytest.fixture
def copy_samples(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    return folder
