"""Messages-per-second limiting, counted in segments. Pure asyncio, no HA.

AWS meters each origination identity in message parts per second and
answers ThrottlingException beyond it. A token bucket per identity keeps a
fan-out just under that rate: it starts full (an idle identity may send a
burst of ``rate`` segments) and refills continuously.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens per second, at most ``rate`` in hand."""

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start full."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._clock = clock
        self._tokens = rate
        self._updated = clock()
        # Waiters are served in order, so a long message is not starved by
        # short ones arriving after it.
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.rate, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self, amount: int) -> None:
        """Wait until ``amount`` tokens are available, then take them.

        A message of more segments than the burst leaves when the bucket is
        full and puts it in debt, as AWS lets a long message through.
        """
        async with self._lock:
            self._refill()
            needed = min(float(amount), self.rate)
            if self._tokens < needed:
                await asyncio.sleep((needed - self._tokens) / self.rate)
                self._refill()
            self._tokens -= amount


class RateLimiter:
    """One token bucket per origination identity."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no buckets."""
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    async def acquire(self, key: str, rate: float, amount: int) -> None:
        """Take ``amount`` segments from ``key``'s bucket at ``rate`` per second."""
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate:
            bucket = self._buckets[key] = TokenBucket(rate, self._clock)
        await bucket.acquire(amount)
