"""Certificate structures that labels alone cannot express, and the certificate checks.

- ``persons``: section I / 1 owners ("Ông: NGUYỄN VĂN AN, sinh năm: 1965, CMND số: ...",
  couples "Vợ: Bà: ...", households "Hộ ông: ...", old forms "Ông (bà):" with the name on
  the next row), their ID papers and their shared permanent address.
- ``authority``: the issuing authority printed under the place/date line.
- ``old_table``: the parcel table of pre-2009 certificates (one row per parcel).
- check ``gcn``: land-use areas sum to the parcel area, serial format matches the
  generation, dates are plausible, ID numbers agree with birth years and sex.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from digitize.fields import idnumbers, landuse, validate
from digitize.fields.admin import convert_address
from digitize.fields.dateline import DATE_LINE as _DATE_LINE
from digitize.fields.normalize import clean_text
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext, check, extractor
from digitize.layout.reading import Span, TextStream, piece_polygon
from digitize.layout.regions import decode_region, qr_region_box
from digitize.layout.values import normalize

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


@extractor("persons")
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
                cand = _span_candidate(ctx, f"{base}.{key}", span, normalizer, "digits")
                if cand:
                    out.append(cand)
        m = _ID_PAPER.search(folded, window_start, attr_end)
        if m:
            span = stream.span(m.start("value"), m.end("value"))
            number = _span_candidate(ctx, f"{base}.so_giay_to", span, "id_number", "digits")
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
                    paper.evidence = 0.5
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
                cand = _span_candidate(ctx, f"chu_su_dung[{k}].dia_chi_thuong_tru", span, "address", "text")
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


def _span_candidate(ctx: ExtractContext, path: str, span: Span, normalizer: str, kind: str) -> Candidate | None:
    value = normalize(normalizer, span.text)
    if value is None:
        return None
    return Candidate(path=path, value=value.value, raw=clean_text(span.text), span=span, kind=kind,
                     normalizer=normalizer, char_confidences=ctx.stream.char_confidences(span),
                     reasons=list(value.reasons), evidence=value.score)


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


def _without_signature_title(raw: str) -> str:
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


@extractor("authority")
def authority(ctx: ExtractContext) -> list[Candidate]:
    """The authority's name: the upper-case rows under the place/date line, TM./KT. prefixes dropped."""
    stream = ctx.stream
    m = _DATE_LINE.search(stream.folded)
    date_lines = {li for li, _, _ in stream.span(m.start(), m.end()).pieces} if m else set()
    if date_lines:
        x0 = min(stream.lines[li].bbox()[0] for li in date_lines)
        x1 = max(stream.lines[li].bbox()[2] for li in date_lines)
        date_row = max(stream.row_of_line[li] for li in date_lines)
    else:
        # The date line is garbled beyond recognition: the signature block's own head
        # ("TM. ỦY BAN NHÂN DÂN ...", "SỞ TÀI NGUYÊN ..."), the lowest one on the page.
        heads = [i for i in range(len(stream.lines)) if _AUTHORITY_HEAD.match(stream.line_folded(i))
                 and _upper_share(stream.lines[i].text) >= 0.8]
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
        if _SIGNATURE_TITLE.match(folded) or _upper_share(text) < 0.8:
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
    raw = _without_signature_title(raw)
    value = normalize("authority", raw)
    if value is None:
        return []
    return [Candidate(path="co_quan_cap", value=value.value, raw=raw, span=span, kind="text", normalizer="authority",
                      char_confidences=stream.char_confidences(span), reasons=list(value.reasons),
                      evidence=value.score)]


# -- pre-2009 parcel table -------------------------------------------------------------------------

_COLUMNS = (
    # "Thửa" as OCR reads it ("Thủửa" folds to "thuua"), or the "đất số" under it
    ("so_thua", re.compile(r"\bthu\w{0,2}a\b|\bthua|\bdat\s*so\b"), "number_string", "digits"),
    ("so_to_ban_do", re.compile(r"to\W{0,2}ban|ban\s*do"), "number_string", "digits"),
    ("dien_tich", re.compile(r"dien\s*tich"), "area", "digits"),
    ("muc_dich_su_dung", re.compile(r"muc\s*dich"), "land_use", "text"),
    ("thoi_han_su_dung", re.compile(r"thoi\s*han"), "use_term", "text"),
    ("ghi_chu", re.compile(r"ghi\s*chu"), "text", "text"),
)
# The table ends at its total, the date line, the registry line, or the next numbered section.
_TABLE_END = re.compile(r"tong\s*dien\s*tich|,\s*n[a-z]{1,2}y\s*\S|vao\s*so|^\s*\.?\d\s*[.)]\s*[a-z]|:")
_TOKEN = re.compile(r"\S+")


def _token_centres(stream: TextStream, index: int) -> list[tuple[float, int, int]]:
    """(x centre, first char, end char) of each word of a line.

    A detector often reads a whole table row as one line; its words are placed by their
    share of the line's width, which is enough to tell table columns apart.
    """
    line = stream.lines[index]
    out = []
    for m in _TOKEN.finditer(line.text):
        quad = piece_polygon(line, m.start(), m.end())
        out.append(((quad[0][0] + quad[1][0]) / 2, m.start(), m.end()))
    return out


def _header_columns(stream: TextStream) -> tuple[dict[str, float], set[int]]:
    """Column centres from the table header: the row naming most columns, plus the row under it
    (header cells wrap: "Thửa / đất số"; a detector may read the whole header as one line)."""
    by_row: dict[int, dict[str, float]] = {}
    for i, line in enumerate(stream.lines):
        folded = stream.line_folded(i)
        if not folded or ":" in folded or any(c.isdigit() for c in folded):
            continue
        row = by_row.setdefault(stream.row_of_line[i], {})
        for key, pattern, _, _ in _COLUMNS:
            m = pattern.search(folded)
            if m and key not in row:
                quad = piece_polygon(line, m.start(), m.end())
                row[key] = (quad[0][0] + quad[1][0]) / 2
    if not by_row:
        return {}, set()
    best = max(by_row, key=lambda r: (len(by_row[r]), -r))
    centres = dict(by_row[best])
    rows = {best}
    for key, centre in by_row.get(best + 1, {}).items():
        centres.setdefault(key, centre)
        rows.add(best + 1)
    return centres, rows


_DATE_HEAD = re.compile(r"\d{1,2}\s*[/⁄.]\s*\d{0,2}\s*[/⁄.]?$")
_DATE_TAIL = re.compile(r"^[\d/⁄.]")


def _rejoin_split_date(stream: TextStream, cells: dict[str, list[tuple[int, int, int]]]) -> None:
    """A term's date that OCR broke with a space ("09⁄0 1/2048") can straddle the boundary of
    the next column; a date never spans two cells, so its tail goes back to the term."""
    term, note = cells.get("thoi_han_su_dung"), cells.get("ghi_chu")
    if not term or not note:
        return
    last = term[-1]
    first = note[0]
    if _DATE_HEAD.search(stream.lines[last[0]].text[last[1]:last[2]]) and _DATE_TAIL.match(
            stream.lines[first[0]].text[first[1]:first[2]]):
        term.append(note.pop(0))
        if not note:
            del cells["ghi_chu"]


@extractor("parcel_table")
def parcel_table(ctx: ExtractContext) -> list[Candidate]:
    """Rows of a ruled parcel table (old forms; 2009/2014 page 2 with several farm parcels).

    Columns are told by the x positions of their header words; each word of a body row
    goes to the nearest column; body rows are those whose parcel-number column holds a
    number, up to the total line, the date line or the next section.  Attributes printed
    once above the table (address, use form, origin) are shared by every parcel listed.
    """
    stream = ctx.stream
    centres, header_rows = _header_columns(stream)
    if len(centres) < 3 or "so_thua" not in centres:
        return []
    ordered = sorted((c, key) for key, c in centres.items())
    out: list[Candidate] = []
    parcel = 0
    for row in sorted({r for r in stream.row_of_line if r > max(header_rows)}):
        members = [i for i, r in enumerate(stream.row_of_line) if r == row and stream.lines[i].text]
        if _TABLE_END.search(" ".join(stream.line_folded(i) for i in members)):
            break
        cells: dict[str, list[tuple[int, int, int]]] = {}
        for i in members:
            for centre, a, b in _token_centres(stream, i):
                key = min(ordered, key=lambda ck: abs(ck[0] - centre))[1]
                cells.setdefault(key, []).append((i, a, b))
        number = cells.get("so_thua", [])
        if not number or not any(c.isdigit() for i, a, b in number for c in stream.lines[i].text[a:b]):
            continue  # a wrapped header row or a note, not a parcel
        _rejoin_split_date(stream, cells)
        base = f"thua_dat[{parcel}]"
        for key, _, normalizer, kind in _COLUMNS:
            pieces = cells.get(key)
            if not pieces:
                continue
            text = " ".join(stream.lines[i].text[a:b] for i, a, b in pieces)
            first, last = pieces[0], pieces[-1]
            span = Span(stream.line_start[first[0]] + first[1], stream.line_start[last[0]] + last[2], text, pieces)
            path = f"{base}.{key}" if key != "ghi_chu" else "ghi_chu"
            cand = _span_candidate(ctx, path, span, normalizer, kind)
            if cand is None and key != "ghi_chu" and clean_text(text):
                # The cell holds something that is not a value ("C799."): its own crop is
                # re-read by the second reader, and stays unreadable if that fails too.
                cand = Candidate(path=path, value=None, raw=clean_text(text), span=span, kind=kind,
                                 normalizer=normalizer, char_confidences=stream.char_confidences(span),
                                 reasons=["the first reader's text is not a valid value"])
            if cand:
                cand.reasons.append("read from the parcel table")
                out.append(cand)
        parcel += 1
    return out


_SHARED_PARCEL_KEYS = ("dia_chi", "hinh_thuc_su_dung", "nguon_goc_su_dung")


@check("shared_parcel_attributes")
def shared_parcel_attributes(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """Attributes printed once above a parcel table belong to every parcel in it."""
    parcels = _parcel_indices(cands)
    if len(parcels) < 2:
        return
    for key in _SHARED_PARCEL_KEYS:
        first = cands.get(f"thua_dat[0].{key}")
        if first is None or first.value is None:
            continue
        for j in parcels[1:]:
            path = f"thua_dat[{j}].{key}"
            if path not in cands:
                shared = copy.copy(first)
                shared.path = path
                shared.reasons = [*first.reasons, "printed once for every parcel of the table"]
                cands[path] = shared


_INTEGER = re.compile(r"^\s*\d{1,5}[a-zA-Z]?\s*$")
_DECIMAL = re.compile(r"^\s*\d{1,3}(?:\.\d{3})*,\d{1,2}\s*$")
_SKETCH_END = re.compile(r"bang\s*ke\s*toa\s*do|he\s*toa\s*do|so\s*hieu\s*diem")


@extractor("sketch")
def sketch(ctx: ExtractContext) -> list[Candidate]:
    """The parcel label of a sketch page: its number written over its area ("1404" over "65,3").

    Only above the corner-coordinate table; edge lengths and point numbers sit side by
    side, never one centred over the other.
    """
    stream = ctx.stream
    if not re.search(r"so\s*do\s*thua\s*dat", stream.folded):
        return []
    limit = _SKETCH_END.search(stream.folded)
    limit_y = float("inf")
    if limit:
        pieces = stream.span(limit.start(), limit.end()).pieces
        if pieces:
            limit_y = stream.lines[pieces[0][0]].bbox()[1]
    best: tuple[float, int, int] | None = None
    for i, top in enumerate(stream.lines):
        if not _INTEGER.match(top.text) or top.bbox()[3] > limit_y:
            continue
        tx0, ty0, tx1, ty1 = top.bbox()
        height = ty1 - ty0
        for j, bottom in enumerate(stream.lines):
            if j == i or not _DECIMAL.match(bottom.text):
                continue
            bx0, by0, bx1, _ = bottom.bbox()
            centred = abs((tx0 + tx1) / 2 - (bx0 + bx1) / 2) < 0.6 * max(bx1 - bx0, tx1 - tx0)
            below = 0 <= by0 - ty1 < 1.5 * height
            if centred and below:
                digits = len(top.text.strip())
                if best is None or digits > best[0]:
                    best = (digits, i, j)
    if best is None:
        return []
    _, i, j = best
    out = []
    for index, key, normalizer in ((i, "so_thua", "number_string"), (j, "dien_tich", "area")):
        start = stream.line_start[index]
        span = stream.span(start, start + len(stream.lines[index].text))
        cand = _span_candidate(ctx, f"thua_dat[0].{key}", span, normalizer, "digits")
        if cand:
            cand.reasons.append("read from the parcel sketch")
            out.append(cand)
    return out


# -- checks ----------------------------------------------------------------------------------------

def _parcel_indices(cands: dict[str, Candidate]) -> list[int]:
    found = {int(m.group(1)) for p in cands for m in [re.match(r"thua_dat\[(\d+)\]", p)] if m}
    return sorted(found)


@check("gcn")
def gcn_checks(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """Cross-field checks of a certificate page; each confirms or contradicts the values it reads."""
    doc_type = ctx.page.doc_type.value if ctx.page.doc_type else None
    serial = cands.get("so_phat_hanh")
    if serial is not None and serial.value is not None:
        result = validate.check_serial_generation(serial.value, doc_type)
        _apply(serial, result)
    issued = cands.get("ngay_cap")
    if issued is not None and issued.value is not None:
        _apply(issued, validate.check_issue_date(issued.value))
    _place_of_issue_against_authority(cands)
    registry = cands.get("so_vao_so")
    if registry is not None and registry.value is not None:
        _apply(registry, validate.check_registry_number(registry.value))
    for j in _parcel_indices(cands):
        total = cands.get(f"thua_dat[{j}].dien_tich")
        uses = cands.get(f"thua_dat[{j}].muc_dich_su_dung")
        if uses is None or not isinstance(uses.value, list):
            continue
        parts = [u.get("dien_tich") for u in uses.value if isinstance(u, dict)]
        if total is not None and parts and all(p is not None for p in parts):
            _area_reading_that_adds_up(total, parts)
        if total is not None and len(parts) > 1 and all(p is not None for p in parts):
            result = validate.check_area_sum(total.value, parts)
            _apply(total, result)
            _apply(uses, result)
        # Old certificates print no parcel address: the owner's address tells rural or urban.
        address = cands.get(f"thua_dat[{j}].dia_chi") or cands.get("chu_su_dung[0].dia_chi_thuong_tru")
        if address is not None and isinstance(uses.value, list):
            _resolve_residential_codes(uses, str(address.value))
    for key, cand in cands.items():
        m = re.fullmatch(r"(chu_su_dung\[\d+\])\.so_giay_to", key)
        if not m or cand.value is None:
            continue
        base = m.group(1)
        year = cands.get(f"{base}.nam_sinh")
        sex = cands.get(f"{base}.gioi_tinh")
        if len(str(cand.value)) == 12:
            result = idnumbers.check_cccd(str(cand.value), birth_year=year.value if year else None,
                                          sex=sex.value if sex else None)
            _apply(cand, result)
            if year is not None and result.ok is True:
                year.confirm("agrees with the ID number's birth year")
        elif len(str(cand.value)) == 9:
            _apply(cand, validate.check_cmnd(cand.value))


def _place_of_issue_against_authority(cands: dict[str, Candidate]) -> None:
    """The date line's place is, on district-issued certificates, the place the authority names
    ("ỦY BAN NHÂN DÂN HUYỆN AN LÃO" above "An Lão, ngày ..."): agreement confirms it, and a
    place missing from the gazetteer within two letters of it is that place."""
    from digitize.fields.admin import correct_unit_name
    from digitize.layout.values import authority_place

    place, authority = cands.get("noi_cap"), cands.get("co_quan_cap")
    if place is None or authority is None or not isinstance(place.value, str) \
            or not isinstance(authority.value, str):
        return
    named = authority_place(authority.value)
    if named is None:
        return
    named = " ".join(w[:1] + w[1:].lower() for w in named.split())
    if fold(place.value) == fold(named):
        place.confirm("the issuing authority names the same place")
        return
    known = any(correct_unit_name(place.value, level).score >= 1.0 for level in ("province", "district"))
    from rapidfuzz.distance import Levenshtein

    if not known and Levenshtein.distance(fold(place.value), fold(named), score_cutoff=3) <= 2:
        place.alternatives.append(place.value)
        place.value = named
        place.evidence = min(place.evidence, 0.7)
        place.reasons.append("place not in the gazetteer: the one the issuing authority names")


def _area_reading_that_adds_up(total: Candidate, parts: list[object]) -> None:
    """Of the two readers' parcel areas, the one the land-use areas add up to."""
    if total.value is None or not total.alternatives:
        return
    if validate.check_area_sum(total.value, parts).ok is not False:
        return
    for alternative in total.alternatives:
        if validate.check_area_sum(alternative, parts).ok is True:
            total.alternatives = [total.value, *[a for a in total.alternatives if a != alternative]]
            total.value = alternative
            total.reasons.append("the other reader's area is the one the land-use areas add up to")
            return


@check("gcn_qr")
def gcn_qr(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """The 2024 certificate's QR (top right) against the printed code and serial.

    Its payload format is not public, so it only confirms or contradicts values it visibly
    carries, and fills the certificate code when OCR missed it and the QR holds exactly one.
    """
    from digitize.fields.qr import parse_gcn_qr

    region = qr_region_box(ctx.page, 0.35, 0.25)
    if region is None:
        return
    decoded = decode_region(ctx.page, region)
    if not decoded:
        return
    payload, box = decoded[0]
    parsed = parse_gcn_qr(payload)
    code = cands.get("ma_gcn")
    codes = parsed.get("ma_gcn_candidates") or []
    if code is not None and code.value is not None and codes:
        if code.value in codes:
            code.confirm("matches the QR code")
            code.readers += 1
        else:
            code.invalidate("differs from the QR code")
    elif code is None and len(codes) == 1:
        cands["ma_gcn"] = Candidate(path="ma_gcn", value=codes[0], raw=payload[:60], span=None, kind="none",
                                    box=box, valid=True, source="qr", reasons=["read from the QR code"])
    serial = cands.get("so_phat_hanh")
    if serial is not None and serial.value is not None and parsed.get("serial"):
        if parsed["serial"] == serial.value:
            serial.confirm("matches the QR code")
            serial.readers += 1
        else:
            serial.invalidate("differs from the QR code")


def _apply(cand: Candidate, result: validate.Check) -> None:
    if result.ok is True:
        cand.confirm()
        cand.reasons.extend(result.reasons)
    elif result.ok is False:
        for reason in result.reasons or ["failed validation"]:
            cand.invalidate(reason)


def _resolve_residential_codes(uses: Candidate, parcel_address: str) -> None:
    """'Thổ cư' / 'đất ở' give ONT or ODT once the parcel address says rural or urban."""
    urban = landuse.urban_from_address(parcel_address)
    if urban is None:
        return
    for item in uses.value:
        if not isinstance(item, dict):
            continue
        match = landuse.land_use_code(str(item.get("ten", "")), urban=urban)
        if match is not None and match.code != item.get("ma"):
            item["ma"] = match.code
            uses.reasons.extend(match.reasons)

