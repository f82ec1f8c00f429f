"""Fuzzing the importers and the CSV load (the generators are in tests/fuzzing.py).

Every input must import or load cleanly, or be refused with an annotator error that has a
message; no other exception may escape, and a refused load leaves the project as it was
(same counts, integrity check ok). The runs are small and derandomized so CI is
deterministic and quick; ``bench/run.py fuzz`` runs tens of thousands of inputs, each in a
child process with time and memory limits.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.services.importing import FAILED, ImportService
from tests import fuzzing
from tests.fuzzing import ALL_SUFFIXES, CSV_KINDS, IMPORT_FORMATS, DrawChoices

pytestmark = pytest.mark.timeout(300)  # a hang guard only: the whole file takes seconds


def fuzz_settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    """A project that stores whatever imports cleanly: what read_bytes returns must fit."""
    from annotator.store import create_project

    store = create_project(tmp_path_factory.mktemp("sink") / "sink.annotator")
    yield ImportService(store)
    store.close()


def assert_imports_or_refuses(data: bytes, filename: str, sink: ImportService) -> None:
    outcome, doc = fuzzing.check_import(data, filename)
    assert outcome.kind in ("ok", "refused"), f"{filename}: {outcome.detail}"
    if doc is not None:
        result = sink.add(doc)
        assert result.status != FAILED, f"{filename} imported but could not be stored: {result.message}"


def test_the_checks_catch_what_they_look_for(monkeypatch):
    """The property can fail: an escaping exception and a document that cannot be stored
    are both reported as crashes."""
    from annotator.core.model import ImportedDocument
    from annotator.services import importers

    def broken(data, filename):
        raise KeyError("a library bug")

    monkeypatch.setattr(importers, "read_bytes", broken)
    outcome, _doc = fuzzing.check_import(b"text", "a.txt")
    assert outcome.kind == "crash" and "KeyError" in outcome.detail
    assert fuzzing.check_document(ImportedDocument("half \ud800 pair", "Title", "text")) is not None
    assert fuzzing.check_document(ImportedDocument("fine", "", "text")) is not None
    assert fuzzing.check_document(ImportedDocument("fine", "Title", "text")) is None


def test_the_seed_files_import_cleanly(sink):
    """The fuzzers start from these; each must be a valid file of its format."""
    suffix = {"txt": ".txt", "md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
    for fmt, data in fuzzing.seeds().items():
        outcome, doc = fuzzing.check_import(data, "seed" + suffix[fmt])
        assert outcome.kind == "ok" and doc is not None, (fmt, outcome.detail)
        assert "bridge" in doc.text or "budget" in doc.text.lower(), fmt


@fuzz_settings(150)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(ALL_SUFFIXES))
def test_random_bytes_under_any_name(data, suffix, sink):
    assert_imports_or_refuses(data, "random" + suffix, sink)


@fuzz_settings(60)
@given(data=st.data(), fmt=st.sampled_from(IMPORT_FORMATS))
def test_truncated_and_mutated_valid_files(data, fmt, sink):
    damaged = fuzzing.mutate(DrawChoices(data), fuzzing.seeds()[fmt])
    assert_imports_or_refuses(damaged, "damaged." + fmt, sink)


@fuzz_settings(45)
@given(data=st.data())
def test_html_with_random_nesting_entities_and_charsets(data, sink):
    page = fuzzing.html_page(DrawChoices(data))
    assert_imports_or_refuses(page, "page.html", sink)


@fuzz_settings(50)
@given(data=st.data())
def test_zip_containers_named_docx(data, sink):
    assert_imports_or_refuses(fuzzing.docx_container(DrawChoices(data)), "report.docx", sink)


@fuzz_settings(40)
@given(data=st.data(), fmt=st.sampled_from(("txt", "md", "pdf")))
def test_text_markdown_and_pdf_built_from_parts(data, fmt, sink):
    made = {"txt": fuzzing.plain_text, "md": fuzzing.markdown_page, "pdf": fuzzing.pdf_like}[fmt]
    assert_imports_or_refuses(made(DrawChoices(data)), "built." + fmt, sink)


# --------------------------------------------------------------------------- CSV load


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from annotator.store import open_project

    path = tmp_path_factory.mktemp("csvfuzz") / "fuzz.annotator"
    info = fuzzing.build_project(path)
    store = open_project(path)
    yield store, info
    store.close()


@fuzz_settings(90)
@given(data=st.data(), kind=st.sampled_from(CSV_KINDS), accept_valid=st.booleans())
def test_csv_folders_load_or_are_refused_leaving_the_project_unchanged(data, kind, accept_valid, project):
    store, info = project
    files = fuzzing.csv_folder(DrawChoices(data), info, kind)
    with tempfile.TemporaryDirectory() as tmp:
        folder = fuzzing.write_folder(Path(tmp) / "csv", files)
        outcome = fuzzing.check_load(store, folder, accept_valid)
    assert outcome.kind in ("ok", "refused"), outcome.detail


@fuzz_settings(40)
@given(data=st.binary(max_size=2048), kind=st.sampled_from(CSV_KINDS))
def test_random_bytes_as_a_csv_file(data, kind, project):
    store, _info = project
    with tempfile.TemporaryDirectory() as tmp:
        folder = fuzzing.write_folder(Path(tmp) / "csv", {f"{kind}.csv": data})
        outcome = fuzzing.check_load(store, folder, False)
    assert outcome.kind in ("ok", "refused"), outcome.detail


def test_the_csv_fuzzer_reaches_loads_and_refusals(project):
    """The generators are not all noise: a fixed sample both loads rows and gets refused."""
    import random

    store, info = project
    choices = fuzzing.RandomChoices(random.Random(5))
    kinds = set()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(60):
            folder = fuzzing.write_folder(Path(tmp) / str(i), fuzzing.csv_folder(choices, info, CSV_KINDS[i % 5]))
            kinds.add(fuzzing.check_load(store, folder, accept_valid=i % 2 == 0).kind)
    assert kinds == {"ok", "refused"}
