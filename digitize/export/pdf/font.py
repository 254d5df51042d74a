"""An embedded TrueType font for the invisible text layer (Type0 / CIDFontType2, Identity-H).

Characters get CIDs in the order they are first used (CID 0 is .notdef); a CIDToGIDMap
maps them to the font's glyphs, a ToUnicode CMap to the NFC code points, so text
extraction (pdftotext, copy and paste, search) returns exactly the Vietnamese text that
was written.  The font program is subset to the characters used, glyph ids kept.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
)
PDF_UNITS = 1000  # glyph space units per em in PDF width arrays
BFCHAR_CHUNK = 100  # at most 100 entries per beginbfchar block
FLAG_SYMBOLIC = 4
STEM_V = 80
# Characters of Vietnamese documents: one subset of them is made once per process and reused by every
# file whose text stays inside it (subsetting costs ~0.3 s); other text gets a subset of its own.
REPERTOIRE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xC0, 0x100)]
    + [chr(c) for c in range(0x1EA0, 0x1EFA)] + list("ĂăĐđĨĩŨũƠơƯư²³°±×–—‘’“”…•№")
)


def find_font() -> Path:
    """The first TrueType font with Vietnamese letters found among :data:`FONT_CANDIDATES`."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("no TrueType font for the text layer: install fonts-dejavu-core")


@dataclass(frozen=True)
class FontMetrics:
    """What the text layer needs from a font, read once per process: glyph ids, widths, vertical metrics."""

    gids: dict[int, int]  # code point -> glyph id
    widths: list[int]  # advance per glyph id, in 1/1000 em
    bbox: list[int]
    ascent: int
    descent: int
    cap_height: int


@lru_cache(maxsize=4)
def font_metrics(path: Path) -> FontMetrics:
    """The :class:`FontMetrics` of the TrueType font at ``path`` (cached)."""
    ttf = TTFont(str(path), lazy=True)
    scale = PDF_UNITS / int(ttf["head"].unitsPerEm)
    order = ttf.getGlyphOrder()
    gid_of_name = {name: gid for gid, name in enumerate(order)}
    gids = {code: gid_of_name.get(name, 0) for code, name in (ttf.getBestCmap() or {}).items()}
    hmtx = ttf["hmtx"]
    widths = [round(hmtx[name][0] * scale) for name in order]
    head, hhea = ttf["head"], ttf["hhea"]
    os2 = ttf.get("OS/2", None)
    cap_height = getattr(os2, "sCapHeight", 0) or hhea.ascent
    return FontMetrics(gids=gids, widths=widths,
                       bbox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
                       ascent=round(hhea.ascent * scale), descent=round(hhea.descent * scale),
                       cap_height=round(cap_height * scale))


@lru_cache(maxsize=8)
def subset_program(path: Path, chars: frozenset[str]) -> bytes:
    """The font program at ``path`` cut down to ``chars``, glyph ids kept (cached per process)."""
    font = TTFont(str(path))
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: nothing to keep
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class TextFont:
    """One font per output PDF: encode strings while writing pages, then :meth:`finish` embeds it."""

    def __init__(self, pdf: pikepdf.Pdf, path: Path | None = None) -> None:
        self.path = path or find_font()
        self.metrics = font_metrics(self.path)
        self.cids: dict[str, int] = {}
        self.object = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0))
        self.pdf = pdf

    def _gid(self, char: str) -> int:
        return self.metrics.gids.get(ord(char), 0)

    def _width(self, gid: int) -> int:
        return self.metrics.widths[gid] if gid < len(self.metrics.widths) else 0

    def encode(self, text: str) -> bytes:
        """``text`` as 2-byte CIDs (assigning new CIDs as needed)."""
        out = bytearray()
        for char in text:
            cid = self.cids.get(char)
            if cid is None:
                cid = self.cids[char] = len(self.cids) + 1
            out += cid.to_bytes(2, "big")
        return bytes(out)

    def text_width(self, text: str) -> float:
        """Width of ``text`` in 1/1000 em."""
        return float(sum(self._width(self._gid(c)) for c in text))

    def _subset_program(self) -> bytes:
        chars = frozenset(self.cids)
        return subset_program(self.path, REPERTOIRE if chars <= REPERTOIRE else chars)

    def _to_unicode(self) -> bytes:
        entries = [f"<{cid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for char, cid in self.cids.items()]
        blocks = []
        for start in range(0, len(entries), BFCHAR_CHUNK):
            chunk = entries[start:start + BFCHAR_CHUNK]
            blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
        return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                + "\n".join(blocks) + "\nendcmap\nCMapName currentdict /CMapName exch definefont pop\nend\nend\n"
                ).encode("ascii")

    def finish(self) -> None:
        """Embed the subset font program and fill the font dictionary (call once, after all pages)."""
        if not self.cids:
            self.cids[" "] = 1
        program = self._subset_program()
        tag = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256(program).digest()[:6])
        base = Name("/" + tag + "+" + self.path.stem.replace(" ", ""))
        m = self.metrics
        descriptor = self.pdf.make_indirect(Dictionary(
            Type=Name.FontDescriptor, FontName=base, Flags=FLAG_SYMBOLIC, FontBBox=Array(m.bbox),
            ItalicAngle=0, Ascent=m.ascent, Descent=m.descent, CapHeight=m.cap_height, StemV=STEM_V,
            FontFile2=self.pdf.make_stream(program, Length1=len(program)),
        ))
        ordered = sorted(self.cids.items(), key=lambda item: item[1])
        gid_map = bytearray(2)  # CID 0 -> GID 0
        widths = []
        for char, _cid in ordered:
            gid = self._gid(char)
            gid_map += gid.to_bytes(2, "big")
            widths.append(self._width(gid))
        cid_font = self.pdf.make_indirect(Dictionary(
            Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=base,
            CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                     Supplement=0),
            FontDescriptor=descriptor, DW=self._width(0), W=Array([1, Array(widths)]),
            CIDToGIDMap=self.pdf.make_stream(bytes(gid_map)),
        ))
        self.object.BaseFont = base
        self.object.Encoding = Name("/Identity-H")
        self.object.DescendantFonts = Array([cid_font])
        self.object.ToUnicode = self.pdf.make_stream(self._to_unicode())
