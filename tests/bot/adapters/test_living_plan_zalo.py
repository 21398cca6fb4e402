"""The living plan on Zalo (httpx against the fake Zalo server): /giao answered by typing, as
Zalo has no buttons; /huy; the notices go out through the outbox dispatcher, once."""

from __future__ import annotations

from sqlmodel import select

from bot.adapters.zalo.service import ZaloMessenger, ZaloService
from nhacviec.app import App, build_reminders
from storage.db import session_scope
from storage.models import Task
from tests.bot.adapters.test_zalo import fake, invite, polling, say, sleeps
from tests.fakes.zalo_api import FakeZalo

__all__ = ["fake", "polling", "sleeps"]  # the Zalo fixtures, over the Telegram ones


def newest_task(app: App) -> Task:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).order_by(Task.id.desc())).first()  # type: ignore[union-attr]
        assert task is not None
        return task


async def test_giao_and_huy_typed_on_zalo(
    app: App,
    fake: FakeZalo,
    polling: tuple[ZaloMessenger, ZaloService],
) -> None:
    messenger, _ = polling
    await say(fake, "z-tccb", f"/start {invite(app, 'CB02')}")
    await say(fake, "z-lan", f"/start {invite(app, 'CB04')}")
    (units,) = await say(fake, "z-tccb", "/giao")
    # No buttons on Zalo: the question says what to type.
    assert "Gõ mã đơn vị" in units and "Gõ “-” để bỏ qua" in units
    answers = ["kHtC", "Báo cáo Chỉ thị 23", "03/04/2023", "UBND tỉnh", "123/UBND-KT", "-", "-"]
    for answer in answers:
        await say(fake, "z-tccb", answer)
    (done,) = await say(fake, "z-tccb", "ok")
    task = newest_task(app)
    assert done.startswith(f"✅ Đã giao nhiệm vụ #{task.id} cho KHTC")
    assert task.document == "123/UBND-KT" and task.assignee_id is None
    (cancelled,) = await say(fake, "z-tccb", f"/huy {task.id} Trùng với nhiệm vụ 5")
    assert "Lý do: Trùng với nhiệm vụ 5" in cancelled

    reminders = build_reminders(app, {"zalo": messenger})
    before = len(fake.texts("z-lan"))
    report = await reminders.dispatch()
    assert report.sent == 2  # the whole unit (no named officer): Lan, once per event
    texts = fake.texts("z-lan")[before:]
    assert texts[0].startswith(f"📌 Nhiệm vụ mới #{task.id}")
    assert texts[1].startswith(f"✖️ Nhiệm vụ đã huỷ #{task.id}")
    assert "Lý do: Trùng với nhiệm vụ 5" in texts[1]
