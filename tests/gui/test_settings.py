"""The window's settings: saved without waiting for the disk, read back at once."""

from __future__ import annotations

from annotator.gui import settings as app_settings


def test_saved_settings_read_back_at_once_and_reach_their_own_file(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(first))
    app_settings.set_values({"panes/a project": ["doc-1", ""], "lastProject": "/p/a.annotator"})
    assert app_settings.value("panes/a project") == ["doc-1", ""]
    assert app_settings.last_project() == "/p/a.annotator"

    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(second))  # another user's settings
    assert app_settings.value("panes/a project") is None and app_settings.last_project() is None
    app_settings.forget_project("/p/b.annotator")

    app_settings.wait_for_writes()
    written = (first / "annotator.ini").read_text(encoding="utf-8")
    assert "doc-1" in written and "a.annotator" in written
    assert "doc-1" not in (second / "annotator.ini").read_text(encoding="utf-8")
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(first))
    assert app_settings.settings().value("panes/a project") == ["doc-1", ""], "read from the file itself"


def test_forgetting_the_last_project_means_none_to_reopen(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SETTINGS_DIR", str(tmp_path))
    project = tmp_path / "gone.annotator"
    app_settings.remember_project(project)
    assert app_settings.last_project() == str(project.resolve())
    app_settings.forget_project(project)
    assert app_settings.last_project() is None and app_settings.recent_projects() == []
    app_settings.wait_for_writes()
    assert app_settings.settings().value("recentProjects") in (None, [], "")
