"""Fixtures of the emulator's receiving side: SNS topic, SQS queue, events."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from eum_emulator import Emulator

type Drain = Callable[..., Awaitable[list[str]]]

# How long a test waits for the emulator to do what it will do: generous, so
# that a machine running two test suites at once still gets there. A test
# that passes waits only as long as the emulator takes.
PATIENCE = 30.0


class StoppedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        """Start at 0."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the time, as time.monotonic does."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the time on."""
        self.now += seconds


@pytest.fixture
async def receiving(emulator: Emulator) -> dict[str, str]:
    """Provision docs/aws/receiving.yaml's resources; return their outputs."""
    return await asyncio.to_thread(emulator.provision_receiving)


@pytest.fixture
def drain(aws_client) -> Drain:
    """Return a function that reads (and deletes) ``count`` queue messages.

    It long-polls until it has them, and fails after ``within`` seconds: a
    deadline for a loaded machine, not a speed the emulator must keep.
    """

    async def read(queue_url: str, count: int, within: float = PATIENCE) -> list[str]:
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


async def eventually(condition: Callable[[], bool], within: float = PATIENCE) -> None:
    """Wait until ``condition()`` holds (it is the emulator thread's to change).

    There is no event to wait on across threads, so it looks every 20 ms.
    ``within`` is a deadline for a loaded machine, not a speed to keep.
    """
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"the condition did not hold in {within} s")
        await asyncio.sleep(0.02)


@pytest.fixture
def until() -> Callable[..., Awaitable[None]]:
    """Return :func:`eventually`, for tests that wait on the emulator."""
    return eventually


@pytest.fixture
def rate_clock(emulator: Emulator) -> StoppedClock:
    """Stop the clock that meters messages (and calls) per second.

    A burst is then a burst however slowly a loaded machine sends it: no
    token comes back between two calls unless the test moves the clock.
    Request it before the first send (the rate buckets keep their clock).
    """
    clock = StoppedClock()
    emulator.service._clock = clock
    return clock


# A fixed time of day for the rules that count days (codes, the 30-day rule).
NOON = datetime(2026, 3, 1, 12, tzinfo=UTC)


class WallClock:
    """The time of day a test moves on."""

    def __init__(self) -> None:
        """Start at noon."""
        self.now = NOON

    def __call__(self) -> datetime:
        """Return the time, as datetime.now(UTC) does."""
        return self.now


@pytest.fixture
def wall_clock(emulator: Emulator) -> WallClock:
    """Stop the emulator's time of day at noon."""
    clock = WallClock()
    emulator.service.wall_clock = clock
    return clock
