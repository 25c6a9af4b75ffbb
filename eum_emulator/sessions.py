"""Temporary credentials of role sessions, as STS issues them.

A session is an access key with a session token and an expiry, added to the
account's keys so that the front door accepts it for every service until it
expires, with the role's allowed actions. Issued keys are forgotten a while
after they expire, so a long run that keeps refreshing stays bounded.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
import secrets
import string
from typing import TYPE_CHECKING

from .state import AccessKey

if TYPE_CHECKING:
    from .state import AccountState, Role

DEFAULT_DURATION_SECONDS = 3600
# An expired key is still recognised for this long, so that its holder is
# told ExpiredToken (as AWS says for any expired token) and not that the key
# is unknown; after that it is dropped.
EXPIRED_KEY_RETENTION = timedelta(minutes=15)
# The most issued keys kept at once, expired or not; the soonest to expire
# go first. Far more than any test or benchmark holds live at a time.
MAX_ISSUED_KEYS = 10_000

_KEY_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class RoleSession:
    """Credentials just issued for a role session."""

    key: AccessKey
    role_arn: str
    account_id: str
    token: str
    expiration: datetime

    @property
    def expiration_text(self) -> str:
        """Return the expiry as STS and ECS write it (ISO 8601, UTC, seconds)."""
        return self.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_access_key_id() -> str:
    # Temporary keys start with ASIA, long-term ones with AKIA.
    return "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def _new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def _new_session_token() -> str:
    # Real tokens are opaque base64 of several hundred characters; clients
    # must carry them whole, so a token of that size tests that they do.
    return base64.b64encode(secrets.token_bytes(384)).decode()


def is_issued(key: AccessKey) -> bool:
    """Return whether the key is a role session's (issued, so prunable)."""
    return key.role_arn is not None and key.expires is not None


def issue_session(
    state: AccountState,
    role: Role,
    *,
    session_name: str,
    duration_seconds: int,
    now: datetime | None = None,
) -> RoleSession:
    """Add temporary credentials of ``role`` to the account and return them.

    The credentials last ``duration_seconds``, or the role's
    ``credential_lifetime_seconds`` when that is shorter. The expiry is
    rounded up to a whole second, as it is written, so the expiry a client
    reads is exactly the one enforced. Call with the state's lock held.
    """
    now = now or datetime.now(UTC)
    lifetime: float = duration_seconds
    if role.credential_lifetime_seconds is not None:
        lifetime = min(lifetime, role.credential_lifetime_seconds)
    expires = datetime.fromtimestamp(
        math.ceil((now + timedelta(seconds=lifetime)).timestamp()), UTC
    )
    role_arn = state.role_arn(role)
    account_id = role.account_id or state.account_id
    token = _new_session_token()
    key = AccessKey(
        access_key_id=_new_access_key_id(),
        secret_access_key=_new_secret(),
        user_name=session_name,
        session_token=token,
        expires=expires,
        allowed_actions=(
            None if role.allowed_actions is None else list(role.allowed_actions)
        ),
        account_id=account_id,
        role_arn=role_arn,
        role_session_name=session_name,
    )
    prune_sessions(state, now, room_for=1)
    state.access_keys.append(key)
    return RoleSession(
        key=key,
        role_arn=role_arn,
        account_id=account_id,
        token=token,
        expiration=expires,
    )


def prune_sessions(state: AccountState, now: datetime, room_for: int = 0) -> int:
    """Forget issued keys long expired, and the oldest beyond the cap.

    ``room_for`` keeps space for keys about to be added. Keys from the state
    file or added by hand are never dropped. Return how many were dropped.
    Call with the state's lock held.
    """
    cutoff = now - EXPIRED_KEY_RETENTION
    issued = [
        k
        for k in state.access_keys
        if is_issued(k) and k.expires is not None and k.expires >= cutoff
    ]
    excess = len(issued) + room_for - MAX_ISSUED_KEYS
    if excess > 0:
        issued.sort(key=lambda k: k.expires or now)
        issued = issued[excess:]
    keep = {id(k) for k in issued}
    before = len(state.access_keys)
    state.access_keys[:] = [
        k for k in state.access_keys if not is_issued(k) or id(k) in keep
    ]
    return before - len(state.access_keys)


def active_sessions(state: AccountState, now: datetime | None = None) -> int:
    """Return how many issued keys have not expired yet."""
    now = now or datetime.now(UTC)
    return sum(
        1
        for k in state.access_keys
        if is_issued(k) and k.expires is not None and k.expires > now
    )
