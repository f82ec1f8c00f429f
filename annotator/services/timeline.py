"""Who said it happened when: the claims placed on a time axis by the dates they state, one
row per proposition, and the documents by their publication dates.

A claim's dates are those :mod:`annotator.services.facts` reads from its quote, or from its
sentence or a date line just above it when the quote gives none (as the Disagreements list
reads them). A proposition is the claims joined by "same claim" and "supports" links; its row
is labelled by its first claim. Qt-free: the app builds it in a worker and draws it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from annotator.services.facts import DATE, YEAR
from annotator.services.value_conflicts import NO_SOURCE, FactsCache, propositions, read_project, reading


@dataclass(frozen=True)
class TimePoint:
    """A date a claim states: the year (and month, when it gives one), as written."""

    claim_id: str
    document_id: str
    source: str
    quote: str
    year: int
    month: int | None
    text: str

    @property
    def position(self) -> float:
        """Where on the axis, in years: a month at its middle, a bare year at its middle too."""
        return self.year + ((self.month - 0.5) / 12 if self.month else 0.5)


@dataclass(frozen=True)
class Published:
    document_id: str
    title: str
    source: str
    year: int
    month: int | None

    @property
    def position(self) -> float:
        return self.year + ((self.month - 0.5) / 12 if self.month else 0.5)


@dataclass
class TimelineRow:
    label: str                # the proposition's first claim, quoted
    points: list[TimePoint] = field(default_factory=list)  # (complete once built: what follows is cached)

    @cached_property
    def disagrees(self) -> bool:
        """Two of its claims, of different sources, state years that have none in common (a
        claim "from 2014 to 2016" states both years; one source's two years are not a
        disagreement)."""
        by_claim: dict[str, tuple[str, set[int]]] = {}
        for p in self.points:
            by_claim.setdefault(p.claim_id, (p.source, set()))[1].add(p.year)
        kinds = list({(source, frozenset(years)) for source, years in by_claim.values()})[:200]
        return any(a[0] != b[0] and not a[1] & b[1] for i, a in enumerate(kinds) for b in kinds[i + 1:])

    @cached_property
    def marks(self) -> list[TimePoint]:
        """One point per date and source, in the order first stated (what a chart draws: a
        thousand claims repeating one date are one mark per source)."""
        first: dict[tuple, TimePoint] = {}
        for p in self.points:
            first.setdefault((p.year, p.month, p.source), p)
        return list(first.values())


@dataclass
class Timeline:
    rows: list[TimelineRow]
    published: list[Published]
    sources: list[str]        # in the order their colours are given
    split: int = 0            # rows whose sources give different years

    @cached_property
    def colour_index(self) -> dict[str, int]:
        """Each source's place in ``sources`` (its colour), looked up once per mark."""
        return {name: k for k, name in enumerate(self.sources)}

    @cached_property
    def span(self) -> tuple[int, int] | None:
        """The first and last year on the axis (worked out once: the chart asks for every point)."""
        years = [p.year for row in self.rows for p in row.points] + [d.year for d in self.published]
        return (min(years), max(years)) if years else None


_PUBLISHED = re.compile(r"\s*(?P<y>(?:1[5-9]|20)\d\d)(?:-(?P<m>0[1-9]|1[0-2])(?:-\d\d)?)?(?![\d-])")


def _published(value: str | None) -> tuple[int, int | None] | None:
    """A document's publication date as stored (ISO 8601 from imports, or as typed)."""
    if not value:
        return None
    m = _PUBLISHED.match(value)  # (as stored: ISO 8601, 2014, 2014-05 or 2014-05-21 and a time)
    return (int(m.group("y")), int(m.group("m")) if m.group("m") else None) if m else None


def build_timeline(store, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                   progress: Callable[[int, int, str], None] | None = None) -> Timeline:
    facts, links, sources = read_project(store, cancelled, cache=cache, progress=progress)
    index = {f.claim_id: i for i, f in enumerate(facts)}
    linked: dict[tuple[int, int], str] = {}
    for from_id, to_id, relation in links:
        a, b = index.get(from_id), index.get(to_id)
        if a is not None and b is not None and a != b:
            linked.setdefault((min(a, b), max(a, b)), relation)
    groups = propositions(len(facts), linked)
    rows: dict[int, TimelineRow] = {}
    for i, f in enumerate(facts):
        dated = [v for v in f.facts if v.kind in (YEAR, DATE)]
        if not dated:
            continue
        group = groups[i]
        row = rows.get(id(group))
        if row is None:  # (labelled by its first claim)
            row = rows[id(group)] = TimelineRow(f"“{' '.join(facts[group[0]].quote.split())}”")
        for v in dated:
            when: tuple[int, int | None] = (v.key, None) if v.kind == YEAR else v.key  # type: ignore[assignment]
            row.points.append(TimePoint(f.claim_id, f.document_id, f.source, f.quote, when[0], when[1], v.text))
    published = []
    for d in store.documents():
        stated = _published(d.published)
        if stated is not None:
            published.append(Published(d.id, d.title, sources.get(d.id, NO_SOURCE), stated[0], stated[1]))
    ordered = sorted(rows.values(), key=lambda r: (min(p.position for p in r.points), r.label))
    names = sorted({p.source for r in ordered for p in r.points} | {d.source for d in published}, key=str.casefold)
    # (what the chart asks of each row is worked out here, in the worker, not while it paints)
    split = 0
    for row in ordered:
        _ = row.marks
        split += row.disagrees
    timeline = Timeline(ordered, sorted(published, key=lambda d: d.position), names, split)
    _ = timeline.span
    return timeline


def project_file_timeline(path, cancelled: Callable[[], bool] = lambda: False, *, cache: FactsCache | None = None,
                          progress: Callable[[int, int, str], None] | None = None) -> Timeline:
    """The timeline of the project at ``path`` (see ``value_conflicts.reading``)."""
    return reading(path, build_timeline, cancelled, cache=cache, progress=progress)
