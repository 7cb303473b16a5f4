"""A local server speaking OpenAI's chat completions API, standing in for the cloud service.

It answers the three prompts distill sends by their documented shapes: a translation request
gets every item back marked with the target language, an ask request is answered with its first
numbered passage (citing it), and anything else gets an empty JSON object (which distill must
repair or retry). It records every request so tests can see which model was asked.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ITEMS = re.compile(r"^\[\{.*\}\]$", re.M)
_PASSAGE = re.compile(r"^\[(\d+)\] (.+)$", re.M)


def reply_to(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON content a reasonable model would send for one of distill's prompts."""
    prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    if "Translate the" in prompt and (found := _ITEMS.search(prompt)):
        language = prompt.split(" into ", 1)[1].split(".", 1)[0]
        items = json.loads(found.group(0))
        return {"items": [{"id": i["id"], "text": f"[{language}] {i['text']}"} for i in items]}
    if "Question:" in prompt and (passage := _PASSAGE.search(prompt)):
        return {"found": True, "answer": passage.group(2), "cites": [int(passage.group(1))]}
    return {}


class FakeOpenAI:
    """The server on a free loopback port; `url` is its /v1 base URL."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                owner.requests.append({"path": self.path, "json": body})
                content = json.dumps(reply_to(body.get("messages", [])), ensure_ascii=False)
                out = json.dumps(
                    {
                        "id": f"chatcmpl-{len(owner.requests)}",
                        "object": "chat.completion",
                        "created": 1,
                        "model": body.get("model", "fake"),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def model(self, name: str = "gpt-4o-mini") -> str:
        """The distill model string that talks to this server."""
        return f"openai:{name}?base_url={self.url}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
