"""Diagnostics: what the integration knows, with every secret redacted."""

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

from .const import (
    CONF_ACCESS_KEY_ID,
    CONF_EXTERNAL_ID,
    CONF_MPS,
    CONF_ORIGINATION_IDENTITY,
    CONF_SECRET_ACCESS_KEY,
)
from .phone import mask_identity

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .coordinator import AwsSmsConfigEntry

TO_REDACT = {
    CONF_ACCESS_KEY_ID,
    CONF_SECRET_ACCESS_KEY,
    CONF_EXTERNAL_ID,
    "phone_number",
}


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Return the options with the phone numbers in them masked."""
    shown = dict(options)
    if identity := shown.get(CONF_ORIGINATION_IDENTITY):
        shown[CONF_ORIGINATION_IDENTITY] = mask_identity(identity)
    if CONF_MPS in shown:
        shown[CONF_MPS] = {mask_identity(k): v for k, v in shown[CONF_MPS].items()}
    return shown


def _receiving(entry: AwsSmsConfigEntry) -> dict[str, Any] | None:
    """Return how the event queue is read: counts, never bodies or numbers."""
    receiver = entry.runtime_data.receiver
    if receiver is None:
        return None
    listener = receiver.listener
    return {
        "connected": listener.connected,
        "remembered_events": listener.remembered,
        **asdict(listener.counts),
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AwsSmsConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and inventory, without secrets."""
    coordinator = entry.runtime_data.coordinator
    inventory = coordinator.data
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": _options(entry.options),
            "subentries": [
                {
                    "subentry_type": subentry.subentry_type,
                    "data": async_redact_data(dict(subentry.data), TO_REDACT),
                }
                for subentry in entry.subentries.values()
            ],
        },
        # "access key", "assume-role", or where the default chain found them.
        "credentials_source": entry.runtime_data.client.credentials_source,
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "update_interval": str(coordinator.update_interval),
        },
        "usage_today": {
            "segments": entry.runtime_data.usage.segments,
            "maybe_sent": entry.runtime_data.usage.maybe_sent,
            "failed": entry.runtime_data.usage.failed,
            "delivered": entry.runtime_data.usage.delivered,
            "carrier_failed": entry.runtime_data.usage.carrier_failed,
        },
        "receiving": _receiving(entry),
        # Counts and kinds only: no number, no body, no code.
        "outbox": {
            "queued": [m.kind for m in entry.runtime_data.outbox.messages],
            "dropped": entry.runtime_data.outbox.dropped,
            "probes": entry.runtime_data.outbox.probes,
        },
        "open_alerts": (
            [a.kind for a in entry.runtime_data.alerts.open_alerts]
            if entry.runtime_data.alerts is not None
            else None
        ),
        "inventory": {
            "phone_numbers": [
                async_redact_data(asdict(n), TO_REDACT) for n in inventory.phone_numbers
            ],
            "sender_ids": [asdict(s) for s in inventory.sender_ids],
            "pools": (
                [asdict(p) for p in inventory.pools]
                if inventory.pools is not None
                else None
            ),
            "account_tier": inventory.account_tier,
            "text_spend_limit": (
                asdict(inventory.text_spend_limit)
                if inventory.text_spend_limit
                else None
            ),
            "configuration_sets": inventory.configuration_sets,
            "denied_actions": list(inventory.denied_actions),
        },
    }
