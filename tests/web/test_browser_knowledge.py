"""Highlights and asking the library in a real Chromium against a real `distill serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TALKS = {
    "colony00001": (
        "How a honey bee colony works",
        [
            "A strong colony holds around fifty thousand bees in the middle of summer.",
            "There is a single queen, and her only job is to lay eggs, up to two thousand a day.",
            "Foragers visit hundreds of flowers on every trip and bring back nectar and pollen.",
            "Nectar is mostly water, so the bees fan it with their wings until it thickens into honey.",
            "Each finished cell is capped with wax, which keeps the honey safe for years.",
            "When a forager finds a rich patch of flowers, she performs the waggle dance.",
            "In winter the colony forms a tight cluster and shivers its muscles to stay warm.",
            "The honey stored in summer is the fuel that keeps this cluster alive.",
        ],
    ),
    "pollinate01": (
        "Why pollinators matter for farms",
        [
            "Bees pollinate about a third of the food crops we eat.",
            "Apples, almonds, blueberries and cherries all depend heavily on them.",
            "Almond orchards in California rent more than a million hives every spring.",
            "Pesticides, the varroa mite and the loss of wild flowers all threaten colonies.",
            "Planting flowers that bloom from spring to autumn is one of the simplest ways to help.",
        ],
    ),
}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `distill serve` whose library holds two talks, indexed for asking."""
    from distill.domain import Segment, Transcript, VideoMeta
    from distill.library import Library
    from distill.service import Distill

    home = tmp_path_factory.mktemp("home")
    lib = Library(f"sqlite:///{home / 'distill.db'}")
    service = Distill(lib)
    for vid, (title, lines) in TALKS.items():
        segs = [Segment(start=i * 5.0, end=i * 5.0 + 4.5, text=t) for i, t in enumerate(lines)]
        meta = VideoMeta(kind="captions", id=vid, title=title, channel="Field Notes")
        lib.save_transcript(Transcript(meta=meta, language="en", origin="manual", segments=segs))
        service.summary(vid)  # the built-in summary, stored and indexed
    lib.close()
    port = free_port()
    env = {**os.environ, "DISTILL_HOME": str(home)}
    for name in ("DISTILL_DATABASE_URL", "DISTILL_API_TOKEN", "DISTILL_MODEL"):
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
            raise RuntimeError("distill serve did not start")
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def select_text(page, selector: str, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    """Select characters [start, end) of an element's text, ending as a drag does: a mouseup."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.evaluate(
        "([sel, a, b]) => { const el = document.querySelector(sel);"
        " const node = Array.from(el.childNodes).find(n => n.nodeType === 3 && n.textContent.trim());"
        " const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b);"
        " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);"
        " el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true})); }",
        [selector, start, end],
    )


def test_select_highlight_note_edit_delete(browser, server):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(server + "/v/colony00001")
    seg = '.seg[data-start="15.00"]'
    select_text(page, seg, 0, 40)
    page.wait_for_selector("#highlight-button:not([hidden])", timeout=5000)
    page.click("#highlight-button")
    assert (
        page.locator("#highlight-preview").inner_text() == "Nectar is mostly water, so the bees fan"
    )
    page.fill("#highlight-note", "Fanning <b>dries</b> the nectar")
    page.fill("#highlight-tags", "honey #to-read")
    page.click("#highlight-form button[type=submit]")
    page.wait_for_selector("#video-highlights .highlight-item", timeout=10000)
    item = page.locator("#video-highlights .highlight-item").first
    assert item.locator(".highlight-note").inner_text() == "Fanning <b>dries</b> the nectar"
    assert item.locator("blockquote").inner_text() == "Nectar is mostly water, so the bees fan"
    assert page.locator(f"{seg}.highlighted").count() == 1
    # Edit the note in place; a second, stale edit from elsewhere is refused with a message.
    item.locator(".hl-edit").click()
    item.locator("textarea").fill("Edited in the browser")
    item.locator(".hl-edit-form button[type=submit]").click()
    deadline = time.monotonic() + 5
    while item.locator(".highlight-note").inner_text() != "Edited in the browser":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    hid = item.get_attribute("data-id")
    stale = httpx.patch(
        f"{server}/api/v1/highlights/{hid}", json={"version": 1, "note": "stale"}, timeout=5
    )
    assert stale.status_code == 409
    # A summary item can be highlighted too.
    takeaway = page.locator("section.takeaways li.hl-source").first.inner_text()
    select_text(page, "section.takeaways li.hl-source", 0, takeaway.index(".") + 1)
    page.wait_for_selector("#highlight-button:not([hidden])", timeout=5000)
    page.click("#highlight-button")
    page.click("#highlight-form button[type=submit]")
    deadline = time.monotonic() + 10
    while page.locator("#video-highlights .highlight-item").count() < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # The /highlights page lists both; deleting one on the video page removes it.
    listing = browser.new_page()
    listing.goto(server + "/highlights?tag=honey")
    assert listing.locator("li.highlight-item").count() == 1
    listing.close()
    page.on("dialog", lambda d: d.accept())
    first = page.locator("#video-highlights .highlight-item").first
    first.locator(".hl-delete").click()
    deadline = time.monotonic() + 5
    while page.locator("#video-highlights .highlight-item").count() != 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    page.close()


def test_ask_page_follow_up_and_screenshots(browser, server, tmp_path):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1100, "height": 1100})
    page = ctx.new_page()
    page.goto(server + "/ask")
    page.fill("#library-q", "How do bees turn nectar into honey?")
    page.click("#library-ask button[type=submit]")
    page.wait_for_selector("#conversation .turn .answer-text", timeout=15000)
    first = page.locator("#conversation .turn").first
    assert first.locator(".cite-title").first.inner_text() == "How a honey bee colony works"
    page.fill("#library-q", "How do they survive the winter?")
    page.click("#library-ask button[type=submit]")
    deadline = time.monotonic() + 15
    while page.locator("#conversation .turn .answer-text").count() < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = page.locator("#conversation .turn").nth(1)
    assert "cluster" in second.locator(".answer-text").inner_text()
    href = second.locator(".cite-title").first.get_attribute("href")
    assert href.startswith("/v/colony00001?t=")
    refresh = os.environ.get("DISTILL_UPDATE_SCREENSHOTS") == "1"
    names = ("ask-library.png", "video-highlights.png")
    out = SCREENSHOTS if refresh or not all((SCREENSHOTS / n).exists() for n in names) else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "ask-library.png"), full_page=True)
    # A page with highlights: two passages highlighted with notes.
    for start, note, tags in (
        (15.0, "Fanning is what turns nectar into honey.", ["honey"]),
        (35.0, "Summer honey is the winter fuel: worth a second look.", ["winter", "to-read"]),
    ):
        httpx.post(
            f"{server}/api/v1/highlights",
            json={"video_id": "colony00001", "start": start, "note": note, "tags": tags},
            timeout=5,
        )
    page.goto(server + "/v/colony00001#highlights-h")
    page.locator("#transcript-more > summary").click() if page.locator(
        "#transcript-more"
    ).count() else None
    page.screenshot(path=str(out / "video-highlights.png"), full_page=True)
    ctx.close()
    for name in names:
        assert (out / name).stat().st_size > 10_000
