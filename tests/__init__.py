"""Tests for the aws_eum_x integration and its emulator."""
