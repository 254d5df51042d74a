"""Skew estimation of digitize against the ``deskew`` and ``jdeskew`` PyPI packages.

Compared on flat captures only (scans: no perspective, no paper bow, one page): under
perspective "skew" is not one number, and those packages do not model it.  The packages
estimate an angle modulo 90 degrees (they cannot tell orientation), so their error is
taken modulo 90; digitize's skew is its small residual angle after orientation.  Both
packages are optional (``scripts/setup.sh`` installs them): a missing one is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from digitize.truth import GroundTruth

# The packages are slow on full-resolution scans; an angle does not change with scale.
ESTIMATE_MAX_SIDE = 1600


def is_flat_capture(truth: GroundTruth) -> bool:
    """One page, scanned flat: its skew is a single well-defined angle."""
    if truth.condition == "two_pages":
        return False
    names = {d.split("=")[0] for d in truth.degradations}
    return not names & {"perspective", "bow", "two_pages"}


def _estimators() -> dict[str, Callable[[np.ndarray], float | None]]:
    found: dict[str, Callable[[np.ndarray], float | None]] = {}
    try:
        from deskew import determine_skew  # type: ignore[import-not-found, import-untyped, unused-ignore]

        def with_deskew(gray: np.ndarray) -> float | None:
            angle = determine_skew(gray)
            return None if angle is None else -float(angle)  # it returns the correction to apply

        found["deskew"] = with_deskew
    except ImportError:
        pass
    try:
        from jdeskew.estimator import get_angle  # type: ignore[import-not-found, import-untyped, unused-ignore]

        def with_jdeskew(gray: np.ndarray) -> float | None:
            return -float(get_angle(gray))  # also the correction

        found["jdeskew"] = with_jdeskew
    except ImportError:
        pass
    return found


def _error_mod_90(estimate: float, truth: float) -> float:
    d = (estimate - truth) % 90.0
    return min(d, 90.0 - d)


def _summary(errors: list[float | None]) -> dict[str, Any]:
    known = [e for e in errors if e is not None]
    out: dict[str, Any] = {"images": len(errors), "unknown": len(errors) - len(known)}
    if known:
        out["median"] = float(np.median(known))
        out["p95"] = float(np.percentile(known, 95))
    return out


def compare_deskew(items: list[tuple[Any, GroundTruth]],
                   digitize_skews: list[float | None]) -> dict[str, dict[str, Any]]:
    """Absolute skew error (degrees) of digitize and each installed package on the flat captures.

    ``items`` are (image path, truth); ``digitize_skews`` the skew digitize reported for each
    (``None`` where it could not tell).  Returns {method: {images, unknown, median, p95}}."""
    estimators = _estimators()
    errors: dict[str, list[float | None]] = {"digitize": [], **{name: [] for name in estimators}}
    for (path, truth), ours in zip(items, digitize_skews, strict=True):
        if not is_flat_capture(truth):
            continue
        errors["digitize"].append(None if ours is None else abs(ours - truth.skew_deg))
        if not estimators:
            continue
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            for name in estimators:
                errors[name].append(None)
            continue
        scale = ESTIMATE_MAX_SIDE / max(gray.shape)
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        for name, estimate in estimators.items():
            try:
                angle = estimate(gray)
            except Exception:  # a package failing on an image counts as "could not tell"
                angle = None
            errors[name].append(None if angle is None else _error_mod_90(angle, truth.skew_deg))
    return {name: _summary(errs) for name, errs in errors.items() if errs}
