"""The guarded web client: public addresses only, every redirect checked, limits, one sentence each."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from local_site import Site

from distill.errors import NetworkError, SourceError
from distill.sources import http
from distill.sources.http import FetchRefused, fetch, is_public


def test_default_refuses_a_local_server(site: Site) -> None:
    url = site.route("/page", b"<p>hello</p>")
    with pytest.raises(FetchRefused) as err:
        fetch(url)
    message = str(err.value)
    assert "127.0.0.1" in message and "private, local or reserved" in message
    assert "DISTILL_ALLOW_PRIVATE_HOSTS" in message
    assert site.requests == []  # refused before any connection


def test_allowed_host_is_fetched_with_its_host_header(site: Site, allow_local: None) -> None:
    url = site.route("/page", "<p>héllo</p>".encode(), content_type="text/html; charset=utf-8")
    got = fetch(url)
    assert got.content == "<p>héllo</p>".encode()
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.final_url == url
    assert site.requests[0][1]["Host"] == f"127.0.0.1:{site.port}"


def test_redirect_from_allowed_host_to_metadata_address_is_refused(
    site: Site, allow_local: None
) -> None:
    url = site.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchRefused) as err:
        fetch(url)
    assert "169.254.169.254" in str(err.value)
    assert [p for p, _ in site.requests] == ["/go"]


def test_relative_redirects_are_followed_and_each_hop_resolved_once(
    site: Site, allow_local: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", f"http://127.0.0.1:{site.port}/c", status=301)
    site.route("/c", b"end")
    calls: list[str] = []
    real = http.resolve_addresses

    def counting(host: str, port: int) -> list[http.IP]:
        calls.append(host)
        return real(host, port)

    monkeypatch.setattr(http, "resolve_addresses", counting)
    got = fetch(site.url("/a"))
    assert got.content == b"end" and got.final_url == site.url("/c")
    assert calls == ["127.0.0.1"] * 3  # one resolution per hop; the connection uses its answer


def test_a_name_is_connected_to_the_address_that_was_checked(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTILL_ALLOW_PRIVATE_HOSTS", "pinned.test")
    from distill.settings import get_settings

    get_settings.cache_clear()
    answers = iter([[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.9.9.9")]])
    monkeypatch.setattr(http, "resolve_addresses", lambda host, port: next(answers))
    url = site.route("/p", b"ok").replace("127.0.0.1", "pinned.test")
    assert fetch(url).content == b"ok"  # a second lookup would have gone to 10.9.9.9
    assert site.requests[0][1]["Host"] == f"pinned.test:{site.port}"
    get_settings.cache_clear()


def test_too_many_redirects(site: Site, allow_local: None) -> None:
    site.redirect("/loop", "/loop")
    with pytest.raises(NetworkError, match="redirects more than"):
        fetch(site.url("/loop"))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/file", "only fetches http"),
        ("file:///etc/passwd", "only fetches http"),
        ("javascript:alert(1)", "only fetches http"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://:80/", "no host name"),
        ("http://[::1]/", "private, local or reserved"),
        ("http://[::ffff:127.0.0.1]/", "private, local or reserved"),
        ("http://[::ffff:169.254.169.254]/", "private, local or reserved"),
        ("http://[2002:a9fe:a9fe::1]/", "private, local or reserved"),  # 6to4 of 169.254.169.254
        ("http://[64:ff9b::a00:1]/", "private, local or reserved"),  # NAT64 of 10.0.0.1
        ("http://[fe80::1]/", "private, local or reserved"),
        ("http://[ff02::1]/", "private, local or reserved"),
        ("http://0.0.0.0/", "private, local or reserved"),
        ("http://10.1.2.3/", "private, local or reserved"),
        ("http://192.168.0.1:8080/", "private, local or reserved"),
        ("http://100.64.0.1/", "private, local or reserved"),
        ("http://224.0.0.1/", "private, local or reserved"),
        ("http://240.0.0.1/", "private, local or reserved"),
        ("http://localhost:9/", "private, local or reserved"),
        ("http://2130706433/", "private, local or reserved"),  # 127.0.0.1 as one number
        ("http://0x7f.1/", "private, local or reserved"),
    ],
)
def test_refusals_are_one_sentence(url: str, words: str) -> None:
    with pytest.raises(SourceError) as err:
        fetch(url)
    message = str(err.value)
    assert words in message
    assert message.count(". ") == 0 and "\n" not in message


def test_public_addresses_pass_the_check() -> None:
    for text in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"):
        assert is_public(ipaddress.ip_address(text))
    for text in ("127.0.0.1", "::1", "169.254.169.254", "fc00::1", "::ffff:10.0.0.1", "::"):
        assert not is_public(ipaddress.ip_address(text))


def test_size_limit_by_header_and_by_stream(site: Site, allow_local: None) -> None:
    site.route("/big", b"x" * 5000)
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(site.url("/big"), limit=4096)

    def endless():
        for _ in range(10_000):
            yield b"y" * 65536

    site.route("/stream", endless)  # chunked, no Content-Length: cut while reading
    with pytest.raises(FetchRefused, match="larger than the 1 MB"):
        fetch(site.url("/stream"), limit=1024 * 1024)


def test_error_status_is_one_sentence(site: Site, allow_local: None) -> None:
    with pytest.raises(SourceError, match="answered 404 Not Found"):
        fetch(site.url("/missing"))


def test_download_is_whole_or_nothing(site: Site, allow_local: None, tmp_path: Path) -> None:
    site.route("/a.mp3", b"ID3" + b"\0" * 1000, content_type="audio/mpeg")
    dest = tmp_path / "a.mp3"
    got = http.download(site.url("/a.mp3"), dest, limit=10_000)
    assert dest.read_bytes()[:3] == b"ID3" and got.content_type == "audio/mpeg"
    site.route("/big.mp3", b"x" * 20_000, content_type="audio/mpeg")
    with pytest.raises(FetchRefused):
        http.download(site.url("/big.mp3"), tmp_path / "big.mp3", limit=10_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp3"]


def test_unresolvable_host_is_a_network_error() -> None:
    with pytest.raises(NetworkError, match="could not be found"):
        fetch("http://no-such-host.invalid/")
