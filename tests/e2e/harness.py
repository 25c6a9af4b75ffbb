"""Start a real `hass` process on a free loopback port and drive its REST API.

Used by the end-to-end test and by scripts that need a running instance.
"""

import json
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = """
homeassistant:
  name: e2e
  time_zone: UTC
  country: US
  currency: USD
frontend:
config:
api:
http:
  server_host: 127.0.0.1
  server_port: {port}
logger:
  default: warning
  logs:
    custom_components.aws_eum_x: debug
"""


# Deadlines, not speeds: how long to wait for what `hass` will do, generous
# enough for a machine that runs two test suites at once. A passing run
# waits only as long as Home Assistant takes.
START_TIMEOUT = 300.0
WAIT_TIMEOUT = 120.0


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RealHass:
    """A `hass` process with a temporary config and this integration."""

    def __init__(self, config_dir: Path) -> None:
        """Prepare ``config_dir``; call :meth:`start`."""
        self.config_dir = config_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        (config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.port), encoding="utf-8"
        )
        (config_dir / "custom_components").mkdir()
        (config_dir / "custom_components" / "aws_eum_x").symlink_to(
            ROOT / "custom_components" / "aws_eum_x"
        )

    @property
    def log(self) -> str:
        """Return what Home Assistant logged so far."""
        path = self.config_dir / "home-assistant.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start and wait until the HTTP API answers."""
        self._process = subprocess.Popen(
            # --skip-pip: everything must already be installed, as the test
            # stack installs it; nothing is fetched while the test runs.
            [
                sys.executable,
                "-m",
                "homeassistant",
                "--skip-pip",
                "--config",
                str(self.config_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"hass exited early:\n{self.log[-3000:]}")
            try:
                self.request("GET", "/api/onboarding")
            except urllib.error.URLError, ConnectionError:
                time.sleep(0.5)
                continue
            return
        raise TimeoutError(f"hass did not answer in {timeout} s:\n{self.log[-3000:]}")

    def stop(self) -> None:
        """Stop the process (gracefully, then for good)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=WAIT_TIMEOUT)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung shutdown
            self._process.kill()
            self._process.wait()

    def request(
        self, method: str, path: str, data: Any = None, *, form: bool = False
    ) -> Any:
        """Call the REST API; return the decoded JSON answer."""
        headers = {}
        body = None
        if data is not None:
            if form:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url + path, data=body, headers=headers, method=method
        )
        with urllib.request.urlopen(request, timeout=WAIT_TIMEOUT) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def onboard(self) -> None:
        """Create the owner and log in, as the onboarding page does.

        The later onboarding steps are left out on purpose: they start config
        flows of default integrations (text-to-speech, weather) that have
        nothing to do with this test and need packages it does not install.
        """
        client_id = f"{self.url}/"
        answer = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": client_id,
                "name": "E2E",
                "username": "e2e",
                "password": "e2e-password",
                "language": "en",
            },
        )
        tokens = self.request(
            "POST",
            "/auth/token",
            {
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": client_id,
            },
            form=True,
        )
        self.token = tokens["access_token"]

    def wait_for_service(
        self, domain: str, service: str, timeout: float = WAIT_TIMEOUT
    ) -> None:
        """Return once the action is registered.

        A legacy notify service is registered after the entry's entities, by
        notify's discovery: an entity being up does not mean it exists yet.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            services = self.request("GET", "/api/services")
            if any(
                item["domain"] == domain and service in item["services"]
                for item in services
            ):
                return
            time.sleep(0.2)
        raise TimeoutError(f"{domain}.{service} did not come:\n{self.log[-3000:]}")

    def wait_for_state(
        self, entity_id: str, timeout: float = WAIT_TIMEOUT
    ) -> dict[str, Any]:
        """Return the entity's state once it exists and is available."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                state: dict[str, Any] = self.request("GET", f"/api/states/{entity_id}")
            except urllib.error.HTTPError:
                state = {}
            if state.get("state") not in (None, "unavailable", "unknown"):
                return state
            time.sleep(0.5)
        raise TimeoutError(f"{entity_id} did not come up:\n{self.log[-3000:]}")
