"""Thumbnails served from this server: a YouTube video's image fetched once from the image host
(a local server here) through the guarded client and kept; a drawn card for everything else and
for a video whose image cannot be had (a failure is not retried at once)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from export_helpers import RECORDING, TALK, seed
from PIL import Image

from distill.settings import get_settings


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 360), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


class ImageHost:
    """YouTube's image host as far as distill asks it: /vi/<id>/hqdefault.jpg."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.answer: tuple[int, str, bytes] = (200, "image/jpeg", jpeg())
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.paths.append(self.path)
                status, kind, body = host.answer
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def image_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImageHost]:
    host = ImageHost()
    monkeypatch.setenv("DISTILL_YOUTUBE_IMAGES", host.url)
    monkeypatch.setenv("DISTILL_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    yield host
    host.server.shutdown()
    host.server.server_close()
    host.thread.join()
    get_settings.cache_clear()


def test_a_videos_image_is_fetched_once_and_kept(service, image_host, distill_home: Path):
    seed(service, notes=False)
    data, kind = service.thumbnail(TALK)
    assert kind == "image/jpeg" and data == image_host.answer[2]
    assert image_host.paths == [f"/vi/{TALK}/hqdefault.jpg"]  # only that path, on that host
    again, _ = service.thumbnail(TALK)
    assert again == data and len(image_host.paths) == 1
    assert (distill_home / "images" / "thumbs" / f"{TALK}.jpg").read_bytes() == data


@pytest.mark.parametrize(
    "answer",
    [(404, "text/html", b"<h1>no</h1>"), (200, "image/jpeg", b"<html>not a jpeg</html>")],
)
def test_an_image_that_cannot_be_had_is_drawn_and_not_asked_again(service, image_host, answer):
    seed(service, notes=False)
    image_host.answer = answer
    data, kind = service.thumbnail(TALK)
    assert kind == "image/png" and Image.open(io.BytesIO(data)).size == (640, 360)
    service.thumbnail(TALK)
    assert len(image_host.paths) == 1  # the failure is remembered


def test_the_image_host_goes_through_the_guard(service, image_host, monkeypatch):
    monkeypatch.setenv("DISTILL_ALLOW_PRIVATE_HOSTS", "")
    get_settings.cache_clear()
    seed(service, notes=False)
    assert service.thumbnail(TALK)[1] == "image/png" and image_host.paths == []


def test_other_documents_get_a_drawn_card(service, image_host):
    seed(service, notes=False)
    data, kind = service.thumbnail(RECORDING)
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert kind == "image/png" and img.size == (640, 360) and image_host.paths == []
    dark = int((np.asarray(img.crop((40, 90, 600, 200)), dtype=np.int32).sum(axis=2) < 200).sum())
    assert dark > 300  # the title is drawn


def test_pages_show_thumbnails_from_this_server(service, image_host):
    from fastapi.testclient import TestClient

    from distill.web import create_app

    seed(service, notes=False)
    with TestClient(
        create_app(service.library, worker=False), base_url="http://127.0.0.1:8000"
    ) as client:
        home = client.get("/")
        assert f'src="/thumb/{TALK}"' in home.text and f'src="/thumb/{RECORDING}"' in home.text
        csp = home.headers["content-security-policy"]
        assert "img-src 'self' data:;" in csp and "ytimg" not in csp
        r = client.get(f"/thumb/{TALK}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert client.get(f"/thumb/{RECORDING}").headers["content-type"] == "image/png"
        assert client.get("/thumb/nosuchvideo").status_code == 404
