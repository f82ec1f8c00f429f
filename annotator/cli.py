"""The ``annotator`` command: newsroom scripts and tests use the same services as the GUI.

    annotator                       open the GUI (last project, or the demo project)
    annotator PROJECT               open PROJECT in the GUI
    annotator new PROJECT           create an empty project
    annotator demo [PROJECT]        create the demo project from the bundled articles
    annotator import PROJECT FILE…  import articles (txt, md, html, docx, pdf; folders too)
    annotator info PROJECT          counts of sources, documents, claims, links, verdicts
    annotator search PROJECT QUERY  full-text search over the documents
    annotator similar PROJECT CLAIM sentences of other documents that resemble a claim
                                    (a claim id, or --text "any sentence")
    annotator score PROJECT         per-source reliability: checked record and inferred estimate
    annotator export PROJECT DIR    write the annotations as CSV files (docs/csv-format.md),
                                    or --format webannotation|claimreview as JSON-LD
    annotator load PROJECT DIR      read annotation CSV files back, re-anchoring each claim
    annotator merge PROJECT OTHER   bring OTHER's documents and annotations into PROJECT
    annotator agreement PROJECT [OTHER…]  agreement between annotators (spans, links, verdicts)
    annotator --self-test           check, offline, that this copy works (one line per check)

Errors go to stderr with exit status 1 (2 for a mistyped command); a user
error never shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from annotator import __version__
from annotator.core.errors import AnnotatorError

COMMANDS = ("new", "demo", "import", "info", "search", "similar", "gui", "export", "load", "score", "conflicts",
            "merge", "agreement", "backups", "backup", "restore")
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _project_path(raw: str, *, must_exist: bool = True) -> Path:
    from annotator.store import PROJECT_SUFFIX

    if not raw.strip():
        raise AnnotatorError("the project path is empty.")
    path = Path(raw).expanduser()
    if not must_exist and path.suffix == "":
        path = path.with_suffix(PROJECT_SUFFIX)
    return path


def _count(raw: str) -> int:
    """A --limit: a whole number from 1 to 100,000."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{raw}” is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("give a number from 1 to 100000")
    return value


def _open(raw: str, *, backup: str | None = None):
    """The project, opened to edit it (its write lock is taken: see store.locking); with
    ``backup``, a backup is taken first for that reason (see store.backups)."""
    from annotator.store import open_project

    store = open_project(_project_path(raw))
    if backup is not None:
        from annotator.services.backups import backup_problem

        try:
            problem = backup_problem(store.path, backup)
        except BaseException:
            store.close()
            raise
        if problem:  # e.g. a nearly full disk: the change itself may still fit, and says if not
            print(f"annotator: no backup was taken first: {problem}", file=sys.stderr)
    return store


def _open_to_read(raw: str):
    """The project, opened only to read it: works while the app has it open."""
    from annotator.store.opening import open_for_reading

    return open_for_reading(_project_path(raw))


def cmd_new(args) -> int:
    from annotator.store import create_project

    path = _project_path(args.project, must_exist=False)
    store = create_project(path, args.name)
    store.close()
    print(f"Created {path}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from annotator.services.demo import create_demo_project, demo_project_path

    path = _project_path(args.project, must_exist=False) if args.project else demo_project_path()
    store = create_demo_project(path)
    counts = store.counts()
    store.close()
    print(f"Created the demo project at {path} ({counts.documents} documents, {counts.sources} sources)")
    return EXIT_OK


def cmd_import(args) -> int:
    from annotator.services.importing import DUPLICATE, IMPORTED, ImportService, expand_paths

    store = _open(args.project, backup="before-import")
    try:
        files = expand_paths(args.files)
        if not files:
            raise AnnotatorError("No importable files found (supported: .txt .md .html .docx .pdf).")
        service = ImportService(store)
        results = service.import_files(files, source_name=args.source, title=args.title)
    finally:
        store.close()
    failed = 0
    for result in results:
        if result.status == IMPORTED and result.document is not None:
            extra = f" ({result.message})" if result.message else ""
            print(f"imported  {result.name} -> “{result.document.title}”{extra}")
        elif result.status == DUPLICATE:
            print(f"skipped   {result.name}: {result.message}")
        else:
            failed += 1
            print(f"error     {result.name}: {result.message}", file=sys.stderr)
    imported = sum(r.status == IMPORTED for r in results)
    print(f"{imported} imported, {sum(r.status == DUPLICATE for r in results)} already present, {failed} failed")
    return EXIT_ERROR if failed else EXIT_OK


def cmd_info(args) -> int:
    store = _open_to_read(args.project)
    try:
        counts = store.counts()
        info = {
            "name": store.name,
            "path": str(store.path),
            "schema_version": store.schema_version(),
            "sources": counts.sources,
            "documents": counts.documents,
            "claims": counts.claims,
            "links": counts.links,
            "verdicts": counts.verdicts,
        }
    finally:
        store.close()
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.replace('_', ' '):<{width}}  {value}")
    return EXIT_OK


def cmd_search(args) -> int:
    store = _open_to_read(args.project)
    try:
        hits = store.search(args.query, limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps(hits, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not hits:
        print(f"No document matches “{args.query}”.")
        return EXIT_OK
    for hit in hits:
        source = f"{hit['source']}: " if hit["source"] else ""
        print(f"{source}{hit['title']}  [{hit['document_id']}]")
        print(f"    {' '.join(hit['snippet'].split())}")
    return EXIT_OK


def cmd_similar(args) -> int:
    from annotator.services import matching

    if (args.claim is None) == (args.text is None):
        raise AnnotatorError("give either a claim id or --text, not both")
    store = _open_to_read(args.project)
    try:
        index = matching.MatchIndex()
        matching.refresh_index(store, index)
        if args.claim is not None:
            query = store.claim(args.claim).quote
            suggestions = matching.suggestions_for_claim(store, index, args.claim, limit=args.limit,
                                                         min_score=args.min_score)
        else:
            query = args.text
            found = matching.similar(index.snapshot(), query, limit=args.limit, min_score=args.min_score)
            suggestions = matching.describe(store, "", found)
    finally:
        store.close()
    rows = [{"score": s.match.score, "document_id": s.match.passage.document_id, "document": s.document_title,
             "source": s.source_name, "start": s.match.passage.start, "end": s.match.passage.end,
             "text": s.match.passage.text, "shared_words": list(s.match.shared), "claim_id": s.claim_id,
             "linked_as": s.relation} for s in suggestions]
    if args.json:
        print(json.dumps({"query": query, "matches": rows}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(f"Nothing in the other documents resembles “{' '.join(query.split())}”.")
        return EXIT_OK
    for s in suggestions:
        passage = s.match.passage
        where = f"{s.source_name}: " if s.source_name else ""
        state = (f"  [claim {s.claim_id}" + (f", linked: {s.relation}" if s.relation else "") + "]"
                 if s.claim_id else "")
        print(f"{s.match.score:5.1f}  {where}{s.document_title}  @{passage.start}–{passage.end}{state}")
        print(f"       {' '.join(passage.text.split())}")
    return EXIT_OK


def cmd_export(args) -> int:
    from annotator.services.interchange import export_csv
    from annotator.services.interchange.claimreview import export_claimreview
    from annotator.services.interchange.csv_export import ExportSummary
    from annotator.services.interchange.webannotation import JsonExportSummary, export_webannotation

    store = _open_to_read(args.project)
    summary: ExportSummary | JsonExportSummary
    try:
        if args.format == "webannotation":
            summary = export_webannotation(store, args.folder)
        elif args.format == "claimreview":
            summary = export_claimreview(store, args.folder)
        else:
            summary = export_csv(store, args.folder, bom=not args.no_bom)
    finally:
        store.close()
    print("\n".join(summary.lines()))
    return EXIT_OK


def cmd_merge(args) -> int:
    from annotator.services.merge import merge_project_file

    store = _open(args.project, backup="before-merge")
    try:
        report = merge_project_file(store, _project_path(args.other))
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return EXIT_OK


def cmd_agreement(args) -> int:
    from annotator.services.agreement import agreement_report
    from annotator.store.merging import open_snapshot

    stores = []
    try:
        for raw in (args.project, *args.others):
            stores.append(open_snapshot(_project_path(raw)))
        report = agreement_report(*stores)
    finally:
        for store in stores:
            store.close()
    print("\n".join(report.lines()))
    if args.csv:
        report.write_csv(args.csv)
        print(f"Wrote {args.csv}")
    return EXIT_OK


def cmd_load(args) -> int:
    from annotator.services.interchange import load_csv

    store = _open(args.project, backup="before-load")
    try:
        report = load_csv(store, args.folder, accept_valid=args.accept_valid_rows)
    finally:
        store.close()
    print("\n".join(report.lines()))
    for error in report.errors:
        print(f"error     {error}", file=sys.stderr)
    if report.errors and not report.loaded:
        print(f"{len(report.errors)} errors; nothing was loaded (fix them, or pass "
              "--accept-valid-rows to load the valid rows).", file=sys.stderr)
        return EXIT_ERROR
    if report.orphans and not report.loaded:
        print(f"{len(report.orphans)} rows cannot be placed in this project (listed above); nothing was loaded "
              "(pass --accept-valid-rows to load the other rows).", file=sys.stderr)
        return EXIT_ERROR
    if report.errors or report.orphans:
        print(f"{len(report.errors)} errors and {len(report.orphans)} rows that cannot be placed; "
              "the valid rows were loaded.", file=sys.stderr)
    return EXIT_OK


def _backup_table(backups) -> list[str]:
    return [f"{n:>3}  {b.describe()}" for n, b in enumerate(backups, 1)]


def cmd_backups(args) -> int:
    from annotator.services.backups import KEPT, folder_for, list_backups

    path = _project_path(args.project)
    if not path.exists():
        raise AnnotatorError(f"There is no project at {path}.")
    backups = list_backups(path)
    if not backups:
        print(f"No backups of {path.name} yet (annotator takes one when the app opens it and before "
              "loads, merges and imports).")
        return EXIT_OK
    print(f"Backups of {path.name}, newest first (the {KEPT} newest are kept), in {folder_for(path)}:")
    print("\n".join(_backup_table(backups)))
    print(f"Restore one with: annotator restore {args.project} NUMBER")
    return EXIT_OK


def cmd_backup(args) -> int:
    from annotator.services.backups import take_backup
    from annotator.store.opening import inspect_project

    path = _project_path(args.project)
    inspect_project(path)  # a damaged or foreign file is refused, as anywhere
    backup = take_backup(path, "by-hand")
    assert backup is not None
    print(f"Backed up {path.name} to {backup.path}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from annotator.services.backups import list_backups, restore_backup

    path = _project_path(args.project)
    backups = list_backups(path) if path.exists() else []
    choice = args.backup.strip()
    if choice.isdigit():
        if not 1 <= int(choice) <= len(backups):
            raise AnnotatorError(f"{path.name} has {len(backups)} backup(s); "
                                 f"`annotator backups {args.project}` lists them.")
        chosen = backups[int(choice) - 1].path
    else:
        chosen = Path(choice).expanduser()
        if not chosen.is_file():
            raise AnnotatorError(f"There is no backup at {chosen}.")
    store = _open(args.project)
    try:
        safety = restore_backup(store, chosen)
        counts = store.counts()
    finally:
        store.close()
    print(f"Restored {path.name} from {chosen.name}: {counts.documents} documents, {counts.claims} claims, "
          f"{counts.links} links, {counts.verdicts} verdicts.")
    if safety is not None:
        print(f"The state it replaced is backed up as {safety.path.name} (restore that to undo this).")
    return EXIT_OK


def _json_by_line(value: dict) -> str:
    """JSON a person can still read, one top-level field and one list item per line, written by
    the json module's fast encoder: indenting every level goes through its pure-Python one,
    which took 0.9 s for the scores of a 100,000-claim project."""
    def compact(item) -> str:
        return json.dumps(item, ensure_ascii=False)

    fields = []
    for key, item in value.items():
        if isinstance(item, list) and item:
            item_text = "[\n" + ",\n".join(f"    {compact(x)}" for x in item) + "\n  ]"
        else:
            item_text = compact(item)
        fields.append(f"  {compact(key)}: {item_text}")
    return "{\n" + ",\n".join(fields) + "\n}" if fields else "{}"


def cmd_score(args) -> int:
    from annotator.services.reliability import score_project
    from annotator.services.reliability.scores import scoring_owns_this_process

    from annotator.store.opening import reading_while_checked

    scoring_owns_this_process()
    with reading_while_checked(_project_path(args.project)) as store:  # (damage found: raised, no scores)
        scores = score_project(store)
    if args.json:
        print(_json_by_line(scores.to_dict()))
        return EXIT_OK

    def pct(x):
        return "—" if x is None else f"{100 * x:.0f}%"

    def span(iv):
        return "" if iv is None else f"{100 * iv[0]:.0f}–{100 * iv[1]:.0f}%"

    header = ("source", "record (checked)", "90% int.", "estimate (inferred)", "90% int.", "claims",
              "copies of", "status")
    rows = [(s.name, f"{s.held_up_count}/{s.checked_count} = {pct(s.record)}" if s.checked_count else "—",
             span(s.record_interval), pct(s.estimate), span(s.estimate_interval), str(s.claim_count),
             ", ".join(s.copies_of) or "—", s.status) for s in scores.sources]
    if not rows:
        print("No sources in this project yet.")
        return EXIT_OK
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    for s in scores.sources:
        if s.reason:
            print(f"{s.name}: no estimate, {s.reason}.")
    print(f"\n{scores.verdict_count} verdicts on {scores.proposition_count} distinct claims; "
          f"share of checked claims that were true: {100 * scores.base_rate:.0f}%.")
    for note in scores.notes:
        print(f"note: {note}")
    return EXIT_OK


def cmd_conflicts(args) -> int:
    from annotator.core.text import one_line
    from annotator.services.value_conflicts import project_conflicts
    from annotator.store.opening import reading_while_checked

    with reading_while_checked(_project_path(args.project)) as store:
        found = project_conflicts(store)
    if args.json:
        print(_json_by_line({"conflicts": [c.to_dict() for c in found]}))
        return EXIT_OK
    if not found:
        print("No two claims about the same thing disagree on a date, a figure or an actor.")
        return EXIT_OK
    for c in found:
        print(f"{c.text()}\n    {c.source_a}: “{one_line(c.quote_a, 100)}”  [{c.claim_a}]\n"
              f"    {c.source_b}: “{one_line(c.quote_b, 100)}”  [{c.claim_b}]")
    kinds = {label: sum(1 for c in found if c.kind == kind) for kind, label in _CONFLICT_KINDS.items()}
    print(f"\n{len(found)} disagreements (" + ", ".join(f"{n} on {label}s" for label, n in kinds.items() if n) + ").")
    return EXIT_OK


_CONFLICT_KINDS = {"when": "date", "how many": "figure", "who": "actor"}


def cmd_gui(args) -> int:
    from annotator.app import run_gui

    return run_gui(args.project)


def cmd_self_test(args) -> int:
    """Check this copy of annotator offline, one line per check (see services.selftest)."""
    import os
    import platform
    import subprocess
    import tempfile
    import time

    from annotator.services import selftest

    frozen = getattr(sys, "frozen", False)
    print(f"annotator {__version__} self-test: Python {platform.python_version()}, {platform.system()} "
          f"{platform.machine()}, {'bundle' if frozen else 'installed with pip'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="annotator-self-test-") as tmp:
        folder = Path(tmp)
        keep = {k: os.environ.get(k) for k in ("ANNOTATOR_DATA_DIR", "ANNOTATOR_SETTINGS_DIR")}
        os.environ.update(ANNOTATOR_DATA_DIR=str(folder / "data"), ANNOTATOR_SETTINGS_DIR=str(folder / "settings"))
        try:
            done = selftest.run(lambda check: print(check.line(), flush=True), folder)
        finally:
            for key, value in keep.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        # The window: in a child process (Qt aborts when its platform plugin cannot load).
        env = dict(os.environ)
        headless = sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
        if headless and not env.get("QT_QPA_PLATFORM"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        command = [sys.executable, "--self-test-window"] if frozen else \
            [sys.executable, "-m", "annotator", "--self-test-window"]
        began = time.perf_counter()
        try:
            out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
            said = (out.stdout.strip().splitlines() or [""])[-1]
            lines = out.stderr.strip().splitlines() or [f"exit status {out.returncode}"]
            # Qt's own words first ("qt.qpa.xcb: could not connect to display", "... libxcb-cursor0 ...")
            problem = "" if out.returncode == 0 and said else \
                " ".join(dict.fromkeys([line for line in lines if "qt.qpa" in line][:3] + lines[-1:]))
        except subprocess.TimeoutExpired:
            said, problem = "", "no window within two minutes"
        seconds = time.perf_counter() - began
        note = (" (no display here: only the offscreen plugin could be tried; run it on the desktop to check"
                " the plugin windows use there)") if headless and env.get("QT_QPA_PLATFORM") == "offscreen" else ""
        window = selftest.Check("window (Qt platform plugin)", not problem,
                                problem or f"a window shown with the {said} plugin{note}", seconds)
        print(window.line(), flush=True)
        done.append(window)
    failed = [c.name for c in done if not c.ok]
    print(f"{len(done)} checks: " + (f"{len(failed)} failed ({', '.join(failed)})" if failed else "all passed"))
    return EXIT_ERROR if failed else EXIT_OK


def cmd_self_test_window(args) -> int:
    from annotator.gui.platform_check import show_a_window

    print(show_a_window())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Compare how outlets report one story: highlight claims, link them, "
                    "record verdicts, score sources. Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check, offline, that this copy works: demo articles, an import of each format, "
                             "sentences, scores, exports, a load and a window; one line per check")
    parser.add_argument("--self-test-window", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("new", help="create an empty project")
    p.add_argument("project", help="path of the new project file (.annotator is added if no suffix)")
    p.add_argument("--name", help="display name (default: the file name)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("demo", help="create the demo project from the bundled articles")
    p.add_argument("project", nargs="?", help="where to create it (default: your data folder)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="import articles into a project")
    p.add_argument("project")
    p.add_argument("files", nargs="+", metavar="FILE", help="files or folders to import")
    p.add_argument("--source", help="outlet the documents come from (created if new)")
    p.add_argument("--title", help="title for the document (single file only)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="show counts of sources, documents, claims, links, verdicts")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("search", help="full-text search over document texts")
    p.add_argument("project")
    p.add_argument("query")
    p.add_argument("--limit", type=_count, default=20)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("similar", help="sentences of other documents that resemble a claim or a text")
    p.add_argument("project")
    p.add_argument("claim", nargs="?", help="a claim id (see `annotator export` or the app)")
    p.add_argument("--text", help="look for this text instead of a claim's quote")
    p.add_argument("--limit", type=_count, default=8, help="at most this many passages (default 8)")
    p.add_argument("--min-score", type=float, default=20.0,
                   help="leave out passages scoring below this, 0–100 (default 20)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("export", help="write the annotations as CSV (or JSON-LD with --format)")
    p.add_argument("project")
    p.add_argument("folder", metavar="DIR", help="folder for the CSV files (created if missing)")
    p.add_argument("--format", choices=("csv", "webannotation", "claimreview"), default="csv",
                   help="csv (default): five CSV files; webannotation: W3C Web Annotations in "
                        "annotations.jsonld; claimreview: schema.org ClaimReview in claimreview.jsonld")
    p.add_argument("--no-bom", action="store_true",
                   help="omit the UTF-8 byte-order mark (default: write it, so Excel reads UTF-8)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("merge", help="merge another project's documents and annotations into PROJECT")
    p.add_argument("project", help="the project to merge into (changed)")
    p.add_argument("other", metavar="OTHER", help="the project to merge from (only read)")
    p.add_argument("--json", action="store_true",
                   help="print the report as JSON (counts, and every updated or conflicting row with both values)")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("agreement", help="agreement between annotators on spans, links and verdicts")
    p.add_argument("project")
    p.add_argument("others", nargs="*", metavar="OTHER",
                   help="more project files to pool (documents match by their text)")
    p.add_argument("--csv", metavar="FILE", help="also write the table as a CSV file")
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("load", help="read annotation CSV files or W3C Web Annotations into a project "
                                    "holding the documents")
    p.add_argument("project")
    p.add_argument("folder", metavar="DIR", help="folder of CSV files (or with annotations.jsonld), one claims "
                                                 "CSV file, or a W3C Web Annotation file (.jsonld, .json)")
    p.add_argument("--accept-valid-rows", action="store_true",
                   help="load the valid rows even when some rows have errors")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("score", help="per-source reliability scores (record and estimate)")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("conflicts", help="claims about the same thing that disagree on a date, a figure or an actor")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("backups", help="list the automatic backups of a project")
    p.add_argument("project")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("backup", help="take a backup of a project now")
    p.add_argument("project")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="replace a project's contents with one of its backups")
    p.add_argument("project")
    p.add_argument("backup", metavar="BACKUP", help="a number from `annotator backups`, or a backup file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("gui", help="open the app (the default when no command is given)")
    p.add_argument("project", nargs="?")
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test or args.self_test_window:
        return cmd_self_test_window(args) if args.self_test_window else cmd_self_test(args)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "import" and args.title and len(args.files) > 1:
        parser.error("--title applies to a single file")
    try:
        return args.func(args)
    except AnnotatorError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except sqlite3.Error as exc:  # a damaged project the read-only checks could not see
        print(f"annotator: the project file could not be read ({exc}); it may be damaged. "
              "Restore it from a backup or from the .bak copy next to it.", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # permissions, names too long, a disk that went away
        where = f": {exc.filename}" if exc.filename else ""
        print(f"annotator: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except (ValueError, OverflowError) as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
