"""Result types shared by the field normalisers and validators."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Check:
    """Outcome of one validation: ``ok`` is True, False, or None when it cannot tell.

    ``reasons`` say why in words a reviewer reads; they never quote personal data
    (names, ID numbers), only which part disagreed.
    """

    ok: bool | None
    reasons: list[str] = field(default_factory=list)

    @staticmethod
    def combine(checks: list[Check]) -> Check:
        """False if any is False, True if all are True, else None; reasons concatenated."""
        reasons = [r for c in checks for r in c.reasons]
        oks = [c.ok for c in checks]
        if any(o is False for o in oks):
            return Check(False, reasons)
        if oks and all(o is True for o in oks):
            return Check(True, reasons)
        return Check(None, reasons)


@dataclass(frozen=True)
class Correction:
    """A value after vocabulary correction: ``changed`` says whether it differs from the input.

    ``score`` in [0, 1] is how strongly the evidence supports ``value`` (1.0: exact
    vocabulary entry; ~0.9: diacritics restored from a unique entry; below 0.5: left as
    read because the evidence was weak or ambiguous).
    """

    value: str
    changed: bool
    score: float
    reasons: list[str] = field(default_factory=list)
