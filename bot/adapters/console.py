"""The console messenger: a chat in the terminal, no token and no server needed.

Modelled on errbot's text backend: each line typed is a message from the officer you chose;
the bot's replies are printed below it. `@CODE` switches officer, `/quit` leaves."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TextIO

from bot.commands import ChatService, OfficerCard
from bot.messages import Incoming, Reply
from bot.messenger import Messenger
from nhacviec.base import texts

CHANNEL = "console"


class ConsoleMessenger:
    """Sends replies (and reminders) to the terminal."""

    channel = CHANNEL
    max_text = 4096
    supports_buttons = False

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._sent = 0

    def show(self, reply: Reply) -> None:
        for line in reply.text.splitlines():
            self.out.write(f"  bot │ {line}\n")
        if reply.buttons:
            # A digest's buttons carry their task ("#12 ✅ Xong"): shown once, without it.
            labels = {re.sub(r"^#\d+ ", "", b.label) for row in reply.buttons for b in row}
            self.out.write(f"  bot │ [nút: {', '.join(sorted(labels))}]\n")
        elif reply.commands_hint:
            self.out.write(f"  bot │ {reply.commands_hint}\n")
        for attachment in reply.attachments:
            self.out.write(f"  bot │ 📎 {attachment.filename} ({len(attachment.content)} byte)\n")
        self.out.flush()

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver a reminder: printed with the recipient's name, as a chat would show it."""
        self.out.write(f"── tin nhắn tới {chat_id} ──\n")
        self.show(reply)
        self._sent += 1
        return f"console-{self._sent}"


class ConsoleChat:
    """Drives the chat service from lines typed (or read from a script)."""

    def __init__(
        self,
        chat: ChatService,
        out: TextIO,
        link_days: int = 7,
        remind: Callable[[Messenger], list[str]] | None = None,
    ) -> None:
        self.chat = chat
        self.out = out
        self.messenger = ConsoleMessenger(out)
        self.link_days = link_days
        # Runs today's reminder scan into this console (`:remind`); given by the composition
        # root, since the scheduler sits above the chat layer.
        self.remind = remind
        self.officer_code: str | None = None

    def officers(self) -> list[OfficerCard]:
        return self.chat.officer_directory()

    def become(self, code: str) -> bool:
        """Act as officer `code`: an admin issues a link code and the chat sends /start."""
        found = self.chat.console_sign_in(CHANNEL, code, self.link_days)
        if found is None:
            self.out.write(f"Không có cán bộ mã {code}.\n")
            return False
        officer, code_text = found
        self.officer_code = officer.code
        role = texts.ROLE_NAMES.get(officer.role, officer.role)
        self.out.write(f"── {officer.name} ({officer.code}, {officer.unit_code}, {role}) ──\n")
        if code_text is None:
            return True
        self.out.write(f"(quản trị cấp mã liên kết: {code_text})\n")
        self.say(f"/start {code_text}")
        return True

    def say(self, text: str) -> None:
        assert self.officer_code is not None
        self.out.write(f"{self.officer_code} > {text}\n")
        replies = self.chat.handle(Incoming(CHANNEL, self.officer_code, text))
        for reply in replies:
            self.messenger.show(reply)

    def run_lines(self, lines: Iterable[str], on_date: Callable[[datetime], None]) -> int:
        """Run a script: `@CODE` switches officer, `:date dd/mm/yyyy` moves the clock,
        `:remind` runs today's reminder scan and delivers it to the console chats, `#` starts a
        comment, anything else is a message. Returns the number of errors."""
        errors = 0
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                errors += not self.become(line[1:].strip())
            elif line.startswith(":date"):
                try:
                    moment = datetime.strptime(line.split(maxsplit=1)[1], "%d/%m/%Y")
                except (IndexError, ValueError):
                    self.out.write(f"Ngày không hợp lệ: {line}\n")
                    errors += 1
                    continue
                on_date(moment)
                self.out.write(f"── ngày {moment:%d/%m/%Y} ──\n")
            elif line == ":remind":
                if self.remind is None:
                    self.out.write("Không chạy được nhắc việc trong phiên này.\n")
                    errors += 1
                    continue
                for note in self.remind(self.messenger):
                    self.out.write(note + "\n")
            elif self.officer_code is None:
                self.out.write("Chọn cán bộ trước, ví dụ @CB001\n")
                errors += 1
            else:
                self.say(line)
        return errors

    def interactive(self, read: Callable[[str], str]) -> None:
        """Pick who you are, then type as on a phone; Ctrl-D or /quit to leave."""
        officers = self.officers()
        self.out.write("Chọn bạn là ai (gõ số hoặc mã cán bộ):\n")
        for n, officer in enumerate(officers, start=1):
            role = texts.ROLE_NAMES.get(officer.role, officer.role)
            self.out.write(f"{n:3}. {officer.code} {officer.name} – {officer.unit_code}, {role}\n")
        while True:
            try:
                line = read("> " if self.officer_code is None else f"{self.officer_code} > ")
            except (EOFError, KeyboardInterrupt):
                self.out.write("\nTạm biệt!\n")
                return
            line = line.strip()
            if line in ("/quit", "/exit", "/thoat"):
                self.out.write("Tạm biệt!\n")
                return
            if self.officer_code is None or line.startswith("@"):
                choice = line.lstrip("@")
                if choice.isdigit() and 1 <= int(choice) <= len(officers):
                    choice = officers[int(choice) - 1].code
                if self.become(choice):
                    self.out.write(
                        "Gõ lệnh như trên điện thoại, ví dụ /tasks. "
                        "@MÃ để đổi người, /quit để thoát.\n"
                    )
                continue
            if line:
                replies = self.chat.handle(Incoming(CHANNEL, self.officer_code, line))
                for reply in replies:
                    self.messenger.show(reply)
