"""A strict reviewer's checks: hostile text on every remaining page, share meta, empty states, API edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web_helpers import HOSTILE, HOSTILE_URL, LOOPBACK, make_transcript, parse

from distill.domain import Insight, SourceRef, Summary
from distill.jobs import Worker
from distill.service import Distill
from distill.settings import get_settings
from distill.timefmt import clock, iso_duration


def assert_nothing_injected(doc, where: str) -> None:
    """Only our script files and the JSON-LD block; no injected elements, handlers or script links."""
    for s in doc.find_all("script"):
        assert s.get("src", "").startswith("/static/") or s.get("type") == "application/ld+json", (
            where
        )
    # Only our own thumbnails: no injected image.
    assert all(i.get("src", "").startswith("/thumb/") for i in doc.find_all("img")), where
    assert not [n for n in doc.iter() if any(k.startswith("on") for k in n.attrs)], where
    for node in doc.iter():
        for attr in ("href", "src", "action", "content"):
            assert not (node.get(attr) or "").strip().lower().startswith("javascript:"), where


def test_hostile_search_query_is_shown_as_text(client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    q = "honey " + HOSTILE
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    doc = parse(r.text)
    assert_nothing_injected(doc, "/search")
    # The query comes back exactly as typed: in the search box and in the page title.
    assert doc.by_id("search-q").get("value") == q
    assert doc.find("title").text.startswith(q)
    api = client.get("/api/v1/search", params={"q": q})
    assert api.status_code == 200 and api.headers["content-type"].startswith("application/json")


def test_hostile_job_source_and_error_are_escaped(client, library, tmp_path):
    name = 'talk"><img src=x onerror=alert(1)><script>alert(2)<b>.srt'  # no "/": a file name
    job = library.create_job(str(tmp_path / name))
    Worker(Distill(library)).run_pending()
    assert library.get_job(job.id).status == "failed"
    r = client.get(f"/jobs/{job.id}")
    assert r.status_code == 200
    doc = parse(r.text)
    assert_nothing_injected(doc, "/jobs")
    assert doc.find("p", class_="job-source").text == name
    assert name in doc.by_id("job-error").text and str(tmp_path) not in r.text
    # The home page lists the failed job by its file name, as text.
    home = client.get("/")
    assert_nothing_injected(parse(home.text), "/")
    assert name in parse(home.text).find("body").text and str(tmp_path) not in home.text


def test_share_meta_and_jsonld_carry_hostile_text_verbatim(client, library):
    t = make_transcript("evil0000002", "Title " + HOSTILE, channel="Chan " + HOSTILE)
    t = t.model_copy(
        update={"meta": t.meta.model_copy(update={"thumbnail": HOSTILE_URL, "url": HOSTILE_URL})}
    )
    library.save_transcript(t)
    library.save_summary(
        "evil0000002",
        Summary(
            source=SourceRef.of(t.meta),
            tldr="TLDR " + HOSTILE,
            insights=[Insight(emoji="🐝", text="Insight " + HOSTILE, start=1.0)],
        ),
    )
    doc = parse(client.get("/v/evil0000002").text)
    assert_nothing_injected(doc, "/v")
    metas = {m.get("property") or m.get("name"): m.get("content") for m in doc.find_all("meta")}
    # Attribute values parse back to the exact strings: nothing broke out of the quotes.
    assert metas["og:title"] == metas["twitter:title"] == "Title " + HOSTILE
    assert metas["og:description"] == metas["description"] == "TLDR " + HOSTILE
    # A javascript: thumbnail or URL never becomes an image, a link or structured data;
    # YouTube's own thumbnail is used instead.
    assert metas["og:image"] == "https://i.ytimg.com/vi/evil0000002/hqdefault.jpg"
    ld = json.loads(doc.find("script", type="application/ld+json").text)
    assert ld["name"] == "Title " + HOSTILE and ld["author"]["name"] == "Chan " + HOSTILE
    assert "thumbnailUrl" not in ld and "contentUrl" not in ld
    assert "javascript" not in json.dumps(ld)
    # The embed snippet is text in a textarea, with the title escaped inside its attribute.
    snippet = doc.by_id("embed-code").text
    assert snippet.startswith('<iframe src="http://127.0.0.1:8000/embed/evil0000002"')
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    # The Markdown download is plain text, not HTML.
    md = client.get("/v/evil0000002/summary.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.headers["x-content-type-options"] == "nosniff"


def test_search_empty_and_capped_states(client, library):
    for i in range(4):
        library.save_transcript(
            make_transcript(
                f"bees000000{i}", f"Bees part {i}", lines=["Honey honey honey."] * 12, step=5.0
            )
        )
    empty = parse(client.get("/search", params={"q": "zzqxj"}).text)
    box = empty.find("div", class_="empty")
    assert box is not None and "Nothing matched “zzqxj”" in box.text
    assert empty.find("ol", class_="hits") is None
    full = parse(client.get("/search", params={"q": "honey"}).text)
    hits = full.find_all("li", class_="hit")
    assert len(hits) == 30
    status = full.find("p", role="status").text
    assert status.startswith("Matches 1–30 for") and full.find("a", rel="next") is not None
    rest = parse(client.get("/search", params={"q": "honey", "page": 2}).text)
    assert len(rest.find_all("li", class_="hit")) == 18
    assert rest.find("p", role="status").text.startswith("Matches 31–48 for")
    library.save_transcript(make_transcript("wax0000001", "Wax", lines=["Wax cells."] * 3))
    few = parse(client.get("/search", params={"q": "wax cells"}).text)
    n = len(few.find_all("li", class_="hit"))
    assert n == 3
    assert few.find("p", role="status").text.startswith(f"{n} match")
    titles_only = parse(client.get("/search", params={"q": "part 2"}).text)
    assert titles_only.find("li", class_="hit") is None
    assert "Bees part 2" in titles_only.find("div", class_="title-hits").text
    assert "No moment" in titles_only.find("p", role="status").text


def test_same_source_twice_while_running_is_one_job(client, library):
    first = client.post("/api/v1/jobs", json={"source": "https://youtu.be/dQw4w9WgXcQ"}).json()
    claimed = library.claim_next_job()
    assert claimed is not None and claimed.id == first["id"]
    assert library.get_job(first["id"]).status == "running"
    again = client.post("/submit", data={"url": "youtube.com/shorts/dQw4w9WgXcQ"})
    assert again.status_code == 200 and again.url.path == f"/jobs/{first['id']}"
    assert len(library.list_jobs()) == 1


def test_job_list_api_checks_its_parameters(client, library):
    bad = client.get("/api/v1/jobs", params={"status": "bogus"})
    assert bad.status_code == 422 and "status" in bad.json()["error"]["message"]
    assert client.get("/api/v1/jobs", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/jobs", params={"status": "failed"}).json() == []


def test_caption_upload_limit_names_its_own_setting(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", "1")
    get_settings.cache_clear()
    lib = Library()
    cue = "{n}\n00:00:01,000 --> 00:00:02,000\nWords about bees and honey.\n\n"
    big = "".join(cue.format(n=i) for i in range(1, 30_000)).encode()
    assert len(big) > 1 << 20
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        r = client.post("/api/v1/jobs/upload", files={"file": ("bees.srt", big, "text/plain")})
        assert r.status_code == 413
        message = r.json()["error"]["message"]
        assert "1 MB" in message and "DISTILL_MAX_CAPTION_MB" in message
        bad_length = client.post(
            "/api/v1/jobs/upload", content=b"x", headers={"content-length": "1"}
        )
        assert bad_length.status_code in (400, 415, 422)
    assert lib.list_jobs() == []
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    lib.close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("localhost.evil.example", False),
        ("example.com", False),
    ],
)
def test_only_loopback_counts_as_loopback(host: str, loopback: bool) -> None:
    from distill.cli.serve_cmd import is_loopback

    assert is_loopback(host) is loopback


def test_times_for_people() -> None:
    assert [clock(x) for x in (None, 0, 5.9, 65, 3599, 3600, 3725.5)] == [
        "",
        "0:00",
        "0:05",
        "1:05",
        "59:59",
        "1:00:00",
        "1:02:05",
    ]
    assert clock(65, pad_minutes=True) == "01:05" and clock(None, unknown="--:--") == "--:--"
    assert clock(-3) == "0:00"
    assert [iso_duration(x) for x in (None, 5, 60, 3725)] == [None, "PT5S", "PT1M0S", "PT1H2M5S"]


def test_uploaded_file_is_never_served_by_its_name(client, library, distill_home: Path):
    r = client.post(
        "/api/v1/jobs/upload",
        files={"file": ("../../etc/passwd.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHi.\n")},
    )
    assert r.status_code == 202
    stored = Path(library.get_job(r.json()["id"]).source)
    uploads = (distill_home / "media" / "uploads").resolve()
    # Stored under a random folder inside the uploads dir, with a harmless name.
    assert stored.resolve().parent.parent == uploads and stored.name == "passwd.srt"
    assert len(stored.parent.name) == 32
    assert r.json()["source"] == "passwd.srt"
    for path in (f"/media/{stored.parent.name}", f"/static/../media/uploads/{stored.parent.name}"):
        assert client.get(path).status_code == 404


SRT = "1\n00:00:01,000 --> 00:00:04,000\nOctopuses have three hearts.\n"


def test_same_file_uploaded_twice_while_queued_is_one_job(client, library, distill_home: Path):
    def upload(name: str, data: str = SRT):
        return client.post("/api/v1/jobs/upload", files={"file": (name, data.encode())})

    first = upload("octopus.srt")
    second = client.post(
        "/submit", files={"file": ("copy of octopus.srt", SRT.encode())}, follow_redirects=False
    )
    assert first.status_code == 202 and second.status_code == 303
    assert second.headers["location"] == f"/jobs/{first.json()['id']}"
    uploads = distill_home / "media" / "uploads"
    assert len(list(uploads.iterdir())) == 1 and len(library.list_jobs()) == 1
    other = upload("other.srt", SRT.replace("three", "blue"))
    assert other.json()["id"] != first.json()["id"] and len(list(uploads.iterdir())) == 2
    # Once it is done, uploading it again is new work, as for URLs.
    Worker(Distill(library)).run_pending()
    assert library.get_job(first.json()["id"]).status == "done"
    assert upload("octopus.srt").json()["id"] != first.json()["id"]


def test_concurrent_uploads_of_one_file_are_one_job(app, library, distill_home: Path):
    import io
    import threading

    from distill.web import submissions as service

    state = app.state.distill
    paths = [service.store_file(state, io.BytesIO(SRT.encode()), "octopus.srt") for _ in range(6)]
    gate = threading.Barrier(len(paths))
    jobs: list[str] = []

    def submit(path: Path) -> None:
        gate.wait()
        jobs.append(service.submit_file(state, str(path)).id)

    threads = [threading.Thread(target=submit, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(jobs) == 6 and len(set(jobs)) == 1 and len(library.list_jobs()) == 1
    # Only the copy the job reads is kept.
    uploads = distill_home / "media" / "uploads"
    assert [p.parent for p in paths if p.exists()] == list(uploads.iterdir())


def test_cross_site_upload_is_refused_before_it_is_stored(client, library, distill_home: Path):
    r = client.post(
        "/submit",
        files={"file": ("octopus.srt", SRT.encode())},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and parse(r.text).find("h1").text == "Not allowed"
    uploads = distill_home / "media" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert library.list_jobs() == []


def test_video_without_media_gets_a_note_not_an_empty_player(client, library):
    library.save_transcript(
        make_transcript("notes-0123abcd", "Notes", kind="captions", channel=None, channel_id=None)
    )
    doc = parse(client.get("/v/notes-0123abcd").text)
    slot = doc.by_id("player-slot")
    assert "none" in slot.get("class").split()
    assert doc.by_id("player") is None and slot.find("p", class_="no-player") is not None
    youtube = make_transcript("bees0000001", "Bees")
    library.save_transcript(youtube)
    assert "none" not in parse(client.get("/v/bees0000001").text).by_id("player-slot").get("class")


def test_every_changing_endpoint_needs_the_token(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", "s3cret-token")
    get_settings.cache_clear()
    lib = Library()
    lib.save_transcript(make_transcript("bees0000001", "Bees"))
    job = lib.create_job("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    lib.update_job(job.id, status="failed", error="Could not reach YouTube.")
    with TestClient(create_app(lib, worker=False), base_url="http://127.0.0.1:8000") as client:
        refused = [
            client.post("/api/v1/videos/bees0000001/translate", json={"lang": "es"}),
            client.post("/v/bees0000001/translate", data={"lang": "es"}),
            client.post(f"/api/v1/jobs/{job.id}/retry"),
            client.post(f"/jobs/{job.id}/retry", data={"token": "wrong"}),
            client.post("/api/v1/jobs/upload", files={"file": ("a.srt", SRT.encode())}),
            client.post("/submit", files={"file": ("a.srt", SRT.encode())}),
            client.delete("/api/v1/videos/bees0000001"),
        ]
        assert [r.status_code for r in refused] == [401] * len(refused)
        assert all("DISTILL_API_TOKEN" in r.text for r in refused)
        # Nothing changed: no upload stored, the job still failed, the video still there.
        uploads = distill_home / "media" / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())
        assert lib.get_job(job.id).status == "failed" and lib.has_video("bees0000001")
        ok = client.post(f"/jobs/{job.id}/retry", data={"token": "s3cret-token"})
        assert ok.status_code == 200 and lib.get_job(job.id).status == "queued"
    lib.close()


def test_a_blank_token_is_no_token(distill_home, monkeypatch):
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    monkeypatch.setenv("DISTILL_API_TOKEN", "   ")
    get_settings.cache_clear()
    lib = Library()
    with TestClient(create_app(lib, worker=False), base_url=LOOPBACK) as client:
        r = client.post("/api/v1/jobs", json={"source": "https://youtu.be/dQw4w9WgXcQ"})
        assert r.status_code == 202
    lib.close()


def test_serve_refuses_public_address_with_a_blank_token(cli):
    r = cli("serve", "--host", "::", "--port", "8766", env={"DISTILL_API_TOKEN": "  "})
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "DISTILL_API_TOKEN" in lines[0] and "Traceback" not in r.stderr


def test_api_docs_are_served_from_this_server(client):
    r = client.get("/docs")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "http" not in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    doc = parse(r.text)
    scripts = [s.get("src") for s in doc.find_all("script")]
    assert scripts and all(s.startswith(("/docs-assets/", "/static/")) for s in scripts)
    assert all(not s.text.strip() for s in doc.find_all("script"))  # no inline script
    for src in scripts:
        asset = client.get(src.split("?")[0])
        assert asset.status_code == 200 and len(asset.content) > 100, src
    css = [link.get("href") for link in doc.find_all("link", rel="stylesheet")]
    assert css and all(client.get(h).status_code == 200 for h in css)


def test_search_keeps_each_videos_moments_together(client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    library.save_transcript(
        make_transcript(
            "ants0000001",
            "Ant farms",
            lines=["Ants also love honey.", "Ants farm aphids.", "Honey ants store honey."],
        )
    )
    hits = parse(client.get("/search", params={"q": "honey"}).text).find_all("li", class_="hit")
    videos = [h.find("a", class_="hit-title").get("href").split("?")[0] for h in hits]
    assert set(videos) == {"/v/bees0000001", "/v/ants0000001"}
    # Each video's hits are contiguous; only the first of a run is a full-size entry.
    runs = [v for i, v in enumerate(videos) if i == 0 or videos[i - 1] != v]
    assert len(runs) == 2
    for i, hit in enumerate(hits):
        more = "hit-more" in hit.get("class").split()
        assert more == (i > 0 and videos[i - 1] == videos[i])


def test_the_markdown_download_renders_no_markup(client, library):
    """The page's .md download, rendered by a CommonMark renderer with raw HTML on: only text."""
    from markdown_it import MarkdownIt

    attacks = f"{HOSTILE} <javascript:alert(3)> [x](javascript:alert(4)) \x1b]0;owned\x07"
    t = make_transcript("evil0000002", "Title " + attacks, channel="Chan " + attacks)
    library.save_transcript(t)
    library.save_summary(
        "evil0000002",
        Summary(
            source=SourceRef.of(t.meta),
            tldr="TLDR " + attacks,
            insights=[Insight(emoji="🐝", text="Insight " + attacks, start=1.0)],
        ),
    )
    md = client.get("/v/evil0000002/summary.md").text
    assert "\x1b" not in md and "\x07" not in md
    doc = parse(MarkdownIt("commonmark", {"html": True}).render(md))
    assert {n.tag for n in doc.iter()} <= {"#document", "h1", "h2", "p", "ul", "li", "a", "strong"}
    assert not [n for n in doc.iter() if any(k.startswith("on") or k == "src" for k in n.attrs)]
    hrefs = [a.get("href") for a in doc.find_all("a")]
    assert hrefs[0] == "https://www.youtube.com/watch?v=evil0000002"  # the source, as a link
    assert hrefs[1:] and all(
        h.startswith("http://127.0.0.1:8000/v/evil0000002?t=") for h in hrefs[1:]
    )
    assert "<script>alert(1)</script>" in doc.text and "javascript:alert(4)" in doc.text
