"""Export items read from the SQL store (``digitize export --db URL``).

A dossier that has a merged document (``kind='dossier'``) is exported as that one
document; the per-input documents of such a dossier are left out so rows are not
counted twice.  Failed inputs come from ``inputs.status = 'failed'``.
"""

from __future__ import annotations

from collections.abc import Iterable

from digitize.engine import Failure
from digitize.export.items import FAILED, ExportItem


def load_store(db: str, statuses: Iterable[str] | None = None) -> list[ExportItem]:
    """The items in the store at ``db`` (URL or SQLite path); ``statuses`` as for :func:`filter_items`."""
    from sqlalchemy import select

    from digitize.store import Store, failed_inputs, iter_documents, load_document
    from digitize.store.models import DocumentRow, Dossier, InputFile

    wanted = {s for s in (statuses or ()) if s}
    field_statuses = wanted - {FAILED}
    store = Store.open(db)
    items: list[ExportItem] = []
    try:
        with store.session() as session:
            names = {d.id: d.name for d in session.scalars(select(Dossier))}
            input_dossier = {i.id: i.dossier_id for i in session.scalars(select(InputFile))}
            merged = set(session.scalars(select(DocumentRow.dossier_id)
                                         .where(DocumentRow.kind == "dossier")))
            if not wanted or field_statuses:
                for row in iter_documents(session, statuses=field_statuses or None):
                    dossier_id = row.dossier_id if row.dossier_id is not None else input_dossier.get(row.input_id or -1)
                    if row.kind != "dossier" and dossier_id in merged:
                        continue
                    document = load_document(row)
                    items.append(ExportItem(source=row.source or document.source, document=document,
                                            dossier=names.get(dossier_id) if dossier_id is not None else None))
            if not wanted or FAILED in wanted:
                for failed in failed_inputs(session):
                    failure = Failure(path=failed.path, code=failed.error_code or "failed",
                                      message=failed.error or "", seconds=failed.seconds or 0.0)
                    items.append(ExportItem(source=failed.path, failure=failure,
                                            dossier=names.get(failed.dossier_id) if failed.dossier_id else None))
    finally:
        store.close()
    return items
