"""Delivery status and replies in Home Assistant, through the emulator's queue.

The options name the queue docs/aws/receiving.yaml creates (made in the
emulator, with moto's SNS and SQS); a send through the configuration set,
and a reply to the two-way number, come back as Home Assistant events.
"""

import json

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.aws_eum_x.const import (
    CONF_QUEUE_URL,
    DOMAIN,
    ISSUE_OPTED_OUT,
    ISSUE_QUEUE_UNAVAILABLE,
)
from custom_components.aws_eum_x.diagnostics import async_get_config_entry_diagnostics
from custom_components.aws_eum_x.helpers import async_connection, entry_issue_id
from custom_components.aws_eum_x.queue import QueueClient, parse_queue_url
from custom_components.aws_eum_x.receiver import (
    EVENT_DELIVERY_STATUS,
    EVENT_MESSAGE_RECEIVED,
    EventReceiver,
)
from eum_emulator import AccessKey, AccountState, Emulator

from .conftest import ALICE, TOLL_FREE, demo_entry, entry_data, send, set_up, until

DELIVERED = "+14254147755"  # AWS's US success simulator number
FAILED = "+14254147167"  # AWS's US failure simulator number
RECEIVING = "binary_sensor.aws_sms_123456789012_us_east_1_receiving"
NO_SQS_KEY = "TESTKEYNOSQS"
NO_SQS_SECRET = "no-sqs-secret-EXAMPLEKEY"


@pytest.fixture
def account_state() -> AccountState:
    """Alice's number is delivered late; one key may not read queues."""
    state = AccountState(delivery_outcomes={"+15555550777": "TEXT_TTL_EXPIRED"})
    state.delivery_delay_seconds = 0.2
    state.access_keys.append(
        AccessKey(NO_SQS_KEY, NO_SQS_SECRET, allowed_actions=["sms-voice:*"])
    )
    return state


async def test_delivery_status_events_correlate_with_the_send(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """Pending then delivered, with the send's message ID and masked target."""
    events = async_capture_events(hass, EVENT_DELIVERY_STATUS)
    response = await send(
        hass, target=DELIVERED, message="hi", context={"automation": "leak"}
    )
    message_id = response["messages"][0]["message_id"]
    await until(lambda: len(events) == 2)
    assert [(e.data["status"], e.data["final"]) for e in events] == [
        ("pending", False),
        ("delivered", True),
    ]
    final = events[1].data
    assert final["message_id"] == message_id
    assert final["target"] == "***7755"
    assert final["context"] == {"automation": "leak"}
    assert final["config_entry_id"] == receiving_entry.entry_id
    assert hass.states.get(RECEIVING).state == "on"


@pytest.mark.parametrize(
    ("target", "status"),
    [(DELIVERED, "delivered"), (FAILED, "blocked"), ("+15555550777", "ttl_expired")],
)
async def test_wait_for_delivery_returns_each_outcome(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, target: str, status: str
) -> None:
    """An automation learns whether its alert arrived."""
    response = await send(hass, target=target, message="hi", wait_for_delivery=10)
    assert response["messages"][0]["status"] == status


async def test_wait_for_delivery_says_pending_at_the_timeout(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """No final event in time: pending, so the automation can escalate."""
    emulator.state.delivery_delay_seconds = 5
    response = await send(hass, target=DELIVERED, message="hi", wait_for_delivery=1)
    assert response["messages"][0]["status"] == "pending"


async def test_waiting_needs_a_queue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Refused before sending, with the reason."""
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=DELIVERED, message="hi", wait_for_delivery=30)
    assert caught.value.translation_key == "wait_needs_queue"
    assert emulator.outbox == []


async def test_a_reply_names_the_recipient(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A reply to the two-way number: who sent it, what, to which number."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    inbound_id = await hass.async_add_executor_job(
        emulator.receive_sms, ALICE, TOLL_FREE, "status please"
    )
    await until(lambda: len(events) == 1)
    data = events[0].data
    assert data["from"] == ALICE
    assert data["to"] == TOLL_FREE
    assert data["body"] == "status please"
    assert data["keyword"] == "STATUS"
    assert data["recipient"] == "Alice"
    assert data["inbound_message_id"] == inbound_id


async def _submit_queue_option(
    hass: HomeAssistant, entry: MockConfigEntry, queue_url: str
) -> ConfigFlowResult:
    """Open the options of ``entry`` and submit them with ``queue_url``."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "message_type": "transactional",
            "daily_segment_cap": 0,
            "key_rotation_days": 90,
            CONF_QUEUE_URL: queue_url,
        },
    )


async def test_options_check_the_queue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, queue_url: str
) -> None:
    """Not a URL, no such queue: named before anything is saved."""
    for url, error in (
        ("not a queue", "invalid_queue_url"),
        (queue_url + "-gone", "queue_not_found"),
    ):
        result = await _submit_queue_option(hass, loaded_entry, url)
        assert result["errors"] == {CONF_QUEUE_URL: error}


async def test_a_queue_the_key_may_not_read_raises_a_repair_issue(
    hass: HomeAssistant,
    emulator: Emulator,
    queue_url: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Access denied cannot be retried away: the issue says what to add."""
    entry = demo_entry(
        emulator,
        data=entry_data(
            emulator, access_key_id=NO_SQS_KEY, secret_access_key=NO_SQS_SECRET
        ),
        options={CONF_QUEUE_URL: queue_url},
    )
    await set_up(hass, entry)
    issue_id = f"{ISSUE_QUEUE_UNAVAILABLE}_{entry.entry_id}"
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id))
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert "sqs:ReceiveMessage" in issue.translation_placeholders["error"]
    assert hass.states.get("binary_sensor.mock_title_receiving").state == "off"


async def test_unload_stops_the_listener(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """No task keeps polling once the entry is unloaded."""
    receiver = receiving_entry.runtime_data.receiver
    assert receiver is not None
    task = receiver._task
    assert task is not None
    assert not task.done()
    assert await hass.config_entries.async_unload(receiving_entry.entry_id)
    assert task.done()


async def test_waiting_after_the_final_event_came(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """A status that arrived before anyone waited is still known."""
    events = async_capture_events(hass, EVENT_DELIVERY_STATUS)
    response = await send(hass, target=DELIVERED, message="hi")
    message_id = response["messages"][0]["message_id"]
    await until(lambda: len(events) == 2)
    receiver = receiving_entry.runtime_data.receiver
    assert await receiver.async_wait_for_final([message_id], 0) == {
        message_id: "delivered"
    }


async def test_a_revoked_key_starts_reauthentication(
    hass: HomeAssistant, aws_client, emulator: Emulator, queue_url: str
) -> None:
    """The listener's key stops working: Home Assistant asks for a new one."""
    emulator.state.access_keys.append(AccessKey("TESTKEYREVOKED", "revoked-secret"))
    entry = demo_entry(
        emulator,
        data=entry_data(
            emulator, access_key_id="TESTKEYREVOKED", secret_access_key="revoked-secret"
        ),
        options={CONF_QUEUE_URL: queue_url},
    )
    await set_up(hass, entry)
    emulator.state.access_keys = [
        k for k in emulator.state.access_keys if k.access_key_id != "TESTKEYREVOKED"
    ]
    # Something on the queue ends the poll under way; the next one is refused.
    sqs = await aws_client("sqs")
    await sqs.send_message(QueueUrl=queue_url, MessageBody="{}")
    await until(lambda: any(entry.async_get_active_flows(hass, {"reauth"})))


async def test_options_name_the_missing_queue_permission(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> None:
    """The key may send but not read queues: the action is named."""
    entry = demo_entry(
        emulator,
        data=entry_data(
            emulator, access_key_id=NO_SQS_KEY, secret_access_key=NO_SQS_SECRET
        ),
    )
    entry.add_to_hass(hass)
    result = await _submit_queue_option(hass, entry, queue_url)
    assert result["errors"] == {CONF_QUEUE_URL: "queue_access_denied"}
    assert result["description_placeholders"] == {"action": "sqs:GetQueueAttributes"}


async def test_stopping_a_receiver_that_never_started(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, queue_url: str
) -> None:
    """Unloading after a failed start saves and returns."""
    connection = await async_connection(hass, loaded_entry.data)
    receiver = EventReceiver(
        hass,
        loaded_entry,
        QueueClient(connection, parse_queue_url(queue_url)),
        dict,
        loaded_entry.runtime_data.usage,
    )
    await receiver.async_stop()
    assert receiver.connected is None


def _opt_out_issue_id(entry: MockConfigEntry) -> str:
    (subentry_id,) = entry.subentries
    return entry_issue_id(ISSUE_OPTED_OUT, entry.entry_id, subentry_id)


async def _alice_opts_out(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
    *,
    keyword: str = "STOP",
) -> str:
    """Alice replies ``keyword``; wait for her opt-out issue and return its ID."""
    issue_id = _opt_out_issue_id(entry)
    await hass.async_add_executor_job(emulator.receive_sms, ALICE, TOLL_FREE, keyword)
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id))
    return issue_id


async def test_stop_from_a_recipient_raises_an_issue_until_start(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Alice replies STOP: the issue names her; her START clears it."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    issue_id = await _alice_opts_out(
        hass, receiving_entry, emulator, issue_registry, keyword="Stop"
    )
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue.translation_key == ISSUE_OPTED_OUT
    assert issue.translation_placeholders["recipient"] == "Alice"
    assert issue.translation_placeholders["keyword"] == "STOP"
    assert events[0].data["keyword"] == "STOP"

    await hass.async_add_executor_job(emulator.receive_sms, ALICE, TOLL_FREE, "START")
    await until(lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is None)
    assert len(events) == 2


async def test_stop_from_a_stranger_raises_no_issue(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Only recipients have an issue to name; the event still fires."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await hass.async_add_executor_job(
        emulator.receive_sms, "+15555550999", TOLL_FREE, "STOP"
    )
    await until(lambda: events)
    assert events[0].data["recipient"] is None
    assert not [i for i in issue_registry.issues.values() if i.domain == DOMAIN]


async def test_removing_the_recipient_removes_its_issue(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A recipient removed after opting out leaves no issue behind."""
    issue_id = await _alice_opts_out(hass, receiving_entry, emulator, issue_registry)
    (subentry_id,) = receiving_entry.subentries
    hass.config_entries.async_remove_subentry(receiving_entry, subentry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_removing_the_entry_removes_its_issues(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """No repair issue outlives the entry that raised it."""
    issue_id = await _alice_opts_out(hass, receiving_entry, emulator, issue_registry)
    await hass.config_entries.async_remove(receiving_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_diagnostics_count_what_the_listener_did(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Counts of polls and events, never a body or a number."""
    events = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await hass.async_add_executor_job(
        emulator.receive_sms, ALICE, TOLL_FREE, "secret body"
    )
    await until(lambda: events)
    diagnostics = await async_get_config_entry_diagnostics(hass, receiving_entry)
    receiving = diagnostics["receiving"]
    assert receiving["connected"] is True
    assert receiving["handed_on"] == 1
    assert receiving["received"] >= 1
    assert receiving["polls"] >= 1
    assert receiving["remembered_events"] == 1
    text = json.dumps(diagnostics)
    assert "secret body" not in text
    assert ALICE not in text
