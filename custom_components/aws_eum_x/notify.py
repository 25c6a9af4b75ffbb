"""Notify: a legacy ``notify.<entry>`` service and one entity per recipient."""

import logging
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
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util.hass_dict import HassKey
import probatio

from .const import (
    CONF_CALL_CRITICAL,
    CONF_CONFIGURATION_SET,
    CONF_PHONE_NUMBER,
    DOMAIN,
    SUBENTRY_RECIPIENT,
)
from .entity import recipient_device_info
from .outgoing import call_options, message_body, normalise_targets, send_options
from .phone import mask
from .services import (
    ACKNOWLEDGEMENT_SCHEMA,
    ATTR_CONTEXT,
    ATTR_DRY_RUN,
    ATTR_TAG,
    RETRY_FOR_SCHEMA,
    SEND_OPTIONS_SCHEMA,
    acknowledgement_settings,
    async_text_with_acknowledgement,
    keep_unsent,
    loaded_entry,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

    from .coordinator import AwsSmsConfigEntry

# Sends are rate-limited by the sender, not by entity updates.
_LOGGER = logging.getLogger(__name__)

PARALLEL_UPDATES = 0
ATTR_ENTRY_ID = "entry_id"
ATTR_CALL = "call"
# ``data``: the message options, and ``call: true`` for a critical alert
# that also calls (see _async_call).
DATA_SCHEMA = probatio.Schema(
    {
        **SEND_OPTIONS_SCHEMA,
        **RETRY_FOR_SCHEMA,
        **ACKNOWLEDGEMENT_SCHEMA,
        probatio.Optional(ATTR_CALL, default=False): cv.boolean,
    }
)
# The text's options its call takes too. An identity, price limit, message
# type or time to live in ``data`` is the text's: an SMS identity cannot
# call, and a price per SMS part is no price per minute.
_CALL_DATA = (CONF_CONFIGURATION_SET, ATTR_CONTEXT, ATTR_DRY_RUN)
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
# Set once the missing list was reported, so one warning per run.
_NOTIFY_LIST_WARNED: HassKey[bool] = HassKey(f"{DOMAIN}_notify_list_warned")


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
        call = data.pop(ATTR_CALL)
        targets = kwargs.get(ATTR_TARGET) or []
        title = kwargs.get(ATTR_TITLE)
        sender = entry.runtime_data.sender
        settings = acknowledgement_settings(entry, data)
        options = send_options(entry.options, data)
        try:
            if settings is None:
                await sender.async_send(
                    targets,
                    message,
                    title=title,
                    options=options,
                    keep_unsent=keep_unsent(entry, data),
                )
            else:
                await async_text_with_acknowledgement(
                    self.hass,
                    entry,
                    targets,
                    message_body(message, title),
                    settings,
                    options=options,
                    tag=data.get(ATTR_TAG),
                    keep_for=keep_unsent(entry, data),
                )
        except HomeAssistantError:
            # A critical alert still calls when its text failed (blocked,
            # opted out): the call is what is meant to wake someone.
            if not call:
                raise
            await self._async_call(entry, targets, message, title, data)
            raise
        if call:
            await self._async_call(entry, targets, message, title, data)

    async def _async_call(
        self,
        entry: AwsSmsConfigEntry,
        targets: list[str],
        message: str,
        title: str | None,
        data: dict[str, Any],
    ) -> None:
        """Call the targets that want calls for critical alerts.

        A recipient is called when *Also call for critical alerts* is on; a
        number that is no recipient has no preference, and is called.
        """
        declined = {
            subentry.data[CONF_PHONE_NUMBER]
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_RECIPIENT
            and not subentry.data.get(CONF_CALL_CRITICAL, False)
        }
        callees = [
            number
            for number in normalise_targets(targets, self.hass.config.country)
            if number not in declined
        ]
        if not callees:
            return
        await entry.runtime_data.sender.async_call(
            callees,
            f"{title}. {message}" if title else message,
            options=call_options(
                entry.options, {k: v for k, v in data.items() if k in _CALL_DATA}
            ),
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
    registered = hass.data.get(_NOTIFY_SERVICES_KEY, {}).get(DOMAIN)
    if not isinstance(registered, list):
        # Home Assistant moved or reshaped its list: the service is
        # unregistered all the same, only its object stays in memory until
        # restart. Say so once instead of silently doing nothing.
        _warn_notify_list_missing(hass)
        return
    if service in registered:
        registered.remove(service)


def _warn_notify_list_missing(hass: HomeAssistant) -> None:
    """Log once per run that notify's list of legacy services was not found."""
    if hass.data.get(_NOTIFY_LIST_WARNED):
        return
    hass.data[_NOTIFY_LIST_WARNED] = True
    _LOGGER.warning(
        "Home Assistant's notify integration no longer lists its services under "
        "hass.data[%r]: an unloaded entry's notify service is unregistered, but "
        "its object is kept until Home Assistant restarts. Please report this "
        "with your Home Assistant version",
        _NOTIFY_SERVICES_KEY,
    )


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
        self._attr_device_info = recipient_device_info(entry, subentry)
        self._attr_extra_state_attributes = {"phone_number": mask(self.phone_number)}

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send ``message`` with the entry's default options."""
        await self._entry.runtime_data.sender.async_send(
            [self.phone_number],
            message,
            title=title,
            options=send_options(self._entry.options, {}),
            keep_unsent=keep_unsent(self._entry, {}),
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
