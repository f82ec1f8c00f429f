"""The claims table model: one edit changes one row; filters and sorting over compact rows."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from annotator.core.model import ClaimType, Document, Source
from annotator.gui.claims_panel import ID_ROLE, UNCHECKED, ClaimRow, ClaimsModel


def _model(qtbot):
    model = ClaimsModel()
    model.set_names([Document("d1", "First story", ""), Document("d2", "Second story", "")],
                    [Source("s1", "Wire"), Source("s2", "Blog")],
                    [ClaimType("t1", "Statistic", "#123456")])
    rows = [("c1", "d1", "s1", "t1", "true", "Three million photos", None, 5),
            ("c2", "d1", "s1", None, None, "Deleted in 2024", "check the date", 40),
            ("c3", "d2", "s2", "t1", "false", "An OkCupid founder", None, 3)]
    model.set_rows([ClaimRow.from_store(r) for r in rows])
    return model


def test_filters_combine_and_typing_narrows(qtbot):
    model = _model(qtbot)
    assert model.visible_ids() == ["c1", "c2", "c3"]
    model.set_filter("text", "o")
    assert model.visible_ids() == ["c1", "c3"], "quote and note, any case"
    model.set_filter("text", "ok")
    assert model.visible_ids() == ["c3"]
    model.set_filter("text", "")
    model.set_filter("verdict", UNCHECKED)
    assert model.visible_ids() == ["c2"]
    model.set_filter("verdict", None)
    model.set_filter("source_id", "s1")
    model.set_filter("text", "DATE")
    assert model.visible_ids() == ["c2"], "the note is searched too"


def test_one_edit_inserts_updates_or_removes_one_row(qtbot):
    model = _model(qtbot)
    model.set_filter("verdict", "true")
    assert model.visible_ids() == ["c1"]
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert(ClaimRow.from_store(("c2", "d1", "s1", None, "true", "Deleted in 2024", None, 40)))
    assert model.visible_ids() == ["c1", "c2"]
    with qtbot.waitSignal(model.rowsRemoved):
        model.upsert(ClaimRow.from_store(("c1", "d1", "s1", "t1", "false", "Three million photos", None, 5)))
    assert model.visible_ids() == ["c2"], "a row that no longer passes the filter leaves"
    with qtbot.assertNotEmitted(model.modelReset):
        model.remove("c2")
    assert model.visible_ids() == [] and set(model.rows) == {"c1", "c3"}


def test_sorting_by_a_column_and_new_rows_land_in_order(qtbot):
    model = _model(qtbot)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.visible_ids() == ["c3", "c2", "c1"]
    model.upsert(ClaimRow.from_store(("c4", "d2", "s2", None, None, "Copenhagen office", None, 9)))
    assert model.visible_ids() == ["c3", "c4", "c2", "c1"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.display(c)["source"] for c in model.visible_ids()] == ["Wire", "Wire", "Blog", "Blog"]
    assert model.index(0, 0).data() == model.display(model.visible_ids()[0])["quote"]


def test_a_large_table_fills_after_the_window_shows_and_keeps_edits_made_meanwhile(qtbot, open_window, user,
                                                                                   monkeypatch, hold_worker):
    from annotator.gui import main_window

    monkeypatch.setattr(main_window, "BACKGROUND_TABLE_ABOVE", 0)  # the demo counts as large
    go_on = hold_worker(main_window, "_read_claim_rows")  # until the test has edited
    win = open_window()
    panel = win.claims_panel
    assert win._claims_loader is not None and panel.loading.isVisible(), "the rows are read in a worker"
    assert panel.visible_claim_ids() == []
    new = user.claim(win, win.panes[0], "Clarifai is a US-based company")  # while they are read
    go_on.set()
    qtbot.waitUntil(lambda: win._claims_loader is None)
    assert not panel.loading.isVisible()
    assert set(panel.visible_claim_ids()) == {c.id for c in win.store.claims()} and new in panel.visible_claim_ids()
    assert panel.table.selectionModel().isRowSelected(panel.model.position(new)), "the new claim stays selected"


def test_an_edited_row_moves_to_its_place_in_the_sorted_order(qtbot):
    model = _model(qtbot)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.visible_ids() == ["c3", "c2", "c1"]
    model.upsert(ClaimRow.from_store(("c3", "d2", "s2", "t1", "false", "Zero hours", None, 3)))
    assert model.visible_ids() == ["c2", "c1", "c3"]


def test_the_model_keeps_qts_rules_through_edits_filters_and_sorts(qtbot):
    """Qt's own model checker watches random edits, removals, filters and sorts."""
    import random

    from PySide6.QtTest import QAbstractItemModelTester

    model = _model(qtbot)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    rng = random.Random(5)
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    asked = {"text": "", "sort": (-1, Qt.SortOrder.AscendingOrder)}
    for step in range(300):
        roll = rng.random()
        claim_id = f"c{rng.randrange(12)}"
        if roll < 0.5:
            model.upsert(ClaimRow.from_store((claim_id, rng.choice(["d1", "d2"]), rng.choice(["s1", "s2"]), None,
                                              rng.choice([None, "true", "false"]), f"{rng.choice(words)} {step}",
                                              None, step)))
        elif roll < 0.7:
            model.remove(claim_id)
        elif roll < 0.85:
            asked["text"] = rng.choice(["", "a", "al", "e"])
            model.set_filter("text", asked["text"])
        else:
            asked["sort"] = (rng.choice([-1, 0, 1, 4]), rng.choice(list(Qt.SortOrder)))
            model.sort(*asked["sort"])
        shown = model.visible_ids()
        assert len(shown) == len(set(shown)) and all(model.position(c) == i for i, c in enumerate(shown))
        assert shown == _expected_order(model, asked["text"], *asked["sort"])


def _expected_order(model, typed: str, column: int, order) -> list[str]:
    """The rows a person should see, worked out from scratch: those passing the filters,
    in load order (new claims last), stably sorted by the column's text."""
    from annotator.core.model import Rating

    passing = [r for r in model.rows.values() if typed in f"{r.quote} {r.note or ''}".casefold()]
    if column < 0:
        return [r.id for r in passing]
    text = {0: lambda r: r.quote, 1: lambda r: model.sources.get(r.source_id, "No source"),
            4: lambda r: Rating(r.verdict).label if r.verdict else ""}[column]
    ordered = [r.id for r in sorted(passing, key=lambda r: text(r).casefold())]
    return ordered[::-1] if order == Qt.SortOrder.DescendingOrder else ordered


def test_sorting_keeps_the_selected_claim_selected(window, user):
    panel = window.claims_panel
    claim = user.claim_with(window.store, "Clarifai investor")
    window.select_claim(claim)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    rows = panel.table.selectionModel().selectedRows()
    assert [index.data(ID_ROLE) for index in rows] == [claim]
    assert window.selected_claim_id == claim


def test_a_large_dict_is_let_go_a_slice_per_turn(qtbot):
    """Replacing 100,000 rows freed them all at once (50-100 ms); they now go a slice per
    turn of the event loop, and all of them go."""
    from PySide6.QtCore import QObject

    from annotator.gui.workers import release_in_slices

    owner = QObject()
    rows = {i: object() for i in range(10)}
    release_in_slices(owner, rows, per_turn=3)
    assert len(rows) == 10, "nothing is freed before the event loop turns"
    qtbot.waitUntil(lambda: not rows)
