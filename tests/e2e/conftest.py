"""Fixtures of the end-to-end tests, which need no pytest plugin of Home Assistant.

scripts/test-newest-ha runs this folder under the newest Home Assistant, where
pytest-homeassistant-custom-component (it pins an older release) is not
installed, with ``--confcutdir=tests/e2e``: tests/conftest.py, which imports
that plugin, is not loaded there, so what these tests need from it is here.
In the project's normal run both are loaded, and these win in this folder.
"""

from collections.abc import Generator

import pytest

from eum_emulator import AccountState, Emulator


@pytest.fixture(autouse=True)
def no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let botocore's default chain ask the EC2 metadata address.

    `hass` inherits the variable too: tests reach loopback only.
    """
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def sockets(request: pytest.FixtureRequest) -> None:
    """Let the test open sockets.

    Home Assistant's plugin blocks them through pytest-socket; without it
    nothing does.
    """
    if request.config.pluginmanager.hasplugin("socket"):
        request.getfixturevalue("socket_enabled")


@pytest.fixture
def emulator(sockets: None) -> Generator[Emulator]:
    """Serve the demo account on a free loopback port for one test."""
    with Emulator(AccountState()) as running:
        yield running
