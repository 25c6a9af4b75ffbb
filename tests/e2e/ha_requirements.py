"""What the end-to-end test's `hass` would install at start: to install it first.

The test runs `hass --skip-pip`, so every requirement Home Assistant would
install for that configuration must already be there. They are read from the
installed Home Assistant's own manifests the way its requirements manager
walks them: the configured domains, bootstrap's default integrations and this
integration, then each one's dependencies, after-dependencies and the
discovery integrations its manifest asks for.

`python -m tests.e2e.ha_requirements` prints them one a line: what
scripts/test-newest-ha installs for the newest Home Assistant.
"""

from collections.abc import Iterable
import json
from pathlib import Path
from typing import Any

import homeassistant
from homeassistant.bootstrap import CORE_INTEGRATIONS, DEFAULT_INTEGRATIONS
from homeassistant.requirements import DISCOVERY_INTEGRATIONS

from .harness import CONFIGURATION, ROOT

BUILT_IN = Path(homeassistant.__file__).parent / "components"
CUSTOM = ROOT / "custom_components"
OURS = "aws_eum_x"


def configured_domains() -> set[str]:
    """Return the top-level keys of the test's configuration.yaml."""
    return {
        line.split(":", 1)[0]
        for line in CONFIGURATION.splitlines()
        if line and not line[0].isspace()
    }


def _manifest(domain: str) -> dict[str, Any] | None:
    for base in (CUSTOM, BUILT_IN):
        path = base / domain / "manifest.json"
        if path.is_file():
            manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return manifest
    # An after-dependency may name an integration that does not exist.
    return None


def requirements_by_integration(roots: Iterable[str]) -> dict[str, list[str]]:
    """Return each integration's requirements, for ``roots`` and all they pull in."""
    found: dict[str, list[str]] = {}
    todo = sorted(roots)
    while todo:
        domain = todo.pop()
        if domain in found or (manifest := _manifest(domain)) is None:
            continue
        found[domain] = list(manifest.get("requirements", []))
        todo.extend(
            manifest.get("dependencies", []) + manifest.get("after_dependencies", [])
        )
        todo.extend(
            check
            for check, keys in DISCOVERY_INTEGRATIONS.items()
            if any(key in manifest for key in keys)
        )
    return found


def startup_requirements() -> list[str]:
    """Return every requirement `hass` would install for the end-to-end test."""
    roots = configured_domains() | DEFAULT_INTEGRATIONS | CORE_INTEGRATIONS | {OURS}
    return sorted(
        {
            requirement
            for requirements in requirements_by_integration(roots).values()
            for requirement in requirements
        },
        key=str.lower,
    )


if __name__ == "__main__":
    print("\n".join(startup_requirements()))  # noqa: T201
