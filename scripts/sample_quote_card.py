"""Draw the sample quote card shown in the README (docs/screenshots/quote-card.png)."""

from __future__ import annotations

from pathlib import Path

from distill.exports.cards import Card, render_card

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "quote-card.png"

if __name__ == "__main__":
    card = Card(
        quote="A waggle dance points the hive at the food: its angle to the sun is the "
        "direction, its length the distance",
        label="Key insight",
        title="How honey bees tell each other where the flowers are",
        byline="Science Channel",
        when="00:30",
        emoji="🐝",
    )
    OUT.write_bytes(render_card(card))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
