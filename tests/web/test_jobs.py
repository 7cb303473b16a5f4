"""Submitting work: durable jobs in the library, run by the worker; failures, retries, restarts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from web_helpers import LOOPBACK, parse

from distill.jobs import Worker
from distill.service import Distill

SRT = """1
00:00:00,000 --> 00:00:04,000
Octopuses have three hearts and blue blood.

2
00:00:04,000 --> 00:00:08,000
Two hearts pump blood through the gills.

3
00:00:08,000 --> 00:00:12,000
The third heart pumps blood to the rest of the body.

4
00:00:12,000 --> 00:00:16,000
Their blood uses copper instead of iron to carry oxygen.
"""


def upload_srt(client, name="octopus-hearts.srt", data=SRT):
    return client.post(
        "/submit",
        files={"file": (name, data.encode(), "application/x-subrip")},
        follow_redirects=False,
    )


def test_upload_runs_to_a_summary_page(client, library, distill_home):
    r = upload_srt(client)
    assert r.status_code == 303
    job_url = r.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    job = library.get_job(job_id)
    assert job.status == "queued"
    # Stored under a random directory in the media dir, never under the user's path.
    stored = Path(job.source)
    assert stored.is_file() and stored.parent.parent == distill_home / "media" / "uploads"
    assert len(stored.parent.name) == 32
    page = parse(client.get(job_url).text)
    assert page.by_id("job").get("data-status") == "queued"

    assert Worker(Distill(library)).run_pending() == 1
    done = client.get(f"/api/v1/jobs/{job_id}").json()
    assert done["status"] == "done" and done["stage"] == "done" and done["progress"] == 1.0
    assert done["source"] == "octopus-hearts.srt"
    video = client.get(done["video_page"])
    assert video.status_code == 200
    doc = parse(video.text)
    assert "Octopus" in doc.find("h1").text
    assert library.get_summary(done["video_id"]).tldr
    # Deleting the video also removes the file the upload stored.
    assert client.delete(f"/api/v1/videos/{done['video_id']}").status_code == 204
    assert not stored.exists() and not stored.parent.exists()


def test_same_url_twice_while_queued_is_one_job(client, library):
    a = client.post("/api/v1/jobs", json={"source": "https://youtu.be/dQw4w9WgXcQ"})
    b = client.post(
        "/api/v1/jobs", json={"source": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3"}
    )
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] == b.json()["id"]
    assert len(library.list_jobs()) == 1


def test_only_public_web_urls_are_accepted(client, library):
    for url, words in [
        ("http://127.0.0.1:8000/api/v1/videos", "private, local or reserved"),
        ("http://[::ffff:169.254.169.254]/latest", "private, local or reserved"),
        ("http://user:pw@example.com/", "credentials"),
        ("file:///etc/passwd", "starts with http"),
        ("https://evil.invalid/watch?v=dQw4w9WgXcQ", "could not be found"),
        ("gopher://youtube.com/watch?v=dQw4w9WgXcQ", "starts with http"),
        ("/etc/passwd", "starts with http"),
    ]:
        r = client.post("/api/v1/jobs", json={"source": url})
        assert r.status_code == 400, url
        assert words in r.json()["error"]["message"]
        form = client.post("/submit", data={"url": url}, follow_redirects=False)
        assert form.status_code == 400
        assert words in parse(form.text).find("p", class_="form-error").text
    assert library.list_jobs() == []


def test_failed_job_shows_error_and_can_be_retried(client, library, tmp_path):
    gone = tmp_path / "gone.srt"
    job = library.create_job(str(gone))
    Worker(Distill(library)).run_pending()
    failed = library.get_job(job.id)
    assert failed.status == "failed" and failed.error and "gone.srt" in failed.error
    page = parse(client.get(f"/jobs/{job.id}").text)
    err = page.by_id("job-error")
    assert err.get("hidden") is None and err.text.strip() == failed.error.replace(
        str(gone), "gone.srt"
    )
    # The server's own paths are not shown to the user.
    assert str(tmp_path) not in err.text and str(tmp_path) not in str(
        client.get(f"/api/v1/jobs/{job.id}").json()
    )
    assert page.by_id("retry-form").get("hidden") is None
    # Fix the cause, retry: the job runs again and finishes.
    gone.write_text(SRT)
    r = client.post(f"/jobs/{job.id}/retry", follow_redirects=False)
    assert r.status_code == 303
    again = library.get_job(job.id)
    assert again.status == "queued" and again.error is None
    Worker(Distill(library)).run_pending()
    assert library.get_job(job.id).status == "done"


def test_restart_resumes_interrupted_jobs(library, tmp_path):
    from fastapi.testclient import TestClient

    from distill.web import create_app

    src = tmp_path / "octopus.srt"
    src.write_text(SRT)
    job = library.create_job(str(src))
    assert library.claim_next_job().id == job.id  # a server died while running it
    assert library.get_job(job.id).status == "running"
    with TestClient(create_app(library, worker=True), base_url=LOOPBACK) as client:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status = client.get(f"/api/v1/jobs/{job.id}").json()["status"]
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status == "done"


def test_progress_is_written_to_the_job(library, tmp_path):
    from distill.jobs import JobProgress

    job = library.create_job(str(tmp_path / "x.srt"))
    report = JobProgress(library, job.id, min_interval=10)
    report("transcribe", 5, 20)
    assert (library.get_job(job.id).stage, library.get_job(job.id).progress) == ("transcribe", 0.25)
    report("transcribe", 6, 20)  # throttled: same stage, too soon
    assert library.get_job(job.id).progress == 0.25
    report("summarize", 1, None)
    assert (library.get_job(job.id).stage, library.get_job(job.id).progress) == ("summarize", 0.0)


def test_youtube_url_job_with_the_network_edge_recorded(client, library, monkeypatch):
    """Submit a YouTube link; only YouTube's two network calls are replaced, the rest runs for real."""
    from distill.sources import youtube

    vid = "dQw4w9WgXcQ"
    info = {
        "id": vid,
        "title": "Why octopuses have three hearts",
        "channel": "Sea Notes",
        "channel_id": "UCseanotes0000000000000",
        "upload_date": "20230405",
        "duration": 16,
        "view_count": 4321,
        "language": "en",
    }
    lines = [line for line in SRT.strip().split("\n\n")]
    snippets = [
        {"text": block.split("\n")[2], "start": 4.0 * i, "duration": 4.0}
        for i, block in enumerate(lines)
    ]
    track = youtube.CaptionTrack(
        language_code="en", language="English", is_generated=False, fetcher=lambda _lang: snippets
    )
    monkeypatch.setattr(youtube, "fetch_metadata", lambda video_id: info)
    monkeypatch.setattr(youtube, "fetch_caption_tracks", lambda video_id: [track])

    r = client.post("/submit", data={"url": f"https://youtu.be/{vid}"}, follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    assert library.get_job(job_id).source == f"https://www.youtube.com/watch?v={vid}"
    Worker(Distill(library)).run_pending()
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "done" and job["video_id"] == vid
    doc = parse(client.get(f"/v/{vid}").text)
    assert doc.find("h1").text == "Why octopuses have three hearts"
    assert "youtube-nocookie.com/embed/" + vid in doc.by_id("player").get("src")
    assert doc.find("a", class_="channel").get("href") == "/c/UCseanotes0000000000000"
    assert "4,321 views" in doc.find("p", class_="video-meta").text
    # Submitting it again from the home page goes straight to its page, with no new job.
    again = client.post(
        "/submit", data={"url": f"https://www.youtube.com/watch?v={vid}"}, follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"] == f"/v/{vid}"
    assert len(library.list_jobs()) == 1


def test_translate_needs_a_model(client, library, monkeypatch):
    from web_helpers import make_transcript

    library.save_transcript(make_transcript("bees0000001", "Bees"))
    # With only the builtin summarizer there is nothing to translate with: no offer, a clear 400.
    doc = parse(client.get("/v/bees0000001").text)
    assert doc.find("form", class_="translate-form") is None
    r = client.post("/api/v1/videos/bees0000001/translate", json={"lang": "es"})
    assert r.status_code == 400 and "DISTILL_MODEL" in r.json()["error"]["message"]


def test_translate_is_offered_when_a_model_is_configured(distill_home, monkeypatch):
    from fastapi.testclient import TestClient
    from web_helpers import make_transcript

    from distill.library import Library
    from distill.settings import get_settings
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MODEL", "openai:gpt-4o-mini")
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        form = parse(client.get("/v/bees0000001").text).find("form", class_="translate-form")
        assert form is not None and form.get("action") == "/v/bees0000001/translate"
        options = [o.get("value") for o in form.find_all("option")]
        assert "es" in options and "en" not in options
    lib.close()


def test_uploads_in_legacy_encodings_are_read_like_the_cli_reads_them(client, library):
    # Windows-1252 and UTF-16 caption files: the CLI decodes both, so uploads do too.
    accents = SRT.replace("Octopuses", "Café octopuses").replace("copper", "cöpper")
    for name, data in [
        ("cafe-1252.srt", accents.encode("cp1252")),
        ("cafe-utf16.srt", accents.encode("utf-16")),
    ]:
        r = client.post("/api/v1/jobs/upload", files={"file": (name, data)})
        assert r.status_code == 202, r.text
    assert Worker(Distill(library)).run_pending() == 2
    for job in library.list_jobs():
        assert job.status == "done", job.error
        text = library.get_transcript(job.video_id).text
        assert "Café octopuses" in text and "cöpper" in text
    # Binary data is still refused by content, with one clear sentence.
    r = client.post("/api/v1/jobs/upload", files={"file": ("x.srt", bytes(range(256)) * 64)})
    assert r.status_code == 415 and "neither audio/video" in r.json()["error"]["message"]


def test_the_job_page_shows_only_the_stages_of_its_source(client, library, tmp_path):
    service = Distill(library)
    wav = tmp_path / "talk.wav"
    wav.write_bytes(b"RIFF")
    assert service.stages("https://youtu.be/IHZwWFHWa-w") == [
        "download",
        "transcribe",
        "summarize",
        "done",
    ]
    assert service.stages(str(wav)) == ["transcribe", "summarize", "done"]
    assert service.stages(str(tmp_path / "talk.srt")) == ["summarize", "done"]
    job_url = upload_srt(client).headers["location"]
    items = parse(client.get(job_url).text).find_all("li", class_="stage")
    assert [li.get("data-stage") for li in items] == ["summarize", "done"]
    Worker(service).run_pending()
    job = library.get_job(job_url.rsplit("/", 1)[1])
    assert job.status == "done"


def test_transcription_progress_says_how_much_audio_is_done(library, tmp_path):
    from distill.jobs import JobProgress

    job = library.create_job(str(tmp_path / "talk.wav"))
    report = JobProgress(library, job.id, min_interval=10)
    report("transcribe", 0, 267)
    report("transcribe", 30, 267)  # a big step is written at once, however soon
    got = library.get_job(job.id)
    assert (got.progress, got.message) == (pytest.approx(30 / 267), "0:30 of 4:27 of audio")
    report("summarize", 0, 1)
    assert library.get_job(job.id).message is None
