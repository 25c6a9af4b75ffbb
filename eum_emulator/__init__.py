"""A local AWS End User Messaging SMS (pinpoint-sms-voice-v2) emulator.

It speaks the real wire protocol, so an unmodified aiobotocore client pointed
at it with ``endpoint_url`` works, signatures and all. Use :class:`Emulator`
from Python, or ``python -m eum_emulator`` from a shell.
"""

from .basics import StateError
from .develop import develop_state
from .errors import AwsError, InboundError
from .faults import Fault
from .media_bucket import provision_media_bucket
from .network import NetworkSwitch
from .outbox import OutboxMessage
from .receiving import provision_receiving
from .records import (
    DeniedReason,
    Registration,
    RegistrationVersion,
    VerifiedDestinationNumber,
)
from .segments import count_segments
from .server import Emulator, create_app
from .service import SmsVoiceService
from .sessions import RoleSession
from .state import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCOUNT_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccessKey,
    AccountState,
    ConfigurationSet,
    EventDestination,
    PhoneNumber,
    Pool,
    Role,
    SenderId,
    SpendLimit,
)

__all__ = [
    "DEMO_ACCESS_KEY_ID",
    "DEMO_ACCOUNT_ID",
    "DEMO_SECRET_ACCESS_KEY",
    "AccessKey",
    "AccountState",
    "AwsError",
    "ConfigurationSet",
    "DeniedReason",
    "Emulator",
    "EventDestination",
    "Fault",
    "InboundError",
    "NetworkSwitch",
    "OutboxMessage",
    "PhoneNumber",
    "Pool",
    "Registration",
    "RegistrationVersion",
    "Role",
    "RoleSession",
    "SenderId",
    "SmsVoiceService",
    "SpendLimit",
    "StateError",
    "VerifiedDestinationNumber",
    "count_segments",
    "create_app",
    "develop_state",
    "provision_media_bucket",
    "provision_receiving",
]
