"""Notify: a legacy ``notify.<entry>`` service and one entity per recipient."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.notify import (
    ATTR_DATA,
    ATTR_TARGET,
    ATTR_TITLE,
    BaseNotificationService,
    NotifyEntity,
    NotifyEntityFeature,
)
from homeassistant.const import CONF_NAME
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.util.hass_dict import HassKey
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

    from .models import AwsSmsConfigEntry

# Sends are rate-limited by the sender, not by entity updates.
PARALLEL_UPDATES = 0
ATTR_ENTRY_ID = "entry_id"
DATA_SCHEMA = probatio.Schema(SEND_OPTIONS_SCHEMA)
# This integration's legacy services, by config entry ID.
_LEGACY_SERVICES: HassKey[dict[str, AwsSmsNotificationService]] = HassKey(
    f"{DOMAIN}_legacy_notify_services"
)
# Where the notify integration lists every legacy service it set up
# (homeassistant.components.notify.legacy.NOTIFY_SERVICES, not exported).
# HA offers no way to remove one service of a platform: async_reset_platform
# removes all of them, and also stops notify's platform discovery for every
# integration. tests/integration/test_notify.py checks this key and shape on
# the installed Home Assistant, so a change there fails the tests loudly.
_NOTIFY_SERVICES_KEY = "notify_services"


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
    service = AwsSmsNotificationService(discovery_info[ATTR_ENTRY_ID])
    hass.data.setdefault(_LEGACY_SERVICES, {})[service.entry_id] = service
    return service


async def async_unload_legacy_service(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the entry's ``notify.<title>`` service; leave other entries' alone."""
    service = hass.data.get(_LEGACY_SERVICES, {}).pop(entry_id, None)
    if service is None:
        return
    # Public API: removes the service from hass.services.
    await service.async_unregister_services()
    # The one workaround: notify would otherwise keep the unloaded service
    # object (and its entry) in its list for the life of the process.
    registered = hass.data.get(_NOTIFY_SERVICES_KEY, {}).get(DOMAIN, [])
    if service in registered:
        registered.remove(service)


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
