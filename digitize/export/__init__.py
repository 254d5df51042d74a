"""Exports every front end shares: Form 01 (XLSX, CSV), JSON Lines, searchable PDFs.

Each writer takes a list of :class:`ExportItem` (a document or the failure of one input)::

    write_form01_xlsx(items, "form01.xlsx")
    write_form01_csv(items, stream)
    write_jsonl(items, stream)
    write_searchable_pdfs(items, "pdf/", image_root="scans/")   # needs pikepdf (the 'pdf' extra)

The core never imports this package.  See docs/exports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from digitize.export.items import ExportItem, filter_items, items_from, load_output_folder
from digitize.export.jsonl import read_jsonl, write_jsonl
from digitize.export.tabular import write_form01_csv
from digitize.export.xlsx import write_form01_xlsx

if TYPE_CHECKING:
    from collections.abc import Iterable

    from digitize.export.pdf import PdfReport


def write_searchable_pdfs(items: Iterable[ExportItem], folder: str | Path,
                          image_root: str | Path | None = None) -> PdfReport:
    """One searchable PDF per document and kind (see :func:`digitize.export.pdf.write_searchable_pdfs`)."""
    from digitize.export.pdf import write_searchable_pdfs as write

    return write(items, folder, image_root)


__all__ = [
    "ExportItem",
    "filter_items",
    "items_from",
    "load_output_folder",
    "read_jsonl",
    "write_form01_csv",
    "write_form01_xlsx",
    "write_jsonl",
    "write_searchable_pdfs",
]
