"""Home Assistant glue shared by setup and the config flow."""

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.singleton import singleton
from homeassistant.util.hass_dict import HassKey

from .api import AwsConnection, AwsCredentials
from .aws_session import available_regions, load_ca_bundles, prepare_session
from .const import (
    AUTH_ACCESS_KEY,
    AUTH_ASSUME_ROLE,
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_ENDPOINT_URL,
    CONF_EXTERNAL_ID,
    CONF_PHONE_NUMBER,
    CONF_REGION,
    CONF_ROLE_ARN,
    CONF_ROLE_SESSION_NAME,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
    SUBENTRY_RECIPIENT,
)
from .credentials import (
    ASSUME_ROLE_METHOD,
    DEFAULT_SESSION_NAME,
    DefaultChain,
    RoleSettings,
    entry_session,
    use_default_chain,
    use_role,
)
from .phone import mask

if TYPE_CHECKING:
    from collections.abc import Mapping
    import ssl

    from aiobotocore.session import AioSession
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant


@dataclass(frozen=True)
class AwsContext:
    """The prepared aiobotocore session, its CA bundle and the regions."""

    session: AioSession
    regions: tuple[str, ...]
    ssl_contexts: Mapping[str, ssl.SSLContext]


_CONTEXT_KEY: HassKey[AwsContext] = HassKey(f"{DOMAIN}_aws_context")


def _prepare() -> AwsContext:
    session = prepare_session()
    return AwsContext(session, tuple(available_regions()), load_ca_bundles(session))


@singleton(_CONTEXT_KEY, async_=True)
async def async_get_aws_context(hass: HomeAssistant) -> AwsContext:
    """Return the shared aiobotocore session, prepared once in an executor.

    botocore reads JSON models, endpoint data and ~/.aws/config from disk;
    doing that once, off the event loop, keeps setup and reloads free of
    blocking calls and shares the parsed models between config entries.
    """
    return await hass.async_add_executor_job(_prepare)


def entry_issue_id(key: str, entry_id: str, subject: str | None = None) -> str:
    """Return the ID of an entry's repair issue (of one subject, if given)."""
    return f"{key}_{entry_id}" if subject is None else f"{key}_{entry_id}_{subject}"


def async_update_entry_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    placeholders: dict[str, str] | None,
    *,
    fixable: bool = False,
    subject: str | None = None,
) -> None:
    """Raise the entry's repair issue ``key`` with ``placeholders``; None clears it.

    A fixable issue's repair flow gets the entry ID in its data. ``subject``
    tells apart issues of one kind about different things of the entry (a
    recipient's subentry ID).
    """
    issue_id = entry_issue_id(key, entry.entry_id, subject)
    if placeholders is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=fixable,
        data=_fix_data(entry, subject) if fixable else None,
        severity=ir.IssueSeverity.WARNING,
        translation_key=key,
        translation_placeholders={"title": entry.title, **placeholders},
    )


def _fix_data(
    entry: ConfigEntry, subject: str | None
) -> dict[str, str | int | float | None]:
    """Return what a fixable issue's repair flow gets: the entry, its subject."""
    data: dict[str, str | int | float | None] = {"entry_id": entry.entry_id}
    if subject is not None:
        data["subject"] = subject
    return data


def credentials_from(data: Mapping[str, Any]) -> AwsCredentials | None:
    """Return the access key pair stored in config entry data, if any."""
    if CONF_ACCESS_KEY_ID not in data:
        return None
    return AwsCredentials(data[CONF_ACCESS_KEY_ID], data[CONF_SECRET_ACCESS_KEY])


def role_from(data: Mapping[str, Any]) -> RoleSettings:
    """Return the role an entry's key assumes."""
    return RoleSettings(
        role_arn=data[CONF_ROLE_ARN],
        external_id=data.get(CONF_EXTERNAL_ID) or None,
        session_name=data.get(CONF_ROLE_SESSION_NAME) or DEFAULT_SESSION_NAME,
    )


async def async_connection(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> AwsConnection:
    """Return how to reach AWS for config entry data (or a form's input)."""
    context = await async_get_aws_context(hass)
    key = AwsConnection(
        session=context.session,
        http_session=async_get_clientsession(hass),
        credentials=credentials_from(data),
        region=data[CONF_REGION],
        endpoint_url=data.get(CONF_ENDPOINT_URL) or None,
        ssl_contexts=context.ssl_contexts,
    )
    method = data.get(CONF_AUTH_METHOD, AUTH_ACCESS_KEY)
    if method == AUTH_ACCESS_KEY:
        return key
    # A role's or the chain's credentials belong to a session of the entry's.
    session = await hass.async_add_executor_job(entry_session, context.session)
    if method == AUTH_ASSUME_ROLE:
        use_role(session, key, role_from(data))
        return replace(
            key,
            session=session,
            credentials=None,
            credentials_source=ASSUME_ROLE_METHOD,
        )
    chain_session = await hass.async_add_executor_job(entry_session, context.session)
    chain = DefaultChain(chain_session)
    try:
        source = await chain.async_resolve()
    except BaseException:
        await hass.async_add_executor_job(chain.close)
        raise
    use_default_chain(session, chain, source)
    return replace(
        key,
        session=session,
        credentials=None,
        credentials_source=source,
        close_credentials=chain.close,
    )


def recipient_names(entry: ConfigEntry) -> dict[str, str]:
    """Return the name of each recipient subentry, by its phone number."""
    return {
        subentry.data[CONF_PHONE_NUMBER]: subentry.title
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_RECIPIENT
    }


def target_label(entry: ConfigEntry, number: str) -> str:
    """Name a target in an error the user reads: "Alice (***0123)".

    The user knows their recipients by name; a number that is no recipient
    stays masked, since errors of automations end up in the log.
    """
    name = recipient_names(entry).get(number)
    return f"{name} ({mask(number)})" if name else mask(number)
