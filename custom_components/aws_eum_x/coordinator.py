"""The inventory coordinator, and what a loaded config entry holds.

The typed config entry lives here, beside the coordinator that uses it, as in
Home Assistant core. The parts the runtime data names (client, sender, usage,
media, receiver) never import this module, so dependencies point one way.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .aws_errors import (
    AwsAccessDeniedError,
    AwsAuthError,
    AwsExplicitDenyError,
    AwsSmsError,
)
from .compliance import async_update_compliance_issues
from .const import (
    CONF_REGION,
    DOMAIN,
    ISSUE_MISSING_PERMISSIONS,
    ISSUE_REQUIRED_PERMISSION,
    LOGGER,
    UPDATE_INTERVAL,
)
from .helpers import async_update_entry_issue, recipient_names
from .inventory import Inventory

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant

    from .alerts import AlertTracker
    from .api import SmsClient
    from .aws_models import PhoneNumberInfo
    from .media import MediaStore
    from .outbox_worker import Outbox
    from .receiver import EventReceiver
    from .sender import SmsSender
    from .usage import DailyUsage


class InventoryCoordinator(DataUpdateCoordinator[Inventory]):
    """Fetch phone numbers, sender IDs, pools, tier and spend limit."""

    config_entry: AwsSmsConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: AwsSmsConfigEntry, client: SmsClient
    ) -> None:
        """Poll the account of ``entry`` through ``client``."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} inventory",
            update_interval=UPDATE_INTERVAL,
        )
        self.client = client

    @override
    async def _async_update_data(self) -> Inventory:
        """Fetch every page of everything; optional reads may be denied."""
        denied: list[str] = []

        async def optional[T](fetch: Callable[[], Awaitable[T]]) -> T | None:
            try:
                return await fetch()
            except AwsAccessDeniedError as err:
                denied.append(err.action)
                return None

        try:
            phone_numbers = await self.client.describe_phone_numbers()
            sender_ids = await self.client.describe_sender_ids()
            pools = await optional(self.client.describe_pools)
            tier = await optional(self.client.account_tier)
            spend_limit = await optional(self.client.text_spend_limit)
            config_sets = await optional(self.client.describe_configuration_sets)
            registration_ids = sorted(
                {n.registration_id for n in phone_numbers if n.registration_id}
            )
            registrations = await optional(
                lambda: self.client.describe_registrations(registration_ids)
            )
            opted_out = await optional(lambda: self._opted_out(phone_numbers))
            verified = (
                await optional(self.client.verified_destinations)
                if tier == "SANDBOX"
                else None
            )
        except AwsAccessDeniedError as err:
            # A required read: nothing works until the policy allows it, and
            # retrying will not change that. Setup fails for good (no endless
            # retries) and a repair issue names the action to add.
            async_update_entry_issue(
                self.hass,
                self.config_entry,
                ISSUE_REQUIRED_PERMISSION,
                {"action": err.action},
            )
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key=(
                    "explicit_deny"
                    if isinstance(err, AwsExplicitDenyError)
                    else "required_permission_denied"
                ),
                translation_placeholders={
                    "action": err.action,
                    "region": self.config_entry.data[CONF_REGION],
                },
            ) from err
        except AwsAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="invalid_auth",
                translation_placeholders=err.placeholders,
            ) from err
        except AwsSmsError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=err.translation_key,
                translation_placeholders=err.placeholders,
            ) from err

        async_update_entry_issue(
            self.hass, self.config_entry, ISSUE_REQUIRED_PERMISSION, None
        )
        self._update_permissions_issue(denied)
        inventory = Inventory(
            phone_numbers=tuple(phone_numbers),
            sender_ids=tuple(sender_ids),
            pools=tuple(pools) if pools is not None else None,
            account_tier=tier,
            text_spend_limit=spend_limit,
            configuration_sets=tuple(config_sets) if config_sets is not None else None,
            denied_actions=tuple(denied),
            registrations=registrations,
            opted_out=frozenset(opted_out) if opted_out is not None else None,
            verified_destinations=frozenset(
                number
                for number, (_, status) in verified.items()
                if status == "VERIFIED"
            )
            if verified is not None
            else None,
        )
        async_update_compliance_issues(self.hass, self.config_entry, inventory)
        return inventory

    async def _opted_out(self, phone_numbers: list[PhoneNumberInfo]) -> set[str]:
        """Return the recipients' numbers on the opt-out lists of our numbers.

        A STOP while Home Assistant was offline, or before a queue was set,
        reached AWS's list all the same: read it on every refresh.
        """
        recipients = sorted(recipient_names(self.config_entry))
        lists = sorted({n.opt_out_list_name for n in phone_numbers}) or ["Default"]
        opted_out: set[str] = set()
        for name in lists:
            opted_out |= await self.client.describe_opted_out_numbers(name, recipients)
        return opted_out

    def _update_permissions_issue(self, denied: list[str]) -> None:
        """Raise a repair issue naming the optional actions IAM denies."""
        async_update_entry_issue(
            self.hass,
            self.config_entry,
            ISSUE_MISSING_PERMISSIONS,
            {"actions": ", ".join(denied)} if denied else None,
        )


@dataclass
class AwsSmsRuntimeData:
    """The parts of a loaded entry."""

    client: SmsClient
    coordinator: InventoryCoordinator
    # Device registry ID of the service device, parent of identity devices.
    service_device_id: str
    usage: DailyUsage
    sender: SmsSender
    # Where picture messages' media is checked and uploaded (S3).
    media: MediaStore
    # Messages AWS could not be reached for, kept and sent when it can.
    outbox: Outbox
    # Delivery events and replies, when the options name a queue.
    receiver: EventReceiver | None = None
    # Alerts waiting for acknowledgement and questions for answers (replies
    # come through the queue: only with one).
    alerts: AlertTracker | None = None


type AwsSmsConfigEntry = ConfigEntry[AwsSmsRuntimeData]
