"""Verified destination numbers: the destinations a sandbox account may reach.

CreateVerifiedDestinationNumber adds a PENDING number,
SendDestinationNumberVerificationCode texts (or calls) it a code, and
VerifyDestinationNumber with that code makes it VERIFIED; then a sandbox
account may text, call and MMS it (SmsVoiceService._check_verified). The
codes sent are the emulator's to show, since no phone receives them:
``GET /_emulator/verification-codes``, ``Emulator.verification_codes()`` and
``Emulator.verification_code(number)``.

AWS documents the limit of 10 verified numbers (VERIFY_URL) but not how
long a code lasts, how many wrong codes it takes, or how many codes a day a
number may be sent: those limits below are the emulator's own, and each
error is the model's reason for it (VERIFICATION_CODE_EXPIRED,
VERIFICATION_CODE_MISMATCH, VERIFICATION_ATTEMPTS_PER_DAY).
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
import secrets
from typing import TYPE_CHECKING, Any, Final
import uuid

from .errors import AwsError, validation_error
from .operations import (
    Handler,
    Params,
    Result,
    apply_filters,
    arn,
    destination_country,
    e164,
    not_found,
    paginate,
    timestamp,
)
from .records import VerifiedDestinationNumber
from .state import in_region

if TYPE_CHECKING:
    from .service import SmsVoiceService
    from .sigv4 import Caller

# "You can add up to 10 verified destination phone numbers to your account.
# Adding a verified destination phone number requires you to send a text or
# voice message to the destination phone number and then entering the code
# the device received."
VERIFY_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "verify-destination-phone-number.html"
)
MAX_VERIFIED_DESTINATIONS: Final = 10
# The emulator's own choices (AWS documents none of them).
CODE_DIGITS: Final = 6
CODE_LIFETIME: Final = timedelta(minutes=10)
MAX_WRONG_CODES: Final = 3
MAX_CODES_PER_DAY: Final = 5
_DAY: Final = timedelta(days=1)
# How each channel reaches the destination: the capability it needs.
_CAPABILITIES: Final = {"TEXT": "SMS", "VOICE": "VOICE"}


@dataclass
class SentCode:
    """A verification code the emulator sent, and what became of it."""

    verified_destination_number_id: str
    destination_phone_number: str
    code: str
    channel: str
    message_id: str
    origin: str
    region: str
    sent: datetime
    expires: datetime
    wrong_attempts: int = 0
    used: bool = False

    def usable(self, now: datetime) -> bool:
        """Return whether the code may still verify its number."""
        return (
            not self.used
            and now < self.expires
            and self.wrong_attempts < MAX_WRONG_CODES
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the code as JSON-ready data (times in ISO 8601)."""
        data = asdict(self)
        data["sent"] = self.sent.isoformat()
        data["expires"] = self.expires.isoformat()
        return data


def _no_rcs_agent(record: VerifiedDestinationNumber) -> list[str]:
    """Return the RCS agent of a number: the emulated account has none."""
    del record
    return []


def _conflict(reason: str, message: str, record: VerifiedDestinationNumber) -> AwsError:
    return AwsError(
        "ConflictException",
        message,
        Reason=reason,
        ResourceType="verified-destination-number",
        ResourceId=record.verified_destination_number_id,
    )


class VerificationOperations:
    """The verified destination numbers of one emulated account."""

    def __init__(self, service: SmsVoiceService) -> None:
        """Answer for ``service``'s account."""
        self._service = service
        # Every code sent, oldest first.
        self._codes: list[SentCode] = []
        # CreateVerifiedDestinationNumber's ClientToken -> the number it made.
        self._client_tokens: dict[str, str] = {}

    def operations(self) -> dict[str, Handler]:
        """Return the operations this module answers, by name."""
        return {
            "CreateVerifiedDestinationNumber": self.create,
            "DescribeVerifiedDestinationNumbers": self.describe,
            "SendDestinationNumberVerificationCode": self.send_code,
            "VerifyDestinationNumber": self.verify,
            "DeleteVerifiedDestinationNumber": self.delete,
        }

    # -- what the emulator shows -------------------------------------------------

    def codes(self) -> list[SentCode]:
        """Return every code sent, oldest first."""
        return list(self._codes)

    def latest_code(self, ref: str) -> str | None:
        """Return the last code sent to a number (E.164) or verified number ID."""
        return next(
            (
                sent.code
                for sent in reversed(self._codes)
                if ref
                in (sent.destination_phone_number, sent.verified_destination_number_id)
            ),
            None,
        )

    def is_verified(self, destination: str, region: str) -> bool:
        """Return whether ``destination`` is a VERIFIED destination in ``region``."""
        return any(
            record.destination_phone_number == destination
            and record.status == "VERIFIED"
            for record in in_region(self._service.state.verified_destinations, region)
        )

    # -- operations --------------------------------------------------------------

    def _find(self, ref: str, region: str) -> VerifiedDestinationNumber:
        for record in in_region(self._service.state.verified_destinations, region):
            record_id = record.verified_destination_number_id
            if ref == record_id or ref.endswith(
                f":verified-destination-number/{record_id}"
            ):
                return record
        raise not_found("verified-destination-number", ref)

    def _info(self, record: VerifiedDestinationNumber, caller: Caller) -> Result:
        return {
            "VerifiedDestinationNumberArn": arn(
                caller,
                f"verified-destination-number/{record.verified_destination_number_id}",
            ),
            "VerifiedDestinationNumberId": record.verified_destination_number_id,
            "DestinationPhoneNumber": record.destination_phone_number,
            "Status": record.status,
            "CreatedTimestamp": timestamp(record.created),
        }

    def create(self, params: Params, caller: Caller) -> Result:
        """CreateVerifiedDestinationNumber: a PENDING number, 10 at most a region.

        The same ClientToken answers with the number it created; another
        request for a number the region has is a ConflictException.
        """
        state = self._service.state
        token = params.get("ClientToken")
        if token is not None and token in self._client_tokens:
            record = self._find(self._client_tokens[token], caller.region)
            return self._info(record, caller) | {"Tags": list(record.tags)}
        if "RcsAgentId" in params:
            # The emulated account has no RCS agents.
            raise not_found("rcs-agent", params["RcsAgentId"])
        destination = e164(params["DestinationPhoneNumber"])
        records = in_region(state.verified_destinations, caller.region)
        existing = next(
            (r for r in records if r.destination_phone_number == destination), None
        )
        if existing is not None:
            raise _conflict(
                "RESOURCE_ALREADY_EXISTS",
                f"{destination} is already a verified destination number.",
                existing,
            )
        if len(records) >= MAX_VERIFIED_DESTINATIONS:
            raise AwsError(
                "ServiceQuotaExceededException",
                f"An account can have at most {MAX_VERIFIED_DESTINATIONS} verified "
                "destination numbers.",
                Reason="VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT",
            )
        record = VerifiedDestinationNumber(
            destination_phone_number=destination,
            status="PENDING",
            verified_destination_number_id=(
                f"verifieddestinationnumber-{uuid.uuid4().hex}"
            ),
            tags=[dict(tag) for tag in params.get("Tags", [])],
            created=self._service.wall_clock(),
            region=caller.region,
        )
        state.verified_destinations.append(record)
        if token is not None:
            self._client_tokens[token] = record.verified_destination_number_id
        return self._info(record, caller) | {"Tags": list(record.tags)}

    def describe(self, params: Params, caller: Caller) -> Result:
        """DescribeVerifiedDestinationNumbers: by ID or ARN, number and status.

        An ID the region does not have is a ResourceNotFoundException; the
        numbers asked for only select.
        """
        wanted = params.get("VerifiedDestinationNumberIds")
        records = (
            [self._find(ref, caller.region) for ref in wanted]
            if wanted
            else in_region(self._service.state.verified_destinations, caller.region)
        )
        if numbers := params.get("DestinationPhoneNumbers"):
            chosen = {e164(n) for n in numbers}
            records = [r for r in records if r.destination_phone_number in chosen]
        records = apply_filters(
            records,
            params.get("Filters", []),
            # The emulated account has no RCS agents: no number names one.
            {"status": lambda r: [r.status], "rcs-agent-id": _no_rcs_agent},
        )
        items = [self._info(r, caller) for r in records]
        return paginate(
            "DescribeVerifiedDestinationNumbers",
            "VerifiedDestinationNumbers",
            items,
            params,
        )

    def send_code(self, params: Params, caller: Caller) -> Result:
        """SendDestinationNumberVerificationCode: a new code, by text or call.

        The code goes out from an identity of the region that can reach the
        number's country by that channel (the one asked for, or the first
        that can), as VERIFY_URL says: "The origination identity can only
        send messages within its country or region". A new code replaces
        the one before.
        """
        service = self._service
        record = self._find(params["VerifiedDestinationNumberId"], caller.region)
        if record.status == "VERIFIED":
            raise _conflict(
                "VERIFICATION_ALREADY_COMPLETE",
                f"{record.destination_phone_number} is verified already.",
                record,
            )
        name = params.get("ConfigurationSetName")
        if name and service.state.find_configuration_set(name, caller.region) is None:
            raise not_found("configuration-set", name)
        channel = params["VerificationChannel"]
        destination = record.destination_phone_number
        _, origin = service.resolve_origin(
            params.get("OriginationIdentity"),
            destination_country(destination),
            caller.region,
            _CAPABILITIES[channel],
        )
        now = service.wall_clock()
        record_id = record.verified_destination_number_id
        today = [
            sent
            for sent in self._codes
            if sent.verified_destination_number_id == record_id
            and now - sent.sent < _DAY
        ]
        if len(today) >= MAX_CODES_PER_DAY:
            raise AwsError(
                "ServiceQuotaExceededException",
                f"{destination} was sent {MAX_CODES_PER_DAY} verification codes in "
                "the last 24 hours.",
                Reason="VERIFICATION_ATTEMPTS_PER_DAY",
            )
        for sent in self._codes:
            if sent.verified_destination_number_id == record_id:
                sent.used = True
        message_id = str(uuid.uuid4())
        self._codes.append(
            SentCode(
                verified_destination_number_id=record_id,
                destination_phone_number=destination,
                code=f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}",
                channel=channel,
                message_id=message_id,
                origin=origin,
                region=caller.region,
                sent=now,
                expires=now + CODE_LIFETIME,
            )
        )
        return {"MessageId": message_id}

    def verify(self, params: Params, caller: Caller) -> Result:
        """VerifyDestinationNumber: the code makes the number VERIFIED.

        Only the last code sent counts: any other is
        VERIFICATION_CODE_MISMATCH. After MAX_WRONG_CODES wrong ones, or
        CODE_LIFETIME after it was sent, it is VERIFICATION_CODE_EXPIRED.
        """
        record = self._find(params["VerifiedDestinationNumberId"], caller.region)
        if record.status == "VERIFIED":
            raise _conflict(
                "VERIFICATION_ALREADY_COMPLETE",
                f"{record.destination_phone_number} is verified already.",
                record,
            )
        now = self._service.wall_clock()
        sent = next(
            (
                s
                for s in reversed(self._codes)
                if s.verified_destination_number_id
                == record.verified_destination_number_id
            ),
            None,
        )
        if sent is None or not sent.usable(now):
            raise _conflict(
                "VERIFICATION_CODE_EXPIRED",
                "The verification code has expired. Send a new one with "
                "SendDestinationNumberVerificationCode.",
                record,
            )
        if params["VerificationCode"] != sent.code:
            sent.wrong_attempts += 1
            raise validation_error(
                "The verification code does not match the one sent.",
                reason="VERIFICATION_CODE_MISMATCH",
            )
        sent.used = True
        record.status = "VERIFIED"
        return self._info(record, caller)

    def delete(self, params: Params, caller: Caller) -> Result:
        """DeleteVerifiedDestinationNumber: answers with what was deleted."""
        record = self._find(params["VerifiedDestinationNumberId"], caller.region)
        self._service.state.verified_destinations.remove(record)
        info = self._info(record, caller)
        del info["Status"]
        return info
