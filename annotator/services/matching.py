"""Find where other documents say something like a given claim.

Each document is cut into sentences (:mod:`annotator.services.nlp`) once per
version of its text, and every sentence is indexed by its content words, with
numbers written one way ("3M" = "3 million"). A query is scored against the
sentences that share at least one of its words:

* coverage: the share of the query's information (inverse document frequency
  of its words) that the sentence contains, so rare names and figures count
  far more than common words;
* rapidfuzz's ``token_set_ratio`` on the normalised words, a tie-breaker that
  rewards the same words in any order and tolerates small spelling differences.

The score (0–100) is ``90 % coverage + 10 % token_set_ratio``. Precision-weighted
variants (F1, cosine) ranked the demo's linked sentences first half as often,
since they favour short headlines. ``bench/run.py matching matching-emergent``
measures quality and speed: on Emergent's 300 rumours against 2,595 headlines,
recall@10 is 0.86 where a rapidfuzz token_set_ratio scan of every headline gets
0.77; 50,000 sentences answer a query in about 45 ms. Scanning every
sentence with a token scorer is too slow for large projects; the inverted index
limits the work to the sentences sharing the query's rarer words, and rapidfuzz
to the few hundred best of them.

Everything here is plain data and Qt-free. Building a document's index is the
slow part (spaCy); the GUI does it in a worker and keeps the results.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.services import nlp

DEFAULT_MIN_SCORE = 20.0
CANDIDATES = 300
POSTINGS_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class Passage:
    document_id: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class DocumentIndex:
    """The sentences of one version of one document, and where each content word occurs."""

    document_id: str
    sha256: str
    passages: list[Passage]
    words: list[frozenset[str]]
    postings: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    passage: Passage
    score: float  # 0–100
    shared: tuple[str, ...]  # the query's content words found in the passage, rarest first


def index_document(document_id: str, sha256: str, text: str, *,
                   cancelled: Callable[[], bool] | None = None) -> DocumentIndex:
    """Cut a document into sentences and index their words. Runs spaCy: call it off the GUI thread."""
    passages: list[Passage] = []
    words: list[frozenset[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for sentence in nlp.sentences(text, cancelled=cancelled):
        bag = frozenset(nlp.content_tokens(sentence.text))
        if not bag:
            continue
        position = len(passages)
        passages.append(Passage(document_id, sentence.start, sentence.end, sentence.text))
        words.append(bag)
        for word in bag:
            postings[word].append(position)
    return DocumentIndex(document_id, sha256, passages, words, dict(postings))


class MatchIndex:
    """The sentence indexes of a project's documents, rebuilt only for texts that changed.

    Install and drop indexes from one thread; :meth:`snapshot` hands an immutable
    view to a worker for querying.
    """

    def __init__(self) -> None:
        self._docs: dict[str, DocumentIndex] = {}

    def missing(self, documents: Iterable[tuple[str, str]]) -> list[str]:
        """Ids of the (id, sha256) documents that have no index or an index of another text."""
        return [doc_id for doc_id, sha in documents
                if doc_id not in self._docs or self._docs[doc_id].sha256 != sha]

    def install(self, index: DocumentIndex) -> None:
        self._docs[index.document_id] = index

    def retain(self, document_ids: Iterable[str]) -> None:
        keep = set(document_ids)
        for doc_id in [d for d in self._docs if d not in keep]:
            del self._docs[doc_id]

    def snapshot(self) -> tuple[DocumentIndex, ...]:
        return tuple(self._docs.values())

    def __len__(self) -> int:
        return len(self._docs)


def similar(indexes: Sequence[DocumentIndex], query: str, *, exclude_document_id: str | None = None,
            limit: int = 8, min_score: float = DEFAULT_MIN_SCORE, per_document: int = 2) -> list[Match]:
    """The passages of other documents that best match ``query``, best first.

    At most ``per_document`` passages come from one document, so that one article
    repeating a phrase cannot crowd out the others.
    """
    from rapidfuzz import fuzz

    query_words = set(nlp.content_tokens(query))
    if not query_words:
        return []
    total = sum(len(ix.passages) for ix in indexes) or 1
    frequency: dict[str, int] = defaultdict(int)
    for ix in indexes:
        for word in query_words:
            frequency[word] += len(ix.postings.get(word, ()))
    idf = {w: math.log(1 + total / (1 + frequency[w])) for w in query_words}
    query_weight = sum(idf.values())
    query_string = " ".join(sorted(query_words))

    # Candidates come from the postings of the rarest words, within a budget: a word found in
    # half the sentences adds little information but would make every sentence a candidate.
    # Words left out here still count in each candidate's exact coverage below.
    candidates: set[tuple[int, int]] = set()
    spent = 0
    for word in sorted(query_words, key=lambda w: frequency[w]):
        if frequency[word] == 0:
            continue
        if spent and spent + frequency[word] > POSTINGS_BUDGET:
            break
        spent += frequency[word]
        for which, ix in enumerate(indexes):
            if ix.document_id != exclude_document_id:
                candidates.update((which, position) for position in ix.postings.get(word, ()))
    overlap = {key: sum(idf[w] for w in query_words & indexes[key[0]].words[key[1]]) for key in candidates}
    best = sorted(overlap.items(), key=lambda kv: -kv[1])[:CANDIDATES]

    scored: list[Match] = []
    for (which, position), weight in best:
        ix = indexes[which]
        words = ix.words[position]
        coverage = weight / query_weight
        ratio = fuzz.token_set_ratio(query_string, " ".join(sorted(words))) / 100.0
        score = 100.0 * (0.9 * coverage + 0.1 * ratio)
        if score < min_score:
            continue
        shared = tuple(sorted(query_words & words, key=lambda w: (-idf[w], w)))
        scored.append(Match(ix.passages[position], round(score, 1), shared))
    scored.sort(key=lambda m: (-m.score, m.passage.document_id, m.passage.start))

    out: list[Match] = []
    per_doc: dict[str, int] = defaultdict(int)
    for match in scored:
        if per_doc[match.passage.document_id] >= per_document:
            continue
        per_doc[match.passage.document_id] += 1
        out.append(match)
        if len(out) >= limit:
            break
    return out


# -- suggestions for a claim, with what the project already says about them -----------------
@dataclass(frozen=True, slots=True)
class Suggestion:
    """A passage of another document that resembles a claim."""

    match: Match
    document_title: str
    source_name: str | None
    claim_id: str | None = None  # an existing claim on (most of) the passage
    relation: str | None = None  # the label of a link already made between the two claims


def refresh_index(store, index: MatchIndex, *, progress=None, cancelled=None) -> int:
    """Bring ``index`` up to date with the store's documents on the calling thread (CLI,
    tests); returns how many documents were (re)indexed. The GUI splits this in two:
    texts read on its thread, :func:`index_document` run in a worker."""
    documents = [(d.id, d.sha256 or "") for d in store.documents()]
    index.retain(doc_id for doc_id, _ in documents)
    todo = index.missing(documents)
    shas = dict(documents)
    for done, doc_id in enumerate(todo):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(done, len(todo), "Finding sentences")
        index.install(index_document(doc_id, shas[doc_id], store.document_text(doc_id), cancelled=cancelled))
    return len(todo)


def describe(store, claim_id: str, matches: Sequence[Match]) -> list[Suggestion]:
    """Attach to each match its document, source and any claim on the passage, with the link
    between that claim and ``claim_id`` if one exists. Reads the store: call on its thread."""
    titles: dict[str, tuple[str, str | None]] = {}
    sources = {s.id: s.name for s in store.sources()}
    claims_by_doc: dict[str, list] = {}
    linked: dict[str, str] = {}
    for link in store.links(claim_id):
        other = link.to_claim_id if link.from_claim_id == claim_id else link.from_claim_id
        linked.setdefault(other, link.relation.label)
    out = []
    for match in matches:
        doc_id = match.passage.document_id
        if doc_id not in titles:
            doc = store.document(doc_id, with_text=False)
            titles[doc_id] = (doc.title, sources.get(doc.source_id) if doc.source_id else None)
            claims_by_doc[doc_id] = store.claims(doc_id)
        title, source = titles[doc_id]
        existing = _claim_on(claims_by_doc[doc_id], match.passage, prefer=linked)
        out.append(Suggestion(match, title, source, existing, linked.get(existing) if existing else None))
    return out


def _claim_on(claims, passage: Passage, prefer: dict[str, str]) -> str | None:
    """The claim that covers most of the passage (at least half of it, or half of the claim),
    preferring one already linked to the query claim."""
    best, best_key = None, None
    for claim in claims:
        overlap = min(claim.end, passage.end) - max(claim.start, passage.start)
        if overlap <= 0:
            continue
        share = max(overlap / max(passage.end - passage.start, 1), overlap / max(claim.end - claim.start, 1))
        if share < 0.5:
            continue
        key = (claim.id in prefer, share)
        if best_key is None or key > best_key:
            best, best_key = claim.id, key
    return best


def suggestions_for_claim(store, index: MatchIndex, claim_id: str, *, limit: int = 8,
                          min_score: float = DEFAULT_MIN_SCORE) -> list[Suggestion]:
    """Passages of other documents that say something like the claim (index must be current)."""
    claim = store.claim(claim_id)
    matches = similar(index.snapshot(), claim.quote, exclude_document_id=claim.document_id,
                      limit=limit, min_score=min_score)
    return describe(store, claim_id, matches)
