"""Run the official W3C Web Annotation test suite's JSON schemas, offline.

The suite (vendored in ``tests/fixtures/w3c/``, see its README.md) lists its assertions in
``.test`` files; each assertion is a draft-04 JSON schema with an ``assertionType``
(``must``, ``should`` or ``may``) and an ``expectedResult`` (``valid`` or ``invalid``). A
document passes an assertion when validating it against the schema gives the expected
result. The schemas ``$ref`` each other by their ``id`` (``id.json``, ``annotations.json``
...), so every file is registered under its own id and nothing is fetched.

Needs ``jsonschema`` (imported by the caller, which skips without it) and the format
checkers for ``uri`` (``rfc3986-validator``) and ``date-time`` (``rfc3339-validator``):
without them the suite's IRI and date checks would silently pass.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SUITE = Path(__file__).resolve().parent / "fixtures" / "w3c"

ANNOTATION_TESTS = ("annotations/annotationMusts.test", "annotations/annotationOptionals.test",
                    "annotations/annotationsAgentOptionals.test")
COLLECTION_TESTS = ("collections/collectionMusts.test", "collections/collectionOptionals.test",
                    "collections/pages/pageMusts.test", "collections/pages/pageOptionals.test")


@dataclass(frozen=True)
class Assertion:
    path: str
    level: str  # must, should or may
    expect_valid: bool
    schema: dict


@dataclass(frozen=True)
class Outcome:
    assertion: Assertion
    passed: bool
    message: str = ""


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def assertions(test_files: tuple[str, ...]) -> tuple[Assertion, ...]:
    """The assertions the ``.test`` files list, each once, in the order listed."""
    seen: dict[str, Assertion] = {}
    for test_file in test_files:
        for rel in _load(SUITE / test_file)["assertions"]:
            if rel in seen:
                continue
            schema = _load(SUITE / rel)
            seen[rel] = Assertion(rel, schema["assertionType"].lower(),
                                  schema.get("expectedResult", "valid") == "valid", schema)
    return tuple(seen.values())


@cache
def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        schema = _load(path)
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def format_checker():
    from jsonschema import Draft4Validator

    checker = Draft4Validator.FORMAT_CHECKER
    missing = {"uri", "date-time"} - set(checker.checkers)
    if missing:
        raise RuntimeError(f"jsonschema cannot check the formats {sorted(missing)}: install the test extra "
                           "(rfc3986-validator, rfc3339-validator)")
    return checker


def run(document: dict, test_files: tuple[str, ...]) -> list[Outcome]:
    """Every assertion of ``test_files`` applied to ``document``."""
    from jsonschema import Draft4Validator

    checker = format_checker()
    outcomes = []
    for assertion in assertions(test_files):
        validator = Draft4Validator(assertion.schema, registry=_registry(), format_checker=checker)
        error = next(iter(validator.iter_errors(document)), None)
        passed = (error is None) == assertion.expect_valid
        message = "" if passed else (assertion.schema.get("errorMessage") or (error.message if error else ""))
        outcomes.append(Outcome(assertion, passed, message))
    return outcomes


def failures(outcomes: list[Outcome], level: str) -> list[Outcome]:
    return [o for o in outcomes if o.assertion.level == level and not o.passed]


def tally(outcomes: list[Outcome]) -> Counter:
    """``Counter`` keyed by (level, "pass"/"fail")."""
    return Counter((o.assertion.level, "pass" if o.passed else "fail") for o in outcomes)
