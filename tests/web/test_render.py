"""The transcript written in Python is what the template's `para` macro writes (its reference)."""

from __future__ import annotations

import random

from distill.domain import Chapter, Segment
from distill.web.render import paragraphs, paragraphs_html
from distill.web.state import make_templates

TRICKY = ["<b>bold</b>", "Tom & Jerry", 'say "hi"', "it's", "naïve café", "a < b > c", "{{ x }}"]


def test_paragraphs_html_equals_the_macro():
    env = make_templates()
    macro = env.from_string(
        '{% from "_macros.html" import para %}{% for p in ps %}{{ para(p, vid, lang) }}{% endfor %}'
    )
    rng = random.Random(11)
    for round_ in range(60):
        segments = []
        t = 0.0
        for _ in range(rng.randint(0, 40)):
            t += rng.uniform(0.5, 9.0)
            text = " ".join(
                rng.choice([*TRICKY, "word", "more words."]) for _ in range(rng.randint(1, 8))
            )
            segments.append(
                Segment(
                    start=None if rng.random() < 0.1 else round(t, 3),
                    end=None,
                    text=text,
                    speaker=rng.choice([None, None, "Ann", "<Bob>"]),
                )
            )
        chapters = [
            Chapter(title=rng.choice(TRICKY), start=c * 30.0) for c in range(rng.randint(0, 3))
        ]
        paras = paragraphs(segments, chapters)
        vid = rng.choice(["dQw4w9WgXcQ", "talk-1a2b3c4d", "a&b"])
        lang = rng.choice([None, "es", "pt-BR"])
        assert str(paragraphs_html(paras, vid, lang)) == macro.render(
            ps=paras, vid=vid, lang=lang
        ), round_
