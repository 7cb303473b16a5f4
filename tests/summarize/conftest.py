"""Fixtures for the summarizer tests: build transcripts and check the summary invariants."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.summarize.text.words import Lexicon

# The questions a template makes, in every language the summarizer writes: never asked.
TEMPLATE = re.compile(
    r"(?i)what (?:is|are) said about|¿qué se dice sobre|que dit-on de|was wird über|"
    r"che cosa si dice di|o que se diz sobre|wat wordt er gezegd over"
)


def transcript_of(sentences: list[str], *, timed: bool = True, step: float = 4.0) -> Transcript:
    """A transcript with one segment per sentence, `step` seconds apart (or untimed)."""
    segments = [
        Segment(start=i * step if timed else None, end=(i + 1) * step if timed else None, text=s)
        for i, s in enumerate(sentences)
    ]
    meta = VideoMeta(kind="captions", id="test-0000", title="Test talk")
    return Transcript(meta=meta, language="en", segments=segments)


def items(summary: Summary) -> list[tuple[str, float | None]]:
    """Every (text, start) item of a summary, questions and answers included."""
    out: list[tuple[str, float | None]] = []
    out += [(i.text, i.start) for i in summary.insights]
    out += [(t.text, t.start) for t in summary.takeaways]
    out += [(q.answer, q.start) for q in summary.qa]
    out += [(c.title, c.start) for c in summary.chapters]
    return out


def check_invariants(transcript: Transcript, summary: Summary) -> None:
    """What must hold for every transcript: real starts, distinct insights, no filler-only items."""
    starts = {s.start for s in transcript.segments}
    timed = any(s.start is not None for s in transcript.segments)
    lex = Lexicon(summary.language)
    assert summary.tldr.strip()
    assert lex.terms(summary.tldr), summary.tldr
    for text, start in items(summary):
        assert text.strip()
        if timed:
            assert start in starts, (start, text)
        else:
            assert start is None
    for text, _ in [(i.text, 0) for i in summary.insights] + [
        (t.text, 0) for t in summary.takeaways
    ]:
        assert lex.terms(text), f"filler-only item: {text!r}"
    for qa in summary.qa:
        assert qa.question.strip() and lex.terms(qa.answer)
        assert not TEMPLATE.match(qa.question), qa.question  # only real questions
    texts = [i.text for i in summary.insights]
    assert len(texts) == len(set(texts)), texts
    assert all(i.emoji for i in summary.insights)


BEES = [
    "Welcome back, today we look at how honey bees turn flower nectar into honey.",
    "Um, so, first of all, a honey bee colony has one queen, thousands of worker bees and a few drones.",
    "The worker bees do almost everything, and foraging for nectar is one of their last jobs.",
    "A forager bee visits hundreds of flowers on one trip and sucks the nectar up with its tongue.",
    "The nectar goes into a special honey stomach, where enzymes start to break the sugar down.",
    "Uh, you know, the honey stomach is separate from the stomach the bee uses for its own food.",
    "Back at the hive, the forager passes the nectar to house bees, mouth to mouth.",
    "The house bees chew the nectar and add more enzymes, which split sucrose into glucose and fructose.",
    "Then they spread the nectar in thin layers over the wax cells of the honeycomb.",
    "Fresh nectar is mostly water, so the bees have to remove most of that water.",
    "They fan their wings over the honeycomb to move warm air and evaporate the water.",
    "When the honey holds less than about eighteen percent water, it no longer spoils.",
    "The bees then seal each honeycomb cell with a cap of fresh wax.",
    "Why do bees make so much honey?",
    "Honey is the food that keeps the colony alive through the winter, when there are no flowers.",
    "A strong colony can store more than twenty kilograms of honey in one season.",
    "Beekeepers take only the extra honey and leave enough honey in the hive for the bees.",
    "The color and taste of honey depend on the flowers the bees visited.",
    "Clover honey is light and mild, while buckwheat honey is dark and strong.",
    "Honey also contains small amounts of pollen, which can tell scientists where the bees foraged.",
    "How do bees find the best flowers?",
    "Forager bees perform a waggle dance inside the hive that tells other bees the direction and distance of good flowers.",
    "The angle of the waggle dance shows the direction relative to the sun.",
    "The length of the waggle run shows how far away the flowers are.",
    "So honey is really the work of the whole colony, from the foragers to the house bees.",
    "Thanks for watching, and next time we will look at how bees build the honeycomb.",
]


def srt(sentences: list[str], step: float = 5.0, offset: float = 2.0) -> str:
    """An .srt file with one cue per sentence, `step` seconds apart."""

    def stamp(t: float) -> str:
        ms = round(t * 1000)
        h, ms = divmod(ms, 3_600_000)
        m, ms = divmod(ms, 60_000)
        s, ms = divmod(ms, 1000)
        return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"

    cues = []
    for i, text in enumerate(sentences):
        start = offset + i * step
        cues.append(f"{i + 1}\n{stamp(start)} --> {stamp(start + step - 0.5)}\n{text}\n")
    return "\n".join(cues)


@pytest.fixture(scope="session")
def make_transcript() -> Callable[..., Transcript]:
    """Build a transcript from sentences: one segment each, a few seconds apart."""
    return transcript_of


@pytest.fixture(scope="session")
def check_summary() -> Callable[[Transcript, Summary], None]:
    """Assert the invariants every builtin summary must satisfy."""
    return check_invariants


@pytest.fixture(scope="session")
def bees() -> list[str]:
    """A short talk about how honey bees make honey, one sentence per item."""
    return BEES


@pytest.fixture(scope="session")
def to_srt() -> Callable[..., str]:
    """Render sentences as an .srt caption file."""
    return srt


@pytest.fixture(scope="session")
def reader() -> ModuleType:
    """bench/readability.py: the definitions of what reads badly (dangling openings, the topic a
    title names, letters and numbers lost), shared by the benchmark and the tests."""
    path = Path(__file__).resolve().parents[2] / "bench" / "readability.py"
    spec = importlib.util.spec_from_file_location("readability_bench", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
