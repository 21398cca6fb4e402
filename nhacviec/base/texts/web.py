"""The web page's texts (forms, flashes, refusals), read as `texts.NAME` like every other."""

from __future__ import annotations
