"""How distill reaches YouTube: the proxy and cookies settings reach youtube-transcript-api and
yt-dlp alike, yt-dlp finds the Deno runtime installed with distill, and a blocked request says
what to do."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import youtube_transcript_api as yta

from distill.errors import InputError
from distill.settings import get_settings
from distill.sources.youtube_access import transcript_api, ytdlp_options
from distill.sources.youtube_errors import YouTubeBlockedError, caption_error, metadata_error

PROXY = "http://user:secret@proxy.example:3128"
COOKIES = (
    "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t2147483647\tSID\tsigned-in-session\n"
)


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(COOKIES)
    monkeypatch.setenv("DISTILL_YOUTUBE_PROXY", PROXY)
    monkeypatch.setenv("DISTILL_YOUTUBE_COOKIES", str(cookies))
    get_settings.cache_clear()
    yield cookies
    get_settings.cache_clear()


def test_yt_dlp_gets_the_proxy_the_cookies_and_deno(configured: Path) -> None:
    from yt_dlp import YoutubeDL

    options = ytdlp_options()
    assert options["proxy"] == PROXY
    assert options["cookiefile"] == str(configured)
    with YoutubeDL({**options, "quiet": True}) as ydl:
        deno = ydl._js_runtimes["deno"].info  # what yt-dlp will solve YouTube's challenges with
        assert deno is not None and deno.supported
        assert (
            ydl.cookiejar.get_cookie_header("https://www.youtube.com/") == "SID=signed-in-session"
        )
    ran = subprocess.run(
        [deno.path, "eval", "console.log(6 * 7)"], capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "42"
    import yt_dlp_ejs  # yt-dlp's JavaScript components, installed with distill

    assert yt_dlp_ejs.__name__ == "yt_dlp_ejs"


def test_the_transcript_api_gets_the_proxy_and_the_cookies(configured: Path) -> None:
    api = transcript_api()
    session = api._fetcher._http_client
    assert session.proxies == {"http": PROXY, "https": PROXY}
    assert session.cookies.get("SID", domain=".youtube.com") == "signed-in-session"


def test_without_settings_nothing_is_added(distill_home: Path) -> None:
    options = ytdlp_options()
    assert "proxy" not in options and "cookiefile" not in options
    assert transcript_api()._fetcher._http_client.proxies == {}


@pytest.mark.parametrize(
    ("env", "value", "phrase"),
    [
        ("DISTILL_YOUTUBE_PROXY", "proxy.example:3128", "is not a proxy URL"),
        ("DISTILL_YOUTUBE_COOKIES", "/nonexistent/cookies.txt", "does not exist"),
    ],
)
def test_a_wrong_setting_gets_one_sentence(
    distill_home: Path, monkeypatch: pytest.MonkeyPatch, env: str, value: str, phrase: str
) -> None:
    monkeypatch.setenv(env, value)
    get_settings.cache_clear()
    with pytest.raises(InputError, match=phrase) as caught:
        ytdlp_options()
    assert env in str(caught.value) and str(caught.value).endswith(".")


def test_a_cookies_file_in_another_format_is_named(distill_home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bad = distill_home / "cookies.json"
    bad.write_text('[{"name": "SID"}]')
    monkeypatch.setenv("DISTILL_YOUTUBE_COOKIES", str(bad))
    get_settings.cache_clear()
    with pytest.raises(InputError, match="not a Netscape cookies file"):
        transcript_api()


@pytest.mark.parametrize(
    "error",
    [
        caption_error("dQw4w9WgXcQ", yta.RequestBlocked("dQw4w9WgXcQ")),
        caption_error("dQw4w9WgXcQ", yta.IpBlocked("dQw4w9WgXcQ")),
        metadata_error("dQw4w9WgXcQ", Exception("ERROR: Sign in to confirm you're not a bot")),
    ],
)
def test_a_blocked_request_names_the_settings_and_the_extension(error: object) -> None:
    assert isinstance(error, YouTubeBlockedError)
    message = str(error)
    assert "DISTILL_YOUTUBE_PROXY" in message and "DISTILL_YOUTUBE_COOKIES" in message
    assert "browser extension" in message
    assert message.endswith(".") and ". " not in message[:-1]
