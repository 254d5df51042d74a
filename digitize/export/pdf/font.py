"""An embedded TrueType font for the invisible text layer (Type0 / CIDFontType2, Identity-H).

Characters get CIDs in the order they are first used (CID 0 is .notdef); a CIDToGIDMap
maps them to the font's glyphs, a ToUnicode CMap to the NFC code points, so text
extraction (pdftotext, copy and paste, search) returns exactly the Vietnamese text that
was written.  The font program is subset to the characters used, glyph ids kept.
"""

from __future__ import annotations

import hashlib
import io
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


def find_font() -> Path:
    """The first TrueType font with Vietnamese letters found among :data:`FONT_CANDIDATES`."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("no TrueType font for the text layer: install fonts-dejavu-core")


class TextFont:
    """One font per output PDF: encode strings while writing pages, then :meth:`finish` embeds it."""

    def __init__(self, pdf: pikepdf.Pdf, path: Path | None = None) -> None:
        self.path = path or find_font()
        self.ttf = TTFont(str(self.path), lazy=True)
        self.cmap = self.ttf.getBestCmap() or {}
        self.units_per_em = int(self.ttf["head"].unitsPerEm)
        self.hmtx = self.ttf["hmtx"]
        self.glyph_order = self.ttf.getGlyphOrder()
        self.gid_of_name = {name: gid for gid, name in enumerate(self.glyph_order)}
        self.cids: dict[str, int] = {}
        self.object = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0))
        self.pdf = pdf

    def _gid(self, char: str) -> int:
        name = self.cmap.get(ord(char))
        return self.gid_of_name.get(name, 0) if name else 0

    def _width(self, gid: int) -> int:
        advance = self.hmtx[self.glyph_order[gid]][0]
        return round(advance * PDF_UNITS / self.units_per_em)

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
        font = TTFont(str(self.path))
        options = subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.layout_features = []
        options.hinting = False
        options.name_IDs = ["*"]
        options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: nothing to keep
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in self.cids])
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        return buffer.getvalue()

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
        scale = PDF_UNITS / self.units_per_em
        head, hhea = self.ttf["head"], self.ttf["hhea"]
        os2 = self.ttf.get("OS/2", None)
        cap_height = getattr(os2, "sCapHeight", 0) or hhea.ascent
        descriptor = self.pdf.make_indirect(Dictionary(
            Type=Name.FontDescriptor, FontName=base, Flags=FLAG_SYMBOLIC,
            FontBBox=Array([round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]),
            ItalicAngle=0, Ascent=round(hhea.ascent * scale), Descent=round(hhea.descent * scale),
            CapHeight=round(cap_height * scale), StemV=STEM_V,
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
