"""Highlights without a time (0005): a quote on a web page or in a document, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import ConflictError
from distill.library import Library
from distill.library.store import MIGRATIONS_DIR

URL = "https://blog.example.org/posts/bees"


def article(doc_id: str = "blog-example-org-0123456789") -> Transcript:
    meta = VideoMeta(kind="article", id=doc_id, url=URL, title="Bees at work")
    paragraphs = ["Worker bees collect nectar from flowers.", "The waggle dance points the way."]
    segs = [Segment(text=t, paragraph=i) for i, t in enumerate(paragraphs, start=1)]
    return Transcript(meta=meta, language="en", segments=segs)


def test_a_page_highlight_has_no_time_and_is_listed_by_its_url(lib: Library) -> None:
    doc = lib.save_transcript(article())
    h = lib.add_highlight(
        doc,
        start=None,
        end=None,
        quote="waggle dance",
        before="The",
        after="points the way.",
        note="how they talk",
        url=URL,
        paragraph=2,
    )
    assert (h.start, h.end, h.url, h.paragraph, h.page) == (None, None, URL, 2, None)
    other = lib.add_highlight(doc, start=None, end=None, quote="nectar", url=URL, paragraph=1)
    assert [x.id for x in lib.list_highlights(url=URL)] == [h.id, other.id]
    assert lib.list_highlights(url=URL + "/other") == []
    # In paragraph order for the document; found by words through the full-text copy.
    assert [x.id for x in lib.list_highlights(video_id=doc)] == [other.id, h.id]
    assert [x.id for x in lib.list_highlights(q="talk")] == [h.id]
    with pytest.raises(ConflictError):
        lib.add_highlight(
            doc, start=None, end=None, quote="waggle dance", before="The", url=URL, paragraph=2
        )
    # The same words elsewhere on the page (other context) are another highlight.
    lib.add_highlight(doc, start=None, end=None, quote="waggle dance", before="A", url=URL)


def test_time_highlights_made_before_0005_survive_the_upgrade(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    lib = Library(db_url)
    with lib.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with lib.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO videos (id, kind, title, meta, created_at, updated_at) VALUES "
                "('vid00000001', 'youtube', 'Bees', :meta, :now, :now)"
            ),
            {"meta": VideoMeta(kind="youtube", id="vid00000001", title="Bees").model_dump_json(),
             "now": "2026-12-07 00:00:00"},
        )  # fmt: skip
        conn.execute(
            sa.text(
                'INSERT INTO highlights (video_id, start, "end", quote, before, after, note, tags, '
                "version, created_at, updated_at) VALUES ('vid00000001', 5.0, 9.0, 'queen lays', "
                "'', '', 'eggs', 'bees', 1, :now, :now)"
            ),
            {"now": "2026-12-07 00:00:00"},
        )
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    lib.close()
    with Library(db_url) as again:
        (h,) = again.list_highlights()
        assert (h.start, h.end, h.url, h.quote) == (5.0, 9.0, None, "queen lays")
        assert [x.id for x in again.list_highlights(q="eggs")] == [h.id]
        changed = again.update_highlight(h.id, h.version, note="many eggs a day")
        assert [x.id for x in again.list_highlights(q="day")] == [changed.id]
