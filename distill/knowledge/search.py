"""Hybrid search for people: the full-text moments fused with passages found by meaning.

The word search finds exact moments (a transcript line, a summary line) with the matched words
marked; the vector search finds passages that say the same thing in other words. Both rankings
are fused by reciprocal rank; a moment found both ways is listed once, as the exact moment.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from distill.knowledge.retrieve import DEPTH, MIN_COSINE, RRF_K, retrieve
from distill.library.backends import HitKind
from distill.library.models import MATCH_END, MATCH_START, SearchHit, SearchResults
from distill.library.query import first_word, parse_query, words

if TYPE_CHECKING:
    from distill.embed import Embedder
    from distill.library import Library
    from distill.library.vectors import StoredPassage

SNIPPET_WORDS = 40
Match = Literal["words", "meaning", "both"]


def hybrid_search(
    library: Library,
    query: str,
    *,
    embedder: Embedder | None,
    limit: int = 20,
    offset: int = 0,
    channel_id: str | None = None,
) -> SearchResults:
    """One page of moments found by words and by meaning, fused; titles and unmatched words.

    Exact lines have every word of the query. When no line has them all, passages (a few
    sentences) with every word found somewhere stand for them; passages with only some of the
    words are left to the vectors, which rank by meaning (ranking every line or passage that has
    any word is the slowest query of all).
    """
    want = offset + limit + 1
    semantic = embedder is not None and bool(words(query))
    if semantic:
        library.vectors.refresh()
        semantic = len(library.vectors) > 0
    found = library.search_results(
        query, limit=want, offset=0, channel_id=channel_id, any_word=not semantic
    )
    out = found.model_copy(update={"offset": offset, "limit": limit})
    by_words = found.hits
    terms = {w for term in parse_query(query).terms for w in term}  # function words dropped
    word_passages: list[StoredPassage] = []
    if semantic and found.partial:
        word_passages = _passages_with_words(library, query, want, channel_id, found.unmatched)
    by_meaning: list[tuple[StoredPassage, float]] = []
    if semantic:
        hits = retrieve(
            library,
            query,
            embedder=embedder,
            k=min(DEPTH, want),
            channel_id=channel_id,
            mode="semantic",
            kinds=("transcript", "summary"),
            refreshed=True,
        )
        by_meaning = [(h.passage, h.cosine or 0.0) for h in hits if (h.cosine or 0) >= MIN_COSINE]
    if not by_meaning and not word_passages:
        out.hits = by_words[offset : offset + limit]
        out.has_more = len(by_words) > offset + limit
        return out

    passage_of = _locator([p for p, _ in by_meaning])
    scores: dict[object, float] = {}
    items: dict[object, SearchHit] = {}  # word hits
    found_passages: dict[object, tuple[StoredPassage, Match]] = {}  # made into hits if shown
    first_in: dict[int, object] = {}  # passage id -> the best word hit inside it
    for rank, hit in enumerate(by_words, start=1):
        key: object = ("hit", rank)
        items[key] = hit
        scores[key] = 1.0 / (RRF_K + rank)
        pid = passage_of(hit)
        if pid is not None:
            first_in.setdefault(pid, key)
    for rank, p in enumerate(word_passages, start=len(by_words) + 1):
        scores[p.id] = 1.0 / (RRF_K + rank)
        found_passages[p.id] = (p, "words")
    for rank, (p, _) in enumerate(by_meaning, start=1):
        key = first_in.get(p.id, p.id)
        scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
        if key in items:
            items[key] = items[key].model_copy(update={"match": "both"})
        else:
            found_passages[key] = (p, "both" if key in found_passages else "meaning")
    ordered = sorted([*items, *found_passages], key=lambda k: -scores[k])
    # Only the page shown is given snippets: marking a passage's words is most of the work.
    page = ordered[offset : offset + limit]
    out.hits = [
        (items[k] if k in items else _passage_hit(*found_passages[k], terms)).model_copy(
            update={"rank": scores[k]}
        )
        for k in page
    ]
    out.has_more = len(ordered) > offset + limit
    return out


def _locator(found: list[StoredPassage]) -> Callable[[SearchHit], int | None]:
    """A function from a word hit to the passage found by meaning that holds it (or None)."""
    by_video: dict[str, list[StoredPassage]] = {}
    for p in found:
        by_video.setdefault(p.video_id, []).append(p)

    def find(hit: SearchHit) -> int | None:
        for p in by_video.get(hit.video_id, []):
            if hit.kind == "summary" and p.kind == "summary":
                plain = _plain(hit.snippet)
                if plain and plain in p.text:
                    return p.id
            elif hit.kind == "transcript" and p.kind == "transcript" and hit.start is not None:
                start = p.start if p.start is not None else float("inf")
                end = p.end if p.end is not None else start
                if start - 1e-6 <= hit.start <= end + 1e-6:
                    return p.id
        return None

    return find


def _plain(snippet: str) -> str:
    text = snippet.replace(MATCH_START, "").replace(MATCH_END, "")
    return text.strip("…").strip()


def _passages_with_words(
    library: Library, query: str, limit: int, channel_id: str | None, unmatched: list[str]
) -> list[StoredPassage]:
    """Transcript and summary passages with every word of the query found somewhere; best
    first.

    None when no passage has them all: passages with some of the words are what the vectors
    find by meaning, and ranking every passage that has any common word is the slowest query
    of all (10-20 ms on 55,000 passages, half of an unseen search).
    """
    parsed = parse_query(query).without(unmatched)
    found = library.search_passage_words(
        parsed, limit=limit * 2, any_term=False, everywhere=channel_id is None
    )
    stored = library.get_passages([pid for pid, _ in found])
    keep = [
        stored[pid]
        for pid, _ in found
        if pid in stored
        and stored[pid].kind in ("transcript", "summary")
        and (channel_id is None or stored[pid].channel_id == channel_id)
    ]
    return keep[:limit]


def _passage_hit(p: StoredPassage, match: Match, terms: set[str]) -> SearchHit:
    """A passage, shown like a word hit: the window with most of the query's words, marked."""
    shown = p.text.split()
    starts = tuple(terms)
    seen: dict[str, bool] = {}  # a passage repeats its words: each is tested once

    def matches(token: str) -> bool:
        found = seen.get(token)
        if found is None:
            core = first_word(token)  # the token's first word, as `words` would give it
            found = seen[token] = core is not None and core.lower().startswith(starts)
        return found  # "wings" for "wing"

    marks = [matches(w) for w in shown]
    hits = [i for i, m in enumerate(marks) if m]
    # The window that holds the most matched words, so a snippet shows why it was found (the
    # first such window; hits are sorted, so a window's count is a difference of positions).
    begin, most = 0, 0
    for n, i in enumerate(hits):
        count = bisect_left(hits, i + SNIPPET_WORDS, n) - n
        if count > most:
            begin, most = i, count
    begin = max(0, min(begin - 5, len(shown) - SNIPPET_WORDS))
    window = range(begin, min(begin + SNIPPET_WORDS, len(shown)))
    marked = [f"{MATCH_START}{shown[i]}{MATCH_END}" if marks[i] else shown[i] for i in window]
    snippet = ("… " if begin else "") + " ".join(marked)
    snippet += " …" if begin + SNIPPET_WORDS < len(shown) else ""
    kind: HitKind = "summary" if p.kind == "summary" else "transcript"
    return SearchHit(
        video_id=p.video_id,
        title=p.title,
        channel=None,
        kind=kind,
        start=p.start,
        snippet=snippet,
        rank=0.0,
        match=match,
    )
