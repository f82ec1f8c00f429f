"""Text helpers shared by importers, the store and anchoring."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, urlsplit

from annotator.core.errors import ValidationError

CONTEXT_CHARS = 32
_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF so stored offsets match what the editor shows."""
    if "\r" not in text:
        return text
    return _NEWLINES.sub("\n", text)


def one_line(text: str | None, limit: int = 70) -> str:
    """``text`` on one line (runs of whitespace, line breaks too, made one space), cut to
    ``limit`` characters with an ellipsis: a quote as a list or a message shows it."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The ``width`` characters before ``start`` and after ``end`` (for re-anchoring)."""
    return text[max(0, start - width):start], text[end:end + width]


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "_'’-"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it neither starts nor ends inside a word: a selection
    dragged from "…OkCu" to "pi…" covers the whole words. Apostrophes and hyphens count as
    part of a word ("don't", "long-awaited"); a range already on word edges is unchanged."""
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return start, end
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return start, end


_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})


def folded(text: str) -> str:
    """``text`` as a person typing it would match it: curly quotes and apostrophes as straight
    ones, every dash as a hyphen, compatibility forms as plain letters (NFKC), any run of
    white space as one space, no case. For matching titles, names and ratings typed by hand
    against stored ones; never for storing."""
    plain = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHY)).translate(_TYPOGRAPHY)
    return " ".join(plain.split()).casefold()


# RFC 3986 pieces: what may stand in an absolute http(s) URI once non-ASCII text is percent-encoded.
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|{_PCT})"
_HTTP_URI = re.compile(
    rf"(?i:https?)://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|{_PCT})*@)?"
    rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|{_PCT})+)(?::[0-9]*)?"
    rf"(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?")
# Everything RFC 3986 allows in a URI, left as it is when non-ASCII characters are encoded.
_URI_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in '"<>\\^`{|}')


def http_iri(text: str | None) -> str | None:
    """``text`` as an absolute http(s) URI, or None when it is not one.

    Surrounding white space is dropped; an internationalised address is mapped to its URI
    (host name to IDNA, other non-ASCII characters percent-encoded as UTF-8, RFC 3987 §3.1),
    which names the same resource. Anything else (no scheme, another scheme, a space or a
    character no URI may hold) is not guessed at: None."""
    value = (text or "").strip()
    if any(char.isascii() and char not in _URI_SAFE for char in value):
        return None  # a space, a control character, <, >, a quote...: a mistyped address is not guessed at
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        netloc = quote(userinfo, safe=_URI_SAFE) + at + host + colon + port
    rest = quote(value[len(parts.scheme) + 3 + len(parts.netloc):], safe=_URI_SAFE)
    uri = f"{parts.scheme}://{netloc}{rest}"
    return uri if _HTTP_URI.fullmatch(uri) else None


def checked_web_address(value: str | None, what: str = "The address") -> str | None:
    """``value`` without surrounding spaces, None when empty; a :class:`ValidationError` saying
    so unless it is an absolute http(s) address as the exports take one (:func:`http_iri`;
    never ``javascript:``, ``data:`` or a citation like ``FTC order, page 3``)."""
    text = (value or "").strip()
    if not text:
        return None
    if http_iri(text) is None:
        raise ValidationError(f"{what} “{text}” is not a web address: it should start with http:// or https://.")
    return text


def is_web_address(value: str | None) -> bool:
    """True when ``value`` is an absolute http(s) address (:func:`http_iri`)."""
    return http_iri(value) is not None


#: Said when a piece of evidence is written as text rather than as a web address.
EVIDENCE_AS_TEXT = ("is kept as written: it is not a web address (http:// or https://), so the exports "
                    "cite it as text, not as a link.")
