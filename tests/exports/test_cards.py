"""Quote cards: a 1200×630 PNG of any insight, answer, takeaway, highlight or TL;DR, drawn with
the installed fonts (the colour emoji font where present); hostile and huge texts stay inside
the card; a bad item or missing fonts is one sentence."""

from __future__ import annotations

import io

import numpy as np
import pytest
from export_helpers import RECORDING, TALK, seed
from PIL import Image

from distill.errors import InputError, NotFoundError
from distill.exports import cards
from distill.exports.cards import Card, parse_item, render_card


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (1200, 630)
    return img


def ink(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Dark pixels in a region: where text was drawn."""
    pixels = np.asarray(img.crop(box), dtype=np.int32)
    return int((pixels.sum(axis=2) < 200).sum())


def colourful(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Strongly yellow pixels (the bee emoji), not the grey text or the blue accent."""
    p = np.asarray(img.crop(box), dtype=np.int32)
    return int(((p[..., 0] > 180) & (p[..., 1] > 120) & (p[..., 2] < 90)).sum())


def test_every_kind_of_item_is_a_card(service):
    seed(service)
    highlight = service.library.list_highlights(video_id=TALK)[0]
    for item in (
        "summary",
        "insight-1",
        "insight-2",
        "qa-1",
        "takeaway-1",
        f"highlight-{highlight.id}",
    ):
        img = image(service.quote_card(TALK, item))
        assert ink(img, (72, 120, 1128, 460)) > 500, item  # the quote is there
        assert ink(img, (72, 470, 1000, 600)) > 200, item  # and the title below it
    image(service.quote_card(RECORDING, "summary"))


def test_an_insight_card_shows_its_emoji_in_colour(service):
    seed(service, notes=False)
    img = image(service.quote_card(TALK, "insight-1"))  # 🐝
    assert cards._emoji_font() is not None, "scripts/setup.sh installs fonts-noto-color-emoji"
    assert colourful(img, (60, 110, 160, 200)) > 100


def test_without_the_emoji_font_the_card_is_drawn_without_it(monkeypatch):
    monkeypatch.setattr(cards, "EMOJI_FONTS", ())
    cards._emoji_font.cache_clear()
    try:
        img = image(render_card(Card("Bees dance", "Key insight", "Bees", "Chan", "00:30", "🐝")))
        assert colourful(img, (60, 110, 160, 200)) == 0 and ink(img, (72, 120, 600, 200)) > 100
    finally:
        cards._emoji_font.cache_clear()


def test_hostile_and_huge_texts_stay_inside_the_card():
    quote = "\u202eevil\u202c <script>alert(1)</script> " + "word " * 5000 + "W" * 3000
    card = Card(quote, "Q: " + "why " * 300, "T" * 2000, "\x00chan\x1b[31m", "12:03")
    img = image(render_card(card))
    assert ink(img, (72, 120, 1128, 460)) > 1000
    # A line with no spaces (CJK) is broken between characters, not left overflowing.
    lines = cards.wrap("蜜蜂" * 200, cards._font(True, 40), 1000)
    assert len(lines) > 1 and all(cards._font(True, 40).getlength(x) <= 1000 for x in lines)


@pytest.mark.parametrize(
    "item", ["", "insight", "insight-0", "insight-x", "qa--1", "nope-1", "summary-1"]
)
def test_a_bad_item_is_one_sentence(item):
    with pytest.raises(InputError, match=r"is not a card; cards are summary, insight-N"):
        parse_item(item)


def test_items_that_do_not_exist_are_not_found(service):
    seed(service)
    with pytest.raises(NotFoundError, match=r"has no insight 9\.$"):
        service.quote_card(TALK, "insight-9")
    other = service.add_highlight(RECORDING, 10.0, note="")
    with pytest.raises(NotFoundError, match=r"is not one of .*'s highlights"):
        service.quote_card(TALK, f"highlight-{other.id}")
    with pytest.raises(NotFoundError):
        service.quote_card("nosuchvideo", "summary")


def test_missing_fonts_name_the_package(monkeypatch):
    monkeypatch.setattr(cards, "FONT_DIRS", ())
    cards._font.cache_clear()
    try:
        with pytest.raises(cards.CardError, match=r"install the Debian package fonts-dejavu-core"):
            render_card(Card("q", "l", "t"))
    finally:
        cards._font.cache_clear()
