"""The access key rotation reminder and the repair flow that replaces the key."""

from datetime import timedelta
from http import HTTPStatus
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_KEY_ADDED_AT,
    CONF_KEY_ROTATION_DAYS,
    CONF_ROLE_ARN,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
    ISSUE_ROTATE_KEY,
)
from eum_emulator import AccessKey, AccountState, Emulator, Role

from .conftest import setup_with_options

NEW_KEY = "TESTKEYROTATED0001"
NEW_SECRET = "rotated-secret-EXAMPLEKEY"
OTHER_ACCOUNT_KEY = "TESTKEYOTHERACCOUNT"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account with a second key for the same user."""
    state = AccountState()
    state.access_keys.append(AccessKey(NEW_KEY, NEW_SECRET))
    return state


def _issue(issue_registry: ir.IssueRegistry, entry: MockConfigEntry) -> Any:
    return issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_ROTATE_KEY}_{entry.entry_id}"
    )


async def _setup(
    hass: HomeAssistant, entry: MockConfigEntry, age_days: int, **options: Any
) -> None:
    added = dt_util.utcnow() - timedelta(days=age_days)
    data = {**entry.data, CONF_KEY_ADDED_AT: added.isoformat()}
    hass.config_entries.async_update_entry(entry, data=data)
    await setup_with_options(hass, entry, **options)


async def test_the_reminder_comes_on_day_90(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No issue for a new key; one after 90 days, naming the masked key."""
    await _setup(hass, config_entry, age_days=0)
    assert _issue(issue_registry, config_entry) is None
    freezer.tick(timedelta(days=89))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _issue(issue_registry, config_entry) is None
    freezer.tick(timedelta(days=1, hours=12))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    issue = _issue(issue_registry, config_entry)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["key_id"] == "AKIA…MPLE"
    assert issue.translation_placeholders["days"] == "90"


@pytest.mark.parametrize(
    ("age", "threshold", "raised"),
    [(31, 30, True), (29, 30, False), (400, 0, False)],
)
async def test_the_threshold_is_an_option(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
    age: int,
    threshold: int,
    raised: bool,
) -> None:
    """The days are an option; 0 turns the reminder off."""
    await _setup(hass, config_entry, age, **{CONF_KEY_ROTATION_DAYS: threshold})
    assert (_issue(issue_registry, config_entry) is not None) is raised


async def test_no_reminder_for_a_role(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Requests of a role are signed with temporary credentials."""
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            CONF_AUTH_METHOD: "assume_role",
            CONF_ROLE_ARN: "arn:aws:iam::123456789012:role/sms",
        },
    )
    emulator.state.roles.append(Role("sms", trusted=["AKIAIOSFODNN7EXAMPLE"]))
    await _setup(hass, config_entry, age_days=400)
    assert config_entry.runtime_data.coordinator.last_update_success
    assert _issue(issue_registry, config_entry) is None


async def _fix(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, issue_id: str
) -> tuple[Any, str]:
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    answer = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert answer.status == HTTPStatus.OK
    flow = await answer.json()
    assert flow["step_id"] == "new_key"
    return client, flow["flow_id"]


async def test_the_repair_flow_replaces_the_key_after_checking_it(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
    hass_client: ClientSessionGenerator,
) -> None:
    """One click from the issue: the new key is checked, then replaces the old."""
    await _setup(hass, config_entry, age_days=100)
    client, flow_id = await _fix(
        hass, hass_client, f"{ISSUE_ROTATE_KEY}_{config_entry.entry_id}"
    )

    async def submit(key: str, secret: str) -> dict:
        answer = await client.post(
            f"/api/repairs/issues/fix/{flow_id}",
            json={CONF_ACCESS_KEY_ID: key, CONF_SECRET_ACCESS_KEY: secret},
        )
        return await answer.json()

    result = await submit("AKIAIOSFODNN7EXAMPLE", "same")
    assert result["errors"] == {"base": "same_key"}
    result = await submit(NEW_KEY, "wrong")
    assert result["errors"] == {"base": "invalid_auth"}
    # Nothing changed while the new key was not proven.
    assert config_entry.data[CONF_ACCESS_KEY_ID] == "AKIAIOSFODNN7EXAMPLE"
    result = await submit(NEW_KEY, NEW_SECRET)
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert config_entry.data[CONF_ACCESS_KEY_ID] == NEW_KEY
    assert config_entry.data[CONF_SECRET_ACCESS_KEY] == NEW_SECRET
    added = dt_util.parse_datetime(config_entry.data[CONF_KEY_ADDED_AT])
    assert dt_util.utcnow() - added < timedelta(minutes=1)
    assert config_entry.runtime_data.coordinator.last_update_success
    assert _issue(issue_registry, config_entry) is None


async def test_the_repair_flow_refuses_a_key_of_another_account(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    hass_client: ClientSessionGenerator,
) -> None:
    """A key of another account would point the entry elsewhere."""
    emulator.state.access_keys.append(
        AccessKey(OTHER_ACCOUNT_KEY, NEW_SECRET, account_id="210987654321")
    )
    await _setup(hass, config_entry, age_days=100)
    client, flow_id = await _fix(
        hass, hass_client, f"{ISSUE_ROTATE_KEY}_{config_entry.entry_id}"
    )
    answer = await client.post(
        f"/api/repairs/issues/fix/{flow_id}",
        json={
            CONF_ACCESS_KEY_ID: OTHER_ACCOUNT_KEY,
            CONF_SECRET_ACCESS_KEY: NEW_SECRET,
        },
    )
    assert (await answer.json())["errors"] == {"base": "wrong_account"}
    assert config_entry.data[CONF_ACCESS_KEY_ID] == "AKIAIOSFODNN7EXAMPLE"


def test_an_entry_that_does_not_know_its_keys_age() -> None:
    """No date, no reminder (1.3 entries always have one; this is a guard)."""
    from custom_components.aws_eum_x.rotation import key_age_days  # noqa: PLC0415

    entry = MockConfigEntry(domain=DOMAIN, data={CONF_ACCESS_KEY_ID: "AKIAX"})
    assert key_age_days(entry, dt_util.utcnow()) is None


async def test_a_fix_flow_for_a_removed_entry_is_refused(hass: HomeAssistant) -> None:
    """An issue outliving its entry cannot open a form for nothing."""
    from custom_components.aws_eum_x.repairs import async_create_fix_flow  # noqa: PLC0415

    with pytest.raises(ValueError, match="No config entry"):
        await async_create_fix_flow(hass, "rotate_access_key_x", {"entry_id": "x"})
