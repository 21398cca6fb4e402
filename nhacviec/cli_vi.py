"""Vietnamese for what click and typer print on their own: usage, help panels, and the errors
of a mistyped command line. The admin reads the whole CLI in one language.

click and typer take their messages through gettext's `_`/`ngettext`, bound in each module;
this module rebinds them to a table lookup (a missing entry keeps the English text), and
resets the panel titles typer computed when it was imported."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from nhacviec.base import texts

# The tables are texts (nhacviec/base/texts/cli.py); this module is the mechanism.
MESSAGES: dict[str, str] = texts.CLICK_MESSAGES

_MODULES = (
    "click.core",
    "click.exceptions",
    "click.types",
    "click.parser",
    "click.decorators",
    "click.formatting",
    "click.termui",
    "typer.core",
    "typer.main",
    "typer.rich_utils",
)
_PANELS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "DEPRECATED_STRING": "(deprecated) ",
}


# typer vendors a copy of click (typer._click) that writes these messages as plain f-strings:
# they are translated from the finished English sentence.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), replacement) for pattern, replacement in texts.CLICK_SENTENCES
]
_USAGE_WORDS = texts.CLICK_USAGE_WORDS
_TYPE_NAMES = texts.CLICK_TYPE_NAMES


def vi_sentence(message: str) -> str:
    """A finished English message of typer's click, in Vietnamese where it is known."""
    for pattern, replacement in _SENTENCES:
        message = pattern.sub(replacement, message)
    return vi(message)


def vi(message: str) -> str:
    """The Vietnamese of one of click's or typer's messages, or the message itself."""
    return MESSAGES.get(message, message)


def vi_plural(singular: str, plural: str, n: int) -> str:
    return vi(singular if n == 1 else plural)


def install() -> None:
    """Rebind click's and typer's message functions (and typer's panel titles) to Vietnamese."""
    import click  # noqa: F401  (loads the modules patched below)
    import typer  # noqa: F401

    for name in _MODULES:
        module = sys.modules.get(name)
        if module is None:
            try:
                module = __import__(name, fromlist=["_"])
            except ImportError:
                continue
        patch: dict[str, Callable[..., str]] = {"_": vi, "ngettext": vi_plural}
        for attr, fn in patch.items():
            if hasattr(module, attr):
                setattr(module, attr, fn)
        for attr, english in _PANELS.items():
            if hasattr(module, attr):
                setattr(module, attr, vi(english))
    _install_vendored_click()


def _install_vendored_click() -> None:
    """typer's own click copy: the usage prefix, the help option's text, error sentences."""
    try:
        from typer import rich_utils
        from typer._click import core, formatting
    except ImportError:  # an older typer uses click itself, translated above
        return

    write_usage = formatting.HelpFormatter.write_usage

    def usage_vi(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in _USAGE_WORDS.items():
            args = args.replace(english, vietnamese)
        write_usage(self, prog, args, texts.CLICK_USAGE_PREFIX if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage_vi  # type: ignore[method-assign]

    get_help_option = core.Command.get_help_option

    def help_option_vi(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = vi("Show this message and exit.")
        return option

    core.Command.get_help_option = help_option_vi  # type: ignore[method-assign]

    from typer import core as typer_core

    for cls in (typer_core.TyperOption, typer_core.TyperArgument):
        display_type = cls.display_type

        def display_type_vi(self: Any, ctx: Any, _english: Any = display_type) -> str:
            label: str = _english(self, ctx)
            return _TYPE_NAMES.get(label, label)

        cls.display_type = display_type_vi  # type: ignore[method-assign]

    format_error = rich_utils.rich_format_error

    def error_vi(self: Any) -> None:
        english = self.format_message
        self.format_message = lambda: vi_sentence(english())
        format_error(self)

    rich_utils.rich_format_error = error_vi
