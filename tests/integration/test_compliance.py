"""Registration health and opt-outs from AWS's lists, through the emulator.

The emulator serves the registrations and opt-out list its state holds, as
AWS's DescribeRegistrations, DescribeRegistrationVersions and
DescribeOptedOutNumbers answer them.
"""

from http import HTTPStatus
import json
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.aws_eum_x.compliance import (
    ISSUE_REGISTRATION,
    registration_console_url,
)
from custom_components.aws_eum_x.const import (
    CONF_CONFIGURATION_SET,
    CONF_QUEUE_URL,
    DOMAIN,
    ISSUE_MISSING_PERMISSIONS,
    ISSUE_OPTED_OUT,
)
from custom_components.aws_eum_x.helpers import entry_issue_id
from custom_components.aws_eum_x.receiver import EVENT_DELIVERY_STATUS
from eum_emulator import AccessKey, AccountState, Emulator
from eum_emulator.develop import develop_state
from tests.conftest import ClientFactory

from .conftest import ALICE, demo_entry, entry_data, recipient, set_up, until

PENDING_NUMBER = "sensor.toll_free_number_18885550101_registration"
APPROVED_NUMBER = "sensor.toll_free_number_18885550100_registration"
NO_REGISTRATIONS_KEY = "TESTKEYNOREGISTRATIONS"
NO_REGISTRATIONS_SECRET = "no-registrations-secret"


@pytest.fixture
def account_state() -> AccountState:
    """The develop account: one number whose registration was denied."""
    state = develop_state()
    state.access_keys.append(
        AccessKey(
            NO_REGISTRATIONS_KEY,
            NO_REGISTRATIONS_SECRET,
            allowed_actions=[
                "sms-voice:DescribePhoneNumbers",
                "sms-voice:DescribeSenderIds",
                "sms-voice:SendTextMessage",
            ],
        )
    )
    return state


def _registration_issues(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[ir.IssueEntry]:
    prefix = entry_issue_id(ISSUE_REGISTRATION, entry.entry_id, "")
    return [
        issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith(prefix)
    ]


async def test_a_registration_that_needs_updates_is_a_repair_issue(
    hass: HomeAssistant, emulator: Emulator, account_state: AccountState
) -> None:
    """Its sensor says so, with AWS's reasons; the issue goes once complete."""
    entry = await set_up(hass, demo_entry(emulator))
    assert hass.states.get(APPROVED_NUMBER).state == "complete"
    state = hass.states.get(PENDING_NUMBER)
    assert state.state == "requires_updates"
    assert state.attributes["registration_type"] == "US_TOLL_FREE_REGISTRATION"
    # The reasons of the latest denied version, as AWS words them.
    assert "Opt-in workflow" in state.attributes["denied_reasons"]
    (issue,) = _registration_issues(hass, entry)
    placeholders = issue.translation_placeholders
    assert placeholders["number"] == "+18885550101"
    assert placeholders["status"] == "requires updates"
    assert "does not show how recipients consent" in placeholders["reasons"]
    assert placeholders["console_url"] == registration_console_url("us-east-1")

    registration = next(
        r for r in account_state.registrations if r.status == "REQUIRES_UPDATES"
    )
    registration.status = "COMPLETE"
    next(
        n for n in account_state.phone_numbers if n.phone_number == "+18885550101"
    ).status = "ACTIVE"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(PENDING_NUMBER).state == "complete"
    assert _registration_issues(hass, entry) == []


async def test_a_key_that_may_not_read_registrations_keeps_working(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The sensor is unknown and one repair issue names the missing actions."""
    data = entry_data(
        emulator,
        access_key_id=NO_REGISTRATIONS_KEY,
        secret_access_key=NO_REGISTRATIONS_SECRET,
    )
    entry = await set_up(
        hass,
        demo_entry(emulator, data=data, subentries_data=[recipient(ALICE, "Alice")]),
    )
    assert hass.states.get(PENDING_NUMBER).state == "unknown"
    assert _registration_issues(hass, entry) == []
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, entry_issue_id(ISSUE_MISSING_PERMISSIONS, entry.entry_id)
    )
    assert issue is not None
    assert (
        "sms-voice:DescribeRegistrations" in issue.translation_placeholders["actions"]
    )
    assert (
        "sms-voice:DescribeOptedOutNumbers" in issue.translation_placeholders["actions"]
    )


async def test_a_stop_nobody_heard_is_found_on_the_opt_out_list(
    hass: HomeAssistant, emulator: Emulator, account_state: AccountState
) -> None:
    """Without a queue, the refresh finds Alice on the list; off it, it clears."""
    account_state.opted_out.append(ALICE)
    entry = await set_up(
        hass, demo_entry(emulator, subentries_data=[recipient(ALICE, "Alice")])
    )
    (subentry_id,) = entry.subentries
    issue_id = entry_issue_id(ISSUE_OPTED_OUT, entry.entry_id, subentry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["recipient"] == "Alice"

    account_state.opted_out.remove(ALICE)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator.last_update_success
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_a_blocked_message_names_the_registration_as_its_cause(
    hass: HomeAssistant,
    emulator: Emulator,
    queue_url: str,
    aws_client: ClientFactory,
) -> None:
    """A carrier's block of a message from the pending number says why."""
    entry = await set_up(
        hass,
        demo_entry(
            emulator,
            options={CONF_QUEUE_URL: queue_url, CONF_CONFIGURATION_SET: "home-alerts"},
        ),
    )
    events = async_capture_events(hass, EVENT_DELIVERY_STATUS)
    sqs = await aws_client("sqs")
    now_ms = int(time.time() * 1000)
    for origin, message_id in (("+18885550101", "pending"), ("+18885550100", "ok")):
        await sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(
                {
                    "eventType": "TEXT_BLOCKED",
                    "eventVersion": "1.0",
                    "eventTimestamp": now_ms,
                    "isFinal": True,
                    "originationPhoneNumber": origin,
                    "destinationPhoneNumber": ALICE,
                    "isoCountryCode": "US",
                    "messageId": message_id,
                    "messageRequestTimestamp": now_ms,
                    "messageStatus": "BLOCKED",
                    "messageStatusDescription": "Blocked by the carrier",
                    "totalMessageParts": 1,
                    "totalMessagePrice": 0.0,
                }
            ),
        )
    await until(lambda: len(events) == 2)
    descriptions = {e.data["message_id"]: e.data["description"] for e in events}
    assert descriptions["pending"].startswith("Blocked by the carrier Likely cause")
    assert "+18885550101 is requires updates" in descriptions["pending"]
    assert descriptions["ok"] == "Blocked by the carrier"
    assert entry.runtime_data.receiver is not None


async def test_the_opt_out_repair_takes_the_number_off_once_in_30_days(
    hass: HomeAssistant,
    emulator: Emulator,
    account_state: AccountState,
    hass_client: ClientSessionGenerator,
) -> None:
    """Submitting the repair removes Alice; AWS's refusal of a second time shows."""
    account_state.opted_out.append(ALICE)
    entry = await set_up(
        hass, demo_entry(emulator, subentries_data=[recipient(ALICE, "Alice")])
    )
    (subentry_id,) = entry.subentries
    issue_id = entry_issue_id(ISSUE_OPTED_OUT, entry.entry_id, subentry_id)
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()

    async def fix() -> dict:
        answer = await client.post(
            "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
        )
        assert answer.status == HTTPStatus.OK
        flow = await answer.json()
        assert flow["step_id"] == "remove"
        assert flow["description_placeholders"]["recipient"] == "Alice"
        answer = await client.post(
            f"/api/repairs/issues/fix/{flow['flow_id']}", json={}
        )
        return await answer.json()

    result = await fix()
    assert result["type"] == "create_entry"
    assert ALICE not in account_state.opted_out
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None

    # Opted out again the same month: AWS refuses to remove it twice.
    account_state.opted_out.append(ALICE)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    result = await fix()
    assert result["errors"] == {"base": "removal_refused"}
    assert "30 days" in result["description_placeholders"]["error"]
