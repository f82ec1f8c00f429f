"""Sentences, number normalisation and similar-passage matching (Qt-free)."""

from __future__ import annotations

import json

from annotator.core.model import Relation
from annotator.services import matching, nlp
from annotator.services.annotations import AnnotationService
from annotator.services.importing import ImportService
from tests.test_cli import run


def test_sentences_keep_python_offsets_after_emoji_and_across_paragraphs():
    text = "Hi 😀👍🏽 there. Mr. Smith said 3M photos went!\n\n  Next para here.\nA heading\n"
    found = nlp.sentences(text)
    assert [s.text for s in found] == ["Hi 😀👍🏽 there.", "Mr. Smith said 3M photos went!", "Next para here.",
                                       "A heading"]
    assert all(text[s.start:s.end] == s.text for s in found)


def test_a_huge_single_line_is_cut_into_blocks_without_losing_offsets():
    text = ("word " * 9000 + "end. ") * 3
    found = nlp.sentences(text)
    assert found and all(text[s.start:s.end] == s.text for s in found)
    assert found[-1].text.endswith("end.")


def test_numbers_are_written_one_way():
    same = ["3M", "3 million", "three million", "3,000,000", "3000000", "3-million"]
    assert {nlp.normalise_numbers(x) for x in same} == {"3000000"}
    assert nlp.normalise_numbers("1.5bn and 20k") == "1500000000 and 20000"
    assert nlp.normalise_numbers("a 3 m wall") == "a 3 m wall"  # metres, not millions
    assert nlp.normalise_numbers("in 2019, 12 people") == "in 2019, 12 people"


def test_content_words_fold_inflections_and_common_synonyms():
    assert nlp.content_tokens("Clarifai's firm deleted 3M images") == nlp.content_tokens(
        "the Clarifai company erases three million photos")
    assert nlp.content_tokens("the of and said") == []


def _index(docs: dict[str, str]) -> matching.MatchIndex:
    index = matching.MatchIndex()
    for doc_id, text in docs.items():
        index.install(matching.index_document(doc_id, "sha-" + doc_id, text))
    return index


def test_a_paraphrase_ranks_above_unrelated_sentences_and_the_own_document_is_left_out():
    index = _index({
        "a": "Clarifai deleted about 3 million photos. The weather was fine.",
        "b": "The company held a party. Clarifai erased 3M images from OkCupid. Stocks fell.",
        "c": "Photos of the party were shared. Clarifai hired staff.",
    })
    found = matching.similar(index.snapshot(), "Clarifai deleted about 3 million photos", exclude_document_id="a")
    assert found[0].passage.document_id == "b" and found[0].passage.text == "Clarifai erased 3M images from OkCupid."
    assert found[0].score > 80 and set(found[0].shared) >= {"clarifai", "3000000", "~photo", "~delete"}
    assert all(m.passage.document_id != "a" for m in found)
    assert all(m.score < found[0].score for m in found[1:])
    assert matching.similar(index.snapshot(), "the of and") == []


def test_per_document_cap_limit_and_threshold():
    index = _index({"a": " ".join(f"Clarifai deleted photos number {i}." for i in range(10)),
                    "b": "Clarifai deleted photos."})
    found = matching.similar(index.snapshot(), "Clarifai deleted photos", per_document=2, limit=10)
    assert [m.passage.document_id for m in found].count("a") == 2 and len(found) == 3
    assert len(matching.similar(index.snapshot(), "Clarifai deleted photos", limit=1)) == 1
    assert matching.similar(index.snapshot(), "Clarifai deleted photos yesterday in Denver", min_score=99) == []


def test_the_index_is_rebuilt_only_for_changed_texts():
    index = _index({"a": "One sentence.", "b": "Another one."})
    assert index.missing([("a", "sha-a"), ("b", "changed"), ("c", "sha-c")]) == ["b", "c"]
    index.retain(["a"])
    assert len(index) == 1 and index.missing([("a", "sha-a")]) == []


def test_suggestions_name_existing_claims_and_links(store):
    importer = ImportService(store)
    a = importer.import_text("Clarifai deleted 3 million photos, the company said.",
                             title="A", source_name="Alpha").document
    b = importer.import_text("Background first. Clarifai erased 3M images. More later.",
                             title="B", source_name="Beta").document
    c = importer.import_text("Clarifai deleted three million pictures on Tuesday.",
                             title="C", source_name="Gamma").document
    service = AnnotationService(store)
    query = service.create_claim(a.id, 0, 33)
    text_b = store.document_text(b.id)
    on_b = service.create_claim(b.id, text_b.index("Clarifai"), text_b.index("images") + 6)
    service.link(query.id, on_b.id, Relation.SAME)
    index = matching.MatchIndex()
    assert matching.refresh_index(store, index) == 3 and matching.refresh_index(store, index) == 0
    found = matching.suggestions_for_claim(store, index, query.id)
    by_doc = {s.match.passage.document_id: s for s in found}
    assert set(by_doc) == {b.id, c.id}
    assert by_doc[b.id].claim_id == on_b.id and by_doc[b.id].relation == Relation.SAME.label
    assert by_doc[b.id].source_name == "Beta" and by_doc[b.id].document_title == "B"
    assert by_doc[c.id].claim_id is None and by_doc[c.id].relation is None


def test_cli_similar_on_the_demo(tmp_path):
    project = tmp_path / "demo.annotator"
    assert run("demo", str(project)).returncode == 0
    r = run("similar", str(project), "--text", "an OkCupid founder invested in Clarifai and supplied the photos",
            "--json", "--limit", "3")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["matches"]) == 3
    assert "OkCupid founder who was also a Clarifai investor" in data["matches"][0]["text"]
    assert data["matches"][0]["claim_id"]
    r = run("similar", str(project), data["matches"][0]["claim_id"])
    assert r.returncode == 0 and "executives had previously invested in Clarifai" in r.stdout
    assert "linked: supports" in r.stdout
    r = run("similar", str(project))
    assert r.returncode == 1 and "give either a claim id or --text" in r.stderr and "Traceback" not in r.stderr
    r = run("similar", str(project), "NO-SUCH-CLAIM")
    assert r.returncode == 1 and "No claim with id" in r.stderr


def test_words_are_not_numbers_and_different_figures_stay_different():
    assert nlp.normalise_numbers("I am here, ab AK, a tent, fourteen and ninety") == \
        "I am here, ab AK, a tent, fourteen and ninety"
    assert (nlp.content_tokens("Interest rates rose 3.5% in May")
            != nlp.content_tokens("Interest rates rose 5.3% in May"))
    assert nlp.normalise_numbers("4.1 million") == nlp.normalise_numbers("4,100,000") == "4100000"
    assert nlp.normalise_numbers("1,5 million and 2,25") == "1500000 and 2.25"
    assert nlp.normalise_numbers("1234567.5") != nlp.normalise_numbers("1234571.2")
    index = _index({"a": "I am leaving the platform today."})
    assert matching.similar(index.snapshot(), "Facebook lost 1 million users") == []


def test_decomposed_accents_match_composed_ones():
    import unicodedata

    text = "Le président a signé la réforme des retraites."
    assert nlp.content_tokens(unicodedata.normalize("NFD", text)) == nlp.content_tokens(text)


def test_short_inflections_and_synonyms_fold_without_collisions():
    same = [("wipe", "wiped"), ("sue", "sued"), ("buys", "buy"), ("apps", "app"), ("pics", "photos")]
    for a, b in same:
        assert nlp.content_tokens(a) == nlp.content_tokens(b), (a, b)
    assert nlp.content_tokens("eras") != nlp.content_tokens("erase")
