"""What hassfest and HACS would check, checked here on every run."""

import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
INTEGRATION = ROOT / "custom_components" / "aws_eum_x"
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
ICONS = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
SOURCES = {p.name: p.read_text(encoding="utf-8") for p in INTEGRATION.glob("*.py")}
# The keys HACS's schema allows in hacs.json.
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "country",
    "homeassistant",
    "persistent_directory",
    "hacs",
    "hide_default_branch",
    "render_readme",
}


def _strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [
            item
            for key, value in node.items()
            for item in _strings(value, f"{path}.{key}")
        ]
    return [(path, node)] if isinstance(node, str) else []


def test_manifest_keys_order_and_values() -> None:
    """domain, name, then the rest in alphabetical order; all HACS needs."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    required = {
        "domain",
        "name",
        "codeowners",
        "config_flow",
        "documentation",
        "integration_type",
        "iot_class",
        "issue_tracker",
        "requirements",
        "version",
    }
    assert required <= set(MANIFEST)
    assert MANIFEST["domain"] == INTEGRATION.name
    assert MANIFEST["integration_type"] == "service"
    assert MANIFEST["iot_class"] == "cloud_polling"
    assert (INTEGRATION / "config_flow.py").exists()


def test_requirements_are_ranges_from_what_is_tested() -> None:
    """Each requirement accepts newer releases, from the one the tests pin.

    Home Assistant pins botocore (and with it aiobotocore) for its own AWS
    integrations: an exact pin here would become uninstallable, and the
    integration fail to load, on the release that bumps it. No upper bound:
    Home Assistant's constraints pick the version.
    """
    from packaging.requirements import Requirement  # noqa: PLC0415

    tested = {
        Requirement(line).name: Requirement(line).specifier
        for line in (ROOT / "requirements_test.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    for line in MANIFEST["requirements"]:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == ">=", line
        if requirement.name in tested:
            (pin,) = tested[requirement.name]
            assert (pin.operator, pin.version) == ("==", specifier.version), line


def test_hacs_json() -> None:
    """Only keys HACS knows; the tested Home Assistant version as minimum."""
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"] == MANIFEST["name"]
    assert hacs["homeassistant"] <= "2026.10.4"


def test_brand_images() -> None:
    """icon.png 256 px, icon@2x.png 512 px, a logo; all PNG."""
    from PIL import Image  # noqa: PLC0415 - Pillow comes with Home Assistant

    sizes = {
        name: Image.open(INTEGRATION / "brand" / name).size
        for name in ("icon.png", "icon@2x.png", "logo.png")
    }
    assert sizes["icon.png"] == (256, 256)
    assert sizes["icon@2x.png"] == (512, 512)
    assert sizes["logo.png"][1] == 128


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json (custom integrations ship both)."""
    english = json.loads(
        (INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8")
    )
    assert english == STRINGS


def test_no_urls_or_references_in_translations() -> None:
    """URLs go in placeholders; [%key:...%] references do not resolve here."""
    for path, text in _strings(STRINGS):
        assert not re.search(r"https?://", text), path
        assert "[%key:" not in text, path


def test_every_action_has_translations_and_an_icon() -> None:
    """Each service in services.yaml: name, description, every field, icon."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    for service, spec in services.items():
        translated = STRINGS["services"][service]
        assert translated["name"]
        assert translated["description"]
        assert set(spec["fields"]) == set(translated["fields"])
        for field in translated["fields"].values():
            assert field["name"]
            assert field["description"]
        assert ICONS["services"][service]["service"].startswith("mdi:")


def test_every_translation_key_in_the_code_exists() -> None:
    """Entity, exception, issue and selector keys used in code are translated."""
    code = "\n".join(SOURCES.values())
    used = set(re.findall(r'translation_key\s*=\s*"([a-z_]+)"', code))
    used |= set(re.findall(r'_validation_error\(\s*"([a-z_]+)"', code))
    reason_block = SOURCES["sender.py"].split("_REASON_KEYS")[1].split("}")[0]
    used |= set(re.findall(r':\s*"([a-z_]+)"', reason_block))
    known = set(STRINGS["exceptions"]) | set(STRINGS["issues"])
    known |= set(STRINGS["selector"])
    for platform in STRINGS["entity"].values():
        known |= set(platform)
    assert used, "no translation keys found: the pattern is wrong"
    assert used <= known, used - known


def test_every_entity_translation_has_an_icon() -> None:
    """icons.json covers every entity translation key."""
    for platform, entities in STRINGS["entity"].items():
        for key in entities:
            assert key in ICONS["entity"][platform], f"{platform}.{key}"


def test_form_errors_and_aborts_are_translated() -> None:
    """Every error and abort reason the flows use has a text."""
    flow = SOURCES["config_flow.py"]
    errors = set(re.findall(r'(?:"base"|CONF_[A-Z_]+)\]?\s*[:=]\s*"([a-z_]+)"', flow))
    aborts = set(re.findall(r'reason="([a-z_]+)"', flow))
    texts = (
        set(STRINGS["config"]["error"])
        | set(STRINGS["options"]["error"])
        | set(STRINGS["config_subentries"]["recipient"]["error"])
    )
    assert {"invalid_auth", "access_denied", "cannot_connect", "unknown"} <= errors
    assert errors <= texts, errors - texts
    abort_texts = set(STRINGS["config"]["abort"]) | set(
        STRINGS["config_subentries"]["recipient"]["abort"]
    )
    assert aborts <= abort_texts, aborts - abort_texts


def test_quality_scale_is_complete() -> None:
    """Every rule is done or exempt with a reason; none left to do."""
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())["rules"]
    assert len(rules) >= 50
    for rule, status in rules.items():
        if isinstance(status, dict):
            assert status["status"] in ("done", "exempt"), rule
            if status["status"] == "exempt":
                assert len(status["comment"]) > 10, rule
        else:
            assert status == "done", rule


# hassfest's rule for selector option keys (translation keys).
_SELECTOR_KEY = re.compile(r"[a-z0-9]([a-z0-9_-]*[a-z0-9])?")


def test_selector_option_keys_pass_hassfest() -> None:
    """Option keys of every select selector are lower case, as hassfest demands."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    keys = [
        # A plain key, or a label and its value.
        option["value"] if isinstance(option, dict) else option
        for service in services.values()
        for field in service["fields"].values()
        for option in field.get("selector", {}).get("select", {}).get("options", [])
    ]
    keys += [
        key for selector in STRINGS["selector"].values() for key in selector["options"]
    ]
    assert keys
    for key in keys:
        assert _SELECTOR_KEY.fullmatch(key), key
    const = (INTEGRATION / "const.py").read_text(encoding="utf-8")
    match = re.search(r"MESSAGE_TYPES: Final = (\{.*?\})", const, re.DOTALL)
    assert match is not None
    assert set(STRINGS["selector"]["message_type"]["options"]) == set(
        eval(match.group(1))  # noqa: S307 - a literal dict of this repository
    )


def test_debug_logging_covers_no_library_that_logs_request_bodies() -> None:
    """The manifest's loggers are what "Enable debug logging" raises.

    botocore's and aiobotocore's DEBUG lines hold full numbers and bodies.
    """
    assert not {"botocore", "aiobotocore"} & set(MANIFEST.get("loggers", []))


def test_boolean_fields_have_no_default_that_ticks_them() -> None:
    """A default makes Developer tools show the field as set."""
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    for service in services.values():
        for name, field in service["fields"].items():
            if "boolean" in field.get("selector", {}):
                assert "default" not in field, name


def test_no_import_cycles_between_modules() -> None:
    """Dependencies point one way; type-only imports count too."""
    graph: dict[str, set[str]] = {}
    for name, source in SOURCES.items():
        module = name.removesuffix(".py")
        imported: set[str] = set()
        for line in source.splitlines():
            if hit := re.match(r"\s*from \.(\w*) import (.*)", line):
                names = [hit.group(1)] if hit.group(1) else re.findall(r"\w+", hit[2])
                imported |= {n for n in names if f"{n}.py" in SOURCES and n != module}
        graph[module] = imported

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start] - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cycles = [m for m in graph if reaches(m, m, set())]
    assert cycles == []


def test_what_a_new_user_read_and_saw() -> None:
    """Texts a new user tripped on: each now says what the UI does."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The button is on the integration's page, not in Configure.
    assert "Configure → Add recipient" not in readme
    assert "*Add recipient*" in readme
    # "1 sender IDs": counts of things carry no plural unit.
    sensors = STRINGS["entity"]["sensor"]
    assert "unit_of_measurement" not in sensors["phone_numbers"]
    assert "unit_of_measurement" not in sensors["sender_ids"]
    # The rate page's unit is msg/s: it speaks of messages per second.
    rates = STRINGS["options"]["step"]["rate_limits"]["description"]
    assert "segments per second" not in rates
    assert "messages per second" in rates


def test_the_development_config_has_no_http_yaml() -> None:
    """An http: block raises a deprecation repair and a revert prompt."""

    class _Loader(yaml.SafeLoader):
        """Reads !include (scripts/develop creates the included files)."""

    _Loader.add_constructor(
        "!include", lambda loader, node: loader.construct_scalar(node)
    )
    config = (ROOT / "config" / "configuration.yaml").read_text(encoding="utf-8")
    loaded = yaml.load(config, Loader=_Loader)  # noqa: S506 - a SafeLoader
    assert "http" not in loaded
    assert {"frontend", "config", "api"} <= set(loaded)


def test_no_string_has_html() -> None:
    """Every translation string passes hassfest's rule: no markup.

    The frontend renders translations with formatjs, which reads a tag as a
    placeholder: "<speak>" showed "[formatjs Error: MISSING_VALUE]" in the
    Actions tool and the error banner.
    """
    from homeassistant.helpers import config_validation as cv  # noqa: PLC0415
    import probatio  # noqa: PLC0415

    files = [
        INTEGRATION / "strings.json",
        *sorted(INTEGRATION.glob("translations/*.json")),
    ]
    offending = []
    for path in files:
        for key, text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            try:
                cv.string_with_no_html(text)
            except probatio.Invalid:
                offending.append(f"{path.name}{key}: {text}")
    assert offending == []
    # The rule itself, as hassfest applies it: a tag fails, a comparison not.
    with pytest.raises(probatio.Invalid):
        cv.string_with_no_html("in <speak>…</speak>")
    assert cv.string_with_no_html("1 < 2 and 3 > 2")


def test_validation_workflow_runs_hassfest_and_hacs() -> None:
    """The workflow HACS integrations ship: hassfest and HACS's action."""
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "validate.yaml").read_text(encoding="utf-8")
    )
    # YAML 1.1 reads the key "on" as True.
    triggers = workflow.get("on", workflow.get(True))
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    steps = {
        job: [step.get("uses", "") for step in spec["steps"]]
        for job, spec in workflow["jobs"].items()
    }
    assert "actions/checkout@v4" in steps["hassfest"]
    assert "home-assistant/actions/hassfest@master" in steps["hassfest"]
    (hacs,) = [
        step
        for step in workflow["jobs"]["hacs"]["steps"]
        if step.get("uses") == "hacs/action@main"
    ]
    assert hacs["with"] == {"category": "integration"}
    assert all(spec["runs-on"] == "ubuntu-latest" for spec in workflow["jobs"].values())


def test_method_menu_labels_fit_and_match_the_readme() -> None:
    """Each authentication method's label fits the menu and the README uses it.

    The dialog's menu cuts a label at about 45 characters (a new user saw
    "With the credentials of the AWS host Home Assistant runs on (EC…").
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = STRINGS["config"]["step"]
    menus = [steps["user"]["menu_options"], steps["reconfigure"]["menu_options"]]
    assert list(menus[0].values()) == list(menus[1].values())
    for label in menus[0].values():
        assert len(label) <= 45, label
        assert f"| **{label}** |" in readme, label


def test_strings_pass_hassfests_other_value_rules() -> None:
    """No leading or trailing spaces, no placeholder inside single quotes."""
    for key, text in _strings(STRINGS):
        assert text == text.strip(), key
        assert not re.search(r"'\{\w+\}'", text), key
