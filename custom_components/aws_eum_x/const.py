"""Constants for the AWS End User Messaging SMS integration."""

from typing import Final

DOMAIN: Final = "aws_eum_x"
