"""Event entities: "Received message" for each number that receives replies."""

from functools import partial
from typing import TYPE_CHECKING, Final

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from .entity import IdentityEntity, add_entities_as_they_appear
from .events import is_opt_in, is_opt_out, message_keyword

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import AwsSmsConfigEntry
    from .events import InboundMessage
    from .inventory import Inventory, OriginIdentity
    from .receiver import EventReceiver, Recipient

# Entities only react to the queue listener; nothing to poll or serialise.
PARALLEL_UPDATES = 0

EVENT_RECEIVED: Final = "received"
EVENT_OPTED_OUT: Final = "opted_out"
EVENT_OPTED_IN: Final = "opted_in"

RECEIVED_MESSAGE = EventEntityDescription(
    key="received_message",
    translation_key="received_message",
    event_types=[EVENT_RECEIVED, EVENT_OPTED_OUT, EVENT_OPTED_IN],
)


def event_type_of(message: InboundMessage) -> str:
    """Return which kind of received message this is for automations."""
    if is_opt_out(message):
        return EVENT_OPTED_OUT
    if is_opt_in(message):
        return EVENT_OPTED_IN
    return EVENT_RECEIVED


class ReceivedMessageEvent(IdentityEntity, EventEntity):
    """Fires for each SMS received on one of the account's phone numbers."""

    entity_description: EventEntityDescription

    def __init__(
        self,
        entry: AwsSmsConfigEntry,
        receiver: EventReceiver,
        identity: OriginIdentity,
    ) -> None:
        """Listen for the messages ``receiver`` hands over for ``identity``."""
        super().__init__(entry, RECEIVED_MESSAGE, identity)
        self._receiver = receiver
        self._number = identity.origination_identity

    async def async_added_to_hass(self) -> None:
        """Start listening for received messages."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._receiver.async_add_inbound_listener(self._async_received)
        )

    @callback
    def _async_received(
        self, message: InboundMessage, recipient: Recipient | None
    ) -> None:
        if message.to_number != self._number:
            return
        self._trigger_event(
            event_type_of(message),
            {
                "from": message.from_number,
                "body": message.body,
                "keyword": message_keyword(message),
                "recipient": recipient.name if recipient else None,
                "inbound_message_id": message.inbound_message_id,
                "reply_to_message_id": message.reply_to_message_id,
            },
        )
        self.async_write_ha_state()


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a received-message event for each number that receives replies."""
    receiver = entry.runtime_data.receiver
    if receiver is None:
        # Without an event queue nothing is ever received.
        return

    def candidates(inventory: Inventory) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for identity in inventory.identities.values():
            if identity.receives_messages:
                yield (
                    identity.key,
                    partial(ReceivedMessageEvent, entry, receiver, identity),
                )

    add_entities_as_they_appear(entry, async_add_entities, candidates)
