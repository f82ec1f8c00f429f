"""What an import tidies: the outlet's name from the page, garbled characters, page furniture
and debris in the title; and what it must leave exactly as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.services.cleanup import (
    FURNITURE_MAX_CHARS,
    clean_text,
    headline,
    is_furniture,
    remove_furniture,
    repair_mojibake,
)
from annotator.services.importers import SITE_NAME_MAX_CHARS, read_bytes, read_text
from annotator.services.importing import ImportService
from tests.conftest import REPO

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


# --------------------------------------------------------------------------- page furniture

ARTICLE = """Skip to main content
Apr 21

Mayor promises new bridge

2 min read65 views3 tags
Share this article

The mayor said on Tuesday that the city will build a new bridge by 2026.

Critics said the plan, which we use cookies to illustrate, is unrealistic. Share this with your friends, \
she told the council.

Can you improve this page?
Share your insights with us

Comments
No comments yet. Be the first to comment!
Continue reading
We use cookies to improve your experience. By using this site you agree to our cookie policy.
Accept all cookies
"""


def test_furniture_lines_are_removed_and_reported():
    doc = read_bytes(ARTICLE.encode(), "bridge.txt")
    assert doc.text == ("Apr 21\n\nMayor promises new bridge\n\n"
                        "The mayor said on Tuesday that the city will build a new bridge by 2026.\n\n"
                        "Critics said the plan, which we use cookies to illustrate, is unrealistic. Share this with "
                        "your friends, she told the council.")
    assert doc.title == "Mayor promises new bridge"
    assert doc.warnings == ['Removed 10 lines of page furniture ("Skip to main content", '
                            '"2 min read65 views3 tags", "Share this article", …)']


@pytest.mark.parametrize("line", [
    "Skip to main content", "Skip to content", "Jump to navigation", "5 min read", "2 min read65 views3 tags",
    "1.2K views · 14 comments", "Reading time: 4 minutes", "3-5 min read", "Share", "Share this story:",
    "Share on X", "Tweet", "Copy link", "Link copied to clipboard", "Can you improve this page?",
    "Share your insights with us", "Was this article helpful?", "What did you think of this story?",
    "Reader feedback", "No Comments", "12 comments", "Leave a Reply", "User Comments", "Filter:", "Sort by:",
    "Be the first to comment!", "Continue reading", "Read more »", "View all posts", "Back to top ↑",
    "Related Updates", "You may also like", "Advertisement", "ADVERTISEMENT", "Sign up for our newsletter",
    "Subscribe", "Follow us on Instagram", "We use cookies to give you the best experience on our site.",
    "We use cookies", "This website uses cookies.", "Accept all cookies", "Reject all", "Cookie settings",
    "Manage preferences",
    "3 hours ago", "Updated 5 min ago", "The Next Web (TNW) • Fresh • collected in 64m",
    "\N{NEWSPAPER}", "\ufffd", "• Share •", "\N{LINK SYMBOL} Related articles",
])
def test_unmistakable_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Share prices fell 3% on Tuesday.", "The company said it does not use cookies to track readers.",
    "Read more about the plan in our explainer below, the mayor wrote.",
    "Comments by the mayor angered the council.", "65 views were recorded, police said.",
    "Subscribers will pay more", "No comment, said the spokesman.", "Skip to the end: the bridge was never built.",
    "Related", "Conclusion", "Apr 21", "ES", "+", "Originally reported bytechcrunch", "Page info",
    "Taxes collected in 2023 rose", "The data was scraped 3 days ago.", "It was collected in 5m",
    "We use cookies sparingly, the spokesperson said.",
    "This site uses cookies from three ad networks, we found.", "* * *", "—", "***", "H1: Clarifai Removes 3M Photos",
    "What did you think of this story? Tell us at letters@example.org, and we may publish your letter.",
    "x" * (FURNITURE_MAX_CHARS + 1),
])
def test_article_lines_are_never_furniture(line):
    assert not is_furniture(line)


def test_a_text_that_is_only_furniture_is_kept_whole():
    text, removed = remove_furniture("Share\nSubscribe")
    assert text == "Share\nSubscribe" and removed == []
    assert read_bytes(b"Share this\n", "a.txt").text == "Share this"


def test_blank_lines_around_removed_lines_are_not_doubled():
    assert remove_furniture("A\n\nShare\n\nB")[0] == "A\n\nB"
    assert remove_furniture("A\nShare\nB")[0] == "A\nB"
    assert remove_furniture("Share\n\nA\n\n\nB")[0] == "A\n\n\nB"  # spacing elsewhere is kept


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "Share", "Skip to content", "The mayor spoke.", "2 min read", "  ",
                                 "Advertisement", "Critics disagreed.", "\N{NEWSPAPER}"]), max_size=30))
def test_cleanup_only_removes_whole_lines_in_order(lines):
    text = "\n".join(lines)
    cleaned, removed = remove_furniture(text)
    kept = cleaned.split("\n") if cleaned else []
    it = iter(lines)
    assert all(any(line == original for original in it) for line in kept)  # a subsequence
    assert [line for line in lines if line.strip() and not is_furniture(line)] == \
        [line for line in kept if line.strip() and not is_furniture(line)]
    assert all(is_furniture(line) for line in removed)


# --------------------------------------------------------------------------- titles


def test_title_skips_debris_and_dates():
    assert headline("Skip to main content\nApr 21\n\nMayor promises new bridge\nText.") == "Mayor promises new bridge"
    assert headline("Published: March 5, 2024 10:30 AM\nMayor resigns\n") == "Mayor resigns"
    assert headline("H1: Mayor resigns\nH2: Council stunned") == "Mayor resigns"
    assert headline("2024-03-05\n") == "2024-03-05"  # nothing better: the first line


def test_html_title_that_is_debris_gives_way_to_the_headline():
    doc = read_bytes(page(title="Skip to main content", h1="Mayor promises new bridge"), "a.html")
    assert doc.title == "Mayor promises new bridge"


def test_furniture_in_a_page_without_an_article_is_removed():
    data = (b'<html><head><title>Mayor resigns</title></head><body><a href="#main">Skip to main content</a>'
            b"<h1>Mayor resigns</h1><p>The mayor resigned on Tuesday.</p><p>Share this article</p>"
            b"<p>3 min read</p></body></html>")
    doc = read_bytes(data, "a.html")
    assert doc.text.startswith("Mayor resigns\n") and doc.text.endswith("\nThe mayor resigned on Tuesday.")
    assert not any(debris in doc.text for debris in ("Skip to", "Share this", "min read"))
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("Removed ")
    assert '"Share this article", "3 min read")' in doc.warnings[0]


def test_pasted_text_keeps_its_text_but_gets_a_real_title():
    doc = read_text("Skip to main content\nMayor promises new bridge\nThe mayor said so.")
    assert doc.text.startswith("Skip to main content")  # the user chose what to paste
    assert doc.title == "Mayor promises new bridge"


# --------------------------------------------------------------------------- garbled characters

LEGITIMATE = [
    "ภาษาไทยเป็นภาษาที่มีระดับเสียงของคำแน่นอน ปี ๒๕๖๗ และ \N{THAI DIGIT ZERO} ๑ ๒ ๓",
    "\N{GREEK CAPITAL LETTER OMICRON} δήμαρχος υπόσχεται νέα γέφυρα έως το 2026 — «το έχουμε ξανακούσει».",
    "Её всё устраивало: мэр обещает новый мост к 2026 году — «мы это уже слышали».",
    "Градоначелник обећава нови мост, рекао \N{CYRILLIC SMALL LETTER JE}\N{CYRILLIC SMALL LETTER IE}"
    " — „ми смо то већ чули“. Њујорк, Љубљана, Џон.",
    "Україна та її міста, своїй громаді.",
    "Le maire a déclaré « nous avons déjà entendu ça » – l’été dernier à Montréal, Æsop, Øresund, ß“x”.",
    "Bürgermeister verspricht „eine neue Brücke“ für 40 Millionen Euro – größer, Straße.",
    "Zażółć gęślą jaźń; İstanbul’da ağ\N{LATIN SMALL LETTER DOTLESS I}r şişe;"
    " Čeština; Ærø; São Paulo; Ñandú; naïve café.",
    "Emoji 🌉📰💡🔮⏳⚡🧠🔗 and symbols • ™ © ° ± « » — … “ ” ‘ ’ € £ ¥ → ✓",
    "東京 市長は橋を約束した。「前にも聞いた」 한국어 텍스트 العربية עברית हिन्दी",
    "Thai words in English: the word โต means big; ไทย; รก means messy.",
    "The Thai digit \N{THAI DIGIT ZERO} stands for zero.",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_correct_text_passes_through_unchanged(text):
    assert repair_mojibake(text) == (text, 0, 0)
    doc = read_bytes(text.encode("utf-8"), "a.txt")
    assert doc.text == text and doc.warnings == []


def test_all_legitimate_samples_together_are_unchanged():
    text = "\n".join(LEGITIMATE)
    assert clean_text(text).text == text


@pytest.mark.parametrize("encoding", ["sloppy-windows-1252", "latin-1", "sloppy-windows-1251"])
def test_mojibake_is_repaired_with_a_note(encoding):
    import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy" codecs: undefined bytes kept as C1)

    right = "Le maire a déclaré “nous avons déjà entendu ça” – l’été dernier. Bürgermeister • Ελλάδα • Россия"
    if encoding.endswith("1251"):
        right = "Мэр обещает новый мост — «мы это уже слышали», сказал он. Её всё устраивало."
    garbled = right.encode("utf-8").decode(encoding)
    assert garbled != right
    fixed, repaired, lost = repair_mojibake(garbled)
    assert fixed == right and repaired > 5 and lost == 0
    garbled += "\nThe rest of the article is in plain English, as most of it was. " * 3  # not binary-looking
    doc = read_bytes(garbled.encode("utf-8"), "a.txt")
    assert doc.text.startswith(right + "\n")
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("Repaired ") and "garbled characters" in doc.warnings[0]
    assert "wrong encoding" in doc.warnings[0]


def test_mojibake_among_correct_text_is_repaired_line_by_line():
    text = "Correct: café, Straße, Ελλάδα.\nGarbled: cafÃ© and â€œquotesâ€\x9d.\nCorrect again: naïve."
    fixed, repaired, lost = repair_mojibake(text)
    assert fixed == "Correct: café, Straße, Ελλάδα.\nGarbled: café and “quotes”.\nCorrect again: naïve."
    assert repaired == 3 and lost == 0


def test_utf8_read_as_thai_with_every_byte_kept_is_repaired():
    right = "Bullet • and em dash — and café …"
    garbled = right.encode("utf-8").decode("cp874")
    assert "\N{THAI CHARACTER SARA O}\N{EURO SIGN}\N{THAI CHARACTER KHO KHAI}" in garbled  # the bullet
    fixed, repaired, lost = repair_mojibake(garbled)
    assert (fixed, repaired, lost) == (right, 4, 0)
    right = "📰 News • today ™ — done"
    tis = right.encode("utf-8").decode("tis_620")  # TIS-620 leaves 0x80-0x9F as C1 controls
    assert repair_mojibake(tis) == (right, 4, 0)
    doc = read_bytes((tis + "\nThe rest of the article is in plain English, as most of it was. " * 3).encode(), "a.txt")
    assert doc.text.startswith(right + "\n") and doc.warnings[0].startswith("Repaired 4 garbled characters")


def test_utf8_read_as_thai_with_lost_bytes_is_marked_not_guessed():
    # What a page gives when UTF-8 was read as TIS-620 and the C1 controls dropped: the emoji's
    # and the bullet's middle bytes are gone, so which emoji it was cannot be known.
    right = "📰 The Next Web • Fresh\n💡Privacy scandal — lesson"
    garbled = "".join(ch for ch in right.encode("utf-8").decode("tis_620", errors="ignore")
                      if not "\x80" <= ch <= "\x9f")
    assert garbled.startswith("\N{THAI DIGIT ZERO}")
    fixed, repaired, lost = repair_mojibake(garbled)
    assert fixed == "\ufffd The Next Web \ufffd Fresh\n\ufffdPrivacy scandal \ufffd lesson"
    assert (repaired, lost) == (0, 4)
    doc = read_bytes(garbled.encode("utf-8"), "a.txt")
    assert any("4 garbled characters could not be repaired" in note and "\ufffd" in note for note in doc.warnings)


def test_a_single_thai_looking_fragment_is_left_alone():
    # Too little to tell mojibake from a real Thai word: untouched.
    assert repair_mojibake("AI\N{THAI CHARACTER SARA O}\N{THAI CHARACTER KHO KHAI} lesson")[1:] == (0, 0)


def test_real_thai_next_to_mojibake_blocks_the_thai_repair():
    text = "ภาษาไทย and \N{THAI DIGIT ZERO}\N{THAI CHARACTER KO KAI} and \N{THAI CHARACTER SARA O}"
    assert repair_mojibake(text) == (text, 0, 0)


def test_garbled_title_and_author_are_repaired_too():
    data = ("<html><head><title>CafÃ© prices</title><meta name='author' content='RenÃ© Dupont'></head>"
            "<body><p>Prices rose.</p></body></html>").encode()
    doc = read_bytes(data, "a.html")
    assert doc.title == "Café prices" and doc.author == "René Dupont"
    assert any(note.startswith("Repaired 2 garbled characters") for note in doc.warnings)


def test_docx_and_pdf_text_is_not_cleaned(monkeypatch):
    from annotator.services import importers

    doc = importers._finish("Share\nThe mayor spoke.", "a.pdf", "pdf")
    assert doc.text == "Share\nThe mayor spoke." and doc.warnings == []


@pytest.mark.timeout(60)  # a hang guard: a long line is searched once, not once per suspect character
def test_one_huge_line_full_of_look_alikes_is_not_quadratic():
    text = "Её всё устраивало, Ελλάδα. " * 200_000  # "Её" resembles UTF-8 read as Windows-1251
    assert repair_mojibake(text) == (text, 0, 0)


@pytest.mark.timeout(60)  # a hang guard; the speed target (well under a second) lives in bench/
def test_cleanup_of_five_megabytes_finishes():
    line = "The mayor said on Tuesday that the café will cost “40 million” euros – naïve, Ελλάδα, \N{THAI DIGIT ZERO}\n"
    text = ("Share\n" + line * 20) * 2500
    cleaned = clean_text(text)
    assert len(cleaned.removed) == 2500 and cleaned.repaired == 0


# --------------------------------------------------------------------------- command line


def test_cli_import_cleans_and_names_the_outlet(tmp_path):
    project = tmp_path / "p.annotator"
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "page.html").write_bytes(page(CANONICAL + '<meta property="og:site_name" content="The Daily Bugle">'))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=120)

    assert run("new", str(project)).returncode == 0
    r = run("import", str(project), str(tmp_path / "article.txt"), str(tmp_path / "page.html"))
    assert r.returncode == 0, r.stderr
    assert "“Mayor promises new bridge”" in r.stdout
    assert 'Removed 10 lines of page furniture ("Skip to main content"' in r.stdout

    from annotator.store import open_project

    store = open_project(project)
    try:
        assert [s.name for s in store.sources()] == ["The Daily Bugle"]
        texts = [store.document_text(d.id) for d in store.documents()]
        assert not any("Skip to main content" in text for text in texts)
    finally:
        store.close()


def test_words_that_are_also_text_stay_unless_they_sit_in_a_block_of_furniture():
    transcript = "Do you accept the terms?\nAccept\n\nAnd the second motion?\nDecline\n"
    assert remove_furniture(transcript) == (transcript, [])
    report = "# Findings\n\n## Comments\n\nThe council had no comments on the budget.\n"
    assert remove_furniture(report) == (report, [])
    page_text = "The mayor spoke.\n\nShare\nComments\nSubscribe\n\nCritics disagreed."
    text, removed = remove_furniture(page_text)
    assert text == "The mayor spoke.\n\nCritics disagreed." and removed == ["Share", "Comments", "Subscribe"]
