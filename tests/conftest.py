"""Fixtures shared by every test: the emulator and AWS clients pointed at it."""

from collections.abc import AsyncGenerator, Callable, Generator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

from aiobotocore.session import AioSession
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccountState,
    Emulator,
)

if TYPE_CHECKING:
    from aiobotocore.config import AioConfig

SMS_SERVICE = "pinpoint-sms-voice-v2"


@pytest.fixture(autouse=True)
def no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let botocore's default chain ask the EC2 metadata address.

    Tests reach loopback only; 169.254.169.254 is not theirs.
    """
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/ in every test."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are disabled by default, to test them too."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize Home Assistant objects without their run-specific IDs and times."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def account_state() -> AccountState:
    """Return the account the emulator serves; override to change it."""
    return AccountState()


@pytest.fixture
def emulator(socket_enabled: None, account_state: AccountState) -> Generator[Emulator]:
    """Serve the account on a free loopback port for one test."""
    with Emulator(account_state) as running:
        yield running


type ClientFactory = Callable[..., Any]


@pytest.fixture
async def aws_client(emulator: Emulator) -> AsyncGenerator[ClientFactory]:
    """Return a factory of aiobotocore clients for the emulator.

    Every client is closed when the test ends.
    """
    session = AioSession()
    async with AsyncExitStack() as stack:

        async def make(
            service: str = SMS_SERVICE,
            *,
            access_key_id: str = DEMO_ACCESS_KEY_ID,
            secret_access_key: str = DEMO_SECRET_ACCESS_KEY,
            session_token: str | None = None,
            region: str = "us-east-1",
            config: AioConfig | None = None,
        ) -> Any:
            return await stack.enter_async_context(
                session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=emulator.url,
                    aws_access_key_id=access_key_id,
                    aws_secret_access_key=secret_access_key,
                    aws_session_token=session_token,
                    config=config,
                )
            )

        yield make
