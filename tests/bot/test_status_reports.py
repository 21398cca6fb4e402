"""/status, /areas, /score, /inspect and /report on the example plan after a scripted year,
through ChatService.handle with the clock moved across the year."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from bot.messages import Incoming, Reply
from bot.status_view import PHONE_LIMIT
from nhacviec.app import App
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from nhacviec.reports.figures import plan_figures
from storage import repo
from storage.db import session_scope
from storage.models import AreaSelfScore, Inspection
from tests.conftest import link_chat
from tests.scripted_year import REPORTERS, Year, play_year

ON = date(2023, 10, 20)
ALL_UNITS = [
    "TCCB",
    "VP",
    "KHTC",
    "TTRA",
    "TTBVTV",
    "CNTY",
    "KL",
    "TS",
    "TL",
    "PTNT",
    "QLCL",
    "TTKN",
    "NSVSMT",
    "BQLRPH",
]


def say(app: App, chat: str, text: str, channel: str = "console") -> list[Reply]:
    return app.chat.handle(Incoming(channel, chat, text))


def joined(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def tenths(part: int, whole: int) -> str:
    """A share as the docs' rounding rule reads it (half up to a tenth of a percent), worked
    out with decimals here rather than by the code under test."""
    if not whole:
        return "0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = f"{value:f}".removesuffix(".0").replace(".", ",")
    return f"{text}%"


def margin(c: dict[str, int]) -> str:
    """Tasks that may still end late before the year rate reaches 30%: the largest n with
    (failed + n) / assigned < 30%."""
    failed = c["late"] + c["overdue"]
    n = 0
    while (failed + n + 1) * 10 < 3 * c["assigned"]:
        n += 1
    if failed * 10 >= 3 * c["assigned"]:
        return "đã chạm ngưỡng của năm"
    return "không được trễ thêm nhiệm vụ nào" if n == 0 else f"còn được trễ {n} nhiệm vụ"


def unit_block(year: Year, unit: str, on: date) -> list[str]:
    """The four lines /status shows for a unit, from what the script did."""
    c = year.expected(unit, on)
    failed = c["late"] + c["overdue"]
    settled = c["on_time"] + failed
    icon, flag = year.flag(unit, on)
    return [
        f"{icon} {unit} {flag}",
        f"   năm {tenths(failed, c['assigned'])} ({failed}/{c['assigned']}) · "
        f"đến nay {tenths(failed, settled)} ({failed}/{settled})",
        f"   {margin(c)}",
        f"   đúng {c['on_time']} · trễ {c['late']} · quá hạn {c['overdue']} · mở {c['open']}",
    ]


@pytest.fixture
def year(example_app: App) -> Year:
    played = play_year(example_app, ON)
    link_chat(example_app, "CB001", "console", "tccb")
    link_chat(example_app, "CB005", "telegram", "admin")
    link_chat(example_app, "CB008", "console", "head-khtc")
    return played


# -- /status -------------------------------------------------------------------------------------


def test_tccb_sees_every_unit_worst_first_with_the_scripted_figures(year: Year) -> None:
    replies = say(year.app, "tccb", "/status")
    assert all(len(r.text) <= PHONE_LIMIT for r in replies)
    assert not any(r.attachments for r in replies)  # the console shows no photo
    marker = re.compile(r"^\(\d+/\d+\)$")  # the (1/2) ending a part
    lines = [line for line in joined(replies).splitlines() if not marker.match(line)]
    assert lines[0] == "📊 Tình hình CCHC-2023"
    assert lines[1] == "Ngày 20/10/2023 · 188 nhiệm vụ"
    for unit in ALL_UNITS:
        block = unit_block(year, unit, ON)
        assert block[0] in lines, block[0]
        start = lines.index(block[0])
        assert lines[start : start + 4] == block
        assert len(block[0]) <= 36 and len(block[1]) <= 44 and len(block[3]) <= 40
    shown = [
        line.split()[1]
        for line in lines
        if line and line[0] in "🔴🟡🟢" and line.split()[1] != "từ"
    ]
    worst_first = sorted(ALL_UNITS, key=lambda u: year.rank(u, ON))
    assert shown == [*worst_first, "Toàn"]
    totals: Counter[str] = Counter()
    for unit in ALL_UNITS:
        totals.update(year.expected(unit, ON))
    assert f"   đúng {totals['on_time']} · trễ {totals['late']}" in joined(replies)
    watch = [u for u in worst_first if year.flag(u, ON)[0] != "🟢"]
    assert f"⚠️ Cần chú ý ({len(watch)}): " + ", ".join(watch) in lines
    assert "🔎 Kiểm tra CCHC 2023: 0/14 (0%)" in lines


def test_the_script_moves_the_figures(year: Year) -> None:
    """KHTC, a reporting unit, and TTKN, a silent one, as the rules compute them."""
    khtc, ttkn = year.expected("KHTC", ON), year.expected("TTKN", ON)
    assert khtc["on_time"] > 0 and khtc["late"] > 0 and khtc["overdue"] > 0 and khtc["open"] > 0
    assert ttkn["on_time"] == ttkn["late"] == 0
    with session_scope(year.app.engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None
        figures = plan_figures(session, plan, ON, year.app.config)
    for unit in ALL_UNITS:
        f = figures.unit(unit)
        assert f is not None
        assert (f.assigned, f.on_time, f.late, f.overdue, f.open) == tuple(
            year.expected(unit, ON).values()
        )


def test_a_head_sees_their_own_unit_page_by_page(year: Year) -> None:
    app = year.app
    first = joined(say(app, "head-khtc", "/status"))
    c = year.expected("KHTC", ON)
    lines = first.splitlines()
    assert lines[0] == "📋 KHTC · Phòng Kế hoạch - Tài chính"
    assert lines[2:6] == unit_block(year, "KHTC", ON)
    assert lines[-1] == "Trang 1/3 · gõ /status KHTC 2"
    lines = lines[2:]  # as before the rates and the margin: the tasks follow the counts
    # the most overdue task first
    overdue = sorted(
        (deadline, task_id)
        for task_id, (unit, deadline) in year.deadlines.items()
        if unit == "KHTC" and year.fates.get(task_id) and year.fates[task_id].done_on is None
    )
    assert lines[4].startswith(f"#{overdue[0][1]} ")
    assert lines[5].startswith(f"   🔴 quá hạn {(ON - overdue[0][0]).days} ngày")
    seen: list[int] = []
    for page in (1, 2, 3):
        text = joined(say(app, "head-khtc", f"/status {page}"))
        seen += [int(line.split()[0][1:]) for line in text.splitlines() if line.startswith("#")]
    khtc_ids = {i for i, (unit, _) in year.deadlines.items() if unit == "KHTC"}
    assert sorted(seen) == sorted(khtc_ids) and len(seen) == c["assigned"]
    # TCCB sees the same page of the same unit
    assert joined(say(app, "tccb", "/status KHTC 2")) == joined(
        say(app, "head-khtc", "/status KHTC 2")
    )
    assert joined(say(app, "head-khtc", "/status VP")) == texts.STATUS_OTHER_UNIT
    assert joined(say(app, "tccb", "/status XYZ")) == texts.NO_UNIT.format(code="XYZ")


def test_officers_are_refused(year: Year) -> None:
    for command in ("/status", "/status KHTC", "/areas", "/score 1 9", "/inspect KHTC"):
        reply = joined(say(year.app, "CB009", command))
        assert reply in (texts.STATUS_REFUSED, texts.TCCB_ONLY), command
    assert joined(say(year.app, "head-khtc", "/report 2023")) == texts.TCCB_ONLY


# -- the chart -----------------------------------------------------------------------------------


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_status_on_a_photo_messenger_carries_the_chart(year: Year) -> None:
    replies = say(year.app, "admin", "/status", channel="telegram")
    photos = [a for r in replies for a in r.attachments]
    assert len(photos) == 1 and replies[-1].attachments == photos
    photo = photos[0]
    assert photo.kind == "photo" and photo.filename.endswith(".png")
    assert photo.content[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(io.BytesIO(photo.content))
    height, width = pixels.shape[:2]
    assert width == 1080  # a phone's width
    assert height == round((2.4 + 0.48 * 14) * 144)  # 14 units with tasks
    rgb = (pixels[:, :, :3] * 255).round().astype(int)
    colours = Counter(map(tuple, rgb.reshape(-1, 3).tolist()))
    assert len(colours) > 20  # not blank: anti-aliased text and four bar colours
    white = colours[(255, 255, 255)]
    assert white < 0.85 * width * height
    for colour in ("#f59e0b", "#dc2626", "#16a34a", "#cbd5e1"):  # late, overdue, on time, open
        assert colours[_hex(colour)] > 500, colour


# -- /areas and /score ---------------------------------------------------------------------------


def test_areas_show_tasks_progress_targets_and_self_scores(year: Year) -> None:
    app = year.app
    text = joined(say(app, "tccb", "/areas"))
    assert "1. Công tác chỉ đạo, điều hành CCHC" in text
    assert "   MT 10,5/10,5 · 2022 9,5 · tự chấm –" in text
    assert "   MT 11,5/11,5 · 2022 – · tự chấm –" in text
    assert "📝 Tự chấm 0/7 lĩnh vực: 0/67" in text
    assert "trên 85/100 điểm gồm cả điểm điều tra xã hội học (33 điểm)" in text
    with session_scope(app.engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None
        areas = plan_figures(session, plan, ON, app.config).areas
    for a in areas:
        assert f"   {a.tasks} NV: xong {a.done} (trễ {a.late}), quá hạn {a.overdue}" in text, (
            a.area.code
        )
        assert f"   tiến độ TB {a.mean_progress:.0f}% · xong {texts.pct(a.done_share)}" in text


def test_score_records_history_and_the_latest_counts(year: Year) -> None:
    app = year.app
    app.clock.set(FixedClock.on(date(2023, 12, 20)).now())  # type: ignore[attr-defined]
    first = joined(say(app, "tccb", "/score 1 9,5 Tự chấm lần 1"))
    assert first.startswith("📝 Đã ghi tự chấm lĩnh vực 1: 9,5/10,5.")
    assert first.endswith("Tự chấm 1/7 lĩnh vực: 9,5/67")
    app.clock.set(FixedClock.on(date(2023, 12, 22)).now())  # type: ignore[attr-defined]
    second = joined(say(app, "admin", "/score 1 10.25", channel="telegram"))
    assert "10,25/10,5 (trước: 9,5)" in second
    joined(say(app, "tccb", "/score 7 11,5"))
    text = joined(say(app, "tccb", "/areas"))
    assert "   MT 10,5/10,5 · 2022 9,5 · tự chấm 10,25" in text
    assert "📝 Tự chấm 2/7 lĩnh vực: 21,75/67" in text
    with session_scope(app.engine) as session:
        rows = session.exec(select(AreaSelfScore).order_by(AreaSelfScore.id)).all()  # type: ignore[arg-type]
        assert [r.points for r in rows] == [9.5, 10.25, 11.5]
        assert rows[0].note == "Tự chấm lần 1" and rows[1].channel == "telegram"


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/score", texts.SCORE_USAGE),
        ("/score 1", texts.SCORE_USAGE),
        ("/score 9 5", texts.NO_AREA.format(code="9")),
        ("/score 1 mười", "“mười” không phải số điểm. Dùng dấu phẩy hoặc chấm, ví dụ 9,5"),
        ("/score 1 -1", "“-1” không phải số điểm. Dùng dấu phẩy hoặc chấm, ví dụ 9,5"),
        ("/score 1 10,6", "Điểm lĩnh vực 1 từ 0 đến 10,5, không được 10,6."),
        ("/score 3 13", "Điểm lĩnh vực 3 từ 0 đến 12,5, không được 13."),
        (
            "/score 1.6 1",
            "Lĩnh vực 1.6 không có điểm tối đa (tiêu chí thành phần); chấm lĩnh vực cha.",
        ),
    ],
)
def test_bad_scores_are_refused_and_change_nothing(
    example_app: App, command: str, answer: str
) -> None:
    link_chat(example_app, "CB001", "console", "tccb")
    assert joined(say(example_app, "tccb", command)) == answer
    with session_scope(example_app.engine) as session:
        assert session.exec(select(AreaSelfScore)).all() == []


def test_score_inspect_and_report_are_refused_to_heads_and_officers(example_app: App) -> None:
    link_chat(example_app, "CB002", "console", "head-tccb")  # head of TCCB itself
    link_chat(example_app, "CB003", "console", "officer-tccb")
    for chat in ("head-tccb", "officer-tccb"):
        for command in ("/score 1 9", "/inspect KHTC", "/report 2023-Q1", "/areas"):
            assert joined(say(example_app, chat, command)) == texts.TCCB_ONLY
    with session_scope(example_app.engine) as session:
        assert session.exec(select(AreaSelfScore)).all() == []
        assert session.exec(select(Inspection)).all() == []


# -- /inspect ------------------------------------------------------------------------------------


def test_inspections_count_units_once_against_the_30_percent_target(year: Year) -> None:
    app = year.app
    reply = joined(say(app, "tccb", "/inspect TS 15/06/2023 Đợt 1: hồ sơ TTHC"))
    assert reply.splitlines() == [
        "🔎 Đã ghi kiểm tra TS ngày 15/06/2023.",
        "Chi cục Thủy sản",
        "🔎 Kiểm tra CCHC 2023: 1/14 (7,1%)",
        "   mục tiêu ≥30%: còn 4 đơn vị",
    ]
    say(app, "tccb", "/inspect KL 16/06/2023")
    say(app, "tccb", "/inspect kl 20/09/2023 Kiểm tra lại")  # again: still one unit
    say(app, "admin", "/inspect TTKN", channel="telegram")  # today
    status = joined(say(app, "tccb", "/status"))
    assert "🔎 Kiểm tra CCHC 2023: 3/14 (21,4%)" in status
    say(app, "tccb", "/inspect CNTY 01/10/2023")
    say(app, "tccb", "/inspect TL 02/10/2023")
    listing = joined(say(app, "tccb", "/inspect")).splitlines()
    assert listing[:2] == ["🔎 Kiểm tra CCHC 2023: 5/14 (35,7%)", "   ✅ đạt mục tiêu ≥30%"]
    assert "• 20/10/2023 TTKN" in listing
    with session_scope(app.engine) as session:
        rows = session.exec(select(Inspection).order_by(Inspection.id)).all()  # type: ignore[arg-type]
        assert len(rows) == 6
        assert rows[0].note == "Đợt 1: hồ sơ TTHC" and rows[0].inspected_on == date(2023, 6, 15)
        assert rows[3].inspected_on == ON and rows[3].channel == "telegram"


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/inspect XYZ", texts.NO_UNIT.format(code="XYZ")),
        ("/inspect KHTC 31/02/2023", texts.BAD_DAY.format(value="31/02/2023")),
        ("/inspect KHTC 2023-05-01", texts.BAD_DAY.format(value="2023-05-01")),
        ("/inspect KHTC 05/04/2023", texts.FUTURE_DAY.format(day="05/04/2023")),
    ],
)
def test_bad_inspections_are_refused(example_app: App, command: str, answer: str) -> None:
    link_chat(example_app, "CB001", "console", "tccb")  # the clock is at 03/04/2023
    assert joined(say(example_app, "tccb", command)) == answer
    with session_scope(example_app.engine) as session:
        assert session.exec(select(Inspection)).all() == []


def test_a_word_after_the_unit_is_a_note_not_a_date(example_app: App) -> None:
    link_chat(example_app, "CB005", "console", "admin")
    reply = joined(say(example_app, "admin", "/inspect VP đột xuất"))
    assert reply.startswith("🔎 Đã ghi kiểm tra VP ngày 03/04/2023.")
    with session_scope(example_app.engine) as session:
        (row,) = session.exec(select(Inspection)).all()
        assert row.note == "đột xuất"


# -- /report -------------------------------------------------------------------------------------


def sheet_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(values_only=True))


def unit_table(ws: Worksheet) -> dict[str, tuple[object, ...]]:
    """Section 1 of the summary: unit code -> its row; `*` for the department's total."""
    rows = sheet_rows(ws)
    start = next(i for i, r in enumerate(rows) if r[:3] == ("Mã", "Đơn vị", "Giao"))
    table: dict[str, tuple[object, ...]] = {}
    for row in rows[start + 1 :]:
        if row[1] == "Toàn Sở":
            table["*"] = row
            break
        table[str(row[0])] = row
    return table


def test_report_in_chat_is_a_workbook_with_the_rules_figures(year: Year) -> None:
    app = year.app
    say(app, "tccb", "/inspect TS 15/06/2023 Đợt 1")
    say(app, "tccb", "/score 2 6,5 Đủ văn bản")
    replies = say(app, "tccb", "/report 2023")
    assert len(replies) == 1
    assert replies[0].text == "📎 Báo cáo CCHC năm 2023 (CCHC-2023),\nsố liệu đến ngày 20/10/2023."
    (doc,) = replies[0].attachments
    assert doc.kind == "document" and doc.filename == "bao-cao-cchc-2023.xlsx"
    wb = load_workbook(io.BytesIO(doc.content))
    assert wb.sheetnames == ["Tổng hợp", "Nhiệm vụ", "Lịch sử tiến độ", "Kiểm tra"]

    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CCHC – NĂM 2023"
    table = unit_table(summary)
    assert list(table)[:-1] == sorted(ALL_UNITS, key=lambda u: year.rank(u, ON))
    for unit in ALL_UNITS:
        c = year.expected(unit, ON)
        row = table[unit]
        assert row[2:7] == (c["assigned"], c["on_time"], c["late"], c["overdue"], c["open"])
        failed, settled = c["late"] + c["overdue"], c["on_time"] + c["late"] + c["overdue"]
        # The rounded rate itself, shown with one decimal: the digit chat shows.
        assert f"{row[7] * 100:.1f}%".replace(".", ",").replace(",0%", "%") == tenths(
            failed, c["assigned"]
        )
        assert row[8] == settled
        assert f"{row[9] * 100:.1f}%".replace(".", ",").replace(",0%", "%") == tenths(
            failed, settled
        )
        assert row[11] == year.flag(unit, ON)[1]
    total = table["*"]
    assert total[2] == 188
    assert total[2:7] == tuple(sum(table[u][i] for u in ALL_UNITS) for i in range(2, 7))  # type: ignore[misc]
    values = [v for r in sheet_rows(summary) for v in r if v is not None]
    assert "Kiểm tra công tác CCHC các đơn vị (xem trang Kiểm tra)" in values
    assert "Chưa đạt, còn 4 đơn vị" in values
    assert "Đủ văn bản" in values and 6.5 in values
    assert summary.freeze_panes == "A5"

    tasks = wb["Nhiệm vụ"]
    header = sheet_rows(tasks)[0]
    assert header[:4] == ("ID", "Mã", "Nhiệm vụ", "Lĩnh vực")
    assert "Kết quả" in header and "Ghi chú cuối" in header
    body = sheet_rows(tasks)[1:]
    assert len(body) == 188
    unit_col, outcome_col = header.index("Đơn vị chủ trì"), header.index("Kết quả")
    names = {"on_time": "xong đúng hạn", "late": "xong trễ", "overdue": "quá hạn"}
    for unit in ALL_UNITS:
        outcomes = Counter(r[outcome_col] for r in body if r[unit_col] == unit)
        c = year.expected(unit, ON)
        for key, name in names.items():
            assert outcomes[name] == c[key], (unit, key)
        assert outcomes["đang làm"] + outcomes["sắp đến hạn"] == c["open"]
    # dates are real dates shown dd/mm/yyyy; the header row stays in view; ready to print
    deadline_col = header.index("Hạn") + 1
    cell = tasks.cell(2, deadline_col)
    assert cell.number_format == "dd/mm/yyyy" and cell.is_date
    assert tasks.freeze_panes == "A2"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert max(d.width for d in ws.column_dimensions.values()) >= 40  # names readable

    history = wb["Lịch sử tiến độ"]
    rows = sheet_rows(history)
    assert rows[0] == (
        "Thời điểm",
        "ID",
        "Mã nhiệm vụ",
        "Nhiệm vụ",
        "Đơn vị",
        "Cán bộ",
        "Mã cán bộ",
        "Loại",
        "Tiến độ",
        "Ghi chú",
        "Kênh",
    )
    assert len(rows) - 1 == len([e for e in year.events if e[0] <= ON])
    first = rows[1]
    when = first[0]
    assert isinstance(when, datetime)
    assert when.hour == 9 and when.minute == 0  # local time
    assert first[10] == "Console"
    assert history.cell(2, 1).number_format == "dd/mm/yyyy hh:mm"

    inspections = sheet_rows(wb["Kiểm tra"])
    assert inspections[1][1:4] == ("TS", "Chi cục Thủy sản", "Đợt 1")


def test_quarter_report_takes_the_tasks_as_they_stood_at_quarter_end(year: Year) -> None:
    app = year.app
    clock = app.clock
    assert isinstance(clock, FixedClock)
    q1_end = date(2023, 3, 31)
    # A task the script leaves undone: 40% in March, 80% in April.
    undone = next(
        f for f in year.fates.values() if f.done_on is None and f.deadline > date(2023, 4, 10)
    )
    clock.set(FixedClock.on(date(2023, 3, 20)).now())
    say(app, REPORTERS[undone.unit], f"/progress {undone.task_id} 40 Đang soạn")
    clock.set(FixedClock.on(date(2023, 4, 10)).now())
    say(app, REPORTERS[undone.unit], f"/progress {undone.task_id} 80 Chờ ký")
    clock.set(FixedClock.on(ON).now())

    replies = say(app, "tccb", "/report 2023-Q1")
    assert "số liệu đến ngày 31/03/2023" in replies[0].text
    assert replies[0].attachments[0].filename == "bao-cao-cchc-2023-q1.xlsx"
    wb = load_workbook(io.BytesIO(replies[0].attachments[0].content))
    table = unit_table(wb["Tổng hợp"])
    for unit in ALL_UNITS:
        c = year.expected(unit, q1_end)
        assert table[unit][2:7] == (
            c["assigned"],
            c["on_time"],
            c["late"],
            c["overdue"],
            c["open"],
        )
    tasks = sheet_rows(wb["Nhiệm vụ"])
    header = tasks[0]
    by_id = {r[0]: r for r in tasks[1:]}
    row = by_id[undone.task_id]
    assert row[header.index("Tiến độ")] == 0.4
    assert row[header.index("Ghi chú cuối")] == "Đang soạn"
    # A task done after the quarter is not done in the quarter's report.
    later = next(f for f in year.fates.values() if f.done_on and f.done_on > q1_end)
    row = by_id[later.task_id]
    assert row[header.index("Hoàn thành")] is None
    assert row[header.index("Kết quả")] in ("đang làm", "sắp đến hạn", "quá hạn")
    # the history sheet holds Q1's reports only, at local time
    history = sheet_rows(wb["Lịch sử tiến độ"])[1:]
    assert len(history) == len([e for e in year.events if e[0] <= q1_end]) + 1
    assert all(isinstance(r[0], datetime) and r[0].date() <= q1_end for r in history)
    assert (undone.task_id, "Đang soạn") in [(r[1], r[9]) for r in history]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/report", texts.REPORT_USAGE),
        ("/report 2023-Q5", "Kỳ báo cáo “2023-Q5” không hợp lệ."),
        ("/report quý1", "Kỳ báo cáo “quý1” không hợp lệ."),
        ("/report 2023-Q4", "Kỳ quý IV/2023 chưa bắt đầu (từ 01/10/2023), chưa có số liệu."),
        ("/report 2022", "Chưa có kế hoạch năm 2022, không lập được báo cáo."),
    ],
)
def test_bad_report_periods_are_explained(example_app: App, command: str, answer: str) -> None:
    link_chat(example_app, "CB001", "console", "tccb")  # 03/04/2023
    (reply,) = say(example_app, "tccb", command)
    assert reply.text.startswith(answer) and not reply.attachments


def test_help_lists_the_follow_up_commands_to_tccb_only(year: Year) -> None:
    tccb = joined(say(year.app, "tccb", "/help"))
    for command in ("/status [ĐƠN_VỊ] [TRANG]", "/areas", "/score", "/inspect", "/report"):
        assert command in tccb
    head = joined(say(year.app, "head-khtc", "/help"))
    assert "/status [TRANG]" in head and "/score" not in head and "/report" not in head


@pytest.mark.parametrize("role", ["director", "followup"])
def test_help_lists_what_the_director_and_follow_up_officer_may_read(
    example_app: App, role: str
) -> None:
    """The director and the follow-up officer read every unit's figures, the areas and the
    report (rules.access), so /help names those commands, and not the ones that record."""
    with session_scope(example_app.engine) as session:
        officer = repo.officer_by_code(session, "CB002")
        assert officer is not None
        officer.role = role
    link_chat(example_app, "CB002", "console", "reader")
    text = joined(say(example_app, "reader", "/help"))
    for command in ("/status [ĐƠN_VỊ] [TRANG]", "/areas", "/report KỲ"):
        assert command in text
    assert "/score" not in text and "/inspect" not in text
    for command in ("/areas", "/report 2023-Q1"):
        (first, *_) = say(example_app, "reader", command)
        assert "TCCB" not in first.text.split("\n", 1)[0], command
