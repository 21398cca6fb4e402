"""A thin httpx client for the Zalo Bot Platform API.

Every method is `POST https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>` with a JSON body;
the answer is `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description":
"..."}`. Documented error codes (bot.zapps.me/docs/error-code): 400 bad request, 401
unauthorized, 403 internal server error, 404 not found, 408 request timeout (getUpdates found
nothing new), 429 quota exceeded.

The token travels in the URL path, so nothing here ever logs a URL or puts one in an exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from nhacviec.base.errors import NhacviecError
from nhacviec.base.retry import Backoff

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
NO_UPDATE = 408
# Retrying can fix these: Zalo's 403 is documented as "internal server error", 408 a timeout,
# 429 a quota that refills. Other 4xx codes are about the request itself.
RETRYABLE_CODES = frozenset({403, 408, 429})

Sleep = Callable[[float], Awaitable[None]]


class ZaloApiError(NhacviecError):
    """A call that failed: a Zalo error answer, an HTTP error or a transport failure.

    `error_code` is Zalo's code (or the HTTP status when the body says nothing); `retryable`
    tells whether trying again later can help; `attempts` is how many tries were made."""

    def __init__(
        self,
        method: str,
        description: str,
        error_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        code = f" ({error_code})" if error_code is not None else ""
        super().__init__(f"Zalo {method}: {description}{code}")
        self.method = method
        self.description = description
        self.error_code = error_code
        self.retryable = retryable
        self.retry_after = retry_after
        self.attempts = 1

    @property
    def permanent(self) -> bool:
        return not self.retryable


def _is_retryable(code: int | None) -> bool:
    """`code` is Zalo's error_code, or the HTTP status when the answer carries none."""
    if code is None or code in RETRYABLE_CODES:
        return True
    # 5xx, and codes Zalo does not document (e.g. negative ones): let a retry decide.
    return not 400 <= code < 500


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


class ZaloClient:
    """Calls the Zalo Bot API; transient failures are retried with exponential back-off."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        retry: Backoff | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token or any(c in token for c in "/ \t\r\n?#"):
            raise ValueError("Zalo bot token is empty or malformed")
        self._token = token
        self._base_url = base_url
        self.retry = retry or Backoff()
        self._sleep = sleep
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    def __repr__(self) -> str:  # never the token
        return "ZaloClient(token=***)"

    def _url(self, method: str) -> str:
        return f"{self._base_url}{self._token}/{method}"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(
        self,
        method: str,
        payload: dict[str, Any] | None = None,
        *,
        retry: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """The `result` of `method`; raises ZaloApiError once retries are exhausted."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(method, payload or {}, timeout)
            except ZaloApiError as err:
                err.attempts = attempt
                if not retry or err.permanent or attempt >= self.retry.attempts:
                    raise
                delay = max(err.retry_after or 0.0, self.retry.delay(attempt))
                log.warning(
                    "%s; retry %d/%d in %.1fs", err, attempt, self.retry.attempts - 1, delay
                )
                await self._sleep(delay)

    async def _once(self, method: str, payload: dict[str, Any], timeout: float | None) -> Any:
        kwargs: dict[str, Any] = {"json": payload}
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self._http.post(self._url(method), **kwargs)
        # `from None`: an httpx exception may carry the request URL, hence the token.
        except httpx.TimeoutException as exc:
            raise ZaloApiError(method, f"timeout ({type(exc).__name__})", retryable=True) from None
        except httpx.TransportError as exc:
            raise ZaloApiError(
                method, f"connection failed ({type(exc).__name__})", retryable=True
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        code: int | None = None
        description = response.reason_phrase or "error"
        if isinstance(body, dict):
            raw_code = body.get("error_code")
            if isinstance(raw_code, int) or (isinstance(raw_code, str) and raw_code.isdigit()):
                code = int(raw_code)
            if isinstance(body.get("description"), str) and body["description"]:
                description = body["description"]
        if code is None and not response.is_success:
            code = response.status_code
        raise ZaloApiError(
            method,
            description,
            error_code=code,
            retryable=_is_retryable(code),
            retry_after=_retry_after(response),
        )

    # -- the API methods ------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account: `id`, `account_name`, `account_type`, `can_join_groups`."""
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update, or None when the long poll found nothing (error 408).

        Zalo answers one update per call, not a list, and takes `timeout` as a string."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, retry=False, timeout=timeout + 10.0
            )
        except ZaloApiError as err:
            if err.error_code == NO_UPDATE:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> dict[str, Any]:
        result = await self.call("deleteWebhook")
        return result if isinstance(result, dict) else {}

    async def get_webhook_info(self) -> dict[str, Any]:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> str:
        """Send a text (1 to 2,000 characters); returns Zalo's message id."""
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> str:
        """Send the photo Zalo fetches from `photo_url`; returns the message id."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        result = await self.call("sendPhoto", payload)
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    async def download(self, url: str, limit: int) -> tuple[bytes, str] | None:
        """The bytes and content type at `url` (an image an officer sent: Zalo gives its
        address); None if it is larger than `limit` bytes. Streamed, so a huge file is never
        read whole. Raises ZaloApiError if it cannot be fetched."""
        if not url.startswith(("https://", "http://")):
            raise ZaloApiError("download", "not an http(s) address")
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise ZaloApiError("download", "HTTP error", response.status_code)
                content_type = response.headers.get("content-type", "")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        return None
                    chunks.append(chunk)
        except httpx.HTTPError as err:
            raise ZaloApiError("download", type(err).__name__, retryable=True) from None
        return b"".join(chunks), content_type

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" in the chat; a courtesy, so it is tried once."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action}, retry=False)
