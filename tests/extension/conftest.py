"""Fixtures for the extension's tests: a real `distill serve` with a token, a local site with a
fixture YouTube watch page (served as www.youtube.com over HTTPS through Chromium's host
resolver rules) and an article, and one Chromium per module with the unpacked extension loaded."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.extension.pages import (
    CHANNEL,
    TALK,
    TITLE,
    TOKEN_VIDEO_ID,
    VIDEO_ID,
    article_html,
    json3_track,
)

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
TOKEN = "extension-browser-token"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def watch_page(video_id: str, *, captions_on: bool = True) -> str:
    """A watch page the way YouTube's has it for the extension: the player response in a script
    (video details, one caption track) and a <video> element. For TOKEN_VIDEO_ID the page's
    script fetches the captions with a token, as the player does when captions are turned on
    (unless `captions_on` is False)."""
    response = {
        "videoDetails": {
            "videoId": video_id,
            "title": TITLE,
            "author": CHANNEL,
            "lengthSeconds": str(len(TALK) * 6),
        },
        "captions": {
            "playerCaptionsTracklistRenderer": {
                "captionTracks": [
                    {
                        "baseUrl": f"https://www.youtube.com/api/timedtext?v={video_id}&lang=en",
                        "languageCode": "en",
                        "name": {"simpleText": "English"},
                    }
                ]
            }
        },
    }
    player_fetch = (
        "<script>fetch('/api/timedtext?v=" + video_id + "&lang=en&pot=player-token&fmt=json3')"
        ".then(r => r.text()).then(() => { document.body.dataset.captions = 'on'; });</script>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE} - YouTube</title>
<style>body {{ font-family: Roboto, Arial, sans-serif; margin: 0; background: #0f0f0f; color: #f1f1f1; }}
#movie_player {{ width: 800px; height: 450px; background: #000; margin: 24px; }}
video {{ width: 100%; height: 100%; }} h1 {{ margin: 0 24px; font-size: 20px; }}</style></head>
<body><div id="movie_player"><video src="/media/talk.webm" preload="auto" controls></video></div>
<h1>{TITLE}</h1><p style="margin: 8px 24px; color: #aaa">{CHANNEL}</p>
<script>var ytInitialPlayerResponse = {json.dumps(response)};</script>
{player_fetch if video_id == TOKEN_VIDEO_ID and captions_on else ""}
</body></html>"""


class SiteHandler(BaseHTTPRequestHandler):
    """The fixture site: the watch page, its caption track and media, and an article."""

    media: bytes = b""

    def log_message(self, *_: Any) -> None:
        pass

    def send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/watch" and query.get("v") in ([VIDEO_ID], [TOKEN_VIDEO_ID]):
            page = watch_page(query["v"][0], captions_on=query.get("cc") != ["0"])
            self.send(200, page.encode(), "text/html; charset=utf-8")
        elif url.path == "/api/timedtext" and query.get("fmt") == ["json3"]:
            if query.get("v") == [TOKEN_VIDEO_ID] and "pot" not in query:
                self.send(200, b"", "application/json")  # no token, no captions
            else:
                self.send(200, json3_track().encode(), "application/json")
        elif url.path == "/media/talk.webm":
            self.send_media()
        elif url.path == "/article.html":
            self.send(200, article_html().encode(), "text/html; charset=utf-8")
        else:
            self.send(404, b"not here", "text/plain")

    def send_media(self) -> None:
        """The media with byte ranges, so the player can seek."""
        data = self.media
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = int(first or 0)
            end = min(int(last) if last else len(data) - 1, len(data) - 1)
            extra = {"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes"}
            self.send(206, data[start : end + 1], "video/webm", extra)
        else:
            self.send(200, data, "video/webm", {"Accept-Ranges": "bytes"})


@dataclass
class Site:
    https_port: int  # www.youtube.com is mapped here
    http_port: int  # the article's site, bees.example, is mapped here
    http_base: str = "http://bees.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    d = tmp_path_factory.mktemp("site")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=www.youtube.com", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x1e3a5f:s=320x180:r=2",
         "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", str(len(TALK) * 6),
         "-c:v", "libvpx", "-b:v", "10k", "-c:a", "libopus", "-b:a", "8k", str(d / "talk.webm")],
        check=True,
    )  # fmt: skip
    handler = type("Handler", (SiteHandler,), {"media": (d / "talk.webm").read_bytes()})
    secure = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(d / "cert.pem", d / "key.pem")
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    plain = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (secure, plain)]
    for t in threads:
        t.start()
    yield Site(secure.server_address[1], plain.server_address[1])
    for s in (secure, plain):
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `distill serve` with an API token, on a loopback port with its own data dir."""
    home = tmp_path_factory.mktemp("home")
    port = free_port()
    env = {**os.environ, "DISTILL_HOME": str(home), "DISTILL_API_TOKEN": TOKEN}
    for name in ("DISTILL_DATABASE_URL", "DISTILL_MODEL", "DISTILL_EXTENSION_ORIGINS"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/v1/videos", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
            raise RuntimeError("distill serve did not start: " + err)
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@dataclass
class Browser:
    context: Any  # the persistent context with the extension
    worker: Any  # the extension's service worker
    id: str  # the extension's id

    def newest_tab(self) -> int:
        """The id Chrome gave the tab opened last (what the toolbar button would be given): the
        extension may not read tabs' URLs, but ids only grow."""
        ids = self.worker.evaluate("() => chrome.tabs.query({}).then(tabs => tabs.map(t => t.id))")
        return int(max(ids))


@pytest.fixture(scope="module")
def browser(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Chromium with the unpacked extension. Its copy may reach the article's site, which is what
    the toolbar button's activeTab grants a real user (a test cannot click the toolbar); it has
    no permission for the distill server, so its requests there go through CORS."""
    from playwright.sync_api import sync_playwright

    unpacked = tmp_path_factory.mktemp("ext") / "extension"
    shutil.copytree(EXTENSION, unpacked)
    manifest = json.loads((unpacked / "manifest.json").read_text())
    manifest["host_permissions"] = [site.http_base + "/*"]
    (unpacked / "manifest.json").write_text(json.dumps(manifest))
    profile = tmp_path_factory.mktemp("profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path="/usr/bin/chromium",
            headless=False,
            ignore_https_errors=True,
            viewport={"width": 1100, "height": 760},
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
                f"--disable-extensions-except={unpacked}",
                f"--load-extension={unpacked}",
                f"--host-resolver-rules=MAP www.youtube.com 127.0.0.1:{site.https_port},"
                f"MAP bees.example 127.0.0.1:{site.http_port}",
                "--ignore-certificate-errors",
            ],
        )
        try:
            worker = (
                context.service_workers[0]
                if context.service_workers
                else context.wait_for_event("serviceworker", timeout=15000)
            )
            ext_id = worker.url.split("/")[2]
            yield Browser(context, worker, ext_id)
        finally:
            context.close()


@pytest.fixture(scope="module")
def configured(browser: Browser, server: str) -> Browser:
    """The options saved with the server's URL and right token, as a user does once."""
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.id}/options.html")
    page.fill("#server", server)
    page.fill("#token", TOKEN)
    page.click("#save")
    page.wait_for_selector("#status[data-result=ok]:has-text('Connected')", timeout=15000)
    page.close()
    return browser
