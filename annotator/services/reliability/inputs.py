"""From a project to the engine's arrays: propositions, verdicts, rivals and copies.

* **Propositions.** Claims linked as *same claim*, *supports* or *derived from* say the same
  thing; they are merged (union-find) into one proposition. Each source asserts a proposition
  at most once, however many of its claims say it.
* **Rivals.** Claims linked as *contradicts* make their propositions compete. Contradiction
  is pairwise: if A and C both contradict B, A and C may well agree. Propositions that all
  contradict each other form a group of which at most one is true (a verdict "true" on one
  settles the others as false); a contradiction link that would join propositions not linked
  to each other stays a pair, which a verdict "true" on one side still settles. If two claims
  of one proposition are marked as contradicting, the link is ignored and reported.
* **Verdicts.** true / mostly true → the proposition is true; false / mostly false → false;
  *mixed* and *unverifiable* are not used: a half-true claim is neither a hit nor a miss in a
  record, and counting it as "half" would make records like 26.5 of 38 that nobody can audit
  (a later "mixed" by a colleague does not erase an earlier "false"). When the decisive
  verdicts on one claim (several annotators) or on claims of one proposition disagree, the
  proposition counts as unchecked and the conflict is reported, with who said what, until
  they agree.
* **Copies.** A source's assertion is a copy of source Y when its claim is linked *derived
  from* a claim of Y, or when the sentence it sits in re-uses Y's text (near-duplicate
  sentences between documents of different sources, found with rapidfuzz), or when the whole
  document re-uses one of Y's (at least half of its text, in at least two sentences). The earlier-published document
  is the original; without dates, wire services and official or reference sources count as
  originals before outlets, blogs and aggregators; without either, the pair is treated as one
  voice and the source whose name sorts first keeps the vote.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, repeat
import operator
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, overload

import numpy as np
from rapidfuzz import fuzz, process

from annotator.services.components import components as _components
from annotator.core.text import one_line
from annotator.core.model import RELATION_NUMBER, Rating, Relation, Verdict
from annotator.services.reliability.engine import Problem

MIN_SENTENCE_CHARS = 40      # shorter sentences ("Police said.") are too common to prove copying
SIMILARITY = 88              # rapidfuzz ratio (0-100) for two sentences to count as the same text
WHOLE_DOCUMENT_SHARE = 0.5   # share of a document's text re-used for the whole of it to be a copy
WHOLE_DOCUMENT_MIN_SENTENCES = 2  # ... in at least this many sentences (one shared footer is not a copy)
MIN_REUSED_SENTENCES = 3     # two documents sharing fewer sentences than this share a formula, not a story
FORMULA_SOURCES = 4          # a sentence this many sources print alike is a formula, not a sign of copying
NOTES_PER_KIND = 20          # notes of one kind listed one by one; the rest are counted
SHINGLE = 3                  # words per shingle when looking for candidate sentence pairs
COMMON_SHINGLE = 50          # shingles found in more sentences than this are boilerplate

# Text re-use depends only on the documents (id, text hash, source), not on claims or verdicts:
# re-scoring after an edit reuses the last result, kept here and in the data folder (see _text_reuse).
_REUSE_CACHE: dict = {}
REUSE_FILES_KEPT = 16

_KIND_RANK = {"wire service": 0, "official": 0, "reference": 0, "news outlet": 1, "other": 1,
              None: 1, "blog": 2, "social media": 2, "aggregator": 3}
_SAYS_THE_SAME = frozenset({Relation.SAME, Relation.SUPPORTS, Relation.DERIVED})  # links that merge claims
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORD = re.compile(r"\w+")


def decisive_truth(rating: Rating) -> float | None:
    """1.0 / 0.0 for ratings that settle a claim; None for mixed and unverifiable."""
    truth = Rating(rating).truth
    if truth is None or truth == 0.5:
        return None
    return 1.0 if truth > 0.5 else 0.0


@dataclass
class ProjectInputs:
    """The engine's problem plus everything needed to talk about it in the project's terms."""

    problem: Problem
    source_ids: list[str]
    source_names: list[str]
    claim_ids: list[str]
    claim_quote: ClaimColumn
    claim_prop: ClaimColumn  # the proposition of each claim
    claim_source: Mapping[str, int | None]
    prop_claims: Sequence[list[str]]
    assertion_claims: Groups                   # claim ids behind each assertion
    prop_rating: dict[int, Rating]             # the verdict used for each settled proposition
    prop_rating_claim: dict[int, str]          # ... and the claim it was given on
    ignored_ratings: dict[int, Rating]         # mixed / unverifiable verdicts, for display
    copy_reasons: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    assertion_copy_note: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    conflicts: list[DisputedVerdicts] = field(default_factory=list)  # propositions left unsettled
    # (the claim ids of the build before, the place now of each of those claims, -1: gone or
    # changed): lets what is worked out per claim follow a few claims added or removed
    claims_since: tuple[list[str], np.ndarray] | None = None
    structure: int = 0  # the serial number of what the claims and links make (see ``_Structure``)
    # (the serial number of the structure before, each proposition's number in it, -1: none there)
    props_since: tuple[int, np.ndarray] | None = None


class DisputedVerdict(NamedTuple):
    """One person's verdict in a disagreement (a tuple: a large project's conflicts hold
    thousands of them)."""

    claim_id: str
    quote: str
    source: str
    rating: Rating
    annotator: str
    when: str  # ISO time of the verdict's last change


class _Columns(NamedTuple):
    """A disagreement's verdicts by column; ratings by their place in ``Rating`` (a Rating is
    hashed by a Python-level method: ten thousand of them in a dict or set take milliseconds)."""

    claim_ids: list[str]
    ratings: list[int]
    truths: list[float | None]  # ``decisive_truth`` of each
    annotators: list[str]
    whens: list[str]


SHOWN_PER_RATING = 4  # verdicts of each rating a disagreement shows in the window
_RATINGS = list(Rating)
_RATING_CODE = {r: i for i, r in enumerate(_RATINGS)}


@dataclass(frozen=True)
class DisputedVerdicts:
    """Decisive verdicts on one proposition (one claim, or claims linked as saying the same
    thing) that disagree: true against false. The proposition counts as unchecked until
    they agree. Its sentence and its shortened form are worked out once."""

    prop: int
    verdicts: Sequence[DisputedVerdict]  # oldest first
    claim_ids: tuple[str, ...] = ()  # every claim with a verdict in it (set by ``shortened``)
    more: int = 0  # verdicts left out of ``verdicts`` by ``shortened``

    @cached_property
    def _columns(self) -> _Columns:
        verdicts = self.verdicts
        if isinstance(verdicts, _GivenVerdicts):
            return verdicts.columns()
        return _Columns([v.claim_id for v in verdicts], [_RATING_CODE[v.rating] for v in verdicts],
                        [_DECISIVE[v.rating] for v in verdicts], [v.annotator for v in verdicts],
                        [v.when for v in verdicts])

    def claims(self) -> list[str]:
        """The claims a decision is recorded on: each with a decisive verdict in the disagreement."""
        return list(self.claim_ids) or list(dict.fromkeys(self._columns.claim_ids))

    def shortened(self) -> DisputedVerdicts:
        """The same disagreement with at most ``SHOWN_PER_RATING`` verdicts of each rating (the
        latest), for the window: one proposition can gather thousands of verdicts, and the window
        needs who said what, not every copy of it. The window knows claims by id: the
        shortened form has no proposition number (``prop`` is -1), so a claim added elsewhere,
        which numbers the propositions after it anew, leaves it (and its pickle) as it was."""
        return self._short

    @cached_property
    def _short(self) -> DisputedVerdicts:
        ratings = self._columns.ratings
        latest_first = ratings[::-1]
        kept: list[int] = []
        for rating in set(ratings):  # the latest few of each (searched for, not walked to)
            at = -1
            for _ in range(SHOWN_PER_RATING):
                try:
                    at = latest_first.index(rating, at + 1)
                except ValueError:
                    break
                kept.append(len(ratings) - 1 - at)
        kept.sort()
        return DisputedVerdicts(-1, [self.verdicts[i] for i in kept], tuple(self.claims()), len(ratings) - len(kept))

    def text(self) -> str:
        """One bounded sentence, however many claims and people are involved."""
        return self._text

    @cached_property
    def _text(self) -> str:
        ids, ratings, truths, annotators, whens = self._columns
        claims = len(set(ids))
        shown: list[str] = []  # the first two claims told apart by their quote and source
        seen: set[str] = set()
        for i, claim_id in enumerate(ids):
            if claim_id in seen:
                continue
            seen.add(claim_id)
            v = self.verdicts[i]
            said = f"“{_short(v.quote)}” ({v.source})"
            if said not in shown:
                shown.append(said)
                if len(shown) == 2:
                    break
        where = " and ".join(shown)
        if claims > 2:
            where = f"{', '.join(shown)} and {claims - 2} more linked claims"
        sides = []
        for on_side in ([t == 1.0 for t in truths], [t == 0.0 for t in truths]):
            labels = " / ".join(_RATINGS[r].label for r in dict.fromkeys(compress(ratings, on_side)))
            people = list(dict.fromkeys(compress(annotators, on_side)))
            named = ", ".join(people[:3]) + (f" and {len(people) - 3} more" if len(people) > 3 else "")
            sides.append(f"{labels} by {named}")
        latest = max(whens, default="")[:10]
        return (f"Verdicts disagree on {where}: {'; '.join(sides)}"
                f"{f' (latest {latest})' if latest else ''}. It counts as unchecked until they agree or "
                "someone decides it (the Conflicts panel).")

    @cached_property
    def fingerprint(self) -> str:
        """What the Conflicts view shows of it, in one string (see ``summary.disputes_digest``)."""
        return repr((self.claim_ids, self.more, [(v.claim_id, v.quote, v.source, str(v.rating), v.annotator, v.when)
                                                  for v in self.verdicts]))

    @cached_property
    def pickled(self) -> bytes:
        """This disagreement pickled (to cross to the window: most are as the scoring before left them)."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    def to_dict(self) -> dict:
        return {"verdicts": [{"claim_id": v.claim_id, "quote": v.quote, "source": v.source,
                              "rating": v.rating.value, "annotator": v.annotator, "when": v.when}
                             for v in self.verdicts]}

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k in ("prop", "claim_ids", "more")}
        state["verdicts"] = list(self.verdicts)  # (what was worked out from them is worked out again)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _GivenVerdicts(Sequence[DisputedVerdict]):
    """The verdicts of a disagreement as a scoring keeps them (Verdict rows and their claims'
    places), each made a :class:`DisputedVerdict` when read: a proposition linked across a
    large project can gather ten thousand verdicts, of which the window shows a dozen."""

    __slots__ = ("_claims", "_names", "_places", "_rows", "_source_ids", "_src_list")

    def __init__(self, rows: list[_Entry], places: np.ndarray, claims: list, src_list: list[int],
                 names: dict[str, str], source_ids: list[str]):
        """``places``: each row's claim, by its place in the claims' order (of ``claims``)."""
        # (the structure's own lists: no reference back to the verdict book, which holds this)
        self._rows, self._places, self._claims, self._src_list = rows, places, claims, src_list
        self._names, self._source_ids = names, source_ids

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> DisputedVerdict: ...

    @overload
    def __getitem__(self, i: slice) -> list[DisputedVerdict]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._rows)))]
        e, c = self._rows[i], int(self._places[i])
        s = self._src_list[c]
        return DisputedVerdict(e.claim_id, self._claims[c][4],
                               self._names[self._source_ids[s]] if s >= 0 else "no source",
                               e.verdict.rating, e.annotator, e.when)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def moved(self, now_of_before: np.ndarray, claims: list, src_list: list[int], names: dict[str, str],
              source_ids: list[str]) -> _GivenVerdicts:
        """The same verdicts, their claims found at new places (``now_of_before``: the new place
        of each place before) in the claims of a new structure."""
        return _GivenVerdicts(self._rows, now_of_before[self._places], claims, src_list, names, source_ids)

    def columns(self) -> _Columns:
        _, _, truths, ratings, claim_ids, annotators, whens, _ = (list(c) for c in zip(*self._rows, strict=True))
        return _Columns(claim_ids, ratings, truths, annotators, whens)


class _Entry(NamedTuple):
    """A verdict as the verdict book keeps it (see ``_VerdictBook``), in the order rated."""

    key: str  # its time, then its id: unique
    verdict: Verdict
    truth: float | None  # ``decisive_truth`` of its rating
    rating: int  # its rating's place in ``Rating``
    claim_id: str
    annotator: str  # "someone" when not known
    when: str  # when rated (ISO time)
    decides: bool

    @classmethod
    def of(cls, v: Verdict) -> _Entry:
        when = v.rated_at or v.updated_at or ""
        return cls(f"{when}\0{v.id}", v, _DECISIVE[v.rating], _RATING_CODE[v.rating], v.claim_id,
                   v.annotator or "someone", when, v.decides)


def _short(text: str | None, limit: int = 60) -> str:
    return one_line(text, limit)


# -- text re-use -------------------------------------------------------------------------

def _sentences(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _SENTENCE.finditer(text):
        words = _WORD.findall(m.group(0).lower())
        norm = " ".join(words)
        if len(norm) >= MIN_SENTENCE_CHARS:
            out.append((m.start(), m.end(), norm))
    return out


def _shingle_lists(norms: list[str], text_order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sentences each shingle (SHINGLE words in a row) is found in, one list per shingle.

    Returns ``(sizes, members)``: the lists' lengths and their sentence ids end to end. A
    shingle counts once per sentence; a sentence of fewer words is one shingle. Members come
    in the order of ``text_order`` (each sentence's rank in the documents' order), and lists
    in the order they are first met: by the first sentence they are in, then by where in that
    sentence they first appear.
    """
    word_counts = np.fromiter((norm.count(" ") + 1 for norm in norms), dtype=np.int64, count=len(norms))
    tokens = " ".join(norms).split(" ") if norms else []
    vocabulary = {w: i for i, w in enumerate(dict.fromkeys(tokens))}
    word = np.fromiter(map(vocabulary.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    del tokens
    none = len(vocabulary)  # stands for "no word" past the end of a short sentence
    base = none + 1
    sentence = np.repeat(np.arange(len(norms), dtype=np.int64), word_counts)
    position = np.arange(word.size) - np.repeat(np.cumsum(word_counts) - word_counts, word_counts)
    length = word_counts[sentence]
    starts_shingle = position < np.maximum(1, length - SHINGLE + 1)
    code = np.zeros(word.size, dtype=np.int64)
    for k in range(SHINGLE):  # code = (w0 * base + w1) * base + w2, renumbered densely if it would overflow
        if k and (int(code.max()) + 1) * base >= 2 ** 62:
            code = np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
        nxt = np.full(word.size, none, dtype=np.int64)
        inside = position + k < length
        nxt[np.flatnonzero(inside)] = word[np.flatnonzero(inside) + k]
        code = code * base + nxt
    code, sentence, position = code[starts_shingle], sentence[starts_shingle], position[starts_shingle]
    rank = text_order[sentence]
    # Each shingle's sentences in text order, the first place in each sentence leading.
    order = np.lexsort((position, rank, code))
    code, sentence, position, rank = code[order], sentence[order], position[order], rank[order]
    first_in_sentence = np.concatenate(([True], (code[1:] != code[:-1]) | (sentence[1:] != sentence[:-1])))
    code, sentence, position, rank = (code[first_in_sentence], sentence[first_in_sentence],
                                      position[first_in_sentence], rank[first_in_sentence])
    list_start = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    sizes = np.diff(np.append(list_start, code.size))
    met = np.lexsort((position[list_start], rank[list_start]))  # lists in the order first met
    met_rank = np.empty(met.size, dtype=np.int64)
    met_rank[met] = np.arange(met.size)
    members = sentence[np.argsort(np.repeat(met_rank, sizes), kind="stable")]
    return sizes[met], members


def reused_sentences(texts: dict[str, str], doc_source: dict[str, str]):
    """Near-duplicate sentences between documents of different sources.

    Returns ``(pairs, sentences)``: pairs maps (doc_a, doc_b), doc_a < doc_b, to the list of
    (sentence index in a, sentence index in b); sentences maps each document to its
    (start, end, normalised text) sentences. Candidates share at least two word shingles;
    rapidfuzz confirms them. Two shingles of three words survive three scattered small edits
    in a sentence of twelve words; rapidfuzz has the last word.

    The pairs come in the order in which the shingles first bring each pair of documents
    together (documents in the order of ``texts``), so the caller's "first copy found wins"
    is the same on every run. The work is done on integer arrays: a project of 1,000
    documents has about two million sentence pairs that share a shingle, and 350,000 that
    share two.
    """
    sents = {d: _sentences(t) for d, t in texts.items()}
    # Each sentence gets an integer id: documents in id order, then sentences in order. Of two
    # sentences of different documents, the lower id is then the one of the document whose id
    # sorts first, which is the order the pairs are returned in.
    first_id: dict[str, int] = {}
    norms: list[str] = []
    sent_doc: list[str] = []
    for d in sorted(sents):
        first_id[d] = len(norms)
        norms.extend(norm for _, _, norm in sents[d])
        sent_doc.extend([d] * len(sents[d]))
    n = len(norms)
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    if n < 2:
        return pairs, sents
    text_order = np.zeros(n, dtype=np.int64)
    text_order[np.concatenate([np.arange(first_id[d], first_id[d] + len(ss)) for d, ss in sents.items()])] = \
        np.arange(n)
    sizes, flat = _shingle_lists(norms, text_order)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    source_codes: dict[str | None, int] = {}
    sent_source = np.array([source_codes.setdefault(doc_source.get(d), len(source_codes)) for d in sent_doc],
                           dtype=np.int64)
    # Every pair of sentences in one shingle's list (of 2 to COMMON_SHINGLE sentences), as the
    # key lo * n + hi, with its place in the enumeration list by list, pair by pair.
    pair_counts = np.where((sizes >= 2) & (sizes <= COMMON_SHINGLE), sizes * (sizes - 1) // 2, 0)
    list_place = np.cumsum(pair_counts) - pair_counts
    keys_parts, place_parts = [], []
    for size in range(2, COMMON_SHINGLE + 1):
        which = np.flatnonzero(sizes == size)
        if not which.size:
            continue
        members = flat[starts[which][:, None] + np.arange(size)]
        x, y = np.triu_indices(size, 1)
        a, b = members[:, x], members[:, y]
        place = list_place[which][:, None] + np.arange(x.size)
        apart = sent_source[a] != sent_source[b]
        a, b, place = a[apart], b[apart], place[apart]
        keys_parts.append(np.minimum(a, b) * n + np.maximum(a, b))
        place_parts.append(place)
    if not keys_parts:
        return pairs, sents
    keys = np.concatenate(keys_parts)
    place = np.concatenate(place_parts)
    del keys_parts, place_parts
    # Sort by key, then place: the first of each key's run is where it was first met.
    place_bits = max(int(pair_counts.sum()), 1).bit_length()
    if (n * n).bit_length() + place_bits <= 63:
        both = np.sort((keys << place_bits) | place)
        keys, place = both >> place_bits, both & ((1 << place_bits) - 1)
        del both
    else:
        by_key = np.lexsort((place, keys))
        keys, place = keys[by_key], place[by_key]
    new_key = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    shared = np.diff(np.append(new_key, keys.size))
    twice = new_key[shared >= 2]
    candidates = keys[twice][np.argsort(place[twice], kind="stable")]
    del keys, place
    lo, hi = np.divmod(candidates, n)
    # rapidfuzz's ratio is 100 * (1 - d / (la + lb)), d the insert/delete distance, which is at
    # least the difference of the two texts' counts of each character: pairs whose counts
    # already rule out SIMILARITY are not compared (no pair that would pass is left out).
    counts = _char_counts(norms)
    lengths = counts.sum(axis=1)
    apart_at_least = np.zeros(lo.size, dtype=np.int64)
    for chunk in range(0, lo.size, 65_536):
        at = slice(chunk, chunk + 65_536)
        apart_at_least[at] = np.abs(counts[lo[at]].astype(np.int32) - counts[hi[at]]).sum(axis=1)
    total = lengths[lo] + lengths[hi]
    possible = np.flatnonzero(100 * (total - apart_at_least) >= SIMILARITY * total)
    lo, hi = lo[possible].tolist(), hi[possible].tolist()
    scores = process.cpdist([norms[i] for i in lo], [norms[i] for i in hi], scorer=fuzz.ratio, dtype=np.float64,
                            score_cutoff=SIMILARITY, workers=1)
    for k in np.flatnonzero(scores >= SIMILARITY).tolist():
        da, db = sent_doc[lo[k]], sent_doc[hi[k]]
        pairs.setdefault((da, db), []).append((lo[k] - first_id[da], hi[k] - first_id[db]))
    return {k: sorted(v) for k, v in pairs.items()}, sents


def shared_stories(pairs: dict, sents: dict, texts: dict[str, str], doc_source: dict[str, str]) -> dict:
    """The pairs of :func:`reused_sentences` that share a story, not a formula.

    Newsrooms write alike: wire-style formulas ("The council approved the budget on Tuesday,
    officials said in a statement."), standing footers and credit lines. Independent outlets
    then print near-identical sentences, and were taken for copies of each other (on generated
    newsrooms in formulaic wording, bench/run.py wording, every outlet was named a copy of 7 to 11
    others). So:

    * a sentence its source prints in two or more of its own documents is house style (a
      footer, a credit line, a standing formula) and not shared text, unless those documents are
      versions of one article (most of their sentences are the same: an update, a re-post);
    * a sentence printed alike by ``FORMULA_SOURCES`` sources or more is a formula or a widely
      quoted line: it counts toward how much of a document is shared, not as a sign of copying by
      itself (so a passage that four or more outlets print alike, making up less than half of
      each article, is taken for formulas: the price of not accusing outlets that state facts in
      one wire style, back to back or not);
    * two documents share a story when they share ``MIN_REUSED_SENTENCES`` such telling
      sentences, or shared text making up at least ``WHOLE_DOCUMENT_SHARE`` of either (a wire
      story re-published whole, a short item copied). One shared sentence in a longer article is
      a formula or a quoted statement, not evidence of copying.
    """
    docs_of: dict[tuple[str | None, str], set[str]] = {}
    for d, ss in sents.items():
        for _, _, norm in ss:
            docs_of.setdefault((doc_source.get(d), norm), set()).add(d)
    # Versions of one article: documents most of whose sentences their source prints elsewhere too.
    version = {d for d, ss in sents.items()
               if ss and 3 * sum(len(docs_of[(doc_source.get(d), norm)]) >= 2 for _, _, norm in ss) >= 2 * len(ss)}

    def house(d: str, k: int) -> bool:
        return len(docs_of[(doc_source.get(d), sents[d][k][2])] - version) >= 2

    printed_by: dict[tuple[str, int], set[str | None]] = {}  # (document, sentence) -> sources printing it
    for (da, db), matches in pairs.items():
        for i, j in matches:
            printed_by.setdefault((da, i), {doc_source.get(da)}).add(doc_source.get(db))
            printed_by.setdefault((db, j), {doc_source.get(db)}).add(doc_source.get(da))

    def story(da: str, db: str, matches: list[tuple[int, int]]) -> bool:
        telling = [(i, j) for i, j in matches
                   if len(printed_by[(da, i)]) < FORMULA_SOURCES and len(printed_by[(db, j)]) < FORMULA_SOURCES]
        if min(len({i for i, _ in telling}), len({j for _, j in telling})) >= MIN_REUSED_SENTENCES:
            return True
        mine, theirs = {i for i, _ in matches}, {j for _, j in matches}
        return any(sum(sents[d][k][1] - sents[d][k][0] for k in ks)
                   >= WHOLE_DOCUMENT_SHARE * max(len(texts[d].strip()), 1) for d, ks in ((da, mine), (db, theirs)))

    out = {}
    for (da, db), matches in pairs.items():
        kept = [(i, j) for i, j in matches if not house(da, i) and not house(db, j)]
        if kept and story(da, db, kept):
            out[(da, db)] = kept
    return out


_CHAR_GROUP = np.full(129, 31, dtype=np.int64)  # letters a-z: 0-25, digits: 26-29, space: 30, the rest: 31
_CHAR_GROUP[97:123] = np.arange(26)
_CHAR_GROUP[48:58] = 26 + np.arange(10) % 4
_CHAR_GROUP[32] = 30


def _char_counts(norms: list[str]) -> np.ndarray:
    """How many characters of each of 32 groups each text has. Counts of groups, not of single
    characters, still give a lower bound: the difference of two rows summed is at most that
    of the two texts' single-character counts."""
    counts = np.zeros((len(norms), 32), dtype=np.int64)
    for first in range(0, len(norms), 4096):  # a few thousand sentences at a time: small arrays
        chunk = norms[first:first + 4096]
        points = np.frombuffer("".join(chunk).encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter((len(norm) for norm in chunk), dtype=np.int64, count=len(chunk))
        cell = np.repeat(np.arange(len(chunk), dtype=np.int64) * 32, lengths) + _CHAR_GROUP[np.minimum(points, 128)]
        counts[first:first + len(chunk)] = np.bincount(cell, minlength=len(chunk) * 32).reshape(len(chunk), 32)
    return counts.astype(np.int16) if counts.size and counts.max() < 2 ** 15 else counts


def _text_reuse(store, documents: list) -> tuple[dict, dict]:
    """Text re-use between ``documents`` (each with a source): (pairs, sentence bounds), see
    :func:`reused_sentences`. Worked out once per set of texts: kept in this process and in
    the data folder (``cache/text-reuse``, one small file per set of texts, the 16 latest), so
    that ``annotator score`` and the app's first scoring of an unchanged project skip the two
    seconds it takes at 1,000 documents. A file that cannot be read or written is ignored."""
    key = _reuse_key(documents)
    cached = _REUSE_CACHE.get(key)
    if cached is None:
        cached = _read_reuse(key)
        if cached is None:  # (in the order of the ids, as the key has them: the same pairs in the same order)
            texts = {d.id: store.document_text(d.id) for d in sorted(documents, key=lambda d: d.id)}
            doc_source = {d.id: d.source_id for d in documents}
            pairs, sents = reused_sentences(texts, doc_source)
            pairs = shared_stories(pairs, sents, texts, doc_source)
            cached = (pairs, _sentence_bounds(sents))
            del texts, sents
            _write_reuse(key, *cached)
        if len(_REUSE_CACHE) >= 4:
            _REUSE_CACHE.clear()
        _REUSE_CACHE[key] = cached
    return cached


def _reuse_key(documents: list) -> str:
    """Names the result for these texts and these rules (any change to them: a new name)."""
    digest = hashlib.blake2b(digest_size=20)
    rules = (3, MIN_SENTENCE_CHARS, SIMILARITY, SHINGLE, COMMON_SHINGLE, MIN_REUSED_SENTENCES, FORMULA_SOURCES,
             WHOLE_DOCUMENT_SHARE, _SENTENCE.pattern, _WORD.pattern)
    digest.update(repr(rules).encode())
    for doc_id, sha, source in sorted((d.id, d.sha256 or "", d.source_id or "") for d in documents):
        digest.update(f"{doc_id}\0{sha}\0{source}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _reuse_folder() -> Path:
    from annotator.paths import data_dir

    return data_dir() / "cache" / "text-reuse"


def _write_reuse(key: str, pairs: dict, bounds: dict) -> None:
    docs = sorted(set(bounds) | {d for pair in pairs for d in pair})
    code = {d: k for k, d in enumerate(docs)}
    sentence_docs = [d for d in docs if d in bounds]
    pair_list = list(pairs.items())
    matches = [m for _, found in pair_list for m in found]
    arrays = {
        "docs": np.array(docs, dtype=str),
        "sentence_docs": np.array([code[d] for d in sentence_docs], dtype=np.int64),
        "sentence_counts": np.array([bounds[d][0].size for d in sentence_docs], dtype=np.int64),
        "starts": np.concatenate([bounds[d][0] for d in sentence_docs] or [np.zeros(0, dtype=np.int64)]),
        "ends": np.concatenate([bounds[d][1] for d in sentence_docs] or [np.zeros(0, dtype=np.int64)]),
        "pairs": np.array([(code[a], code[b]) for (a, b), _ in pair_list], dtype=np.int64).reshape(-1, 2),
        "match_counts": np.array([len(found) for _, found in pair_list], dtype=np.int64),
        "matches": np.array(matches, dtype=np.int64).reshape(-1, 2),
    }
    partial = None
    try:
        folder = _reuse_folder()
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.{os.getpid()}.partial"
        with open(partial, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]  # (NumPy's stubs read the first name as allow_pickle)
            out.flush()
            os.fsync(out.fileno())  # whole on disk before it takes the name (a crash leaves no half file)
        os.replace(partial, folder / f"{key}.npz")
        kept = sorted(folder.glob("*.npz"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in kept[REUSE_FILES_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        if partial is not None:  # a read-only or full data folder: worked out again next time
            partial.unlink(missing_ok=True)


def _read_reuse(key: str) -> tuple[dict, dict] | None:
    path = _reuse_folder() / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            docs = data["docs"].tolist()
            counts, match_counts = data["sentence_counts"], data["match_counts"]
            cut = np.cumsum(counts)[:-1]
            bounds = {}
            if counts.size:
                bounds = {docs[k]: (s, e) for k, s, e in zip(data["sentence_docs"].tolist(),
                                                              np.split(data["starts"], cut),
                                                              np.split(data["ends"], cut), strict=True)}
            found = np.split(data["matches"], np.cumsum(match_counts)[:-1]) if match_counts.size else []
            pairs = {(docs[a], docs[b]): [(int(x), int(y)) for x, y in rows.tolist()]
                     for (a, b), rows in zip(data["pairs"].tolist(), found, strict=True)}
    except FileNotFoundError:
        return None  # none yet
    except Exception:
        with suppress(OSError):
            path.unlink()
        return None
    return pairs, bounds


def _original_first(doc_a, doc_b, kinds: dict[str, str | None], names: dict[str, str]) -> tuple[bool, bool]:
    """(a is the original, direction known) for two documents sharing text."""
    pa, pb = (doc_a.published or "").strip(), (doc_b.published or "").strip()
    if pa and pb and pa[:10] != pb[:10]:
        return pa[:10] < pb[:10], True
    ra = _KIND_RANK.get(kinds.get(doc_a.source_id), 1)
    rb = _KIND_RANK.get(kinds.get(doc_b.source_id), 1)
    if ra != rb:
        return ra < rb, True
    return names[doc_a.source_id].casefold() <= names[doc_b.source_id].casefold(), False


_NO_SENTENCES = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def _sentence_bounds(sents: dict[str, list[tuple[int, int, str]]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each document's sentence starts and ends, as arrays."""
    return {d: (np.array([s for s, _, _ in ss], dtype=np.int64), np.array([e for _, e, _ in ss], dtype=np.int64))
            for d, ss in sents.items() if ss}


class _PairTable(NamedTuple):
    """What the pairs of documents sharing text make, whatever their claims (see
    ``_reuse_marks``): kept while the documents and their texts stay the same."""

    doc_code: dict[str, int]  # each document's place in ``docs``
    copy_code: np.ndarray  # per pair: the copying document
    orig_code: np.ndarray  # ... the original
    orig_ids: list[str]
    whole: np.ndarray  # ... whether the whole document is a copy
    known: list[bool]  # ... whether which is the original is known
    segment: np.ndarray  # ... where the copy's sentences start on one axis of every pair's
    reused_before: np.ndarray  # re-used sentences before each place on that axis
    sentences: dict[int, tuple[np.ndarray, np.ndarray]]  # document code -> sentence starts, ends


def _pair_table(pairs: dict, bounds: dict, docs: dict, kinds: dict[str, str | None],
                names: dict[str, str]) -> _PairTable:
    doc_code = {d: k for k, d in enumerate(docs)}
    sentences = {doc_code[d]: se for d, se in bounds.items() if d in doc_code}
    # Each document's sentence lengths on one axis, to add up the re-used ones of every pair at once.
    sizes = np.zeros(len(docs), dtype=np.int64)
    of_doc: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(docs)
    for k, (starts, ends) in sentences.items():
        sizes[k], of_doc[k] = starts.size, ends - starts
    offset = np.concatenate(([0], np.cumsum(sizes)))
    lengths = np.concatenate(of_doc) if of_doc else np.zeros(0, dtype=np.int64)
    copy_code, orig_code, known_, copy_chars = [], [], [], []
    orig_ids: list[str] = []
    segment: list[int] = []  # where each pair's sentences of the copy start on one flat axis
    reused_at: list[int] = []  # ... and the re-used ones on it
    reused_length_at: list[int] = []  # ... the same sentences on the axis of every document's
    reused_pair: list[int] = []  # ... and their pair
    flat = 0
    for j, ((da, db), matches) in enumerate(pairs.items()):
        a_first, known = _original_first(docs[da], docs[db], kinds, names)
        copy_doc, orig_doc = (db, da) if a_first else (da, db)
        k = doc_code[copy_doc]
        reused = [m[1] if a_first else m[0] for m in matches]
        reused = list(dict.fromkeys(reused))
        base = int(offset[k])
        reused_at.extend([flat + i for i in reused])
        reused_length_at.extend([base + i for i in reused])
        reused_pair.extend([j] * len(reused))
        ends = bounds.get(copy_doc, _NO_SENTENCES)[1]
        copy_chars.append(docs[copy_doc].length or (int(ends[-1]) if ends.size else 0))
        known_.append(known)
        copy_code.append(k)
        orig_code.append(doc_code[orig_doc])
        orig_ids.append(orig_doc)
        segment.append(flat)
        flat += int(sizes[k])
    pair_of = np.array(reused_pair, dtype=np.int64)
    n_reused = np.bincount(pair_of, minlength=len(copy_code))
    reused_chars = np.bincount(pair_of, weights=lengths[np.array(reused_length_at, dtype=np.int64)],
                               minlength=len(copy_code))
    whole = ((n_reused >= WHOLE_DOCUMENT_MIN_SENTENCES)
             & (reused_chars >= WHOLE_DOCUMENT_SHARE * np.maximum(np.array(copy_chars, dtype=np.int64), 1)))
    reused_flag = np.zeros(flat, dtype=np.int64)
    reused_flag[reused_at] = 1
    reused_before = np.concatenate(([0], np.cumsum(reused_flag)))  # re-used sentences before each place
    return _PairTable(doc_code, np.array(copy_code, dtype=np.int64), np.array(orig_code, dtype=np.int64), orig_ids,
                      whole, known_, np.array(segment, dtype=np.int64), reused_before, sentences)


def _reuse_marks(pairs: dict, bounds: dict, docs: dict, kinds: dict[str, str | None],
                 names: dict[str, str], claims: list, claim_prop: np.ndarray,
                 n_props: int) -> list[tuple[int, str, bool, bool]]:
    """The claims that re-used text makes copies: (claim index, original document id, whole
    document copied?, which is the original known?), in the order of ``pairs`` and, within a
    pair, of ``claims`` (see ``_marked``)."""
    table = _pair_table(pairs, bounds, docs, kinds, names)
    c_doc = np.fromiter(map(table.doc_code.get, [c[1] for c in claims], repeat(-1)), dtype=np.int64,
                        count=len(claims))
    c_start = np.array([c[2] for c in claims], dtype=np.int64)
    c_end = np.array([c[3] for c in claims], dtype=np.int64)
    claim, pair = _marked(table, c_doc, c_start, c_end, np.asarray(claim_prop, dtype=np.int64), n_props)
    whole = table.whole.tolist()
    return [(c, table.orig_ids[j], whole[j], table.known[j])
            for c, j in zip(claim.tolist(), pair.tolist(), strict=True)]


def _marked(table: _PairTable, c_doc: np.ndarray, c_start: np.ndarray, c_end: np.ndarray, c_prop: np.ndarray,
            n_props: int, among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The claims re-used text makes copies, as (claim indices, pair indices), in the order of
    the pairs and, within a pair, of the claims; only claims of ``among`` (a mask) when given.

    A claim of the copying document counts when the original document has a claim of the same
    proposition and either the whole document is a copy or the claim overlaps a re-used
    sentence. The test runs on arrays over every (pair, claim of the copy): the 11,000 pairs of
    a large project make over a million of them.
    """
    n, n_docs = c_doc.size, len(table.doc_code)
    none = np.zeros(0, dtype=np.int64)
    if not table.copy_code.size:
        return none, none
    asked = np.arange(n) if among is None else np.flatnonzero(among)
    in_a_doc = c_doc >= 0
    if among is not None:  # (only the propositions asked about need their documents)
        in_a_doc &= np.isin(c_prop, np.unique(c_prop[asked]))
    said_in = np.unique(c_doc[in_a_doc] * n_props + c_prop[in_a_doc])  # (document, proposition) keys
    asked = asked[c_doc[asked] >= 0]
    by_doc = asked[np.argsort(c_doc[asked], kind="stable")]  # each document's claims together, in order
    doc_first = np.searchsorted(c_doc[by_doc], np.arange(n_docs), side="left")
    doc_claims = np.searchsorted(c_doc[by_doc], np.arange(n_docs), side="right") - doc_first

    # For every claim, the run [first, last) of its document's sentences that it overlaps: those
    # that end after the claim starts and start before it ends (sentences come in text order).
    first_sent = np.zeros(n, dtype=np.int64)
    last_sent = np.zeros(n, dtype=np.int64)
    for k, (starts, ends) in table.sentences.items():
        if not doc_claims[k]:
            continue
        rows = by_doc[doc_first[k]:doc_first[k] + doc_claims[k]]
        first_sent[rows] = np.searchsorted(ends, c_start[rows], side="right")
        last_sent[rows] = np.searchsorted(starts, c_end[rows], side="left")

    # One row per (pair, claim of the copying document).
    copies = table.copy_code
    per_pair = doc_claims[copies]
    row_pair = np.repeat(np.arange(copies.size), per_pair)
    within = np.arange(row_pair.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    row_claim = by_doc[doc_first[copies][row_pair] + within]
    key = table.orig_code[row_pair] * n_props + c_prop[row_claim]
    at = np.minimum(np.searchsorted(said_in, key), max(said_in.size - 1, 0))
    also_in_original = (said_in[at] == key) if said_in.size else np.zeros(key.size, dtype=bool)
    first, last = first_sent[row_claim], last_sent[row_claim]
    start = table.segment[row_pair]
    overlaps = (last > first) & (table.reused_before[start + np.maximum(last, first)]
                                 > table.reused_before[start + first])
    hit = np.flatnonzero(also_in_original & (table.whole[row_pair] | overlaps))
    return row_claim[hit], row_pair[hit]


# -- building ----------------------------------------------------------------------------

class ClaimIndex(Mapping[str, int]):
    """Each claim's place in the claims' order, by id: the dict is made when first asked for
    (a scoring from a live snapshot finds claims by row number and may never need it)."""

    def __init__(self, ids: list[str]):
        self._ids = ids
        self._index: dict[str, int] | None = None

    def built(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._index

    def __getitem__(self, claim_id: str) -> int:
        return self.built()[claim_id]

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self.built()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class _Field(Sequence[Any]):
    """One field of every row of ``rows``, read when asked for (no list made of it)."""

    __slots__ = ("_at", "_rows")

    def __init__(self, rows: list, at: int):
        self._rows, self._at = rows, at

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [row[self._at] for row in self._rows[i]]
        return self._rows[i][self._at]


class ClaimColumn(Mapping[str, Any]):
    """One value per claim, read by claim id: a view of an array in the claims' order, where
    a dict per column would cost 100,000 entries each at a large project's scale."""

    def __init__(self, index: Mapping[str, int], ids: list[str], values, *, none_below: int | None = None):
        self._index, self._ids, self._values, self._none_below = index, ids, values, none_below

    def __getitem__(self, claim_id: str):
        return self.at(self._index[claim_id])

    def at(self, index: int):
        """The value of the claim at ``index`` in the claims' order."""
        value = self._values[index]
        if isinstance(value, np.generic):
            value = value.item()
        if self._none_below is not None and value < self._none_below:
            return None
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._index

    def array(self):
        """Every claim's value, in the claims' order (``ProjectInputs.claim_ids``)."""
        return self._values


class Groups(Sequence[list[str]]):
    """Claim ids in numbered groups (propositions, assertions), each group listed on demand."""

    def __init__(self, ids: list[str], members: np.ndarray, group: np.ndarray, n_groups: int):
        """``members``: indices into ``ids``, in order; ``group``: the group of each member."""
        self._ids, self._n = ids, n_groups
        order = np.argsort(group, kind="stable")
        self._members = members[order]
        self._bounds = np.r_[0, np.cumsum(np.bincount(group, minlength=n_groups))]

    def __len__(self) -> int:
        return self._n

    def first(self, g: int) -> int:
        """The index (into ``ids``) of group ``g``'s first member."""
        return int(self._members[self._bounds[g]])

    def firsts(self, groups: np.ndarray) -> np.ndarray:
        """``first`` of each of ``groups`` (none of them empty)."""
        return self._members[self._bounds[groups]]

    @overload
    def __getitem__(self, g: int) -> list[str]: ...

    @overload
    def __getitem__(self, g: slice) -> list[list[str]]: ...

    def __getitem__(self, g):
        if isinstance(g, slice):
            return [self[i] for i in range(*g.indices(self._n))]
        if not -self._n <= g < self._n:
            raise IndexError(g)
        g %= self._n
        return [self._ids[i] for i in self._members[self._bounds[g]:self._bounds[g + 1]].tolist()]


_DECISIVE = {r: decisive_truth(r) for r in Rating}
_MERGING_CODES = [RELATION_NUMBER[r] for r in _SAYS_THE_SAME]


class _Reuse(NamedTuple):
    """The claims text re-use makes copies (see ``_marked``), with what they were worked out from."""

    made_from: tuple  # (the pairs of documents sharing text (the very object), the documents, the sources)
    table: _PairTable
    claim: np.ndarray  # the claims marked (places in the claims' order of their structure)
    pair: np.ndarray  # ... and the pair of documents that marks each: for each assertion, in the order of the pairs


_SERIALS = itertools.count(1)


class _Tangle(NamedTuple):
    """Rival propositions with more than one rival (linked as contradicting), as pairs in
    order, and the groups and pairs they make (see ``_tangled_groups``)."""

    lo: np.ndarray
    hi: np.ndarray
    members: dict[int, set[int]]  # each group (by its lowest proposition) and its propositions
    pair_rivals: list[tuple[int, int]]  # the pairs that joined no group
    taken_over: bool = False  # from the structure before


def _tangled_groups(lo: np.ndarray, hi: np.ndarray, before: _Structure | None,
                    since: _Since | None) -> tuple[dict[int, set[int]], list[tuple[int, int]], bool]:
    """Pairs of rival propositions (``lo`` < ``hi``, in order) worked through one by one: a pair
    joins two groups when every proposition of one contradicts every one of the other, and
    stays a pair otherwise. When the pairs are those of the structure before, between the
    same propositions (the same claims: a claim added elsewhere), its groups are taken over
    under the propositions' new numbers: thousands of pairs take 25 ms to work through."""
    if before is not None and since is not None and before.tangle is not None and \
            lo.size == before.tangle.lo.size and lo.size:
        then = np.full(since.clean.size, -1, dtype=np.int64)
        had = since.now_prop_of_before >= 0
        then[since.now_prop_of_before[had]] = np.flatnonzero(had)
        if np.array_equal(then[lo], before.tangle.lo) and np.array_equal(then[hi], before.tangle.hi):
            now = since.now_prop_of_before
            taken: dict[int, set[int]] = {}
            for group_members in before.tangle.members.values():
                moved = set(now[list(group_members)].tolist())
                taken[min(moved)] = moved
            return taken, [(int(now[a]), int(now[b])) for a, b in before.tangle.pair_rivals], True
    contra: set[tuple[int, int]] = set(zip(lo.tolist(), hi.tolist(), strict=True))
    member_of: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    pair_rivals: list[tuple[int, int]] = []
    for a, b in sorted(contra):
        ga, gb = member_of.get(a), member_of.get(b)
        if ga is not None and ga == gb:
            continue
        left = members[ga] if ga is not None else {a}
        right = members[gb] if gb is not None else {b}
        if all((min(x, y), max(x, y)) in contra for x in left for y in right):
            gid = min(left | right)
            for old in (ga, gb):
                if old is not None:
                    members.pop(old, None)
            members[gid] = left | right
            for x in members[gid]:
                member_of[x] = gid
        else:
            pair_rivals.append((a, b))
    return members, pair_rivals, False


class _Since(NamedTuple):
    """How a structure's claims and propositions stand to those of the structure before it."""

    before: int  # the serial number of the structure before
    before_ids: list[str]  # its claim ids
    clean: np.ndarray  # per proposition: it has the very same claim rows as one proposition before
    now_of_before: np.ndarray  # per claim before: its place now (-1: gone, or its row changed)
    now_prop_of_before: np.ndarray  # per proposition before: the clean one it is now (-1: none)


def _matched(before: _Structure, by_number: _ByNumber | None, claims: list,
             claim_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each claim's place in the structure ``before`` (-1: new) and whether it is the very same
    row. Claims are matched by row number when both structures were read from a live snapshot
    (by id otherwise) and checked by identity: a live snapshot keeps the row of a claim that
    did not change, and a row number freed by a deletion may be given again."""
    n = len(claims)
    if by_number is not None and before.by_number is not None:
        then = before.by_number(by_number.claim_numbers)
    else:
        index = before.cidx.built()
        then = np.fromiter(map(index.get, claim_ids, repeat(-1)), dtype=np.int64, count=n)
    before_claims = before.claims
    same = np.fromiter(map(operator.is_, claims, [before_claims[k] if k >= 0 else None for k in then.tolist()]),
                       dtype=bool, count=n)
    return then, same


def _since(before: _Structure, then: np.ndarray, same: np.ndarray, prop_of: np.ndarray, P: int) -> _Since:
    """How propositions made of ``prop_of`` stand to those ``before`` (see ``_matched``)."""
    n = then.size
    before_claims = before.claims
    old_prop = np.full(n, -1, dtype=np.int64)
    old_prop[same] = before.prop_of[then[same]]
    lowest = np.full(P, np.iinfo(np.int64).max, dtype=np.int64)
    highest = np.full(P, -1, dtype=np.int64)
    np.minimum.at(lowest, prop_of, old_prop)
    np.maximum.at(highest, prop_of, old_prop)
    clean = (lowest == highest) & (lowest >= 0)
    size_then = np.bincount(before.prop_of, minlength=before.P)
    clean[clean] = np.bincount(prop_of, minlength=P)[clean] == size_then[lowest[clean]]
    now_of_before = np.full(len(before_claims), -1, dtype=np.int64)
    now_of_before[then[same]] = np.flatnonzero(same)
    now_prop_of_before = np.full(before.P, -1, dtype=np.int64)
    now_prop_of_before[lowest[clean]] = np.flatnonzero(clean)
    return _Since(before.serial, before.claim_ids, clean, now_of_before, now_prop_of_before)


@dataclass
class _Structure:
    """What the sources, documents, claims and links make, before any verdict: propositions,
    rivals, assertions and copies. A verdict changes none of it, so a scoring after a verdict
    (the commonest edit) takes it from the scoring before (see ``_structure``)."""

    source_ids: list[str]
    names: dict[str, str]
    claims: list
    claim_ids: list[str]
    cidx: ClaimIndex
    src_list: list[int]
    claim_source: ClaimColumn
    quotes: ClaimColumn
    prop_of: np.ndarray
    prop_list: list[int]
    P: int
    claim_prop: ClaimColumn
    prop_claims: Groups
    pair_rivals: np.ndarray  # (pairs, 2): rival propositions outside any group
    group: np.ndarray | None
    notes: list[str]              # about the links, listed before the verdicts' notes
    notes_after: list[str]        # ... and after them
    a_src: np.ndarray
    a_prop: np.ndarray
    a_claims: Groups
    copied_from: np.ndarray
    copy_reasons: dict[tuple[int, int], list[str]]
    assertion_note: dict[int, str]
    made_of: tuple = ()  # (the sources, the documents) it was made with
    spans: np.ndarray = field(default_factory=lambda: np.zeros((3, 0), dtype=np.int64))  # each claim's
    # document (place in the documents' order), start and end
    since: _Since | None = None  # how it stands to the structure of the scoring before
    reuse: _Reuse | None = None  # the claims text re-use makes copies (none when not detected)
    tangle: _Tangle | None = None  # the rival propositions worked through pair by pair
    serial: int = field(default_factory=lambda: next(_SERIALS))  # names it among the structures of this process
    verdict_book: _VerdictBook | None = None  # the verdicts as the last scoring with this structure read them
    by_number: _ByNumber | None = None  # the claims by the row numbers of the last scoring's snapshot


class _VerdictBook:
    """What the verdicts make of the propositions (settled true or false, left in conflict,
    only a mixed or unverifiable rating), kept between scorings of one structure (the same
    claims and links): a scoring after a verdict changed works out again only the propositions
    whose verdicts changed. A live snapshot keeps the very Verdict objects of unchanged rows
    (a changed row is a new object: none is changed in place), so a verdict is recognised as
    already read by its identity; any other store's are all new and everything is worked
    out, by the same rules.

    The rules: every person's verdict on every claim of a proposition counts. When the decisive
    ones agree (true / mostly true against false / mostly false) the proposition is settled by
    the most recent; when they disagree it is left unsettled, as if nobody had checked it, and
    listed as a conflict until someone decides it: a verdict given to decide (the Conflicts
    view) sets aside the decisive verdicts before it, and a later one that disagrees opens the
    conflict again. Mixed and unverifiable verdicts are kept only for display, when a
    proposition has no decisive one."""

    def __init__(self, n_props: int, names: dict[str, str], source_ids: list[str]):
        self.names, self.source_ids = names, source_ids
        # id(verdict) -> its entry; the entries hold the verdicts, so no id is reused while kept
        self.seen: dict[int, _Entry] = {}
        self.claim_at: dict[int, int] = {}  # id(verdict) -> its claim's place in the claims' order
        self.of_prop: dict[int, list[_Entry]] = {}  # in the order rated
        self.verdict = np.full(n_props, np.nan)
        self.rating: dict[int, Rating] = {}
        self.rating_claim: dict[int, str] = {}
        self.ignored: dict[int, Rating] = {}
        # proposition -> (order key of its first decisive verdict, the disagreement, its sentence)
        self.conflicts: dict[int, tuple[str, DisputedVerdicts, str]] = {}

    def read(self, verdicts: list[Verdict], verdict_claim: list[int], prop_list: list[int], claims: list,
             src_list: list[int]) -> None:
        seen, claim_at, touched = self.seen, self.claim_at, set()
        ids = list(map(id, verdicts))
        current = set(ids)
        for k in seen.keys() - current:  # first what went (a row read again may keep its order key)
            entry = seen.pop(k)
            p = prop_list[claim_at.pop(k)]
            rows = self.of_prop[p]
            del rows[bisect_left(rows, (entry.key,))]
            touched.add(p)
        came = current - seen.keys()  # (a verdict on no claim of the project comes back each time)
        if came:
            claim_of, verdict_of = dict(zip(ids, verdict_claim, strict=True)), dict(zip(ids, verdicts, strict=True))
            coming: dict[int, list[_Entry]] = defaultdict(list)
            for k in came:
                c = claim_of[k]
                if c < 0:
                    continue
                entry = seen[k] = _Entry.of(verdict_of[k])
                claim_at[k] = c
                coming[prop_list[c]].append(entry)
            for p, new in coming.items():
                rows = self.of_prop.setdefault(p, [])
                if len(new) < 8:  # a few: each put in its place
                    for entry in new:
                        rows.insert(bisect_left(rows, (entry.key,)), entry)
                else:  # many (a first reading): sorted once, not put in place one by one
                    rows.extend(new)
                    rows.sort(key=itemgetter(0))
                touched.add(p)
        for p in touched:
            self._settle(p, claims, src_list)

    def carried_over(self, before: _Structure, now: _Structure) -> _VerdictBook:
        """This book (read with the structure ``before``) for the structure ``now``, made after
        claims or links changed: each verdict is kept under its claim's new place. A
        proposition with the very same claims as one before keeps what its verdicts made of it
        (a disagreement too, while the documents and sources are the same); the others
        (propositions joined, split or changed) are worked out again. A claim added or a link
        drawn so costs what it changes, not the 20,000 verdicts of a large project."""
        book = _VerdictBook(now.P, now.names, now.source_ids)
        since = now.since
        if since is None:  # nothing carries over
            return book
        place = since.now_of_before.tolist()
        now_prop = since.now_prop_of_before
        same_sources = before.made_of == now.made_of
        seen, claim_at, of_prop = book.seen, book.claim_at, book.of_prop
        for k, c in self.claim_at.items():
            c = place[c]
            if c >= 0:  # (gone or changed: read again with the rows)
                claim_at[k] = c
                seen[k] = self.seen[k]
        mixed: set[int] = set()  # propositions joined, split or changed: worked out again
        for p, rows in self.of_prop.items():
            q = int(now_prop[p])
            if q < 0:
                for e in rows:
                    c = claim_at.get(id(e.verdict), -1)
                    if c >= 0:
                        q = now.prop_list[c]
                        of_prop.setdefault(q, []).append(e)
                        mixed.add(q)
                continue
            of_prop[q] = list(rows)
            book.verdict[q] = self.verdict[p]
            if p in self.rating:
                book.rating[q], book.rating_claim[q] = self.rating[p], self.rating_claim[p]
            if p in self.ignored:
                book.ignored[q] = self.ignored[p]
            if p in self.conflicts:
                if not same_sources:  # (its sentence names the sources)
                    mixed.add(q)
                    continue
                first, was, text = self.conflicts[p]
                assert isinstance(was.verdicts, _GivenVerdicts)  # (as ``_settle`` makes them)
                conflict = DisputedVerdicts(q, was.verdicts.moved(since.now_of_before, now.claims, now.src_list,
                                                                  now.names, now.source_ids))
                conflict.__dict__.update({k: was.__dict__[k] for k in ("_columns", "_text", "fingerprint", "_short")
                                          if k in was.__dict__})  # (none of them holds its number)
                book.conflicts[q] = (first, conflict, text)
        for q in mixed:
            of_prop[q].sort(key=itemgetter(0))  # rows of several propositions, in the order rated
            book._settle(q, now.claims, now.src_list)
        return book

    def _given(self, rows: list[_Entry], claims: list, src_list: list[int]) -> _GivenVerdicts:
        at = self.claim_at
        places = np.fromiter([at[id(e.verdict)] for e in rows], dtype=np.int64, count=len(rows))
        return _GivenVerdicts(rows, places, claims, src_list, self.names, self.source_ids)

    def _settle(self, p: int, claims: list, src_list: list[int]) -> None:
        self.verdict[p] = np.nan
        for kept in (self.rating, self.rating_claim, self.ignored, self.conflicts):
            kept.pop(p, None)
        rows = self.of_prop.get(p)
        if not rows:
            self.of_prop.pop(p, None)
            return
        given = [e for e in rows if e.truth is not None]
        if not given:
            self.ignored[p] = rows[0].verdict.rating
            return
        first = given[0].key
        given = _since_decided(given)
        if len({e.truth for e in given}) > 1:
            conflict = DisputedVerdicts(p, self._given(given, claims, src_list))
            self.conflicts[p] = (first, conflict, conflict.text())
            return
        last = given[-1].verdict
        self.verdict[p] = given[-1].truth
        self.rating[p], self.rating_claim[p] = last.rating, last.claim_id


def _since_decided(given: list[_Entry]) -> list[_Entry]:
    """Decisive verdicts from the latest decision on (all of them when none decides)."""
    decides = [e.decides for e in given]
    if True in decides:
        return given[len(decides) - 1 - decides[::-1].index(True):]
    return given


def _props_since(st: _Structure) -> tuple[int, np.ndarray] | None:
    """Each proposition's number in the structure before ``st`` (-1: not there with the same claims)."""
    if st.since is None:
        return None
    before = np.full(st.P, -1, dtype=np.int64)
    had = st.since.now_prop_of_before >= 0
    before[st.since.now_prop_of_before[had]] = np.flatnonzero(had)
    return st.since.before, before


_LAST_STRUCTURE: list = []  # [(what it was made from, the _Structure)] of the last scoring
_BOTH_TRUE = "Two claims rated true are linked as contradicting; both are kept as true."


class _ByNumber:
    """Claims found by row number: for each row number asked for, the index of the claim with
    that number in the claims' order (``claim_numbers``), -1 where there is none (whatever
    the numbers' size or sign). Row numbers mostly run from 1 with few gaps: then a table by
    number answers with one gather (a sorted search over 100,000 numbers took 15 ms a call);
    otherwise the numbers are sorted once and searched."""

    DENSE = 4  # a table by number is kept while the largest number is under this many per claim

    def __init__(self, claim_numbers: np.ndarray):
        self.claim_numbers = claim_numbers
        n = claim_numbers.size
        self._table: np.ndarray | None = None
        if n and int(claim_numbers.min()) >= 0 and int(claim_numbers.max()) < self.DENSE * n + 1024:
            self._table = np.full(int(claim_numbers.max()) + 1, -1, dtype=np.int64)
            self._table[claim_numbers[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)  # (the first of a number)
            return
        self._order = np.argsort(claim_numbers, kind="stable")
        self._ranked = claim_numbers[self._order]

    def __call__(self, wanted: np.ndarray) -> np.ndarray:
        wanted = np.asarray(wanted, dtype=np.int64)
        if self._table is not None:
            inside = (wanted >= 0) & (wanted < self._table.size)
            found = np.full(wanted.size, -1, dtype=np.int64)
            found[inside] = self._table[wanted[inside]]
            return found
        if not self._ranked.size:
            return np.full(wanted.size, -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._ranked, wanted), self._ranked.size - 1)
        return np.where(self._ranked[at] == wanted, self._order[at], -1).astype(np.int64)


def build_inputs(store, *, detect_text_reuse: bool = True) -> ProjectInputs:
    """Read the project and build the engine's :class:`Problem` (no model is run here).
    Per-claim work runs on arrays: at 100,000 claims and links, Python dicts and loops per
    claim made most of a scoring."""
    sources = store.sources()
    documents = store.documents()
    claims = store.claim_spans()  # (id, document id, start, end, quote)
    relations = store.link_relations()
    verdicts = store.verdicts()
    numbers = getattr(store, "row_numbers", lambda: None)()
    made_from = (detect_text_reuse, sources, documents, claims, relations)
    last = _LAST_STRUCTURE[0] if _LAST_STRUCTURE else None  # (read once: one (made from, structure) pair)
    if last is not None and last[0] == made_from:
        st = last[1]  # (a live snapshot keeps the same rows: the comparison is by identity)
    else:
        st = _structure(store, sources, documents, claims, relations, numbers, detect_text_reuse,
                        last[1] if last is not None else None)
        if last is not None and last[1].verdict_book is not None:  # claims or links changed: not the verdicts
            st.verdict_book = last[1].verdict_book.carried_over(last[1], st)
        _LAST_STRUCTURE[:] = [(made_from, st)]
    claims, claim_ids, src_list, prop_list, P = st.claims, st.claim_ids, st.src_list, st.prop_list, st.P
    if numbers is not None:
        if st.by_number is None or not np.array_equal(st.by_number.claim_numbers, numbers.claims):
            st.by_number = _ByNumber(numbers.claims)  # (the same rows read again may have other numbers)
        verdict_claim = st.by_number(numbers.verdict_claim).tolist()
    else:
        index = st.cidx.built()
        verdict_claim = [index.get(v.claim_id, -1) for v in verdicts]
    notes = list(st.notes)
    group = st.group.copy() if st.group is not None else None
    pair_rivals = st.pair_rivals

    book = st.verdict_book
    if book is None:
        book = st.verdict_book = _VerdictBook(P, st.names, st.source_ids)
    book.read(verdicts, verdict_claim, prop_list, claims, src_list)
    verdict = book.verdict.copy()
    prop_rating, prop_rating_claim, ignored = dict(book.rating), dict(book.rating_claim), dict(book.ignored)
    conflicts = [c for _, c, _ in sorted(book.conflicts.values(), key=lambda kc: kc[0])]
    notes.extend(book.conflicts[c.prop][2] for c in conflicts)
    disputed = {c.prop for c in conflicts}
    if group is not None and disputed:  # no rival settles a proposition whose own verdicts disagree
        group[sorted(disputed)] = -1
    if group is not None:
        true_in_group = np.bincount(group[(group >= 0) & (verdict == 1.0)], minlength=P)
        notes.extend([_BOTH_TRUE] * int(np.sum(true_in_group > 1)))
    # A pair of rivals outside a group: a true verdict on one side settles the other as false
    # (a proposition whose own verdicts disagree stays unchecked).
    if pair_rivals.size:
        true = verdict == 1.0
        notes.extend([_BOTH_TRUE] * int(np.sum(true[pair_rivals[:, 0]] & true[pair_rivals[:, 1]])))
        open_ = np.isnan(verdict)
        open_[sorted(disputed)] = False
        for x, y in ((pair_rivals[:, 0], pair_rivals[:, 1]), (pair_rivals[:, 1], pair_rivals[:, 0])):
            verdict[y[true[x] & open_[y]]] = 0.0

    notes.extend(st.notes_after)
    problem = Problem(len(st.source_ids), P, st.a_src.copy(), st.a_prop.copy(), None, verdict, group=group,
                      copied_from=st.copied_from.copy())
    return ProjectInputs(problem=problem, source_ids=st.source_ids, source_names=[st.names[s] for s in st.source_ids],
                         claim_ids=claim_ids, claim_quote=st.quotes,
                         claim_prop=st.claim_prop, claim_source=st.claim_source, prop_claims=st.prop_claims,
                         assertion_claims=st.a_claims, prop_rating=prop_rating,
                         prop_rating_claim=prop_rating_claim, ignored_ratings=ignored,
                         copy_reasons=st.copy_reasons, assertion_copy_note=st.assertion_note, notes=notes,
                         conflicts=conflicts,
                         claims_since=(st.since.before_ids, st.since.now_of_before) if st.since is not None else None,
                         structure=st.serial, props_since=_props_since(st))


def _structure(store, sources: list, documents: list, claims: list, relations: list, numbers,
               detect_text_reuse: bool, before: _Structure | None = None) -> _Structure:
    """What the project's claims and links make (see ``_Structure``). Given the structure of
    the scoring before, the text re-use of propositions that kept their claims is taken from it."""
    source_ids = [s.id for s in sources]
    names = {s.id: s.name for s in sources}
    kinds = {s.id: s.kind for s in sources}
    sidx = {sid: i for i, sid in enumerate(source_ids)}
    docs = {d.id: d for d in documents}
    n = len(claims)
    claim_ids = [c[0] for c in claims]
    cidx = ClaimIndex(claim_ids)
    by_number = _ByNumber(numbers.claims) if numbers is not None else None  # as a live snapshot keeps them
    matched = _matched(before, by_number, claims, claim_ids) if before is not None else None
    # Each claim's document (its place in ``docs``), start and end: the rows kept from the
    # structure before keep theirs; the others are read.
    doc_code = {d: k for k, d in enumerate(docs)}
    spans = np.empty((3, n), dtype=np.int64)
    if matched is not None and before is not None and before.made_of[1:] == (documents,):
        then, same = matched
        spans[:, same] = before.spans[:, then[same]]
        read = np.flatnonzero(~same).tolist()
    else:
        read = list(range(n))
    if read:
        spans[:, read] = [[doc_code.get(claims[i][1], -1) for i in read], [claims[i][2] for i in read],
                          [claims[i][3] for i in read]]
    c_doc = spans[0]
    source_of_doc = np.array([sidx.get(d.source_id, -1) if d.source_id is not None else -1 for d in docs.values()]
                             + [-1], dtype=np.int64)
    claim_src = source_of_doc[c_doc]  # (-1, no document of the project: the last, no source)
    src_list = claim_src.tolist()
    claim_source = ClaimColumn(cidx, claim_ids, claim_src, none_below=0)
    quotes = ClaimColumn(cidx, claim_ids, _Field(claims, 4))
    notes: list[str] = []

    def _source_name(s: int) -> str:
        return names[source_ids[s]] if s >= 0 else "no source"

    def _named(c: int) -> str:
        """A claim (by index) as a journalist recognises it: its quote and its source."""
        return f"“{_short(claims[c][4])}” ({_source_name(src_list[c])})"

    if numbers is not None and by_number is not None:
        la, lb = by_number(numbers.link_from), by_number(numbers.link_to)
        rel = numbers.link_relation
    else:
        index = cidx.built()
        la = np.fromiter(map(index.get, [r[0] for r in relations], repeat(-1)), dtype=np.int64, count=len(relations))
        lb = np.fromiter(map(index.get, [r[1] for r in relations], repeat(-1)), dtype=np.int64, count=len(relations))
        rel = np.fromiter(map(RELATION_NUMBER.__getitem__, [r[2] for r in relations]), dtype=np.int64,
                          count=len(relations))
    between = (la >= 0) & (lb >= 0)  # links between claims of the project
    la, lb, rel = la[between], lb[between], rel[between]
    merging = np.isin(rel, _MERGING_CODES)
    # Propositions are numbered in the order of their first claim.
    prop_of = np.unique(_components(n, np.stack([la[merging], lb[merging]], axis=1)),
                        return_inverse=True)[1].reshape(-1).astype(np.int64)
    P = int(prop_of.max(initial=-1)) + 1
    prop_list = prop_of.tolist()
    since = _since(before, *matched, prop_of, P) if before is not None and matched is not None else None
    claim_prop = ClaimColumn(cidx, claim_ids, prop_of)
    prop_claims = Groups(claim_ids, np.arange(n), prop_of, P)

    # Rival propositions: groups in which every pair is linked as contradicting (at most one
    # of a group is true); a link that would join unlinked propositions stays a pair.
    contradicting = rel == RELATION_NUMBER[Relation.CONTRADICTS]
    ca, cb = la[contradicting], lb[contradicting]
    pa, pb = prop_of[ca], prop_of[cb]
    inside = np.flatnonzero(pa == pb)
    for k in inside[:NOTES_PER_KIND].tolist():
        notes.append(f"{_named(int(ca[k]))} and {_named(int(cb[k]))} are linked as "
                     "contradicting but also (through other links) as saying the same thing; the "
                     "contradiction is ignored.")
    if inside.size > NOTES_PER_KIND:  # a list of thousands says no more than its count
        notes.append(f"{inside.size - NOTES_PER_KIND:,} more contradiction links join claims that other links "
                     "say are the same; those contradictions are ignored too.")
    apart = pa != pb
    width = max(P, 1)
    coded = np.unique(np.minimum(pa, pb)[apart] * width + np.maximum(pa, pb)[apart])  # each pair once, in order
    lo, hi = coded // width, coded % width
    # A pair whose propositions have no other rival is a group of two: only the others are
    # worked through, pair by pair in order (none of them touches such a pair).
    rivals = np.bincount(np.concatenate((lo, hi)), minlength=P)
    alone = (rivals[lo] == 1) & (rivals[hi] == 1)
    tangle = _Tangle(lo[~alone], hi[~alone], *_tangled_groups(lo[~alone], hi[~alone], before, since))
    members, pair_rivals = tangle.members, tangle.pair_rivals
    group = None
    if members or alone.any():
        group = np.full(P, -1, dtype=np.int64)
        group[lo[alone]] = group[hi[alone]] = lo[alone]
        for gid, group_members in members.items():
            group[list(group_members)] = gid


    # Assertions: one per (source, proposition), numbered in the order of their first claim.
    sourced = np.flatnonzero(claim_src >= 0)
    pair_key = claim_src[sourced] * max(P, 1) + prop_of[sourced]
    keys, first, which = np.unique(pair_key, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    by_first = np.argsort(first, kind="stable")
    number = np.empty(keys.size, dtype=np.int64)
    number[by_first] = np.arange(keys.size)
    in_order = keys[by_first]
    a_src = in_order // max(P, 1)
    a_prop = in_order % max(P, 1)
    a_claims = Groups(claim_ids, sourced, number[which], keys.size)
    claim_assertion = np.full(n, -1, dtype=np.int64)
    claim_assertion[sourced] = number[which]
    notes_after = []
    if sourced.size < n:
        notes_after.append("Claims in documents without a source are used only through their verdicts.")

    # Copies: explicit "derived from" links, then text re-use. Each assertion is the copy of
    # what its first mark names (a claim marked as a copy of its own source is not a copy).
    derived = rel == RELATION_NUMBER[Relation.DERIVED]
    marked_claims, marked_source, marked_reason = [la[derived]], [claim_src[lb[derived]]], [
        np.full(int(derived.sum()), -1, dtype=np.int64)]  # reason -1: derived from the original's source
    reuse = None
    reuse_reasons: list[str] = []
    if detect_text_reuse:
        pairs, bounds = _text_reuse(store, [d for d in docs.values() if d.source_id in sidx])
        made_from = (pairs, documents, sources)
        last = before.reuse if before is not None else None
        if last is not None and last.made_from[0] is pairs and last.made_from[1:] == made_from[1:]:
            table = last.table
        else:
            table, last = _pair_table(pairs, bounds, docs, kinds, names), None
        c_start, c_end = spans[1], spans[2]  # (``c_doc``: places in ``docs``, as the table has them)
        if last is None or since is None:
            m_claim, m_pair = _marked(table, c_doc, c_start, c_end, prop_of, P)
        else:  # the marks of propositions with the same claims as before stand; the others are worked out
            clean = since.clean
            now_claim = since.now_of_before[last.claim]
            stand = now_claim >= 0
            stand[stand] = clean[prop_of[now_claim[stand]]]
            new_claim, new_pair = _marked(table, c_doc, c_start, c_end, prop_of, P, ~clean[prop_of])
            # (an assertion's claims share a proposition: its marks all stand or are all new, each
            # part in the order of the pairs, and the first mark of each assertion is the same)
            m_claim = np.concatenate((now_claim[stand], new_claim))
            m_pair = np.concatenate((last.pair[stand], new_pair))
        reuse = _Reuse(made_from, table, m_claim, m_pair)
        # the pairs' reasons, one per (original document, whole, known)
        pairs_marking, pair_reason = np.unique(m_pair, return_inverse=True)
        reason_of: dict[tuple[str, bool, bool], int] = {}
        codes, sources_of = [], []
        whole = table.whole.tolist()
        for j in pairs_marking.tolist():
            key = (table.orig_ids[j], whole[j], table.known[j])
            original = docs[key[0]]
            if key not in reason_of:
                what = "its document" if key[1] else "the sentence"
                verb = "re-uses the text of" if key[2] else "shares text with"
                reason_of[key] = len(reuse_reasons)
                reuse_reasons.append(f"{what} {verb} “{original.title}” ({names[original.source_id]})")
            codes.append(reason_of[key])
            sources_of.append(sidx[original.source_id])
        marked_claims.append(m_claim)
        marked_source.append(np.array(sources_of, dtype=np.int64)[pair_reason.reshape(-1)])
        marked_reason.append(np.array(codes, dtype=np.int64)[pair_reason.reshape(-1)])
    mark_claim, mark_source, mark_reason = (np.concatenate(x) for x in (marked_claims, marked_source, marked_reason))
    s_of = claim_src[mark_claim]
    counts = (s_of >= 0) & (mark_source >= 0) & (s_of != mark_source)
    mark_claim, mark_source, mark_reason = mark_claim[counts], mark_source[counts], mark_reason[counts]
    copied, first = np.unique(claim_assertion[mark_claim], return_index=True)
    copied_from = np.full(keys.size, -1, dtype=np.int64)
    copied_from[copied] = mark_source[first]
    assertion_note: dict[int, str] = {}
    copy_reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    for a, source, reason in zip(copied.tolist(), mark_source[first].tolist(), mark_reason[first].tolist(),
                                 strict=True):
        note = reuse_reasons[reason] if reason >= 0 else f"marked as derived from {names[source_ids[source]]}"
        assertion_note[a] = note
        copy_reasons[(int(a_src[a]), source)].append(note)
    return _Structure(source_ids=source_ids, names=names, claims=claims, claim_ids=claim_ids, cidx=cidx,
                      src_list=src_list, claim_source=claim_source, quotes=quotes, prop_of=prop_of,
                      prop_list=prop_list, P=P, claim_prop=claim_prop, prop_claims=prop_claims,
                      pair_rivals=np.asarray(pair_rivals, dtype=np.int64).reshape(-1, 2), group=group, tangle=tangle,
                      notes=notes, notes_after=notes_after,
                      a_src=a_src.astype(np.int64), a_prop=a_prop.astype(np.int64), a_claims=a_claims,
                      copied_from=copied_from, copy_reasons=dict(copy_reasons), assertion_note=assertion_note,
                      made_of=(sources, documents), spans=spans, since=since, reuse=reuse, by_number=by_number)
