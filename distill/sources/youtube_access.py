"""How distill reaches YouTube: the proxy and cookies file of the settings, used by both
youtube-transcript-api and yt-dlp, and the JavaScript runtime yt-dlp needs (Deno, from PyPI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distill.errors import InputError


def _settings() -> tuple[str | None, Path | None]:
    from distill.settings import get_settings

    s = get_settings()
    proxy = (s.youtube_proxy or "").strip() or None
    return proxy, s.youtube_cookies


def check_proxy(proxy: str) -> str:
    """The proxy URL as given, when it has a scheme yt-dlp and requests both take."""
    if not proxy.lower().startswith(("http://", "https://", "socks5://", "socks5h://")):
        raise InputError(
            f"DISTILL_YOUTUBE_PROXY ({proxy[:80]!r}) is not a proxy URL; give one like "
            "http://user:pass@host:3128 or socks5://host:1080."
        )
    return proxy


def check_cookies(path: Path) -> Path:
    """The cookies file, when it exists and is in the Netscape format both libraries read."""
    from http.cookiejar import LoadError, MozillaCookieJar

    try:
        MozillaCookieJar(str(path)).load(ignore_discard=True, ignore_expires=True)
    except FileNotFoundError:
        raise InputError(
            f"DISTILL_YOUTUBE_COOKIES names {path}, which does not exist; export your YouTube "
            "cookies to that file (Netscape format) or unset the setting."
        ) from None
    except (LoadError, OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"DISTILL_YOUTUBE_COOKIES ({path}) is not a Netscape cookies file ({exc}); export "
            "it again with a cookies.txt exporter."
        ) from None
    return path


def ytdlp_options() -> dict[str, Any]:
    """What every yt-dlp call adds to its options: the proxy, the cookies file, and Deno."""
    proxy, cookies = _settings()
    options: dict[str, Any] = {}
    if proxy:
        options["proxy"] = check_proxy(proxy)
    if cookies is not None:
        options["cookiefile"] = str(check_cookies(cookies))
    try:
        from deno import find_deno_bin

        options["js_runtimes"] = {"deno": {"path": find_deno_bin()}}
    except (ImportError, FileNotFoundError, OSError):
        pass  # yt-dlp then looks for a runtime on PATH itself
    return options


def transcript_session() -> Any:
    """A requests session for youtube-transcript-api with the cookies file loaded."""
    import requests

    session = requests.Session()
    _, cookies = _settings()
    if cookies is not None:
        from http.cookiejar import MozillaCookieJar

        jar = MozillaCookieJar(str(check_cookies(cookies)))
        jar.load(ignore_discard=True, ignore_expires=True)
        for cookie in jar:
            session.cookies.set_cookie(cookie)
    return session


def transcript_api() -> Any:
    """A YouTubeTranscriptApi that goes through the proxy and sends the cookies, if set."""
    from youtube_transcript_api import YouTubeTranscriptApi

    proxy, _ = _settings()
    config = None
    if proxy:
        from youtube_transcript_api.proxies import GenericProxyConfig

        config = GenericProxyConfig(http_url=check_proxy(proxy), https_url=proxy)
    return YouTubeTranscriptApi(proxy_config=config, http_client=transcript_session())
