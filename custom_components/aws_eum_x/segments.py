r"""How many billed SMS segments a message body makes. Pure, no I/O.

A body that fits the GSM 03.38 alphabet is sent as 7-bit septets: 160 in a
single segment, 153 per segment once split (the rest of each part carries
the concatenation header). Characters of the extension table (such as
``€ [ ] { } ^ ~ | \\``) take two septets each. Anything else forces UCS-2,
counted in UTF-16 code units: 70 single, 67 per part, and a character
outside the Basic Multilingual Plane (most emoji) takes two units. A
character's units never straddle two parts.
"""

from dataclasses import dataclass
from typing import Final, Literal

GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE_SEGMENT: Final = 160
GSM7_MULTI_SEGMENT: Final = 153
UCS2_SINGLE_SEGMENT: Final = 70
UCS2_MULTI_SEGMENT: Final = 67

type Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SegmentCount:
    """The encoding of a body and the number of segments AWS bills for it."""

    encoding: Encoding
    segments: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def _units_per_char(body: str) -> tuple[Encoding, list[int]]:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in body):
        return "GSM-7", [2 if ch in GSM7_EXTENSION else 1 for ch in body]
    return "UCS-2", [2 if ord(ch) > 0xFFFF else 1 for ch in body]  # noqa: PLR2004


def count_segments(body: str) -> SegmentCount:
    """Return how ``body`` is encoded and how many segments it takes."""
    encoding, units = _units_per_char(body)
    single, multi = (
        (GSM7_SINGLE_SEGMENT, GSM7_MULTI_SEGMENT)
        if encoding == "GSM-7"
        else (UCS2_SINGLE_SEGMENT, UCS2_MULTI_SEGMENT)
    )
    total = sum(units)
    if total <= single:
        return SegmentCount(encoding, 1, total)
    segments, filled = 1, 0
    for size in units:
        if filled + size > multi:
            segments += 1
            filled = 0
        filled += size
    return SegmentCount(encoding, segments, total)
