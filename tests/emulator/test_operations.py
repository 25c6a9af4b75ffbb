"""Every Describe* operation, called through a real aiobotocore client."""

from botocore.exceptions import ClientError
import pytest

ACCOUNT = "123456789012"


async def test_describe_phone_numbers_returns_the_demo_numbers(aws_client) -> None:
    """The demo account has a US toll-free and a GB long code, fully described."""
    client = await aws_client()
    result = await client.describe_phone_numbers()
    numbers = {n["PhoneNumber"]: n for n in result["PhoneNumbers"]}
    assert set(numbers) == {"+18885550100", "+447700900123"}
    toll_free = numbers["+18885550100"]
    assert toll_free["NumberType"] == "TOLL_FREE"
    assert toll_free["IsoCountryCode"] == "US"
    assert toll_free["Status"] == "ACTIVE"
    assert toll_free["NumberCapabilities"] == ["SMS", "VOICE", "MMS"]
    assert toll_free["PhoneNumberArn"] == (
        f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:phone-number/"
        f"{toll_free['PhoneNumberId']}"
    )
    assert toll_free["PoolId"].startswith("pool-")
    # botocore parsed the epoch-seconds timestamp into a datetime.
    assert toll_free["CreatedTimestamp"].year == 2026
    assert numbers["+447700900123"]["TwoWayEnabled"] is True
    assert "NextToken" not in result


async def test_describe_phone_numbers_by_id_and_filter(aws_client) -> None:
    """PhoneNumberIds select by ID or ARN; filters narrow the list."""
    client = await aws_client()
    everything = (await client.describe_phone_numbers())["PhoneNumbers"]
    gb = next(n for n in everything if n["IsoCountryCode"] == "GB")
    for ref in (gb["PhoneNumberId"], gb["PhoneNumberArn"]):
        result = await client.describe_phone_numbers(PhoneNumberIds=[ref])
        assert [n["PhoneNumber"] for n in result["PhoneNumbers"]] == ["+447700900123"]
    # The model's pattern for IDs has no '+': an E.164 number is not an ID.
    with pytest.raises(ClientError) as caught:
        await client.describe_phone_numbers(PhoneNumberIds=[gb["PhoneNumber"]])
    assert caught.value.response["Fields"][0]["Name"] == "phoneNumberIds.1.member"

    result = await client.describe_phone_numbers(
        Filters=[{"Name": "number-type", "Values": ["TOLL_FREE", "SHORT_CODE"]}]
    )
    assert [n["PhoneNumber"] for n in result["PhoneNumbers"]] == ["+18885550100"]
    result = await client.describe_phone_numbers(
        Filters=[
            {"Name": "iso-country-code", "Values": ["GB"]},
            {"Name": "two-way-enabled", "Values": ["false"]},
        ]
    )
    assert result["PhoneNumbers"] == []
    assert (await client.describe_phone_numbers(Owner="SHARED"))["PhoneNumbers"] == []


async def test_describe_unknown_phone_number_is_not_found(aws_client) -> None:
    """An unknown ID is a ResourceNotFoundException naming it."""
    client = await aws_client()
    with pytest.raises(ClientError) as caught:
        await client.describe_phone_numbers(PhoneNumberIds=["phone-nope"])
    error = caught.value.response
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["ResourceType"] == "phone-number"
    assert error["ResourceId"] == "phone-nope"


async def test_max_results_outside_1_to_100_is_rejected(aws_client) -> None:
    """Botocore does not check the maximum; the service does."""
    client = await aws_client()
    with pytest.raises(ClientError) as caught:
        await client.describe_phone_numbers(MaxResults=101)
    response = caught.value.response
    assert response["Reason"] == "FIELD_VALIDATION_FAILED"
    assert response["Fields"] == [
        {
            "Name": "maxResults",
            "Message": "Member must have value less than or equal to 100",
        }
    ]


async def test_describe_sender_ids(aws_client) -> None:
    """The demo sender ID, selected by ID pair or filter."""
    client = await aws_client()
    result = await client.describe_sender_ids()
    assert result["SenderIds"] == [
        {
            "SenderIdArn": (
                f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:sender-id/HOMEALERT/GB"
            ),
            "SenderId": "HOMEALERT",
            "IsoCountryCode": "GB",
            "MessageTypes": ["TRANSACTIONAL"],
            "MonthlyLeasingPrice": "0.00",
            "DeletionProtectionEnabled": False,
            "Registered": False,
        }
    ]
    selected = await client.describe_sender_ids(
        SenderIds=[{"SenderId": "HOMEALERT", "IsoCountryCode": "GB"}]
    )
    assert len(selected["SenderIds"]) == 1
    filtered = await client.describe_sender_ids(
        Filters=[{"Name": "registered", "Values": ["true"]}]
    )
    assert filtered["SenderIds"] == []
    assert (await client.describe_sender_ids(Owner="SHARED"))["SenderIds"] == []
    with pytest.raises(ClientError) as caught:
        await client.describe_sender_ids(
            SenderIds=[{"SenderId": "HOMEALERT", "IsoCountryCode": "US"}]
        )
    assert caught.value.response["ResourceType"] == "sender-id"


async def test_describe_pools(aws_client) -> None:
    """The demo pool, selected by ID and ARN, and filtered."""
    client = await aws_client()
    pools = (await client.describe_pools())["Pools"]
    assert len(pools) == 1
    pool = pools[0]
    assert pool["Status"] == "ACTIVE"
    assert pool["PoolArn"].endswith(f":pool/{pool['PoolId']}")
    for ref in (pool["PoolId"], pool["PoolArn"]):
        assert (await client.describe_pools(PoolIds=[ref]))["Pools"] == [pool]
    result = await client.describe_pools(
        Filters=[{"Name": "message-type", "Values": ["PROMOTIONAL"]}]
    )
    assert result["Pools"] == []
    assert (await client.describe_pools(Owner="SHARED"))["Pools"] == []


async def test_describe_account_attributes_and_spend_limits(aws_client) -> None:
    """The account tier and the four monthly spend limits."""
    client = await aws_client()
    attributes = await client.describe_account_attributes()
    assert attributes["AccountAttributes"] == [
        {"Name": "ACCOUNT_TIER", "Value": "PRODUCTION"}
    ]
    limits = {
        item["Name"]: item
        for item in (await client.describe_spend_limits())["SpendLimits"]
    }
    assert limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"] == {
        "Name": "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT",
        "EnforcedLimit": 100,
        "MaxLimit": 100,
        "Overridden": True,
    }
    assert len(limits) == 4


async def test_describe_configuration_sets(aws_client) -> None:
    """The demo configuration set, by name and by filter."""
    client = await aws_client()
    sets = (await client.describe_configuration_sets())["ConfigurationSets"]
    assert [s["ConfigurationSetName"] for s in sets] == ["home-alerts"]
    assert sets[0]["DefaultMessageType"] == "TRANSACTIONAL"
    assert sets[0]["EventDestinations"] == []
    named = await client.describe_configuration_sets(
        ConfigurationSetNames=["home-alerts"]
    )
    assert len(named["ConfigurationSets"]) == 1
    filtered = await client.describe_configuration_sets(
        Filters=[{"Name": "default-message-type", "Values": ["PROMOTIONAL"]}]
    )
    assert filtered["ConfigurationSets"] == []
    with pytest.raises(ClientError) as caught:
        await client.describe_configuration_sets(ConfigurationSetNames=["nope"])
    assert caught.value.response["ResourceType"] == "configuration-set"


async def test_operation_in_the_model_but_not_emulated(aws_client) -> None:
    """Operations the emulator leaves for later say so, in the AWS error shape."""
    client = await aws_client()
    with pytest.raises(ClientError) as caught:
        await client.describe_keywords(OriginationIdentity="phone-1234")
    assert caught.value.response["Error"]["Code"] == "UnknownOperationException"
