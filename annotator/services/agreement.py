"""How much annotators agree: on what is a claim, on how claims relate, on verdicts.

Statistics (written out here, no statistics package):

* **Cohen's kappa** for two annotators: ``(p_o - p_e) / (1 - p_e)``, with
  ``p_o`` the share of units they label alike and ``p_e`` the share expected by
  chance from each annotator's own label frequencies;
* **Krippendorff's alpha** for two or more annotators, with missing values:
  ``1 - (n - 1) * sum(o_ck * d2(c, k)) / sum(n_c * n_k * d2(c, k))`` over the
  coincidence matrix ``o``; nominal (``d2`` is 0 or 1) or ordinal (``d2`` from
  the ranks' cumulative frequencies).

Units (see ``docs/interchange.md``): characters of the documents an annotator
highlighted in (labelled claim / no claim, or by claim type), pairs of claims
linked by several annotators (labelled by relation and direction), and claims
rated by several annotators (labelled by rating; the ordinal alpha uses the
order true … false and leaves "unverifiable" out). A claim is identified by its
document (the SHA-256 of its text) and offsets, so identical highlights by two
annotators are one claim, and several project files can be pooled: measure
agreement on the annotators' own files, before merging removes duplicates.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from annotator.core.errors import AnnotatorError
from annotator.core.model import Rating, Relation
from annotator.services.interchange.csv_format import escape_cell
from annotator.store.project import ProjectStore

NO_CLAIM, UNTYPED = "no claim", "(untyped)"
UNNAMED = "(unnamed)"
#: Ratings from true to false, the order the ordinal alpha uses.
RATING_ORDER = (Rating.TRUE, Rating.MOSTLY_TRUE, Rating.MIXED, Rating.MOSTLY_FALSE, Rating.FALSE)
KAPPA, ALPHA, ORDINAL_ALPHA = "Cohen's kappa", "Krippendorff's alpha (nominal)", "Krippendorff's alpha (ordinal)"


# -- the statistics ---------------------------------------------------------------------
def cohen_kappa(table: Mapping[tuple[Hashable, Hashable], float]) -> float | None:
    """Kappa from ``{(label by A, label by B): count}``; None when chance agreement is total."""
    total = sum(table.values())
    if total <= 0:
        return None
    rows: dict[Hashable, float] = defaultdict(float)
    cols: dict[Hashable, float] = defaultdict(float)
    agree = 0.0
    for (a, b), count in table.items():
        rows[a] += count
        cols[b] += count
        if a == b:
            agree += count
    p_o = agree / total
    p_e = sum(rows[c] * cols[c] for c in rows) / (total * total)
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def coincidences(units: Iterable[Sequence], weights: Iterable[float] | None = None
                 ) -> tuple[dict[tuple, float], float]:
    """Krippendorff's coincidence matrix and the (weighted) number of pairable units.

    Each unit is a sequence of values, ``None`` where an annotator gave none;
    a unit with fewer than two values cannot be paired and is left out. A unit
    with weight ``w`` counts as ``w`` identical units.
    """
    matrix: dict[tuple, float] = defaultdict(float)
    pairable = 0.0
    weighted = zip(units, itertools.repeat(1.0)) if weights is None else zip(units, weights, strict=True)
    for unit, weight in weighted:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2 or weight <= 0:
            continue
        pairable += weight
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                matrix[(c, k)] += weight * pairs / (m - 1)
    return dict(matrix), pairable


def krippendorff_alpha(units: Iterable[Sequence], *, metric: str = "nominal",
                       order: Sequence | None = None, weights: Iterable[float] | None = None
                       ) -> float | None:
    """Krippendorff's alpha, ``metric`` "nominal" or "ordinal" (then ``order`` ranks the values).

    None when it is undefined: no pairable values, or only one value used.
    """
    matrix, _ = coincidences(units, weights)
    return alpha_from_coincidences(matrix, metric=metric, order=order)


def alpha_from_coincidences(matrix: Mapping[tuple, float], *, metric: str = "nominal",
                            order: Sequence | None = None) -> float | None:
    n_c: dict = defaultdict(float)
    for (c, _k), value in matrix.items():
        n_c[c] += value
    n = sum(n_c.values())
    if n <= 1:
        return None
    if metric == "nominal":
        def d2(c, k) -> float:
            return 0.0 if c == k else 1.0
    elif metric == "ordinal":
        if order is None:
            raise ValueError("The ordinal metric needs the order of the values.")
        rank = {value: i for i, value in enumerate(order)}
        missing = set(n_c) - set(rank)
        if missing:
            raise ValueError(f"Values not in the order: {sorted(map(str, missing))}")
        freq = [n_c.get(value, 0.0) for value in order]

        def d2(c, k) -> float:
            lo, hi = sorted((rank[c], rank[k]))
            return (sum(freq[lo:hi + 1]) - (freq[lo] + freq[hi]) / 2.0) ** 2
    else:
        raise ValueError(f"Unknown metric {metric!r}")
    observed = sum(value * d2(c, k) for (c, k), value in matrix.items())
    expected = sum(n_c[c] * n_c[k] * d2(c, k) for c in n_c for k in n_c)
    if expected <= 0:
        return None
    return 1.0 - (n - 1.0) * observed / expected


# -- the report -------------------------------------------------------------------------
@dataclass
class AgreementRow:
    aspect: str  # e.g. "spans: claim / no claim"
    statistic: str
    annotators: tuple[str, ...]
    units: int
    unit: str  # "characters", "claim pairs", "claims"
    value: float | None

    @property
    def measure(self) -> str:
        return f"{self.aspect} – {self.statistic}"


@dataclass
class AgreementReport:
    annotators: list[str] = field(default_factory=list)
    rows: list[AgreementRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self) -> list[tuple[str, str, str, str]]:
        return [(r.measure, ", ".join(r.annotators), f"{r.units} {r.unit}",
                 "n/a" if r.value is None else f"{r.value:.3f}") for r in self.rows]

    def lines(self) -> list[str]:
        out = []
        if self.rows:
            header = ("measure", "annotators", "units", "value")
            rows = [header, *self.table()]
            widths = [max(len(row[i]) for row in rows) for i in range(4)]
            for i, row in enumerate(rows):
                out.append("  ".join(cell.ljust(w) if j < 3 else cell.rjust(w)
                                     for j, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
                if i == 0:
                    out.append("  ".join("-" * w for w in widths))
            if any(r.value is None for r in self.rows):
                out.append("n/a: every unit got the same label, so agreement beyond chance is undefined.")
        out.extend(self.notes)
        return out

    def write_csv(self, path: str | Path) -> None:
        """Write the rows as UTF-8 CSV; text cells are protected against formula injection."""
        path = Path(path).expanduser()
        try:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(("measure", "statistic", "annotators", "units", "unit", "value"))
                for r in self.rows:
                    writer.writerow((escape_cell(r.aspect), escape_cell(r.statistic),
                                     escape_cell("; ".join(r.annotators)), r.units, r.unit,
                                     "" if r.value is None else f"{r.value:.6f}"))
        except OSError as exc:
            raise AnnotatorError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def _name(annotator: str | None) -> str:
    return (annotator or "").strip() or UNNAMED


_Unit = TypeVar("_Unit", bound=Hashable)


def _add_rows(report: AgreementReport, aspect: str, unit: str,
              units: Mapping[_Unit, Mapping[str, Hashable]], weights: Mapping[_Unit, float] | None,
              *, ordinal: bool = False) -> None:
    """For ``{unit: {annotator: label}}``: nominal alpha over all annotators and kappa per
    pair, or (``ordinal``) only the ordinal alpha over :data:`RATING_ORDER`."""
    shared = {u: labels for u, labels in units.items() if len(labels) >= 2}
    names = sorted({a for labels in shared.values() for a in labels})
    if len(names) < 2:
        report.notes.append(f"{aspect}: no {unit} labelled by two or more annotators.")
        return
    weight = (lambda u: weights[u]) if weights is not None else (lambda u: 1.0)
    keys = list(shared)
    matrix, pairable = coincidences(([shared[u].get(a) for a in names] for u in keys),
                                    (weight(u) for u in keys))
    if ordinal:
        report.rows.append(AgreementRow(aspect, ORDINAL_ALPHA, tuple(names), round(pairable), unit,
                                        alpha_from_coincidences(matrix, metric="ordinal",
                                                                order=RATING_ORDER)))
        return
    report.rows.append(AgreementRow(aspect, ALPHA, tuple(names), round(pairable), unit,
                                    alpha_from_coincidences(matrix)))
    for a, b in itertools.combinations(names, 2):
        table: dict[tuple, float] = defaultdict(float)
        for u in keys:
            if a in shared[u] and b in shared[u]:
                table[(shared[u][a], shared[u][b])] += weight(u)
        if table:
            report.rows.append(AgreementRow(aspect, KAPPA, (a, b), round(sum(table.values())), unit,
                                            cohen_kappa(table)))


@dataclass(frozen=True)
class _Span:
    """A claim as agreement sees it: a place in a text (documents match by SHA-256)."""

    document: str
    start: int
    end: int


@dataclass
class _Annotations:
    lengths: dict[str, int] = field(default_factory=dict)
    claims: list[tuple[str, _Span, str]] = field(default_factory=list)  # annotator, span, type name
    links: list[tuple[str, _Span, _Span, Relation]] = field(default_factory=list)
    verdicts: list[tuple[str, _Span, Rating, str]] = field(default_factory=list)  # …, timestamp


def _collect(stores: Sequence[ProjectStore]) -> _Annotations:
    data = _Annotations()
    for store in stores:
        docs = {d.id: d.sha256 or d.id for d in store.documents()}
        for d in store.documents():
            data.lengths[docs[d.id]] = d.length or 0
        types = {t.id: t.name for t in store.claim_types()}
        spans = {}
        for c in store.claims():
            spans[c.id] = _Span(docs[c.document_id], c.start, c.end)
            data.claims.append((_name(c.annotator), spans[c.id],
                                types.get(c.type_id, UNTYPED) if c.type_id else UNTYPED))
        for link in store.links():
            if link.from_claim_id in spans and link.to_claim_id in spans:
                data.links.append((_name(link.annotator), spans[link.from_claim_id],
                                   spans[link.to_claim_id], link.relation))
        for v in store.verdicts():
            if v.claim_id in spans:
                data.verdicts.append((_name(v.annotator), spans[v.claim_id], v.rating, v.updated_at or ""))
    return data


def _span_labels(claims: list[tuple[str, _Span, str]], length: int, typed: bool
                 ) -> tuple[dict[tuple[int, int], dict[str, str]], dict[tuple[int, int], int]]:
    """Per-segment labels of one document: ``({(start, end): {annotator: label}}, {segment: length})``."""
    mine: dict[str, list[tuple[_Span, str]]] = defaultdict(list)
    for annotator, span, type_name in claims:
        mine[annotator].append((span, type_name))
    cuts = sorted({0, length, *(s.start for _, s, _ in claims), *(s.end for _, s, _ in claims)})
    units, weights = {}, {}
    for start, end in itertools.pairwise(cuts):
        if end <= start or start >= length:
            continue
        labels = {}
        for annotator, own in mine.items():
            covering = [(s, t) for s, t in own if s.start <= start and end <= s.end]
            if not covering:
                labels[annotator] = NO_CLAIM
            elif not typed:
                labels[annotator] = "claim"
            else:  # the innermost claim decides when an annotator's claims nest
                labels[annotator] = min(covering, key=lambda st: (st[0].end - st[0].start, st[0].start,
                                                                  st[1]))[1]
        units[start, end] = labels
        weights[start, end] = end - start
    return units, weights


def _spans(data: _Annotations, report: AgreementReport) -> None:
    by_doc: dict[str, list[tuple[str, _Span, str]]] = defaultdict(list)
    for claim in data.claims:
        by_doc[claim[1].document].append(claim)
    for typed, aspect in ((False, "spans: claim / no claim"), (True, "spans: claim type")):
        units: dict[tuple[str, int, int], dict[str, str]] = {}
        weights: dict[tuple[str, int, int], float] = {}
        for doc, claims in by_doc.items():
            if len({annotator for annotator, _, _ in claims}) < 2:
                continue
            seg_units, seg_weights = _span_labels(claims, data.lengths.get(doc, 0), typed)
            units.update({(doc, *k): v for k, v in seg_units.items()})
            weights.update({(doc, *k): v for k, v in seg_weights.items()})
        _add_rows(report, aspect, "characters", units, weights)


def _links(data: _Annotations, report: AgreementReport) -> None:
    labels: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for annotator, a, b, relation in data.links:
        if a == b:
            continue
        pair = tuple(sorted((a, b), key=lambda s: (s.document, s.start, s.end)))
        label = relation.value
        if not relation.symmetric:
            label += " →" if a == pair[0] else " ←"
        labels[pair][annotator].add(label)
    units = {pair: {who: " + ".join(sorted(found)) for who, found in by.items()}
             for pair, by in labels.items()}
    _add_rows(report, "links: relation", "claim pairs", units, None)


def _verdicts(data: _Annotations, report: AgreementReport) -> None:
    units: dict[_Span, dict[str, Rating]] = defaultdict(dict)
    for annotator, span, rating, _stamp in sorted(data.verdicts, key=lambda v: v[3]):
        units[span][annotator] = rating  # a later verdict by the same annotator on the same span wins
    _add_rows(report, "verdicts: rating", "claims", units, None)
    ordered = {span: {who: r for who, r in by.items() if r != Rating.UNVERIFIABLE}
               for span, by in units.items()}
    _add_rows(report, "verdicts: rating, true…false", "claims", ordered, None, ordinal=True)


def agreement_report(store: ProjectStore, *others: ProjectStore) -> AgreementReport:
    """Agreement between annotators on spans, link relations and verdicts.

    With ``others``, the annotations of several projects are pooled (documents
    match by the SHA-256 of their text), which is how to compare annotators who
    worked in separate project files before they are merged.
    """
    data = _collect([store, *others])
    report = AgreementReport()
    everyone = {c[0] for c in data.claims} | {link[0] for link in data.links} | {v[0] for v in data.verdicts}
    report.annotators = sorted(everyone)
    if len(everyone) < 2:
        who = f"only one: {report.annotators[0]}" if everyone else "none yet"
        report.notes.append(f"Agreement needs at least two annotators; "
                            f"{'this project has' if not others else 'these projects have'} {who}.")
        return report
    _spans(data, report)
    _links(data, report)
    _verdicts(data, report)
    return report


__all__ = [
    "AgreementReport",
    "AgreementRow",
    "agreement_report",
    "alpha_from_coincidences",
    "cohen_kappa",
    "coincidences",
    "krippendorff_alpha",
]
