"""Messages-per-second limiting, counted in segments. Pure asyncio, no HA.

AWS meters each origination identity in message parts per second and
answers ThrottlingException beyond it. A token bucket per identity keeps a
fan-out at that rate. It holds one segment at most: sends leave evenly
spaced instead of in a burst, because a burst that reaches AWS a little
late (a new connection, a slow network) meets AWS's own bucket still
empty, and the next send is throttled.
"""

import asyncio
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` in hand.

    Kept as a schedule (the generic cell rate algorithm): each send books
    the time the next may leave. A send that wakes a little late does not
    push the whole schedule back, so a long fan-out keeps the exact rate.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        capacity: float = 1.0,
    ) -> None:
        """Start full."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        # When the next send may leave, before the burst tolerance.
        self._next = clock()
        # Waiters are served in order, so a long message is not starved by
        # short ones arriving after it.
        self._lock = asyncio.Lock()

    async def acquire(self, amount: int) -> None:
        """Wait for this send's turn, then book ``amount`` segments.

        A message of more segments than the bucket holds leaves on its turn
        and books all its segments: the next send waits for them, so the
        rate holds in segments per second.
        """
        async with self._lock:
            now = self._clock()
            tolerance = (self.capacity - 1) / self.rate
            start = max(now, self._next - tolerance)
            if start > now:
                await asyncio.sleep(start - now)
            self._next = max(start, self._next) + amount / self.rate


# Slow down at most once per this many seconds: one burst of throttling
# answers to concurrent sends is one signal, not many.
SLOW_DOWN_INTERVAL = 1.0
MIN_RATE = 0.1


class RateLimiter:
    """One token bucket per origination identity, slowed when AWS throttles."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no buckets."""
        self._clock = clock
        # key -> (configured rate, bucket, time of the last slow-down)
        self._buckets: dict[str, tuple[float, TokenBucket, float]] = {}

    def _bucket(self, key: str, rate: float) -> TokenBucket:
        known = self._buckets.get(key)
        if known is None or known[0] != rate:
            bucket = TokenBucket(rate, self._clock)
            self._buckets[key] = (rate, bucket, float("-inf"))
            return bucket
        return known[1]

    async def acquire(self, key: str, rate: float, amount: int) -> None:
        """Take ``amount`` segments from ``key``'s bucket at ``rate`` per second."""
        await self._bucket(key, rate).acquire(amount)

    def slow_down(self, key: str) -> None:
        """AWS throttled ``key``: halve its pace (the configured rate is too high)."""
        if key not in self._buckets:
            return
        configured, bucket, last = self._buckets[key]
        now = self._clock()
        if now - last >= SLOW_DOWN_INTERVAL:
            bucket.rate = max(bucket.rate / 2, MIN_RATE)
            self._buckets[key] = (configured, bucket, now)
