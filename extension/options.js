// The options page: the server URL and API token, tested against the server when saved.
const form = document.getElementById("form");
const serverInput = document.getElementById("server");
const tokenInput = document.getElementById("token");
const status = document.getElementById("status");
const origin = location.origin;
document.getElementById("origin").textContent = origin;

function say(text, ok) {
  status.textContent = text;
  status.className = ok ? "ok" : "error";
  status.dataset.result = ok ? "ok" : "error";
}

async function check(server, token) {
  let response;
  try {
    response = await fetch(server + "/api/v1/browser/check", { headers: { Authorization: "Bearer " + token } });
  } catch (_error) {
    return [false, `Could not reach distill at ${server}: check the address, that \`distill serve\` runs there, and that DISTILL_EXTENSION_ORIGINS on the server includes ${origin}.`];
  }
  let data = null;
  try {
    data = await response.json();
  } catch (_error) {
    data = null;
  }
  if (response.status === 401) {
    const why = (data && data.error && data.error.message) || "";
    if (why.includes("has no API token")) return [false, "The server has no API token: set DISTILL_API_TOKEN where distill serve runs, restart it, and enter the same token here."];
    return [false, `Wrong token: distill at ${server} did not accept it. Copy DISTILL_API_TOKEN from the server and save again.`];
  }
  if (response.status === 403) return [false, `distill at ${server} does not accept this extension: add ${origin} to DISTILL_EXTENSION_ORIGINS on the server.`];
  if (!response.ok || !data || !data.ok) return [false, `${server} answered ${response.status}; is it a distill server?`];
  return [true, `Connected: distill at ${server} accepted the token (${data.videos} documents in its library).`];
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let server;
  try {
    const url = new URL(serverInput.value.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    server = url.origin;
  } catch (_error) {
    say("The server address must be an http(s) URL, like http://127.0.0.1:8000.", false);
    return;
  }
  const token = tokenInput.value.trim();
  // Access to the server's host is asked for now, while the click's gesture lasts (not awaited:
  // the server answers the extension's origin across origins either way).
  if (chrome.permissions && chrome.permissions.request) {
    chrome.permissions.request({ origins: [server + "/*"] }).catch(() => {});
  }
  await chrome.storage.local.set({ server, token });
  say("Testing the server and token…", true);
  const [ok, message] = await check(server, token);
  say(message, ok);
});

chrome.storage.local.get(["server", "token"]).then(({ server, token }) => {
  serverInput.value = server || "http://127.0.0.1:8000";
  tokenInput.value = token || "";
});
