"""The registry number found beside its label when the label's own value is not one.

"Số vào sổ cấp GCN: CS 78287" is one printed line, but the number is often written by hand
(slanted, a little above or below the printed baseline), and a line detector then returns the
label and the number as two lines in different rows.  The template takes the text after the
label in reading order, which may be the next row's line (the serial "KY 04419265" under it).
This extractor, used only when the template's value is not a registry number, looks at the
lines beside the label (its own row and the rows just above and below, to its right) for a
value of the registry number's shape (prefix + digits, or the old book's formula).
"""

from __future__ import annotations

import re

from digitize.fields.normalize import clean_text
from digitize.fields.registry_number import registry_problems
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.template import locate
from digitize.layout.values import normalize

_LABEL = re.compile(r"so\s*vao\s*so")
# How far (in label heights, centre to centre) a handwritten number may sit above or below
# its printed label's line and still be that label's value (a slanted hand, a raised baseline).
MAX_ROW_OFFSET = 1.5
# Evidence of a number found beside the label rather than after it in reading order.
BESIDE_LABEL_EVIDENCE = 0.8


def _is_registry(text: str) -> str | None:
    found = normalize("registry", text)
    if found is None or not isinstance(found.value, str) or registry_problems(found.value):
        return None
    return found.value


def registry_beside_label(ctx: ExtractContext) -> list[Candidate]:
    """``so_vao_so`` from a line beside its label, when the template's value is not a registry number."""
    spec = next((f for f in ctx.template.fields if f.path == "so_vao_so"), None)
    if spec is None or any(_is_registry(lv.value.text) for lv in locate(ctx.stream, ctx.template, spec)):
        return []
    stream = ctx.stream
    labels = [i for i in range(len(stream.lines)) if _LABEL.search(stream.line_folded(i))]
    best: tuple[float, int] | None = None
    for li in labels:
        lx0, ly0, lx1, ly1 = stream.lines[li].bbox()
        height = max(1.0, ly1 - ly0)
        centre = (ly0 + ly1) / 2
        for j, line in enumerate(stream.lines):
            if j == li:
                continue
            x0, y0, _x1, y1 = line.bbox()
            offset = abs((y0 + y1) / 2 - centre) / height
            if offset > MAX_ROW_OFFSET or x0 < lx0 + 0.5 * (lx1 - lx0):
                continue
            if _is_registry(line.text) is None:
                continue
            dist = offset + max(0.0, x0 - lx1) / (10 * height)
            if best is None or dist < best[0]:
                best = (dist, j)
    if best is None:
        return []
    j = best[1]
    start = stream.line_start[j]
    span = stream.span(start, start + len(stream.lines[j].text))
    value = _is_registry(span.text)
    if value is None:
        return []
    return [Candidate(path="so_vao_so", value=value, raw=clean_text(span.text), span=span, kind="digits",
                      normalizer="registry", char_confidences=stream.char_confidences(span),
                      reasons=["registry number found beside its label (handwritten off the printed line)"],
                      evidence=BESIDE_LABEL_EVIDENCE)]
