"""Notify: a legacy ``notify.<entry>`` service and one entity per recipient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import (
    ATTR_DATA,
    ATTR_TARGET,
    ATTR_TITLE,
    NotifyEntityFeature,
)
from homeassistant.components.notify.legacy import BaseNotificationService
from homeassistant.const import CONF_NAME
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
import probatio

from .const import CONF_PHONE_NUMBER, DOMAIN, SUBENTRY_RECIPIENT
from .entity import MANUFACTURER
from .phone import mask
from .sender import send_options
from .services import SEND_OPTIONS_SCHEMA, loaded_entry

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

    from .coordinator import AwsSmsConfigEntry

# Sends are rate-limited by the sender, not by entity updates.
PARALLEL_UPDATES = 0
ATTR_ENTRY_ID = "entry_id"
DATA_SCHEMA = probatio.Schema(SEND_OPTIONS_SCHEMA)


class AwsSmsNotificationService(BaseNotificationService):
    """``notify.<entry title>``: message, title, target(s) and data."""

    def __init__(self, entry_id: str) -> None:
        """Send through the config entry ``entry_id``."""
        self.entry_id = entry_id

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:  # noqa: ANN401
        """Send ``message`` to the targets of the call."""
        entry = loaded_entry(self.hass, self.entry_id)
        try:
            data = DATA_SCHEMA(kwargs.get(ATTR_DATA) or {})
        except probatio.Invalid as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_data",
                translation_placeholders={"error": str(err)},
            ) from err
        await entry.runtime_data.sender.async_send(
            kwargs.get(ATTR_TARGET) or [],
            message,
            title=kwargs.get(ATTR_TITLE),
            options=send_options(entry.options, data),
        )


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> AwsSmsNotificationService | None:
    """Return the legacy service of the entry named in ``discovery_info``."""
    if discovery_info is None:
        return None
    return AwsSmsNotificationService(discovery_info[ATTR_ENTRY_ID])


def legacy_discovery_info(entry: AwsSmsConfigEntry) -> dict[str, str]:
    """Return what loads the legacy service: its name is the entry title."""
    return {CONF_NAME: entry.title, ATTR_ENTRY_ID: entry.entry_id}


class RecipientNotifyEntity(NotifyEntity):
    """A recipient: ``notify.send_message`` texts their number."""

    _attr_has_entity_name = True
    _attr_name = None
    _attr_supported_features = NotifyEntityFeature.TITLE
    _attr_translation_key = "recipient"

    def __init__(self, entry: AwsSmsConfigEntry, subentry: ConfigSubentry) -> None:
        """Text the number of ``subentry``."""
        self._entry = entry
        self.phone_number: str = subentry.data[CONF_PHONE_NUMBER]
        self._attr_unique_id = f"{entry.entry_id}_{subentry.subentry_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
            name=subentry.title,
            manufacturer=MANUFACTURER,
            model="SMS recipient",
            entry_type=DeviceEntryType.SERVICE,
            via_device_id=entry.runtime_data.service_device_id,
        )
        self._attr_extra_state_attributes = {"phone_number": mask(self.phone_number)}

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send ``message`` with the entry's default options."""
        await self._entry.runtime_data.sender.async_send(
            [self.phone_number],
            message,
            title=title,
            options=send_options(self._entry.options, {}),
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for each recipient subentry."""
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_RECIPIENT:
            async_add_entities(
                [RecipientNotifyEntity(entry, subentry)],
                config_subentry_id=subentry.subentry_id,
            )
