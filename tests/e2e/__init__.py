"""End-to-end: a real Home Assistant process, its REST API and the emulator."""
