"""The typed API layer: credentials, pagination, what botocore refuses itself."""

from collections.abc import AsyncGenerator

from homeassistant.core import HomeAssistant
import pytest

from custom_components.aws_eum_x.api import (
    AwsCredentials,
    SmsClient,
    TextMessage,
    sts_endpoint_url,
)
from custom_components.aws_eum_x.aws_errors import AwsSmsError
from custom_components.aws_eum_x.helpers import async_connection
from eum_emulator import AccountState, Emulator, PhoneNumber

from .conftest import entry_data


def test_credentials_repr_hides_the_secret() -> None:
    """A logged or printed credentials object shows only the key ID."""
    creds = AwsCredentials("AKIAIOSFODNN7EXAMPLE", "top-secret")
    assert "top-secret" not in repr(creds)
    assert "top-secret" not in str(creds)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (None, None),
        ("http://127.0.0.1:4566", "http://127.0.0.1:4566"),
        ("https://sms-voice-fips.us-east-1.amazonaws.com", None),
        (
            "https://vpce-1.sms-voice.us-east-1.vpce.amazonaws.com",
            None,
        ),
    ],
)
def test_sts_endpoint(endpoint: str | None, expected: str | None) -> None:
    """AWS-hosted endpoints serve one service; STS keeps its own."""
    assert sts_endpoint_url(endpoint) == expected


@pytest.fixture
def account_state() -> AccountState:
    """Serve an account with 230 numbers: three pages of 100."""
    state = AccountState()
    state.phone_numbers = [
        PhoneNumber(
            phone_number=f"+1202555{index:04d}",
            iso_country_code="US",
            number_type="TEN_DLC",
        )
        for index in range(230)
    ]
    return state


@pytest.fixture
async def sms_client(
    hass: HomeAssistant, emulator: Emulator
) -> AsyncGenerator[SmsClient]:
    """Return an SmsClient for the emulator, closed after the test."""
    client = await SmsClient.create(await async_connection(hass, entry_data(emulator)))
    yield client
    await client.close()


async def test_every_page_is_read(sms_client: SmsClient) -> None:
    """Describe* calls follow NextToken to the end."""
    numbers = await sms_client.describe_phone_numbers()
    assert len(numbers) == 230
    assert len({n.phone_number for n in numbers}) == 230


async def test_send_refused_by_botocore_itself(
    sms_client: SmsClient, emulator: Emulator
) -> None:
    """What botocore rejects before sending is an error of its own kind."""
    with pytest.raises(AwsSmsError, match="ParamValidationError"):
        await sms_client.send_text_message(TextMessage("", "hi"))
    assert emulator.outbox == []
