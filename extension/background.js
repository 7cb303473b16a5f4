// The service worker: the one place that talks to the user's distill server (with its token),
// keeps each tab's summary for the side panel, and adds the page script when asked.

const DEFAULT_SERVER = "http://127.0.0.1:8000";

async function settings() {
  const stored = await chrome.storage.local.get(["server", "token"]);
  return { server: (stored.server || DEFAULT_SERVER).replace(/\/+$/, ""), token: stored.token || "" };
}

// One call to the server: the answer's JSON, or an Error whose message is one sentence to show.
async function call(path, { method = "GET", body } = {}) {
  const { server, token } = await settings();
  if (!token) throw new Error("Set your distill server and its API token in the extension's options first.");
  const headers = { Authorization: "Bearer " + token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(server + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (_error) {
    throw new Error(`Could not reach distill at ${server}; check that it runs and the server URL in the options.`);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (_error) {
    data = null;
  }
  if (!response.ok) {
    throw new Error((data && data.error && data.error.message) || `distill at ${server} answered ${response.status}.`);
  }
  return data;
}

function tabKey(tabId) {
  return "tab:" + tabId;
}

async function setState(tabId, state) {
  const { server } = await settings();
  await chrome.storage.session.set({ [tabKey(tabId)]: { ...state, server, at: Date.now() } });
}

async function summarizeFor(tabId, title, path, body) {
  await setState(tabId, { status: "working", title });
  try {
    const result = await call(path, { method: "POST", body });
    await setState(tabId, { status: "done", result });
    return { ok: true, result };
  } catch (error) {
    await setState(tabId, { status: "error", title, message: error.message });
    return { ok: false, error: error.message };
  }
}

function openPanel(tabId) {
  // Needs the user's gesture (a click on the toolbar button or the page's button): not awaited.
  if (chrome.sidePanel && chrome.sidePanel.open) chrome.sidePanel.open({ tabId }).catch(() => {});
}

// The page script on any page: draws its stored highlights, offers save and highlight.
async function injectPage(tabId) {
  await chrome.scripting.insertCSS({ target: { tabId }, files: ["content/page.css"] });
  await chrome.scripting.executeScript({ target: { tabId }, files: ["content/page.js"] });
}

function isWatchPage(url) {
  try {
    const u = new URL(url);
    return u.hostname === "www.youtube.com" && u.pathname === "/watch";
  } catch (_error) {
    return false;
  }
}

chrome.action.onClicked.addListener((tab) => {
  openPanel(tab.id);
  if (isWatchPage(tab.url || "")) {
    chrome.tabs.sendMessage(tab.id, { type: "summarize" }).catch(() => {});
  } else {
    injectPage(tab.id).catch((error) =>
      setState(tab.id, { status: "error", message: `distill cannot work on this page (${error.message}).` }),
    );
  }
});

const handlers = {
  "open-panel": async (_message, sender) => {
    openPanel(sender.tab.id);
    return { ok: true };
  },
  "summarize-captions": (message, sender) =>
    summarizeFor(sender.tab.id, message.body.title, "/api/v1/browser/captions", message.body),
  "save-page": (message, sender) =>
    summarizeFor(sender.tab.id, message.body.title, "/api/v1/browser/pages", message.body),
  failed: async (message, sender) => {
    await setState(sender.tab.id, { status: "error", message: message.message });
    return { ok: true };
  },
  highlight: async (message) => ({ ok: true, highlight: await call("/api/v1/browser/highlights", { method: "POST", body: message.body }) }),
  "page-highlights": async (message) => {
    const found = await call("/api/v1/browser/highlights?url=" + encodeURIComponent(message.url));
    return { ok: true, items: found.items };
  },
  server: async () => ({ ok: true, server: (await settings()).server }),
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = message && handlers[message.type];
  if (!handler) return false;
  if (message.type === "open-panel") {
    openPanel(sender.tab.id); // synchronously, while the click's gesture lasts
    sendResponse({ ok: true });
    return false;
  }
  handler(message, sender)
    .then(sendResponse)
    .catch((error) => sendResponse({ ok: false, error: error.message }));
  return true; // the answer comes later
});

chrome.tabs.onRemoved.addListener((tabId) => chrome.storage.session.remove(tabKey(tabId)));

// The toolbar button's work, reachable from the tests that cannot click the toolbar.
self.distill = { injectPage, call, settings };
