"""What AWS End User Messaging SMS says the account holds, as frozen dataclasses.

Built from the service's JSON by api.py's client: phone numbers, sender IDs,
pools, registrations and spend limits. Like api.py, it imports nothing from
Home Assistant.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from types_aiobotocore_pinpoint_sms_voice_v2.type_defs import (
        PhoneNumberInformationTypeDef,
        PoolInformationTypeDef,
        SenderIdInformationTypeDef,
    )


@dataclass(frozen=True, kw_only=True)
class PhoneNumberInfo:
    """An origination phone number."""

    phone_number_id: str
    arn: str
    phone_number: str
    status: str
    iso_country_code: str
    number_type: str
    message_type: str
    capabilities: tuple[str, ...]
    monthly_leasing_price: str
    two_way_enabled: bool
    pool_id: str | None
    # The registration carriers require before they deliver (US toll-free,
    # 10DLC), and the opt-out list STOP replies go to.
    registration_id: str | None = None
    opt_out_list_name: str = "Default"

    @classmethod
    def from_api(cls, item: PhoneNumberInformationTypeDef) -> Self:
        """Build from a PhoneNumberInformation item."""
        return cls(
            phone_number_id=item.get("PhoneNumberId") or item["PhoneNumberArn"],
            arn=item["PhoneNumberArn"],
            phone_number=item["PhoneNumber"],
            status=item["Status"],
            iso_country_code=item["IsoCountryCode"],
            number_type=item["NumberType"],
            message_type=item["MessageType"],
            capabilities=tuple(item.get("NumberCapabilities", ())),
            monthly_leasing_price=item.get("MonthlyLeasingPrice", "0"),
            two_way_enabled=bool(item.get("TwoWayEnabled", False)),
            pool_id=item.get("PoolId"),
            registration_id=item.get("RegistrationId"),
            opt_out_list_name=item.get("OptOutListName") or "Default",
        )


@dataclass(frozen=True)
class DeniedReason:
    """Why AWS denied a registration version, in AWS's words."""

    reason: str
    short_description: str
    long_description: str
    documentation_link: str | None


@dataclass(frozen=True, kw_only=True)
class RegistrationInfo:
    """A registration (US toll-free, 10DLC brand or campaign ...)."""

    registration_id: str
    arn: str
    registration_type: str
    # AWS's RegistrationStatus, lower case: complete, requires_updates ...
    status: str
    latest_denied_version: int | None
    denied_reasons: tuple[DeniedReason, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SenderIdInfo:
    """An alphanumeric sender ID, registered per country."""

    sender_id: str
    arn: str
    iso_country_code: str
    message_types: tuple[str, ...]
    monthly_leasing_price: str
    registered: bool

    @property
    def key(self) -> str:
        """Return an ID unique in the account: a sender ID is per country."""
        return f"{self.sender_id}/{self.iso_country_code}"

    @classmethod
    def from_api(cls, item: SenderIdInformationTypeDef) -> Self:
        """Build from a SenderIdInformation item."""
        return cls(
            sender_id=item["SenderId"],
            arn=item["SenderIdArn"],
            iso_country_code=item["IsoCountryCode"],
            message_types=tuple(item.get("MessageTypes", ())),
            monthly_leasing_price=item.get("MonthlyLeasingPrice", "0"),
            registered=bool(item.get("Registered", False)),
        )


@dataclass(frozen=True, kw_only=True)
class PoolInfo:
    """A pool of origination identities."""

    pool_id: str
    arn: str
    status: str
    message_type: str
    two_way_enabled: bool
    shared_routes_enabled: bool

    @classmethod
    def from_api(cls, item: PoolInformationTypeDef) -> Self:
        """Build from a PoolInformation item."""
        return cls(
            pool_id=item["PoolId"],
            arn=item["PoolArn"],
            status=item["Status"],
            message_type=item["MessageType"],
            two_way_enabled=bool(item.get("TwoWayEnabled", False)),
            shared_routes_enabled=bool(item.get("SharedRoutesEnabled", False)),
        )


@dataclass(frozen=True)
class SpendLimit:
    """A monthly spend limit, in whole US dollars."""

    enforced_limit: int
    max_limit: int
    overridden: bool
