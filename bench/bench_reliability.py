"""Reliability scores: Emergent (real outlets, real verdicts), Book (multi-valued), synthetic scale.

``python bench/run.py emergent book synthetic``. Baselines from ``truthdiscovery`` and
``crowd-kit`` run only where those packages are installed (a separate benchmark venv, never
the app's); their rows are skipped otherwise. Data under ../shared/data may be absent: the
suite then prints one row saying so.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import statistics
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

from annotator.services.reliability.engine import Config, Problem, fit
from annotator.services.reliability.synthetic import coverage, generate

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
FRACTIONS = (0.10, 0.25, 0.50, 0.80)
SPLITS = 10


def _try_import(name):
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return __import__(name)
    except Exception:
        return None


def spearman(a, b) -> float:
    def rank(x):
        x = np.asarray(x, dtype=float)
        order = np.argsort(x, kind="stable")
        r = np.empty(x.size)
        r[order] = np.arange(x.size)
        for v in np.unique(x):  # average ranks for ties
            m = x == v
            r[m] = r[m].mean()
        return r
    if len(a) < 3:
        return float("nan")
    return float(np.corrcoef(rank(a), rank(b))[0, 1])


def _ms(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def _ok(flag: bool) -> str:
    return "yes" if flag else "NO"


# -- Emergent ----------------------------------------------------------------------------

def load_emergent():
    path = DATA / "emergent" / "edata_all.csv"
    if not path.exists():
        return None
    net, truth = {}, {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            host = row["url"].split("//", 1)[-1].split("/", 1)[0].lower()
            for prefix in ("www.", "m."):
                if host.startswith(prefix):
                    host = host[len(prefix):]
            truth[row["claimId"]] = row["claimTruth"]
            stance = {"for": 1, "against": -1}.get(row["articleHeadlineStance"])
            if stance is not None:
                net[(host, row["claimId"])] = net.get((host, row["claimId"]), 0) + stance
    pairs = sorted((k, v) for k, v in net.items() if v != 0)  # ties: no assertion
    outlets = sorted({o for (o, _), _ in pairs})
    claims = sorted({c for (_, c), _ in pairs})
    oi, ci = {o: i for i, o in enumerate(outlets)}, {c: i for i, c in enumerate(claims)}
    src = np.array([oi[o] for (o, _), _ in pairs])
    prop = np.array([ci[c] for (_, c), _ in pairs])
    pol = np.array([1 if v > 0 else -1 for _, v in pairs], dtype=np.int8)
    label = np.array([{"true": 1.0, "false": 0.0}.get(truth[c], np.nan) for c in claims])
    return outlets, claims, src, prop, pol, label


def _splits(labeled, frac, rng):
    k = round(frac * labeled.size)
    give = rng.choice(labeled, k, replace=False)
    return give, np.setdiff1d(labeled, give)


def _majority(src, prop, pol, n_props, tie_true: bool):
    s = np.bincount(prop, weights=pol.astype(float), minlength=n_props)
    return (s > 0) | ((s == 0) & tie_true)


def _outlet_accuracy(src, prop, pol, label, claims_mask, n_sources, min_n=3):
    on = claims_mask[prop] & ~np.isnan(label[prop])
    right = ((pol > 0) == (label[prop] == 1)) & on
    n = np.bincount(src, weights=on.astype(float), minlength=n_sources)
    acc = np.divide(np.bincount(src, weights=right.astype(float), minlength=n_sources), n,
                    out=np.full(n_sources, np.nan), where=n > 0)
    return acc, n >= min_n


def run_emergent(tmp: Path):
    title = "Reliability on Emergent (outlets for/against rumours; held-out verdict accuracy)"
    data = load_emergent()
    if data is None:
        return title, [("Emergent data", "skipped: ../shared/data/emergent/edata_all.csv not found", "-", "")]
    outlets, claims, src, prop, pol, label = data
    S, P = len(outlets), len(claims)
    labeled = np.flatnonzero(~np.isnan(label))
    rows = [("data", f"{src.size} assertions, {S} outlets, {P} claims, {labeled.size} with a verdict", "-", "")]
    all_mask = np.ones(P, dtype=bool)
    true_acc, eligible = _outlet_accuracy(src, prop, pol, label, all_mask, S)

    def ours(verdict):
        return fit(Problem(S, P, src, prop, pol, verdict))

    t0 = time.perf_counter()
    res0 = ours(np.full(P, np.nan))
    t_fit = time.perf_counter() - t0
    acc0 = np.mean((res0.prob[labeled] > 0.5) == (label[labeled] == 1))
    rows.append(("BetaTruth, no verdicts: claim accuracy (all labelled claims; in-sample, see next row)",
                 f"{acc0:.3f}", "-", ""))
    oos, picks = _no_verdict_out_of_sample(S, P, src, prop, pol, label, labeled)
    rows.append(("BetaTruth, no verdicts, out-of-sample: assertion weight chosen on a random half, "
                 f"accuracy on the other ({HALVINGS} halvings)",
                 f"{statistics.mean(oos):.3f} ± {statistics.pstdev(oos):.3f} (min {min(oos):.3f}; chose {picks})",
                 "≥ 0.73", _ok(statistics.mean(oos) >= 0.73)))
    sym = fit(Problem(S, P, src, prop, pol, np.full(P, np.nan)), Config(evidence_scale=(1.0, 1.0)))
    rows.append(("  the same claims with assertion weight = denial weight (the previous default)",
                 f"{np.mean((sym.prob[labeled] > 0.5) == (label[labeled] == 1)):.3f}", "-", ""))
    for tie in (True, False):
        mv = _majority(src, prop, pol, P, tie)
        rows.append((f"majority vote (ties → {'true' if tie else 'false'}), no verdicts",
                     f"{np.mean(mv[labeled] == (label[labeled] == 1)):.3f}", "-", ""))
    ok = eligible & ~np.isnan(res0.estimate)
    rows.append((f"BetaTruth, no verdicts: Spearman(estimate, verdict accuracy), {ok.sum()} outlets",
                 f"{spearman(res0.estimate[ok], true_acc[ok]):.2f}", "-", ""))

    gold_mv = []
    for frac in FRACTIONS:
        accs, rhos, mv_accs = [], [], []
        for seed in range(SPLITS):
            give, held = _splits(labeled, frac, np.random.default_rng(seed))
            verdict = np.full(P, np.nan)
            verdict[give] = label[give]
            res = ours(verdict)
            accs.append(np.mean((res.prob[held] > 0.5) == (label[held] == 1)))
            held_mask = np.zeros(P, dtype=bool)
            held_mask[held] = True
            h_acc, h_ok = _outlet_accuracy(src, prop, pol, label, held_mask, S)
            m = h_ok & ~np.isnan(res.estimate)
            if m.sum() >= 3:
                rhos.append(spearman(res.estimate[m], h_acc[m]))
            mv = _majority(src, prop, pol, P, False)
            mv_accs.append(np.mean(mv[held] == (label[held] == 1)))
            gold_mv.append((frac, give, held))
        target = {0.25: "≥ 0.78"}.get(frac, "-")
        mean = statistics.mean(accs)
        rows.append((f"BetaTruth, {frac:.0%} verdicts: held-out accuracy (10 splits)",
                     f"{mean:.3f} ± {statistics.pstdev(accs):.3f} (min {min(accs):.3f})", target,
                     _ok(mean >= 0.78) if frac == 0.25 else ""))
        rows.append((f"BetaTruth, {frac:.0%} verdicts: Spearman(estimate, held-out outlet accuracy)",
                     f"{np.nanmean(rhos):.2f}" if rhos else "too few outlets", "-", ""))
        rows.append((f"majority (ties → false), same held-out claims, {frac:.0%}",
                     f"{statistics.mean(mv_accs):.3f}", "-", ""))
    rows.append(("BetaTruth run time on Emergent (no verdicts)", _ms(t_fit), "-", ""))
    rows += _emergent_baselines(outlets, claims, src, prop, pol, label, labeled, true_acc, eligible)
    return title, rows


ASSERTION_WEIGHTS = (1.0, 0.85, 0.7, 0.5)
HALVINGS = 200  # the fits do not depend on the halving, so many halvings cost nothing


def _no_verdict_out_of_sample(S, P, src, prop, pol, label, labeled):
    """How the no-verdict default for the weight of an assertion (relative to a denial) was chosen.

    Rule, fixed in advance of the held-out halves: among ASSERTION_WEIGHTS, keep those that cost
    at most 0.005 claim accuracy on the symmetric synthetic newsrooms (where repeating and
    denying are equally informative by construction), then take the one with the best accuracy
    on a random half of Emergent's labelled claims (ties: the weight closer to 1) and score it
    on the other half. The fit never sees a label; only the choice does. Returns the held-out
    accuracies of HALVINGS random halvings and how often each weight was chosen.
    """
    syns = [generate(10_000, 1000, copiers=c, detect=d, seed=2) for c, d in ((0.2, 0.8), (0.0, 0.8), (0.2, 0.0))]

    def syn_acc(w):
        return [np.mean((fit(g.problem, Config(evidence_scale=(1.0, w))).prob > 0.5) == (g.truth == 1)) for g in syns]

    ref = syn_acc(1.0)
    allowed = [w for w in ASSERTION_WEIGHTS
               if w == 1.0 or all(x >= y - 0.005 for x, y in zip(syn_acc(w), ref, strict=True))]
    hit = {w: (fit(Problem(S, P, src, prop, pol, np.full(P, np.nan)), Config(evidence_scale=(1.0, w))).prob > 0.5)
           == (label == 1) for w in allowed}
    out, picks = [], []
    for seed in range(HALVINGS):
        perm = np.random.default_rng(100 + seed).permutation(labeled)
        half_a, half_b = perm[: perm.size // 2], perm[perm.size // 2:]
        best = max(allowed, key=lambda w: (hit[w][half_a].mean(), w))
        picks.append(best)
        out.append(float(hit[best][half_b].mean()))
    return out, ", ".join(f"{w:g}×{picks.count(w)}" for w in sorted(set(picks), reverse=True))


def _emergent_baselines(outlets, claims, src, prop, pol, label, labeled, true_acc, eligible):
    rows = []
    td = _try_import("truthdiscovery")
    if td is None:
        rows.append(("truthdiscovery baselines", "skipped: package not installed", "-", ""))
    else:
        triples = [(outlets[s], claims[p], int(v > 0)) for s, p, v in zip(src, prop, pol, strict=True)]
        ds = td.Dataset(triples)
        for name in ("Sums", "TruthFinder", "PooledInvestment"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                result = getattr(td, name)().run(ds)
                t = time.perf_counter() - t0
            pred = np.array([max(result.belief[c].items(), key=lambda kv: (kv[1], -kv[0]))[0]
                             for c in claims])
            acc = np.mean(pred[labeled] == label[labeled])
            trust = np.array([result.trust.get(o, np.nan) for o in outlets])
            rows.append((f"td.{name}, no verdicts: accuracy / Spearman", f"{acc:.3f} / "
                         f"{spearman(trust[eligible], true_acc[eligible]):.2f} ({_ms(t)})", "-", ""))
    ck = _try_import("crowdkit.aggregation")
    pd = _try_import("pandas")
    if ck is None or pd is None:
        rows.append(("crowd-kit baselines", "skipped: package not installed", "-", ""))
        return rows
    import crowdkit.aggregation as cka

    df = pd.DataFrame({"task": [claims[p] for p in prop], "worker": [outlets[s] for s in src],
                       "label": (pol > 0).astype(int)})
    gold = pd.Series(label, index=claims)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        glad = cka.GLAD(n_iter=100, tol=1e-5, silent=True).fit(df)
        t = time.perf_counter() - t0
        pred = glad.labels_.reindex(claims).to_numpy(dtype=float)
        acc = np.mean(pred[labeled] == label[labeled])
        alphas = glad.alphas_.reindex(outlets).to_numpy(dtype=float)
        rows.append(("ck.GLAD, no verdicts: accuracy / Spearman",
                     f"{acc:.3f} / {spearman(alphas[eligible], true_acc[eligible]):.2f} ({_ms(t)})", "-", ""))
        for frac in FRACTIONS:
            accs_g, accs_ds = [], []
            for seed in range(SPLITS):
                give, held = _splits(labeled, frac, np.random.default_rng(seed))
                gold_given = gold.iloc[give].astype(int)
                gmv = cka.GoldMajorityVote().fit(df, gold_given)
                skills = gmv.skills_
                median = float(skills.median()) if len(skills) else 0.5
                full = pd.Series(median, index=outlets)
                full.update(skills)
                wmv = cka.MajorityVote().fit_predict(df, skills=full)
                p_g = wmv.reindex(claims).to_numpy(dtype=float)
                accs_g.append(np.mean(p_g[held] == label[held]))
                ds = cka.DawidSkene(n_iter=100).fit(df, true_labels=gold_given)
                p_d = ds.labels_.reindex(claims).to_numpy(dtype=float)
                accs_ds.append(np.mean(p_d[held] == label[held]))
            rows.append((f"ck.GoldMajorityVote, {frac:.0%} verdicts", f"{statistics.mean(accs_g):.3f} ± "
                         f"{statistics.pstdev(accs_g):.3f}", "-", ""))
            rows.append((f"ck.DawidSkene(true_labels), {frac:.0%} verdicts", f"{statistics.mean(accs_ds):.3f} ± "
                         f"{statistics.pstdev(accs_ds):.3f}", "-", ""))
    return rows


# -- Book (multi-valued) -----------------------------------------------------------------

def _isbn13(isbn10: str) -> str:
    core = "978" + isbn10[:9]
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def _authors_key(text: str) -> str:
    tokens = sorted({t for t in re.findall(r"[a-z]+", text.lower()) if len(t) > 1 and t not in ("and", "by")})
    return " ".join(tokens)


def run_book(tmp: Path):
    title = "Reliability on Book (AbeBooks authors; multi-valued sanity check)"
    base = DATA / "book-abebooks"
    if not (base / "book.txt").exists():
        return title, [("Book data", "skipped: ../shared/data/book-abebooks not found", "-", "")]
    gold = {}
    for line in (base / "book_golden.txt").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        isbn = parts[0].strip()
        if len(parts) >= 2 and isbn:
            gold[_isbn13(isbn) if len(isbn) == 10 else isbn] = _authors_key(parts[1])
    values, seen = {}, set()
    src_names, rows_in = {}, []
    for line in (base / "book.txt").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        source, isbn, authors = parts[0].strip(), parts[1].strip(), parts[3]
        key = _authors_key(authors)
        if not key or key == "available not" or not isbn[:9].isdigit() or len(isbn) not in (10, 13):
            continue
        isbn = _isbn13(isbn) if len(isbn) == 10 else isbn
        if (source, isbn) in seen:
            continue
        seen.add((source, isbn))
        rows_in.append((src_names.setdefault(source, len(src_names)), values.setdefault((isbn, key), len(values))))
    src = np.array([r[0] for r in rows_in])
    prop = np.array([r[1] for r in rows_in])
    keys = list(values)
    books = sorted({isbn for isbn, _ in keys})
    bi = {b: i for i, b in enumerate(books)}
    group = np.array([bi[isbn] for isbn, _ in keys])
    t0 = time.perf_counter()
    res = fit(Problem(len(src_names), len(keys), src, prop, None, group=group,
                      exactly_one=np.ones(len(books), dtype=bool)), Config())
    t = time.perf_counter() - t0
    votes = np.bincount(prop, minlength=len(keys))

    def accuracy(score):
        best = {}
        for p, (isbn, key) in enumerate(keys):
            if isbn in gold and (isbn not in best or score[p] > best[isbn][0]):
                best[isbn] = (score[p], key)
        hits = [best[i][1] == gold[i] for i in best]
        return np.mean(hits), len(hits)

    acc, n = accuracy(res.prob)
    mv_acc, _ = accuracy(votes + 1e-9 * np.arange(len(keys))[::-1])
    rows = [("data", f"{src.size} listings, {len(src_names)} stores, {len(books)} books, {n} gold books", "-", ""),
            ("BetaTruth (exactly one author list per book): accuracy on gold", f"{acc:.3f}", "-", ""),
            ("majority vote: accuracy on gold", f"{mv_acc:.3f}", "-", ""),
            ("BetaTruth run time", _ms(t), "-", "")]
    td = _try_import("truthdiscovery")
    if td is None:
        rows.append(("truthdiscovery baselines", "skipped: package not installed", "-", ""))
    else:
        ds = td.Dataset([(s, keys[p][0], keys[p][1]) for s, p in
                         zip([list(src_names)[i] for i in src], prop, strict=True)])
        for name in ("TruthFinder", "PooledInvestment"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = getattr(td, name)().run(ds)
            score = np.array([result.belief[isbn].get(key, 0.0) for isbn, key in keys])
            rows.append((f"td.{name}: accuracy on gold", f"{accuracy(score)[0]:.3f}", "-", ""))
    return title, rows


# -- Synthetic scale, copies, honest intervals ---------------------------------------------

def _project_for_timing(tmp: Path, n_claims: int = 5000):
    """A typical project: 40 sources, 200 documents, 5,000 claims, links, 500 verdicts."""
    from annotator.core.ids import new_id
    from annotator.core.model import Claim, Link, Rating, Relation
    from annotator.store import create_project

    rng = np.random.default_rng(11)
    words = ("minister council report budget police court river storm school vote hospital company "
             "contract million percent week said announced denied confirmed officials").split()
    store = create_project(tmp / "reliability-typical.annotator")
    with store.transaction():
        sources = [store.add_source(f"Outlet {i:02d}") for i in range(40)]
        claims = []
        for d in range(200):
            sentences = [" ".join(rng.choice(words, 12)) + f" {d}-{k}." for k in range(n_claims // 200)]
            text = " ".join(sentences)
            doc = store.add_document(text, f"Story {d}", source_id=sources[d % 40].id)
            pos = 0
            for sentence in sentences:
                start = text.index(sentence, pos)
                pos = start + len(sentence)
                c = Claim(new_id(), doc.id, start, pos, sentence)
                store.insert_claim(c)
                claims.append(c.id)
        for _ in range(2000):
            a, b = rng.choice(len(claims), 2, replace=False)
            rel = Relation.SAME if rng.random() < 0.8 else Relation.CONTRADICTS
            store.insert_link(Link(new_id(), claims[a], claims[b], rel))
        for i in rng.choice(len(claims), 500, replace=False):
            store.set_verdict(claims[i], Rating.TRUE if rng.random() < 0.5 else Rating.FALSE, annotator="b")
    return store


def run_synthetic(tmp: Path):
    from bench.run import timed
    from annotator.services.reliability import score_project

    title = "Reliability on synthetic newsrooms (known accuracies; aggregators copy popular outlets)"
    rows = []
    td = _try_import("truthdiscovery")
    for n_claims in (1_000, 10_000, 100_000):
        syn = generate(n_claims, 1000, copiers=0.2, detect=0.8, seed=1)
        pb = syn.problem
        label = f"{pb.source.size / 1000:,.0f}k assertions"
        t = timed(partial(fit, pb), repeat=3 if n_claims < 100_000 else 1)
        res = fit(pb)
        acc = np.mean((res.prob > 0.5) == (syn.truth == 1))
        ok = ~np.isnan(res.estimate)
        cov, n_cov, width = coverage(res, syn.accuracy)
        mv = _majority(pb.source, pb.prop, pb.polarity, pb.n_props, True)
        rows.append((f"{label}: claim accuracy (BetaTruth / majority)",
                     f"{acc:.3f} / {np.mean(mv == (syn.truth == 1)):.3f}", "-", ""))
        rows.append((f"{label}: Spearman(estimate, true accuracy)",
                     f"{spearman(res.estimate[ok], syn.accuracy[ok]):.2f}", "-", ""))
        rows.append((f"{label}: 90% interval coverage ({n_cov} sources, width {width:.2f})",
                     f"{cov:.3f}", "≥ 0.85", _ok(cov >= 0.85)))
        target = "≤ 5 s" if n_claims == 100_000 else "-"
        rows.append((f"{label}: run time", _ms(t), target, _ok(t <= 5) if n_claims == 100_000 else ""))
        if td is not None and n_claims <= 10_000:
            ds = td.Dataset([(int(s), int(p), int(v > 0))
                             for s, p, v in zip(pb.source, pb.prop, pb.polarity, strict=True)])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                result = td.PooledInvestment().run(ds)
                t_td = time.perf_counter() - t0
            pred = np.array([max(result.belief[p].items(), key=lambda kv: kv[1])[0] if p in result.belief else 1
                             for p in range(pb.n_props)])
            rows.append((f"{label}: td.PooledInvestment accuracy", f"{np.mean(pred == syn.truth):.3f} ({_ms(t_td)})",
                         "-", ""))
    if td is None:
        rows.append(("truthdiscovery baselines", "skipped: package not installed", "-", ""))

    for name, kw, cfg in [("no copiers", dict(copiers=0.0), Config()),
                          ("copies not detected", dict(detect=0.0), Config()),
                          ("copies not detected, no assertion-based copy test (mirror guard only)",
                           dict(detect=0.0), Config(detect_copies=False)),
                          ("copies not detected, neither copy test nor mirror guard (old engine)",
                           dict(detect=0.0), Config(detect_copies=False, mirror_share=1.01, evidence_scale=(1.0, 1.0))),
                          ("10% verdicts, copies detected", dict(verdict_share=0.1), Config())]:
        syn = generate(10_000, 1000, **{"copiers": 0.2, "detect": 0.8, "seed": 2, **kw})
        res = fit(syn.problem, cfg)
        held = np.isnan(syn.problem.verdict)
        acc = np.mean((res.prob[held] > 0.5) == (syn.truth[held] == 1))
        cov, n_cov, width = coverage(res, syn.accuracy)
        ablation = not cfg.detect_copies
        rows.append((f"100k, {name}: accuracy / coverage", f"{acc:.3f} / {cov:.3f}",
                     "- (ablation)" if ablation else "coverage ≥ 0.85",
                     "" if ablation else _ok(cov >= 0.85)))

    for n_claims, kw in [(10_000, dict(detect=0.0)), (100_000, dict(detect=0.0)), (10_000, dict(copiers=0.0))]:
        syn = generate(n_claims, 1000, **{"copiers": 0.2, "detect": 0.8, "seed": 1, **kw})
        res = fit(syn.problem)
        est = res.copies
        kind = "copies not detected" if kw.get("detect") == 0.0 else "no copiers"
        label = f"{syn.problem.source.size / 1000:,.0f}k, {kind}"
        if est is None:
            rows.append((f"{label}: assertion-based copy test", "no pairs tested", "-", ""))
            continue
        dep = syn.dependent(est.pairs.lo, est.pairs.hi)
        flag = est.p_copy >= 0.9
        prec = f"{np.mean(dep[flag]):.3f}" if flag.any() else "-"
        rec = f"{np.mean(flag[dep]):.3f}" if dep.any() else "-"
        rows.append((f"{label}: copy test, pairs with P(copy) ≥ 0.9 vs planted: flagged / precision / recall",
                     f"{flag.sum()} of {est.pairs.n_pairs} tested / {prec} / {rec}", "-", ""))

    # What people are shown as "copies of" (the copy test's pairs that the app names, see
    # scores.suspected_copies), on projects with verdicts, with and without planted copiers.
    from types import SimpleNamespace

    from annotator.services.reliability.scores import suspected_copies

    for copiers in (0.0, 0.2):
        false, true, named, planted = 0, 0, set(), 0
        for share in (0.1, 0.3, 0.5):
            for seed in range(3):
                syn = generate(3000, 400, copiers=copiers, detect=0.0, verdict_share=share, seed=seed)
                res = fit(syn.problem)
                shown = suspected_copies(SimpleNamespace(problem=syn.problem), res)
                copier = np.array([c.copier for c in shown], dtype=np.int64)
                original = np.array([c.original for c in shown], dtype=np.int64)
                dep = syn.dependent(copier, original)
                true, false = true + int(dep.sum()), false + int((~dep).sum())
                named |= {(share, seed, s) for s in np.r_[copier[dep], original[dep]].tolist() if syn.is_copier[s]}
                active = np.bincount(syn.problem.source, minlength=syn.problem.n_sources) >= 5
                planted += int(np.sum(syn.is_copier & active))
        label = f"{syn.problem.source.size / 1000:,.0f}k assertions, 10-50% verdicts, copies not detected, 9 projects"
        if copiers:
            rows.append((f"{label}: pairs shown as copies, true / false; copiers (5+ claims) named",
                         f"{true} / {false}; {len(named)} of {planted} ({len(named) / max(planted, 1):.0%})",
                         "false 0", _ok(false == 0)))
        else:
            rows.append((f"{label.replace('copies not detected', 'no copiers')}: pairs shown as copies",
                         f"{false}", "0", _ok(false == 0)))

    store = _project_for_timing(tmp)
    try:
        from annotator.services.reliability import inputs as reliability_inputs

        reliability_inputs._REUSE_CACHE.clear()
        t0 = time.perf_counter()
        score_project(store)
        t_cold = time.perf_counter() - t0
        t = timed(lambda: score_project(store), repeat=7)
        t_nt = timed(lambda: score_project(store, detect_text_reuse=False), repeat=7)
        counts = store.counts()
        rows.append((f"typical project ({counts.claims} claims, {counts.documents} docs): re-score after an edit",
                     _ms(t), "≤ 100 ms", _ok(t <= 0.1)))
        rows.append(("  first scoring (text-reuse scan of all documents, then cached)", _ms(t_cold), "-", ""))
        rows.append(("  without text-reuse detection", _ms(t_nt), "-", ""))
        # What the app does after an edit: a snapshot on the GUI thread (texts cached), then
        # scoring in a worker.
        from annotator.services.snapshot import Snapshot

        cache: dict = {}
        Snapshot(store, text_cache=cache)
        t_snap = timed(lambda: Snapshot(store, text_cache=cache), repeat=7)
        snap = Snapshot(store, text_cache=cache)
        t_work = timed(lambda: score_project(snap), repeat=7)
        rows.append(("  in the app: snapshot on the GUI thread (texts cached)", _ms(t_snap), "-", ""))
        rows.append(("  in the app: scoring the snapshot in the worker", _ms(t_work), "-", ""))
    finally:
        store.close()
    return title, rows
