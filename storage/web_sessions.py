"""Sign-in links and browser sessions of the web page.

A link is `ID.NONCE.SIGNATURE`: the row `ID` of web_login keeps only a hash of NONCE, the
signature (HMAC-SHA256 with the web key) lets a forged or mistyped link be refused before the
database is asked. A link works once, before it expires; a session is a random token whose hash
is kept, with the CSRF token its forms carry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from nhacviec.base.config import WebConfig
from storage.models import Officer, WebKey, WebLogin, WebSession, aware
from storage.repo import LinkError


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def web_key(session: Session, configured: str = "") -> bytes:
    """The key that signs links: the configured one, else the one kept in the database (made
    the first time it is needed)."""
    if configured:
        return configured.encode()
    row = session.exec(select(WebKey).order_by(col(WebKey.id))).first()
    if row is None:
        row = WebKey(key=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
        # Two processes may both have made one: the oldest wins for everyone.
        row = session.exec(select(WebKey).order_by(col(WebKey.id))).first()
        assert row is not None
    return row.key.encode()


def _signature(key: bytes, login_id: int, nonce: str) -> str:
    return _b64(hmac.new(key, f"{login_id}.{nonce}".encode(), hashlib.sha256).digest()[:18])


def logins_since(session: Session, officer_id: int, since: datetime) -> int:
    """How many sign-in links an officer was given since `since` (the rate limit)."""
    return session.exec(
        select(sa.func.count())
        .select_from(WebLogin)
        .where(WebLogin.officer_id == officer_id, col(WebLogin.created_at) >= since)
    ).one()


def issue_login(
    session: Session, officer: Officer, now: datetime, minutes: int, channel: str, key: bytes
) -> tuple[str, datetime]:
    """A new one-time sign-in token for `officer` and when it expires."""
    assert officer.id is not None
    nonce = secrets.token_urlsafe(24)
    expires = now + timedelta(minutes=minutes)
    row = WebLogin(
        officer_id=officer.id,
        secret_hash=_hash(nonce),
        created_at=now,
        expires_at=expires,
        channel=channel,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return f"{row.id}.{nonce}.{_signature(key, row.id, nonce)}", expires


def consume_login(session: Session, token: str, now: datetime, key: bytes) -> Officer:
    """The officer a sign-in token was issued to, the token used up; LinkError("unknown" |
    "used" | "expired") otherwise, with nothing changed."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        raise LinkError("unknown")
    login_id, nonce, signature = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(_signature(key, login_id, nonce), signature):
        raise LinkError("unknown")
    row = session.exec(select(WebLogin).where(WebLogin.id == login_id).with_for_update()).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(nonce)):
        raise LinkError("unknown")
    if row.used_at is not None:
        raise LinkError("used")
    if aware(row.expires_at) < now:  # type: ignore[operator]
        raise LinkError("expired")
    officer = session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        raise LinkError("unknown")
    # Only the first of two racing requests updates the row: the other is refused.
    claimed = session.execute(
        sa.update(WebLogin)
        .where(col(WebLogin.id) == login_id, col(WebLogin.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkError("used")
    return officer


@dataclass(frozen=True)
class OpenSession:
    """What the browser gets (`token`, for its cookie) and what forms carry (`csrf`)."""

    token: str
    csrf: str
    expires_at: datetime


def open_session(session: Session, officer: Officer, now: datetime, hours: int) -> OpenSession:
    assert officer.id is not None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + timedelta(hours=hours)
    session.add(
        WebSession(
            token_hash=_hash(token),
            officer_id=officer.id,
            csrf=csrf,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return OpenSession(token, csrf, expires)


def session_officer(
    session: Session, token: str, now: datetime
) -> tuple[Officer, WebSession] | None:
    """The active officer of a live session, or None (unknown, ended or expired)."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == _hash(token))).first()
    if row is None or row.ended_at is not None or aware(row.expires_at) < now:  # type: ignore[operator]
        return None
    officer = session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        return None
    return officer, row


def end_session(session: Session, row: WebSession, now: datetime) -> None:
    """Sign out: the session stops working at once."""
    if row.ended_at is None:
        row.ended_at = now
        session.add(row)
        session.flush()


class LoginLimited(Exception):
    """An officer asked for too many sign-in links within the hour."""

    def __init__(self, issued: int) -> None:
        super().__init__(f"{issued} links within the hour")
        self.issued = issued


LOGIN_PATH = "/dang-nhap/"


def login_link(
    session: Session, officer: Officer, now: datetime, web: WebConfig, channel: str
) -> tuple[str, datetime]:
    """A sign-in link for `officer` and when it expires; LoginLimited when the officer had
    `links_per_hour` links within the past hour already."""
    assert officer.id is not None
    issued = logins_since(session, officer.id, now - timedelta(hours=1))
    if issued >= web.links_per_hour:
        raise LoginLimited(issued)
    token, expires = issue_login(
        session, officer, now, web.link_minutes, channel, web_key(session, web.secret_key)
    )
    return f"{web.base_url}{LOGIN_PATH}{token}", expires
