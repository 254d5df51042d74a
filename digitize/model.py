"""The typed objects that travel through the pipeline.

A :class:`Document` holds :class:`Page` objects.  Every stage takes a ``Page`` and
returns a new one (``page.model_copy(update=...)``).  The page image itself is never
serialised; everything else (transforms, OCR lines, fields, warnings, timings) is, so
a result can be written to JSON and read back.

Coordinates: OCR ``Line`` polygons are in the coordinates of the page image the OCR
ran on (after preprocessing).  ``Page.transforms`` records each geometric step as a
3x3 matrix mapping the step's input to its output, so :meth:`Page.to_original` maps
any point back to the ORIGINAL image the user supplied.  ``Field.box`` is always on
the original image.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

Point = tuple[float, float]
Polygon = list[tuple[float, float]]

SCHEMA_VERSION = "1.0"


class DocType(StrEnum):
    """Document types, as in the public output schema (``loai_tai_lieu``)."""

    GCN_TRUOC_2009 = "gcn_truoc_2009"
    GCN_2009_2014 = "gcn_2009_2014"
    GCN_2024 = "gcn_2024"
    CCCD_MAT_TRUOC = "cccd_mat_truoc"
    CCCD_MAT_SAU = "cccd_mat_sau"
    CAN_CUOC_2024_MAT_TRUOC = "can_cuoc_2024_mat_truoc"
    CAN_CUOC_2024_MAT_SAU = "can_cuoc_2024_mat_sau"
    CMND = "cmnd"
    KHAC = "khac"

    @property
    def is_certificate(self) -> bool:
        return self in (DocType.GCN_TRUOC_2009, DocType.GCN_2009_2014, DocType.GCN_2024)

    @property
    def is_id_card(self) -> bool:
        return self in (
            DocType.CCCD_MAT_TRUOC,
            DocType.CCCD_MAT_SAU,
            DocType.CAN_CUOC_2024_MAT_TRUOC,
            DocType.CAN_CUOC_2024_MAT_SAU,
            DocType.CMND,
        )


class FieldStatus(StrEnum):
    """Where a reviewer should look.  ``reviewed`` is set by a human correction."""

    EXTRACTED = "extracted"
    NEEDS_REVIEW = "needs_review"
    UNREADABLE = "unreadable"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    REVIEWED = "reviewed"


class Transform(BaseModel):
    """One geometric step: ``matrix`` maps input-image points to output-image points."""

    name: str
    matrix: list[list[float]]
    input_size: tuple[int, int]  # (width, height) of the step's input image
    output_size: tuple[int, int]  # (width, height) of the step's output image

    @classmethod
    def from_array(
        cls, name: str, matrix: np.ndarray, input_size: tuple[int, int], output_size: tuple[int, int]
    ) -> Transform:
        m = np.asarray(matrix, dtype=float)
        if m.shape == (2, 3):
            m = np.vstack([m, [0.0, 0.0, 1.0]])
        return cls(
            name=name,
            matrix=m.tolist(),
            input_size=(int(input_size[0]), int(input_size[1])),
            output_size=(int(output_size[0]), int(output_size[1])),
        )

    def as_array(self) -> np.ndarray:
        return np.asarray(self.matrix, dtype=float)


def apply_homography(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map an (N, 2) array of points through a 3x3 homography."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if pts.size == 0:
        return pts
    homog = np.hstack([pts, np.ones((len(pts), 1))]) @ matrix.T
    w = homog[:, 2:3]
    w = np.where(np.abs(w) < 1e-12, 1e-12, w)
    return homog[:, :2] / w


class SourceInfo(BaseModel):
    """Where a page came from."""

    path: str
    sha256: str = ""
    page_index: int = 0  # 0-based page within a multi-page file
    page_count: int = 1
    width: int = 0  # of the original image, after EXIF orientation
    height: int = 0
    exif_orientation: int | None = None
    dpi: float | None = None
    media_type: str = ""
    image_hash: str | None = None  # 64-bit difference hash of the page, for near-duplicate detection


class Reading(BaseModel):
    """One recogniser's reading of one line."""

    engine: str
    text: str
    confidence: float = 0.0
    char_confidences: list[float] | None = None


class Line(BaseModel):
    """A text line found on the page (coordinates of the processed page image)."""

    text: str
    confidence: float = 0.0
    polygon: Polygon = PydField(default_factory=list)
    char_confidences: list[float] | None = None
    engine: str = ""
    alternatives: list[Reading] = PydField(default_factory=list)

    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned (x0, y0, x1, y1) of the polygon."""
        if not self.polygon:
            return (0.0, 0.0, 0.0, 0.0)
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return (min(xs), min(ys), max(xs), max(ys))

    def reading(self, engine: str) -> Reading | None:
        for alt in self.alternatives:
            if alt.engine == engine:
                return alt
        return None


class Review(BaseModel):
    """A person's decision on one field: who, when, what it was and what it became."""

    who: str
    when: datetime
    action: str  # confirm | correct | unreadable | not_on_document
    old_value: Any = None
    new_value: Any = None
    old_status: FieldStatus | None = None
    screen: str | None = None  # where the change was made (review queue, page view, CLI)


class Field(BaseModel):
    """One extracted value, flat: ``path`` such as ``thua_dat[0].so_thua``."""

    path: str
    value: Any = None
    raw: str | None = None
    confidence: float = 0.0
    status: FieldStatus = FieldStatus.NOT_FOUND
    page: int | None = None  # 0-based index of the page within the Document
    box: list[float] | None = None  # [x0, y0, x1, y1] on the ORIGINAL image
    polygon: Polygon | None = None  # the same region as a quad on the original image
    reasons: list[str] = PydField(default_factory=list)
    alternatives: list[Any] = PydField(default_factory=list)  # conflicting values
    review: Review | None = None  # set when a person confirmed or corrected the value
    # The confidence model's inputs (digitize.confidence.FEATURE_NAMES), kept for calibration;
    # not part of the public output.
    signals: list[float] | None = PydField(default=None, exclude=True, repr=False)


class Quality(BaseModel):
    """Capture-quality measurements and the flags derived from them."""

    metrics: dict[str, float] = PydField(default_factory=dict)
    flags: list[str] = PydField(default_factory=list)
    messages: list[dict[str, str]] = PydField(default_factory=list)  # {"flag","vi","en"}
    retake_recommended: bool = False


class Page(BaseModel):
    """One page image and everything learned about it so far."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: SourceInfo
    image: np.ndarray | None = PydField(default=None, exclude=True, repr=False)
    color_image: np.ndarray | None = PydField(default=None, exclude=True, repr=False)
    transforms: list[Transform] = PydField(default_factory=list)
    page_corners: list[list[float]] | None = None
    rotation_deg: int | None = None
    skew_deg: float | None = None
    damaged_fraction: float | None = None
    damage_mask: np.ndarray | None = PydField(default=None, exclude=True, repr=False)
    quality: Quality = PydField(default_factory=Quality)
    doc_type: DocType | None = None
    doc_type_confidence: float = 0.0
    page_role: str | None = None  # e.g. "trang_1", "trang_2" for certificates
    lines: list[Line] = PydField(default_factory=list)
    fields: list[Field] = PydField(default_factory=list)
    warnings: list[str] = PydField(default_factory=list)
    timings: dict[str, float] = PydField(default_factory=dict)

    # -- geometry -------------------------------------------------------------------
    def processed_to_original_matrix(self) -> np.ndarray:
        """3x3 matrix mapping points of the current page image to the original image."""
        forward = np.eye(3)
        for t in self.transforms:
            forward = t.as_array() @ forward
        return np.linalg.inv(forward)

    def to_original(self, points: Polygon | np.ndarray) -> Polygon:
        """Map points of the processed page image back to the original image."""
        mapped = apply_homography(self.processed_to_original_matrix(), np.asarray(points, dtype=float))
        return [(float(x), float(y)) for x, y in mapped]

    def from_original(self, points: Polygon | np.ndarray) -> Polygon:
        """Map points of the original image onto the processed page image."""
        forward = np.eye(3)
        for t in self.transforms:
            forward = t.as_array() @ forward
        mapped = apply_homography(forward, np.asarray(points, dtype=float))
        return [(float(x), float(y)) for x, y in mapped]

    def with_warning(self, message: str) -> Page:
        return self.model_copy(update={"warnings": [*self.warnings, message]})


class FileError(BaseModel):
    """A file (or one page of it) that could not be processed."""

    path: str
    code: str
    message: str


class Document(BaseModel):
    """The result for one input file (or one dossier of files)."""

    schema_version: str = SCHEMA_VERSION
    source: str
    loai_tai_lieu: DocType = DocType.KHAC
    pages: list[Page] = PydField(default_factory=list)
    fields: list[Field] = PydField(default_factory=list)
    warnings: list[str] = PydField(default_factory=list)
    timings: dict[str, float] = PydField(default_factory=dict)
    backend: str = ""

    @property
    def record(self) -> dict[str, Any]:
        """The plain nested record built from the flat field list."""
        return build_record(self.fields)

    def field(self, path: str) -> Field | None:
        for f in self.fields:
            if f.path == path:
                return f
        return None

    def to_output(self, include_lines: bool = False) -> dict[str, Any]:
        """The public JSON shape: record + fields + document type + warnings + timings."""
        pages = []
        for page in self.pages:
            exclude: set[str] = {"fields"}
            if not include_lines:
                exclude.add("lines")
            pages.append(page.model_dump(mode="json", exclude=exclude))
        return {
            "schema_version": self.schema_version,
            "source": self.source,
            "loai_tai_lieu": self.loai_tai_lieu.value,
            "record": self.record,
            "fields": [f.model_dump(mode="json") for f in self.fields],
            "pages": pages,
            "warnings": list(self.warnings),
            "timings": dict(self.timings),
            "backend": self.backend,
        }


    @classmethod
    def from_output(cls, data: dict[str, Any]) -> Document:
        """The Document behind a :meth:`to_output` result (page images and, unless included, lines aside).

        ``record`` is derived from ``fields`` and is not read back.
        """
        pages = [Page.model_validate(p) for p in data.get("pages", [])]
        return cls(
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            source=data["source"],
            loai_tai_lieu=DocType(data.get("loai_tai_lieu", DocType.KHAC.value)),
            pages=pages,
            fields=[Field.model_validate(f) for f in data.get("fields", [])],
            warnings=list(data.get("warnings", [])),
            timings=dict(data.get("timings", {})),
            backend=data.get("backend", ""),
        )


_PATH_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def parse_path(path: str) -> list[str | int]:
    """``thua_dat[0].so_thua`` -> ``["thua_dat", 0, "so_thua"]``."""
    parts: list[str | int] = []
    for chunk in path.split("."):
        m = _PATH_TOKEN.fullmatch(chunk)
        if not m:
            raise ValueError(f"bad field path: {path!r}")
        parts.append(m.group(1))
        if m.group(2) is not None:
            parts.append(int(m.group(2)))
    return parts


def build_record(fields: list[Field]) -> dict[str, Any]:
    """Nest flat field paths into a plain dict; fields not found become ``None``."""
    record: dict[str, Any] = {}
    for f in fields:
        value = f.value if f.status not in (FieldStatus.NOT_FOUND, FieldStatus.UNREADABLE) else None
        parts = parse_path(f.path)
        node: Any = record
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = None if last else parts[i + 1]
            if isinstance(part, int):
                while len(node) <= part:
                    node.append(None)
                if last:
                    node[part] = value
                else:
                    if node[part] is None:
                        node[part] = [] if isinstance(nxt, int) else {}
                    node = node[part]
            else:
                if last:
                    node[part] = value
                else:
                    if part not in node or node[part] is None:
                        node[part] = [] if isinstance(nxt, int) else {}
                    node = node[part]
    return record


def nfc(text: str) -> str:
    """Unicode NFC: every string is normalised before matching, validating or scoring."""
    return unicodedata.normalize("NFC", text)


TextKind = Literal["text", "digits"]
