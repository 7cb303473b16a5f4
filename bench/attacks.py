"""Re-run the attacks of the hardening review against a real `distill serve`, the CLI and `distill mcp`.

Usage: .venv/bin/python bench/attacks.py [--big-mb 4] [--srt-mb 45] [--only NAME ...]

Each attack prints the request it sends (as curl where it is one), the answer now, and for the
exhaustion attacks the server's resident memory before, at its peak and after (VmRSS/VmHWM of the
`distill serve` process). Every server runs in a fresh DISTILL_HOME under a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from attack_tools import Peak, big_srt, env_for, free_port, memory, say, serve, store  # noqa: E402

TOKEN = "attack-test-token"
ATTACKS: dict[str, Callable[[argparse.Namespace, Path], None]] = {}


def attack(fn: Callable[[argparse.Namespace, Path], None]) -> Callable[..., None]:
    ATTACKS[fn.__name__] = fn
    return fn


# --- 1. DNS rebinding ------------------------------------------------------------------------


@attack
def rebinding(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "rebinding"
    vid = store(home, big_srt(tmp / "rebinding_talk.srt", 0.01))
    with serve(home) as (base, port, _):
        evil = f"attacker.example:{port}"
        r = httpx.get(base + "/api/v1/videos", headers={"Host": evil})
        say(f"curl -H 'Host: {evil}' {base}/api/v1/videos  ->  {r.status_code} {r.text[:120]}")
        r = httpx.get(base + f"/v/{vid}", headers={"Host": evil})
        say(f"curl -H 'Host: {evil}' {base}/v/{vid}  ->  {r.status_code}")
        r = httpx.delete(
            base + f"/api/v1/videos/{vid}",
            headers={"Host": evil, "Origin": f"http://{evil}"},
        )
        say(
            f"curl -X DELETE -H 'Host: {evil}' -H 'Origin: http://{evil}' "
            f"{base}/api/v1/videos/{vid}  ->  {r.status_code}"
        )
        still = httpx.get(base + f"/api/v1/videos/{vid}").status_code
        say(f"  the video afterwards: GET /api/v1/videos/{vid} -> {still}")
        r = httpx.post(
            base + "/api/v1/jobs",
            json={"source": "https://youtu.be/dQw4w9WgXcQ"},
            headers={"Origin": "http://localhost:3000"},
        )
        say(
            f"POST /api/v1/jobs with Origin http://localhost:3000 (another local site) -> {r.status_code}"
        )
        # The knowledge base's and the new sources' routes, through the rebound name.
        answers = []
        for method, path, body in [
            ("GET", "/api/v1/documents", None),
            ("DELETE", f"/api/v1/documents/{vid}", None),
            ("POST", "/api/v1/batches", {"source": "https://example.org/feed.xml"}),
            ("POST", "/api/v1/ask", {"question": "Why do bees dance?"}),
            ("GET", "/api/v1/highlights", None),
            ("GET", "/ask?q=bees", None),
            ("GET", "/highlights", None),
        ]:
            headers = {"Host": evil, "Origin": f"http://{evil}"}
            r = httpx.request(method, base + path, headers=headers, json=body)
            answers.append(f"{method} {path} {r.status_code}")
        say(f"  the same Host on documents, batches, asking, highlights: {'; '.join(answers)}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        env=env_for(home, DISTILL_API_TOKEN=TOKEN),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        proc.wait(15)
        outcome = f"exit {proc.returncode}: {proc.stderr.read().strip()[:240]}"  # type: ignore[union-attr]
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)
        outcome = "it started, listening on every address"
    say(
        f"DISTILL_API_TOKEN=... distill serve --host 0.0.0.0 (no DISTILL_ALLOWED_HOSTS) -> {outcome}"
    )


# --- 2. Exhaustion ---------------------------------------------------------------------------


@attack
def summary_in_request(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "summary"
    vid = store(home, big_srt(tmp / "summary_talk.srt", args.big_mb))
    with serve(home) as (base, _, pid):
        times: list[float] = []

        def get() -> None:
            start = time.perf_counter()
            r = httpx.get(base + f"/api/v1/videos/{vid}/summary", timeout=900)
            times.append(time.perf_counter() - start)
            assert r.status_code == 200, r.text

        with Peak(pid) as peak:
            threads = [threading.Thread(target=get) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        say(
            f"4 concurrent GET /api/v1/videos/{vid}/summary ({args.big_mb} MB transcript, no summary "
            f"stored): {', '.join(f'{t:.1f}' for t in sorted(times))} s; {peak.line()}"
        )
        start = time.perf_counter()
        httpx.get(base + f"/api/v1/videos/{vid}/summary", timeout=900).raise_for_status()
        say(f"  a fifth GET afterwards: {time.perf_counter() - start:.2f} s (stored)")


@attack
def questions_at_once(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "questions"
    vid = store(home, big_srt(tmp / "questions_talk.srt", args.big_mb))
    with serve(home) as (base, _, pid):
        times: list[float] = []

        def ask(n: int) -> None:
            start = time.perf_counter()
            r = httpx.post(
                base + f"/api/v1/videos/{vid}/ask",
                json={"question": f"Why do bees dance, question {n}?"},
                timeout=900,
            )
            times.append(time.perf_counter() - start)
            assert r.status_code == 200, r.text

        with Peak(pid) as peak:
            threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        say(
            f"4 concurrent POST /api/v1/videos/{vid}/ask (different questions, {args.big_mb} MB "
            f"transcript, no token needed): {', '.join(f'{t:.1f}' for t in sorted(times))} s; "
            f"{peak.line()}"
        )


def _post_big(url: str, size: int, *, chunked: bool, **kw: object) -> httpx.Response:
    block = b"x" * (1 << 20)

    def body() -> Iterator[bytes]:
        for _ in range(size >> 20):
            yield block

    content: object = body() if chunked else block * (size >> 20)
    try:
        return httpx.post(url, content=content, timeout=300, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:  # the server may close the connection mid-upload
        return httpx.Response(599, text=f"connection closed ({type(exc).__name__})")


@attack
def big_bodies(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "bodies"
    vid = store(home, big_srt(tmp / "bodies_talk.srt", 0.01))
    with serve(home) as (base, _, pid):
        for chunked in (False, True):
            with Peak(pid) as peak:
                start = time.perf_counter()
                r = _post_big(
                    base + f"/api/v1/videos/{vid}/ask",
                    150 << 20,
                    chunked=chunked,
                    headers={"content-type": "application/json"},
                )
            how = "chunked" if chunked else "with Content-Length"
            say(
                f"POST 150 MB to /api/v1/videos/{vid}/ask ({how}) -> {r.status_code} in "
                f"{time.perf_counter() - start:.1f} s; {peak.line()}; {r.text[:160]}"
            )
    with serve(home, DISTILL_API_TOKEN=TOKEN) as (base, _, pid):
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\nRIFF\0\0\0\0WAVE"
        ).encode()
        size = 100 << 20

        def multipart() -> Iterator[bytes]:
            yield head
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                yield block
            yield f"\r\n--{boundary}--\r\n".encode()

        for path in ("/submit", "/api/v1/jobs/upload"):
            with Peak(pid) as peak:
                start = time.perf_counter()
                try:
                    r = httpx.post(
                        base + path,
                        content=multipart(),
                        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
                        timeout=300,
                    )
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = f"connection closed ({type(exc).__name__})"
            say(
                f"POST 100 MB multipart to {path} without the token (token set) -> {status} in "
                f"{time.perf_counter() - start:.1f} s; {peak.line()}"
            )
        with Peak(pid) as peak:
            start = time.perf_counter()
            r = _post_big(
                base + "/api/v1/batches",
                100 << 20,
                chunked=True,
                headers={"content-type": "application/json"},
            )
        say(
            f"POST 100 MB to /api/v1/batches without the token (token set) -> {r.status_code} in "
            f"{time.perf_counter() - start:.1f} s; {peak.line()}"
        )


def clippings_file(path: Path, megabytes: float) -> Path:
    """A Kindle clippings file of about `megabytes` MB: one book, every highlight different."""
    added = "Added on Monday, 3 June 2024 09:15:02"
    with path.open("w") as out:
        n = 0
        while out.tell() < megabytes * (1 << 20):
            n += 1
            out.write(
                f"Bees (Hive, Ana)\r\n- Your Highlight on page {n} | Location {n * 10}-"
                f"{n * 10 + 2} | {added}\r\n\r\nBees dance {n} times to say where nectar "
                "is.\r\n==========\r\n"
            )
    return path


@attack
def clippings_upload(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "clippings"
    home.mkdir()
    clippings = clippings_file(tmp / "My Clippings.txt", args.clippings_mb)
    with serve(home) as (base, _, pid):
        with Peak(pid) as peak, clippings.open("rb") as fh:
            start = time.perf_counter()
            r = httpx.post(base + "/submit", files={"file": (clippings.name, fh)}, timeout=900)
            took = time.perf_counter() - start
        say(
            f"curl -F 'file=@My Clippings.txt' {base}/submit ({args.clippings_mb:g} MB, one "
            f"book's distinct highlights) -> {r.status_code} in {took:.1f} s; {peak.line()}"
        )


@attack
def page_cache(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "cache"
    vid = store(home, big_srt(tmp / "cache_talk.srt", args.page_mb), summarize=True)
    with serve(home) as (base, _, pid):
        size = len(httpx.get(base + f"/v/{vid}", timeout=300).content)
        with Peak(pid) as peak:
            for n in range(args.fetches):
                httpx.get(base + f"/v/{vid}?cb={n}", timeout=300).raise_for_status()
        time.sleep(1)
        say(
            f"{args.fetches} x GET /v/{vid}?cb=N (a {size / (1 << 20):.1f} MB page): "
            f"{peak.line()}; {memory(pid)[0]:.0f} MB a second later"
        )


@attack
def big_caption_upload(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "upload"
    home.mkdir()
    srt = big_srt(tmp / "upload_talk.srt", args.srt_mb)
    with serve(home) as (base, _, pid):
        with Peak(pid) as peak, srt.open("rb") as fh:
            start = time.perf_counter()
            r = httpx.post(
                base + "/api/v1/jobs/upload", files={"file": (srt.name, fh)}, timeout=600
            )
            took = time.perf_counter() - start
        say(
            f"curl -F file=@talk.srt {base}/api/v1/jobs/upload ({srt.stat().st_size / (1 << 20):.0f} "
            f"MB .srt) -> {r.status_code} in {took:.1f} s; during the request: {peak.line()}"
        )
    probe = (
        "import resource, sys, time\n"
        "from pathlib import Path\n"
        "from distill.sources.captions import load_caption_file\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "start = time.perf_counter()\n"
        "t = load_caption_file(Path(sys.argv[1]))\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(len(t.segments), (peak - base) / 1024, time.perf_counter() - start)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", probe, str(srt)],
        env=env_for(home, DISTILL_MAX_CAPTION_MB="200"),
        capture_output=True,
        text=True,
    )
    if r.returncode:
        say(f"  parsing it in a job: failed: {r.stderr.strip()[-300:]}")
        return
    segments, grown, secs = r.stdout.split()
    mb = srt.stat().st_size / (1 << 20)
    say(
        f"  parsing it as the job does: {segments} segments in {float(secs):.1f} s, memory grew "
        f"{float(grown):.0f} MB = {float(grown) / mb:.1f} x the file"
    )


# --- 3. Deleted pages come back --------------------------------------------------------------


@attack
def delete_during_render(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "delete"
    vid = store(home, big_srt(tmp / "delete_talk.srt", 1.0), summarize=True)
    with serve(home) as (base, _, _):
        results: dict[str, object] = {}

        def render() -> None:
            start = time.perf_counter()
            results["render"] = httpx.get(base + f"/v/{vid}?lang=en", timeout=300).status_code
            results["took"] = time.perf_counter() - start

        t = threading.Thread(target=render)
        t.start()
        time.sleep(0.15)
        deleted = httpx.delete(base + f"/api/v1/videos/{vid}").status_code
        t.join()
        after = httpx.get(base + f"/v/{vid}?lang=en", timeout=60).status_code
        say(
            f"GET /v/{vid}?lang=en (render {results['took']:.2f} s) with DELETE during it -> "
            f"render {results['render']}, DELETE {deleted}; GET afterwards -> {after}"
        )


# --- 4 and 5: MCP ----------------------------------------------------------------------------


def _mcp_calls(
    home: Path, calls: list[tuple[str, dict]], roots: list[Path], **env: str
) -> list[str]:
    import mcp_types
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "distill", "mcp"], env=env_for(home, **env)
    )

    async def list_roots(context: object) -> mcp_types.ListRootsResult:
        return mcp_types.ListRootsResult(
            roots=[mcp_types.Root(uri=root.as_uri(), name=root.name) for root in roots]  # type: ignore[arg-type]
        )

    async def run() -> list[str]:
        out = []
        async with Client(params, list_roots_callback=list_roots, mode="legacy") as client:
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                text = result.content[0].text if result.content else ""  # type: ignore[union-attr]
                out.append(("error: " if result.is_error else "ok: ") + text[:200])
        return out

    return asyncio.run(run())


@attack
def mcp_files(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "mcp"
    home.mkdir()
    work = tmp / "workspace"
    work.mkdir()
    secret = tmp / "secret.txt"
    secret.write_text("root:$6$notreallyahash:19000:0:99999:7:::\n")
    (work / "x.txt").symlink_to(secret)
    target = "/etc/shadow" if os.access("/etc/shadow", os.R_OK) else str(secret)
    (work / "shadow.txt").symlink_to(target)
    calls = [
        ("summarize", {"source": str(work / "shadow.txt")}),
        ("summarize", {"source": str(work / "x.txt")}),
        ("summarize", {"source": str(secret)}),
        ("summarize", {"source": str(tmp / "no-such-file.txt")}),
    ]
    for roots, label in (([work], "client declares the workspace as its root"), ([], "no roots")):
        answers = _mcp_calls(home, calls, roots)
        say(f"MCP summarize over stdio, {label}:")
        for (_, arguments), answer in zip(calls, answers, strict=True):
            say(f"  {arguments['source']} -> {answer}")
    stored = subprocess.run(
        [sys.executable, "-m", "distill", "list", "--format", "json"],
        env=env_for(home),
        capture_output=True,
        text=True,
    ).stdout
    say(f"  videos stored afterwards: {len(json.loads(stored or '[]'))}")


NESTED = '{"events":' + "[" * 100_000 + "]" * 100_000 + "}"


@attack
def nested_json3(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "nested"
    home.mkdir()
    work = tmp / "nested_work"
    work.mkdir()
    path = work / "deep.json3"
    path.write_text(NESTED)
    r = subprocess.run(
        [sys.executable, "-m", "distill", "summarize", str(path)],
        env=env_for(home),
        capture_output=True,
        text=True,
    )
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    say(f"distill summarize deep.json3 -> exit {r.returncode}; stderr ends: {last[:200]}")
    with serve(home) as (base, _, _):
        up = httpx.post(base + "/api/v1/jobs/upload", files={"file": ("deep.json3", NESTED)})
        say(f"curl -F file=@deep.json3 {base}/api/v1/jobs/upload -> {up.status_code}")
        if up.status_code == 202:
            job = up.json()
            for _ in range(100):
                job = httpx.get(base + f"/api/v1/jobs/{job['id']}").json()
                if job["status"] in ("done", "failed"):
                    break
                time.sleep(0.2)
            say(f"  the job: {job['status']}: {job.get('error')}")
        else:
            say(f"  {up.text[:200]}")
    answers = _mcp_calls(
        home, [("summarize", {"source": str(path)})], [work], DISTILL_MCP_ROOTS=str(work)
    )
    say(f"MCP summarize deep.json3 -> {answers[0]}")
    proc = subprocess.run(
        [sys.executable, "-m", "distill", "mcp"],
        input='this is not json\n{"jsonrpc": "2.0", "id": 7}\n',
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    replies = proc.stdout.strip().splitlines()
    say(f"MCP stdio: 'this is not json' and an id without a method -> replies: {replies or 'none'}")


# --- 6. Markup and control codes in output ---------------------------------------------------

ESC = b"\x1b"
HOSTILE_LINES = [
    "Welcome <script>alert(1)</script> to the talk about bees and honey.",
    'Look at this <img src=x onerror="alert(2)"> picture of a hive full of honey.',
    "Read more at <javascript:alert(3)> about bees, flowers and the honey they make.",
    "Bees make honey \x1b]0;pwned\x07 from nectar \x1b[2J and store it in wax cells.",
    "Worker bees fan their wings to dry the honey until it is thick and sweet.",
    "A hive can make twenty kilograms of honey in a good year with many flowers.",
]


@attack
def markup_and_control_codes(args: argparse.Namespace, tmp: Path) -> None:
    home = tmp / "markup"
    home.mkdir()
    name = "talk \x1b]0;owned\x07\x1b[31m.txt"
    path = tmp / name
    path.write_text("\n".join(HOSTILE_LINES) + "\n")
    subprocess.run(
        [sys.executable, "-m", "distill", "summarize", str(path)],
        env=env_for(home),
        capture_output=True,
    )
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "distill", "list", "--format", "json"],
            env=env_for(home),
            capture_output=True,
            text=True,
        ).stdout
    )
    vid = listed[0]["id"]
    for cmd in (
        ["show", vid, "--format", "markdown"],
        ["list"],
        ["show", vid],
        ["search", "honey"],
        ["transcript", vid],
        ["summarize", str(tmp / "missing \x1b]0;x\x07.srt")],
    ):
        r = subprocess.run(
            [sys.executable, "-m", "distill", *cmd], env=env_for(home), capture_output=True
        )
        out = r.stdout + r.stderr
        shown = " ".join(c if "\x1b" not in c else repr(c) for c in cmd)
        esc = out.count(ESC)
        say(
            f"distill {shown}: ESC bytes {esc}, raw '<script' "
            f"{out.count(b'<script')}, raw '<img' {out.count(b'<img')}, raw '<javascript:' "
            f"{out.count(b'<javascript:')}"
        )
    with serve(home) as (base, _, _):
        md = httpx.get(base + f"/v/{vid}/summary.md").content
        esc = md.count(ESC)
        say(
            f"curl {base}/v/{vid}/summary.md: raw '<script' {md.count(b'<script')}, raw '<img' "
            f"{md.count(b'<img')}, raw '<javascript:' {md.count(b'<javascript:')}, ESC {esc}"
        )


# --- 7. Smaller ------------------------------------------------------------------------------


@attack
def smaller(args: argparse.Namespace, tmp: Path) -> None:
    import sqlite3

    home = tmp / "small"
    home.mkdir()
    with serve(home, DISTILL_MAX_UPLOAD_MB="1") as (base, _, _):
        db = sqlite3.connect(home / "distill.db")
        db.execute(
            "CREATE TRIGGER no_jobs BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        db.commit()
        r = httpx.post(
            base + "/api/v1/jobs/upload",
            files={"file": ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello bees.\n")},
        )
        uploads = home / "media" / "uploads"
        left = len(list(uploads.iterdir())) if uploads.exists() else 0
        say(
            f"upload while the jobs table refuses inserts -> {r.status_code}; upload folders left: {left}"
        )
        db.execute("DROP TRIGGER no_jobs")
        db.commit()
        db.close()
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\nRIFF\0\0\0\0WAVE"
        ).encode()
        body = head + b"\0" * (3 << 20) + f"\r\n--{boundary}--\r\n".encode()
        for chunked in (False, True):
            content = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
            try:
                r = httpx.post(
                    base + "/api/v1/jobs/upload",
                    content=content if chunked else body,
                    headers={"content-type": f"multipart/form-data; boundary={boundary}"},
                    timeout=60,
                )
                answer = f"{r.status_code}: {r.text[:200]}"
            except httpx.HTTPError as exc:
                answer = f"connection closed ({type(exc).__name__})"
            how = "chunked" if chunked else "with Content-Length"
            say(f"3 MB .wav upload ({how}), DISTILL_MAX_UPLOAD_MB=1 -> {answer}")
    bad = tmp / "corrupt"
    bad.mkdir()
    (bad / "distill.db").write_bytes(b"SQLite format 3\0" + b"garbage" * 100)
    r = subprocess.run(
        [sys.executable, "-m", "distill", "serve", "--port", str(free_port())],
        env=env_for(bad),
        capture_output=True,
        text=True,
        timeout=60,
    )
    say(f"distill serve on a corrupt database -> exit {r.returncode}; stderr: {r.stderr.strip()!r}")
    cue = tmp / "late.srt"
    cue.write_text("1\n99:99:99,000 --> 99:99:99,500\nToo late.\n")
    r = subprocess.run(
        [sys.executable, "-m", "distill", "transcript", str(cue), "--format", "srt"],
        env=env_for(home),
        capture_output=True,
        text=True,
    )
    say(
        f"distill transcript late.srt (cue at 99:99:99,000) -> exit {r.returncode}: "
        f"{(r.stdout.strip() or r.stderr.strip())[:200]!r}"
    )
    big = big_srt(tmp / "interrupt.srt", 4)
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill", "summarize", str(big)],
        env=env_for(home, DISTILL_MAX_CAPTION_MB="100"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    say(
        f"Ctrl-C during distill summarize -> exit {proc.returncode}; stderr: {err.decode().strip()!r}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--big-mb", type=float, default=4.0, help="transcript for the summary attack"
    )
    parser.add_argument("--srt-mb", type=float, default=45.0, help="caption file for the upload")
    parser.add_argument("--fetches", type=int, default=60, help="addresses of one cached page")
    parser.add_argument("--page-mb", type=float, default=1.0, help="captions behind that page")
    parser.add_argument(
        "--clippings-mb", type=float, default=2.0, help="Kindle clippings file for the upload"
    )
    parser.add_argument("--only", nargs="*", choices=sorted(ATTACKS), help="run only these")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="distill-attacks-") as name:
        tmp = Path(name)
        for key, fn in ATTACKS.items():
            if args.only and key not in args.only:
                continue
            say(f"== {key}")
            start = time.perf_counter()
            fn(args, tmp)
            say(f"   ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
