"""Command line: ``python -m eum_emulator.provision --endpoint-url URL``.

Creates in a running emulator what docs/aws/receiving.yaml creates in AWS
(see :mod:`eum_emulator.receiving`) and, with ``--media-bucket``, what
docs/aws/media.yaml creates (see :mod:`eum_emulator.media_bucket`), then
prints the outputs: the queue URL to give Home Assistant first.
"""

import argparse
import json
import sys

from botocore.exceptions import BotoCoreError, ClientError

from .media_bucket import MEDIA_PREFIX, provision_media_bucket
from .receiving import provision_receiving


def main(argv: list[str] | None = None) -> int:
    """Provision a running emulator and print what was created."""
    parser = argparse.ArgumentParser(
        prog="python -m eum_emulator.provision",
        description=(
            "Create the SNS topic, SQS queue, configuration set and two-way "
            "number of docs/aws/receiving.yaml in a running emulator, and "
            "optionally the media bucket of docs/aws/media.yaml."
        ),
    )
    parser.add_argument("--endpoint-url", default="http://127.0.0.1:4566")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument(
        "--media-bucket", help="also create this S3 bucket for picture messages"
    )
    parser.add_argument(
        "--media-prefix",
        default=MEDIA_PREFIX,
        help="the folder its lifecycle rule empties (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        outputs = provision_receiving(args.endpoint_url, region=args.region)
        if args.media_bucket:
            outputs |= provision_media_bucket(
                args.endpoint_url,
                bucket=args.media_bucket,
                prefix=args.media_prefix,
                region=args.region,
            )
    except (BotoCoreError, ClientError, LookupError) as err:
        print(f"eum_emulator.provision: {err}", file=sys.stderr)  # noqa: T201
        return 1
    if args.json:
        print(json.dumps(outputs, indent=2))  # noqa: T201
    else:
        for name, value in outputs.items():
            print(f"{name:<22} {value}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
