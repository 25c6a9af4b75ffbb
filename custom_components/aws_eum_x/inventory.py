"""What an account owns, as the integration uses it: pure logic, no I/O.

An *origination identity* is anything a message can be sent from: a phone
number, a sender ID or a pool. This module gives them one shape, a stable
key, and the messages-per-second AWS grants each by default.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from propcache.api import cached_property

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .aws_models import (
        PhoneNumberInfo,
        PoolInfo,
        RegistrationInfo,
        SenderIdInfo,
        SpendLimit,
    )

type IdentityKind = Literal["phone_number", "sender_id", "pool"]

# Default messages per second, from the AWS End User Messaging SMS user guide
# ("MPS limits"): US/CA short codes 100, US 10DLC 1 per number, US toll-free 3,
# Canadian long codes 1, long codes elsewhere 10. Simulator numbers behave as
# 10DLC numbers. AWS documents no figure for sender IDs; they use the
# international routes of long codes, so they get the same 10.
DEFAULT_MPS_BY_NUMBER_TYPE: Final = {
    "SHORT_CODE": 100.0,
    "TEN_DLC": 1.0,
    "TOLL_FREE": 3.0,
    "LONG_CODE": 10.0,
    "SIMULATOR": 1.0,
}
CANADIAN_LONG_CODE_MPS: Final = 1.0
# What each kind of phone number is called on its device.
NUMBER_TYPE_LABELS: Final = {
    "SHORT_CODE": "Short code",
    "TEN_DLC": "US 10DLC number",
    "TOLL_FREE": "Toll-free number",
    "LONG_CODE": "Long code",
    "SIMULATOR": "Simulator number",
}
DEFAULT_SENDER_ID_MPS: Final = 10.0
# A pool with no member numbers in the inventory: the most cautious rate.
DEFAULT_POOL_MPS: Final = 1.0


def phone_number_mps(number: PhoneNumberInfo) -> float:
    """Return the default messages per second of a phone number."""
    if number.number_type == "LONG_CODE" and number.iso_country_code == "CA":
        return CANADIAN_LONG_CODE_MPS
    return DEFAULT_MPS_BY_NUMBER_TYPE.get(number.number_type, 1.0)


@dataclass(frozen=True, kw_only=True)
class OriginIdentity:
    """A phone number, sender ID or pool, as a device and a send origin."""

    key: str
    kind: IdentityKind
    # What SendTextMessage accepts as OriginationIdentity for it.
    origination_identity: str
    arn: str
    name: str
    status: str
    default_mps: float
    model: str
    monthly_leasing_price: float | None
    two_way_enabled: bool | None
    # A phone number whose replies reach the two-way channel: its own
    # setting or its pool's (a pool's two-way settings apply to its numbers).
    receives_messages: bool = False
    # SMS, VOICE, MMS: what AWS lets the identity do. A pool can do what any
    # of its numbers can (AWS picks a capable member for each message).
    capabilities: frozenset[str] = frozenset({"SMS"})
    # A phone number's registration (carriers block a US toll-free or 10DLC
    # number until it is complete): its ID, and what AWS said of it (None
    # when the key may not read registrations).
    registration_id: str | None = None
    registration: RegistrationInfo | None = None


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """Everything the coordinator fetched in one refresh.

    Optional reads the keys may not call are None, and their IAM actions are
    listed in ``denied_actions``.
    """

    phone_numbers: tuple[PhoneNumberInfo, ...]
    sender_ids: tuple[SenderIdInfo, ...]
    pools: tuple[PoolInfo, ...] | None
    account_tier: str | None
    text_spend_limit: SpendLimit | None
    configuration_sets: tuple[str, ...] | None
    denied_actions: tuple[str, ...] = ()
    # The phone numbers' registrations by ID; None: not readable.
    registrations: Mapping[str, RegistrationInfo] | None = None
    # The recipients' numbers on an opt-out list of the entry's numbers;
    # None: not readable.
    opted_out: frozenset[str] | None = None
    # In the SMS sandbox: the verified destination numbers; None in
    # production, or when the key may not read them.
    verified_destinations: frozenset[str] | None = None

    @property
    def in_sandbox(self) -> bool:
        """Whether the account is in the SMS sandbox (verified numbers only)."""
        return self.account_tier == "SANDBOX"

    @cached_property
    def identities(self) -> dict[str, OriginIdentity]:
        """Return every origination identity by its stable key."""
        found: dict[str, OriginIdentity] = {}
        two_way_pools = {p.pool_id for p in self.pools or () if p.two_way_enabled}
        for number in self.phone_numbers:
            found[number.phone_number_id] = OriginIdentity(
                key=number.phone_number_id,
                kind="phone_number",
                origination_identity=number.phone_number,
                arn=number.arn,
                # A word first, so entity IDs read "sensor.toll_free_number_1888…".
                name=f"{_number_label(number)} {number.phone_number}",
                status=number.status.lower(),
                default_mps=phone_number_mps(number),
                model=_number_label(number),
                monthly_leasing_price=_price(number.monthly_leasing_price),
                two_way_enabled=number.two_way_enabled,
                receives_messages=bool(number.two_way_enabled)
                or number.pool_id in two_way_pools,
                capabilities=frozenset(number.capabilities),
                registration_id=number.registration_id,
                registration=(self.registrations or {}).get(
                    number.registration_id or ""
                ),
            )
        for sender in self.sender_ids:
            found[sender.key] = OriginIdentity(
                key=sender.key,
                kind="sender_id",
                origination_identity=sender.sender_id,
                arn=sender.arn,
                name=f"Sender ID {sender.sender_id} ({sender.iso_country_code})",
                status="registered" if sender.registered else "unregistered",
                default_mps=DEFAULT_SENDER_ID_MPS,
                model="Sender ID",
                monthly_leasing_price=_price(sender.monthly_leasing_price),
                two_way_enabled=None,
            )
        for pool in self.pools or ():
            numbers = [n for n in self.phone_numbers if n.pool_id == pool.pool_id]
            members = [phone_number_mps(n) for n in numbers]
            found[pool.pool_id] = OriginIdentity(
                key=pool.pool_id,
                kind="pool",
                origination_identity=pool.pool_id,
                arn=pool.arn,
                # DescribePools gives no name; the ID's end is stable (a count
                # of members in the name would rename entity IDs as it changes).
                name=pool_label(pool.pool_id),
                status=pool.status.lower(),
                # AWS picks any member for a message: only the slowest is safe.
                default_mps=min(members, default=DEFAULT_POOL_MPS),
                model="Pool",
                monthly_leasing_price=None,
                two_way_enabled=pool.two_way_enabled,
                capabilities=frozenset().union(*(n.capabilities for n in numbers)),
            )
        return found

    def find_identity(self, value: str) -> OriginIdentity | None:
        """Find an identity by what a user may type: number, ID, ARN or key."""
        for identity in self.identities.values():
            if value in (
                identity.key,
                identity.origination_identity,
                identity.arn,
            ):
                return identity
        return None


def pool_label(pool_id: str) -> str:
    """Name a pool as its device does: "Pool 2a97c1" (the ID's last 6 characters).

    AWS pool IDs are "pool-" and 32 hexadecimal digits; the AWS console lists
    them by ID, so the end of it finds the pool there.
    """
    return f"Pool {pool_id.removeprefix('pool-')[-6:]}"


def number_label(number_type: str) -> str:
    """Name a kind of phone number in words: "Toll-free number"."""
    return NUMBER_TYPE_LABELS.get(number_type, "Phone number")


def _number_label(number: PhoneNumberInfo) -> str:
    return number_label(number.number_type)


def _price(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
