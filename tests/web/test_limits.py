"""Large and unauthenticated requests: every body has its endpoint's limit and the token is checked
before a body is read; the page cache is bounded by bytes and never brings back a deleted page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from web_helpers import LOOPBACK, call, make_transcript, megabytes, parse

from distill.settings import get_settings
from distill.web.page_cache import PageCache

TOKEN = "s3cret-token"


def test_a_question_body_is_capped_before_it_is_read(app, library):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    declared = call(
        app,
        "POST",
        "/api/v1/videos/bees0000001/ask",
        {"content-type": "application/json", "content-length": str(150 << 20)},
        megabytes(150),
    )
    assert declared.status == 413 and declared.consumed == 0
    assert b"32 KB" in declared.body and b'"error"' in declared.body
    streamed = call(
        app,
        "POST",
        "/api/v1/videos/bees0000001/ask",
        {"content-type": "application/json", "transfer-encoding": "chunked"},
        megabytes(150),
    )
    assert streamed.status == 413 and streamed.consumed <= 128 << 10
    assert b"32 KB" in streamed.body


def test_other_json_bodies_are_small(client):
    big_url = "https://youtu.be/dQw4w9WgXcQ?x=" + "a" * (20 << 10)
    r = client.post("/api/v1/jobs", json={"source": big_url})
    assert r.status_code == 413 and "8 KB" in r.json()["error"]["message"]


def test_the_longest_question_still_fits(client, library):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    question = "Why do bees make honey? " + "🐝" * 970  # the API takes up to 1,000
    r = client.post("/api/v1/videos/bees0000001/ask", json={"question": question})
    assert r.status_code == 200, r.text


def test_changes_need_the_token_before_any_body_is_read(distill_home, monkeypatch):
    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", TOKEN)
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    app = create_app(lib, worker=False)
    multipart = {"content-type": "multipart/form-data; boundary=XyZ"}  # case matters
    file_first = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\nRIFF\0\0\0\0WAVE"
    )
    for method, path, headers, first in [
        ("POST", "/api/v1/jobs/upload", multipart, file_first),
        ("POST", "/api/v1/jobs", {"content-type": "application/json"}, b""),
        ("POST", "/api/v1/videos/bees0000001/translate", {"content-type": "application/json"}, b""),
        ("POST", "/submit", multipart, file_first),
        ("POST", "/submit", multipart, file_first.replace(b'"file"', b'"token"', 1)),
    ]:
        r = call(app, method, path, headers, megabytes(100, first))
        assert r.status == 401, (path, r.status, r.body[:300])
        assert b"DISTILL_API_TOKEN" in r.body
        # The API reads nothing; an upload form is read only as far as its first field.
        assert r.consumed <= (0 if path.startswith("/api/") else 128 << 10), (path, r.consumed)
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert lib.list_jobs() == []
    # The right token as the first field (a browser's boundary has capitals) is let through.
    form = (
        f'--XyZ\r\nContent-Disposition: form-data; name="token"\r\n\r\n{TOKEN}\r\n'
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.srt"\r\n'
        "Content-Type: application/x-subrip\r\n\r\n"
        "1\n00:00:01,000 --> 00:00:02,000\nBees.\n\r\n--XyZ--\r\n"
    ).encode()
    ok = call(app, "POST", "/submit", multipart, iter([form[:50], form[50:]]))
    assert ok.status == 303, ok.body[:300]
    assert len(lib.list_jobs()) == 1
    lib.close()


SRT = b"1\n00:00:01,000 --> 00:00:04,000\nOctopuses have three hearts.\n"


def test_the_upload_form_sends_its_token_first(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", TOKEN)
    get_settings.cache_clear()
    lib = Library()
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        form = parse(client.get("/").text).by_id("submit-form")
        names = [n.get("name") for n in form.iter() if n.tag == "input" and n.get("name")]
        assert names[0] == "token", names
        # The form as a browser sends it: fields in page order, the token first.
        ok = client.post(
            "/submit",
            data={"token": TOKEN, "url": ""},
            files={"file": ("octopus.srt", SRT, "application/x-subrip")},
            follow_redirects=False,
        )
        assert ok.status_code == 303, ok.text
        header = client.post(
            "/submit",
            files={"file": ("octopus2.srt", SRT.replace(b"three", b"blue"))},
            headers={"Authorization": f"Bearer {TOKEN}"},
            follow_redirects=False,
        )
        assert header.status_code == 303, header.text
        wrong = client.post(
            "/submit",
            data={"token": "guess"},
            files={"file": ("octopus3.srt", SRT)},
            follow_redirects=False,
        )
        assert wrong.status_code == 401
    assert len(lib.list_jobs()) == 2
    lib.close()


@pytest.mark.parametrize("captions_mb", ["1", "50"])
def test_a_streamed_upload_over_the_limit_names_the_configured_limit(
    distill_home, monkeypatch, captions_mb
):
    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", captions_mb)
    get_settings.cache_clear()
    lib = Library()
    app = create_app(lib, worker=False)
    head = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\nRIFF\0\0\0\0WAVE"
    )

    def body() -> Iterator[bytes]:
        yield from megabytes(3, head)
        yield b"\r\n--XyZ--\r\n"

    r = call(
        app,
        "POST",
        "/api/v1/jobs/upload",
        {"content-type": "multipart/form-data; boundary=XyZ"},
        body(),
    )
    assert r.status == 413
    assert b"limit of 1 MB" in r.body and b"DISTILL_MAX_UPLOAD_MB" in r.body
    if captions_mb == "1":  # the body itself is over every limit: reading stops at it
        assert r.consumed <= (1 << 20) + (256 << 10)
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    lib.close()


# --- the page cache --------------------------------------------------------------------------


def test_the_page_cache_is_bounded_by_bytes():
    cache = PageCache(ttl=60, max_bytes=1000)
    for n in range(10):
        cache.put(("/v/x", n), ([], b"x" * 200))
    assert cache.nbytes <= 1000
    assert cache.get(("/v/x", 9)) is not None and cache.get(("/v/x", 0)) is None
    cache.put(("/v/big", 0), ([], b"x" * 2000))  # larger than the whole cache: not kept
    assert cache.get(("/v/big", 0)) is None and cache.nbytes <= 1000


def test_the_page_cache_drops_expired_pages():
    cache = PageCache(ttl=0.05, max_bytes=10_000)
    cache.put("a", ([], b"x" * 100))
    cache.put("b", ([], b"y" * 100))
    time.sleep(0.1)
    assert cache.get("a") is None  # expired: forgotten when asked for
    assert len(cache) == 1 and cache.nbytes == 100
    cache.put("c", ([], b"z" * 100))  # and every expired page goes when another is kept
    assert len(cache) == 1 and cache.nbytes == 100


def test_forgetting_one_video_keeps_the_byte_count_and_refuses_older_renders():
    cache = PageCache(ttl=60, max_bytes=10_000)
    key = ("/v/bees0000001", (), "http://127.0.0.1:8000")
    other = ("/v/ants0000001", (), "http://127.0.0.1:8000")
    cache.put(key, ([], b"x" * 100))
    cache.put(other, ([], b"y" * 100))
    began = cache.generation  # a render of the bees page starts here
    assert cache.invalidate(video_id="bees0000001") == 1
    assert cache.nbytes == 100 and cache.get(other) is not None
    cache.put(key, ([], b"old bees"), generation=began)  # it ends after the change: not kept
    assert cache.get(key) is None
    cache.put(key, ([], b"new bees"), generation=cache.generation)
    assert cache.get(key) == ([], b"new bees") and cache.nbytes == 108


def test_many_addresses_of_a_big_page_keep_the_cache_bounded(app, client, library):
    lines = [
        f"Sentence number {i} about bees, flowers and the honey they make." for i in range(3000)
    ]
    library.save_transcript(make_transcript("bees0000001", "Bees", lines=lines, step=2.0))
    cache = app.state.distill.cache
    size = len(client.get("/v/bees0000001").content)
    assert size > 200_000
    cache.max_bytes = 5 * size  # the default 32 MB holds 90 such pages; the bound is the point
    for n in range(40):
        assert client.get(f"/v/bees0000001?cb={n}").status_code == 200
    assert 0 < cache.nbytes <= cache.max_bytes and len(cache) <= 5


def test_a_page_rendered_during_a_delete_is_not_kept(app, client, library, monkeypatch):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    state = app.state.distill
    rendering = threading.Event()
    release = threading.Event()
    plain_render = state.render

    def slow_render(name: str, **context):
        html = plain_render(name, **context)
        if name == "video.html":
            rendering.set()
            assert release.wait(30)
        return html

    monkeypatch.setattr(state, "render", slow_render)
    statuses: list[int] = []
    reader = threading.Thread(
        target=lambda: statuses.append(client.get("/v/bees0000001").status_code)
    )
    reader.start()
    assert rendering.wait(30)
    assert client.delete("/api/v1/videos/bees0000001").status_code == 204
    release.set()
    reader.join(30)
    assert statuses == [200]
    monkeypatch.setattr(state, "render", plain_render)
    after = client.get("/v/bees0000001")
    assert after.status_code == 404
    assert client.get("/api/v1/videos/bees0000001").status_code == 404


@pytest.mark.parametrize("path", ["/v/bees0000001", "/embed/bees0000001", "/api/v1/search?q=bees"])
def test_cached_pages_are_forgotten_on_delete(client, library, path):
    library.save_transcript(make_transcript("bees0000001", "Bees"))
    assert client.get(path).status_code == 200
    assert client.delete("/api/v1/videos/bees0000001").status_code == 204
    again = client.get(path)
    assert again.status_code == 404 or b"bees0000001" not in again.content


# --- the built-in summary made on first view -------------------------------------------------


def test_concurrent_first_views_make_one_summary_and_few_at_once(app, library, monkeypatch):
    """4 readers of one video wait for one summary; readers of many videos share two slots."""
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    from distill.service import Distill

    lines = [
        f"Bees visit flower number {i} and carry its nectar home to the hive." for i in range(400)
    ]
    for n in range(6):
        library.save_transcript(make_transcript(f"bees000000{n}", f"Bees {n}", lines=lines))
    running = 0
    most = 0
    made: list[str] = []
    lock = threading.Lock()
    real = Distill.summarize_transcript

    def counted(self, transcript, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            made.append(transcript.meta.id)
        try:
            time.sleep(0.3)  # long enough for every reader to arrive while it runs
            return real(self, transcript, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(Distill, "summarize_transcript", counted)
    with TestClient(app, base_url=LOOPBACK) as client:

        def get(video: str) -> tuple[int, str]:
            r = client.get(f"/api/v1/videos/{video}/summary")
            return r.status_code, r.json()["tldr"]

        with ThreadPoolExecutor(4) as pool:
            same = list(pool.map(get, ["bees0000000"] * 4))
        assert made == ["bees0000000"] and {s for s, _ in same} == {200}
        assert len({tldr for _, tldr in same}) == 1
        with ThreadPoolExecutor(6) as pool:
            many = list(pool.map(get, [f"bees000000{n}" for n in range(1, 6)]))
    assert {s for s, _ in many} == {200} and sorted(made[1:]) == [
        f"bees000000{n}" for n in range(1, 6)
    ]
    assert most <= 2
    assert all(len(library.list_summaries(f"bees000000{n}")) == 1 for n in range(6))


def test_questions_answered_at_once_by_the_built_in_answerer_are_few(app, library, monkeypatch):
    """Asking needs no token and the built-in answerer holds a whole transcript: six questions
    at once are all answered, at most two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    import distill.summarize as summarize

    lines = [f"Bees visit flower number {i} and carry its nectar home." for i in range(200)]
    for n in range(6):
        library.save_transcript(make_transcript(f"bees000000{n}", f"Bees {n}", lines=lines))
    running = most = 0
    lock = threading.Lock()
    real = summarize.ask

    def counted(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.3)  # long enough for every question to arrive while it runs
            return real(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(summarize, "ask", counted)
    with TestClient(app, base_url=LOOPBACK) as client:

        def ask(video: str) -> int:
            r = client.post(f"/api/v1/videos/{video}/ask", json={"question": "Why nectar?"})
            return r.status_code

        with ThreadPoolExecutor(6) as pool:
            answered = list(pool.map(ask, [f"bees000000{n}" for n in range(6)]))
    assert answered == [200] * 6 and most <= 2


def test_a_caption_under_its_own_limit_is_taken_when_media_have_a_lower_one(
    distill_home, monkeypatch
):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", "5")
    get_settings.cache_clear()
    lib = Library()
    cue = "{n}\n00:00:01,000 --> 00:00:02,000\nWords about bees and honey.\n\n"
    srt = "".join(cue.format(n=i) for i in range(1, 60_000)).encode()
    assert 2 << 20 < len(srt) < 5 << 20
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        ok = client.post("/api/v1/jobs/upload", files={"file": ("bees.srt", srt)})
        assert ok.status_code == 202, ok.text
        form = client.post(
            "/submit", files={"file": ("more.srt", srt + b"\n")}, follow_redirects=False
        )
        assert form.status_code == 303, form.text
    lib.close()


def test_the_knowledge_bases_bodies_fit_their_limits(distill_home, monkeypatch):
    """Asking the library with ten earlier turns, and a highlight with a long note, are taken;
    asking needs no token (it changes nothing), highlighting does."""
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", TOKEN)
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    turn = {"question": "Ö" * 1900 + "?", "cited": ["bees0000001"] * 20}
    asked = {"question": "And how do bees make honey? " + "é" * 1900, "history": [turn] * 10}
    note = {"video_id": "bees0000001", "start": 5.0, "note": "ü" * 9_900, "tags": ["t"] * 20}
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        import json as _json

        escaped = _json.dumps(asked).encode()  # \\u escapes, as JSON.stringify does not
        assert len(escaped) > 100_000
        r = client.post(
            "/api/v1/ask", content=escaped, headers={"content-type": "application/json"}
        )
        assert r.status_code == 200, r.text
        refused = client.post(
            "/api/v1/ask",
            content=b'{"question": "' + b"x" * (300 << 10) + b'"}',
            headers={"content-type": "application/json"},
        )
        assert refused.status_code == 413 and "KB" in refused.json()["error"]["message"]
        assert client.post("/api/v1/highlights", json=note).status_code == 401
        made = client.post("/api/v1/highlights", content=_json.dumps(note).encode(),
                           headers={**bearer, "content-type": "application/json"})  # fmt: skip
        assert made.status_code == 201, made.text
    lib.close()
