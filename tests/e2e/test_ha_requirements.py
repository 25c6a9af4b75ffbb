"""The packages `hass --skip-pip` needs in the end-to-end test are installed."""

from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement

from .ha_requirements import configured_domains, startup_requirements


def test_configured_domains() -> None:
    """The configuration's top-level keys are the domains it sets up."""
    assert configured_domains() == {
        "homeassistant",
        "frontend",
        "config",
        "api",
        "http",
        "logger",
    }


def test_what_hass_would_install_is_installed() -> None:
    """Every requirement of what the test sets up is here, at its version.

    With --skip-pip Home Assistant installs nothing: one missing (or at
    another version than its manifest pins) would fail or skew the test.
    """
    requirements = startup_requirements()
    # The frontend and this integration at least.
    assert any(r.startswith("home-assistant-frontend==") for r in requirements)
    assert any(r.startswith("aiobotocore") for r in requirements)
    wrong = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            wrong.append(f"{line}: not installed")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            wrong.append(f"{line}: {installed} installed")
    assert not wrong, "\n".join(wrong)
