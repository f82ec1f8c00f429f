"""Where sources disagree on a fact: two claims about the same thing that state different
dates, figures or actors.

Two claims are *about the same thing* when someone linked them (same claim, supports,
contradicts, derived from) or when, in different documents, they share most of their content
words (folded synonyms and stems: "provided photographs" and "supplying photos" share theirs).
Their facts are read with :mod:`annotator.services.facts`, from the quote and, for a date the
quote lacks, from its sentence or a date line just above it (timelines put the date on a line of
its own). A pair disagrees:

* **when** both give a year (or a month) and none of one's matches the other's;
* **how many / how much** when both give a figure of the same thing (or a percentage, or a sum
  in one currency) and none is within :data:`FIGURE_TOLERANCE` of the other's;
* **who**, for linked claims only, when both name someone the other does not (an acronym and
  its full name are one actor): "The FTC and OkCupid reached a settlement" against "a
  settlement with the FTC, Clarifai".

Qt-free; the app computes it in a worker and the command line prints it
(``annotator conflicts``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from annotator.core.model import Relation
from annotator.services.facts import ACTOR, DATE, FIGURE, MONEY, PERCENT, YEAR, Value, known_names, same_actor, values
from annotator.services.nlp import content_tokens

WHEN, HOW_MANY, WHO = "when", "how many", "who"
KIND_LABELS = {WHEN: "date", HOW_MANY: "figure", WHO: "actor"}

#: Figures closer than this (relative) are one figure written two ways ("about 3 million", "3.1 million").
FIGURE_TOLERANCE = Decimal("0.1")
#: Unlinked claims of two documents are about the same thing from this share of shared content words on
SIMILAR_SHARE = 0.34
#: ... with at least this many shared words that are not names (two claims naming the story's
#: actors are not yet about the same event).
SIMILAR_WORDS = 2
#: A word in more claims than this (of those that give a date or a figure) is not looked up:
#: it says little about which claims match, and would make the search quadratic.
COMMON_WORD_CLAIMS = 60


@dataclass(frozen=True)
class ClaimFacts:
    claim_id: str
    document_id: str
    source: str
    quote: str
    facts: tuple[Value, ...]
    words: frozenset[str]
    name_words: frozenset[str] = frozenset()  # those of ``words`` that are parts of names


@dataclass
class ValueConflict:
    """Two claims about the same thing that state different values."""

    kind: str                 # WHEN, HOW_MANY or WHO
    claim_a: str
    claim_b: str
    source_a: str
    source_b: str
    value_a: str              # as written in a
    value_b: str
    quote_a: str
    quote_b: str
    document_a: str
    document_b: str
    linked: str | None = None  # the relation joining them, when someone linked them
    shared: float = 0.0       # share of content words in common (unlinked pairs)

    def text(self) -> str:
        how = f"linked as {Relation(self.linked).label.lower()}" if self.linked else \
            f"{self.shared:.0%} of their words in common"
        return (f"{KIND_LABELS[self.kind]}: {self.source_a} says “{self.value_a}”, {self.source_b} says "
                f"“{self.value_b}” ({how})")

    def to_dict(self) -> dict:
        return {**asdict(self), "label": KIND_LABELS[self.kind]}


def _context_dates(text: str, start: int, end: int, names: frozenset[str]) -> tuple[Value, ...]:
    """Dates for a quote that gives none: from its sentence, else from a line just above it that
    holds only a date (a timeline's entry)."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_stop = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(right_stop) if right_stop else len(text)
    sentence = [v for v in values(text[left:right], names) if v.kind in (YEAR, DATE)]
    if sentence:
        return tuple(sentence)
    line_start = text.rfind("\n", 0, start)
    if line_start > 0:
        above_start = text.rfind("\n", 0, line_start) + 1
        above = text[above_start:line_start].strip()
        found = [v for v in values(above, names) if v.kind in (YEAR, DATE)]
        if len(found) == 1 and len(above) <= len(found[0].text) + 3:
            return tuple(found)
    return ()


class FactsCache:
    """What was read of each claim, kept between two searches of one project (the app searches
    again after each edit): a claim read before, unchanged, is not read again, unless the
    names the project's documents write mid-sentence changed (a document came or went that
    names someone new)."""

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset()
        self.by_document: dict[tuple[str, int], frozenset[str]] = {}  # (document, hash of its text) -> its names
        self.claims: dict[tuple, ClaimFacts] = {}

    def names_for(self, texts: dict[str, str]) -> frozenset[str]:
        keys = {(doc_id, hash(text)): text for doc_id, text in texts.items()}
        self.by_document = {key: self.by_document.get(key) or known_names([text]) for key, text in keys.items()}
        names = frozenset().union(*self.by_document.values()) if self.by_document else frozenset()
        if names != self.names:
            self.names, self.claims = names, {}  # (facts read with other names)
        return self.names


#: Claims read between two progress reports.
PROGRESS_EVERY = 2000


def claim_facts(claims: Iterable[tuple[str, str, int, int, str]], texts: dict[str, str], sources: dict[str, str],
                cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> list[ClaimFacts]:
    """Each claim's facts. ``claims``: (id, document id, start, end, quote); ``texts`` and
    ``sources``: each document's text and source name."""
    cache = cache if cache is not None else FactsCache()
    names = cache.names_for(texts)
    claims = list(claims)
    out = []
    for done, (claim_id, doc_id, start, end, quote) in enumerate(claims):
        if cancelled():
            break
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(claims), "Reading the claims' dates, figures and names…")
        key = (claim_id, doc_id, start, end, quote, sources.get(doc_id, ""))
        known = cache.claims.get(key)
        if known is not None:
            out.append(known)
            continue
        facts = tuple(values(quote, names))
        if not any(v.kind in (YEAR, DATE) for v in facts) and doc_id in texts:
            facts += _context_dates(texts[doc_id], start, end, names)
        plain = re.sub(r"\d", " ", quote)
        words = frozenset(w for w in content_tokens(plain) if not w.isdigit())
        in_names = frozenset(w for v in facts if v.kind == ACTOR for w in content_tokens(v.text)) & words
        read = ClaimFacts(claim_id, doc_id, sources.get(doc_id, ""), quote, facts, words, in_names)
        cache.claims[key] = read
        out.append(read)
    return out


def _years(facts: Iterable[Value]) -> dict[int, set[int | None]]:
    out: dict[int, set[int | None]] = defaultdict(set)
    for v in facts:
        if v.kind == YEAR:
            out[v.key].add(None)  # type: ignore[index]
        elif v.kind == DATE:
            year_month: tuple[int, int] = v.key  # type: ignore[assignment]
            out[year_month[0]].add(year_month[1])
    return out


def _first(facts: Iterable[Value], kinds: tuple[str, ...]) -> str:
    return ", ".join(dict.fromkeys(v.text for v in facts if v.kind in kinds))


def _when(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str] | None:
    ya, yb = _years(a.facts), _years(b.facts)
    if not ya or not yb:
        return None
    if not set(ya) & set(yb):
        return _first(a.facts, (YEAR, DATE)), _first(b.facts, (YEAR, DATE))
    # The same year: months disagree only when both give one and share none.
    for year in set(ya) & set(yb):
        ma, mb = ya[year] - {None}, yb[year] - {None}
        if ma and mb and not ma & mb and None not in ya[year] | yb[year]:
            return _first(a.facts, (DATE,)), _first(b.facts, (DATE,))
    return None


def _close(x: Decimal, y: Decimal) -> bool:
    top = max(abs(x), abs(y))
    return top == 0 or abs(x - y) / top <= FIGURE_TOLERANCE


def _how_many(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str] | None:
    for kind in (FIGURE, PERCENT, MONEY):
        fa = [v for v in a.facts if v.kind == kind]
        fb = [v for v in b.facts if v.kind == kind]
        for va in fa:
            comparable = [vb for vb in fb if _comparable(va, vb)]
            # (b gives another figure for the same thing, and a's figure for nothing else)
            if comparable and not any(_same_amount(va, vb) for vb in fb):
                return va.text, comparable[0].text
    return None


def _comparable(va: Value, vb: Value) -> bool:
    if va.kind == MONEY:
        return va.key[0] == vb.key[0]  # type: ignore[index]
    if va.kind == FIGURE:
        return bool(va.nouns & vb.nouns)
    return True


def _same_amount(va: Value, vb: Value) -> bool:
    if va.kind != vb.kind:
        return False
    if va.kind == MONEY:
        return va.key[0] == vb.key[0] and _close(va.key[1], vb.key[1])  # type: ignore[index]
    return _close(va.key, vb.key)  # type: ignore[arg-type]


def _who(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str] | None:
    na = [v for v in a.facts if v.kind == ACTOR]
    nb = [v for v in b.facts if v.kind == ACTOR]
    only_a = [v for v in na if not any(same_actor(v.key, w.key) for w in nb)]  # type: ignore[arg-type]
    only_b = [v for v in nb if not any(same_actor(v.key, w.key) for w in na)]  # type: ignore[arg-type]
    shared = len(na) - len(only_a)
    if only_a and only_b and (shared or a.words & b.words):
        return ", ".join(dict.fromkeys(v.text for v in only_a)), ", ".join(dict.fromkeys(v.text for v in only_b))
    return None


def _similar_pairs(facts: list[ClaimFacts]) -> dict[tuple[int, int], float]:
    """Unlinked claims of different documents that both give a date or a figure (only those can
    disagree without a link) and share most of their content words, found through an index of
    words (words in many claims are left out of it)."""
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if any(v.kind != ACTOR for v in f.facts):
            for w in f.words - f.name_words:
                by_word[w].append(i)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_word.values():
        if len(members) > COMMON_WORD_CLAIMS:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if facts[i].document_id != facts[j].document_id:
                    counts[(i, j)] += 1
    out = {}
    for (i, j), n in counts.items():
        if n < SIMILAR_WORDS:
            continue
        a, b = facts[i], facts[j]
        share = len(a.words & b.words) / min(len(a.words), len(b.words))
        if share >= SIMILAR_SHARE:
            out[(i, j)] = share
    return out


#: Claims of a proposition (joined by "same claim" and "supports") paired with each other and with
#: the claims of a proposition linked to it, up to this many members.
PROPOSITION_PAIRS = 30


def _propositions(n: int, linked: dict[tuple[int, int], str]) -> list[list[int]]:
    """Each claim's proposition: the claims joined to it by "same claim" and "supports" links
    (itself alone when none)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), relation in linked.items():
        if relation in (Relation.SAME, Relation.SUPPORTS):
            parent[root(i)] = root(j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[root(i)].append(i)
    return [members[root(i)] for i in range(n)]


def _through_propositions(groups: list[list[int]], linked: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """Pairs joined through links: two claims of one proposition (relation "same_claim"), and
    every claim of a proposition with every claim of one it contradicts or derives from."""
    out: dict[tuple[int, int], str] = {}
    for group in {id(g): g for g in groups}.values():
        if 1 < len(group) <= PROPOSITION_PAIRS:
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    out[(group[x], group[y])] = str(Relation.SAME)
    for (i, j), relation in linked.items():
        if relation in (Relation.CONTRADICTS, Relation.DERIVED):
            gi, gj = groups[i], groups[j]
            if len(gi) <= PROPOSITION_PAIRS and len(gj) <= PROPOSITION_PAIRS:
                for a in gi:
                    for b in gj:
                        if a != b:
                            out[(min(a, b), max(a, b))] = str(relation)
    return out


def find_conflicts(facts: list[ClaimFacts], links: Iterable[tuple[str, str, str]],
                   cancelled: Callable[[], bool] = lambda: False) -> list[ValueConflict]:
    """The disagreements among ``facts`` (see the module's docstring). ``links``: (from claim,
    to claim, relation) of the project's links."""
    index = {f.claim_id: i for i, f in enumerate(facts)}
    linked: dict[tuple[int, int], str] = {}
    for from_id, to_id, relation in links:
        if from_id in index and to_id in index and from_id != to_id:
            i, j = sorted((index[from_id], index[to_id]))
            linked.setdefault((i, j), str(relation))
    groups = _propositions(len(facts), linked)
    for key, through in _through_propositions(groups, linked).items():
        linked.setdefault(key, through)
    pairs: dict[tuple[int, int], tuple[str | None, float]] = {k: (r, 0.0) for k, r in linked.items()}
    for (i, j), share in _similar_pairs(facts).items():
        # Similar to one claim of a proposition is about what all its claims say.
        gi = groups[i] if len(groups[i]) <= PROPOSITION_PAIRS else [i]
        gj = groups[j] if len(groups[j]) <= PROPOSITION_PAIRS else [j]
        for x in gi:
            for y in gj:
                if x != y and facts[x].document_id != facts[y].document_id:
                    pairs.setdefault((min(x, y), max(x, y)), (None, share))
    out = []
    for (i, j), (joined, share) in sorted(pairs.items()):
        if cancelled():
            break
        a, b = facts[i], facts[j]
        checks: list[tuple[str, Callable]] = [(WHEN, _when), (HOW_MANY, _how_many)]
        if joined is not None:
            checks.append((WHO, _who))
        for kind, check in checks:
            found = check(a, b)
            if found:
                out.append(ValueConflict(kind, a.claim_id, b.claim_id, a.source, b.source, found[0], found[1],
                                         a.quote, b.quote, a.document_id, b.document_id, joined, share))
    return out


def project_conflicts(store, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                      progress: Callable[[int, int, str], None] | None = None) -> list[ValueConflict]:
    """The disagreements in a project (see :func:`find_conflicts`); ``cache`` keeps what was
    read of each claim for the next search."""
    documents = store.documents()
    source_names = {s.id: s.name for s in store.sources()}
    sources = {d.id: source_names.get(d.source_id, d.title) for d in documents}
    texts = {d.id: store.document_text(d.id) for d in documents}
    facts = claim_facts(store.claim_spans(), texts, sources, cancelled, cache=cache, progress=progress)
    links = [(link.from_claim_id, link.to_claim_id, link.relation) for link in store.links()]
    if progress is not None:
        progress(len(facts), len(facts), "Comparing claims about the same thing…")
    return find_conflicts(facts, links, cancelled)


def project_file_conflicts(path, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                           progress: Callable[[int, int, str], None] | None = None) -> list[ValueConflict]:
    """The disagreements of the project at ``path``, read through a read-only connection of the
    caller's own (a worker's, while the app goes on writing through its own)."""
    from annotator.store.opening import open_reader

    store = open_reader(path)
    try:
        return project_conflicts(store, cancelled, cache=cache, progress=progress)
    finally:
        store.close()
