"""The outbox in Home Assistant: kept on disk, sent in order once AWS answers.

The sender hands over the messages AWS certainly did not receive; they are
saved (Home Assistant's Store writes atomically) before the action returns.
While AWS cannot be reached a cheap probe (DescribePhoneNumbers, one item)
runs with backoff, at most every 5 minutes; any successful request of the
entry wakes it at once. Then the messages go in the order they were queued,
through the same pipeline as any send: rate limits, the daily caps (checked
again: a message the cap now refuses is dropped, never sent over it) and the
entry's credentials. A message whose time is up, or a call past its own time
to live, is dropped with an event and a warning.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal
import uuid

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .aws_errors import (
    AwsConnectionError,
    AwsMaybeSentError,
    AwsNotSentError,
    AwsSmsError,
    AwsThrottledError,
)
from .const import DOMAIN, ISSUE_DAILY_CALL_CAP, ISSUE_DAILY_CAP, LOGGER
from .outbox import DropReason, QueuedKind, QueuedMessage, oldest, probe_delay, without
from .phone import mask

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

EVENT_MESSAGE_QUEUED: Final = f"{DOMAIN}_message_queued"
EVENT_MESSAGE_EXPIRED: Final = f"{DOMAIN}_message_expired"
STORAGE_VERSION: Final = 1

# Sends one queued message through the sender's pipeline (sender.py).
QueuedSend = Callable[[QueuedMessage], Awaitable[Any]]
# One cheap request to AWS; raises AwsSmsError.
Probe = Callable[[], Awaitable[None]]
_Outcome = Literal["sent", "not_sent", "dropped"]


def outbox_storage_key(entry_id: str) -> str:
    """Return where an entry's outbox is stored (kept on unload, removed with it)."""
    return f"{DOMAIN}.{entry_id}.outbox"


def not_sent(err: BaseException) -> bool:
    """Whether AWS certainly did not process the request that raised ``err``.

    The sender raises Home Assistant's errors from the AWS error: its cause.
    """
    cause = err if isinstance(err, AwsSmsError) else err.__cause__
    return isinstance(cause, (AwsNotSentError, AwsThrottledError))


class Outbox:
    """One entry's unsent messages, and the task that sends them."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Keep ``entry``'s outbox; :meth:`async_start` sends it."""
        self._hass = hass
        self._entry = entry
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, outbox_storage_key(entry.entry_id)
        )
        self._messages: list[QueuedMessage] = []
        self._listeners: list[CALLBACK_TYPE] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._send: QueuedSend | None = None
        self._probe: Probe | None = None
        # Since the entry was loaded: dropped messages (a diagnostic count).
        self.dropped = 0
        self.probes = 0

    async def async_load(self) -> None:
        """Read what was queued before Home Assistant stopped."""
        stored = await self._store.async_load() or {}
        self._messages = [
            QueuedMessage.from_dict(m) for m in stored.get("messages", ())
        ]

    @callback
    def async_start(self, send: QueuedSend, probe: Probe) -> CALLBACK_TYPE:
        """Send what is queued, now and whenever more is; return the stop."""
        self._send = send
        self._probe = probe
        self._kick(reachable=True)

        @callback
        def stop() -> None:
            if self._task is not None:
                self._task.cancel()
                self._task = None

        return stop

    @property
    def messages(self) -> list[QueuedMessage]:
        """Return the queued messages, oldest first."""
        return sorted(self._messages, key=lambda m: m.queued_at)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the outbox changes."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    def new_message(
        self,
        *,
        kind: QueuedKind,
        target: str,
        body: str | None,
        options: dict[str, Any],
        keep_for: timedelta,
        time_to_live: int | None = None,
        media_url: str | None = None,
        ssml: bool = False,
        voice: str | None = None,
    ) -> QueuedMessage:
        """Return a message to queue now (not queued yet: see async_queue)."""
        now = dt_util.utcnow()
        return QueuedMessage(
            queued_id=uuid.uuid4().hex,
            kind=kind,
            target=target,
            body=body,
            media_url=media_url,
            options=options,
            ssml=ssml,
            voice=voice,
            queued_at=now,
            expires=now + keep_for,
            call_deadline=now + timedelta(seconds=time_to_live)
            if kind == "call" and time_to_live
            else None,
        )

    async def async_queue(self, messages: list[QueuedMessage]) -> None:
        """Keep ``messages``: saved before returning, then sent when possible."""
        self._messages += messages
        await self._async_save()
        for message in messages:
            LOGGER.warning(
                "AWS could not be reached: the %s to %s is queued until %s",
                message.kind,
                mask(message.target),
                message.expires.isoformat(timespec="seconds"),
            )
            self._hass.bus.async_fire(
                EVENT_MESSAGE_QUEUED,
                {
                    "config_entry_id": self._entry.entry_id,
                    "queued_id": message.queued_id,
                    "kind": message.kind,
                    "target": mask(message.target),
                    "queued_until": message.expires.isoformat(),
                },
            )
        self._kick(reachable=False)

    @callback
    def wake(self) -> None:
        """AWS answered a request: try the outbox now, not at the next probe."""
        if self._messages:
            self._wake.set()

    async def async_clear(self) -> int:
        """Drop every queued message; return how many there were."""
        count = len(self._messages)
        self._messages = []
        await self._async_save()
        return count

    @callback
    def _kick(self, *, reachable: bool) -> None:
        """Start the sending task if it is not running and there is work."""
        if self._send is None or not self._messages:
            return
        if self._task is None or self._task.done():
            self._task = self._entry.async_create_background_task(
                self._hass, self._async_run(reachable=reachable), "aws_eum_x outbox"
            )

    async def _async_run(self, *, reachable: bool) -> None:
        """Send the queue in order; probe with backoff while AWS is away."""
        failures = 0 if reachable else 1
        while self._messages:
            if failures:
                await self._async_pause(probe_delay(failures))
                if not await self._async_reachable():
                    failures += 1
                    continue
                failures = 0
            message = oldest(self._messages)
            assert message is not None  # noqa: S101 - the loop's condition
            if await self._async_send_one(message) == "not_sent":
                failures = 1

    async def _async_pause(self, seconds: float) -> None:
        """Wait ``seconds``, or until another request of the entry succeeded."""
        self._wake.clear()
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass

    async def _async_reachable(self) -> bool:
        """Ask AWS one cheap question: any answer means it can be reached."""
        assert self._probe is not None  # noqa: S101 - set by async_start
        self.probes += 1
        try:
            await self._probe()
        except AwsConnectionError:
            return False
        except AwsSmsError:
            return True  # a refusal is an answer: AWS is there
        return True

    async def _async_send_one(self, message: QueuedMessage) -> _Outcome:
        """Send, keep or drop one message; return which."""
        assert self._send is not None  # noqa: S101 - set by async_start
        if (reason := message.drop_reason(dt_util.utcnow())) is not None:
            await self._async_drop(message, reason)
            return "dropped"
        try:
            await self._send(message)
        except ServiceValidationError as err:
            reason_of: DropReason = (
                "daily_cap" if err.translation_key in _CAP_KEYS else "refused"
            )
            await self._async_drop(message, reason_of, err)
            return "dropped"
        except (HomeAssistantError, AwsSmsError) as err:
            if not_sent(err):
                return "not_sent"
            lost = isinstance(err.__cause__, AwsMaybeSentError)
            await self._async_drop(message, "maybe_sent" if lost else "refused", err)
            return "dropped"
        self._messages = without(self._messages, message.queued_id)
        await self._async_save()
        return "sent"

    async def _async_drop(
        self,
        message: QueuedMessage,
        reason: DropReason,
        err: BaseException | None = None,
    ) -> None:
        self._messages = without(self._messages, message.queued_id)
        self.dropped += 1
        await self._async_save()
        LOGGER.warning(
            "The queued %s to %s was dropped (%s)%s",
            message.kind,
            mask(message.target),
            reason,
            f": {err}" if err else "",
        )
        self._hass.bus.async_fire(
            EVENT_MESSAGE_EXPIRED,
            {
                "config_entry_id": self._entry.entry_id,
                "queued_id": message.queued_id,
                "kind": message.kind,
                "target": mask(message.target),
                "reason": reason,
                "queued_for": round(message.queued_for(dt_util.utcnow())),
            },
        )

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"messages": [m.as_dict() for m in self._messages]}
        )
        for listener in list(self._listeners):
            listener()


# The daily caps' refusals (sender.py): a message they refuse now is dropped.
_CAP_KEYS: Final = frozenset({ISSUE_DAILY_CAP, ISSUE_DAILY_CALL_CAP})
