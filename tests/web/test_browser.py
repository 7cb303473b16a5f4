"""The pages in a real Chromium against a real `distill serve`: upload, progress, seeking, ask, search, phone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from distill.domain import Chapter, Segment, Transcript, VideoMeta
from tests.transcribe.speech_helpers import LONG_SPEECH_TEXT

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
    "--autoplay-policy=no-user-gesture-required",
]
SPEECH = (
    "Honey bees live in colonies of many thousands. The queen lays all of the eggs in the hive. "
    "Worker bees collect nectar and pollen from flowers. They turn the nectar into honey by drying "
    "it with their wings. Bees tell each other where flowers are with a waggle dance. Pollination "
    "by bees is essential for apples, almonds and many other crops."
)
# A hand-written talk for the screenshots, so they show a realistic page.
TALK = [
    "Today we look at how a honey bee colony works as one organism.",
    "A strong colony holds around fifty thousand bees in the middle of summer.",
    "There is a single queen, and her only job is to lay eggs, up to two thousand a day.",
    "The drones are male bees, and they exist to mate with queens from other colonies.",
    "Everything else is done by the workers, which are all female.",
    "A worker changes jobs as she ages, starting as a cleaner inside the hive.",
    "After a few days she becomes a nurse and feeds the growing larvae.",
    "Later she builds wax comb, guards the entrance, and finally flies out to forage.",
    "Foragers visit hundreds of flowers on every trip and bring back nectar and pollen.",
    "Nectar is mostly water, so the bees fan it with their wings until it thickens into honey.",
    "Each finished cell is capped with wax, which keeps the honey safe for years.",
    "When a forager finds a rich patch of flowers, she performs the waggle dance.",
    "The angle of the dance points to the flowers relative to the sun.",
    "The length of the waggle run tells the others how far away the flowers are.",
    "In winter the colony forms a tight cluster and shivers its muscles to stay warm.",
    "The honey stored in summer is the fuel that keeps this cluster alive.",
    "Bees also pollinate about a third of the food crops we eat.",
    "Apples, almonds, blueberries and cherries all depend heavily on them.",
    "Pesticides, parasites like the varroa mite, and the loss of wild flowers all threaten colonies.",
    "Planting flowers that bloom from spring to autumn is one of the simplest ways to help.",
    "So the next time you eat an apple, remember the fifty thousand workers behind it.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Spoken audio made with espeak-ng, and a small video (a still frame) with that audio."""
    d = tmp_path_factory.mktemp("media")
    wav = d / "honey-bees.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), SPEECH], check=True)
    long_wav = d / "lighthouse-keeper.wav"
    subprocess.run(["espeak-ng", "-s", "165", "-w", str(long_wav), LONG_SPEECH_TEXT], check=True)
    mp4 = d / "honey-bees.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x1e3a5f:s=640x360:r=5",
         "-i", str(wav), "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", str(mp4)],
        check=True,
    )  # fmt: skip
    return d


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `distill serve` on a loopback port with its own data dir."""
    home = tmp_path_factory.mktemp("home")
    port = free_port()
    env = {**os.environ, "DISTILL_HOME": str(home)}
    env.pop("DISTILL_DATABASE_URL", None)
    env.pop("DISTILL_API_TOKEN", None)
    env.pop("DISTILL_MODEL", None)
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
            raise RuntimeError(
                "distill serve did not start: " + proc.stderr.read().decode()[-2000:]
            )  # type: ignore[union-attr]
        time.sleep(0.2)
    yield base, home
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


@pytest.fixture(scope="module")
def uploaded(server, browser, media_dir) -> str:
    """Upload the spoken video through the home page, watch the job, land on the summary page."""
    base, _ = server
    page = browser.new_page()
    page.goto(base + "/")
    page.set_input_files("#file", str(media_dir / "honey-bees.mp4"))
    page.click("button.primary")
    page.wait_for_url("**/jobs/*")
    # The job page shows the stages while the worker runs them: an upload downloads nothing.
    stages = page.locator("#stages li").evaluate_all("els => els.map(e => e.dataset.stage)")
    assert stages == ["transcribe", "summarize", "done"]
    seen = set()
    deadline = time.monotonic() + 120
    while "/v/" not in page.url and time.monotonic() < deadline:
        try:
            current = page.locator("#stages li.current").get_attribute("data-stage", timeout=200)
            if current:
                seen.add(current)
        except Exception:
            pass
        time.sleep(0.1)
    page.wait_for_url("**/v/*", timeout=5000)
    assert seen & {"transcribe", "summarize", "done"}, seen
    assert page.locator("h1").inner_text()
    assert page.locator("video#player").count() == 1
    url = page.url
    page.close()
    return url


def test_job_page_shows_transcription_progress_as_it_goes(browser, server, media_dir, uploaded):
    """About a minute of speech: the page shows percentages and audio seconds between 0 and done."""
    base, _ = server
    page = browser.new_page()
    page.goto(base + "/")
    page.set_input_files("#file", str(media_dir / "lighthouse-keeper.wav"))
    page.click("button.primary")
    page.wait_for_url("**/jobs/*")
    readings: list[tuple[str, float, str]] = []
    deadline = time.monotonic() + 180
    while "/v/" not in page.url and time.monotonic() < deadline:
        try:
            reading = page.evaluate(
                "(() => { const li = document.querySelector('#stages li.current');"
                " return li ? [li.dataset.stage, li.querySelector('progress').value,"
                " document.getElementById('job-status').textContent] : null; })()"
            )
        except Exception:  # the page is navigating to the summary
            break
        if reading:
            readings.append(tuple(reading))
        time.sleep(0.1)
    assert "/v/" in page.url or page.wait_for_url("**/v/*", timeout=5000) is None
    transcribing = [(value, text) for stage, value, text in readings if stage == "transcribe"]
    between = [(v, t) for v, t in transcribing if 0.0 < v < 1.0]
    assert between, readings
    # The status line says how far, in percent and in audio: "Transcribe — 38% · 0:26 of 1:09 of audio".
    said = [t for _, t in between if " of audio" in t]
    assert said, between
    percent = int(said[0].split("—")[1].split("%")[0])
    assert 0 < percent < 100
    assert not [s for s, _, _ in readings if s == "download"]
    page.close()


def wait_js(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JS expression until truthy (page.wait_for_function would need eval, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def player_time(page) -> float:
    return float(page.evaluate("document.getElementById('player').currentTime"))


def wait_metadata(page) -> None:
    wait_js(page, "document.getElementById('player').readyState >= 1", 15)


def test_click_insight_time_seeks_the_player(browser, uploaded):
    page = browser.new_page()
    page.goto(uploaded)
    wait_metadata(page)
    links = page.locator(
        "section.insights a.ts, section.takeaways a.ts, #transcript-h ~ .para a.ts"
    )
    target = None
    for i in range(links.count()):
        t = float(links.nth(i).get_attribute("data-t"))
        if t >= 2:
            target = links.nth(i)
            break
    assert target is not None, "no insight with a time after the start"
    t = float(target.get_attribute("data-t"))
    target.click()
    wait_js(page, f"Math.abs(document.getElementById('player').currentTime - {t}) < 1.5")
    assert abs(player_time(page) - t) < 1.5
    # The transcript scrolled to that moment: the sentence said then is on screen.
    wait_js(
        page,
        "(() => { const s = document.querySelector('.seg.target');"
        " if (!s) return false; const r = s.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; })()",
        5,
    )
    # While it plays, the transcript sentence at that moment is highlighted.
    page.wait_for_selector(".seg.current", timeout=5000)
    start = float(page.locator(".seg.current").get_attribute("data-start"))
    assert start <= player_time(page) + 0.1
    page.close()


def test_ask_shows_a_cited_answer(browser, uploaded):
    page = browser.new_page()
    page.goto(uploaded)
    wait_metadata(page)
    page.fill("#ask-q", "What do worker bees collect?")
    page.click("#ask-form button")
    page.wait_for_selector("#ask-answer .answer-text", timeout=15000)
    assert page.locator("#ask-answer .answer-text").inner_text().strip()
    cite = page.locator("#ask-answer .citations a.ts").first
    t = float(cite.get_attribute("data-t"))
    cite.click()
    wait_js(page, f"Math.abs(document.getElementById('player').currentTime - {t}) < 1.5")
    page.close()


def test_search_hit_opens_the_page_at_that_time(browser, uploaded, server):
    base, _ = server
    page = browser.new_page()
    page.goto(base + "/")
    page.fill("#site-q", "flowers")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?q=flowers*")
    hit = page.locator("li.hit a.hit-title[href*='?t=']").first
    href = hit.get_attribute("href")
    t = float(href.split("?t=")[1])
    hit.click()
    page.wait_for_url("**/v/*?t=*")
    wait_metadata(page)
    wait_js(page, f"Math.abs(document.getElementById('player').currentTime - {t}) < 1.5")
    page.close()


def test_phone_width_has_no_horizontal_scroll(browser, uploaded, server):
    base, _ = server
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = ctx.new_page()
    for url in [uploaded, base + "/", base + "/search?q=bees"]:
        page.goto(url)
        page.click("#transcript-more > summary") if page.locator(
            "#transcript-more"
        ).count() else None
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)
    ctx.close()


def showcase_media(d: Path) -> tuple[Path, list[Segment]]:
    """The talk spoken by espeak-ng on a titled still frame; segment times follow the words."""
    wav = d / "colony.wav"
    subprocess.run(["espeak-ng", "-s", "155", "-w", str(wav), " ".join(TALK)], check=True)
    with wave.open(str(wav)) as w:
        duration = w.getnframes() / w.getframerate()
    mp4 = d / "colony.mp4"
    title = "How a honey bee colony works"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0x1e3a5f:s=960x540:r=2",
         "-i", str(wav), "-vf", f"drawtext=text='{title}':fontcolor=white:fontsize=44:x=(w-tw)/2:y=(h-th)/2",
         "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", str(mp4)],
        check=True,
    )  # fmt: skip
    words = [len(s.split()) for s in TALK]
    per_word = duration / sum(words)
    segments, t = [], 0.0
    for text, n in zip(TALK, words, strict=True):
        segments.append(Segment(start=round(t, 2), end=round(t + n * per_word, 2), text=text))
        t += n * per_word
    return mp4, segments


def seed_showcase(home: Path, media: Path, segments: list[Segment]) -> str:
    """A well-written talk with its spoken video as media, for the README screenshots."""
    from distill.library import Library
    from distill.summarize import summarize

    def at(i: int) -> float:
        return float(segments[i].start or 0.0)

    meta = VideoMeta(
        kind="media",
        id="how-a-bee-colony-works-5eed0001",
        title="How a honey bee colony works",
        channel="Field Notes",
        channel_id="field-notes",
        duration=segments[-1].end,
        language="en",
        upload_date="2025-06-14",
        view_count=48211,
        chapters=[
            Chapter(title="Who lives in a hive", start=0.0),
            Chapter(title="Making honey", start=at(8)),
            Chapter(title="The waggle dance", start=at(11)),
            Chapter(title="Why bees matter", start=at(16)),
        ],
        path=str(media),
    )
    t = Transcript(meta=meta, language="en", origin="manual", segments=segments)
    lib = Library(f"sqlite:///{home / 'distill.db'}")
    vid = lib.save_transcript(t)
    lib.save_summary(vid, summarize(t))
    lib.close()
    return vid


def test_api_docs_render_offline(browser, server):
    """Swagger UI at /docs comes from this server: it renders with no request to another host."""
    base, _ = server
    page = browser.new_page()
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith((base, "data:")) else None,
    )
    page.goto(base + "/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/videos" in paths and "/api/v1/search" in paths
    assert elsewhere == []
    page.close()


def test_screenshots_light_dark_phone(browser, server, media_dir, tmp_path):
    base, home = server
    vid = seed_showcase(home, *showcase_media(media_dir))
    # The README's screenshots are (re)written when missing or when DISTILL_UPDATE_SCREENSHOTS=1,
    # so an ordinary test run leaves the working tree clean.
    names = ("video-light.png", "video-dark.png", "video-phone.png")
    refresh = os.environ.get("DISTILL_UPDATE_SCREENSHOTS") == "1"
    out = SCREENSHOTS if refresh or not all((SCREENSHOTS / n).exists() for n in names) else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    shots = [
        ("video-light.png", {"viewport": {"width": 1280, "height": 1600}, "color_scheme": "light"}),
        ("video-dark.png", {"viewport": {"width": 1280, "height": 1600}, "color_scheme": "dark"}),
        ("video-phone.png", {"viewport": {"width": 390, "height": 1400}, "color_scheme": "light"}),
    ]
    for name, opts in shots:
        ctx = browser.new_context(**opts)
        page = ctx.new_page()
        page.goto(f"{base}/v/{vid}")
        wait_metadata(page)
        # Show a real frame rather than the loading spinner.
        page.evaluate("document.getElementById('player').currentTime = 1")
        wait_js(page, "document.getElementById('player').readyState >= 2", 10)
        wait_js(page, "!document.getElementById('player').seeking", 10)
        time.sleep(0.5)
        assert page.locator("h1").inner_text() == "How a honey bee colony works"
        assert page.locator("section.insights li").count() >= 3
        page.screenshot(path=str(out / name))
        ctx.close()
        assert (out / name).stat().st_size > 10_000
