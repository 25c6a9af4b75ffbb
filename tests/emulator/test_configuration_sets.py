"""Configuration sets, event destinations, and two-way settings of numbers."""

from botocore.exceptions import ClientError
import pytest

from eum_emulator import (
    AccountState,
    AwsError,
    ConfigurationSet,
    EventDestination,
    PhoneNumber,
    SmsVoiceService,
    StateError,
    create_app,
)
from eum_emulator.faults import FaultQueue
from eum_emulator.sigv4 import Caller

TOPIC = "arn:aws:sns:us-east-1:123456789012:aws-eum-x-events"
LOG_GROUP = {
    "IamRoleArn": "arn:aws:iam::123456789012:role/sms-logs",
    "LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:sms",
}
TOLL_FREE = "+18885550100"
GB_NUMBER = "+447700900123"


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def _topic(aws_client, name: str = "aws-eum-x-events") -> str:
    sns = await aws_client("sns")
    return (await sns.create_topic(Name=name))["TopicArn"]


async def test_configuration_set_life_cycle(aws_client) -> None:
    """Create, describe, refuse a duplicate, delete, and not find it again."""
    sms = await aws_client()
    created = await sms.create_configuration_set(
        ConfigurationSetName="alerts", Tags=[{"Key": "home", "Value": "yes"}]
    )
    assert created["ConfigurationSetArn"] == (
        "arn:aws:sms-voice:us-east-1:123456789012:configuration-set/alerts"
    )
    assert created["Tags"] == [{"Key": "home", "Value": "yes"}]
    names = [
        c["ConfigurationSetName"]
        for c in (await sms.describe_configuration_sets())["ConfigurationSets"]
    ]
    assert names == ["home-alerts", "alerts"]

    error = await _error(sms.create_configuration_set(ConfigurationSetName="alerts"))
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "RESOURCE_ALREADY_EXISTS",
    )
    deleted = await sms.delete_configuration_set(
        ConfigurationSetName=created["ConfigurationSetArn"]
    )
    assert (deleted["ConfigurationSetName"], deleted["EventDestinations"]) == (
        "alerts",
        [],
    )
    error = await _error(sms.delete_configuration_set(ConfigurationSetName="alerts"))
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["ResourceType"] == "configuration-set"


async def test_event_destinations(aws_client) -> None:
    """SNS and CloudWatch destinations: create, describe, filter, update, delete."""
    sms = await aws_client()
    created = await sms.create_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="sns",
        MatchingEventTypes=["TEXT_DELIVERED", "TEXT_BLOCKED"],
        SnsDestination={"TopicArn": TOPIC},
    )
    sns_destination = {
        "EventDestinationName": "sns",
        "Enabled": True,
        "MatchingEventTypes": ["TEXT_DELIVERED", "TEXT_BLOCKED"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    assert created["EventDestination"] == sns_destination
    await sms.create_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="logs",
        MatchingEventTypes=["ALL"],
        CloudWatchLogsDestination=LOG_GROUP,
    )
    [config_set] = (await sms.describe_configuration_sets())["ConfigurationSets"]
    assert config_set["EventDestinations"] == [
        sns_destination,
        {
            "EventDestinationName": "logs",
            "Enabled": True,
            "MatchingEventTypes": ["ALL"],
            "CloudWatchLogsDestination": LOG_GROUP,
        },
    ]
    for name, value, found in (
        ("event-destination-name", "sns", 1),
        ("event-destination-name", "firehose", 0),
        ("matching-event-types", "TEXT_BLOCKED", 1),
        ("matching-event-types", "TEXT_SPAM", 0),
    ):
        result = await sms.describe_configuration_sets(
            Filters=[{"Name": name, "Values": [value]}]
        )
        assert len(result["ConfigurationSets"]) == found, (name, value)

    updated = await sms.update_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="sns",
        Enabled=False,
        KinesisFirehoseDestination={
            "IamRoleArn": "arn:aws:iam::123456789012:role/firehose",
            "DeliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:x",
        },
    )
    destination = updated["EventDestination"]
    assert destination["Enabled"] is False
    assert "SnsDestination" not in destination
    assert destination["KinesisFirehoseDestination"]["IamRoleArn"].endswith(
        "role/firehose"
    )
    deleted = await sms.delete_event_destination(
        ConfigurationSetName="home-alerts", EventDestinationName="sns"
    )
    assert deleted["EventDestination"]["EventDestinationName"] == "sns"
    error = await _error(
        sms.delete_event_destination(
            ConfigurationSetName="home-alerts", EventDestinationName="sns"
        )
    )
    assert (error["Error"]["Code"], error["ResourceType"]) == (
        "ResourceNotFoundException",
        "event-destination",
    )


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({}, "MISSING_PARAMETER"),
        (
            {
                "SnsDestination": {"TopicArn": TOPIC},
                "CloudWatchLogsDestination": LOG_GROUP,
            },
            "PARAMETERS_CANNOT_BE_USED_TOGETHER",
        ),
        (
            {
                "SnsDestination": {"TopicArn": TOPIC},
                "MatchingEventTypes": ["TEXT_SENT"],
            },
            "INVALID_PARAMETER",
        ),
    ],
)
async def test_event_destination_refusals(aws_client, params, reason) -> None:
    """No destination, two at once, and TEXT_SENT are refused."""
    sms = await aws_client()
    error = await _error(
        sms.create_event_destination(
            ConfigurationSetName="home-alerts",
            EventDestinationName="bad",
            **{"MatchingEventTypes": ["ALL"], **params},
        )
    )
    assert (error["Error"]["Code"], error["Reason"]) == ("ValidationException", reason)


async def test_event_destination_limits(aws_client) -> None:
    """Names are unique, a set holds five, and the set must exist."""
    sms = await aws_client()

    def create(name: str, config_set: str = "home-alerts"):
        return sms.create_event_destination(
            ConfigurationSetName=config_set,
            EventDestinationName=name,
            MatchingEventTypes=["ALL"],
            SnsDestination={"TopicArn": TOPIC},
        )

    for index in range(5):
        await create(f"d{index}")
    error = await _error(create("d0"))
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "RESOURCE_ALREADY_EXISTS",
    )
    error = await _error(create("d5"))
    assert error["Reason"] == "EVENT_DESTINATIONS_PER_CONFIGURATION_SET"
    error = await _error(create("d0", "nowhere"))
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    error = await _error(
        sms.update_event_destination(
            ConfigurationSetName="home-alerts", EventDestinationName="d9"
        )
    )
    assert error["ResourceType"] == "event-destination"


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"ConfigurationSetName": "has space"}, "configurationSetName"),
        ({"ConfigurationSetName": "x" * 65}, "configurationSetName"),
        (
            {"ConfigurationSetName": "ok", "Tags": [{"Key": "k" * 129, "Value": "v"}]},
            "tags.1.member.key",
        ),
    ],
)
async def test_create_configuration_set_model(aws_client, params, field_name) -> None:
    """The model's patterns and lengths are enforced."""
    sms = await aws_client()
    error = await _error(sms.create_configuration_set(**params))
    assert error["Reason"] == "FIELD_VALIDATION_FAILED"
    assert [f["Name"] for f in error["Fields"]] == [field_name]


async def test_update_phone_number(aws_client) -> None:
    """Two-way, opt-out and protection settings of a number outside a pool."""
    sms = await aws_client()
    topic_arn = await _topic(aws_client)
    [number] = (
        await sms.describe_phone_numbers(
            Filters=[{"Name": "iso-country-code", "Values": ["GB"]}]
        )
    )["PhoneNumbers"]
    updated = await sms.update_phone_number(
        PhoneNumberId=number["PhoneNumberArn"],
        TwoWayEnabled=True,
        TwoWayChannelArn=topic_arn,
        TwoWayChannelRole="arn:aws:iam::123456789012:role/two-way",
        SelfManagedOptOutsEnabled=True,
        OptOutListName="arn:aws:sms-voice:us-east-1:123456789012:opt-out-list/Default",
        InternationalSendingEnabled=True,
        DeletionProtectionEnabled=True,
    )
    assert updated["PhoneNumber"] == GB_NUMBER
    assert updated["TwoWayEnabled"] is True
    assert updated["TwoWayChannelArn"] == topic_arn
    assert updated["TwoWayChannelRole"].endswith("role/two-way")
    assert updated["SelfManagedOptOutsEnabled"] is True
    assert updated["OptOutListName"] == "Default"
    assert updated["InternationalSendingEnabled"] is True
    assert updated["DeletionProtectionEnabled"] is True
    assert "PoolId" not in updated
    described = await sms.describe_phone_numbers(
        Filters=[{"Name": "two-way-channel-arn", "Values": [topic_arn]}]
    )
    assert [n["PhoneNumber"] for n in described["PhoneNumbers"]] == [GB_NUMBER]
    assert described["PhoneNumbers"][0]["TwoWayChannelArn"] == topic_arn

    # Only what is given changes; two-way off keeps the channel.
    updated = await sms.update_phone_number(
        PhoneNumberId=number["PhoneNumberId"], TwoWayEnabled=False
    )
    assert (updated["TwoWayEnabled"], updated["TwoWayChannelArn"]) == (
        False,
        topic_arn,
    )
    assert updated["DeletionProtectionEnabled"] is True


@pytest.mark.parametrize(
    ("params", "code", "reason"),
    [
        ({"TwoWayEnabled": True}, "ValidationException", "TWO_WAY_CHANNEL_NOT_PRESENT"),
        (
            {"TwoWayChannelArn": "arn:aws:sns:us-east-1:123456789012:missing"},
            "ValidationException",
            "TWO_WAY_TOPIC_NOT_PRESENT",
        ),
        (
            {"TwoWayChannelArn": "arn:aws:sns:us-east-1:1 2"},
            "ValidationException",
            "FIELD_VALIDATION_FAILED",
        ),
        (
            {"OptOutListName": "bad name"},
            "ValidationException",
            "FIELD_VALIDATION_FAILED",
        ),
        ({"OptOutListName": "Marketing"}, "ResourceNotFoundException", None),
    ],
)
async def test_update_phone_number_refusals(aws_client, params, code, reason) -> None:
    """No channel, a missing topic, the model, an unknown opt-out list."""
    sms = await aws_client()
    numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
    gb_id = next(n["PhoneNumberId"] for n in numbers if n["PhoneNumber"] == GB_NUMBER)
    error = await _error(sms.update_phone_number(PhoneNumberId=gb_id, **params))
    assert error["Error"]["Code"] == code
    assert error.get("Reason") == reason


def test_create_app_wires_the_topic_check() -> None:
    """An app built with its own gateway checks two-way topics in its moto."""
    state = AccountState()
    service = SmsVoiceService(state)
    create_app(service, FaultQueue())
    assert service.topic_exists is not None
    number = next(n for n in state.phone_numbers if n.phone_number == GB_NUMBER)
    caller = Caller(
        key=state.access_keys[0], region="us-east-1", account_id=state.account_id
    )
    missing = "arn:aws:sns:us-east-1:123456789012:missing"
    with pytest.raises(AwsError) as caught:
        service.call(
            "UpdatePhoneNumber",
            {"PhoneNumberId": number.phone_number_id, "TwoWayChannelArn": missing},
            caller,
        )
    assert caught.value.fields["Reason"] == "TWO_WAY_TOPIC_NOT_PRESENT"
    assert number.two_way_channel_arn != missing


async def test_pooled_number_is_updated_through_its_pool(aws_client) -> None:
    """UpdatePhoneNumber refuses a pooled number; UpdatePool sets its members."""
    sms = await aws_client()
    topic_arn = await _topic(aws_client)
    numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
    toll_free = next(n for n in numbers if n["PhoneNumber"] == TOLL_FREE)
    error = await _error(
        sms.update_phone_number(
            PhoneNumberId=toll_free["PhoneNumberId"], TwoWayEnabled=True
        )
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "PHONE_NUMBER_ASSOCIATED_TO_POOL",
    )

    pool = await sms.update_pool(
        PoolId=toll_free["PoolId"],
        TwoWayEnabled=True,
        TwoWayChannelArn=topic_arn,
        TwoWayChannelRole="arn:aws:iam::123456789012:role/two-way",
        OptOutListName="Default",
        SelfManagedOptOutsEnabled=False,
        SharedRoutesEnabled=True,
        DeletionProtectionEnabled=True,
    )
    assert (pool["TwoWayEnabled"], pool["TwoWayChannelArn"]) == (True, topic_arn)
    assert (pool["SharedRoutesEnabled"], pool["DeletionProtectionEnabled"]) == (
        True,
        True,
    )
    [number] = (
        await sms.describe_phone_numbers(PhoneNumberIds=[toll_free["PhoneNumberId"]])
    )["PhoneNumbers"]
    assert (number["TwoWayEnabled"], number["TwoWayChannelArn"]) == (True, topic_arn)
    assert number["TwoWayChannelRole"].endswith("role/two-way")
    assert number["DeletionProtectionEnabled"] is False
    described = await sms.describe_pools(
        Filters=[{"Name": "two-way-channel-arn", "Values": [topic_arn]}]
    )
    assert [p["PoolId"] for p in described["Pools"]] == [toll_free["PoolId"]]
    error = await _error(sms.update_pool(PoolId="pool-0000", TwoWayEnabled=False))
    assert error["ResourceType"] == "pool"
    error = await _error(
        sms.update_phone_number(PhoneNumberId="phone-0000", TwoWayEnabled=False)
    )
    assert error["ResourceType"] == "phone-number"


def test_state_file_with_event_destinations_and_outcomes(tmp_path) -> None:
    """YAML states configuration sets' destinations, outcomes and the delay."""
    path = tmp_path / "state.yaml"
    path.write_text(
        f"""
configuration_sets:
  - name: alerts
    event_destinations:
      - name: sns
        matching_event_types: [TEXT_ALL]
        sns_topic_arn: {TOPIC}
delivery_outcomes:
  "+15555550199": TEXT_CARRIER_UNREACHABLE
delivery_delay_seconds: 1.5
phone_numbers:
  - phone_number: "+12025550100"
    iso_country_code: US
    two_way_enabled: true
    two_way_channel_arn: {TOPIC}
"""
    )
    state = AccountState.from_file(path)
    [config_set] = state.configuration_sets
    assert config_set.event_destinations == [
        EventDestination(
            name="sns", matching_event_types=["TEXT_ALL"], sns_topic_arn=TOPIC
        )
    ]
    assert config_set.find_event_destination("none") is None
    assert state.delivery_outcomes == {"+15555550199": "TEXT_CARRIER_UNREACHABLE"}
    assert state.delivery_delay_seconds == 1.5
    assert state.phone_numbers[0].two_way_channel_arn == TOPIC
    assert AccountState().delivery_delay_seconds == 0.2
    # Python gives destinations as objects or mappings alike.
    made = ConfigurationSet(
        name="x", event_destinations=[{"name": "a", "matching_event_types": ["ALL"]}]
    )
    assert made.event_destinations[0].enabled is True
    assert PhoneNumber("+12025550100", "US").two_way_channel_arn is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"delivery_outcomes": {"+15555550199": "DELIVERED"}}, "not one of"),
        ({"delivery_outcomes": {15555550199: "TEXT_BLOCKED"}}, "not an E.164"),
        ({"delivery_outcomes": ["+15555550199"]}, "must map numbers"),
        ({"delivery_delay_seconds": -1}, "delivery_delay_seconds"),
        ({"delivery_delay_seconds": True}, "delivery_delay_seconds"),
        (
            {"configuration_sets": [{"name": "x", "event_destinations": [{"x": 1}]}]},
            "event_destinations",
        ),
    ],
)
def test_bad_delivery_settings(raw, message) -> None:
    """What the emulator cannot deliver is refused when the state loads."""
    with pytest.raises(StateError, match=message):
        AccountState.from_dict(raw)
