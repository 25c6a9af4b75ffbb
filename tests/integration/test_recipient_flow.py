"""Adding a recipient in the SMS sandbox: the number is verified first.

The emulator's account is in the sandbox; the codes AWS would text are the
emulator's to read (Emulator.verification_code).
"""

from typing import Any

from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.const import CONF_PHONE_NUMBER, SUBENTRY_RECIPIENT
from eum_emulator import AccessKey, AccountState, Emulator

from .conftest import demo_entry, entry_data, send, set_up

BOB = "+15555550124"
VERIFIED = "binary_sensor.bob_verified"
NO_VERIFY_KEY = "TESTKEYNOVERIFY"
NO_VERIFY_SECRET = "no-verify-secret"


@pytest.fixture
def account_state() -> AccountState:
    """A new account: still in the SMS sandbox."""
    state = AccountState(tier="SANDBOX")
    state.access_keys.append(
        AccessKey(
            NO_VERIFY_KEY,
            NO_VERIFY_SECRET,
            allowed_actions=[
                "sms-voice:Describe*",
                "sms-voice:SendTextMessage",
            ],
        )
    )
    return state


async def _start(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_RECIPIENT), context={"source": "user"}
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: BOB}
    )


async def test_a_recipient_is_verified_in_the_sandbox(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Code by text, a wrong code named, the right one adds Bob, verified."""
    entry = await set_up(hass, demo_entry(emulator))
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=BOB, message="hi")
    assert caught.value.translation_key == "sandbox_destination_not_verified"
    assert emulator.outbox == []

    result = await _start(hass, entry)
    assert result["step_id"] == "verify_number"
    assert result["description_placeholders"] == {"number": BOB}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"channel": "text"}
    )
    assert result["step_id"] == "verification_code"
    code = await hass.async_add_executor_job(emulator.verification_code, BOB)
    assert code
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"code": wrong}
    )
    assert result["errors"] == {"base": "wrong_code"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"code": code}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get(VERIFIED).state == "on"
    await send(hass, target=BOB, message="Verified now")
    assert [m.destination for m in emulator.outbox if not m.dry_run] == [BOB]


async def test_a_simulator_number_needs_no_verification(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """AWS lets a sandbox account text its simulator numbers."""
    await set_up(hass, demo_entry(emulator))
    await send(hass, target="+14254147755", message="Simulated")
    assert len(emulator.outbox) == 1


async def test_a_key_that_may_not_verify_is_told_so(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The form names the policy statement to add."""
    data = entry_data(
        emulator, access_key_id=NO_VERIFY_KEY, secret_access_key=NO_VERIFY_SECRET
    )
    entry = await set_up(hass, demo_entry(emulator, data=data))
    result = await _start(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"channel": "voice"}
    )
    assert result["errors"] == {"base": "verification_denied"}


async def test_in_production_nothing_of_this_shows(
    hass: HomeAssistant, emulator: Emulator, account_state: AccountState
) -> None:
    """A production account adds the recipient at once; no Verified sensor."""
    account_state.tier = "PRODUCTION"
    entry = await set_up(hass, demo_entry(emulator))
    result = await _start(hass, entry)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(VERIFIED) is None


async def test_a_number_verified_or_pending_in_aws_is_reused(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Verified in the console already: added at once; pending: a new code."""
    entry = await set_up(hass, demo_entry(emulator))
    client = entry.runtime_data.client
    destination_id = await client.create_verified_destination(BOB)
    result = await _start(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"channel": "text"}
    )
    assert result["step_id"] == "verification_code"
    code = await hass.async_add_executor_job(emulator.verification_code, BOB)
    assert await client.verify_destination(destination_id, code) == "VERIFIED"
    # A second recipient flow for the same number, verified meanwhile.
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_RECIPIENT), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Bob", CONF_PHONE_NUMBER: BOB}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"channel": "text"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_aws_refusing_another_way_is_said_generally(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """An answer the form has no words for: a general error, AWS's in the log."""
    entry = await set_up(hass, demo_entry(emulator))
    result = await _start(hass, entry)
    emulator.add_fault(
        "error",
        operation="DescribeVerifiedDestinationNumbers",
        code="ValidationException",
        count=3,
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"channel": "text"}
    )
    assert result["errors"] == {"base": "verification_failed"}
