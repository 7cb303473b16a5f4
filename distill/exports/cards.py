"""Quote cards: a PNG (1200×630, the size link previews use) of one insight, answer, takeaway,
highlight or a summary's TL;DR, with its title, channel and time; drawn with Pillow.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core); an insight's emoji in Noto Color Emoji
(fonts-noto-color-emoji) where that font is installed, else left out. Every text is untrusted:
control and direction-override characters are dropped, and a text too long for the card is
shortened with an ellipsis rather than overflowing it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from distill.errors import DistillError
from distill.exports.markdown import plain_line

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/local/share/fonts/dejavu"),  # FreeBSD
)
EMOJI_FONTS = (
    Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/noto/NotoColorEmoji.ttf"),
)
EMOJI_SIZE = 109  # the one size Noto Color Emoji's bitmaps come in
INK, MUTED, ACCENT, PAPER = (29, 29, 31), (99, 99, 104), (10, 88, 202), (250, 249, 246)


class CardError(DistillError):
    """A card cannot be drawn on this machine (its fonts are missing)."""


@dataclass(frozen=True)
class Card:
    """What a card shows: the quote, what kind of item it is, where it is, and its source."""

    quote: str
    label: str  # "Key insight", "Answer", "Highlight", "TL;DR", ...
    title: str
    byline: str | None = None  # the channel or author
    when: str = ""  # 12:03, p. 4, ¶ 7
    emoji: str | None = None


@lru_cache(maxsize=32)
def _font(bold: bool, size: int) -> Any:
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    raise CardError(
        f"quote cards need the DejaVu Sans font ({name}), which is not installed; install the "
        "Debian package fonts-dejavu-core (or your system's DejaVu fonts)."
    )


@lru_cache(maxsize=1)
def _emoji_font() -> Any:
    from PIL import ImageFont

    for path in EMOJI_FONTS:
        if path.is_file():
            return ImageFont.truetype(str(path), EMOJI_SIZE)
    return None


def wrap(text: str, font: Any, width: float) -> list[str]:
    """Lines of at most `width` pixels, broken between words (inside a word only when it alone
    is wider, as in CJK text without spaces)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if font.getlength(line + ch) > width and line:
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return lines


def fit(text: str, bold: bool, width: float, height: float, sizes: range) -> tuple[Any, list[str]]:
    """The largest font size from `sizes` at which `text` fits the box; at the smallest, the
    lines that fit with the last one ended by an ellipsis."""
    font, lines = None, []
    for size in sizes:
        font = _font(bold, size)
        lines = wrap(text, font, width)
        if len(lines) * size * 1.3 <= height:
            return font, lines
    assert font is not None
    keep = max(1, int(height // (sizes[-1] * 1.3)))
    if len(lines) > keep:
        lines = lines[:keep]
        last = lines[-1]
        while last and font.getlength(last + " …") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return font, lines


def _paste_emoji(image: Any, emoji: str, xy: tuple[int, int], size: int) -> bool:
    """Draw an emoji in colour at `xy`, `size` pixels high; False when no colour font is there."""
    from PIL import Image, ImageDraw

    font = _emoji_font()
    if font is None or not emoji:
        return False
    glyph = Image.new("RGBA", (EMOJI_SIZE * 2 * len(emoji), int(EMOJI_SIZE * 1.3)), (0, 0, 0, 0))
    ImageDraw.Draw(glyph).text((0, 0), emoji, font=font, embedded_color=True)
    box = glyph.getbbox()
    if box is None:
        return False
    glyph = glyph.crop(box)
    scale = size / max(glyph.height, 1)
    glyph = glyph.resize((max(1, int(glyph.width * scale)), size), Image.Resampling.LANCZOS)
    image.paste(glyph, xy, glyph)
    return True


ITEM_KINDS = ("summary", "insight", "qa", "takeaway", "highlight")


def parse_item(item: str) -> tuple[str, int]:
    """('insight', 3) from 'insight-3'; ('summary', 0) from 'summary'; an InputError otherwise."""
    from distill.errors import InputError

    kind, _, number = item.partition("-")
    if kind == "summary" and not number:
        return kind, 0
    if kind in ITEM_KINDS[1:] and number.isdigit() and 0 < int(number) < 1_000_000_000:
        return kind, int(number)
    raise InputError(
        f"{item[:40]!r} is not a card; cards are summary, insight-N, qa-N, takeaway-N (counted "
        "from 1) and highlight-ID."
    )


def render_card(card: Card) -> bytes:
    """The card as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 14, HEIGHT), fill=ACCENT)
    inner = WIDTH - 2 * MARGIN

    small = _font(False, 26)
    head = plain_line(card.label) + (f"  ·  {plain_line(card.when)}" if card.when else "")
    heads = wrap(head, small, inner - 40)
    head = heads[0] + (" …" if len(heads) > 1 else "")
    draw.text((MARGIN, MARGIN - 10), head, font=small, fill=ACCENT)

    top = MARGIN + 50
    left = MARGIN
    emoji = plain_line(card.emoji) if card.emoji else ""
    if emoji and _paste_emoji(image, emoji, (MARGIN, top + 4), 56):
        left = MARGIN + 80
    font, lines = fit(
        plain_line(card.quote) or "…", True, WIDTH - MARGIN - left, 330, range(54, 27, -4)
    )
    size = font.size
    for n, line in enumerate(lines):
        draw.text((left, top + n * size * 1.3), line, font=font, fill=INK)

    title_font, title_lines = fit(plain_line(card.title), True, inner - 180, 72, range(30, 25, -4))
    byline = plain_line(card.byline)
    y = HEIGHT - MARGIN - (34 if byline else 0) - len(title_lines) * title_font.size * 1.3
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += title_font.size * 1.3
    if byline:
        draw.text((MARGIN, y), wrap(byline, small, inner - 180)[0], font=small, fill=MUTED)
    brand = _font(True, 30)
    draw.text(
        (WIDTH - MARGIN - brand.getlength("distill"), HEIGHT - MARGIN - 24),
        "distill",
        font=brand,
        fill=ACCENT,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
