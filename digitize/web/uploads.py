"""Uploads: checked by content, stored under random names outside served paths, and given
capture-quality feedback at once (the image pipeline's quality flags, not the OCR).

The stored file is never reachable by URL; pages and crops are served only through the
review routes, which check the user's unit first.
"""

from __future__ import annotations

import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from digitize.config import Settings
from digitize.errors import DigitizeError
from digitize.io.loader import MEDIA_EXTENSIONS, decode_image_bytes, sniff_media_type
from digitize.model import Page, SourceInfo
from digitize.preprocess import PreprocessSettings, preprocess

# The quick check finds the page and measures it; it skips what only the OCR needs.
QUICK_OPTIONS = PreprocessSettings(max_output_side=1600, orient=False, use_classifier=False, deskew=False,
                                   split_spreads=False, dropout=False, flatten=False, damage=False)
SNIFF_BYTES = 1024


class UploadRejected(ValueError):
    """An upload that is not stored; the message is for the collector (Vietnamese)."""


@dataclass
class CaptureCheck:
    """What the collector is told about one photo right after the upload."""

    width: int = 0
    height: int = 0
    flags: list[str] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    retake: bool = False
    corners: list[list[float]] | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The check as stored with the input."""
        return {"width": self.width, "height": self.height, "flags": self.flags, "messages": self.messages,
                "retake": self.retake, "corners": self.corners, "seconds": round(self.seconds, 3)}


def check_upload(data: bytes, max_bytes: int, settings: Settings) -> str:
    """The media type of an upload's bytes, or UploadRejected (empty, too big, not an image/PDF)."""
    if not data:
        raise UploadRejected("Tệp rỗng.")
    if len(data) > max_bytes:
        raise UploadRejected(f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024)} MB).")
    if len(data) > settings.max_file_bytes:
        raise UploadRejected("Tệp quá lớn.")
    media_type = sniff_media_type(data[:SNIFF_BYTES])
    if media_type is None:
        raise UploadRejected("Không phải ảnh hoặc PDF (chỉ nhận JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF).")
    return media_type


def store_upload(data: bytes, media_type: str, upload_dir: Path) -> Path:
    """Write an upload under a random name with the extension of its real content."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + MEDIA_EXTENSIONS[media_type][0]
    path = upload_dir / name
    with path.open("xb") as fh:
        fh.write(data)
    return path


def copy_fake_truth(original_name: str, stored: Path, truth_dir: Path) -> None:
    """Tests with the fake OCR backend: put ``<original stem>.gt.json`` beside the stored file."""
    stem = Path(Path(original_name).name).stem  # the name only: no folders from the client
    for candidate in (truth_dir / f"{stem}.gt.json", truth_dir / f"{stem}-p1.gt.json"):
        if candidate.is_file() and candidate.resolve().parent == truth_dir.resolve():
            target = stored.with_name(stored.stem + candidate.name[len(stem):])
            shutil.copyfile(candidate, target)
    for extra in sorted(truth_dir.glob(f"{stem}-p*.gt.json")):
        shutil.copyfile(extra, stored.with_name(stored.stem + extra.name[len(stem):]))


def capture_check(data: bytes, media_type: str, settings: Settings) -> CaptureCheck:
    """The quality flags, Vietnamese retake advice and page outline of a photo (PDFs: none)."""
    begin = time.perf_counter()
    if media_type == "application/pdf":
        return CaptureCheck(seconds=time.perf_counter() - begin)
    try:
        image = decode_image_bytes(data)
    except DigitizeError as exc:
        raise UploadRejected("Ảnh hỏng, không mở được.") from exc
    height, width = image.shape[:2]
    if width * height > settings.max_pixels:
        raise UploadRejected("Ảnh quá nhiều điểm ảnh.")
    page = Page(source=SourceInfo(path="upload", width=width, height=height, media_type=media_type),
                image=np.ascontiguousarray(image))
    pages = preprocess(page, settings, options=QUICK_OPTIONS)
    flags: list[str] = []
    messages: list[dict[str, str]] = []
    retake = False
    corners: list[list[float]] | None = None
    for p in pages:
        for flag in p.quality.flags:
            if flag not in flags:
                flags.append(flag)
        for message in p.quality.messages:
            if message not in messages:
                messages.append(message)
        retake = retake or p.quality.retake_recommended
        if corners is None and p.page_corners:
            corners = [[float(x), float(y)] for x, y in p.page_corners]
    return CaptureCheck(width=width, height=height, flags=flags, messages=messages, retake=retake,
                        corners=corners, seconds=time.perf_counter() - begin)
