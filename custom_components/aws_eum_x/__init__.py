"""The AWS End User Messaging SMS integration."""

from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
)
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    discovery,
    issue_registry as ir,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .alerts import (
    STORAGE_VERSION as ALERTS_STORAGE_VERSION,
    AlertTracker,
    alerts_storage_key,
)
from .api import AwsConnection, SmsClient
from .aws_errors import (
    AwsAuthError,
    AwsConnectionError,
    AwsInvalidEndpointError,
    AwsSmsError,
    AwsThrottledError,
)
from .const import (
    AUTH_ACCESS_KEY,
    CONF_AUTH_METHOD,
    CONF_DAILY_SEGMENT_CAP,
    CONF_KEY_ADDED_AT,
    CONF_MEDIA_BUCKET,
    CONF_MEDIA_PREFIX,
    CONF_MESSAGE_TYPE,
    CONF_PHONE_NUMBER,
    CONF_QUEUE_URL,
    DEFAULT_MEDIA_PREFIX,
    DOMAIN,
    ISSUE_DAILY_CAP,
    ISSUE_OPTED_OUT,
    LOGGER,
    SUBENTRY_RECIPIENT,
)
from .coordinator import AwsSmsConfigEntry, AwsSmsRuntimeData, InventoryCoordinator
from .entity import service_device_info
from .helpers import async_connection, async_update_entry_issue, entry_issue_id
from .media import MediaStore
from .notify import async_unload_legacy_service, legacy_discovery_info
from .outbox_worker import (
    STORAGE_VERSION as OUTBOX_STORAGE_VERSION,
    Outbox,
    outbox_storage_key,
)
from .outgoing import send_options
from .queue import QueueClient, parse_queue_url
from .receiver import EventReceiver, Recipient
from .rotation import async_track_key_age
from .sender import SmsSender
from .services import async_setup_services
from .usage import DailyUsage

if TYPE_CHECKING:
    from homeassistant.helpers.typing import ConfigType

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> bool:
    """Open the AWS clients, fetch the inventory and set up the entities."""
    try:
        connection = await async_connection(hass, entry.data)
        client = await SmsClient.create(connection)
    except AwsSmsError as err:
        # Opening the clients resolves the credentials (a role's AssumeRole,
        # the default chain): any of their errors can come from here.
        raise _setup_error(err) from err

    coordinator = InventoryCoordinator(hass, entry, client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await client.close()
        raise

    usage = DailyUsage(hass, entry.entry_id)
    entry.async_on_unload(await usage.async_load())
    entry.async_on_unload(usage.async_on_new_day(lambda: _clear_cap_issue(hass, entry)))
    cap = int(entry.options.get(CONF_DAILY_SEGMENT_CAP, 0))
    if usage.headroom(cap) != 0:
        # A new day since the cap was reached, or a higher cap (or none).
        _clear_cap_issue(hass, entry)
    service_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **service_device_info(entry)
    )
    outbox = Outbox(hass, entry)
    await outbox.async_load()
    entry.runtime_data = AwsSmsRuntimeData(
        client=client,
        coordinator=coordinator,
        service_device_id=service_device.id,
        usage=usage,
        sender=SmsSender(
            hass,
            entry,
            client=client,
            usage=usage,
            inventory=lambda: coordinator.data,
        ),
        receiver=_receiver(hass, entry, connection, usage, coordinator),
        media=MediaStore(
            connection,
            entry.options.get(CONF_MEDIA_BUCKET),
            entry.options.get(CONF_MEDIA_PREFIX, DEFAULT_MEDIA_PREFIX),
        ),
        outbox=outbox,
    )
    entry.runtime_data.sender.outbox = outbox
    if (receiver := entry.runtime_data.receiver) is not None:
        sender = entry.runtime_data.sender
        tracker = AlertTracker(
            hass,
            entry,
            receiver,
            lambda number, text: sender.async_send(
                [number], text, options=send_options(entry.options, {})
            ),
        )
        entry.async_on_unload(await tracker.async_load())
        entry.runtime_data.alerts = tracker
    _remove_stale_issues(hass, entry)
    entry.async_on_unload(
        coordinator.async_add_listener(
            callback(lambda: _remove_stale_devices(hass, entry))
        )
    )
    _remove_stale_devices(hass, entry)
    entry.async_on_unload(async_track_key_age(hass, entry))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if entry.runtime_data.receiver is not None:
        await entry.runtime_data.receiver.async_start()
    # What could not be sent before (a restart, an outage) goes out now.
    entry.async_on_unload(
        outbox.async_start(entry.runtime_data.sender.async_send_queued, client.probe)
    )
    # The legacy notify.<entry title> service that automations call.
    await discovery.async_load_platform(
        hass, Platform.NOTIFY, DOMAIN, legacy_discovery_info(entry), {}
    )
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    return True


def _setup_error(err: AwsSmsError) -> Exception:
    """Return what Home Assistant should do with an error of opening the clients.

    Refused credentials ask for new ones, an AWS out of reach is tried again
    later, and anything else (a bad endpoint URL, a role that cannot be
    assumed) stops the setup with its reason.
    """
    error: type[ConfigEntryError | ConfigEntryAuthFailed | ConfigEntryNotReady]
    key = err.translation_key
    if isinstance(err, AwsInvalidEndpointError):
        error, key = ConfigEntryError, "invalid_endpoint"
    elif isinstance(err, AwsAuthError):
        error = ConfigEntryAuthFailed
    elif isinstance(err, (AwsConnectionError, AwsThrottledError)):
        error = ConfigEntryNotReady
    else:
        error = ConfigEntryError
    return error(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=err.placeholders,
    )


def _receiver(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    connection: AwsConnection,
    usage: DailyUsage,
    coordinator: InventoryCoordinator,
) -> EventReceiver | None:
    """Return the receiver of the entry's queue, if it has one."""
    queue_url = entry.options.get(CONF_QUEUE_URL)
    if not queue_url:
        return None

    def recipients() -> dict[str, Recipient]:
        return {
            subentry.data[CONF_PHONE_NUMBER]: Recipient(
                subentry.subentry_id, subentry.title
            )
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_RECIPIENT
        }

    queue = QueueClient(connection, parse_queue_url(queue_url))
    return EventReceiver(
        hass, entry, queue, recipients, usage, inventory=lambda: coordinator.data
    )


@callback
def _remove_stale_issues(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> None:
    """Remove the opt-out issues of recipients that were removed."""
    current = {
        entry_issue_id(ISSUE_OPTED_OUT, entry.entry_id, subentry_id)
        for subentry_id in entry.subentries
    }
    prefix = entry_issue_id(ISSUE_OPTED_OUT, entry.entry_id, "")
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.startswith(prefix) and issue_id not in current:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_remove_entry(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> None:
    """Remove the repair issues the entry raised, its open alerts and outbox."""
    for version, key in (
        (ALERTS_STORAGE_VERSION, alerts_storage_key(entry.entry_id)),
        (OUTBOX_STORAGE_VERSION, outbox_storage_key(entry.entry_id)),
    ):
        await Store[dict[str, Any]](hass, version, key).async_remove()
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and entry.entry_id in issue_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def _clear_cap_issue(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> None:
    async_update_entry_issue(hass, entry, ISSUE_DAILY_CAP, None)


async def async_migrate_entry(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> bool:
    """Bring an entry's data and options to the current version.

    Home Assistant itself refuses an entry of a newer major version.
    """
    if entry.minor_version < 2:  # noqa: PLR2004 - the version being migrated
        # 1.2: message types are stored as lower-case selector keys.
        options = dict(entry.options)
        if isinstance(message_type := options.get(CONF_MESSAGE_TYPE), str):
            options[CONF_MESSAGE_TYPE] = message_type.lower()
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
        LOGGER.debug("Migrated %s to version 1.2", entry.title)
    if entry.minor_version < 3:  # noqa: PLR2004 - the version being migrated
        # 1.3: an authentication method, and when the key was entered. The
        # real date of a 1.x key is unknown: the reminder counts from now.
        data = {
            CONF_AUTH_METHOD: AUTH_ACCESS_KEY,
            CONF_KEY_ADDED_AT: dt_util.utcnow().isoformat(),
            **entry.data,
        }
        hass.config_entries.async_update_entry(entry, data=data, minor_version=3)
        LOGGER.debug("Migrated %s to version 1.3", entry.title)
    return True


async def _async_reload(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> None:
    """Apply new options, recipients or keys by reloading."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> bool:
    """Unload the entities and services, save usage and close the clients."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        if entry.runtime_data.receiver is not None:
            # Before the client: they share what renews the credentials.
            await entry.runtime_data.receiver.async_stop()
        await async_unload_legacy_service(hass, entry.entry_id)
        await entry.runtime_data.usage.async_save()
        await entry.runtime_data.media.close()
        await entry.runtime_data.client.close()
    return unloaded


def _current_device_identifiers(entry: AwsSmsConfigEntry) -> set[tuple[str, str]]:
    inventory = entry.runtime_data.coordinator.data
    keys = {entry.entry_id} | {
        f"{entry.entry_id}_{key}" for key in [*inventory.identities, *entry.subentries]
    }
    return {(DOMAIN, key) for key in keys}


@callback
def _remove_stale_devices(hass: HomeAssistant, entry: AwsSmsConfigEntry) -> None:
    """Remove the devices of identities released in AWS and removed recipients."""
    current = _current_device_identifiers(entry)
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if not device.identifiers & current:
            registry.async_remove_device(device.id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: AwsSmsConfigEntry, device_entry: dr.AnyDeviceEntry
) -> bool:
    """Allow removing a device only when AWS no longer lists its identity."""
    return not device_entry.identifiers & _current_device_identifiers(entry)
