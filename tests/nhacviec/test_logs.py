"""Secrets never reach a log line, whichever logger or handler, whenever it was added."""

from __future__ import annotations

import io
import logging

import pytest

from nhacviec.base.logs import SecretFilter, install_secret_filter, mask, register_secret

SECRET = "webhook-secret-not-shaped-like-a-token-42"


def test_token_shapes_are_masked_without_registration() -> None:
    url = "POST https://api.telegram.org/bot1234567:AAFakeTokenForTheMaskTest_0123456789/getMe"
    assert mask(url) == "POST https://api.telegram.org/bot***/getMe"
    assert mask("https://bot-api.zaloplatforms.com/botZALOTOKENVALUE/sendMessage").endswith(
        "/bot***/sendMessage"
    )


def test_a_handler_added_later_on_any_logger_gets_masked_records() -> None:
    register_secret(SECRET)
    logger = logging.getLogger("some.library.deep.inside")
    logger.propagate = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)  # after the masking was installed, with no filter of ours
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("calling %s with secret_token=%s", "setWebhook", SECRET)
        try:
            raise RuntimeError(f"server said: bad secret {SECRET}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    output = stream.getvalue()
    assert "secret_token=***" in output
    assert "server said: bad secret ***" in output
    assert SECRET not in output


def test_caplog_sees_masked_records(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(SECRET)
    caplog.set_level(logging.DEBUG, logger="x")
    logging.getLogger("x").info("token %s", SECRET)
    assert SECRET not in caplog.text
    assert caplog.records[0].getMessage() == "token ***"


def test_secret_filter_still_masks_its_own_secrets() -> None:
    record = logging.LogRecord("n", logging.INFO, __file__, 1, "a %s b", ("only-here-9876",), None)
    SecretFilter(["only-here-9876"]).filter(record)
    assert record.getMessage() == "a *** b"


def test_install_secret_filter_adds_the_filter_to_root_handlers() -> None:
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_secret_filter(["another-secret-value-1"])
        assert any(isinstance(f, SecretFilter) for f in handler.filters)
    finally:
        root.removeHandler(handler)
