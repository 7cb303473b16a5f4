"""What an assistant steered by hostile captions can do through `distill mcp`: read local files only
inside the roots, learn nothing about paths outside them, get reasons for errors, and bad JSON-RPC
gets a JSON-RPC error."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from distill.service import Distill

SRT = "1\n00:00:01,000 --> 00:00:04,000\nOctopuses have three hearts and blue blood.\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A shared folder with a talk and a symlink out of it, and a secret outside it."""
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "private"
    outside.mkdir()
    (work / "talk.srt").write_text(SRT)
    secret = outside / "secret.txt"
    secret.write_text("root:$6$notreallyahash:19000:0:99999:7:::\n")
    (work / "notes.txt").symlink_to(secret)
    (work / "deep.json3").write_text('{"events":' + "[" * 100_000 + "]" * 100_000 + "}")
    return {"work": work, "outside": outside, "secret": secret}


def call_summarize(sources: list[str], *, roots: list[Path] | None, server_roots=None) -> list:
    """Call `summarize` for each source from an in-process client that declares `roots`."""
    import mcp_types
    from mcp import Client

    from distill.library import Library
    from distill.mcp import build_server

    server = build_server(Distill(Library()), roots=server_roots)

    async def list_roots(context: object) -> mcp_types.ListRootsResult:
        return mcp_types.ListRootsResult(
            roots=[mcp_types.Root(uri=r.as_uri(), name=r.name) for r in roots or []]  # type: ignore[arg-type]
        )

    async def run() -> list:
        options: dict = {"list_roots_callback": list_roots, "mode": "legacy"} if roots else {}
        async with Client(server, **options) as client:
            return [await client.call_tool("summarize", {"source": s}) for s in sources]

    return asyncio.run(run())


def text_of(result) -> str:
    return result.content[0].text


def test_summarize_reads_files_inside_the_client_roots_only(distill_home, files):
    from distill.library import Library

    work, outside, secret = files["work"], files["outside"], files["secret"]
    missing = outside / "missing.txt"
    results = call_summarize(
        [
            str(work / "talk.srt"),
            str(work / "notes.txt"),  # a symlink to the secret
            str(secret),
            str(missing),
            str(work / ".." / "private" / "secret.txt"),
            secret.as_uri(),
        ],
        roots=[work],
    )
    ok, *refused = results
    assert not ok.is_error, text_of(ok)
    assert json.loads(text_of(ok))["tldr"]
    for r, shown in zip(
        refused,
        [
            work / "notes.txt",
            secret,
            missing,
            work / ".." / "private" / "secret.txt",
            secret.as_uri(),
        ],
        strict=True,
    ):
        assert r.is_error and f"'{shown}'" in text_of(r)
        assert "not inside the folders" in text_of(r) and str(work) in text_of(r)
        assert "notreallyahash" not in text_of(r)
    # An existing file and a missing one outside the roots are refused in the same words.
    same = [
        text_of(r).replace(str(p), "PATH") for r, p in ((refused[1], secret), (refused[2], missing))
    ]
    assert same[0] == same[1]
    # Nothing of the secret was stored.
    lib = Library()
    assert [v.title for v in lib.list_videos()] == ["Talk"]
    assert not lib.search("notreallyahash")
    lib.close()


def test_without_roots_local_files_are_refused_with_how_to_allow_them(distill_home, files):
    from distill.library import Library

    lib = Library()
    stored = Distill(lib).add(str(files["work"] / "talk.srt")).meta.id
    lib.close()
    ok_id, refused = call_summarize([stored, str(files["work"] / "talk.srt")], roots=None)
    assert not ok_id.is_error, text_of(ok_id)  # a stored video needs no file
    message = text_of(refused)
    assert refused.is_error and "DISTILL_MCP_ROOTS" in message and "root" in message
    assert message.count(". ") == 0


def test_the_roots_setting_allows_its_folders(distill_home, files, monkeypatch):
    from distill.settings import get_settings

    monkeypatch.setenv("DISTILL_MCP_ROOTS", str(files["work"]))
    get_settings.cache_clear()
    ok, link, secret = call_summarize(
        [str(files["work"] / "talk.srt"), str(files["work"] / "notes.txt"), str(files["secret"])],
        roots=None,
    )
    assert not ok.is_error, text_of(ok)
    assert link.is_error and secret.is_error


def test_a_deeply_nested_json3_error_carries_its_reason(distill_home, files):
    (result,) = call_summarize([str(files["work"] / "deep.json3")], roots=[files["work"]])
    assert result.is_error and "nested too deeply" in text_of(result)


def test_bad_json_rpc_lines_get_error_replies_over_stdio(distill_home):
    lines = [
        "this is not json",
        '{"jsonrpc": "2.0", "id": 7}',
        '{"jsonrpc": "2.0", "id": 1, "method": "ping"}',
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "mcp"],
        env={**os.environ, "DISTILL_HOME": str(distill_home)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("\n".join(lines) + "\n")
    proc.stdin.flush()
    # Stdin stays open until every line is answered (or 30 s pass), as a client keeps it.
    answers: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [answers.put(x) for x in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    replies = []
    with contextlib.suppress(queue.Empty):
        for _ in lines:
            replies.append(json.loads(answers.get(timeout=30)))
    proc.stdin.close()
    assert proc.wait(60) == 0
    stderr = proc.stderr.read()  # type: ignore[union-attr]
    errors = [r["error"]["code"] for r in replies if "error" in r]
    assert errors == [-32700, -32600], replies
    assert all(r["id"] is None for r in replies if "error" in r)
    # The server carries on: the ping after them is answered.
    assert {"jsonrpc": "2.0", "id": 1, "result": {}} in replies
    assert "Traceback" not in stderr
