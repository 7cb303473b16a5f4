"""The routes of the knowledge base and the new sources (documents, batches, ask, highlights, PDF
and clippings uploads) get the host check, the token before any body and their body limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from web_helpers import LOOPBACK, call, make_transcript, megabytes

from distill.settings import get_settings

TOKEN = "s3cret-token"
REBOUND = "attacker.example:8000"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CLIPPINGS = (
    b"Beans (Green, Ana)\r\n- Your Highlight on page 1 | Location 10-12 | Added on Monday, 3 June "
    b"2024 09:15:02\r\n\r\nBeans climb anything you give them.\r\n==========\r\n"
)


def form_head(name: str, filename: str, content_type: str, first: bytes) -> bytes:
    """The start of a multipart body whose first part is the file."""
    return (
        f'--XyZ\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode() + first


def upload(head: bytes, size_mb: int) -> Iterator[bytes]:
    """A whole multipart body: the file's head, then `size_mb` MB more of it."""
    yield from megabytes(size_mb, head)
    yield b"\r\n--XyZ--\r\n"


MULTIPART = {"content-type": "multipart/form-data; boundary=XyZ"}
JSON = {"content-type": "application/json"}


@pytest.fixture
def guarded(distill_home, monkeypatch) -> Iterator[tuple[object, object]]:
    """An app with a token, over a library holding one video."""
    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", TOKEN)
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    yield create_app(lib, worker=False), lib
    lib.close()


def test_the_new_routes_answer_no_rebound_host(client, library):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    rebound = {"Host": REBOUND, "Origin": f"http://{REBOUND}"}
    for method, path, extra in [
        ("GET", "/api/v1/documents", {}),
        ("GET", "/api/v1/documents/bees0000001", {}),
        ("DELETE", "/api/v1/documents/bees0000001", {}),
        ("POST", "/api/v1/documents/bees0000001/ask", {"json": {"question": "Why?"}}),
        ("GET", "/api/v1/batches", {}),
        ("POST", "/api/v1/batches", {"json": {"source": "https://example.org/feed.xml"}}),
        ("GET", "/batches/anything", {}),
        ("GET", "/ask?q=bees", {}),
        ("GET", "/highlights", {}),
        ("POST", "/api/v1/ask", {"json": {"question": "Why do bees buzz?"}}),
        ("GET", "/api/v1/highlights", {}),
        ("POST", "/api/v1/highlights", {"json": {"video_id": "bees0000001", "start": 1.0}}),
        ("POST", "/submit", {"files": {"file": ("b.pdf", PDF, "application/pdf")}}),
        ("POST", "/submit", {"files": {"file": ("My Clippings.txt", CLIPPINGS)}}),
    ]:
        r = client.request(method, path, headers=rebound, **extra)
        assert r.status_code == 421, (method, path, r.status_code)
    assert library.has_video("bees0000001") and library.list_jobs() == []
    assert len(library.list_videos()) == 1 and library.get_summary("bees0000001") is None


def test_the_new_changing_routes_need_the_token_before_any_body(guarded, distill_home):
    app, lib = guarded
    for method, path, headers, first in [
        ("POST", "/api/v1/batches", JSON, b'{"source": "https://example.org/feed.xml"'),
        ("DELETE", "/api/v1/documents/bees0000001", {}, b""),
        ("POST", "/api/v1/documents/bees0000001/translate", JSON, b'{"lang": "es"'),
        ("POST", "/api/v1/highlights", JSON, b'{"video_id": "bees0000001"'),
        ("PATCH", "/api/v1/highlights/1", JSON, b'{"note": "x"'),
        ("DELETE", "/api/v1/highlights/1", {}, b""),
        ("POST", "/api/v1/jobs/upload", MULTIPART, form_head("file", "b.pdf", "application/pdf", PDF)),
        ("POST", "/submit", MULTIPART, form_head("file", "b.pdf", "application/pdf", PDF)),
        ("POST", "/submit", MULTIPART, form_head("file", "My Clippings.txt", "text/plain", CLIPPINGS)),
    ]:  # fmt: skip
        r = call(app, method, path, headers, megabytes(20, first))
        assert r.status == 401, (method, path, r.status, r.body[:300])
        assert b"DISTILL_API_TOKEN" in r.body
        assert r.consumed <= (0 if path.startswith("/api/") else 128 << 10), (path, r.consumed)
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert lib.list_jobs() == [] and len(lib.list_videos()) == 1


def test_asking_a_document_is_read_only_with_the_question_limit(guarded):
    """/api/v1/documents is /api/v1/videos under another name: the same question fits, without
    the token (asking changes nothing), and a huge one is refused before it is read."""
    from fastapi.testclient import TestClient

    app, _ = guarded
    question = "Why do bees make honey? " + "🐝" * 970
    escaped = json.dumps({"question": question})  # every bee a \uXXXX pair, over 8 KB
    with TestClient(app, base_url=LOOPBACK) as client:
        for name in ("videos", "documents"):
            r = client.post(f"/api/v1/{name}/bees0000001/ask", content=escaped, headers=JSON)
            assert r.status_code == 200, (name, r.text)
    huge = call(
        app,
        "POST",
        "/api/v1/documents/bees0000001/ask",
        {**JSON, "content-length": str(150 << 20)},
        megabytes(150),
    )
    assert huge.status == 413 and huge.consumed == 0 and b"32 KB" in huge.body


def test_a_batch_body_is_small(guarded):
    app, _ = guarded
    big = b'{"source": "https://example.org/feed.xml?' + b"a" * (20 << 10) + b'"}'
    r = call(
        app,
        "POST",
        "/api/v1/batches",
        {**JSON, "authorization": f"Bearer {TOKEN}", "content-length": str(len(big))},
        iter([big]),
    )
    assert r.status == 413 and b"8 KB" in r.body and r.consumed == 0


def test_pdfs_count_against_the_upload_limit_and_clippings_the_caption_limit(
    distill_home, monkeypatch
):
    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", "3")
    get_settings.cache_clear()
    lib = Library()
    app = create_app(lib, worker=False)
    pdf = form_head("file", "big.pdf", "application/pdf", PDF + b"%" + b"x" * 100)
    r = call(app, "POST", "/api/v1/jobs/upload", MULTIPART, upload(pdf, 2))
    assert r.status == 413 and b"limit of 1 MB" in r.body and b"DISTILL_MAX_UPLOAD_MB" in r.body
    monkeypatch.setenv("DISTILL_MAX_UPLOAD_MB", "3")
    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", "1")
    get_settings.cache_clear()
    app = create_app(lib, worker=False)
    clippings = form_head("file", "My Clippings.txt", "text/plain", CLIPPINGS * 200)
    r = call(app, "POST", "/submit", MULTIPART, upload(clippings, 2))
    assert r.status == 413 and b"DISTILL_MAX_CAPTION_MB" in r.body, r.body[:300]
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert lib.list_jobs() == [] and lib.list_videos() == []
    lib.close()


def test_highlight_numbers_past_what_the_database_holds_are_refused(guarded):
    """Ids and versions past a 64-bit integer, and infinite times, are a 4xx, never a 500."""
    from fastapi.testclient import TestClient

    app, _ = guarded
    huge = 2**70
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=LOOPBACK) as client:
        made = client.post(
            "/api/v1/highlights", json={"video_id": "bees0000001", "start": 5.0}, headers=bearer
        )
        assert made.status_code == 201, made.text
        answers = [
            client.get(f"/api/v1/highlights/{huge}"),
            client.delete(f"/api/v1/highlights/{huge}", headers=bearer),
            client.patch(f"/api/v1/highlights/{huge}", json={"version": 1}, headers=bearer),
            client.patch(
                f"/api/v1/highlights/{made.json()['id']}", json={"version": huge}, headers=bearer
            ),
            client.post(
                "/api/v1/highlights",
                content=b'{"video_id": "bees0000001", "start": Infinity}',
                headers={**bearer, **JSON},
            ),
        ]
        for r in answers:
            assert 400 <= r.status_code < 500, (r.request.method, r.request.url, r.text)
            assert r.json()["error"]["status"] == r.status_code
