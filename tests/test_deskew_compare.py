from pathlib import Path

import cv2
import numpy as np

from digitize.bench.deskew_compare import compare_deskew, is_flat_capture
from digitize.truth import GroundTruth


def _truth(skew: float, degradations: list[str], condition: str = "scan") -> GroundTruth:
    return GroundTruth(generator_version="t", seed=0, doc_type="gcn_2009_2014",  # type: ignore[arg-type]
                       record={}, condition=condition, degradations=degradations, skew_deg=skew)


def _lines_image(path: Path, angle: float) -> None:
    img = np.full((900, 700), 255, np.uint8)
    for y in range(100, 800, 40):
        cv2.putText(img, "THUA DAT SO 125 TO BAN DO SO 12", (40, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    m = cv2.getRotationMatrix2D((350, 450), angle, 1.0)  # counter-clockwise positive, as the truth
    cv2.imwrite(str(path), cv2.warpAffine(img, m, (700, 900), borderValue=255))


def test_only_flat_single_pages_are_compared() -> None:
    assert is_flat_capture(_truth(1.0, ["scan150dpi", "scan_skew+1.0"]))
    assert not is_flat_capture(_truth(1.0, ["perspective", "jpeg50"], "phone"))
    assert not is_flat_capture(_truth(1.0, ["bow"], "aged"))
    assert not is_flat_capture(_truth(1.0, ["scan100dpi"], "two_pages"))


def test_errors_are_measured_against_the_truth_for_every_method(tmp_path: Path) -> None:
    flat, photo = tmp_path / "flat.png", tmp_path / "photo.png"
    _lines_image(flat, 3.0)
    _lines_image(photo, 3.0)
    items = [(flat, _truth(3.0, ["scan_skew+3.0"])), (photo, _truth(3.0, ["perspective"], "phone"))]
    result = compare_deskew(items, [2.5, None])
    assert result["digitize"]["images"] == 1  # the phone photo is left out
    assert abs(result["digitize"]["median"] - 0.5) < 1e-9
    for name in ("deskew", "jdeskew"):
        if name in result:  # the packages are optional
            assert result[name]["images"] == 1
            assert result[name]["unknown"] == 1 or result[name]["median"] < 1.0
