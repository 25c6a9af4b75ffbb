"""DescribeOptedOutNumbers and DeleteOptedOutNumber (issue 19).

A STOP reply puts its sender on the opt-out list of the number it replied
to; a send is refused when the destination is on the list of the number it
would leave from; DeleteOptedOutNumber takes a number off, once in 30 days.
"""

import asyncio
from datetime import datetime, timedelta

import aiohttp
from botocore.exceptions import ClientError
import pytest

from eum_emulator import AccountState, Emulator, PhoneNumber
from eum_emulator.opt_outs import DELETE_AGAIN_AFTER

from .conftest import NOON

CUSTOMER = "+15555550123"
FROM_STATE = "+15555550999"
TOLL_FREE = "+18885550100"
ALERTS_NUMBER = "+12025550100"


@pytest.fixture
def account_state() -> AccountState:
    """The demo, one number opted out already, and a number on list "alerts"."""
    state = AccountState(opted_out=[FROM_STATE])
    state.phone_numbers.append(
        PhoneNumber(ALERTS_NUMBER, "US", opt_out_list_name="alerts")
    )
    return state


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def _receive(emulator: Emulator, *args: str) -> str:
    return await asyncio.to_thread(emulator.receive_sms, *args)


async def test_the_default_list(aws_client, emulator: Emulator) -> None:
    """The state's opt-outs, by name or ARN, all or the ones asked for."""
    sms = await aws_client()
    answer = await sms.describe_opted_out_numbers(OptOutListName="Default")
    assert answer["OptOutListName"] == "Default"
    assert answer["OptOutListArn"] == (
        "arn:aws:sms-voice:us-east-1:123456789012:opt-out-list/Default"
    )
    [number] = answer["OptedOutNumbers"]
    assert number["OptedOutNumber"] == FROM_STATE
    assert number["EndUserOptedOut"] is True
    assert isinstance(number["OptedOutTimestamp"], datetime)
    asked = await sms.describe_opted_out_numbers(
        OptOutListName=answer["OptOutListArn"], OptedOutNumbers=["15555550999"]
    )
    assert [n["OptedOutNumber"] for n in asked["OptedOutNumbers"]] == [FROM_STATE]
    by_owner = await sms.describe_opted_out_numbers(
        OptOutListName="Default",
        Filters=[{"Name": "end-user-opted-out", "Values": ["false"]}],
    )
    assert by_owner["OptedOutNumbers"] == []
    # "If you specify an opted out number that isn't valid, an exception is
    # returned."
    error = await _error(
        sms.describe_opted_out_numbers(
            OptOutListName="Default", OptedOutNumbers=[CUSTOMER]
        )
    )
    assert (error["Error"]["Code"], error["ResourceType"]) == (
        "ResourceNotFoundException",
        "opted-out-number",
    )
    error = await _error(sms.describe_opted_out_numbers(OptOutListName="nope"))
    assert error["ResourceType"] == "opt-out-list"
    # A list is a region's: "alerts" is used in us-east-1 only.
    assert (await sms.describe_opted_out_numbers(OptOutListName="alerts"))[
        "OptedOutNumbers"
    ] == []
    london = await aws_client(region="eu-west-2")
    error = await _error(london.describe_opted_out_numbers(OptOutListName="alerts"))
    assert error["Error"]["Code"] == "ResourceNotFoundException"


async def test_pages(aws_client, emulator: Emulator) -> None:
    """MaxResults and NextToken; the paginator keeps the list's name."""
    emulator.state.opted_out.extend(f"+1202555{i:04d}" for i in range(4))
    sms = await aws_client()
    paginator = sms.get_paginator("describe_opted_out_numbers")
    pages = [
        page
        async for page in paginator.paginate(
            OptOutListName="Default", PaginationConfig={"PageSize": 2}
        )
    ]
    assert [len(p["OptedOutNumbers"]) for p in pages] == [2, 2, 1]
    assert {p["OptOutListName"] for p in pages} == {"Default"}


async def test_stop_then_delete_once_in_30_days(
    aws_client, emulator: Emulator, receiving, wall_clock
) -> None:
    """STOP opts out; Delete opts back in; again within 30 days is refused."""
    sms = await aws_client()
    await _receive(emulator, CUSTOMER, TOLL_FREE, "STOP")
    [number] = (
        await sms.describe_opted_out_numbers(
            OptOutListName="Default", OptedOutNumbers=[CUSTOMER]
        )
    )["OptedOutNumbers"]
    assert number["OptedOutTimestamp"] == NOON
    assert number["EndUserOptedOut"] is True
    refused = await _error(
        sms.send_text_message(DestinationPhoneNumber=CUSTOMER, MessageBody="hi")
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"

    wall_clock.now += timedelta(hours=1)
    deleted = await sms.delete_opted_out_number(
        OptOutListName="Default", OptedOutNumber=CUSTOMER
    )
    assert deleted["OptedOutNumber"] == CUSTOMER
    assert deleted["OptOutListName"] == "Default"
    assert deleted["EndUserOptedOut"] is True
    # "The time that the number was removed at".
    assert deleted["OptedOutTimestamp"] == NOON + timedelta(hours=1)
    await sms.send_text_message(DestinationPhoneNumber=CUSTOMER, MessageBody="hi")
    error = await _error(
        sms.delete_opted_out_number(OptOutListName="Default", OptedOutNumber=CUSTOMER)
    )
    assert (error["Error"]["Code"], error["ResourceType"]) == (
        "ResourceNotFoundException",
        "opted-out-number",
    )

    await _receive(emulator, CUSTOMER, TOLL_FREE, "STOP")
    wall_clock.now += timedelta(days=29)
    error = await _error(
        sms.delete_opted_out_number(OptOutListName="Default", OptedOutNumber=CUSTOMER)
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ValidationException",
        "PHONE_NUMBER_CANNOT_BE_OPTED_IN",
    )
    assert CUSTOMER in emulator.state.opted_out
    wall_clock.now = NOON + timedelta(hours=1) + DELETE_AGAIN_AFTER
    await sms.delete_opted_out_number(
        OptOutListName="Default", OptedOutNumber="15555550123"
    )
    assert emulator.state.opted_out == [FROM_STATE]


async def test_each_number_has_its_list(
    aws_client, emulator: Emulator, receiving
) -> None:
    """A STOP to a number on "alerts" opts out of "alerts", not of Default."""
    sms = await aws_client()
    alerts_id = emulator.state.find_phone_number(ALERTS_NUMBER).phone_number_id
    await sms.update_phone_number(
        PhoneNumberId=alerts_id,
        TwoWayEnabled=True,
        TwoWayChannelArn=receiving["TopicArn"],
    )
    await _receive(emulator, CUSTOMER, ALERTS_NUMBER, "stop")
    assert emulator.state.opt_out_lists == {"alerts": [CUSTOMER]}
    assert CUSTOMER not in emulator.state.opted_out
    alerts = await sms.describe_opted_out_numbers(OptOutListName="alerts")
    assert [n["OptedOutNumber"] for n in alerts["OptedOutNumbers"]] == [CUSTOMER]
    # From the toll-free number (Default) it is sent; from "alerts" not.
    await sms.send_text_message(
        DestinationPhoneNumber=CUSTOMER,
        OriginationIdentity=TOLL_FREE,
        MessageBody="hi",
    )
    refused = await _error(
        sms.send_text_message(
            DestinationPhoneNumber=CUSTOMER,
            OriginationIdentity=ALERTS_NUMBER,
            MessageBody="hi",
        )
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    # A sender ID has no list of its own: the Default one.
    emulator.state.opted_out.append("+447700900999")
    refused = await _error(
        sms.send_text_message(
            DestinationPhoneNumber="+447700900999",
            OriginationIdentity="HOMEALERT",
            MessageBody="hi",
        )
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    await _receive(emulator, CUSTOMER, ALERTS_NUMBER, "START")
    assert emulator.state.opt_out_lists == {"alerts": []}
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/health") as resp,
    ):
        assert (await resp.json())["opted_out"] == 2


def test_a_state_file_names_other_lists() -> None:
    """``opt_out_lists`` holds the numbers of lists other than Default."""
    state = AccountState.from_dict(
        {"opted_out": [CUSTOMER], "opt_out_lists": {"alerts": [FROM_STATE]}}
    )
    assert state.opt_out_members("Default") == [CUSTOMER]
    assert state.opt_out_members("alerts") == [FROM_STATE]
    assert state.opt_out_members("other") == []
    assert "other" not in state.opt_out_lists
