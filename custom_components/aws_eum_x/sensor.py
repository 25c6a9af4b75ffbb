"""Sensors: the account's inventory, tier and spend limit, and each identity."""

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory

from .entity import (
    AwsSmsEntity,
    IdentityEntity,
    add_entities_as_they_appear,
    service_device_info,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .inventory import Inventory, OriginIdentity
    from .models import AwsSmsConfigEntry
    from .usage import DailyUsage

# Coordinator entities: the coordinator serialises updates.
PARALLEL_UPDATES = 0

USD = "USD"
ACCOUNT_TIERS = ["sandbox", "production"]
IDENTITY_STATUSES = [
    # Phone numbers
    "pending",
    "active",
    "associating",
    "disassociating",
    "deleted",
    # Pools
    "creating",
    "deleting",
    # Sender IDs
    "registered",
    "unregistered",
]


@dataclass(frozen=True, kw_only=True)
class AccountSensorDescription(SensorEntityDescription):
    """A sensor of the service device."""

    value_fn: Callable[[Inventory], StateType]
    exists_fn: Callable[[Inventory], bool] = lambda _: True
    attributes_fn: Callable[[Inventory], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class IdentitySensorDescription(SensorEntityDescription):
    """A sensor of an origination identity's device."""

    value_fn: Callable[[OriginIdentity], StateType]
    exists_fn: Callable[[OriginIdentity], bool] = lambda _: True


def _phone_numbers(inventory: Inventory) -> dict[str, Any]:
    return {
        "phone_numbers": [
            {
                "phone_number": n.phone_number,
                "phone_number_id": n.phone_number_id,
                "number_type": n.number_type,
                "status": n.status,
                "iso_country_code": n.iso_country_code,
                "capabilities": list(n.capabilities),
            }
            for n in inventory.phone_numbers
        ]
    }


def _sender_ids(inventory: Inventory) -> dict[str, Any]:
    return {
        "sender_ids": [
            {
                "sender_id": s.sender_id,
                "iso_country_code": s.iso_country_code,
                "registered": s.registered,
                "message_types": list(s.message_types),
            }
            for s in inventory.sender_ids
        ]
    }


ACCOUNT_SENSORS: tuple[AccountSensorDescription, ...] = (
    AccountSensorDescription(
        key="phone_numbers",
        translation_key="phone_numbers",
        value_fn=lambda inv: len(inv.phone_numbers),
        attributes_fn=_phone_numbers,
    ),
    AccountSensorDescription(
        key="sender_ids",
        translation_key="sender_ids",
        value_fn=lambda inv: len(inv.sender_ids),
        attributes_fn=_sender_ids,
    ),
    AccountSensorDescription(
        key="account_tier",
        translation_key="account_tier",
        device_class=SensorDeviceClass.ENUM,
        options=ACCOUNT_TIERS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda inv: inv.account_tier.lower() if inv.account_tier else None,
        exists_fn=lambda inv: inv.account_tier is not None,
    ),
    AccountSensorDescription(
        key="text_spend_limit",
        translation_key="text_spend_limit",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=USD,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda inv: (
            inv.text_spend_limit.enforced_limit if inv.text_spend_limit else None
        ),
        exists_fn=lambda inv: inv.text_spend_limit is not None,
    ),
)

IDENTITY_SENSORS: tuple[IdentitySensorDescription, ...] = (
    IdentitySensorDescription(
        key="status",
        translation_key="identity_status",
        device_class=SensorDeviceClass.ENUM,
        options=IDENTITY_STATUSES,
        value_fn=lambda identity: identity.status,
    ),
    IdentitySensorDescription(
        key="monthly_leasing_price",
        translation_key="monthly_leasing_price",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=USD,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        # A fixed price: useful once, not worth a place on every dashboard.
        entity_registry_enabled_default=False,
        value_fn=lambda identity: identity.monthly_leasing_price,
        exists_fn=lambda identity: identity.monthly_leasing_price is not None,
    ),
)


class AccountSensor(AwsSmsEntity, SensorEntity):
    """A sensor of the account."""

    entity_description: AccountSensorDescription
    # The lists are long and their history says nothing the count does not.
    _unrecorded_attributes = frozenset({"phone_numbers", "sender_ids"})

    @property
    def native_value(self) -> StateType:
        """Return the value from the last refresh."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """List the items counted, where the sensor counts items."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data)


class IdentitySensor(IdentityEntity, SensorEntity):
    """A sensor of one origination identity."""

    entity_description: IdentitySensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the last refresh."""
        identity = self.identity
        return self.entity_description.value_fn(identity) if identity else None


@dataclass(frozen=True, kw_only=True)
class UsageSensorDescription(SensorEntityDescription):
    """A count of today's sending."""

    value_fn: Callable[[DailyUsage], int]
    attributes_fn: Callable[[DailyUsage], dict[str, Any]] | None = None


USAGE_SENSORS: tuple[UsageSensorDescription, ...] = (
    UsageSensorDescription(
        key="segments_today",
        translation_key="segments_today",
        # Counts up during the day and starts again at midnight.
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.segments,
        # Segments of messages whose answer was lost: counted, as AWS may
        # have sent (and billed) them.
        attributes_fn=lambda usage: {"maybe_sent": usage.maybe_sent},
    ),
    UsageSensorDescription(
        key="failed_today",
        translation_key="failed_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.failed,
    ),
)


class UsageSensor(SensorEntity):
    """Segments sent or messages failed today (kept across restarts)."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: UsageSensorDescription

    def __init__(
        self, entry: AwsSmsConfigEntry, description: UsageSensorDescription
    ) -> None:
        """Count for ``entry``."""
        self.entity_description = description
        self._usage = entry.runtime_data.usage
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Update whenever the counts change."""
        self.async_on_remove(self._usage.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """Return today's count."""
        return self.entity_description.value_fn(self._usage)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Say how many of today's segments may have been sent."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self._usage)


def _candidates(
    entry: AwsSmsConfigEntry,
) -> Callable[[Inventory], Iterable[tuple[str, Callable[[], Entity]]]]:
    def candidates(inventory: Inventory) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for account_description in ACCOUNT_SENSORS:
            if account_description.exists_fn(inventory):
                yield (
                    account_description.key,
                    partial(AccountSensor, entry, account_description),
                )
        for identity in inventory.identities.values():
            for description in IDENTITY_SENSORS:
                if description.exists_fn(identity):
                    yield (
                        f"{identity.key}_{description.key}",
                        partial(IdentitySensor, entry, description, identity),
                    )

    return candidates


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors, and those of identities that appear later."""
    async_add_entities(UsageSensor(entry, description) for description in USAGE_SENSORS)
    add_entities_as_they_appear(entry, async_add_entities, _candidates(entry))
