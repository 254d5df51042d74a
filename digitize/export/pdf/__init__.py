"""Searchable PDFs: the original pages with an invisible, extractable Vietnamese text layer.

One file per document and kind, named as the campaign names scans: ``{serial}-GCN.pdf``
for the certificate's pages and ``{serial}-GT.pdf`` for the owners' ID papers (serial =
``so_phat_hanh`` without its space); without a serial the source file's name stands in
(``{name}-GCN.pdf``, ``{name}-GT.pdf``, ``{name}.pdf`` for an unrecognised document).
Files made only of images we embedded claim PDF/A-2b (XMP identification, sRGB output
intent, embedded subset font with ToUnicode); a file that copies a PDF input's pages does
not claim it, since we cannot vouch for what those pages contain.  See docs/exports.md.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from digitize import __version__
from digitize.export.form01 import GCN_SUFFIX, GT_SUFFIX, serial_stem
from digitize.export.items import ExportItem
from digitize.export.pdf.font import TextFont
from digitize.export.pdf.layer import page_texts, text_operators
from digitize.export.pdf.originals import OriginalMissing, Originals, page_size_points
from digitize.model import Document, nfc

PDF_VERSION = "1.7"  # PDF/A-2 is built on ISO 32000-1 (PDF 1.7)
FONT_RESOURCE = "FDzText"
IMAGE_RESOURCE = "DzImage"
SRGB_DESCRIPTION = "sRGB IEC61966-2.1"
UNSAFE_NAME = re.compile(r"[^\w.\-]+")
__all__ = ["PdfReport", "pdf_groups", "write_document_pdfs", "write_searchable_pdfs"]


@dataclass
class PdfReport:
    """What :func:`write_searchable_pdfs` did: files written, pages, and the problems (one line each)."""

    written: list[Path] = field(default_factory=list)
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _safe(name: str) -> str:
    return UNSAFE_NAME.sub("_", nfc(name)).strip("._") or "tai_lieu"


def _fallback_stem(item: ExportItem, document: Document) -> str:
    if item.dossier:
        return _safe(Path(item.dossier).name)
    first = document.pages[0].source.path if document.pages else item.source
    return _safe(Path(first).stem)


def pdf_groups(item: ExportItem) -> list[tuple[str, list[int]]]:
    """The files one item gives: (file name, 0-based page indices of the document) per file."""
    document = item.document
    if document is None or not document.pages:
        return []
    stem = serial_stem(document) or _fallback_stem(item, document)
    stem = _safe(stem)
    cards = [i for i, p in enumerate(document.pages) if p.doc_type is not None and p.doc_type.is_id_card]
    others = [i for i in range(len(document.pages)) if i not in cards]
    groups = []
    if others:
        certificate = document.loai_tai_lieu.is_certificate
        groups.append((stem + (GCN_SUFFIX if certificate else ".pdf"), others))
    if cards:
        groups.append((stem + GT_SUFFIX, cards))
    return groups


def _rotation_cm(mediabox: list[float], rotate: int) -> tuple[list[float], tuple[float, float]]:
    """The matrix from display space (the page as shown: y up, origin bottom-left) to user space, per
    /Rotate, and the display size."""
    x0, y0, x1, y1 = mediabox
    w, h = x1 - x0, y1 - y0
    if rotate == 90:
        return [0, 1, -1, 0, x1, y0], (h, w)
    if rotate == 180:
        return [-1, 0, 0, -1, x1, y1], (w, h)
    if rotate == 270:
        return [0, -1, 1, 0, x0, y1], (h, w)
    return [1, 0, 0, 1, x0, y0], (w, h)


def _add_font(page: pikepdf.Page, font: TextFont) -> None:
    resources = page.obj.get(Name.Resources)
    if resources is None:
        page.obj.Resources = resources = Dictionary()
    fonts = resources.get(Name.Font)
    if fonts is None:
        resources.Font = fonts = Dictionary()
    fonts[Name("/" + FONT_RESOURCE)] = font.object


def _copy_pdf_page(pdf: pikepdf.Pdf, originals: Originals, document: Document, index: int, font: TextFont) -> None:
    page = document.pages[index]
    pdf.pages.append(originals.pdf_page(page))
    copied = pdf.pages[-1]
    mediabox = [float(v) for v in copied.mediabox]
    rotate = int(copied.obj.get(Name.Rotate, 0)) % 360
    cm, display = _rotation_cm(mediabox, rotate)
    texts = page_texts(document, index)
    ops = text_operators(texts, font, FONT_RESOURCE, (page.source.width, page.source.height), display)
    _add_font(copied, font)
    copied.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    cm_text = " ".join(f"{v:g}" for v in cm)
    copied.contents_add(pikepdf.Stream(pdf, f"\nQ\nq {cm_text} cm\n".encode() + ops + b"Q\n"))


def _image_page(pdf: pikepdf.Pdf, originals: Originals, document: Document, index: int, font: TextFont) -> None:
    page = document.pages[index]
    image = originals.raster(page)
    upright = image.upright_size
    width_pt, height_pt = page_size_points(page, *upright)
    texts = page_texts(document, index)
    ops = text_operators(texts, font, FONT_RESOURCE, upright, (width_pt, height_pt))
    matrix = " ".join(f"{v:.4f}" for v in image.placement(width_pt, height_pt))
    content = f"q {matrix} cm /{IMAGE_RESOURCE} Do Q\n".encode() + ops
    pdf_page = Dictionary(
        Type=Name.Page, MediaBox=Array([0, 0, width_pt, height_pt]),
        Resources=Dictionary(XObject=Dictionary({"/" + IMAGE_RESOURCE: image.stream(pdf)}),
                             Font=Dictionary({"/" + FONT_RESOURCE: font.object})),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(pdf_page))


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _identify(pdf: pikepdf.Pdf, title: str, pdfa: bool) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["xmp:CreatorTool"] = f"digitize {__version__}"
        meta["pdf:Producer"] = f"digitize {__version__} (pikepdf {pikepdf.__version__})"
        if pdfa:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
    if pdfa:
        profile = pdf.make_stream(_srgb_profile(), N=3)
        pdf.Root.OutputIntents = Array([Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=pikepdf.String(SRGB_DESCRIPTION),
            Info=pikepdf.String(SRGB_DESCRIPTION), DestOutputProfile=profile)])


def write_document_pdfs(item: ExportItem, folder: Path, originals: Originals, taken: set[str],
                        report: PdfReport) -> None:
    """Write the PDF files of one item into ``folder`` (names in ``taken`` get a ``-2``, ``-3`` ... suffix)."""
    document = item.document
    if document is None:
        return
    for name, indices in pdf_groups(item):
        stem, suffix = (name[:-len(GCN_SUFFIX)], GCN_SUFFIX) if name.endswith(GCN_SUFFIX) else \
            (name[:-len(GT_SUFFIX)], GT_SUFFIX) if name.endswith(GT_SUFFIX) else (name[:-4], ".pdf")
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{stem}-{n}{suffix}"
        try:
            with pikepdf.new() as pdf:
                font = TextFont(pdf)
                copied = False
                for index in indices:
                    if originals.is_pdf(document.pages[index]):
                        _copy_pdf_page(pdf, originals, document, index, font)
                        copied = True
                    else:
                        _image_page(pdf, originals, document, index, font)
                font.finish()
                _identify(pdf, unique[:-4], pdfa=not copied)
                pdf.save(folder / unique, fix_metadata_version=True, min_version=PDF_VERSION)
        except OriginalMissing as exc:
            report.problems.append(f"{item.source}: {exc}")
            continue
        taken.add(unique)
        report.written.append(folder / unique)
        report.pages += len(indices)


def write_searchable_pdfs(items: Iterable[ExportItem], folder: str | Path,
                          image_root: str | Path | None = None) -> PdfReport:
    """One searchable PDF per document and kind in ``folder`` (created); failures are skipped.

    ``image_root``: the folder the inputs' recorded paths are relative to (None: as recorded).
    A page whose original file is missing or changed is reported in ``PdfReport.problems``.
    """
    begin = time.perf_counter()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    originals = Originals(image_root)
    report = PdfReport()
    taken: set[str] = set()
    try:
        for item in items:
            write_document_pdfs(item, target, originals, taken, report)
            originals.close()  # the input PDFs of one item only: a batch of thousands keeps no files open
    finally:
        originals.close()
    report.seconds = time.perf_counter() - begin
    return report
