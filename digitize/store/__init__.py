"""The durable store shared by batch, export and the web app (SQLAlchemy 2 + Alembic).

SQLite by default at ``OUT/digitize.db`` (WAL mode), PostgreSQL by URL
(``postgresql+psycopg://user@host/db``).  A front end: the core never imports it.
"""

from digitize.store.db import DEFAULT_DB_NAME, Store, database_url, migrate, schema_revision
from digitize.store.documents import (
    REVIEW_STATUSES,
    StaleReview,
    failed_inputs,
    iter_documents,
    load_document,
    review_field,
    save_document,
)

__all__ = [
    "DEFAULT_DB_NAME",
    "REVIEW_STATUSES",
    "StaleReview",
    "Store",
    "database_url",
    "failed_inputs",
    "iter_documents",
    "load_document",
    "migrate",
    "review_field",
    "save_document",
    "schema_revision",
]
