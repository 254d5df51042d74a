"""Load photos and scans into :class:`Page` objects.

Every input is checked before it is decoded: its first bytes must match a supported
format and agree with its file name, its pixel count must stay under the limit
(decompression bombs), and a PDF must not need a password.  Each failure raises an
:class:`InputError` subclass with a one-line message, so the caller can report that file
and go on with the others.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from digitize.config import Settings
from digitize.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    ImageTooLarge,
    InputError,
    MissingDependency,
    UnsupportedFormat,
)
from digitize.model import Page, SourceInfo

# Magic numbers of the formats we accept.  HEIC/AVIF carry "ftyp" at offset 4.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")

MEDIA_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/tiff": (".tif", ".tiff"),
    "image/bmp": (".bmp", ".dib"),
    "image/webp": (".webp",),
    "image/heif": (".heic", ".heif", ".hif", ".avif"),
    "application/pdf": (".pdf",),
}
SUPPORTED_EXTENSIONS = frozenset(ext for exts in MEDIA_EXTENSIONS.values() for ext in exts)


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes of a file announce, or None if unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head.startswith(b"BM"):
        return "image/bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heif"
    # A PDF header may follow a little junk; the spec allows it within the first KiB.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return None


@dataclass(frozen=True)
class InputCheck:
    path: Path
    media_type: str
    sha256: str
    size: int


def check_input(path: str | Path, settings: Settings | None = None) -> InputCheck:
    """Check that ``path`` is a readable, non-empty file of a supported type its name agrees with."""
    settings = settings or Settings()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file", code="not_found")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file", code="not_a_file")
    size = p.stat().st_size
    if size == 0:
        raise EmptyFile(f"{p}: the file is empty (0 bytes)")
    if size > settings.max_file_bytes:
        raise ImageTooLarge(f"{p}: file is {size} bytes, above the limit of {settings.max_file_bytes} bytes")
    with p.open("rb") as fh:
        head = fh.read(1024)
    media_type = sniff_media_type(head)
    if media_type is None:
        raise UnsupportedFormat(
            f"{p}: not a supported image or PDF (its content is not JPEG/PNG/TIFF/BMP/WebP/HEIC/PDF)"
        )
    ext = p.suffix.lower()
    if ext and ext in SUPPORTED_EXTENSIONS and ext not in MEDIA_EXTENSIONS[media_type]:
        raise UnsupportedFormat(f"{p}: the name says {ext} but the content is {media_type}")
    digest = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return InputCheck(path=p, media_type=media_type, sha256=digest.hexdigest(), size=size)


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError as exc:
        raise MissingDependency("HEIC input needs the 'pillow-heif' package (pip install 'digitize[heic]')") from exc
    register_heif_opener()


def _pil_to_bgr(img: Image.Image) -> np.ndarray:
    """Convert any PIL mode to an 8-bit BGR array; transparency is composited on white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        hi = float(arr.max()) or 1.0
        img = Image.fromarray((arr * (255.0 / hi)).clip(0, 255).astype(np.uint8), mode="L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    rgb = np.asarray(img.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def difference_hash(image: np.ndarray) -> str:
    """64-bit difference hash (dHash) as 16 hex digits: near-identical photos differ in few bits."""
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hash_distance(a: str, b: str) -> int:
    """Number of differing bits between two difference hashes."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _check_pixels(p: Path, width: int, height: int, settings: Settings) -> None:
    if width <= 0 or height <= 0:
        raise CorruptFile(f"{p}: image has no pixels ({width}x{height})")
    if width * height > settings.max_pixels:
        raise ImageTooLarge(
            f"{p}: image is {width}x{height} = {width * height} pixels, above the limit of {settings.max_pixels}"
        )


def _iter_raster(check: InputCheck, settings: Settings, pages: Sequence[int] | None) -> Iterator[Page]:
    p = check.path
    if check.media_type == "image/heif":
        _register_heif()
    # We enforce our own pixel limit before decoding; silence Pillow's own bomb check.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img = Image.open(p)
    except UnidentifiedImageError as exc:
        raise CorruptFile(f"{p}: cannot be decoded as {check.media_type}") from exc
    except OSError as exc:
        raise CorruptFile(f"{p}: cannot be opened: {exc}") from exc
    with img:
        frame_count = int(getattr(img, "n_frames", 1) or 1)
        wanted = pages if pages is not None else range(frame_count)
        check_pages_in_range(p, wanted, frame_count)
        for index in wanted:
            try:
                img.seek(index)
                _check_pixels(p, img.width, img.height, settings)
                exif_orientation = None
                try:
                    exif_orientation = img.getexif().get(0x0112)
                except Exception:
                    exif_orientation = None
                img.load()
                upright = ImageOps.exif_transpose(img) if exif_orientation not in (None, 1) else img
                bgr = _pil_to_bgr(upright)
            except InputError:
                raise
            except (OSError, SyntaxError, ValueError) as exc:
                raise CorruptFile(f"{p}: image data is corrupt or truncated ({exc})") from exc
            dpi = img.info.get("dpi")
            source = SourceInfo(
                path=str(p),
                sha256=check.sha256,
                page_index=index,
                page_count=frame_count,
                width=int(bgr.shape[1]),
                height=int(bgr.shape[0]),
                exif_orientation=int(exif_orientation) if exif_orientation else None,
                dpi=float(dpi[0]) if dpi and dpi[0] else None,
                media_type=check.media_type,
                image_hash=difference_hash(bgr),
            )
            yield Page(source=source, image=bgr)


def _pdfinfo(p: Path) -> dict[str, str]:
    if shutil.which("pdfinfo") is None:
        raise MissingDependency("PDF input needs poppler-utils (apt-get install poppler-utils)")
    proc = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, timeout=60, check=False)
    err = (proc.stderr or "").strip()
    if proc.returncode != 0:
        if "password" in err.lower() or "encrypt" in err.lower():
            raise EncryptedFile(f"{p}: the PDF is encrypted and needs a password")
        raise CorruptFile(f"{p}: the PDF cannot be read ({err.splitlines()[-1] if err else 'pdfinfo failed'})")
    info: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def _iter_pdf(check: InputCheck, settings: Settings, pages: Sequence[int] | None) -> Iterator[Page]:
    from pdf2image import convert_from_path

    p = check.path
    info = _pdfinfo(p)
    try:
        page_count = int(info.get("Pages", "0"))
    except ValueError:
        page_count = 0
    if page_count <= 0:
        raise CorruptFile(f"{p}: the PDF has no pages")
    wanted = pages if pages is not None else range(min(page_count, settings.pdf_max_pages))
    check_pages_in_range(p, wanted, page_count)
    # Page size is in points (1/72 inch); check the rendered size before rendering.
    size_text = info.get("Page size", "")
    try:
        w_pt, h_pt = (float(v) for v in size_text.split("pts")[0].split("x"))
        _check_pixels(p, int(w_pt / 72 * settings.pdf_dpi), int(h_pt / 72 * settings.pdf_dpi), settings)
    except (ValueError, IndexError):
        pass
    for index in wanted:
        try:
            images = convert_from_path(
                str(p), dpi=settings.pdf_dpi, first_page=index + 1, last_page=index + 1, timeout=300
            )
        except Exception as exc:
            raise CorruptFile(f"{p}: page {index + 1} cannot be rendered ({exc})") from exc
        if not images:
            raise CorruptFile(f"{p}: page {index + 1} rendered to nothing")
        img = images[0]
        _check_pixels(p, img.width, img.height, settings)
        bgr = _pil_to_bgr(img)
        source = SourceInfo(
            path=str(p),
            sha256=check.sha256,
            page_index=index,
            page_count=page_count,
            width=int(bgr.shape[1]),
            height=int(bgr.shape[0]),
            dpi=float(settings.pdf_dpi),
            media_type=check.media_type,
            image_hash=difference_hash(bgr),
        )
        yield Page(source=source, image=bgr)


def iter_pages(path: str | Path, settings: Settings | None = None,
               pages: Sequence[int] | None = None) -> Iterator[Page]:
    """Yield the pages of one input file, one at a time (PDFs are rendered page by page).

    ``pages`` selects 0-based page indices; ``None`` means all pages (PDFs: at most
    ``settings.pdf_max_pages``).
    """
    settings = settings or Settings()
    check = check_input(path, settings)
    if check.media_type == "application/pdf":
        yield from _iter_pdf(check, settings, pages)
    else:
        yield from _iter_raster(check, settings, pages)


def count_pages(path: str | Path, settings: Settings | None = None) -> tuple[InputCheck, int]:
    """Check ``path`` and count the pages it holds without decoding them (PDFs: at most ``pdf_max_pages``).

    Raises :class:`InputError` for a file :func:`iter_pages` would refuse.
    """
    settings = settings or Settings()
    check = check_input(path, settings)
    if check.media_type == "application/pdf":
        try:
            count = int(_pdfinfo(check.path).get("Pages", "0"))
        except ValueError:
            count = 0
        if count <= 0:
            raise CorruptFile(f"{check.path}: the PDF has no pages")
        return check, min(count, settings.pdf_max_pages)
    if check.media_type != "image/tiff":
        return check, 1
    Image.MAX_IMAGE_PIXELS = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(check.path) as img:
                return check, int(getattr(img, "n_frames", 1) or 1)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"{check.path}: cannot be decoded as {check.media_type}") from exc


def load_pages(path: str | Path, settings: Settings | None = None, pages: Sequence[int] | None = None) -> list[Page]:
    """All selected pages of one file as a list."""
    return list(iter_pages(path, settings, pages))


def decode_image_bytes(data: bytes) -> np.ndarray:
    """Decode an in-memory image (tests, web uploads) into BGR."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return _pil_to_bgr(ImageOps.exif_transpose(img))
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFile(f"image bytes cannot be decoded ({exc})") from exc


def check_pages_in_range(path: Path, pages: Sequence[int], page_count: int) -> None:
    """Raise ``InputError`` (code ``page_out_of_range``) when a 0-based page in ``pages`` is past the file's end."""
    beyond = [index for index in pages if index >= page_count or index < 0]
    if beyond:
        raise InputError(
            f"{path}: page {beyond[0] + 1} was asked for, but the file has {page_count} "
            f"page{'s' if page_count != 1 else ''}",
            code="page_out_of_range",
        )


MAX_PAGE_NUMBER = 100_000  # a page number beyond this is a typo, not a document


def parse_page_range(text: str | None) -> list[int] | None:
    """Pages given 1-based ('2', '1-3', '1,3-5') as a sorted list of distinct 0-based indices.

    None or '' means all pages.  Raises ``ValueError`` with the reason for anything else
    (zero, a reversed or open range, a number above ``MAX_PAGE_NUMBER``).
    """
    if text is None or not text.strip():
        return None
    usage = "use N, N-M or a list such as 1,3-5 (1-based)"
    wanted: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        first, sep, last = part.partition("-")
        try:
            start = int(first)
            end = int(last) if sep else start
        except ValueError as exc:
            raise ValueError(f"bad page range {text!r}: {usage}") from exc
        if start < 1 or end < start:
            raise ValueError(f"bad page range {text!r}: {usage}, with 1 <= N <= M")
        if end > MAX_PAGE_NUMBER:
            raise ValueError(f"bad page range {text!r}: page numbers stop at {MAX_PAGE_NUMBER}")
        wanted.update(range(start - 1, end))
    return sorted(wanted)
