"""The access key rotation reminder: a repair issue when the key gets old.

AWS's IAM guidance is to rotate long-lived access keys regularly; the
reminder comes a set number of days (an option, 90 by default) after the
current key was entered. Entries that assume a role still sign AssumeRole
with a key, but the credentials that reach End User Messaging are temporary;
as the IAM guides put it, that is the recommended set-up, and it gets no
reminder.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import (
    AUTH_ACCESS_KEY,
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_KEY_ADDED_AT,
    CONF_KEY_ROTATION_DAYS,
    DEFAULT_KEY_ROTATION_DAYS,
    ISSUE_ROTATE_KEY,
)
from .helpers import async_update_entry_issue

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

# A key's age changes by the day; twice a day is soon enough to notice.
CHECK_INTERVAL: Final = timedelta(hours=12)


def mask_key_id(key_id: str) -> str:
    """Return an access key ID with its middle hidden: AKIA…MPLE."""
    return f"{key_id[:4]}…{key_id[-4:]}"


def key_age_days(entry: ConfigEntry, now: datetime) -> int | None:
    """Return how many days ago the entry's access key was entered.

    None when the entry assumes a role or does not know the date.
    """
    if entry.data.get(CONF_AUTH_METHOD, AUTH_ACCESS_KEY) != AUTH_ACCESS_KEY:
        return None
    added = entry.data.get(CONF_KEY_ADDED_AT)
    if not added:
        return None
    return (now - datetime.fromisoformat(added)).days


@callback
def async_check_key_age(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the rotation issue when the key is due; clear it otherwise."""
    threshold = int(
        entry.options.get(CONF_KEY_ROTATION_DAYS, DEFAULT_KEY_ROTATION_DAYS)
    )
    age = key_age_days(entry, dt_util.utcnow())
    due = threshold > 0 and age is not None and age >= threshold
    async_update_entry_issue(
        hass,
        entry,
        ISSUE_ROTATE_KEY,
        {"key_id": mask_key_id(entry.data[CONF_ACCESS_KEY_ID]), "days": str(age)}
        if due
        else None,
        fixable=True,
    )


@callback
def async_track_key_age(hass: HomeAssistant, entry: ConfigEntry) -> CALLBACK_TYPE:
    """Check the key's age now and twice a day; return what stops it."""

    @callback
    def check(_now: datetime) -> None:
        async_check_key_age(hass, entry)

    async_check_key_age(hass, entry)
    return async_track_time_interval(hass, check, CHECK_INTERVAL)
