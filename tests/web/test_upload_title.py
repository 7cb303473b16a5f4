"""The upload form and the upload API take a title for the file."""

from __future__ import annotations

from pathlib import Path

from tests.sources.test_metadata import SRT


def test_the_web_upload_takes_a_title(client, library, distill_home: Path):
    from web_helpers import parse

    from distill.jobs import Worker
    from distill.service import Distill

    home = parse(client.get("/").text)
    assert home.find("input", name="title") is not None
    r = client.post(
        "/submit",
        files={"file": ("poem.srt", SRT.encode(), "application/x-subrip")},
        data={"title": "Euler's <formula> poem"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    api = client.post(
        "/api/v1/jobs/upload",
        files={"file": ("gauss.srt", SRT.replace("Euler", "Gauss").encode(), "text/plain")},
        data={"title": "Gauss by API"},
    )
    assert api.status_code == 202, api.text
    assert Worker(Distill(library)).run_pending() == 2
    titles = {v.title for v in library.list_videos()}
    assert titles == {"Euler's <formula> poem", "Gauss by API"}
    uploads = distill_home / "media" / "uploads"
    before = len(list(uploads.iterdir()))
    refused = client.post(
        "/submit",
        files={"file": ("x.srt", SRT.encode(), "application/x-subrip")},
        data={"title": "x" * 600},
    )
    assert refused.status_code == 400 and "characters long" in refused.text
    assert len(list(uploads.iterdir())) == before  # nothing kept of a refused upload
