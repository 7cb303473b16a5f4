"""The page reads (one connection, statements built once) against the reads they replace."""

from __future__ import annotations

import time

from distill.library import Library
from distill.service import Distill, base_language
from tests.library.test_library import make_summary, make_transcript


def fill(lib: Library) -> list[str]:
    """Videos in two channels and none; several summary and transcript languages; a translation."""
    ids = []
    for n in range(9):
        channel = ["Math Channel", "Bio Channel", None][n % 3]
        t = make_transcript(
            f"vid{n:08d}",
            title=f"Talk {n}",
            channel=channel,
            lines=[(i * 3.0, f"line {i} of talk {n}") for i in range(5 + n)],
            language=["en", "de", None][n % 3],
        )
        ids.append(lib.save_transcript(t))
        if n % 4 != 3:
            lib.save_summary(ids[-1], make_summary(t.meta, language=t.language or "en"))
        if n % 4 == 1:
            es = make_summary(t.meta, language="es", tldr="Una gira corta.")
            lib.save_summary(ids[-1], es.model_copy(update={"translated_from": "en"}))
        if n == 4:
            lib.save_transcript(make_transcript(ids[-1], title="Talk 4", language="fr"))
        time.sleep(0.002)  # distinct created_at: "newest first" has one answer
    return ids


def test_video_view_is_what_the_separate_reads_give(lib: Library):
    ids = fill(lib)
    service = Distill(lib)
    for video_id in ids:
        for lang in (None, "es", "en", "de"):
            view, shown = service.video_view(video_id, lang)
            meta = lib.get_video(video_id)
            assert view.meta == meta
            original = service.original_language(video_id)
            expected = service._stored_summary(video_id, base_language(lang), original)
            assert shown == expected or (
                expected is None and shown == service.summary(video_id, lang)
            )
            transcript = lib.get_transcript(video_id)
            assert [tuple(s) for s in view.segments] == [
                (s.start, s.end, s.text, s.speaker, s.page, s.paragraph)
                for s in transcript.segments
            ]
            assert view.transcript_language == transcript.language
            assert view.transcript_languages == lib.transcript_languages(video_id)
            reference = []
            if meta.channel_id:
                reference = [
                    m
                    for m in lib.list_videos(channel_id=meta.channel_id, limit=7)
                    if m.id != meta.id
                ][:6]
            assert [c.id for c in view.more] == [m.id for m in reference]


def test_cards_are_what_the_full_records_show(lib: Library):
    fill(lib)
    for channel in (None, "math-channel", "bio-channel"):
        for offset in (0, 2):
            cards = lib.list_cards(channel_id=channel, limit=3, offset=offset)
            full = lib.list_videos(channel_id=channel, limit=3, offset=offset)
            assert [
                (c.id, c.kind, c.title, c.duration, c.upload_date, c.channel) for c in cards
            ] == [(m.id, m.kind, m.title, m.duration, m.upload_date, m.channel) for m in full]
