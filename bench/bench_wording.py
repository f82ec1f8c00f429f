"""Copies in the text: does the app name real copiers, and only them, whatever the wording?

A generator of its own (apart from ``bench_regimes`` and ``reliability/synthetic.py``) that
writes articles, not just assertions: newsroom questions with a yes/no answer; each source that
covers a question publishes an article on it with one claim sentence (highlighted as a claim)
among sentences of its own. Claims giving the same answer are linked as the same claim, the two
answers as contradicting; a share of the questions gets a verdict. Sources are reliable, mixed
or unreliable as in ``bench_regimes``.

Wording:

* **own words**: every outlet phrases the claim its own way;
* **formulaic**: every outlet writes the answer with the same wire-style formula ("The city
  council approved the budget on Tuesday, officials said in a statement.") and ends on the same
  boilerplate lines: near-identical sentences in independent articles.

Copiers re-publish an unreliable original's articles (most of its stories, a day later, with a
few words changed), as aggregators do. The project is scored as the app scores it, and each
source's "copies of" list is read: an entry naming a source it did not copy (nor was copied
by) is a false accusation; a planted copier naming its original is found.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

SUBJECTS = ["the city council", "the health ministry", "the port authority", "the central bank",
            "the transport agency", "the school board", "the national museum", "the energy regulator",
            "the football federation", "the water utility", "the housing office", "the police union"]
ACTIONS = [("approved", "the new budget"), ("cancelled", "the stadium contract"), ("raised", "the fees"),
           ("closed", "the northern depot"), ("hired", "an outside auditor"), ("sold", "the old archive"),
           ("delayed", "the vote on the plan"), ("banned", "the night deliveries"), ("paid", "the settlement"),
           ("moved", "its headquarters"), ("reopened", "the east wing"), ("cut", "the research grants")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LEADS = ["According to people familiar with the matter,", "Records seen by this paper show that",
         "In a move that surprised observers,", "As expected by many residents,", "Documents suggest that",
         "After weeks of speculation,", "It emerged this week that", "Sources close to the talks say",
         "In a brief statement,", "Local reporters learned that", "Contrary to earlier rumours,",
         "Two insiders confirmed that", "Minutes of the meeting reveal that", "Our correspondent reports that"]
TAILS = ["ending months of uncertainty", "to the dismay of critics", "without public debate",
         "after a heated session", "citing rising costs", "in a decision few had predicted",
         "amid growing pressure", "according to the minutes", "in a closed meeting", "late in the evening",
         "after a long delay", "with little explanation"]
BOILERPLATE = ["Copyright 2026 by the publisher, all rights reserved, no part may be reproduced.",
               "This story was updated with additional reporting from our correspondents in the region.",
               "Reporting by the newsroom staff; editing by the weekend desk; contact the desk with tips."]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "sor", "vel", "dan", "pri", "mo", "zu", "ler", "fin", "gos",
             "hal", "tri", "ben", "cor", "dul", "pes", "wan", "yor", "quel", "nix", "bra", "sto", "gre"]


@dataclass
class Wording:
    name: str
    formulaic: bool
    copier_clusters: int = 0
    per_cluster: int = 2
    sources: int = 30
    questions: int = 60
    cover: float = 0.25
    verdicts: float = 0.25
    per_article: int = 1  # questions an article covers (a roundup covers several)
    kept: float = 1.0  # share of an original's other sentences a copier keeps (the rest it writes anew)


STYLES = [
    Wording("own words, no copiers", formulaic=False),
    Wording("formulaic wording, no copiers", formulaic=True),
    Wording("own words, 3 copier clusters", formulaic=False, copier_clusters=3),
    Wording("formulaic wording, 3 copier clusters", formulaic=True, copier_clusters=3),
    Wording("own words, 3 clusters of copiers keeping half of each article", formulaic=False, copier_clusters=3,
            kept=0.5),
    Wording("own words, 2 clusters of 4 copiers keeping half of each article", formulaic=False, copier_clusters=2,
            per_cluster=4, kept=0.5),
    Wording("formulaic roundups of 3 questions, no copiers", formulaic=True, per_article=3, cover=0.5),
    Wording("formulaic roundups of 3 questions, 3 copier clusters", formulaic=True, per_article=3, cover=0.5,
            copier_clusters=3),
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _own_sentence(rng: random.Random) -> str:
    """A sentence of the outlet's own: context nobody else writes."""
    words = [_word(rng) for _ in range(rng.randint(9, 15))]
    return " ".join(words).capitalize() + "."


def _claim_sentence(rng: random.Random, q: int, answer: bool, formulaic: bool) -> str:
    subject = SUBJECTS[q % len(SUBJECTS)]
    verb, thing = ACTIONS[(q // len(SUBJECTS) + q) % len(ACTIONS)]
    day = DAYS[q % len(DAYS)]
    did = f"{verb} {thing}" if answer else f"has not {verb} {thing}"
    if formulaic:
        return f"{subject.capitalize()} {did} on {day}, officials said in a statement."
    lead, tail = rng.choice(LEADS), rng.choice(TAILS)
    detail = " ".join(_word(rng) for _ in range(rng.randint(2, 4)))
    return f"{lead} {_word(rng)} {subject} {did} {tail} {_word(rng)}, {detail} said."


def _edited(rng: random.Random, sentence: str, share: float = 0.04) -> str:
    words = sentence.split(" ")
    return " ".join(_word(rng) if rng.random() < share and k else w for k, w in enumerate(words))


@dataclass
class Built:
    path: Path
    source_names: list[str]
    copier_of: dict[str, str]  # copier name -> original name


def build(path: Path, w: Wording, seed: int) -> Built:
    from annotator.core.model import Rating, Relation
    from annotator.services.annotations import AnnotationService
    from annotator.store import create_project

    rng = random.Random(seed)
    store = create_project(path, w.name)
    names = [f"Outlet {i + 1:02d}" for i in range(w.sources)]
    kind = [rng.random() for _ in names]
    accuracy = [rng.betavariate(2, 6) if k < 0.2 else rng.betavariate(5, 5) if k < 0.4 else rng.betavariate(8, 2)
                for k in kind]
    unreliable = [i for i, k in enumerate(kind) if k < 0.2]
    if len(unreliable) < w.copier_clusters:
        unreliable = list(range(w.sources))
    originals = rng.sample(unreliable, w.copier_clusters)
    others = [i for i in range(w.sources) if i not in originals]
    copiers = rng.sample(others, min(len(others), w.copier_clusters * w.per_cluster))
    copier_of = {c: originals[k // w.per_cluster] for k, c in enumerate(copiers)}
    answers = [rng.random() < 0.5 for _ in range(w.questions)]
    service = AnnotationService(store, annotator="checker")
    ids = {}
    for i, name in enumerate(names):
        ids[i] = store.add_source(name, kind="news outlet").id
    # Articles: independent outlets first, then copiers re-publishing their original's. An
    # article covers the questions of one topic (``per_article`` questions) its outlet covers:
    # a claim sentence for each, among sentences of its own.
    Article = tuple[list[str], dict[int, tuple[int, bool]], int]  # sentences, {sentence: (question, answer)}, day
    articles: dict[tuple[int, int], Article] = {}

    def written(s: int, questions: list[int]) -> Article:
        sentences, claims = [], {}
        for q in questions:
            said = answers[q] if rng.random() < accuracy[s] else not answers[q]
            claims[len(sentences)] = (q, said)
            sentences += [_claim_sentence(rng, q, said, w.formulaic),
                          *(_own_sentence(rng) for _ in range(rng.randint(2, 4)))]
        if w.formulaic:
            sentences += BOILERPLATE
        return sentences, claims, rng.randint(1, 20)

    topics = range(0, w.questions, w.per_article)
    for s in range(w.sources):
        if s in copier_of:
            continue
        for t in topics:
            covered = [q for q in range(t, min(t + w.per_article, w.questions)) if rng.random() < w.cover]
            if covered:
                articles[(s, t)] = written(s, covered)
    for c, o in copier_of.items():
        for t in topics:
            if (o, t) in articles and rng.random() < 0.8:
                sentences, claims, day = articles[(o, t)]
                # each sentence taken (a few words changed) or written anew; claim sentences are taken
                taken = [_edited(rng, x) if k in claims or rng.random() < w.kept else _own_sentence(rng)
                         for k, x in enumerate(sentences)]
                articles[(c, t)] = ([*taken, _own_sentence(rng)], claims, day + 1)
            else:  # a few stories of its own
                covered = [q for q in range(t, min(t + w.per_article, w.questions)) if rng.random() < w.cover * 0.3]
                if covered:
                    articles[(c, t)] = written(c, covered)
    claims_by_answer: dict[tuple[int, bool], list[str]] = {}
    with store.transaction():
        for (s, t), (sentences, claims, day) in sorted(articles.items()):
            text = " ".join(sentences)
            doc = store.add_document(text, f"{names[s]} on topic {t}", source_id=ids[s],
                                     published=f"2026-03-{day:02d}")
            at = 0
            for k, sentence in enumerate(sentences):
                if k in claims:
                    q, said = claims[k]
                    claim = service.create_claim(doc.id, at, at + len(sentence.rstrip(".")))
                    claims_by_answer.setdefault((q, said), []).append(claim.id)
                at += len(sentence) + 1
        for q in range(w.questions):
            yes, no = claims_by_answer.get((q, True), []), claims_by_answer.get((q, False), [])
            for group in (yes, no):
                for other in group[1:]:
                    service.link(group[0], other, Relation.SAME)
            if yes and no:
                service.link(yes[0], no[0], Relation.CONTRADICTS)
            if rng.random() < w.verdicts:
                for answer, group in ((True, yes), (False, no)):
                    if group:
                        service.set_verdict(group[0], Rating.TRUE if answer == answers[q] else Rating.FALSE)
    store.close()
    return Built(path, names, {names[c]: names[o] for c, o in copier_of.items()})


def measure(w: Wording, tmp: Path, seeds: int = 10) -> dict:
    from annotator.services.reliability.scores import score_project
    from annotator.store import open_project

    false_entries, accused, found, planted, seconds = 0, set(), 0, 0, 0.0
    for seed in range(seeds):
        path = tmp / f"wording-{seed}-{abs(hash(w.name)) % 10_000}.annotator"
        path.unlink(missing_ok=True)
        built = build(path, w, seed)
        store = open_project(path)
        t0 = time.perf_counter()
        scores = score_project(store)
        seconds += time.perf_counter() - t0
        store.close()
        planted_pairs = {frozenset(p) for p in built.copier_of.items()}
        # copiers of one original share its text too: they are a cluster, not independent
        for c, o in built.copier_of.items():
            for c2, o2 in built.copier_of.items():
                if o == o2 and c != c2:
                    planted_pairs.add(frozenset((c, c2)))
        named = set()
        for score in scores.sources:
            for original in score.copies_of:
                pair = frozenset((score.name, original))
                if pair in planted_pairs:
                    named.add(score.name)
                else:
                    false_entries += 1
                    accused.add((seed, score.name))
        planted += len(built.copier_of)
        found += sum(1 for c in built.copier_of if c in named)
    return {"false": false_entries, "accused": len(accused), "found": found, "planted": planted,
            "seconds": seconds / seeds}


def run(tmp: Path):
    rows = []
    for w in STYLES:
        m = measure(w, tmp)
        rows.append((f"{w.name}: false “copies of” entries (sources accused), 10 projects",
                     f"{m['false']} ({m['accused']})", "0", "yes" if m["false"] == 0 else "NO"))
        if m["planted"]:
            share = m["found"] / m["planted"]
            rows.append((f"{w.name}: copiers naming their original", f"{m['found']} of {m['planted']} ({share:.0%})",
                         "≥ 90%", "yes" if share >= 0.9 else "NO"))
    return "Copies in the text: own and formulaic wording, with and without copiers (30 outlets, 60 questions)", rows
