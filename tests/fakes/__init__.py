"""Fakes of the platforms we talk to, served on 127.0.0.1 for tests."""
