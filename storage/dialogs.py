"""The state of a multi-step chat dialog (/giao, /sua), kept so a restart loses none."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from storage.models import ChatState


def get(session: Session, channel: str, conversation: str) -> ChatState | None:
    return session.exec(
        select(ChatState).where(ChatState.channel == channel, ChatState.chat_id == conversation)
    ).first()


def put(
    session: Session,
    channel: str,
    conversation: str,
    awaiting: str,
    draft: dict[str, Any],
    now: datetime,
    task_id: int | None = None,
) -> ChatState:
    """Start or move on a dialog: the step awaited and the answers so far."""
    state = get(session, channel, conversation)
    if state is None:
        state = ChatState(channel=channel, chat_id=conversation, awaiting=awaiting, created_at=now)
    state.awaiting = awaiting
    state.task_id = task_id
    state.draft = json.dumps(draft, ensure_ascii=False)
    session.add(state)
    session.flush()
    return state


def draft_of(state: ChatState) -> dict[str, Any]:
    return json.loads(state.draft) if state.draft else {}


def clear(session: Session, state: ChatState) -> None:
    session.delete(state)
    session.flush()
