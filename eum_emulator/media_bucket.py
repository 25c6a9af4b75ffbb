"""Create in the emulator what ``docs/aws/media.yaml`` creates in AWS.

The bucket picture messages are uploaded to before SendMediaMessage sends
them: public access blocked, objects owned by the bucket owner, encrypted
with SSE-S3, and a lifecycle rule that deletes what is under the media prefix
after a day (moto keeps the rule; it does not expire anything). Every step is
a real, signed S3 call to the emulator, and running it again changes nothing.

The template's bucket policy (deny plain HTTP) is left out: the emulator
serves plain HTTP only, so the policy would refuse every request if it were
enforced. Its IAM policy is left out too: the emulator's keys carry their
allowed actions in the state.

From Python: :func:`provision_media_bucket` or
``Emulator.provision_media_bucket``; from a shell:
``python -m eum_emulator.provision --media-bucket NAME``.
"""

from typing import Any, Final

from botocore.config import Config
from botocore.exceptions import ClientError
import botocore.session

from .basics import DEFAULT_REGION
from .state import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY

MEDIA_BUCKET_NAME: Final = "aws-eum-x-media"
# docs/aws/media.yaml's MediaPrefix default, and the integration's.
MEDIA_PREFIX: Final = "aws-eum-x/"
# docs/aws/media.yaml's lifecycle rule: uploads are only needed until AWS
# has fetched them for the message.
LIFECYCLE_RULE_ID: Final = "expire-aws-eum-x-media"
EXPIRATION_DAYS: Final = 1


def provision_media_bucket(
    endpoint_url: str,
    *,
    bucket: str = MEDIA_BUCKET_NAME,
    prefix: str = MEDIA_PREFIX,
    region: str = DEFAULT_REGION,
    access_key_id: str = DEMO_ACCESS_KEY_ID,
    secret_access_key: str = DEMO_SECRET_ACCESS_KEY,
) -> dict[str, str]:
    """Create the media bucket through the emulator's S3.

    Args:
        endpoint_url: The emulator's URL.
        bucket: The bucket's name.
        prefix: Where uploads go (the integration's *Media prefix*); the
            lifecycle rule covers it.
        region: The bucket's region: AWS reads MMS media only from a bucket
            in the region of the sending number.
        access_key_id: A key of the emulated account allowed to do it all.
        secret_access_key: Its secret.

    Returns:
        ``MediaBucket``, ``MediaPrefix`` and ``MediaRegion``: what to enter
        in the integration's options, and where.
    """
    # The emulator is one host: buckets are addressed by path, not by name.
    s3: Any = botocore.session.get_session().create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(s3={"addressing_style": "path"}),
    )
    try:
        # us-east-1 is the one region S3 takes no LocationConstraint for.
        location = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        try:
            s3.create_bucket(Bucket=bucket, **location)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_ownership_controls(
            Bucket=bucket,
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        )
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
        )
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": LIFECYCLE_RULE_ID,
                        "Status": "Enabled",
                        "Filter": {"Prefix": prefix},
                        "Expiration": {"Days": EXPIRATION_DAYS},
                        "AbortIncompleteMultipartUpload": {
                            "DaysAfterInitiation": EXPIRATION_DAYS
                        },
                    }
                ]
            },
        )
    finally:
        s3.close()
    return {"MediaBucket": bucket, "MediaPrefix": prefix, "MediaRegion": region}
