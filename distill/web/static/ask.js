// The /ask page: questions go to the API with the conversation so far, so follow-ups keep their
// context; answers are appended in place. Text is only inserted with textContent.
(function () {
  "use strict";
  var form = document.getElementById("library-ask");
  var list = document.getElementById("conversation");
  var errorEl = document.getElementById("ask-error");
  if (!form || !list) return;
  var input = document.getElementById("library-q");
  var channel = document.getElementById("library-channel");
  var history = [];
  // Turns rendered by the server (a question asked without script, or a shared link).
  list.querySelectorAll(".turn").forEach(function (li) {
    var q = li.querySelector(".turn-q");
    var cited = [];
    li.querySelectorAll(".cite-title").forEach(function (a) {
      var m = /^\/v\/([^?]+)/.exec(a.getAttribute("href") || "");
      if (m) cited.push(decodeURIComponent(m[1]));
    });
    if (q) history.push({ question: q.textContent, cited: cited });
  });

  function fmt(t) {
    t = Math.floor(t);
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(question, body) {
    var li = el("li", "turn");
    li.appendChild(el("p", "turn-q", question));
    var a = el("div", "turn-a" + (body.found ? "" : " not-found"));
    a.appendChild(el("p", "answer-text", body.answer));
    var cites = body.citations || [];
    if (cites.length) {
      var ol = el("ol", "library-citations");
      cites.forEach(function (c) {
        var item = el("li");
        var link = el("a", "cite-title", c.title);
        link.href = "/v/" + encodeURIComponent(c.video_id) + (typeof c.start === "number" ? "?t=" + Math.floor(c.start) : "");
        item.appendChild(link);
        if (typeof c.start === "number") {
          item.appendChild(document.createTextNode(" "));
          item.appendChild(el("span", "cite-time", fmt(c.start)));
        }
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", "cite-text", c.text));
        ol.appendChild(item);
      });
      a.appendChild(ol);
    }
    li.appendChild(a);
    list.appendChild(li);
    return li;
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    errorEl.hidden = true;
    var waiting = el("li", "turn pending");
    waiting.appendChild(el("p", "turn-q", q));
    waiting.appendChild(el("p", "muted", "Looking through your library…"));
    list.appendChild(waiting);
    var body = { question: q, history: history.slice(-6) };
    if (channel && channel.value) body.channel_id = channel.value;
    fetch("/api/v1/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (b) { return { ok: r.ok, body: b }; });
    }).then(function (res) {
      waiting.remove();
      if (!res.ok) {
        errorEl.textContent = (res.body && res.body.error && res.body.error.message) || "The question could not be answered.";
        errorEl.hidden = false;
        return;
      }
      var li = render(q, res.body);
      history.push({ question: q, cited: (res.body.citations || []).map(function (c) { return c.video_id; }) });
      input.value = "";
      input.placeholder = "Ask a follow-up…";
      li.scrollIntoView({ block: "nearest" });
    }).catch(function () {
      waiting.remove();
      errorEl.textContent = "The server could not be reached; try again.";
      errorEl.hidden = false;
    }).then(function () { button.disabled = false; input.focus(); });
  });
})();
