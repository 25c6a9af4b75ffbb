"""The integration in a real `hass` process, set up and used over REST.

Unit tests use the `hass` fixture; users run a real process with its HTTP
API and the full blocking-call detector (which pytest's fixture relaxes).
"""

from collections.abc import Generator
from pathlib import Path
import re

import pytest

from eum_emulator import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Emulator

from .harness import RealHass

PHONE_NUMBERS = "sensor.aws_sms_123456789012_us_east_1_phone_numbers"
NOTIFY_SERVICE = "aws_sms_123456789012_us_east_1"
RECEIVING = "binary_sensor.aws_sms_123456789012_us_east_1_receiving"
DELIVERED_TODAY = "sensor.aws_sms_123456789012_us_east_1_delivered_today"
RECEIVED_MESSAGE = "event.toll_free_number_18885550100_received_message"
TOLL_FREE = "+18885550100"
DELIVERED = "+14254147755"  # AWS's US success simulator number
REPLY_FROM = "+15555550987"
REPLY_BODY = "Status of the house, please"
# Errors this machine's Home Assistant logs with no integration of ours
# involved: the ffmpeg binary and libturbojpeg are not installed. Any other
# traceback fails the test.
KNOWN_ENVIRONMENT_ERRORS = (
    "No such file or directory: 'ffmpeg'",
    "Unable to locate turbojpeg library",
)


@pytest.fixture
def real_hass(sockets: None, tmp_path: Path) -> Generator[RealHass]:
    """Run Home Assistant in a process of its own; always stop it."""
    instance = RealHass(tmp_path)
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


def _tracebacks(log: str) -> list[str]:
    """Return each logged traceback with the log line that introduced it."""
    blocks = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", log)
    return [block for block in blocks if "Traceback (most recent call last)" in block]


def test_set_up_and_send_through_the_rest_api(
    real_hass: RealHass, emulator: Emulator
) -> None:
    """Add the integration via the config flow API, then send both ways."""
    real_hass.onboard()
    flow = real_hass.request(
        "POST", "/api/config/config_entries/flow", {"handler": "aws_eum_x"}
    )
    assert (flow["type"], flow["step_id"]) == ("menu", "user")
    flow = real_hass.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {"next_step_id": "access_key"},
    )
    assert flow["step_id"] == "access_key"
    result = real_hass.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            "access_key_id": DEMO_ACCESS_KEY_ID,
            "secret_access_key": DEMO_SECRET_ACCESS_KEY,
            "region": "us-east-1",
            "advanced": {"endpoint_url": emulator.url},
        },
    )
    assert result["type"] == "create_entry", result
    assert real_hass.wait_for_state(PHONE_NUMBERS)["state"] == "2"

    real_hass.wait_for_service("notify", NOTIFY_SERVICE)
    real_hass.request(
        "POST",
        f"/api/services/notify/{NOTIFY_SERVICE}",
        {"message": "E2E via notify", "target": ["+15555550123"]},
    )
    answer = real_hass.request(
        "POST",
        "/api/services/aws_eum_x/send_message?return_response",
        {"target": ["+15555550124"], "message": "E2E via action"},
    )
    [sent] = answer["service_response"]["messages"]
    assert sent["target"] == "+15555550124"

    # The setup form's permission check is a DryRun: validated, never sent.
    checks = [m for m in emulator.outbox if m.dry_run]
    assert [m.body for m in checks] == ["Permission check"]
    outbox = sorted((m.destination, m.body) for m in emulator.outbox if not m.dry_run)
    assert outbox == [
        ("+15555550123", "E2E via notify"),
        ("+15555550124", "E2E via action"),
    ]
    assert sent["message_id"] in {m.message_id for m in emulator.outbox}

    _receive_through_the_queue(real_hass, emulator, result["result"]["entry_id"])

    real_hass.stop()
    log = real_hass.log
    assert "Detected blocking call" not in log
    unexpected = [
        block
        for block in _tracebacks(log)
        if not any(known in block for known in KNOWN_ENVIRONMENT_ERRORS)
    ]
    assert not unexpected, "\n\n".join(unexpected)
    assert DEMO_SECRET_ACCESS_KEY not in log
    assert "+15555550123" not in log
    assert "***0123" in log  # our debug log names the number, masked
    assert REPLY_BODY not in log
    assert REPLY_FROM not in log


def _receive_through_the_queue(
    real_hass: RealHass, emulator: Emulator, entry_id: str
) -> None:
    """Set the event queue in the options; hear one reply and one delivery."""
    queue_url = emulator.provision_receiving()["QueueUrl"]
    flow = real_hass.request(
        "POST", "/api/config/config_entries/options/flow", {"handler": entry_id}
    )
    done = real_hass.request(
        "POST",
        f"/api/config/config_entries/options/flow/{flow['flow_id']}",
        {
            "message_type": "transactional",
            "configuration_set": "home-alerts",
            "queue_url": queue_url,
            "daily_segment_cap": 0,
            "key_rotation_days": 90,
        },
    )
    # Then the messages-per-second form: its defaults.
    done = real_hass.request(
        "POST", f"/api/config/config_entries/options/flow/{flow['flow_id']}", {}
    )
    assert done["type"] == "create_entry", done
    # The entry reloads with its listener: the sensor says it reads the queue.
    assert real_hass.wait_for_state(RECEIVING)["state"] == "on"

    inbound_id = emulator.receive_sms(REPLY_FROM, TOLL_FREE, REPLY_BODY)
    reply = real_hass.wait_for_state(RECEIVED_MESSAGE)
    assert reply["attributes"]["event_type"] == "received"
    assert reply["attributes"]["inbound_message_id"] == inbound_id
    assert reply["attributes"]["keyword"] == "STATUS"

    answer = real_hass.request(
        "POST",
        "/api/services/aws_eum_x/send_message?return_response",
        # A deadline, under the request's own (harness.WAIT_TIMEOUT).
        {"target": [DELIVERED], "message": "E2E delivery", "wait_for_delivery": 100},
    )
    [sent] = answer["service_response"]["messages"]
    assert sent["status"] == "delivered"
    assert real_hass.wait_for_state(DELIVERED_TODAY)["state"] == "1"
