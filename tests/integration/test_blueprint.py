"""The critical alert escalation blueprint, run by Home Assistant's automation.

The blueprint is loaded from the repository's blueprints/ folder, as a user
imports it, and runs against the emulator: delivery and call events come
back through the receiving entry's queue, so the actions' waits end as soon
as the emulator reports the outcome.
"""

import asyncio
from pathlib import Path
import shutil
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from eum_emulator import AccountState, Emulator

BLUEPRINT_FILE = (
    Path(__file__).parents[2]
    / "blueprints"
    / "automation"
    / "aws_eum_x"
    / "critical_alert.yaml"
)
BLUEPRINT_PATH = "aws_eum_x/critical_alert.yaml"
ALARM = "test_alarm"
NOTIFICATION_ID = "aws_eum_x_critical_alert_automation.escalation"

DELIVERED = "+14254147755"  # AWS's US success simulator number
BLOCKED = "+14254147167"  # AWS's US failure simulator number: the call answers
NO_ANSWER = "+15555550101"  # text blocked, call not answered
ANSWERS = "+15555550102"  # text blocked, call answered
BUSY = "+15555550103"  # text carrier-unreachable, line busy
OPTED_OUT = "+15555550104"  # AWS refuses the text; the call answers


@pytest.fixture
def account_state() -> AccountState:
    """Every contact's outcome, with events a few hundredths of a second apart."""
    state = AccountState(
        delivery_outcomes={
            NO_ANSWER: "TEXT_BLOCKED",
            ANSWERS: "TEXT_BLOCKED",
            BUSY: "TEXT_CARRIER_UNREACHABLE",
        },
        call_outcomes={
            NO_ANSWER: "no_answer",
            ANSWERS: "answered",
            BUSY: "busy",
            BLOCKED: "failed",
        },
        opted_out=[OPTED_OUT],
    )
    state.delivery_delay_seconds = 0.05
    return state


@pytest.fixture
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Install the blueprint in a configuration folder of the test's own.

    The hass fixture's configuration folder is inside the installed test
    package: a copy there would outlive the test.
    """
    hass.config.config_dir = str(tmp_path)
    target = Path(hass.config.path("blueprints", "automation", BLUEPRINT_PATH))
    target.parent.mkdir(parents=True)
    shutil.copy(BLUEPRINT_FILE, target)
    return target


@pytest.fixture
async def notifications(hass: HomeAssistant) -> dict[str, Any]:
    """Collect the persistent notifications created or updated during the test."""
    assert await async_setup_component(hass, persistent_notification.DOMAIN, {})
    created: dict[str, Any] = {}

    @callback
    def updated(
        update_type: persistent_notification.UpdateType, changed: dict[str, Any]
    ) -> None:
        if update_type is not persistent_notification.UpdateType.REMOVED:
            created.update(changed)

    persistent_notification.async_register_callback(hass, updated)
    return created


async def setup_escalation(hass: HomeAssistant, **inputs: Any) -> None:
    """Set up an automation from the blueprint, triggered by ``test_alarm``."""
    config = {
        "automation": {
            "id": "escalation",
            "alias": "Escalation",
            "use_blueprint": {
                "path": BLUEPRINT_PATH,
                "input": {
                    "alert_trigger": [{"trigger": "event", "event_type": ALARM}],
                    "message": "Water leak in the basement!",
                    # The selector's minimum: the waits end at the emulator's
                    # final event, long before.
                    "delivery_timeout": 10,
                    "answer_timeout": 10,
                    **inputs,
                },
            },
        }
    }
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    # An invalid blueprint or input leaves no automation entity.
    assert hass.states.get("automation.escalation").state == "on"


async def escalate(
    hass: HomeAssistant, notifications: dict[str, Any], **event_data: Any
) -> str:
    """Raise the alarm; return the notification's text once the run is over."""
    hass.bus.async_fire(ALARM, event_data)
    # Each attempt waits for events that come back through the queue.
    async with asyncio.timeout(30):
        while NOTIFICATION_ID not in notifications:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await hass.async_block_till_done()
    notification = notifications[NOTIFICATION_ID]
    return f"{notification['title']}\n{notification['message']}"


def sent(emulator: Emulator, kind: str) -> list[str]:
    """Return the destinations of the texts or calls, in order."""
    return [m.destination for m in emulator.outbox if m.kind == kind]


def test_blueprint_passes_home_assistants_schema() -> None:
    """The file is a valid automation blueprint for this Home Assistant."""
    blueprint = models.Blueprint(
        load_yaml_dict(BLUEPRINT_FILE),
        path=BLUEPRINT_PATH,
        expected_domain="automation",
        # What the automation integration checks a blueprint file with.
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.validate() is None  # no unmet min_version
    assert set(blueprint.inputs) == {
        "alert_trigger",
        "contacts",
        "message",
        "delivery_timeout",
        "answer_timeout",
        "config_entry",
    }
    for spec in blueprint.inputs.values():
        if "default" in spec:
            # A default the UI's own selector would refuse confuses users.
            selector.selector(spec["selector"])(spec["default"])
    assert blueprint.data["mode"] == "single"
    assert blueprint.data["max_exceeded"] == "silent"


async def test_a_delivered_sms_reaches_the_first_contact(
    hass: HomeAssistant,
    blueprint_folder: Path,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Delivered: nobody is called and the second contact is left alone."""
    await setup_escalation(
        hass,
        contacts=[DELIVERED, ANSWERS],
        message="Water leak in the {{ trigger.event.data.room }}!",
    )
    text = await escalate(hass, notifications, room="attic")
    assert f"Reached {DELIVERED} (contact 1 of 2) by SMS" in text
    assert "Alert: Water leak in the attic!" in text
    assert sent(emulator, "text") == [DELIVERED]
    assert emulator.outbox[0].body == "Water leak in the attic!"
    assert sent(emulator, "voice") == []


async def test_an_unanswered_call_moves_on_to_the_next_contact(
    hass: HomeAssistant,
    blueprint_folder: Path,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Blocked and not answered, then blocked and answered: contact 2."""
    await setup_escalation(
        hass,
        contacts=[NO_ANSWER, ANSWERS, DELIVERED],
        # Named explicitly this time: the actions get config_entry_id.
        config_entry=receiving_entry.entry_id,
    )
    text = await escalate(hass, notifications)
    head, last = text.rsplit("\n", 1)
    assert head == (
        "Critical alert: contact reached\n"
        f"Reached {ANSWERS} (contact 2 of 3) by call.\n"
        "\n"
        "Alert: Water leak in the basement!\n"
        "\n"
        f"- {NO_ANSWER}: SMS blocked, call no_answer"
    )
    # Either is an answer: the action may return once the message was read.
    assert last in {
        f"- {ANSWERS}: SMS blocked, call answered",
        f"- {ANSWERS}: SMS blocked, call completed",
    }
    assert sent(emulator, "text") == [NO_ANSWER, ANSWERS]
    assert sent(emulator, "voice") == [NO_ANSWER, ANSWERS]


async def test_nobody_reached(
    hass: HomeAssistant,
    blueprint_folder: Path,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Every contact tried by SMS and by call; the notification says so."""
    await setup_escalation(hass, contacts=[NO_ANSWER, BUSY, BLOCKED])
    text = await escalate(hass, notifications)
    assert text.startswith("Critical alert: nobody reached")
    assert "Nobody was reached (3 contacts tried)" in text
    assert f"{BUSY}: SMS carrier_unreachable, call busy" in text
    assert f"{BLOCKED}: SMS blocked, call failed" in text
    assert sent(emulator, "text") == [NO_ANSWER, BUSY, BLOCKED]
    assert sent(emulator, "voice") == [NO_ANSWER, BUSY, BLOCKED]


async def test_a_refused_sms_still_calls(
    hass: HomeAssistant,
    blueprint_folder: Path,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """AWS refuses the text to an opted-out number: the call still goes out.

    The refused send sets no response: the first contact's ``blocked`` must
    not be taken for the second's.
    """
    await setup_escalation(hass, contacts=[NO_ANSWER, OPTED_OUT, DELIVERED])
    text = await escalate(hass, notifications)
    assert f"Reached {OPTED_OUT} (contact 2 of 3) by call" in text
    assert f"{OPTED_OUT}: SMS not sent, call" in text
    assert sent(emulator, "text") == [NO_ANSWER]
    assert sent(emulator, "voice") == [NO_ANSWER, OPTED_OUT]


async def test_a_second_alarm_during_an_escalation_is_ignored(
    hass: HomeAssistant,
    blueprint_folder: Path,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Single mode: a flapping trigger does not page the contacts twice."""
    await setup_escalation(hass, contacts=[NO_ANSWER, ANSWERS])
    hass.bus.async_fire(ALARM)
    text = await escalate(hass, notifications)
    assert f"Reached {ANSWERS} (contact 2 of 2) by call" in text
    assert sent(emulator, "text") == [NO_ANSWER, ANSWERS]
    assert sent(emulator, "voice") == [NO_ANSWER, ANSWERS]
