"""SendMediaMessage: MMS from S3, what AWS refuses, and the MEDIA_ events."""

import json
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError, ConnectionClosedError
import pytest

from custom_components.aws_eum_x.events import DeliveryEvent, parse_message
from eum_emulator import AccessKey, AccountState, PhoneNumber
from eum_emulator.media import MediaFile, StoredObject, media_problem, media_type
from eum_emulator.simulator import DESTINATION_SIMULATOR_NUMBERS, delivery_outcome

if TYPE_CHECKING:
    from eum_emulator import Emulator

TOLL_FREE = "+18885550100"
GB_LONG_CODE = "+447700900123"
US_DESTINATION = "+15555550123"
US_SUCCESS, US_FAILURE = DESTINATION_SIMULATOR_NUMBERS["US"]
UNREACHABLE = "+15555550188"
BUCKET = "home-alerts-media"
PHOTO = f"s3://{BUCKET}/doorbell/visitor.jpg"
NO_S3_KEY = "TESTKEYNOS3READ"  # the emulator's own; not an AWS key
NO_S3_SECRET = "no-s3-secret"
# One attempt, with botocore's own read timeout: a loaded machine may be slow
# to answer, and no test here waits for a timeout.
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})
MMS = {
    "DestinationPhoneNumber": US_DESTINATION,
    "OriginationIdentity": TOLL_FREE,
    "MessageBody": "Someone is at the door",
    "MediaUrls": [PHOTO],
}
# The fields of an MMS record, in order: the SMS record's, without
# messageEncoding and messageType.
RECORD_FIELDS = [
    "eventType",
    "eventVersion",
    "eventTimestamp",
    "isFinal",
    "originationPhoneNumber",
    "destinationPhoneNumber",
    "isoCountryCode",
    "isInternationalSend",
    "messageId",
    "messageRequestTimestamp",
    "messageStatus",
    "messageStatusDescription",
    "context",
    "totalMessageParts",
    "totalMessagePrice",
    "totalCarrierFee",
]


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, quick to deliver, with a key that cannot read S3."""
    state = AccountState(
        delivery_delay_seconds=0.02,
        delivery_outcomes={UNREACHABLE: "MEDIA_CARRIER_UNREACHABLE"},
    )
    state.access_keys.append(
        AccessKey(NO_S3_KEY, NO_S3_SECRET, allowed_actions=["sms-voice:*"])
    )
    return state


async def _error(call) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


@pytest.fixture
async def media(aws_client, receiving) -> Any:
    """A bucket in the emulator's S3, and the event destination on MEDIA_ALL."""
    s3 = await aws_client("s3")
    await s3.create_bucket(Bucket=BUCKET)
    await s3.put_object(
        Bucket=BUCKET,
        Key="doorbell/visitor.jpg",
        Body=b"\xff\xd8 jpeg bytes",
        ContentType="image/jpeg",
    )
    sms = await aws_client()
    await sms.update_event_destination(
        ConfigurationSetName=receiving["ConfigurationSetName"],
        EventDestinationName=receiving["EventDestinationName"],
        MatchingEventTypes=["MEDIA_ALL"],
    )
    return s3


async def _send_and_read(aws_client, receiving, drain, **params) -> list[dict]:
    sms = await aws_client()
    await sms.send_media_message(**(MMS | params), ConfigurationSetName="home-alerts")
    return [json.loads(body) for body in await drain(receiving["QueueUrl"], 2)]


async def test_mms_with_its_file_is_delivered(
    aws_client, emulator: Emulator, receiving, drain, media
) -> None:
    """An MMS of an existing JPEG: outbox entry, MEDIA_PENDING, MEDIA_DELIVERED."""
    sms = await aws_client()
    answer = await sms.send_media_message(
        **MMS,
        ConfigurationSetName="home-alerts",
        Context={"automation": "doorbell"},
        MaxPrice="0.05",
        TimeToLive=600,
    )
    bodies = await drain(receiving["QueueUrl"], 2)
    [message] = emulator.outbox
    assert message.message_id == answer["MessageId"]
    assert (message.kind, message.operation) == ("media", "SendMediaMessage")
    assert message.media_urls == [PHOTO]
    assert (message.body, message.segments) == ("Someone is at the door", 1)
    assert message.price_usd == pytest.approx(0.02)
    assert "media_urls" in message.as_dict()
    assert "voice_id" not in message.as_dict()

    pending, final = (json.loads(body) for body in bodies)
    assert (pending["eventType"], final["eventType"]) == (
        "MEDIA_PENDING",
        "MEDIA_DELIVERED",
    )
    assert (pending["isFinal"], final["isFinal"]) == (False, True)
    assert list(final) == RECORD_FIELDS
    assert final["messageId"] == answer["MessageId"]
    assert final["messageStatus"] == "DELIVERED"
    assert (final["totalMessageParts"], final["totalMessagePrice"]) == (1, 0.02)
    assert final["context"] == {"automation": "doorbell"}
    event = parse_message(bodies[1])
    assert isinstance(event, DeliveryEvent)
    assert (event.channel, event.status, event.final) == ("media", "delivered", True)
    spent = emulator.state.spend_limits["MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT"].spent
    assert spent == pytest.approx(0.02)


@pytest.mark.parametrize(
    "case",
    [
        (f"s3://{BUCKET}/doorbell/missing.jpg", "MEDIA_FILE_INACCESSIBLE"),
        ("s3://no-such-bucket/visitor.jpg", "MEDIA_FILE_INACCESSIBLE"),
    ],
)
@pytest.mark.usefixtures("media")
async def test_missing_file_is_an_event_not_an_error(
    aws_client, emulator, receiving, drain, case
) -> None:
    """AWS reports a file it cannot read after accepting the message."""
    url, final_type = case
    records = await _send_and_read(aws_client, receiving, drain, MediaUrls=[url])
    assert [r["eventType"] for r in records] == ["MEDIA_PENDING", final_type]
    assert records[1]["messageStatus"] == "FILE_INACCESSIBLE"
    assert [m.media_urls for m in emulator.outbox] == [[url]]


@pytest.mark.parametrize(
    "case",
    [
        ("notes.txt", b"hello", "text/plain", "MEDIA_FILE_TYPE_UNSUPPORTED"),
        ("big.png", b"\0" * 2_000_001, "image/png", "MEDIA_FILE_SIZE_EXCEEDED"),
        ("clip.mp4", b"\0" * 600_001, "video/mp4", "MEDIA_FILE_SIZE_EXCEEDED"),
        ("fine.png", b"\0" * 1_500_000, "image/png", "MEDIA_DELIVERED"),
        # Uploaded without a Content-Type: the name says what it is.
        ("contact.vcf", b"BEGIN:VCARD", None, "MEDIA_DELIVERED"),
        ("blob", b"\0\1", None, "MEDIA_FILE_TYPE_UNSUPPORTED"),
    ],
)
async def test_file_types_and_sizes(aws_client, receiving, drain, media, case) -> None:
    """Images up to 2 MB, other types up to 600 KB, only the listed types."""
    key, body, content_type, final_type = case
    options = {} if content_type is None else {"ContentType": content_type}
    await media.put_object(Bucket=BUCKET, Key=key, Body=body, **options)
    records = await _send_and_read(
        aws_client, receiving, drain, MediaUrls=[f"s3://{BUCKET}/{key}"]
    )
    assert [r["eventType"] for r in records] == ["MEDIA_PENDING", final_type]


async def test_bucket_in_another_region(aws_client, receiving, drain, media) -> None:
    """The bucket must be in the sender's region."""
    s3 = await aws_client("s3", region="eu-west-1")
    await s3.create_bucket(
        Bucket="eu-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    await s3.put_object(
        Bucket="eu-media", Key="a.png", Body=b"png", ContentType="image/png"
    )
    # The object is there, in eu-west-1; the message is sent from us-east-1.
    assert (await s3.head_object(Bucket="eu-media", Key="a.png"))["ContentLength"] == 3
    records = await _send_and_read(
        aws_client, receiving, drain, MediaUrls=["s3://eu-media/a.png"]
    )
    assert records[1]["eventType"] == "MEDIA_FILE_INACCESSIBLE"


async def test_sender_without_read_access(
    aws_client, emulator, receiving, drain, media
) -> None:
    """The key that sends must be allowed s3:GetObject."""
    sms = await aws_client(access_key_id=NO_S3_KEY, secret_access_key=NO_S3_SECRET)
    await sms.send_media_message(**MMS, ConfigurationSetName="home-alerts")
    bodies = await drain(receiving["QueueUrl"], 2)
    assert json.loads(bodies[1])["eventType"] == "MEDIA_FILE_INACCESSIBLE"
    assert [m.access_key_id for m in emulator.outbox] == [NO_S3_KEY]


async def test_text_only_and_media_only(
    aws_client, emulator, receiving, drain, media
) -> None:
    """Either the body or the media may be left out, not both."""
    sms = await aws_client()
    await sms.send_media_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=TOLL_FREE,
        MessageBody="No picture this time",
        ConfigurationSetName="home-alerts",
    )
    await sms.send_media_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=TOLL_FREE,
        MediaUrls=[PHOTO],
        ConfigurationSetName="home-alerts",
    )
    bodies = await drain(receiving["QueueUrl"], 4)
    assert sorted(json.loads(b)["eventType"] for b in bodies) == [
        "MEDIA_DELIVERED",
        "MEDIA_DELIVERED",
        "MEDIA_PENDING",
        "MEDIA_PENDING",
    ]
    assert [(m.body, m.media_urls) for m in emulator.outbox] == [
        ("No picture this time", []),
        ("", [PHOTO]),
    ]
    error = await _error(
        sms.send_media_message(
            DestinationPhoneNumber=US_DESTINATION, OriginationIdentity=TOLL_FREE
        )
    )
    assert error["Error"]["Code"] == "ValidationException"
    assert error["Reason"] == "MISSING_PARAMETER"


@pytest.mark.parametrize(
    "case",
    [
        (US_FAILURE, "MEDIA_BLOCKED"),
        (US_SUCCESS, "MEDIA_DELIVERED"),
        (UNREACHABLE, "MEDIA_CARRIER_UNREACHABLE"),
    ],
)
async def test_delivery_outcomes_apply_to_mms(
    aws_client, receiving, drain, media, case
) -> None:
    """Simulator numbers and the state's delivery_outcomes decide the outcome."""
    destination, final_type = case
    records = await _send_and_read(
        aws_client, receiving, drain, DestinationPhoneNumber=destination
    )
    assert records[1]["eventType"] == final_type


async def test_a_media_outcome_also_decides_texts(aws_client, receiving, drain) -> None:
    """MEDIA_CARRIER_UNREACHABLE in delivery_outcomes is TEXT_ for a text."""
    sms = await aws_client()
    await sms.send_text_message(
        DestinationPhoneNumber=UNREACHABLE,
        MessageBody="hi",
        ConfigurationSetName="home-alerts",
    )
    records = [json.loads(b) for b in await drain(receiving["QueueUrl"], 2)]
    assert records[1]["eventType"] == "TEXT_CARRIER_UNREACHABLE"


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"MediaUrls": [PHOTO, PHOTO]}, "mediaUrls"),
        ({"MediaUrls": ["https://example.com/a.jpg"]}, "mediaUrls.1.member"),
        ({"MessageBody": "x" * 1601}, "messageBody"),
        ({"MaxPrice": "10"}, "maxPrice"),
        ({"TimeToLive": 300000}, "timeToLive"),
    ],
)
async def test_model_constraints_are_enforced(
    aws_client, emulator, params, field_name
) -> None:
    """One media URL, an s3:// one; the model's other limits."""
    sms = await aws_client()
    error = await _error(sms.send_media_message(**(MMS | params)))
    assert error["Error"]["Code"] == "ValidationException"
    assert error["Reason"] == "FIELD_VALIDATION_FAILED"
    assert [f["Name"] for f in error["Fields"]] == [field_name]
    assert emulator.outbox == []


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        (
            {
                "OriginationIdentity": GB_LONG_CODE,
                "DestinationPhoneNumber": "+447700900456",
            },
            "ConflictException",
            "NUMBER_CAPABILITIES_MISMATCH",
        ),
        (
            {
                "OriginationIdentity": "HOMEALERT",
                "DestinationPhoneNumber": "+447700900456",
            },
            "ValidationException",
            "SENDER_ID_NOT_SUPPORTED",
        ),
        # US toll-free numbers may send MMS to the US only.
        (
            {"DestinationPhoneNumber": "+14165550123"},
            "ValidationException",
            "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
        ),
        (
            {"DestinationPhoneNumber": "+447700900456"},
            "ValidationException",
            "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
        ),
        ({"MaxPrice": "0.001"}, "ValidationException", "PRICE_OVER_THRESHOLD"),
    ],
)
async def test_identities_that_cannot_send_mms(
    aws_client, emulator, changes, code, reason
) -> None:
    """SMS-only numbers, sender IDs, countries the number type cannot reach."""
    sms = await aws_client()
    error = await _error(sms.send_media_message(**(MMS | changes)))
    assert (error["Error"]["Code"], error["Reason"]) == (code, reason)
    assert emulator.outbox == []


async def test_canadian_long_code_sends_mms_to_canada(aws_client, emulator) -> None:
    """MMS_COUNTRIES_URL: Canada takes MMS from long codes."""
    emulator.state.phone_numbers.append(
        PhoneNumber(
            phone_number="+15145550100",
            iso_country_code="CA",
            capabilities=["SMS", "MMS"],
        )
    )
    sms = await aws_client()
    await sms.send_media_message(
        **(
            MMS
            | {
                "OriginationIdentity": "+15145550100",
                "DestinationPhoneNumber": "+14165550123",
            }
        )
    )
    assert [m.origin for m in emulator.outbox] == ["+15145550100"]


async def test_opted_out_and_unknown_resources(aws_client, emulator) -> None:
    """Opted-out destinations; unknown configuration and protect configuration."""
    emulator.state.opted_out.append(US_DESTINATION)
    sms = await aws_client()
    error = await _error(sms.send_media_message(**MMS))
    assert error["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    mms = MMS | {"DestinationPhoneNumber": US_SUCCESS}
    for changes, resource_type in [
        ({"ConfigurationSetName": "nope"}, "configuration-set"),
        ({"ProtectConfigurationId": "protect-123"}, "protect-configuration"),
        ({"OriginationIdentity": "+12025550199"}, "phone-number"),
    ]:
        error = await _error(sms.send_media_message(**(mms | changes)))
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResourceType"] == resource_type
    assert emulator.outbox == []


async def test_dry_run_is_neither_recorded_nor_published(
    aws_client, emulator, receiving, media
) -> None:
    """A dry run answers with a message ID and nothing else happens."""
    sms = await aws_client()
    answer = await sms.send_media_message(
        **MMS, DryRun=True, ConfigurationSetName="home-alerts"
    )
    assert answer["MessageId"]
    sqs = await aws_client("sqs")
    received = await sqs.receive_message(
        QueueUrl=receiving["QueueUrl"], WaitTimeSeconds=1
    )
    assert "Messages" not in received
    assert emulator.outbox == []
    assert emulator.state.spend_limits["MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT"].spent == 0


async def test_spend_limit_for_media(aws_client, emulator) -> None:
    """The $1 MMS limit is the MMS's own, apart from the text one."""
    emulator.state.spend_limits["MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT"].spent = 0.99
    sms = await aws_client()
    error = await _error(sms.send_media_message(**MMS))
    assert error["Error"]["Code"] == "ServiceQuotaExceededException"
    assert error["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_MEDIA"
    await sms.send_text_message(DestinationPhoneNumber=US_DESTINATION, MessageBody="x")
    assert [m.kind for m in emulator.outbox] == ["text"]


@pytest.mark.usefixtures("rate_clock")
async def test_mms_share_the_numbers_messages_per_second(aws_client, emulator) -> None:
    """An MMS is one message of the toll-free number's 3 MPS, texts included."""
    sms = await aws_client(config=NO_RETRIES)
    for _ in range(2):
        await sms.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=TOLL_FREE,
            MessageBody="hi",
        )
    await sms.send_media_message(**MMS)
    error = await _error(sms.send_media_message(**MMS))
    assert error["Error"]["Code"] == "ThrottlingException"
    assert [m.kind for m in emulator.outbox] == ["text", "text", "media"]


class TestSandbox:
    """MMS in the sandbox go to verified numbers only."""

    @pytest.fixture
    def account_state(self) -> AccountState:
        """A sandbox account with one verified number."""
        return AccountState(tier="SANDBOX", verified_destinations=[US_DESTINATION])

    async def test_unverified_destination_is_refused(
        self, aws_client, emulator
    ) -> None:
        """Verified numbers only; no exemption for simulator numbers."""
        sms = await aws_client()
        await sms.send_media_message(**MMS)
        for destination in ("+15555550124", US_SUCCESS):
            error = await _error(
                sms.send_media_message(
                    **(MMS | {"DestinationPhoneNumber": destination})
                )
            )
            assert error["Error"]["Code"] == "ConflictException"
            assert error["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"
        assert len(emulator.outbox) == 1


async def test_faults_for_send_media_message(aws_client, emulator) -> None:
    """Faults naming SendMediaMessage: refused unsent, or sent and unanswered."""
    emulator.add_fault(
        "error", operation="SendMediaMessage", code="ThrottlingException"
    )
    emulator.add_fault("accept_then_drop", operation="SendMediaMessage")
    sms = await aws_client(config=NO_RETRIES)
    error = await _error(sms.send_media_message(**MMS))
    assert error["Error"]["Code"] == "ThrottlingException"
    assert emulator.outbox == []
    with pytest.raises(ConnectionClosedError):
        await sms.send_media_message(**MMS)
    assert [m.kind for m in emulator.outbox] == ["media"]


def test_media_problem_table() -> None:
    """The pure rules: region, access, type by Content-Type or name, size."""
    file = MediaFile.from_url("s3://b/x/photo.JPG", region="us-east-1", readable=True)
    assert (file.bucket, file.key) == ("b", "x/photo.JPG")
    assert media_type("image/PNG; charset=binary", "a") == "image/png"
    assert media_type("binary/octet-stream", "x/photo.JPG") == "image/jpeg"
    jpeg = StoredObject(size=2_000_000, content_type="", bucket_region="us-east-1")
    assert media_problem(file, jpeg) is None
    assert media_problem(file, None) == "MEDIA_FILE_INACCESSIBLE"
    unreadable = MediaFile.from_url(file.url, region="us-east-1", readable=False)
    assert media_problem(unreadable, jpeg) == "MEDIA_FILE_INACCESSIBLE"
    elsewhere = StoredObject(size=1, content_type="", bucket_region="eu-west-1")
    assert media_problem(file, elsewhere) == "MEDIA_FILE_INACCESSIBLE"
    pdf = StoredObject(
        size=600_001, content_type="application/pdf", bucket_region="us-east-1"
    )
    assert media_problem(file, pdf) == "MEDIA_FILE_SIZE_EXCEEDED"


async def test_a_deleted_object_of_a_versioned_bucket(
    aws_client, receiving, drain, media
) -> None:
    """A delete marker hides the object: the file is inaccessible."""
    await media.put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    await media.put_object(
        Bucket=BUCKET, Key="gone.png", Body=b"png", ContentType="image/png"
    )
    await media.delete_object(Bucket=BUCKET, Key="gone.png")
    records = await _send_and_read(
        aws_client, receiving, drain, MediaUrls=[f"s3://{BUCKET}/gone.png"]
    )
    assert records[1]["eventType"] == "MEDIA_FILE_INACCESSIBLE"


def test_outcomes_cross_channels_where_the_status_exists() -> None:
    """A status one channel lacks leaves the other channel's default."""
    overrides = {
        "+15555550001": "TEXT_PROTECT_BLOCKED",
        "+15555550002": "MEDIA_FILE_SIZE_EXCEEDED",
        "+15555550003": "TEXT_SPAM",
    }
    assert delivery_outcome("+15555550001", overrides, "MEDIA") == "MEDIA_DELIVERED"
    assert delivery_outcome("+15555550002", overrides) == "TEXT_DELIVERED"
    assert delivery_outcome("+15555550003", overrides, "MEDIA") == "MEDIA_SPAM"
    assert delivery_outcome(US_FAILURE, {}, "MEDIA") == "MEDIA_BLOCKED"
    assert delivery_outcome(US_FAILURE, {}) == "TEXT_BLOCKED"
