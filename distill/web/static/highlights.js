// Highlights on the video page: select words in the transcript or a summary item, then save
// them with a note and tags; edit or delete saved ones. Text is only inserted with textContent.
(function () {
  "use strict";
  var article = document.getElementById("video");
  var button = document.getElementById("highlight-button");
  var form = document.getElementById("highlight-form");
  if (!article || !button || !form) return;
  var videoId = article.getAttribute("data-video-id");
  var preview = document.getElementById("highlight-preview");
  var note = document.getElementById("highlight-note");
  var tags = document.getElementById("highlight-tags");
  var tokenInput = document.getElementById("highlight-token");
  var error = document.getElementById("highlight-error");
  var pending = null;

  function token() {
    return tokenInput ? tokenInput.value : "";
  }
  function headers() {
    var h = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token()) h["Authorization"] = "Bearer " + token();
    return h;
  }
  function splitTags(text) {
    return text.split(/[\s,]+/).map(function (t) { return t.replace(/^#/, ""); }).filter(Boolean);
  }
  function showError(el, message) {
    el.textContent = message;
    el.hidden = false;
  }
  function send(method, url, body) {
    return fetch(url, { method: method, headers: headers(), body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return { ok: true, body: null };
        return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b }; });
      });
  }
  function messageOf(res) {
    return (res.body && res.body.error && res.body.error.message) || "That did not work; try again.";
  }

  // --- marking what is highlighted -------------------------------------------------------
  var data = Array.prototype.map.call(
    document.querySelectorAll("#video-highlights .highlight-item[data-start]"),
    function (li) {
      return { id: li.getAttribute("data-id"), start: parseFloat(li.getAttribute("data-start")), end: parseFloat(li.getAttribute("data-end")) };
    }
  );
  document.querySelectorAll(".seg[data-start]").forEach(function (seg) {
    var s = parseFloat(seg.getAttribute("data-start"));
    for (var i = 0; i < data.length; i++) {
      if (s >= data[i].start - 0.01 && s < Math.max(data[i].end, data[i].start + 0.01)) {
        seg.classList.add("highlighted");
        seg.setAttribute("data-highlight", String(data[i].id));
        break;
      }
    }
  });

  // --- selecting ---------------------------------------------------------------------------
  function sourceOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    if (!el || !el.closest) return null;
    return el.closest(".seg[data-start], .hl-source[data-start]");
  }
  function selection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    var text = sel.toString().replace(/\s+/g, " ").trim();
    if (!text) return null;
    var range = sel.getRangeAt(0);
    var first = sourceOf(range.startContainer);
    var last = sourceOf(range.endContainer) || first;
    if (!first) return null;
    var start = parseFloat(first.getAttribute("data-start"));
    var end = null;
    if (first.classList.contains("seg")) {
      var endAttr = last.getAttribute("data-end") || last.getAttribute("data-start");
      end = Math.max(start, parseFloat(endAttr));
    }
    return { start: start, end: end, quote: text.slice(0, 2000), rect: range.getBoundingClientRect() };
  }
  document.addEventListener("mouseup", function (ev) {
    if (form.contains(ev.target) || ev.target === button) return;
    setTimeout(function () {
      var found = selection();
      if (!found) { button.hidden = true; return; }
      pending = found;
      button.style.top = (window.scrollY + found.rect.bottom + 6) + "px";
      button.style.left = (window.scrollX + Math.max(8, found.rect.left)) + "px";
      button.hidden = false;
    }, 0);
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.key !== "Shift" || form.contains(ev.target)) return;
    var found = selection();
    if (found) { pending = found; openForm(); }
  });
  function openForm() {
    if (!pending) return;
    preview.textContent = pending.quote;
    error.hidden = true;
    form.hidden = false;
    button.hidden = true;
    note.focus();
  }
  button.addEventListener("click", openForm);
  document.getElementById("highlight-cancel").addEventListener("click", function () {
    form.hidden = true;
    pending = null;
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!pending) return;
    var body = { video_id: videoId, start: pending.start, quote: pending.quote, note: note.value, tags: splitTags(tags.value) };
    if (pending.end !== null) body.end = pending.end;
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    send("POST", "/api/v1/highlights", body).then(function (res) {
      if (!res.ok) { showError(error, messageOf(res)); return; }
      location.hash = "h" + res.body.id;
      location.reload();
    }).catch(function () {
      showError(error, "The server could not be reached; try again.");
    }).then(function () { submit.disabled = false; });
  });

  // --- editing and deleting ---------------------------------------------------------------------
  document.querySelectorAll("#video-highlights .highlight-item").forEach(function (item) {
    var id = item.getAttribute("data-id");
    var edit = item.querySelector(".hl-edit-form");
    var err = edit.querySelector(".form-error");
    item.querySelector(".hl-edit").addEventListener("click", function () {
      edit.hidden = false;
      edit.querySelector("textarea").focus();
    });
    item.querySelector(".hl-cancel").addEventListener("click", function () { edit.hidden = true; });
    edit.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = {
        version: parseInt(item.getAttribute("data-version"), 10),
        note: edit.querySelector("textarea").value,
        tags: splitTags(edit.querySelector("input[name=tags]").value)
      };
      send("PATCH", "/api/v1/highlights/" + id, body).then(function (res) {
        if (!res.ok) { showError(err, messageOf(res)); return; }
        item.setAttribute("data-version", String(res.body.version));
        var p = item.querySelector(".highlight-note");
        p.textContent = res.body.note;
        p.hidden = !res.body.note;
        var ul = item.querySelector(".tag-chips");
        ul.textContent = "";
        res.body.tags.forEach(function (t) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = "/highlights?tag=" + encodeURIComponent(t);
          a.textContent = "#" + t;
          li.appendChild(a);
          ul.appendChild(li);
        });
        ul.hidden = !res.body.tags.length;
        edit.hidden = true;
        err.hidden = true;
      }).catch(function () { showError(err, "The server could not be reached; try again."); });
    });
    item.querySelector(".hl-delete").addEventListener("click", function () {
      if (!window.confirm("Delete this highlight and its note?")) return;
      send("DELETE", "/api/v1/highlights/" + id).then(function (res) {
        if (!res.ok) { showError(err, messageOf(res)); edit.hidden = false; return; }
        document.querySelectorAll('.seg[data-highlight="' + id + '"]').forEach(function (s) {
          s.classList.remove("highlighted");
        });
        item.remove();
      });
    });
  });
})();
