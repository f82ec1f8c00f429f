"""Per-source reliability scores for a project, and the explanations behind them.

``score_project(store)`` returns a :class:`ProjectScores`: for every source its **record**
(checked claims that held up, with a 90% interval — fully auditable) and its **estimate**
(share of all its claims likely true, using unchecked claims through agreement with other
independent sources — inferred), the number of claims behind each, and which sources it was
treated as copying. ``explain_source`` lists the claims that raised or lowered a source's
estimate most; ``explain_claim`` lists, for a claim, which sources pushed it which way.
Every row carries a claim id so the app can jump to the highlight.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import numpy as np

from annotator.services import collector
from annotator.services.reliability.engine import Config, Result, _logit, can_resume, fit
from annotator.services.reliability.inputs import ProjectInputs, build_inputs

NOT_ENOUGH = "not enough data"


@dataclass
class SourceScore:
    source_id: str
    name: str
    record: float | None                      # held_up / checked, None below Config.min_checked
    record_interval: tuple[float, float] | None
    checked_count: int
    held_up_count: int
    estimate: float | None                    # inferred; None when not enough evidence
    estimate_interval: tuple[float, float] | None
    claim_count: int
    effective_claims: float                   # evidence behind the estimate, in claims
    copies_of: list[str] = field(default_factory=list)
    copy_notes: list[str] = field(default_factory=list)
    status: str = ""
    evidence_needed: float = 2.0  # effective claims the estimate needs (Config.min_evidence)

    @property
    def reason_in_short(self) -> str:
        """The reason's first words, where there is room for no more (the chart's row)."""
        if self.estimate is not None:
            return ""
        return "no claims yet" if self.claim_count == 0 else "too little evidence yet"

    @property
    def reason(self) -> str:
        """Why there is no estimate, in the words every view uses (the Reliability panel, the
        sources list, ``annotator score``); empty when there is one."""
        if self.estimate is not None or self.claim_count == 0:
            return self.reason_in_short
        n, claims = self.claim_count, f"{self.claim_count} claim{'s' if self.claim_count != 1 else ''}"
        worth = math.floor(self.effective_claims * 10) / 10  # (1.97 is not "2.0", which would be enough)
        weight = (f"its {claims} weigh{'s' if n == 1 else ''} as much as {worth:.1f} checked claims"
                  if self.effective_claims >= 0.05 else f"its {claims} add{'s' if n == 1 else ''} almost nothing yet")
        return (f"{self.reason_in_short}: {weight}; an estimate needs {self.evidence_needed:g} checked claims' "
                "worth (a verdict on one of its claims, or other sources saying the same, adds to it)")

    @property
    def record_text(self) -> str:
        if self.checked_count == 0:
            return "no checked claims"
        return f"{self.held_up_count} of {self.checked_count} checked claims held up"


@dataclass
class Push:
    source_id: str
    source_name: str
    claim_id: str          # the source's claim behind the push
    weight: float          # log-odds added to "the claim is true" (negative: pushes toward false)
    direction: str         # "true" / "false" / "none" (a copy, not counted)
    note: str = ""


@dataclass
class ClaimEstimate:
    claim_id: str
    quote: str
    probability: float     # P(true); exactly 0 or 1 when settled by verdicts
    verdict: str | None    # the rating label when a verdict settles it
    settled: bool
    prior: float           # log-odds before any source: the project's base rate of true claims
    pushes: list[Push] = field(default_factory=list)
    conflict: str | None = None  # verdicts that disagree and leave it unsettled, said in words


@dataclass
class ExplanationRow:
    claim_id: str
    quote: str
    effect: float              # change of the source's estimate due to this claim (share, ±)
    verdict: str | None        # rating label if checked
    probability: float         # P(true) of what the source said (1/0 when checked)
    held_up: bool | None       # for checked claims
    kind: str                  # "checked" or "inferred"
    note: str = ""


@dataclass
class ProjectScores:
    sources: list[SourceScore]
    base_rate: float
    verdict_count: int
    proposition_count: int
    notes: list[str]
    inputs: ProjectInputs
    result: Result

    def source(self, source_id: str) -> SourceScore:
        for s in self.sources:
            if s.source_id == source_id:
                return s
        raise KeyError(source_id)

    def to_dict(self) -> dict:
        return {
            "base_rate": self.base_rate,
            "verdicts": self.verdict_count,
            "propositions": self.proposition_count,
            "notes": self.notes,
            "conflicts": [c.to_dict() for c in self.inputs.conflicts],
            "sources": [{**asdict(s), "record_text": s.record_text, "reason": s.reason} for s in self.sources],
        }


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _interval(lo, hi):
    return None if math.isnan(lo) else (float(lo), float(hi))


def score_project(store, config: Config | None = None, *, detect_text_reuse: bool = True,
                  resume: bool = False) -> ProjectScores:
    """Build the inputs from the project, run the engine, and package the scores. ``resume``:
    see ``score_inputs``."""
    with collector_paused():
        inputs = build_inputs(store, detect_text_reuse=detect_text_reuse)
        return score_inputs(inputs, config, resume=resume)


_process_only_scores = False  # see scoring_owns_this_process


def scoring_owns_this_process() -> None:
    """Called by a process that does nothing but score (the app's scoring child, ``annotator
    score``): its scorings may pause the cycle collector (``collector_paused``)."""
    global _process_only_scores
    _process_only_scores = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a scoring builds its 100,000s of rows and tuples:
    it would otherwise walk them again and again (a fifth of a 100k-claim scoring). Nothing
    a scoring builds forms a cycle that outlives it; reference counting frees it all. Only
    in a process that does nothing else: the collector is the whole process's, and the app
    scoring on a thread of its own (when the child cannot run) must not lose it meanwhile."""
    if not _process_only_scores:
        yield
        return
    with collector.collector_paused():  # (pauses nest: see services.collector)
        yield


_LAST_FIT: list = []  # [(problem, config, result, structure)] of the last scoring that may be resumed


def score_inputs(inputs: ProjectInputs, config: Config | None = None, *, resume: bool = False) -> ProjectScores:
    """Run the engine on ``inputs`` and package the scores. ``resume``: this process scores the
    project again and again (the app's scoring process); when only verdicts changed since the
    last such scoring, the model starts from where that one ended (``engine.fit(resume=)``):
    the same scores to a millionth, in a fraction of the time. When claims or links changed,
    the propositions that kept their claims start where they ended (``resume_props``)."""
    cfg = config or Config()
    before = _LAST_FIT[0] if resume and _LAST_FIT else None  # (read once: one tuple)
    warm, props = None, None
    if before is not None and before[1] == cfg:
        if can_resume(inputs.problem, before[2], before[0]):
            warm = before[2]
        elif inputs.props_since is not None and inputs.props_since[0] == before[3] and \
                can_resume(inputs.problem, before[2], before[0], inputs.props_since[1]):
            warm, props = before[2], inputs.props_since[1]
    res = fit(inputs.problem, cfg, resume=warm, resume_props=props)
    _LAST_FIT[:] = [(inputs.problem, cfg, res, inputs.structure)] if resume else []
    pb = inputs.problem
    names = inputs.source_names
    scores = []
    counted_copy: dict[tuple[int, int], int] = {}  # (copier, original) -> assertions not counted
    copied = np.flatnonzero((res.weight == 0) & (pb.copied_from >= 0))
    if copied.size:
        pairs, counts = np.unique(np.stack([pb.source[copied], pb.copied_from[copied]], axis=1), axis=0,
                                  return_counts=True)
        counted_copy = {(x, o): n for (x, o), n in zip(pairs.tolist(), counts.tolist(), strict=True)}
    suspected = suspected_copies(inputs, res)
    copied_by: dict[int, list[tuple[int, int]]] = {}  # copier -> [(original, assertions not counted)], in order
    for (x, o), n in sorted(counted_copy.items()):
        copied_by.setdefault(x, []).append((o, n))
    for s, sid in enumerate(inputs.source_ids):
        originals = {names[o] for o, _ in copied_by.get(s, ())}
        copy_notes = [f"{n} claim{'s' if n != 1 else ''} not counted as independent: copied from {names[o]}"
                      for o, n in copied_by.get(s, ())]
        for sus in suspected:
            if sus.copier == s:
                originals.add(names[sus.original])
                copy_notes.append(sus.text(names))
        copies = sorted(originals, key=str.casefold)
        record, estimate = _num(res.record[s]), _num(res.estimate[s])
        claims, checked = int(res.claims[s]), int(res.checked[s])
        if claims == 0:
            status = "no claims"
        elif record is None and estimate is None:
            status = NOT_ENOUGH
        elif record is None:
            status = "estimate only (too few checked claims)" if checked else "estimate only (no checked claims)"
        elif estimate is None:
            status = "record only"
        else:
            status = "ok"
        scores.append(SourceScore(
            source_id=sid, name=names[s], record=record,
            record_interval=_interval(res.record_lo[s], res.record_hi[s]),
            checked_count=checked, held_up_count=int(res.held_up[s]), estimate=estimate,
            estimate_interval=_interval(res.estimate_lo[s], res.estimate_hi[s]),
            claim_count=claims, effective_claims=float(res.n_eff[s]), copies_of=copies,
            copy_notes=copy_notes, status=status, evidence_needed=cfg.min_evidence))
    verdicts = int(np.sum(~np.isnan(pb.verdict)))
    notes = ([NO_VERDICTS_CAVEAT] if not verdicts and pb.source.size else []) + list(inputs.notes)
    return ProjectScores(sources=scores, base_rate=res.base_rate, verdict_count=verdicts,
                         proposition_count=pb.n_props, notes=notes, inputs=inputs, result=res)


#: Said with every scoring of a project without verdicts. Without one, the scores rest on what
#: the sources say of each other, read so that fewer independent voices are mostly wrong; when
#: most are, the truth and its mirror image fit equally well (bench/run.py regimes, "a limit").
NO_VERDICTS_CAVEAT = ("no claim has a verdict yet: the estimates assume that most sources telling a story in "
                      "their own words are mostly right. Check a few claims (keys 1-6 on a selected claim) "
                      "to anchor them")


@dataclass
class SuspectedCopy:
    """A pair of sources whose agreement is best explained by copying (assertion-based test)."""

    copier: int
    original: int
    probability: float        # posterior probability that the pair copies
    shared: int               # propositions both asserted
    agreed: int               # ... on which they said the same thing
    agreed_false: int         # ... that a verdict settled as false
    chance: float | None = None  # propositions two independent sources like them would share, when far fewer

    def text(self, names: list[str]) -> str:
        why = f"{self.agreed_false} of them checked false"
        if self.chance is not None:
            why = f"{why}; {self.shared} shared where chance would give about {max(self.chance, 1):.0f}"
        return (f"claims counted for less: says the same as {names[self.original]} on {self.agreed} of "
                f"{self.shared} shared claims, {why} (probability of copying {self.probability:.0%})")


#: How much likelier under copying than not the answers of a pair named for its overlap must be.
MIN_EVIDENCE_RATIO = 20.0


def suspected_copies(inputs: ProjectInputs, res: Result, *, min_probability: float = 0.9,
                     min_false: int = 3) -> list[SuspectedCopy]:
    """Source pairs shown to people as probable copies.

    The engine discounts votes by the copy probability whatever the evidence; people are shown
    a pair only when what the two *say* makes copying at least ``min_probability`` likely *and*
    they agree on at least ``min_false`` claims checked false (agreeing on true claims is what
    reliable sources do anyway, so that alone is never shown as copying) or take up the same
    claims far beyond chance (``copying.overlap_evidence``: what an aggregator of one outlet
    does, whether that outlet is right or wrong).

    The probability judged against ``min_probability`` is the evidence of the answers alone (the
    engine's Bayes factor, without the lift a large overlap gives its prior: outlets of one beat
    share their stories, not their answers) under a prior of one copying pair among all the
    pairs tested, when that is rarer than the engine's prior: of hundreds of pairs, a few agree
    by chance, and two unreliable outlets wrong on the same 15 yes/no questions were named
    copies (on generated newsrooms without copiers, once in ten projects of 40 sources). A pair
    the overlap singled out is one among those it singled out, and its answers must favour
    copying ``MIN_EVIDENCE_RATIO`` times over on their own."""
    est = res.copies
    if est is None or not est.p_copy.size:
        return []
    pairs = est.pairs
    singled_out = pairs.overlap > 0
    beyond_chance = singled_out & (est.evidence >= np.log(MIN_EVIDENCE_RATIO))
    # The pairs the answers have to single the pair out from: all those tested, or those the
    # overlap singled out already.
    among = np.where(beyond_chance, max(int(singled_out.sum()), 1), pairs.n_pairs)
    with np.errstate(divide="ignore", invalid="ignore"):  # (a prior of 1 leaves no evidence: nothing shown)
        shown = est.evidence + _logit(np.minimum(res.config.copy_prior, 1.0 / among))
        strong = np.flatnonzero(shown >= _logit(np.float64(min_probability)))
    if not strong.size:
        return []
    pb = inputs.problem
    false_row = res.fixed[pb.prop[pairs.a]] & (res.correct[pairs.a] == 0.0)
    agreed = np.bincount(pairs.pair, minlength=pairs.n_pairs)
    agreed_false = np.bincount(pairs.pair, weights=false_row.astype(float), minlength=pairs.n_pairs)
    out = []
    for j in strong:
        if agreed_false[j] < min_false and not beyond_chance[j]:
            continue
        lo, hi = int(pairs.lo[j]), int(pairs.hi[j])
        copier, original = (hi, lo) if pairs.copier_is_hi[j] else (lo, hi)
        chance = float(pairs.chance[j]) if beyond_chance[j] else None
        out.append(SuspectedCopy(copier, original, float(est.p_copy[j]), int(pairs.shared[j]),
                                 int(agreed[j]), int(agreed_false[j]), chance))
    out.sort(key=lambda c: (-c.probability, c.copier, c.original))
    return out


def _discount_note(inputs: ProjectInputs, res: Result, a: int) -> str:
    """Why an assertion's vote was counted for less by the assertion-based copy test."""
    d = float(res.copy_discount[a]) if res.copy_discount is not None else 1.0
    if d >= 0.9 or res.weight[a] == 0:
        return ""
    est = res.copies
    originals = []
    if est is not None:
        originals = [inputs.source_names[o] for o in est.originals_of(a)]
    who = f" {', '.join(originals[:3])}" if originals else " other sources"
    return f"counted for {d:.0%}: this source often says the same as{who} (possible copying)"


def _conflict_text(inputs: ProjectInputs, p: int) -> str | None:
    for conflict in inputs.conflicts:
        if conflict.prop == p:
            return conflict.text()
    return None


def _verdict_label(inputs: ProjectInputs, res: Result, p: int) -> str | None:
    return _label_of(inputs, p, bool(res.fixed[p]))


def _label_of(inputs: ProjectInputs, p: int, settled: bool) -> str | None:
    """The verdict shown for proposition ``p`` (``settled``: fixed by the model)."""
    if p in inputs.prop_rating:
        return inputs.prop_rating[p].label
    if settled:
        return RIVAL_RATED_TRUE
    return None


RIVAL_RATED_TRUE = "false (a rival claim was rated true)"


def explain_source(scores: ProjectScores, source_id: str, limit: int | None = 10) -> list[ExplanationRow]:
    """The claims that raised or lowered the source's estimate most, biggest effect first."""
    inputs, res = scores.inputs, scores.result
    s = inputs.source_ids.index(source_id)
    pb = inputs.problem
    mine = np.flatnonzero(pb.source == s)
    claim_ids = inputs.claim_ids
    firsts = inputs.assertion_claims.firsts(mine).tolist()  # each assertion's first claim
    if limit and mine.size > limit:  # only the top rows are described
        size = np.abs(np.asarray(res.effect, dtype=np.float64)[mine])
        keep = size >= np.partition(size, mine.size - limit)[mine.size - limit]
        ranked = sorted(zip(size[keep].tolist(), np.asarray(firsts)[keep].tolist(), mine[keep].tolist(),
                            strict=True), key=lambda row: (-row[0], claim_ids[row[1]]))[:limit]
        mine, firsts = np.array([a for _, _, a in ranked], dtype=np.int64), [first for _, first, _ in ranked]
    props = pb.prop[mine]
    discount = res.copy_discount[mine] if res.copy_discount is not None else np.ones(mine.size)
    effects = np.asarray(res.effect, dtype=np.float64)[mine]
    probabilities = np.asarray(res.prob, dtype=np.float64)[props]
    corrects, settled_ones = np.asarray(res.correct, dtype=np.float64)[mine], np.asarray(res.fixed, dtype=bool)[props]
    rows = []
    for a, first, p, effect, settled, probability, correct, copied, discounted in zip(
            mine.tolist(), firsts, props.tolist(), effects.tolist(),
            settled_ones.tolist(), probabilities.tolist(), corrects.tolist(), (res.weight[mine] == 0).tolist(),
            (discount < 0.9).tolist(), strict=True):
        copy_note = inputs.assertion_copy_note.get(a, "") if copied else ""
        if copy_note:
            note = f"copy, not counted as corroboration: {copy_note}"
        else:
            note = _discount_note(inputs, res, a) if discounted and not copied else ""
        rows.append(ExplanationRow(
            claim_id=claim_ids[first], quote=inputs.claim_quote.at(first), effect=effect,
            verdict=_label_of(inputs, p, settled), probability=probability,
            held_up=correct > 0.5 if settled else None, kind="checked" if settled else "inferred", note=note))
    rows.sort(key=lambda r: (-abs(r.effect), r.claim_id))
    return rows[:limit] if limit else rows


def explain_claim(scores: ProjectScores, claim_id: str) -> ClaimEstimate:
    """The claim's probability as a ledger: base rate, then each source's push."""
    inputs, res = scores.inputs, scores.result
    pb = inputs.problem
    p = inputs.claim_prop[claim_id]
    props = [p]
    if pb.group is not None and pb.group[p] >= 0:
        props = list(np.flatnonzero(pb.group == pb.group[p]))
    pushes = []
    for q in props:
        for a in np.flatnonzero(pb.prop == q):
            s = int(pb.source[a])
            w = float(res.push[a]) * (1.0 if q == p else -1.0)
            note = ""
            if res.weight[a] == 0:
                note = f"copy, not counted: {inputs.assertion_copy_note.get(int(a), '')}"
            elif q != p:
                note = f"backs a rival claim ({inputs.assertion_claims[int(a)][0]})"
            else:
                note = _discount_note(inputs, res, int(a))
            direction = "none" if res.weight[a] == 0 else ("true" if w > 0 else "false")
            pushes.append(Push(inputs.source_ids[s], inputs.source_names[s], inputs.assertion_claims[int(a)][0],
                               w, direction, note))
    pushes.sort(key=lambda x: (-abs(x.weight), x.source_name))
    return ClaimEstimate(claim_id=claim_id, quote=inputs.claim_quote[claim_id], probability=float(res.prob[p]),
                         verdict=_verdict_label(inputs, res, p), settled=bool(res.fixed[p]),
                         prior=res.prior_logit, pushes=pushes, conflict=_conflict_text(inputs, p))


_TEXTS: dict[tuple[str, str], str] = {}  # document texts kept between scorings of one project
_TEXTS_OF: list[str] = []  # ... and that project's path


_LIVE: list = []  # the LiveSnapshot of the project scored ``again``


def score_file(path: str, *, again: bool = False) -> ProjectScores:
    """Score the project at ``path``, read through a read-only connection of this process's
    own. The app runs this in a separate process, so scoring a large project never competes
    with the window for Python's interpreter lock; texts are kept between calls. ``again``:
    this process scores the project again after edits; it keeps what it read, and the next
    call reads only the rows changed since (see ``LiveSnapshot``)."""
    from annotator.services.snapshot import LiveSnapshot, snapshot_of_file

    if str(path) not in _TEXTS_OF:  # another project: the last one's texts (and rows) go
        _TEXTS.clear()
        _LIVE.clear()
        _LAST_FIT.clear()
        _TEXTS_OF[:] = [str(path)]
    with collector_paused():
        if not again:
            return score_project(snapshot_of_file(path, text_cache=_TEXTS, for_scoring=True))
        if not _LIVE:
            _LIVE.append(LiveSnapshot(path))
        return score_project(_LIVE[0].snapshot(_TEXTS), resume=True)
