"""Tools people point at a project file find what it holds: sqlite-utils and Datasette search
the documents through the project's own full-text index."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

WORD = "Copenhagen"


def _with_word(store) -> set[str]:
    return {d.title for d in store.documents() if WORD.casefold() in store.document_text(d.id).casefold()}


def test_sqlite_utils_finds_and_searches_the_documents_index(demo_store):
    from sqlite_utils import Database

    expected = _with_word(demo_store)
    assert 0 < len(expected) < len(demo_store.documents()), "the word is in some documents, not all"
    db = Database(demo_store.path)
    try:
        assert db["documents"].detect_fts() == "documents_fts"
        assert {row["title"] for row in db["documents"].search(WORD)} == expected
    finally:
        db.close()
    said = subprocess.run([sys.executable, "-m", "sqlite_utils", "search", str(demo_store.path), "documents", WORD,
                           "-c", "title"], capture_output=True, text=True, timeout=60)
    assert said.returncode == 0, said.stderr
    assert {row["title"] for row in json.loads(said.stdout)} == expected


def test_datasette_search_returns_the_documents_with_the_word(demo_store):
    datasette_app = pytest.importorskip("datasette.app")
    expected = _with_word(demo_store)
    ds = datasette_app.Datasette([str(demo_store.path)])
    name = demo_store.path.stem

    async def ask(path: str):
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    found = asyncio.run(ask(f"/{name}/documents.json?_search={WORD}&_shape=array&_col=title"))
    assert {row["title"] for row in found} == expected
    everything = asyncio.run(ask(f"/{name}/documents.json?_shape=array&_col=title"))
    assert len(everything) == len(demo_store.documents()) > len(found)


def test_the_index_follows_edits_after_the_upgrade(demo_store):
    """The index made again by the upgrade is still kept in step with the documents."""
    from sqlite_utils import Database

    doc = next(d for d in demo_store.documents() if d.title in _with_word(demo_store))
    demo_store.update_document(doc.id, title="Renamed for the search test")
    db = Database(demo_store.path)
    try:
        assert "Renamed for the search test" in {row["title"] for row in db["documents"].search(WORD)}
    finally:
        db.close()
    assert {hit["title"] for hit in demo_store.search(WORD)} == _with_word(demo_store), "the app's own search too"
