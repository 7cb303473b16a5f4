"""A file's title, channel and URL: from a yt-dlp .info.json lying next to it, or from the user."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from distill.domain import MetaOverride
from distill.errors import InputError, SourceError
from distill.sources import resolve
from tests.conftest import EVAL_DIR

SRT = """1
00:00:00,000 --> 00:00:04,000
Euler's formula joins five constants in one line.

2
00:00:04,000 --> 00:00:08,000
It links the exponential function with rotation.
"""
INFO = {
    "id": "zLzLxVeqdQg",
    "title": "Euler's formula poem",
    "channel": "3Blue1Brown",
    "channel_id": "UCYO_jab_esuFRV4b17AJtAw",
    "uploader": "3Blue1Brown",
    "webpage_url": "https://www.youtube.com/watch?v=zLzLxVeqdQg",
    "upload_date": "20150506",
    "duration": 61,
    "view_count": 1234,
    "description": "A short poem.",
    "chapters": [
        {"start_time": 0.0, "end_time": 4.0, "title": "Five constants"},
        {"start_time": 4.0, "end_time": 61.0, "title": "Rotation"},
    ],
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_sidecar_the_title_comes_from_the_name(tmp_path: Path):
    t = resolve(str(write(tmp_path / "eulers-formula-poem.srt", SRT)))
    assert t.meta.title == "Eulers formula poem" and t.meta.channel is None


def test_yt_dlp_info_json_next_to_subtitles(tmp_path: Path):
    # yt-dlp names them "<title> [<id>].<lang>.vtt" and "<title> [<id>].info.json".
    srt = write(tmp_path / "Euler's formula poem [zLzLxVeqdQg].en.srt", SRT)
    write(tmp_path / "Euler's formula poem [zLzLxVeqdQg].info.json", json.dumps(INFO))
    t = resolve(str(srt))
    meta = t.meta
    assert meta.kind == "captions" and meta.id.startswith("euler-s-formula-poem")
    assert meta.title == "Euler's formula poem"
    assert meta.channel == "3Blue1Brown" and meta.channel_id == "UCYO_jab_esuFRV4b17AJtAw"
    assert meta.url == "https://www.youtube.com/watch?v=zLzLxVeqdQg"
    assert meta.upload_date == "2015-05-06"
    assert meta.duration == 61.0
    assert [(c.title, c.start) for c in meta.chapters] == [
        ("Five constants", 0.0),
        ("Rotation", 4.0),
    ]
    assert t.language == "en"


def test_info_json_without_a_language_suffix(tmp_path: Path):
    write(tmp_path / "talk.info.json", json.dumps({"title": "The real title", "channel": "Ch"}))
    t = resolve(str(write(tmp_path / "talk.srt", SRT)))
    assert t.meta.title == "The real title" and t.meta.channel == "Ch"


def test_a_broken_or_hostile_info_json(tmp_path: Path):
    srt = write(tmp_path / "talk.srt", SRT)
    info = write(tmp_path / "talk.info.json", "{not json")
    with pytest.raises(SourceError) as caught:
        resolve(str(srt))
    message = str(caught.value)
    assert "talk.info.json" in message and "remove it" in message
    info.write_text(json.dumps(["a list"]), encoding="utf-8")
    with pytest.raises(SourceError):
        resolve(str(srt))
    # Odd values are dropped, never trusted: a javascript: URL, a title that is not text.
    info.write_text(
        json.dumps({"title": 42, "webpage_url": "javascript:alert(1)", "chapters": "x"}),
        encoding="utf-8",
    )
    t = resolve(str(srt))
    assert t.meta.title == "Talk" and t.meta.url is None and t.meta.chapters == []


def test_the_real_yt_dlp_info_json(tmp_path: Path):
    real = EVAL_DIR / "youtube-chapters-dev" / "info" / "pinchflat-example.info.json"
    if not real.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{real} is missing")
        pytest.skip("eval data not present")
    shutil.copyfile(real, tmp_path / "Pinchflat Example Video [ABC123].info.json")
    srt = write(tmp_path / "Pinchflat Example Video [ABC123].en.srt", SRT)
    meta = resolve(str(srt)).meta
    info = json.loads(real.read_text(encoding="utf-8"))
    assert meta.title == info["title"] and meta.channel == info["channel"]
    assert meta.url == info["webpage_url"]
    assert meta.duration == float(info["duration"])
    assert (
        meta.upload_date
        == f"{info['upload_date'][:4]}-{info['upload_date'][4:6]}-{info['upload_date'][6:]}"
    )
    assert [c.title for c in meta.chapters] == [c["title"] for c in info["chapters"]]
    assert [c.start for c in meta.chapters] == [float(c["start_time"]) for c in info["chapters"]]


def test_override_is_checked_and_applied(distill_home: Path, tmp_path: Path):
    from distill.service import Distill

    srt = write(tmp_path / "eulers-formula-poem.srt", SRT)
    with Distill() as service:
        t = service.add(
            str(srt),
            meta=MetaOverride(
                title="  Euler's identity, a poem ",
                channel="Poetry Corner",
                url="https://example.org/poem",
            ),
        )
        stored = service.library.get_video(t.meta.id)
        assert stored.title == "Euler's identity, a poem"
        assert stored.channel == "Poetry Corner" and stored.url == "https://example.org/poem"
        assert [c.id for c in service.library.list_channels()] == ["poetry-corner"]
        # A stored video takes a new title when summarized again with one.
        done = service.summarize(t.meta.id[:6], meta=MetaOverride(title="Better title"))
        assert done.summary.source.title == "Better title"
        assert service.library.get_video(t.meta.id).title == "Better title"
        assert service.library.get_video(t.meta.id).channel == "Poetry Corner"
        for bad in (
            MetaOverride(url="javascript:alert(1)"),
            MetaOverride(title="   "),
            MetaOverride(title="x" * 501),
        ):
            with pytest.raises(InputError):
                service.add(str(srt), meta=bad)
