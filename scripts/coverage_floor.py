"""Fail when any one module's coverage is under the project's floor.

coverage.py can only enforce a total; a well-covered module must not hide a
poorly covered one, so this reads coverage's JSON report module by module.
"""

import json
from pathlib import Path
import sys
import tomllib


def main(report_path: str) -> int:
    """Print each module under the floor; exit 1 if there is one."""
    config = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
    floor = float(config["tool"]["aws_eum_x"]["coverage"]["per_module_floor"])
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    below = {
        name: data["summary"]["percent_covered"]
        for name, data in report["files"].items()
        if data["summary"]["percent_covered"] < floor
    }
    total = report["totals"]["percent_covered"]
    modules = len(report["files"])
    print(f"coverage: {total:.1f}% total, {modules} modules, floor {floor:.0f}%")
    for name, percent in sorted(below.items()):
        print(f"  {name}: {percent:.1f}% is below the floor")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
