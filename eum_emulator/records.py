"""Registrations and verified destination numbers: records the account holds.

Plain data, like the rest of :mod:`eum_emulator.state`, and loadable from a
state file the same way (snake_case keys, ISO 8601 times). The operations
that read and change them are in :mod:`eum_emulator.registrations` and
:mod:`eum_emulator.verification`.

The status values are the enums of botocore's model of the service
(RegistrationStatus, RegistrationVersionStatus, VerificationStatus); a test
checks them against it. The demo's registrations are here too: the demo
toll-free number's, complete, and the denied one of the second toll-free
number that :func:`eum_emulator.develop.develop_state` adds.
"""

from dataclasses import dataclass, field
from datetime import timedelta
import re
from typing import TYPE_CHECKING, Any, Final

from .basics import (
    DEFAULT_REGION,
    DEMO_CREATED,
    E164_RE,
    StateError,
    build,
    check_region,
    parse_time,
    stable_id,
)

if TYPE_CHECKING:
    from datetime import datetime

# Registration statuses, as "Check a registration's status" describes them:
# https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-status.html
REGISTRATION_STATUSES: Final = frozenset(
    {
        "CREATED",
        "SUBMITTED",
        "AWS_REVIEWING",
        "REVIEWING",
        "REQUIRES_AUTHENTICATION",
        "PROVISIONING",
        "COMPLETE",
        "REQUIRES_UPDATES",
        "CLOSED",
        "DELETED",
    }
)
REGISTRATION_VERSION_STATUSES: Final = frozenset(
    {
        "DRAFT",
        "SUBMITTED",
        "AWS_REVIEWING",
        "REVIEWING",
        "REQUIRES_AUTHENTICATION",
        "APPROVED",
        "DISCARDED",
        "DENIED",
        "REVOKED",
        "ARCHIVED",
        "REQUIRES_OFFLINE_REVIEW",
    }
)
# The version statuses RegistrationVersionStatusHistory has a time for
# (DraftTimestamp ... ArchivedTimestamp); REQUIRES_OFFLINE_REVIEW has none.
HISTORY_STATUSES: Final = REGISTRATION_VERSION_STATUSES - {"REQUIRES_OFFLINE_REVIEW"}
VERIFICATION_STATUSES: Final = frozenset({"PENDING", "VERIFIED", "UNSUPPORTED"})
# The model's RegistrationType: 1-64 characters of [A-Za-z0-9_].
_REGISTRATION_TYPE_RE = re.compile(r"[A-Za-z0-9_]{1,64}")
# The model's RegistrationIdOrArn.
_REGISTRATION_ID_RE = re.compile(r"[A-Za-z0-9_:/-]{1,256}")


def history_member(status: str) -> str:
    """Return the RegistrationVersionStatusHistory member of a version status.

    DRAFT is DraftTimestamp, AWS_REVIEWING AwsReviewingTimestamp.
    """
    return "".join(word.capitalize() for word in status.split("_")) + "Timestamp"


def _check_status(status: str, allowed: frozenset[str], what: str) -> None:
    if status not in allowed:
        raise StateError(
            f"{what} {status!r} is not one of {', '.join(sorted(allowed))}"
        )


def _built[T](cls: type[T], items: list[Any], where: str) -> list[T]:
    """Return ``items`` as records of ``cls``, building those given as mappings."""
    return [
        item if isinstance(item, cls) else build(cls, item, f"{where}[{index}]")
        for index, item in enumerate(items)
    ]


@dataclass
class DeniedReason:
    """Why a registration version was denied (RegistrationDeniedReasonInformation)."""

    reason: str
    short_description: str
    long_description: str | None = None
    documentation_title: str | None = None
    documentation_link: str | None = None


@dataclass
class RegistrationVersion:
    """One version of a registration: what was submitted, and what became of it.

    ``history`` is the time each status was reached, by status (DRAFT,
    SUBMITTED, REVIEWING, APPROVED, DENIED ...); DRAFT is always there.
    """

    version_number: int
    status: str = "DRAFT"
    history: dict[str, datetime] = field(default_factory=dict)
    denied_reasons: list[DeniedReason] = field(default_factory=list)
    feedback: str | None = None

    def __post_init__(self) -> None:
        """Reject what the model does not allow; read times given as text."""
        number = self.version_number
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise StateError("version_number must be a whole number >= 1")
        _check_status(self.status, REGISTRATION_VERSION_STATUSES, "version status")
        history = {}
        for status, when in self.history.items():
            _check_status(status, HISTORY_STATUSES, "history status")
            history[status] = parse_time(when)
        history.setdefault("DRAFT", DEMO_CREATED)
        self.history = history
        self.denied_reasons = _built(
            DeniedReason, list(self.denied_reasons), "denied_reasons"
        )


@dataclass
class Registration:
    """A registration (US toll-free, 10DLC brand or campaign ...) and its versions.

    A phone number belongs to one through its ``registration_id``. The
    current version is the highest-numbered one; a registration given
    without versions has version 1, a draft.
    """

    registration_id: str
    registration_type: str
    status: str = "CREATED"
    versions: list[RegistrationVersion] = field(default_factory=list)
    additional_attributes: dict[str, str] = field(default_factory=dict)
    created: datetime = DEMO_CREATED
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Reject what the model does not allow; build versions given as mappings."""
        check_region(self.region)
        if not _REGISTRATION_ID_RE.fullmatch(str(self.registration_id)):
            raise StateError(f"registration_id {self.registration_id!r} is not valid")
        if not _REGISTRATION_TYPE_RE.fullmatch(str(self.registration_type)):
            raise StateError(
                f"registration_type {self.registration_type!r} is not valid"
            )
        _check_status(self.status, REGISTRATION_STATUSES, "registration status")
        versions = _built(RegistrationVersion, list(self.versions), "versions")
        numbers = [v.version_number for v in versions]
        if len(set(numbers)) != len(numbers):
            raise StateError("versions: each version_number may appear once")
        self.versions = sorted(versions, key=lambda v: v.version_number) or [
            RegistrationVersion(1, history={"DRAFT": self.created})
        ]

    @property
    def current_version_number(self) -> int:
        """Return the number of the latest version."""
        return self.versions[-1].version_number

    def _latest(self, status: str) -> int | None:
        return next(
            (v.version_number for v in reversed(self.versions) if v.status == status),
            None,
        )

    @property
    def approved_version_number(self) -> int | None:
        """Return the number of the latest approved version, if any."""
        return self._latest("APPROVED")

    @property
    def latest_denied_version_number(self) -> int | None:
        """Return the number of the latest denied version, if any."""
        return self._latest("DENIED")

    def version(self, number: int) -> RegistrationVersion | None:
        """Return the version with this number."""
        return next((v for v in self.versions if v.version_number == number), None)


@dataclass
class VerifiedDestinationNumber:
    """A destination a sandbox account may send to once it is VERIFIED.

    A state file may list plain numbers (verified already) or mappings. Its
    ID is stable per region and number unless the state gives one.
    """

    destination_phone_number: str
    status: str = "VERIFIED"
    verified_destination_number_id: str = ""
    tags: list[dict[str, str]] = field(default_factory=list)
    created: datetime = DEMO_CREATED
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        """Reject what the model does not allow; derive the ID."""
        check_region(self.region)
        if not E164_RE.fullmatch(str(self.destination_phone_number)):
            raise StateError(
                f"{self.destination_phone_number!r} is not an E.164 phone number"
            )
        _check_status(self.status, VERIFICATION_STATUSES, "verification status")
        if not self.verified_destination_number_id:
            self.verified_destination_number_id = stable_id(
                "verifieddestinationnumber",
                f"{self.region}/{self.destination_phone_number}",
            )


def verified_destination(item: Any, where: str) -> VerifiedDestinationNumber:
    """Return a state file's verified destination: a number, or a mapping."""
    if isinstance(item, VerifiedDestinationNumber):
        return item
    if isinstance(item, str):
        try:
            return VerifiedDestinationNumber(item)
        except StateError as err:
            raise StateError(f"{where}: {err}") from err
    return build(VerifiedDestinationNumber, item, where)


# A US toll-free number sends only once its registration is approved:
# https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-tfn.html
DEMO_TOLL_FREE_REGISTRATION_ID = stable_id("registration", "demo/+18885550100")
# The second toll-free number of the account `python -m eum_emulator` serves
# (develop_state): its registration was denied and needs updates.
DEVELOP_PENDING_NUMBER = "+18885550101"
DEVELOP_DENIED_REGISTRATION_ID = stable_id("registration", "demo/+18885550101")
# Where AWS says what a registration's opt-in and website must show. Its
# checklist: "Incomplete opt-in documentation is the most common cause of
# registration denial."
REGISTRATION_HELP_URL = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "registration-help-quickstart.html"
)
_REGISTRATION_HELP_TITLE = "Opt-in requirements checklist"


def demo_registrations() -> list[Registration]:
    """Return the demo toll-free number's registration: approved, complete."""
    return [
        Registration(
            registration_id=DEMO_TOLL_FREE_REGISTRATION_ID,
            registration_type="US_TOLL_FREE_REGISTRATION",
            status="COMPLETE",
            versions=[
                RegistrationVersion(
                    1,
                    status="APPROVED",
                    history={
                        "DRAFT": DEMO_CREATED,
                        "SUBMITTED": DEMO_CREATED + timedelta(hours=1),
                        "REVIEWING": DEMO_CREATED + timedelta(days=1),
                        "APPROVED": DEMO_CREATED + timedelta(days=10),
                    },
                )
            ],
            created=DEMO_CREATED,
        )
    ]


def denied_registration() -> Registration:
    """Return develop_state's registration that AWS denied twice.

    The reasons are the checklist's items (REGISTRATION_HELP_URL): the
    website must be live, public and match the brand; the opt-in must be a
    clear, affirmative action with its disclosures at the point of consent.
    """
    created = DEMO_CREATED + timedelta(days=18)
    website = DeniedReason(
        reason="Website",
        short_description="The website is not live or not publicly accessible.",
        long_description=(
            "The website must be live, publicly accessible, and match your "
            "registered brand name. Update the registration and resubmit it."
        ),
        documentation_title=_REGISTRATION_HELP_TITLE,
        documentation_link=REGISTRATION_HELP_URL,
    )
    opt_in = DeniedReason(
        reason="Opt-in workflow",
        short_description=(
            "The opt-in workflow does not show how recipients consent to "
            "receive messages."
        ),
        long_description=(
            "Incomplete opt-in documentation is the most common cause of "
            "registration denial. Show consent collected with a clear, "
            "affirmative action (not pre-checked or bundled as a condition of "
            'service), with the message frequency, "Message and data rates may '
            'apply", links to the terms and privacy policy, and STOP and HELP '
            "instructions at the point of consent, in a publicly accessible "
            "screenshot or URL."
        ),
        documentation_title=_REGISTRATION_HELP_TITLE,
        documentation_link=REGISTRATION_HELP_URL,
    )
    return Registration(
        registration_id=DEVELOP_DENIED_REGISTRATION_ID,
        registration_type="US_TOLL_FREE_REGISTRATION",
        status="REQUIRES_UPDATES",
        versions=[
            RegistrationVersion(
                1,
                status="DENIED",
                history={
                    "DRAFT": created,
                    "SUBMITTED": created + timedelta(minutes=30),
                    "REVIEWING": created + timedelta(days=1),
                    "DENIED": created + timedelta(days=9),
                },
                denied_reasons=[website],
            ),
            RegistrationVersion(
                2,
                status="DENIED",
                history={
                    "DRAFT": created + timedelta(days=10),
                    "SUBMITTED": created + timedelta(days=10, hours=2),
                    "REVIEWING": created + timedelta(days=11),
                    "DENIED": created + timedelta(days=17),
                },
                denied_reasons=[opt_in],
            ),
        ],
        created=created,
    )
