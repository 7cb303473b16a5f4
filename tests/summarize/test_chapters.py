"""Chapters: the source's own (metadata, or chapter lines of its description), else titled by
readable noun phrases."""

from __future__ import annotations

import json

import pytest

from distill.domain import Chapter, Segment, Transcript, VideoMeta
from distill.summarize import summarize
from distill.summarize.text.chapters import description_chapters, source_chapters
from tests.conftest import eval_dir_or_skip
from tests.summarize.conftest import transcript_of


def _chapters(description: str, duration: float | None = 600.0) -> list[tuple[float, str]]:
    return [(c.start or 0.0, c.title) for c in description_chapters(description, duration)]


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Intro text.\n0:00 Welcome\n1:30 - The garden\n12:05 – Harvest", [
            (0.0, "Welcome"), (90.0, "The garden"), (725.0, "Harvest")]),
        ("1. Seeds 0:00\n2. Soil & water 4:10\n", [(0.0, "1. Seeds"), (250.0, "2. Soil & water")]),
        ("Seeds 0:45\nSoil 4:26  (part one)\nWater 1:02:03(live)", [
            (45.0, "Seeds"), (266.0, "Soil (part one)"), (3723.0, "Water (live)")]),
        ('Tracks<br />00:10 - One<br /><a href="#">02:00</a> - Two &amp; three<br />', [
            (10.0, "One"), (120.0, "Two & three")]),
    ],
)  # fmt: skip
def test_chapter_lines_of_a_description(description: str, expected: list) -> None:
    assert _chapters(description, 5000.0) == expected


@pytest.mark.parametrize(
    "description",
    [
        "Doors open at 13:30 outside the venue!",  # one time: no list
        "Part one 5:00\nPart two 1:00",  # times that do not rise: no table of contents
        "Finals from 13:30\nParty from 18:00",  # beyond the video's end
        "",
    ],
)
def test_times_that_are_no_chapters(description: str) -> None:
    assert _chapters(description, 300.0) == []


def test_the_metadata_chapters_come_before_the_description() -> None:
    meta = VideoMeta(kind="youtube", id="x", title="t", description="0:00 A\n1:00 B")
    assert [c.title for c in source_chapters(meta)] == ["A", "B"]
    meta.chapters = [Chapter(title="Own", start=0.0)]
    assert [c.title for c in source_chapters(meta)] == ["Own"]


def test_description_chapters_of_real_videos() -> None:
    folder = eval_dir_or_skip("youtube-chapters-dev")
    lines = (folder / "description-chapters.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    assert cases
    for case in cases:
        got = description_chapters(case["description_html"], case["duration"])
        want = [(c["start_time"], c["title"]) for c in case["expected_chapters"]]
        assert [(round(c.start or 0.0), c.title) for c in got] == want, case["video_id"]


def test_a_summary_is_placed_under_the_description_chapters(bees: list[str]) -> None:
    t = transcript_of(bees, step=5.0)
    t.meta.description = "About bees.\n0:00 Nectar into honey\n1:05 Why honey\n1:40 The dance"
    s = summarize(t)
    assert [(c.title, c.start) for c in s.chapters] == [
        ("Nectar into honey", 0.0),
        ("Why honey", 65.0),
        ("The dance", 100.0),
    ]
    # Takeaways follow the chapters: one from each.
    starts = [c.start or 0.0 for c in s.chapters]
    under = {sum(1 for b in starts if (k.start or 0.0) >= b) for k in s.takeaways}
    assert under == {1, 2, 3}


ARITHMETIC = [
    "Take 1 plus 3 and you get 4, and 4 plus 3 is 7.",
    "Now 1 plus 3 times 2 is 7 again, since times comes before plus.",
    "Negative 1 plus 1 is 0, and 0 times anything is 0.",
    "Johann Bernoulli posed the brachistochrone problem in 1696.",
    "The brachistochrone problem asks for the curve of fastest descent.",
    "Johann Bernoulli solved the brachistochrone problem with light and Snell's law.",
    "His brother Jacob Bernoulli found another solution to the brachistochrone problem.",
    "Each i-hat and j-hat is a basis vector, and i-hat lands on the x-axis.",
]


def test_chapter_titles_name_things_with_their_capitals() -> None:
    t = transcript_of(ARITHMETIC * 4)
    s = summarize(t)
    for c in s.chapters:
        words = c.title.lower().replace(" and ", " ").split()
        assert not all(w.isdigit() or w in {"plus", "times", "negative", "1"} for w in words)
        assert c.title.lower() not in {"hat", "plus", "times"}
    titles = " ".join(c.title for c in s.chapters)
    assert "Bernoulli" in titles or "Brachistochrone" in titles
    assert "bernoulli" not in titles  # a name keeps its capital


def test_no_chapter_title_of_real_captions_is_numbers_or_operators(reader) -> None:
    from distill.sources import resolve

    for path in sorted(eval_dir_or_skip("channel-dev").glob("*.srt")):
        t = resolve(str(path))
        if len(t.segments) < 5:
            continue
        for c in summarize(t).chapters:
            assert not reader.only_numbers_or_operators(c.title), (path.name, c.title)


def test_untimed_transcripts_ignore_description_times() -> None:
    t = Transcript(
        meta=VideoMeta(kind="captions", id="u", title="u", description="0:00 A\n1:00 B"),
        segments=[Segment(text=s) for s in ARITHMETIC * 3],
    )
    assert all(c.start is None for c in summarize(t).chapters)
