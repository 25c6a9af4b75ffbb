"""AWS's destination simulator numbers and the delivery outcome of a send.

AWS End User Messaging SMS routes messages to its destination simulator
numbers without a carrier and reports realistic events for them: one number
per country for a success, one for a failure. The emulator reports the same
outcomes for the same numbers, and ``delivered`` for every other number
unless the state's ``delivery_outcomes`` names another event type.
"""

from typing import Final

# The table of destination simulator numbers ("Destination simulator phone
# numbers", Country | Event type | Phone number).
SIMULATOR_NUMBERS_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/test-phone-numbers.html"
)
# The older Amazon Pinpoint page with the same table adds that simulator
# numbers may be texted from a sandbox account without verifying them.
PINPOINT_SIMULATOR_URL: Final = (
    "https://docs.aws.amazon.com/pinpoint/latest/userguide/channels-sms-simulator.html"
)

# ISO country code -> (success number, failure number), from
# SIMULATOR_NUMBERS_URL. Jersey's numbers are +44 numbers, as the page lists.
DESTINATION_SIMULATOR_NUMBERS: Final[dict[str, tuple[str, str]]] = {
    "AU": ("+61455944038", "+61455944039"),
    "AT": ("+43676800442031", "+43676800442032"),
    "BE": ("+32460213922", "+32460213923"),
    "CL": ("+56229140630", "+56229140631"),
    "CZ": ("+420790542286", "+420790542287"),
    "DK": ("+4525919410", "+4525919215"),
    "EE": ("+37282720792", "+37282720793"),
    "FI": ("+3584573979110", "+3584573979111"),
    "FR": ("+33755512501", "+33755512502"),
    "HK": ("+85257048426", "+85257048854"),
    "HU": ("+36707178770", "+36707178772"),
    "IT": ("+394390009172", "+394390009174"),
    "JE": ("+447937404990", "+447937404992"),
    "LU": ("+352691385880", "+352691385882"),
    "NL": ("+3197008100148", "+3197008100150"),
    "NO": ("+4759449384", "+4759449387"),
    "PL": ("+48732141440", "+48732141442"),
    "PT": ("+351927946948", "+351927946950"),
    "RO": ("+40783900330", "+40783900332"),
    "ES": ("+34683783440", "+34683783442"),
    "SE": ("+46790645100", "+46790645102"),
    "CH": ("+41798075872", "+41798075874"),
    "TW": ("+886903444630", "+886903444632"),
    "GB": ("+447860019066", "+447860019067"),
    "US": ("+14254147755", "+14254147167"),
}
SUCCESS_NUMBERS: Final = frozenset(s for s, _ in DESTINATION_SIMULATOR_NUMBERS.values())
FAILURE_NUMBERS: Final = frozenset(f for _, f in DESTINATION_SIMULATOR_NUMBERS.values())

# The event types, with their meanings:
# https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html
# The page says "DELIVERED and SUCCESSFUL may be used interchangeably"
# depending on the country; the emulator reports DELIVERED.
SUCCESS_EVENT: Final = "TEXT_DELIVERED"
# SIMULATOR_NUMBERS_URL says only that a failure number generates "message
# failure events", not which one. Published accounts of the US failure
# number describe it as blocked, so the emulator reports TEXT_BLOCKED; a
# state's delivery_outcomes can name any other type for any number.
FAILURE_EVENT: Final = "TEXT_BLOCKED"
# The first event of every message: "Pending events occur when a message is
# in the process of being delivered, but hasn't been delivered yet".
PENDING_EVENT: Final = "TEXT_PENDING"

# The TEXT_* values of the API's EventType enum an event record can carry.
# TEXT_SENT is left out: "The TEXT_SENT event type is not supported"
# (https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_EventDestination.html).
TEXT_EVENT_TYPES: Final = frozenset(
    {
        "TEXT_PENDING",
        "TEXT_QUEUED",
        "TEXT_SUCCESSFUL",
        "TEXT_DELIVERED",
        "TEXT_INVALID",
        "TEXT_INVALID_MESSAGE",
        "TEXT_UNREACHABLE",
        "TEXT_CARRIER_UNREACHABLE",
        "TEXT_BLOCKED",
        "TEXT_CARRIER_BLOCKED",
        "TEXT_SPAM",
        "TEXT_UNKNOWN",
        "TEXT_TTL_EXPIRED",
        "TEXT_PROTECT_BLOCKED",
    }
)
# Types after which AWS may still report another state for the message.
IN_PROGRESS_EVENT_TYPES: Final = frozenset({"TEXT_PENDING", "TEXT_QUEUED"})

# messageStatusDescription per status. DELIVERED and SUCCESSFUL are the texts
# of AWS's SMS event examples
# (https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html
# and the EventBridge examples); the others paraphrase the event types page.
STATUS_DESCRIPTIONS: Final = {
    "PENDING": "Message is being delivered",
    "QUEUED": "Message is queued for delivery",
    "SUCCESSFUL": "Message has been accepted by phone carrier",
    "DELIVERED": "Message has been accepted by phone",
    "INVALID": "Destination phone number is not valid",
    "INVALID_MESSAGE": "Message body is not valid",
    "UNREACHABLE": "Phone is unreachable",
    "CARRIER_UNREACHABLE": "Phone carrier is unreachable",
    "BLOCKED": "Phone has blocked SMS",
    "CARRIER_BLOCKED": "Phone carrier has blocked this message",
    "SPAM": "Phone carrier has blocked this message as spam",
    "UNKNOWN": "Unknown error attempting to reach phone",
    "TTL_EXPIRED": "Message was not delivered within its time to live",
    "PROTECT_BLOCKED": "Message was blocked by a protect configuration",
}


def is_simulator_number(number: str) -> bool:
    """Return whether ``number`` is one of AWS's destination simulator numbers."""
    return number in SUCCESS_NUMBERS or number in FAILURE_NUMBERS


def delivery_outcome(number: str, overrides: dict[str, str]) -> str:
    """Return the final event type a message to ``number`` ends with.

    Args:
        number: The destination, in E.164.
        overrides: The state's ``delivery_outcomes`` (number -> event type),
            which win over the simulator table.

    Returns:
        A TEXT_* event type: the override, else the simulator number's
        outcome, else TEXT_DELIVERED.
    """
    if number in overrides:
        return overrides[number]
    if number in FAILURE_NUMBERS:
        return FAILURE_EVENT
    return SUCCESS_EVENT


def status_of(event_type: str) -> str:
    """Return an event type's messageStatus (``TEXT_DELIVERED`` -> ``DELIVERED``)."""
    return event_type.removeprefix("TEXT_")
