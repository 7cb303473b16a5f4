"""The service's export methods (Obsidian, Anki, JSON backups, Readwise, Notion, quote cards). `Distill` has them;
they read the library one document at a time (bounded memory for any library) and hand each to
the export module of its target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distill.domain import ProgressFn, Summary, no_progress
from distill.exports.documents import ExportDoc

if TYPE_CHECKING:
    from distill.exports.anki import AnkiReport
    from distill.exports.backup import BackupReport
    from distill.exports.backup import ProgressFn as BackupProgress
    from distill.exports.notion import NotionReport
    from distill.exports.obsidian import ObsidianReport
    from distill.exports.readwise import ReadwiseReport
    from distill.library import Library

HIGHLIGHTS_PER_DOCUMENT = 10_000


def public_url() -> str | None:
    """This server's public address (DISTILL_PUBLIC_URL) without a trailing slash, if set."""
    from distill.settings import get_settings

    return get_settings().public_base


class ExportService:
    """Exports of the library; mixed into `Distill`, which gives the rest."""

    if TYPE_CHECKING:

        @property
        def library(self) -> Library: ...

        def summary(
            self, video_id: str, lang: str | None = None, *, make: bool = True
        ) -> Summary | None: ...

        def channel_id(self, ref: str) -> str: ...

    def export_ids(self, *, channel: str | None = None, tag: str | None = None) -> list[str]:
        """The documents an export covers: all, one channel's (id or name), or those with a
        highlight tagged `tag`; oldest first."""
        channel_id = self.channel_id(channel) if channel else None
        return self.library.export_video_ids(channel_id=channel_id, tag=(tag or "").strip() or None)

    def export_doc(self, video_id: str) -> ExportDoc:
        """One document as the exports see it (its stored summary; none is made here)."""
        return ExportDoc(
            meta=self.library.get_video(video_id),
            summary=self.summary(video_id, make=False),
            highlights=self.library.list_highlights(
                video_id=video_id, limit=HIGHLIGHTS_PER_DOCUMENT
            ),
            public_url=public_url(),
        )

    def export_docs(
        self, ids: list[str], progress: ProgressFn = no_progress, stage: str = "export"
    ) -> Iterator[ExportDoc]:
        """The documents one at a time, with progress."""
        total = float(len(ids))
        progress(stage, 0.0, total)
        for done, video_id in enumerate(ids, 1):
            yield self.export_doc(video_id)
            progress(stage, float(done), total)

    def export_obsidian(
        self,
        folder: str | Path,
        *,
        channel: str | None = None,
        tag: str | None = None,
        progress: ProgressFn = no_progress,
    ) -> ObsidianReport:
        """Write a note per document into an Obsidian vault folder, updating earlier notes in place."""
        from distill.exports.obsidian import Vault

        vault = Vault(Path(folder))  # refused before any work when it cannot be written
        for doc in self.export_docs(self.export_ids(channel=channel, tag=tag), progress):
            vault.write(doc)
        return vault.report

    def quote_card(self, video_id: str, item: str, lang: str | None = None) -> bytes:
        """A PNG quote card of one item of a document: 'summary' (its TL;DR, the page's preview
        image), 'insight-N', 'qa-N', 'takeaway-N' (counted from 1) or 'highlight-ID'."""
        from distill.errors import NotFoundError
        from distill.exports.cards import Card, parse_item, render_card
        from distill.exports.moments import Moment

        kind, number = parse_item(item)
        meta = self.library.get_video(video_id)
        byline = meta.author or meta.channel
        if kind == "highlight":
            h = self.library.get_highlight(number)
            if h.video_id != video_id:
                raise NotFoundError(f"highlight {number} is not one of {video_id}'s highlights.")
            when = Moment.of(h).label()
            return render_card(Card(h.quote, "Highlight", meta.title, byline, when))
        s = self.summary(video_id, lang, make=False)
        if s is None:
            raise NotFoundError(f"{video_id} has no summary in that language yet, so no card.")
        if kind == "summary":
            return render_card(Card(s.tldr, "TL;DR", meta.title, byline))
        groups: dict[str, list[Any]] = {
            "insight": list(s.insights),
            "qa": list(s.qa),
            "takeaway": list(s.takeaways),
        }
        items = groups[kind]
        if number > len(items):
            raise NotFoundError(f"the summary of {video_id} has no {kind} {number}.")
        found = items[number - 1]
        when = Moment.of(found).label()
        if kind == "qa":
            question = f"Q: {found.question}"
            return render_card(Card(found.answer, question, meta.title, byline, when))
        label, emoji = ("Key insight", found.emoji) if kind == "insight" else ("Takeaway", None)
        return render_card(Card(found.text, label, meta.title, byline, when, emoji))

    def thumbnail(self, video_id: str) -> tuple[bytes, str]:
        """A document's thumbnail and its media type: a YouTube video's own image (fetched once
        and kept), else one drawn from its kind and title."""
        from distill.exports.thumbnails import drawn_thumbnail, youtube_thumbnail
        from distill.settings import get_settings

        meta = self.library.get_video(video_id)
        settings = get_settings()
        if meta.kind == "youtube":
            kept = youtube_thumbnail(meta.id, settings.images_dir, settings.youtube_images)
            if kept is not None:
                return kept, "image/jpeg"
        return drawn_thumbnail(meta, settings.images_dir), "image/png"

    def export_anki(
        self,
        path: str | Path,
        *,
        channel: str | None = None,
        tag: str | None = None,
        progress: ProgressFn = no_progress,
    ) -> AnkiReport:
        """An Anki deck of every summary's questions and insights, with stable ids."""
        from distill.exports.anki import AnkiDeck

        deck = AnkiDeck(Path(path))
        for doc in self.export_docs(self.export_ids(channel=channel, tag=tag), progress):
            deck.add(doc)
        return deck.write()

    def export_json(
        self, folder: str | Path, *, progress: BackupProgress | None = None
    ) -> BackupReport:
        """A lossless backup of the whole library (every row of every table)."""
        from distill.exports.backup import export_library

        return export_library(self.library, Path(folder), progress=progress)

    def import_json(
        self, folder: str | Path, *, progress: BackupProgress | None = None
    ) -> BackupReport:
        """Restore a backup into this (empty) library, verified row by row."""
        from distill.exports.backup import import_library

        return import_library(self.library, Path(folder), progress=progress)

    def push_readwise(
        self,
        *,
        channel: str | None = None,
        tag: str | None = None,
        summaries: bool = False,
        progress: ProgressFn = no_progress,
    ) -> ReadwiseReport:
        """Send highlights (and with `summaries` the summaries' items) to Readwise; only what is
        new or changed since the last push is sent."""
        from distill.errors import InputError
        from distill.exports.readwise import TARGET, ReadwiseClient, ReadwiseReport, push_document
        from distill.settings import get_settings

        settings = get_settings()
        token = (settings.readwise_token or "").strip()
        if not token:
            raise InputError(
                "no Readwise token is set; set DISTILL_READWISE_TOKEN to the token from "
                "readwise.io/access_token."
            )
        client = ReadwiseClient(token, settings.readwise_url)
        client.check()  # a wrong token is one sentence before anything is sent
        report = ReadwiseReport()
        lib = self.library
        for doc in self.export_docs(self.export_ids(channel=channel, tag=tag), progress):
            push_document(
                doc,
                client,
                lib.pushed(TARGET, doc.meta.id),
                lambda done: lib.record_pushes(TARGET, done),
                report,
                summaries=summaries,
            )
        return report

    def push_notion(
        self,
        *,
        channel: str | None = None,
        tag: str | None = None,
        progress: ProgressFn = no_progress,
    ) -> NotionReport:
        """A page per document in the Notion database of the settings, updated in place; pages
        whose content did not change are left alone."""
        from distill.errors import InputError
        from distill.exports.notion import TARGET, NotionExport, NotionReport
        from distill.settings import get_settings

        settings = get_settings()
        token = (settings.notion_token or "").strip()
        database = (settings.notion_database or "").strip()
        if not token:
            raise InputError(
                "no Notion token is set; set DISTILL_NOTION_TOKEN to the secret of an internal "
                "integration (notion.so/my-integrations) that the database is shared with."
            )
        if not database:
            raise InputError(
                "no Notion database is set; set DISTILL_NOTION_DATABASE to the id in the "
                "database's link (the 32 characters before ?v=)."
            )
        notion = NotionExport(token, database, settings.notion_url)
        notion.check()  # a wrong token or an unshared database is one sentence before any page
        report = NotionReport()
        lib = self.library
        for doc in self.export_docs(self.export_ids(channel=channel, tag=tag), progress):
            known = lib.pushed(TARGET, doc.meta.id).get("page")
            done = notion.push(doc, known, report)
            if done is not known:
                lib.record_pushes(TARGET, [done])
        return report
