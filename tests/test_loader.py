from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitize.config import Settings
from digitize.errors import CorruptFile, EmptyFile, EncryptedFile, ImageTooLarge, InputError, UnsupportedFormat
from digitize.io.loader import load_pages, parse_page_range, sniff_media_type


def _gradient(w: int = 120, h: int = 80) -> Image.Image:
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:, :, 0] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    arr[:, :, 2] = 200
    return Image.fromarray(arr)


@pytest.mark.parametrize("ext,fmt", [(".jpg", "JPEG"), (".png", "PNG"), (".bmp", "BMP"), (".webp", "WEBP"),
                                     (".tif", "TIFF")])
def test_loads_common_formats_as_bgr(tmp_path: Path, ext: str, fmt: str) -> None:
    path = tmp_path / f"img{ext}"
    _gradient().save(path, format=fmt)
    [page] = load_pages(path)
    assert page.image is not None and page.image.shape == (80, 120, 3)
    assert page.source.width == 120 and page.source.height == 80
    assert len(page.source.sha256) == 64
    # RGB (R ramp, B=200) arrives as BGR.
    assert abs(int(page.image[40, 0, 0]) - 200) < 8


def test_heic(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    path = tmp_path / "photo.heic"
    try:
        _gradient().save(path, format="HEIF")
    except (KeyError, OSError) as exc:  # no encoder in this build
        pytest.skip(f"HEIF encoder unavailable: {exc}")
    [page] = load_pages(path)
    assert page.image is not None and page.image.shape[:2] == (80, 120)


def test_multipage_tiff_and_page_range(tmp_path: Path) -> None:
    path = tmp_path / "scan.tiff"
    frames = [_gradient(), _gradient(60, 40), _gradient(30, 20)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = load_pages(path)
    assert [p.image.shape[1] for p in pages if p.image is not None] == [120, 60, 30]
    assert [p.source.page_index for p in pages] == [0, 1, 2]
    only = load_pages(path, pages=parse_page_range("2-3"))
    assert [p.source.page_index for p in only] == [1, 2]


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    img = _gradient(120, 80)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    path = tmp_path / "phone.jpg"
    img.save(path, exif=exif)
    [page] = load_pages(path)
    assert page.image is not None and page.image.shape[:2] == (120, 80)
    assert page.source.exif_orientation == 6


def test_pdf_pages(tmp_path: Path) -> None:
    path = tmp_path / "two.pdf"
    _gradient(300, 400).save(path, save_all=True, append_images=[_gradient(300, 400)], resolution=100)
    pages = load_pages(path, Settings(pdf_dpi=100))
    assert len(pages) == 2
    assert pages[0].source.page_count == 2 and pages[1].source.page_index == 1
    assert pages[0].image is not None and abs(pages[0].image.shape[0] - 400) <= 2


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile, match="empty"):
        load_pages(path)


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("Sổ đỏ của ông A\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match="not a supported image"):
        load_pages(path)


def test_extension_disagrees_with_content(tmp_path: Path) -> None:
    path = tmp_path / "really_png.jpg"
    _gradient().save(path, format="PNG")
    with pytest.raises(UnsupportedFormat, match="content is image/png"):
        load_pages(path)


def test_truncated_jpeg(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 400, 3), np.uint8)).save(buf, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    with pytest.raises(CorruptFile, match="corrupt or truncated"):
        load_pages(path)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_decompression_bomb_png_is_refused_before_decoding(tmp_path: Path) -> None:
    # A real, valid 30000 x 30000 1-bit PNG: tiny on disk, 900 M pixels once decoded.
    width = height = 30000
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    png = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    png += _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")
    path = tmp_path / "bomb.png"
    path.write_bytes(png)
    with pytest.raises(ImageTooLarge, match="30000x30000"):
        load_pages(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _gradient(200, 200).save(plain)
    locked = tmp_path / "locked.pdf"
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(EncryptedFile, match="encrypted"):
        load_pages(locked)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_pages(tmp_path / "nope.png")
    with pytest.raises(InputError, match="not a regular file"):
        load_pages(tmp_path)


def test_sniff() -> None:
    assert sniff_media_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_media_type(b"\x00\x00\x00\x18ftypheic\x00\x00") == "image/heif"
    assert sniff_media_type(b"hello") is None


def test_parse_page_range() -> None:
    assert parse_page_range(None) is None
    assert parse_page_range("  ") is None
    assert parse_page_range("3") == [2]
    assert parse_page_range("2-4") == [1, 2, 3]
    assert parse_page_range("5, 1,3-4,3") == [0, 2, 3, 4]  # sorted, each page once
    for bad in ("0", "5-2", "2-", "-3", "a", "1,,2", "1-999999"):
        with pytest.raises(ValueError):
            parse_page_range(bad)


def test_page_beyond_the_file_is_an_error_naming_the_page_count(tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tiff"
    _gradient().save(tiff, save_all=True, append_images=[_gradient()])
    with pytest.raises(InputError, match=r"page 3 was asked for, but the file has 2 pages") as info:
        load_pages(tiff, pages=parse_page_range("1,3"))
    assert info.value.code == "page_out_of_range"
    single = tmp_path / "one.png"
    _gradient().save(single)
    with pytest.raises(InputError, match=r"has 1 page$"):
        load_pages(single, pages=[1])
    pdf = tmp_path / "two.pdf"
    _gradient(300, 400).save(pdf, save_all=True, append_images=[_gradient(300, 400)], resolution=100)
    with pytest.raises(InputError, match="page 400 was asked for, but the file has 2 pages"):
        load_pages(pdf, Settings(pdf_dpi=100), pages=parse_page_range("400"))
