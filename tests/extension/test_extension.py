"""The browser extension in a real Chromium against a real `distill serve`: the watch page's
button and the side panel, highlights on an article, the options page, and the server refusing
other origins."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.extension.conftest import ROOT, TOKEN, Browser, Site
from tests.extension.pages import ARTICLE_TITLE, TITLE, TOKEN_VIDEO_ID, VIDEO_ID, captions_body

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "docs" / "screenshots"
EXTENSION_ID = "mphgeibnmfiogbcmmoooambanmclenkm"  # fixed by the manifest's key


def test_the_extension_id_is_the_one_the_server_allows(browser: Browser) -> None:
    from distill.settings import Settings

    assert browser.id == EXTENSION_ID
    assert f"chrome-extension://{EXTENSION_ID}" in Settings().extension_origin_set


def test_the_options_page_says_clearly_when_the_token_is_wrong(
    browser: Browser, server: str
) -> None:
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.id}/options.html")
    page.fill("#server", server)
    page.fill("#token", "not-the-token")
    page.click("#save")
    status = page.locator("#status[data-result=error]")
    status.wait_for(timeout=15000)
    assert status.inner_text().startswith("Wrong token: distill at " + server)
    assert "DISTILL_API_TOKEN" in status.inner_text()
    # A server that is not there is named as such, not as a token problem.
    page.fill("#server", "http://127.0.0.1:9")
    page.click("#save")
    page.wait_for_selector("#status:has-text('Could not reach distill')", timeout=15000)
    page.fill("#server", "file:///etc")
    page.click("#save")
    page.wait_for_selector("#status:has-text('must be an http(s) URL')", timeout=15000)
    # The right token is accepted.
    page.fill("#server", server)
    page.fill("#token", TOKEN)
    page.click("#save")
    page.wait_for_selector("#status[data-result=ok]:has-text('Connected')", timeout=15000)
    page.close()


def test_the_watch_page_button_fills_the_panel_and_its_times_seek_the_player(
    configured: Browser, server: str, site: Site
) -> None:
    watch = configured.context.new_page()
    watch.goto(f"https://www.youtube.com/watch?v={VIDEO_ID}")
    button = watch.locator("#distill-summarize")
    assert button.inner_text() == "Summarize with distill"
    tab = configured.newest_tab()
    panel = configured.context.new_page()
    panel.set_viewport_size({"width": 380, "height": 900})
    panel.goto(f"chrome-extension://{configured.id}/panel.html?tab={tab}")
    button.click()
    panel.wait_for_selector("h1", timeout=60000)
    assert panel.locator("h1").inner_text() == TITLE
    assert panel.locator("p.tldr").inner_text()
    full = panel.locator("a.full")
    assert full.get_attribute("href") == f"{server}/v/{VIDEO_ID}"
    times = panel.locator("button.ts")
    assert times.count() >= 3
    # The server stored the captions it was sent, as coming from the browser.
    stored = httpx.get(f"{server}/api/v1/videos/{VIDEO_ID}/transcript").json()
    assert stored["segments"][0]["text"].startswith("Today we look at how a honey bee colony")

    later = [
        float(t) for t in times.evaluate_all("els => els.map(e => e.dataset.t)") if float(t) > 5
    ]
    target = later[len(later) // 2]
    watch.wait_for_function("document.querySelector('video').readyState >= 1", timeout=15000)
    panel.locator(f"button.ts[data-t='{target:g}']").first.click()
    watch.wait_for_function(
        f"Math.abs(document.querySelector('video').currentTime - {target}) < 0.5", timeout=10000
    )
    assert watch.locator("#distill-summarize").inner_text() == "Summarize with distill"
    panel.evaluate("window.scrollTo(0, 0)")
    side_by_side(configured.context, watch, panel, SCREENSHOTS / "extension-panel.png")
    panel.close()
    watch.close()


def side_by_side(context, watch, panel, path: Path) -> None:  # type: ignore[no-untyped-def]
    """One picture of the watch page with the panel beside it, as Chrome shows the side panel."""
    import base64

    shots = [base64.b64encode(p.screenshot()).decode() for p in (watch, panel)]
    sheet = context.new_page()
    sheet.set_viewport_size({"width": 1100 + 380, "height": 900})
    sheet.set_content(
        "<body style='margin:0;display:flex;align-items:flex-start;background:#0f0f0f'>"
        + "".join(f"<img src='data:image/png;base64,{s}'>" for s in shots)
        + "</body>"
    )
    sheet.wait_for_function("[...document.images].every(i => i.complete)")
    size = sheet.evaluate("[...document.images].map(i => [i.naturalWidth, i.naturalHeight])")
    width, height = sum(w for w, _ in size), max(h for _, h in size)
    sheet.set_viewport_size({"width": width, "height": height})
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.screenshot(path=str(path))
    sheet.close()


def test_captions_youtube_serves_only_to_the_player_are_read_from_its_own_request(
    configured: Browser, server: str, site: Site
) -> None:
    watch = configured.context.new_page()
    watch.goto(f"https://www.youtube.com/watch?v={TOKEN_VIDEO_ID}")
    watch.wait_for_selector("body[data-captions=on]")  # the player fetched them with its token
    tab = configured.newest_tab()
    watch.locator("#distill-summarize").click()
    state: dict = {}
    deadline = time.monotonic() + 60
    while state.get("status") in (None, "working"):
        assert time.monotonic() < deadline, watch.locator("#distill-summarize").inner_text()
        time.sleep(0.3)
        state = configured.worker.evaluate(
            "(tab) => chrome.storage.session.get('tab:' + tab).then(s => s['tab:' + tab] || {})",
            tab,
        )
    assert state["status"] == "done" and state["result"]["video_id"] == TOKEN_VIDEO_ID
    assert httpx.get(f"{server}/api/v1/videos/{TOKEN_VIDEO_ID}").status_code == 200
    watch.close()


def test_a_watch_page_without_captions_for_the_extension_says_what_to_do(
    configured: Browser, site: Site
) -> None:
    watch = configured.context.new_page()
    # The same page with captions off in the player: YouTube gives the extension nothing.
    watch.goto(f"https://www.youtube.com/watch?v={TOKEN_VIDEO_ID}&cc=0")
    watch.locator("#distill-summarize").click()
    watch.wait_for_selector("#distill-summarize[data-state=error]", timeout=15000)
    assert "turn on captions (CC) in the player" in watch.locator("#distill-summarize").inner_text()
    watch.close()


def select_words(page, words: str) -> None:  # type: ignore[no-untyped-def]
    """Select the first occurrence of `words` in the page's paragraphs, as a reader's drag does."""
    page.evaluate(
        """(words) => {
          for (const p of document.querySelectorAll('article p')) {
            const node = p.firstChild;
            const at = node.nodeValue.indexOf(words);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            return;
          }
          throw new Error('not on the page: ' + words);
        }""",
        words,
    )


def test_an_article_highlight_is_saved_listed_and_drawn_again_after_a_reload(
    configured: Browser, server: str, site: Site
) -> None:
    url = f"{site.http_base}/article.html"
    page = configured.context.new_page()
    page.goto(url)
    tab = configured.newest_tab()
    # What the toolbar button does on a page that is not a watch page.
    configured.worker.evaluate("(tab) => self.distill.injectPage(tab)", tab)
    page.wait_for_selector("#distill-bar-host", state="attached")
    page.locator("#distill-bar-host #note").fill("how they tell each other where food is")
    select_words(page, "waggle dance")
    page.locator("#distill-bar-host #highlight").click()
    page.wait_for_selector("#distill-bar-host .status:has-text('Highlighted')", timeout=30000)
    mark = page.locator("mark.distill-hl")
    assert mark.count() == 1 and mark.inner_text() == "waggle dance"

    found = httpx.get(f"{server}/api/v1/highlights", params={"url": url}).json()["items"]
    assert [(h["quote"], h["note"], h["start"]) for h in found] == [
        ("waggle dance", "how they tell each other where food is", None)
    ]
    assert found[0]["paragraph"] == 2 and found[0]["title"] == ARTICLE_TITLE
    listed = httpx.get(f"{server}/highlights").text
    assert "how they tell each other where food is" in listed and ARTICLE_TITLE in listed

    page.reload()
    assert page.locator("mark.distill-hl").count() == 0
    configured.worker.evaluate("(tab) => self.distill.injectPage(tab)", tab)
    page.wait_for_selector("mark.distill-hl", timeout=15000)
    again = page.locator("mark.distill-hl")
    assert again.inner_text() == "waggle dance"
    assert again.get_attribute("data-note") == "how they tell each other where food is"
    assert "1 highlight on this page" in page.locator("#distill-bar-host .count").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "extension-highlight.png"))
    page.close()


def test_the_server_refuses_captions_sent_from_another_origin(
    browser: Browser, server: str, site: Site
) -> None:
    body = captions_body(video_id="bEe5Talk0_2")
    page = browser.context.new_page()
    page.goto(f"{site.http_base}/article.html")
    outcome = page.evaluate(
        """async ([server, token, body]) => {
          try {
            const r = await fetch(server + '/api/v1/browser/captions', {method: 'POST',
              headers: {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'},
              body: JSON.stringify(body)});
            return 'answered ' + r.status;
          } catch (e) { return 'blocked'; }
        }""",
        [server, TOKEN, body],
    )
    assert outcome == "blocked"
    # Even a request that skips the browser's preflight is refused for its origin.
    direct = httpx.post(
        f"{server}/api/v1/browser/captions",
        json=body,
        headers={"Origin": site.http_base, "Authorization": f"Bearer {TOKEN}"},
    )
    assert direct.status_code == 403
    time.sleep(0.2)
    assert httpx.get(f"{server}/api/v1/videos/bEe5Talk0_2").status_code == 404
    page.close()
