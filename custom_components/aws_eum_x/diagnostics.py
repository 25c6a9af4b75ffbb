"""Diagnostics: what the integration knows, with every secret redacted."""

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data

from .const import CONF_ACCESS_KEY_ID, CONF_SECRET_ACCESS_KEY

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .coordinator import AwsSmsConfigEntry

TO_REDACT = {CONF_ACCESS_KEY_ID, CONF_SECRET_ACCESS_KEY, "phone_number"}


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
            "options": dict(entry.options),
            "subentries": [
                {
                    "subentry_type": subentry.subentry_type,
                    "data": async_redact_data(dict(subentry.data), TO_REDACT),
                }
                for subentry in entry.subentries.values()
            ],
        },
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "update_interval": str(coordinator.update_interval),
        },
        "usage_today": {
            "segments": entry.runtime_data.usage.segments,
            "failed": entry.runtime_data.usage.failed,
        },
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
