"""Pages of stored originals as JPEG: the whole page (downscaled) and crops around a box.

Boxes are on the ORIGINAL image (after EXIF orientation), so pages are loaded with the
same loader the engine used (PDF pages rendered at the engine's resolution).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import cv2
import numpy as np

from digitize.config import Settings
from digitize.io.loader import load_pages

PAGE_CACHE_SIZE = 8  # decoded originals kept in memory (a crop queue reads the same pages)
JPEG_QUALITY = 85
CROP_MARGIN = 0.35  # of the box height, added around it (context for the reviewer)
CROP_MIN_MARGIN_PX = 24
MAX_CROP_WIDTH = 1200
MAX_PAGE_WIDTH = 1600

_cache: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
_lock = threading.Lock()


def original_page(location: str, page_index: int, settings: Settings) -> np.ndarray:
    """The original image of one page of a stored file (BGR), cached."""
    key = (location, page_index)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pages = load_pages(location, settings, [page_index])
    if not pages or pages[0].image is None:
        raise FileNotFoundError("page not found")
    image = np.asarray(pages[0].image)
    with _lock:
        _cache[key] = image
        while len(_cache) > PAGE_CACHE_SIZE:
            _cache.popitem(last=False)
    return image


def encode_jpeg(image: np.ndarray, max_width: int) -> bytes:
    """JPEG bytes of ``image``, downscaled to ``max_width`` when wider."""
    height, width = image.shape[:2]
    if width > max_width:
        scale = max_width / width
        image = cv2.resize(image, (max_width, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("cannot encode JPEG")
    return buffer.tobytes()


def crop_box(image: np.ndarray, box: list[float]) -> np.ndarray:
    """The part of ``image`` around ``box`` [x0, y0, x1, y1] with a margin, clipped to the image."""
    height, width = image.shape[:2]
    x0, y0, x1, y1 = (float(v) for v in box[:4])
    margin = max(CROP_MIN_MARGIN_PX, CROP_MARGIN * (y1 - y0))
    left, top = max(0, int(x0 - margin)), max(0, int(y0 - margin))
    right, bottom = min(width, int(x1 + margin) + 1), min(height, int(y1 + margin) + 1)
    if right <= left or bottom <= top:
        raise ValueError("the box is outside the page")
    return image[top:bottom, left:right]
