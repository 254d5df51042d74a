"""Opening the store: SQLite by default (WAL mode), PostgreSQL by URL; schema by Alembic.

Only the coordinating process writes (the batch coordinator, the web server); workers
return results to it.  SQLite runs in WAL mode so readers (the web app, ``digitize
export``) never block the writer, and with ``synchronous=NORMAL`` a committed result
survives a killed process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DEFAULT_DB_NAME = "digitize.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Seconds a writer waits for SQLite's lock (another process reading a WAL checkpoint).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(db: str | Path | None, out_dir: str | Path | None = None) -> str:
    """A SQLAlchemy URL from ``--db`` (a URL or a file path) or ``OUT/digitize.db``."""
    if db is None:
        if out_dir is None:
            raise ValueError("a database URL or an output folder is needed")
        db = Path(out_dir) / DEFAULT_DB_NAME
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str) -> SqlEngine:
    """A SQLAlchemy engine for ``url``; SQLite files get WAL and foreign keys, their folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: SqlEngine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_revision(engine: SqlEngine) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


class Store:
    """The database behind batch, export and the web app.  ``Store.open`` migrates it first."""

    def __init__(self, engine: SqlEngine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, db: str | Path | None = None, out_dir: str | Path | None = None, *,
             migrate_schema: bool = True) -> Store:
        """Open (and by default migrate) the store at ``db`` (URL or path) or ``OUT/digitize.db``."""
        engine = make_engine(database_url(db, out_dir))
        if migrate_schema:
            migrate(engine)
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
