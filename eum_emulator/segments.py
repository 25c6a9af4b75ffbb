"""How many SMS segments AWS bills for a message body.

This is the emulator's own account of GSM 03.38 / UCS-2 splitting, written
from the specification and kept apart from the integration's counter on
purpose: the tests compare the two, so a mistake in one shows up as a
disagreement instead of being copied into the oracle.
"""

# GSM 03.38 default alphabet (one septet each). The escape code 0x1B is left
# out: it only introduces the extension table.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: escape + character, two septets each.
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
# Code points above this take two UTF-16 code units (a surrogate pair).
BMP_MAX = 0xFFFF


def _pack(units: list[int], single: int, part: int) -> int:
    """Count parts, never splitting one character's units across two."""
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > part:
            parts += 1
            used = 0
        used += size
    return parts


def count_segments(body: str) -> tuple[str, int]:
    """Return the encoding ("GSM" or "UCS2") and the number of segments."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in body):
        septets = [2 if ch in GSM_EXTENSION else 1 for ch in body]
        return "GSM", _pack(septets, GSM_SINGLE, GSM_PART)
    # UTF-16 code units: characters outside the BMP take a surrogate pair.
    code_units = [2 if ord(ch) > BMP_MAX else 1 for ch in body]
    return "UCS2", _pack(code_units, UCS2_SINGLE, UCS2_PART)
