"""Tests of the aws_eum_x integration, in real Home Assistant against the emulator."""
