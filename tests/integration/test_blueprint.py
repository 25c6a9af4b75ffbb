"""The blueprints, run by Home Assistant's automation against the emulator.

Each blueprint is loaded from the repository's blueprints/ folder, as a user
imports it. Texts and calls go to the emulator; replies come back as AWS's
two-way payload through the emulator's SNS topic and the entry's queue, as
in production, so the escalation stops on the acknowledgement itself.
"""

import asyncio
import logging
from pathlib import Path
import re
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
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.aws_eum_x.alerts import EVENT_ACKNOWLEDGED
from custom_components.aws_eum_x.receiver import EVENT_MESSAGE_RECEIVED
from eum_emulator import AccountState, Emulator

from .conftest import ALICE, TOLL_FREE, until

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "aws_eum_x"
ESCALATION = "aws_eum_x/critical_alert.yaml"
ASK_AND_ACT = "aws_eum_x/ask_and_act.yaml"
ALARM = "test_alarm"
NOTIFICATION_ID = "aws_eum_x_critical_alert_automation.escalation"
NO_ANSWER_ID = "ask_and_act_no_answer"

BOB = "+15555550124"  # no recipient of the entry: no name
CAROL = "+15555550125"
OPTED_OUT = "+15555550199"  # AWS refuses to text it
CODE = re.compile(r"\b(\d{4})\b")
# How long a run that waits out its timeouts may take: a guard against a
# hang, not a measure of speed.
RUN_DEADLINE = 60
# How long AWS takes to answer a call in the test of a reply meanwhile:
# far longer than a reply takes to come back through the queue.
SLOW_CALL = 5


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, with one number that opted out of texts."""
    return AccountState(opted_out=[OPTED_OUT])


@pytest.fixture
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> None:
    """Install the blueprints in a configuration folder of the test's own.

    The hass fixture's configuration folder is inside the installed test
    package: a copy there would outlive the test.
    """
    hass.config.config_dir = str(tmp_path)
    target = Path(hass.config.path("blueprints", "automation", "aws_eum_x"))
    shutil.copytree(BLUEPRINTS, target)


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


async def setup_automation(hass: HomeAssistant, path: str, **inputs: Any) -> None:
    """Set up an automation from a blueprint; it must be valid."""
    config = {
        "automation": {
            "id": "escalation" if path == ESCALATION else "ask",
            "alias": "Escalation" if path == ESCALATION else "Ask",
            "use_blueprint": {"path": path, "input": inputs},
        }
    }
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    # An invalid blueprint or input leaves no automation entity.
    assert hass.states.get(f"automation.{config['automation']['id']}").state == "on"


async def setup_escalation(hass: HomeAssistant, **inputs: Any) -> None:
    """Set up the escalation, triggered by ``test_alarm``."""
    await setup_automation(
        hass,
        ESCALATION,
        **{
            "alert_trigger": [{"trigger": "event", "event_type": ALARM}],
            "message": "Water leak in the basement!",
            # Long enough for a reply to come back through the queue while
            # the attempt it answers still waits; the tests of attempts
            # nobody answers wait these out, so they stay short.
            "acknowledgement_timeout": 3,
            **inputs,
        },
    )


async def finished(hass: HomeAssistant, notifications: dict[str, Any]) -> str:
    """Return the escalation's notification once the run is over."""
    async with asyncio.timeout(RUN_DEADLINE):
        while NOTIFICATION_ID not in notifications:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    await hass.async_block_till_done()
    notification = notifications[NOTIFICATION_ID]
    return f"{notification['title']}\n{notification['message']}"


def outbox(emulator: Emulator) -> list[tuple[str, str]]:
    """Return what was really sent, in order: (kind, destination)."""
    return [(m.kind, m.destination) for m in emulator.outbox if not m.dry_run]


def texts_to(emulator: Emulator, number: str) -> list[str]:
    """Return the bodies of the texts sent to ``number``, in order."""
    return [
        m.body
        for m in emulator.outbox
        if m.destination == number and m.kind == "text" and not m.dry_run
    ]


def code_of(body: str) -> str:
    """Return the code the text's last line asks for."""
    return CODE.findall(body.splitlines()[-1])[0]


async def reply(
    hass: HomeAssistant, emulator: Emulator, sender: str, body: str
) -> None:
    """Text the entry's number from ``sender``, as a person replies."""
    await hass.async_add_executor_job(emulator.receive_sms, sender, TOLL_FREE, body)


async def texted(emulator: Emulator, number: str, count: int = 1) -> str:
    """Wait for the ``count``-th text to ``number``; return its body."""
    await until(lambda: len(texts_to(emulator, number)) >= count)
    return texts_to(emulator, number)[count - 1]


async def waiting(hass: HomeAssistant) -> None:
    """Wait until the escalation waits after a text or call.

    People reply while it waits: a test that replies sooner, while the
    action still sends, tests the run's watcher instead. The watcher listens
    for acknowledgements all along; each wait adds a listener.
    """
    await until(lambda: hass.bus.async_listeners().get(EVENT_ACKNOWLEDGED) == 2)


async def confirmed(hass: HomeAssistant, emulator: Emulator, number: str) -> None:
    """Wait for the confirmation text the acknowledgement sends in a task."""
    await until(lambda: any("received" in t for t in texts_to(emulator, number)))
    await hass.async_block_till_done()


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the errors logged, such as an action of the run that failed."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def open_alerts(entry: MockConfigEntry) -> list[Any]:
    """Return the alerts of ``entry`` that still wait for a reply."""
    return entry.runtime_data.alerts.open_alerts


@pytest.mark.parametrize(
    ("path", "inputs"),
    [
        (
            ESCALATION,
            {
                "alert_trigger",
                "contacts",
                "message",
                "acknowledgement_timeout",
                "rounds",
                "config_entry",
            },
        ),
        (
            ASK_AND_ACT,
            {
                "ask_trigger",
                "targets",
                "question",
                *(
                    f"answer_{n}_{part}"
                    for n in range(1, 5)
                    for part in ("label", "action")
                ),
                "timeout",
                "no_answer_action",
                "require_code",
                "config_entry",
            },
        ),
    ],
)
def test_blueprints_pass_home_assistants_schema(path: str, inputs: set[str]) -> None:
    """Each file is a valid automation blueprint for this Home Assistant."""
    blueprint = models.Blueprint(
        load_yaml_dict(BLUEPRINTS.parent / path),
        path=path,
        expected_domain="automation",
        # What the automation integration checks a blueprint file with.
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.validate() is None  # no unmet min_version
    assert set(blueprint.inputs) == inputs
    for spec in blueprint.inputs.values():
        if "default" in spec:
            # A default the UI's own selector would refuse confuses users.
            selector.selector(spec["selector"])(spec["default"])
    assert blueprint.data["mode"] == "single"
    assert blueprint.data["max_exceeded"] == "silent"


@pytest.mark.usefixtures("blueprint_folder")
async def test_acknowledged_by_the_first_contact_nobody_is_called(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Alice replies to the first text: no call, Bob is left alone.

    A second alarm while Alice has not replied yet is ignored (single mode):
    a flapping sensor does not page her twice.
    """
    await setup_escalation(
        hass,
        contacts=[ALICE, BOB],
        message="Water leak in the {{ trigger.event.data.room }}!",
        # Never waited out: Alice's reply ends the wait.
        acknowledgement_timeout=60,
    )
    hass.bus.async_fire(ALARM, {"room": "attic"})
    text = await texted(emulator, ALICE)
    hass.bus.async_fire(ALARM, {"room": "attic"})
    code = code_of(text)
    assert text == f"Water leak in the attic!\nReply OK {code} to acknowledge."
    await waiting(hass)
    await reply(hass, emulator, ALICE, f"ok {code}")
    result = await finished(hass, notifications)
    head, attempts = result.split("\n\nAlert: ")
    assert re.fullmatch(
        r"Critical alert: acknowledged\n"
        rf"Acknowledged by Alice \({re.escape(ALICE)}, contact 1 of 2\)"
        r" at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.",
        head,
    )
    assert attempts == f"Water leak in the attic!\n\n- {ALICE}, text: acknowledged"
    await confirmed(hass, emulator, ALICE)
    assert outbox(emulator) == [("text", ALICE), ("text", ALICE)]
    assert texts_to(emulator, ALICE)[1].startswith(f"OK {code} received")
    assert open_alerts(receiving_entry) == []
    # Nothing was left to withdraw, and no action was tried in vain.
    assert errors(caplog) == []


@pytest.mark.usefixtures("blueprint_folder")
async def test_escalates_to_a_call_then_to_the_next_contact(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Alice neither replies to the text nor after the call; Bob does.

    The call is followed by a text with a code of its own; Bob's reply
    stops the run: he is not called, Carol is not texted.
    """
    await setup_escalation(
        hass,
        contacts=[ALICE, BOB, CAROL],
        # Named explicitly this time: the actions get config_entry_id.
        config_entry=receiving_entry.entry_id,
    )
    hass.bus.async_fire(ALARM)
    first = await texted(emulator, ALICE)
    after_call = await texted(emulator, ALICE, 2)
    assert code_of(after_call) != code_of(first)
    code = code_of(await texted(emulator, BOB))
    await waiting(hass)
    await reply(hass, emulator, BOB, code)
    result = await finished(hass, notifications)
    assert result.startswith(
        f"Critical alert: acknowledged\nAcknowledged by {BOB} (contact 2 of 3) at "
    )
    assert result.endswith(
        "Alert: Water leak in the basement!\n"
        "\n"
        f"- {ALICE}, text: not acknowledged within 3 s\n"
        f"- {ALICE}, call: not acknowledged within 3 s\n"
        f"- {BOB}, text: acknowledged"
    )
    await confirmed(hass, emulator, BOB)
    assert outbox(emulator) == [
        ("text", ALICE),
        ("voice", ALICE),
        ("text", ALICE),
        ("text", BOB),
        ("text", BOB),  # the confirmation
    ]
    # Alice's two alerts were withdrawn: a late reply does nothing.
    assert open_alerts(receiving_entry) == []
    assert errors(caplog) == []


@pytest.mark.usefixtures("blueprint_folder")
async def test_a_late_reply_to_an_earlier_text_stops_the_escalation(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Alice answers her first text while she is being called: Bob is spared."""
    await setup_escalation(hass, contacts=[ALICE, BOB])
    hass.bus.async_fire(ALARM)
    code = code_of(await texted(emulator, ALICE))
    # The text that follows the call: the escalation has moved on.
    await texted(emulator, ALICE, 2)
    await waiting(hass)
    await reply(hass, emulator, ALICE, f"OK {code}")
    result = await finished(hass, notifications)
    assert "Acknowledged by Alice (+15555550123, contact 1 of 2) at " in result
    assert result.endswith(
        f"- {ALICE}, text: acknowledged late, after the escalation had moved on\n"
        f"- {ALICE}, call: stopped by the acknowledgement"
    )
    await confirmed(hass, emulator, ALICE)
    assert BOB not in {destination for _, destination in outbox(emulator)}
    assert open_alerts(receiving_entry) == []


@pytest.mark.usefixtures("blueprint_folder")
async def test_a_reply_while_a_call_is_placed_stops_the_escalation(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Alice replies while AWS has not answered the call yet: nobody waits.

    The escalation is inside the call action, not listening: the run's
    watcher catches the reply, and the escalation finds it before it would
    wait after the call.
    """
    await setup_escalation(hass, contacts=[ALICE, BOB])
    # The call is placed at once, AWS's answer comes seconds later.
    emulator.add_fault(
        "accept_then_delay", operation="SendVoiceMessage", delay=SLOW_CALL
    )
    hass.bus.async_fire(ALARM)
    code = code_of(await texted(emulator, ALICE))
    await until(lambda: ("voice", ALICE) in outbox(emulator))
    await reply(hass, emulator, ALICE, f"OK {code}")
    result = await finished(hass, notifications)
    assert result.endswith(
        f"- {ALICE}, text: acknowledged late, after the escalation had moved on\n"
        f"- {ALICE}, call: stopped by the acknowledgement"
    )
    await confirmed(hass, emulator, ALICE)
    assert BOB not in {destination for _, destination in outbox(emulator)}


@pytest.mark.usefixtures("blueprint_folder")
async def test_nobody_acknowledges(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Each contact texted and called; the notification says nobody replied.

    A voicemail or an answered call is no acknowledgement; the alerts left
    open are withdrawn, so a reply after the end acknowledges nothing.
    """
    await setup_escalation(hass, contacts=[ALICE, BOB], acknowledgement_timeout=1)
    hass.bus.async_fire(ALARM)
    result = await finished(hass, notifications)
    assert result == (
        "Critical alert: nobody acknowledged\n"
        "Nobody acknowledged (2 contacts, 1 round).\n"
        "\n"
        "Alert: Water leak in the basement!\n"
        "\n"
        f"- {ALICE}, text: not acknowledged within 1 s\n"
        f"- {ALICE}, call: not acknowledged within 1 s\n"
        f"- {BOB}, text: not acknowledged within 1 s\n"
        f"- {BOB}, call: not acknowledged within 1 s"
    )
    assert outbox(emulator) == [
        ("text", ALICE),
        ("voice", ALICE),
        ("text", ALICE),
        ("text", BOB),
        ("voice", BOB),
        ("text", BOB),
    ]
    assert open_alerts(receiving_entry) == []
    received = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    await reply(hass, emulator, ALICE, code_of(texts_to(emulator, ALICE)[0]))
    await until(lambda: received)
    await hass.async_block_till_done()
    assert len(texts_to(emulator, ALICE)) == 2  # no confirmation


@pytest.mark.usefixtures("blueprint_folder")
async def test_rounds_repeat_the_list(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """A second round texts Alice again; she replies to that text."""
    await setup_escalation(hass, contacts=[ALICE], rounds=2)
    hass.bus.async_fire(ALARM)
    code = code_of(await texted(emulator, ALICE, 3))
    await waiting(hass)
    await reply(hass, emulator, ALICE, f"OK {code}")
    result = await finished(hass, notifications)
    assert result.endswith(
        f"- Round 1, {ALICE}, text: not acknowledged within 3 s\n"
        f"- Round 1, {ALICE}, call: not acknowledged within 3 s\n"
        f"- Round 2, {ALICE}, text: acknowledged"
    )
    await confirmed(hass, emulator, ALICE)
    assert [kind for kind, _ in outbox(emulator)] == [
        "text",
        "voice",
        "text",
        "text",
        "text",  # the confirmation
    ]


@pytest.mark.usefixtures("blueprint_folder")
async def test_an_opted_out_contact_is_skipped(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """AWS refuses to text the first contact: nothing to wait for, go on.

    The call itself is placed (opting out of texts is not of calls), but
    the text with its code is refused, so the action fails as a whole.
    """
    await setup_escalation(
        hass, contacts=[OPTED_OUT, ALICE], acknowledgement_timeout=60
    )
    hass.bus.async_fire(ALARM)
    code = code_of(await texted(emulator, ALICE))
    await waiting(hass)
    await reply(hass, emulator, ALICE, f"OK {code}")
    result = await finished(hass, notifications)
    assert "Acknowledged by Alice (+15555550123, contact 2 of 2) at " in result
    assert result.endswith(
        f"- {OPTED_OUT}, text: failed, skipped"
        " (the automation's trace has the error)\n"
        f"- {OPTED_OUT}, call: failed, skipped"
        " (the automation's trace has the error)\n"
        f"- {ALICE}, text: acknowledged"
    )
    await confirmed(hass, emulator, ALICE)
    assert texts_to(emulator, OPTED_OUT) == []
    assert ("voice", OPTED_OUT) in outbox(emulator)


@pytest.mark.usefixtures("blueprint_folder")
async def test_cancelled_from_home_assistant(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """aws_eum_x.cancel with the run's tag (the sensor lists it) stops it."""
    await setup_escalation(hass, contacts=[ALICE, BOB], acknowledgement_timeout=60)
    hass.bus.async_fire(ALARM)
    await texted(emulator, ALICE)
    await until(lambda: open_alerts(receiving_entry))
    (alert,) = open_alerts(receiving_entry)
    assert alert.tag.startswith("aws_eum_x_critical_alert_")
    await hass.services.async_call(
        "aws_eum_x", "cancel", {"tag": alert.tag}, blocking=True
    )
    result = await finished(hass, notifications)
    assert result.startswith(
        "Critical alert: cancelled\nCancelled in Home Assistant at "
    )
    assert result.endswith(f"- {ALICE}, text: stopped by the cancellation")
    assert outbox(emulator) == [("text", ALICE)]


async def setup_ask_and_act(hass: HomeAssistant, **inputs: Any) -> None:
    """Set up "Ask and act" on ``test_alarm``: disarm, or call the police."""
    assert await async_setup_component(
        hass,
        "input_boolean",
        {"input_boolean": {"armed": {"initial": True}, "police": {}}},
    )
    await setup_automation(
        hass,
        ASK_AND_ACT,
        **{
            "ask_trigger": [{"trigger": "event", "event_type": ALARM}],
            "targets": [ALICE, BOB],
            "question": "The alarm went off in the {{ trigger.event.data.room }}.",
            "answer_1_label": "Disarm",
            "answer_1_action": [
                {
                    "action": "input_boolean.turn_off",
                    "target": {"entity_id": "input_boolean.armed"},
                }
            ],
            "answer_2_label": "Call police",
            "answer_2_action": [
                {
                    "action": "input_boolean.turn_on",
                    "target": {"entity_id": "input_boolean.police"},
                },
                {
                    "action": "persistent_notification.create",
                    "data": {
                        "notification_id": "ask_and_act_answer",
                        "message": "{{ answer }} by {{ reply.recipient }}",
                    },
                },
            ],
            # Answer 3 left out: answer 4 is listed third, and still runs
            # its own actions.
            "answer_4_label": "Ignore",
            "no_answer_action": [
                {
                    "action": "persistent_notification.create",
                    "data": {
                        "notification_id": NO_ANSWER_ID,
                        "message": (
                            "Nobody answered about the {{ trigger.event.data.room }}."
                        ),
                    },
                }
            ],
            **inputs,
        },
    )


@pytest.mark.usefixtures("blueprint_folder")
async def test_ask_and_act_runs_the_chosen_answers_actions(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Alice answers 2 with the code: the police; a bare "1" disarms nothing."""
    await setup_ask_and_act(hass, timeout=60)
    received = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    hass.bus.async_fire(ALARM, {"room": "hall"})
    question = await texted(emulator, ALICE)
    code = code_of(question)
    assert question == (
        "The alarm went off in the hall.\n"
        f"Reply 1 {code} for Disarm, 2 {code} for Call police, 3 {code} for Ignore."
    )
    assert await texted(emulator, BOB) == question
    # What a spoofed sender could send without the code: ignored.
    await reply(hass, emulator, ALICE, "1")
    await until(lambda: received)
    await reply(hass, emulator, ALICE, f"2 {code}")
    await until(lambda: "ask_and_act_answer" in notifications)
    await hass.async_block_till_done()
    assert notifications["ask_and_act_answer"]["message"] == "Call police by Alice"
    assert hass.states.get("input_boolean.police").state == "on"
    assert hass.states.get("input_boolean.armed").state == "on"
    assert NO_ANSWER_ID not in notifications
    assert open_alerts(receiving_entry) == []


@pytest.mark.usefixtures("blueprint_folder")
async def test_ask_and_act_runs_the_no_answer_actions_at_the_timeout(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    notifications: dict[str, Any],
) -> None:
    """Nobody answers within the timeout: the no-answer actions run."""
    await setup_ask_and_act(hass, timeout=1, require_code=False)
    hass.bus.async_fire(ALARM, {"room": "garage"})
    question = await texted(emulator, ALICE)
    # Without the code, the choices are listed bare.
    assert question.endswith("Reply 1 for Disarm, 2 for Call police, 3 for Ignore.")
    await until(lambda: NO_ANSWER_ID in notifications)
    await hass.async_block_till_done()
    assert notifications[NO_ANSWER_ID]["message"] == "Nobody answered about the garage."
    assert hass.states.get("input_boolean.police").state == "off"
    assert hass.states.get("input_boolean.armed").state == "on"


@pytest.mark.usefixtures("blueprint_folder")
async def test_ask_and_act_an_opted_out_target_does_not_stop_the_others(
    hass: HomeAssistant,
    emulator: Emulator,
    receiving_entry: MockConfigEntry,
    notifications: dict[str, Any],
) -> None:
    """AWS refuses one number: Alice, who got the question, still disarms."""
    await setup_ask_and_act(hass, targets=[OPTED_OUT, ALICE], timeout=60)
    hass.bus.async_fire(ALARM, {"room": "hall"})
    code = code_of(await texted(emulator, ALICE))
    await reply(hass, emulator, ALICE, f"Disarm {code}")
    await until(lambda: hass.states.get("input_boolean.armed").state == "off")
    await hass.async_block_till_done()
    assert texts_to(emulator, OPTED_OUT) == []
    assert hass.states.get("input_boolean.police").state == "off"
    assert NO_ANSWER_ID not in notifications
