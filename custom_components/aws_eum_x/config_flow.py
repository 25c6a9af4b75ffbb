"""Config flow: connect an AWS account, re-authenticate, reconfigure, options."""

from dataclasses import dataclass
import re
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
import probatio
from yarl import URL

from .acknowledgement import DEFAULT_WORD
from .api import validate_credentials
from .aws_errors import (
    AwsAccessDeniedError,
    AwsAuthError,
    AwsConnectionError,
    AwsEndpointTlsError,
    AwsExplicitDenyError,
    AwsSmsError,
)
from .const import (
    ACK_WORD_PATTERN,
    AUTH_ACCESS_KEY,
    AUTH_ASSUME_ROLE,
    AUTH_DEFAULT_CHAIN,
    CONF_ACCESS_KEY_ID,
    CONF_ACK_CONFIRM,
    CONF_ACK_EXPIRY,
    CONF_ACK_WORD,
    CONF_AUTH_METHOD,
    CONF_CONFIGURATION_SET,
    CONF_DAILY_CALL_MINUTES_CAP,
    CONF_DAILY_SEGMENT_CAP,
    CONF_ENDPOINT_URL,
    CONF_EXTERNAL_ID,
    CONF_KEEP_UNSENT,
    CONF_KEY_ADDED_AT,
    CONF_KEY_ROTATION_DAYS,
    CONF_MAX_PRICE,
    CONF_MEDIA_BUCKET,
    CONF_MEDIA_PREFIX,
    CONF_MESSAGE_TYPE,
    CONF_MPS,
    CONF_ORIGINATION_IDENTITY,
    CONF_QUEUE_URL,
    CONF_REGION,
    CONF_ROLE_ARN,
    CONF_ROLE_SESSION_NAME,
    CONF_SECRET_ACCESS_KEY,
    CONF_TIME_TO_LIVE,
    CONF_VOICE,
    DEFAULT_ACK_EXPIRY_MINUTES,
    DEFAULT_DAILY_SEGMENT_CAP,
    DEFAULT_KEEP_UNSENT_MINUTES,
    DEFAULT_KEY_ROTATION_DAYS,
    DEFAULT_MEDIA_PREFIX,
    DEFAULT_MESSAGE_TYPE,
    DEFAULT_REGION,
    DEFAULT_VOICE,
    DOMAIN,
    LOGGER,
    MAX_PRICE_PATTERN,
    MAX_TIME_TO_LIVE,
    MEDIA_BUCKET_PATTERN,
    MEDIA_PREFIX_PATTERN,
    MESSAGE_TYPES,
    MIN_TIME_TO_LIVE,
    SUBENTRY_RECIPIENT,
)
from .credentials import AwsAssumeRoleError, AwsInvalidRoleError, AwsNoCredentialsError
from .helpers import async_connection, async_get_aws_context
from .queue import (
    AwsQueueNotFoundError,
    InvalidQueueUrlError,
    QueueClient,
    parse_queue_url,
)
from .recipient_flow import RecipientSubentryFlow
from .voice import VOICE_IDS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .coordinator import AwsSmsConfigEntry
    from .inventory import Inventory

MINIMAL_POLICY_URL = (
    "https://github.com/aws-eum-x/aws_eum_x/blob/main/docs/iam/minimal-policy.json"
)
SECTION_ADVANCED = "advanced"
# Shown in the endpoint field's help; URLs stay out of translation strings.
FORM_PLACEHOLDERS = {"example_url": "http://127.0.0.1:4566"}
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector()
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
AUTH_METHODS = [AUTH_ACCESS_KEY, AUTH_ASSUME_ROLE, AUTH_DEFAULT_CHAIN]
# IAM's formats (IAM User Guide, "IAM identifiers" and the AssumeRole API
# reference): a role ARN in any partition, a session name of 2-64 characters.
ROLE_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
ROLE_SESSION_NAME_PATTERN = re.compile(r"[\w+=,.@-]{2,64}")


def _credentials_fields(*, secret_optional: bool = False) -> dict[Any, Any]:
    # Reconfiguring with the same key ID may leave the secret empty.
    secret = probatio.Optional if secret_optional else probatio.Required
    return {
        probatio.Required(CONF_ACCESS_KEY_ID): _TEXT,
        secret(CONF_SECRET_ACCESS_KEY): _PASSWORD,
    }


def _role_fields() -> dict[Any, Any]:
    return {
        probatio.Required(CONF_ROLE_ARN): _TEXT,
        # The role owner's shared secret against the confused deputy.
        probatio.Optional(CONF_EXTERNAL_ID): _PASSWORD,
    }


def _connection_fields(
    regions: tuple[str, ...], *, expanded: bool = False, role: bool = False
) -> dict[Any, Any]:
    # The endpoint is for VPC/FIPS endpoints and the emulator, the session
    # name for CloudTrail: most users never need them, so they wait in a
    # collapsed section.
    advanced: dict[Any, Any] = {probatio.Optional(CONF_ENDPOINT_URL): _URL}
    if role:
        advanced[probatio.Optional(CONF_ROLE_SESSION_NAME)] = _TEXT
    return {
        probatio.Required(CONF_REGION, default=DEFAULT_REGION): SelectSelector(
            SelectSelectorConfig(
                options=list(regions), mode=SelectSelectorMode.DROPDOWN
            )
        ),
        probatio.Required(SECTION_ADVANCED): section(
            probatio.Schema(advanced), {"collapsed": not expanded}
        ),
    }


def _credentials_schema(
    method: str,
    regions: tuple[str, ...],
    *,
    expanded: bool,
    secret_optional: bool = False,
) -> probatio.Schema:
    """Return the form of an authentication method."""
    role = method == AUTH_ASSUME_ROLE
    return probatio.Schema(
        (
            _credentials_fields(secret_optional=secret_optional)
            if method != AUTH_DEFAULT_CHAIN
            else {}
        )
        | (_role_fields() if role else {})
        | _connection_fields(regions, expanded=expanded, role=role)
    )


async def async_validate_input(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[str | None, dict[str, str], dict[str, str]]:
    """Return the account ID, or form errors and their placeholders."""
    connection = None
    try:
        connection = await async_connection(hass, data)
        account_id = await validate_credentials(connection)
    except AwsNoCredentialsError:
        return None, {"base": "no_credentials"}, {}
    except AwsAuthError:
        return None, {"base": "invalid_auth"}, {}
    except AwsAssumeRoleError as err:
        return None, {"base": "assume_role_denied"}, dict(err.placeholders)
    except AwsInvalidRoleError as err:
        return None, {"base": "invalid_role"}, {"error": str(err)}
    except AwsExplicitDenyError as err:
        return (
            None,
            {"base": "explicit_deny"},
            {"action": err.action, "region": data[CONF_REGION]},
        )
    except AwsAccessDeniedError as err:
        return (
            None,
            {"base": "access_denied"},
            {"action": err.action, "policy_url": MINIMAL_POLICY_URL},
        )
    except AwsEndpointTlsError as err:
        return None, {"base": "endpoint_tls"}, {"error": str(err)}
    except AwsConnectionError:
        return None, {"base": "cannot_connect"}, {}
    except AwsSmsError:
        LOGGER.exception("Unexpected answer from AWS while checking the keys")
        return None, {"base": "unknown"}, {}
    except Exception:  # noqa: BLE001 - the form must say "unknown", not crash
        LOGGER.exception("Unexpected error while checking the keys")
        return None, {"base": "unknown"}, {}
    finally:
        if connection is not None and connection.close_credentials is not None:
            await hass.async_add_executor_job(connection.close_credentials)
    return account_id, {}, {"source": connection.credentials_source}


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten the advanced section; drop blanks and an empty endpoint URL."""
    flat = {k: v for k, v in user_input.items() if k != SECTION_ADVANCED}
    flat |= user_input.get(SECTION_ADVANCED, {})
    data = {k: v.strip() if isinstance(v, str) else v for k, v in flat.items()}
    return {k: v for k, v in data.items() if v not in (None, "")}


def _sectioned(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return entry data shaped like the form, to suggest it back."""
    in_section = (CONF_ENDPOINT_URL, CONF_ROLE_SESSION_NAME)
    hidden = (CONF_SECRET_ACCESS_KEY, CONF_EXTERNAL_ID)
    suggested = {
        k: v for k, v in data.items() if k not in in_section and k not in hidden
    }
    suggested[SECTION_ADVANCED] = {k: v for k, v in data.items() if k in in_section}
    return suggested


def _title(account_id: str, region: str) -> str:
    return f"AWS SMS {account_id} ({region})"


@dataclass(frozen=True)
class _Pending:
    """A checked default-chain set-up, waiting for the user's confirmation."""

    account_id: str
    data: dict[str, Any]
    source: str


class AwsSmsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Connect an AWS account and region."""

    _pending: _Pending

    VERSION = 1
    # 1.2: message types are stored as lower-case selector keys.
    # 1.3: the authentication method and when the access key was entered.
    MINOR_VERSION = 3

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> AwsSmsOptionsFlow:
        """Return the options flow."""
        return AwsSmsOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Recipients are subentries: each becomes a notify entity."""
        return {SUBENTRY_RECIPIENT: RecipientSubentryFlow}

    def _async_update_and_finish(
        self,
        entry: ConfigEntry,
        **changes: Any,  # noqa: ANN401 - passed on to async_update_*_and_abort
    ) -> ConfigFlowResult:
        """Save the changes and get the entry running with them.

        A loaded entry's update listener reloads it; one that failed to set
        up (for example with revoked keys) has none, so reload it here.
        """
        if entry.update_listeners:
            return self.async_update_and_abort(entry, **changes)
        return self.async_update_reload_and_abort(entry, **changes)

    async def _regions(self) -> tuple[str, ...]:
        return (await async_get_aws_context(self.hass)).regions

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to authenticate: an access key, or a key and a role."""
        return self.async_show_menu(step_id="user", menu_options=AUTH_METHODS)

    async def async_step_access_key(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for an access key and region, and check them against AWS."""
        return await self._async_credentials_step(AUTH_ACCESS_KEY, user_input)

    async def async_step_assume_role(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for an access key, the role it assumes, and the region."""
        return await self._async_credentials_step(AUTH_ASSUME_ROLE, user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how the entry authenticates, its region or its endpoint."""
        return self.async_show_menu(
            step_id="reconfigure",
            menu_options=[f"reconfigure_{method}" for method in AUTH_METHODS],
        )

    async def async_step_default_chain(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Home Assistant on AWS: find its credentials, and the region."""
        return await self._async_credentials_step(AUTH_DEFAULT_CHAIN, user_input)

    async def async_step_default_chain_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say where the credentials were found and whose account it is."""
        pending = self._pending
        if user_input is not None:
            entry = (
                self._get_reconfigure_entry()
                if self.source == SOURCE_RECONFIGURE
                else None
            )
            if entry is not None:
                return await self._async_finish_reconfigure(
                    entry, pending.account_id, pending.data
                )
            return await self._async_create(pending.account_id, pending.data)
        return self.async_show_form(
            step_id="default_chain_confirm",
            description_placeholders={
                "source": await _source_label(self.hass, pending.source),
                "account_id": pending.account_id,
                "region": pending.data[CONF_REGION],
            },
        )

    async def async_step_reconfigure_default_chain(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Use the credentials of where Home Assistant runs on AWS."""
        return await self._async_credentials_step(AUTH_DEFAULT_CHAIN, user_input)

    async def async_step_reconfigure_access_key(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Use an access key of the same account."""
        return await self._async_credentials_step(AUTH_ACCESS_KEY, user_input)

    async def async_step_reconfigure_assume_role(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Use an access key that assumes a role of the same account."""
        return await self._async_credentials_step(AUTH_ASSUME_ROLE, user_input)

    async def _async_credentials_step(
        self, method: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show, check and save the form of an authentication method.

        The same form adds an entry and reconfigures one; either way the
        credentials are checked against AWS before anything is saved.
        """
        reconfiguring = self.source == SOURCE_RECONFIGURE
        entry = self._get_reconfigure_entry() if reconfiguring else None
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            data = {**_clean(user_input), CONF_AUTH_METHOD: method}
            if (
                entry is not None
                and CONF_ACCESS_KEY_ID in data
                and CONF_SECRET_ACCESS_KEY not in data
                and data[CONF_ACCESS_KEY_ID] == entry.data.get(CONF_ACCESS_KEY_ID)
            ):
                # Same key: AWS shows a secret only once, so keep the stored one.
                data[CONF_SECRET_ACCESS_KEY] = entry.data[CONF_SECRET_ACCESS_KEY]
            errors = _form_errors(data)
            account_id = None
            if not errors:
                account_id, errors, placeholders = await async_validate_input(
                    self.hass, data
                )
            if account_id is not None:
                if CONF_ACCESS_KEY_ID in data:
                    data[CONF_KEY_ADDED_AT] = _key_added_at(entry, data)
                if method == AUTH_DEFAULT_CHAIN:
                    self._pending = _Pending(account_id, data, placeholders["source"])
                    return await self.async_step_default_chain_confirm()
                if entry is None:
                    return await self._async_create(account_id, data)
                return await self._async_finish_reconfigure(entry, account_id, data)
        if user_input is not None:
            shown: Mapping[str, Any] = _clean(user_input)
        elif entry is not None and _method(entry.data) == method:
            shown = entry.data
        elif entry is not None:
            # Another method: what it shares with the old one stays.
            kept = (CONF_REGION, CONF_ENDPOINT_URL, CONF_ACCESS_KEY_ID)
            shown = {k: v for k, v in entry.data.items() if k in kept}
        else:
            shown = {}
        schema = _credentials_schema(
            method,
            await self._regions(),
            secret_optional=reconfiguring,
            # After an error that points at the endpoint URL, and when the
            # entry has one, keep the section that holds it open.
            expanded=CONF_ENDPOINT_URL in shown,
        )
        return self.async_show_form(
            step_id=f"reconfigure_{method}" if reconfiguring else method,
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or _sectioned(shown)
            ),
            errors=errors,
            description_placeholders=FORM_PLACEHOLDERS | placeholders,
        )

    async def _async_create(
        self, account_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Add the entry, unless the account and region have one."""
        await self.async_set_unique_id(f"{account_id}_{data[CONF_REGION]}")
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=_title(account_id, data[CONF_REGION]), data=data
        )

    async def _async_finish_reconfigure(
        self, entry: ConfigEntry, account_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Save a reconfiguration of the same account."""
        if entry.unique_id and not entry.unique_id.startswith(f"{account_id}_"):
            return self.async_abort(reason="wrong_account")
        unique_id = f"{account_id}_{data[CONF_REGION]}"
        if unique_id != entry.unique_id:
            await self.async_set_unique_id(unique_id)
            self._abort_if_unique_id_configured()
        return self._async_update_and_finish(
            entry,
            unique_id=unique_id,
            title=_title(account_id, data[CONF_REGION]),
            data=data,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """AWS rejected the keys: ask for new ones."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check a new access key; it must reach the same account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders = {"title": entry.title}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            account_id, errors, extra = await async_validate_input(self.hass, data)
            placeholders |= extra
            if account_id is not None:
                await self.async_set_unique_id(f"{account_id}_{data[CONF_REGION]}")
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                if CONF_ACCESS_KEY_ID in data:
                    data[CONF_KEY_ADDED_AT] = _key_added_at(entry, data)
                return self._async_update_and_finish(entry, data=data)
        chain = _method(entry.data) == AUTH_DEFAULT_CHAIN
        return self.async_show_form(
            # Without a key to enter, the form just checks the chain again.
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema({} if chain else _credentials_fields()),
                {CONF_ACCESS_KEY_ID: entry.data.get(CONF_ACCESS_KEY_ID)},
            ),
            errors=errors,
            description_placeholders=placeholders,
        )


def _form_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Return what is wrong with the input before AWS is asked anything."""
    errors: dict[str, str] = {}
    if CONF_ACCESS_KEY_ID in data and CONF_SECRET_ACCESS_KEY not in data:
        # A new key ID (reconfigure keeps the secret of the same key only).
        errors[CONF_SECRET_ACCESS_KEY] = "secret_required"
    if data[CONF_AUTH_METHOD] == AUTH_ASSUME_ROLE:
        if not ROLE_ARN_PATTERN.fullmatch(data[CONF_ROLE_ARN]):
            errors[CONF_ROLE_ARN] = "invalid_role_arn"
        name = data.get(CONF_ROLE_SESSION_NAME)
        if name and not ROLE_SESSION_NAME_PATTERN.fullmatch(name):
            errors[SECTION_ADVANCED] = "invalid_session_name"
    endpoint = data.get(CONF_ENDPOINT_URL)
    if endpoint and not _usable_endpoint_url(endpoint):
        errors[SECTION_ADVANCED] = "invalid_endpoint_url"
    return errors


async def _source_label(hass: HomeAssistant, source: str) -> str:
    """Return where the default chain found credentials, in the user's words.

    botocore names its providers ("env", "iam-role"); the selector
    translations say what each is. A provider added after this release
    keeps botocore's name.
    """
    translations = await async_get_translations(
        hass, hass.config.language, "selector", {DOMAIN}
    )
    return translations.get(
        f"component.{DOMAIN}.selector.credentials_source.options.{source}", source
    )


def _usable_endpoint_url(url: str) -> bool:
    """Whether botocore can send to ``url``: http(s), a host, nothing after.

    Without a scheme botocore reads "127.0.0.1:4566" as a host named
    "127.0.0.1" and the path "4566", and the form said "Could not reach AWS".
    """
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return (
        parsed.scheme in ("http", "https")
        and bool(parsed.host)
        and not parsed.query_string
        and not parsed.fragment
    )


def _method(data: Mapping[str, Any]) -> str:
    """Return an entry's authentication method (1.x entries: an access key)."""
    return str(data.get(CONF_AUTH_METHOD, AUTH_ACCESS_KEY))


def _key_added_at(entry: ConfigEntry | None, data: Mapping[str, Any]) -> str:
    """Return when the access key in ``data`` was entered: now, if it is new."""
    if (
        entry is not None
        and entry.data.get(CONF_ACCESS_KEY_ID) == data[CONF_ACCESS_KEY_ID]
        and CONF_KEY_ADDED_AT in entry.data
    ):
        return str(entry.data[CONF_KEY_ADDED_AT])
    return dt_util.utcnow().isoformat()


def _identity_options(inventory: Inventory | None) -> list[SelectOptionDict]:
    if inventory is None:
        return []
    return [
        SelectOptionDict(value=identity.origination_identity, label=identity.name)
        for identity in inventory.identities.values()
    ]


class AwsSmsOptionsFlow(OptionsFlow):
    """Defaults for sending, rate limits and the daily cap."""

    config_entry: AwsSmsConfigEntry

    def __init__(self) -> None:
        """Collect the options across two steps."""
        self._options: dict[str, Any] = {}

    def _inventory(self) -> Inventory | None:
        runtime = getattr(self.config_entry, "runtime_data", None)
        return runtime.coordinator.data if runtime is not None else None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Defaults for every message, and the daily segment cap."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            max_price = user_input.get(CONF_MAX_PRICE)
            if max_price and not re.fullmatch(MAX_PRICE_PATTERN, max_price):
                errors[CONF_MAX_PRICE] = "invalid_max_price"
            elif (bucket := user_input.get(CONF_MEDIA_BUCKET)) and not re.fullmatch(
                MEDIA_BUCKET_PATTERN, bucket
            ):
                errors[CONF_MEDIA_BUCKET] = "invalid_media_bucket"
            elif (prefix := user_input.get(CONF_MEDIA_PREFIX)) and not re.fullmatch(
                MEDIA_PREFIX_PATTERN, prefix
            ):
                errors[CONF_MEDIA_PREFIX] = "invalid_media_prefix"
            elif not re.fullmatch(
                ACK_WORD_PATTERN, user_input.get(CONF_ACK_WORD, DEFAULT_WORD)
            ):
                errors[CONF_ACK_WORD] = "invalid_acknowledgement_word"
            elif queue_url := user_input.get(CONF_QUEUE_URL):
                errors, placeholders = await self._async_check_queue(queue_url)
            if not errors:
                self._options = {
                    k: v for k, v in user_input.items() if v not in (None, "")
                }
                return await self.async_step_rate_limits()

        inventory = self._inventory()
        config_sets = inventory.configuration_sets if inventory else None
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_ORIGINATION_IDENTITY): SelectSelector(
                    SelectSelectorConfig(
                        options=_identity_options(inventory),
                        mode=SelectSelectorMode.DROPDOWN,
                        custom_value=True,
                    )
                ),
                probatio.Required(
                    CONF_MESSAGE_TYPE, default=DEFAULT_MESSAGE_TYPE
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=list(MESSAGE_TYPES),
                        translation_key=CONF_MESSAGE_TYPE,
                    )
                ),
                # With DescribeConfigurationSets allowed, a list to pick from;
                # without it, the name typed by hand.
                probatio.Optional(CONF_CONFIGURATION_SET): (
                    SelectSelector(
                        SelectSelectorConfig(
                            options=list(config_sets),
                            mode=SelectSelectorMode.DROPDOWN,
                            custom_value=True,
                        )
                    )
                    if config_sets is not None
                    else _TEXT
                ),
                probatio.Optional(CONF_MAX_PRICE): _TEXT,
                # Delivery events and replies (docs/aws/README.md).
                probatio.Optional(CONF_QUEUE_URL): _URL,
                probatio.Optional(CONF_TIME_TO_LIVE): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_TIME_TO_LIVE,
                        max=MAX_TIME_TO_LIVE,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="s",
                    )
                ),
                probatio.Required(
                    CONF_DAILY_SEGMENT_CAP, default=DEFAULT_DAILY_SEGMENT_CAP
                ): NumberSelector(
                    NumberSelectorConfig(min=0, step=1, mode=NumberSelectorMode.BOX)
                ),
                # Calls (aws_eum_x.call) and picture messages.
                probatio.Optional(CONF_VOICE, default=DEFAULT_VOICE): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=voice, label=voice.capitalize())
                            for voice in VOICE_IDS
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                probatio.Required(
                    CONF_DAILY_CALL_MINUTES_CAP, default=0
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
                # The outbox: messages AWS could not be reached for.
                probatio.Required(
                    CONF_KEEP_UNSENT, default=DEFAULT_KEEP_UNSENT_MINUTES
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=24 * 60,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
                # Acknowledgement by reply (needs the queue above).
                probatio.Required(CONF_ACK_WORD, default=DEFAULT_WORD): _TEXT,
                probatio.Required(
                    CONF_ACK_EXPIRY, default=DEFAULT_ACK_EXPIRY_MINUTES
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=1,
                        max=24 * 60,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
                probatio.Required(CONF_ACK_CONFIRM, default=True): BooleanSelector(),
                probatio.Optional(CONF_MEDIA_BUCKET): _TEXT,
                probatio.Optional(
                    CONF_MEDIA_PREFIX, default=DEFAULT_MEDIA_PREFIX
                ): _TEXT,
                probatio.Required(
                    CONF_KEY_ROTATION_DAYS, default=DEFAULT_KEY_ROTATION_DAYS
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=3650,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="d",
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or dict(self.config_entry.options)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_check_queue(
        self, queue_url: str
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Check the queue can be read; return form errors and placeholders."""
        try:
            address = parse_queue_url(queue_url)
        except InvalidQueueUrlError:
            return {CONF_QUEUE_URL: "invalid_queue_url"}, {
                # URLs stay out of translation strings.
                "example_queue_url": (
                    "https://sqs.us-east-1.amazonaws.com/123456789012/aws-eum-x-events"
                )
            }
        connection = None
        try:
            connection = await async_connection(self.hass, self.config_entry.data)
            await QueueClient(connection, address).check()
        except AwsQueueNotFoundError:
            region = address.region or str(self.config_entry.data[CONF_REGION])
            return {CONF_QUEUE_URL: "queue_not_found"}, {"region": region}
        except AwsAccessDeniedError as err:
            return {CONF_QUEUE_URL: "queue_access_denied"}, {"action": err.action}
        except AwsSmsError as err:
            return {CONF_QUEUE_URL: "queue_unreachable"}, {"error": str(err)}
        finally:
            if connection is not None and connection.close_credentials is not None:
                await self.hass.async_add_executor_job(connection.close_credentials)
        return {}, {}

    async def async_step_rate_limits(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Messages per second for each origination identity."""
        inventory = self._inventory()
        identities = inventory.identities if inventory else {}
        # Home Assistant cannot translate field names made at run time, and
        # shows the key: each field is keyed by the identity's device name
        # ("Toll-free number +18885550100", "Pool 2a97c1"), not its raw ID.
        fields = {
            identity.name: identity.origination_identity
            for identity in identities.values()
        }
        if user_input is not None or not identities:
            mps = {
                fields.get(label, label): float(value)
                for label, value in (user_input or {}).items()
            }
            return self.async_create_entry(data={**self._options, CONF_MPS: mps})

        current: dict[str, float] = self.config_entry.options.get(CONF_MPS, {})
        schema = probatio.Schema(
            {
                probatio.Required(
                    identity.name,
                    default=current.get(
                        identity.origination_identity, identity.default_mps
                    ),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0.1,
                        max=1000,
                        step=0.1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="msg/s",
                    )
                )
                for identity in identities.values()
            }
        )
        return self.async_show_form(step_id="rate_limits", data_schema=schema)
