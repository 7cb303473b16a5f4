"""Hybrid retrieval over the library's passages: full-text and vector rankings fused by rank.

Reciprocal rank fusion: a passage scores sum(weight / (K + rank)) over the rankings it is in,
so neither bm25 nor cosine scores need to be comparable. A follow-up question brings the
previous question's words and vector in at a lower weight, and favours the videos it cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from distill.library.query import STOP_WORDS
from distill.library.vectors import StoredPassage

if TYPE_CHECKING:
    from distill.embed import Embedder
    from distill.library import Library

Mode = Literal["hybrid", "fulltext", "semantic"]
MODES: tuple[str, ...] = ("hybrid", "fulltext", "semantic")
RRF_K = 20  # tuned on meetings-dev: the first few ranks of each list count most
DEPTH = 60  # candidates taken from each ranking
CONTEXT_WEIGHT = 0.5  # the previous question's rankings count half
VECTOR_WEIGHT = 1.0  # the vector ranking's weight next to the full-text one's
# Questions and passages are embedded by their content words only: the embedding is a mean of
# word vectors, and question words and fillers ("um", "what did") blur it.
EMBED_CONTENT = True
COVERED = 0.8  # share of a passage's words in a better one that makes it a repeat
CITED_BONUS = 0.25  # a passage of a video cited in the conversation gains this share of a rank-1
# Cosine similarity a passage needs to count as relevant by meaning alone (no word matched).
MIN_COSINE = 0.2

_WORD = re.compile(r"[^\W_]+")
# Words that say nothing about what is asked; kept out of the full-text query (FTS5 has no stop
# words, so "what" would match nearly every passage).
STOP = STOP_WORDS | frozenset(
    [
        "let",
        "also",
        "just",
        "now",
        "tell",
        "say",
        "said",
        "says",
        "think",
        "thought",
        "talk",
        "talked",
        "talking",
        "discuss",
        "discussed",
        "discussion",
        "mention",
        "mentioned",
        "video",
        "videos",
        "speaker",
        "speakers",
        "explain",
        "explained",
        "describe",
        "described",
        "please",
        "know",
        "anything",
        "something",
        "thing",
        "things",
        "way",
        "ways",
        "get",
        "got",
        "like",
        "well",
        "okay",
        "yeah",
        "really",
        "whether",
    ]
)


def content_words(text: str) -> list[str]:
    """The words of a question worth searching for (lower-cased, no stop words, no repeats)."""
    seen: dict[str, None] = {}
    for w in _WORD.findall(text.lower()):
        if w not in STOP and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)


@dataclass
class Hit:
    """A retrieved passage: its fused score and where it stood in each ranking (1-based)."""

    passage: StoredPassage
    score: float
    word_rank: int | None = None
    meaning_rank: int | None = None
    cosine: float | None = None

    @property
    def relevant(self) -> bool:
        """Matched a word of the question, or is close enough in meaning."""
        return self.word_rank is not None or (self.cosine or 0.0) >= MIN_COSINE


@dataclass
class Context:
    """What a conversation so far adds to the next question's retrieval."""

    questions: list[str] = field(default_factory=list)
    cited_videos: list[str] = field(default_factory=list)


def _fuse(scores: dict[int, float], ranking: Sequence[int], weight: float) -> None:
    for rank, pid in enumerate(ranking, start=1):
        scores[pid] = scores.get(pid, 0.0) + weight / (RRF_K + rank)


def retrieve(
    library: Library,
    question: str,
    *,
    embedder: Embedder | None = None,
    k: int = 8,
    channel_id: str | None = None,
    mode: Mode = "hybrid",
    context: Context | None = None,
    kinds: Sequence[str] | None = None,
    refreshed: bool = False,
) -> list[Hit]:
    """The `k` passages that best match a question, best first (relevant or not: see Hit).

    `refreshed`: the caller has just brought the vector index up to date (one look is enough).
    """
    use_words = mode in ("hybrid", "fulltext")
    use_vectors = mode in ("hybrid", "semantic") and embedder is not None
    allowed = library.channel_video_ids(channel_id) if channel_id else None
    scores: dict[int, float] = {}
    word_rank: dict[int, int] = {}
    meaning: dict[int, tuple[int, float]] = {}
    previous = [q for q in (context.questions if context else []) if q.strip()][-2:]

    if use_words:
        terms = content_words(question)
        ranking = _word_ranking(library, terms, allowed)
        word_rank = {pid: r for r, pid in enumerate(ranking, start=1)}
        _fuse(scores, ranking, 1.0)
        for q in previous:
            _fuse(scores, _word_ranking(library, content_words(q), allowed), CONTEXT_WEIGHT)
    if use_vectors:
        assert embedder is not None
        if not refreshed:
            library.vectors.refresh()
        if len(library.vectors):
            texts = [meaning_text(q) for q in (question, *previous)]
            vecs = embedder.embed(texts)
            found = library.vectors.top(vecs[0], DEPTH, video_ids=allowed)
            meaning = {pid: (r, cos) for r, (pid, cos) in enumerate(found, start=1)}
            _fuse(scores, [pid for pid, _ in found], VECTOR_WEIGHT)
            for vec in vecs[1:]:
                ranked = library.vectors.top(vec, DEPTH, video_ids=allowed)
                _fuse(scores, [pid for pid, _ in ranked], CONTEXT_WEIGHT * VECTOR_WEIGHT)
    if not scores:
        return []
    candidates = sorted(scores, key=lambda pid: (-scores[pid], pid))[: max(k * 4, DEPTH)]
    stored = library.get_passages(candidates)
    if kinds is not None:
        stored = {pid: p for pid, p in stored.items() if p.kind in kinds}
    cited = set(context.cited_videos if context else [])
    if cited:
        bonus = CITED_BONUS / (RRF_K + 1)
        for pid, p in stored.items():
            if p.video_id in cited:
                scores[pid] += bonus
    order = sorted(stored, key=lambda pid: (-scores[pid], pid))
    hits: list[Hit] = []
    kept_words: list[tuple[str, set[str]]] = []
    for pid in order:
        if len(hits) >= k:
            break
        p = stored[pid]
        mine = set(_WORD.findall(p.text.lower()))
        if _covered(p.video_id, mine, kept_words):
            continue  # a summary line quoting a passage already kept says nothing new
        kept_words.append((p.video_id, mine))
        rank, cos = meaning.get(pid, (None, None))
        hits.append(Hit(p, scores[pid], word_rank.get(pid), rank, cos))
    return hits


def _covered(video_id: str, words: set[str], kept: list[tuple[str, set[str]]]) -> bool:
    """Whether most words of a passage are in one better passage of the same video."""
    return bool(words) and any(
        v == video_id and len(words & other) >= COVERED * len(words) for v, other in kept
    )


def meaning_text(text: str) -> str:
    """What is embedded of a question or passage: its content words (all of it if none)."""
    if not EMBED_CONTENT:
        return text
    return " ".join(content_words(text)) or text


def _word_ranking(library: Library, terms: list[str], allowed: set[str] | None) -> list[int]:
    """Passage ids by full-text rank for any of the terms (every term first when that finds some)."""
    if not terms:
        return []
    query = " ".join(terms)
    # Every match ranked, not only the newest (backends.POOL): answering has time to find
    # the best passage, and a channel's are picked out afterwards.
    found = library.search_passage_words(
        query, limit=DEPTH * (3 if allowed else 1), everywhere=False
    )
    ranked = [pid for pid, _ in found]
    if allowed is not None and ranked:
        keep = library.get_passages(ranked)
        ranked = [pid for pid in ranked if pid in keep and keep[pid].video_id in allowed]
    return ranked[:DEPTH]
