"""Where sources disagree on a fact: two claims about the same thing that state different
dates, figures or actors.

Two claims are *about the same thing* when someone linked them (same claim, supports,
contradicts, derived from) or when, in different documents, they share most of their content
words (folded synonyms and stems: "provided photographs" and "supplying photos" share theirs).
Their facts are read with :mod:`annotator.services.facts`, from the quote and, for a date the
quote lacks, from its sentence or a date line just above it (timelines put the date on a line of
its own). A pair disagrees:

* **when** both give a year (or a month) and none of one's matches the other's (a span of years
  it writes, "from 2014 to 2016", counts every year in it);
* **how many / how much** when both give a figure of the same thing (or a percentage, or a sum
  in one currency) and one gives a figure the other neither gives (within
  :data:`FIGURE_TOLERANCE`) nor brackets in a range it writes;
* **who**, for claims joined by links (their own, or their propositions'), when both name
  someone the other does not (an acronym and its full name are one actor): "The FTC and OkCupid
  reached a settlement" against "a settlement with the FTC, Clarifai".

Qt-free; the app computes it in a worker and the command line prints it
(``annotator conflicts``).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from annotator.core.model import Relation
from annotator.services.facts import (
    ACTOR,
    DATE,
    FIGURE,
    MONEY,
    PERCENT,
    YEAR,
    Value,
    dates,
    known_names,
    same_actor,
    values,
)
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
    linked: str | None = None  # how they are joined by links: their own link's relation, or
    #                            through other claims' links (``through`` says so); None: by words
    shared: float = 0.0       # share of content words in common (pairs not joined by links)
    through: bool = False     # joined through linked claims (one proposition, or ones linked to it)
    relations: tuple[str, ...] = ()  # every link between the two claims themselves

    def text(self) -> str:
        if self.linked is None:
            how = f"{self.shared:.0%} of their words in common"
        elif self.through:
            how = f"through linked claims ({Relation(self.linked).label.lower()})"
        else:
            how = f"linked as {Relation(self.linked).label.lower()}"
        return (f"{KIND_LABELS[self.kind]}: {self.source_a} says “{self.value_a}”, {self.source_b} says "
                f"“{self.value_b}” ({how})")

    def to_dict(self) -> dict:
        return {**asdict(self), "label": KIND_LABELS[self.kind]}


@dataclass(frozen=True)
class Disputes:
    """Which claims, and which pairs of claims, a search found disagreeing: what the window's
    badges show on highlights and ribbons. ``by_claim`` gives, for each claim, one line per
    disagreement it is in, saying what the other claim states; ``by_pair`` what each pair
    disagrees on."""

    by_claim: dict[str, tuple[str, ...]]
    by_pair: dict[frozenset[str], tuple[str, ...]]

    @classmethod
    def of(cls, conflicts: Iterable[ValueConflict]) -> Disputes:
        lines: dict[str, list[str]] = defaultdict(list)
        pairs: dict[frozenset[str], list[str]] = defaultdict(list)
        for c in conflicts:
            label = KIND_LABELS[c.kind]
            lines[c.claim_a].append(f"{label}: {c.source_b} says “{c.value_b}”")
            lines[c.claim_b].append(f"{label}: {c.source_a} says “{c.value_a}”")
            pairs[frozenset((c.claim_a, c.claim_b))].append(
                f"{label}: {c.source_a} says “{c.value_a}”, {c.source_b} says “{c.value_b}”")
        return cls({claim: tuple(said) for claim, said in lines.items()},
                   {pair: tuple(said) for pair, said in pairs.items()})

    @property
    def pairs(self) -> frozenset[frozenset[str]]:
        return frozenset(self.by_pair)

    def about(self, claim_id: str) -> tuple[str, ...]:
        return self.by_claim.get(claim_id, ())

    def between(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.by_pair

    def on(self, a: str, b: str) -> tuple[str, ...]:
        """What two claims disagree on (nothing when they do not)."""
        return self.by_pair.get(frozenset((a, b)), ())



#: How far around a quote its sentence is looked for (a "sentence" of a whole page has no end).
CONTEXT = 300
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _context_dates(text: str, start: int, end: int) -> tuple[Value, ...]:
    """Dates for a quote that gives none: from its sentence (up to ``CONTEXT`` characters either
    side), else from a line just above it that holds only a date (a timeline's entry)."""
    before = text[max(0, start - CONTEXT):start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    left = max(0, start - CONTEXT) + (ends[-1] if ends else 0)
    after = _SENTENCE_END.search(text, end, min(len(text), end + CONTEXT))
    right = after.start() if after else min(len(text), end + CONTEXT)
    sentence = dates(text[left:right])
    if sentence:
        return tuple(sentence)
    line_start = text.rfind("\n", max(0, start - CONTEXT), start)
    if line_start > 0:
        above_start = text.rfind("\n", max(0, line_start - 40), line_start) + 1
        above = text[above_start:line_start].strip()
        found = dates(above)
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

    def copy(self) -> FactsCache:
        other = FactsCache()
        other.names, other.by_document, other.claims = self.names, dict(self.by_document), dict(self.claims)
        return other

    def names_for(self, texts: dict[str, str]) -> frozenset[str]:
        keys = {(doc_id, hash(text)): text for doc_id, text in texts.items()}
        self.by_document = {key: self.by_document[key] if key in self.by_document else known_names([text])
                            for key, text in keys.items()}
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
            facts += _context_dates(texts[doc_id], start, end)
        plain = re.sub(r"\d", " ", quote)
        words = frozenset(w for w in content_tokens(plain) if not w.isdigit())
        in_names = frozenset(w for v in facts if v.kind == ACTOR for w in content_tokens(v.text)) & words
        read = ClaimFacts(claim_id, doc_id, sources.get(doc_id, ""), quote, facts, words, in_names)
        cache.claims[key] = read
        out.append(read)
    if len(cache.claims) > 2 * len(out) + 1000:  # claims deleted or edited since: let them go
        kept = {id(f) for f in out}
        cache.claims = {k: f for k, f in cache.claims.items() if id(f) in kept}
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


def _with_ranges(f: ClaimFacts) -> dict[int, set[int | None]]:
    """A claim's years, with every year inside a range it writes ("from 2014 to 2016")."""
    years = _years(f.facts)
    in_quote = [v for v in f.facts if v.kind in (YEAR, DATE) and f.quote[v.start:v.end] == v.text]
    for x, y in itertools.pairwise(in_quote):
        if x.end <= y.start and _RANGE_BETWEEN.match(f.quote[x.end:y.start]):
            low, high = sorted((_year_of(x), _year_of(y)))
            for year in range(low + 1, min(high, low + 50)):
                years.setdefault(year, set()).add(None)
    return years


def _year_of(v: Value) -> int:
    return v.key if v.kind == YEAR else v.key[0]  # type: ignore[index,return-value]


def _when(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str] | None:
    ya, yb = _with_ranges(a), _with_ranges(b)
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


_RANGE_BETWEEN = re.compile(r"^\s*(?:-|–|—|to|and|or)\s*$", re.IGNORECASE)


def _ranges(facts: list[Value], quote: str) -> list[tuple[Value, Value]]:
    """Two figures of one kind written as a range ("4,000 to 5,000", "30-40%", "between 4,000
    and 5,000"): each figure inside it is one the claim gives too."""
    return [(x, y) for x, y in itertools.pairwise(facts)
            if x.end <= y.start and _RANGE_BETWEEN.match(quote[x.end:y.start])]


def _gives(facts: list[Value], ranges: list[tuple[Value, Value]], v: Value) -> bool:
    """Whether a claim's figures (and ranges) include ``v``'s amount."""
    if any(_same_amount(v, w) for w in facts):
        return True
    for x, y in ranges:
        if v.kind == x.kind and (v.kind != MONEY or v.key[0] == x.key[0]):  # type: ignore[index]
            low, high = sorted((_amount(x), _amount(y)))
            if low * (1 - FIGURE_TOLERANCE) <= _amount(v) <= high * (1 + FIGURE_TOLERANCE):
                return True
    return False


def _amount(v: Value) -> Decimal:
    return v.key[1] if v.kind == MONEY else v.key  # type: ignore[index,return-value]


def _how_many(a: ClaimFacts, b: ClaimFacts) -> tuple[str, str] | None:
    """A figure one claim gives for something the other gives another figure for, which the
    other does not give (nor a range around it) for anything: compared both ways."""
    for kind in (FIGURE, PERCENT, MONEY):
        fa = [v for v in a.facts if v.kind == kind]
        fb = [v for v in b.facts if v.kind == kind]
        ra, rb = _ranges(fa, a.quote), _ranges(fb, b.quote)
        for mine, theirs, their_ranges, flip in ((fa, fb, rb, False), (fb, fa, ra, True)):
            for v in mine:
                comparable = [w for w in theirs if _comparable(v, w)]
                if comparable and not _gives(theirs, their_ranges, v) \
                        and not any(_gives(mine, ra if not flip else rb, w) for w in comparable):
                    return (comparable[0].text, v.text) if flip else (v.text, comparable[0].text)
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


def _similar_pairs(facts: list[ClaimFacts], cancelled: Callable[[], bool] = lambda: False
                   ) -> dict[tuple[int, int], float]:
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
        if cancelled():
            return {}
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
#: Claims similar in words pair with the claims of each other's proposition, up to this many members.
SIMILAR_THROUGH = 10


def propositions(n: int, linked: dict[tuple[int, int], str]) -> list[list[int]]:
    """Each claim's proposition, in order: the claims joined to it by "same claim" and
    "supports" links (itself alone when none); claims of one proposition share one list, whose
    first member is its first claim."""
    from annotator.services.components import components

    label = components(n, [pair for pair, relation in linked.items()
                           if relation in (Relation.SAME, Relation.SUPPORTS)]).tolist()
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[label[i]].append(i)
    return [members[label[i]] for i in range(n)]


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
    direct: dict[tuple[int, int], tuple[str, ...]] = defaultdict(tuple)
    for from_id, to_id, relation in links:
        if from_id in index and to_id in index and from_id != to_id:
            i, j = sorted((index[from_id], index[to_id]))
            linked.setdefault((i, j), str(relation))
            direct[(i, j)] += (str(relation),)
    groups = propositions(len(facts), linked)
    pairs: dict[tuple[int, int], tuple[str | None, float, bool]] = {k: (r, 0.0, False) for k, r in linked.items()}
    for key, relation in _through_propositions(groups, linked).items():
        pairs.setdefault(key, (relation, 0.0, True))
    if cancelled():
        return []
    for (i, j), share in _similar_pairs(facts, cancelled).items():
        # Similar to one claim of a small proposition is about what all its claims say.
        gi = groups[i] if len(groups[i]) <= SIMILAR_THROUGH else [i]
        gj = groups[j] if len(groups[j]) <= SIMILAR_THROUGH else [j]
        for x in gi:
            for y in gj:
                if x != y and facts[x].document_id != facts[y].document_id:
                    pairs.setdefault((min(x, y), max(x, y)), (None, share, False))
    out = []
    for (i, j), (joined, share, indirect) in sorted(pairs.items()):
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
                                         a.quote, b.quote, a.document_id, b.document_id, joined, share, indirect,
                                         direct.get((i, j), ())))
    return out


def read_project(store, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                 progress: Callable[[int, int, str], None] | None = None
                 ) -> tuple[list[ClaimFacts], list[tuple[str, str, str]], dict[str, str]]:
    """What the Disagreements list and the Timeline read of a project: each claim's facts, the
    links as (from claim, to claim, relation), and each document's source name."""
    documents = store.documents()
    source_names = {s.id: s.name for s in store.sources()}
    sources = {d.id: source_names.get(d.source_id, NO_SOURCE) for d in documents}
    texts = {d.id: store.document_text(d.id) for d in documents}
    facts = claim_facts(store.claim_spans(), texts, sources, cancelled, cache=cache, progress=progress)
    links = [(link.from_claim_id, link.to_claim_id, str(link.relation)) for link in store.links()]
    return facts, links, sources


#: What a document without a source is listed under.
NO_SOURCE = "(no source)"


def project_conflicts(store, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                      progress: Callable[[int, int, str], None] | None = None) -> list[ValueConflict]:
    """The disagreements in a project (see :func:`find_conflicts`); ``cache`` keeps what was
    read of each claim for the next search."""
    facts, links, _ = read_project(store, cancelled, cache=cache, progress=progress)
    if progress is not None:
        progress(len(facts), len(facts), "Comparing claims about the same thing…")
    return find_conflicts(facts, links, cancelled)


def reading(path, work: Callable, *args, **kwargs):
    """``work(store, *args, **kwargs)`` on a read-only connection of the caller's own to the
    project at ``path`` (a worker's, while the app goes on writing through its own)."""
    from annotator.store.opening import open_reader

    store = open_reader(path)
    try:
        return work(store, *args, **kwargs)
    finally:
        store.close()


def project_file_conflicts(path, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                           progress: Callable[[int, int, str], None] | None = None) -> list[ValueConflict]:
    """The disagreements of the project at ``path`` (see :func:`reading`)."""
    return reading(path, project_conflicts, cancelled, cache=cache, progress=progress)
