"""The service's browser methods: what the browser extension sends (a video's captions read on
its watch page, a web page's HTML, a highlighted selection) summarized and stored without
distill contacting YouTube or the page's site. Mixed into `distill.service.Distill`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from distill.checks import choose_model
from distill.domain import Highlight, ProgressFn, Summary, Transcript, no_progress
from distill.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from distill.library import Library
    from distill.sources.browser import BrowserCaptions


@dataclass(frozen=True)
class Summarized:
    """What the browser sent, as stored: the document's id, its transcript and its summary."""

    video_id: str
    transcript: Transcript
    summary: Summary


class BrowserService:
    """Captions, pages and page highlights from the extension; mixed into `Distill`."""

    if TYPE_CHECKING:

        @property
        def library(self) -> Library: ...

        def check_language(self, transcript: Transcript, model: str, lang: str | None) -> None: ...

        def index(self, video_id: str) -> int: ...

        def summary(
            self, video_id: str, lang: str | None = None, *, make: bool = True
        ) -> Summary | None: ...

        def summarize_stored(
            self,
            video_id: str,
            *,
            model: str | None = None,
            lang: str | None = None,
            progress: ProgressFn = no_progress,
            transcript: Transcript | None = None,
        ) -> Summary: ...

        def _index_highlight(self, h: Highlight) -> None: ...

    def summarize_captions(
        self, captions: BrowserCaptions, *, model: str | None = None, again: bool = False
    ) -> Summarized:
        """Store and summarize a video's captions sent by the browser (never contacting YouTube);
        a video already summarized is read back unless `again`."""
        from distill.sources.browser import captions_transcript

        if not again and self.library.has_video(captions.video_id):
            stored = self.summary(captions.video_id, make=False)
            if stored is not None:
                transcript = self.library.get_transcript(captions.video_id)
                return Summarized(captions.video_id, transcript, stored)
        transcript = captions_transcript(captions)
        return self._store_and_summarize(transcript, choose_model(model))

    def save_page(
        self, html: str, *, url: str, title: str | None = None, model: str | None = None
    ) -> Summarized:
        """Store a web page's HTML as the browser shows it as an article, and summarize it."""
        from distill.sources.browser import page_transcript

        url = check_page_url(url)
        return self._store_and_summarize(
            page_transcript(html, url=url, title=title), choose_model(model)
        )

    def _store_and_summarize(self, transcript: Transcript, model: str) -> Summarized:
        self.check_language(transcript, model, None)
        video_id = self.library.save_transcript(transcript)
        # Indexed once, by summarize_stored, with its summary.
        summary = self.summarize_stored(video_id, model=model, transcript=transcript)
        return Summarized(video_id, transcript, summary)

    def highlight_page(
        self,
        url: str,
        quote: str,
        *,
        before: str = "",
        after: str = "",
        note: str | None = None,
        tags: list[str] | str | None = None,
        html: str | None = None,
        title: str | None = None,
    ) -> Highlight:
        """Highlight a selection on a web page by its quote and the text around it (no time).

        The page is stored as an article first when the library does not have it yet (from
        `html`, what the browser shows); the quote's paragraph is found in the stored text.
        """
        from distill.knowledge.highlights import (
            CONTEXT_CHARS,
            MAX_QUOTE_CHARS,
            check_note,
            check_tags,
        )
        from distill.sources.browser import page_transcript
        from distill.sources.web import url_id

        url = check_page_url(url)
        clean_note, clean_tags = check_note(note), check_tags(tags)
        words = " ".join(quote.split())
        if not words:
            raise InputError("the highlight has no words; select some text on the page first.")
        if len(words) > MAX_QUOTE_CHARS:
            raise InputError(
                f"The selection is {len(words):,} characters long; highlight at most "
                f"{MAX_QUOTE_CHARS:,} characters at a time."
            )
        doc_id = url_id(url)
        if not self.library.has_video(doc_id):
            if html is None:
                raise NotFoundError(
                    f"'{url}' is not in the library yet; save the page first (or send its HTML "
                    "with the highlight)."
                )
            transcript = page_transcript(html, url=url, title=title)
            self.library.save_transcript(transcript)
            self.index(doc_id)
        meta = self.library.get_video(doc_id)
        if meta.kind not in ("article", "pdf", "book"):
            raise InputError(
                f"'{url}' is a {meta.kind} with times; highlight it on its distill page instead."
            )
        where = locate_quote(self.library.get_transcript(doc_id), words, before)
        h = self.library.add_highlight(
            doc_id,
            start=None,
            end=None,
            quote=words,
            before=" ".join(before.split())[-CONTEXT_CHARS:],
            after=" ".join(after.split())[:CONTEXT_CHARS],
            note=clean_note,
            tags=clean_tags,
            url=url,
            page=where[0],
            paragraph=where[1],
        )
        self._index_highlight(h)
        return h

    def page_highlights(self, url: str) -> list[Highlight]:
        """The highlights made on a web page, in the order they were made."""
        return self.library.list_highlights(url=check_page_url(url), limit=10_000)


def check_page_url(url: str) -> str:
    """A web page's URL as stored with its highlights: http(s), without its fragment."""
    from distill.sources.web import normalize_url

    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        raise InputError(
            f"{url[:80]!r} is not the address of a web page; send an http(s) URL of at most "
            "2,000 characters."
        )
    return normalize_url(url)


def locate_quote(transcript: Transcript, quote: str, before: str) -> tuple[int | None, int | None]:
    """(page, paragraph) of the segment where the quote is (preferring one whose text before it
    matches), or (None, None) when the stored text does not have it."""
    q = quote.lower()
    tail = " ".join(before.split()).lower()[-30:]
    found: list[tuple[int, int | None, int | None]] = []
    for seg in transcript.segments:
        text = " ".join(seg.text.split()).lower()
        at = text.find(q)
        if at >= 0:
            fits = 0 if tail and text[:at].rstrip().endswith(tail.strip()[-15:]) else 1
            found.append((fits, seg.page, seg.paragraph))
    if not found:
        return None, None
    _, page, paragraph = min(found, key=lambda f: f[0])
    return page, paragraph
