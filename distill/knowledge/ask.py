"""Ask the whole library: retrieve passages across videos, then answer from them with citations.

Built-in: the best video's retrieved passages go through the single-video answerer
(`distill.summarize.ask`), and the answer cites those moments and the next best passages of other
videos. With a model: it may only cite the numbered passages it is shown; each sentence it writes
is checked against the passage it cites by the support test of summaries
(`distill.summarize.ground`: most of its words, every number, name and quoted term; names of the
video's title count), moved to the passage that says it, or dropped, and the counts are kept.
Nothing relevant retrieved: it says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from distill.domain import LibraryAnswer, LibraryCitation, Segment, Transcript, VideoMeta
from distill.knowledge.retrieve import Context, Hit, Mode, retrieve
from distill.llm import BUILTIN

if TYPE_CHECKING:
    from distill.embed import Embedder
    from distill.library import Library

RETRIEVE = 12  # passages retrieved per question
CITATIONS = 5
PER_VIDEO = 4  # passages of the best video the built-in answer is made from
MODEL_PASSAGES = 8  # passages a model is shown
NOTHING = (
    "Nothing stored in your library seems to answer this; try other words, or add videos "
    "that talk about it."
)
EMPTY = "Your library has no videos yet; add some with `distill add SOURCE` and ask again."
NOT_ANSWERED = (
    "The passages found in your library do not answer this; see the closest ones below, or "
    "ask in other words."
)


def ask_library(
    library: Library,
    question: str,
    *,
    model: str = BUILTIN,
    embedder: Embedder | None = None,
    channel_id: str | None = None,
    mode: Mode = "hybrid",
    context: Context | None = None,
) -> LibraryAnswer:
    """Answer a question from everything stored (or one channel), citing videos and moments."""
    if library.count_videos() == 0:
        return LibraryAnswer(answer=EMPTY, citations=[], found=False)
    hits = retrieve(
        library,
        question,
        embedder=embedder,
        k=RETRIEVE,
        channel_id=channel_id,
        mode=mode,
        context=context,
    )
    hits = [h for h in hits if h.relevant]
    if not hits:
        return LibraryAnswer(answer=NOTHING, citations=[], found=False)
    if model == BUILTIN:
        return _answer_builtin(question, hits, library)
    return _answer_with_model(question, hits, model)


def citation(hit: Hit, start: float | None = None, text: str | None = None) -> LibraryCitation:
    p = hit.passage
    return LibraryCitation(
        video_id=p.video_id,
        title=p.title,
        start=p.start if start is None else start,
        text=p.text if text is None else text,
    )


def _answer_builtin(question: str, hits: list[Hit], library: Library) -> LibraryAnswer:
    """The single-video answerer over the best video's passages; other videos cited after."""
    from distill.summarize import ask

    best_video = hits[0].passage.video_id
    mine = [h for h in hits if h.passage.video_id == best_video]
    # The transcript's own words answer (summary lines without a time, e.g. the TL;DR, do not).
    said = [h for h in mine if h.passage.kind == "transcript"]
    mine = (said or mine)[:PER_VIDEO]
    mine.sort(key=lambda h: (h.passage.start is None, h.passage.start or 0.0, h.passage.id))
    segments = _segments(library, best_video, mine)
    meta = VideoMeta(kind="captions", id=best_video, title=hits[0].passage.title)
    answer = ask(Transcript(meta=meta, segments=segments), question)
    citations: list[LibraryCitation] = []
    if answer.found and answer.answer.strip():
        text = answer.answer
        for c in answer.citations:
            source = _passage_of(mine, c.text)
            citations.append(citation(source, start=c.start, text=c.text))
    else:
        text = hits[0].passage.text
        citations.append(citation(hits[0]))
    _add_others(citations, hits)
    return LibraryAnswer(answer=text, citations=citations[:CITATIONS], found=True)


def _segments(library: Library, video_id: str, hits: Sequence[Hit]) -> list[Segment]:
    """The transcript segments the passages were made of, so each sentence keeps its own time;
    the passages' text where there are no times."""
    from distill.errors import NotFoundError

    as_text = [Segment(start=h.passage.start, end=h.passage.end, text=h.passage.text) for h in hits]
    if any(h.passage.start is None or h.passage.end is None for h in hits):
        return as_text
    try:
        transcript = library.get_transcript(video_id)
    except NotFoundError:
        return as_text
    out = []
    for h in hits:
        start, end = h.passage.start or 0.0, h.passage.end or 0.0
        inside = [
            s
            for s in transcript.segments
            if s.start is not None and start - 1e-6 <= s.start < max(end, start + 1e-6)
        ]
        out.extend(inside)
    return out or as_text


def _passage_of(hits: Sequence[Hit], text: str) -> Hit:
    """The retrieved passage a cited sentence comes from (most shared words)."""
    words = set(text.lower().split())
    return max(hits, key=lambda h: len(words & set(h.passage.text.lower().split())))


def _add_others(citations: list[LibraryCitation], hits: list[Hit]) -> None:
    """The next best passages (other videos first) after the answer's own citations."""
    shown = {(c.video_id, c.start) for c in citations}
    videos = {c.video_id for c in citations}
    rest = sorted(hits, key=lambda h: h.passage.video_id in videos)  # stable: rank kept
    for h in rest:
        if len(citations) >= CITATIONS:
            break
        key = (h.passage.video_id, h.passage.start)
        mine = set(h.passage.text.lower().split())
        if key in shown or any(
            c.video_id == h.passage.video_id
            and len(mine & set(c.text.lower().split())) >= 0.8 * len(mine)
            for c in citations
        ):
            continue  # already cited, or a summary line that repeats a cited passage
        shown.add(key)
        citations.append(citation(h))


# --- with a model -----------------------------------------------------------------------------

SYSTEM = (
    "You answer questions about a person's library of videos, talks and meetings, using ONLY "
    "the numbered passages you are given. Never use outside knowledge. Reply with JSON only."
)
PROMPT = """Passages from the library (number, video title, time, text):

{passages}

Question: {question}

Answer in a few short sentences. After each sentence give the number of the one passage that
says it. If the passages do not answer the question, set "found" to false.
Reply with JSON: {{"found": true, "sentences": [{{"text": "...", "cite": 1}}]}}"""

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "found": {"type": "boolean"},
        "sentences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "cite": {"type": "integer"}},
                "required": ["text", "cite"],
            },
        },
    },
    "required": ["found", "sentences"],
}


def _shown(hits: Sequence[Hit]) -> str:
    from distill.timefmt import clock

    lines = []
    for n, h in enumerate(hits, start=1):
        when = f" at {clock(h.passage.start)}" if h.passage.start is not None else ""
        title = " ".join(h.passage.title.split())
        lines.append(f"[{n}] ({title}{when}) {h.passage.text}")
    return "\n".join(lines)


def _reply(text: str, data: Any) -> tuple[bool, list[tuple[str, int | None]]]:
    """(found, [(sentence, cited passage number)]) from a model reply; LLMError if unusable."""
    from distill.errors import LLMError
    from distill.llm.jsonfix import JSONReplyError, parse_json

    if data is None:
        try:
            data, _ = parse_json(text)
        except JSONReplyError:
            raise LLMError(
                "the model's answer was not the JSON asked for; try again or use another "
                "model with --model."
            ) from None
    if not isinstance(data, dict):
        return False, []
    out: list[tuple[str, int | None]] = []
    for s in data.get("sentences") or []:
        if not isinstance(s, dict) or not isinstance(s.get("text"), str):
            continue
        cite = s.get("cite")
        try:
            number = int(cite) if cite is not None else None
        except (TypeError, ValueError):
            number = None
        if s["text"].strip():
            out.append((" ".join(s["text"].split()), number))
    return bool(data.get("found", bool(out))), out


def _answer_with_model(question: str, hits: list[Hit], model: str) -> LibraryAnswer:
    """A written answer that may only cite the passages shown; every citation checked."""
    from distill.llm import Message, get_model
    from distill.summarize import ground

    shown = hits[:MODEL_PASSAGES]
    llm = get_model(model)
    prompt = PROMPT.format(passages=_shown(shown), question=question)
    reply = llm.complete(
        [Message("system", SYSTEM), Message("user", prompt)],
        schema=SCHEMA,
        max_tokens=400,
    )
    found, sentences = _reply(reply.text, reply.data)
    if not found or not sentences:
        out = LibraryAnswer(answer=NOT_ANSWERED, citations=[], found=False)
        out.citations = [citation(h) for h in shown[:3]]
        return out
    claims = [
        (text, (n - 1) if n is not None and 1 <= n <= len(shown) else None) for text, n in sentences
    ]
    # Each passage was shown with its video's title, which the answer may name.
    titles = [h.passage.title for h in shown]
    verdicts = ground([h.passage.text for h in shown], claims, titles=titles)
    kept: list[str] = []
    cited: list[int] = []
    counts = {"grounded": 0, "repaired": 0, "dropped": 0}
    for (text, _), (passage, verdict) in zip(claims, verdicts, strict=True):
        counts[verdict] += 1
        if passage is None:
            continue
        kept.append(text)
        if passage not in cited:
            cited.append(passage)
    if not kept:
        out = LibraryAnswer(answer=NOT_ANSWERED, citations=[], found=False, **counts)
        out.citations = [citation(h) for h in shown[:3]]
        return out
    return LibraryAnswer(
        answer=" ".join(kept),
        citations=[citation(shown[i]) for i in cited][:CITATIONS],
        found=True,
        **counts,
    )


def dumps(answer: LibraryAnswer) -> str:
    """The answer as the documented JSON object, one line."""
    return json.dumps(answer.contract(), ensure_ascii=False)
