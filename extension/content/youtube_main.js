// Runs in the watch page's own world: the only place the player's data (video details and
// caption tracks) can be read. It answers the extension's content script and nothing else.
(() => {
  if (window.__distillMain) return;
  window.__distillMain = true;

  function playerResponse() {
    const player = document.getElementById("movie_player");
    if (player && typeof player.getPlayerResponse === "function") {
      const live = player.getPlayerResponse();
      if (live) return live;
    }
    return window.ytInitialPlayerResponse || null;
  }

  function pick(response) {
    if (!response) return null;
    const details = response.videoDetails || {};
    const list = (response.captions && response.captions.playerCaptionsTracklistRenderer) || {};
    const tracks = (list.captionTracks || []).map((t) => ({
      baseUrl: String(t.baseUrl || ""),
      languageCode: String(t.languageCode || ""),
      kind: String(t.kind || ""),
      name: String((t.name && (t.name.simpleText || (t.name.runs || []).map((r) => r.text).join(""))) || ""),
    }));
    return {
      videoId: String(details.videoId || ""),
      title: String(details.title || ""),
      author: String(details.author || ""),
      lengthSeconds: Number(details.lengthSeconds || 0),
      tracks,
    };
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window || !data || data.source !== "distill-ext" || data.type !== "player-request") return;
    window.postMessage({ source: "distill-page", type: "player", nonce: data.nonce, player: pick(playerResponse()) }, location.origin);
  });
})();
