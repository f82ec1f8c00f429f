"""Dates as people write them ("April 21, 2024", "21.04.2024"), read as ISO 8601 where that is
unambiguous, for formats that require it (schema.org, W3C)."""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\.? ([a-z]+)\.?,? (\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.? (\d{4})")
_NUMBERS = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})")


def iso_date(text: str | None) -> str | None:
    """``text`` as an ISO 8601 date (``2024-04-21``; ``2024-04`` or ``2024`` when that is all it
    says; an ISO date and time stays as it is), or None when it is not a date or could be two
    (``04/05/2024``: April or May?)."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    try:
        _dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return raw if len(raw) > 10 else _dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        pass
    plain = " ".join(raw.replace(",", ", ").split()).lower().replace(" ,", ",")
    if re.fullmatch(r"\d{4}", plain):
        return plain
    if m := re.fullmatch(r"(\d{4})-(\d{2})", plain):
        return plain if 1 <= int(m.group(2)) <= 12 else None
    if m := _MONTH_DAY_YEAR.fullmatch(plain):
        return _date(int(m.group(3)), _MONTHS.get(m.group(1)), int(m.group(2)))
    if m := _DAY_MONTH_YEAR.fullmatch(plain):
        return _date(int(m.group(3)), _MONTHS.get(m.group(2)), int(m.group(1)))
    if m := _MONTH_YEAR.fullmatch(plain):
        month = _MONTHS.get(m.group(1))
        return f"{m.group(2)}-{month:02d}" if month else None
    if m := _NUMBERS.fullmatch(plain):
        a, sep, b, c = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        if len(m.group(1)) == 4:  # 2024/04/21
            return _date(a, b, c)
        if len(m.group(4)) != 4:
            return None
        if sep == "." or a > 12:  # 21.04.2024 (day first), 21/04/2024
            return _date(c, b, a)
        if b > 12:  # 04/21/2024 (month first)
            return _date(c, a, b)
        return None  # 04/05/2024 could be either
    return None


def _date(year: int, month: int | None, day: int) -> str | None:
    if month is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None
