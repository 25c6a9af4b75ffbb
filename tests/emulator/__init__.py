"""Tests of the End User Messaging emulator, through real aiobotocore clients."""
