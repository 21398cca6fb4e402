"""Zalo Bot Platform, through httpx."""
