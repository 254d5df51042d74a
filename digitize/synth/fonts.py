"""Font discovery for the synthetic documents.

Fonts come from Debian packages (see docs/synth.md); every family is checked for
Vietnamese coverage at first use so that a missing glyph never renders as a box.
Families that lack a file on this machine are skipped; the first family of each role
(Liberation Serif for print) must exist.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

# Every Vietnamese letter that may appear (upper and lower case), plus the superscript 2.
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệ"
    "ỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ²"
)

_ROOTS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")

# role -> family -> style -> relative path under one of _ROOTS
FAMILIES: dict[str, dict[str, dict[str, str]]] = {
    "serif": {
        "liberation": {
            "regular": "liberation2/LiberationSerif-Regular.ttf",
            "bold": "liberation2/LiberationSerif-Bold.ttf",
            "italic": "liberation2/LiberationSerif-Italic.ttf",
            "bolditalic": "liberation2/LiberationSerif-BoldItalic.ttf",
        },
        "freeserif": {
            "regular": "freefont/FreeSerif.ttf",
            "bold": "freefont/FreeSerifBold.ttf",
            "italic": "freefont/FreeSerifItalic.ttf",
            "bolditalic": "freefont/FreeSerifBoldItalic.ttf",
        },
        "notoserif": {
            "regular": "noto/NotoSerif-Regular.ttf",
            "bold": "noto/NotoSerif-Bold.ttf",
            "italic": "noto/NotoSerif-Italic.ttf",
            "bolditalic": "noto/NotoSerif-BoldItalic.ttf",
        },
        "dejavuserif": {
            "regular": "dejavu/DejaVuSerif.ttf",
            "bold": "dejavu/DejaVuSerif-Bold.ttf",
            "italic": "dejavu/DejaVuSerif-Italic.ttf",
            "bolditalic": "dejavu/DejaVuSerif-BoldItalic.ttf",
        },
    },
    "sans": {
        "liberationsans": {
            "regular": "liberation2/LiberationSans-Regular.ttf",
            "bold": "liberation2/LiberationSans-Bold.ttf",
            "italic": "liberation2/LiberationSans-Italic.ttf",
            "bolditalic": "liberation2/LiberationSans-BoldItalic.ttf",
        },
        "notosans": {
            "regular": "noto/NotoSans-Regular.ttf",
            "bold": "noto/NotoSans-Bold.ttf",
            "italic": "noto/NotoSans-Italic.ttf",
            "bolditalic": "noto/NotoSans-BoldItalic.ttf",
        },
        "freesans": {
            "regular": "freefont/FreeSans.ttf",
            "bold": "freefont/FreeSansBold.ttf",
            "italic": "freefont/FreeSansOblique.ttf",
            "bolditalic": "freefont/FreeSansBoldOblique.ttf",
        },
        "dejavusans": {
            "regular": "dejavu/DejaVuSans.ttf",
            "bold": "dejavu/DejaVuSans-Bold.ttf",
            "italic": "dejavu/DejaVuSans-Oblique.ttf",
            "bolditalic": "dejavu/DejaVuSans-BoldOblique.ttf",
        },
    },
    # Handwriting: no Debian handwriting font covers Vietnamese tone marks, so these are
    # used only for ASCII text (registry numbers, digits of dates); Vietnamese handwriting
    # is simulated from an italic/oblique font with per-glyph jitter (see canvas.py).
    "hand": {
        "dancing": {"regular": "dancingscript/DancingScript-Regular.otf"},
        "kaushan": {"regular": "kaushanscript/KaushanScript-Regular.otf"},
        "dkg": {"regular": "fifthhorseman/dkg.ttf"},
        "humor": {"regular": "humor-sans/Humor-Sans.ttf"},
        "comicneue": {"regular": "comic-neue/ComicNeue-Italic.otf"},
    },
    "hand_vi": {
        "freeserif_italic": {"regular": "freefont/FreeSerifItalic.ttf"},
        "dejavusans_oblique": {"regular": "dejavu/DejaVuSans-Oblique.ttf"},
        "notosans_italic": {"regular": "noto/NotoSans-Italic.ttf"},
        "liberation_italic": {"regular": "liberation2/LiberationSerif-Italic.ttf"},
    },
    "mono": {
        "ocrb": {"regular": "ocr-b/OCRB.otf"},
        "liberationmono": {"regular": "liberation2/LiberationMono-Regular.ttf"},
        "dejavumono": {"regular": "dejavu/DejaVuSansMono.ttf"},
    },
}

# Roles whose fonts must render every Vietnamese letter.
_NEEDS_VIETNAMESE = {"serif", "sans", "hand_vi"}


def find_file(rel: str) -> Path | None:
    """The installed file for a path relative to the system font folders, or None."""
    for root in _ROOTS:
        p = Path(root) / rel
        if p.is_file():
            return p
    return None


@cache
def covers(path: str, text: str) -> bool:
    """True when the font file has a glyph for every character of ``text``."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(c) in cmap for c in text if not c.isspace())


@cache
def families(role: str) -> tuple[str, ...]:
    """Installed families of a role, in preference order (Vietnamese-checked where needed).

    Raises RuntimeError when none is installed; see :func:`available` for a soft check.
    """
    out = available(role)
    if not out:
        raise RuntimeError(f"no installed font for role {role!r}; see docs/synth.md for the Debian packages")
    return out


@cache
def available(role: str) -> tuple[str, ...]:
    """Installed families of a role (possibly none)."""
    out = []
    for fam, styles in FAMILIES[role].items():
        p = find_file(styles["regular"])
        if p is None:
            continue
        if role in _NEEDS_VIETNAMESE and not covers(str(p), VIETNAMESE_LETTERS):
            continue
        out.append(fam)
    return tuple(out)


@cache
def font_path(role: str, family: str, style: str = "regular") -> str:
    """Path of a family's style, falling back to its regular face."""
    styles = FAMILIES[role][family]
    p = find_file(styles.get(style, styles["regular"])) or find_file(styles["regular"])
    if p is None:
        raise RuntimeError(f"font {family}/{style} not installed")
    return str(p)


@lru_cache(maxsize=512)
def load(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A cached Pillow font object."""
    return ImageFont.truetype(path, max(4, int(size_px)))
