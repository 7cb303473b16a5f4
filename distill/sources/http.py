"""The one guarded HTTP client for the open web: public addresses only, every hop checked, limits.

Every fetch of a page, PDF, feed, enclosure, transcript or chapters file goes through `fetch` or
`download`. A URL is refused unless it is http(s) without credentials, and its host resolves only
to public addresses (no loopback, private, link-local, multicast, reserved or unspecified address,
IPv4 or IPv6, mapped or embedded forms included). The connection goes to the address that was
checked (the Host header and TLS SNI keep the name), so DNS cannot answer differently between the
check and the connect. Redirects are followed by hand, each hop checked the same way. Bodies are
read up to a size limit and a total time limit.

`DISTILL_ALLOW_PRIVATE_HOSTS` (empty by default) names hosts, as written in URLs, that may be
private: tests serve pages from 127.0.0.1 with it.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from distill.errors import NetworkError, SourceError

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
USER_AGENT = "distill/0.1 (+https://github.com/distill; local-first summarizer)"

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(SourceError):
    """A URL distill will not fetch: another scheme, credentials, a private address, too large."""


@dataclass
class Fetched:
    """A response body read in full, with where it finally came from."""

    url: str = field(metadata={"doc": "the URL asked for"})
    final_url: str = ""
    status: int = 200
    content_type: str = ""
    charset: str | None = None
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def allowed_private_hosts() -> frozenset[str]:
    """Hosts (as written in URLs) that may resolve to private addresses: DISTILL_ALLOW_PRIVATE_HOSTS."""
    from distill.settings import get_settings

    raw = get_settings().allow_private_hosts or ""
    return frozenset(h.strip().lower().strip("[]") for h in raw.split(",") if h.strip())


def _shown(url: str, limit: int = 100) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "\u2026"


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL distill may fetch, or FetchRefused saying why not."""
    shown = _shown(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchRefused(f"'{shown}' is not a valid URL; check it and try again.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(
            f"'{shown}' uses {scheme or 'no'} scheme; distill only fetches http:// and https:// URLs."
        )
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(
            f"'{shown}' carries a user name or password; distill never sends credentials in "
            "URLs, so pass the address without them."
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchRefused(f"'{shown}' has no host name; pass a full http(s) URL.")
    return scheme, host, port or (443 if scheme == "https" else 80)


def embedded_ipv4(ip: IP) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv6 one (mapped, 6to4, Teredo, NAT64, compatible), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    packed = ip.packed
    if packed[:12] == bytes(12) and packed[12:] != bytes(4):  # ::a.b.c.d (deprecated form)
        return ipaddress.IPv4Address(packed[12:])
    if packed[:12] == bytes.fromhex("0064ff9b0000000000000000"):  # 64:ff9b::/96 (NAT64)
        return ipaddress.IPv4Address(packed[12:])
    return None


def is_public(ip: IP) -> bool:
    """Whether an address is a public unicast one (and so is any IPv4 address inside it)."""
    inner = embedded_ipv4(ip)
    if inner is not None and not is_public(inner):
        return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or not ip.is_global
    )


def resolve_addresses(host: str, port: int) -> list[IP]:
    """Every address a host name (or literal) resolves to; NetworkError when it does not resolve."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        return [literal]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise NetworkError(
            f"The host {host} could not be found (DNS lookup failed); check the address and your "
            "connection."
        ) from None
    found: list[IP] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        ip = ipaddress.ip_address(address)
        if ip not in found:
            found.append(ip)
    if not found:
        raise NetworkError(f"The host {host} has no address; check the URL.")
    return found


def checked_address(url: str) -> tuple[str, str, int, IP]:
    """(scheme, host, port, address to connect to) for a URL, every address of its host checked."""
    scheme, host, port = check_url(url)
    addresses = resolve_addresses(host, port)
    if host.strip("[]") not in allowed_private_hosts():
        bad = [ip for ip in addresses if not is_public(ip)]
        if bad:
            raise FetchRefused(
                f"'{_shown(url)}' points at {bad[0]}, a private, local or reserved address; "
                "distill only fetches public addresses from the web (set "
                "DISTILL_ALLOW_PRIVATE_HOSTS to allow a host on your own network)."
            )
    return scheme, host, port, addresses[0]


def _pinned_request(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Request:
    """A GET to the checked address of `url`, keeping its host name for the Host header and SNI."""
    scheme, host, port, ip = checked_address(url)
    parts = urlsplit(url.strip())
    netloc_ip = f"[{ip}]" if isinstance(ip, ipaddress.IPv6Address) else str(ip)
    default = 443 if scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if port != default:
        netloc_ip += f":{port}"
        host_header += f":{port}"
    target = urlunsplit((scheme, netloc_ip, parts.path or "/", parts.query, ""))
    return client.build_request(
        "GET",
        target,
        headers={**headers, "Host": host_header},
        extensions={"sni_hostname": host.strip("[]")},
    )


def _client(timeout: float) -> httpx.Client:
    import httpx

    # trust_env=False: no proxy from the environment, which would resolve the name again.
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _network_error(url: str, exc: Exception) -> NetworkError:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(
            f"'{_shown(url)}' did not answer in time; try again later or check the address."
        )
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(
            f"Could not connect to '{_shown(url)}' (the server refused or is unreachable); check "
            "the address and your connection."
        )
    return NetworkError(f"Fetching '{_shown(url)}' failed ({type(exc).__name__}); try again later.")


@contextmanager
def open_url(
    url: str,
    *,
    timeout: float = 20.0,
    accept: str = "*/*",
) -> Iterator[httpx.Response]:
    """A streaming response for `url` after every redirect hop was checked; status must be 2xx."""
    import httpx

    current = url.strip()
    with _client(timeout) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            request = _pinned_request(client, current, {"Accept": accept})
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise _network_error(current, exc) from None
            if response.status_code in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                response.close()
                if not location:
                    raise NetworkError(
                        f"'{_shown(current)}' redirects without saying where; try the final "
                        "address directly."
                    )
                current = urljoin(current, location)
                continue
            try:
                if response.status_code >= 400:
                    reason = response.reason_phrase or "error"
                    raise SourceError(
                        f"'{_shown(current)}' answered {response.status_code} {reason}; check "
                        "the address (the page may have moved or need a login)."
                    )
                response.extensions["distill_final_url"] = current
                yield response
            finally:
                response.close()
            return
        raise NetworkError(
            f"'{_shown(url)}' redirects more than {MAX_REDIRECTS} times; try the final address "
            "directly."
        )


def _too_large(url: str, limit: int) -> FetchRefused:
    return FetchRefused(
        f"'{_shown(url)}' is larger than the {limit / (1024 * 1024):.0f} MB distill reads from "
        "the web; download it yourself and pass the file instead."
    )


def _chunks(response: httpx.Response, url: str, limit: int, deadline: float) -> Iterator[bytes]:
    import httpx

    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _too_large(url, limit)
    size = 0
    try:
        for chunk in response.iter_bytes(65536):
            size += len(chunk)
            if size > limit:
                raise _too_large(url, limit)
            if time.monotonic() > deadline:
                raise NetworkError(
                    f"'{_shown(url)}' took too long to download; try again later, or download "
                    "it yourself and pass the file."
                )
            yield chunk
    except httpx.HTTPError as exc:
        raise _network_error(url, exc) from None


def page_limit() -> int:
    """The most bytes read from one page, feed or PDF: DISTILL_MAX_PAGE_MB."""
    from distill.settings import get_settings

    return max(1, get_settings().max_page_mb) * 1024 * 1024


def fetch(
    url: str,
    *,
    limit: int | None = None,
    timeout: float = 20.0,
    total_time: float = 60.0,
    accept: str = "*/*",
) -> Fetched:
    """GET a URL through the guard and read its body (at most `limit` bytes, `total_time` seconds)."""
    deadline = time.monotonic() + total_time
    limit = page_limit() if limit is None else limit
    with open_url(url, timeout=timeout, accept=accept) as response:
        final = str(response.extensions.get("distill_final_url", url))
        body = b"".join(_chunks(response, final, limit, deadline))
        content_type = response.headers.get("content-type", "")
        return Fetched(
            url=url,
            final_url=final,
            status=response.status_code,
            content_type=content_type.split(";", 1)[0].strip().lower(),
            charset=response.charset_encoding,
            content=body,
            headers=dict(response.headers),
        )


def download(
    url: str,
    dest: Path,
    *,
    limit: int,
    timeout: float = 30.0,
    total_time: float = 1800.0,
    accept: str = "*/*",
) -> Fetched:
    """GET a URL through the guard into a file (whole or nothing); the body is not kept in memory."""
    deadline = time.monotonic() + total_time
    part = dest.with_name(dest.name + ".part")
    try:
        with open_url(url, timeout=timeout, accept=accept) as response:
            final = str(response.extensions.get("distill_final_url", url))
            with part.open("wb") as out:
                for chunk in _chunks(response, final, limit, deadline):
                    out.write(chunk)
            part.replace(dest)
            return Fetched(
                url=url,
                final_url=final,
                status=response.status_code,
                content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                charset=response.charset_encoding,
                headers=dict(response.headers),
            )
    finally:
        part.unlink(missing_ok=True)


def is_web_url(source: str) -> bool:
    """Whether a source string is an http(s) URL (a guess from its shape; nothing is fetched)."""
    s = source.strip().lower()
    return s.startswith(("http://", "https://")) and not any(ch.isspace() for ch in s)
