"""AWS's destination simulator numbers and the outcome of a send or a call.

AWS End User Messaging SMS routes messages to its destination simulator
numbers without a carrier and reports realistic events for them: one number
per country for a success, one for a failure. The emulator reports the same
outcomes for the same numbers, and ``delivered`` for every other number
unless the state's ``delivery_outcomes`` names another event type. MMS
follow the same rules with the MEDIA_ event types. A voice call is answered
unless the state's ``call_outcomes`` says otherwise.
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
# The MEDIA_* values of the API's EventType enum (botocore's service model):
# the events of an MMS, EVENT_TYPES_URL. The first three FILE_ types are how
# AWS reports a media file it could not send, after accepting the message.
MEDIA_EVENT_TYPES: Final = frozenset(
    {
        "MEDIA_PENDING",
        "MEDIA_QUEUED",
        "MEDIA_SUCCESSFUL",
        "MEDIA_DELIVERED",
        "MEDIA_INVALID",
        "MEDIA_INVALID_MESSAGE",
        "MEDIA_UNREACHABLE",
        "MEDIA_CARRIER_UNREACHABLE",
        "MEDIA_BLOCKED",
        "MEDIA_CARRIER_BLOCKED",
        "MEDIA_SPAM",
        "MEDIA_UNKNOWN",
        "MEDIA_TTL_EXPIRED",
        "MEDIA_FILE_INACCESSIBLE",
        "MEDIA_FILE_TYPE_UNSUPPORTED",
        "MEDIA_FILE_SIZE_EXCEEDED",
    }
)
# The VOICE_* values of the same enum: the events of a call.
VOICE_EVENT_TYPES: Final = frozenset(
    {
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
        "VOICE_BUSY",
        "VOICE_NO_ANSWER",
        "VOICE_FAILED",
        "VOICE_TTL_EXPIRED",
    }
)
EVENT_TYPES_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "configuration-sets-event-types.html"
)
# Types after which AWS may still report another state for the message. A
# call is in progress until it is completed (EVENT_TYPES_URL: VOICE_COMPLETED
# "occurs when the audio message is played to the recipient") or ends
# unanswered, busy, failed or expired.
IN_PROGRESS_EVENT_TYPES: Final = frozenset(
    {
        "TEXT_PENDING",
        "TEXT_QUEUED",
        "MEDIA_PENDING",
        "MEDIA_QUEUED",
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
    }
)
# The events of a call, in order, for each outcome a state's call_outcomes
# may name. AWS documents the event types, not their sequence: this one is
# the emulator's (a busy line does not ring; a call whose time to live ran
# out was never placed).
CALL_EVENTS: Final[dict[str, tuple[str, ...]]] = {
    "answered": (
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
    ),
    "no_answer": ("VOICE_INITIATED", "VOICE_RINGING", "VOICE_NO_ANSWER"),
    "busy": ("VOICE_INITIATED", "VOICE_BUSY"),
    "failed": ("VOICE_INITIATED", "VOICE_FAILED"),
    "ttl_expired": ("VOICE_TTL_EXPIRED",),
}
CALL_OUTCOMES: Final = frozenset(CALL_EVENTS)
DEFAULT_CALL_OUTCOME: Final = "answered"
_CHANNEL_EVENT_TYPES: Final = {
    "TEXT": TEXT_EVENT_TYPES,
    "MEDIA": MEDIA_EVENT_TYPES,
    "VOICE": VOICE_EVENT_TYPES,
}

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
    # MMS file failures and call states: the emulator's own wording of
    # EVENT_TYPES_URL's descriptions.
    "FILE_INACCESSIBLE": "Media file could not be accessed",
    "FILE_TYPE_UNSUPPORTED": "Media file type is not supported",
    "FILE_SIZE_EXCEEDED": "Media file is larger than its type allows",
    "INITIATED": "Call has been initiated",
    "RINGING": "Phone is ringing",
    "ANSWERED": "Call has been answered",
    "COMPLETED": "Voice message has been played to the recipient",
    "BUSY": "Phone line is busy",
    "NO_ANSWER": "Call was not answered",
    "FAILED": "Call could not be placed",
}


def is_simulator_number(number: str) -> bool:
    """Return whether ``number`` is one of AWS's destination simulator numbers."""
    return number in SUCCESS_NUMBERS or number in FAILURE_NUMBERS


def delivery_outcome(
    number: str, overrides: dict[str, str], channel: str = "TEXT"
) -> str:
    """Return the final event type a message to ``number`` ends with.

    Args:
        number: The destination, in E.164.
        overrides: The state's ``delivery_outcomes`` (number -> event type),
            which win over the simulator table. A TEXT_ type also decides an
            MMS's outcome and a MEDIA_ type a text's, where the other channel
            has that status (TEXT_PROTECT_BLOCKED has no MEDIA_ twin, the
            MEDIA_FILE_ types no TEXT_ ones).
        channel: ``TEXT`` or ``MEDIA``.

    Returns:
        An event type of the channel: the override, else the simulator
        number's outcome, else the channel's DELIVERED.
    """
    if number in overrides:
        event_type = f"{channel}_{status_of(overrides[number])}"
        if event_type in _CHANNEL_EVENT_TYPES[channel]:
            return event_type
    if number in FAILURE_NUMBERS:
        return f"{channel}_{status_of(FAILURE_EVENT)}"
    return f"{channel}_{status_of(SUCCESS_EVENT)}"


def call_outcome(number: str, overrides: dict[str, str]) -> str:
    """Return how a call to ``number`` ends (``call_outcomes``, else answered)."""
    return overrides.get(number, DEFAULT_CALL_OUTCOME)


def status_of(event_type: str) -> str:
    """Return an event type's messageStatus (``TEXT_DELIVERED`` -> ``DELIVERED``)."""
    return event_type.split("_", 1)[1]
