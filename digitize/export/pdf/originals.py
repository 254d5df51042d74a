"""The ORIGINAL pages as the user supplied them, ready to place in an output PDF.

A JPEG is embedded byte for byte (DCTDecode), its EXIF rotation (if any) applied by the
page's drawing matrix; other images (PNG, TIFF, WebP, HEIC, mirrored JPEGs) are decoded,
turned upright as the engine saw them, and embedded losslessly (FlateDecode).  A PDF input's page is copied as it is.
The file must be the one the result was read from: its sha256 is checked.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Name
from PIL import Image, ImageOps

from digitize.model import Page

PDF_MEDIA_TYPE = "application/pdf"
JPEG_MODES = {"RGB": Name.DeviceRGB, "L": Name.DeviceGray}
DEFAULT_DPI = 150.0  # when a file records no resolution or an implausible one (phones write 72)
MIN_TRUSTED_DPI, MAX_TRUSTED_DPI = 100.0, 1200.0
POINTS_PER_INCH = 72.0
EXIF_ORIENTATION = 0x0112
# EXIF orientations a JPEG can keep as it is: the page's drawing matrix turns it upright instead
# (1 upright, 3 turned 180 degrees, 6 and 8 turned 90 degrees); mirrored ones are decoded.
ROTATIONS = frozenset({1, 3, 6, 8})


class OriginalMissing(Exception):
    """The original file of a page cannot be found, or is not the file the result was read from."""


@dataclass
class RasterImage:
    """An image XObject's parts: pixel size, colour space, filter and encoded data."""

    width: int
    height: int
    color_space: Name
    filter: Name
    data: bytes
    orientation: int = 1  # EXIF orientation still to apply when drawing (one of ROTATIONS)

    @property
    def upright_size(self) -> tuple[int, int]:
        """(width, height) of the image as shown, after its orientation."""
        return (self.height, self.width) if self.orientation in (6, 8) else (self.width, self.height)

    def placement(self, width_pt: float, height_pt: float) -> list[float]:
        """The ``cm`` matrix drawing the image upright over a ``width_pt`` x ``height_pt`` page."""
        w, h = width_pt, height_pt
        if self.orientation == 3:
            return [-w, 0, 0, -h, w, h]
        if self.orientation == 6:
            return [0, -h, w, 0, 0, h]
        if self.orientation == 8:
            return [0, h, -w, 0, w, 0]
        return [w, 0, 0, h, 0, 0]

    def stream(self, pdf: pikepdf.Pdf) -> pikepdf.Stream:
        """The image as a stream of ``pdf``."""
        stream = pikepdf.Stream(pdf, self.data)
        stream.Type = Name.XObject
        stream.Subtype = Name.Image
        stream.Width = self.width
        stream.Height = self.height
        stream.ColorSpace = self.color_space
        stream.BitsPerComponent = 8
        stream.Filter = self.filter
        return stream


class Originals:
    """Finds and opens the original files of pages (``image_root`` first, then the path as recorded)."""

    def __init__(self, image_root: str | Path | None = None) -> None:
        self.image_root = Path(image_root) if image_root is not None else None
        self._checked: dict[Path, str] = {}
        self._pdfs: dict[Path, pikepdf.Pdf] = {}

    def locate(self, page: Page) -> Path:
        """The file a page came from; raises :class:`OriginalMissing` when absent or changed."""
        recorded = Path(page.source.path)
        candidates = [self.image_root / recorded] if self.image_root is not None and not recorded.is_absolute() \
            else []
        if self.image_root is not None:
            candidates.append(self.image_root / recorded.name)
        candidates.append(recorded)
        for path in candidates:
            if path.is_file():
                if page.source.sha256 and self._sha256(path) != page.source.sha256:
                    raise OriginalMissing(f"{recorded.name}: the file changed since it was read (sha256 differs)")
                return path
        raise OriginalMissing(f"{recorded.name}: original file not found"
                              + (f" under {self.image_root}" if self.image_root else ""))

    def _sha256(self, path: Path) -> str:
        if path not in self._checked:
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            self._checked[path] = digest.hexdigest()
        return self._checked[path]

    def is_pdf(self, page: Page) -> bool:
        """Whether the page is a page of a PDF input."""
        return page.source.media_type == PDF_MEDIA_TYPE or page.source.path.lower().endswith(".pdf")

    def pdf_page(self, page: Page) -> pikepdf.Page:
        """The page of a PDF input, as stored in that file."""
        path = self.locate(page)
        if path not in self._pdfs:
            self._pdfs[path] = pikepdf.open(path)
        pdf = self._pdfs[path]
        if page.source.page_index >= len(pdf.pages):
            raise OriginalMissing(f"{path.name}: has no page {page.source.page_index + 1}")
        return pdf.pages[page.source.page_index]

    def raster(self, page: Page) -> RasterImage:
        """The image of a raster input's page, upright as the engine read it."""
        path = self.locate(page)
        Image.MAX_IMAGE_PIXELS = None  # the engine already checked the size when it read the file
        with Image.open(path) as img:
            img.seek(page.source.page_index)
            orientation = img.getexif().get(EXIF_ORIENTATION) or 1
            if img.format == "JPEG" and orientation in ROTATIONS and img.mode in JPEG_MODES:
                image = RasterImage(img.width, img.height, JPEG_MODES[img.mode], Name.DCTDecode, path.read_bytes(),
                                    orientation=orientation)
            else:
                img.load()
                upright = ImageOps.exif_transpose(img) if orientation != 1 else img
                if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
                    rgba = upright.convert("RGBA")
                    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                    upright = Image.alpha_composite(background, rgba)
                gray = upright.mode in ("L", "1")
                pixels = upright.convert("L" if gray else "RGB")
                image = RasterImage(pixels.width, pixels.height, Name.DeviceGray if gray else Name.DeviceRGB,
                                    Name.FlateDecode, zlib.compress(pixels.tobytes(), 6))
        width, height = image.upright_size
        if page.source.width and (width, height) != (page.source.width, page.source.height):
            raise OriginalMissing(f"{path.name}: page {page.source.page_index + 1} is {width}x{height}, "
                                  f"the result says {page.source.width}x{page.source.height}")
        return image

    def close(self) -> None:
        """Close the PDF inputs opened so far."""
        for pdf in self._pdfs.values():
            pdf.close()
        self._pdfs.clear()


def page_size_points(page: Page, width_px: int, height_px: int) -> tuple[float, float]:
    """The page size in points for an image of the given pixels, at its recorded resolution when plausible."""
    dpi = page.source.dpi if page.source.dpi and MIN_TRUSTED_DPI <= page.source.dpi <= MAX_TRUSTED_DPI \
        else DEFAULT_DPI
    return width_px / dpi * POINTS_PER_INCH, height_px / dpi * POINTS_PER_INCH
