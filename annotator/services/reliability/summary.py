"""What the window shows of a scoring, small enough to cross a process boundary quickly.

A :class:`~annotator.services.reliability.scores.ProjectScores` of a 100,000-claim project
pickles to ~17 MB of Python objects (dicts keyed by claim id, per-assertion lists), and
unpickling it holds the interpreter lock for ~0.4 s: long enough for the window to
freeze while new scores arrive. The window needs far less: the sources' scores, the top
rows of each source's explanation, and for any claim the handful of pushes the inspector
lists. :func:`summarize` computes exactly that where the scoring ran (in the scoring
process), as a few lists and NumPy arrays indexed by proposition.

Whatever is per claim travels as arrays too (claim ids as sorted bytes, looked up by binary
search), and the parts made of many small objects (the explanations, the disagreements, the
notes) as bytes read when first shown: unpickling bytes and arrays is a copy, where 100,000
Python strings or a dict of them held the interpreter lock for tens of milliseconds in the
app, and freeing the previous scores' dict held the window as long again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field

import numpy as np

from annotator.services.reliability.inputs import DisputedVerdicts
from annotator.services.reliability.scores import (
    ClaimEstimate,
    ExplanationRow,
    ProjectScores,
    Push,
    RIVAL_RATED_TRUE,
    SourceScore,
    collector_paused,
    explain_source,
    score_file,
)

EXPLAIN_ROWS = 25  # rows of a source's explanation the panel lists
CLAIM_PUSHES = 4  # sources named for an unchecked claim in the inspector


@dataclass
class ScoreSummary:
    sources: list[SourceScore]
    base_rate: float
    verdict_count: int
    proposition_count: int
    notes_data: bytes  # the scoring's notes, UTF-8, joined by NOTE_SEPARATOR (read on demand)
    explanation_data: dict[str, bytes]  # source id -> its rows, biggest effects first, pickled
    source_names: list[str]
    claim_keys: np.ndarray  # bytes: every scored claim id, UTF-8, sorted
    claim_prop: np.ndarray  # int32, the proposition of each claim in ``claim_keys`` order
    probability: np.ndarray  # float64 per proposition: P(true)
    settled: np.ndarray  # bool per proposition
    verdict_labels: list[str]
    verdict: np.ndarray  # int16 per proposition: index into ``verdict_labels``, -1 for none
    push_source: np.ndarray  # int32 (propositions, CLAIM_PUSHES): source index, -1 for none
    push_weight: np.ndarray  # float64, log-odds toward "true"; biggest first
    push_copy: np.ndarray  # bool: a copy, not counted
    disputed_keys: np.ndarray  # bytes, sorted: the claims of propositions whose verdicts disagree
    disputed_props: np.ndarray  # int, sorted: those propositions
    conflicts: dict[int, str] = field(default_factory=dict)  # proposition -> its verdict conflict, in words
    disputes_data: bytes = b""  # the same, each verdict in it (Conflicts view): a pickled list of pickles
    dispute_count: int = 0
    disputes_digest: str = ""  # changes exactly when what the Conflicts view lists changes
    _disputed: frozenset[str] | None = field(default=None, repr=False)
    # the claims that came into or left conflict since ``disputed_since``, the disputed claims of
    # the scores carried over (None: not known)
    disputed_changed: frozenset[str] | None = field(default=None, repr=False)
    disputed_since: frozenset[str] | None = field(default=None, repr=False)
    _read: dict = field(default_factory=dict, repr=False)  # what was unpickled on demand

    @property
    def notes(self) -> list[str]:
        text = self.notes_data.decode("utf-8", "surrogatepass")
        return text.split(NOTE_SEPARATOR) if text else []

    @property
    def disputes(self) -> list[DisputedVerdicts]:
        """The disagreements, unpickled when first asked for (the Conflicts view, on screen)."""
        if "disputes" not in self._read:
            self._read_disputes({})
        return self._read["disputes"]

    def _read_disputes(self, known: dict[bytes, DisputedVerdicts]) -> None:
        """Unpickle the disagreements; those pickled alike in ``known`` are taken from it."""
        pickles = pickle.loads(self.disputes_data) if self.disputes_data else []
        self._read["dispute pickles"] = pickles
        self._read["disputes"] = [known[d] if d in known else pickle.loads(d) for d in pickles]

    def claim_ids(self) -> list[str]:
        """Every claim these scores know (in the order of their ids' bytes)."""
        return _decoded(self.claim_keys)

    def source(self, source_id: str) -> SourceScore:
        for s in self.sources:
            if s.source_id == source_id:
                return s
        raise KeyError(source_id)

    def explanation(self, source_id: str) -> list[ExplanationRow]:
        key = ("explanation", source_id)
        if key not in self._read:
            data = self.explanation_data.get(source_id)
            self._read[key] = pickle.loads(data) if data else []
        return self._read[key]

    def disputed_claims(self) -> frozenset[str]:
        """The claims of propositions whose verdicts disagree (see inputs.DisputedVerdicts);
        worked out once, and taken over from the previous scores when unchanged
        (:meth:`carry_over`)."""
        if self._disputed is None:
            self._disputed = frozenset(_decoded(self.disputed_keys))
        return self._disputed

    def carry_over(self, previous: ScoreSummary | None) -> None:
        """Reuse what ``previous`` worked out where it still holds: the same disputed claims
        are then the same set object, which the window recognises without comparing."""
        if previous is not None and previous._disputed is not None:
            before, now = previous.disputed_keys, self.disputed_keys
            if np.array_equal(before, now):
                self._disputed = previous._disputed
            else:  # what came and went: tens of thousands of disputed claims are not decoded again
                if np.array_equal(previous.claim_prop, self.claim_prop) and \
                        np.array_equal(previous.claim_keys, self.claim_keys):  # by proposition: the same claims
                    went = self.claim_keys[np.isin(self.claim_prop, np.setdiff1d(previous.disputed_props,
                                                                                 self.disputed_props))]
                    came = self.claim_keys[np.isin(self.claim_prop, np.setdiff1d(self.disputed_props,
                                                                                 previous.disputed_props))]
                else:  # in the two sorted arrays of keys
                    went, came = before[~_sorted_in(before, now)], now[~_sorted_in(now, before)]
                came_ids = frozenset(_decoded(came))
                self.disputed_changed = frozenset(_decoded(went)) | came_ids
                self.disputed_since = previous._disputed
                self._disputed = (previous._disputed - self.disputed_changed) | came_ids
        if previous is not None and "disputes" in previous._read:  # the window lists them: read them here,
            # each unchanged one the very object listed before (the list keeps its rows)
            self._read_disputes(dict(zip(previous._read["dispute pickles"], previous._read["disputes"], strict=True)))

    def _row(self, claim_id: str) -> int | None:
        key = _key(claim_id)
        keys = self.claim_keys
        i = int(np.searchsorted(keys, key))
        return i if i < len(keys) and keys[i] == key else None

    def estimate(self, claim_id: str) -> ClaimEstimate | None:
        """The claim's probability and the sources that pushed it most, or None when the
        scores do not know the claim (it was added after they were computed)."""
        row = self._row(claim_id)
        if row is None:
            return None
        p = int(self.claim_prop[row])
        pushes = []
        for k in range(self.push_source.shape[1]):
            s = int(self.push_source[p, k])
            if s < 0:
                break
            weight = float(self.push_weight[p, k])
            copy = bool(self.push_copy[p, k])
            pushes.append(Push("", self.source_names[s], "", weight,
                               "none" if copy else ("true" if weight > 0 else "false")))
        label = int(self.verdict[p])
        return ClaimEstimate(claim_id=claim_id, quote="", probability=float(self.probability[p]),
                             verdict=self.verdict_labels[label] if label >= 0 else None,
                             settled=bool(self.settled[p]), prior=0.0, pushes=pushes,
                             conflict=self.conflicts.get(p))


def summarize(scores: ProjectScores, *, explain_rows: int = EXPLAIN_ROWS,
              claim_pushes: int = CLAIM_PUSHES) -> ScoreSummary:
    inputs, res = scores.inputs, scores.result
    pb = inputs.problem
    n_props = len(res.prob)
    names = inputs.source_names

    push_source, push_weight, push_copy = _top_pushes(pb, res, names, n_props, claim_pushes)
    labels: dict[str, int] = {}
    verdict = np.full(n_props, -1, dtype=np.int16)
    rated = inputs.prop_rating
    rating_label = {r: r.label for r in set(rated.values())}
    for p in sorted(rated.keys() | set(np.flatnonzero(np.asarray(res.fixed)).tolist())):
        label = rating_label[rated[p]] if p in rated else RIVAL_RATED_TRUE
        verdict[p] = labels.setdefault(label, len(labels))

    sorted_keys, sorted_prop = _sorted_claims(inputs.claim_ids, inputs.claim_prop.array(), inputs.claims_since)
    disputed = np.zeros(n_props, dtype=bool)
    disputed[[c.prop for c in inputs.conflicts]] = True
    disputes = [c.shortened() for c in inputs.conflicts]
    return ScoreSummary(
        sources=scores.sources, base_rate=scores.base_rate, verdict_count=scores.verdict_count,
        proposition_count=scores.proposition_count,
        notes_data=NOTE_SEPARATOR.join(scores.notes).encode("utf-8", "surrogatepass"),
        explanation_data={s.source_id: _pickled(explain_source(scores, s.source_id, limit=explain_rows))
                          for s in scores.sources if s.source_id in inputs.source_ids},
        source_names=list(names), claim_keys=sorted_keys, claim_prop=sorted_prop,
        probability=np.asarray(res.prob, dtype=np.float64), settled=np.asarray(res.fixed, dtype=bool),
        verdict_labels=list(labels), verdict=verdict,
        push_source=push_source, push_weight=push_weight, push_copy=push_copy,
        disputed_keys=sorted_keys[disputed[sorted_prop]], disputed_props=np.flatnonzero(disputed),
        conflicts={c.prop: c.text() for c in inputs.conflicts},
        disputes_data=_pickled([d.pickled for d in disputes]) if disputes else b"", dispute_count=len(disputes),
        disputes_digest=disputes_digest(disputes))


NOTE_SEPARATOR = "\x1e"  # the ASCII record separator: never in a note


def disputes_digest(disputes: list[DisputedVerdicts]) -> str:
    """A fingerprint of the verdicts the Conflicts view lists (same in every process); empty
    when nothing disagrees."""
    if not disputes:
        return ""
    digest = hashlib.blake2b(digest_size=16)
    for d in disputes:
        digest.update(d.fingerprint.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _pickled(value) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_END = b"\xff"  # ends every key: never in UTF-8, and it keeps an id's own trailing NULs, which NumPy drops


def _key(claim_id: str) -> bytes:
    return claim_id.encode("utf-8", "surrogatepass") + _END


def _keys(ids: list[str]) -> np.ndarray:
    """Claim ids as a bytes array (UTF-8): it pickles as one block, not one object per id."""
    if not ids:
        return np.zeros(0, dtype="S1")
    return np.array([_key(i) for i in ids], dtype=bytes)


_LAST_KEYS: list = []  # [(claim ids, their propositions, sorted keys, the propositions in that order, the order)]


def _sorted_claims(ids: list[str], claim_prop, since: tuple[list[str], np.ndarray] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The claims' keys, sorted, and each one's proposition in that order: at 100,000 claims
    they take 0.1 s. Those of the last scoring are taken when its claims and propositions
    were the same (a verdict changed); when a few claims came or went since its claims
    (``since``: those ids and the place now of each), only theirs are worked out and put in
    place."""
    last = _LAST_KEYS[0] if _LAST_KEYS else None  # (read once: one tuple)
    props_now = np.asarray(claim_prop, dtype=np.int32).reshape(len(ids))
    if last is not None and last[0] == ids and (last[1] is claim_prop or np.array_equal(last[1], claim_prop)):
        return last[2], last[3]
    if last is not None and since is not None and since[0] is last[0]:
        now_of_before = since[1]
        kept = now_of_before[last[4]]  # the claims before, in sorted order, at their places now
        stays = kept >= 0
        kept_keys, order = last[2][stays], kept[stays]
        came = np.ones(len(ids), dtype=bool)
        came[order] = False
        new = np.flatnonzero(came)
        new_keys = _keys([ids[i] for i in new.tolist()])
        wide = np.dtype(f"S{max(kept_keys.dtype.itemsize, new_keys.dtype.itemsize)}")  # (a longer id came)
        kept_keys, new_keys = kept_keys.astype(wide, copy=False), new_keys.astype(wide, copy=False)
        by_key = np.argsort(new_keys, kind="stable")
        at = np.searchsorted(kept_keys, new_keys[by_key])
        keys = np.insert(kept_keys, at, new_keys[by_key]) if new.size else kept_keys
        order = np.insert(order, at, new[by_key]) if new.size else order
    else:
        keys = _keys(ids)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
    props = props_now[order]
    _LAST_KEYS[:] = [(ids, claim_prop, keys, props, order)]
    return keys, props


def _sorted_in(keys: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For each of the sorted ``keys``, whether the sorted ``among`` has it."""
    if not among.size:
        return np.zeros(keys.size, dtype=bool)
    at = np.minimum(np.searchsorted(among, keys), among.size - 1)
    return among[at] == keys


def _decoded(keys: np.ndarray) -> list[str]:
    return [k[:-1].decode("utf-8", "surrogatepass") for k in keys.tolist()]


def _top_pushes(pb, res, names: list[str], n_props: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per proposition, the ``k`` biggest pushes of the ledger ``explain_claim`` lists: its
    own assertions, and those of its rivals (an exclusivity group) with the sign turned;
    biggest first, ties by source name, then proposition and assertion order. The members
    of a group share one ledger up to the signs, so it is ranked once per group."""
    prop = np.asarray(pb.prop, dtype=np.int64)
    source = np.asarray(pb.source, dtype=np.int64)
    push = np.asarray(res.push, dtype=np.float64)
    copied = np.asarray(res.weight) == 0
    if prop.size == 0:  # propositions without a sourced assertion: nobody pushed them
        return (np.full((n_props, k), -1, dtype=np.int32), np.zeros((n_props, k)), np.zeros((n_props, k), dtype=bool))
    group = np.asarray(pb.group, dtype=np.int64) if pb.group is not None else np.full(n_props, -1, dtype=np.int64)
    ledger_of = np.where(group >= 0, group, int(group.max(initial=-1)) + 1 + np.arange(n_props))
    ledger = ledger_of[prop]
    name_rank = np.empty(len(names), dtype=np.int64)
    name_rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    order = np.lexsort((np.arange(prop.size), prop, name_rank[source], -np.abs(push), ledger))
    ranked = ledger[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]]) if ranked.size else np.zeros(0, dtype=np.int64)
    place = np.arange(ranked.size) - np.repeat(starts, np.diff(np.r_[starts, ranked.size]))
    kept = place < k
    top = np.full((int(ledger_of.max(initial=-1)) + 1, k), -1, dtype=np.int64)
    top[ranked[kept], place[kept]] = order[kept]
    entries = top[ledger_of]  # (propositions, k) assertion per slot, -1 for none
    found = entries >= 0
    at = np.where(found, entries, 0)
    sign = np.where(prop[at] == np.arange(n_props)[:, None], 1.0, -1.0)
    return (np.where(found, source[at], -1).astype(np.int32),
            np.where(found, push[at] * sign, 0.0),
            found & copied[at])


def summarize_file(path: str, again: bool = False) -> ScoreSummary:
    """Score the project at ``path`` (see ``score_file``) and keep what the window shows."""
    scores = score_file(path, again=again)
    with collector_paused():
        return summarize(scores)
