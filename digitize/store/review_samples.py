"""Reviewed fields as calibration samples: the engine's signals and whether its value was right.

The web app keeps each field's confidence signals (``field_signals``) when it saves a
document; a reviewer's first decision on the field says whether the engine's value was
right (``confirm``, or a correction to the same value) or wrong (any other correction,
``unreadable``, ``not_on_document``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from digitize.store.models import ReviewRow
from digitize.store.models_web import FieldSignals


def review_samples(session: Session, n_signals: int) -> tuple[list[list[float]], list[float], list[str]]:
    """(signals, right 1/0, field path) of every reviewed field whose signals were kept.

    Fields whose signals have another length than ``n_signals`` (another model version) or
    whose engine value was empty are left out.
    """
    signals = {(s.document_id, s.path): s for s in session.scalars(select(FieldSignals))}
    seen: set[tuple[int, str]] = set()
    xs: list[list[float]] = []
    ys: list[float] = []
    paths: list[str] = []
    for review in session.scalars(select(ReviewRow).order_by(ReviewRow.id)):
        key = (review.document_id, review.field_path)
        if key in seen:
            continue  # the first decision judges the engine; later ones judge a person
        seen.add(key)
        kept = signals.get(key)
        if kept is None or kept.value is None or len(kept.signals) != n_signals:
            continue
        right = review.action == "confirm" or (review.action == "correct" and review.new_value == kept.value)
        xs.append([float(v) for v in kept.signals])
        ys.append(1.0 if right else 0.0)
        paths.append(review.field_path)
    return xs, ys, paths
