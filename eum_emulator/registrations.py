"""Registrations: DescribeRegistrations and DescribeRegistrationVersions.

The account's registrations are the state's (``records.Registration``), each
in a region, as AWS keeps them; a phone number names its own with
``RegistrationId`` in DescribePhoneNumbers. Creating, editing and
submitting registrations is left to AWS's console: the emulator describes
what the state says, so that a client can show why a number cannot send yet.
"""

from typing import TYPE_CHECKING

from .errors import validation_error
from .operations import (
    Handler,
    Params,
    Result,
    apply_filters,
    arn,
    not_found,
    paginate,
    timestamp,
)
from .records import history_member
from .state import in_region

if TYPE_CHECKING:
    from .records import DeniedReason, Registration, RegistrationVersion
    from .service import SmsVoiceService
    from .sigv4 import Caller

# Each status and what it means (the records' statuses are the model's):
# https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-status.html


def _denied_reason_info(reason: DeniedReason) -> Result:
    info: Result = {
        "Reason": reason.reason,
        "ShortDescription": reason.short_description,
    }
    optional = {
        "LongDescription": reason.long_description,
        "DocumentationTitle": reason.documentation_title,
        "DocumentationLink": reason.documentation_link,
    }
    info.update({key: value for key, value in optional.items() if value is not None})
    return info


def _version_info(version: RegistrationVersion) -> Result:
    info: Result = {
        "VersionNumber": version.version_number,
        "RegistrationVersionStatus": version.status,
        "RegistrationVersionStatusHistory": {
            history_member(status): timestamp(when)
            for status, when in version.history.items()
        },
    }
    if version.denied_reasons:
        info["DeniedReasons"] = [
            _denied_reason_info(reason) for reason in version.denied_reasons
        ]
    if version.feedback is not None:
        info["Feedback"] = version.feedback
    return info


class RegistrationOperations:
    """The registration operations of one emulated account."""

    def __init__(self, service: SmsVoiceService) -> None:
        """Answer for ``service``'s account."""
        self._service = service

    def operations(self) -> dict[str, Handler]:
        """Return the operations this module answers, by name."""
        return {
            "DescribeRegistrations": self.describe_registrations,
            "DescribeRegistrationVersions": self.describe_registration_versions,
        }

    def _find(self, ref: str, region: str) -> Registration:
        registration = self._service.state.find_registration(ref, region)
        if registration is None:
            raise not_found("registration", ref)
        return registration

    def registration_info(self, registration: Registration, caller: Caller) -> Result:
        """Return RegistrationInformation for a registration."""
        info: Result = {
            "RegistrationArn": arn(
                caller, f"registration/{registration.registration_id}"
            ),
            "RegistrationId": registration.registration_id,
            "RegistrationType": registration.registration_type,
            "RegistrationStatus": registration.status,
            "CurrentVersionNumber": registration.current_version_number,
            "CreatedTimestamp": timestamp(registration.created),
        }
        if (approved := registration.approved_version_number) is not None:
            info["ApprovedVersionNumber"] = approved
        if (denied := registration.latest_denied_version_number) is not None:
            info["LatestDeniedVersionNumber"] = denied
        if registration.additional_attributes:
            info["AdditionalAttributes"] = dict(registration.additional_attributes)
        return info

    def describe_registrations(self, params: Params, caller: Caller) -> Result:
        """DescribeRegistrations: by ID or ARN, by type and status, paged."""
        wanted = params.get("RegistrationIds")
        registrations = (
            [self._find(ref, caller.region) for ref in wanted]
            if wanted
            else in_region(self._service.state.registrations, caller.region)
        )
        registrations = apply_filters(
            registrations,
            params.get("Filters", []),
            {
                "registration-type": lambda r: [r.registration_type],
                "registration-status": lambda r: [r.status],
            },
        )
        items = [self.registration_info(r, caller) for r in registrations]
        return paginate("DescribeRegistrations", "Registrations", items, params)

    def describe_registration_versions(self, params: Params, caller: Caller) -> Result:
        """DescribeRegistrationVersions: a registration's versions, newest first.

        A version number the registration does not have is the model's
        ValidationException reason UNKNOWN_REGISTRATION_VERSION.
        """
        registration = self._find(params["RegistrationId"], caller.region)
        versions = list(reversed(registration.versions))
        if wanted := params.get("VersionNumbers"):
            missing = [n for n in wanted if registration.version(n) is None]
            if missing:
                raise validation_error(
                    f"Registration {registration.registration_id} has no version "
                    f"{missing[0]}.",
                    reason="UNKNOWN_REGISTRATION_VERSION",
                )
            versions = [v for v in versions if v.version_number in wanted]
        versions = apply_filters(
            versions,
            params.get("Filters", []),
            {"registration-version-status": lambda v: [v.status]},
        )
        page = paginate(
            "DescribeRegistrationVersions",
            "RegistrationVersions",
            [_version_info(v) for v in versions],
            params,
        )
        return {
            "RegistrationArn": arn(
                caller, f"registration/{registration.registration_id}"
            ),
            "RegistrationId": registration.registration_id,
        } | page
