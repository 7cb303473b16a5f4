"""How `distill serve` readies its processes: sockets of their own, Nagle off, a warmed app."""

from __future__ import annotations

import asyncio
import gc
import socket

import pytest
from fastapi.testclient import TestClient

from distill.web.processes import can_share_port, listening_socket


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(not can_share_port(), reason="SO_REUSEPORT is Linux, BSD and macOS only")
def test_two_processes_can_listen_on_one_port() -> None:
    port = _free_port()
    first = listening_socket("127.0.0.1", port)
    second = listening_socket("127.0.0.1", port)  # what the second web process opens
    try:
        assert first.getsockname() == second.getsockname()
    finally:
        first.close()
        second.close()


def test_connections_accepted_by_asyncio_have_nagle_off() -> None:
    # With Nagle's algorithm on, each small response waited 40 ms for the client's delayed ACK:
    # asyncio turns it off only for sockets made with IPPROTO_TCP.
    sock = listening_socket("127.0.0.1", _free_port())
    seen: list[int] = []

    async def main() -> None:
        accepted = asyncio.Event()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                raw = transport.get_extra_info("socket")
                seen.append(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                accepted.set()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname())
        await asyncio.wait_for(accepted.wait(), 5)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert seen == [1]


def test_a_serving_app_compiles_its_templates_and_freezes_what_it_keeps(distill_home) -> None:  # type: ignore[no-untyped-def]
    from distill.web.app import create_app

    app = create_app(worker=False, serving=True)
    templates = app.state.distill.templates
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            assert gc.get_freeze_count() > 0
            compiled = {name for _, name in templates.cache}  # (loader, name) keys
            assert {"video.html", "search.html", "home.html"} <= compiled
            assert client.get("/").status_code == 200
    finally:
        gc.unfreeze()
