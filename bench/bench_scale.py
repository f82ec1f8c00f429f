"""Scale: a newsroom-size project (100,000 claims), generated for the benchmarks.

The project is generated deterministically (seeded) through the store's own methods, so
the schema, its indexes and the full-text triggers do what they do for a person.
``size`` scales every count: 0.01 gives a 1,000-claim project.
"""

from __future__ import annotations

import datetime as _dt
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SEED = 20_261_122
BASE = dict(sources=50, documents=1_000, claims=100_000, links=100_000, verdicts=20_000)
DOC_CHARS = 5_000
STORY_SIZE = 10  # documents per story: most links join documents that cover the same story
ANNOTATORS = ("maria.k", "tom.b", "aisha.r", "jonas.w", "li.chen", "sam.o")
FILTER_WORD = "government"  # typed into the claims filter, one key at a time (10 letters)

# -- a small vocabulary of news English -------------------------------------------------
FIRST = ("Maria Tom Aisha Jonas Li Samuel Fatima Pedro Ingrid Kwame Elena Rahul Olga Chen "
         "Amara Lucas Sofia Dmitri Nadia Hiro Grace Omar Leila Mateo Hannah Yusuf Clara Ivan").split()
LAST = ("Okafor Brennan Rahman Weber Chen Osei Novak Silva Lindqvist Mensah Petrova Sharma "
        "Kowalski Tanaka Haddad Moreau Johansson Duarte Nakamura Adeyemi Fischer Costa Ivanova").split()
ROLES = ("a spokesperson", "the finance minister", "the mayor", "a senior economist", "the chief executive",
         "a police spokesman", "the health commissioner", "an opposition lawmaker", "a union leader",
         "the company's founder", "a former adviser", "the agency's director")
ORGS = ("the Ministry of Health", "the Central Bank", "Northwind Energy", "the Port Authority",
        "the World Health Organization", "the Statistics Office", "Harbor Logistics", "the city council",
        "the National Audit Office", "Meridian Pharma", "the Federal Reserve", "the Electoral Commission",
        "Atlas Mining", "the University of Lagos", "the European Commission", "Bluewave Telecom")
PLACES = ("Lagos", "Hamburg", "Lima", "Osaka", "Nairobi", "Lyon", "Manila", "Porto", "Accra", "Krakow",
          "Chennai", "Denver", "Valparaiso", "Tampere", "Izmir", "the capital", "the northern region",
          "the coastal provinces", "three districts")
NOUNS = ("government", "budget", "deficit", "vaccine", "programme", "contract", "report", "survey",
         "election", "inflation rate", "unemployment rate", "tax", "subsidy", "hospital", "school",
         "pipeline", "harbour", "bridge", "court", "policy", "agreement", "investigation", "dataset",
         "emissions target", "housing market", "pension fund", "minimum wage", "border", "factory")
PLURALS = ("jobs", "doses", "homes", "patients", "students", "workers", "voters", "flights", "tonnes of grain",
           "barrels of oil", "migrants", "companies", "beds", "complaints", "arrests", "households")
VERBS_PAST = ("rose", "fell", "doubled", "dropped", "increased", "declined", "grew", "shrank", "stalled",
              "recovered", "surged", "slipped")
ACTIONS = ("approved", "rejected", "announced", "cancelled", "delayed", "expanded", "funded", "audited",
           "criticised", "defended", "postponed", "signed")
ADJ = ("new", "controversial", "long-awaited", "official", "independent", "preliminary", "annual",
       "confidential", "regional", "emergency", "disputed", "revised")
PERIODS = ("year", "month", "quarter", "week", "spring", "winter", "decade")
UNITS = ("million", "billion", "thousand")
CURRENCY = ("dollars", "euros", "pounds", "naira", "yen")
FILLER = ("However,", "Meanwhile,", "In a statement,", "Officials said", "Critics argued that", "By contrast,",
          "Separately,", "Earlier this year,", "On Tuesday,", "According to the records,")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _number(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"{rng.randint(2, 950):,}"
    if kind < 0.55:
        return f"{rng.randint(1, 99)}.{rng.randint(0, 9)} {rng.choice(UNITS)}"
    if kind < 0.8:
        return f"{rng.randint(1_000, 990_000):,}"
    return f"{rng.randint(11, 99)}"


def _sentence(rng: random.Random) -> str:
    """One plausible sentence of a news report, with names, figures and dates."""
    year = rng.randint(1998, 2026)
    t = rng.randrange(10)
    if t == 0:
        s = (f"{_name(rng)}, {rng.choice(ROLES)}, said the {rng.choice(NOUNS)} had {rng.choice(VERBS_PAST)} "
             f"by {rng.randint(1, 60)} percent since {year}.")
    elif t == 1:
        s = (f"According to {rng.choice(ORGS)}, {_number(rng)} {rng.choice(PLURALS)} were affected in "
             f"{rng.choice(PLACES)} last {rng.choice(PERIODS)}.")
    elif t == 2:
        s = (f"The {rng.choice(ADJ)} {rng.choice(NOUNS)} was {rng.choice(ACTIONS)} by {rng.choice(ORGS)} "
             f"in {rng.choice(['January', 'March', 'June', 'September', 'November'])} {year}.")
    elif t == 3:
        s = (f"{rng.choice(ORGS).capitalize()} {rng.choice(ACTIONS)} a {rng.choice(ADJ)} {rng.choice(NOUNS)} "
             f"worth {rng.randint(2, 900)} {rng.choice(UNITS)} {rng.choice(CURRENCY)}.")
    elif t == 4:
        s = (f"In {rng.choice(PLACES)}, the number of {rng.choice(PLURALS)} {rng.choice(VERBS_PAST)} "
             f"from {_number(rng)} to {_number(rng)} between {year - rng.randint(1, 9)} and {year}.")
    elif t == 5:
        s = (f"\"The {rng.choice(NOUNS)} is {rng.choice(['working', 'failing', 'on track', 'under review'])},\" "
             f"{_name(rng)} told reporters in {rng.choice(PLACES)}.")
    elif t == 6:
        s = (f"{rng.choice(FILLER)} the {rng.choice(NOUNS)} {rng.choice(VERBS_PAST)} to {rng.randint(1, 40)}."
             f"{rng.randint(0, 9)} percent, the lowest level since {year}.")
    elif t == 7:
        s = (f"{_name(rng)} denied that the {rng.choice(NOUNS)} had been {rng.choice(ACTIONS)} without a "
             f"vote, saying {_number(rng)} {rng.choice(PLURALS)} depended on it.")
    elif t == 8:
        s = (f"Figures published by {rng.choice(ORGS)} show {_number(rng)} {rng.choice(PLURALS)} in "
             f"{year}, up from {_number(rng)} a {rng.choice(PERIODS)} earlier.")
    else:
        s = (f"{rng.choice(FILLER)} the {rng.choice(ADJ)} {rng.choice(NOUNS)} in {rng.choice(PLACES)} "
             f"remains {rng.choice(['disputed', 'popular', 'underfunded', 'on hold', 'unclear'])}.")
    return s[0].upper() + s[1:]


def _article(rng: random.Random, chars: int) -> tuple[str, str]:
    """(title, text of about ``chars`` characters in paragraphs of three to six sentences)."""
    title = (f"{rng.choice(ORGS).replace('the ', '').capitalize()} {rng.choice(ACTIONS)} "
             f"{rng.choice(NOUNS)} in {rng.choice(PLACES)}")
    paragraphs, size = [], 0
    target = rng.randint(int(chars * 0.9), int(chars * 1.1))
    while size < target:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
        paragraphs.append(para)
        size += len(para) + 2
    return title, "\n\n".join(paragraphs)


class _Clock:
    """Deterministic ids (ULIDs drawn from the seeded generator) and timestamps."""

    def __init__(self, rng: random.Random):
        from annotator.core.ids import _CROCKFORD

        self.rng = rng
        self.ms = int(_dt.datetime(2026, 1, 5, 8, 0, tzinfo=_dt.timezone.utc).timestamp() * 1000)
        self._pairs = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> 2 characters

    def tick(self) -> tuple[str, str]:
        """(a new id, its creation time like ``2026-01-05T08:00:00.123Z``), a moment later."""
        self.ms += self.rng.randint(200, 40_000)
        value = (self.ms << 80) | self.rng.getrandbits(80)
        ulid = "".join([self._pairs[(value >> shift) & 1023] for shift in range(120, -1, -10)])
        seconds, ms = divmod(self.ms, 1000)
        return ulid, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{ms:03d}Z"


def _spread(rng: random.Random, total: int, parts: int, jitter: float) -> list[int]:
    """``total`` split into ``parts`` counts that vary by about ``jitter`` and sum exactly."""
    base = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    for i in range(0, parts - 1, 2):
        d = rng.randint(-int(base[i] * jitter), int(base[i] * jitter))
        d = max(-base[i] + 1, min(d, base[i + 1] - 1))
        base[i] += d
        base[i + 1] -= d
    return base


def _claim_spans(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """``count`` spans of 8–80 characters that start and end on word boundaries, in reading
    order, one per slot of the text so that only some of them overlap their neighbours."""
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [w[0] for w in words]
    from bisect import bisect_left

    slot = len(text) / count
    spans, seen = [], set()
    for k in range(count):
        for _attempt in range(20):
            pos = int(k * slot + rng.random() * slot)
            i = min(bisect_left(starts, pos), len(words) - 1)
            start = words[i][0]
            ends = [e for _s, e in words[i:i + 16] if 8 <= e - start <= 80]
            if not ends:
                continue
            end = rng.choice(ends)
            if (start, end) not in seen:
                break
        else:  # a crowded slot: any fresh span of the document
            while True:
                i = rng.randrange(len(words) - 16)
                start = words[i][0]
                ends = [e for _s, e in words[i:i + 16] if 8 <= e - start <= 80]
                if ends and (start, end := rng.choice(ends)) not in seen:
                    break
        seen.add((start, end))
        spans.append((start, end))
    return spans


def build_project(path: Path, size: float = 1.0, seed: int = SEED) -> dict:
    """Create the project at ``path``; return its counts and the seconds each stage took."""
    from annotator.core.model import Claim, ImportedDocument, Link, Rating, Relation, Verdict
    from annotator.core.text import context
    from annotator.services.annotations import AnnotationService
    from annotator.services.importing import ImportService
    from annotator.store import create_project

    n = {k: max(1, round(v * size)) for k, v in BASE.items()}
    n["documents"] = max(2, n["documents"])
    rng = random.Random(seed)
    clock = _Clock(rng)
    times = {}
    t0 = time.perf_counter()
    store = create_project(path, f"Newsroom ×{size:g}")
    importer = ImportService(store)
    types = [t.id for t in store.claim_types()]

    # Sources, each with a hidden reliability that its verdicts follow.
    kinds = ("news outlet", "wire service", "blog", "official", "social media")
    sources = []
    with store.transaction():
        for i in range(n["sources"]):
            name = f"{rng.choice(['The', 'Daily', 'Morning', 'Evening', 'Metro', 'Coastal'])} " \
                   f"{rng.choice(['Herald', 'Tribune', 'Courier', 'Ledger', 'Post', 'Observer', 'Wire'])} {i + 1}"
            sid, stamp = clock.tick()
            store.add_source(name, url=f"https://news{i + 1}.example.org", kind=rng.choice(kinds), id=sid)
            sources.append((sid, name, rng.betavariate(4, 2)))
    reliability = {sid: p for sid, _name_, p in sources}

    # Documents, through the import service (sources resolved by name, full-text index).
    docs = []  # (id, source id, text)
    with store.transaction():
        for i in range(n["documents"]):
            sid, name, _p = sources[i % len(sources)]
            title, text = _article(rng, DOC_CHARS)
            doc_id, _stamp = clock.tick()
            imported = ImportedDocument(text=text, title=title, import_format="text",
                                        original_filename=f"story-{i // STORY_SIZE:04d}-{i:05d}.txt",
                                        author=_name(rng), published=f"{rng.randint(2019, 2026)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
            result = importer.add(imported, source_name=name, id=doc_id)
            assert result.ok, result.message
            docs.append((doc_id, sid, text))
    times["documents"] = time.perf_counter() - t0

    # Claims: about a hundred per document, some overlapping their neighbours.
    t1 = time.perf_counter()
    claims_by_doc: list[list[str]] = []
    claim_source: dict[str, str] = {}
    counts = _spread(rng, n["claims"], len(docs), 0.3)
    with store.transaction():
        for (doc_id, sid, text), count in zip(docs, counts):
            ids = []
            for start, end in _claim_spans(rng, text, count):
                start, end = AnnotationService.check_span(text, start, end)
                prefix, suffix = context(text, start, end)
                cid, stamp = clock.tick()
                note = f"Check with {_name(rng)}." if rng.random() < 0.08 else None
                store.insert_claim(Claim(cid, doc_id, start, end, text[start:end], prefix, suffix,
                                         rng.choice(types) if rng.random() < 0.9 else None, note,
                                         rng.choice(ANNOTATORS), stamp, stamp))
                ids.append(cid)
                claim_source[cid] = sid
            claims_by_doc.append(ids)
    times["claims"] = time.perf_counter() - t1

    # Links: mostly between documents of the same story, some anywhere, a few inside a document.
    t2 = time.perf_counter()
    relations = [Relation.SAME] * 30 + [Relation.SUPPORTS] * 35 + [Relation.CONTRADICTS] * 20 + [Relation.DERIVED] * 15
    seen: set[tuple] = set()
    made = 0
    with store.transaction():
        while made < n["links"]:
            a_doc = rng.randrange(len(docs))
            roll = rng.random()
            if roll < 0.8:
                story = a_doc - a_doc % STORY_SIZE
                b_doc = min(story + rng.randrange(STORY_SIZE), len(docs) - 1)
                if b_doc == a_doc:
                    continue
            elif roll < 0.9:
                b_doc = rng.randrange(len(docs))
                if b_doc == a_doc:
                    continue
            else:
                b_doc = a_doc
            a, b = rng.choice(claims_by_doc[a_doc]), rng.choice(claims_by_doc[b_doc])
            relation = rng.choice(relations)
            key = (min(a, b), max(a, b), relation) if relation.symmetric else (a, b, relation)
            if a == b or key in seen:
                continue
            seen.add(key)
            lid, stamp = clock.tick()
            store.insert_link(Link(lid, a, b, relation, None, rng.choice(ANNOTATORS), stamp, stamp))
            made += 1
    times["links"] = time.perf_counter() - t2

    # Verdicts: several annotators; ratings follow each source's hidden reliability.
    t3 = time.perf_counter()
    all_claims = [cid for ids in claims_by_doc for cid in ids]
    checked = rng.sample(all_claims, min(len(all_claims), int(n["verdicts"] / 1.25) + 1))
    pairs: dict[tuple[str, str], None] = {}  # (claim, annotator), in order, no repeats
    for cid in checked:
        pairs[(cid, rng.choice(ANNOTATORS))] = None
    while len(pairs) < n["verdicts"]:  # a second opinion on some claims
        pairs[(rng.choice(checked), rng.choice(ANNOTATORS))] = None
    scale = [Rating.TRUE, Rating.MOSTLY_TRUE, Rating.MIXED, Rating.MOSTLY_FALSE, Rating.FALSE]
    with store.transaction():
        for cid, who in list(pairs)[: n["verdicts"]]:
            if rng.random() < 0.05:
                rating = Rating.UNVERIFIABLE
            else:
                truth = rng.random() < reliability[claim_source[cid]]
                rating = scale[rng.choice([0, 0, 1]) if truth else rng.choice([2, 3, 4, 4])]
            vid, stamp = clock.tick()
            store.insert_verdict(Verdict(vid, cid, rating, None, None, who, stamp, stamp))
    times["verdicts"] = time.perf_counter() - t3
    counts_ = store.counts()
    store.close()
    times["total"] = time.perf_counter() - t0
    return {"counts": counts_.__dict__, "times": times}


if __name__ == "__main__":  # the child process that builds a project: path size
    sys.path.insert(0, str(REPO))
    import json

    out = build_project(Path(sys.argv[1]), float(sys.argv[2]))
    print(json.dumps(out))
