"""Binary sensors: whether an identity can receive replies (two-way SMS)."""

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory

from .entity import IdentityEntity, add_entities_as_they_appear

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .inventory import Inventory
    from .models import AwsSmsConfigEntry

# Coordinator entities: the coordinator serialises updates.
PARALLEL_UPDATES = 0

TWO_WAY = BinarySensorEntityDescription(
    key="two_way",
    translation_key="two_way",
    entity_category=EntityCategory.DIAGNOSTIC,
)


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
    """Add a two-way sensor for each phone number and pool."""

    def candidates(inventory: Inventory) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for identity in inventory.identities.values():
            if identity.two_way_enabled is not None:
                yield (
                    identity.key,
                    partial(TwoWaySensor, entry, TWO_WAY, identity),
                )

    add_entities_as_they_appear(entry, async_add_entities, candidates)
