"""The emulated ``pinpoint-sms-voice-v2`` operations.

Each operation takes the parsed JSON request and the authenticated caller and
returns the output shape as JSON-ready data, or raises :class:`AwsError`.
Requests are validated against botocore's service model first, so the
emulator rejects what AWS rejects and accepts what AWS accepts.
"""

import base64
import binascii
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
import json
import threading
import time
from typing import TYPE_CHECKING, Any
import uuid

import botocore.session

from .errors import AwsError, validation_error
from .segments import count_segments
from .state import (
    CALLING_CODES,
    DRY_RUN_MPS,
    AccountState,
    ConfigurationSet,
    PhoneNumber,
    Pool,
    SenderId,
    action_allowed,
)
from .validation import validate_input

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from botocore.model import OperationModel, ServiceModel

    from .sigv4 import Caller

SERVICE_NAME = "pinpoint-sms-voice-v2"
SIGNING_NAME = "sms-voice"
DEFAULT_PAGE_SIZE = 100

type Params = dict[str, Any]
type Result = dict[str, Any]


@cache
def service_model() -> ServiceModel:
    """Load botocore's model of the service once per process."""
    session = botocore.session.get_session()
    return session.get_service_model(SERVICE_NAME)


@cache
def service_regions() -> frozenset[str]:
    """Return every region botocore lists for the service, GovCloud included."""
    session = botocore.session.get_session()
    regions = set(session.get_available_regions(SERVICE_NAME))
    regions.update(session.get_available_regions(SERVICE_NAME, "aws-us-gov"))
    return frozenset(regions)


@dataclass
class OutboxMessage:
    """A message the emulated service accepted."""

    message_id: str
    operation: str
    time: str
    origination_identity: str | None
    origin: str
    destination: str
    body: str
    message_type: str
    encoding: str
    segments: int
    price_usd: float
    dry_run: bool
    access_key_id: str
    region: str
    parameters: Params = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return asdict(self)


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


def _encode_token(operation: str, offset: int) -> str:
    raw = json.dumps({"op": operation, "offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(operation: str, token: str) -> int:
    invalid = validation_error(
        "The NextToken provided is not valid.", reason="INVALID_NEXT_TOKEN"
    )
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        valid = data["op"] == operation and isinstance(data["offset"], int)
    except ValueError, KeyError, TypeError, binascii.Error:
        raise invalid from None
    if not valid or data["offset"] < 0:
        raise invalid
    return int(data["offset"])


def _paginate(operation: str, key: str, items: list[Result], params: Params) -> Result:
    """Return one page of ``items`` and the token for the next one."""
    start = (
        _decode_token(operation, params["NextToken"]) if "NextToken" in params else 0
    )
    size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
    result: Result = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = _encode_token(operation, start + size)
    return result


def _apply_filters(
    items: Iterable[Any],
    filters: list[Params],
    getters: dict[str, Callable[[Any], Iterable[str]]],
) -> list[Any]:
    """Keep the items that match every filter (any of its values)."""
    return [
        item
        for item in items
        if all(set(getters[flt["Name"]](item)) & set(flt["Values"]) for flt in filters)
    ]


def _flag(value: bool) -> list[str]:
    return ["true" if value else "false"]


def _timestamp(value: datetime) -> float:
    # The JSON protocol sends timestamps as epoch seconds.
    return value.timestamp()


def destination_country(number: str) -> str | None:
    """Return the ISO country of an E.164 number, where the emulator knows it."""
    digits = number.removeprefix("+")
    best: tuple[int, str] | None = None
    for country, code in CALLING_CODES.items():
        if digits.startswith(code) and (best is None or len(code) > best[0]):
            best = (len(code), country)
    return best[1] if best else None


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
        self._clock = clock
        self._buckets: dict[tuple[str, bool], TokenBucket] = {}
        self._operations: dict[str, Callable[[Params, Caller], Result]] = {
            "SendTextMessage": self.send_text_message,
            "DescribePhoneNumbers": self.describe_phone_numbers,
            "DescribeSenderIds": self.describe_sender_ids,
            "DescribePools": self.describe_pools,
            "DescribeAccountAttributes": self.describe_account_attributes,
            "DescribeSpendLimits": self.describe_spend_limits,
            "DescribeConfigurationSets": self.describe_configuration_sets,
        }

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
        action = f"{SIGNING_NAME}:{operation}"
        if action_allowed(caller.key.allowed_actions, action):
            return
        resource = f"arn:aws:{SIGNING_NAME}:{caller.region}:{caller.account_id}:*"
        raise AwsError(
            "AccessDeniedException",
            f"User: {caller.arn} is not authorized to perform: {action} on "
            f"resource: {resource} because no identity-based policy allows the "
            f"{action} action",
        )

    # -- ARNs -----------------------------------------------------------------

    def _arn(self, caller: Caller, resource: str) -> str:
        return f"arn:aws:{SIGNING_NAME}:{caller.region}:{caller.account_id}:{resource}"

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
                raise AwsError(
                    "ResourceNotFoundException",
                    f"Resource {ref} of type {resource_type} was not found.",
                    ResourceType=resource_type,
                    ResourceId=ref,
                )
            selected.append(item)
        return selected

    def phone_number_info(self, number: PhoneNumber, caller: Caller) -> Result:
        """Return PhoneNumberInformation for a number."""
        pool = next(
            (
                p
                for p in self.state.pools
                if number.phone_number in p.members
                or number.phone_number_id in p.members
            ),
            None,
        )
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
            self.state.phone_numbers,
            params.get("PhoneNumberIds"),
            self.state.find_phone_number,
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
                "two-way-channel-arn": lambda n: [],
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
            self.state.sender_ids,
            [f"{s['SenderId']}/{s['IsoCountryCode']}" for s in wanted]
            if wanted
            else None,
            self._find_sender_by_pair,
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

    def _find_sender_by_pair(self, pair: str) -> SenderId | None:
        sender_id, _, country = pair.partition("/")
        return next(
            (
                s
                for s in self.state.sender_ids
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
        }

    def describe_pools(self, params: Params, caller: Caller) -> Result:
        """DescribePools."""
        if params.get("Owner") == "SHARED":
            return {"Pools": []}
        pools = self._select(
            self.state.pools, params.get("PoolIds"), self.state.find_pool, "pool"
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
                "two-way-channel-arn": lambda p: [],
            },
        )
        items = [self.pool_info(p, caller) for p in pools]
        return _paginate("DescribePools", "Pools", items, params)

    def describe_configuration_sets(self, params: Params, caller: Caller) -> Result:
        """DescribeConfigurationSets."""
        sets = self._select(
            self.state.configuration_sets,
            params.get("ConfigurationSetNames"),
            self.state.find_configuration_set,
            "configuration-set",
        )
        sets = _apply_filters(
            sets,
            params.get("Filters", []),
            {
                "event-destination-name": lambda c: [],
                "matching-event-types": lambda c: [],
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
            "EventDestinations": [],
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

    # -- SendTextMessage ------------------------------------------------------

    def _resolve_origin(
        self, ref: str | None, country: str | None
    ) -> tuple[PhoneNumber | SenderId, str]:
        """Return the identity a message leaves from and the key it is metered by."""
        if ref is None:
            return self._pick_origin(
                list(self.state.phone_numbers) + list(self.state.sender_ids), country
            )
        if number := self.state.find_phone_number(ref):
            candidate: PhoneNumber | SenderId = number
        elif sender := self.state.find_sender_id(ref):
            candidate = sender
        elif pool := self.state.find_pool(ref):
            members = [
                found
                for member in pool.members
                if (
                    found := self.state.find_phone_number(member)
                    or self.state.find_sender_id(member)
                )
            ]
            return self._pick_origin(members, country)
        else:
            resource_type = (
                "pool"
                if ref.startswith("pool-") or ":pool/" in ref
                else "phone-number"
                if ref.startswith(("+", "phone-")) or ":phone-number/" in ref
                else "sender-id"
            )
            raise AwsError(
                "ResourceNotFoundException",
                f"Resource {ref} of type {resource_type} was not found.",
                ResourceType=resource_type,
                ResourceId=ref,
            )
        self._check_origin(candidate, country)
        return candidate, _origin_key(candidate)

    def _pick_origin(
        self, candidates: list[PhoneNumber | SenderId], country: str | None
    ) -> tuple[PhoneNumber | SenderId, str]:
        for candidate in candidates:
            try:
                self._check_origin(candidate, country)
            except AwsError:
                continue
            return candidate, _origin_key(candidate)
        raise AwsError(
            "ConflictException",
            "No origination identity is available to send to this destination.",
            Reason="NO_ORIGINATION_IDENTITIES_FOUND",
        )

    def _check_origin(
        self, origin: PhoneNumber | SenderId, country: str | None
    ) -> None:
        if isinstance(origin, PhoneNumber):
            if origin.status != "ACTIVE":
                raise AwsError(
                    "ConflictException",
                    f"Phone number {origin.phone_number_id} is not active.",
                    Reason="RESOURCE_NOT_ACTIVE",
                    ResourceType="phone-number",
                    ResourceId=origin.phone_number_id,
                )
            if "SMS" not in origin.capabilities:
                raise AwsError(
                    "ConflictException",
                    f"Phone number {origin.phone_number_id} cannot send SMS.",
                    Reason="NUMBER_CAPABILITIES_MISMATCH",
                    ResourceType="phone-number",
                    ResourceId=origin.phone_number_id,
                )
            if not origin.international_sending_enabled and not _same_calling_code(
                origin.iso_country_code, country
            ):
                raise validation_error(
                    f"Phone number {origin.phone_number_id} cannot send to this "
                    "destination country.",
                    reason="INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
                )
            return
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

    def send_text_message(self, params: Params, caller: Caller) -> Result:
        """SendTextMessage."""
        destination = params["DestinationPhoneNumber"]
        body = params.get("MessageBody")
        if body is None:
            raise validation_error(
                "MessageBody is required for a text message.",
                reason="MISSING_PARAMETER",
                Fields=[{"Name": "messageBody", "Message": "Member must not be null"}],
            )
        if not destination.startswith("+"):
            destination = f"+{destination}"
        dry_run = bool(params.get("DryRun", False))
        country = destination_country(destination)
        origin, origin_key = self._resolve_origin(
            params.get("OriginationIdentity"), country
        )

        config_set = None
        if name := params.get("ConfigurationSetName"):
            config_set = self.state.find_configuration_set(name)
            if config_set is None:
                raise AwsError(
                    "ResourceNotFoundException",
                    f"Resource {name} of type configuration-set was not found.",
                    ResourceType="configuration-set",
                    ResourceId=name,
                )
        if destination in self.state.opted_out:
            raise AwsError(
                "ConflictException",
                "The destination phone number has opted out of receiving messages.",
                Reason="DESTINATION_PHONE_NUMBER_OPTED_OUT",
                ResourceType="opted-out-number",
                ResourceId=destination,
            )
        if (
            self.state.tier == "SANDBOX"
            and destination not in self.state.verified_destinations
        ):
            raise AwsError(
                "ConflictException",
                "The destination phone number is not verified. Accounts in the "
                "sandbox can only send to verified destination phone numbers.",
                Reason="DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
                ResourceType="verified-destination-number",
                ResourceId=destination,
            )

        encoding, segments = count_segments(body)
        prices = self.state.segment_prices
        price = prices.get(country or "", prices.get("default", 0.0))
        if "MaxPrice" in params and price > float(params["MaxPrice"]):
            raise validation_error(
                f"The price per message part ({price}) is over MaxPrice.",
                reason="PRICE_OVER_THRESHOLD",
            )
        cost = price * segments
        spend = self.state.spend_limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"]
        if not dry_run and spend.spent + cost > self.enforced_limit(
            "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"
        ):
            raise AwsError(
                "ServiceQuotaExceededException",
                "The monthly spend limit for text messages has been reached.",
                Reason="MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT",
            )
        self._take_rate(origin_key, origin.messages_per_second, segments, dry_run)

        message_type = (
            params.get("MessageType")
            or (config_set.default_message_type if config_set else None)
            or "TRANSACTIONAL"
        )
        message_id = str(uuid.uuid4())
        if not dry_run:
            spend.spent += cost
        self.outbox.append(
            OutboxMessage(
                message_id=message_id,
                operation="SendTextMessage",
                time=datetime.now(UTC).isoformat(),
                origination_identity=params.get("OriginationIdentity"),
                origin=_origin_key(origin),
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
        return {"MessageId": message_id}


def _origin_key(origin: PhoneNumber | SenderId) -> str:
    if isinstance(origin, PhoneNumber):
        return origin.phone_number
    return origin.sender_id
