"""Claims, links and verdicts files are checked a block of rows at a time, column by column, and a
block with anything unusual goes through the row parser instead. Whatever the cells, both
ways must keep the same rows with the same values and report the same errors."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.services.interchange import csv_format, csv_load
from annotator.services.interchange.csv_format import CLAIMS, COLUMNS, LINKS, VERDICTS, read_csv

ID = "01KE77FMN84T65ZSZ78XX18PX7"
TIME = "2026-01-25T09:16:12.894Z"

# Cells as the app's exports write them, and the near misses a hand-edited file has.
_IDS = ([ID, "01KE77G9DBCCYE107836KBPZ4M", "c1", "", " ", f" {ID} ", "c1\t"])
_OFFSETS = (["", "0", "3", "12", " 7", "007", "x", "-1", "1.5", "\u0661\u0662", "9" * 16, "³"])
_TIMES = (["", TIME, "2024-02-29T23:59:59.999Z", "2026-02-30T10:00:00.000Z",
                          "2026-01-25T24:00:00.000Z", "2026-01-25T09:16:60.000Z", "2026-01-25T09:16:12Z",
                          "2026-01-25 09:16:12", f" {TIME}", "0000-01-01T00:00:00.000Z", "soon",
                          f"{TIME}\n{TIME}", "2026-01-25T09:16:12.894+01:00", "2026-01-25T09:16:12.89\u0663Z",
                          "\u0662026-01-25T09:16:12.894Z"])
_TEXTS = (["", " ", "a quote", "two\r\nlines", "one\nline", "'=SUM(A1)", "'plain", "''=x",
                          "\t", "x,y", 'say "so"', "é"])
_COLORS = (["", "#b58ae6", "#B58AE6", " #b58ae6", "red", "#12345"])
_TYPES = (["", "Date or time", " Number ", "  "])
_RELATIONS = (["supports", "same_claim", "contradicts", "derived_from", "Supports", " supports",
                              "same claim", "derived-from", "refutes", ""])
_RATINGS = (["", " ", "true", "mostly_false", "Half True"])
_SHAS = (["", "432AE47B59D80B8B6672AFDD69BE4A2915CD8274501B631BD975594953304139", " ab "])


#: What a hand-edited cell of each column may hold instead of what the exports write.
_HOSTILE = {
    "id": _IDS, "document_id": _IDS, "document_title": ["", "A title", " "],
    "document_sha256": _SHAS, "source_name": ["", "Courier", " Courier "], "start": _OFFSETS,
    "end": _OFFSETS, "quote": _TEXTS, "prefix": _TEXTS, "suffix": _TEXTS, "type": _TYPES, "type_color": _COLORS,
    "verdict": _RATINGS, "verdict_note": _TEXTS, "note": _TEXTS, "annotator": ["", "dana", " dana"],
    "created_at": _TIMES, "updated_at": _TIMES, "from_claim_id": _IDS, "to_claim_id": _IDS, "from_quote": _TEXTS,
    "relation": _RELATIONS, "claim_id": _IDS, "rating": _RATINGS, "decides": ["", "yes", "no", "YES", " yes", "maybe"],
    "review_url": ["", " ", "https://example.org/check", "example.org/check"],
    "evidence_url": ["", "FTC order, page 3", "https://example.org/evidence"],
}


def _exported(kind: str, number: int) -> dict[str, str]:
    """A row as the app's exports write it."""
    if kind == CLAIMS:
        return {"id": f"c{number}", "document_id": "d1", "document_title": "A title", "start": str(number),
                "end": str(number + 4), "quote": "a quote", "prefix": "before ", "suffix": " after",
                "type": "Number", "type_color": "#aabbcc", "annotator": "dana", "created_at": TIME,
                "updated_at": TIME}
    if kind == VERDICTS:
        return {"id": f"v{number}", "claim_id": f"c{number}", "rating": "mostly_false", "note": "Checked.",
                "annotator": "dana", "created_at": TIME, "updated_at": TIME, "decides": "yes" if number % 2 else ""}
    return {"id": f"k{number}", "from_claim_id": f"c{number}", "to_claim_id": "c99", "relation": "supports",
            "from_quote": "a quote", "created_at": TIME, "updated_at": TIME}


@st.composite
def _files(draw) -> tuple[str, list[str], list[list[str]]]:
    """A claims, links or verdicts file: its kind, header and rows. Most rows are as exported;
    the others differ from that in one or two cells, or in their shape."""
    kind = draw(st.sampled_from([CLAIMS, LINKS, VERDICTS]))
    columns = list(COLUMNS[kind])
    for column in draw(st.lists(st.sampled_from(columns[1:]), max_size=3)):  # a column left out
        if column in columns and column not in csv_format.REQUIRED[kind] and column != "document_id":
            columns.remove(column)
    rows = []
    for number in range(draw(st.integers(0, 14))):
        cells = _exported(kind, number)
        if not draw(st.integers(0, 2)):  # one row in three has one or two cells changed
            for column in draw(st.lists(st.sampled_from(columns), min_size=1, max_size=2)):
                if column in _HOSTILE:
                    cells[column] = draw(st.sampled_from(_HOSTILE[column]))
        row = [cells.get(c, "") for c in columns]
        shape = draw(st.integers(0, 15))
        if shape == 0:
            row = [""] * len(columns)  # blank
        elif shape == 1:
            row = row[:-1]  # short: the last cell is blank
        elif shape == 2:
            row = [*row, draw(st.sampled_from(["", "extra"]))]  # one cell too many
        rows.append(row)
    return kind, columns, rows


def _checked(path: Path, kind: str, in_blocks: bool, kinds=frozenset({CLAIMS, LINKS, VERDICTS})) -> tuple:
    table, errors = read_csv(path, kind, lazily=True)
    assert table is not None
    if not in_blocks:
        table.blocks = None  # (then validate reads table.rows: the row parser for every row)
    report = csv_load.LoadReport(path.parent)
    loader = csv_load._Loader(None, set(kinds), csv_load.LoadPlan(report, False), csv_load._no_progress,
                              csv_load._never)
    assert loader.validate(kind, table)
    kept = [(row.file, row.row, row.id, row.values) for row in loader.rows[kind]]
    return kept, [*errors, *report.errors], loader.invalid_claims


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_files(), st.integers(1, 6))
def test_block_checks_keep_what_the_row_parser_keeps(tmp_path, monkeypatch, file, block_rows):
    kind, path = _in_blocks_of(block_rows, file, tmp_path, monkeypatch)
    for kinds in ({CLAIMS, LINKS, VERDICTS}, {kind}):  # (a claims file alone: its verdict columns are read too)
        in_blocks, by_rows = _checked(path, kind, True, kinds), _checked(path, kind, False, kinds)
        assert in_blocks[0] == by_rows[0]
        assert [str(e) for e in in_blocks[1]] == [str(e) for e in by_rows[1]]
        assert in_blocks[2] == by_rows[2]
    assert [row[:2] for row in _checked(path, kind, True)[0]] == [
        (path.name, number) for number, _ in _reference_rows(path) if number in {r[1] for r in by_rows[0]}]


def _in_blocks_of(block_rows: int, file: tuple[str, list[str], list[list[str]]], folder: Path,
                  monkeypatch) -> tuple[str, Path]:
    """The file written with csv.writer, to be read ``block_rows`` rows at a time: its kind and path."""
    kind, columns, rows = file
    path = folder / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    monkeypatch.setattr(csv_format, "BLOCK_ROWS", block_rows)
    return kind, path


def _reference_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The data rows of a file as the CSV format says to read them, worked out here without the
    app's reader: numbered from 2, blank rows and rows with more cells than the header left
    out (the app reports those), short rows filled."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    width, out = len(rows[0]), []
    for number, cells in enumerate(rows[1:], start=2):
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            continue
        cells = (cells + [""] * width)[:width]
        if "".join(cells).strip():
            out.append((number, cells))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_files(), st.integers(1, 6))
def test_rows_read_in_blocks_are_the_rows_of_the_file(tmp_path, monkeypatch, file, block_rows):
    """The reader's rows, whatever the block size, against a reading of the file by the csv
    module alone."""
    kind, path = _in_blocks_of(block_rows, file, tmp_path, monkeypatch)
    columns = file[1]
    table, _ = read_csv(path, kind, lazily=True)
    assert table is not None
    integer = [c in csv_format.INTEGER_COLUMNS for c in columns]
    expected = [(number, {c: cell.strip() if whole else csv_format.unescape_cell(cell)
                          for c, cell, whole in zip(columns, cells, integer, strict=True)})
                for number, cells in _reference_rows(path)]
    assert list(table.rows) == expected


def test_a_block_as_exported_is_checked_whole(tmp_path, monkeypatch):
    """The rows of an export never reach the row parser, and come out as it would give them."""
    path = tmp_path / "claims.csv"
    columns = list(COLUMNS[CLAIMS])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for n in range(5):
            cells = dict.fromkeys(columns, "") | {
                "id": f"c{n}", "document_id": "d1", "start": str(n), "end": str(n + 3), "quote": "a, “quoted” one",
                "type": "Number", "type_color": "#aabbcc", "annotator": "dana", "created_at": TIME,
                "updated_at": TIME if n else "2026-01-26T00:00:00.000Z"}
            writer.writerow([cells[c] for c in columns])
    whole = _checked(path, CLAIMS, True)

    def no_row_parser(self, raw):
        raise AssertionError("a row of an export went through the row parser")

    monkeypatch.setattr(csv_load._Loader, "_claim_row", no_row_parser)
    assert _checked(path, CLAIMS, True) == whole
    monkeypatch.undo()
    assert whole == _checked(path, CLAIMS, False)
    values = whole[0][0][3]
    assert (values.start, values.end, values.updated_at, values.type) == (0, 3, "2026-01-26T00:00:00.000Z", "Number")


@pytest.mark.parametrize("cell", ["2026-02-30T10:00:00.000Z", f"{TIME}\n{TIME}", "2026-01-25T23:60:00.000Z"])
def test_a_time_the_block_check_refuses_is_named_by_the_row_parser(tmp_path, cell):
    path = tmp_path / "links.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "from_claim_id", "to_claim_id", "relation", "created_at"])
        writer.writerow(["k1", "c1", "c2", "supports", TIME])
        writer.writerow(["k2", "c1", "c3", "supports", cell])
    kept, errors, _ = _checked(path, LINKS, True)
    assert [row[2] for row in kept] == ["k1"]
    assert [(e.row, e.column) for e in errors] == [(3, "created_at")]


@pytest.mark.parametrize("kind", [CLAIMS, LINKS, VERDICTS])
def test_each_changed_cell_is_read_as_the_row_parser_reads_it(tmp_path, monkeypatch, kind):
    """Every hand-edited value of every column, in the middle row of a block of exported rows."""
    monkeypatch.setattr(csv_format, "BLOCK_ROWS", 3)
    columns = list(COLUMNS[kind])
    cases = [(c, v) for c in columns if c in _HOSTILE for v in _HOSTILE[c]]
    assert len(cases) > 60
    for number, (column, value) in enumerate(cases):
        path = tmp_path / f"{number}" / f"{kind}.csv"
        path.parent.mkdir()
        rows = [_exported(kind, n) for n in range(3)]
        rows[1][column] = value
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([row.get(c, "") for c in columns] for row in rows)
        in_blocks, by_rows = _checked(path, kind, True), _checked(path, kind, False)
        assert in_blocks[0] == by_rows[0], (column, value)
        assert [str(e) for e in in_blocks[1]] == [str(e) for e in by_rows[1]], (column, value)


# -- claims and links planned together ------------------------------------------------------
_LINK_CHANGES = ["", "", "", "no id", "unknown claim", "as the one before", "id of the one before"]
_CHANGES = ["", "", "", "start+1", "end", "no id", "prefix", "suffix", "long prefix", "verdict", "by title",
            "unknown document", "new type", "loaded before"]


def _changed(row: dict[str, str], change: str, text: str) -> dict[str, str]:
    """A claims row of an export, changed as a hand-edited file may be."""
    row = dict(row)
    if change == "start+1":
        row["start"] = str(int(row["start"]) + 1)
    elif change == "end":
        row["end"] = str(int(row["end"]) + 2)
    elif change == "no id":
        row["id"] = ""
    elif change == "prefix":
        row["prefix"] = "not what stands before it"
    elif change == "suffix":
        row["suffix"] = row["suffix"][:-1] + "!"
    elif change == "long prefix":  # (more than anchor compares: what stands before, and more)
        row["prefix"] = "x" * 300 + text[max(0, int(row["start"]) - 20):int(row["start"])]
    elif change == "verdict":
        row["verdict"] = "mostly true"
    elif change == "by title":
        row["document_id"] = row["document_sha256"] = ""
    elif change == "unknown document":
        row["document_id"], row["document_sha256"], row["document_title"] = "nowhere", "", ""
    elif change == "new type":
        row["type"], row["type_color"] = "Quoted figure", "#123456"
    return row


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_CHANGES), min_size=23, max_size=23),
       st.lists(st.sampled_from(_LINK_CHANGES), min_size=13, max_size=13), st.integers(1, 8), st.booleans())
def test_rows_planned_together_are_planned_and_written_as_one_by_one(tmp_path_factory, monkeypatch, changes,
                                                                     link_changes, together, verdicts_file):
    """Claims and links rows planned a block at a time give the plan and the project that
    planning each row by itself gives, whatever rows of a block need more than that."""
    placed, by_rows = _both_ways(tmp_path_factory.mktemp("place"), monkeypatch, changes, link_changes, together,
                                 verdicts_file)
    for a, b in zip(placed[0], by_rows[0], strict=True):  # (the first write that differs, in full)
        assert a == b
    assert placed == by_rows


@pytest.mark.parametrize("together", [3, 1000])
def test_a_load_into_the_project_holding_every_other_claim_plans_as_one_by_one(tmp_path, monkeypatch, together):
    """Blocks holding claims and links the project has already (skipped) and new ones."""
    placed, by_rows = _both_ways(tmp_path, monkeypatch, ["", "loaded before"] * 11 + [""], [""] * 13, together, True)
    assert placed == by_rows
    assert placed[4][0][0] == "Skipped as already present: 5 sources, 11 claims, 1 links, 11 verdicts"


def _both_ways(folder: Path, monkeypatch, changes: list[str], link_changes: list[str], together: int,
               verdicts_file: bool) -> list[tuple]:
    """What planning and loading the demo's export, changed as said, gives with rows planned
    together and one by one."""
    import shutil

    from annotator.services.demo import create_demo_project
    from annotator.services.interchange import apply_load_plan, export_csv, load_csv, plan_csv_load
    from annotator.store import open_project

    store = create_demo_project(folder / "demo.annotator")
    try:
        export_csv(store, folder / "csv")
        texts = {d.id: store.document_text(d.id) for d in store.documents()}
        for n, claim in enumerate(sorted(store.claims(), key=lambda c: c.id)):
            if changes[n] != "loaded before":
                store.delete_claim(claim.id)
    finally:
        store.close()
    path = folder / "csv" / "claims.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["id"])
    rows = [_changed(row, change, texts.get(row["document_id"], "")) for row, change in zip(rows, changes, strict=True)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    links = folder / "csv" / "links.csv"
    with links.open(encoding="utf-8-sig", newline="") as f:
        link_rows = list(csv.DictReader(f))
    for n, change in enumerate(link_changes):
        row = link_rows[n]
        if change == "no id":
            row["id"] = ""
        elif change == "unknown claim":
            row["to_claim_id"] = "nowhere"
        elif change == "as the one before" and n:
            row.update({k: link_rows[n - 1][k] for k in ("from_claim_id", "to_claim_id", "relation")})
        elif change == "id of the one before" and n:
            row["id"] = link_rows[n - 1]["id"]
    with links.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(link_rows[0]))
        writer.writeheader()
        writer.writerows(link_rows)
    if not verdicts_file:
        (folder / "csv" / "verdicts.csv").unlink()
    named = {row["id"] for row in rows} | {row["id"] for row in link_rows}
    results = []
    for one_by_one in (False, True):
        monkeypatch.setattr(csv_load, "_PLACED_TOGETHER", together)
        if one_by_one:
            monkeypatch.setattr(csv_load._Loader, "_place_together", lambda self, block: None)
            monkeypatch.setattr(csv_load._Loader, "_links_together", lambda self, block, ids, planned: None)
        try:
            shutil.copy(folder / "demo.annotator", folder / f"{one_by_one}-later.annotator")
            store = open_project(folder / f"{one_by_one}-later.annotator")
            try:  # as the window loads: the plan made first (on a worker), written later and checked again
                plan = plan_csv_load(store, folder / "csv", accept_valid=True)
                assert plan is not None
                writes = _writes(plan, named)
                orphans, warnings = [str(o) for o in plan.report.orphans], list(plan.report.warnings)
                made = len([w for w in plan.each_write() if w.kind == "claim" and not w.row.id])
                later = (apply_load_plan(store, plan).lines()[1:], _contents(store, named))
            finally:
                store.close()
            shutil.copy(folder / "demo.annotator", folder / f"{one_by_one}.annotator")
            store = open_project(folder / f"{one_by_one}.annotator")
            try:  # as the command line loads: the plan written as made
                at_once = (load_csv(store, folder / "csv", accept_valid=True).lines()[1:], _contents(store, named))
            finally:
                store.close()
        finally:
            monkeypatch.undo()
        assert later == at_once
        results.append((writes, orphans, warnings, made, at_once))
    return results


def _writes(plan, named: set[str]) -> list[tuple]:
    """What a plan writes, row by row, without the ids it makes anew."""
    return [(w.kind, w.row.row, w.row.id, {k: v for k, v in w.values.items() if k not in ("claim", "verdict", "link")},
             dataclasses.replace(w.values["link"], id=w.values["link"].id if w.row.id else "")
             if w.kind == "link" else None,
             dataclasses.replace(w.values["claim"]) if w.kind == "claim" and w.row.id else None,  # (as planned)
             dataclasses.replace(w.values["verdict"], id="", claim_id=w.values["verdict"].claim_id
                                 if w.values["verdict"].claim_id in named else "")
             if w.kind == "verdict" else None)
            for w in plan.each_write()]


def _contents(store, named: set[str]) -> tuple:
    """The project's claims, types, links and counts, without the ids a load makes anew."""
    type_names = {t.id: t.name for t in store.claim_types()}  # (a type the load makes has a new id each time)
    claims = sorted((c.document_id, c.start, c.end, c.quote, c.prefix, c.suffix, type_names.get(c.type_id or ""),
                     c.note, c.annotator, c.created_at, c.updated_at) for c in store.claims())
    types = sorted((t.name, t.color) for t in store.claim_types())
    links = sorted((k.from_claim_id if k.from_claim_id in named else "", k.to_claim_id if k.to_claim_id in named
                    else "", k.relation, k.note, k.annotator, k.created_at, k.updated_at,
                    k.id if k.id in named else "") for k in store.links())
    return claims, types, links, store.counts()
