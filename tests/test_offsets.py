"""Code point <-> UTF-16 conversion, checked against Python's own UTF-16 encoder."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.offsets import OffsetMap


def _u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_bmp_text_is_identity():
    m = OffsetMap("café – naïve")
    assert m.identity and m.to_utf16(5) == 5 and m.to_codepoint(5) == 5


def test_after_emoji_positions_shift():
    text = "a😀b👍🏽c"
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        assert m.to_utf16(cp) == _u16(text, cp)
        assert m.to_codepoint(m.to_utf16(cp)) == cp
    assert m.length_utf16 == len(text.encode("utf-16-le")) // 2
    assert m.to_codepoint(2) == 1  # inside the surrogate pair of 😀 snaps to its start


@settings(deadline=None)  # Hypothesis's default 200 ms per example is a wall-clock assert
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_round_trip_on_any_text(text):
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        u = m.to_utf16(cp)
        assert u == _u16(text, cp)
        assert m.to_codepoint(u) == cp
