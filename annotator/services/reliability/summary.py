"""What the window shows of a scoring, small enough to cross a process boundary quickly.

A :class:`~annotator.services.reliability.scores.ProjectScores` of a 100,000-claim project
pickles to ~17 MB of Python objects (dicts keyed by claim id, per-assertion lists), and
unpickling it holds the interpreter lock for ~0.4 s: long enough for the window to
freeze while new scores arrive. The window needs far less: the sources' scores, the top
rows of each source's explanation, and for any claim the handful of pushes the inspector
lists. :func:`summarize` computes exactly that where the scoring ran (in the scoring
process), as a few lists and NumPy arrays indexed by proposition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.services.reliability.inputs import DisputedVerdicts
from annotator.services.reliability.scores import (
    ClaimEstimate,
    ExplanationRow,
    ProjectScores,
    Push,
    SourceScore,
    _verdict_label,
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
    notes: list[str]
    explanations: dict[str, list[ExplanationRow]]  # source id -> biggest effects first
    source_names: list[str]
    claim_ids: str  # newline-joined: one string pickles and loads as fast as a copy
    claim_prop: np.ndarray  # int32, the proposition of each claim in ``claim_ids`` order
    probability: np.ndarray  # float64 per proposition: P(true)
    settled: np.ndarray  # bool per proposition
    verdict_labels: list[str]
    verdict: np.ndarray  # int16 per proposition: index into ``verdict_labels``, -1 for none
    push_source: np.ndarray  # int32 (propositions, CLAIM_PUSHES): source index, -1 for none
    push_weight: np.ndarray  # float64, log-odds toward "true"; biggest first
    push_copy: np.ndarray  # bool: a copy, not counted
    conflicts: dict[int, str] = field(default_factory=dict)  # proposition -> its verdict conflict, in words
    disputes: list[DisputedVerdicts] = field(default_factory=list)  # the same, each verdict in it (Conflicts view)
    _index: dict[str, int] | None = field(default=None, repr=False)
    _disputed: frozenset[str] | None = field(default=None, repr=False)

    def index(self) -> dict[str, int]:
        """claim id -> row; built once (the app builds it in its worker thread)."""
        if self._index is None:
            ids = self.claim_ids.split("\n") if self.claim_ids else []
            self._index = {claim_id: i for i, claim_id in enumerate(ids)}
        return self._index

    def source(self, source_id: str) -> SourceScore:
        for s in self.sources:
            if s.source_id == source_id:
                return s
        raise KeyError(source_id)

    def explanation(self, source_id: str) -> list[ExplanationRow]:
        return self.explanations.get(source_id, [])

    def disputed_claims(self) -> frozenset[str]:
        """The claims of propositions whose verdicts disagree (see inputs.DisputedVerdicts);
        worked out once (the app does it in its worker thread)."""
        if self._disputed is None:
            if not self.conflicts:
                self._disputed = frozenset()
            else:
                ids = self.claim_ids.split("\n")
                rows = np.flatnonzero(np.isin(self.claim_prop, np.fromiter(self.conflicts, dtype=np.int64)))
                self._disputed = frozenset(ids[i] for i in rows.tolist())
        return self._disputed

    def estimate(self, claim_id: str) -> ClaimEstimate | None:
        """The claim's probability and the sources that pushed it most, or None when the
        scores do not know the claim (it was added after they were computed)."""
        row = self.index().get(claim_id)
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
    for p in sorted(set(inputs.prop_rating) | set(np.flatnonzero(np.asarray(res.fixed)).tolist())):
        label = _verdict_label(inputs, res, p)
        if label is not None:
            verdict[p] = labels.setdefault(label, len(labels))

    claim_ids = list(inputs.claim_prop)
    return ScoreSummary(
        sources=scores.sources, base_rate=scores.base_rate, verdict_count=scores.verdict_count,
        proposition_count=scores.proposition_count, notes=scores.notes,
        explanations={s.source_id: explain_source(scores, s.source_id, limit=explain_rows)
                      for s in scores.sources if s.source_id in inputs.source_ids},
        source_names=list(names), claim_ids="\n".join(claim_ids),
        claim_prop=np.array([inputs.claim_prop[c] for c in claim_ids], dtype=np.int32),
        probability=np.asarray(res.prob, dtype=np.float64), settled=np.asarray(res.fixed, dtype=bool),
        verdict_labels=list(labels), verdict=verdict,
        push_source=push_source, push_weight=push_weight, push_copy=push_copy,
        conflicts={c.prop: c.text() for c in inputs.conflicts},
        disputes=[c.shortened() for c in inputs.conflicts])


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


def summarize_file(path: str) -> ScoreSummary:
    """Score the project at ``path`` (see ``score_file``) and keep what the window shows."""
    return summarize(score_file(path))
