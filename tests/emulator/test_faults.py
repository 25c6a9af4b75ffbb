"""Injected faults, and the duplicate-SMS trap they exist to expose.

botocore 1.42.97 retries read timeouts, dropped connections and 5xx answers
by default, and SendTextMessage is not idempotent: these tests show the
emulator reproduces both the trap and its cure (one attempt only).
"""

import time

from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
import pytest

from eum_emulator import Emulator, Fault

# Answers a test expects get botocore's own read timeout (60 s): a loaded
# machine may take seconds to answer. Only the tests of a delayed answer
# read with a short timeout, well under the delay they inject.
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})
DEFAULT_RETRIES = AioConfig()
SHORT_READ = 0.5
DELAY = 4 * SHORT_READ
IMPATIENT_NO_RETRIES = AioConfig(
    retries={"total_max_attempts": 1}, read_timeout=SHORT_READ
)
IMPATIENT_DEFAULT_RETRIES = AioConfig(read_timeout=SHORT_READ)
SEND = {
    "DestinationPhoneNumber": "+447700900456",
    "OriginationIdentity": "+447700900123",
    "MessageBody": "Freezer above -10 °C",
}


async def test_modelled_error_fault(aws_client, emulator: Emulator) -> None:
    """The next call fails with the given error and modelled fields; then it works."""
    emulator.add_fault(
        "error",
        operation="SendTextMessage",
        code="ConflictException",
        message="Injected opt-out",
        fields={"Reason": "DESTINATION_PHONE_NUMBER_OPTED_OUT"},
    )
    client = await aws_client(config=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        await client.send_text_message(**SEND)
    assert caught.value.response["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
    assert emulator.outbox == []
    await client.send_text_message(**SEND)
    assert len(emulator.outbox) == 1


async def test_faults_only_hit_their_operation(aws_client, emulator) -> None:
    """A fault for SendTextMessage leaves Describe* calls alone."""
    emulator.add_fault("error", operation="SendTextMessage", status=500)
    client = await aws_client(config=NO_RETRIES)
    assert (await client.describe_pools())["Pools"]
    assert len(emulator.faults.pending()) == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "InternalServerException"), (503, "ServiceUnavailableException")],
)
async def test_server_errors(aws_client, emulator, status, code) -> None:
    """5xx answers fail a one-attempt client and are retried by a default one."""
    emulator.add_fault("error", status=status)
    client = await aws_client(config=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        await client.send_text_message(**SEND)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status

    emulator.add_fault("error", status=status, count=2)
    retrying = await aws_client(config=DEFAULT_RETRIES)
    result = await retrying.send_text_message(**SEND)
    assert result["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(emulator.outbox) == 1


async def test_latency_fault(aws_client, emulator) -> None:
    """Latency delays the answer; the message is still sent once."""
    emulator.add_fault("latency", delay=0.2)
    client = await aws_client(config=NO_RETRIES)
    started = time.monotonic()
    await client.describe_pools()
    assert time.monotonic() - started >= 0.2


async def test_drop_before_processing(aws_client, emulator) -> None:
    """A dropped connection before processing sends nothing."""
    emulator.add_fault("drop")
    client = await aws_client(config=NO_RETRIES)
    with pytest.raises(ConnectionClosedError):
        await client.send_text_message(**SEND)
    assert emulator.outbox == []


async def test_accept_then_drop_duplicates_with_default_retries(
    aws_client, emulator
) -> None:
    """The message was sent, the answer lost: botocore's retry sends it again."""
    emulator.add_fault("accept_then_drop")
    client = await aws_client(config=DEFAULT_RETRIES)
    await client.send_text_message(**SEND)
    assert len(emulator.outbox) == 2


async def test_accept_then_delay_duplicates_with_default_retries(
    aws_client, emulator
) -> None:
    """The trap: one call, five read timeouts, five identical SMS."""
    emulator.add_fault("accept_then_delay", delay=DELAY, count=5)
    client = await aws_client(config=IMPATIENT_DEFAULT_RETRIES)
    with pytest.raises(ReadTimeoutError):
        await client.send_text_message(**SEND)
    bodies = [m.body for m in emulator.outbox]
    assert bodies == [SEND["MessageBody"]] * 5


async def test_accept_then_delay_with_one_attempt_sends_once(
    aws_client, emulator
) -> None:
    """The cure: with one attempt the timeout surfaces and one SMS went out."""
    emulator.add_fault("accept_then_delay", delay=DELAY)
    client = await aws_client(config=IMPATIENT_NO_RETRIES)
    with pytest.raises(ReadTimeoutError):
        await client.send_text_message(**SEND)
    assert len(emulator.outbox) == 1


async def test_faults_apply_to_sts(aws_client, emulator) -> None:
    """STS calls take faults too, so the config flow's first call can fail."""
    emulator.add_fault("error", operation="GetCallerIdentity", status=500)
    sts = await aws_client("sts", config=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        await sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InternalServerException"


def test_fault_validation() -> None:
    """Faults that cannot be applied are refused when queued."""
    with pytest.raises(ValueError, match="kind must be one of"):
        Fault.from_dict({"kind": "explode"})
    with pytest.raises(ValueError, match="count must be at least 1"):
        Fault(kind="drop", count=0)
    with pytest.raises(ValueError, match="needs a code"):
        Fault(kind="error", status=400)
    with pytest.raises(ValueError, match="unexpected keyword"):
        Fault.from_dict({"kind": "drop", "when": "now"})
    assert Fault(kind="error", status=503).code == "ServiceUnavailableException"
