"""Phone numbers: normalising what people type to E.164, and masking. Pure."""

from functools import lru_cache
import re
from typing import Final

import phonenumbers


class InvalidPhoneNumberError(ValueError):
    """The text cannot be a phone number."""


_TEMPLATE_RENDERED_E164 = re.compile(r"[1-9]\d{10,14}")


# Automations text the same few numbers again and again: parse each once.
@lru_cache(maxsize=256)
def to_e164(text: str, default_region: str | None = None) -> str:
    """Return ``text`` as an E.164 number (``+15555550123``).

    Spaces, dashes, dots and parentheses are accepted. A number without a
    leading ``+`` (or international prefix) is read as a national number of
    ``default_region`` (an ISO country code such as ``US``), when given.
    """
    candidate = text.strip()
    if candidate.startswith("00"):
        candidate = f"+{candidate[2:]}"
    elif _TEMPLATE_RENDERED_E164.fullmatch(candidate):
        # Home Assistant renders a template's "+15555550123" as the number
        # 15555550123: the plus is gone. No national number has 11 or more
        # digits without a leading 0 (trunk prefix), so these are E.164.
        candidate = f"+{candidate}"
    try:
        parsed = phonenumbers.parse(candidate, default_region)
    except phonenumbers.NumberParseException as err:
        raise InvalidPhoneNumberError(text) from err
    # Possible (right length for its country) rather than valid: AWS's test
    # and simulator numbers, and new number ranges, must not be refused.
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumberError(text)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask(number: str) -> str:
    """Return the number with all but its last 4 digits hidden, for logs."""
    return f"***{number[-4:]}" if len(number) > 4 else "***"  # noqa: PLR2004


# A phone number inside free text (an AWS error message, a resource ID): AWS
# writes them in E.164, a + and at least 7 digits. Account IDs in ARNs have
# no + and stay readable.
_NUMBER_IN_TEXT = re.compile(r"\+\d(?:[\d \-]{5,}\d)")


def mask_numbers_in(text: str) -> str:
    """Return ``text`` with every phone number in it masked, for logs and errors."""
    return _NUMBER_IN_TEXT.sub(lambda m: mask(re.sub(r"\D", "", m.group())), text)


def mask_identity(identity: str | None) -> str:
    """Return an origination identity fit for a log: numbers are masked.

    Sender IDs, pool IDs and ARNs name no person and stay readable.
    """
    if identity is None:
        return "AWS's choice"
    return mask_numbers_in(identity) if identity.startswith("+") else identity


# AWS's destination simulator numbers ("Destination simulator phone
# numbers", https://docs.aws.amazon.com/sms-voice/latest/userguide/test-phone-numbers.html):
# a sandbox account may text them without verifying them (the Amazon
# Pinpoint page with the same table says so). The emulator keeps its own
# copy of the table (eum_emulator/simulator.py): neither imports the other.
SIMULATOR_NUMBERS: Final = frozenset(
    {
        "+14254147167",
        "+14254147755",
        "+3197008100148",
        "+3197008100150",
        "+32460213922",
        "+32460213923",
        "+33755512501",
        "+33755512502",
        "+34683783440",
        "+34683783442",
        "+351927946948",
        "+351927946950",
        "+352691385880",
        "+352691385882",
        "+3584573979110",
        "+3584573979111",
        "+36707178770",
        "+36707178772",
        "+37282720792",
        "+37282720793",
        "+394390009172",
        "+394390009174",
        "+40783900330",
        "+40783900332",
        "+41798075872",
        "+41798075874",
        "+420790542286",
        "+420790542287",
        "+43676800442031",
        "+43676800442032",
        "+447860019066",
        "+447860019067",
        "+447937404990",
        "+447937404992",
        "+4525919215",
        "+4525919410",
        "+46790645100",
        "+46790645102",
        "+4759449384",
        "+4759449387",
        "+48732141440",
        "+48732141442",
        "+56229140630",
        "+56229140631",
        "+61455944038",
        "+61455944039",
        "+85257048426",
        "+85257048854",
        "+886903444630",
        "+886903444632",
    }
)
