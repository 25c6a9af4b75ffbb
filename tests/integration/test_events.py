"""Reading what arrives on the events queue, from AWS's documented samples."""

import ast
from collections.abc import Callable
import copy
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime
import json
from pathlib import Path
import subprocess
import sys
from typing import Any

import botocore.session
from hypothesis import given, strategies as st
import pytest

from custom_components.aws_eum_x import events
from custom_components.aws_eum_x.events import (
    FINAL_FAILURE_STATUSES,
    IN_PROGRESS_STATUSES,
    KNOWN_EVENT_TYPES,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    SUCCESS_STATUSES,
    DeliveryEvent,
    EventParseError,
    InboundMessage,
    MalformedMessageError,
    UnknownMessageError,
    dedup_key,
    is_failure,
    is_in_progress,
    is_opt_in,
    is_opt_out,
    is_success,
    message_keyword,
    parse_message,
)

# The SMS example log, verbatim from
# https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-features-messaging-events.html
# (also https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html).
SMS_EVENT: dict[str, Any] = {
    "eventType": "TEXT_SUCCESSFUL",
    "eventVersion": "1.0",
    "eventTimestamp": 1686975103470,
    "isFinal": True,
    "originationPhoneNumber": "+12065550152",
    "destinationPhoneNumber": "+14255550156",
    "isInternationalSend": False,
    "mcc": "310",
    "mnc": "800",
    "messageId": "862a8790-60c0-4430-9b2b-658bdexample",
    "messageRequestTimestamp": 1686975103170,
    "messageEncoding": "GSM",
    "messageType": "PROMOTIONAL",
    "messageStatus": "SUCCESSFUL",
    "messageStatusDescription": "Message has been accepted by phone carrier",
    "context": {"account": "bar"},
    "totalMessageParts": 1,
    "totalMessagePrice": 0.09582,
    "totalCarrierFee": 0.0,
}

# The two-way SMS payload, verbatim from
# https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms-payload.html
INBOUND: dict[str, Any] = {
    "originationNumber": "+14255550182",
    "destinationNumber": "+12125550101",
    "messageKeyword": "JOIN",
    "messageBody": "EXAMPLE",
    "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84",
    "previousPublishedMessageId": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}

# "Event for a delivered SMS message" from
# https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html
# verbatim up to messageType; the stored copy of the page is cut there, so
# the last five fields are ours. Its origination is a sender ID, and the
# part we could read has no destinationPhoneNumber.
EVENTBRIDGE_SMS: dict[str, Any] = {
    "version": "0",
    "id": "5c0fa4f8-e4ba-ed02-6101-c795472fccd0",
    "detail-type": "Text Message Delivery Status Updated",
    "source": "aws.sms-voice",
    "account": "111122223333",
    "time": "2025-10-01T18:20:41Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "eventType": "TEXT_SUCCESSFUL",
        "eventVersion": "1.0",
        "eventTimestamp": 1759342841377,
        "isFinal": True,
        "originationPhoneNumber": "VAJZNBLLDX",
        "isoCountryCode": "ES",
        "isInternationalSend": False,
        "mcc": "214",
        "mnc": "05",
        "carrierName": "Movistar",
        "messageId": "ed23196c-75ce-4727-93ee-7bf72b64998f",
        "messageRequestTimestamp": 1759342840978,
        "messageEncoding": "GSM",
        "messageType": "TRANSACTIONAL",
        "messageStatus": "SUCCESSFUL",  # from here on: ours
        "messageStatusDescription": "Message has been accepted by phone carrier",
        "totalMessageParts": 1,
        "totalMessagePrice": "0.0385",
        "totalCarrierFee": 0,
    },
}

SNS_MESSAGE_ID = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"
SNS_TIMESTAMP = "2024-05-02T00:54:06.655Z"

# Every phone number and body in the samples above: no error may repeat one.
PRIVATE = (
    "+12065550152",
    "+14255550156",
    "+14255550182",
    "+12125550101",
    "EXAMPLE",
    "VAJZNBLLDX",
)


def sns(message: Any, **fields: Any) -> str:
    """Wrap a payload the way SNS delivers it to a queue without raw delivery.

    The name-value pairs of
    https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
    (MessageId and TopicArn are that page's example's).
    """
    envelope = {
        "Type": "Notification",
        "MessageId": SNS_MESSAGE_ID,
        "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": SNS_TIMESTAMP,
        "SignatureVersion": "1",
        "Signature": "EXAMPLE/signature==",
        "SigningCertURL": "https://sns.us-west-2.amazonaws.com/cert.pem",
        "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe",
    }
    return json.dumps(envelope | fields)


def eventbridge(detail: Any, **fields: Any) -> dict[str, Any]:
    """Wrap a payload in the EventBridge sample's envelope."""
    return EVENTBRIDGE_SMS | {"detail": detail} | fields


def with_fields(payload: dict[str, Any], **changes: Any) -> str:
    """Return the payload as JSON, with fields changed (``...`` removes one)."""
    document = copy.deepcopy(payload)
    for name, value in changes.items():
        if value is ...:
            del document[name]
        else:
            document[name] = value
    return json.dumps(document)


def delivery(body: str) -> DeliveryEvent:
    """Parse a body that must be a delivery event."""
    event = parse_message(body)
    assert isinstance(event, DeliveryEvent)
    return event


def inbound(body: str) -> InboundMessage:
    """Parse a body that must be an inbound message."""
    message = parse_message(body)
    assert isinstance(message, InboundMessage)
    return message


def assert_private(error: EventParseError) -> None:
    """The error's text repeats nothing from the message."""
    text = str(error)
    assert text
    assert not any(secret in text for secret in PRIVATE)
    assert not any(char.isdigit() for char in text)
    assert error.__cause__ is None


def test_sms_event_every_field() -> None:
    """Each field of the documented SMS event lands in its attribute."""
    event = delivery(json.dumps(SMS_EVENT))
    assert event == DeliveryEvent(
        message_id="862a8790-60c0-4430-9b2b-658bdexample",
        event_type="TEXT_SUCCESSFUL",
        channel="text",
        status="successful",
        final=True,
        timestamp=datetime(2023, 6, 17, 4, 11, 43, 470000, tzinfo=UTC),
        destination="+14255550156",
        origination="+12065550152",
        description="Message has been accepted by phone carrier",
        country=None,
        context={"account": "bar"},
        price=0.09582,
        carrier_fee=0.0,
        parts=1,
        message_type="PROMOTIONAL",
        encoding="GSM",
        carrier=None,
        request_timestamp=datetime(2023, 6, 17, 4, 11, 43, 170000, tzinfo=UTC),
        wrapper="raw",
        envelope_id=None,
    )


def test_sms_event_in_sns_envelope() -> None:
    """The SNS envelope's Message is the same event, as a JSON string."""
    event = delivery(sns(SMS_EVENT))
    raw = delivery(json.dumps(SMS_EVENT))
    assert (event.wrapper, event.envelope_id) == ("sns", SNS_MESSAGE_ID)
    assert event == replace(raw, wrapper="sns", envelope_id=SNS_MESSAGE_ID)


def test_eventbridge_event() -> None:
    """EventBridge's detail is the event; its id identifies the envelope."""
    event = delivery(json.dumps(EVENTBRIDGE_SMS))
    assert (event.wrapper, event.envelope_id) == (
        "eventbridge",
        "5c0fa4f8-e4ba-ed02-6101-c795472fccd0",
    )
    assert (event.origination, event.destination) == ("VAJZNBLLDX", None)
    assert (event.country, event.carrier) == ("ES", "Movistar")
    assert event.price == 0.0385  # a string in the payload
    assert event.carrier_fee == 0.0
    assert event.context == {}
    assert event.message_type == "TRANSACTIONAL"


def test_event_timestamp_is_in_milliseconds() -> None:
    """EventTimestamp is Unix time in milliseconds, as the docs say.

    The EventBridge sample proves it: its envelope's time is the same second.
    """
    event = delivery(json.dumps(EVENTBRIDGE_SMS))
    envelope_time = datetime.fromisoformat(EVENTBRIDGE_SMS["time"])
    assert event.timestamp == datetime(2025, 10, 1, 18, 20, 41, 377000, tzinfo=UTC)
    assert event.timestamp.replace(microsecond=0) == envelope_time
    assert event.timestamp.tzinfo is UTC


def test_eventbridge_through_sns() -> None:
    """An EventBridge event published to SNS: the outer envelope counts."""
    event = delivery(sns(EVENTBRIDGE_SMS))
    assert (event.wrapper, event.envelope_id) == ("sns", SNS_MESSAGE_ID)
    assert event.message_id == "ed23196c-75ce-4727-93ee-7bf72b64998f"


@pytest.mark.parametrize(
    ("body", "wrapper", "envelope_id", "timestamp"),
    [
        (json.dumps(INBOUND), "raw", None, None),
        (
            sns(INBOUND),
            "sns",
            SNS_MESSAGE_ID,
            datetime(2024, 5, 2, 0, 54, 6, 655000, tzinfo=UTC),
        ),
        (
            json.dumps(eventbridge(INBOUND)),
            "eventbridge",
            "5c0fa4f8-e4ba-ed02-6101-c795472fccd0",
            datetime(2025, 10, 1, 18, 20, 41, tzinfo=UTC),
        ),
    ],
)
def test_inbound_message(
    body: str, wrapper: str, envelope_id: str | None, timestamp: datetime | None
) -> None:
    """Each field of the documented two-way payload, in each wrapper."""
    assert inbound(body) == InboundMessage(
        from_number="+14255550182",
        to_number="+12125550101",
        body="EXAMPLE",
        keyword="JOIN",
        inbound_message_id="cae173d2-66b9-564c-8309-21f858e9fb84",
        reply_to_message_id="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        timestamp=timestamp,
        wrapper=wrapper,  # type: ignore[arg-type]
        envelope_id=envelope_id,
    )


@pytest.mark.parametrize("absent", ["", None, ...])
def test_inbound_optional_fields(absent: Any) -> None:
    """No keyword and no previous message (absent, null or empty): None."""
    message = inbound(
        with_fields(INBOUND, messageKeyword=absent, previousPublishedMessageId=absent)
    )
    assert (message.keyword, message.reply_to_message_id) == (None, None)


def test_inbound_empty_body() -> None:
    """An empty body is a message too; it has no keyword."""
    message = inbound(with_fields(INBOUND, messageBody="", messageKeyword=...))
    assert message.body == ""
    assert message_keyword(message) is None
    assert not is_opt_out(message)
    assert not is_opt_in(message)


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2024-05-02T00:54:06Z", datetime(2024, 5, 2, 0, 54, 6, tzinfo=UTC)),
        ("2024-05-02T00:54:06", datetime(2024, 5, 2, 0, 54, 6, tzinfo=UTC)),
        ("yesterday", None),
        (1714611246, None),
        (..., None),
    ],
)
def test_envelope_timestamp(timestamp: Any, expected: datetime | None) -> None:
    """The SNS Timestamp is read as UTC; an unreadable one is dropped."""
    envelope = json.loads(sns(INBOUND))
    if timestamp is ...:
        del envelope["Timestamp"]
    else:
        envelope["Timestamp"] = timestamp
    assert inbound(json.dumps(envelope)).timestamp == expected


def test_sns_envelope_without_message_id() -> None:
    """The envelope id is optional."""
    envelope = json.loads(sns(SMS_EVENT))
    del envelope["MessageId"]
    event = delivery(json.dumps(envelope))
    assert (event.wrapper, event.envelope_id) == ("sns", None)


@pytest.mark.parametrize("event_type", sorted(KNOWN_EVENT_TYPES))
def test_every_event_type(event_type: str) -> None:
    """Each documented type: its channel, its status, and one outcome."""
    event = delivery(with_fields(SMS_EVENT, eventType=event_type))
    prefix, _, rest = event_type.partition("_")
    assert event.event_type == event_type
    assert event.channel == {"TEXT": "text", "VOICE": "voice", "MEDIA": "media"}[prefix]
    assert event.status == rest.lower()
    outcomes = [is_success(event.status), is_failure(event.status)]
    outcomes.append(is_in_progress(event.status))
    assert outcomes.count(True) == 1


@pytest.mark.parametrize(
    ("event_type", "status", "outcome"),
    [
        ("TEXT_DELIVERED", "delivered", is_success),
        ("TEXT_SUCCESSFUL", "successful", is_success),
        ("TEXT_QUEUED", "queued", is_in_progress),
        ("TEXT_PENDING", "pending", is_in_progress),
        ("TEXT_BLOCKED", "blocked", is_failure),
        ("TEXT_CARRIER_UNREACHABLE", "carrier_unreachable", is_failure),
        ("TEXT_TTL_EXPIRED", "ttl_expired", is_failure),
        ("TEXT_UNKNOWN", "unknown", is_failure),
        ("TEXT_SPAM", "spam", is_failure),
        ("VOICE_INITIATED", "initiated", is_in_progress),
        ("VOICE_RINGING", "ringing", is_in_progress),
        ("VOICE_ANSWERED", "answered", is_success),
        ("VOICE_COMPLETED", "completed", is_success),
        ("VOICE_NO_ANSWER", "no_answer", is_failure),
        ("VOICE_BUSY", "busy", is_failure),
        ("VOICE_FAILED", "failed", is_failure),
        ("MEDIA_DELIVERED", "delivered", is_success),
        ("MEDIA_FILE_INACCESSIBLE", "file_inaccessible", is_failure),
    ],
)
def test_statuses(event_type: str, status: str, outcome: Callable[[str], bool]) -> None:
    """Statuses by example; the helpers ignore case."""
    event = delivery(with_fields(SMS_EVENT, eventType=event_type))
    assert event.status == status
    assert outcome(status)
    assert outcome(status.upper())


def test_status_sets_are_disjoint() -> None:
    """A status is a success, a failure or in progress: never two of them."""
    assert not SUCCESS_STATUSES & FINAL_FAILURE_STATUSES
    assert not SUCCESS_STATUSES & IN_PROGRESS_STATUSES
    assert not IN_PROGRESS_STATUSES & FINAL_FAILURE_STATUSES


def test_future_event_type_of_a_known_channel() -> None:
    """A new status of a known channel is read, with no outcome yet."""
    event = delivery(with_fields(SMS_EVENT, eventType="TEXT_SOMETHING_NEW"))
    assert (event.channel, event.status) == ("text", "something_new")
    assert not is_success("something_new")
    assert not is_failure("something_new")
    assert not is_in_progress("something_new")


def test_event_types_match_botocore() -> None:
    """The known types are the API's EventType enum, less its ALL filters."""
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    enum = set(model.shape_for("EventType").enum)
    assert enum == KNOWN_EVENT_TYPES | events.EVENT_TYPE_FILTERS
    assert not KNOWN_EVENT_TYPES & events.EVENT_TYPE_FILTERS


def test_minimal_event() -> None:
    """Only eventType, messageId, eventTimestamp and isFinal are required."""
    event = delivery(
        json.dumps(
            {
                "eventType": "VOICE_COMPLETED",
                "messageId": "m-1",
                "eventTimestamp": 0,
                "isFinal": False,
            }
        )
    )
    assert event == DeliveryEvent(
        message_id="m-1",
        event_type="VOICE_COMPLETED",
        channel="voice",
        status="completed",
        final=False,
        timestamp=datetime(1970, 1, 1, tzinfo=UTC),
    )
    assert event.context == {}


@pytest.mark.parametrize(
    ("changes", "attribute", "expected"),
    [
        ({"totalMessagePrice": "0.09582"}, "price", 0.09582),
        ({"totalMessagePrice": 1}, "price", 1.0),
        ({"totalMessagePrice": " 2 "}, "price", 2.0),
        ({"totalMessagePrice": ""}, "price", None),
        ({"totalMessagePrice": None}, "price", None),
        ({"totalCarrierFee": "0.0025"}, "carrier_fee", 0.0025),
        ({"totalMessageParts": "3"}, "parts", 3),
        ({"totalMessageParts": 2.0}, "parts", 2),
        ({"totalMessageParts": ...}, "parts", None),
        ({"isFinal": "false"}, "final", False),
        ({"isFinal": "TRUE"}, "final", True),
        (
            {"eventTimestamp": "1686975103470"},
            "timestamp",
            datetime(2023, 6, 17, 4, 11, 43, 470000, tzinfo=UTC),
        ),
        (
            {"eventTimestamp": 1686975103470.5},
            "timestamp",
            datetime(2023, 6, 17, 4, 11, 43, 470500, tzinfo=UTC),
        ),
        ({"messageRequestTimestamp": ...}, "request_timestamp", None),
        ({"destinationPhoneNumber": ""}, "destination", None),
        ({"context": None}, "context", {}),
        ({"context": {}}, "context", {}),
        ({"isoCountryCode": "US"}, "country", "US"),
    ],
)
def test_lenient_fields(
    changes: dict[str, Any], attribute: str, expected: object
) -> None:
    """Numbers may come as strings; absent optional fields are None."""
    event = delivery(with_fields(SMS_EVENT, **changes))
    assert getattr(event, attribute) == expected


def test_dedup_keys() -> None:
    """A redelivery keeps its key; another event of the message does not."""
    key = dedup_key(delivery(json.dumps(SMS_EVENT)))
    assert key == "delivery:862a8790-60c0-4430-9b2b-658bdexample:TEXT_SUCCESSFUL"
    assert dedup_key(delivery(sns(SMS_EVENT))) == key
    pending = delivery(with_fields(SMS_EVENT, eventType="TEXT_PENDING"))
    assert dedup_key(pending) != key
    other = delivery(with_fields(SMS_EVENT, messageId="another"))
    assert dedup_key(other) != key
    message = inbound(json.dumps(INBOUND))
    assert dedup_key(message) == "inbound:cae173d2-66b9-564c-8309-21f858e9fb84"
    assert dedup_key(inbound(sns(INBOUND))) == dedup_key(message)


def test_documented_keywords() -> None:
    """The opt-out list of keywords-required.html, and its opt-in pair."""
    assert (
        frozenset(
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
        == OPT_OUT_KEYWORDS
    )
    assert frozenset({"START", "UNSTOP"}) == OPT_IN_KEYWORDS


@pytest.mark.parametrize("keyword", sorted(OPT_OUT_KEYWORDS))
@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_every_opt_out_keyword(keyword: str, case: Callable[[str], str]) -> None:
    """Each opt-out keyword, in any case, in the body or as AWS's keyword."""
    in_body = inbound(
        with_fields(INBOUND, messageKeyword=..., messageBody=case(keyword))
    )
    as_keyword = inbound(with_fields(INBOUND, messageKeyword=case(keyword)))
    for message in (in_body, as_keyword):
        assert is_opt_out(message)
        assert not is_opt_in(message)


@pytest.mark.parametrize(
    ("keyword", "body", "opt_out", "opt_in"),
    [
        (None, "stop", True, False),
        (None, "  Stop please ", True, False),
        (None, "STOP.", True, False),
        (None, "stopping", False, False),
        (None, "please stop", False, False),
        (None, "Opt-Out", True, False),
        (None, "start", False, True),
        (None, "UnStop!", False, True),
        (None, "...", False, False),
        ("STOP", "whatever the body says", True, False),
        ("JOIN", "STOP", False, False),  # AWS's keyword wins
        ("START", "hello", False, True),
    ],
)
def test_opt_keywords(
    keyword: str | None, body: str, opt_out: bool, opt_in: bool
) -> None:
    """AWS's keyword when given, else the body's first word, in any case."""
    message = inbound(
        with_fields(
            INBOUND,
            messageKeyword=... if keyword is None else keyword,
            messageBody=body,
        )
    )
    assert (is_opt_out(message), is_opt_in(message)) == (opt_out, opt_in)


MALFORMED = [
    pytest.param("", "not JSON", id="empty"),
    pytest.param("STOP +14255550182", "not JSON", id="text"),
    pytest.param('{"eventType": ', "not JSON", id="truncated"),
    pytest.param("[" * 100_000, "not JSON", id="too-deep"),
    pytest.param(
        with_fields(SMS_EVENT).replace("0.09582", "NaN"), "not JSON", id="nan"
    ),
    pytest.param("[1, 2]", "not a JSON object", id="array"),
    pytest.param('"+14255550156"', "not a JSON object", id="string"),
    pytest.param("null", "not a JSON object", id="null"),
    # Delivery events.
    pytest.param(
        with_fields(SMS_EVENT, messageId=...), "missing field messageId", id="no-id"
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp=...),
        "missing field eventTimestamp",
        id="no-timestamp",
    ),
    pytest.param(
        with_fields(SMS_EVENT, isFinal=...), "missing field isFinal", id="no-final"
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventType=""), "missing field eventType", id="no-type"
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventType=5),
        "field eventType is not a string",
        id="type-number",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventType="TEXT_ALL"),
        "eventType is not an event",
        id="type-filter",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventType="VOICE_"),
        "eventType is not an event",
        id="type-prefix",
    ),
    pytest.param(
        with_fields(SMS_EVENT, messageId=862),
        "field messageId is not a string",
        id="id-number",
    ),
    pytest.param(
        with_fields(SMS_EVENT, destinationPhoneNumber=14255550156),
        "field destinationPhoneNumber is not a string",
        id="destination-number",
    ),
    pytest.param(
        with_fields(SMS_EVENT, isFinal="yes"),
        "field isFinal is not a boolean",
        id="final-yes",
    ),
    pytest.param(
        with_fields(SMS_EVENT, isFinal=1),
        "field isFinal is not a boolean",
        id="final-one",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp="soon"),
        "field eventTimestamp is not a number",
        id="timestamp-text",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp=True),
        "field eventTimestamp is not a number",
        id="timestamp-bool",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp=1e300),
        "field eventTimestamp is out of range",
        id="timestamp-huge",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp=10**20),
        "field eventTimestamp is out of range",
        id="timestamp-year",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessagePrice="free"),
        "field totalMessagePrice is not a number",
        id="price-text",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessagePrice=[1]),
        "field totalMessagePrice is not a number",
        id="price-list",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessagePrice="inf"),
        "field totalMessagePrice is not a finite number",
        id="price-inf",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessagePrice="9" * 400),
        "field totalMessagePrice is not a finite number",
        id="price-overflow",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessagePrice=10**400),
        "field totalMessagePrice is not a finite number",
        id="price-huge-int",
    ),
    pytest.param(
        with_fields(SMS_EVENT, eventTimestamp=10**400),
        "field eventTimestamp is not a finite number",
        id="timestamp-huge-int",
    ),
    pytest.param(
        with_fields(SMS_EVENT, totalMessageParts=1.5),
        "field totalMessageParts is not a whole number",
        id="parts-fraction",
    ),
    pytest.param(
        with_fields(SMS_EVENT, context="account=bar"),
        "field context is not an object of strings",
        id="context-text",
    ),
    pytest.param(
        with_fields(SMS_EVENT, context={"account": 14255550156}),
        "field context is not an object of strings",
        id="context-number",
    ),
    # Inbound messages.
    pytest.param(
        with_fields(INBOUND, messageBody=...),
        "missing field messageBody",
        id="no-body",
    ),
    pytest.param(
        with_fields(INBOUND, messageBody=["EXAMPLE"]),
        "field messageBody is not a string",
        id="body-list",
    ),
    pytest.param(
        with_fields(INBOUND, originationNumber=...),
        "missing field originationNumber",
        id="no-from",
    ),
    pytest.param(
        with_fields(INBOUND, originationNumber=14255550182),
        "field originationNumber is not a string",
        id="from-number",
    ),
    pytest.param(
        with_fields(INBOUND, destinationNumber=""),
        "missing field destinationNumber",
        id="no-to",
    ),
    pytest.param(
        with_fields(INBOUND, inboundMessageId=...),
        "missing field inboundMessageId",
        id="no-inbound-id",
    ),
    pytest.param(
        with_fields(INBOUND, messageKeyword=7),
        "field messageKeyword is not a string",
        id="keyword-number",
    ),
    # Envelopes.
    pytest.param(
        sns("STOP from +14255550182"), "SNS Message is not JSON", id="sns-text"
    ),
    pytest.param(sns("[1]"), "SNS Message is not a JSON object", id="sns-array"),
    pytest.param(sns(INBOUND, Message=5), "SNS Message is not a string", id="sns-5"),
    pytest.param(
        sns(INBOUND, Message=INBOUND),
        "SNS Message is not a string",
        id="sns-object",
    ),
    pytest.param(
        json.dumps({"Type": "Notification"}),
        "SNS Message is not a string",
        id="sns-no-message",
    ),
    pytest.param(
        sns(INBOUND, Type=["Notification"]),
        "SNS Type is not a string",
        id="sns-type-list",
    ),
    pytest.param(
        json.dumps(eventbridge("+14255550182")),
        "EventBridge detail is not an object",
        id="eventbridge-text",
    ),
    pytest.param(
        json.dumps({k: v for k, v in EVENTBRIDGE_SMS.items() if k != "detail"}),
        "EventBridge detail is not an object",
        id="eventbridge-no-detail",
    ),
    pytest.param(
        sns(eventbridge([INBOUND])),
        "EventBridge detail is not an object",
        id="sns-eventbridge-list",
    ),
]


@pytest.mark.parametrize(("body", "reason"), MALFORMED)
def test_malformed(body: str, reason: str) -> None:
    """Broken messages: the reason names a field, never a value."""
    with pytest.raises(MalformedMessageError) as caught:
        parse_message(body)
    assert str(caught.value) == reason
    assert_private(caught.value)


UNKNOWN = [
    pytest.param("{}", id="empty-object"),
    pytest.param('{"hello": "+14255550182"}', id="other-object"),
    pytest.param(
        # Ours, with the fields an SNS subscription confirmation carries.
        json.dumps(
            {
                "Type": "SubscriptionConfirmation",
                "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
                "Token": "2336412f37EXAMPLE",
                "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
                "Message": "You have chosen to subscribe to the topic.",
                "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Confirm",
                "Timestamp": "2012-04-26T20:45:04.751Z",
                "SignatureVersion": "1",
            }
        ),
        id="sns-subscription-confirmation",
    ),
    pytest.param(sns(INBOUND, Type="UnsubscribeConfirmation"), id="sns-unsubscribe"),
    pytest.param(sns({"note": "EXAMPLE"}), id="sns-other-payload"),
    pytest.param(
        # The EC2 example of
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
        json.dumps(
            {
                "version": "0",
                "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
                "detail-type": "EC2 Instance State-change Notification",
                "source": "aws.ec2",
                "account": "111122223333",
                "time": "2017-12-22T18:43:48Z",
                "region": "us-west-1",
                "resources": [
                    "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"
                ],
                "detail": {"instance_id": "i-1234567890abcdef0", "state": "terminated"},
            }
        ),
        id="eventbridge-ec2",
    ),
    pytest.param(
        json.dumps(
            eventbridge(
                {"registrationId": "r-1"},
                **{"detail-type": "Registration Status Change"},
            )
        ),
        id="eventbridge-registration",
    ),
    pytest.param(with_fields(SMS_EVENT, eventType="RCS_DELIVERED"), id="rcs"),
    pytest.param(with_fields(SMS_EVENT, eventType="delivered"), id="no-prefix"),
]


@pytest.mark.parametrize("body", UNKNOWN)
def test_unknown(body: str) -> None:
    """Valid JSON that is not ours: an UnknownMessageError, as private."""
    with pytest.raises(UnknownMessageError) as caught:
        parse_message(body)
    assert_private(caught.value)


def test_error_hierarchy() -> None:
    """Both errors are EventParseErrors, which are ValueErrors."""
    assert issubclass(MalformedMessageError, EventParseError)
    assert issubclass(UnknownMessageError, EventParseError)
    assert issubclass(EventParseError, ValueError)


def test_events_are_frozen_hashable_and_private_in_repr() -> None:
    """Events can be set members; repr leaves out the customer's data."""
    event = delivery(json.dumps(SMS_EVENT))
    message = inbound(json.dumps(INBOUND))
    assert len({event, message, delivery(json.dumps(SMS_EVENT))}) == 2
    with pytest.raises(FrozenInstanceError):
        event.status = "delivered"  # type: ignore[misc]
    assert "+14255550156" not in repr(event)
    assert "+14255550182" not in repr(message)
    assert "EXAMPLE" not in repr(message).replace("EXAMPLEKEY", "")
    assert "cae173d2-66b9-564c-8309-21f858e9fb84" in repr(message)


EVENTS_PY = Path(events.__file__)


def test_imports_only_the_standard_library() -> None:
    """The module is pure: every import is from the standard library."""
    tree = ast.parse(EVENTS_PY.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            assert node.module is not None
            modules.add(node.module)
    assert modules
    assert {name.partition(".")[0] for name in modules} <= sys.stdlib_module_names


def test_loads_without_home_assistant() -> None:
    """Loaded on its own in a fresh interpreter, it pulls in no homeassistant."""
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('events', {str(EVENTS_PY)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['events'] = module\n"
        "spec.loader.exec_module(module)\n"
        'module.parse_message(\'{"eventType": "TEXT_QUEUED", "messageId": "m",'
        ' "eventTimestamp": 0, "isFinal": false}\')\n'
        "print(sorted(m for m in sys.modules if m.startswith('homeassistant')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _parses_or_fails_cleanly(body: str) -> None:
    error: EventParseError | None = None
    try:
        event = parse_message(body)
    except EventParseError as err:
        error = err
    else:
        assert isinstance(event, DeliveryEvent | InboundMessage)
        assert dedup_key(event)
    if error is not None:
        assert str(error)
        assert not any(char.isdigit() for char in str(error))


@given(st.text())
def test_fuzz_any_text(body: str) -> None:
    """Arbitrary text never raises anything but an EventParseError."""
    _parses_or_fails_cleanly(body)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=8,
)


@given(
    st.sampled_from([SMS_EVENT, INBOUND, EVENTBRIDGE_SMS["detail"]]),
    st.dictionaries(
        st.sampled_from(
            sorted({*SMS_EVENT, *INBOUND, "carrierName", "isoCountryCode"})
        ),
        JSON_VALUES | st.sampled_from(sorted(KNOWN_EVENT_TYPES)),
    ),
    st.sampled_from(["raw", "sns", "eventbridge"]),
)
def test_fuzz_payload_fields(
    payload: dict[str, Any], changes: dict[str, Any], wrapper: str
) -> None:
    """Documented payloads with fields of any JSON value, in any wrapper."""
    document = payload | changes
    body = {
        "raw": lambda: json.dumps(document),
        "sns": lambda: sns(document),
        "eventbridge": lambda: json.dumps(eventbridge(document)),
    }[wrapper]()
    _parses_or_fails_cleanly(body)


def test_the_no_keyword_placeholder_is_not_a_keyword() -> None:
    """A reply matching no keyword carries KEYWORD_<account>: the body decides."""
    message = parse_message(
        json.dumps(
            {
                "originationNumber": "+15555550123",
                "destinationNumber": "+18885550100",
                "messageKeyword": "KEYWORD_123456789012",
                "messageBody": "status please",
                "inboundMessageId": "in-1",
            }
        )
    )
    assert isinstance(message, InboundMessage)
    assert message_keyword(message) == "STATUS"
    assert not is_opt_out(message)
