"""Base entities and device descriptions."""

from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_REGION, DOMAIN
from .coordinator import InventoryCoordinator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.helpers.entity import Entity, EntityDescription
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import AwsSmsConfigEntry
    from .inventory import Inventory, OriginIdentity

MANUFACTURER = "Amazon Web Services"


def service_device_info(entry: AwsSmsConfigEntry) -> DeviceInfo:
    """Return the service device of a config entry."""
    region = entry.data[CONF_REGION]
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model="End User Messaging SMS",
        model_id=region,
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=(
            f"https://{region}.console.aws.amazon.com/sms-voice/home?region={region}"
        ),
    )


def identity_device_info(
    entry: AwsSmsConfigEntry, identity: OriginIdentity
) -> DeviceInfo:
    """Return the device of one origination identity."""
    return DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{identity.key}")},
        name=identity.name,
        manufacturer=MANUFACTURER,
        model=identity.model,
        serial_number=identity.arn,
        entry_type=DeviceEntryType.SERVICE,
        via_device_id=entry.runtime_data.service_device_id,
    )


def recipient_device_info(
    entry: AwsSmsConfigEntry, subentry: ConfigSubentry
) -> DeviceInfo:
    """Return the device of a recipient subentry."""
    return DeviceInfo(
        identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
        name=subentry.title,
        manufacturer=MANUFACTURER,
        model="SMS recipient",
        entry_type=DeviceEntryType.SERVICE,
        via_device_id=entry.runtime_data.service_device_id,
    )


class AwsSmsEntity(CoordinatorEntity[InventoryCoordinator]):
    """An entity of the service device."""

    _attr_has_entity_name = True

    def __init__(
        self, entry: AwsSmsConfigEntry, description: EntityDescription
    ) -> None:
        """Describe the entity and attach it to the service device."""
        super().__init__(entry.runtime_data.coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = service_device_info(entry)


class IdentityEntity(CoordinatorEntity[InventoryCoordinator]):
    """An entity of one origination identity's device."""

    _attr_has_entity_name = True

    def __init__(
        self,
        entry: AwsSmsConfigEntry,
        description: EntityDescription,
        identity: OriginIdentity,
    ) -> None:
        """Describe the entity and attach it to the identity's device."""
        super().__init__(entry.runtime_data.coordinator)
        self.entity_description = description
        self.identity_key = identity.key
        self._attr_unique_id = f"{entry.entry_id}_{identity.key}_{description.key}"
        self._attr_device_info = identity_device_info(entry, identity)

    @property
    def identity(self) -> OriginIdentity | None:
        """Return the identity as of the last refresh (None once released)."""
        return self.coordinator.data.identities.get(self.identity_key)

    @property
    def available(self) -> bool:
        """Unavailable when the refresh failed or AWS no longer lists it."""
        return super().available and self.identity is not None


def add_entities_as_they_appear(
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    candidates: Callable[[Inventory], Iterable[tuple[str, Callable[[], Entity]]]],
) -> None:
    """Add entities now and after every refresh that brings new ones.

    ``candidates`` lists (unique key, factory) for what the inventory has; an
    entity is built once, the first time its key shows up (a number leased
    in AWS, or an optional permission granted).
    """
    coordinator = entry.runtime_data.coordinator
    known: set[str] = set()

    @callback
    def add_new() -> None:
        new = [
            (key, factory)
            for key, factory in candidates(coordinator.data)
            if key not in known
        ]
        if new:
            known.update(key for key, _ in new)
            async_add_entities(factory() for _, factory in new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
