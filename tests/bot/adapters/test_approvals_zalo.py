"""Extensions and confirmed completion on Zalo (httpx against the fake Zalo server): no
buttons, so the approver types /duyet and /xacnhan (the messages say so); an image an officer
sends (`message.image.received`) is fetched from its address and kept as evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.adapters.zalo.service import ZaloMessenger, ZaloService
from nhacviec.app import App, build_reminders
from nhacviec.base.clock import FixedClock
from storage.db import session_scope
from storage.models import TaskEvidence, TaskState
from tests.bot.adapters.test_zalo import fake, invite, polling, say, sleeps
from tests.bot.test_approvals import make_app, task_by_code
from tests.fakes.zalo_api import FakeZalo, image_update

__all__ = ["fake", "polling", "sleeps"]  # the Zalo fixtures, over the Telegram ones

JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 300


@pytest.fixture
def app(sqlite_engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    return make_app(sqlite_engine, clock, tmp_path)


async def test_extension_typed_and_an_image_as_evidence_on_zalo(
    app: App, fake: FakeZalo, polling: tuple[ZaloMessenger, ZaloService], clock: FixedClock
) -> None:
    messenger, _ = polling
    for code, chat in (("CB02", "z-tccb"), ("CB03", "z-hai"), ("CB04", "z-lan")):
        await say(fake, chat, f"/start {invite(app, code)}")
    tid = task_by_code(app, "NV-05").id
    reminders = build_reminders(app, {"zalo": messenger})

    await say(fake, "z-lan", f"/giahan {tid} 31/07/2023 Chờ số liệu quý II")
    await reminders.dispatch()
    [request] = fake.texts("z-tccb")[-1:]
    assert request.startswith(f"📅 Đề nghị gia hạn #{tid}")
    assert request.endswith(f"Trả lời: /duyet {tid} hoặc /tuchoi {tid} lý do")
    (approved,) = await say(fake, "z-tccb", f"/duyet {tid}")
    assert "30/06/2023 → 31/07/2023" in approved

    clock.set(FixedClock.on(date(2023, 7, 14)).now())
    (done,) = await say(fake, "z-lan", f"/done {tid}")
    assert "chờ trưởng đơn vị xác nhận" in done
    before = len(fake.texts("z-lan"))
    fake.push(image_update("z-lan", fake.serve("bien-ban.jpg", JPEG)))
    await fake.wait_sent(before + 1, "z-lan")
    assert fake.texts("z-lan")[-1] == f"📎 Đã lưu minh chứng cho nhiệm vụ {tid}: bien-ban.jpg."
    with session_scope(app.engine) as session:
        [kept] = session.exec(select(TaskEvidence).where(TaskEvidence.task_id == tid)).all()
        assert kept.size == len(JPEG) and kept.content_type == "image/jpeg"
    stored = Path(app.config.evidence.folder) / (kept.filename or "")
    assert stored.read_bytes() == JPEG

    await reminders.dispatch()
    assert fake.texts("z-hai")[-1].endswith(f"Trả lời: /xacnhan {tid} hoặc /tralai {tid} lý do")
    (confirmed,) = await say(fake, "z-hai", f"/xacnhan {tid}")
    assert confirmed.startswith(f"✅ Đã xác nhận hoàn thành nhiệm vụ {tid} ngày 14/07/2023")
    assert task_by_code(app, "NV-05").state == TaskState.DONE
    (story,) = await say(fake, "z-tccb", f"/task {tid}")
    assert "đúng hạn (đã gia hạn)" in story and "Tệp bien-ban.jpg" in story


async def test_an_image_nobody_asked_for_is_explained(
    app: App, fake: FakeZalo, polling: tuple[ZaloMessenger, ZaloService]
) -> None:
    await say(fake, "z-lan", f"/start {invite(app, 'CB04')}")
    before = len(fake.texts("z-lan"))
    fake.push(image_update("z-lan", fake.serve("x.jpg", JPEG)))
    await fake.wait_sent(before + 1, "z-lan")
    assert fake.texts("z-lan")[-1].startswith("Chưa biết ảnh/tệp này cho nhiệm vụ nào")
