"""The 2024 certificate serial found by its shape anywhere on the page.

On real 2024 certificates the serial ("AA 02471936": 2 letters + 8 digits) is printed in
large black type at the bottom left, above the centred foot line, with no label; a line
detector often joins it to a neighbouring line or reads a space into its digits, so the
template's "alone on its line" pattern misses it.  This extractor looks for the shape in
every line, prefers the bottom-left region where the form prints it, and is used only when
the template's own search finds nothing.
"""

from __future__ import annotations

import re

from digitize.fields.normalize import clean_text
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.template import locate
from digitize.layout.values import normalize

# 2 capital letters, then 8 digits with spaces tolerated between them ("AA 0247 1936"); not
# part of a longer code (the 12-digit certificate code, an ID number).
SERIAL_2024 = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\s?(?:\d\s?){7}\d(?![\d])")
# Where the form prints it: the left part of the page, in its lower part (fractions of the
# text's extent).
BOTTOM_LEFT_MAX_X = 0.5
BOTTOM_LEFT_MIN_Y = 0.55
# Evidence of a serial found by its shape: in the printed region, and elsewhere on the page.
IN_REGION_EVIDENCE = 0.9
ELSEWHERE_EVIDENCE = 0.7


def _extent(ctx: ExtractContext) -> tuple[float, float, float, float] | None:
    boxes = [ln.bbox() for ln in ctx.stream.lines if ln.polygon]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _in_bottom_left(ctx: ExtractContext, line_index: int, extent: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = ctx.stream.lines[line_index].bbox()
    ex0, ey0, ex1, ey1 = extent
    width, height = max(1.0, ex1 - ex0), max(1.0, ey1 - ey0)
    return ((x0 + x1) / 2 - ex0) / width < BOTTOM_LEFT_MAX_X and ((y0 + y1) / 2 - ey0) / height > BOTTOM_LEFT_MIN_Y


def serial_by_shape(ctx: ExtractContext) -> list[Candidate]:
    """``so_phat_hanh`` by its 2 + 8 shape anywhere, bottom left first, when its pattern finds nothing."""
    spec = next((f for f in ctx.template.fields if f.path == "so_phat_hanh"), None)
    if spec is not None and any(normalize(spec.normalizer, lv.value.text) is not None
                                for lv in locate(ctx.stream, ctx.template, spec)):
        return []
    extent = _extent(ctx)
    stream = ctx.stream
    found: list[tuple[bool, int, int]] = []  # (in region, start, end) on the stream
    for m in SERIAL_2024.finditer(stream.text):
        li = stream.line_of_char[m.start()]
        if li < 0 or stream.line_of_char[m.end() - 1] != li:
            continue  # a serial never runs across two detected lines
        found.append((extent is not None and _in_bottom_left(ctx, li, extent), m.start(), m.end()))
    if not found:
        return []
    found.sort(key=lambda f: (not f[0], -f[1]))  # in the region first, then the lowest on the page
    in_region, start, end = found[0]
    span = stream.span(start, end)
    value = normalize("serial", span.text)
    if value is None:
        return []
    where = "at the bottom left, where the form prints it" if in_region else "elsewhere on the page"
    return [Candidate(path="so_phat_hanh", value=value.value, raw=clean_text(span.text), span=span, kind="digits",
                      normalizer="serial", char_confidences=stream.char_confidences(span),
                      reasons=[f"serial found by its shape (2 letters + 8 digits) {where}"],
                      evidence=IN_REGION_EVIDENCE if in_region else ELSEWHERE_EVIDENCE)]
