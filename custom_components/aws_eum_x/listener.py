"""The background listener: long-polls the entry's queue, hands on each event once.

SQS delivers at least once, and a message not deleted comes back: each
event's key is remembered (bounded, and kept across restarts), so a message
received twice is handed on once. A batch is handed on in the order of its
events' timestamps. What cannot be parsed is logged once, without its body,
and deleted: bad input never stops the listener. Throttling, server errors
and lost connections back off (with jitter, capped) and report the
listener as disconnected until a poll succeeds again.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
import random
from typing import TYPE_CHECKING, Final, TypedDict

from homeassistant.helpers.storage import Store

from .aws_errors import AwsAccessDeniedError, AwsAuthError, AwsSmsError
from .const import DOMAIN, LOGGER
from .events import EPOCH, EventParseError, ParsedEvent, dedup_key, parse_message
from .queue import AwsQueueNotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from .queue import QueueClient, QueueMessage

STORAGE_VERSION: Final = 1
# How many handled events are remembered: far more than a queue redelivers.
REMEMBERED: Final = 2000
SAVE_DELAY: Final = 10
BACKOFF_FIRST: Final = 1.0  # seconds; doubled per failure, with jitter
BACKOFF_MAX: Final = 300.0
# What retrying cannot fix: the user must change a key, a policy or a URL.
_FATAL: Final = (AwsAuthError, AwsAccessDeniedError, AwsQueueNotFoundError)


class _Stored(TypedDict):
    handled: list[str]


@dataclass
class ListenerCounts:
    """What the listener did since it started: counts, never contents."""

    polls: int = 0
    poll_failures: int = 0
    received: int = 0
    handed_on: int = 0
    duplicates: int = 0
    unreadable: int = 0


class QueueListener:
    """Polls one queue until stopped; calls back for events and problems."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        queue: QueueClient,
        *,
        on_event: Callable[[ParsedEvent], None],
        on_connected: Callable[[bool], None],
        on_fatal: Callable[[AwsSmsError], None],
    ) -> None:
        """Poll ``queue``; ``on_fatal`` gets what retrying cannot fix."""
        self._hass = hass
        self._queue = queue
        self._on_event = on_event
        self._on_connected = on_connected
        self._on_fatal = on_fatal
        self._store: Store[_Stored] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.handled"
        )
        self._handled: OrderedDict[str, None] = OrderedDict()
        self._failures = 0
        self.connected: bool | None = None
        self.counts = ListenerCounts()

    async def async_load(self) -> None:
        """Read which events were handled before a restart."""
        stored = await self._store.async_load()
        for key in (stored or {"handled": []})["handled"][-REMEMBERED:]:
            self._handled[key] = None

    async def async_save(self) -> None:
        """Write the handled events now (on unload)."""
        await self._store.async_save(self._data())

    @property
    def remembered(self) -> int:
        """Return how many handled events are remembered against redelivery."""
        return len(self._handled)

    def _data(self) -> _Stored:
        return {"handled": list(self._handled)}

    async def run(self) -> None:
        """Poll until cancelled, or until a problem only the user can fix."""
        while True:
            try:
                # Opening the client gets the credentials (a role's first
                # AssumeRole): it fails like a poll does.
                async with self._queue.opened():
                    await self._poll()
            except _FATAL as err:
                self._stop(err)
            except AwsSmsError as err:
                self._set_connected(connected=False)
                await asyncio.sleep(self._backoff(err))
                continue
            return

    def _stop(self, err: AwsSmsError) -> None:
        self._set_connected(connected=False)
        LOGGER.warning("Stopped reading the event queue: %s", err)
        self._on_fatal(err)

    async def _poll(self) -> None:
        while True:
            try:
                self.counts.polls += 1
                messages = await self._queue.receive()
                self.counts.received += len(messages)
                self._failures = 0
                self._set_connected(connected=True)
                # Deleting can fail like receiving: the same handling below.
                await self._handle(messages)
            except _FATAL as err:
                self._stop(err)
                return
            except AwsSmsError as err:
                self._set_connected(connected=False)
                await asyncio.sleep(self._backoff(err))

    def _backoff(self, err: AwsSmsError) -> float:
        self._failures += 1
        self.counts.poll_failures += 1
        delay = min(BACKOFF_FIRST * 2.0 ** (self._failures - 1), BACKOFF_MAX)
        delay *= 0.5 + random.random() / 2  # noqa: S311 - jitter, not crypto
        if self._failures == 1:
            LOGGER.info("Cannot read the event queue (%s); retrying", err)
        return delay

    def _set_connected(self, *, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._on_connected(connected)

    async def _handle(self, messages: list[QueueMessage]) -> None:
        parsed: list[tuple[datetime, ParsedEvent, QueueMessage]] = []
        for message in messages:
            try:
                event = parse_message(message.body)
            except EventParseError as err:
                # The reason only: a body may hold a number or a reply.
                LOGGER.warning(
                    "Deleted queue message %s that is not an AWS event: %s",
                    message.message_id,
                    err,
                )
                self.counts.unreadable += 1
                await self._queue.delete(message)
                continue
            parsed.append((event.timestamp or EPOCH, event, message))
        for _, event, message in sorted(parsed, key=lambda item: item[0]):
            key = dedup_key(event)
            if key not in self._handled:
                self._remember(key)
                self.counts.handed_on += 1
                self._on_event(event)
            else:
                self.counts.duplicates += 1
            await self._queue.delete(message)

    def _remember(self, key: str) -> None:
        self._handled[key] = None
        while len(self._handled) > REMEMBERED:
            self._handled.popitem(last=False)
        self._store.async_delay_save(self._data, SAVE_DELAY)
