// Added to a page when the user clicks the toolbar button (activeTab): draws the highlights
// stored for this page, and offers "Save and summarize" and "Highlight" for a selection.
(() => {
  if (window.__distillPage) {
    window.__distillPage.show();
    return;
  }
  const CONTEXT = 80;

  function pageUrl() {
    const url = new URL(location.href);
    url.hash = "";
    return url.href;
  }

  // The page's visible text as one string, and which text node each character comes from.
  function textMap() {
    const nodes = [];
    let text = "";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        const parent = node.parentElement;
        if (!parent || parent.closest("script, style, noscript, textarea, #distill-bar-host")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push({ node, start: text.length });
      text += node.nodeValue;
    }
    return { nodes, text };
  }

  function squash(s) {
    return s.replace(/\s+/g, " ").trim();
  }

  // Where a quote is in the page's text (its context decides between repeats), as raw offsets.
  function findQuote(map, quote, before) {
    // Collapse whitespace while remembering where each kept character was.
    const kept = [];
    let flat = "";
    let space = false;
    for (let i = 0; i < map.text.length; i++) {
      const ch = map.text[i];
      if (/\s/.test(ch)) {
        space = flat.length > 0;
        continue;
      }
      if (space) {
        flat += " ";
        kept.push(i);
        space = false;
      }
      flat += ch;
      kept.push(i);
    }
    const q = squash(quote).toLowerCase();
    const lower = flat.toLowerCase();
    if (!q) return null;
    const tail = squash(before).toLowerCase().slice(-30);
    let best = null;
    for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + 1)) {
      const fits = tail && lower.slice(Math.max(0, at - 40), at).trimEnd().endsWith(tail.trim()) ? 0 : 1;
      if (!best || fits < best.fits) best = { at, fits };
      if (fits === 0) break;
    }
    if (!best) return null;
    return { start: kept[best.at], end: kept[best.at + q.length - 1] + 1 };
  }

  function wrap(map, start, end, highlight) {
    const marks = [];
    for (const { node, start: from } of map.nodes) {
      const to = from + node.nodeValue.length;
      if (to <= start || from >= end) continue;
      let target = node;
      const a = Math.max(start, from) - from;
      const b = Math.min(end, to) - from;
      if (b < target.nodeValue.length) target.splitText(b);
      if (a > 0) target = target.splitText(a);
      if (!squash(target.nodeValue)) continue;
      const mark = document.createElement("mark");
      mark.className = "distill-hl";
      mark.dataset.id = String(highlight.id);
      mark.dataset.note = highlight.note || "";
      if (highlight.note) mark.title = highlight.note;
      target.parentNode.insertBefore(mark, target);
      mark.appendChild(target);
      marks.push(mark);
    }
    return marks;
  }

  function draw(highlight) {
    if (document.querySelector(`mark.distill-hl[data-id="${CSS.escape(String(highlight.id))}"]`)) return true;
    const map = textMap();
    const where = findQuote(map, highlight.quote, highlight.before || "");
    return Boolean(where && wrap(map, where.start, where.end, highlight).length);
  }

  // --- the bar: save and summarize, highlight the selection with a note --------------------
  const host = document.createElement("div");
  host.id = "distill-bar-host";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>
      .bar { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; width: 300px;
        background: #fff; color: #1b1b1b; border: 1px solid #c8ccd2; border-radius: 10px;
        box-shadow: 0 4px 16px rgba(0,0,0,.18); font: 14px/1.4 system-ui, sans-serif; padding: 10px 12px; }
      .row { display: flex; gap: 8px; margin-top: 8px; }
      button { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid #1e3a5f; background: #1e3a5f; color: #fff; cursor: pointer; }
      button.quiet { background: #fff; color: #1e3a5f; }
      input { flex: 1; font: inherit; padding: 5px 8px; border: 1px solid #c8ccd2; border-radius: 6px; }
      .status { margin: 6px 0 0; min-height: 1.2em; color: #444; }
      .status.error { color: #8a1c1c; }
      strong { color: #1e3a5f; }
    </style>
    <div class="bar" role="dialog" aria-label="distill">
      <strong>distill</strong> <span class="count"></span>
      <div class="row"><input id="note" placeholder="Note for the highlight (optional)" maxlength="10000"></div>
      <div class="row">
        <button id="highlight" type="button">Highlight selection</button>
        <button id="save" type="button" class="quiet">Save and summarize</button>
        <button id="close" type="button" class="quiet" aria-label="Close">×</button>
      </div>
      <p class="status" role="status" aria-live="polite"></p>
    </div>`;
  const status = root.querySelector(".status");
  const count = root.querySelector(".count");

  function say(text, error = false) {
    status.textContent = text;
    status.classList.toggle("error", error);
  }

  function ask(message) {
    return chrome.runtime.sendMessage(message).then((answer) => {
      if (!answer || !answer.ok) throw new Error((answer && answer.error) || "The extension did not answer; reload the page.");
      return answer;
    });
  }

  let drawn = 0;
  function showCount() {
    count.textContent = drawn ? `· ${drawn} highlight${drawn === 1 ? "" : "s"} on this page` : "";
  }

  function selectionAnchor() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (host.contains(range.commonAncestorContainer)) return null;
    const quote = squash(selection.toString());
    if (!quote) return null;
    const beforeRange = document.createRange();
    beforeRange.setStart(document.body, 0);
    beforeRange.setEnd(range.startContainer, range.startOffset);
    const afterRange = document.createRange();
    afterRange.setStart(range.endContainer, range.endOffset);
    afterRange.setEnd(document.body, document.body.childNodes.length);
    return {
      quote: quote.slice(0, 2000),
      before: squash(beforeRange.toString()).slice(-CONTEXT),
      after: squash(afterRange.toString()).slice(0, CONTEXT),
    };
  }

  // The selection is read when the button is pressed, before the click moves the focus.
  let pending = null;
  root.getElementById("highlight").addEventListener("mousedown", (event) => {
    pending = selectionAnchor();
    event.preventDefault();
  });
  root.getElementById("highlight").addEventListener("click", async () => {
    const anchor = pending || selectionAnchor();
    pending = null;
    if (!anchor) {
      say("Select some text on the page first.", true);
      return;
    }
    const note = root.getElementById("note").value.trim();
    say("Saving the highlight…");
    try {
      const body = { url: pageUrl(), title: document.title.slice(0, 500), html: document.documentElement.outerHTML, note: note || null, ...anchor };
      const { highlight } = await ask({ type: "highlight", body });
      window.getSelection().removeAllRanges();
      root.getElementById("note").value = "";
      if (draw(highlight)) drawn += 1;
      showCount();
      say("Highlighted and saved to your library.");
    } catch (error) {
      say(error.message, true);
    }
  });
  root.getElementById("save").addEventListener("click", async () => {
    chrome.runtime.sendMessage({ type: "open-panel" });
    say("Saving and summarizing…");
    try {
      await ask({ type: "save-page", body: { url: pageUrl(), title: document.title.slice(0, 500), html: document.documentElement.outerHTML } });
      say("Saved to your library; the summary is in the side panel.");
    } catch (error) {
      say(error.message, true);
    }
  });
  root.getElementById("close").addEventListener("click", () => host.remove());

  async function redraw() {
    try {
      const { items } = await ask({ type: "page-highlights", url: pageUrl() });
      drawn = 0;
      let missing = 0;
      for (const h of items) {
        if (draw(h)) drawn += 1;
        else missing += 1;
      }
      showCount();
      if (missing) say(`${missing} highlight${missing === 1 ? " is" : "s are"} no longer on this page as saved.`);
    } catch (error) {
      say(error.message, true);
    }
  }

  window.__distillPage = {
    show() {
      if (!host.isConnected) document.documentElement.appendChild(host);
      redraw();
    },
  };
  window.__distillPage.show();
})();
