"""A model's summary reply checked item by item against the transcript, into a Summary.

Every item is screened (prompt echo, a sentence reused, a title of nothing), then kept where
the passage it cites supports it, moved to the passage that does, or dropped (`grounding.py`).
The TL;DR is checked sentence by sentence against the whole transcript. A section whose items
mostly fail is the built-in summary's, marked `provenance="builtin"`; without a built-in summary
(another language), what was verified is kept, and a page with no verified Q&A, or neither
insights nor takeaways, is refused with the reason so the model is asked again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from distill.domain import (
    QA,
    Chapter,
    Insight,
    Provenance,
    SourceRef,
    Summary,
    Takeaway,
    VideoMeta,
)
from distill.speech.sentences import sentence_spans
from distill.summarize.llm.grounding import (
    CHAPTER_AFTER,
    Grounder,
    GroundingStats,
    Located,
    Screen,
    Verdict,
)
from distill.summarize.llm.schemas import Shape, SummaryReply

KEPT = (
    "an item is kept only when the line it cites says it: most of its words, and every "
    "number and name in it"
)
_MARKER = re.compile(r"\[\d+\]\s*")
T = TypeVar("T", Insight, QA, Takeaway, Chapter)


def clean(text: str) -> str:
    """Model text without the `[n]` sentence markers small models copy from the prompt."""
    return _MARKER.sub("", text).strip()


def first_emoji(text: str) -> str | None:
    """The first emoji of a text with its joiners and modifiers, or None if there is none."""
    text = text.strip()
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "So" or ord(ch) >= 0x1F000:
            out = ch
            j = i + 1
            while j < len(text) and (
                text[j] in "\ufe0f\u20e3" or 0x1F3FB <= ord(text[j]) <= 0x1F3FF
            ):
                out += text[j]
                j += 1
            return out
    return None


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def sentences(text: str) -> list[str]:
    return [text[b:e].strip() for b, e in sentence_spans(text) if text[b:e].strip()]


def _provenance(verdict: Verdict) -> Provenance:
    return "model" if verdict == "grounded" else "model-repaired"


@dataclass
class Page:
    """What checking a reply needs: the transcript's grounder, the shape, the prompt's words."""

    grounder: Grounder
    shape: Shape
    meta: VideoMeta
    language: str
    model: str
    prompt_version: str
    instructions: str  # the prompt without the transcript and the title: echoes of it are dropped
    builtin: Callable[[], Summary | None]  # the built-in summary, when it can stand in


@dataclass
class _Section:
    """Items kept in one section, and how many of the model's failed the checks."""

    failed: int = 0
    kept: int = 0

    @property
    def mostly_failed(self) -> bool:
        return self.kept == 0 or self.failed > self.kept


@dataclass
class _Checker:
    page: Page
    screen: Screen
    stats: GroundingStats = field(default_factory=GroundingStats)

    def judge(
        self,
        text: str,
        cite: int | None,
        section: _Section,
        *,
        after: int = 0,
        framing: str = "",
        anywhere: bool = False,
    ) -> Located:
        """Screen an item, then locate its support (`anywhere`: clause by clause); count it."""
        g = self.page.grounder
        why = self.screen.screen_text(framing) if framing else None
        why = why or self.screen.screen_text(text)
        why = why or self.screen.screen_item(g.item(text, framing))
        if why:
            found = Located(None, "dropped", why)
        elif anywhere:
            found = g.locate_anywhere(text)
        else:
            found = g.locate(text, cite, framing=framing, after=after, at_cite=after > 0)
        if cite is None and found.unit is not None:
            found = Located(found.unit, "grounded")  # nothing cited, nothing to repair
        self.stats.add(found.verdict, found.why)
        if found.unit is None:
            section.failed += 1
        else:
            section.kept += 1
        return found

    def unkeep(self, found: Located, section: _Section) -> None:
        """An item found supported is dropped after all (it repeats one of its section)."""
        setattr(self.stats, found.verdict, getattr(self.stats, found.verdict) - 1)
        self.stats.add("dropped", "repeat")
        section.kept -= 1
        section.failed += 1


def check_reply(
    page: Page, reply: SummaryReply, own_chapters: bool, final: bool
) -> tuple[Summary | None, str | None, GroundingStats]:
    """The verified summary of a reply, or the reason to ask again; and the counts."""
    g, shape = page.grounder, page.shape
    units = g.units
    screen = Screen(page.instructions, page.meta.title, page.language)
    tldr_sentences = sentences(clean(reply.tldr))
    screen.count(
        [
            *tldr_sentences,
            *(i.text for i in reply.insights),
            *(q.answer for q in reply.qa),
            *(t.text for t in reply.takeaways),
            *(c.title for c in reply.chapters),
        ]
    )
    c = _Checker(page, screen)
    seen: list[set[str]] = []

    def fresh(text: str) -> bool:
        terms = g.terms(text)
        if any(g.similar(terms, s) for s in seen):
            return False
        seen.append(terms)
        return True

    def start_of(found: Located) -> float | None:
        return units[found.unit].start if found.unit is not None else None

    kept_tldr: list[str] = []
    s_tldr = _Section()
    # First: where a sentence is reused, the TL;DR keeps it and the later copy goes.
    for sentence in tldr_sentences:
        if len(kept_tldr) >= shape.tldr[1]:
            break
        # A TL;DR cites nothing: each sentence (or each of its clauses) must be said somewhere
        # in the transcript.
        if c.judge(sentence, None, s_tldr, anywhere=True).unit is not None:
            kept_tldr.append(sentence)

    insights: list[Insight] = []
    s_insights = _Section()
    for ins in reply.insights:
        if len(insights) >= shape.insights[1]:
            break
        text = clean(ins.text)
        found = c.judge(text, ins.cite, s_insights)
        if found.unit is None:
            continue
        if not fresh(text):
            c.unkeep(found, s_insights)
            continue
        # A missing or textual emoji is cosmetic: a neutral one stands in.
        emoji = first_emoji(ins.emoji) or "💡"
        prov = _provenance(found.verdict)
        insights.append(Insight(emoji=emoji, text=text, start=start_of(found), provenance=prov))
    seen.clear()
    qa: list[QA] = []
    s_qa = _Section()
    for item in reply.qa:
        if len(qa) >= shape.qa[1]:
            break
        question, answer = clean(item.question), clean(item.answer)
        if not question or not answer:
            c.stats.add("dropped", "empty")
            s_qa.failed += 1
            continue
        found = c.judge(answer, item.cite, s_qa, framing=question)
        if found.unit is None:
            continue
        if not fresh(question):
            c.unkeep(found, s_qa)
            continue
        prov = _provenance(found.verdict)
        qa.append(QA(question=question, answer=answer, start=start_of(found), provenance=prov))
    seen.clear()
    takeaways: list[Takeaway] = []
    s_takeaways = _Section()
    for tk in reply.takeaways:
        if len(takeaways) >= shape.takeaways[1]:
            break
        text = clean(tk.text)
        found = c.judge(text, tk.cite, s_takeaways)
        if found.unit is None:
            continue
        if not fresh(text):
            c.unkeep(found, s_takeaways)
            continue
        prov = _provenance(found.verdict)
        takeaways.append(Takeaway(text=text, start=start_of(found), provenance=prov))
    chapters: list[Chapter] = []
    s_chapters = _Section()
    if own_chapters:
        chapters = list(page.meta.chapters)
    else:
        starts: set[int] = set()
        for ch in reply.chapters:
            if len(chapters) >= shape.chapters[1]:
                break
            title = clean(ch.title)
            found = c.judge(title, ch.cite, s_chapters, after=CHAPTER_AFTER)
            if found.unit is None:
                continue
            if found.unit in starts:
                c.unkeep(found, s_chapters)
                continue
            starts.add(found.unit)
            prov = _provenance(found.verdict)
            chapters.append(Chapter(title=title, start=start_of(found), provenance=prov))
        chapters.sort(key=lambda ch: (ch.start is None, ch.start or 0.0))

    failing = [
        name
        for name, sec in (("qa", s_qa), ("insights", s_insights), ("takeaways", s_takeaways))
        if sec.mostly_failed
    ]
    if failing and not final:
        # Asked again with the reason: a model that can do better often does.
        return None, f"had {' and '.join(failing)} the transcript does not support: {KEPT}", c.stats
    chapters_failed = s_chapters.mostly_failed and not own_chapters
    builtin = page.builtin() if failing or s_tldr.mostly_failed or chapters_failed else None
    stats = c.stats

    def stand_in(items: Sequence[T], limit: int) -> list[T]:
        copies = [i.model_copy(update={"provenance": "builtin"}) for i in items[:limit]]
        stats.builtin += len(copies)
        return copies

    if builtin is not None:
        if s_qa.mostly_failed:
            qa = stand_in(builtin.qa, shape.qa[1])
        if s_insights.mostly_failed:
            insights = stand_in(builtin.insights, shape.insights[1])
        if s_takeaways.mostly_failed:
            takeaways = stand_in(builtin.takeaways, shape.takeaways[1])
        if chapters_failed and builtin.chapters:
            chapters = stand_in(builtin.chapters, shape.chapters_for(len(units))[1])
    else:
        empty = [
            n for n, v in (("qa", qa), ("insights and takeaways", insights or takeaways)) if not v
        ]
        if empty:
            return None, f"left {' and '.join(empty)} empty: {KEPT}", stats
        # Insights and takeaways stand in for each other (the same verified items).
        if not takeaways:
            takeaways = [
                Takeaway(text=i.text, start=i.start, provenance=i.provenance)
                for i in insights[: shape.takeaways[1]]
            ]
        if not insights:
            insights = [
                Insight(emoji="💡", text=t.text, start=t.start, provenance=t.provenance)
                for t in takeaways[: shape.insights[1]]
            ]
    tldr_provenance: Provenance = "model"
    tldr = " ".join(kept_tldr)
    if s_tldr.mostly_failed and builtin is not None:
        tldr, tldr_provenance = builtin.tldr, "builtin"
        stats.builtin += 1
    elif not tldr:
        # Without a built-in summary, the TL;DR is made of verified insights.
        tldr = " ".join(_sentence(i.text) for i in insights[: shape.tldr[1]])
        tldr_provenance = "model-repaired"
    if not chapters and not own_chapters:
        chapters = chapters_from(insights, takeaways, shape.chapters_for(len(units))[1])
    summary = Summary(
        source=SourceRef.of(page.meta),
        model=page.model,
        language=page.language,
        tldr=tldr,
        insights=insights,
        qa=qa,
        takeaways=takeaways,
        chapters=chapters,
        prompt_version=page.prompt_version,
        tldr_provenance=tldr_provenance,
    )
    return summary, None, stats


def chapters_from(insights: list[Insight], takeaways: list[Takeaway], limit: int) -> list[Chapter]:
    """Chapters at the times of verified items, titled by their first words."""
    found: dict[float, Insight | Takeaway] = {}
    both: list[Insight | Takeaway] = [*insights, *takeaways]
    for item in both:
        if item.start is not None:
            found.setdefault(item.start, item)
    items = sorted(found.items(), key=lambda kv: kv[0])
    step = max(1, len(items) // max(1, limit))
    return [
        Chapter(
            title=" ".join(item.text.split()[:6]).rstrip(".,;:"),
            start=start,
            provenance=item.provenance,
        )
        for start, item in items[::step][:limit]
    ]
