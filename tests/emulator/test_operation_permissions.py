"""The registration, verification and opt-out operations pass the same IAM check.

Each is an action of its own (``sms-voice:<Operation>``, as AWS names them):
a key whose policy does not allow it gets AccessDeniedException, before the
request is validated or looked at.
"""

from botocore.exceptions import ClientError
import botocore.session
import pytest

from eum_emulator import AccessKey, AccountState, Emulator
from eum_emulator.service import SERVICE_NAME

SENDER_KEY = "TESTKEYSENDONLY"
SECRET = "sender-secret"
# Each operation with parameters the model accepts.
CALLS = {
    "DescribeRegistrations": {},
    "DescribeRegistrationVersions": {"RegistrationId": "registration-1"},
    "CreateVerifiedDestinationNumber": {"DestinationPhoneNumber": "+15555550123"},
    "DescribeVerifiedDestinationNumbers": {},
    "SendDestinationNumberVerificationCode": {
        "VerifiedDestinationNumberId": "verifieddestinationnumber-1",
        "VerificationChannel": "TEXT",
    },
    "VerifyDestinationNumber": {
        "VerifiedDestinationNumberId": "verifieddestinationnumber-1",
        "VerificationCode": "123456",
    },
    "DeleteVerifiedDestinationNumber": {
        "VerifiedDestinationNumberId": "verifieddestinationnumber-1"
    },
    "DescribeOptedOutNumbers": {"OptOutListName": "Default"},
    "DeleteOptedOutNumber": {
        "OptOutListName": "Default",
        "OptedOutNumber": "+15555550123",
    },
}


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation)[1:]


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, and a key that may only send texts."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(SENDER_KEY, SECRET, allowed_actions=["sms-voice:SendTextMessage"])
    )
    return state


def test_every_operation_is_the_models_and_the_emulators(emulator: Emulator) -> None:
    """The names are the model's; the emulator answers each."""
    model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    assert set(CALLS) <= set(model.operation_names)
    assert set(CALLS) <= set(emulator.service._operations)


@pytest.mark.parametrize("operation", sorted(CALLS))
async def test_a_key_without_the_action_is_refused(aws_client, operation: str) -> None:
    """AccessDeniedException names sms-voice:<Operation>."""
    client = await aws_client(access_key_id=SENDER_KEY, secret_access_key=SECRET)
    with pytest.raises(ClientError) as caught:
        await getattr(client, _snake(operation))(**CALLS[operation])
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert f"sms-voice:{operation}" in error["Message"]


async def test_a_key_with_a_wildcard_may_describe(aws_client, emulator) -> None:
    """sms-voice:Describe* allows the new Describe operations, and only them."""
    emulator.state.access_keys.append(
        AccessKey("TESTKEYDESCRIBEONLY", "d", allowed_actions=["sms-voice:Describe*"])
    )
    client = await aws_client(
        access_key_id="TESTKEYDESCRIBEONLY", secret_access_key="d"
    )
    await client.describe_registrations()
    await client.describe_verified_destination_numbers()
    await client.describe_opted_out_numbers(OptOutListName="Default")
    with pytest.raises(ClientError) as caught:
        await client.create_verified_destination_number(
            DestinationPhoneNumber="+15555550123"
        )
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
