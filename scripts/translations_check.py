"""Which English strings changed since each translation was last updated.

Each translation ``custom_components/aws_eum_x/translations/<lang>.json``
has a record, ``scripts/translation-sources/<lang>.json``: the English text of every
string as it was when the translation was made. Comparing the record with
``strings.json`` shows what a translator must look at again.

    python scripts/translations_check.py            # report; exit 1 if stale
    python scripts/translations_check.py --record de  # after translating de
"""

import argparse
import json
from pathlib import Path
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "aws_eum_x"
STRINGS = INTEGRATION / "strings.json"
TRANSLATIONS = INTEGRATION / "translations"
RECORDS = ROOT / "scripts" / "translation-sources"
# English is strings.json itself (Home Assistant's build copies it).
SOURCE_LANGUAGE = "en"


def flatten(node: Any, prefix: str = "") -> Iterator[tuple[str, str]]:  # noqa: ANN401 - JSON
    """Yield each string of a translations document with its dotted key."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(node, str):
        yield prefix, node


def load(path: Path) -> dict[str, str]:
    """Return the strings of a JSON document by dotted key."""
    return dict(flatten(json.loads(path.read_text(encoding="utf-8"))))


def languages() -> list[str]:
    """Return every translated language but the source's."""
    return sorted(
        p.stem for p in TRANSLATIONS.glob("*.json") if p.stem != SOURCE_LANGUAGE
    )


def stale(language: str) -> dict[str, list[str]]:
    """Return what a translation lacks, has too many of, or took from old English."""
    english = load(STRINGS)
    translated = load(TRANSLATIONS / f"{language}.json")
    record_path = RECORDS / f"{language}.json"
    record = load(record_path) if record_path.exists() else {}
    return {
        "missing": sorted(set(english) - set(translated)),
        "extra": sorted(set(translated) - set(english)),
        "changed": sorted(
            key
            for key in set(english) & set(translated)
            if record.get(key) != english[key]
        ),
    }


def record(language: str) -> Path:
    """Note the English each string of ``language`` was translated from."""
    english = load(STRINGS)
    translated = load(TRANSLATIONS / f"{language}.json")
    RECORDS.mkdir(parents=True, exist_ok=True)
    path = RECORDS / f"{language}.json"
    path.write_text(
        json.dumps(
            {key: english[key] for key in sorted(translated) if key in english},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def main() -> int:
    """Report stale translations, or record one; 1 when any is stale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--record",
        metavar="LANG",
        nargs="+",
        help="note that these translations follow today's English",
    )
    args = parser.parse_args()
    if args.record:
        for language in args.record:
            print(f"recorded {record(language).relative_to(ROOT)}")
        return 0
    outdated = False
    for language in languages():
        found = stale(language)
        for kind, keys in found.items():
            for key in keys:
                outdated = True
                print(f"{language}: {kind}: {key}")
    if not outdated:
        print(f"translations up to date: {', '.join(languages()) or 'none'}")
    return 1 if outdated else 0


if __name__ == "__main__":
    sys.exit(main())
