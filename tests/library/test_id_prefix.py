"""Ids by unique prefix (as git does), on SQLite and PostgreSQL: videos, channels and jobs."""

from __future__ import annotations

import pytest

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import AmbiguousIdError, NotFoundError
from distill.library import Library


def caption_transcript(video_id: str, channel: str | None = None) -> Transcript:
    meta = VideoMeta(kind="captions", id=video_id, title=video_id, channel=channel)
    return Transcript(meta=meta, segments=[Segment(start=0.0, end=2.0, text="hello there")])


@pytest.fixture
def ids(lib: Library) -> Library:
    for vid in (
        "determinant-b2e4e426",
        "determinant-3fa01b22",
        "detroit-techno-11aa22bb",
        "eulers-formula-poem-9c0ffee1",
        "AbCdEfGhIjK",
        "50-percent_off-12345678",
    ):
        lib.save_transcript(caption_transcript(vid, channel="Math Channel"))
    return lib


def test_exact_id_and_unique_prefix_give_the_full_id(ids: Library):
    assert ids.resolve_video_id("determinant-b2e4e426") == "determinant-b2e4e426"
    assert ids.resolve_video_id("determinant-b") == "determinant-b2e4e426"
    assert ids.resolve_video_id("eul") == "eulers-formula-poem-9c0ffee1"
    assert ids.resolve_video_id("e") == "eulers-formula-poem-9c0ffee1"
    assert ids.resolve_video_id("detr") == "detroit-techno-11aa22bb"


def test_prefixes_are_case_sensitive_and_literal(ids: Library):
    # YouTube ids differ by case; LIKE wildcards in the prefix are plain characters.
    assert ids.resolve_video_id("AbC") == "AbCdEfGhIjK"
    with pytest.raises(NotFoundError):
        ids.resolve_video_id("abc")
    assert ids.resolve_video_id("50-percent_") == "50-percent_off-12345678"
    with pytest.raises(NotFoundError):
        ids.resolve_video_id("50%")
    with pytest.raises(NotFoundError):
        ids.resolve_video_id("_0")


def test_an_ambiguous_prefix_names_the_ids_it_matches(ids: Library):
    with pytest.raises(AmbiguousIdError) as caught:
        ids.resolve_video_id("det")
    message = str(caught.value)
    assert message.count(".") == 1 and message.endswith(".")  # one sentence
    for vid in ("determinant-3fa01b22", "determinant-b2e4e426", "detroit-techno-11aa22bb"):
        assert vid in message
    assert "'det' matches 3 videos" in message


def test_many_matches_are_cut_to_the_first_few(lib: Library):
    for n in range(12):
        lib.save_transcript(caption_transcript(f"talk-{n:02d}-0000000{n % 10}"))
    with pytest.raises(AmbiguousIdError) as caught:
        lib.resolve_video_id("talk")
    message = str(caught.value)
    assert "matches 12 videos" in message and "and 7 more" in message
    assert "talk-00-00000000" in message and "talk-11-00000001" not in message


def test_no_match_and_empty_are_not_found(ids: Library):
    with pytest.raises(NotFoundError, match="distill list"):
        ids.resolve_video_id("zzz")
    with pytest.raises(NotFoundError):
        ids.resolve_video_id("")


def test_channels_and_jobs_by_prefix(ids: Library):
    assert ids.resolve_channel_id("math") == "math-channel"
    job = ids.create_job("https://www.youtube.com/watch?v=AbCdEfGhIjK")
    assert ids.resolve_job_id(job.id[:6]) == job.id
    assert ids.resolve_job_id(job.id) == job.id
    with pytest.raises(NotFoundError):
        ids.resolve_job_id("not-a-job")
