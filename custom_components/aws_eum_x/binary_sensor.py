"""Binary sensors: two-way messaging, the event queue's link, sandbox verification."""

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_PHONE_NUMBER, SUBENTRY_RECIPIENT
from .coordinator import InventoryCoordinator
from .entity import (
    IdentityEntity,
    add_entities_as_they_appear,
    recipient_device_info,
    service_device_info,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import AwsSmsConfigEntry
    from .inventory import Inventory
    from .receiver import EventReceiver

# Coordinator entities: the coordinator serialises updates.
PARALLEL_UPDATES = 0

TWO_WAY = BinarySensorEntityDescription(
    key="two_way",
    translation_key="two_way",
    entity_category=EntityCategory.DIAGNOSTIC,
)


RECEIVING = BinarySensorEntityDescription(
    key="receiving",
    translation_key="receiving",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


class ReceivingSensor(BinarySensorEntity):
    """On while the entry reads its event queue (delivery events, replies)."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description = RECEIVING

    def __init__(self, entry: AwsSmsConfigEntry, receiver: EventReceiver) -> None:
        """Report ``receiver``'s connection."""
        self._receiver = receiver
        self._attr_unique_id = f"{entry.entry_id}_{RECEIVING.key}"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Update when the connection changes."""
        self.async_on_remove(
            self._receiver.async_add_status_listener(self.async_write_ha_state)
        )

    @property
    def is_on(self) -> bool | None:
        """Return whether the last poll of the queue worked."""
        return self._receiver.connected


VERIFIED = BinarySensorEntityDescription(
    key="verified",
    translation_key="verified",
)


class VerifiedSensor(CoordinatorEntity[InventoryCoordinator], BinarySensorEntity):
    """SMS sandbox: on when AWS lets the account text the recipient's number."""

    _attr_has_entity_name = True
    entity_description = VERIFIED

    def __init__(self, entry: AwsSmsConfigEntry, subentry: ConfigSubentry) -> None:
        """Follow whether ``subentry``'s number is a verified destination."""
        super().__init__(entry.runtime_data.coordinator)
        self._number: str = subentry.data[CONF_PHONE_NUMBER]
        self._attr_unique_id = f"{entry.entry_id}_{subentry.subentry_id}_{VERIFIED.key}"
        self._attr_device_info = recipient_device_info(entry, subentry)

    @property
    def is_on(self) -> bool | None:
        """Return whether the number is verified (None: not readable)."""
        verified = self.coordinator.data.verified_destinations
        return self._number in verified if verified is not None else None


class TwoWaySensor(IdentityEntity, BinarySensorEntity):
    """On when the identity has two-way messaging enabled."""

    @property
    def is_on(self) -> bool | None:
        """Return the flag from the last refresh."""
        identity = self.identity
        return identity.two_way_enabled if identity else None


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a two-way sensor for each phone number and pool, and the queue's."""
    if entry.runtime_data.receiver is not None:
        async_add_entities([ReceivingSensor(entry, entry.runtime_data.receiver)])
    # In production every number may be texted: the sensor shows only in the
    # sandbox, where a number must be verified first.
    if entry.runtime_data.coordinator.data.in_sandbox:
        for subentry in entry.subentries.values():
            if subentry.subentry_type == SUBENTRY_RECIPIENT:
                async_add_entities(
                    [VerifiedSensor(entry, subentry)],
                    config_subentry_id=subentry.subentry_id,
                )

    def candidates(inventory: Inventory) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for identity in inventory.identities.values():
            if identity.two_way_enabled is not None:
                yield (
                    identity.key,
                    partial(TwoWaySensor, entry, TWO_WAY, identity),
                )

    add_entities_as_they_appear(entry, async_add_entities, candidates)
