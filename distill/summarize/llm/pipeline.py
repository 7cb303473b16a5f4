"""The LLM summarizer: numbered transcript lines in, a grounded Summary out; map/reduce for long videos."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from distill.domain import (
    ProgressFn,
    Summary,
    Transcript,
    no_progress,
)
from distill.llm import Message, Model, get_model
from distill.llm.cache import ResultCache, cache_key
from distill.settings import get_settings
from distill.summarize.llm import grounding
from distill.summarize.llm.calls import PROMPT_VERSION, Ledger, prompt_id, template
from distill.summarize.llm.grounding import CHAPTER_AFTER, Grounder, GroundingStats, Lines
from distill.summarize.llm.schemas import (
    PAGE,
    NotesReply,
    Shape,
    SummaryReply,
    notes_schema,
    summary_schema,
)
from distill.summarize.llm.verify import Page, check_reply, clean
from distill.summarize.text.analysis import Analysis
from distill.summarize.text.language import language_name
from distill.summarize.text.units import Unit

USABLE = 0.9  # share of the context window we fill: token counts are estimates


@dataclass
class Note:
    """A grounded note: text and the index of the transcript unit it comes from."""

    unit: int
    text: str


@dataclass
class Budget:
    """Token budgets of one model: output per call and transcript per chunk."""

    context: int
    final_out: int
    map_out: int
    usable: int

    @classmethod
    def of(cls, model: Model) -> Budget:
        ctx = model.context_window
        return cls(
            context=ctx,
            final_out=min(2000, max(200, ctx // 4)),
            map_out=min(800, max(120, ctx // 8)),
            usable=int(ctx * USABLE),
        )


@dataclass
class _Run:
    """One summary being made: the model, the transcript's units, the ledger, the counts."""

    model: Model
    analysis: Analysis
    ledger: Ledger
    language: str
    shape: Shape
    progress: ProgressFn
    # The built-in summary of an analysis: its sections fill what the model left ungrounded.
    fallback: Callable[[Analysis], Summary] | None = None
    stats: GroundingStats = field(default_factory=GroundingStats)
    done: int = 0
    total: int = 1
    lines: Lines = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.lines = Lines.group(self.analysis.units, self.model.count_tokens)

    @cached_property
    def grounder(self) -> Grounder:
        """The grounding index of this run's lines, built once (map, collapse and every reply)."""
        return Grounder(self.analysis, self.lines)

    @property
    def units(self) -> list[Unit]:
        return self.analysis.units

    @property
    def title(self) -> str:
        return self.analysis.transcript.meta.title

    def tick(self) -> None:
        with self._lock:
            self.done += 1
            done, total = self.done, max(self.total, self.done)
        self.progress("summarize", done, total)

    def count(self, stats: GroundingStats) -> None:
        with self._lock:
            self.stats.merge(stats)


def _line(n: int, text: str) -> str:
    return f"[{n}] {text}"


def _fingerprint(transcript: Transcript) -> str:
    return cache_key(
        transcript.meta.title, [(s.start, s.speaker, s.text) for s in transcript.segments]
    )


def system_message() -> Message:
    return Message("system", template("system").substitute())


def _range(bounds: tuple[int, int]) -> str:
    lo, hi = bounds
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _summary_prompt(name: str, run: _Run, chapters: tuple[int, int] | None, **extra: str) -> str:
    return template(name).substitute(
        title=run.title,
        language=language_name(run.language),
        tldr=_range(run.shape.tldr),
        insights=_range(run.shape.insights),
        qa=_range(run.shape.qa),
        takeaways=_range(run.shape.takeaways),
        chapters=_range(chapters) if chapters else "0",
        **extra,
    )


def chunk_lines(run: _Run, budget: int) -> list[list[int]]:
    """Consecutive numbered lines, each chunk within `budget` tokens."""
    chunks: list[list[int]] = [[]]
    used = 0
    for n in range(len(run.lines.spans)):
        cost = run.model.count_tokens(run.lines.text(n)) + 1
        if chunks[-1] and used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(n)
        used += cost
    return [c for c in chunks if c]


def _chunk_units(run: _Run, chunk: list[int]) -> tuple[int, int]:
    """The [lo, hi) unit range of a chunk of lines."""
    return run.lines.spans[chunk[0]][0], run.lines.spans[chunk[-1]][1] + 1


def chunk_tokens(run: _Run, chunk: list[int]) -> int:
    """The transcript tokens of a chunk of lines, without their numbers."""
    lo, hi = _chunk_units(run, chunk)
    return sum(run.model.count_tokens(u.text) for u in run.units[lo:hi])


def map_overhead(model: Model, run_title: str) -> int:
    """Prompt tokens of a map call besides its transcript lines."""
    text = template("map").substitute(part=99, parts=99, title=run_title, numbered="", notes="2-12")
    return model.count_tokens(template("system").substitute() + text) + 16


def final_overhead(model: Model, run: _Run, name: str) -> int:
    """Prompt tokens of the summary or reduce call besides its transcript lines or notes."""
    chapters = run.shape.chapters
    text = _summary_prompt(name, run, chapters, numbered="", candidates="")
    return model.count_tokens(template("system").substitute() + text) + 16


def notes_bounds(tokens: int, shape: Shape) -> tuple[int, int]:
    # About one note per 250 transcript tokens keeps reduce input near a tenth of the transcript.
    hi = max(2, min(shape.notes_max, tokens // 250))
    return (max(1, hi // 2), hi)


def _builtin(run: _Run) -> Summary | None:
    """The built-in summary of the transcript, if there is one and it is in the language being written."""
    if run.fallback is None or (run.analysis.language or "en").split("-")[0] != run.language:
        return None
    summary = run.fallback(run.analysis)
    # It asks only the questions the talk answers: a talk may have none, and so no Q&A.
    return summary if summary.insights else None


def page_of(run: _Run, prompt: str, shown: tuple[str, ...] = ()) -> Page:
    """What checking a reply to `prompt` needs; `shown` are the transcript's texts in it."""
    # What the model was told, without the transcript and the title: items echoing it are dropped.
    told = prompt
    for text in (*shown, run.title):
        if text:
            told = told.replace(text, " ")
    built: list[Summary | None] = []

    def builtin() -> Summary | None:
        if not built:
            built.append(_builtin(run))
        return built[0]

    return Page(
        grounder=run.grounder,
        shape=run.shape,
        meta=run.analysis.transcript.meta,
        language=run.language,
        model=run.ledger.model_string,
        prompt_version=PROMPT_VERSION,
        instructions=f"{template('system').substitute()}\n{told}",
        builtin=builtin,
    )


def _final_call(run: _Run, name: str, budget: Budget, **fields: str) -> Summary:
    """The call that writes the summary page, accepted once its items are verified."""
    own = bool(run.analysis.transcript.meta.chapters)
    chapters = None if own else run.shape.chapters_for(len(run.units))
    prompt = _summary_prompt(name, run, chapters, **fields)
    page = page_of(run, prompt, tuple(fields.values()))
    result: dict[str, object] = {}

    def accept(reply: SummaryReply, final: bool) -> str | None:
        summary, problem, stats = check_reply(page, reply, own, final)
        result["summary"], result["stats"] = summary, stats
        return problem

    run.ledger.call(
        [system_message(), Message("user", prompt)],
        SummaryReply,
        schema=summary_schema(run.shape, chapters),
        max_tokens=budget.final_out,
        accept=accept,
        # Told what was unsupported, a capable model fixes it at once; a weak one does not
        # improve with more tries, and the built-in summary stands in for it.
        rejections=1,
    )
    run.tick()
    summary = result["summary"]
    stats = result["stats"]
    assert isinstance(summary, Summary) and isinstance(stats, GroundingStats)
    run.count(stats)
    return summary


def _map(run: _Run, chunks: list[list[int]], budget: Budget) -> tuple[list[Note], list[Note]]:
    """Each chunk to grounded notes and a chapter candidate, in parallel (bounded)."""
    g = run.grounder

    def one(i: int) -> tuple[list[Note], list[Note]]:
        chunk = chunks[i]
        lo, hi = _chunk_units(run, chunk)
        bounds = notes_bounds(chunk_tokens(run, chunk), run.shape)
        text = template("map").substitute(
            part=i + 1,
            parts=len(chunks),
            title=run.title,
            numbered=run.lines.numbered(chunk),
            notes=_range(bounds),
        )
        reply = run.ledger.call(
            [system_message(), Message("user", text)],
            NotesReply,
            schema=notes_schema(run.shape, bounds),
            max_tokens=budget.map_out,
        )
        run.tick()
        stats = GroundingStats()
        notes: list[Note] = []
        for note in reply.notes:
            found = g.locate(clean(note.text), note.cite, lo=lo, hi=hi)
            stats.add(found.verdict, found.why)
            if found.unit is not None:
                notes.append(Note(found.unit, clean(note.text)))
        candidates: list[Note] = []
        if reply.chapter is not None:
            title = clean(reply.chapter.title)
            found = g.locate(
                title, reply.chapter.cite, after=CHAPTER_AFTER, at_cite=True, lo=lo, hi=hi
            )
            candidates.append(Note(lo if found.unit is None else found.unit, title))
        run.count(stats)
        return notes, candidates

    workers = max(1, min(get_settings().llm_concurrency, len(chunks)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, range(len(chunks))))
    notes = [n for r in results for n in r[0]]
    candidates = [c for r in results for c in r[1]]
    return notes, candidates


def _notes_text(notes: list[Note]) -> str:
    return "\n".join(_line(n.unit + 1, n.text) for n in sorted(notes, key=lambda n: n.unit))


def _collapse(run: _Run, notes: list[Note], budget: Budget, room: int) -> list[Note]:
    """Merge notes group by group until they fit `room` tokens (the reduce call's input)."""
    g = run.grounder
    for _level in range(6):
        if run.model.count_tokens(_notes_text(notes)) <= room or len(notes) <= 2:
            return notes
        groups: list[list[Note]] = [[]]
        used = 0
        limit = budget.usable - map_overhead(run.model, run.title) - budget.map_out
        for n in sorted(notes, key=lambda n: n.unit):
            cost = run.model.count_tokens(_line(n.unit + 1, n.text)) + 1
            if groups[-1] and used + cost > limit:
                groups.append([])
                used = 0
            groups[-1].append(n)
            used += cost
        run.total += len(groups)

        def one(group: list[Note]) -> list[Note]:
            hi = max(1, min(run.shape.notes_max, len(group) // 2))
            text = template("collapse").substitute(
                title=run.title, numbered=_notes_text(group), notes=_range((max(1, hi // 2), hi))
            )
            reply = run.ledger.call(
                [system_message(), Message("user", text)],
                NotesReply,
                schema=notes_schema(run.shape, (max(1, hi // 2), hi)),
                max_tokens=budget.map_out,
            )
            run.tick()
            out: list[Note] = []
            stats = GroundingStats()
            for note in reply.notes:
                found = g.locate(clean(note.text), note.cite)
                stats.add(found.verdict, found.why)
                if found.unit is not None:
                    out.append(Note(found.unit, clean(note.text)))
            run.count(stats)
            return out or group[: max(1, len(group) // 3)]

        workers = max(1, min(get_settings().llm_concurrency, len(groups)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            merged = [n for part in pool.map(one, groups) for n in part]
        if len(merged) >= len(notes):
            merged = merged[: max(2, len(notes) // 2)]
        notes = merged
    return notes


def _spread(candidates: list[Note], limit: int) -> list[Note]:
    """At most `limit` chapter candidates, evenly spread over the video."""
    ordered = sorted(candidates, key=lambda n: n.unit)
    if len(ordered) <= limit:
        return ordered
    step = len(ordered) / limit
    return [ordered[int(i * step)] for i in range(limit)]


def setup_run(
    transcript: Transcript,
    model: str,
    language: str | None,
    shape: Shape,
    progress: ProgressFn,
    fallback: Callable[[Analysis], Summary] | None = None,
) -> tuple[_Run, Budget, str]:
    """A summary about to be made with `model`, its token budgets and its cache key."""
    llm = get_model(model)
    analysis = Analysis(transcript)
    lang = (language or analysis.language or "en").split("-")[0]
    ledger = Ledger(model=llm, model_string=model, cache=ResultCache())
    run = _Run(llm, analysis, ledger, lang, shape, progress, fallback)
    # The verifier's version too: a summary checked by an older test is checked again.
    verifier = grounding.VERIFIER_VERSION
    fingerprint = _fingerprint(transcript)
    key = cache_key("summary", fingerprint, model, prompt_id(), verifier, lang, repr(shape))
    return run, Budget.of(llm), key


def summarize_with_llm(
    transcript: Transcript,
    model: str,
    *,
    language: str | None = None,
    progress: ProgressFn = no_progress,
    shape: Shape = PAGE,
    fallback: Callable[[Analysis], Summary] | None = None,
) -> Summary:
    """Summarize with a model: one call if the transcript fits its context, else map/reduce.

    `fallback` makes the built-in summary of the transcript, whose sections stand in for those
    the model leaves ungrounded after its last try (without one, such a summary fails clearly).
    """
    run, budget, key = setup_run(transcript, model, language, shape, progress, fallback)
    cached = run.ledger.cache.get("summaries", key)
    if cached is not None:
        summary = Summary.model_validate(cached)
        summary.usage = (summary.usage or run.ledger.usage()).from_cache()
        progress("summarize", 1, 1)
        return summary
    numbered = run.lines.numbered(range(len(run.lines.spans)))
    transcript_tokens = run.model.count_tokens(numbered)
    overhead = final_overhead(run.model, run, "summary")
    if overhead + transcript_tokens + budget.final_out <= budget.usable:
        run.total = 1
        run.progress("summarize", 0, 1)
        summary = _final_call(run, "summary", budget, numbered=numbered, candidates="")
    else:
        chunk_budget = budget.usable - map_overhead(run.model, run.title) - budget.map_out
        chunks = chunk_lines(run, max(200, chunk_budget))
        run.total = len(chunks) + 1
        run.progress("summarize", 0, run.total)
        notes, candidates = _map(run, chunks, budget)
        candidates = _spread(candidates, 3 * run.shape.chapters[1])
        cand_text = _notes_text(candidates)
        reduce_overhead = final_overhead(run.model, run, "reduce")
        room = (
            budget.usable - reduce_overhead - budget.final_out - run.model.count_tokens(cand_text)
        )
        notes = _collapse(run, notes, budget, max(200, room))
        summary = _final_call(
            run, "reduce", budget, numbered=_notes_text(notes), candidates=cand_text
        )
    stats = run.stats
    usage = run.ledger.usage()
    usage.grounded, usage.repaired, usage.dropped = stats.grounded, stats.repaired, stats.dropped
    usage.builtin = stats.builtin
    usage.repaired += run.ledger.repaired_json
    summary.usage = usage
    run.ledger.cache.put("summaries", key, summary.model_dump(mode="json"))
    return summary
