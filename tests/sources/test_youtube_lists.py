"""YouTube playlists and channels against recorded flat listings the test makes (YouTube cannot be
reached from here): URL forms, limit and since, nested channel tabs, failures as one sentence."""

from __future__ import annotations

from typing import Any

import pytest
from yt_dlp.utils import DownloadError

from distill.errors import NetworkError, SourceError
from distill.sources import expand, pick, youtube_lists
from distill.sources.youtube_lists import list_url


def video_id(n: int) -> str:
    return f"vid{n:08d}"


def channel_listing(count: int, *, nested: bool = False) -> dict[str, Any]:
    entries = [
        {
            "_type": "url",
            "ie_key": "Youtube",
            "id": video_id(n),
            "url": f"https://www.youtube.com/watch?v={video_id(n)}",
            "title": f"Video number {n}",
            "timestamp": 1_700_000_000 - n * 86_400,
        }
        for n in range(count)
    ]
    info: dict[str, Any] = {"_type": "playlist", "id": "UCabc", "title": "Some Channel - Videos"}
    if nested:
        info["entries"] = [{"_type": "playlist", "title": "Videos", "entries": entries}]
    else:
        info["entries"] = entries
    return info


class Recorder:
    def __init__(self, info: dict[str, Any] | Exception) -> None:
        self.info = info
        self.calls: list[tuple[str, int | None]] = []

    def __call__(self, url: str, limit: int | None) -> dict[str, Any]:
        self.calls.append((url, limit))
        if isinstance(self.info, Exception):
            raise self.info
        entries = self.info["entries"]
        return {**self.info, "entries": entries[:limit] if limit else entries}


@pytest.mark.parametrize(
    ("source", "canonical", "kind"),
    [
        (
            "https://www.youtube.com/@3blue1brown",
            "https://www.youtube.com/@3blue1brown/videos",
            "channel",
        ),
        (
            "youtube.com/@3blue1brown/videos",
            "https://www.youtube.com/@3blue1brown/videos",
            "channel",
        ),
        (
            "https://m.youtube.com/@someone/shorts",
            "https://www.youtube.com/@someone/shorts",
            "channel",
        ),
        (
            "https://www.youtube.com/channel/UCYO_jab_esuFRV4b17AJtAw",
            "https://www.youtube.com/channel/UCYO_jab_esuFRV4b17AJtAw/videos",
            "channel",
        ),
        (
            "https://www.youtube.com/c/LinusTechTips",
            "https://www.youtube.com/c/LinusTechTips/videos",
            "channel",
        ),
        (
            "https://www.youtube.com/user/vsauce/featured",
            "https://www.youtube.com/user/vsauce/videos",
            "channel",
        ),
        (
            "https://www.youtube.com/playlist?list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6",
            "https://www.youtube.com/playlist?list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6",
            "playlist",
        ),
    ],
)
def test_list_urls(source: str, canonical: str, kind: str) -> None:
    assert list_url(source) == (canonical, kind)
    assert pick(source).name == "youtube-list"


def test_a_watch_url_with_a_list_is_one_video() -> None:
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6"
    assert list_url(url) is None and pick(url).name == "youtube"
    assert list_url("https://www.youtube.com/playlist?list=a b") is None


def test_channel_expands_with_limit_and_since(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder(channel_listing(500, nested=True))
    monkeypatch.setattr(youtube_lists, "fetch_flat", rec)
    found = expand("https://www.youtube.com/@someone")
    assert found is not None and found.kind == "channel" and len(found.entries) == 500
    assert found.entries[0].source == f"https://www.youtube.com/watch?v={video_id(0)}"
    assert found.entries[0].id == video_id(0) and found.entries[0].published == "2023-11-14"
    limited = expand("https://www.youtube.com/@someone", limit=10)
    assert limited is not None and len(limited.entries) == 10
    assert rec.calls[-1] == ("https://www.youtube.com/@someone/videos", 10)
    recent = expand("https://www.youtube.com/@someone", since="2023-11-10")
    assert recent is not None and [e.published for e in recent.entries][-1] == "2023-11-10"
    assert len(recent.entries) == 5


def test_failures_are_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(youtube_lists, "fetch_flat", Recorder({"title": "Empty", "entries": []}))
    with pytest.raises(SourceError, match="lists no videos"):
        expand("https://www.youtube.com/@empty")
    offline = DownloadError(
        "ERROR: Unable to download webpage: <urlopen error [Errno -3] Temporary failure in name resolution>"
    )
    monkeypatch.setattr(youtube_lists, "fetch_flat", Recorder(offline))
    with pytest.raises(NetworkError, match="Could not reach YouTube to list the channel"):
        expand("https://www.youtube.com/@someone")
    gone = DownloadError("ERROR: [youtube:tab] @nobody: This channel does not exist.")
    monkeypatch.setattr(youtube_lists, "fetch_flat", Recorder(gone))
    with pytest.raises(SourceError, match="Could not list the YouTube channel") as err:
        expand("https://www.youtube.com/@nobody")
    assert "\n" not in str(err.value)
    with pytest.raises(SourceError, match="--limit must be 1 or more"):
        expand("https://www.youtube.com/@nobody", limit=0)
    with pytest.raises(SourceError, match="--since must be a date"):
        expand("https://www.youtube.com/@nobody", since="last week")
