"""Bad project files met from the GUI."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from tests.conftest import BAD_BYTES_IN_A_NAME, write_as_another_program


def test_opening_a_damaged_project_warns_and_keeps_the_current_one(tmp_path, window, prompts, user, qtbot):
    """A flipped byte in another project's text: File → Open says so; the open project stays usable."""

    from annotator.services.demo import create_demo_project

    damaged = tmp_path / "damaged.annotator"
    create_demo_project(damaged).close()
    write_as_another_program(damaged, BAD_BYTES_IN_A_NAME)
    win = window
    before = win.store.path
    with qtbot.waitSignal(win.projectNotOpened):
        win.open_project_path(damaged)
    warnings = prompts.messages("warn")
    assert warnings and "is damaged" in warnings[0] and "sources" in warnings[0]
    assert win.store.path == before
    win.select_claim(user.claim_with(win.store, "Clarifai investor"))
    assert win.inspector.claim_id is not None


def test_another_project_is_checked_in_the_background_and_the_window_answers_meanwhile(
        tmp_path, window, prompts, user, qtbot, hold_worker):
    """File › Open: the checks run in a worker; the project shown stays editable until the
    new one replaces it, and a second open meanwhile is declined with a word."""
    from annotator.gui import main_window
    from annotator.store import create_project

    other = tmp_path / "other.annotator"
    create_project(other, "Other").close()
    go_on = hold_worker(main_window, "_inspect_project")  # the check waits until the test has edited
    win = window
    demo = win.store.path
    win.open_project_path(other)
    assert "Opening other.annotator" in win.statusBar().currentMessage()
    claim_id = user.claim(win, win.panes[0], "Clarifai is a US-based company")  # still working here
    win.open_project_path(other)
    assert "Already opening" in win.statusBar().currentMessage()
    with qtbot.waitSignal(win.projectOpened):
        go_on.set()
    assert win.store.name == "Other" and win.windowTitle().startswith("Other")
    with qtbot.waitSignal(win.projectOpened):
        win.open_project_path(demo)
    assert win.store.claim(claim_id).quote == "Clarifai is a US-based company", "the edit made meanwhile is kept"


def test_a_second_window_on_the_same_project_is_refused_and_sets_nothing_aside(open_window, qtbot):
    from annotator.app import resolve_startup_project
    from annotator.core.errors import ProjectLockedError
    from annotator.gui import settings as app_settings

    win = open_window()  # the first window, on the demo
    demo = win.store.path
    with pytest.raises(ProjectLockedError, match="is open in another annotator"):
        resolve_startup_project(None)  # a second start of the app
    assert demo.exists() and win.store.path == demo, "the demo in use was not set aside"
    assert str(app_settings.last_project()) == str(demo), "and it stays the project to reopen"
    win.close()


def test_opening_a_project_in_use_elsewhere_says_who_and_keeps_it_in_the_recent_list(
        tmp_path, window, prompts, qtbot):
    from annotator.gui import settings as app_settings
    from annotator.store import create_project

    elsewhere = create_project(tmp_path / "shared.annotator", "Shared")  # held by "another program"
    app_settings.remember_project(elsewhere.path)
    win = window
    with qtbot.waitSignal(win.projectNotOpened):
        win.open_project_path(elsewhere.path)
    assert any("is open in another annotator" in m for m in prompts.messages("warn"))
    assert str(elsewhere.path) in [str(p) for p in app_settings.recent_projects()]
    win.open_project_path(win.store.path)  # the one already open here
    assert "is the project open in this window" in win.statusBar().currentMessage()
    elsewhere.close()


def test_the_project_to_reopen_is_checked_while_the_app_loads_and_a_damaged_one_gives_way_to_the_demo(
        tmp_path, monkeypatch):
    """At start-up the checks of the last project run on a thread while the window's modules
    load; what they find is acted on as if the project were checked when opened."""
    from pathlib import Path

    from annotator.app import ProjectCheck, resolve_startup_project
    from annotator.gui import settings as app_settings
    from annotator.services.demo import DEMO_FILENAME, create_demo_project
    from annotator.store import create_project, opening

    inspected: list[str] = []
    real = opening._inspect_read_only
    monkeypatch.setattr(opening, "_inspect_read_only",
                        lambda path, **kw: (inspected.append(path.name), real(path, **kw))[1])
    good = tmp_path / "good.annotator"
    create_project(good, "Good").close()
    app_settings.remember_project(good)
    checked = ProjectCheck.of_first_choice(None)
    store = resolve_startup_project(None, checked)
    try:
        assert store.name == "Good"
        assert inspected == ["good.annotator"], "checked once, on the thread"
    finally:
        store.close()

    damaged = tmp_path / "damaged.annotator"
    create_demo_project(damaged).close()
    write_as_another_program(damaged, BAD_BYTES_IN_A_NAME)
    app_settings.remember_project(damaged)
    checked = ProjectCheck.of_first_choice(None)
    assert checked.path == Path(app_settings.last_project())
    store = resolve_startup_project(None, checked)
    try:
        assert store.path.name == DEMO_FILENAME, "the damaged project gave way to the demo"
        assert app_settings.last_project() != str(damaged.resolve()), "and is no longer reopened"
    finally:
        store.close()
