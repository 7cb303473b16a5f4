"""Several web processes on one port, each with a listening socket of its own (SO_REUSEPORT).

Why not uvicorn's `workers=`: its processes share one socket, and asyncio accepts every waiting
connection at once, so a burst of new connections (a browser opening six, a benchmark sixteen)
often lands whole in one process while the others idle. Measured with bench/scale.py (2 processes,
16 connections, cold pages): 330-640 req/s from run to run, p99 up to 190 ms. With a socket per
process the kernel spreads new connections over the processes by their addresses.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

APP = "distill.web.app:create_web_only_app"
# A process that dies this soon after starting failed to start: stop rather than restart forever.
STARTUP_SECONDS = 20.0


def can_share_port() -> bool:
    """True where the kernel spreads connections over sockets on one port: Linux (macOS and
    the BSDs accept SO_REUSEPORT but hand every connection to one of the sockets)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port that other processes of this server may also open."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP by name: asyncio turns Nagle's algorithm off only for sockets that say so,
    # and with it on every response waits 40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def web_process(host: str, port: int) -> None:
    """One web process: the web-only app on its own socket (the target of a spawned process)."""
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(APP, factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def run_web_processes(host: str, port: int, count: int) -> int:
    """Run `count` web processes until SIGINT or SIGTERM; a process that dies is replaced.

    Returns the exit status: 0 after a signal, 1 when a process failed while starting.
    """
    spawn = multiprocessing.get_context("spawn")
    stopping: list[int] = []  # a signal's number; a plain list, since a handler must not lock

    def start() -> tuple[Any, float]:
        process = spawn.Process(target=web_process, args=(host, port), daemon=True)
        process.start()
        return process, time.monotonic()

    previous = {
        sig: signal.signal(sig, lambda number, _: stopping.append(number))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    running = [start() for _ in range(count)]
    status = 0
    try:
        while not stopping:
            time.sleep(0.5)
            for n, (process, started) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < STARTUP_SECONDS:
                    print("distill: a web process could not start; stopping.", file=sys.stderr)
                    status = 1
                    stopping.append(0)
                    break
                print(
                    f"distill: web process {process.pid} ended; starting another.", file=sys.stderr
                )
                running[n] = start()
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()  # uvicorn finishes the requests in flight, then exits
        for process, _ in running:
            process.join(10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
