"""Bad input and access: uploads checked by content and size, tokens, cross-site posts, media ranges."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from web_helpers import LOOPBACK, make_transcript, parse

from distill.jobs import Worker
from distill.service import Distill
from distill.settings import get_settings


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x01" * int(seconds * rate))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("picture.wav", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
        ("script.srt", b"\x00\x01\x02binary\xff\xfe" * 50),
    ],
)
def test_uploads_are_checked_by_content(client, library, distill_home, name, data):
    r = client.post("/api/v1/jobs/upload", files={"file": (name, data, "audio/wav")})
    assert r.status_code == 415, r.text
    assert "upload one of those" in r.json()["error"]["message"]
    assert library.list_jobs() == []
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_caption_that_does_not_parse_fails_its_job_with_the_reason(client, library):
    # Parsed in the job, not in the request (a big caption file must not hold the server).
    r = client.post(
        "/api/v1/jobs/upload",
        files={"file": ("bad.srt", b"1\n00:00:01,000 --> 00:00:02,000\n\n", "text/plain")},
    )
    assert r.status_code == 202, r.text
    Worker(Distill(library)).run_pending()
    job = client.get(f"/api/v1/jobs/{r.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["error"] and "bad.srt" in job["error"] and "/uploads/" not in job["error"]
    assert library.list_videos() == []


def test_a_deeply_nested_json3_upload_fails_its_job_with_the_reason(client, library):
    deep = b'{"events":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = client.post("/api/v1/jobs/upload", files={"file": ("deep.json3", deep)})
    assert r.status_code == 202, r.text
    Worker(Distill(library)).run_pending()
    job = client.get(f"/api/v1/jobs/{r.json()['id']}").json()
    assert job["status"] == "failed" and "nested too deeply" in job["error"], job
    assert "Traceback" not in job["error"] and library.list_videos() == []


def test_upload_size_limit(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    lib = Library()
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        big = client.post("/api/v1/jobs/upload", files={"file": ("big.wav", wav_bytes(80, 16000))})
        assert big.status_code == 413 and "1 MB" in big.json()["error"]["message"]
        # Without a Content-Length (chunked), reading stops at the limit all the same.
        boundary = "distilltestboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n'
        ).encode()
        payload = wav_bytes(80, 16000)

        def chunks():
            yield head
            for i in range(0, len(payload), 65536):
                yield payload[i : i + 65536]
            yield f"\r\n--{boundary}--\r\n".encode()

        chunked = client.post(
            "/api/v1/jobs/upload",
            content=chunks(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert chunked.status_code == 413, chunked.text
        assert lib.list_jobs() == []
        ok = client.post("/api/v1/jobs/upload", files={"file": ("small.wav", wav_bytes(1))})
        assert ok.status_code == 202
        assert Path(lib.get_job(ok.json()["id"]).source).suffix == ".wav"
    lib.close()


def test_token_needed_for_changes_when_set(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", "s3cret-token")
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        url = {"source": "https://youtu.be/dQw4w9WgXcQ"}
        assert client.post("/api/v1/jobs", json=url).status_code == 401
        bad = {"Authorization": "Bearer nope"}
        assert client.post("/api/v1/jobs", json=url, headers=bad).status_code == 401
        assert client.delete("/api/v1/videos/bees0000001").status_code == 401
        form = client.post("/submit", data={"url": url["source"]}, follow_redirects=False)
        assert form.status_code == 401
        # Reading needs no token.
        assert client.get("/api/v1/videos/bees0000001").status_code == 200
        assert client.get("/v/bees0000001").status_code == 200
        # The home form asks for it, and works with it.
        assert parse(client.get("/").text).by_id("token") is not None
        form = client.post(
            "/submit", data={"url": url["source"], "token": "s3cret-token"}, follow_redirects=False
        )
        assert form.status_code == 303
        good = {"Authorization": "Bearer s3cret-token"}
        assert client.post("/api/v1/jobs", json=url, headers=good).status_code == 202
        assert client.delete("/api/v1/videos/bees0000001", headers=good).status_code == 204
    lib.close()


def test_cross_site_posts_are_refused(client, library):
    r = client.post(
        "/api/v1/jobs",
        json={"source": "https://youtu.be/dQw4w9WgXcQ"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    same = client.post(
        "/api/v1/jobs",
        json={"source": "https://youtu.be/dQw4w9WgXcQ"},
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    assert same.status_code == 202


def test_media_is_served_by_id_with_ranges(client, library, tmp_path):
    media = tmp_path / "talk.wav"
    media.write_bytes(wav_bytes(2))
    library.save_transcript(
        make_transcript(
            "talk-0123abcd", "A talk", kind="media", path=str(media), channel=None, channel_id=None
        )
    )
    doc = parse(client.get("/v/talk-0123abcd").text)
    player = doc.by_id("player")
    assert player.tag == "audio" and player.get("src") == "/media/talk-0123abcd"
    full = client.get("/media/talk-0123abcd")
    assert full.status_code == 200 and full.headers["content-type"] == "audio/wav"
    assert full.content == media.read_bytes()
    part = client.get("/media/talk-0123abcd", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{media.stat().st_size}"
    assert part.content == media.read_bytes()[100:200]
    # A YouTube video has no local media to serve, whatever its stored path says.
    library.save_transcript(make_transcript("bees0000001", "Bees", path=str(media)))
    assert client.get("/media/bees0000001").status_code == 404


def test_serve_refuses_public_address_without_token(cli):
    r = cli("serve", "--host", "0.0.0.0", "--port", "8765")
    assert r.returncode != 0
    assert "DISTILL_API_TOKEN" in r.stderr and "Traceback" not in r.stderr


# --- DNS rebinding: only the loopback names and the configured hosts are served ---------------

REBOUND = "attacker.example:8000"


def test_a_rebinding_host_is_refused_on_every_route(client, library):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    headers = {"Host": REBOUND}
    pages = [client.get(path, headers=headers) for path in ("/", "/v/bees0000001", "/search")]
    for r in pages:
        assert r.status_code == 421, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "DISTILL_ALLOWED_HOSTS" in parse(r.text).find("main").text
    api = [
        client.get("/api/v1/videos", headers=headers),
        client.get("/api/v1/videos/bees0000001/summary", headers=headers),
        client.delete(
            "/api/v1/videos/bees0000001",
            headers={**headers, "Origin": f"http://{REBOUND}"},
        ),
        client.post(
            "/api/v1/jobs",
            json={"source": "https://youtu.be/dQw4w9WgXcQ"},
            headers={**headers, "Origin": f"http://{REBOUND}"},
        ),
    ]
    for r in api:
        assert r.status_code == 421, r.text
        error = r.json()["error"]
        assert error["status"] == 421 and "attacker.example" in error["message"]
        assert "DISTILL_ALLOWED_HOSTS" in error["message"]
    # Refused before anything ran: the video is there, without a summary made for the attacker.
    assert library.has_video("bees0000001") and library.list_jobs() == []
    assert library.get_summary("bees0000001") is None


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "127.0.0.1"]
)
def test_loopback_names_are_served(client, host):
    assert client.get("/api/v1/videos", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["127.0.0.1.attacker.example", "localhost.attacker.example", "", "[::2]:8000"]
)
def test_lookalike_or_missing_hosts_are_refused(client, host):
    assert client.get("/api/v1/videos", headers={"Host": host}).status_code in (400, 421)


def test_configured_public_hosts_are_served(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_ALLOWED_HOSTS", " distill.example.org , 192.168.1.20 ")
    get_settings.cache_clear()
    lib = Library()
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        for host in ("distill.example.org", "Distill.Example.org:8443", "192.168.1.20:8000"):
            assert client.get("/api/v1/videos", headers={"Host": host}).status_code == 200, host
        # The loopback names stay allowed; everything else is refused.
        assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
        assert client.get("/", headers={"Host": "other.example.org"}).status_code == 421
    lib.close()


def test_the_public_address_is_an_allowed_host(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_PUBLIC_URL", "https://notes.example.org/distill")
    get_settings.cache_clear()
    lib = Library()
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        assert client.get("/", headers={"Host": "notes.example.org"}).status_code == 200
        assert client.get("/", headers={"Host": "other.example.org"}).status_code == 421
    lib.close()


def test_origin_is_checked_against_the_allowed_hosts_not_the_host_header(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_ALLOWED_HOSTS", "distill.example.org")
    get_settings.cache_clear()
    lib = Library()
    url = {"source": "https://youtu.be/dQw4w9WgXcQ"}
    with TestClient(create_app(lib, worker=False), base_url="http://127.0.0.1:8000") as client:

        def post(origin: str, host: str = "127.0.0.1:8000") -> int:
            r = client.post("/api/v1/jobs", json=url, headers={"Origin": origin, "Host": host})
            return r.status_code

        # A page of another site, even one whose name it made the Host header agree with.
        assert post("http://attacker.example:8000", host="attacker.example:8000") == 421
        assert post("http://attacker.example:8000") == 403
        assert post("null") == 403
        # Another local web app (another port of this machine) is another site too.
        assert post("http://127.0.0.1:3000") == 403
        assert post("http://localhost:3000", host="localhost:8000") == 403
        # This server's own pages, directly or behind a proxy that rewrites the Host header.
        assert post("http://127.0.0.1:8000") == 202
        assert post("https://distill.example.org") == 202
    lib.close()


def test_serve_on_a_public_address_needs_the_token_and_an_allowed_host(cli):
    token = {"DISTILL_API_TOKEN": "s3cret-token"}
    for env in (token, {"DISTILL_ALLOWED_HOSTS": "distill.example.org"}, {}):
        r = cli("serve", "--host", "0.0.0.0", "--port", "8767", env=env, timeout=60)
        assert r.returncode != 0, env
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
        assert "DISTILL_API_TOKEN" in lines[0] and "DISTILL_ALLOWED_HOSTS" in lines[0]
        assert "serving on" not in r.stderr


def test_an_upload_whose_job_cannot_be_made_leaves_no_folder(client, library, distill_home):
    import sqlite3

    db = sqlite3.connect(distill_home / "distill.db")
    db.execute(
        "CREATE TRIGGER full BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    db.commit()
    srt = b"1\n00:00:01,000 --> 00:00:04,000\nOctopuses have three hearts.\n"
    api = client.post("/api/v1/jobs/upload", files={"file": ("a.srt", srt)})
    page = client.post("/submit", files={"file": ("b.srt", srt)}, follow_redirects=False)
    assert api.status_code >= 400 and page.status_code >= 400
    assert api.json()["error"]["message"]
    db.execute("DROP TRIGGER full")
    db.commit()
    db.close()
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert library.list_jobs() == []
