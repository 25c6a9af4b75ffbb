"""SendTextMessage: what AWS accepts, records and refuses."""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
import pytest

if TYPE_CHECKING:
    from eum_emulator import Emulator

US_DESTINATION = "+15555550123"
GB_DESTINATION = "+447700900456"
TOLL_FREE = "+18885550100"


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def test_send_records_the_message(aws_client, emulator: Emulator) -> None:
    """An accepted message is in the outbox with every parameter."""
    client = await aws_client()
    result = await client.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=TOLL_FREE,
        MessageBody="Water leak in the basement",
        MessageType="TRANSACTIONAL",
        ConfigurationSetName="home-alerts",
        MaxPrice="0.50",
        TimeToLive=300,
        Context={"automation": "leak"},
    )
    assert result["ResponseMetadata"]["HTTPHeaders"]["content-type"] == (
        "application/x-amz-json-1.0"
    )
    [message] = emulator.outbox
    assert message.message_id == result["MessageId"]
    assert message.origin == TOLL_FREE
    assert message.destination == US_DESTINATION
    assert message.body == "Water leak in the basement"
    assert (message.encoding, message.segments) == ("GSM", 1)
    assert message.dry_run is False
    assert message.parameters["TimeToLive"] == 300
    assert message.parameters["Context"] == {"automation": "leak"}
    assert message.region == "us-east-1"
    assert message.price_usd == pytest.approx(0.00883)


async def test_long_unicode_message_counts_segments(aws_client, emulator) -> None:
    """A 100-character UCS-2 body is two segments and costs two."""
    client = await aws_client()
    await client.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, MessageBody="❄" * 100
    )
    [message] = emulator.outbox
    assert (message.encoding, message.segments) == ("UCS2", 2)
    # No origination identity: the service picked one for the US.
    assert message.origin == TOLL_FREE
    assert message.origination_identity is None


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"MessageBody": "x" * 1601}, "messageBody"),
        ({"MessageBody": "   \n "}, "messageBody"),
        (
            {"MessageBody": "hi", "DestinationPhoneNumber": "+0123"},
            "destinationPhoneNumber",
        ),
        ({"MessageBody": "hi", "MessageType": "URGENT"}, "messageType"),
        ({"MessageBody": "hi", "MaxPrice": "10"}, "maxPrice"),
        ({"MessageBody": "hi", "TimeToLive": 300000}, "timeToLive"),
        ({"MessageBody": "hi", "Context": {str(i): "v" for i in range(6)}}, "context"),
    ],
)
async def test_model_constraints_are_enforced(
    aws_client, emulator, params, field_name
) -> None:
    """Limits botocore leaves to the service come back as FIELD_VALIDATION_FAILED."""
    client = await aws_client()
    request = {"DestinationPhoneNumber": US_DESTINATION, **params}
    error = await _error(client.send_text_message(**request))
    assert error["Error"]["Code"] == "ValidationException"
    assert error["Reason"] == "FIELD_VALIDATION_FAILED"
    assert [f["Name"] for f in error["Fields"]] == [field_name]
    assert emulator.outbox == []


async def test_missing_body_is_a_missing_parameter(aws_client) -> None:
    """The model makes the body optional (for other channels); a text needs one."""
    client = await aws_client()
    error = await _error(
        client.send_text_message(DestinationPhoneNumber=US_DESTINATION)
    )
    assert error["Reason"] == "MISSING_PARAMETER"


@pytest.mark.parametrize(
    ("identity", "resource_type"),
    [
        ("+18885550199", "phone-number"),
        ("phone-0000", "phone-number"),
        ("pool-0000", "pool"),
        ("NOSUCHID", "sender-id"),
    ],
)
async def test_unknown_origination_identity(
    aws_client, identity, resource_type
) -> None:
    """An identity the account does not own is ResourceNotFoundException."""
    client = await aws_client()
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity=identity,
            MessageBody="hi",
        )
    )
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert (error["ResourceType"], error["ResourceId"]) == (resource_type, identity)


async def test_unknown_configuration_set(aws_client) -> None:
    """A configuration set the account does not have is not found."""
    client = await aws_client()
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            MessageBody="hi",
            ConfigurationSetName="nope",
        )
    )
    assert error["ResourceType"] == "configuration-set"


async def test_identity_for_another_country(aws_client) -> None:
    """A US toll-free number cannot text the UK; a GB sender ID cannot text the US."""
    client = await aws_client()
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=GB_DESTINATION,
            OriginationIdentity=TOLL_FREE,
            MessageBody="hi",
        )
    )
    assert error["Reason"] == "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY"
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            OriginationIdentity="HOMEALERT",
            MessageBody="hi",
        )
    )
    assert error["Reason"] == "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY"


async def test_sender_id_and_pool_origins(aws_client, emulator) -> None:
    """A sender ID sends in its country; a pool sends from a member."""
    client = await aws_client()
    await client.send_text_message(
        DestinationPhoneNumber=GB_DESTINATION,
        OriginationIdentity="HOMEALERT",
        MessageBody="hi",
    )
    pool_id = (await client.describe_pools())["Pools"][0]["PoolId"]
    await client.send_text_message(
        DestinationPhoneNumber=US_DESTINATION,
        OriginationIdentity=pool_id,
        MessageBody="hi",
    )
    assert [m.origin for m in emulator.outbox] == ["HOMEALERT", TOLL_FREE]
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=GB_DESTINATION,
            OriginationIdentity=pool_id,
            MessageBody="hi",
        )
    )
    assert error["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"
