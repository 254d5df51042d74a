"""Recogniser line data: held-out documents apart, truth encodable, crops at the contract height."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from digitize.ocr.line_input import LINE_HEIGHT, default_charset, encodable
from digitize.synth import lines


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny dataset (a few documents) with PNGs, written by ``digitize synth lines``."""
    from click.testing import CliRunner

    from digitize.cli import main

    out = tmp_path_factory.mktemp("lines")
    result = CliRunner().invoke(main, ["synth", "lines", "--out", str(out), "--count", "120", "--heldout-count", "40",
                                       "--seed", "5", "--jobs", "1", "--png"])
    assert result.exit_code == 0, result.output
    assert "train: 120 lines" in result.output
    return out


def test_crop_pad_is_the_detector_pipelines() -> None:
    from digitize.ocr.default import LINE_CROP_PAD

    assert lines.LINE_CROP_PAD == LINE_CROP_PAD


def test_split_seed_streams_are_disjoint() -> None:
    train = {lines.document_seed(1, "train", i) for i in range(2000)}
    held = {lines.document_seed(1, "heldout", i) for i in range(2000)}
    assert not train & held


def test_page_jobs_are_reproducible() -> None:
    assert [lines.page_job(3, "train", i) for i in range(20)] == [lines.page_job(3, "train", i) for i in range(20)]


def test_dataset_lines(dataset: Path) -> None:
    charset = default_charset()
    train_images, train_records = lines.load_split(dataset / "train")
    held_images, held_records = lines.load_split(dataset / "heldout")
    assert len(train_images) == 120 and len(held_images) == 40
    assert not {r["seed"] for r in train_records} & {r["seed"] for r in held_records}
    for image, record in zip(train_images + held_images, train_records + held_records, strict=True):
        assert image.dtype == np.uint8 and image.shape[0] == LINE_HEIGHT and image.shape[1] % 4 == 0
        assert record["text"] and encodable(record["text"], charset) == record["text"]
        assert record["condition"] and record["doc_type"] and record["kind"]
    meta = json.loads((dataset / "meta.json").read_text(encoding="utf-8"))
    assert meta["splits"]["train"]["lines"] == 120
    tsv = (dataset / "train" / "labels.tsv").read_text(encoding="utf-8").splitlines()
    assert len(tsv) == 120 and (dataset / "train" / tsv[0].split("\t")[0]).exists()


def test_jitter_keeps_the_line_roughly_in_place() -> None:
    quad = np.array([[100, 50], [400, 50], [400, 70], [100, 70]], dtype=np.float32)
    rng = np.random.default_rng(0)
    for _ in range(50):
        j = lines.jitter_quad(quad, rng)
        assert np.abs(j - quad).max() < 20 * 0.6
