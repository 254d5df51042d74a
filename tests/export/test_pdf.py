"""Searchable PDFs: the original pages, an invisible text layer pdftotext extracts, campaign file names."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitize.export.items import ExportItem
from digitize.export.pdf import pdf_groups, write_searchable_pdfs
from digitize.model import DocType, Document, Line, Page, SourceInfo

pikepdf = pytest.importorskip("pikepdf")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

POINT_TOLERANCE = 3.0  # points


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _page_sizes(path: Path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        return [(float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1])) for p in pdf.pages]


def test_certificate_pdf_pages_carry_serial_and_owner(tmp_path: Path, certificate: Document) -> None:
    report = write_searchable_pdfs([ExportItem.of(certificate)], tmp_path)
    assert report.problems == [] and report.pages == 2
    assert [p.name for p in report.written] == ["CC468480-GCN.pdf"]
    text = _text(report.written[0])
    assert text == unicodedata.normalize("NFC", text)
    assert "CC 468480" in text and "ĐẶNG THU NGỌC" in text and "Thửa đất số" in text
    for (width, height), page in zip(_page_sizes(report.written[0]), certificate.pages, strict=True):
        assert width / height == pytest.approx(page.source.width / page.source.height, rel=1e-3)


def test_an_id_card_photo_is_embedded_unchanged_with_its_text(tmp_path: Path, card: Document) -> None:
    report = write_searchable_pdfs([ExportItem.of(card)], tmp_path)
    [path] = report.written
    assert path.name == "0003_cccd_mat_truoc_mat_truoc_clean-GT.pdf"  # no serial on a card: the file's name
    text = _text(path)
    assert "NGUYỄN HỮU QUÝ" in text and "025075239401" in text
    [(width, height)] = _page_sizes(path)
    assert width / height == pytest.approx(1618 / 1020, rel=1e-3)
    assert width == pytest.approx(1618 / 480 * 72)  # at the photo's recorded 480 dpi: a real card's size
    with pikepdf.open(path) as pdf:
        image = next(iter(pdf.pages[0].images.values()))
        assert image.Filter == pikepdf.Name.DCTDecode
        assert image.read_raw_bytes() == Path(card.pages[0].source.path).read_bytes()  # the original, byte for byte
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert pdf.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
        font = pdf.pages[0].Resources.Font
        type0 = next(iter(font.values()))
        assert type0.Subtype == pikepdf.Name.Type0 and "/ToUnicode" in type0
        assert "/FontFile2" in type0.DescendantFonts[0].FontDescriptor


def test_words_sit_where_they_are_on_the_original(tmp_path: Path, card: Document) -> None:
    [path] = write_searchable_pdfs([ExportItem.of(card)], tmp_path).written
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in bbox.splitlines() if ">025075239401<" in ln)
    x_max = float(line.split('xMax="')[1].split('"')[0])
    field = card.field("so_dinh_danh")
    assert field is not None and field.box is not None
    assert x_max == pytest.approx(field.box[2] * 72 / 480, abs=POINT_TOLERANCE)


def test_a_dossier_gives_the_certificate_and_the_id_papers(tmp_path: Path, engine, certificate: Document,  # type: ignore[no-untyped-def]
                                                           card: Document) -> None:
    dossier = engine.dossier([certificate, card], "lo1")
    item = ExportItem.of(dossier, dossier="lo1")
    assert pdf_groups(item) == [("CC468480-GCN.pdf", [0, 1]), ("CC468480-GT.pdf", [2])]
    report = write_searchable_pdfs([item, item], tmp_path)  # the same serial twice: the second is numbered
    assert sorted(p.name for p in report.written) == ["CC468480-2-GCN.pdf", "CC468480-2-GT.pdf",
                                                      "CC468480-GCN.pdf", "CC468480-GT.pdf"]
    assert "NGUYỄN HỮU QUÝ" in _text(tmp_path / "CC468480-GT.pdf")


def test_without_lines_the_fields_are_the_text_layer(tmp_path: Path, card: Document) -> None:
    stored = Document.from_output(card.to_output(include_lines=False))  # a result written without lines
    assert not stored.pages[0].lines
    [path] = write_searchable_pdfs([ExportItem.of(stored)], tmp_path).written
    assert "025075239401" in _text(path)


def test_a_missing_or_changed_original_is_reported(tmp_path: Path, card: Document) -> None:
    name = Path(card.pages[0].source.path).name
    moved = card.model_copy(update={"pages": [card.pages[0].model_copy(update={
        "source": card.pages[0].source.model_copy(update={"path": f"gone/{name}"})})]})
    report = write_searchable_pdfs([ExportItem.of(moved)], tmp_path / "out")
    assert report.written == [] and "original file not found" in report.problems[0]
    # --images finds it by name under another root, and checks it is the same file
    report = write_searchable_pdfs([ExportItem.of(moved)], tmp_path / "out", image_root=Path(card.source).parent)
    assert report.problems == [] and len(report.written) == 1
    other = tmp_path / "imgs"
    other.mkdir()
    (other / name).write_bytes(b"not the same file")
    report = write_searchable_pdfs([ExportItem.of(moved)], tmp_path / "out", image_root=other)
    assert "changed since it was read" in report.problems[0]


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_text_follows_a_rotated_pdf_page(tmp_path: Path, rotate: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import digitize.export.pdf as pdf_export
    from digitize.export.pdf import layer

    source = tmp_path / "in.pdf"
    with pikepdf.new() as pdf:
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, 200, 100]), Rotate=rotate,
            Contents=pdf.make_stream(b""), Resources=pikepdf.Dictionary())))
        pdf.save(source)
    width, height = (200, 400) if rotate in (90, 270) else (400, 200)  # rendered at 144 dpi, as shown
    page = Page(source=SourceInfo(path=str(source), media_type="application/pdf", width=width, height=height,
                                  dpi=144), doc_type=DocType.GCN_2009_2014,
                lines=[Line(text="XIN", polygon=[(20, 40), (80, 40), (80, 60), (20, 60)])])
    doc = Document(source="in.pdf", loai_tai_lieu=DocType.GCN_2009_2014, pages=[page])
    visible = layer.text_operators
    monkeypatch.setattr(pdf_export, "text_operators", lambda *a, **k: visible(*a, **k).replace(b"3 Tr", b"0 Tr"))
    [path] = write_searchable_pdfs([ExportItem.of(doc)], tmp_path / "out").written
    subprocess.run(["pdftoppm", "-r", "144", "-png", "-singlefile", str(path), str(tmp_path / "r")], check=True)
    ink = np.asarray(Image.open(tmp_path / "r.png").convert("L")) < 128
    ys, xs = np.nonzero(ink)
    assert ink.shape == (height, width)
    assert 18 <= xs.min() <= xs.max() <= 82  # inside the line's box
    assert 36 <= ys.min() <= ys.max() <= 62


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_an_exif_rotated_photo_is_kept_as_is_and_shown_upright(tmp_path: Path, orientation: int) -> None:
    from PIL import ImageOps

    stored = np.zeros((60, 120, 3), np.uint8)  # 120 wide, 60 high as stored; a white block top-left
    stored[:20, :30] = 255
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    upright = ImageOps.exif_transpose(Image.open(path))
    page = Page(source=SourceInfo(path=str(path), media_type="image/jpeg", width=upright.width,
                                  height=upright.height, dpi=150), doc_type=DocType.KHAC)
    [out] = write_searchable_pdfs([ExportItem.of(Document(source="photo.jpg", pages=[page]))], tmp_path / "o").written
    with pikepdf.open(out) as pdf:
        assert next(iter(pdf.pages[0].images.values())).read_raw_bytes() == path.read_bytes()
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(out), str(tmp_path / "r")], check=True)
    shown = np.asarray(Image.open(tmp_path / "r.png").convert("L"), dtype=float)
    expected = np.asarray(upright.convert("L"), dtype=float)
    assert shown.shape == expected.shape
    assert np.abs(shown - expected).mean() < 10  # the same picture, the same way up
