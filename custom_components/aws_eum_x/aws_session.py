"""The aiobotocore session and the HTTP session its clients send on.

botocore reads JSON models, endpoint data and CA bundles from disk when a
client is first made; :func:`prepare_session` and :func:`load_ca_bundles` do
that off the event loop. :func:`shared_http_session_class` lets every client
send on Home Assistant's aiohttp session instead of opening its own (which
would build an SSL context from disk, in the loop). Like api.py, it imports
nothing from Home Assistant.
"""

import asyncio
import functools
import inspect
import logging
import ssl
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.session import AioSession
import botocore.session

from .aws_errors import AwsConnectionError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import aiohttp

_LOGGER = logging.getLogger(__name__)

SERVICE_NAME: Final = "pinpoint-sms-voice-v2"
# The private attributes of aiobotocore's AIOHTTPSession the hook reads
# (aiobotocore 3.7.0; see _AioHttpSessionInternals).
HOOK_ATTRIBUTES: Final = ("_sessions", "_timeout", "_verify", "_max_pool_connections")


class _SharedSessionRequests:
    """What aiobotocore asks of an aiohttp session, served by a shared one.

    aiobotocore sets its timeouts, TLS settings, pool size and
    ``auto_decompress=False`` on the session it creates; a shared session has
    its own, so they go on each request instead.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        ssl_setting: ssl.SSLContext | bool,
        pool_size: int,
    ) -> None:
        self._session = session
        self._timeout = timeout
        self._ssl = ssl_setting
        # The pool size aiobotocore gives its own connector: at most this
        # many requests of one client in flight at once.
        self._slots = asyncio.Semaphore(pool_size)

    async def request(
        self,
        method: str,
        **kwargs: Any,
    ) -> aiohttp.ClientResponse:
        async with self._slots:
            return await self._session.request(
                method,
                timeout=self._timeout,
                auto_decompress=False,
                ssl=self._ssl,
                **kwargs,
            )


class _AioHttpSessionInternals(Protocol):
    """The attributes of aiobotocore's AIOHTTPSession the hook relies on.

    They are private to aiobotocore 3.7.0 (its type stubs do not declare
    them); tests/integration/test_api.py checks the installed aiobotocore
    still sets each of them, and still sends through ``_get_session``.
    """

    _sessions: dict[str | None, aiohttp.ClientSession] | None
    _timeout: aiohttp.ClientTimeout
    _verify: bool | str
    _max_pool_connections: int


@functools.cache
def session_hook_supported() -> bool:
    """Return whether the installed aiobotocore still has what the hook reads.

    The manifest accepts newer aiobotocore releases (Home Assistant pins
    botocore, and aiobotocore with it, for its own AWS integrations), whose
    private attributes may change. Then clients fall back to aiobotocore's
    own HTTP session: each opens its own connection pool and builds its SSL
    context in the event loop, which Home Assistant reports as a blocking
    call, but messages still go out. Checked, and warned about, once.
    """
    probe = AIOHTTPSession()
    missing = [name for name in HOOK_ATTRIBUTES if not hasattr(probe, name)]
    if not inspect.iscoroutinefunction(getattr(AIOHTTPSession, "_get_session", None)):
        missing.append("_get_session")
    if not missing:
        return True
    _LOGGER.warning(
        "The installed aiobotocore has no %s: AWS clients use aiobotocore's own "
        "HTTP session instead of Home Assistant's. Messages are still sent; "
        "please report this with your aiobotocore version",
        ", ".join(missing),
    )
    return False


def shared_http_session_class(
    session: aiohttp.ClientSession,
    ssl_contexts: Mapping[str, ssl.SSLContext] | None = None,
) -> type[AIOHTTPSession]:
    """Return an aiobotocore HTTP session class that uses ``session``.

    aiobotocore normally opens an aiohttp session (and builds an SSL context
    from disk, in the event loop) per client. This class hands it the given
    session instead and never closes it: closing a client leaves the shared
    session to its owner. ``ssl_contexts`` holds the SSL context of each CA
    bundle botocore may be configured with (built off the event loop).

    Where the installed aiobotocore no longer has what the hook relies on,
    this is aiobotocore's own HTTP session class (see
    :func:`session_hook_supported`): sending goes on, on a session per client.
    """
    if not session_hook_supported():
        return AIOHTTPSession
    contexts = dict(ssl_contexts or {})

    class SharedAIOHTTPSession(AIOHTTPSession):
        # Made at the first request and kept: aiobotocore asks for the
        # session on every request, and the pool's slots must be shared.
        _requests: _SharedSessionRequests | None = None

        async def _get_session(self, proxy_url: str | None) -> _SharedSessionRequests:
            internals = cast("_AioHttpSessionInternals", self)
            # aiobotocore sets _sessions to None when the client is closed.
            if internals._sessions is None:  # noqa: SLF001
                raise RuntimeError("The AWS client is closed")
            if self._requests is None:
                self._requests = self._shared_requests(internals)
            return self._requests

        @staticmethod
        def _shared_requests(
            internals: _AioHttpSessionInternals,
        ) -> _SharedSessionRequests:
            verify = internals._verify  # noqa: SLF001
            ssl_setting: ssl.SSLContext | bool
            if verify is False:
                ssl_setting = False
            elif isinstance(verify, str):
                if verify not in contexts:
                    raise AwsConnectionError(
                        f"The CA bundle {verify} was not loaded at start-up"
                    )
                ssl_setting = contexts[verify]
            else:
                # Home Assistant's session trusts what Home Assistant trusts.
                ssl_setting = True
            return _SharedSessionRequests(
                session,
                internals._timeout,  # noqa: SLF001
                ssl_setting,
                internals._max_pool_connections,  # noqa: SLF001
            )

    return SharedAIOHTTPSession


class _LoaderWarmUp(Protocol):
    """AioSession's cache warm-up, which its type stubs do not declare yet."""

    def warm_up_loader_caches(self, service_name: str | None = None) -> None: ...


def prepare_session() -> AioSession:
    """Create an aiobotocore session with everything it reads from disk loaded.

    Blocking: run it in an executor. botocore reads its JSON models, endpoint
    data and ~/.aws/config lazily; loading them here keeps the event loop free
    when clients are created later.
    """
    session = AioSession()
    # Environment and config-file settings (a user's ~/.aws/config).
    session.get_scoped_config()
    # The clients every entry may open: SMS, STS (roles), SQS (events). S3's
    # model is large and only picture messages need it: see MediaStore.
    for service in (SERVICE_NAME, "sts", "sqs"):
        warm_up_models(session, service)
    return session


def warm_up_models(session: AioSession, service: str) -> None:
    """Load what a client of ``service`` reads from disk. Blocking."""
    cast("_LoaderWarmUp", session).warm_up_loader_caches(service)


def load_ca_bundles(session: AioSession) -> dict[str, ssl.SSLContext]:
    """Return the SSL context of the CA bundle botocore is configured with.

    Blocking (reads the bundle): run it in an executor. A bundle set with
    AWS_CA_BUNDLE or ``ca_bundle`` in ~/.aws/config is what aiobotocore
    would trust; requests on Home Assistant's session use it too.
    """
    bundle = session.get_config_variable("ca_bundle")
    if not bundle:
        return {}
    return {str(bundle): ssl.create_default_context(cafile=str(bundle))}


def available_regions() -> list[str]:
    """Return every region botocore lists for the service, GovCloud last.

    Blocking (reads botocore's endpoint data): run it in an executor.
    """
    session = botocore.session.get_session()
    regions: list[str] = list(session.get_available_regions(SERVICE_NAME))
    regions += session.get_available_regions(SERVICE_NAME, "aws-us-gov")
    return regions
