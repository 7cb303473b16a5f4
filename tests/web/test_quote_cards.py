"""Quote cards on the web: /v/{id}/card/{item}.png serves a PNG, each summary item and
highlight has a Card link, and the page's og:image is its TL;DR card."""

from __future__ import annotations

from web_helpers import BEES_DEFINING, make_transcript, parse


def test_cards_are_served_and_linked_from_the_page(client, library):
    talk = make_transcript("bees0000001", "How bees make honey", lines=BEES_DEFINING)
    library.save_transcript(talk)
    doc = parse(client.get("/v/bees0000001").text)  # makes the built-in summary
    metas = {}
    for m in doc.find_all("meta"):
        metas.setdefault(m.get("property") or m.get("name"), m.get("content"))
    card = "http://127.0.0.1:8000/v/bees0000001/card/summary.png"
    assert metas["og:image"] == card and metas["twitter:image"] == card
    assert metas["twitter:card"] == "summary_large_image"
    links = [a.get("href") for a in doc.find_all("a") if a.get("class") == "quote-card-link"]
    assert "/v/bees0000001/card/insight-1.png" in links and "/v/bees0000001/card/qa-1.png" in links
    for href in [*links, "/v/bees0000001/card/summary.png"]:
        r = client.get(href)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png", href
        assert r.content.startswith(b"\x89PNG")


def test_a_highlight_has_its_card(client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    h = library.add_highlight("bees0000001", start=5.0, end=9.0, quote="bees make honey")
    doc = parse(client.get("/v/bees0000001").text)
    links = [a.get("href") for a in doc.find_all("a") if a.get("class") == "quote-card-link"]
    assert f"/v/bees0000001/card/highlight-{h.id}.png" in links
    assert client.get(f"/v/bees0000001/card/highlight-{h.id}.png").status_code == 200


def test_bad_cards_are_one_sentence(client, library):
    library.save_transcript(make_transcript("bees0000001", "How bees make honey"))
    client.get("/v/bees0000001")
    bad = client.get("/v/bees0000001/card/<script>.png")
    assert bad.status_code == 400 and "is not a card" in bad.text and "<script>" not in bad.text
    assert client.get("/v/bees0000001/card/insight-99.png").status_code == 404
    assert client.get("/v/nosuchvideo/card/summary.png").status_code == 404
