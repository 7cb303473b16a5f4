// The video page: time links seek the player, the transcript follows playback, the ask box.
// Model and transcript text is only ever inserted with textContent, never as HTML.
(function () {
  "use strict";
  var article = document.getElementById("video");
  if (!article) return;
  var videoId = article.getAttribute("data-video-id");
  var el = document.getElementById("player");
  var isYouTube = el && el.tagName === "IFRAME";
  var ytTime = 0;

  // --- player ----------------------------------------------------------------------------
  function ytCommand(func, args) {
    if (!el || !el.contentWindow) return;
    el.contentWindow.postMessage(JSON.stringify({ event: "command", func: func, args: args || [] }), "*");
  }
  function seek(t, play) {
    if (!el) return;
    if (isYouTube) {
      ytCommand("seekTo", [t, true]);
      if (play) ytCommand("playVideo");
      ytTime = t;
      follow(t);
      return;
    }
    var apply = function () {
      el.currentTime = t;
      if (play) { var p = el.play(); if (p && p.catch) p.catch(function () {}); }
    };
    if (el.readyState >= 1) apply();
    else el.addEventListener("loadedmetadata", apply, { once: true });
    follow(t);
  }
  function currentTime() { return isYouTube ? ytTime : (el ? el.currentTime : 0); }

  if (isYouTube) {
    var listen = function () {
      if (el.contentWindow) el.contentWindow.postMessage(JSON.stringify({ event: "listening", id: "player", channel: "widget" }), "*");
    };
    el.addEventListener("load", listen);
    window.addEventListener("message", function (ev) {
      if (!/^https:\/\/www\.youtube(-nocookie)?\.com$/.test(ev.origin)) return;
      var data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (data && data.info && typeof data.info.currentTime === "number") {
        ytTime = data.info.currentTime;
        follow(ytTime);
      }
    });
  } else if (el) {
    el.addEventListener("timeupdate", function () { follow(el.currentTime); });
  }

  // --- transcript following ------------------------------------------------------------------
  var segs = Array.prototype.slice.call(document.querySelectorAll(".seg[data-start]"));
  var starts = segs.map(function (s) { return parseFloat(s.getAttribute("data-start")); });
  var currentSeg = null;
  function segAt(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 ? segs[found] : null;
  }
  function follow(t) {
    var seg = segAt(t);
    if (seg === currentSeg) return;
    if (currentSeg) { currentSeg.classList.remove("current"); currentSeg.removeAttribute("aria-current"); }
    currentSeg = seg;
    if (seg) { seg.classList.add("current"); seg.setAttribute("aria-current", "time"); }
  }
  function scrollTranscriptTo(t) {
    var seg = segAt(t);
    if (!seg) return;
    var more = document.getElementById("transcript-more");
    if (more && more.contains(seg)) more.open = true;
    segs.forEach(function (s) { s.classList.remove("target"); });
    seg.classList.add("target");
    seg.scrollIntoView({ block: "center", behavior: "smooth" });
    setTimeout(function () { seg.classList.remove("target"); }, 2500);
  }
  function go(t, play) {
    seek(t, play);
    scrollTranscriptTo(t);
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.ts[data-t]") : null;
    if (!a || !el) return;
    var href = a.getAttribute("href") || "";
    if (href.indexOf("/v/" + videoId + "?") !== 0) return;
    ev.preventDefault();
    var t = parseFloat(a.getAttribute("data-t"));
    if (!isNaN(t)) {
      go(t, true);
      if (history.replaceState) history.replaceState(null, "", href);
    }
  });

  // Opened at a moment (a search hit, a shared link): cue the player and show the transcript there.
  var params = new URLSearchParams(location.search);
  var startAt = parseFloat(params.get("t"));
  if (!isNaN(startAt) && startAt >= 0) {
    if (isYouTube) el.addEventListener("load", function () { seek(startAt, false); });
    else seek(startAt, false);
    scrollTranscriptTo(startAt);
  }

  // --- mini player when the page scrolls past it ---------------------------------------------
  var slot = document.getElementById("player-slot");
  var box = document.getElementById("player-box");
  if (slot && box && el && "IntersectionObserver" in window) {
    var playing = function () { return isYouTube ? ytTime > 0 : !el.paused; };
    new IntersectionObserver(function (entries) {
      var out = !entries[0].isIntersecting;
      box.classList.toggle("mini", out && playing());
    }, { threshold: 0 }).observe(slot);
  }

  // --- ask ----------------------------------------------------------------------------------------
  function fmt(t) {
    t = Math.floor(t);
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }
  function timeLink(t) {
    var a = document.createElement("a");
    a.className = "ts";
    a.href = "/v/" + videoId + "?t=" + Math.floor(t);
    a.setAttribute("data-t", String(t));
    a.textContent = fmt(t);
    a.setAttribute("aria-label", "Play from " + fmt(t));
    return a;
  }
  var form = document.getElementById("ask-form");
  var out = document.getElementById("ask-answer");
  if (form && out) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = form.querySelector("input[name=question]").value.trim();
      if (!q) return;
      var button = form.querySelector("button");
      button.disabled = true;
      out.textContent = "Thinking…";
      fetch(form.getAttribute("action"), {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ question: q })
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        out.textContent = "";
        if (!res.ok) {
          var err = document.createElement("p");
          err.className = "form-error";
          err.textContent = (res.body && res.body.error && res.body.error.message) || "The question could not be answered.";
          out.appendChild(err);
          return;
        }
        var p = document.createElement("p");
        p.className = "answer-text";
        p.textContent = res.body.answer;
        out.appendChild(p);
        var cites = res.body.citations || [];
        if (cites.length) {
          var ul = document.createElement("ul");
          ul.className = "citations";
          cites.forEach(function (c) {
            var li = document.createElement("li");
            if (typeof c.start === "number") { li.appendChild(timeLink(c.start)); li.appendChild(document.createTextNode(" ")); }
            var span = document.createElement("span");
            span.textContent = c.text;
            li.appendChild(span);
            ul.appendChild(li);
          });
          out.appendChild(ul);
        }
      }).catch(function () {
        out.textContent = "The server could not be reached; try again.";
      }).then(function () { button.disabled = false; });
    });
  }

  // --- share ----------------------------------------------------------------------------------------
  var copy = document.getElementById("copy-link");
  if (copy) {
    copy.addEventListener("click", function () {
      var url = copy.getAttribute("data-url");
      var done = function () { copy.textContent = "Copied ✓"; setTimeout(function () { copy.textContent = "Copy link"; }, 2000); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () { window.prompt("Copy this link", url); });
      else window.prompt("Copy this link", url);
    });
  }
  var embed = document.getElementById("embed-code");
  if (embed) embed.addEventListener("focus", function () { embed.select(); });
})();
