"""Loading YouTube videos against recorded responses: the two network calls are replaced, the rest is real."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import requests
import youtube_transcript_api as yta
from yt_dlp.utils import DownloadError

from distill.domain import Segment, Transcript, VideoMeta
from distill.errors import NetworkError, SourceError
from distill.sources import resolve, youtube
from distill.sources.youtube import CaptionTrack
from distill.sources.youtube_errors import (
    AgeRestrictedError,
    NoCaptionsError,
    PrivateVideoError,
    RegionBlockedError,
    VideoUnavailableError,
    YouTubeBlockedError,
)

VID = "dQw4w9WgXcQ"

INFO: dict[str, Any] = {
    "id": VID,
    "title": "A talk about <b>things</b> & stuff",
    "channel": "Some Channel",
    "channel_id": "UC1234567890abcdefghijkl",
    "uploader": "someuploader",
    "upload_date": "20160305",
    "duration": 1265,
    "view_count": 123456,
    "thumbnail": "https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg",
    "description": "What the talk covers.",
    "language": "en",
    "chapters": [
        {"start_time": 0.0, "end_time": 60.0, "title": "Intro"},
        {"start_time": 60.0, "end_time": 1265.0, "title": "The main part"},
    ],
}

MANUAL_EN = [
    {"text": "Welcome to this talk.", "start": 0.5, "duration": 2.0},
    {"text": "Today we look at", "start": 2.6, "duration": 1.5},
    {"text": "how captions work &amp; why.", "start": 4.1, "duration": 2.0},
    {"text": "[Music]", "start": 6.5, "duration": 3.0},
    {"text": ">> Thanks for having me.", "start": 10.0, "duration": 2.0},
]
AUTO_EN = [
    {"text": "welcome to this talk today", "start": 0.4, "duration": 2.2},
    {"text": "we look at how captions work", "start": 2.5, "duration": 3.0},
    {"text": "and why", "start": 9.0, "duration": 1.0},
]
MANUAL_DE = [{"text": "Willkommen zu diesem Vortrag.", "start": 0.5, "duration": 2.0}]


class Recorder:
    """Replaces the two network calls with recorded responses, noting what was asked."""

    def __init__(
        self,
        tracks: list[CaptionTrack] | Exception,
        info: dict[str, Any] | Exception | None = None,
    ) -> None:
        self.tracks = tracks
        self.info = INFO if info is None else info
        self.fetched: list[tuple[str, str | None]] = []
        self.track_calls = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Recorder:
        monkeypatch.setattr(youtube, "fetch_caption_tracks", self.fetch_caption_tracks)
        monkeypatch.setattr(youtube, "fetch_metadata", self.fetch_metadata)
        return self

    def fetch_caption_tracks(self, video_id: str) -> list[CaptionTrack]:
        assert video_id == VID
        self.track_calls += 1
        if isinstance(self.tracks, Exception):
            raise self.tracks
        return self.tracks

    def fetch_metadata(self, video_id: str) -> dict[str, Any]:
        assert video_id == VID
        if isinstance(self.info, Exception):
            raise self.info
        return dict(self.info)

    def track(
        self,
        code: str,
        snippets: list[dict[str, Any]] | Exception,
        *,
        generated: bool = False,
        translations: tuple[str, ...] = (),
    ) -> CaptionTrack:
        def fetcher(translate_to: str | None) -> list[dict[str, Any]]:
            self.fetched.append((code, translate_to))
            if isinstance(snippets, Exception):
                raise snippets
            if translate_to:
                return [{**s, "text": f"{translate_to.upper()} {s['text']}"} for s in snippets]
            return snippets

        return CaptionTrack(code, code.upper(), generated, list(translations), fetcher)


def standard(monkeypatch: pytest.MonkeyPatch, info: Any = None) -> Recorder:
    rec = Recorder([], info)
    rec.tracks = [
        rec.track("en", MANUAL_EN, translations=("fr", "de")),
        rec.track("de", MANUAL_DE),
        rec.track("en", AUTO_EN, generated=True, translations=("fr",)),
    ]
    return rec.install(monkeypatch)


def no_audio_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the Whisper fallback unavailable, as when the speech extra is not installed."""
    monkeypatch.setitem(sys.modules, "distill.transcribe.youtube_audio", None)


def test_manual_track_preferred_and_metadata_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(monkeypatch)
    t = resolve(f"https://youtu.be/{VID}?si=abc")
    assert rec.fetched == [("en", None)]
    assert t.origin == "manual"
    assert t.language == "en"
    assert [s.text for s in t.segments] == [
        "Welcome to this talk.",
        "Today we look at how captions work & why.",
        "Thanks for having me.",
    ]
    assert t.segments[1].start == 2.6 and t.segments[1].end == 6.1
    m = t.meta
    assert (m.kind, m.id, m.url) == ("youtube", VID, f"https://www.youtube.com/watch?v={VID}")
    assert m.title == INFO["title"]
    assert (m.channel, m.channel_id) == ("Some Channel", INFO["channel_id"])
    assert m.upload_date == "2016-03-05"
    assert m.duration == 1265.0 and m.view_count == 123456
    assert m.thumbnail == INFO["thumbnail"] and m.description == INFO["description"]
    assert [(c.title, c.start) for c in m.chapters] == [("Intro", 0.0), ("The main part", 60.0)]


def test_requested_language_manual_track(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(monkeypatch)
    t = resolve(VID, lang="de")
    assert rec.fetched == [("de", None)]
    assert (t.origin, t.language) == ("manual", "de")
    assert t.text == "Willkommen zu diesem Vortrag."


def test_requested_language_only_by_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(monkeypatch)
    t = resolve(VID, lang="fr")
    # Translated from the manual English track, not the auto one.
    assert rec.fetched == [("en", "fr")]
    assert (t.origin, t.language) == ("translated", "fr")
    assert t.segments[0].text == "FR Welcome to this talk."
    assert t.meta.language == "en"


def test_requested_language_region_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(monkeypatch)
    t = resolve(VID, lang="en-GB")
    assert rec.fetched == [("en", None)] and t.origin == "manual"


def test_unavailable_language_falls_back_to_original(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(monkeypatch)
    t = resolve(VID, lang="ja")
    assert rec.fetched == [("en", None)]
    assert (t.origin, t.language) == ("manual", "en")


def test_auto_track_when_no_manual(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder([])
    rec.tracks = [rec.track("en", AUTO_EN, generated=True)]
    rec.install(monkeypatch)
    t = resolve(VID)
    assert (t.origin, t.language) == ("auto", "en")
    # No punctuation: units are cut at the 3.5 s pause before "and why".
    assert [s.text for s in t.segments] == [
        "welcome to this talk today we look at how captions work",
        "and why",
    ]
    assert [s.start for s in t.segments] == [0.4, 9.0]


def test_original_language_comes_from_auto_track_or_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rec = Recorder([], {**INFO, "language": None})
    rec.tracks = [
        rec.track("de", MANUAL_DE),
        rec.track("en", MANUAL_EN),
        rec.track("en", AUTO_EN, generated=True),
    ]
    rec.install(monkeypatch)
    t = resolve(VID)
    assert rec.fetched == [("en", None)] and t.origin == "manual"
    assert t.meta.language == "en"

    rec2 = Recorder([], {**INFO, "language": "de"})
    rec2.tracks = [rec2.track("en", MANUAL_EN), rec2.track("de", MANUAL_DE)]
    rec2.install(monkeypatch)
    assert resolve(VID).language == "de"


def test_metadata_failure_alone_does_not_stop_captions(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = standard(
        monkeypatch, info=DownloadError("ERROR: [youtube] dQw4w9WgXcQ: some odd failure")
    )
    t = resolve(VID)
    assert t.meta.title == VID
    assert t.meta.url == f"https://www.youtube.com/watch?v={VID}"
    assert t.meta.language == "en"
    assert t.meta.duration == 12.0  # the end of the last caption
    assert rec.fetched == [("en", None)]


@pytest.mark.parametrize(
    ("message", "cls", "phrase"),
    [
        (
            "ERROR: [youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access",
            PrivateVideoError,
            "is private",
        ),
        (
            "ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video has been removed by the uploader",
            VideoUnavailableError,
            "is unavailable",
        ),
    ],
)
def test_metadata_says_video_is_gone(
    monkeypatch: pytest.MonkeyPatch, message: str, cls: type[SourceError], phrase: str
) -> None:
    rec = standard(monkeypatch, info=DownloadError(message))
    with pytest.raises(cls, match=phrase):
        resolve(VID)
    assert rec.track_calls == 0


def one_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message
    assert ". " not in message[:-1].replace("e.g. ", ""), message


@pytest.mark.parametrize(
    ("exc", "cls", "phrase"),
    [
        (yta.VideoUnavailable(VID), VideoUnavailableError, "is unavailable"),
        (yta.InvalidVideoId(VID), VideoUnavailableError, "is unavailable"),
        (yta.AgeRestricted(VID), AgeRestrictedError, "age-restricted"),
        (yta.RequestBlocked(VID), YouTubeBlockedError, "refused to serve"),
        (yta.IpBlocked(VID), YouTubeBlockedError, "refused to serve"),
        (yta.VideoUnplayable(VID, "This video is private", []), PrivateVideoError, "is private"),
        (
            yta.VideoUnplayable(
                VID,
                "Video unavailable",
                ["The uploader has not made this video available in your country"],
            ),
            RegionBlockedError,
            "not available in this country",
        ),
        (yta.VideoUnplayable(VID, "Something new", []), SourceError, "will not play"),
        (
            yta.YouTubeRequestFailed(VID, requests.HTTPError("500 Server Error: Internal")),
            NetworkError,
            "answered with an error",
        ),
        (
            requests.ConnectionError("Name or service not known"),
            NetworkError,
            "Could not reach YouTube",
        ),
        (requests.Timeout("read timed out"), NetworkError, "Could not reach YouTube"),
        (yta.YouTubeDataUnparsable(VID), SourceError, "upgrade youtube-transcript-api"),
    ],
)
def test_caption_errors_map_to_clear_messages(
    monkeypatch: pytest.MonkeyPatch, exc: Exception, cls: type[SourceError], phrase: str
) -> None:
    Recorder(exc).install(monkeypatch)
    with pytest.raises(cls, match=phrase) as info:
        resolve(VID)
    one_sentence(str(info.value))
    assert VID in str(info.value)


@pytest.mark.parametrize(
    "exc",
    [
        yta.TranscriptsDisabled(VID),
        yta.NoTranscriptFound(VID, ["en"], "no tracks"),
    ],
)
def test_no_captions_without_whisper_gives_clear_error(
    monkeypatch: pytest.MonkeyPatch, exc: Exception
) -> None:
    Recorder(exc).install(monkeypatch)
    no_audio_fallback(monkeypatch)
    with pytest.raises(NoCaptionsError, match="has no captions") as info:
        resolve(VID)
    one_sentence(str(info.value))


def test_empty_track_list_and_empty_track(monkeypatch: pytest.MonkeyPatch) -> None:
    no_audio_fallback(monkeypatch)
    Recorder([]).install(monkeypatch)
    with pytest.raises(NoCaptionsError, match="no caption tracks"):
        resolve(VID)
    rec = Recorder([])
    rec.tracks = [rec.track("en", [{"text": "[Music]", "start": 0.0, "duration": 5.0}])]
    rec.install(monkeypatch)
    with pytest.raises(NoCaptionsError, match="caption track is empty"):
        resolve(VID)


def test_blocked_while_fetching_the_track(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder([])
    rec.tracks = [rec.track("en", yta.IpBlocked(VID))]
    rec.install(monkeypatch)
    with pytest.raises(YouTubeBlockedError):
        resolve(VID)


def test_no_captions_falls_back_to_audio_transcription(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Whisper fallback downloads audio (network), so it is replaced by a recorded result."""
    import distill.transcribe.youtube_audio as youtube_audio

    calls: list[str] = []

    def recorded(video_id: str, *, progress: Any) -> Transcript:
        calls.append(video_id)
        progress("transcribe", 1.0, 1.0)
        return Transcript(
            meta=VideoMeta(kind="youtube", id=video_id, title="From the download", duration=42.0),
            language="en",
            origin="whisper",
            segments=[Segment(start=0.0, end=2.0, text="Spoken words.")],
        )

    monkeypatch.setattr(youtube_audio, "transcribe_youtube_audio", recorded)
    Recorder(yta.TranscriptsDisabled(VID)).install(monkeypatch)
    events: list[tuple[str, float, float | None]] = []
    t = resolve(VID, progress=lambda *e: events.append(e))
    assert calls == [VID]
    assert (t.origin, t.language, t.text) == ("whisper", "en", "Spoken words.")
    assert t.meta.title == INFO["title"]  # our metadata is kept
    assert ("transcribe", 1.0, 1.0) in events

    # With the details fetch failing too, the download's details are used.
    Recorder(yta.TranscriptsDisabled(VID), DownloadError("ERROR: odd")).install(monkeypatch)
    t2 = resolve(VID)
    assert t2.meta.title == "From the download" and t2.meta.duration == 42.0


def test_network_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    offline = DownloadError(
        "ERROR: [youtube] dQw4w9WgXcQ: Unable to download webpage: <urlopen error [Errno -3] "
        "Temporary failure in name resolution> (caused by TransportError(...))"
    )
    Recorder(requests.ConnectionError("Failed to resolve 'www.youtube.com'"), offline).install(
        monkeypatch
    )
    with pytest.raises(NetworkError, match="Could not reach YouTube") as info:
        resolve(f"https://www.youtube.com/watch?v={VID}")
    one_sentence(str(info.value))


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        (
            "ERROR: [youtube] x: Sign in to confirm your age. This video may be inappropriate for some users.",
            AgeRestrictedError,
        ),
        (
            "ERROR: [youtube] x: Sign in to confirm you’re not a bot. Use --cookies",
            YouTubeBlockedError,
        ),
        ("ERROR: [youtube] x: HTTP Error 429: Too Many Requests", YouTubeBlockedError),
        (
            "ERROR: [youtube] x: The uploader has not made this video available in your country",
            RegionBlockedError,
        ),
        (
            "ERROR: [youtube] x: Unable to download webpage: <urlopen error [Errno 101] Network is unreachable>",
            NetworkError,
        ),
        ("ERROR: [youtube] x: Video unavailable", VideoUnavailableError),
        (
            "ERROR: [youtube] x: Private video. Sign in if you've been granted access to this video",
            PrivateVideoError,
        ),
        ("ERROR: [youtube] x: Something nobody has seen before", SourceError),
    ],
)
def test_ytdlp_error_texts(text: str, cls: type[SourceError]) -> None:
    error = youtube.metadata_error(VID, DownloadError(text))
    assert type(error) is cls
    one_sentence(str(error))


class RecordedSession(requests.Session):
    """An HTTP session answering caption downloads from recorded timed-text XML."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.urls.append(str(url))
        lang = str(url).split("tlang=")[1] if "tlang=" in str(url) else None
        prefix = f"{lang.upper()} " if lang else ""
        body = (
            '<?xml version="1.0" encoding="utf-8" ?><transcript>'
            f'<text start="0.5" dur="2.0">{prefix}It&amp;#39;s a recorded line.</text>'
            f'<text start="2.6" dur="1.5">{prefix}And &lt;i&gt;another&lt;/i&gt; one.</text>'
            "</transcript>"
        )
        response = requests.Response()
        response.status_code = 200
        response._content = body.encode()
        response.encoding = "utf-8"
        return response


def test_real_track_listing_code_against_recorded_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """fetch_caption_tracks itself, with youtube-transcript-api's HTTP answered from a recording."""
    session = RecordedSession()
    captions_json = {
        "captionTracks": [
            {
                "baseUrl": "https://www.youtube.com/api/timedtext?v=x&lang=en",
                "name": {"runs": [{"text": "English"}]},
                "languageCode": "en",
                "isTranslatable": True,
            },
            {
                "baseUrl": "https://www.youtube.com/api/timedtext?v=x&lang=en&kind=asr",
                "name": {"runs": [{"text": "English (auto-generated)"}]},
                "languageCode": "en",
                "kind": "asr",
                "isTranslatable": True,
            },
        ],
        "translationLanguages": [
            {"languageCode": "es", "languageName": {"runs": [{"text": "Spanish"}]}}
        ],
    }

    def recorded_list(self: Any, video_id: str) -> yta.TranscriptList:
        return yta.TranscriptList.build(session, video_id, captions_json)

    monkeypatch.setattr(yta.YouTubeTranscriptApi, "list", recorded_list)
    tracks = youtube.fetch_caption_tracks(VID)
    assert [(t.language_code, t.language, t.is_generated) for t in tracks] == [
        ("en", "English", False),
        ("en", "English (auto-generated)", True),
    ]
    assert tracks[0].translation_languages == ["es"]
    snippets = tracks[0].fetcher(None)
    assert snippets[0] == {"text": "It's a recorded line.", "start": 0.5, "duration": 2.0}

    monkeypatch.setattr(youtube, "fetch_metadata", lambda video_id: dict(INFO))
    t = resolve(VID, lang="es")
    assert (t.origin, t.language) == ("translated", "es")
    assert session.urls[-1].endswith("&tlang=es") and "kind=asr" not in session.urls[-1]
    assert [s.text for s in t.segments] == ["ES It's a recorded line.", "ES And another one."]
