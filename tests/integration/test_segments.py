"""Segment counting, checked by examples and against the emulator's counter."""

from hypothesis import given, strategies as st
import pytest

from custom_components.aws_eum_x.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    GSM7_MULTI_SEGMENT,
    UCS2_MULTI_SEGMENT,
    count_segments,
)
from eum_emulator import count_segments as emulator_count

GSM_TEXT = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=1600)
ANY_TEXT = st.text(max_size=1600)


@pytest.mark.parametrize(
    ("body", "encoding", "segments"),
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("€" * 80, "GSM-7", 1),
        ("€" * 81, "GSM-7", 2),
        ("Temp 5°C", "UCS-2", 1),  # ° is not GSM-7
        ("ü" * 160, "GSM-7", 1),
        ("ê" * 70, "UCS-2", 1),
        ("ê" * 71, "UCS-2", 2),
        ("🔥" * 35, "UCS-2", 1),
        ("🔥" * 36, "UCS-2", 2),
        ("a" * 1600, "GSM-7", 11),
    ],
)
def test_examples(body: str, encoding: str, segments: int) -> None:
    """Boundaries of both encodings, extension characters and emoji."""
    count = count_segments(body)
    assert (count.encoding, count.segments) == (encoding, segments)


@given(GSM_TEXT)
def test_gsm_bodies_agree_with_the_emulator(body: str) -> None:
    """For GSM-7 text, the integration and the emulator count alike."""
    ours = count_segments(body)
    assert ours.encoding == "GSM-7"
    assert ("GSM", ours.segments) == emulator_count(body)


@given(ANY_TEXT)
def test_any_body_agrees_with_the_emulator(body: str) -> None:
    """Arbitrary Unicode: same encoding choice and segment count."""
    ours = count_segments(body)
    theirs = emulator_count(body)
    assert theirs == ({"GSM-7": "GSM", "UCS-2": "UCS2"}[ours.encoding], ours.segments)


@given(ANY_TEXT)
def test_segments_hold_every_unit(body: str) -> None:
    """Parts are never over-full, and never more than one character short."""
    count = count_segments(body)
    per_part = GSM7_MULTI_SEGMENT if count.encoding == "GSM-7" else UCS2_MULTI_SEGMENT
    if count.segments > 1:
        assert count.units <= count.segments * per_part
        # A part only closes early to keep a 2-unit character whole.
        assert count.units > (count.segments - 1) * (per_part - 1)


@given(ANY_TEXT, ANY_TEXT)
def test_more_text_never_fewer_segments(head: str, tail: str) -> None:
    """Appending text never lowers the count within one encoding."""
    whole = count_segments(head + tail)
    if whole.encoding == count_segments(head).encoding:
        assert whole.segments >= count_segments(head).segments
