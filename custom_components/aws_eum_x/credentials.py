"""Where an entry's AWS credentials come from: an access key, or a role.

With an access key, each client signs with the key. With a role to assume,
the entry gets its own aiobotocore session whose credentials are
aiobotocore's deferred refreshable credentials: the first request, and any
request within the refresh window before they expire, first calls STS
AssumeRole with the access key (on Home Assistant's shared HTTP session), so
no request is ever signed with expired credentials.

Like api.py, it imports nothing from Home Assistant.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, override

from aiobotocore.credentials import (
    AioCredentialResolver,
    AioDeferredRefreshableCredentials,
)
from aiobotocore.session import AioSession
from botocore.credentials import CredentialProvider

from .api import (
    AwsAccessDeniedError,
    AwsConnection,
    AwsConnectionError,
    AwsNotSentError,
    AwsRequestError,
    AwsSmsError,
    sts_client,
    translated,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

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
    async def load(self) -> AioDeferredRefreshableCredentials:
        return AioDeferredRefreshableCredentials(
            refresh_using=self._fetch, method=self.METHOD
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
        except AwsNotSentError:
            raise
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
