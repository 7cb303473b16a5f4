"""Screenshots of an article page and a PDF page for docs/screenshots (real server, real Chromium).

    .venv/bin/python scripts/screenshot_documents.py

A local HTTP server serves an article written for this script; a PDF is made by the tests' PDF
writer and uploaded; `distill serve` summarizes both with the built-in summarizer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sources"))
sys.path.insert(0, str(ROOT))  # the article page of the tests imports tests.conftest

from pdf_maker import Line, make_pdf  # noqa: E402
from test_articles import article_html  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def report_pdf() -> bytes:
    """A four-page report with headings, written here."""
    sections = [
        (
            "Why cities plant trees",
            [
                "Street trees cool the pavement below them by several degrees on summer afternoons.",
                "They slow the rain that would otherwise rush into the drains during a storm.",
                "Residents report that tree-lined streets feel calmer and safer to walk along.",
            ],
        ),
        (
            "Choosing the species",
            [
                "A street tree must survive poor soil, road salt and the heat reflected from walls.",
                "Planners mix several species so that one disease cannot strip a whole avenue.",
                "Native trees support more insects and birds than imported ornamental ones.",
            ],
        ),
        (
            "Planting and care",
            [
                "Young trees need water every week for their first three summers in the ground.",
                "A wide pit of loose soil lets the roots spread instead of lifting the sidewalk.",
                "Volunteers who adopt a tree keep more of them alive than contractors alone.",
            ],
        ),
        (
            "What it costs",
            [
                "Planting one street tree costs about as much as repaving a few metres of road.",
                "Over forty years the savings in cooling and drainage repay that cost many times.",
                "The largest expense is pruning, which grows as the canopy widens over the street.",
            ],
        ),
    ]
    pages: list[list[Line | str]] = []
    for n, (heading, sentences) in enumerate(sections, start=1):
        lines: list[Line | str] = []
        if n == 1:
            lines.append(Line("Trees on Every Street: a Short Report", size=20))
        lines.append(Line(heading, size=15))
        for _ in range(3):
            lines.extend(sentences)
        pages.append(lines)
    return make_pdf(pages, title="Trees on Every Street: a Short Report")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_article() -> tuple[ThreadingHTTPServer, str]:
    body = article_html().encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/news/community-gardens"


def wait_done(client: httpx.Client, job_id: str) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] == "done":
            return str(job["video_id"])
        if job["status"] == "failed":
            raise SystemExit(f"job failed: {job['error']}")
        time.sleep(0.3)
    raise SystemExit("job did not finish in time")


def main() -> None:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="distill-shots-"))
    port = free_port()
    env = {**os.environ, "DISTILL_HOME": str(home), "DISTILL_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}
    for name in ("DISTILL_DATABASE_URL", "DISTILL_API_TOKEN", "DISTILL_MODEL"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server, article_url = serve_article()
    base = f"http://127.0.0.1:{port}"
    try:
        client = httpx.Client(base_url=base, timeout=30)
        for _ in range(200):
            try:
                client.get("/api/v1/videos")
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        article = wait_done(
            client, client.post("/api/v1/jobs", json={"source": article_url}).json()["id"]
        )
        files = {"file": ("trees-report.pdf", report_pdf(), "application/pdf")}
        pdf = wait_done(client, client.post("/api/v1/jobs/upload", files=files).json()["id"])
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"{base}/v/{article}")
            page.screenshot(path=str(OUT / "article.png"), full_page=True)
            page.goto(f"{base}/v/{pdf}")
            time.sleep(1.5)  # the PDF viewer renders in its frame
            page.screenshot(path=str(OUT / "pdf.png"), full_page=True)
            browser.close()
        print(f"wrote {OUT / 'article.png'} and {OUT / 'pdf.png'}")
    finally:
        server.shutdown()
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
