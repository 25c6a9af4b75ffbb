"""The emulated AWS account: credentials, origination identities and limits.

The state is plain data. It loads from a YAML or JSON file whose keys are the
snake_case names of the dataclass fields below; anything left out takes the
value of the demo account, so a state file only states what differs.

Phone numbers, sender IDs, pools, configuration sets, registrations and
verified destination numbers are regional, as in AWS: each has a ``region``
(us-east-1 unless it names another), and a request signed for a region sees
that region's only. Opted-out numbers are the account's, by opt-out list.
"""

import base64
from dataclasses import dataclass, field, fields
import fnmatch
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, Protocol, Self

import yaml

from .basics import (
    DEFAULT_REGION,
    DEMO_CREATED as _DEMO_CREATED,
    E164_RE as _E164_RE,
    StateError,
    build as _build,
    check_region,
    stable_id as _stable_id,
)
from .media import DEFAULT_MEDIA_MESSAGE_PRICES
from .records import (
    DEMO_TOLL_FREE_REGISTRATION_ID,
    Registration,
    VerifiedDestinationNumber,
    demo_registrations,
    verified_destination,
)
from .simulator import CALL_OUTCOMES, MEDIA_EVENT_TYPES, TEXT_EVENT_TYPES
from .voice import DEFAULT_CALL_DURATION_SECONDS, DEFAULT_VOICE_MINUTE_PRICES

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

DEMO_ACCOUNT_ID = "123456789012"
# AWS's documented example key pair: never a real credential.
DEMO_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DEMO_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105
# The IAM user the demo key belongs to (AccessKey's default user name).
DEMO_USER_ARN = f"arn:aws:iam::{DEMO_ACCOUNT_ID}:user/home-assistant"
# A role in a second account that the demo user may assume, so that the
# integration's role method (and, through the container-credentials
# endpoint, its default chain) can be tried without writing a state file.
# Another account than the key's: its entry can sit next to the key's.
DEMO_ROLE_ACCOUNT_ID = "210987654321"
DEMO_ROLE_NAME = "aws-eum-x-demo"
DEMO_ROLE_ARN = f"arn:aws:iam::{DEMO_ROLE_ACCOUNT_ID}:role/{DEMO_ROLE_NAME}"

# Messages per second per origination identity when the state gives none.
# Source: AWS End User Messaging SMS user guide, "MPS limits". A US 10DLC
# number is 1 MPS, toll-free 3, short code 100; long codes elsewhere 10.
DEFAULT_MPS_BY_NUMBER_TYPE = {
    "SHORT_CODE": 100.0,
    "TOLL_FREE": 3.0,
    "TEN_DLC": 1.0,
    "LONG_CODE": 10.0,
    "SIMULATOR": 1.0,
}
# Canadian long codes are limited to 1 MPS; everywhere else 10.
_ONE_MPS_LONG_CODE_COUNTRIES = frozenset({"CA"})
DEFAULT_SENDER_ID_MPS = 10.0
# DryRun requests are limited to 5 MPS, or the identity's MPS when lower.
DRY_RUN_MPS = 5.0

# Country calling codes for the countries the emulator can route to. The
# first matching prefix wins, so longer prefixes come first where it matters.
CALLING_CODES = {
    "US": "1",
    "CA": "1",
    "GB": "44",
    "DE": "49",
    "FR": "33",
    "AU": "61",
    "IN": "91",
    "NL": "31",
    "ES": "34",
    "IT": "39",
    "IE": "353",
    "NZ": "64",
    "BR": "55",
    "MX": "52",
    "JP": "81",
    # The rest of the voice sandbox's countries (voice.VOICE_COUNTRIES_URL).
    "HK": "852",
    "IL": "972",
    "SG": "65",
    "SE": "46",
}

# Canada and the US share calling code 1; a number is Canadian by its area
# code. The Canadian Numbering Administrator assigns them; this is the list of
# geographic ones by province as copied at
# https://www.places.com.ng/canada-area-code-information/ (Alberta to Yukon).
CANADIAN_AREA_CODES = frozenset(
    {
        "204", "226", "236", "249", "250", "257", "263", "289", "306", "343",
        "354", "365", "367", "368", "382", "387", "403", "416", "418", "428",
        "431", "437", "438", "450", "468", "474", "506", "514", "519", "548",
        "579", "581", "584", "587", "604", "613", "639", "647", "672", "683",
        "705", "709", "742", "753", "778", "780", "782", "807", "819", "825",
        "867", "873", "879", "902", "905", "942",
    }
)  # fmt: skip

# Price of one SMS segment, in USD, by destination country.
DEFAULT_SEGMENT_PRICES = {"US": 0.00883, "CA": 0.00883, "GB": 0.0463, "default": 0.05}


# IAM's limits on a role: its name, its path and how long its sessions last.
ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}")
ROLE_PATH_RE = re.compile(r"/(?:[\w+=,.@-]+/)*")
# The emulator's ARNs are all in the aws partition, roles' included.
ROLE_ARN_RE = re.compile(
    r"arn:aws:iam::(?P<account>\d{12}):role"
    r"(?P<path>/(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,64})"
)
_ACCOUNT_ID_RE = re.compile(r"\d{12}")
MIN_MAX_SESSION_DURATION = 3600
MAX_MAX_SESSION_DURATION = 43200


def role_id(role_arn: str) -> str:
    """Return the role's unique ID (``AROA`` and 17 characters), stable per ARN."""
    digest = base64.b32encode(hashlib.sha256(role_arn.encode()).digest()).decode()
    return f"AROA{digest[:17]}"


class _Regional(Protocol):
    region: str


def in_region[T: _Regional](items: list[T], region: str | None) -> list[T]:
    """Return the items in ``region`` (all of them for None)."""
    return [item for item in items if region is None or item.region == region]


def action_allowed(allowed_actions: list[str] | None, action: str) -> bool:
    """Return whether IAM-style patterns allow ``action`` (None allows all).

    IAM matches action names case-insensitively, with ``*`` and ``?``.
    """
    return allowed_actions is None or any(
        fnmatch.fnmatchcase(action.lower(), pattern.lower())
        for pattern in allowed_actions
    )


def _check_number_map(mapping: Any, name: str, allowed: frozenset[str]) -> None:
    """Reject a map that is not E.164 number -> one of ``allowed``."""
    if not isinstance(mapping, dict):
        raise StateError(f"{name} must map numbers to outcomes")
    for number, outcome in mapping.items():
        if not _E164_RE.fullmatch(str(number)):
            raise StateError(f"{name}: {number!r} is not an E.164 phone number")
        if outcome not in allowed:
            raise StateError(
                f"{name}: {outcome!r} is not one of {', '.join(sorted(allowed))}"
            )


@dataclass
class AccessKey:
    """An IAM user's access key and what that user may call."""

    access_key_id: str
    secret_access_key: str
    user_name: str = "home-assistant"
    # Temporary credentials carry a session token and may expire.
    session_token: str | None = None
    expires: datetime | None = None
    # IAM-style action patterns such as "sms-voice:Describe*"; None allows all.
    allowed_actions: list[str] | None = None
    # The regions its policy allows: a Deny on aws:RequestedRegion for every
    # other region, as in IAM's documented example policy. None: all regions.
    allowed_regions: list[str] | None = None
    # The account the key acts in; None: the state's account.
    account_id: str | None = None
    # Set on a role session's key (from AssumeRole or the container
    # endpoint): the caller is that role's session, not an IAM user.
    role_arn: str | None = None
    role_session_name: str | None = None

    def __repr__(self) -> str:
        """Never show the secret or the session token."""
        return (
            f"AccessKey(access_key_id={self.access_key_id!r}, "
            f"user_name={self.user_name!r})"
        )


@dataclass
class PhoneNumber:
    """An origination phone number the account leases."""

    phone_number: str
    iso_country_code: str
    number_type: str = "LONG_CODE"
    message_type: str = "TRANSACTIONAL"
    capabilities: list[str] = field(default_factory=lambda: ["SMS", "VOICE"])
    status: str = "ACTIVE"
    monthly_leasing_price: str = "1.00"
    two_way_enabled: bool = False
    # Where inbound SMS go: an SNS topic ARN (the emulator publishes there).
    two_way_channel_arn: str | None = None
    two_way_channel_role: str | None = None
    self_managed_opt_outs_enabled: bool = False
    opt_out_list_name: str = "Default"
    international_sending_enabled: bool = False
    deletion_protection_enabled: bool = False
    registration_id: str | None = None
    mps: float | None = None
    phone_number_id: str = ""
    created: datetime = _DEMO_CREATED
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Derive the stable ID from the number when the state gives none."""
        check_region(self.region)
        if not self.phone_number_id:
            self.phone_number_id = _stable_id("phone", self.phone_number)

    @property
    def messages_per_second(self) -> float:
        """Return the MPS AWS grants this number."""
        if self.mps is not None:
            return self.mps
        if (
            self.number_type == "LONG_CODE"
            and self.iso_country_code in _ONE_MPS_LONG_CODE_COUNTRIES
        ):
            return 1.0
        return DEFAULT_MPS_BY_NUMBER_TYPE[self.number_type]


@dataclass
class SenderId:
    """An alphanumeric sender ID."""

    sender_id: str
    iso_country_code: str
    message_types: list[str] = field(default_factory=lambda: ["TRANSACTIONAL"])
    monthly_leasing_price: str = "0.00"
    registered: bool = False
    # Some countries require registration before a sender ID may send.
    registration_required: bool = False
    deletion_protection_enabled: bool = False
    mps: float | None = None
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Reject a region that is none."""
        check_region(self.region)

    @property
    def messages_per_second(self) -> float:
        """Return the MPS AWS grants this sender ID."""
        return self.mps if self.mps is not None else DEFAULT_SENDER_ID_MPS


@dataclass
class Pool:
    """A pool of origination identities, addressed by its pool ID."""

    pool_id: str
    # Phone numbers (E.164 or ID) and sender IDs that belong to the pool.
    members: list[str] = field(default_factory=list)
    status: str = "ACTIVE"
    message_type: str = "TRANSACTIONAL"
    two_way_enabled: bool = False
    two_way_channel_arn: str | None = None
    two_way_channel_role: str | None = None
    self_managed_opt_outs_enabled: bool = False
    opt_out_list_name: str = "Default"
    shared_routes_enabled: bool = False
    deletion_protection_enabled: bool = False
    created: datetime = _DEMO_CREATED
    # Its members are numbers and sender IDs of this region.
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Reject a region that is none."""
        check_region(self.region)


@dataclass
class EventDestination:
    """Where a configuration set sends the events of the messages sent with it.

    Only an SNS destination is published to; CloudWatch Logs and Firehose
    destinations are kept (as the API's structures) and described, not fed.
    """

    name: str
    matching_event_types: list[str]
    enabled: bool = True
    sns_topic_arn: str | None = None
    cloud_watch_logs_destination: dict[str, str] | None = None
    kinesis_firehose_destination: dict[str, str] | None = None


@dataclass
class ConfigurationSet:
    """A configuration set and its event destinations."""

    name: str
    default_message_type: str | None = None
    default_sender_id: str | None = None
    event_destinations: list[EventDestination] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    created: datetime = _DEMO_CREATED
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Build event destinations given as mappings (from a state file)."""
        check_region(self.region)
        self.event_destinations = [
            item
            if isinstance(item, EventDestination)
            else _build(EventDestination, item, f"event_destinations[{index}]")
            for index, item in enumerate(self.event_destinations)
        ]

    def find_event_destination(self, name: str) -> EventDestination | None:
        """Return the event destination with this name."""
        return next((d for d in self.event_destinations if d.name == name), None)


@dataclass
class SpendLimit:
    """A monthly spend limit in whole US dollars, and what was spent."""

    enforced_limit: int
    max_limit: int
    overridden: bool = False
    spent: float = 0.0


@dataclass
class Role:
    """An IAM role that callers may assume with STS.

    ``trusted`` is the trust policy: access key IDs, IAM user names,
    principal ARNs (a user's, a role's for role chaining, or
    ``arn:aws:iam::<account>:root``), account IDs, or ``*``. A role that
    trusts nobody can still hand out container credentials, as a task role
    does. ``credential_lifetime_seconds`` is the emulator's own: it makes
    sessions expire sooner than the DurationSeconds asked for, so a test
    can cross an expiry in seconds.
    """

    name: str
    # The account the role belongs to; None: the state's account.
    account_id: str | None = None
    path: str = "/"
    trusted: list[str] = field(default_factory=list)
    external_id: str | None = None
    # IAM-style action patterns its sessions may call; None allows all.
    allowed_actions: list[str] | None = None
    max_session_duration: int = MIN_MAX_SESSION_DURATION
    credential_lifetime_seconds: float | None = None

    def __post_init__(self) -> None:
        """Reject what IAM would not let a role be."""
        if not ROLE_NAME_RE.fullmatch(self.name):
            raise StateError(f"role name {self.name!r} is not a valid IAM role name")
        if not ROLE_PATH_RE.fullmatch(self.path):
            raise StateError(f"role path {self.path!r} must be / or /a/b/")
        if self.account_id is not None and not _ACCOUNT_ID_RE.fullmatch(
            self.account_id
        ):
            raise StateError(f"role account_id {self.account_id!r} is not 12 digits")
        if not (
            MIN_MAX_SESSION_DURATION
            <= self.max_session_duration
            <= MAX_MAX_SESSION_DURATION
        ):
            raise StateError(
                f"role max_session_duration must be {MIN_MAX_SESSION_DURATION} to "
                f"{MAX_MAX_SESSION_DURATION} seconds"
            )
        if (
            self.credential_lifetime_seconds is not None
            and self.credential_lifetime_seconds <= 0
        ):
            raise StateError("role credential_lifetime_seconds must be positive")

    @classmethod
    def from_arn(cls, arn: str, **options: Any) -> Self:
        """Build a role from its ARN (``arn:aws:iam::<account>:role/<path><name>``)."""
        match = ROLE_ARN_RE.fullmatch(arn)
        if match is None:
            raise StateError(f"role arn {arn!r} is not an IAM role ARN")
        return cls(
            name=match["name"],
            account_id=match["account"],
            path=match["path"],
            **options,
        )

    def arn_in(self, default_account_id: str) -> str:
        """Return the role's ARN; a role without an account is in the default."""
        account = self.account_id or default_account_id
        return f"arn:aws:iam::{account}:role{self.path}{self.name}"

    def __repr__(self) -> str:
        """Never show the external ID: it is a shared secret."""
        return f"Role(name={self.name!r}, account_id={self.account_id!r})"


def _build_role(raw: Any, where: str) -> Role:
    """Build a role from a state file, by ``arn`` or by ``name``."""
    if isinstance(raw, dict) and "arn" in raw:
        options = dict(raw)
        arn = options.pop("arn")
        clashing = sorted({"name", "account_id", "path"} & set(options))
        if clashing:
            raise StateError(f"{where}: give arn or {', '.join(clashing)}, not both")
        unknown = sorted(set(options) - {f.name for f in fields(Role)})
        if unknown:
            raise StateError(f"{where}: unknown keys {', '.join(unknown)}")
        try:
            return Role.from_arn(str(arn), **options)
        except StateError as err:
            raise StateError(f"{where}: {err}") from err
    return _build(Role, raw, where)


def _default_spend_limits() -> dict[str, SpendLimit]:
    return {
        "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT": SpendLimit(100, 100, overridden=True),
        "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT": SpendLimit(1, 1),
        "MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT": SpendLimit(1, 1),
        "NOTIFY_MESSAGE_MONTHLY_SPEND_LIMIT": SpendLimit(1, 1),
    }


def _demo_keys() -> list[AccessKey]:
    return [AccessKey(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY)]


def _demo_roles() -> list[Role]:
    # No external ID: the role is the demo user's own, in a second account.
    return [Role.from_arn(DEMO_ROLE_ARN, trusted=[DEMO_USER_ARN])]


def _demo_phone_numbers() -> list[PhoneNumber]:
    """Return the demo's numbers: most in us-east-1, one each in two EU regions.

    The European regions' GB long codes may send internationally, so that an
    entry in either region can text the US numbers the README (and the
    integration's tests of entries in eu-west-1 and eu-west-2) use; every
    other region has no numbers.
    """
    return [
        PhoneNumber(
            phone_number="+18885550100",
            iso_country_code="US",
            number_type="TOLL_FREE",
            # A US toll-free number may send MMS to the US
            # (media.MMS_COUNTRIES_URL).
            capabilities=["SMS", "VOICE", "MMS"],
            monthly_leasing_price="2.00",
            registration_id=DEMO_TOLL_FREE_REGISTRATION_ID,
        ),
        PhoneNumber(
            phone_number="+447700900123",
            iso_country_code="GB",
            number_type="LONG_CODE",
            capabilities=["SMS"],
            monthly_leasing_price="1.00",
            two_way_enabled=True,
        ),
        # In Ofcom's drama range (07700 900000-900999), as the one above.
        PhoneNumber(
            phone_number="+447700900200",
            iso_country_code="GB",
            number_type="LONG_CODE",
            capabilities=["SMS", "VOICE"],
            monthly_leasing_price="1.00",
            international_sending_enabled=True,
            region="eu-west-2",
        ),
        PhoneNumber(
            phone_number="+447700900300",
            iso_country_code="GB",
            number_type="LONG_CODE",
            capabilities=["SMS"],
            monthly_leasing_price="1.00",
            international_sending_enabled=True,
            region="eu-west-1",
        ),
    ]


def _demo_sender_ids() -> list[SenderId]:
    return [SenderId(sender_id="HOMEALERT", iso_country_code="GB")]


def _demo_pools() -> list[Pool]:
    return [
        Pool(
            pool_id=_stable_id("pool", "demo"),
            members=["+18885550100"],
        )
    ]


def _demo_configuration_sets() -> list[ConfigurationSet]:
    return [ConfigurationSet(name="home-alerts", default_message_type="TRANSACTIONAL")]


@dataclass
class AccountState:
    """Everything the emulated account owns and enforces."""

    account_id: str = DEMO_ACCOUNT_ID
    # "PRODUCTION" or "SANDBOX" (AWS reports these in upper case).
    tier: str = "PRODUCTION"
    access_keys: list[AccessKey] = field(default_factory=_demo_keys)
    phone_numbers: list[PhoneNumber] = field(default_factory=_demo_phone_numbers)
    sender_ids: list[SenderId] = field(default_factory=_demo_sender_ids)
    pools: list[Pool] = field(default_factory=_demo_pools)
    configuration_sets: list[ConfigurationSet] = field(
        default_factory=_demo_configuration_sets
    )
    # Registrations of origination identities (a number names its own): the
    # demo toll-free number's, complete.
    registrations: list[Registration] = field(default_factory=demo_registrations)
    # Sandbox accounts may send only to the VERIFIED ones (AWS allows at most
    # 10 a region). A state file may list plain numbers, verified already.
    verified_destinations: list[VerifiedDestinationNumber] = field(default_factory=list)
    # The numbers on the Default opt-out list (a STOP opts the sender out of
    # the list of the number it was sent to) ...
    opted_out: list[str] = field(default_factory=list)
    # ... and those on other opt-out lists, by list name. A list exists in a
    # region while a number or pool there uses it (Default always does).
    opt_out_lists: dict[str, list[str]] = field(default_factory=dict)
    spend_limits: dict[str, SpendLimit] = field(default_factory=_default_spend_limits)
    segment_prices: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_SEGMENT_PRICES)
    )
    # Regions the endpoint accepts in the credential scope; None: all regions.
    regions: list[str] | None = None
    # Enforce each identity's messages per second.
    rate_limits: bool = True
    # Largest allowed difference between the request's clock and ours.
    max_clock_skew_seconds: int = 300
    # Roles callers may assume (STS AssumeRole, the container endpoint).
    roles: list[Role] = field(default_factory=_demo_roles)
    # The Authorization header the container-credentials endpoint requires
    # (AWS_CONTAINER_AUTHORIZATION_TOKEN); None: no header needed.
    container_authorization_token: str | None = None
    # Destination number -> the final event type of messages sent to it
    # (TEXT_BLOCKED, TEXT_TTL_EXPIRED ...). Wins over the simulator numbers;
    # any other number is TEXT_DELIVERED.
    delivery_outcomes: dict[str, str] = field(default_factory=dict)
    # How long after TEXT_PENDING the final event of a message is published
    # (and between the events of a call).
    delivery_delay_seconds: float = 0.2
    # Destination number -> how a call to it ends: answered, no_answer, busy,
    # failed or ttl_expired; any other number answers.
    call_outcomes: dict[str, str] = field(default_factory=dict)
    # How long an answered call lasts (its callDurationInSeconds).
    call_duration_seconds: int = DEFAULT_CALL_DURATION_SECONDS
    # Price of a minute of a call and of an MMS, in USD, by country.
    voice_minute_prices: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_VOICE_MINUTE_PRICES)
    )
    media_message_prices: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_MEDIA_MESSAGE_PRICES)
    )
    # Calls each origination identity may place per second; None: no limit,
    # as AWS documents no default (voice.VOICE_LIMITS_URL). The sandbox's
    # five calls a minute apply whatever this says.
    voice_calls_per_second: float | None = None

    def __post_init__(self) -> None:
        """Reject outcomes, delays and durations the emulator cannot produce."""
        delivery_types = TEXT_EVENT_TYPES | MEDIA_EVENT_TYPES
        _check_number_map(self.delivery_outcomes, "delivery_outcomes", delivery_types)
        _check_number_map(self.call_outcomes, "call_outcomes", CALL_OUTCOMES)
        delay = self.delivery_delay_seconds
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise StateError("delivery_delay_seconds must be a number of seconds >= 0")
        duration = self.call_duration_seconds
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            raise StateError("call_duration_seconds must be a whole number >= 1")
        rate = self.voice_calls_per_second
        if rate is not None and (
            isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0
        ):
            raise StateError("voice_calls_per_second must be a number > 0")
        self.verified_destinations = [
            verified_destination(item, f"verified_destinations[{index}]")
            for index, item in enumerate(self.verified_destinations)
        ]

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Self:
        """Build a state from parsed YAML or JSON."""
        builders: dict[str, type[Any]] = {
            "access_keys": AccessKey,
            "phone_numbers": PhoneNumber,
            "sender_ids": SenderId,
            "pools": Pool,
            "configuration_sets": ConfigurationSet,
            "registrations": Registration,
        }
        data = dict(raw)
        if "roles" in data:
            data["roles"] = [
                _build_role(item, f"roles[{index}]")
                for index, item in enumerate(data["roles"] or [])
            ]
        for key, item_cls in builders.items():
            if key in data:
                data[key] = [
                    _build(item_cls, item, f"{key}[{index}]")
                    for index, item in enumerate(data[key] or [])
                ]
        if "spend_limits" in data:
            limits = _default_spend_limits()
            for name, limit in (data["spend_limits"] or {}).items():
                if name not in limits:
                    raise StateError(f"spend_limits: unknown limit {name}")
                limits[name] = _build(SpendLimit, limit, f"spend_limits.{name}")
            data["spend_limits"] = limits
        state = _build(cls, data, "state")
        state.tier = state.tier.upper()
        if state.tier not in ("PRODUCTION", "SANDBOX"):
            raise StateError(f"tier must be PRODUCTION or SANDBOX, not {state.tier}")
        return state

    @classmethod
    def from_file(cls, path: Path) -> Self:
        """Load a YAML or JSON state file (JSON is a subset of YAML)."""
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        return cls.from_dict(raw or {})

    # -- look-ups ---------------------------------------------------------

    def key(self, access_key_id: str) -> AccessKey | None:
        """Return the access key with this ID."""
        return next(
            (k for k in self.access_keys if k.access_key_id == access_key_id), None
        )

    def role_arn(self, role: Role) -> str:
        """Return a role's ARN (in this account unless it names another)."""
        return role.arn_in(self.account_id)

    def find_role(self, arn: str) -> Role | None:
        """Return the role with this ARN."""
        return next((r for r in self.roles if self.role_arn(r) == arn), None)

    def find_role_by_name(self, name: str) -> Role | None:
        """Return the first role with this name, in whichever account."""
        return next((r for r in self.roles if r.name == name), None)

    def find_phone_number(
        self, ref: str, region: str | None = None
    ) -> PhoneNumber | None:
        """Find a phone number by E.164 number, ID or ARN (in ``region``, or any)."""
        for number in in_region(self.phone_numbers, region):
            if ref in (number.phone_number, number.phone_number_id):
                return number
            if ref.endswith(f":phone-number/{number.phone_number_id}"):
                return number
        return None

    def find_sender_id(self, ref: str, region: str | None = None) -> SenderId | None:
        """Find a sender ID by its text or ARN (in ``region``, or any)."""
        for sender in in_region(self.sender_ids, region):
            if ref == sender.sender_id or ref.endswith(
                f":sender-id/{sender.sender_id}/{sender.iso_country_code}"
            ):
                return sender
        return None

    def find_pool(self, ref: str, region: str | None = None) -> Pool | None:
        """Find a pool by ID or ARN (in ``region``, or any)."""
        for pool in in_region(self.pools, region):
            if ref == pool.pool_id or ref.endswith(f":pool/{pool.pool_id}"):
                return pool
        return None

    def find_configuration_set(
        self, ref: str, region: str | None = None
    ) -> ConfigurationSet | None:
        """Find a configuration set by name or ARN (in ``region``, or any)."""
        for config_set in in_region(self.configuration_sets, region):
            if ref == config_set.name or ref.endswith(
                f":configuration-set/{config_set.name}"
            ):
                return config_set
        return None

    def find_registration(
        self, ref: str, region: str | None = None
    ) -> Registration | None:
        """Find a registration by ID or ARN (in ``region``, or any)."""
        for registration in in_region(self.registrations, region):
            if ref == registration.registration_id or ref.endswith(
                f":registration/{registration.registration_id}"
            ):
                return registration
        return None

    def opt_out_members(self, name: str, *, create: bool = False) -> list[str]:
        """Return the numbers on an opt-out list (the state's own list).

        A list that holds no numbers yet is an empty list, which becomes the
        state's with ``create``.
        """
        if name == "Default":
            return self.opted_out
        if create:
            return self.opt_out_lists.setdefault(name, [])
        return self.opt_out_lists.get(name, [])
