"""Time stamps: the system clock's format, and a ticking clock that orders edits without sleeping."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from annotator.core.clock import SystemClock, TickingClock, format_ms, parse_ms
from annotator.core.model import Rating
from annotator.store import create_project, open_project

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_format_is_utc_with_milliseconds_and_z():
    assert format_ms(0) == "1970-01-01T00:00:00.000Z"
    assert format_ms(1_795_341_600_123) == "2026-11-22T10:00:00.123Z"
    assert parse_ms("2026-11-22T10:00:00.123Z") == 1_795_341_600_123
    assert parse_ms("2026-11-22T05:00:00.123-05:00") == 1_795_341_600_123
    assert parse_ms("2026-11-22T10:00:00.123") == 1_795_341_600_123  # no zone: UTC


def test_system_clock_writes_what_the_store_always_wrote(monkeypatch):
    moment = dt.datetime(2026, 11, 22, 10, 0, 0, 123_999, tzinfo=dt.UTC)
    before_clocks = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # the old now_iso()
    since_1970 = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setattr(time, "time_ns", lambda: since_1970 // dt.timedelta(microseconds=1) * 1000 + 999)
    assert SystemClock().now_iso() == before_clocks == "2026-11-22T10:00:00.123Z"


def test_system_clock_stamps_utc_milliseconds(tmp_path):
    before = time.time_ns() // 1_000_000
    stamp = SystemClock().now_iso()
    after = time.time_ns() // 1_000_000
    assert STAMP.fullmatch(stamp) and before <= parse_ms(stamp) <= after

    store = create_project(tmp_path / "system.annotator")  # no clock given: the system clock
    try:
        assert isinstance(store.clock, SystemClock)
        doc = store.add_document("The bridge reopened in May.", "Bridge")
        verdict = store.set_verdict(_claim(store, doc.id), Rating.TRUE)
        for value in (store.meta()["created_at"], doc.created_at, verdict.created_at, verdict.updated_at):
            assert STAMP.fullmatch(value), value
            assert before <= parse_ms(value)
    finally:
        store.close()


def test_ticking_clock_moves_one_step_per_reading():
    clock = TickingClock("2026-11-22T10:00:00.000Z")
    assert [clock.now_iso() for _ in range(3)] == [
        "2026-11-22T10:00:00.000Z", "2026-11-22T10:00:00.001Z", "2026-11-22T10:00:00.002Z"]
    clock = TickingClock(1000, step_ms=250)
    assert [clock.now_ms() for _ in range(3)] == [1000, 1250, 1500]
    stopped = TickingClock(5, step_ms=0)
    assert stopped.now_ms() == stopped.now_ms() == 5
    with pytest.raises(ValueError):
        TickingClock(step_ms=-1)


def test_ticking_clock_starts_after_the_system_clock():
    stamped = SystemClock().now_ms()
    assert TickingClock().now_ms() > stamped


def test_verdicts_within_one_real_millisecond_are_ordered_by_a_ticking_clock(tmp_path, monkeypatch):
    frozen = time.time_ns()
    monkeypatch.setattr(time, "time_ns", lambda: frozen)  # real time stands still
    assert SystemClock().now_iso() == SystemClock().now_iso()  # why tests used to sleep

    path = tmp_path / "ticking.annotator"
    store = create_project(path, clock=TickingClock("2026-11-22T10:00:00.000Z"))
    try:
        doc = store.add_document("The ship sank in 1912. The ship went down in 1912.", "Ship")
        claim = _claim(store, doc.id)
        first = store.set_verdict(claim, Rating.TRUE, annotator="ana")
        second = store.set_verdict(claim, Rating.FALSE, annotator="ben")
        assert first.updated_at < second.updated_at
        assert store.verdict(claim).annotator == "ben"
        assert store.latest_verdicts() == {claim: Rating.FALSE}
        again = store.set_verdict(claim, Rating.MIXED, annotator="ana")  # ana changes her mind
        assert again.updated_at > second.updated_at
        assert store.verdict(claim).annotator == "ana"
        assert store.latest_verdicts() == {claim: Rating.MIXED}
        assert [v.annotator for v in store.verdicts(claim)] == ["ben", "ana"]
    finally:
        store.close()

    reopened = open_project(path, clock=TickingClock("2026-11-22T11:00:00.000Z"))
    try:
        assert reopened.update_document(doc.id, title="Ship, again").updated_at == "2026-11-22T11:00:00.000Z"
    finally:
        reopened.close()


def _claim(store, document_id: str) -> str:
    from annotator.services.annotations import AnnotationService

    return AnnotationService(store, annotator="tester").create_claim(document_id, 0, 22).id
