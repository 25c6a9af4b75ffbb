"""Add a recipient; in the SMS sandbox, verify their number first.

A new account can text only its verified destination numbers (and AWS's
simulators) until it has production access. While the account is in the
sandbox, adding a recipient verifies the number as AWS's console does:
CreateVerifiedDestinationNumber (or the one that exists),
SendDestinationNumberVerificationCode by text or voice, then the code the
recipient received, VerifyDestinationNumber. In production none of this
shows.
"""

from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import CONF_NAME
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .aws_errors import AwsAccessDeniedError, AwsRequestError, AwsSmsError
from .const import CONF_CALL_CRITICAL, CONF_PHONE_NUMBER, LOGGER
from .phone import InvalidPhoneNumberError, to_e164

if TYPE_CHECKING:
    from .coordinator import AwsSmsConfigEntry

VERIFIED: Final = "VERIFIED"
CONF_CHANNEL: Final = "channel"
CONF_CODE: Final = "code"
CHANNELS: Final = ["text", "voice"]
# AWS's refusals of the verification steps, by error reason, as form errors.
_VERIFICATION_ERRORS: Final = {
    "VERIFICATION_CODE_MISMATCH": "wrong_code",
    "VERIFICATION_CODE_EXPIRED": "code_expired",
    "VERIFICATION_ATTEMPTS_PER_DAY": "too_many_attempts",
    "VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT": "too_many_verified",
}


class RecipientSubentryFlow(ConfigSubentryFlow):
    """Add a recipient: a name and a phone number (verified in the sandbox)."""

    _recipient: dict[str, Any]
    _destination_id: str

    def _entry(self) -> AwsSmsConfigEntry:
        entry: AwsSmsConfigEntry = self._get_entry()
        return entry

    def _in_sandbox(self) -> bool:
        runtime = getattr(self._entry(), "runtime_data", None)
        inventory = runtime.coordinator.data if runtime is not None else None
        return inventory is not None and inventory.in_sandbox

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for the recipient and check the number."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                number = to_e164(
                    user_input[CONF_PHONE_NUMBER], self.hass.config.country
                )
            except InvalidPhoneNumberError:
                errors[CONF_PHONE_NUMBER] = "invalid_phone_number"
            else:
                for subentry in self._entry().subentries.values():
                    if subentry.unique_id == number:
                        return self.async_abort(reason="already_configured")
                self._recipient = {
                    CONF_NAME: user_input[CONF_NAME],
                    CONF_PHONE_NUMBER: number,
                    CONF_CALL_CRITICAL: bool(user_input.get(CONF_CALL_CRITICAL, False)),
                }
                if self._in_sandbox():
                    return await self.async_step_verify_number()
                return self._create()
        schema = probatio.Schema(
            {
                probatio.Required(CONF_NAME): TextSelector(),
                probatio.Required(CONF_PHONE_NUMBER): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.TEL)
                ),
                probatio.Optional(CONF_CALL_CRITICAL): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_verify_number(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Sandbox: have AWS send the number a code, by text or voice."""
        client = self._entry().runtime_data.client
        number = self._recipient[CONF_PHONE_NUMBER]
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                known = await client.verified_destinations()
                if number in known and known[number][1] == VERIFIED:
                    return self._create()
                if number in known:
                    self._destination_id = known[number][0]
                else:
                    self._destination_id = await client.create_verified_destination(
                        number
                    )
                await client.send_verification_code(
                    self._destination_id, user_input[CONF_CHANNEL].upper()
                )
            except AwsSmsError as err:
                errors["base"] = _form_error(err)
            else:
                return await self.async_step_verification_code()
        return self.async_show_form(
            step_id="verify_number",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_CHANNEL, default="text"): SelectSelector(
                        SelectSelectorConfig(
                            options=CHANNELS, translation_key=CONF_CHANNEL
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders={"number": number},
        )

    async def async_step_verification_code(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Sandbox: the code the recipient received."""
        errors: dict[str, str] = {}
        if user_input is not None:
            client = self._entry().runtime_data.client
            try:
                status = await client.verify_destination(
                    self._destination_id, str(user_input[CONF_CODE]).strip()
                )
            except AwsSmsError as err:
                errors["base"] = _form_error(err)
            else:
                if status == VERIFIED:
                    await self._entry().runtime_data.coordinator.async_request_refresh()
                    return self._create()
                errors["base"] = "wrong_code"
        return self.async_show_form(
            step_id="verification_code",
            data_schema=probatio.Schema({probatio.Required(CONF_CODE): TextSelector()}),
            errors=errors,
            description_placeholders={"number": self._recipient[CONF_PHONE_NUMBER]},
        )

    def _create(self) -> SubentryFlowResult:
        recipient = self._recipient
        return self.async_create_entry(
            title=recipient[CONF_NAME],
            data={
                CONF_PHONE_NUMBER: recipient[CONF_PHONE_NUMBER],
                CONF_CALL_CRITICAL: recipient[CONF_CALL_CRITICAL],
            },
            unique_id=recipient[CONF_PHONE_NUMBER],
        )


def _form_error(err: AwsSmsError) -> str:
    """Return the form error of a refused verification step."""
    if isinstance(err, AwsAccessDeniedError):
        return "verification_denied"
    if isinstance(err, AwsRequestError) and err.reason in _VERIFICATION_ERRORS:
        return _VERIFICATION_ERRORS[err.reason]
    LOGGER.warning("AWS refused a verification step: %s", err)
    return "verification_failed"
