"""fields stage: normalise, validate and correct field values (pure functions).

Modules (import what you need; none imports OCR models, ``admin`` reads its gazetteer on
first use):

* ``normalize`` - text cleaning, dates, areas, serials, registry and parcel numbers.
* ``vietnamese`` - syllable checks, tone-mark keys, vocabulary and name correction.
* ``landuse`` - Circular 08/2024 land-use codes, multi-use values, form / term / origin.
* ``admin`` - old three-level addresses -> 2025 two-level units; unit-name gazetteer.
* ``idnumbers`` - CCCD / CMND structure; ``mrz`` - TD1 MRZ; ``qr`` - QR decoding.
* ``validate`` - plausibility checks returning :class:`~digitize.fields.result.Check`.
"""

from digitize.fields.result import Check, Correction

__all__ = ["Check", "Correction"]
