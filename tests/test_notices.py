"""Licences: annotator's own and those of everything it runs on (Help › Licences, the bundle)."""

from __future__ import annotations

from importlib import metadata

from annotator.services import notices


def test_every_package_annotator_needs_is_listed_with_its_licence_text():
    listed = {n.name.lower().replace("_", "-"): n for n in notices.third_party()}
    for requirement in ("pyside6-essentials", "sqlite-utils", "spacy", "rapidfuzz", "trafilatura", "pypdf",
                        "python-docx", "ftfy", "numpy"):
        assert requirement in listed, requirement
        assert listed[requirement].texts, f"{requirement} has no licence text"
    # what pypdf[crypto] brings (AES-protected PDFs) is bundled, so it is listed too
    assert "cryptography" in listed
    # Qt ships no licence file in its wheel: the LGPL (and the GPL it builds on) come from resources/
    texts = dict(listed["pyside6-essentials"].texts)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in texts["LGPL-3.0.txt"]
    assert "GNU GENERAL PUBLIC LICENSE" in texts["GPL-3.0.txt"]
    assert listed["spacy"].version == metadata.version("spacy")


def test_test_only_packages_are_not_listed():
    names = {n.name.lower() for n in notices.third_party()}
    assert not names & {"pytest", "pytest-qt", "hypothesis", "mypy", "ruff", "import-linter"}


def test_the_notices_list_every_package_then_its_texts_and_start_with_python():
    text = notices.build_notices()
    head, _, rest = text.partition("=" * 78)
    listed = [line for line in head.splitlines() if line.startswith("  ")]
    assert listed[0].startswith("  Python ")
    for n in notices.third_party():
        assert f"  {n.name} {n.version} — {n.licence}" in head
        assert f"{n.name} {n.version}\nLicence: {n.licence}" in rest
    assert "MIT License" in notices.own_licence()


def test_a_bundle_shows_the_notices_written_when_it_was_built(tmp_path, monkeypatch):
    written = notices.write_notices(tmp_path / notices.NOTICES_FILE)
    assert written.read_text(encoding="utf-8") == notices.build_notices()
    (tmp_path / notices.NOTICES_FILE).write_text("as built\n", encoding="utf-8")
    monkeypatch.setattr(notices, "resources_dir", lambda: tmp_path)
    assert notices.notices_text() == "as built\n"
