"""Home Assistant core's pylint rules that ruff cannot express.

Core's pylint plugins (``pylint/plugins`` in home-assistant/core) are not
published on any package registry, so the rules this integration has met
are checked here, on the source, the way the plugins read it: by the
classes' ancestors and the functions' annotations.
"""

import ast
import importlib
import inspect
from pathlib import Path

from homeassistant.components.number import NumberEntity, RestoreNumber
from homeassistant.components.sensor import RestoreSensor, SensorEntity
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

ROOT = Path(__file__).parents[2]
INTEGRATION = ROOT / "custom_components" / "aws_eum_x"
PACKAGE = "custom_components.aws_eum_x"


def _classes() -> list[type]:
    """Every class the integration defines, in every module."""
    found = []
    for path in sorted(INTEGRATION.glob("*.py")):
        name = PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"
        module = importlib.import_module(name)
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == name
        ]
    return found


def test_restoring_sensors_and_numbers_use_their_restore_class() -> None:
    """home-assistant-invalid-inheritance (core's inheritance checker).

    A sensor that restores itself is a RestoreSensor (it keeps its native
    value and unit, not only the rendered state); a number, a RestoreNumber.
    """
    wrong = [
        cls.__qualname__
        for cls in _classes()
        if issubclass(cls, RestoreEntity)
        and (
            (issubclass(cls, SensorEntity) and not issubclass(cls, RestoreSensor))
            or (issubclass(cls, NumberEntity) and not issubclass(cls, RestoreNumber))
        )
    ]
    assert wrong == []
    assert issubclass(_class("sensor", "LastDeliveryStatusSensor"), RestoreSensor)


def _class(module: str, name: str) -> type:
    cls = getattr(importlib.import_module(f"{PACKAGE}.{module}"), name)
    assert inspect.isclass(cls)
    return cls


def _annotation(node: ast.arg) -> str:
    assert node.annotation is not None, node.arg
    return ast.unparse(node.annotation)


def test_remove_config_entry_device_takes_any_device_entry() -> None:
    """hass-enforce-type-hints: the device argument is an AnyDeviceEntry.

    Home Assistant passes a device or a child device; annotating DeviceEntry
    claims fields a child device lacks.
    """
    tree = ast.parse((INTEGRATION / "__init__.py").read_text(encoding="utf-8"))
    (function,) = [
        node
        for node in tree.body
        if isinstance(node, ast.AsyncFunctionDef)
        and node.name == "async_remove_config_entry_device"
    ]
    annotations = [_annotation(arg) for arg in function.args.args]
    assert annotations == [
        "HomeAssistant",
        "AwsSmsConfigEntry",
        "dr.AnyDeviceEntry",
    ]
    assert ast.unparse(function.returns) == "bool"


def test_coordinators_use_the_typed_config_entry() -> None:
    """home-assistant-coordinator-untyped-config-entry and -redundant-config-entry.

    A coordinator's ``config_entry`` (class annotation and the argument it
    hands to DataUpdateCoordinator) is the integration's typed entry, so
    ``runtime_data`` is typed; DataUpdateCoordinator stores it itself.
    """
    coordinators = [cls for cls in _classes() if issubclass(cls, DataUpdateCoordinator)]
    assert coordinators
    for cls in coordinators:
        tree = ast.parse(inspect.getsource(cls))
        (class_node,) = tree.body
        assert isinstance(class_node, ast.ClassDef)
        annotated = {
            ast.unparse(item.target): ast.unparse(item.annotation)
            for item in class_node.body
            if isinstance(item, ast.AnnAssign)
        }
        assert annotated.get("config_entry") == "AwsSmsConfigEntry", cls
        init = next(
            item
            for item in class_node.body
            if isinstance(item, ast.FunctionDef) and item.name == "__init__"
        )
        passed = {
            keyword.value.id
            for call in ast.walk(init)
            if isinstance(call, ast.Call)
            for keyword in call.keywords
            if keyword.arg == "config_entry" and isinstance(keyword.value, ast.Name)
        }
        arguments = {arg.arg: arg for arg in init.args.args}
        assert passed, cls
        for name in passed:
            assert _annotation(arguments[name]) == "AwsSmsConfigEntry", cls
        assigned = [
            target
            for node in ast.walk(init)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if ast.unparse(target) == "self.config_entry"
        ]
        assert assigned == [], cls
