"""Full-text search over the library: moments (summary and transcript lines) and titles."""

from __future__ import annotations

from collections.abc import Collection

from distill.library.backends import KINDS, HitKind
from distill.library.database import Database
from distill.library.models import SearchHit, SearchResults
from distill.library.query import parse_query

MAX_OFFSET = 1000  # deeper pages: narrow the query instead
TITLES_SHOWN = 5


class SearchStore(Database):
    """The search methods of the Library, over its backend's full-text index."""

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        channel_id: str | None = None,
        kinds: Collection[str] | None = None,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Full-text search over titles, summaries and transcript segments; best first.

        Any text is accepted: only its words (and "quoted phrases") are searched, so search
        syntax in the query can never cause an error; `word*` matches words starting with
        it. No words means no hits. `kinds` limits the hits to some of "title", "summary",
        "transcript". Moments come before titles; a transcript line that a summary line of
        its video quotes is listed once.
        """
        parsed = parse_query(query)
        wanted = tuple(k for k in KINDS if kinds is None or k in kinds)
        if parsed.empty or limit <= 0 or not wanted:
            return []
        with self._read() as conn:
            return self._backend.search(
                conn,
                parsed,
                limit=limit,
                channel_id=channel_id,
                kinds=wanted,
                offset=max(0, min(offset, MAX_OFFSET)),
            )

    def search_results(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        channel_id: str | None = None,
        any_word: bool = True,
    ) -> SearchResults:
        """One page of moments (summary lines and transcript lines), the videos whose titles
        match, and the words that matched nothing. Without `any_word`, moments must have every
        word (`partial` says when none has)."""
        parsed = parse_query(query)
        offset = max(0, min(offset, MAX_OFFSET))
        out = SearchResults(query=query, offset=offset, limit=limit)
        if parsed.empty or limit <= 0:
            return out
        moments: tuple[HitKind, ...] = ("summary", "transcript")
        with self._read() as conn:
            found, partial = self._backend.search_all_or_any(
                conn,
                parsed,
                limit=offset + limit + 1,
                channel_id=channel_id,
                kinds=moments,
                any_word=any_word,
            )
            out.partial = partial
            titles, _ = self._backend.search_all_or_any(
                conn, parsed, limit=TITLES_SHOWN, channel_id=channel_id, kinds=("title",)
            )
            if partial or (not found and not titles and len(parsed.terms) > 1):
                out.unmatched = self._backend.unmatched(conn, parsed)
        out.hits = found[offset : offset + limit]
        out.has_more = len(found) > offset + limit
        out.titles = titles
        return out
