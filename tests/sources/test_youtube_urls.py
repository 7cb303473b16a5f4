"""YouTube URL parsing: every URL form gives the video id; anything else gives None."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from distill.errors import SourceError
from distill.sources import parse_video_id, pick, resolve
from distill.sources.youtube import YouTubeSource

VID = "IHZwWFHWa-w"

URLS = [
    VID,
    f"https://www.youtube.com/watch?v={VID}",
    f"http://www.youtube.com/watch?v={VID}",
    f"https://youtube.com/watch?v={VID}",
    f"youtube.com/watch?v={VID}",
    f"www.youtube.com/watch?v={VID}",
    f"https://m.youtube.com/watch?v={VID}",
    f"https://music.youtube.com/watch?v={VID}&feature=share",
    f"https://www.youtube.com/watch?v={VID}&t=1m2s",
    f"https://www.youtube.com/watch?v={VID}&list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6&index=3",
    f"https://www.youtube.com/watch?feature=youtu.be&v={VID}",
    f"https://www.youtube.com/watch?app=desktop&v={VID}#t=30",
    f"https://youtu.be/{VID}",
    f"http://youtu.be/{VID}",
    f"youtu.be/{VID}",
    f"https://youtu.be/{VID}?si=AbCdEfGh12345678",
    f"https://youtu.be/{VID}?t=73",
    f"https://www.youtube.com/shorts/{VID}",
    f"https://youtube.com/shorts/{VID}?feature=share",
    f"https://www.youtube.com/embed/{VID}",
    f"https://www.youtube.com/embed/{VID}?start=10&autoplay=1",
    f"https://www.youtube-nocookie.com/embed/{VID}",
    f"https://www.youtube.com/live/{VID}",
    f"https://www.youtube.com/live/{VID}?si=xyz",
    f"https://www.youtube.com/v/{VID}?version=3",
    f"https://www.youtube.com/e/{VID}",
    f"  https://www.youtube.com/watch?v={VID}  ",
    f"HTTPS://WWW.YOUTUBE.COM/watch?v={VID}",
    f"//www.youtube.com/watch?v={VID}",
    f"https://www.youtube.com/attribution_link?a=xyz&u=%2Fwatch%3Fv%3D{VID}%26feature%3Dshare",
    f"https://youtube.com/v/{VID}&hl=en&fs=1",
    f"https://youtu.be/{VID}&t=5",
    f"https://youtu.be/{VID}/",
    f"https://youtube.com/shorts/{VID}/",
    f"https://m.youtube.com/shorts/{VID}",
    f"youtube.com/watch/{VID}",
    f"https://www.youtube.com/watch?v={VID}&amp;feature=youtu.be",
]

NOT_YOUTUBE = [
    "",
    "https://vimeo.com/123456789",
    f"https://example.com/watch?v={VID}",
    f"https://notyoutube.com/watch?v={VID}",
    f"https://youtube.com.evil.example/watch?v={VID}",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=waytoolongvideoid123",
    "https://www.youtube.com/@3blue1brown",
    "https://www.youtube.com/channel/UCYO_jab_esuFRV4b17AJtAw",
    "https://www.youtube.com/playlist?list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6",
    "https://youtu.be/",
    "https://www.youtube.com/attribution_link?u=%2Fchannel%2FUCYO_jab_esuFRV4b17AJtAw",
    f"https://youtube.com/v/{VID}x&hl=en",
    "ftp://youtube.com/watch?v=IHZwWFHWa-w",
    "talk.en.srt",
    "IHZwWFHWa-w.srt",
    "IHZwWFHWa-",
    "IHZwWFHWa-w1",
    "two words!!",
]


@pytest.mark.parametrize("url", URLS)
def test_every_url_form(url: str) -> None:
    assert parse_video_id(url) == VID


@pytest.mark.parametrize("text", NOT_YOUTUBE)
def test_not_youtube(text: str) -> None:
    assert parse_video_id(text) is None


def test_registry_prefers_youtube_for_urls_and_files_for_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pick(f"https://youtu.be/{VID}").name == "youtube"
    assert pick(VID).name == "youtube"
    assert pick("talk.srt").name == "captions"
    # A file that happens to be named like a video id is a file, not a video.
    monkeypatch.chdir(tmp_path)
    (tmp_path / VID).write_text("hello")
    assert pick(f"https://youtu.be/{VID}").name == "youtube"
    assert YouTubeSource().score(VID) == 0.0
    with pytest.raises(SourceError, match="has no extension"):
        pick(VID)


@pytest.mark.parametrize(
    "url",
    ["https://www.youtube.com/watch?v=short", "youtu.be/", "https://www.youtube.com/feed/trending"],
)
def test_youtube_links_without_a_video_explain_themselves(url: str) -> None:
    with pytest.raises(SourceError, match="is a YouTube link but not to one video") as info:
        resolve(url)
    assert not re.search(r"[.!?] +[A-Z]", str(info.value)[:-1])


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/@3blue1brown",
        "https://www.youtube.com/playlist?list=PLZHQObOWTQDNPOjrT6KVlfJuKtYTftqH6",
    ],
)
def test_playlists_and_channels_are_collections_not_one_video(url: str) -> None:
    assert pick(url).name == "youtube-list"
    with pytest.raises(SourceError, match="not one video; summarize its videos") as info:
        resolve(url)
    assert not re.search(r"[.!?] +[A-Z]", str(info.value)[:-1])
