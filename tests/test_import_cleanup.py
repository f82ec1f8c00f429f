"""What an import tidies: the outlet's name from the page."""

from __future__ import annotations

import json

from annotator.services.importers import SITE_NAME_MAX_CHARS, read_bytes
from annotator.services.importing import ImportService

BODY = ("<p>The mayor said on Tuesday that the city will build a new bridge over the river by 2026, "
        "at a cost of 40 million euros, according to the council's own figures.</p>"
        "<p>Critics pointed out that a similar promise was made in 2019 and that nothing was built; "
        "the opposition called the plan unrealistic and asked for an independent estimate.</p>"
        "<p>The council votes on the plan next month, after a public consultation.</p>")


def page(head: str = "", body: str = BODY, title: str = "Mayor promises new bridge", h1: str | None = None) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><article><h1>{h1 or title}</h1>{body}</article></body></html>").encode()


CANONICAL = '<link rel="canonical" href="https://www.dailybugle.example/news/bridge">'


# --------------------------------------------------------------------------- the outlet's name


def test_og_site_name_names_the_source(store):
    data = page(CANONICAL + '<meta property="og:site_name" content="  The Daily\n Bugle ">')
    doc = read_bytes(data, "bridge.html")
    assert doc.site_name == "The Daily Bugle"
    result = ImportService(store).add(doc)
    assert result.ok
    assert store.source(result.document.source_id).name == "The Daily Bugle"


def test_json_ld_publisher_names_the_source(store):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Mayor promises new bridge",
          "publisher": {"@type": "NewsMediaOrganization", "name": "Daily Bugle &amp; Sons"}}
    data = page(CANONICAL + f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    doc = read_bytes(data, "bridge.html")
    assert doc.site_name == "Daily Bugle & Sons"
    result = ImportService(store).add(doc)
    assert store.source(result.document.source_id).name == "Daily Bugle & Sons"


def test_json_ld_publisher_in_a_graph_by_reference():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "@id": "#subject", "name": "Clarifai"},  # what the story is about
        {"@type": ["WebPage"], "@id": "#page", "name": "Mayor promises new bridge"},
        {"@type": ["ReportageNewsArticle"], "isPartOf": {"@id": "#page"}, "publisher": {"@id": "#org"},
         "about": {"@id": "#subject"}},
        {"@type": "NewsMediaOrganization", "@id": "#org", "name": "Bugle Media"},
        {"@type": "WebSite", "name": "bugle.example"},
    ]}
    data = page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    assert read_bytes(data, "bridge.html").site_name == "Bugle Media"


def test_og_site_name_wins_over_json_ld_and_application_name():
    ld = {"@type": "NewsArticle", "publisher": {"name": "From JSON-LD"}}
    head = (f'<meta name="application-name" content="From app name">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            '<meta property="og:site_name" content="From Open Graph">')
    assert read_bytes(page(head), "a.html").site_name == "From Open Graph"
    head = head.replace('<meta property="og:site_name" content="From Open Graph">', "")
    assert read_bytes(page(head), "a.html").site_name == "From JSON-LD"
    assert read_bytes(page('<meta name="application-name" content="From app name">'), "a.html").site_name \
        == "From app name"


def test_json_ld_website_name_when_no_publisher():
    ld = [{"@type": "WebSite", "name": "Bugle Online", "url": "https://bugle.example"},
          {"@type": "NewsArticle", "publisher": "   "}]
    data = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert read_bytes(data, "a.html").site_name == "Bugle Online"


def test_broken_or_odd_json_ld_is_ignored():
    head = ('<script type="application/ld+json">{not json</script>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"name": 42}}</script>'
            '<script type="application/ld+json">"just a string"</script>'
            '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>")
    doc = read_bytes(page(CANONICAL + head), "a.html")
    assert doc.site_name is None
    assert "The mayor said on Tuesday" in doc.text


def test_no_site_name_falls_back_to_the_host(store):
    doc = read_bytes(page(CANONICAL), "bridge.html")
    assert doc.site_name is None
    result = ImportService(store).add(doc)
    assert store.source(result.document.source_id).name == "dailybugle.example"


def test_a_source_given_by_the_user_wins(store):
    doc = read_bytes(page('<meta property="og:site_name" content="The Daily Bugle">'), "bridge.html")
    result = ImportService(store).add(doc, source_name="Wire copy")
    assert store.source(result.document.source_id).name == "Wire copy"


def test_site_names_are_sanitised():
    long_name = "Bugle " * 40
    assert read_bytes(page(f'<meta property="og:site_name" content="{long_name}">'), "a.html").site_name \
        == ("Bugle " * 40)[:SITE_NAME_MAX_CHARS - 1].rstrip() + "…"
    for junk in ("https://bugle.example/", " ", "—", "\u200b"):
        head = f'<meta property="og:site_name" content="{junk}"><meta name="application-name" content="Bugle">'
        assert read_bytes(page(head), "a.html").site_name == "Bugle"


def test_markdown_front_matter_names_the_outlet():
    data = b"---\ntitle: Bridge\npublisher: The Daily Bugle\n---\n\nThe mayor promised a bridge.\n"
    assert read_bytes(data, "a.md").site_name == "The Daily Bugle"
    data = b"---\ntitle: Bridge\nsite: https://bugle.example\noutlet: Bugle\n---\n\nThe mayor promised a bridge.\n"
    assert read_bytes(data, "a.md").site_name == "Bugle"
