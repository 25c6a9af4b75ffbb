"""The translations: complete, with the same placeholders, no markup, current.

A missing or renamed placeholder breaks the frontend's rendering of the
string (formatjs), as markup does; a missing key shows English or the key.
"""

import json
from pathlib import Path
import re
import subprocess
import sys

import pytest

ROOT = Path(__file__).parents[1]
INTEGRATION = ROOT / "custom_components" / "aws_eum_x"
sys.path.insert(0, str(ROOT / "scripts"))
import translations_check  # noqa: E402

# The languages most Home Assistant homes use (issue 21), in HA's codes.
LANGUAGES = ["de", "es", "fr", "it", "nl", "pl", "pt-BR", "sv"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ENGLISH = translations_check.load(translations_check.STRINGS)


def _translation(language: str) -> dict[str, str]:
    return translations_check.load(INTEGRATION / "translations" / f"{language}.json")


def test_every_language_is_shipped() -> None:
    """Each language is there; no other file but English."""
    shipped = sorted(p.stem for p in (INTEGRATION / "translations").glob("*.json"))
    assert shipped == sorted([*LANGUAGES, "en"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_exactly_the_keys_of_strings_json(language: str) -> None:
    """No key missing, none extra: selector option keys included."""
    assert sorted(_translation(language)) == sorted(ENGLISH)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_same_placeholders_in_every_string(language: str) -> None:
    """{name} stays {name}: the frontend fills in what English names."""
    translated = _translation(language)
    wrong = [
        key
        for key, text in ENGLISH.items()
        if sorted(PLACEHOLDER.findall(translated.get(key, "")))
        != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_hassfests_value_rules(language: str) -> None:
    """No markup, no URL, no spaces at the ends, no '{x}', not left empty."""
    for key, text in _translation(language).items():
        assert not re.search(r"<[a-z].*?>", text, re.IGNORECASE), key
        assert not re.search(r"https?://", text), key
        assert text == text.strip(), key
        assert not re.search(r"'\{\w+\}'", text), key
        assert text, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_literal_values_are_kept(language: str) -> None:
    """AWS actions, E.164 examples and keywords read the same in every language."""
    translated = _translation(language)
    literal = re.compile(r"sms-voice:\w+|sqs:\w+|s3:\w+|\+1\d{10}|\bSTOP\b|\bSTART\b")
    for key, text in ENGLISH.items():
        for value in literal.findall(text):
            assert value in translated[key], (key, value)


def test_no_translation_follows_older_english() -> None:
    """scripts/translations-check: every string was translated from today's English.

    When an English string changes, this fails until the translations are
    updated (and recorded with --record), so none is left stale unnoticed.
    """
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "translations_check.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "translations up to date: de, es, fr, it, nl, pl, pt-BR, sv" in result.stdout


def test_the_check_names_a_changed_string(tmp_path: Path, monkeypatch) -> None:
    """A string whose English changed is listed as changed for each language."""
    strings = json.loads(translations_check.STRINGS.read_text(encoding="utf-8"))
    strings["config"]["step"]["user"]["title"] = "Changed English"
    changed = tmp_path / "strings.json"
    changed.write_text(json.dumps(strings), encoding="utf-8")
    monkeypatch.setattr(translations_check, "STRINGS", changed)
    found = translations_check.stale("de")
    assert found == {
        "missing": [],
        "extra": [],
        "changed": ["config.step.user.title"],
    }
