"""Where an entry's AWS credentials come from: a key, a role, or AWS itself.

With an access key, each client signs with the key. With a role to assume,
the entry gets its own aiobotocore session whose credentials are
aiobotocore's refreshable credentials: the first client calls STS AssumeRole
with the access key (on Home Assistant's shared HTTP session), and any
request within the refresh window before they expire calls it again first,
so no request is ever signed with expired credentials.

When Home Assistant runs on AWS, botocore's default chain finds them (see
:class:`DefaultChain`). Like api.py, it imports nothing from Home Assistant.
"""

import asyncio
from dataclasses import dataclass, field
import threading
from typing import TYPE_CHECKING, Any, Final, override

from aiobotocore.credentials import (
    AioCredentialResolver,
    AioCredentials,
    AioRefreshableCredentials,
)
from aiobotocore.session import AioSession
from botocore.credentials import CredentialProvider, ReadOnlyCredentials
from botocore.exceptions import BotoCoreError

from .api import AwsConnection, sts_client
from .aws_errors import (
    AwsAccessDeniedError,
    AwsAuthError,
    AwsConnectionError,
    AwsNotSentError,
    AwsRequestError,
    AwsSmsError,
    translated,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

    from types_aiobotocore_sts.type_defs import AssumeRoleRequestTypeDef

# Names the session in CloudTrail; AWS allows [\w+=,.@-]{2,64}.
DEFAULT_SESSION_NAME: Final = "home-assistant-aws-eum-x"
ASSUME_ROLE_METHOD: Final = "assume-role"


@dataclass(frozen=True)
class RoleSettings:
    """The role an access key assumes, as the user entered it."""

    role_arn: str
    # A shared secret between the role's owner and this user: not shown.
    external_id: str | None = field(default=None, repr=False)
    session_name: str = DEFAULT_SESSION_NAME


class AwsAssumeRoleError(AwsAccessDeniedError):
    """STS refused AssumeRole.

    AWS gives one answer for three causes: the role does not exist, its trust
    policy does not name this user, or the external ID is missing or wrong
    (and a fourth: the user's policy lacks sts:AssumeRole on the role).
    """

    translation_key = "assume_role_denied"

    def __init__(self, message: str, role: RoleSettings) -> None:
        """Name the role and whether an external ID was sent."""
        super().__init__(message, action="sts:AssumeRole")
        self.placeholders |= {
            "role_arn": role.role_arn,
            "external_id": "set" if role.external_id else "not set",
        }


class AwsNoCredentialsError(AwsAuthError):
    """The default chain found no credentials where Home Assistant runs."""

    translation_key = "no_credentials"


class AwsInvalidRoleError(AwsSmsError):
    """STS cannot use the role ARN or session name as given."""

    translation_key = "invalid_role"


def entry_session(shared: AioSession) -> AioSession:
    """Return a new aiobotocore session for one entry's own credentials.

    Blocking (reads ~/.aws/config): run it in an executor. It shares the
    shared session's data loader, whose service models are already loaded,
    so creating clients from it reads nothing from disk.
    """
    session = AioSession()
    session.register_component("data_loader", shared.get_component("data_loader"))
    session.get_scoped_config()
    return session


class _AssumeRoleProvider(CredentialProvider):
    """A credential chain of one link: the role, refreshed on demand."""

    METHOD = ASSUME_ROLE_METHOD

    def __init__(self, fetch: Callable[[], Awaitable[dict[str, str]]]) -> None:
        super().__init__()
        self._fetch = fetch

    @override
    async def load(self) -> AioRefreshableCredentials:
        # The first AssumeRole is made here, when the first client is
        # created: a refusal reaches the caller as the integration's error.
        # Left to botocore's refresh, it would also be logged as a warning
        # with a traceback, for what is a settings problem.
        metadata = await self._fetch()
        return AioRefreshableCredentials.create_from_metadata(
            metadata, refresh_using=self._fetch, method=self.METHOD
        )


def assume_role_fetcher(
    base: AwsConnection, role: RoleSettings
) -> Callable[[], Awaitable[dict[str, str]]]:
    """Return what fetches the role's temporary credentials with ``base``'s key.

    The answer is what aiobotocore's refreshable credentials expect. A failure
    raises the integration's error: the request that needed the credentials
    was never sent, so it is AwsNotSentError when AWS could not be reached.
    """
    params: AssumeRoleRequestTypeDef = {
        "RoleArn": role.role_arn,
        "RoleSessionName": role.session_name,
    }
    if role.external_id:
        params["ExternalId"] = role.external_id

    async def fetch() -> dict[str, str]:
        try:
            with translated("AssumeRole"):
                async with sts_client(base) as sts:
                    answer = await sts.assume_role(**params)
        except AwsAccessDeniedError as err:
            raise AwsAssumeRoleError(str(err), role) from err
        except AwsConnectionError as err:
            raise AwsNotSentError(str(err)) from err
        except AwsRequestError as err:
            raise AwsInvalidRoleError(str(err)) from err
        except AwsSmsError as err:
            if type(err) is not AwsSmsError:  # keys refused, throttled: as is
                raise
            # botocore's own validation of the request (ARN too short...).
            raise AwsInvalidRoleError(str(err)) from err
        credentials = answer["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    return fetch


def use_role(session: AioSession, base: AwsConnection, role: RoleSettings) -> None:
    """Make ``session`` sign with the role's credentials, refreshed as needed."""
    provider = _AssumeRoleProvider(assume_role_fetcher(base, role))
    session.register_component(
        "credential_provider", AioCredentialResolver(providers=[provider])
    )


class DefaultChain:
    """botocore's default credential chain, run on a thread of its own.

    For Home Assistant running on AWS: environment variables, the shared
    credentials and config files, a container's task role (ECS/EKS) or the
    instance profile (EC2). The chain reads files, and renews a role's
    credentials with aiobotocore HTTP sessions that build SSL contexts from
    disk: all of it blocks. A worker thread with an event loop of its own
    runs the chain and every renewal; Home Assistant's loop only awaits the
    credentials the signer asks for, a thread hop per request.
    """

    def __init__(self, session: AioSession) -> None:
        """Resolve through ``session`` (see :func:`entry_session`)."""
        self._session = session
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="aws_eum_x credentials", daemon=True
        )
        self._thread.start()
        self._credentials: AioCredentials | AioRefreshableCredentials | None = None

    async def _in_worker[T](self, work: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(work, self._loop)
        )

    async def async_resolve(self) -> str:
        """Find credentials; return botocore's name of their source."""
        try:
            self._credentials = await self._in_worker(self._session.get_credentials())
        except BotoCoreError as err:  # a source found, but unusable
            raise AwsAuthError(f"{type(err).__name__}: {err}") from err
        if self._credentials is None:
            raise AwsNoCredentialsError("No AWS credentials were found")
        return str(self._credentials.method)

    async def async_frozen(self) -> ReadOnlyCredentials:
        """Return current credentials, renewed on the worker when due."""
        credentials = self._credentials
        if credentials is None:
            raise AwsAuthError("No AWS credentials were found")
        try:
            return await self._in_worker(credentials.get_frozen_credentials())
        except BotoCoreError as err:
            # The request that needed them was never sent.
            raise AwsNotSentError(f"{type(err).__name__}: {err}") from err

    def close(self) -> None:
        """Stop the worker thread (again is fine). Blocking: joins it."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class _ChainCredentials(AioCredentials):
    """Credentials whose every use asks the default chain's worker."""

    def __init__(self, chain: DefaultChain, method: str) -> None:
        # The signer only ever asks for frozen credentials; these fields
        # hold nothing.
        super().__init__(access_key="", secret_key="", method=method)
        self._chain = chain

    @override
    async def get_frozen_credentials(  # type: ignore[override]
        self,
    ) -> ReadOnlyCredentials:
        # A coroutine at run time, as aiobotocore's signer awaits it; the
        # type stubs of AioCredentials keep botocore's synchronous signature.
        return await self._chain.async_frozen()


class _ChainProvider(CredentialProvider):
    METHOD = "default-chain"

    def __init__(self, chain: DefaultChain, method: str) -> None:
        super().__init__()
        self._credentials = _ChainCredentials(chain, method)

    @override
    async def load(self) -> _ChainCredentials:
        return self._credentials


def use_default_chain(session: AioSession, chain: DefaultChain, method: str) -> None:
    """Make ``session`` sign with what ``chain`` resolved (as ``method``)."""
    session.register_component(
        "credential_provider",
        AioCredentialResolver(providers=[_ChainProvider(chain, method)]),
    )
