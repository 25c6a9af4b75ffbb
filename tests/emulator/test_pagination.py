"""Paging through Describe* results with MaxResults and NextToken."""

from botocore.exceptions import ClientError
import pytest

from eum_emulator import AccountState, PhoneNumber
from eum_emulator.operations import DEFAULT_PAGE_SIZE


@pytest.fixture
def account_state() -> AccountState:
    """Serve an account with 25 numbers, to page through."""
    state = AccountState()
    state.phone_numbers.extend(
        PhoneNumber(
            phone_number=f"+1202555{index:04d}",
            iso_country_code="US",
            number_type="TEN_DLC",
        )
        for index in range(23)
    )
    return state


async def test_pagination_walks_every_page(aws_client) -> None:
    """MaxResults sizes pages; NextToken continues; the paginator sees all."""
    client = await aws_client()
    first = await client.describe_phone_numbers(MaxResults=10)
    assert len(first["PhoneNumbers"]) == 10
    second = await client.describe_phone_numbers(
        MaxResults=10, NextToken=first["NextToken"]
    )
    third = await client.describe_phone_numbers(
        MaxResults=10, NextToken=second["NextToken"]
    )
    assert len(third["PhoneNumbers"]) == 5
    assert "NextToken" not in third
    seen = [
        n["PhoneNumber"]
        for page in (first, second, third)
        for n in page["PhoneNumbers"]
    ]
    assert len(set(seen)) == 25

    paginator = client.get_paginator("describe_phone_numbers")
    pages = [
        page async for page in paginator.paginate(PaginationConfig={"PageSize": 7})
    ]
    assert [len(p["PhoneNumbers"]) for p in pages] == [7, 7, 7, 4]
    assert DEFAULT_PAGE_SIZE >= 25
    assert len((await client.describe_phone_numbers())["PhoneNumbers"]) == 25


@pytest.mark.parametrize(
    "token",
    [
        "not-base64!",
        "eyJvcCI6ICJEZXNjcmliZVBvb2xzIiwgIm9mZnNldCI6IDF9",  # another operation's
        "eyJvcCI6ICJEZXNjcmliZVBob25lTnVtYmVycyIsICJvZmZzZXQiOiAtMX0=",  # offset -1
    ],
)
async def test_bad_next_token_is_rejected(aws_client, token: str) -> None:
    """A token the service did not issue for this operation is a ValidationException."""
    client = await aws_client()
    with pytest.raises(ClientError) as caught:
        await client.describe_phone_numbers(NextToken=token)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Reason"] == "INVALID_NEXT_TOKEN"
