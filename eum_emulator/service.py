"""The emulated ``pinpoint-sms-voice-v2`` operations.

Each operation takes the parsed JSON request and the authenticated caller and
returns the output shape as JSON-ready data, or raises :class:`AwsError`.
Numbers, sender IDs, pools and configuration sets are looked up in the
region the request was signed for, as AWS keeps them per region.
Requests are validated against botocore's service model first, so the
emulator rejects what AWS rejects and accepts what AWS accepts.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
import threading
import time
from typing import TYPE_CHECKING, Any
import uuid

import botocore.session

from .basics import E164_RE as _E164_RE
from .delivery import (
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    PlannedDelivery,
    SentMessage,
    inbound_payload,
    keyword_of,
)
from .errors import AwsError, InboundError, validation_error
from .media import MediaFile, mms_allowed
from .operations import (
    SIGNING_NAME,
    Handler,
    Params,
    Result,
    apply_filters as _apply_filters,
    arn as _resource_arn,
    destination_country,
    e164 as _e164,
    flag as _flag,
    not_found as _not_found,
    paginate as _paginate,
    present as _present,
    timestamp as _timestamp,
)
from .opt_outs import OptOutOperations
from .outbox import OutboxMessage
from .registrations import RegistrationOperations
from .segments import count_segments
from .sigv4 import authorize
from .simulator import (
    CALL_EVENTS,
    PENDING_EVENT,
    call_outcome,
    delivery_outcome,
    is_simulator_number,
)
from .state import (
    CALLING_CODES,
    DRY_RUN_MPS,
    AccountState,
    ConfigurationSet,
    EventDestination,
    PhoneNumber,
    Pool,
    SenderId,
    action_allowed,
    in_region,
)
from .validation import validate_input
from .verification import VerificationOperations
from .voice import (
    BODY_LIMITS,
    DEFAULT_BODY_TEXT_TYPE,
    DEFAULT_TIME_TO_LIVE_SECONDS,
    DEFAULT_VOICE_ID,
    SANDBOX_CALL_RATE_WINDOW_SECONDS,
    SANDBOX_CALLS_PER_MINUTE,
    SANDBOX_CALLS_PER_RECIPIENT,
    SANDBOX_COUNTRIES as VOICE_SANDBOX_COUNTRIES,
    SANDBOX_RECIPIENT_WINDOW_SECONDS,
    billed_minutes,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.model import OperationModel, ServiceModel

    from .sigv4 import Caller

SERVICE_NAME = "pinpoint-sms-voice-v2"
# CreateEventDestination: "Each configuration set can contain between 0 and
# 5 event destinations" (the API reference, as botocore's model quotes it).
MAX_EVENT_DESTINATIONS = 5
# The SMS/MMS sandbox: "You can send SMS and MMS messages only to verified
# destination phone numbers", with a $1.00 monthly spend limit for each.
SANDBOX_URL = "https://docs.aws.amazon.com/sms-voice/latest/userguide/sandbox.html"
# The only parameters send-media-message requires are the destination and
# the origination identity: leave out the media URLs for a text-only MMS, or
# the message body for a media-only one.
SEND_MMS_URL = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/send-mms-message.html"
)
# What a message of each capability asks of its origination identity.
_CAPABILITY_VERBS = {"SMS": "send SMS", "MMS": "send MMS", "VOICE": "place calls"}
# Spend limit -> the channel its MONTHLY_SPEND_LIMIT_REACHED_FOR_ reason names.
_SPEND_CHANNELS = {
    "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT": "TEXT",
    "MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT": "MEDIA",
    "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT": "VOICE",
}
_DESTINATION_KINDS = (
    ("CloudWatchLogsDestination", "cloud_watch_logs_destination"),
    ("KinesisFirehoseDestination", "kinesis_firehose_destination"),
)


@cache
def service_model() -> ServiceModel:
    """Load botocore's model of the service once per process."""
    session = botocore.session.get_session()
    return session.get_service_model(SERVICE_NAME)


@dataclass(frozen=True)
class InboundSms:
    """An SMS a customer sent to a two-way number: what to publish, and where."""

    inbound_message_id: str
    topic_arn: str
    payload: str


class TokenBucket:
    """Segments per second for one origination identity, as AWS meters them."""

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        """Start full: an idle identity may send a burst of ``rate`` segments."""
        self.rate = rate
        self._clock = clock
        self._tokens = rate
        self._updated = clock()

    def take(self, amount: int) -> bool:
        """Take ``amount`` tokens; False when the identity is over its rate."""
        now = self._clock()
        self._tokens = min(self.rate, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        # A message longer than the burst goes through from a full bucket and
        # leaves it in debt, as a multipart message does on a 1 MPS number.
        if self._tokens >= amount or self._tokens >= self.rate:
            self._tokens -= amount
            return True
        return False


def _price(prices: dict[str, float], country: str | None) -> float:
    return prices.get(country or "", prices.get("default", 0.0))


def _check_max_price(params: Params, parameter: str, price: float, unit: str) -> None:
    """Refuse a send whose price per ``unit`` is over the caller's ``parameter``."""
    if parameter in params and price > float(params[parameter]):
        raise validation_error(
            f"The price per {unit} ({price}) is over {parameter}.",
            reason="PRICE_OVER_THRESHOLD",
        )


def _same_calling_code(country_a: str | None, country_b: str | None) -> bool:
    if country_a is None or country_b is None:
        return False
    return CALLING_CODES.get(country_a) == CALLING_CODES.get(country_b)


class SmsVoiceService:
    """The operations of one emulated account."""

    def __init__(
        self, state: AccountState, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Serve ``state``; ``clock`` meters messages per second."""
        self.state = state
        self.model = service_model()
        self.outbox: list[OutboxMessage] = []
        # Sends refused with ThrottlingException, to check clients' pacing.
        self.throttled = 0
        self.lock = threading.RLock()
        # Told of every accepted message that has events to publish; the
        # server publishes them (after the answer, from its own loop).
        self.delivery_listener: Callable[[PlannedDelivery], None] | None = None
        # Answers whether an SNS topic exists, for UpdatePhoneNumber's and
        # UpdatePool's check of a two-way channel and for inbound SMS; set by
        # create_app to its gateway's. None: every topic exists.
        self.topic_exists: Callable[[str], bool] | None = None
        self._clock = clock
        # The time of day: for verification codes and the opt-out lists'
        # 30 days. A test may replace it to move time on.
        self.wall_clock: Callable[[], datetime] = _utc_now
        self._buckets: dict[tuple[str, bool], TokenBucket] = {}
        # The voice sandbox's calls: clock times per destination, and all.
        self._calls_to: dict[str, list[float]] = {}
        self._recent_calls: list[float] = []
        self.registrations = RegistrationOperations(self)
        self.verification = VerificationOperations(self)
        self.opt_outs = OptOutOperations(self)
        self._operations: dict[str, Handler] = {
            "SendTextMessage": self.send_text_message,
            "SendMediaMessage": self.send_media_message,
            "SendVoiceMessage": self.send_voice_message,
            "DescribePhoneNumbers": self.describe_phone_numbers,
            "DescribeSenderIds": self.describe_sender_ids,
            "DescribePools": self.describe_pools,
            "DescribeAccountAttributes": self.describe_account_attributes,
            "DescribeSpendLimits": self.describe_spend_limits,
            "DescribeConfigurationSets": self.describe_configuration_sets,
            "UpdatePhoneNumber": self.update_phone_number,
            "UpdatePool": self.update_pool,
            "CreateConfigurationSet": self.create_configuration_set,
            "DeleteConfigurationSet": self.delete_configuration_set,
            "CreateEventDestination": self.create_event_destination,
            "UpdateEventDestination": self.update_event_destination,
            "DeleteEventDestination": self.delete_event_destination,
        }
        for extension in (self.registrations, self.verification, self.opt_outs):
            self._operations |= extension.operations()

    # -- dispatch -----------------------------------------------------------

    def operation_model(self, operation: str) -> OperationModel:
        """Return the model of an operation or raise UnknownOperationException."""
        if operation not in self.model.operation_names:
            raise AwsError(
                "UnknownOperationException", f"Unknown operation {operation}"
            )
        return self.model.operation_model(operation)

    def call(self, operation: str, params: Any, caller: Caller) -> Result:
        """Authorize, validate and run one operation."""
        op_model = self.operation_model(operation)
        self._authorize(operation, caller)
        # Every operation of the service has an input shape.
        input_shape = op_model.input_shape
        assert input_shape is not None  # noqa: S101
        validate_input(input_shape, params)
        handler = self._operations.get(operation)
        if handler is None:
            raise AwsError(
                "UnknownOperationException",
                f"The emulator does not implement {operation} yet.",
            )
        with self.lock:
            return handler(params, caller)

    def _authorize(self, operation: str, caller: Caller) -> None:
        authorize(
            caller,
            f"{SIGNING_NAME}:{operation}",
            f"arn:aws:{SIGNING_NAME}:{caller.region}:{caller.account_id}:*",
        )

    # -- ARNs -----------------------------------------------------------------

    def _arn(self, caller: Caller, resource: str) -> str:
        return _resource_arn(caller, resource)

    # -- Describe* ------------------------------------------------------------

    def _select[T](
        self,
        items: list[T],
        wanted: list[str] | None,
        find: Callable[[str], T | None],
        resource_type: str,
    ) -> list[T]:
        """Return the items named by ``wanted`` (all when absent)."""
        if not wanted:
            return list(items)
        selected = []
        for ref in wanted:
            item = find(ref)
            if item is None:
                raise _not_found(resource_type, ref)
            selected.append(item)
        return selected

    def phone_number_info(self, number: PhoneNumber, caller: Caller) -> Result:
        """Return PhoneNumberInformation for a number."""
        pool = self._pool_of(number)
        info: Result = {
            "PhoneNumberArn": self._arn(
                caller, f"phone-number/{number.phone_number_id}"
            ),
            "PhoneNumberId": number.phone_number_id,
            "PhoneNumber": number.phone_number,
            "Status": number.status,
            "IsoCountryCode": number.iso_country_code,
            "MessageType": number.message_type,
            "NumberCapabilities": list(number.capabilities),
            "NumberType": number.number_type,
            "MonthlyLeasingPrice": number.monthly_leasing_price,
            "TwoWayEnabled": number.two_way_enabled,
            "SelfManagedOptOutsEnabled": number.self_managed_opt_outs_enabled,
            "OptOutListName": number.opt_out_list_name,
            "InternationalSendingEnabled": number.international_sending_enabled,
            "DeletionProtectionEnabled": number.deletion_protection_enabled,
            "CreatedTimestamp": _timestamp(number.created),
        }
        info.update(_two_way_channel(number))
        if pool is not None:
            info["PoolId"] = pool.pool_id
        if number.registration_id:
            info["RegistrationId"] = number.registration_id
        return info

    def describe_phone_numbers(self, params: Params, caller: Caller) -> Result:
        """DescribePhoneNumbers."""
        if params.get("Owner") == "SHARED":
            return {"PhoneNumbers": []}
        numbers = self._select(
            in_region(self.state.phone_numbers, caller.region),
            params.get("PhoneNumberIds"),
            lambda ref: self.state.find_phone_number(ref, caller.region),
            "phone-number",
        )
        numbers = _apply_filters(
            numbers,
            params.get("Filters", []),
            {
                "status": lambda n: [n.status],
                "iso-country-code": lambda n: [n.iso_country_code],
                "message-type": lambda n: [n.message_type],
                "number-capability": lambda n: n.capabilities,
                "number-type": lambda n: [n.number_type],
                "two-way-enabled": lambda n: _flag(n.two_way_enabled),
                "self-managed-opt-outs-enabled": lambda n: _flag(
                    n.self_managed_opt_outs_enabled
                ),
                "opt-out-list-name": lambda n: [n.opt_out_list_name],
                "deletion-protection-enabled": lambda n: _flag(
                    n.deletion_protection_enabled
                ),
                "two-way-channel-arn": lambda n: _present(n.two_way_channel_arn),
            },
        )
        items = [self.phone_number_info(n, caller) for n in numbers]
        return _paginate("DescribePhoneNumbers", "PhoneNumbers", items, params)

    def sender_id_info(self, sender: SenderId, caller: Caller) -> Result:
        """Return SenderIdInformation for a sender ID."""
        return {
            "SenderIdArn": self._arn(
                caller, f"sender-id/{sender.sender_id}/{sender.iso_country_code}"
            ),
            "SenderId": sender.sender_id,
            "IsoCountryCode": sender.iso_country_code,
            "MessageTypes": list(sender.message_types),
            "MonthlyLeasingPrice": sender.monthly_leasing_price,
            "DeletionProtectionEnabled": sender.deletion_protection_enabled,
            "Registered": sender.registered,
        }

    def describe_sender_ids(self, params: Params, caller: Caller) -> Result:
        """DescribeSenderIds."""
        if params.get("Owner") == "SHARED":
            return {"SenderIds": []}
        wanted = params.get("SenderIds")
        senders = self._select(
            in_region(self.state.sender_ids, caller.region),
            [f"{s['SenderId']}/{s['IsoCountryCode']}" for s in wanted]
            if wanted
            else None,
            lambda pair: self._find_sender_by_pair(pair, caller.region),
            "sender-id",
        )
        senders = _apply_filters(
            senders,
            params.get("Filters", []),
            {
                "sender-id": lambda s: [s.sender_id],
                "iso-country-code": lambda s: [s.iso_country_code],
                "message-type": lambda s: s.message_types,
                "deletion-protection-enabled": lambda s: _flag(
                    s.deletion_protection_enabled
                ),
                "registered": lambda s: _flag(s.registered),
            },
        )
        items = [self.sender_id_info(s, caller) for s in senders]
        return _paginate("DescribeSenderIds", "SenderIds", items, params)

    def _find_sender_by_pair(self, pair: str, region: str) -> SenderId | None:
        sender_id, _, country = pair.partition("/")
        return next(
            (
                s
                for s in in_region(self.state.sender_ids, region)
                if s.sender_id == sender_id and s.iso_country_code == country
            ),
            None,
        )

    def pool_info(self, pool: Pool, caller: Caller) -> Result:
        """Return PoolInformation for a pool."""
        return {
            "PoolArn": self._arn(caller, f"pool/{pool.pool_id}"),
            "PoolId": pool.pool_id,
            "Status": pool.status,
            "MessageType": pool.message_type,
            "TwoWayEnabled": pool.two_way_enabled,
            "SelfManagedOptOutsEnabled": pool.self_managed_opt_outs_enabled,
            "OptOutListName": pool.opt_out_list_name,
            "SharedRoutesEnabled": pool.shared_routes_enabled,
            "DeletionProtectionEnabled": pool.deletion_protection_enabled,
            "CreatedTimestamp": _timestamp(pool.created),
        } | _two_way_channel(pool)

    def describe_pools(self, params: Params, caller: Caller) -> Result:
        """DescribePools."""
        if params.get("Owner") == "SHARED":
            return {"Pools": []}
        pools = self._select(
            in_region(self.state.pools, caller.region),
            params.get("PoolIds"),
            lambda ref: self.state.find_pool(ref, caller.region),
            "pool",
        )
        pools = _apply_filters(
            pools,
            params.get("Filters", []),
            {
                "status": lambda p: [p.status],
                "message-type": lambda p: [p.message_type],
                "two-way-enabled": lambda p: _flag(p.two_way_enabled),
                "self-managed-opt-outs-enabled": lambda p: _flag(
                    p.self_managed_opt_outs_enabled
                ),
                "opt-out-list-name": lambda p: [p.opt_out_list_name],
                "shared-routes-enabled": lambda p: _flag(p.shared_routes_enabled),
                "deletion-protection-enabled": lambda p: _flag(
                    p.deletion_protection_enabled
                ),
                "two-way-channel-arn": lambda p: _present(p.two_way_channel_arn),
            },
        )
        items = [self.pool_info(p, caller) for p in pools]
        return _paginate("DescribePools", "Pools", items, params)

    def describe_configuration_sets(self, params: Params, caller: Caller) -> Result:
        """DescribeConfigurationSets."""
        sets = self._select(
            in_region(self.state.configuration_sets, caller.region),
            params.get("ConfigurationSetNames"),
            lambda ref: self.state.find_configuration_set(ref, caller.region),
            "configuration-set",
        )
        sets = _apply_filters(
            sets,
            params.get("Filters", []),
            {
                "event-destination-name": lambda c: [
                    d.name for d in c.event_destinations
                ],
                "matching-event-types": lambda c: [
                    t for d in c.event_destinations for t in d.matching_event_types
                ],
                "default-message-type": lambda c: [c.default_message_type or ""],
                "default-sender-id": lambda c: [c.default_sender_id or ""],
                "default-message-feedback-enabled": lambda c: ["false"],
                "protect-configuration-id": lambda c: [],
            },
        )
        items = [self._configuration_set_info(c, caller) for c in sets]
        return _paginate(
            "DescribeConfigurationSets", "ConfigurationSets", items, params
        )

    def _configuration_set_info(
        self, config_set: ConfigurationSet, caller: Caller
    ) -> Result:
        info: Result = {
            "ConfigurationSetArn": self._arn(
                caller, f"configuration-set/{config_set.name}"
            ),
            "ConfigurationSetName": config_set.name,
            "EventDestinations": [
                _event_destination_info(d) for d in config_set.event_destinations
            ],
            "CreatedTimestamp": _timestamp(config_set.created),
        }
        if config_set.default_message_type:
            info["DefaultMessageType"] = config_set.default_message_type
        if config_set.default_sender_id:
            info["DefaultSenderId"] = config_set.default_sender_id
        return info

    def describe_account_attributes(self, params: Params, caller: Caller) -> Result:
        """DescribeAccountAttributes."""
        items = [{"Name": "ACCOUNT_TIER", "Value": self.state.tier}]
        return _paginate(
            "DescribeAccountAttributes", "AccountAttributes", items, params
        )

    def enforced_limit(self, name: str) -> int:
        """Return the limit AWS enforces: a sandbox account is held to $1."""
        limit = self.state.spend_limits[name]
        if self.state.tier == "SANDBOX":
            return min(limit.enforced_limit, 1)
        return limit.enforced_limit

    def describe_spend_limits(self, params: Params, caller: Caller) -> Result:
        """DescribeSpendLimits."""
        items = [
            {
                "Name": name,
                "EnforcedLimit": self.enforced_limit(name),
                "MaxLimit": limit.max_limit,
                "Overridden": limit.overridden,
            }
            for name, limit in self.state.spend_limits.items()
        ]
        return _paginate("DescribeSpendLimits", "SpendLimits", items, params)

    # -- sending: what SendTextMessage, SendMediaMessage, SendVoiceMessage share

    def resolve_origin(
        self,
        ref: str | None,
        country: str | None,
        region: str,
        capability: str = "SMS",
    ) -> tuple[PhoneNumber | SenderId, str]:
        """Return the identity a message leaves from and the key it is metered by.

        Only ``region``'s identities can send. ``capability`` is what the
        message needs of it: SMS, MMS or VOICE.
        """
        state = self.state
        if ref is None:
            return self._pick_origin(
                [
                    *in_region(state.phone_numbers, region),
                    *in_region(state.sender_ids, region),
                ],
                country,
                capability,
            )
        if number := state.find_phone_number(ref, region):
            candidate: PhoneNumber | SenderId = number
        elif sender := state.find_sender_id(ref, region):
            candidate = sender
        elif pool := state.find_pool(ref, region):
            members = [
                found
                for member in pool.members
                if (
                    found := state.find_phone_number(member, region)
                    or state.find_sender_id(member, region)
                )
            ]
            return self._pick_origin(members, country, capability)
        else:
            resource_type = (
                "pool"
                if ref.startswith("pool-") or ":pool/" in ref
                else "phone-number"
                if ref.startswith(("+", "phone-")) or ":phone-number/" in ref
                else "sender-id"
            )
            raise _not_found(resource_type, ref)
        self._check_origin(candidate, country, capability)
        return candidate, _origin_key(candidate)

    def _pick_origin(
        self,
        candidates: list[PhoneNumber | SenderId],
        country: str | None,
        capability: str,
    ) -> tuple[PhoneNumber | SenderId, str]:
        for candidate in candidates:
            try:
                self._check_origin(candidate, country, capability)
            except AwsError:
                continue
            return candidate, _origin_key(candidate)
        raise AwsError(
            "ConflictException",
            "No origination identity is available to send to this destination.",
            Reason="NO_ORIGINATION_IDENTITIES_FOUND",
        )

    def _check_origin(
        self, origin: PhoneNumber | SenderId, country: str | None, capability: str
    ) -> None:
        if isinstance(origin, PhoneNumber):
            self._check_number(origin, country, capability)
            return
        if capability != "SMS":
            # Calls leave from phone numbers (the model's
            # VoiceMessageOriginationIdentity names no sender ID), and no
            # sender ID sends MMS (media.MMS_COUNTRIES_URL).
            raise validation_error(
                f"Sender ID {origin.sender_id} cannot {_CAPABILITY_VERBS[capability]}.",
                reason="SENDER_ID_NOT_SUPPORTED",
            )
        if origin.iso_country_code != country:
            raise validation_error(
                f"Sender ID {origin.sender_id} is not valid for this destination "
                "country.",
                reason="INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
            )
        if origin.registration_required and not origin.registered:
            raise validation_error(
                f"Sender ID {origin.sender_id} must be registered before it can send.",
                reason="SENDER_ID_NOT_REGISTERED",
            )

    def _check_number(
        self, origin: PhoneNumber, country: str | None, capability: str
    ) -> None:
        if origin.status != "ACTIVE":
            raise AwsError(
                "ConflictException",
                f"Phone number {origin.phone_number_id} is not active.",
                Reason="RESOURCE_NOT_ACTIVE",
                ResourceType="phone-number",
                ResourceId=origin.phone_number_id,
            )
        if capability not in origin.capabilities:
            raise AwsError(
                "ConflictException",
                f"Phone number {origin.phone_number_id} cannot "
                f"{_CAPABILITY_VERBS[capability]}.",
                Reason="NUMBER_CAPABILITIES_MISMATCH",
                ResourceType="phone-number",
                ResourceId=origin.phone_number_id,
            )
        if (
            not origin.international_sending_enabled
            and not _same_calling_code(origin.iso_country_code, country)
        ) or (capability == "MMS" and not mms_allowed(country, origin.number_type)):
            raise validation_error(
                f"Phone number {origin.phone_number_id} cannot "
                f"{_CAPABILITY_VERBS[capability]} to this destination country.",
                reason="INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
            )

    def _take_rate(self, key: str, mps: float, segments: int, dry_run: bool) -> None:
        if not self.state.rate_limits:
            return
        rate = min(mps, DRY_RUN_MPS) if dry_run else mps
        bucket = self._buckets.get((key, dry_run))
        if bucket is None:
            bucket = self._buckets[(key, dry_run)] = TokenBucket(rate, self._clock)
        if not bucket.take(segments):
            self.throttled += 1
            raise AwsError("ThrottlingException", "Rate exceeded.")

    def _configuration_set(
        self, params: Params, region: str
    ) -> ConfigurationSet | None:
        """Return the configuration set a send names, or raise that it is unknown."""
        name = params.get("ConfigurationSetName")
        if not name:
            return None
        return self._find_config_set_or_raise(name, region)

    def _check_protect_configuration(self, params: Params) -> None:
        # The emulated account has no protect configurations.
        ref = params.get("ProtectConfigurationId")
        if ref is not None:
            raise _not_found("protect-configuration", ref)

    def _check_opted_out(
        self, destination: str, origin: PhoneNumber | SenderId
    ) -> None:
        """Refuse a destination on the opt-out list of the number it leaves from."""
        list_name = self.opt_outs.list_of(origin)
        if destination in self.state.opt_out_members(list_name):
            raise AwsError(
                "ConflictException",
                "The destination phone number has opted out of receiving messages.",
                Reason="DESTINATION_PHONE_NUMBER_OPTED_OUT",
                ResourceType="opted-out-number",
                ResourceId=destination,
            )

    def _check_verified(
        self, destination: str, region: str, *, simulator_ok: bool
    ) -> None:
        """Refuse an unverified destination while the account is in the sandbox.

        The SMS/MMS sandbox and the voice sandbox alike send "only to
        verified destination phone numbers" (SANDBOX_URL,
        voice.VOICE_SANDBOX_URL). Simulator numbers may be texted without
        verifying them (simulator.PINPOINT_SIMULATOR_URL); AWS says nothing
        of calling them or sending them MMS. A destination is verified when
        it is a VERIFIED verified destination number of the request's region
        (see eum_emulator.verification).
        """
        if (
            self.state.tier == "SANDBOX"
            and not self.verification.is_verified(destination, region)
            and not (simulator_ok and is_simulator_number(destination))
        ):
            raise AwsError(
                "ConflictException",
                "The destination phone number is not verified. Accounts in the "
                "sandbox can only send to verified destination phone numbers.",
                Reason="DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
                ResourceType="verified-destination-number",
                ResourceId=destination,
            )

    def _check_spend(self, name: str, cost: float, dry_run: bool) -> None:
        """Refuse a message once its channel's enforced spend limit is reached."""
        spend = self.state.spend_limits[name]
        limit = self.enforced_limit(name)
        if not dry_run and (spend.spent >= limit or spend.spent + cost > limit):
            channel = _SPEND_CHANNELS[name]
            raise AwsError(
                "ServiceQuotaExceededException",
                f"The monthly spend limit for {channel.lower()} messages has been "
                "reached.",
                Reason=f"MONTHLY_SPEND_LIMIT_REACHED_FOR_{channel}",
            )

    def _plan_delivery(
        self,
        config_set: ConfigurationSet,
        message: SentMessage,
        events: tuple[str, ...],
        media: MediaFile | None = None,
    ) -> None:
        """Hand the message's events to the listener, if anyone wants them."""
        topics = tuple(
            (d.sns_topic_arn, tuple(d.matching_event_types))
            for d in config_set.event_destinations
            if d.enabled and d.sns_topic_arn
        )
        if not topics or self.delivery_listener is None:
            return
        self.delivery_listener(
            PlannedDelivery(
                message=message,
                events=events,
                topics=topics,
                delay_seconds=self.state.delivery_delay_seconds,
                media=media,
            )
        )

    # -- SendTextMessage ------------------------------------------------------

    def send_text_message(self, params: Params, caller: Caller) -> Result:
        """SendTextMessage."""
        destination = _e164(params["DestinationPhoneNumber"])
        body = params.get("MessageBody")
        if body is None:
            raise validation_error(
                "MessageBody is required for a text message.",
                reason="MISSING_PARAMETER",
                Fields=[{"Name": "messageBody", "Message": "Member must not be null"}],
            )
        dry_run = bool(params.get("DryRun", False))
        country = destination_country(destination)
        origin, origin_key = self.resolve_origin(
            params.get("OriginationIdentity"), country, caller.region
        )
        config_set = self._configuration_set(params, caller.region)
        self._check_opted_out(destination, origin)
        self._check_verified(destination, caller.region, simulator_ok=True)

        encoding, segments = count_segments(body)
        price = _price(self.state.segment_prices, country)
        _check_max_price(params, "MaxPrice", price, "message part")
        cost = price * segments
        self._check_spend("TEXT_MESSAGE_MONTHLY_SPEND_LIMIT", cost, dry_run)
        self._take_rate(origin_key, origin.messages_per_second, segments, dry_run)

        message_type = (
            params.get("MessageType")
            or (config_set.default_message_type if config_set else None)
            or "TRANSACTIONAL"
        )
        message_id = str(uuid.uuid4())
        if not dry_run:
            self.state.spend_limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"].spent += cost
        sent_at = datetime.now(UTC)
        self.outbox.append(
            OutboxMessage(
                message_id=message_id,
                operation="SendTextMessage",
                time=sent_at.isoformat(),
                origination_identity=params.get("OriginationIdentity"),
                origin=origin_key,
                destination=destination,
                body=body,
                message_type=message_type,
                encoding=encoding,
                segments=segments,
                price_usd=round(cost, 6),
                dry_run=dry_run,
                access_key_id=caller.key.access_key_id,
                region=caller.region,
                parameters=dict(params),
            )
        )
        if not dry_run and config_set is not None:
            self._plan_delivery(
                config_set,
                self._sent_message(
                    message_id,
                    origin=origin,
                    origin_key=origin_key,
                    destination=destination,
                    country=country,
                    sent_at=sent_at,
                    encoding=encoding,
                    message_type=message_type,
                    parts=segments,
                    price=round(cost, 6),
                    context=dict(params.get("Context", {})),
                ),
                (
                    PENDING_EVENT,
                    delivery_outcome(destination, self.state.delivery_outcomes),
                ),
            )
        return {"MessageId": message_id}

    @staticmethod
    def _sent_message(
        message_id: str,
        *,
        origin: PhoneNumber | SenderId,
        origin_key: str,
        destination: str,
        country: str | None,
        sent_at: datetime,
        **details: Any,
    ) -> SentMessage:
        """Describe a sent text, MMS or call for its event records."""
        return SentMessage(
            message_id=message_id,
            origination=origin_key,
            destination=destination,
            iso_country_code=country,
            international=not _same_calling_code(origin.iso_country_code, country),
            request_time=sent_at,
            **details,
        )

    # -- SendMediaMessage -----------------------------------------------------

    def send_media_message(self, params: Params, caller: Caller) -> Result:
        """SendMediaMessage: an MMS of a text, a media file in S3, or both.

        A DryRun is checked like a send and neither recorded nor published.
        Whether the file can be sent is found out after the answer, as AWS
        does: a missing, unreadable, unsupported or oversized file ends the
        message with a MEDIA_FILE_ event (media.media_problem).
        """
        destination = _e164(params["DestinationPhoneNumber"])
        body = params.get("MessageBody")
        media_urls = list(params.get("MediaUrls", []))
        if body is None and not media_urls:
            # SEND_MMS_URL: either may be left out, not both.
            raise validation_error(
                "A media message needs a MessageBody, MediaUrls or both.",
                reason="MISSING_PARAMETER",
            )
        dry_run = bool(params.get("DryRun", False))
        country = destination_country(destination)
        origin, origin_key = self.resolve_origin(
            params["OriginationIdentity"], country, caller.region, "MMS"
        )
        config_set = self._configuration_set(params, caller.region)
        self._check_protect_configuration(params)
        self._check_opted_out(destination, origin)
        self._check_verified(destination, caller.region, simulator_ok=False)

        price = _price(self.state.media_message_prices, country)
        _check_max_price(params, "MaxPrice", price, "message")
        self._check_spend("MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT", price, dry_run)
        # One MMS is one message against the identity's messages per second:
        # it is never split into parts (media.MMS_LIMITS_URL).
        self._take_rate(origin_key, origin.messages_per_second, 1, dry_run)
        message_id = str(uuid.uuid4())
        if dry_run:
            return {"MessageId": message_id}

        self.state.spend_limits["MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT"].spent += price
        sent_at = datetime.now(UTC)
        self.outbox.append(
            OutboxMessage(
                message_id=message_id,
                operation="SendMediaMessage",
                time=sent_at.isoformat(),
                origination_identity=params["OriginationIdentity"],
                origin=origin_key,
                destination=destination,
                body=body or "",
                message_type="",
                encoding="",
                segments=1,
                price_usd=round(price, 6),
                dry_run=False,
                access_key_id=caller.key.access_key_id,
                region=caller.region,
                parameters=dict(params),
                kind="media",
                media_urls=media_urls,
            )
        )
        if config_set is not None:
            media = (
                MediaFile.from_url(
                    media_urls[0],
                    region=caller.region,
                    readable=action_allowed(caller.key.allowed_actions, "s3:GetObject"),
                )
                if media_urls
                else None
            )
            self._plan_delivery(
                config_set,
                self._sent_message(
                    message_id,
                    origin=origin,
                    origin_key=origin_key,
                    destination=destination,
                    country=country,
                    sent_at=sent_at,
                    channel="media",
                    price=round(price, 6),
                    context=dict(params.get("Context", {})),
                ),
                (
                    "MEDIA_PENDING",
                    delivery_outcome(
                        destination, self.state.delivery_outcomes, "MEDIA"
                    ),
                ),
                media,
            )
        return {"MessageId": message_id}

    # -- SendVoiceMessage -----------------------------------------------------

    def send_voice_message(self, params: Params, caller: Caller) -> Result:
        """SendVoiceMessage: a call that reads the message body out.

        A DryRun is checked like a call and neither recorded nor published.
        The call ends as the state's ``call_outcomes`` say (answered by
        default), and an answered one lasts ``call_duration_seconds``.
        """
        destination = _e164(params["DestinationPhoneNumber"])
        body = params.get("MessageBody")
        if body is None:
            raise validation_error(
                "MessageBody is required for a voice message.",
                reason="MISSING_PARAMETER",
                Fields=[{"Name": "messageBody", "Message": "Member must not be null"}],
            )
        text_type = params.get("MessageBodyTextType", DEFAULT_BODY_TEXT_TYPE)
        limit = BODY_LIMITS[text_type]
        if len(body) > limit:
            # The model allows 6000 characters whatever the type; TEXT is
            # held to 3000 (voice.VOICE_LIMITS_URL), in the model's wording.
            problem = f"Member must have length less than or equal to {limit}"
            raise validation_error(
                "1 validation error detected: Value at 'messageBody' failed to "
                f"satisfy constraint: {problem}",
                Fields=[{"Name": "messageBody", "Message": problem}],
            )
        dry_run = bool(params.get("DryRun", False))
        country = destination_country(destination)
        origin, origin_key = self.resolve_origin(
            params["OriginationIdentity"], country, caller.region, "VOICE"
        )
        config_set = self._configuration_set(params, caller.region)
        self._check_protect_configuration(params)
        sandbox = self.state.tier == "SANDBOX"
        if sandbox and country not in VOICE_SANDBOX_COUNTRIES:
            raise validation_error(
                "Accounts in the voice sandbox can only call destinations in "
                f"{', '.join(sorted(VOICE_SANDBOX_COUNTRIES))}.",
                reason="DESTINATION_COUNTRY_BLOCKED",
            )
        self._check_verified(destination, caller.region, simulator_ok=False)

        outcome = call_outcome(destination, self.state.call_outcomes)
        duration = self.state.call_duration_seconds if outcome == "answered" else 0
        price = _price(self.state.voice_minute_prices, country)
        _check_max_price(params, "MaxPricePerMinute", price, "minute")
        cost = round(price * billed_minutes(duration), 6)
        self._check_spend("VOICE_MESSAGE_MONTHLY_SPEND_LIMIT", cost, dry_run)
        if sandbox and not dry_run:
            self._check_sandbox_calls(destination)
        self._take_call_rate(origin_key, dry_run)
        message_id = str(uuid.uuid4())
        if dry_run:
            return {"MessageId": message_id}

        if sandbox:
            self._record_sandbox_call(destination)
        self.state.spend_limits["VOICE_MESSAGE_MONTHLY_SPEND_LIMIT"].spent += cost
        sent_at = datetime.now(UTC)
        self.outbox.append(
            OutboxMessage(
                message_id=message_id,
                operation="SendVoiceMessage",
                time=sent_at.isoformat(),
                origination_identity=params["OriginationIdentity"],
                origin=origin_key,
                destination=destination,
                body=body,
                message_type="",
                encoding="",
                segments=0,
                price_usd=cost,
                dry_run=False,
                access_key_id=caller.key.access_key_id,
                region=caller.region,
                parameters=dict(params),
                kind="voice",
                voice_id=params.get("VoiceId", DEFAULT_VOICE_ID),
                body_text_type=text_type,
                time_to_live=params.get("TimeToLive", DEFAULT_TIME_TO_LIVE_SECONDS),
                call_outcome=outcome,
                call_duration_seconds=duration,
            )
        )
        if config_set is not None:
            self._plan_delivery(
                config_set,
                self._sent_message(
                    message_id,
                    origin=origin,
                    origin_key=origin_key,
                    destination=destination,
                    country=country,
                    sent_at=sent_at,
                    channel="voice",
                    price=cost,
                    context=dict(params.get("Context", {})),
                    call_duration_seconds=duration,
                ),
                CALL_EVENTS[outcome],
            )
        return {"MessageId": message_id}

    def _check_sandbox_calls(self, destination: str) -> None:
        """Hold a sandbox account to its calls per recipient and per minute.

        voice.VOICE_SANDBOX_URL: five calls to one recipient in 24 hours
        (the model's DAILY_DESTINATION_CALL_LIMIT) and five calls a minute.
        The 20 calls a day and the 30-second message length are not enforced.
        """
        now = self._clock()
        recent = [
            t
            for t in self._calls_to.get(destination, [])
            if now - t < SANDBOX_RECIPIENT_WINDOW_SECONDS
        ]
        self._calls_to[destination] = recent
        if len(recent) >= SANDBOX_CALLS_PER_RECIPIENT:
            raise AwsError(
                "ServiceQuotaExceededException",
                f"Accounts in the voice sandbox can call a destination at most "
                f"{SANDBOX_CALLS_PER_RECIPIENT} times in 24 hours.",
                Reason="DAILY_DESTINATION_CALL_LIMIT",
            )
        self._recent_calls = [
            t for t in self._recent_calls if now - t < SANDBOX_CALL_RATE_WINDOW_SECONDS
        ]
        if (
            self.state.rate_limits
            and len(self._recent_calls) >= SANDBOX_CALLS_PER_MINUTE
        ):
            self.throttled += 1
            raise AwsError("ThrottlingException", "Rate exceeded.")

    def _record_sandbox_call(self, destination: str) -> None:
        now = self._clock()
        self._calls_to.setdefault(destination, []).append(now)
        self._recent_calls.append(now)

    def _take_call_rate(self, origin_key: str, dry_run: bool) -> None:
        """Meter calls per identity: DRY_RUN_MPS for dry runs, else the state's rate.

        AWS documents no default calls per second (voice.VOICE_LIMITS_URL), so
        real calls are unmetered unless ``voice_calls_per_second`` is set.
        """
        rate = DRY_RUN_MPS if dry_run else self.state.voice_calls_per_second
        if rate is not None:
            self._take_rate(f"voice:{origin_key}", rate, 1, dry_run)

    # -- two-way and opt-out settings ------------------------------------------

    def _find_number_or_raise(self, ref: str, region: str) -> PhoneNumber:
        number = self.state.find_phone_number(ref, region)
        if number is None:
            raise _not_found("phone-number", ref)
        return number

    def _check_two_way(
        self, params: Params, current: PhoneNumber | Pool
    ) -> tuple[bool, str | None]:
        """Return the two-way setting the update leaves, or raise why it cannot."""
        enabled = params.get("TwoWayEnabled", current.two_way_enabled)
        channel = params.get("TwoWayChannelArn", current.two_way_channel_arn)
        if params.get("TwoWayEnabled") and not channel:
            raise validation_error(
                "A two-way channel ARN is required to enable two-way messaging.",
                reason="TWO_WAY_CHANNEL_NOT_PRESENT",
            )
        arn = params.get("TwoWayChannelArn")
        if (
            arn is not None
            and arn.startswith("arn:aws:sns:")
            and self.topic_exists is not None
            and not self.topic_exists(arn)
        ):
            raise validation_error(
                f"The SNS topic {arn} does not exist.",
                reason="TWO_WAY_TOPIC_NOT_PRESENT",
            )
        return bool(enabled), channel

    def _check_opt_out_list(self, params: Params, region: str) -> str | None:
        name: str | None = params.get("OptOutListName")
        if name is None:
            return None
        return self.opt_outs.find_list(name, region)

    def _apply_number_settings(
        self,
        target: PhoneNumber | Pool,
        params: Params,
        two_way: tuple[bool, str | None],
        opt_out_list: str | None,
    ) -> None:
        """Apply an update's settings to a number or pool.

        ``opt_out_list`` is the list _check_opt_out_list resolved, once per
        update; None leaves it unchanged.
        """
        target.two_way_enabled, target.two_way_channel_arn = two_way
        if "TwoWayChannelRole" in params:
            target.two_way_channel_role = params["TwoWayChannelRole"]
        if "SelfManagedOptOutsEnabled" in params:
            target.self_managed_opt_outs_enabled = params["SelfManagedOptOutsEnabled"]
        if opt_out_list is not None:
            target.opt_out_list_name = opt_out_list
        if "DeletionProtectionEnabled" in params:
            target.deletion_protection_enabled = params["DeletionProtectionEnabled"]

    def update_phone_number(self, params: Params, caller: Caller) -> Result:
        """UpdatePhoneNumber.

        "If the origination phone number is associated with a pool, an error
        is returned": set a pooled number's two-way and opt-out settings on
        its pool (UpdatePool), which the emulator copies to its members.
        """
        number = self._find_number_or_raise(params["PhoneNumberId"], caller.region)
        pool = self._pool_of(number)
        if pool is not None:
            raise AwsError(
                "ConflictException",
                f"Phone number {number.phone_number_id} is associated with pool "
                f"{pool.pool_id}; update the pool instead.",
                Reason="PHONE_NUMBER_ASSOCIATED_TO_POOL",
                ResourceType="phone-number",
                ResourceId=number.phone_number_id,
            )
        two_way = self._check_two_way(params, number)
        opt_out_list = self._check_opt_out_list(params, caller.region)
        self._apply_number_settings(number, params, two_way, opt_out_list)
        if "InternationalSendingEnabled" in params:
            number.international_sending_enabled = params["InternationalSendingEnabled"]
        return self.phone_number_info(number, caller)

    def update_pool(self, params: Params, caller: Caller) -> Result:
        """UpdatePool: its two-way and opt-out settings reach its numbers.

        AWS refuses to add a number to a pool whose two-way or opt-out
        settings differ (TWO_WAY_CONFIG_MISMATCH, OPT_OUT_LIST_MISMATCH,
        SELF_MANAGED_OPT_OUTS_MISMATCH), so the members share the pool's.
        """
        pool = self.state.find_pool(params["PoolId"], caller.region)
        if pool is None:
            raise _not_found("pool", params["PoolId"])
        two_way = self._check_two_way(params, pool)
        opt_out_list = self._check_opt_out_list(params, caller.region)
        self._apply_number_settings(pool, params, two_way, opt_out_list)
        if "SharedRoutesEnabled" in params:
            pool.shared_routes_enabled = params["SharedRoutesEnabled"]
        shared: Params = {
            key: params[key]
            for key in ("TwoWayChannelRole", "SelfManagedOptOutsEnabled")
            if key in params
        }
        for member in pool.members:
            if (
                number := self.state.find_phone_number(member, pool.region)
            ) is not None:
                self._apply_number_settings(
                    number,
                    shared,
                    (pool.two_way_enabled, pool.two_way_channel_arn),
                    opt_out_list,
                )
        return self.pool_info(pool, caller)

    def _pool_of(self, number: PhoneNumber) -> Pool | None:
        return next(
            (
                p
                for p in in_region(self.state.pools, number.region)
                if number.phone_number in p.members
                or number.phone_number_id in p.members
            ),
            None,
        )

    # -- configuration sets and event destinations -----------------------------

    def _find_config_set_or_raise(self, ref: str, region: str) -> ConfigurationSet:
        config_set = self.state.find_configuration_set(ref, region)
        if config_set is None:
            raise _not_found("configuration-set", ref)
        return config_set

    def create_configuration_set(self, params: Params, caller: Caller) -> Result:
        """CreateConfigurationSet."""
        name = params["ConfigurationSetName"]
        if self.state.find_configuration_set(name, caller.region) is not None:
            raise AwsError(
                "ConflictException",
                f"Configuration set {name} already exists.",
                Reason="RESOURCE_ALREADY_EXISTS",
                ResourceType="configuration-set",
                ResourceId=name,
            )
        config_set = ConfigurationSet(
            name=name,
            tags=[dict(tag) for tag in params.get("Tags", [])],
            created=datetime.now(UTC),
            region=caller.region,
        )
        self.state.configuration_sets.append(config_set)
        return {
            "ConfigurationSetArn": self._arn(caller, f"configuration-set/{name}"),
            "ConfigurationSetName": name,
            "Tags": config_set.tags,
            "CreatedTimestamp": _timestamp(config_set.created),
        }

    def delete_configuration_set(self, params: Params, caller: Caller) -> Result:
        """DeleteConfigurationSet: answers with what was deleted."""
        config_set = self._find_config_set_or_raise(
            params["ConfigurationSetName"], caller.region
        )
        self.state.configuration_sets.remove(config_set)
        return self._configuration_set_info(config_set, caller)

    def _destination_from(
        self, params: Params, name: str, current: EventDestination | None = None
    ) -> EventDestination:
        """Build the event destination a Create/Update request describes."""
        given = [key for key, _ in _DESTINATION_KINDS if key in params]
        if "SnsDestination" in params:
            given.append("SnsDestination")
        if len(given) > 1:
            raise validation_error(
                "Only one of CloudWatchLogsDestination, KinesisFirehoseDestination "
                "and SnsDestination may be given.",
                reason="PARAMETERS_CANNOT_BE_USED_TOGETHER",
            )
        if not given and current is None:
            raise validation_error(
                "An event destination must be provided: CloudWatchLogsDestination, "
                "KinesisFirehoseDestination or SnsDestination.",
                reason="MISSING_PARAMETER",
            )
        types = params.get("MatchingEventTypes")
        if types is not None and "TEXT_SENT" in types:
            raise validation_error(
                "The TEXT_SENT event type is not supported.",
                reason="INVALID_PARAMETER",
            )
        destination = current or EventDestination(name=name, matching_event_types=[])
        if types is not None:
            destination.matching_event_types = list(types)
        if "Enabled" in params:
            destination.enabled = params["Enabled"]
        if given:
            destination.sns_topic_arn = None
            destination.cloud_watch_logs_destination = None
            destination.kinesis_firehose_destination = None
            if "SnsDestination" in params:
                destination.sns_topic_arn = params["SnsDestination"]["TopicArn"]
            for key, attribute in _DESTINATION_KINDS:
                if key in params:
                    setattr(destination, attribute, dict(params[key]))
        return destination

    def create_event_destination(self, params: Params, caller: Caller) -> Result:
        """CreateEventDestination (enabled on creation, as in AWS)."""
        config_set = self._find_config_set_or_raise(
            params["ConfigurationSetName"], caller.region
        )
        name = params["EventDestinationName"]
        if config_set.find_event_destination(name) is not None:
            raise AwsError(
                "ConflictException",
                f"Event destination {name} already exists.",
                Reason="RESOURCE_ALREADY_EXISTS",
                ResourceType="event-destination",
                ResourceId=name,
            )
        if len(config_set.event_destinations) >= MAX_EVENT_DESTINATIONS:
            raise AwsError(
                "ServiceQuotaExceededException",
                f"A configuration set can have at most {MAX_EVENT_DESTINATIONS} "
                "event destinations.",
                Reason="EVENT_DESTINATIONS_PER_CONFIGURATION_SET",
            )
        destination = self._destination_from(params, name)
        config_set.event_destinations.append(destination)
        return self._event_destination_result(config_set, destination, caller)

    def _existing_destination(
        self, params: Params, region: str
    ) -> tuple[ConfigurationSet, EventDestination]:
        config_set = self._find_config_set_or_raise(
            params["ConfigurationSetName"], region
        )
        name = params["EventDestinationName"]
        destination = config_set.find_event_destination(name)
        if destination is None:
            raise _not_found("event-destination", name)
        return config_set, destination

    def update_event_destination(self, params: Params, caller: Caller) -> Result:
        """UpdateEventDestination: what is given replaces what was."""
        config_set, destination = self._existing_destination(params, caller.region)
        self._destination_from(params, destination.name, destination)
        return self._event_destination_result(config_set, destination, caller)

    def delete_event_destination(self, params: Params, caller: Caller) -> Result:
        """DeleteEventDestination: answers with what was deleted."""
        config_set, destination = self._existing_destination(params, caller.region)
        config_set.event_destinations.remove(destination)
        return self._event_destination_result(config_set, destination, caller)

    def _event_destination_result(
        self,
        config_set: ConfigurationSet,
        destination: EventDestination,
        caller: Caller,
    ) -> Result:
        return {
            "ConfigurationSetArn": self._arn(
                caller, f"configuration-set/{config_set.name}"
            ),
            "ConfigurationSetName": config_set.name,
            "EventDestination": _event_destination_info(destination),
        }

    # -- inbound SMS ------------------------------------------------------------

    def receive_inbound(
        self,
        from_number: str,
        to_number: str,
        body: str,
        reply_to_message_id: str | None = None,
    ) -> InboundSms:
        """Take an SMS a customer sent to ``to_number``; return what to publish.

        A STOP-like keyword adds the sender to the opt-out list of
        ``to_number`` (eum_emulator.opt_outs), and START or UNSTOP removes
        it, unless the number manages its opt-outs itself
        (SelfManagedOptOutsEnabled).

        Raises:
            InboundError: The number is not the account's, has no two-way
                channel, its topic does not exist (as ``topic_exists``
                says), or the message is not one a phone could send.
        """
        if not isinstance(from_number, str) or not _E164_RE.fullmatch(from_number):
            raise InboundError(
                "INVALID_PARAMETER", "from must be an E.164 phone number"
            )
        if not isinstance(body, str):
            raise InboundError("INVALID_PARAMETER", "body must be text")
        if reply_to_message_id is not None and not isinstance(reply_to_message_id, str):
            raise InboundError("INVALID_PARAMETER", "reply_to_message_id must be text")
        with self.lock:
            number = self.state.find_phone_number(str(to_number))
            if number is None:
                raise InboundError(
                    "UNKNOWN_PHONE_NUMBER",
                    f"{to_number} is not a phone number of the account",
                )
            if not number.two_way_enabled:
                raise InboundError(
                    "TWO_WAY_NOT_ENABLED",
                    f"two-way messaging is not enabled on {number.phone_number}",
                )
            channel = number.two_way_channel_arn
            if not channel or not channel.startswith("arn:aws:sns:"):
                raise InboundError(
                    "TWO_WAY_CHANNEL_NOT_PRESENT",
                    f"{number.phone_number} has no SNS topic as its two-way channel",
                )
            # Before the opt-out: a message that cannot be published changes
            # nothing (Messaging.receive still refuses a topic deleted since).
            if self.topic_exists is not None and not self.topic_exists(channel):
                raise InboundError(
                    "TWO_WAY_TOPIC_NOT_PRESENT", f"SNS topic {channel} does not exist"
                )
            keyword = keyword_of(body)
            if not number.self_managed_opt_outs_enabled:
                if keyword in OPT_OUT_KEYWORDS:
                    self.opt_outs.opt_out(number.opt_out_list_name, from_number)
                elif keyword in OPT_IN_KEYWORDS:
                    self.opt_outs.opt_in(number.opt_out_list_name, from_number)
            previous = reply_to_message_id or next(
                (
                    m.message_id
                    for m in reversed(self.outbox)
                    if m.origin == number.phone_number
                    and m.destination == from_number
                    and not m.dry_run
                    and m.kind != "voice"
                ),
                None,
            )
            inbound_id = str(uuid.uuid4())
            return InboundSms(
                inbound_message_id=inbound_id,
                topic_arn=channel,
                payload=inbound_payload(
                    from_number=from_number,
                    to_number=number.phone_number,
                    body=body,
                    inbound_message_id=inbound_id,
                    account_id=self.state.account_id,
                    previous_message_id=previous,
                    keyword=keyword,
                ),
            )


def _two_way_channel(item: PhoneNumber | Pool) -> Result:
    info: Result = {}
    if item.two_way_channel_arn is not None:
        info["TwoWayChannelArn"] = item.two_way_channel_arn
    if item.two_way_channel_role is not None:
        info["TwoWayChannelRole"] = item.two_way_channel_role
    return info


def _event_destination_info(destination: EventDestination) -> Result:
    info: Result = {
        "EventDestinationName": destination.name,
        "Enabled": destination.enabled,
        "MatchingEventTypes": list(destination.matching_event_types),
    }
    if destination.sns_topic_arn is not None:
        info["SnsDestination"] = {"TopicArn": destination.sns_topic_arn}
    if destination.cloud_watch_logs_destination is not None:
        info["CloudWatchLogsDestination"] = dict(
            destination.cloud_watch_logs_destination
        )
    if destination.kinesis_firehose_destination is not None:
        info["KinesisFirehoseDestination"] = dict(
            destination.kinesis_firehose_destination
        )
    return info


def _origin_key(origin: PhoneNumber | SenderId) -> str:
    if isinstance(origin, PhoneNumber):
        return origin.phone_number
    return origin.sender_id


def _utc_now() -> datetime:
    return datetime.now(UTC)
