"""Token buckets: a burst, then a steady rate, counted in segments."""

import asyncio

import pytest

from custom_components.aws_eum_x import ratelimit
from custom_components.aws_eum_x.ratelimit import RateLimiter, TokenBucket


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        """Return the fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the fake time instead of waiting."""
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """Replace the limiter's sleep with one that advances a fake clock."""
    fake = FakeTime()
    monkeypatch.setattr(ratelimit.asyncio, "sleep", fake.sleep)
    return fake


async def test_evenly_spaced_at_the_rate(fake_time: FakeTime) -> None:
    """3 MPS: the first segment at once, then one every third of a second."""
    bucket = TokenBucket(3.0, fake_time)
    await bucket.acquire(1)
    assert fake_time.slept == 0
    for _ in range(6):
        await bucket.acquire(1)
    assert fake_time.slept == pytest.approx(2.0)


async def test_a_burst_when_asked_for(fake_time: FakeTime) -> None:
    """With a larger capacity, an idle bucket lets a burst through."""
    bucket = TokenBucket(3.0, fake_time, capacity=3.0)
    for _ in range(3):
        await bucket.acquire(1)
    assert fake_time.slept == 0
    await bucket.acquire(1)
    assert fake_time.slept == pytest.approx(1 / 3)


async def test_long_message_goes_from_a_full_bucket(fake_time: FakeTime) -> None:
    """A 5-segment message on 1 MPS leaves at once and pays afterwards."""
    bucket = TokenBucket(1.0, fake_time)
    await bucket.acquire(5)
    assert fake_time.slept == 0
    await bucket.acquire(1)
    # 4 segments of debt plus the one it needs: 5 seconds.
    assert fake_time.slept == pytest.approx(5.0)


async def test_concurrent_waiters_never_exceed_the_rate(fake_time: FakeTime) -> None:
    """Twenty concurrent single-segment sends at 10 MPS take 1.9 seconds."""
    limiter = RateLimiter(fake_time)
    times: list[float] = []

    async def send() -> None:
        await limiter.acquire("+447700900123", 10.0, 1)
        times.append(fake_time.now)

    await asyncio.gather(*(send() for _ in range(20)))
    assert fake_time.now == pytest.approx(1.9)
    # In any one-second window no more than the rate leaves.
    for start in times:
        assert sum(1 for t in times if start <= t < start + 1 - 1e-9) <= 10


async def test_buckets_are_per_identity_and_rate(fake_time: FakeTime) -> None:
    """Identities do not share a bucket; a new rate starts a new bucket."""
    limiter = RateLimiter(fake_time)
    await limiter.acquire("a", 1.0, 1)
    await limiter.acquire("b", 1.0, 1)
    assert fake_time.slept == 0
    await limiter.acquire("a", 2.0, 1)
    assert fake_time.slept == 0


async def test_throttling_halves_the_pace_once_a_second(fake_time: FakeTime) -> None:
    """Throttled: the bucket slows to half, not again within a second."""
    limiter = RateLimiter(fake_time)
    await limiter.acquire("a", 8.0, 1)
    limiter.slow_down("a")
    limiter.slow_down("a")  # the same burst of throttles: ignored
    limiter.slow_down("unknown")  # nothing to slow
    # The send booked at 8 MPS leaves on time; the next waits at 4 MPS.
    await limiter.acquire("a", 8.0, 1)
    assert fake_time.slept == pytest.approx(1 / 8)
    fake_time.now += 1
    limiter.slow_down("a")
    await limiter.acquire("a", 8.0, 1)
    await limiter.acquire("a", 8.0, 1)
    assert fake_time.slept == pytest.approx(1 / 8 + 1 / 2)


async def test_waking_late_does_not_slow_the_schedule(
    fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sleep overshoots by 10 ms; ten sends still take nine intervals."""

    async def late_sleep(seconds: float) -> None:
        fake_time.now += seconds + 0.01

    monkeypatch.setattr(ratelimit.asyncio, "sleep", late_sleep)
    bucket = TokenBucket(10.0, fake_time)
    for _ in range(10):
        await bucket.acquire(1)
    # 0.9 s of schedule plus only the last wake-up's 10 ms overshoot.
    assert fake_time.now == pytest.approx(0.91)


def test_rate_must_be_positive() -> None:
    """A zero rate would never send."""
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)
