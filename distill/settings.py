"""The one settings class: every knob, read from DISTILL_* environment variables."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """distill's configuration; `DISTILL_<NAME>` overrides each field."""

    model_config = SettingsConfigDict(env_prefix="DISTILL_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("distill", appauthor=False)))
    database_url: str | None = None
    model: str = "builtin"
    whisper_model: str = "default"
    api_token: str | None = None
    # Host names the web app answers to besides 127.0.0.1, localhost and [::1] (comma-separated).
    allowed_hosts: str = ""
    # Folders the MCP server may read local files from, besides the client's roots.
    mcp_roots: str = ""
    max_upload_mb: int = 500
    max_caption_mb: int = 50
    llm_concurrency: int = 4
    llm_timeout: float = 600.0
    # Seconds between a job worker's heartbeats; one silent for three is stalled and its job
    # goes to another worker (PostgreSQL only).
    worker_heartbeat: float = 10.0
    # Hosts (as written in URLs, comma-separated) the web fetcher may reach on private addresses.
    allow_private_hosts: str = ""
    max_page_mb: int = 20
    max_enclosure_mb: int = 500
    # How often the embedded worker checks followed channels and feeds for new entries.
    follow_interval_minutes: float = 60.0
    # The address people reach this server at (https://distill.example.org): share links,
    # og:url, canonical links, the embed snippet and exported notes and cards use it instead of
    # the address a request came in on (127.0.0.1 behind a proxy).
    public_url: str | None = None
    # Readwise's highlight API; the address is a setting so the same code talks to a test server.
    readwise_token: str | None = None
    readwise_url: str = "https://readwise.io"
    # Notion: an internal integration's secret, the database (id) pages go into, the API's address.
    notion_token: str | None = None
    notion_database: str | None = None
    notion_url: str = "https://api.notion.com"
    # YouTube's image host: a video's thumbnail is fetched from <host>/vi/<id>/hqdefault.jpg only.
    youtube_images: str = "https://i.ytimg.com"
    # How distill reaches YouTube, for youtube-transcript-api and yt-dlp alike: a proxy URL
    # (http://, https:// or socks5://) and a cookies file (Netscape format) of a signed-in browser.
    youtube_proxy: str | None = None
    youtube_cookies: Path | None = None
    # Browser extensions (origins, comma-separated) allowed to call /api/v1/browser across
    # origins: the unpacked extension in extension/ has this fixed id (its manifest's key).
    extension_origins: str = "chrome-extension://mphgeibnmfiogbcmmoooambanmclenkm"

    @property
    def images_dir(self) -> Path:
        """Thumbnails kept from YouTube and drawn for other documents."""
        return self.home / "images"

    @property
    def public_base(self) -> str | None:
        """The public address without its trailing slash, if set; one sentence if it is not a
        plain http(s) address."""
        return check_public_url(self.public_url)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: DISTILL_DATABASE_URL, else a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'distill.db'}"

    @property
    def extension_origin_set(self) -> frozenset[str]:
        """The allowed extension origins, without trailing slashes."""
        parts = (o.strip().rstrip("/") for o in self.extension_origins.split(","))
        return frozenset(o for o in parts if o)

    @property
    def media_dir(self) -> Path:
        return self.home / "media"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"


def check_public_url(value: str | None) -> str | None:
    """A public base URL made canonical (no trailing slash), None when unset; an InputError
    naming the setting when it is not an http(s) address with a host and nothing after its path."""
    from urllib.parse import urlsplit

    from distill.errors import InputError

    url = (value or "").strip().rstrip("/")
    if not url:
        return None
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or re.search(r"[\s\"'<>\\`]", url)
    ):
        raise InputError(
            f"DISTILL_PUBLIC_URL is {value!r}, not a plain http(s) address; set it to the address "
            "people reach this server at, such as https://distill.example.org."
        )
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
