"""Fixtures of the emulator's receiving side: SNS topic, SQS queue, events."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from eum_emulator import Emulator

type Drain = Callable[..., Awaitable[list[str]]]


@pytest.fixture
async def receiving(emulator: Emulator) -> dict[str, str]:
    """Provision docs/aws/receiving.yaml's resources; return their outputs."""
    return await asyncio.to_thread(emulator.provision_receiving)


@pytest.fixture
def drain(aws_client) -> Drain:
    """Return a function that reads (and deletes) ``count`` queue messages.

    It long-polls until it has them, and fails after ``within`` seconds.
    """

    async def read(queue_url: str, count: int, within: float = 5.0) -> list[str]:
        sqs: Any = await aws_client("sqs")
        bodies: list[str] = []
        async with asyncio.timeout(within):
            while len(bodies) < count:
                answer = await sqs.receive_message(
                    QueueUrl=queue_url, WaitTimeSeconds=5, MaxNumberOfMessages=10
                )
                for message in answer.get("Messages", []):
                    bodies.append(message["Body"])
                    await sqs.delete_message(
                        QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )
        return bodies

    return read


async def eventually(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until ``condition()`` holds (it is the emulator thread's to change).

    There is no event to wait on across threads, so it looks every 20 ms.
    """
    for _ in range(int(within / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    pytest.fail("the condition did not hold in time")


@pytest.fixture
def until() -> Callable[..., Awaitable[None]]:
    """Return :func:`eventually`, for tests that wait on the emulator."""
    return eventually
