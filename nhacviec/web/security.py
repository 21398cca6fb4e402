"""Security of the web page: response headers, the CSRF check of every form, and the limit
on sign-in attempts."""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web

SESSION_COOKIE = "nv_session"
# Before sign-in there is no session: the sign-in form's token is also set as a cookie, and
# the two must match (a page on another site can send the form but cannot read the cookie).
PRE_COOKIE = "nv_pre"

# No inline script or style anywhere; everything comes from this server.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def secure(response: web.StreamResponse, https: bool) -> web.StreamResponse:
    """The headers every page of ours carries."""
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # Sign-in links carry a secret in the path: never send it to another site as a referrer.
    # (Not "no-referrer": with it browsers send "Origin: null" on our own forms.)
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers.setdefault("Cache-Control", "no-store")
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def origin_allowed(origin: str | None, public_url: str, host: str | None) -> bool:
    """A form posted from our own pages: its Origin (when the browser sends one) is the public
    address or the address the request came to."""
    if not origin:
        return True
    if origin == "null":
        return False
    allowed = set()
    parts = urlsplit(public_url)
    allowed.add(f"{parts.scheme}://{parts.netloc}")
    if host:
        allowed.update({f"http://{host}", f"https://{host}"})
    return origin.rstrip("/") in allowed


class AttemptLimiter:
    """At most `limit` failed attempts per key within `window` seconds; successes do not count,
    so a whole office signing in at 8:00 behind one proxy address is never held back. Kept in
    memory: a restart forgets, which only ever lets someone try again."""

    def __init__(
        self, limit: int = 20, window: float = 600.0, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.now = limit, window, now
        self._failed: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.now()
        seen = self._failed.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def blocked(self, key: str) -> bool:
        return len(self._recent(key)) >= self.limit

    def failed(self, key: str) -> None:
        self._recent(key).append(self.now())
        if len(self._failed) > 10_000:  # forget idle keys, keep memory bounded
            for k in [k for k, v in self._failed.items() if not v]:
                del self._failed[k]
