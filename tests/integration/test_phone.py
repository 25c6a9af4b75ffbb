"""Normalising phone numbers to E.164, and masking them for logs."""

import pytest

from custom_components.aws_eum_x.phone import InvalidPhoneNumberError, mask, to_e164


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("+15555550123", None, "+15555550123"),
        ("+1 (555) 555-0123", None, "+15555550123"),
        ("+44 7700 900123", None, "+447700900123"),
        ("0044 7700 900123", None, "+447700900123"),
        ("(555) 555-0123", "US", "+15555550123"),
        ("07700 900123", "GB", "+447700900123"),
        (" +49 151 12345678 ", None, "+4915112345678"),
    ],
)
def test_to_e164(text: str, region: str | None, expected: str) -> None:
    """Spaces, dashes, parentheses and national formats become E.164."""
    assert to_e164(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("hello", None),
        ("", None),
        ("+1 555", None),  # too short for its country
        ("5555550123", None),  # national without a country to read it in
        ("+99912345678901234567", None),
    ],
)
def test_not_phone_numbers(text: str, region: str | None) -> None:
    """What cannot be a number is refused."""
    with pytest.raises(InvalidPhoneNumberError):
        to_e164(text, region)


def test_mask_keeps_the_last_four_digits() -> None:
    """Logs and events show only the last 4 digits."""
    assert mask("+15555550123") == "***0123"
    assert mask("123") == "***"


@pytest.mark.parametrize(
    ("rendered", "expected"),
    [("447700900123", "+447700900123"), ("14254147755", "+14254147755")],
)
def test_a_number_a_template_rendered_keeps_its_country(
    rendered: str, expected: str
) -> None:
    """A template's "+44…" arrives as 44…: read as international, not as US."""
    assert to_e164(rendered, "US") == expected
