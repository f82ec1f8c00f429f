"""W3C Web Annotations (JSON-LD) read back as annotation rows, for ``load_csv``'s checks.

What the app exports (``annotations.jsonld``) and what other annotation tools write in the
W3C model (Hypothesis among them) become the rows a CSV load reads: a claim for each
annotation that selects text with a ``TextQuoteSelector`` (and, when given, a
``TextPositionSelector``), its verdicts from its ``assessing`` bodies, and a link for each
``linking`` annotation between two claims. The rows then go through the same checks and
the same re-anchoring as CSV rows: nothing is written until everything is checked, and
an annotation that cannot be placed is reported, never dropped in silence.

Ids: an annotation ``urn:uuid:`` the app made reads back as the claim, link or verdict id
it was made from; any other IRI gets an id of its own made from it, the same every time,
so that loading a file twice loads it once. A target's ``source`` is matched to the
project's documents by the address the exports give them (the document's web address,
or its own ``urn:uuid:``); "row" in a message counts the annotations in the file from 1.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from annotator.core.ids import id_uuid, uuid_id
from annotator.core.model import Relation
from annotator.services.interchange.csv_format import CLAIMS, LINKS, VERDICTS, CsvTable, RowError
from annotator.services.interchange.webannotation import document_iri
from annotator.store.project import ProjectStore

SUFFIXES = (".jsonld", ".json")
#: Larger than a CSV file's limit: the app's own export of 100,000 claims is 190 MB of JSON-LD.
MAX_JSONLD_BYTES = 512 * 1024 * 1024
MAX_ERRORS_LISTED = 1000  # rows with problems listed one by one in a file; the others are counted

_CLAIM_COLUMNS = ["id", "document_id", "quote", "prefix", "suffix", "start", "end", "type", "note", "annotator",
                  "created_at", "updated_at"]
_VERDICT_COLUMNS = ["id", "claim_id", "rating", "note", "evidence_url", "review_url", "decides", "annotator",
                    "created_at", "updated_at"]
_LINK_COLUMNS = ["id", "from_claim_id", "to_claim_id", "relation", "note", "annotator", "created_at", "updated_at"]
_RELATION_OF_LABEL = {r.label.casefold(): r.value for r in Relation}


def is_webannotation_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(value: Any) -> set[str]:
    """The text entries of a value or list of values (other JSON values say nothing here)."""
    return {v for v in _list(value) if isinstance(v, str)}


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    return _strings(node.get("type", node.get("@type")))


def _blank(iri: str | None) -> bool:
    """A blank node ("_:b0") names something inside one file only."""
    return iri is None or iri.startswith("_:")


def _iri(node: Any) -> str | None:
    if isinstance(node, str):
        return node.strip() or None
    if isinstance(node, dict):
        found = node.get("id", node.get("@id"))
        return found.strip() if isinstance(found, str) and found.strip() else None
    return None


def _own_id(iri: str | None) -> str | None:
    """The id an IRI names: the one the app made it from, or one made from the IRI itself."""
    if not iri:
        return None
    if iri.lower().startswith("urn:uuid:"):
        try:
            return uuid_id(uuid.UUID(iri[9:]))
        except ValueError:
            pass
    return uuid_id(id_uuid(iri))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _all_text(values: dict) -> bool:
    """Whether every text of ``values`` can be stored (JSON can carry lone surrogates)."""
    try:
        for value in values.values():
            if isinstance(value, str) and not value.isascii():
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _name(creator: Any) -> str:
    for who in _list(creator):
        if isinstance(who, dict):
            for key in ("name", "nick", "account"):
                if isinstance(who.get(key), str) and who[key].strip():
                    return who[key].strip()
        elif isinstance(who, str) and who.strip() and not who.lower().startswith(("urn:", "http:", "https:")):
            return who.strip()
    return ""


def _annotations(data: Any, missing: list[str]) -> list | None:
    """The annotations a file holds: a collection with its page(s) embedded, a page, a list,
    or one annotation; None when it holds none of these. A page given only by its address
    cannot be read from the file: why is added to ``missing``."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    types = _types(data)
    if "Annotation" in types:
        return [data]
    if "AnnotationPage" in types or "items" in data:
        return _list(data.get("items"))
    if "AnnotationCollection" in types:
        items: list = []
        page = data.get("first")
        seen = 0
        while isinstance(page, dict) and seen < 10_000:
            items.extend(_list(page.get("items")))
            page, seen = page.get("next"), seen + 1
        if isinstance(page, str):
            missing.append(f"the collection goes on in a page given only by its address ({page[:80]}); "
                           "its annotations are not in this file and were not read.")
        total = data.get("total")
        if type(total) is int and total > len(items) and not missing:
            missing.append(f"the collection says it holds {total} annotations but the file has {len(items)}.")
        return items
    return None


class _Reader:
    def __init__(self, store: ProjectStore, file: str):
        self.file = file
        self.errors: list[RowError] = []
        self.error_count = 0
        self.claims: list[tuple[int, dict[str, str]]] = []  # rows as a CSV table holds them
        self.verdicts: list[tuple[int, dict[str, str]]] = []
        self.links: list[tuple[int, dict[str, str]]] = []
        self.store = store
        self.documents: dict[str, list[str]] = {}
        for d in store.documents():
            self.documents.setdefault(document_iri(d), []).append(d.id)
        self.texts: dict[str, str] = {}
        self.claim_of: dict[str, str] = {}  # annotation IRI -> claim id
        self.quote_of: dict[str, str] = {}

    def error(self, row: int, field: str | None, message: str) -> None:
        """A row's problem; past ``MAX_ERRORS_LISTED`` only counted (a hostile file of millions
        of empty objects made a million messages)."""
        self.error_count += 1
        if self.error_count <= MAX_ERRORS_LISTED:
            self.errors.append(RowError(self.file, row, field, message))

    def finish(self) -> None:
        if self.error_count > MAX_ERRORS_LISTED:
            self.errors.append(RowError(self.file, None, None, f"… and {self.error_count - MAX_ERRORS_LISTED:,} "
                                                               "more rows with problems, not listed."))

    def read(self, items: list) -> None:
        links = []
        for row, item in enumerate(items, 1):
            if not isinstance(item, dict) or "Annotation" not in _types(item):
                self.error(row, "type", "not an Annotation; it was left out.")
                continue
            targets = _list(item.get("target"))
            if "linking" in _strings(item.get("motivation")) and len(targets) == 2 and \
                    all(_iri(t) and not (isinstance(t, dict) and t.get("selector")) for t in targets):
                links.append((row, item))  # two annotations (claims) by IRI
            else:
                self._claim(row, item)
        for row, item in links:  # after the claims, whatever the order in the file
            self._link(row, item)

    def _claim(self, row: int, item: dict) -> None:
        target = next((t for t in _list(item.get("target")) if isinstance(t, dict) and t.get("selector")), None)
        if target is None:
            self.error(row, "target", "no selector says which text it marks (a TextQuoteSelector is needed).")
            return
        quote = position = None
        for selector in _list(target.get("selector")):
            kinds = _types(selector)
            if "TextQuoteSelector" in kinds and quote is None:
                quote = selector
            elif "TextPositionSelector" in kinds and position is None:
                position = selector
        if quote is None or not _text(quote.get("exact")).strip():
            self.error(row, "selector", "no TextQuoteSelector with the quoted text; it was left out.")
            return
        exact = _text(quote.get("exact"))
        start = end = None
        if position is not None and type(position.get("start")) is int and type(position.get("end")) is int:
            start, end = position["start"], position["end"]
        source = _iri(target.get("source"))
        document = ""
        if source:
            found = self.documents.get(source, [])
            if len(found) > 1:  # (an article and its update at one address, say): the one the quote is in
                found = self._holding(found, exact, start, end)
                if len(found) != 1:
                    self.error(row, "source", f"{len(self.documents[source])} documents of this project have the "
                                              f"address {source} and the quote does not say which one it is in.")
                    return
            document = found[0] if found else source  # (not in the project: reported as such)
        own = _iri(item)
        creator = _name(item.get("creator"))
        # Without an IRI of its own (or with a blank node, which means something in one file
        # only), the claim's id is made from what it marks: the same annotation loaded twice is
        # one claim, and two files' first annotations are not taken for one.
        iri = own if own is not None and not _blank(own) else "content:" + json.dumps(
            [source, exact, _text(quote.get("prefix")), _text(quote.get("suffix")), start, end, creator])
        claim_id = _own_id(iri)
        assert claim_id is not None
        values: dict[str, str | None] = {
            "id": claim_id, "document_id": document, "quote": exact, "prefix": _text(quote.get("prefix")),
            "suffix": _text(quote.get("suffix")), "annotator": creator, "created_at": _text(item.get("created")),
            "updated_at": _text(item.get("modified"))}
        if start is not None and end is not None:
            values["start"], values["end"] = str(start), str(end)
        notes: list[str] = []
        verdicts: dict[str, dict[str, str | None]] = {}
        bodies = [b for b in _list(item.get("body")) if isinstance(b, dict)]  # (a body by IRI alone says nothing)
        motivation = _strings(item.get("motivation"))
        # Verdicts first, then what hangs on them (a verdict's note or evidence may come before it).
        for body in bodies:
            if "assessing" in _strings(body.get("purpose")):
                value = body.get("value")
                if not isinstance(value, str) or not value.strip():
                    self.error(row, "body", "an assessing body has no rating as text; that verdict was left out.")
                    continue
                verdict_iri = _text(body.get("canonical")).partition("#")[0]
                verdicts[verdict_iri or f"{iri}#verdict{len(verdicts)}"] = {
                    "id": _own_id(verdict_iri) if verdict_iri else None, "claim_id": claim_id, "rating": value,
                    "annotator": _name(body.get("creator")) or creator,
                    "created_at": _text(body.get("created")), "updated_at": _text(body.get("modified"))}
        for body in bodies:
            purposes = _strings(body.get("purpose")) or motivation & {"commenting"}
            if "assessing" in purposes:
                continue
            value = _text(body.get("value"))
            verdict_iri, _, part = _text(body.get("canonical")).partition("#")
            if part in ("note", "evidence", "review", "decides") and verdict_iri:
                if verdict_iri not in verdicts:
                    self.error(row, "body", f"a verdict's {part} names a verdict this annotation does not have "
                                            f"({verdict_iri}); it was left out.")
                elif part == "note":
                    verdicts[verdict_iri]["note"] = value
                elif part == "evidence":
                    verdicts[verdict_iri]["evidence_url"] = value or (_iri(body.get("source")) or "")
                elif part == "review":
                    verdicts[verdict_iri]["review_url"] = value or (_iri(body.get("source")) or "")
                else:
                    verdicts[verdict_iri]["decides"] = "yes"
            elif "tagging" in purposes and value and "type" not in values:
                values["type"] = value
            elif ("commenting" in purposes or (not purposes and "TextualBody" in _types(body))) and value:
                notes.append(value)
        if notes:
            values["note"] = "\n\n".join(notes)
        if not _all_text(values) or not all(_all_text(v) for v in verdicts.values()):
            self.error(row, None, "it holds text that is not valid Unicode (a lone surrogate); it was left out.")
            return
        self.claims.append((row, {k: v for k, v in values.items() if v is not None}))
        for verdict in verdicts.values():
            self.verdicts.append((row, {k: v for k, v in verdict.items() if v is not None}))
        self.claim_of[own or iri] = claim_id
        self.quote_of[claim_id] = exact

    def _holding(self, documents: list[str], exact: str, start: int | None, end: int | None) -> list[str]:
        """Of ``documents``, those the quote is in (at its position, when that settles it)."""
        for d in documents:
            if d not in self.texts:
                self.texts[d] = self.store.document_text(d)
        holding = [d for d in documents if exact in self.texts[d]]
        if len(holding) > 1 and start is not None and end is not None:
            at = [d for d in holding if self.texts[d][start:end] == exact]
            holding = at or holding
        return holding

    def _link(self, row: int, item: dict) -> None:
        ends = [_iri(t) for t in _list(item.get("target"))]
        relation = ""
        note = ""
        for body in _list(item.get("body")):
            if not isinstance(body, dict):
                continue
            purposes = _strings(body.get("purpose"))
            value = _text(body.get("value")).strip()
            if "classifying" in purposes and value:
                relation = _RELATION_OF_LABEL.get(value.casefold(), value)
            elif "commenting" in purposes and value:
                note = value
        if not relation:
            self.error(row, "body", "a linking annotation needs a classifying body saying how the claims relate "
                                    f"({', '.join(r.label for r in Relation)}).")
            return
        a, b = (self.claim_of.get(e or "") or (None if _blank(e) else _own_id(e)) for e in ends)
        own = _iri(item)
        self.links.append((row, {
            "id": "" if _blank(own) else _own_id(own) or "", "from_claim_id": a or "", "to_claim_id": b or "",
            "relation": relation,
            "note": note, "annotator": _name(item.get("creator")), "created_at": _text(item.get("created")),
            "updated_at": _text(item.get("modified")), "from_quote": self.quote_of.get(a or "", "")}))


def read_webannotation(path: Path, store: ProjectStore) -> tuple[dict[str, CsvTable], list[RowError]]:
    """The annotation rows a W3C Web Annotation file holds (see the module's docstring), and
    the problems found reading it."""
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > MAX_JSONLD_BYTES:
        return {}, [RowError(name, None, None, f"the file is {size / 1_048_576:.0f} MB; JSON-LD files over "
                                               f"{MAX_JSONLD_BYTES // 1_048_576} MB are refused.")]
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [RowError(name, None, None, "the file is not UTF-8 text.")]
    except (ValueError, RecursionError) as exc:  # (a number of thousands of digits is a ValueError too)
        return {}, [RowError(name, None, None, f"the file is not JSON this app can read ({str(exc)[:120]}).")]
    missing: list[str] = []
    items = _annotations(data, missing)
    if items is None:
        return {}, [RowError(name, None, None, "no W3C Web Annotations in it (an Annotation, an AnnotationPage "
                                               "or an AnnotationCollection with its first page).")]
    reader = _Reader(store, name)
    reader.errors += [RowError(name, None, None, why) for why in missing]
    reader.read(items)
    reader.finish()
    tables = {CLAIMS: CsvTable(CLAIMS, name, list(_CLAIM_COLUMNS), reader.claims)}
    if reader.verdicts:
        tables[VERDICTS] = CsvTable(VERDICTS, name, list(_VERDICT_COLUMNS), reader.verdicts)
    if reader.links:
        tables[LINKS] = CsvTable(LINKS, name, list(_LINK_COLUMNS), reader.links)
    return tables, reader.errors
