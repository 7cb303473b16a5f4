// The "Summarize with distill" button on a YouTube watch page: reads the captions in the page's
// own session, sends them (through the service worker) to the user's distill server, and seeks
// the player when the side panel asks.
(() => {
  if (window.__distillYoutube) return;
  window.__distillYoutube = true;

  const BUTTON_ID = "distill-summarize";
  const LABEL = "Summarize with distill";
  const MAX_CUES = 50000;
  const MAX_CUE_CHARS = 5000;

  function watchedId() {
    const url = new URL(location.href);
    const id = url.pathname === "/watch" ? url.searchParams.get("v") : null;
    return id && /^[A-Za-z0-9_-]{11}$/.test(id) ? id : null;
  }

  function ensureButton() {
    let button = document.getElementById(BUTTON_ID);
    if (!watchedId()) {
      if (button) button.remove();
      return;
    }
    if (button) return;
    button = document.createElement("button");
    button.id = BUTTON_ID;
    button.type = "button";
    button.textContent = LABEL;
    button.addEventListener("click", () => summarize(button));
    document.body.appendChild(button);
  }

  function askPlayer() {
    return new Promise((resolve, reject) => {
      const nonce = crypto.randomUUID();
      const timer = setTimeout(() => {
        window.removeEventListener("message", onMessage);
        reject(new Error("The YouTube player did not answer; reload the page and try again."));
      }, 3000);
      function onMessage(event) {
        const data = event.data;
        if (event.source !== window || !data || data.source !== "distill-page" || data.nonce !== nonce) return;
        clearTimeout(timer);
        window.removeEventListener("message", onMessage);
        resolve(data.player);
      }
      window.addEventListener("message", onMessage);
      window.postMessage({ source: "distill-ext", type: "player-request", nonce }, location.origin);
    });
  }

  function chooseTrack(tracks) {
    const written = tracks.filter((t) => t.kind !== "asr" && t.baseUrl);
    const spoken = tracks.filter((t) => t.kind === "asr" && t.baseUrl);
    const lang = (document.documentElement.lang || navigator.language || "en").slice(0, 2);
    const same = (t) => t.languageCode.slice(0, 2) === lang;
    return written.find(same) || written[0] || spoken.find(same) || spoken[0] || null;
  }

  async function fetchJson3(url) {
    if (url.origin !== location.origin) throw new Error("The caption track is not on YouTube; reload the page and try again.");
    url.searchParams.set("fmt", "json3");
    let response;
    try {
      response = await fetch(url.href, { credentials: "include" });
    } catch (_error) {
      throw new Error("Could not reach YouTube for the captions; check the connection and reload the page.");
    }
    if (!response.ok) throw new Error(`YouTube did not give the captions (HTTP ${response.status}); turn captions on in the player and try again.`);
    const text = await response.text();
    // YouTube answers a caption request without the player's token with an empty body.
    return text.trim() ? JSON.parse(text) : null;
  }

  // The caption request the player made itself (with its token) when captions were turned on.
  function playersOwnRequest(id) {
    const seen = performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name, location.href))
      .filter((url) => url.origin === location.origin && url.pathname === "/api/timedtext" && url.searchParams.get("v") === id);
    return seen.length ? seen[seen.length - 1] : null;
  }

  async function readCues(track, id) {
    let data = await fetchJson3(new URL(track.baseUrl, location.href));
    if (!data) {
      const own = playersOwnRequest(id);
      if (own) data = await fetchJson3(own);
    }
    if (!data) throw new Error("YouTube gave the extension no captions; turn on captions (CC) in the player, then press the button again.");
    const cues = [];
    for (const event of data.events || []) {
      if (!event.segs || cues.length >= MAX_CUES) continue;
      const text = event.segs.map((s) => s.utf8 || "").join("").replace(/\s+/g, " ").trim();
      if (!text) continue;
      cues.push({
        start: Math.max(0, (event.tStartMs || 0) / 1000),
        duration: Math.min(3600, Math.max(0, (event.dDurationMs || 0) / 1000)),
        text: text.slice(0, MAX_CUE_CHARS),
      });
    }
    return cues;
  }

  async function summarize(button) {
    // Opening the panel first keeps the click's user gesture, which Chrome asks of it.
    chrome.runtime.sendMessage({ type: "open-panel" });
    button.disabled = true;
    button.dataset.state = "working";
    button.textContent = "Reading captions…";
    try {
      const player = await askPlayer();
      const id = watchedId();
      if (!player || player.videoId !== id) throw new Error("The player has another video than the address; reload the page and try again.");
      const track = chooseTrack(player.tracks);
      if (!track) throw new Error("This video has no captions in the player, so distill cannot summarize it from the browser.");
      const cues = await readCues(track, id);
      if (!cues.length) throw new Error("The caption track is empty; pick another language in the player and try again.");
      button.textContent = "Summarizing…";
      const body = {
        video_id: id,
        title: (player.title || document.title.replace(/ - YouTube$/, "") || id).slice(0, 500),
        channel: player.author ? player.author.slice(0, 200) : null,
        duration: player.lengthSeconds > 0 ? Math.min(player.lengthSeconds, 172800) : null,
        lang: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(track.languageCode) ? track.languageCode : null,
        generated: track.kind === "asr",
        cues,
      };
      const answer = await chrome.runtime.sendMessage({ type: "summarize-captions", body });
      if (!answer || !answer.ok) throw new Error((answer && answer.error) || "The extension did not answer; reload the page.");
      button.dataset.state = "done";
      button.textContent = LABEL;
    } catch (error) {
      button.dataset.state = "error";
      button.textContent = "distill: " + error.message;
      chrome.runtime.sendMessage({ type: "failed", message: error.message });
    } finally {
      button.disabled = false;
    }
  }

  chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    if (message && message.type === "seek") {
      const video = document.querySelector("video");
      if (!video) {
        sendResponse({ ok: false });
        return;
      }
      video.currentTime = Number(message.t) || 0;
      sendResponse({ ok: true, t: video.currentTime });
    } else if (message && message.type === "summarize") {
      const button = document.getElementById(BUTTON_ID);
      if (button) summarize(button);
      sendResponse({ ok: Boolean(button) });
    }
  });

  document.addEventListener("yt-navigate-finish", ensureButton);
  window.addEventListener("popstate", ensureButton);
  ensureButton();
})();
