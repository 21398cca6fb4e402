"""What goes in and out of a chat, whatever the messenger."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """An inline button; `data` is what the press sends back, e.g. `done:12`."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A photo (PNG chart) or a document (report file) sent with a reply."""

    filename: str
    content: bytes
    kind: str = "document"  # "photo" or "document"


@dataclass
class Reply:
    """One message to a chat. `commands_hint` is shown instead of buttons where the messenger
    has none."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    commands_hint: str | None = None
    # The bot asked a question and waits for a plain-text answer (messengers that can, open
    # the reply field: Telegram's ForceReply).
    expects_answer: bool = False
    # The message changed a task (progress recorded, reminder snoozed); a refusal did not.
    changed: bool = False


@dataclass(frozen=True)
class Incoming:
    """A message a chat sent: `channel` is the messenger (console, telegram, zalo)."""

    channel: str
    chat_id: str
    text: str
    sender_name: str = ""
    is_group: bool = False
    # Who wrote it, where that differs from the chat (a group): identity is the sender.
    sender_id: str | None = None
    # The messenger's own id of the message (Telegram's update_id, Zalo's message id): a
    # redelivery of a message whose effects were committed changes nothing (storage/seen.py).
    message_key: str | None = None

    @property
    def identity(self) -> str:
        """The chat id an officer is linked through: in a group, the sender's own."""
        return self.sender_id or self.chat_id

    @property
    def conversation(self) -> str:
        """Where a question the bot asked waits for its answer: the chat, or in a group the
        sender within it, so two members answering at once do not mix."""
        if self.sender_id and self.sender_id != self.chat_id:
            return f"{self.chat_id}:{self.sender_id}"
        return self.chat_id


def split_text(text: str, limit: int) -> list[str]:
    """Split at line boundaries so that no part is longer than `limit` characters; a single
    longer line is cut at spaces, or hard as a last resort."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
