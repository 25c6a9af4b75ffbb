"""Repair flows: a new access key for an old one; a recipient off an opt-out list."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import probatio

from .aws_errors import AwsAccessDeniedError, AwsRequestError, AwsSmsError
from .config_flow import async_validate_input
from .const import (
    CONF_ACCESS_KEY_ID,
    CONF_KEY_ADDED_AT,
    CONF_PHONE_NUMBER,
    CONF_SECRET_ACCESS_KEY,
    ISSUE_OPTED_OUT,
)
from .rotation import key_age_days, mask_key_id

if TYPE_CHECKING:
    from homeassistant.components.repairs import RepairsFlowResult
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_ACCESS_KEY_ID): TextSelector(),
        probatio.Required(CONF_SECRET_ACCESS_KEY): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)


class RotateAccessKeyFlow(RepairsFlow):
    """Take a new access key; check it against AWS before dropping the old."""

    def __init__(self, entry: ConfigEntry) -> None:
        """Replace the key of ``entry``."""
        self._entry = entry

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start at the form (the repairs API hands init the issue's data)."""
        return await self.async_step_new_key()

    async def async_step_new_key(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Ask for the new key and check it reaches the same account."""
        entry = self._entry
        errors: dict[str, str] = {}
        placeholders = {
            "key_id": mask_key_id(entry.data[CONF_ACCESS_KEY_ID]),
            "days": str(key_age_days(entry, dt_util.utcnow())),
        }
        if user_input is not None:
            new = {k: str(v).strip() for k, v in user_input.items()}
            if new[CONF_ACCESS_KEY_ID] == entry.data[CONF_ACCESS_KEY_ID]:
                errors["base"] = "same_key"
            else:
                data = {**entry.data, **new}
                account_id, errors, extra = await async_validate_input(self.hass, data)
                placeholders |= extra
                if account_id is not None and not (entry.unique_id or "").startswith(
                    f"{account_id}_"
                ):
                    errors["base"] = "wrong_account"
                elif account_id is not None:
                    data[CONF_KEY_ADDED_AT] = dt_util.utcnow().isoformat()
                    # The update listener reloads the entry with the new key,
                    # which checks its age again and clears this issue.
                    self.hass.config_entries.async_update_entry(entry, data=data)
                    return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="new_key",
            data_schema=_SCHEMA,
            errors=errors,
            description_placeholders=placeholders,
        )


class RemoveOptOutFlow(RepairsFlow):
    """A recipient opted out: say what they must do, or take them off the list.

    AWS lets an account remove a number from an opt-out list once every 30
    days (DeleteOptedOutNumber): the form says so, and shows AWS's refusal.
    """

    def __init__(self, entry: ConfigEntry, subentry_id: str) -> None:
        """Take the number of ``entry``'s recipient ``subentry_id`` off."""
        self._entry = entry
        self._subentry_id = subentry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Start at the explanation."""
        return await self.async_step_remove()

    async def async_step_remove(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Explain START; on submit, remove the number from the opt-out lists."""
        subentry = self._entry.subentries[self._subentry_id]
        number: str = subentry.data[CONF_PHONE_NUMBER]
        errors: dict[str, str] = {}
        placeholders = {"recipient": subentry.title, "error": ""}
        if user_input is not None:
            runtime = self._entry.runtime_data
            lists = sorted(
                {n.opt_out_list_name for n in runtime.coordinator.data.phone_numbers}
            ) or ["Default"]
            try:
                for name in lists:
                    if number in await runtime.client.describe_opted_out_numbers(
                        name, [number]
                    ):
                        await runtime.client.delete_opted_out_number(name, number)
            except AwsAccessDeniedError as err:
                errors["base"] = "removal_denied"
                placeholders["error"] = err.action
            except (AwsRequestError, AwsSmsError) as err:
                errors["base"] = "removal_refused"
                placeholders["error"] = str(err)
            else:
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="remove",
            data_schema=probatio.Schema({}),
            errors=errors,
            description_placeholders=placeholders,
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the repair flow of an issue this integration raised."""
    entry_id = str((data or {})["entry_id"])
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None:
        raise ValueError(f"No config entry {entry_id} for issue {issue_id}")
    if issue_id.startswith(ISSUE_OPTED_OUT):
        return RemoveOptOutFlow(entry, str((data or {})["subject"]))
    return RotateAccessKeyFlow(entry)
