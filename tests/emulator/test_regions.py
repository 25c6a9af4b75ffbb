"""Each region has its own inventory: a request reads the region it is signed for.

AWS keeps phone numbers, sender IDs, pools and configuration sets per
region; an entry set up for eu-west-2 must not show the demo's US numbers.
"""

from botocore.exceptions import ClientError
import pytest

from eum_emulator import AccountState, ConfigurationSet, PhoneNumber, Pool, SenderId
from eum_emulator.state import DEFAULT_REGION, StateError, in_region

TOLL_FREE = "+18885550100"
US_GB_LONG_CODE = "+447700900123"
LONDON = "+447700900200"
DUBLIN = "+447700900300"
US_DESTINATION = "+15555550123"


async def _numbers(client) -> list[str]:
    answer = await client.describe_phone_numbers()
    return [n["PhoneNumber"] for n in answer["PhoneNumbers"]]


async def test_the_demo_regions_have_their_own_numbers(aws_client) -> None:
    """us-east-1 as before; a GB long code in each of two EU regions; else none."""
    assert await _numbers(await aws_client()) == [TOLL_FREE, US_GB_LONG_CODE]
    london = await aws_client(region="eu-west-2")
    [number] = (await london.describe_phone_numbers())["PhoneNumbers"]
    assert number["PhoneNumber"] == LONDON
    assert number["PhoneNumberArn"].startswith("arn:aws:sms-voice:eu-west-2:")
    assert (await london.describe_sender_ids())["SenderIds"] == []
    assert (await london.describe_pools())["Pools"] == []
    assert (await london.describe_configuration_sets())["ConfigurationSets"] == []
    assert await _numbers(await aws_client(region="eu-west-1")) == [DUBLIN]
    elsewhere = await aws_client(region="ap-southeast-2")
    assert await _numbers(elsewhere) == []
    assert (await elsewhere.describe_sender_ids())["SenderIds"] == []


async def test_a_send_leaves_from_its_regions_numbers(aws_client, emulator) -> None:
    """AWS picks an identity of the region; another region's is unknown there."""
    london = await aws_client(region="eu-west-2")
    await london.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, MessageBody="from London"
    )
    [sent] = emulator.outbox
    assert (sent.origin, sent.region) == (LONDON, "eu-west-2")

    with pytest.raises(ClientError) as caught:
        await london.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            MessageBody="x",
            OriginationIdentity=TOLL_FREE,
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    toll_free_id = emulator.state.find_phone_number(TOLL_FREE).phone_number_id
    with pytest.raises(ClientError) as caught:
        await london.describe_phone_numbers(PhoneNumberIds=[toll_free_id])
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"

    empty = await aws_client(region="ca-central-1")
    with pytest.raises(ClientError) as caught:
        await empty.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, MessageBody="x"
        )
    assert caught.value.response["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"


async def test_configuration_sets_are_per_region(aws_client) -> None:
    """The same name in two regions is two sets; each is found in its own."""
    london = await aws_client(region="eu-west-2")
    virginia = await aws_client()
    await london.create_configuration_set(ConfigurationSetName="home-alerts")
    await london.create_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="logs",
        MatchingEventTypes=["TEXT_DELIVERED"],
        CloudWatchLogsDestination={
            "IamRoleArn": "arn:aws:iam::123456789012:role/logs",
            "LogGroupArn": "arn:aws:logs:eu-west-2:123456789012:log-group:sms",
        },
    )
    [us_set] = (await virginia.describe_configuration_sets())["ConfigurationSets"]
    assert us_set["EventDestinations"] == []
    assert us_set["ConfigurationSetArn"].startswith("arn:aws:sms-voice:us-east-1:")
    await london.delete_configuration_set(ConfigurationSetName="home-alerts")
    assert (await london.describe_configuration_sets())["ConfigurationSets"] == []
    assert len((await virginia.describe_configuration_sets())["ConfigurationSets"])
    with pytest.raises(ClientError) as caught:
        await london.send_text_message(
            DestinationPhoneNumber=US_DESTINATION,
            MessageBody="x",
            ConfigurationSetName="home-alerts",
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


class TestAnAccountOfItsOwn:
    """A state with a pool, a sender ID and an opt-out list in eu-west-2."""

    @pytest.fixture
    def account_state(self) -> AccountState:
        """A pool, a sender ID and an opt-out list in eu-west-2 only."""
        return AccountState(
            phone_numbers=[
                PhoneNumber("+12025550100", "US"),
                PhoneNumber(
                    "+447700900201",
                    "GB",
                    opt_out_list_name="london",
                    region="eu-west-2",
                ),
            ],
            sender_ids=[SenderId("HOMEALERT", "GB", region="eu-west-2")],
            pools=[
                Pool(
                    "pool-london",
                    members=["+447700900201", "HOMEALERT"],
                    region="eu-west-2",
                )
            ],
            configuration_sets=[ConfigurationSet("cs", region="eu-west-2")],
        )

    async def test_pools_sender_ids_and_opt_out_lists_by_region(
        self, aws_client, emulator
    ) -> None:
        """Found, and usable, in their region only."""
        london = await aws_client(region="eu-west-2")
        virginia = await aws_client()
        [pool] = (await london.describe_pools(PoolIds=["pool-london"]))["Pools"]
        assert pool["PoolArn"] == (
            "arn:aws:sms-voice:eu-west-2:123456789012:pool/pool-london"
        )
        [number] = (await london.describe_phone_numbers())["PhoneNumbers"]
        assert number["PoolId"] == "pool-london"
        [sender] = (
            await london.describe_sender_ids(
                SenderIds=[{"SenderId": "HOMEALERT", "IsoCountryCode": "GB"}]
            )
        )["SenderIds"]
        assert sender["SenderIdArn"].startswith("arn:aws:sms-voice:eu-west-2:")
        await london.send_text_message(
            DestinationPhoneNumber="+447700900999",
            MessageBody="hi",
            OriginationIdentity="pool-london",
        )
        assert emulator.outbox[0].origin == "+447700900201"
        await london.update_pool(PoolId="pool-london", OptOutListName="london")

        with pytest.raises(ClientError) as caught:
            await virginia.describe_pools(PoolIds=["pool-london"])
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as caught:
            await virginia.describe_sender_ids(
                SenderIds=[{"SenderId": "HOMEALERT", "IsoCountryCode": "GB"}]
            )
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
        [us_number] = (await virginia.describe_phone_numbers())["PhoneNumbers"]
        with pytest.raises(ClientError) as caught:
            await virginia.update_phone_number(
                PhoneNumberId=us_number["PhoneNumberId"], OptOutListName="london"
            )
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as caught:
            await virginia.update_pool(PoolId="pool-london", TwoWayEnabled=False)
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert (await virginia.describe_configuration_sets())["ConfigurationSets"] == []


def test_a_state_file_places_items_in_regions() -> None:
    """``region:`` on an item; us-east-1 when left out; a typo is refused."""
    state = AccountState.from_dict(
        {
            "phone_numbers": [
                {"phone_number": "+12025550100", "iso_country_code": "US"},
                {
                    "phone_number": "+447700900201",
                    "iso_country_code": "GB",
                    "region": "eu-west-2",
                },
            ],
            "sender_ids": [
                {
                    "sender_id": "HOMEALERT",
                    "iso_country_code": "GB",
                    "region": "eu-west-2",
                }
            ],
        }
    )
    assert [n.region for n in state.phone_numbers] == [DEFAULT_REGION, "eu-west-2"]
    assert state.find_phone_number("+12025550100", "eu-west-2") is None
    assert state.find_phone_number("+447700900201") is state.phone_numbers[1]
    assert in_region(state.sender_ids, "us-east-1") == []
    assert state.find_sender_id("HOMEALERT", "eu-west-2") is state.sender_ids[0]
    for item in ("phone_numbers", "sender_ids", "pools", "configuration_sets"):
        with pytest.raises(StateError, match=rf"{item}\[0\]: region 'europe'"):
            AccountState.from_dict({item: [_minimal(item) | {"region": "europe"}]})


def _minimal(item: str) -> dict[str, str]:
    return {
        "phone_numbers": {"phone_number": "+12025550100", "iso_country_code": "US"},
        "sender_ids": {"sender_id": "HOMEALERT", "iso_country_code": "GB"},
        "pools": {"pool_id": "pool-1"},
        "configuration_sets": {"name": "cs"},
    }[item]
