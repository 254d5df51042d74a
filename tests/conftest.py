from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from digitize.config import Settings, find_tessdata
from tests.fixtures import GCN_PAGE2_LINES, GCN_PAGE2_RECORD, render_lines

# Tests must not depend on the developer's environment.
for key in [k for k in os.environ if k.startswith("DIGITIZE_") and not k.startswith("DIGITIZE_TEST_")]:
    del os.environ[key]

HAVE_TESSERACT = find_tessdata() is not None


@pytest.fixture(scope="session")
def gcn_page2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean rendering of a 2009/2014 certificate page 2, with ground truth."""
    folder = tmp_path_factory.mktemp("gcn")
    return render_lines(folder / "gcn_page2.png", GCN_PAGE2_LINES, record=GCN_PAGE2_RECORD)


@pytest.fixture
def settings() -> Settings:
    return Settings()


needs_tesseract = pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract-ocr-vie is not installed")


# -- the store: every store test runs on SQLite and on a real PostgreSQL server --------------
# scripts/test.sh starts a throw-away server (scripts/pg_test_server.sh) and exports its URL;
# with DIGITIZE_TEST_REQUIRE_PG=1 (set there) a missing server fails the tests instead of
# skipping them.
PG_URL = os.environ.get("DIGITIZE_TEST_PG_URL")
REQUIRE_PG = os.environ.get("DIGITIZE_TEST_REQUIRE_PG") == "1"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'digitize.db'}"
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("DIGITIZE_TEST_PG_URL is not set: scripts/test.sh starts the PostgreSQL server")
        pytest.skip("no PostgreSQL test server (run the tests with scripts/test.sh)")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
