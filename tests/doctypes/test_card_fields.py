"""Card extractors: the MRZ candidate, its second reading; the reference images."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.fields.mrz_repair import read_mrz
from digitize.model import FieldStatus
from digitize.ocr.base import create_backend
from digitize.synth import GENERATOR_VERSION

# The quick bench set, where `digitize bench --quick` has generated it (CI generates it after pytest).
REFERENCE_SET = Path(__file__).resolve().parents[2] / "bench-data" / f"quick-{GENERATOR_VERSION}"


def test_an_mrz_failing_its_checks_takes_the_second_readers_rows_that_check_out() -> None:
    from digitize.doctypes.card_fields import reread_mrz
    from digitize.layout.candidate import Candidate

    truth = ("IDVNM0848570707035084857070<<1", "8404073M2404071VNM<<<<<<<<<<<6", "NGUYEN<<DUY<PHONG<<<<<<<<<<<<<")
    first = ("IDVNM0848570707035084857070<<1", "8404073M2404071VNM<<<<<<<<<<<8", truth[2])  # composite misread
    cand = Candidate(path="mrz", value="\n".join(first), raw="\n".join(first), span=None, kind="none", valid=False)
    # The second reader gets rows 1-2 right but garbles the name: each row from the better reader.
    assert reread_mrz(cand, [[truth[0]], [truth[1]], ["GYEN<<DU<PHNG<<<<<<<<<<<<<<<<<"]])
    assert cand.value == "\n".join(truth) and cand.valid is True and cand.source == "mrz"
    # Rows that do not check out change nothing.
    other = Candidate(path="mrz", value="\n".join(first), raw="\n".join(first), span=None, kind="none", valid=False)
    assert not reread_mrz(other, [[first[0]], ["8404073M2404071VNM<<<<<<<<<<<9"], [truth[2]]])
    assert other.valid is False


def test_an_mrz_name_row_with_unknown_words_goes_to_review() -> None:
    from digitize.doctypes.card_fields import set_mrz_reading
    from digitize.layout.candidate import Candidate

    card = read_mrz("IDVNM1492866015004149286601<<9", "4910154F<<<<<<<VNM<<<<<<<<<<<8",
                    "NGUYEN<<DIEU<HOOOA<<<<<<<<<<<<")
    assert card is not None and card.valid and not card.name_known
    cand = Candidate(path="mrz", value=None, raw="", span=None, kind="none")
    set_mrz_reading(cand, card)
    assert cand.valid is True and cand.status == FieldStatus.NEEDS_REVIEW


@pytest.mark.skipif(not REFERENCE_SET.is_dir(), reason="reference set not available")
def test_reference_card_images_with_the_fake_backend() -> None:
    """Perfect OCR over the generated card images: the values must match the ground truth."""
    from digitize.bench.metrics import score_fields
    from digitize.pipeline import process_file

    settings = Settings(preprocess=False)
    backend = create_backend("fake", settings)
    by_condition: dict[str, Counter[str]] = {}
    for image in sorted(REFERENCE_SET.glob("*.jpg")):
        if not any(k in image.name for k in ("cccd", "can_cuoc", "cmnd")):
            continue
        truth = json.loads(image.with_suffix("").with_suffix(".gt.json").read_text(encoding="utf-8"))
        if truth["condition"] == "rotated":  # needs the image pipeline (not in this branch)
            continue
        doc = process_file(image, backend, settings)
        assert doc.loai_tai_lieu.value == truth["doc_type"], image.name
        outcomes = score_fields([f.model_dump() for f in doc.fields], truth["record"], truth.get("unreadable", []))
        tally = by_condition.setdefault(truth["condition"], Counter())
        for o in outcomes:
            if not o.spurious:
                tally["fields"] += 1
                tally["correct"] += int(o.correct)
                tally["wrong_unflagged"] += int(not o.correct and o.status in ("extracted",))
    steady = sum((by_condition.get(c, Counter()) for c in ("clean", "scan", "aged")), Counter())
    assert steady["fields"] >= 30 and steady["correct"] / steady["fields"] >= 0.95
    # Wrong values are flagged for review, not passed off as read.
    assert steady["wrong_unflagged"] <= 1
    # Phone photos and damaged cards are read without the image pipeline here (perspective
    # mixes rows): lower, but most values still right.
    everything = sum(by_condition.values(), Counter())
    assert everything["correct"] / everything["fields"] >= 0.8
