"""Small geometric helpers shared by the stages: quads, homographies, turns.

Conventions (the same as the report's): image coordinates have x to the right and y
down; an angle is how far the content is turned COUNTER-CLOCKWISE on screen, in degrees.
``cv2.getRotationMatrix2D(centre, a, 1)`` turns content counter-clockwise by ``a``, so the
correction of content turned by ``a`` is that matrix with ``-a``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

Quad = np.ndarray
"""4x2 float array of corners: top-left, top-right, bottom-right, bottom-left."""


def order_corners(points: np.ndarray) -> Quad:
    """Order four points TL, TR, BR, BL by angle around their centre (robust to any turn).

    The first corner is the one closest to the image's top-left among the two whose
    sum x+y is smallest, so an axis-aligned quad comes back in the usual order.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y down), starting near -pi (left)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def quad_area(quad: Quad) -> float:
    """Area of a (simple) quadrilateral, shoelace formula."""
    q = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    x, y = q[:, 0], q[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def quad_is_convex(quad: Quad) -> bool:
    q = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    signs = []
    for i in range(4):
        a, b, c = q[i], q[(i + 1) % 4], q[(i + 2) % 4]
        cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
        signs.append(cross > 0)
    return all(signs) or not any(signs)


def homogeneous(matrix: np.ndarray) -> np.ndarray:
    """A 2x3 affine or 3x3 matrix as 3x3 float64."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape == (2, 3):
        m = np.vstack([m, [0.0, 0.0, 1.0]])
    return m


def scale_matrix(sx: float, sy: float | None = None) -> np.ndarray:
    return np.diag([sx, sx if sy is None else sy, 1.0])


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a 3x3 homography."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    h = np.hstack([pts, np.ones((len(pts), 1))]) @ np.asarray(matrix, dtype=np.float64).T
    w = h[:, 2:3]
    w = np.where(np.abs(w) < 1e-12, 1e-12, w)
    return h[:, :2] / w


def quarter_turn_matrix(rotation_deg: int, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """Matrix that UNDOES content turned counter-clockwise by ``rotation_deg`` (0/90/180/270).

    ``size`` is the (width, height) of the input; returns the matrix and the output size.
    Content turned CCW by 90 is turned back clockwise by 90, and so on.
    """
    w, h = size
    r = int(rotation_deg) % 360
    if r == 0:
        return np.eye(3), (w, h)
    # Pixel centres sit on integer coordinates (as in cv2.rotate / warpAffine), hence w-1, h-1.
    if r == 90:  # turn clockwise: (x, y) -> (h - 1 - y, x)
        return np.array([[0.0, -1.0, h - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), (h, w)
    if r == 180:
        return np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0], [0.0, 0.0, 1.0]]), (w, h)
    if r == 270:  # turn counter-clockwise: (x, y) -> (y, w - 1 - x)
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w - 1.0], [0.0, 0.0, 1.0]]), (h, w)
    raise ValueError(f"rotation must be a multiple of 90 degrees, got {rotation_deg}")


def turn_image(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Undo a counter-clockwise quarter turn of the content (exact, no resampling)."""
    r = int(rotation_deg) % 360
    if r == 0:
        return image
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[r]
    return cv2.rotate(image, code)


def deskew_matrix(skew_deg: float, size: tuple[int, int], expand: bool = True) -> tuple[np.ndarray, tuple[int, int]]:
    """Matrix that undoes a small counter-clockwise skew, about the image centre.

    With ``expand`` the canvas grows so no content is cut off; returns (3x3, output size).
    """
    w, h = size
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), -float(skew_deg), 1.0)
    if not expand:
        return homogeneous(m), (w, h)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw = max(1, math.ceil(w * cos + h * sin - 1e-6))
    nh = max(1, math.ceil(w * sin + h * cos - 1e-6))
    m[0, 2] += (nw - w) / 2.0
    m[1, 2] += (nh - h) / 2.0
    return homogeneous(m), (nw, nh)


def content_angle(processed_to_original: np.ndarray, size: tuple[int, int]) -> float:
    """Direction of the processed image's x-axis in the original, CCW degrees in (-180, 180].

    Measured at the processed image's centre, so it is meaningful under perspective too.
    """
    w, h = size
    c = np.array([[w / 2.0, h / 2.0], [w / 2.0 + max(w, 1) * 0.05, h / 2.0]])
    p = apply(processed_to_original, c)
    dx, dy = p[1] - p[0]
    return math.degrees(math.atan2(-dy, dx))


def fit_size(width: float, height: float, max_side: int) -> tuple[float, int, int]:
    """Scale (<= 1) and integer size that fit (width, height) within ``max_side``."""
    longest = max(width, height, 1.0)
    s = min(1.0, max_side / longest)
    return s, max(1, round(width * s)), max(1, round(height * s))


def downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """A copy no larger than ``max_side`` (area interpolation) and the scale used."""
    h, w = image.shape[:2]
    s, nw, nh = fit_size(w, h, max_side)
    if s >= 1.0:
        return image, 1.0
    return cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA), s


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def to_bgr(image: np.ndarray) -> np.ndarray:
    """Any uint8/uint16/float image with 1, 3 or 4 channels as 8-bit BGR."""
    img = np.asarray(image)
    if img.dtype != np.uint8:
        f = img.astype(np.float64)
        hi = float(f.max()) if f.size else 1.0
        if img.dtype.kind == "f" and hi <= 1.0:
            f = f * 255.0
        elif hi > 255:
            f = f * (255.0 / hi)
        img = np.clip(f, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2BGR)
    if img.ndim == 3 and img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.ndim == 3 and img.shape[2] == 3:
        return np.ascontiguousarray(img)
    raise ValueError(f"unsupported image shape {img.shape}")


def fast_downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Like :func:`downscale` but with Gaussian pyramid halvings then a linear resize.

    OpenCV's area resize costs ~10 ms per megapixel on one core; halvings cost a
    fraction of that and anti-alias just as well for analysis.  Returns (image, scale).
    """
    h, w = image.shape[:2]
    longest = max(h, w)
    if longest <= max_side:
        return image, 1.0
    out = image
    while max(out.shape[:2]) >= 2 * max_side and min(out.shape[:2]) >= 4:
        out = cv2.pyrDown(out)
    oh, ow = out.shape[:2]
    s = max_side / float(longest)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    if (ow, oh) != (nw, nh):
        out = cv2.resize(out, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return out, nw / float(w)


def local_scale(matrix: np.ndarray, point: tuple[float, float]) -> float:
    """Linear scale factor (sqrt of the Jacobian determinant) of a homography at a point."""
    x, y = point
    eps = 1.0
    p = apply(matrix, np.array([[x, y], [x + eps, y], [x, y + eps]]))
    jx, jy = p[1] - p[0], p[2] - p[0]
    return math.sqrt(abs(jx[0] * jy[1] - jx[1] * jy[0])) / eps


def warp(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int], border: int = cv2.BORDER_CONSTANT,
         fill: tuple[int, ...] | int = (255, 255, 255)) -> np.ndarray:
    """One perspective warp; shrinking by more than ~1.7x first halves the source (no aliasing)."""
    m = np.asarray(matrix, dtype=np.float64)
    src = image
    h, w = src.shape[:2]
    while local_scale(m, (w / 2.0, h / 2.0)) < 0.6 and min(src.shape[:2]) >= 8:
        src = cv2.pyrDown(src)
        sh, sw = src.shape[:2]
        # new source pixel (x', y') holds old (x' * w / sw, y' * h / sh)
        m = m @ np.diag([w / sw, h / sh, 1.0])
        h, w = sh, sw
    if src.ndim == 2 and isinstance(fill, tuple):
        fill = fill[0]
    return cv2.warpPerspective(src, m, (int(size[0]), int(size[1])), flags=cv2.INTER_LINEAR,
                               borderMode=border, borderValue=fill)


def intersect_lines(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """Intersection of two lines given as (point, direction), or None when parallel."""
    p, r = l1
    q, s = l2
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-6:
        return None
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / cross
    return p + t * r
