"""A local AWS End User Messaging SMS (pinpoint-sms-voice-v2) emulator.

It speaks the real wire protocol, so an unmodified aiobotocore client pointed
at it with ``endpoint_url`` works, signatures and all. Use :class:`Emulator`
from Python, or ``python -m eum_emulator`` from a shell.
"""

from .errors import AwsError, InboundError
from .faults import Fault
from .media_bucket import provision_media_bucket
from .receiving import provision_receiving
from .segments import count_segments
from .server import Emulator, create_app
from .service import OutboxMessage, SmsVoiceService
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
    StateError,
)

__all__ = [
    "DEMO_ACCESS_KEY_ID",
    "DEMO_ACCOUNT_ID",
    "DEMO_SECRET_ACCESS_KEY",
    "AccessKey",
    "AccountState",
    "AwsError",
    "ConfigurationSet",
    "Emulator",
    "EventDestination",
    "Fault",
    "InboundError",
    "OutboxMessage",
    "PhoneNumber",
    "Pool",
    "Role",
    "RoleSession",
    "SenderId",
    "SmsVoiceService",
    "SpendLimit",
    "StateError",
    "count_segments",
    "create_app",
    "provision_media_bucket",
    "provision_receiving",
]
