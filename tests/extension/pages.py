"""What the extension's tests show the browser and send the server: a talk's captions (as a
watch page's json3 track) and an article page."""

from __future__ import annotations

import html
import json

VIDEO_ID = "bEe5Talk0_1"
# A video whose caption track YouTube serves only with the player's token (as it does now).
TOKEN_VIDEO_ID = "bEe5Talk0_4"
TITLE = "How a honey bee colony works"
CHANNEL = "Garden Science"
TALK = [
    "Today we look at how a honey bee colony works as one organism.",
    "A strong colony holds around fifty thousand bees in the middle of summer.",
    "There is a single queen, and her only job is to lay eggs, up to two thousand a day.",
    "The drones are male bees, and they exist to mate with queens from other colonies.",
    "Everything else is done by the workers, which are all female.",
    "A worker changes jobs as she ages, starting as a cleaner inside the hive.",
    "After a few days she becomes a nurse and feeds the growing larvae.",
    "Later she builds wax comb, guards the entrance, and finally flies out to forage.",
    "Foragers visit hundreds of flowers on every trip and bring back nectar and pollen.",
    "Nectar is mostly water, so the bees fan it with their wings until it thickens into honey.",
    "Each finished cell is capped with wax, which keeps the honey safe for years.",
    "When a forager finds a rich patch of flowers, she performs the waggle dance.",
    "The angle of the dance points to the flowers relative to the sun.",
    "The length of the waggle run tells the others how far away the flowers are.",
    "In winter the colony forms a tight cluster and shivers its muscles to stay warm.",
    "The honey stored in summer is the fuel that keeps this cluster alive.",
    "Bees also pollinate about a third of the food crops we eat.",
    "Apples, almonds, blueberries and cherries all depend heavily on them.",
    "Pesticides, parasites like the varroa mite, and the loss of wild flowers threaten colonies.",
    "Planting flowers that bloom from spring to autumn is one of the simplest ways to help.",
    "So the next time you eat an apple, remember the fifty thousand workers behind it.",
]
SECONDS_PER_LINE = 6.0


def cues() -> list[dict[str, object]]:
    """The talk as caption cues in the API's form."""
    return [
        {"start": i * SECONDS_PER_LINE, "duration": SECONDS_PER_LINE - 0.5, "text": line}
        for i, line in enumerate(TALK)
    ]


def captions_body(**extra: object) -> dict[str, object]:
    """A request body for POST /api/v1/browser/captions."""
    return {
        "video_id": VIDEO_ID,
        "title": TITLE,
        "channel": CHANNEL,
        "duration": len(TALK) * SECONDS_PER_LINE,
        "lang": "en",
        "cues": cues(),
        **extra,
    }


def json3_track() -> str:
    """The talk as YouTube's json3 caption format (what a watch page's timedtext URL returns)."""
    events = [
        {
            "tStartMs": int(c["start"] * 1000),  # type: ignore[operator]
            "dDurationMs": int(c["duration"] * 1000),  # type: ignore[operator]
            "segs": [{"utf8": c["text"]}],
        }
        for c in cues()
    ]
    return json.dumps({"wireMagic": "pb3", "events": events})


ARTICLE_TITLE = "Why bees dance"
ARTICLE = [
    "A honey bee that has found a good patch of flowers does not keep it to herself.",
    "Back in the hive she performs the waggle dance on the vertical comb, in the dark.",
    "The direction of the straight run tells her sisters the angle between the sun and the food.",
    "The duration of the run tells them the distance, about one second for each kilometre.",
    "Karl von Frisch decoded the dance in the 1940s and shared a Nobel Prize for it in 1973.",
    "Later experiments with robot bees confirmed that the dance alone carries the message.",
]


def article_html(title: str = ARTICLE_TITLE) -> str:
    """An article page trafilatura finds the main text of."""
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in ARTICLE)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><article>
<h1>{html.escape(title)}</h1>
{paragraphs}
</article></main>
<footer>Copyright the bee blog.</footer>
</body></html>"""
