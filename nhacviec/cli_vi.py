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

MESSAGES: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Xem phiên bản rồi thoát.",
    "Arguments": "Tham số",
    "Options": "Tuỳ chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số theo vị trí",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Aborted!": "Đã dừng.",
    "Aborted.": "Đã dừng.",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn."
    ),
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tuỳ chọn {name!r}.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tuỳ chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Invalid value for {param_hint}: {message}": (
        "Giá trị không hợp lệ cho {param_hint}: {message}"
    ),
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tuỳ chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tuỳ chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tuỳ chọn {name!r} cần {nargs} giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các tham số ({args})",
    "Did you mean {possibility}?": "Ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Ý bạn là một trong: {possibilities}?)",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "Không có {name} {filename!r}.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "required": "bắt buộc",
    "[required]": "[bắt buộc]",
    "default: {default}": "mặc định: {default}",
    "[default: {}]": "[mặc định: {}]",
    "env var: {var}": "biến môi trường: {var}",
    "[env var: {}]": "[biến môi trường: {}]",
    "(deprecated) ": "(không dùng nữa) ",
    "deprecated": "không dùng nữa",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
}

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
    (re.compile(r"Missing option (.+?)\."), r"Thiếu tuỳ chọn \1."),
    (re.compile(r"Missing argument (.+?)\."), r"Thiếu tham số \1."),
    (re.compile(r"Missing parameter: (.+)"), r"Thiếu tham số: \1"),
    (re.compile(r"No such option: (.+)"), r"Không có tuỳ chọn: \1"),
    (re.compile(r"Got unexpected extra argument\(s\) \((.+)\)"), r"Thừa tham số (\1)"),
    (re.compile(r"Invalid value for (.+?): "), r"Giá trị không hợp lệ cho \1: "),
    (re.compile(r"Invalid value: "), r"Giá trị không hợp lệ: "),
    (re.compile(r"'(.+?)' is not a valid integer\."), r"'\1' không phải số nguyên."),
    (re.compile(r"'(.+?)' is not a valid float\."), r"'\1' không phải số."),
    (re.compile(r"'(.+?)' is not one of (.+)\."), r"'\1' không thuộc \2."),
    (re.compile(r"(?:File|Path|Directory) '(.+?)' does not exist\."), r"Không có '\1'."),
    (re.compile(r"Did you mean (.+?)\?"), r"Ý bạn là \1?"),
]


_USAGE_WORDS = {
    "[OPTIONS]": "[TUỲ_CHỌN]",
    "COMMAND [ARGS]...": "LỆNH [THAM_SỐ]...",
}
_TYPE_NAMES = {
    "<str>": "<chữ>",
    "<path>": "<tệp>",
    "<bool>": "<có/không>",
    "<int>": "<số>",
    "<float>": "<số>",
}


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
        write_usage(self, prog, args, "Cách dùng: " if prefix is None else prefix)

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
