"""Rendering a digest: Vietnamese, dd/mm/yyyy, urgency order, phone-sized parts, buttons."""

from datetime import date

from rules import Thresholds, unit_figures
from rules.policy import (
    Digest,
    Item,
    ItemKind,
    OfficerView,
    TaskView,
    UnitView,
    WeeklySummary,
)
from scheduler.digest import ChannelTraits, decode, encode, readable, render, render_parts

DAY = date(2023, 3, 24)
UNIT = UnitView("KHTC", "Phòng Kế hoạch - Tài chính", head_id=1)
OFFICER = OfficerView(2, "Phạm Thị Lan", "KHTC", "officer")
TELEGRAM = ChannelTraits(4096, True)
ZALO = ChannelTraits(2000, False)


def item(kind: ItemKind, task_id: int, deadline: date, **kw: int) -> Item:
    title = f"Báo cáo tiến độ giải ngân vốn đầu tư công số {task_id}"
    return Item(kind, TaskView(task_id, "KHTC", title, deadline, progress=40), **kw)


def digest(items: list[Item], summary: WeeklySummary | None = None) -> Digest:
    return Digest(OFFICER, DAY, UNIT, tuple(items), summary)


def test_a_short_digest_is_one_vietnamese_message_with_buttons() -> None:
    replies = render(
        digest(
            [
                item(ItemKind.OVERDUE, 14, date(2023, 3, 1), days_overdue=23),
                item(ItemKind.DUE_TODAY, 11, DAY),
                item(ItemKind.DUE_SOON, 13, date(2023, 3, 27), working_days_left=1),
            ]
        ),
        TELEGRAM,
    )
    assert len(replies) == 1
    assert replies[0].text.splitlines() == [
        "🔔 Nhắc việc ngày 24/03/2023 – Phòng Kế hoạch - Tài chính",
        "🔴 Quá hạn:",
        "#14 Báo cáo tiến độ giải ngân vốn đầu tư công số 14",
        "   Hạn 01/03/2023 · 40% · quá hạn 23 ngày",
        "🟠 Đến hạn hôm nay:",
        "#11 Báo cáo tiến độ giải ngân vốn đầu tư công số 11",
        "   Hạn 24/03/2023 · 40% · hạn hôm nay",
        "🟡 Sắp đến hạn:",
        "#13 Báo cáo tiến độ giải ngân vốn đầu tư công số 13",
        "   Hạn 27/03/2023 · 40% · còn 1 ngày làm việc",
    ]
    assert [[b.data for b in row] for row in replies[0].buttons] == [
        ["done:14", "prog:14", "snooze:14"],
        ["done:11", "prog:11", "snooze:11"],
        ["done:13", "prog:13", "snooze:13"],
    ]
    assert replies[0].buttons[0][0].label == "#14 ✅ Xong"


def test_without_buttons_a_commands_hint() -> None:
    replies = render(digest([item(ItemKind.DUE_TODAY, 11, DAY)]), ZALO)
    assert replies[0].buttons == []
    assert replies[0].commands_hint == "Trả lời: /done 11 hoặc /progress 11 50"
    parts = render_parts(digest([item(ItemKind.DUE_TODAY, 11, DAY)]), ZALO)
    assert readable(parts, False).endswith("Trả lời: /done 11 hoặc /progress 11 50")
    assert not readable(parts, True).endswith("50")


def test_escalation_section_for_the_head() -> None:
    replies = render(
        digest([item(ItemKind.ESCALATION, 5, date(2023, 3, 1), days_overdue=23)]),
        TELEGRAM,
        escalate_after_days=3,
    )
    assert "⚠️ Quá hạn từ 3 ngày làm việc – đề nghị trưởng đơn vị chỉ đạo:" in replies[0].text


def test_a_long_digest_is_split_between_tasks_within_max_text() -> None:
    items = [
        item(ItemKind.OVERDUE, n, date(2023, 1, 2), days_overdue=81 - n) for n in range(1, 61)
    ]
    for traits in (ChannelTraits(700, False), ZALO, TELEGRAM):
        replies = render(digest(items), traits)
        assert len(replies) > 1
        shown: list[int] = []
        for number, reply in enumerate(replies, start=1):
            room = len(reply.text) + (0 if traits.supports_buttons else 60)
            assert room <= traits.max_text
            assert reply.text.startswith("🔔 Nhắc việc ngày 24/03/2023")
            assert reply.text.splitlines()[0].endswith(f"({number}/{len(replies)})")
            assert reply.text.splitlines()[1] == "🔴 Quá hạn:"
            ids = [int(line[1:].split()[0]) for line in reply.text.splitlines() if line[0] == "#"]
            assert len(ids) <= 10
            if traits.supports_buttons:
                assert [row[0].data for row in reply.buttons] == [f"done:{i}" for i in ids]
            else:
                assert reply.commands_hint == f"Trả lời: /done {ids[0]} hoặc /progress {ids[0]} 50"
            shown += ids
        assert shown == list(range(1, 61))


def test_long_titles_are_shortened() -> None:
    long = Item(ItemKind.DUE_TODAY, TaskView(1, "KHTC", "Rất dài " * 100, DAY))
    text = render(digest([long]), TELEGRAM)[0].text
    assert max(len(line) for line in text.splitlines()) <= 130
    assert "…" in text


def test_weekly_summary_lists_the_watch_list() -> None:
    from rules import TaskFacts, watch_list

    facts = [
        TaskFacts(1, "a", "KHTC", date(2023, 3, 1)),
        TaskFacts(2, "b", "KHTC", date(2023, 12, 1)),
        TaskFacts(3, "c", "VP", date(2023, 12, 1)),
    ]
    figures = unit_figures(facts, DAY)
    summary = WeeklySummary(DAY, tuple(figures), tuple(watch_list(figures)))
    text = render(digest([], summary), TELEGRAM, thresholds=Thresholds())[0].text
    assert "📊 Tổng hợp tuần – ngưỡng 30% nhiệm vụ trễ, quá hạn:" in text
    assert "🔴 KHTC 50% (1/2) ≥30%\n   đúng 0 · trễ 0 · quá hạn 1 · mở 1" in text
    assert "VP" not in text.split("📊")[1]
    calm = WeeklySummary(DAY, tuple(figures), ())
    assert "✅ Chưa đơn vị nào chạm ngưỡng cảnh báo." in render(digest([], calm), TELEGRAM)[0].text


def test_outbox_encoding_round_trip() -> None:
    items = [item(ItemKind.DUE_TODAY, n, DAY) for n in range(1, 25)]
    parts = render_parts(digest(items), TELEGRAM)
    assert len(parts) == 3
    text, payload = encode(parts)
    assert text == "\n\n".join(p.text for p in parts)
    assert len(payload) < len(text) / 5  # the texts are not stored twice
    assert decode(text, payload) == parts
