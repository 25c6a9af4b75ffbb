"""Why a first alert may never arrive, as repair issues: registration and opt-outs.

After each refresh of the inventory: a phone number whose registration is
not complete (carriers block its messages until it is), or that is still
pending, raises a repair issue with AWS's denial reasons and the console
link; a recipient whose number is on an opt-out list (a STOP that came while
nobody listened) raises the recipient's opt-out issue. Each goes when its
cause does. A part the key may not read leaves its issues as they are.
"""

from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import (
    CONF_PHONE_NUMBER,
    CONF_REGION,
    DOMAIN,
    ISSUE_OPTED_OUT,
    SUBENTRY_RECIPIENT,
)
from .helpers import async_update_entry_issue, entry_issue_id

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .aws_models import RegistrationInfo
    from .inventory import Inventory, OriginIdentity

ISSUE_REGISTRATION: Final = "registration_incomplete"
# RegistrationStatus of a registration whose numbers carriers deliver.
COMPLETE: Final = "complete"
# AWS's RegistrationStatus values, lower case (the API model's enum).
REGISTRATION_STATUSES: Final = [
    "created",
    "submitted",
    "aws_reviewing",
    "reviewing",
    "requires_updates",
    "requires_authentication",
    "provisioning",
    "complete",
    "closed",
    "deleted",
]


def denied_reasons_text(registration: RegistrationInfo | None) -> str:
    """Return AWS's denial reasons, verbatim, one after the other."""
    if registration is None:
        return ""
    return " ".join(
        f"{r.reason}: {r.short_description} {r.long_description}".strip()
        for r in registration.denied_reasons
    )


def registration_console_url(region: str) -> str:
    """Return the AWS console's page of the region's registrations."""
    return (
        f"https://{region}.console.aws.amazon.com/sms-voice/home"
        f"?region={region}#/registrations"
    )


def blocks_messages(identity: OriginIdentity) -> bool:
    """Whether carriers hold back the number's messages, as far as we know."""
    if identity.kind != "phone_number":
        return False
    if identity.status == "pending":
        return True
    registration = identity.registration
    return registration is not None and registration.status != COMPLETE


@callback
def async_update_compliance_issues(
    hass: HomeAssistant, entry: ConfigEntry, inventory: Inventory
) -> None:
    """Raise or clear the registration and opt-out issues of ``entry``."""
    if inventory.registrations is not None:
        _update_registration_issues(hass, entry, inventory)
    if inventory.opted_out is not None:
        for subentry in entry.subentries.values():
            if subentry.subentry_type != SUBENTRY_RECIPIENT:
                continue
            opted_out = subentry.data[CONF_PHONE_NUMBER] in inventory.opted_out
            issue_id = entry_issue_id(
                ISSUE_OPTED_OUT, entry.entry_id, subentry.subentry_id
            )
            raised = ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
            if opted_out == raised:
                continue
            async_update_entry_issue(
                hass,
                entry,
                ISSUE_OPTED_OUT,
                # AWS's list does not say which keyword it was.
                {"recipient": subentry.title, "keyword": "STOP"} if opted_out else None,
                fixable=True,
                subject=subentry.subentry_id,
            )


def _update_registration_issues(
    hass: HomeAssistant, entry: ConfigEntry, inventory: Inventory
) -> None:
    region = str(entry.data[CONF_REGION])
    current: set[str] = set()
    for identity in inventory.identities.values():
        if not blocks_messages(identity):
            continue
        registration = identity.registration
        current.add(entry_issue_id(ISSUE_REGISTRATION, entry.entry_id, identity.key))
        async_update_entry_issue(
            hass,
            entry,
            ISSUE_REGISTRATION,
            {
                "number": identity.origination_identity,
                # In words: "requires updates", not the API's requires_updates.
                "status": (
                    registration.status if registration else identity.status
                ).replace("_", " "),
                "registration_id": registration.registration_id
                if registration
                else "-",
                "reasons": denied_reasons_text(registration) or "-",
                "console_url": registration_console_url(region),
            },
            subject=identity.key,
        )
    prefix = entry_issue_id(ISSUE_REGISTRATION, entry.entry_id, "")
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.startswith(prefix) and issue_id not in current:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
