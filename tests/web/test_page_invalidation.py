"""A finished job forgets only the pages its video shows on, also when another process finished it."""

from __future__ import annotations

import os
import time

from distill.domain import Segment, Transcript, VideoMeta
from distill.service import Distill


def store(library, video_id: str, channel: str) -> None:
    meta = VideoMeta(kind="youtube", id=video_id, title=f"Talk {video_id}", channel=channel)
    segments = [
        Segment(start=i * 4.0, end=i * 4.0 + 4, text=f"Bees dance number {i}.") for i in range(6)
    ]
    library.save_transcript(
        Transcript(meta=meta, language="en", origin="manual", segments=segments)
    )


def cached_paths(app) -> set[str]:
    return {key[0] for key in app.state.distill.cache._items}


def visit(client) -> None:
    for path in ["/v/aaaaaaaaaaa", "/v/bbbbbbbbbbb", "/embed/aaaaaaaaaaa", "/c/hive-one",
                 "/c/hive-two", "/search?q=bees", "/api/v1/search?q=dance"]:  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_a_finished_job_forgets_its_video_channel_and_searches_only(client, app, library):
    store(library, "aaaaaaaaaaa", "Hive One")
    store(library, "bbbbbbbbbbb", "Hive Two")
    visit(client)
    before = cached_paths(app)
    assert {"/v/aaaaaaaaaaa", "/v/bbbbbbbbbbb", "/c/hive-one", "/search"} <= before

    job = Distill(library).submit("aaaaaaaaaaa")
    library.update_job(job.id, status="done", video_id="aaaaaaaaaaa")
    app.state.distill.job_finished(library.get_job(job.id))
    assert cached_paths(app) == {"/v/bbbbbbbbbbb", "/c/hive-two"}

    # A failed job changes no video page.
    visit(client)
    failed = Distill(library).submit("bbbbbbbbbbb")
    library.update_job(failed.id, status="failed", error="no")
    app.state.distill.job_finished(library.get_job(failed.id))
    assert cached_paths(app) == before


def test_a_job_another_process_finished_is_noticed(client, app, library):
    store(library, "aaaaaaaaaaa", "Hive One")
    store(library, "bbbbbbbbbbb", "Hive Two")
    visit(client)
    job = Distill(library).submit("bbbbbbbbbbb")
    library.update_job(job.id, status="done", video_id="bbbbbbbbbbb")  # as a worker elsewhere would
    deadline = time.monotonic() + 10
    while "/v/bbbbbbbbbbb" in cached_paths(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cached_paths(app) == {"/v/aaaaaaaaaaa", "/embed/aaaaaaaaaaa", "/c/hive-one"}


def test_a_change_made_by_another_web_process_clears_this_ones_pages(client, app, library):
    store(library, "aaaaaaaaaaa", "Hive One")
    store(library, "bbbbbbbbbbb", "Hive Two")
    visit(client)
    state = app.state.distill
    assert state.changes_file is not None
    state.changed("aaaaaaaaaaa")  # this process's own mark is not news to it
    assert not state.others_changed()
    visit(client)
    state.changes_file.write_text(f"{os.getpid() + 1} 12345\n")  # another process's mark
    deadline = time.monotonic() + 10
    while cached_paths(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cached_paths(app) == set()
    assert not state.others_changed()  # seen once
