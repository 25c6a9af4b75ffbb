"""The outbox: messages AWS certainly did not receive, kept until the way is back.

Pure logic, no Home Assistant. A text, call or picture whose every attempt
failed *before* AWS could process it (refused, reset before the request was
written, DNS, no route, TLS handshake, throttled after the retries) is kept
here instead of failing; one that *may* have reached AWS never is, so that
sending it again can never deliver it twice. outbox_worker.py is the Home
Assistant side: the store, the probe with backoff, and sending in order.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
import random
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

# Probing AWS while it cannot be reached: 15 s, then doubling, at most every
# 5 minutes (12 requests an hour at the cap).
PROBE_FIRST_DELAY: Final = 15.0
PROBE_MAX_DELAY: Final = 300.0
# The longest a message may wait (the per-call retry_for), in seconds.
MAX_RETRY_FOR: Final = 24 * 3600

QueuedKind = Literal["text", "call", "media"]
# Why a queued message was dropped instead of sent.
DropReason = Literal["expired", "call_expired", "daily_cap", "refused", "maybe_sent"]


def probe_delay(failures: int, jitter: float | None = None) -> float:
    """Return how long to wait before the next probe after ``failures`` misses.

    ``jitter`` (0..1) spreads the probes of several entries; random if None.
    """
    base = min(PROBE_FIRST_DELAY * 2.0 ** max(failures - 1, 0), PROBE_MAX_DELAY)
    spread = random.random() if jitter is None else jitter  # noqa: S311 - not crypto
    # Up to 10 % less, never more than the cap: the cap bounds the rate.
    return base * (1 - spread / 10)


@dataclass(frozen=True, kw_only=True)
class QueuedMessage:
    """One message to one target, waiting for AWS to be reachable."""

    queued_id: str
    kind: QueuedKind
    target: str
    # The text (a title already joined), the call's words, or a picture's
    # caption; for a picture, its s3:// URL (already uploaded).
    body: str | None
    media_url: str | None = None
    # MessageOptions as Home Assistant's store keeps them (see sender.py).
    options: Mapping[str, Any]
    # Calls: how to speak the message.
    ssml: bool = False
    voice: str | None = None
    queued_at: datetime
    # After this the message is dropped (the entry's option or retry_for).
    expires: datetime
    # A call must not ring after its own time to live: a stale alarm.
    call_deadline: datetime | None = None

    def drop_reason(self, now: datetime) -> DropReason | None:
        """Return why the message may no longer be sent now, if it may not."""
        if self.call_deadline is not None and now >= self.call_deadline:
            return "call_expired"
        if now >= self.expires:
            return "expired"
        return None

    def queued_for(self, now: datetime) -> float:
        """Return how long the message has waited, in seconds."""
        return max((now - self.queued_at).total_seconds(), 0.0)

    def as_dict(self) -> dict[str, Any]:
        """Return the message as the store keeps it (JSON)."""
        return {
            "queued_id": self.queued_id,
            "kind": self.kind,
            "target": self.target,
            "body": self.body,
            "media_url": self.media_url,
            "options": dict(self.options),
            "ssml": self.ssml,
            "voice": self.voice,
            "queued_at": self.queued_at.isoformat(),
            "expires": self.expires.isoformat(),
            "call_deadline": self.call_deadline.isoformat()
            if self.call_deadline
            else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueuedMessage:
        """Read a message back from the store."""
        deadline = data.get("call_deadline")
        return cls(
            queued_id=str(data["queued_id"]),
            kind=data["kind"],
            target=str(data["target"]),
            body=data.get("body"),
            media_url=data.get("media_url"),
            options=dict(data.get("options", {})),
            ssml=bool(data.get("ssml", False)),
            voice=data.get("voice"),
            queued_at=datetime.fromisoformat(data["queued_at"]),
            expires=datetime.fromisoformat(data["expires"]),
            call_deadline=datetime.fromisoformat(deadline) if deadline else None,
        )


def queue_until(
    now: datetime, keep_for: timedelta, time_to_live: int | None, kind: QueuedKind
) -> tuple[datetime, datetime | None]:
    """Return when a message queued now expires, and a call's own deadline."""
    deadline = (
        now + timedelta(seconds=time_to_live)
        if kind == "call" and time_to_live
        else None
    )
    return now + keep_for, deadline


def oldest(messages: list[QueuedMessage]) -> QueuedMessage | None:
    """Return the message that waits longest (it goes first)."""
    return min(messages, key=lambda m: m.queued_at, default=None)


def without(messages: list[QueuedMessage], queued_id: str) -> list[QueuedMessage]:
    """Return ``messages`` without the one of ``queued_id``."""
    return [m for m in messages if m.queued_id != queued_id]
