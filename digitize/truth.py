"""Ground truth written beside every synthetic image (``<stem>.gt.json``).

The generator writes it, the ``fake`` OCR backend reads its lines, and the benchmark
scores against it.  All coordinates are on the final image file as written (after every
degradation), in pixels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from digitize.model import DocType, Polygon

TRUTH_SUFFIX = ".gt.json"


class TruthLine(BaseModel):
    """One text line as rendered: its exact text and where it ended up."""

    text: str
    polygon: Polygon  # 4 points TL, TR, BR, BL on the final image
    kind: Literal["print", "handwriting", "stamp", "mrz"] = "print"
    field: str | None = None  # the field path whose value this line carries, if any
    occluded: bool = False  # covered by damage (torn away, hole, tape, seal over it)


class GroundTruth(BaseModel):
    """Everything known about one synthetic image."""

    generator: str = "digitize-synth"
    generator_version: str
    seed: int
    doc_type: DocType
    page_role: str | None = None  # "trang_1".."trang_4", "mat_truoc", "mat_sau"
    condition: str = "clean"  # clean | scan | phone | aged | damaged | rotated | two_pages
    degradations: list[str] = Field(default_factory=list)
    # The record of the document as the public schema nests it (output keys of domain.md),
    # restricted to the values PRINTED ON THIS IMAGE.
    record: dict[str, Any] = Field(default_factory=dict)
    unreadable: list[str] = Field(default_factory=list)  # field paths destroyed by damage
    field_boxes: dict[str, list[float]] = Field(default_factory=dict)  # path -> [x0,y0,x1,y1]
    page_corners: list[list[float]] | None = None  # document corners TL, TR, BR, BL, or None
    rotation_deg: int = 0  # 0/90/180/270: how far content is turned from upright, CCW positive
    skew_deg: float = 0.0  # small residual angle, CCW positive
    image_size: tuple[int, int] = (0, 0)  # (width, height)
    dpi: float | None = None
    lines: list[TruthLine] = Field(default_factory=list)


def truth_path(image_path: str | Path) -> Path:
    p = Path(image_path)
    return p.with_name(p.stem + TRUTH_SUFFIX)


def load_truth(image_path: str | Path) -> GroundTruth | None:
    """The ground truth beside ``image_path``, or None if there is none."""
    p = truth_path(image_path)
    if not p.is_file():
        return None
    return GroundTruth.model_validate(json.loads(p.read_text(encoding="utf-8")))


def save_truth(truth: GroundTruth, image_path: str | Path) -> Path:
    p = truth_path(image_path)
    p.write_text(truth.model_dump_json(indent=1), encoding="utf-8")
    return p


def load_page_truth(path: str | Path, page_index: int = 0, page_count: int = 1) -> GroundTruth | None:
    """The ground truth of one page: ``<stem>-p<N>.gt.json`` for a multi-page file, else ``<stem>.gt.json``."""
    p = Path(path)
    if page_count > 1:
        per_page = p.with_name(f"{p.stem}-p{page_index + 1}{TRUTH_SUFFIX}")
        if per_page.is_file():
            return GroundTruth.model_validate(json.loads(per_page.read_text(encoding="utf-8")))
    return load_truth(p)
