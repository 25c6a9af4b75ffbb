"""Command line: ``python -m eum_emulator --host 127.0.0.1 --port 4566``.

It serves until interrupted (Ctrl-C) or terminated (SIGTERM), and exits 0.
"""

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path
import signal
import sys
from typing import TYPE_CHECKING

from .basics import StateError
from .develop import develop_state
from .server import Emulator
from .state import DEMO_ACCESS_KEY_ID, AccountState

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m eum_emulator",
        description=(
            "Local AWS End User Messaging SMS (pinpoint-sms-voice-v2) emulator."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=4566, help="port (0: any free one)")
    parser.add_argument(
        "--state", type=Path, help="YAML or JSON account to serve instead of the demo"
    )
    parser.add_argument("--verbose", action="store_true", help="log every call")
    return parser.parse_args(argv)


async def _serve_until_terminated(
    emulator: Emulator,
    host: str,
    port: int,
    ready: Callable[[str], Awaitable[None]],
) -> None:
    """Serve; SIGTERM stops the emulator as cleanly as Ctrl-C does."""
    task = asyncio.current_task()
    assert task is not None  # noqa: S101 - asyncio.run runs this as a task
    with contextlib.suppress(NotImplementedError):  # no signals on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await emulator.serve(host, port, ready)


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        state = AccountState.from_file(args.state) if args.state else develop_state()
    except (OSError, StateError) as err:
        print(f"eum_emulator: cannot load state: {err}", file=sys.stderr)
        return 2
    emulator = Emulator(state)

    async def ready(url: str) -> None:
        keys = ", ".join(k.access_key_id for k in state.access_keys)
        demo = " (demo account)" if keys == DEMO_ACCESS_KEY_ID else ""
        print(
            f"eum_emulator: serving account {state.account_id}{demo} at {url}; "
            f"access keys: {keys}",
            flush=True,
        )
        for role in state.roles:
            print(
                f"eum_emulator: role {state.role_arn(role)}; container credentials "
                f"at {emulator.container_credentials_url(role.name)}",
                flush=True,
            )
        # Each region has its own numbers and sender IDs: say which, since a
        # client signing for another region sees none of them.
        by_region: dict[str, list[str]] = {}
        for number in state.phone_numbers:
            by_region.setdefault(number.region, []).append(number.phone_number)
        for sender in state.sender_ids:
            by_region.setdefault(sender.region, []).append(sender.sender_id)
        identities = "; ".join(
            f"{region}: {', '.join(names)}" for region, names in by_region.items()
        )
        print(
            f"eum_emulator: origination identities by region: {identities or 'none'}",
            flush=True,
        )

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_terminated(emulator, args.host, args.port, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
