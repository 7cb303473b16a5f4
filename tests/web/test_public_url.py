"""The public address setting: share links, og:url, canonical links, structured data and the
embed snippet point at DISTILL_PUBLIC_URL instead of the address a request came in on; a bad
value is refused in one sentence before the server starts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from web_helpers import make_transcript, parse

from distill.errors import InputError
from distill.settings import check_public_url, get_settings

PUBLIC = "https://distill.example.org/notes"


@pytest.fixture
def public_client(library, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from distill.web import create_app

    monkeypatch.setenv("DISTILL_PUBLIC_URL", PUBLIC + "/")
    get_settings.cache_clear()
    app = create_app(library, worker=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c
    get_settings.cache_clear()


def test_every_absolute_link_uses_the_public_address(public_client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    page = f"{PUBLIC}/v/bees0000001"
    doc = parse(public_client.get("/v/bees0000001").text)
    metas = {m.get("property") or m.get("name"): m.get("content") for m in doc.find_all("meta")}
    assert metas["og:url"] == page
    canonical = [n for n in doc.iter() if n.tag == "link" and n.attrs.get("rel") == "canonical"]
    assert [n.attrs["href"] for n in canonical] == [page]
    assert doc.by_id("copy-link").get("data-url") == page
    assert doc.by_id("embed-code").text.startswith(f'<iframe src="{PUBLIC}/embed/bees0000001"')
    ld = json.loads(doc.find("script", type="application/ld+json").text)
    assert ld["url"] == page
    html = public_client.get("/v/bees0000001").text
    assert "127.0.0.1" not in html  # the share buttons too
    assert "sharer.php?u=https%3A//distill.example.org/notes/v/bees0000001" in html
    embed = public_client.get("/embed/bees0000001").text
    assert f'href="{page}"' in embed and "127.0.0.1" not in embed


def test_without_the_setting_links_use_the_request_address(client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    doc = parse(client.get("/v/bees0000001").text)
    assert doc.by_id("copy-link").get("data-url") == "http://127.0.0.1:8000/v/bees0000001"


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "ftp://distill.example.org",
        "distill.example.org",
        "https://distill.example.org/?x=1",
        "https://distill.example.org/#top",
        'https://distill.example.org/"><script>',
        "https://user@distill.example.org",
        "https://",
    ],
)
def test_a_bad_public_address_is_one_sentence(value):
    with pytest.raises(InputError, match=r"^DISTILL_PUBLIC_URL is .*, not a plain http\(s\) "):
        check_public_url(value)


def test_good_public_addresses_are_made_canonical():
    assert check_public_url(None) is None and check_public_url("  ") is None
    assert check_public_url(" https://d.example.org/ ") == "https://d.example.org"
    assert check_public_url("http://10.0.0.5:8000/distill/") == "http://10.0.0.5:8000/distill"


def test_the_server_refuses_to_start_with_a_bad_public_address(cli):
    result = cli("serve", "--port", "8765", env={"DISTILL_PUBLIC_URL": "javascript:alert(1)"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: DISTILL_PUBLIC_URL is 'javascript:alert(1)'")
    assert result.stderr.count("\n") == 1
