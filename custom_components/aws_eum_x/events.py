"""What arrives on the events queue: delivery events and inbound SMS. Pure.

A configuration set's event destination (an SNS topic) publishes one event
record per change of a sent message's state, and a phone number with two-way
SMS publishes each incoming message to an SNS topic. Both reach the SQS queue
the integration polls, in one of three wrappers:

* ``raw``: the SNS subscription has raw message delivery on, so the queue
  message's body *is* the payload;
* ``sns``: the SNS JSON envelope (``Type`` ``Notification``), whose
  ``Message`` is the payload as a JSON *string*;
* ``eventbridge``: an EventBridge event (source ``aws.sms-voice``), whose
  ``detail`` is the payload as a JSON object. An EventBridge event relayed
  through SNS (an SNS envelope around it) is read too; it counts as ``sns``.

Nothing here logs, and no error's text ever repeats the input: a body, a phone
number or any other value from the message. Errors carry a short fixed reason.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import math
import re
from typing import Final, Literal, NoReturn

# Documentation this module is built on.
# Event record fields, with an SMS example and the meaning of each field.
EVENT_FORMAT_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "configuration-sets-event-format.html"
)
# The same page in the newer AWS End User Messaging guide.
MESSAGING_EVENTS_URL: Final = (
    "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/"
    "nx-features-messaging-events.html"
)
# The event types and what each one means.
EVENT_TYPES_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "configuration-sets-event-types.html"
)
# The payload SNS receives for an incoming two-way SMS.
TWO_WAY_PAYLOAD_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms-payload.html"
)
# Opt-out keywords AWS honours by default, and the opt-in ones (UNSTOP, START).
OPT_OUT_KEYWORDS_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/keywords-required.html"
)
# The SNS envelope (same name-value pairs for HTTP and SQS subscribers).
SNS_ENVELOPE_URL: Final = (
    "https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html"
)
# EventBridge's envelope, and the End User Messaging events it carries.
EVENTBRIDGE_ENVELOPE_URL: Final = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html"
)
EVENTBRIDGE_EVENTS_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html"
)

type Channel = Literal["text", "voice", "media"]
type Wrapper = Literal["raw", "sns", "eventbridge"]
type ParsedEvent = DeliveryEvent | InboundMessage

# The EventType enum of pinpoint-sms-voice-v2 (botocore's service model),
# without its "ALL" filters: the types an event record can carry. See
# EVENT_TYPES_URL for their meanings; TEXT_SENT is in the API model only.
KNOWN_EVENT_TYPES: Final = frozenset(
    {
        "TEXT_SENT",
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
        "VOICE_INITIATED",
        "VOICE_RINGING",
        "VOICE_ANSWERED",
        "VOICE_COMPLETED",
        "VOICE_BUSY",
        "VOICE_NO_ANSWER",
        "VOICE_FAILED",
        "VOICE_TTL_EXPIRED",
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
# Values of the same enum that only select events for a destination.
EVENT_TYPE_FILTERS: Final = frozenset({"ALL", "TEXT_ALL", "VOICE_ALL", "MEDIA_ALL"})

CHANNEL_PREFIXES: Final[dict[str, Channel]] = {
    "TEXT_": "text",
    "VOICE_": "voice",
    "MEDIA_": "media",
}

# Statuses are event types without their channel prefix, in lower case.
# Meanings from EVENT_TYPES_URL: DELIVERED/SUCCESSFUL (accepted by the
# recipient's carrier; used interchangeably by country), and for voice
# ANSWERED and COMPLETED (the audio was played, possibly to voicemail).
SUCCESS_STATUSES: Final = frozenset(
    {"delivered", "successful", "answered", "completed"}
)
# Not settled yet: QUEUED (queued for delivery), PENDING (being delivered),
# SENT (API model only), and a call being INITIATED or RINGING.
IN_PROGRESS_STATUSES: Final = frozenset(
    {"sent", "pending", "queued", "initiated", "ringing"}
)
# Not delivered. Whether AWS may still report a later state is the event's
# ``final`` flag (CARRIER_UNREACHABLE is documented as a transient error, and
# UNKNOWN as possibly temporary); after 72 hours without a final carrier
# event AWS reports UNKNOWN (EVENT_FORMAT_URL).
FINAL_FAILURE_STATUSES: Final = frozenset(
    {
        "blocked",
        "carrier_blocked",
        "carrier_unreachable",
        "invalid",
        "invalid_message",
        "unreachable",
        "spam",
        "unknown",
        "ttl_expired",
        "protect_blocked",
        "busy",
        "no_answer",
        "failed",
        "file_inaccessible",
        "file_type_unsupported",
        "file_size_exceeded",
    }
)


def channel_statuses(*channels: Channel) -> list[str]:
    """Return every status the known event types of ``channels`` can carry."""
    prefixes = [p for p, channel in CHANNEL_PREFIXES.items() if channel in channels]
    return sorted(
        {
            event_type.removeprefix(prefix).lower()
            for event_type in KNOWN_EVENT_TYPES
            for prefix in prefixes
            if event_type.startswith(prefix)
        }
    )


# OPT_OUT_KEYWORDS_URL: "recipients can ... opt out by replying to the message
# with any of the following" (where local law requires it, as in the US and
# Canada). Keywords are case insensitive (keywords.html).
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
# Same page: a recipient resubscribes with UNSTOP or START (the keywords a
# US toll-free number supports with the Opt-in action).
OPT_IN_KEYWORDS: Final = frozenset({"START", "UNSTOP"})

# SNS_ENVELOPE_URL: a notification's Type; SubscriptionConfirmation and
# UnsubscribeConfirmation also arrive on a subscribed queue.
SNS_NOTIFICATION: Final = "Notification"
# EVENTBRIDGE_EVENTS_URL: the source of End User Messaging SMS events.
EVENTBRIDGE_SOURCE: Final = "aws.sms-voice"

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Channels of messages (texts and MMS), whose statuses are delivery
# statuses; calls (voice) have statuses of their own.
MESSAGE_CHANNELS: Final = frozenset({"text", "media"})
_WORD_PUNCTUATION: Final = ".,;:!?\"'()"


class EventParseError(ValueError):
    """A queue message could not be read; its text is a short fixed reason."""


class MalformedMessageError(EventParseError):
    """The message is not JSON, or is one of ours with missing or bad fields."""


class UnknownMessageError(EventParseError):
    """Valid JSON, but neither a delivery event nor an inbound message."""


@dataclass(frozen=True, kw_only=True)
class DeliveryEvent:
    """One event record of a sent SMS, MMS or voice message (EVENT_FORMAT_URL).

    ``status`` is ``event_type`` without its ``TEXT_``/``VOICE_``/``MEDIA_``
    prefix, in lower case: ``delivered``, ``carrier_unreachable``, ... The
    recipient's number is left out of ``repr``, which may reach logs.
    """

    message_id: str  # messageId
    event_type: str  # eventType
    channel: Channel
    status: str
    final: bool  # isFinal
    timestamp: datetime  # eventTimestamp (Unix time in milliseconds), UTC
    destination: str | None = field(default=None, repr=False)  # destinationPhoneNumber
    origination: str | None = None  # originationPhoneNumber (or a sender ID)
    description: str | None = None  # messageStatusDescription
    country: str | None = None  # isoCountryCode (ISO 3166-1 alpha-2)
    context: dict[str, str] = field(default_factory=dict, hash=False)  # context
    price: float | None = None  # totalMessagePrice
    carrier_fee: float | None = None  # totalCarrierFee
    parts: int | None = None  # totalMessageParts
    message_type: str | None = None  # messageType (TRANSACTIONAL, PROMOTIONAL)
    encoding: str | None = None  # messageEncoding (GSM, Unicode)
    carrier: str | None = None  # carrierName (EventBridge example)
    request_timestamp: datetime | None = None  # messageRequestTimestamp, UTC
    wrapper: Wrapper = "raw"
    envelope_id: str | None = None  # SNS MessageId or EventBridge id


@dataclass(frozen=True, kw_only=True)
class InboundMessage:
    """An SMS a customer sent to one of our numbers (TWO_WAY_PAYLOAD_URL).

    The sender's number and the body are left out of ``repr``.
    """

    from_number: str = field(repr=False)  # originationNumber: the customer
    to_number: str  # destinationNumber: our number
    body: str = field(repr=False)  # messageBody
    keyword: str | None  # messageKeyword, the registered keyword matched
    inbound_message_id: str  # inboundMessageId
    reply_to_message_id: str | None  # previousPublishedMessageId
    timestamp: datetime | None  # the envelope's time; the payload has none
    wrapper: Wrapper = "raw"
    envelope_id: str | None = None  # SNS MessageId or EventBridge id


@dataclass(frozen=True)
class _Envelope:
    wrapper: Wrapper
    envelope_id: str | None
    time: datetime | None


def parse_message(body: str) -> ParsedEvent:
    """Read one SQS message body as a delivery event or an inbound message.

    Args:
        body: The SQS message body, in any of the three wrappers.

    Returns:
        A DeliveryEvent or an InboundMessage.

    Raises:
        MalformedMessageError: Not JSON, or one of ours with a missing field or
            a field of the wrong type.
        UnknownMessageError: Valid JSON that is not one of ours (such as an SNS
            SubscriptionConfirmation, or another service's EventBridge event).
    """
    payload, envelope = _unwrap(_load_object(body, "not JSON", "not a JSON object"))
    if "eventType" in payload:
        return _delivery_event(payload, envelope)
    if {"inboundMessageId", "originationNumber", "messageBody"} & payload.keys():
        return _inbound_message(payload, envelope)
    raise UnknownMessageError("neither a delivery event nor an inbound message")


def dedup_key(event: ParsedEvent) -> str:
    """Return a key that is equal for redeliveries of the same event.

    SQS and SNS deliver at least once. One sent message yields several
    delivery events, so a delivery event is keyed by message and event type;
    an inbound message by its inboundMessageId.
    """
    if isinstance(event, DeliveryEvent):
        return f"delivery:{event.message_id}:{event.event_type}"
    return f"inbound:{event.inbound_message_id}"


# AWS's placeholder keyword for a reply that matched no keyword.
_NO_KEYWORD: Final = re.compile(r"KEYWORD_\d{12}")


def message_keyword(message: InboundMessage) -> str | None:
    """Return the keyword of an inbound message, in upper case.

    That is AWS's ``messageKeyword`` when given, else the first word of the
    body, without surrounding punctuation; None for an empty body. A reply
    that matches none of the number's keywords arrives with the placeholder
    ``KEYWORD_<account ID>``: that is no keyword, so the body decides.
    """
    keyword = message.keyword
    if keyword and _NO_KEYWORD.fullmatch(keyword):
        keyword = None
    text = keyword or message.body
    words = text.split(maxsplit=1)
    if not words:
        return None
    word = words[0].strip(_WORD_PUNCTUATION).upper()
    return word or None


def is_opt_out(message: InboundMessage) -> bool:
    """Return whether the message's keyword is one of AWS's opt-out keywords."""
    return message_keyword(message) in OPT_OUT_KEYWORDS


def is_opt_in(message: InboundMessage) -> bool:
    """Return whether the message's keyword is one of AWS's opt-in keywords."""
    return message_keyword(message) in OPT_IN_KEYWORDS


def is_failure(status: str) -> bool:
    """Return whether a status means the message was not delivered."""
    return status.lower() in FINAL_FAILURE_STATUSES


def is_success(status: str) -> bool:
    """Return whether a status means delivered (or, for a call, answered)."""
    return status.lower() in SUCCESS_STATUSES


def is_in_progress(status: str) -> bool:
    """Return whether a status means the message is still on its way."""
    return status.lower() in IN_PROGRESS_STATUSES


def _malformed(reason: str) -> NoReturn:
    raise MalformedMessageError(reason)


def _reject_constant(_name: str) -> NoReturn:
    # NaN and Infinity, which Python's json accepts but JSON does not have.
    raise ValueError


def _load_object(text: str, not_json: str, not_object: str) -> dict[str, object]:
    try:
        document: object = json.loads(text, parse_constant=_reject_constant)
    except ValueError, TypeError, RecursionError:
        # ``from None``: a JSONDecodeError holds the whole document.
        raise MalformedMessageError(not_json) from None
    if not isinstance(document, dict):
        _malformed(not_object)
    return document


def _unwrap(document: dict[str, object]) -> tuple[dict[str, object], _Envelope]:
    if "Type" in document:
        return _unwrap_sns(document)
    if "detail-type" in document:
        return _unwrap_eventbridge(document, None)
    return document, _Envelope("raw", None, None)


def _unwrap_sns(document: dict[str, object]) -> tuple[dict[str, object], _Envelope]:
    kind = document["Type"]
    if not isinstance(kind, str):
        _malformed("SNS Type is not a string")
    if kind != SNS_NOTIFICATION:
        raise UnknownMessageError("SNS message is not a Notification")
    message = document.get("Message")
    if not isinstance(message, str):
        _malformed("SNS Message is not a string")
    envelope = _Envelope(
        "sns",
        _optional_str(document, "MessageId"),
        _iso_time(document.get("Timestamp")),
    )
    payload = _load_object(
        message, "SNS Message is not JSON", "SNS Message is not a JSON object"
    )
    if "detail-type" in payload:
        return _unwrap_eventbridge(payload, envelope)
    return payload, envelope


def _unwrap_eventbridge(
    document: dict[str, object], outer: _Envelope | None
) -> tuple[dict[str, object], _Envelope]:
    if document.get("source") != EVENTBRIDGE_SOURCE:
        raise UnknownMessageError("EventBridge source is not aws.sms-voice")
    detail = document.get("detail")
    if not isinstance(detail, dict):
        _malformed("EventBridge detail is not an object")
    envelope = outer or _Envelope(
        "eventbridge",
        _optional_str(document, "id"),
        _iso_time(document.get("time")),
    )
    return detail, envelope


def _delivery_event(payload: dict[str, object], envelope: _Envelope) -> DeliveryEvent:
    event_type = _required_str(payload, "eventType")
    channel, status = _split_event_type(event_type)
    return DeliveryEvent(
        message_id=_required_str(payload, "messageId"),
        event_type=event_type,
        channel=channel,
        status=status,
        final=_required_bool(payload, "isFinal"),
        timestamp=_required_time(payload, "eventTimestamp"),
        destination=_optional_str(payload, "destinationPhoneNumber"),
        origination=_optional_str(payload, "originationPhoneNumber"),
        description=_optional_str(payload, "messageStatusDescription"),
        country=_optional_str(payload, "isoCountryCode"),
        context=_context(payload),
        price=_optional_float(payload, "totalMessagePrice"),
        carrier_fee=_optional_float(payload, "totalCarrierFee"),
        parts=_optional_int(payload, "totalMessageParts"),
        message_type=_optional_str(payload, "messageType"),
        encoding=_optional_str(payload, "messageEncoding"),
        carrier=_optional_str(payload, "carrierName"),
        request_timestamp=_optional_time(payload, "messageRequestTimestamp"),
        wrapper=envelope.wrapper,
        envelope_id=envelope.envelope_id,
    )


def _split_event_type(event_type: str) -> tuple[Channel, str]:
    for prefix, channel in CHANNEL_PREFIXES.items():
        if event_type.startswith(prefix):
            if event_type in EVENT_TYPE_FILTERS or event_type == prefix:
                _malformed("eventType is not an event")
            return channel, event_type.removeprefix(prefix).lower()
    # Another channel (RCS, say) or a registration event: not ours to read.
    raise UnknownMessageError("eventType of an unsupported channel")


def _inbound_message(payload: dict[str, object], envelope: _Envelope) -> InboundMessage:
    body = payload.get("messageBody")
    if body is None:
        _malformed("missing field messageBody")
    if not isinstance(body, str):
        _malformed("field messageBody is not a string")
    return InboundMessage(
        from_number=_required_str(payload, "originationNumber"),
        to_number=_required_str(payload, "destinationNumber"),
        body=body,
        keyword=_optional_str(payload, "messageKeyword"),
        inbound_message_id=_required_str(payload, "inboundMessageId"),
        reply_to_message_id=_optional_str(payload, "previousPublishedMessageId"),
        timestamp=envelope.time,
        wrapper=envelope.wrapper,
        envelope_id=envelope.envelope_id,
    )


def _optional_str(payload: dict[str, object], name: str) -> str | None:
    """Return a string field; None when absent, null or empty."""
    value = payload.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        _malformed(f"field {name} is not a string")
    return value


def _required_str(payload: dict[str, object], name: str) -> str:
    value = _optional_str(payload, name)
    if value is None:
        _malformed(f"missing field {name}")
    return value


def _required_bool(payload: dict[str, object], name: str) -> bool:
    match payload.get(name):
        case bool(value):
            return value
        case str(text) if text.lower() in {"true", "false"}:
            return text.lower() == "true"
        case None:
            _malformed(f"missing field {name}")
        case _:
            _malformed(f"field {name} is not a boolean")


def _optional_number(payload: dict[str, object], name: str) -> int | float | None:
    """Return a numeric field, which AWS may write as a number or a string."""
    value = payload.get(name)
    number: int | float
    match value:
        case None | "":
            return None
        case bool():
            _malformed(f"field {name} is not a number")
        case int() | float():
            number = value
        case str():
            try:
                number = int(value)
            except ValueError:
                try:
                    number = float(value)
                except ValueError:
                    _malformed(f"field {name} is not a number")
        case _:
            _malformed(f"field {name} is not a number")
    try:
        finite = math.isfinite(number)
    except OverflowError:  # an int beyond any float
        finite = False
    if not finite:
        _malformed(f"field {name} is not a finite number")
    return number


def _optional_float(payload: dict[str, object], name: str) -> float | None:
    number = _optional_number(payload, name)
    return None if number is None else float(number)


def _optional_int(payload: dict[str, object], name: str) -> int | None:
    number = _optional_number(payload, name)
    if number is None:
        return None
    if number != int(number):
        _malformed(f"field {name} is not a whole number")
    return int(number)


def _optional_time(payload: dict[str, object], name: str) -> datetime | None:
    """Return a field in Unix time in milliseconds as an aware UTC datetime."""
    milliseconds = _optional_number(payload, name)
    if milliseconds is None:
        return None
    try:
        return EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        _malformed(f"field {name} is out of range")


def _required_time(payload: dict[str, object], name: str) -> datetime:
    value = _optional_time(payload, name)
    if value is None:
        _malformed(f"missing field {name}")
    return value


def _iso_time(value: object) -> datetime | None:
    """Return an envelope's ISO 8601 time (UTC if it names no zone), or None.

    The envelope's time is informative only: an unreadable one is dropped
    rather than failing the message.
    """
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _context(payload: dict[str, object]) -> dict[str, str]:
    value = payload.get("context")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(item, str) for item in value.values()
    ):
        _malformed("field context is not an object of strings")
    return dict(value)
