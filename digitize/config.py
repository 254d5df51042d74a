"""Settings: command-line flags > environment ``DIGITIZE_*`` > TOML file > defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def find_tessdata() -> str | None:
    """Debian's tessdata folder holding ``vie.traineddata``, or None."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env] if env else []) + list(DEFAULT_TESSDATA_DIRS)
    for folder in candidates:
        if folder and (Path(folder) / "vie.traineddata").is_file():
            return folder
    return None


class Settings(BaseSettings):
    """Every tunable of the engine, with strong defaults."""

    model_config = SettingsConfigDict(env_prefix="DIGITIZE_", extra="ignore")

    backend: str = "default"
    # onnxruntime defaults to every core; parallelism belongs to the executor.
    threads: int = Field(default=1, ge=1, le=64)
    tessdata: str | None = None
    det_max_side: int = Field(default=1600, ge=320, le=4096)
    # Letter height (px) the detector's input is scaled to when the page's text height is known
    # (capture quality measures it); None: the fixed max-side rule alone (docs/detection.md).
    det_text_height: float | None = Field(default=None, ge=4.0, le=64.0)
    # The DB detector's weights, by manifest id: PP-OCRv4 as shipped (fp32), or the project's int8
    # quantisation of it (models/detector/; docs/detection.md: 0.6x the detection time and under 1 GiB
    # per worker, but it loses fields and phone-photo lines, so it is not the default).
    det_model: Literal["ppocr_v4_det", "ppocr_v4_det_int8"] = "ppocr_v4_det"
    det_threshold: float = 0.3
    det_box_threshold: float = 0.5
    det_unclip_ratio: float = 1.6
    second_reader: bool = True  # a second reader on Vietnamese lines (asterocr, or Tesseract after `trained`)
    # The default backend's first line reader: Tesseract `vie`, or the project's trained recogniser
    # (models/recognizer/digitize_rec.onnx; Tesseract then becomes the second reader).
    recogniser: Literal["tesseract", "trained"] = "tesseract"
    # After Tesseract, the second reader of weak lines and of fields' Vietnamese text: asterocr, or the
    # trained recogniser (about 100x faster a line; docs/reading.md has the measurements).
    second_recogniser: Literal["asterocr", "trained"] = "asterocr"

    max_pixels: int = Field(default=200_000_000, ge=1)
    max_file_bytes: int = Field(default=500 * 1024 * 1024, ge=1)
    pdf_dpi: int = Field(default=300, ge=50, le=1200)
    pdf_max_pages: int = Field(default=200, ge=1)

    preprocess: bool = True
    review_threshold: float = Field(default=0.85, ge=0.0, le=1.0)
    calibration_file: str | None = None

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build settings from a TOML file (``[digitize]`` table or top level), env and overrides."""
        file_values: dict[str, Any] = {}
        path = config_file or os.environ.get("DIGITIZE_CONFIG")
        if path:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            file_values = data.get("digitize", data)
        env_settings = cls()
        merged: dict[str, Any] = {}
        for name in cls.model_fields:
            env_key = f"DIGITIZE_{name.upper()}"
            if env_key in os.environ:
                merged[name] = getattr(env_settings, name)
            elif name in file_values:
                merged[name] = file_values[name]
        merged.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(merged)

    def reader_setup(self) -> str:
        """Which line readers read the page: ``default`` (Tesseract, asterocr second),
        ``trained-first`` (the ``trained`` backend or ``recogniser = "trained"``) or ``trained-second``.
        The confidence model is fitted per setup: its signals depend on who read the text."""
        if self.recogniser == "trained" or self.backend == "trained":
            return "trained-first"
        if self.second_recogniser == "trained":
            return "trained-second"
        return "default"

    def tessdata_dir(self) -> str | None:
        return self.tessdata or find_tessdata()
