"""What AWS sends back, as Home Assistant events: delivery status and replies.

The entry's queue listener hands each event over once; this module fires
``aws_eum_x_delivery_status`` (texts, pictures), ``aws_eum_x_call_status``
and ``aws_eum_x_message_received`` (numbers
masked where they are not the user's own), remembers recent final statuses
for sends that wait for delivery, counts today's delivered and failed
messages, hands events to the entities that show them, raises a repair issue
when a recipient opts out (cleared when they opt in again), and reports what
stops the listener: an invalid key starts re-authentication, a missing or
forbidden queue raises a repair issue.
"""

import asyncio
from collections import OrderedDict
import contextlib
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from .aws_errors import AwsAccessDeniedError, AwsAuthError, AwsSmsError
from .compliance import blocks_messages
from .const import DOMAIN, ISSUE_OPTED_OUT, ISSUE_QUEUE_UNAVAILABLE, LOGGER
from .events import (
    MESSAGE_CHANNELS,
    DeliveryEvent,
    InboundMessage,
    ParsedEvent,
    is_failure,
    is_opt_in,
    is_opt_out,
    is_success,
    message_keyword,
)
from .helpers import async_update_entry_issue
from .listener import QueueListener
from .phone import mask

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigEntry

    from .inventory import Inventory
    from .queue import QueueClient
    from .usage import DailyUsage

EVENT_DELIVERY_STATUS: Final = f"{DOMAIN}_delivery_status"
EVENT_MESSAGE_RECEIVED: Final = f"{DOMAIN}_message_received"
EVENT_CALL_STATUS: Final = f"{DOMAIN}_call_status"
# Final statuses kept for sends that start waiting after the event came.
RECENT_FINAL: Final = 500


class Recipient(NamedTuple):
    """A recipient subentry, found by its phone number."""

    subentry_id: str
    name: str


class EventReceiver:
    """Runs an entry's listener and turns its events into Home Assistant's."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        queue: QueueClient,
        recipients: Callable[[], dict[str, Recipient]],
        usage: DailyUsage,
        *,
        inventory: Callable[[], Inventory | None] = lambda: None,
    ) -> None:
        """Listen to ``queue``; ``recipients`` maps numbers to recipients.

        ``inventory``: the entry's latest inventory, to name the likely cause
        of a blocked message.
        """
        self._hass = hass
        self._entry = entry
        self._recipients = recipients
        self._usage = usage
        self._inventory = inventory
        self.listener = QueueListener(
            hass,
            entry.entry_id,
            queue,
            on_event=self._on_event,
            on_connected=self._on_connected,
            on_fatal=self._on_fatal,
        )
        self._task: asyncio.Task[None] | None = None
        self._final: OrderedDict[str, str] = OrderedDict()
        self._waiters: dict[str, list[asyncio.Future[str]]] = {}
        self._status_listeners: list[Callable[[], None]] = []
        self._delivery_listeners: list[Callable[[DeliveryEvent], None]] = []
        self._inbound_listeners: list[
            Callable[[InboundMessage, Recipient | None], None]
        ] = []

    @property
    def connected(self) -> bool | None:
        """Whether the last poll of the queue worked (None: not yet known)."""
        return self.listener.connected

    async def async_start(self) -> None:
        """Load what was handled before, and start polling in the background."""
        await self.listener.async_load()
        self._task = self._entry.async_create_background_task(
            self._hass, self.listener.run(), f"{DOMAIN} queue listener"
        )

    async def async_stop(self) -> None:
        """Stop polling; remember what was handled."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.listener.async_save()

    @callback
    def async_add_status_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when the connection state changes."""
        return _subscribe(self._status_listeners, listener)

    @callback
    def async_add_delivery_listener(
        self, listener: Callable[[DeliveryEvent], None]
    ) -> CALLBACK_TYPE:
        """Call ``listener`` with every delivery event, once."""
        return _subscribe(self._delivery_listeners, listener)

    @callback
    def async_add_inbound_listener(
        self, listener: Callable[[InboundMessage, Recipient | None], None]
    ) -> CALLBACK_TYPE:
        """Call ``listener`` with every received message and its sender, once."""
        return _subscribe(self._inbound_listeners, listener)

    async def async_wait_for_final(
        self, message_ids: Iterable[str], seconds: float
    ) -> dict[str, str]:
        """Return each message's final status, or "pending" after ``seconds``."""
        loop = asyncio.get_running_loop()
        futures: dict[str, asyncio.Future[str]] = {}
        for message_id in message_ids:
            future: asyncio.Future[str] = loop.create_future()
            if message_id in self._final:
                future.set_result(self._final[message_id])
            else:
                self._waiters.setdefault(message_id, []).append(future)
            futures[message_id] = future
        try:
            await asyncio.wait(futures.values(), timeout=seconds)
        finally:
            for message_id, future in futures.items():
                waiting = self._waiters.get(message_id, [])
                if future in waiting:
                    waiting.remove(future)
                if not waiting:
                    self._waiters.pop(message_id, None)
        return {
            message_id: future.result() if future.done() else "pending"
            for message_id, future in futures.items()
        }

    @callback
    def _on_event(self, event: ParsedEvent) -> None:
        if isinstance(event, DeliveryEvent):
            self._delivery(event)
        else:
            self._inbound(event)

    def _delivery(self, event: DeliveryEvent) -> None:
        # Calls have events of their own; texts and pictures share one.
        self._hass.bus.async_fire(
            EVENT_CALL_STATUS if event.channel == "voice" else EVENT_DELIVERY_STATUS,
            {
                "config_entry_id": self._entry.entry_id,
                "message_id": event.message_id,
                "status": event.status,
                "final": event.final,
                "description": self._description(event),
                "target": mask(event.destination) if event.destination else None,
                "context": dict(event.context),
                "price": event.price,
                "parts": event.parts,
            },
        )
        for listener in list(self._delivery_listeners):
            listener(event)
        if not event.final:
            return
        if event.channel in MESSAGE_CHANNELS and (
            is_success(event.status) or is_failure(event.status)
        ):
            self._usage.count_outcome(delivered=is_success(event.status))
        self._final[event.message_id] = event.status
        while len(self._final) > RECENT_FINAL:
            self._final.popitem(last=False)
        for future in self._waiters.pop(event.message_id, []):
            if not future.done():
                future.set_result(event.status)

    def _description(self, event: DeliveryEvent) -> str | None:
        """Return AWS's description; for a blocked message, the likely cause.

        Carriers block every message from a number whose registration is not
        complete: when the number it left from is one, say so.
        """
        if event.status != "blocked" or event.origination is None:
            return event.description
        inventory = self._inventory()
        identity = inventory.find_identity(event.origination) if inventory else None
        if identity is None or not blocks_messages(identity):
            return event.description
        registration = identity.registration
        status = registration.status if registration else identity.status
        cause = (
            f"Likely cause: the registration of {identity.origination_identity} "
            f"is {status.replace('_', ' ')}; "
            "carriers block its messages until it is complete."
        )
        return f"{event.description} {cause}" if event.description else cause

    def _inbound(self, message: InboundMessage) -> None:
        recipient = self._recipients().get(message.from_number)
        self._hass.bus.async_fire(
            EVENT_MESSAGE_RECEIVED,
            {
                "config_entry_id": self._entry.entry_id,
                "from": message.from_number,
                "to": message.to_number,
                "body": message.body,
                # AWS's matched keyword, else the reply's first word, upper
                # case: what an automation compares with ("STATUS").
                "keyword": message_keyword(message),
                "inbound_message_id": message.inbound_message_id,
                "reply_to_message_id": message.reply_to_message_id,
                "recipient": recipient.name if recipient else None,
            },
        )
        for listener in list(self._inbound_listeners):
            listener(message, recipient)
        if recipient is not None:
            self._track_opt_out(message, recipient)

    def _track_opt_out(self, message: InboundMessage, recipient: Recipient) -> None:
        """Raise the recipient's opt-out issue on STOP; clear it on START."""
        if is_opt_out(message):
            LOGGER.info("Recipient %s opted out", recipient.name)
            placeholders: dict[str, str] | None = {
                "recipient": recipient.name,
                "keyword": message_keyword(message) or "",
            }
        elif is_opt_in(message):
            placeholders = None
        else:
            return
        async_update_entry_issue(
            self._hass,
            self._entry,
            ISSUE_OPTED_OUT,
            placeholders,
            fixable=True,
            subject=recipient.subentry_id,
        )

    @callback
    def _on_connected(self, connected: bool) -> None:
        if connected:
            async_update_entry_issue(
                self._hass, self._entry, ISSUE_QUEUE_UNAVAILABLE, None
            )
        for listener in list(self._status_listeners):
            listener()

    @callback
    def _on_fatal(self, err: AwsSmsError) -> None:
        if isinstance(err, AwsAuthError):
            self._entry.async_start_reauth(self._hass)
            return
        placeholders: dict[str, Any] = {"error": str(err)}
        if isinstance(err, AwsAccessDeniedError):
            placeholders["error"] = f"the key may not call {err.action}"
        async_update_entry_issue(
            self._hass, self._entry, ISSUE_QUEUE_UNAVAILABLE, placeholders
        )


def _subscribe[T](listeners: list[T], listener: T) -> CALLBACK_TYPE:
    """Add ``listener`` to ``listeners``; return what removes it."""
    listeners.append(listener)
    return lambda: listeners.remove(listener)
