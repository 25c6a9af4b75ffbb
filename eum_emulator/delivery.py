"""What AWS publishes to SNS: event records and inbound two-way messages.

The shapes are AWS's documented ones, field for field:

* an SMS event record (EVENT_FORMAT_URL, "SMS example log"): ``eventType``,
  ``eventVersion``, ``eventTimestamp`` (Unix time in milliseconds),
  ``isFinal``, ``originationPhoneNumber``, ``destinationPhoneNumber``,
  ``isoCountryCode``, ``isInternationalSend``, ``messageId``,
  ``messageRequestTimestamp``, ``messageEncoding``, ``messageType``,
  ``messageStatus``, ``messageStatusDescription``, ``context`` (when the
  message had one), ``totalMessageParts``, ``totalMessagePrice``,
  ``totalCarrierFee``;
* an inbound SMS (TWO_WAY_PAYLOAD_URL): ``originationNumber``,
  ``destinationNumber``, ``messageKeyword``, ``messageBody``,
  ``inboundMessageId``, ``previousPublishedMessageId``.

The same page has a voice and an MMS example, which the emulator could not
read in the copies of AWS's documentation it was built from. Their records
here are the SMS record's fields that apply to the channel: an MMS record
has no ``messageEncoding`` or ``messageType`` (SendMediaMessage takes
neither) and is one part (media.MMS_LIMITS_URL); a call record has no
encoding, type, parts or carrier fee, and its final record carries
``callDurationInSeconds`` (CALL_DURATION_FIELD, the emulator's name: 0 for
an unanswered call) and ``totalMessagePrice`` (what the call cost).
"""

from dataclasses import dataclass, field
import json
from typing import TYPE_CHECKING, Any, Final

from .simulator import IN_PROGRESS_EVENT_TYPES, STATUS_DESCRIPTIONS, status_of

if TYPE_CHECKING:
    from datetime import datetime

    from .media import MediaFile

EVENT_FORMAT_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "configuration-sets-event-format.html"
)
TWO_WAY_PAYLOAD_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms-payload.html"
)
# The opt-out keywords AWS honours by default, and the opt-in ones.
KEYWORDS_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/keywords-required.html"
)

# KEYWORDS_URL: recipients "can opt out by replying to the message with any
# of the following" keywords; they are case insensitive.
OPT_OUT_KEYWORDS: Final = frozenset(
    {
        "ARRET",
        "CANCEL",
        "END",
        "OPT-OUT",
        "OPTOUT",
        "QUIT",
        "REMOVE",
        "STOP",
        "TD",
        "UNSUBSCRIBE",
    }
)
# Same page: a recipient who opted out opts in again with UNSTOP or START.
OPT_IN_KEYWORDS: Final = frozenset({"START", "UNSTOP"})
# Every number answers HELP by default (same page).
HELP_KEYWORDS: Final = frozenset({"HELP"})
REGISTERED_KEYWORDS: Final = OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS
_WORD_PUNCTUATION: Final = ".,;:!?\"'()"

EVENT_VERSION: Final = "1.0"
# The emulator's name for how long an answered call lasted, in seconds.
CALL_DURATION_FIELD: Final = "callDurationInSeconds"
# EVENT_FORMAT_URL's examples write GSM-7 as "GSM" and UCS-2 as "UNICODE".
_ENCODINGS: Final = {"GSM": "GSM", "UCS2": "UNICODE"}


@dataclass(frozen=True, kw_only=True)
class SentMessage:
    """What an event record says about the message (or call) it reports on."""

    message_id: str
    origination: str
    destination: str
    iso_country_code: str | None
    international: bool
    request_time: datetime
    # "text", "media" or "voice": which record the events are.
    channel: str = "text"
    encoding: str = ""
    message_type: str = ""
    parts: int = 1
    price: float = 0.0
    context: dict[str, str] = field(default_factory=dict)
    # An answered call's length; 0 for any other message.
    call_duration_seconds: int = 0


@dataclass(frozen=True, kw_only=True)
class PlannedDelivery:
    """The events one accepted message will publish, and where to."""

    message: SentMessage
    # The event types, in the order they are published.
    events: tuple[str, ...]
    # (topic ARN, the destination's MatchingEventTypes) per enabled SNS
    # event destination of the message's configuration set.
    topics: tuple[tuple[str, tuple[str, ...]], ...]
    delay_seconds: float
    # An MMS's media file: its final event depends on what S3 holds, which
    # is looked at when the events are published.
    media: MediaFile | None = None


def epoch_millis(moment: datetime) -> int:
    """Return a time as Unix time in milliseconds, as event records write it."""
    return int(moment.timestamp() * 1000)


def wants(matching_event_types: tuple[str, ...], event_type: str) -> bool:
    """Return whether a destination's MatchingEventTypes select ``event_type``."""
    channel_all = f"{event_type.split('_', 1)[0]}_ALL"
    return bool({event_type, "ALL", channel_all}.intersection(matching_event_types))


def event_record(message: SentMessage, event_type: str, now: datetime) -> str:
    """Return the JSON of one event record (EVENT_FORMAT_URL).

    Args:
        message: The message the event reports on.
        event_type: An event type of the message's channel.
        now: When the event happened (its eventTimestamp).

    Returns:
        The record as the SNS message text AWS publishes.
    """
    status = status_of(event_type)
    final = event_type not in IN_PROGRESS_EVENT_TYPES
    record: dict[str, Any] = {
        "eventType": event_type,
        "eventVersion": EVENT_VERSION,
        "eventTimestamp": epoch_millis(now),
        "isFinal": final,
        "originationPhoneNumber": message.origination,
        "destinationPhoneNumber": message.destination,
    }
    if message.iso_country_code is not None:
        record["isoCountryCode"] = message.iso_country_code
    record |= {
        "isInternationalSend": message.international,
        "messageId": message.message_id,
        "messageRequestTimestamp": epoch_millis(message.request_time),
    }
    if message.channel == "text":
        record |= {
            "messageEncoding": _ENCODINGS.get(message.encoding, message.encoding),
            "messageType": message.message_type,
        }
    record |= {
        "messageStatus": status,
        "messageStatusDescription": STATUS_DESCRIPTIONS[status],
    }
    if message.context:
        record["context"] = dict(message.context)
    if message.channel == "voice":
        if final:
            record[CALL_DURATION_FIELD] = message.call_duration_seconds
            record["totalMessagePrice"] = message.price
        return json.dumps(record)
    record |= {
        "totalMessageParts": message.parts,
        "totalMessagePrice": message.price,
        "totalCarrierFee": 0.0,
    }
    return json.dumps(record)


def keyword_of(body: str) -> str | None:
    """Return the registered keyword a message body starts with, upper case.

    Keywords are matched case insensitively on the first word, without
    surrounding punctuation (KEYWORDS_URL); None when it is no keyword.
    """
    words = body.split(maxsplit=1)
    if not words:
        return None
    word = words[0].strip(_WORD_PUNCTUATION).upper()
    return word if word in REGISTERED_KEYWORDS else None


def inbound_payload(
    *,
    from_number: str,
    to_number: str,
    body: str,
    inbound_message_id: str,
    account_id: str,
    previous_message_id: str | None,
    keyword: str | None,
) -> str:
    """Return the JSON AWS publishes for an SMS sent to a two-way number.

    ``messageKeyword`` is the registered keyword the message matched
    (``keyword``, as keyword_of found it in ``body``); a message that
    matches none carries the account's catch-all keyword,
    ``KEYWORD_<account ID>``, as AWS's payloads do.
    ``previousPublishedMessageId`` is left out when the sender was never
    sent a message from the number.
    """
    payload: dict[str, str] = {
        "originationNumber": from_number,
        "destinationNumber": to_number,
        "messageKeyword": keyword or f"KEYWORD_{account_id}",
        "messageBody": body,
        "inboundMessageId": inbound_message_id,
    }
    if previous_message_id is not None:
        payload["previousPublishedMessageId"] = previous_message_id
    return json.dumps(payload)
