"""Image preprocessing: find, rectify, orient, deskew, even out, drop colours, assess.

Public entry point: :func:`preprocess` (a Page in, a list of Pages out: two facing pages
in one photo become two).  Stage functions live in their own modules and can be used
alone: :func:`find_document_quad`, :func:`detect_orientation`, :func:`estimate_skew`,
:func:`flatten_illumination`, :func:`drop_colours`, :func:`damage_mask`,
:func:`assess_quality`.  Importing this package does not load any model.
"""

from digitize.preprocess.crop import find_document_quad, page_size, rectify_matrix
from digitize.preprocess.damage import damage_mask, damaged_fraction_in
from digitize.preprocess.deskew import estimate_skew
from digitize.preprocess.dropout import drop_colours
from digitize.preprocess.enhance import flatten_illumination
from digitize.preprocess.orient import analyse_orientation, detect_orientation
from digitize.preprocess.pipeline import PreprocessSettings, preprocess, report
from digitize.preprocess.quality import assess_quality

__all__ = [
    "PreprocessSettings",
    "analyse_orientation",
    "assess_quality",
    "damage_mask",
    "damaged_fraction_in",
    "detect_orientation",
    "drop_colours",
    "estimate_skew",
    "find_document_quad",
    "flatten_illumination",
    "page_size",
    "preprocess",
    "rectify_matrix",
    "report",
]
