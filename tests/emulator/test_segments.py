"""The emulator's own segment counter (the oracle for the integration's)."""

import pytest

from eum_emulator import count_segments


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 160, ("GSM", 1)),
        ("a" * 161, ("GSM", 2)),
        ("a" * 306, ("GSM", 2)),
        ("a" * 307, ("GSM", 3)),
        ("€" * 80, ("GSM", 1)),  # 160 septets
        ("€" * 81, ("GSM", 2)),
        # 152 septets then an escape pair: the pair moves whole to part two.
        ("a" * 152 + "[" + "a" * 10, ("GSM", 2)),
        ("é" * 160, ("GSM", 1)),  # é is in the GSM basic set
        ("ê", ("UCS2", 1)),  # ê is not
        ("ê" * 70, ("UCS2", 1)),
        ("ê" * 71, ("UCS2", 2)),
        ("ê" * 134, ("UCS2", 2)),
        ("ê" * 135, ("UCS2", 3)),
        ("😀" * 35, ("UCS2", 1)),  # 70 UTF-16 code units
        ("😀" * 36, ("UCS2", 2)),
        ("a" * 66 + "😀", ("UCS2", 1)),
        # A surrogate pair is never split: 66 units + a pair overflow part one.
        ("a" * 66 + "😀" + "a" * 10, ("UCS2", 2)),
    ],
)
def test_segments(body: str, expected: tuple[str, int]) -> None:
    """GSM-7 counts septets (160/153), UCS-2 UTF-16 units (70/67)."""
    assert count_segments(body) == expected
