"""Certificate owners and issuing authority, which labels alone cannot express.

- extractor ``persons``: section I / 1 owners ("Ông: NGUYỄN VĂN AN, sinh năm: 1965, CMND
  số: ...", couples "Vợ: Bà: ...", households "Hộ ông: ...", old forms "Ông (bà):" with the
  name on the next row), their ID papers and their shared permanent address.
- extractor ``authority``: the issuing authority printed under the place/date line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digitize.fields.admin import convert_address
from digitize.fields.dateline import DATE_LINE
from digitize.fields.normalize import clean_text
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext, span_candidate
from digitize.layout.reading import Span, TextStream
from digitize.layout.values import normalize

# "Số định danh cá nhân" with 12 digits: a CCCD or a Căn cước, the certificate cannot tell which.
AMBIGUOUS_PAPER_EVIDENCE = 0.5
# The authority is printed in capitals: rows with a smaller share of upper-case letters are not it.
AUTHORITY_UPPER_SHARE = 0.8

# -- persons --------------------------------------------------------------------------------

_PERSON = re.compile(
    r"(?:^|\n|;)[\s_\-.~'\"“”|*•]*(?:(?P<role>(?:va\s*)?(?:vo|chong))\s*:?\s*)?(?P<household>ho\s*)?"
    r"(?P<title>ong|ba)(?P<both>\s*\(\s*ba\s*\)|\s*/\s*ba)?\s*:?[ \t]*"
)
_NAME_END = re.compile(r"[,;\n]|\s(?:sinh|nam\s*sinh|cccd|cmnd|can\s*cuoc|cmt|so\s*dinh\s*danh|dia\s*chi|ho\s*chieu)\b")
_BIRTH_YEAR = re.compile(r"(?:sinh\s*nam|nam\s*sinh)\s*:?\s*(?P<value>\d[\d\s]{2,5}\d)")
_BIRTH_DATE = re.compile(r"(?:sinh\s*ngay|ngay\s*sinh)\s*:?\s*(?P<value>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})")
_ID_PAPER = re.compile(
    r"(?P<kind>can\s*cuoc\s*cong\s*dan|can\s*cuoc|cccd|cmnd|cmt|giay\s*cmnd|chung\s*minh\s*nhan\s*dan"
    r"|so\s*dinh\s*danh(?:\s*ca\s*nhan)?|ho\s*chieu)\s*(?:so)?\s*:?\s*(?P<value>[0-9oOilI][0-9oOilI .]{7,16}[0-9oOilI])"
)
# "Địa chỉ thường trú:" also as OCR garbles its last words ("Địa chỉ tường rú:."): up to the colon.
_ADDRESS = re.compile(r"dia\s*chi(?:\s*thuong\s*tru|[^:\n\t]{0,14}:)?\s*[:.]*\s*")
_SECTION_END = re.compile(
    r"\n\s*(?:ii|2)\s*[.)]\s*(?:thua|thong\s*tin)|duoc\s*quyen\s*su\s*dung|\n\s*[a-z]{2}\s?\d{6,8}\s*(?:\n|$)"
    r"|\n\s*thua\s*(?:\n|dat\s*so)"
)


def _paper_kind(kind: str, digits: str) -> str:
    if kind.startswith("can cuoc cong dan") or kind == "cccd":
        return "CCCD"
    if kind.startswith("can cuoc"):
        return "Căn cước"
    if kind.startswith(("so dinh danh",)):
        return "CCCD" if len(digits) == 12 else "CMND"
    if kind.startswith("ho chieu"):
        return "Hộ chiếu"
    return "CMND"


@dataclass
class _Person:
    start: int  # stream index of the marker
    title: str | None  # "ong"/"ba" when the sex is told
    title_span: Span
    name_span: Span | None
    end: int = 0
    household: bool = False  # "Hộ ông/bà": the head of a household
    spouse_role: str | None = None  # "vo"/"chong" when printed


def _find_persons(stream: TextStream, begin: int, end: int) -> list[_Person]:
    folded = stream.folded
    people: list[_Person] = []
    for m in _PERSON.finditer(folded, begin, end):
        name_start = m.end()
        # "Ông (bà):" with the name on the next row (old certificates).
        if name_start < len(folded) and folded[name_start] == "\n":
            name_start += 1
        stop = _NAME_END.search(folded, name_start, end)
        name_end = stop.start() if stop else end
        name = stream.text[name_start:name_end].strip()
        words = name.split()
        if not (2 <= len(words) <= 7) or not all(w[:1].isupper() for w in words):
            continue
        role = (m.group("role") or "").replace(" ", "")
        title = None if m.group("both") else m.group("title")
        if role.endswith("vo"):
            title = "ba"
        elif role.endswith("chong"):
            title = "ong"
        people.append(_Person(m.start(), title, stream.span(m.start("title"), m.end("title")),
                              stream.span(name_start, name_start + len(name)),
                              household=bool(m.group("household")),
                              spouse_role="vo" if role.endswith("vo") else "chong" if role.endswith("chong") else None))
    for i, p in enumerate(people):
        p.end = people[i + 1].start if i + 1 < len(people) else end
    return people


def persons(ctx: ExtractContext) -> list[Candidate]:
    """Owners of section I (2009/2014), section 1 (2024) or the old form's "Ông (bà):"."""
    stream = ctx.stream
    folded = stream.folded
    section_end = _SECTION_END.search(folded)
    end = section_end.start() if section_end else len(folded)
    people = _find_persons(stream, 0, end)
    out: list[Candidate] = _legal_person(people, stream)
    pending_address: list[int] = []
    for i, person in enumerate(people):
        base = f"chu_su_dung[{i}]"
        assert person.name_span is not None
        name = normalize("name", person.name_span.text)
        if name is not None:
            out.append(Candidate(path=f"{base}.ho_ten", value=name.value, raw=clean_text(person.name_span.text),
                                 span=person.name_span, kind="text", normalizer="name",
                                 char_confidences=stream.char_confidences(person.name_span),
                                 reasons=name.reasons, evidence=name.score))
        if person.title:
            out.append(Candidate(path=f"{base}.gioi_tinh", value="Nam" if person.title == "ong" else "Nữ",
                                 raw=person.title_span.text, span=person.title_span, kind="none",
                                 char_confidences=stream.char_confidences(person.title_span),
                                 reasons=["from the title Ông/Bà"]))
        window_start = person.name_span.end
        address = _ADDRESS.search(folded, window_start, person.end)
        attr_end = address.start() if address else person.end
        for pattern, key, normalizer in ((_BIRTH_YEAR, "nam_sinh", "year"), (_BIRTH_DATE, "ngay_sinh", "date")):
            m = pattern.search(folded, window_start, attr_end)
            if m:
                span = stream.span(m.start("value"), m.end("value"))
                cand = span_candidate(ctx, f"{base}.{key}", span, normalizer, "digits")
                if cand:
                    out.append(cand)
        m = _ID_PAPER.search(folded, window_start, attr_end)
        if m:
            span = stream.span(m.start("value"), m.end("value"))
            number = span_candidate(ctx, f"{base}.so_giay_to", span, "id_number", "digits")
            if number is None:
                # Its label is there but the number is not a valid one as read: the second
                # reader reads it (unreadable, with its box, if it cannot either).
                out.append(Candidate(path=f"{base}.so_giay_to", value=None, raw=clean_text(span.text), span=span,
                                     kind="digits", normalizer="id_number",
                                     char_confidences=stream.char_confidences(span),
                                     reasons=["the first reader's number is not a valid one"]))
            if number:
                out.append(number)
                kind_span = stream.span(m.start("kind"), m.end("kind"))
                paper = Candidate(path=f"{base}.loai_giay_to", value=_paper_kind(m.group("kind"), number.value),
                                  raw=kind_span.text, span=kind_span, kind="none",
                                  char_confidences=stream.char_confidences(kind_span))
                if m.group("kind").startswith("so dinh danh") and len(str(number.value)) == 12:
                    # Both the chip CCCD and the 2024 Căn cước carry this number: the
                    # certificate does not say which card it is (the ID card in a dossier does).
                    paper.evidence = AMBIGUOUS_PAPER_EVIDENCE
                    paper.reasons.append("only the personal ID number is printed: CCCD or Căn cước "
                                         "cannot be told from the certificate")
                out.append(paper)
        pending_address.append(i)
        if address:
            value_start = address.end()
            value_end = _SECTION_END.search(folded, value_start)
            stop = min(person.end, value_end.start() if value_end else len(folded))
            # The address runs over at most three rows.
            rows_end = value_start
            for _ in range(3):
                nl = folded.find("\n", rows_end + 1)
                rows_end = len(folded) if nl < 0 else nl
            span = stream.span(value_start, min(stop, rows_end))
            for k in pending_address:
                cand = span_candidate(ctx, f"chu_su_dung[{k}].dia_chi_thuong_tru", span, "address", "text")
                if cand:
                    if k != i:
                        cand.reasons.append("address shared with the next person")
                    out.append(cand)
                    two_level = _two_level(cand)
                    if two_level is not None:
                        out.append(two_level)
            pending_address = []
    return out


def _legal_person(people: list[_Person], stream: TextStream) -> list[Candidate]:
    """Form 01's "Pháp nhân trên GCN" and each owner's "Vai trò", from how the owners are introduced."""
    if not people:
        return []
    if any(p.household for p in people):
        kind, roles = "Hộ gia đình", ["Chủ hộ" if p.household else "Thành viên" for p in people]
    elif len(people) == 1:
        kind, roles = "Cá nhân", ["Cá nhân"]
    elif len(people) == 2 and any(p.spouse_role for p in people):
        kind = "Vợ chồng"
        roles = [("Vợ" if p.spouse_role == "vo" or (p.spouse_role is None and p.title == "ba") else "Chồng")
                 for p in people]
    else:
        kind, roles = "Đồng sử dụng", ["Thành viên"] * len(people)
    # As sure as the reading of the titles it rests on.
    confs = [c for p in people for c in stream.char_confidences(p.title_span)]
    out = [Candidate(path="phap_nhan", value=kind, raw="", span=None, kind="none", source="derived",
                     valid=True, reasons=["from how the owners are introduced"], char_confidences=confs)]
    for i, (person, role) in enumerate(zip(people, roles, strict=True)):
        out.append(Candidate(path=f"chu_su_dung[{i}].vai_tro", value=role, raw=person.title_span.text,
                             span=person.title_span, kind="none", source="derived", valid=True,
                             char_confidences=stream.char_confidences(person.title_span)))
    return out


def _two_level(address: Candidate) -> Candidate | None:
    """The 2025 two-level form of an address candidate (never a guess for split wards)."""
    result = convert_address(str(address.value))
    path = address.path.replace("dia_chi_thuong_tru", "dia_chi_2_cap")
    if result.two_level is None:
        return None
    return Candidate(path=path, value=result.two_level, raw=address.raw, span=address.span, kind="none",
                     char_confidences=list(address.char_confidences), reasons=list(result.reasons),
                     evidence=min(address.evidence, result.score), source="derived")


# -- issuing authority -------------------------------------------------------------------------

_SIGNATURE_TITLE = re.compile(r"^\s*(?:kt\.?|tm\.?|tl\.?|q\.?)?\s*(?:pho\s*)?(?:chu\s*tich|giam\s*doc|truong)\b")
# "TM." / "KT." / "TL." / "Q." before the authority, also as OCR misreads them ("1M.", "IM,").
_AUTH_PREFIX = re.compile(r"^[\W_]*(?:tm|kt|tl|q|[1il|][mt])\s*[.:,\-]\s*")


_AUTHORITY_HEAD = re.compile(r"^[\W_]*(?:(?:tm|kt|[1il|][mt])[\W_]{1,3})?(?:uy\s*ban\b|so\s*(?:tai|nong)\s*ng"
                             r"|van\s*phong\s*dang|chi\s*nhanh\s*van)")


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


_TITLE_WORD = re.compile(r"^[\W_]*(?:kt|tm|tl|tuq|q)[\W_]*$|^[\W_]*(?:kt|tm|tl|tuq)[\W_]+\w")
_TITLE_PAIRS = (("chu", "tich"), ("giam", "doc"))


def without_signature_title(raw: str) -> str:
    """The authority without a signer's title read into the same row ('... HUYỆN Ý YÊN KT. CHỦ TỊCH').

    No authority name contains 'CHỦ TỊCH', 'GIÁM ĐỐC' or a 'KT.'/'TM.' mark after its first
    words, so everything from there on is the signature block; stray marks at the end go too.
    """
    words = raw.split()
    folded = [fold(w) for w in words]
    cut = len(words)
    for i in range(2, len(words)):
        joined = re.sub(r"[^a-z]", "", folded[i])
        following = re.sub(r"[^a-z]", "", folded[i + 1]) if i + 1 < len(words) else ""
        glued = any(joined == a + b for a, b in _TITLE_PAIRS)
        if _TITLE_WORD.match(folded[i]) or glued or any(
                joined.endswith(a) and following.startswith(b) for a, b in _TITLE_PAIRS):
            cut = i
            break
    if cut < len(words) and cut > 2 and re.sub(r"[^a-z]", "", folded[cut - 1]) == "pho" \
            and re.sub(r"[^a-z]", "", folded[cut - 2]) != "thanh":
        cut -= 1  # 'PHÓ CHỦ TỊCH' (but not 'THÀNH PHỐ')
    while cut < len(words) and cut > 2 and len(re.sub(r"[\W_]", "", words[cut - 1])) <= 1:
        cut -= 1  # a stray mark of the seal or signature before the title
    kept = " ".join(words[:cut])
    return re.sub(r"[\W_]+$", "", kept) or raw


def authority(ctx: ExtractContext) -> list[Candidate]:
    """The authority's name: the upper-case rows under the place/date line, TM./KT. prefixes dropped."""
    stream = ctx.stream
    m = DATE_LINE.search(stream.folded)
    date_lines = {li for li, _, _ in stream.span(m.start(), m.end()).pieces} if m else set()
    if date_lines:
        x0 = min(stream.lines[li].bbox()[0] for li in date_lines)
        x1 = max(stream.lines[li].bbox()[2] for li in date_lines)
        date_row = max(stream.row_of_line[li] for li in date_lines)
    else:
        # The date line is garbled beyond recognition: the signature block's own head
        # ("TM. ỦY BAN NHÂN DÂN ...", "SỞ TÀI NGUYÊN ..."), the lowest one on the page.
        heads = [i for i in range(len(stream.lines)) if _AUTHORITY_HEAD.match(stream.line_folded(i))
                 and _upper_share(stream.lines[i].text) >= AUTHORITY_UPPER_SHARE]
        if not heads:
            return []
        head = max(heads, key=lambda i: stream.lines[i].bbox()[1])
        hx0, _, hx1, _ = stream.lines[head].bbox()
        x0, x1 = hx0 - 0.2 * (hx1 - hx0), hx1 + 0.2 * (hx1 - hx0)
        date_row = stream.row_of_line[head] - 1
    parts: list[tuple[int, int]] = []  # (line index, first char) of authority rows
    row = date_row + 1
    while True:
        in_row = [i for i, r in enumerate(stream.row_of_line) if r == row]
        if not in_row:
            break
        # Only the lines of this row that sit in the date line's column.
        column = [i for i in in_row if stream.lines[i].bbox()[2] > x0 and stream.lines[i].bbox()[0] < x1]
        if not column:
            break
        text = " ".join(stream.lines[i].text for i in column)
        folded = " ".join(stream.line_folded(i) for i in column)
        if _SIGNATURE_TITLE.match(folded) or _upper_share(text) < AUTHORITY_UPPER_SHARE:
            break
        prefix = _AUTH_PREFIX.match(folded)
        for i in column:
            parts.append((i, prefix.end() if prefix and i == column[0] else 0))
        row += 1
        if len(parts) > 6:
            break
    if not parts:
        return []
    starts = [stream.line_start[i] + offset for i, offset in parts]
    ends = [stream.line_start[i] + len(stream.lines[i].text) for i, _ in parts]
    # Build the value from the pieces; the span covers them all for boxes and confidences.
    raw = " ".join(stream.text[a:b].strip() for a, b in zip(starts, ends, strict=True))
    span = stream.span(min(starts), max(ends))
    span = Span(span.start, span.end, raw,
                [(i, offset, len(stream.lines[i].text)) for i, offset in parts])
    raw = without_signature_title(raw)
    value = normalize("authority", raw)
    if value is None:
        return []
    return [Candidate(path="co_quan_cap", value=value.value, raw=raw, span=span, kind="text", normalizer="authority",
                      char_confidences=stream.char_confidences(span), reasons=list(value.reasons),
                      evidence=value.score)]


