// The side panel: the summary of the tab's video or page, its times seeking the player. Every
// text from the server is put in with textContent (never as HTML).
const params = new URLSearchParams(location.search);
let tabId = params.has("tab") ? Number(params.get("tab")) : null;
const content = document.getElementById("content");

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function moment(item) {
  if (typeof item.start === "number") {
    const button = el("button", clock(item.start), "ts");
    button.type = "button";
    button.dataset.t = String(item.start);
    button.title = "Play from here";
    button.addEventListener("click", () => seek(item.start));
    return button;
  }
  if (item.page) return el("span", "p. " + item.page, "ts");
  if (item.paragraph) return el("span", "¶" + item.paragraph, "ts");
  return null;
}

function section(title, items, fill) {
  if (!items || !items.length) return;
  content.appendChild(el("h2", title));
  const list = el("ul");
  for (const item of items) {
    const li = el("li");
    const at = moment(item);
    if (at) li.appendChild(at);
    const body = el("div");
    fill(body, item);
    li.appendChild(body);
    list.appendChild(li);
  }
  content.appendChild(list);
}

function seek(t) {
  if (tabId === null) return;
  chrome.tabs.sendMessage(tabId, { type: "seek", t }).catch(() => {});
}

function render(state) {
  content.replaceChildren();
  if (!state) {
    content.appendChild(
      el("p", "On a YouTube video, press “Summarize with distill”. On any other page, click distill in the toolbar to save and summarize it, or to highlight a selection.", "muted"),
    );
    return;
  }
  if (state.status === "working") {
    content.appendChild(el("p", `Summarizing${state.title ? " “" + state.title + "”" : ""}…`, "muted"));
    return;
  }
  if (state.status === "error") {
    const p = el("p", state.message || "Something went wrong.", "error");
    p.setAttribute("role", "alert");
    content.appendChild(p);
    return;
  }
  const result = state.result;
  const summary = result.summary;
  content.appendChild(el("h1", summary.source.title));
  const link = el("a", "Open the full page in distill", "full");
  link.href = state.server + result.page;
  link.target = "_blank";
  link.rel = "noopener";
  content.appendChild(link);
  if (summary.tldr) {
    content.appendChild(el("h2", "TL;DR"));
    content.appendChild(el("p", summary.tldr, "tldr"));
  }
  section("Insights", summary.insights, (body, i) => body.append(el("span", i.text)));
  section("Questions", summary.qa, (body, q) => {
    body.append(el("div", q.question, "q"), el("div", q.answer));
  });
  section("Takeaways", summary.takeaways, (body, t) => body.append(el("span", t.text)));
  section("Chapters", summary.chapters, (body, c) => body.append(el("span", c.title)));
}

async function show() {
  if (tabId === null) {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    if (!tab) return render(null);
    tabId = tab.id;
  }
  const key = "tab:" + tabId;
  const stored = await chrome.storage.session.get(key);
  render(stored[key] || null);
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "session" && tabId !== null && changes["tab:" + tabId]) render(changes["tab:" + tabId].newValue || null);
});
if (!params.has("tab")) {
  chrome.tabs.onActivated.addListener(({ tabId: active }) => {
    tabId = active;
    show();
  });
}
show();
