"""Write the example import files for nhacviec.

`nhacviec/data/ke-hoach-cchc-2023.xlsx` (shipped in the package for the demo) is the 2023
plan of the Department of Agriculture and Rural Development of Quảng Ngãi (Sở Nông nghiệp và
PTNT) to improve its public-administration-reform (CCHC) index, laid out as the department
would keep it (docs/import-format.md): sheets `Kế hoạch`, `Lĩnh vực`, `Đơn vị`, `Cán bộ`,
`Nhiệm vụ`. The tasks follow sections a)–g) of the plan; officers are fictional.
`examples/nhiem-vu-bo-sung.csv` holds three additional tasks, a
second file to try after the workbook.

Deadlines are written as text `dd/mm/yyyy`, as the department types them. The output is
byte-for-byte reproducible: no randomness, fixed document timestamps, fixed zip entry times.
The script reads both files back and checks them before it exits.

Run: python examples/make_example_plan.py
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

EXAMPLES = Path(__file__).resolve().parent
WORKBOOK_PATH = EXAMPLES.parent / "nhacviec" / "data" / "ke-hoach-cchc-2023.xlsx"
CSV_PATH = EXAMPLES / "nhiem-vu-bo-sung.csv"

# A fixed instant for the document properties and the zip entries (the plan's date).
FIXED_TIME = datetime(2023, 2, 20, 8, 0, 0)
PLAN_YEAR = 2023

# Authorities that assign tasks.
GD = "Giám đốc Sở"
UBND = "UBND tỉnh"
HDND = "HĐND tỉnh"
TU = "Tỉnh ủy"

# Recurrences, as typed in the "Lặp lại" column.
MONTHLY = "hàng tháng"
QUARTERLY = "hàng quý"
HALF_YEARLY = "6 tháng"
RECURRENCES = {"", MONTHLY, QUARTERLY, HALF_YEARLY, "hàng năm"}

# Roles, as typed in the "Vai trò" column.
OFFICER = "công chức"
HEAD = "trưởng đơn vị"
TCCB_ROLE = "tccb"
ADMIN = "quản trị"

MAX_TITLE = 110

# Headers exactly as in docs/import-format.md.
PLAN_HEADERS = ["Mã", "Tên kế hoạch", "Năm", "Số hiệu", "Cơ quan"]
AREA_HEADERS = ["Mã", "Tên", "Thuộc", "Điểm tối đa", "Điểm mục tiêu", "Điểm năm trước"]
UNIT_HEADERS = ["Mã", "Tên đơn vị", "Trưởng đơn vị"]
OFFICER_HEADERS = ["Mã", "Họ và tên", "Đơn vị", "Vai trò"]
TASK_HEADERS = [
    "Mã",
    "Nhiệm vụ",
    "Lĩnh vực",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Cơ quan giao",
    "Hạn",
    "Lặp lại",
    "Ghi chú",
]


class Area(NamedTuple):
    code: str
    name: str
    parent: str = ""
    max_score: float | None = None
    target_score: float | None = None
    last_year_score: float | None = None


class Unit(NamedTuple):
    code: str
    name: str


class Officer(NamedTuple):
    code: str
    name: str
    unit: str
    role: str


class Task(NamedTuple):
    title: str
    area: str
    lead: str
    co_units: tuple[str, ...] = ()
    authority: str = GD
    deadline: str = ""
    recurrence: str = ""
    note: str = ""


PLAN = {
    "Mã": "CCHC-2023",
    "Tên kế hoạch": (
        "Kế hoạch thực hiện nhiệm vụ, giải pháp trọng tâm nhằm cải thiện và nâng cao Chỉ số "
        "cải cách hành chính năm 2023 của Sở Nông nghiệp và Phát triển nông thôn"
    ),
    "Năm": PLAN_YEAR,
    "Số hiệu": "45/KH-SNNPTNT",
    "Cơ quan": "Sở Nông nghiệp và Phát triển nông thôn tỉnh Quảng Ngãi",
}

# The seven areas of the CCHC index (scores from the plan) and a few sub-criteria. Sub-criteria
# carry no scores: the plan does not give them.
AREAS = [
    Area("1", "Công tác chỉ đạo, điều hành CCHC", "", 10.5, 10.5, 9.5),
    Area("1.1", "Kế hoạch cải cách hành chính", "1"),
    Area("1.6", "Thực hiện các nhiệm vụ được Tỉnh ủy, HĐND, UBND tỉnh giao", "1"),
    Area("2", "Xây dựng và tổ chức thực hiện văn bản QPPL", "", 6.5, 6.5, 6.4),
    Area("3", "Cải cách thủ tục hành chính", "", 12.5, 12.5, 12.49),
    Area("3.4", "Kết quả giải quyết hồ sơ thủ tục hành chính", "3"),
    Area("4", "Cải cách tổ chức bộ máy", "", 8.0, 8.0, 7.2),
    Area(
        "5",
        "Xây dựng và nâng cao chất lượng đội ngũ công chức, viên chức",
        "",
        10.0,
        10.0,
        9.5,
    ),
    Area("6", "Cải cách tài chính công", "", 8.0, 8.0, 7.0),
    Area("6.3", "Giải ngân kế hoạch vốn đầu tư công", "6"),
    # 2022 result for area 7 was a rank (1st of 20), not a score.
    Area("7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "", 11.5, 11.5),
]

UNITS = [
    Unit("TCCB", "Phòng Tổ chức cán bộ"),
    Unit("VP", "Văn phòng Sở"),
    Unit("KHTC", "Phòng Kế hoạch - Tài chính"),
    Unit("TTRA", "Thanh tra Sở"),
    Unit("TTBVTV", "Chi cục Trồng trọt và Bảo vệ thực vật"),
    Unit("CNTY", "Chi cục Chăn nuôi và Thú y"),
    Unit("KL", "Chi cục Kiểm lâm"),
    Unit("TS", "Chi cục Thủy sản"),
    Unit("TL", "Chi cục Thủy lợi"),
    Unit("PTNT", "Chi cục Phát triển nông thôn"),
    Unit("QLCL", "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản"),
    Unit("TTKN", "Trung tâm Khuyến nông"),
    Unit("NSVSMT", "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn"),
    Unit("BQLRPH", "Ban Quản lý rừng phòng hộ tỉnh Quảng Ngãi"),
]

# Fictional officers. Every unit has exactly one head; the plan is drafted by ".nttbình" of TCCB.
OFFICERS = [
    Officer("CB001", "Nguyễn Thị Thu Bình", "TCCB", TCCB_ROLE),
    Officer("CB002", "Trần Văn Hùng", "TCCB", HEAD),
    Officer("CB003", "Lê Thị Mỹ Duyên", "TCCB", OFFICER),
    Officer("CB004", "Phạm Minh Tuấn", "VP", HEAD),
    Officer("CB005", "Đỗ Quang Huy", "VP", ADMIN),
    Officer("CB006", "Võ Thị Kim Oanh", "VP", OFFICER),
    Officer("CB007", "Huỳnh Ngọc Sơn", "VP", OFFICER),
    Officer("CB008", "Bùi Đức Thắng", "KHTC", HEAD),
    Officer("CB009", "Nguyễn Thị Hồng Nhung", "KHTC", OFFICER),
    Officer("CB010", "Đặng Văn Lợi", "KHTC", OFFICER),
    Officer("CB011", "Trương Công Minh", "TTRA", HEAD),
    Officer("CB012", "Phan Thị Lan Anh", "TTRA", OFFICER),
    Officer("CB013", "Lương Văn Phúc", "TTBVTV", HEAD),
    Officer("CB014", "Ngô Thị Thanh Hà", "TTBVTV", OFFICER),
    Officer("CB015", "Trần Quốc Việt", "TTBVTV", OFFICER),
    Officer("CB016", "Nguyễn Văn Tâm", "CNTY", HEAD),
    Officer("CB017", "Đinh Thị Ngọc Ánh", "CNTY", OFFICER),
    Officer("CB018", "Hồ Văn Thành", "KL", HEAD),
    Officer("CB019", "Lê Minh Khoa", "KL", OFFICER),
    Officer("CB020", "Phạm Thị Diệu Linh", "KL", OFFICER),
    Officer("CB021", "Võ Văn Nam", "TS", HEAD),
    Officer("CB022", "Trần Thị Bích Ngọc", "TS", OFFICER),
    Officer("CB023", "Nguyễn Hữu Phước", "TS", OFFICER),
    Officer("CB024", "Đoàn Văn Quang", "TL", HEAD),
    Officer("CB025", "Lê Thị Thanh Thủy", "TL", OFFICER),
    Officer("CB026", "Huỳnh Tấn Lộc", "PTNT", HEAD),
    Officer("CB027", "Nguyễn Thị Xuân Mai", "PTNT", OFFICER),
    Officer("CB028", "Trịnh Văn Đạt", "QLCL", HEAD),
    Officer("CB029", "Phan Thị Mỹ Hạnh", "QLCL", OFFICER),
    Officer("CB030", "Nguyễn Ngọc Dũng", "TTKN", HEAD),
    Officer("CB031", "Lê Thị Hoài Thương", "TTKN", OFFICER),
    Officer("CB032", "Võ Minh Trí", "TTKN", OFFICER),
    Officer("CB033", "Trần Đình Khánh", "NSVSMT", HEAD),
    Officer("CB034", "Nguyễn Thị Kiều Trang", "NSVSMT", OFFICER),
    Officer("CB035", "Phạm Văn Hiếu", "BQLRPH", HEAD),
    Officer("CB036", "Đỗ Thị Thu Hiền", "BQLRPH", OFFICER),
]

CHI_CUC = ("TTBVTV", "CNTY", "KL", "TS", "TL", "PTNT", "QLCL")
PUBLIC_SERVICE_UNITS = ("TTKN", "NSVSMT", "BQLRPH")
CAPITAL_HOLDERS = ("TL", "KL", "NSVSMT", "BQLRPH")
TTHC_UNITS = ("TTBVTV", "CNTY", "KL", "TS", "TL", "QLCL")

NOTE_832 = "Căn cứ QĐ 832/QĐ-SNNPTNT ngày 23/12/2022 và Kế hoạch này"
NOTE_DISBURSE = (
    "Gửi phòng KHTC; so sánh với kế hoạch tiến độ đã xây dựng, nêu khó khăn, vướng mắc "
    "và đề xuất tháo gỡ (nếu có)"
)
NOTE_AUTONOMY = (
    "Trình cấp có thẩm quyền phê duyệt theo NĐ 60/2021/NĐ-CP; đẩy mạnh xã hội hóa, "
    "giảm chi từ ngân sách"
)
NOTE_SELF_SCORE = "Gửi phòng TCCB; là tiêu chí đánh giá, xếp loại người đứng đầu năm 2023"
NOTE_SELF_SCORE_TCCB = "Tổng hợp cùng kết quả tự chấm điểm của các đơn vị thuộc Sở"

TASKS: list[Task] = [
    # a) Công tác chỉ đạo, điều hành CCHC — Phòng Tổ chức cán bộ.
    Task(
        "Triển khai Kế hoạch CCHC năm 2023 của Sở (QĐ 832/QĐ-SNNPTNT) đến các đơn vị",
        "1.1",
        "TCCB",
        ("VP",),
        deadline="28/02/2023",
        note="Kế hoạch ban hành ngày 23/12/2022; phân công cụ thể cho từng đơn vị",
    ),
    Task(
        "Ban hành Kế hoạch kiểm tra công tác CCHC năm 2023 (tối thiểu 30% đơn vị thuộc Sở)",
        "1",
        "TCCB",
        deadline="15/03/2023",
    ),
    Task(
        "Kiểm tra công tác CCHC đợt 1 tại các đơn vị thuộc Sở",
        "1",
        "TCCB",
        ("TTRA",),
        deadline="30/06/2023",
        note="Đợt 1: Chi cục Thủy sản, Chi cục Kiểm lâm, Trung tâm Khuyến nông",
    ),
    Task(
        "Kiểm tra công tác CCHC đợt 2; báo cáo kết quả, kiến nghị xử lý tồn tại",
        "1",
        "TCCB",
        ("TTRA",),
        deadline="31/10/2023",
        note=(
            "Đợt 2: Chi cục Chăn nuôi và Thú y, Chi cục Thủy lợi, Trung tâm Nước sạch và "
            "VSMT nông thôn (cả năm 6/14 đơn vị, 43%)"
        ),
    ),
    Task(
        "Kiện toàn Tổ kiểm tra việc chấp hành kỷ luật, kỷ cương hành chính của Sở",
        "1",
        "TCCB",
        deadline="15/03/2023",
    ),
    Task(
        "Kiểm tra định kỳ, đột xuất việc chấp hành kỷ luật, kỷ cương hành chính",
        "1",
        "TCCB",
        ("TTRA", "VP"),
        deadline="30/06/2023",
        recurrence=HALF_YEARLY,
        note="Xử lý nghiêm công chức, viên chức vi phạm theo quy định",
    ),
    Task(
        "Báo cáo công tác CCHC quý gửi Sở Nội vụ",
        "1",
        "TCCB",
        deadline="15/03/2023",
        recurrence=QUARTERLY,
        note=(
            "Các đơn vị gửi báo cáo (lồng ghép kết quả Kế hoạch này) về phòng TCCB trước "
            "ngày 10 tháng cuối quý"
        ),
    ),
    Task(
        "Báo cáo công tác CCHC 6 tháng gửi Sở Nội vụ",
        "1",
        "TCCB",
        deadline="15/06/2023",
        recurrence=HALF_YEARLY,
    ),
    Task(
        "Báo cáo kết quả công tác CCHC năm 2023 của Sở",
        "1",
        "TCCB",
        ("VP", "KHTC"),
        deadline="15/12/2023",
    ),
    Task(
        "Chấm điểm, xếp hạng Chỉ số CCHC năm 2023 của các đơn vị thuộc Sở",
        "1",
        "TCCB",
        ("VP", "KHTC", "TTRA"),
        deadline="29/12/2023",
        note="Cơ sở đánh giá, xếp loại và xét thi đua, khen thưởng tập thể, người đứng đầu",
    ),
    # a) Tiêu chí 1.6 — Văn phòng Sở.
    Task(
        "Phân công công chức chuyên trách theo dõi nhiệm vụ Tỉnh ủy, HĐND, UBND tỉnh giao",
        "1.6",
        "VP",
        deadline="28/02/2023",
        note="Khắc phục tiêu chí thành phần 1.6 bị trừ điểm năm 2022",
    ),
    Task(
        "Theo dõi, đôn đốc, báo cáo tiến độ thực hiện nhiệm vụ UBND tỉnh giao",
        "1.6",
        "VP",
        authority=UBND,
        deadline="28/02/2023",
        recurrence=MONTHLY,
        note="Nhắc các đơn vị trước hạn; báo cáo Giám đốc Sở nhiệm vụ chậm, quá hạn",
    ),
    # a) Nhiệm vụ UBND tỉnh, HĐND tỉnh giao theo lĩnh vực của từng đơn vị (tiêu chí 1.6).
    Task(
        "Tham mưu UBND tỉnh Phương án phòng cháy, chữa cháy rừng mùa khô năm 2023",
        "1.6",
        "KL",
        ("BQLRPH",),
        authority=UBND,
        deadline="15/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch phòng, chống dịch bệnh động vật trên cạn năm 2023 của tỉnh",
        "1.6",
        "CNTY",
        authority=UBND,
        deadline="15/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2023",
        "1.6",
        "TL",
        authority=UBND,
        deadline="31/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2023",
        "1.6",
        "PTNT",
        ("KHTC",),
        authority=UBND,
        deadline="31/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch chuyển đổi cơ cấu cây trồng trên đất trồng lúa năm 2023",
        "1.6",
        "TTBVTV",
        ("TTKN",),
        authority=UBND,
        deadline="31/03/2023",
    ),
    Task(
        "Báo cáo kết quả chống khai thác hải sản bất hợp pháp, không báo cáo (IUU)",
        "1.6",
        "TS",
        authority=UBND,
        deadline="20/02/2023",
        recurrence=MONTHLY,
    ),
    Task(
        "Trả lời kiến nghị cử tri về công trình thủy lợi, kè chống sạt lở",
        "1.6",
        "TL",
        ("KHTC",),
        authority=HDND,
        deadline="30/06/2023",
        note="Trước kỳ họp thường lệ giữa năm 2023 của HĐND tỉnh",
    ),
    Task(
        "Báo cáo phục vụ giám sát chuyên đề của HĐND tỉnh về xây dựng nông thôn mới",
        "1.6",
        "PTNT",
        ("KHTC",),
        authority=HDND,
        deadline="31/08/2023",
    ),
    # a) Kế hoạch CCHC của các đơn vị.
    Task(
        "Xây dựng Kế hoạch CCHC năm 2023 của đơn vị",
        "1.1",
        "TTKN",
        deadline="15/03/2023",
        note=NOTE_832,
    ),
    Task(
        "Xây dựng Kế hoạch CCHC năm 2023 của đơn vị",
        "1.1",
        "NSVSMT",
        deadline="15/03/2023",
        note=NOTE_832,
    ),
    Task(
        "Xây dựng Kế hoạch CCHC năm 2023 của đơn vị",
        "1.1",
        "BQLRPH",
        deadline="15/03/2023",
        note=NOTE_832,
    ),
    # b) Văn bản quy phạm pháp luật — Văn phòng Sở.
    Task(
        "Hướng dẫn các đơn vị trình tự, thủ tục soạn thảo văn bản QPPL",
        "2",
        "VP",
        deadline="31/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch rà soát, hệ thống hóa VB QPPL và theo dõi thi hành pháp luật 2023",
        "2",
        "VP",
        deadline="15/03/2023",
    ),
    Task(
        "Xây dựng kế hoạch kiểm tra việc thực hiện chính sách, pháp luật thuộc phạm vi của Sở",
        "2",
        "VP",
        ("TCCB", "TTRA"),
        deadline="31/03/2023",
        note="Tổng hợp kết quả kiểm tra, kiến nghị xử lý trước 30/11/2023",
    ),
    # b) Các đơn vị thuộc Sở.
    Task(
        "Theo dõi thi hành pháp luật về phân bón, thuốc bảo vệ thực vật; báo cáo kết quả",
        "2",
        "TTBVTV",
        deadline="30/11/2023",
    ),
    Task(
        "Theo dõi thi hành pháp luật về an toàn thực phẩm nông lâm thủy sản; báo cáo kết quả",
        "2",
        "QLCL",
        deadline="30/11/2023",
    ),
    Task(
        "Thanh tra chuyên ngành việc chấp hành pháp luật về giống, phân bón, thuốc thú y",
        "2",
        "TTRA",
        ("TTBVTV", "CNTY"),
        deadline="15/09/2023",
    ),
    Task(
        "Đề xuất xây dựng VB QPPL về chính sách hỗ trợ liên kết sản xuất, tiêu thụ nông sản",
        "2",
        "PTNT",
        ("KHTC", "VP"),
        deadline="30/06/2023",
    ),
    Task(
        "Rà soát VB QPPL lĩnh vực thủy lợi, phòng chống thiên tai (hệ thống hóa kỳ 2019-2023)",
        "2",
        "TL",
        ("VP",),
        deadline="15/11/2023",
        note="Kiến nghị xử lý văn bản không còn phù hợp",
    ),
    Task(
        "Rà soát VB QPPL lĩnh vực lâm nghiệp (hệ thống hóa kỳ 2019-2023)",
        "2",
        "KL",
        ("VP",),
        deadline="15/11/2023",
        note="Kiến nghị xử lý văn bản không còn phù hợp",
    ),
    Task(
        "Rà soát VB QPPL lĩnh vực thủy sản (hệ thống hóa kỳ 2019-2023)",
        "2",
        "TS",
        ("VP",),
        deadline="15/11/2023",
        note="Kiến nghị xử lý văn bản không còn phù hợp",
    ),
    Task(
        "Phổ biến Luật Chăn nuôi, Luật Thú y đến cơ sở; báo cáo theo dõi thi hành pháp luật",
        "2",
        "CNTY",
        deadline="15/09/2023",
    ),
    # c) Cải cách thủ tục hành chính — Văn phòng Sở.
    Task(
        "Báo cáo tình hình, kết quả kiểm soát TTHC gửi UBND tỉnh",
        "3",
        "VP",
        authority=UBND,
        deadline="20/03/2023",
        recurrence=QUARTERLY,
    ),
    Task(
        "Tiếp nhận, chuyển xử lý phản ánh, kiến nghị về TTHC; báo cáo kết quả",
        "3",
        "VP",
        deadline="20/06/2023",
        recurrence=HALF_YEARLY,
    ),
    Task(
        "Công bố, công khai TTHC của Sở tại Trung tâm Phục vụ - Kiểm soát TTHC tỉnh, Cổng TTĐT",
        "3",
        "VP",
        TTHC_UNITS,
        deadline="31/03/2023",
    ),
    Task(
        "Đôn đốc giải quyết hồ sơ TTHC đúng hạn, trước hạn; hạn chế hồ sơ trễ hạn",
        "3.4",
        "VP",
        deadline="06/03/2023",
        recurrence=MONTHLY,
    ),
    # c) Các đơn vị thuộc Sở.
    Task(
        "Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC lĩnh vực trồng trọt, BVTV",
        "3",
        "TTBVTV",
        ("VP",),
        deadline="30/06/2023",
    ),
    Task(
        "Rà soát, đơn giản hóa TTHC cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "3",
        "QLCL",
        ("VP",),
        deadline="30/06/2023",
    ),
    Task(
        "Giải quyết 100% hồ sơ TTHC lĩnh vực thủy sản đúng hạn, trước hạn",
        "3.4",
        "TS",
        deadline="30/06/2023",
        recurrence=HALF_YEARLY,
    ),
    Task(
        "Công khai kết quả đánh giá chất lượng giải quyết TTHC theo QĐ 766/QĐ-TTg",
        "3",
        "CNTY",
        ("VP",),
        deadline="30/06/2023",
        note="Theo thời gian thực trên Hệ thống thông tin giải quyết TTHC tỉnh",
    ),
    Task(
        "Cập nhật, trình công bố TTHC sửa đổi, bổ sung, bãi bỏ lĩnh vực trồng trọt, BVTV",
        "3",
        "TTBVTV",
        ("VP",),
        deadline="29/09/2023",
    ),
    Task(
        "Niêm yết hướng dẫn phản ánh, kiến nghị về quy định hành chính tại trụ sở, trang TTĐT",
        "3",
        "KL",
        deadline="31/03/2023",
    ),
    Task(
        "Công khai quy trình nội bộ giải quyết TTHC lĩnh vực thủy sản",
        "3",
        "TS",
        deadline="28/04/2023",
    ),
    Task(
        "Phối hợp Sở, ngành giải quyết TTHC liên thông về kiểm dịch động vật",
        "3",
        "CNTY",
        deadline="29/09/2023",
    ),
    # d) Cải cách tổ chức bộ máy.
    Task(
        "Tham mưu ban hành lại quy định chức năng, nhiệm vụ, cơ cấu tổ chức của Sở, các Chi cục",
        "4",
        "TCCB",
        ("VP", *CHI_CUC),
        deadline="29/09/2023",
        note="Các Chi cục phối hợp xây dựng dự thảo",
    ),
    Task(
        "Rà soát, sắp xếp đơn vị sự nghiệp công lập theo Nghị định 120/2020/NĐ-CP",
        "4",
        "TCCB",
        ("KHTC", *PUBLIC_SERVICE_UNITS),
        authority=TU,
        deadline="30/06/2023",
        note="Theo Kế hoạch của Tỉnh ủy, UBND tỉnh",
    ),
    Task(
        "Rà soát, đề xuất sửa đổi quy định phân cấp quản lý thuộc phạm vi của Sở",
        "4",
        "TCCB",
        ("VP",),
        deadline="31/10/2023",
    ),
    Task(
        "Báo cáo tình hình sử dụng biên chế, hợp đồng lao động được giao năm 2023",
        "4",
        "KL",
        ("TCCB",),
        deadline="30/06/2023",
    ),
    # đ) Đội ngũ công chức, viên chức — Phòng Tổ chức cán bộ.
    Task(
        "Trình phê duyệt Kế hoạch đào tạo, bồi dưỡng công chức, viên chức năm 2023",
        "5",
        "TCCB",
        deadline="15/03/2023",
        note="Đồng thời theo dõi quy hoạch, bổ nhiệm, nâng ngạch, thăng hạng theo quy định",
    ),
    Task(
        "Xây dựng Kế hoạch chuyển đổi vị trí công tác năm 2023",
        "5",
        "TCCB",
        deadline="31/03/2023",
    ),
    Task(
        "Đăng ký chỉ tiêu tuyển dụng công chức, viên chức theo vị trí việc làm năm 2023",
        "5",
        "TCCB",
        deadline="28/04/2023",
        note="Kèm danh sách cử dự bồi dưỡng, thi thăng hạng chức danh nghề nghiệp",
    ),
    # đ) Các đơn vị thuộc Sở.
    Task(
        "Đăng ký nhu cầu đào tạo, bồi dưỡng chuyên sâu năm 2023",
        "5",
        "TTKN",
        ("TCCB",),
        deadline="28/02/2023",
    ),
    Task(
        "Đăng ký viên chức dự bồi dưỡng, thi thăng hạng chức danh nghề nghiệp năm 2023",
        "5",
        "NSVSMT",
        ("TCCB",),
        deadline="14/04/2023",
    ),
    Task(
        "Đánh giá, xếp loại công chức năm 2023 của Chi cục",
        "5",
        "TTBVTV",
        deadline="20/12/2023",
    ),
    Task(
        "Kiểm tra thực hiện QĐ 48/2021/QĐ-UBND về chấn chỉnh kỷ luật, kỷ cương hành chính",
        "5",
        "TTRA",
        ("TCCB",),
        authority=UBND,
        deadline="15/09/2023",
    ),
    Task(
        "Quán triệt Chỉ thị 31-CT/TU về không dùng bia, rượu buổi trưa ngày làm việc",
        "5",
        "BQLRPH",
        authority=TU,
        deadline="31/03/2023",
    ),
    # e) Cải cách tài chính công — Phòng Kế hoạch - Tài chính.
    Task(
        "Hướng dẫn đơn vị sự nghiệp xây dựng phương án tự chủ tài chính (NĐ 60/2021/NĐ-CP)",
        "6",
        "KHTC",
        PUBLIC_SERVICE_UNITS,
        deadline="31/03/2023",
    ),
    Task(
        "Báo cáo kết quả thực hiện cải cách tài chính công",
        "6",
        "KHTC",
        deadline="15/06/2023",
        recurrence=HALF_YEARLY,
    ),
    Task(
        "Đề xuất UBND tỉnh giao vốn chuẩn bị đầu tư dự án ngay từ đầu năm",
        "6.3",
        "KHTC",
        deadline="15/03/2023",
        note="Khắc phục nội dung giải ngân vốn bị trừ điểm năm 2022",
    ),
    Task(
        "Yêu cầu đơn vị được giao vốn lập kế hoạch tiến độ thực hiện, giải ngân năm 2023",
        "6.3",
        "KHTC",
        CAPITAL_HOLDERS,
        deadline="15/03/2023",
        note="Theo Chỉ thị 02/CT-UBND ngày 18/01/2023 của Chủ tịch UBND tỉnh",
    ),
    Task(
        "Tổng hợp báo cáo tiến độ giải ngân vốn đầu tư công gửi UBND tỉnh",
        "6.3",
        "KHTC",
        authority=UBND,
        deadline="25/01/2023",
        recurrence=MONTHLY,
        note="Theo Chỉ thị 02/CT-UBND ngày 18/01/2023 của Chủ tịch UBND tỉnh",
    ),
    # e) Đơn vị được giao vốn: báo cáo tháng gửi KHTC trước ngày 20.
    *(
        Task(
            "Báo cáo tiến độ thực hiện, giải ngân dự án được giao vốn",
            "6.3",
            unit,
            deadline="20/02/2023",
            recurrence=MONTHLY,
            note=NOTE_DISBURSE,
        )
        for unit in CAPITAL_HOLDERS
    ),
    # e) Các đơn vị thuộc Sở.
    Task(
        "Xây dựng Quy chế chi tiêu nội bộ; tự chủ về biên chế, kinh phí quản lý hành chính",
        "6",
        "QLCL",
        deadline="31/03/2023",
    ),
    *(
        Task(
            "Xây dựng phương án tự chủ tài chính giai đoạn 2023-2025",
            "6",
            unit,
            ("KHTC",),
            deadline="30/06/2023",
            note=NOTE_AUTONOMY,
        )
        for unit in PUBLIC_SERVICE_UNITS
    ),
    # g) Chính quyền điện tử, chính quyền số — Văn phòng Sở.
    Task(
        "Rà soát, ban hành quy chế bảo đảm an toàn, an ninh thông tin của Sở",
        "7",
        "VP",
        deadline="28/04/2023",
    ),
    Task(
        "Phối hợp Sở TT&TT, Công an tỉnh phòng ngừa, xử lý sự cố an toàn thông tin mạng",
        "7",
        "VP",
        deadline="29/09/2023",
    ),
    Task(
        "Hướng dẫn đơn vị tiếp nhận, trả kết quả qua DVC trực tuyến, thanh toán trực tuyến",
        "7",
        "VP",
        deadline="31/03/2023",
    ),
    Task(
        "Tham mưu Kế hoạch triển khai Bộ chỉ số đánh giá chuyển đổi số (DTI) tại Sở",
        "7",
        "VP",
        ("KHTC", "TCCB"),
        deadline="31/03/2023",
    ),
    # g) Phòng Kế hoạch - Tài chính.
    Task(
        "Tham mưu Kế hoạch chuyển đổi số năm 2023 của Sở",
        "7",
        "KHTC",
        ("VP",),
        deadline="15/03/2023",
    ),
    Task(
        "Tham mưu nội dung ngành vào Kế hoạch phát triển hạ tầng số tỉnh đến 2025, tầm nhìn 2030",
        "7",
        "KHTC",
        ("VP",),
        authority=UBND,
        deadline="30/06/2023",
    ),
    Task(
        "Tham mưu Kế hoạch chuyển đổi số ngành NN&PTNT giai đoạn 2023-2025, định hướng 2030",
        "7",
        "KHTC",
        ("VP", "TTKN"),
        authority=UBND,
        deadline="30/06/2023",
    ),
    # g) Các đơn vị thuộc Sở.
    Task(
        "Số hóa hồ sơ, kết quả giải quyết TTHC lĩnh vực chăn nuôi, thú y",
        "7",
        "CNTY",
        ("VP",),
        deadline="29/09/2023",
    ),
    Task(
        "Nâng tỷ lệ hồ sơ TTHC nộp, thanh toán trực tuyến lĩnh vực trồng trọt, BVTV",
        "7",
        "TTBVTV",
        deadline="29/09/2023",
    ),
    Task(
        "Tiếp nhận hồ sơ cấp giấy phép khai thác thủy sản qua dịch vụ công trực tuyến",
        "7",
        "TS",
        deadline="29/09/2023",
    ),
    Task(
        "Duy trì, cải tiến hệ thống quản lý chất lượng TCVN ISO 9001:2015 tại Chi cục",
        "7",
        "QLCL",
        ("VP",),
        deadline="30/06/2023",
    ),
    Task(
        "Đánh giá nội bộ, cập nhật quy trình ISO 9001:2015 áp dụng tại Chi cục",
        "7",
        "TL",
        deadline="31/10/2023",
    ),
    # 3.1 Cuối năm: mỗi đơn vị tự chấm điểm kết quả CCHC.
    *(
        Task(
            "Tự chấm điểm kết quả CCHC năm 2023 của đơn vị",
            "1",
            unit.code,
            deadline="15/12/2023",
            note=NOTE_SELF_SCORE if unit.code != "TCCB" else NOTE_SELF_SCORE_TCCB,
        )
        for unit in UNITS
    ),
]

# Three tasks added later in the year, for the second import file (co-units split by ";").
EXTRA_TASKS: list[tuple[str, Task]] = [
    (
        "NV-BS-01",
        Task(
            "Tập huấn nghiệp vụ kiểm soát TTHC cho công chức một cửa các Chi cục",
            "3",
            "VP",
            ("TTBVTV", "CNTY", "TS", "QLCL"),
            deadline="31/07/2023",
            note="Bổ sung theo kết luận giao ban quý II",
        ),
    ),
    (
        "NV-BS-02",
        Task(
            "Cập nhật dữ liệu tàu cá trên VNFishbase, báo cáo kết quả",
            "7",
            "TS",
            ("KL",),
            authority=UBND,
            deadline="30/06/2023",
            recurrence=QUARTERLY,
            note="Phục vụ chống khai thác IUU",
        ),
    ),
    (
        "NV-BS-03",
        Task(
            "Kiểm tra thực hiện tự chủ tài chính tại Trung tâm Khuyến nông, Trung tâm Nước sạch",
            "6",
            "KHTC",
            ("TTKN", "NSVSMT"),
            deadline="30/10/2023",
        ),
    ),
]

COLUMN_WIDTHS = {
    "Kế hoạch": [12, 90, 8, 18, 50],
    "Lĩnh vực": [8, 60, 8, 12, 14, 16],
    "Đơn vị": [10, 52, 15],
    "Cán bộ": [9, 28, 10, 15],
    "Nhiệm vụ": [9, 80, 9, 15, 30, 14, 12, 12, 60],
}
TEXT = "@"
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def task_code(number: int) -> str:
    return f"NV-{number:02d}"


def task_row(code: str, task: Task, separator: str) -> list[str]:
    return [
        code,
        task.title,
        task.area,
        task.lead,
        separator.join(task.co_units),
        task.authority,
        task.deadline,
        task.recurrence,
        task.note,
    ]


def heads() -> dict[str, str]:
    return {o.unit: o.code for o in OFFICERS if o.role == HEAD}


def build_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    head_of = heads()
    sheets: dict[str, tuple[list[str], Sequence[Sequence[object]]]] = {
        "Kế hoạch": (PLAN_HEADERS, [[PLAN[h] for h in PLAN_HEADERS]]),
        "Lĩnh vực": (
            AREA_HEADERS,
            [
                [a.code, a.name, a.parent, a.max_score, a.target_score, a.last_year_score]
                for a in AREAS
            ],
        ),
        "Đơn vị": (UNIT_HEADERS, [[u.code, u.name, head_of.get(u.code, "")] for u in UNITS]),
        "Cán bộ": (OFFICER_HEADERS, [[o.code, o.name, o.unit, o.role] for o in OFFICERS]),
        "Nhiệm vụ": (
            TASK_HEADERS,
            [task_row(task_code(i), t, ", ") for i, t in enumerate(TASKS, start=1)],
        ),
    }
    for title, (headers, rows) in sheets.items():
        ws = workbook.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append([None if v in ("", None) else v for v in row])
        for cell in ws[1]:
            cell.font = HEADER_FONT
            cell.alignment = WRAP
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                # Codes, area codes such as "1.6" and dd/mm/yyyy dates stay text in Excel.
                if not isinstance(cell.value, int | float):
                    cell.number_format = TEXT
                long_text = headers[cell.column - 1] in {"Nhiệm vụ", "Ghi chú", "Tên kế hoạch"}
                cell.alignment = WRAP if long_text else TOP
        for index, width in enumerate(COLUMN_WIDTHS[title], start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    props = workbook.properties
    props.creator = "Phòng Tổ chức cán bộ - Sở Nông nghiệp và PTNT Quảng Ngãi"
    props.title = str(PLAN["Tên kế hoạch"])
    props.created = FIXED_TIME
    return workbook


def save_reproducibly(workbook: Workbook, path: Path) -> None:
    """Save with a fixed modification time in docProps/core.xml and fixed zip entry times."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rf"\g<1>{stamp}\g<2>",
                    data.decode("utf-8"),
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TASK_HEADERS)
        for code, task in EXTRA_TASKS:
            writer.writerow(task_row(code, task, ";"))


# --- verification -----------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _check_task(
    where: str,
    record: dict[str, str],
    units: set[str],
    areas: set[str],
    problems: list[str],
) -> None:
    if record["Lĩnh vực"] not in areas:
        problems.append(f"{where}: unknown area {record['Lĩnh vực']}")
    if record["Đơn vị chủ trì"] not in units:
        problems.append(f"{where}: unknown lead unit {record['Đơn vị chủ trì']}")
    co_units = [c.strip() for c in re.split(r"[,;]", record["Đơn vị phối hợp"]) if c.strip()]
    for co in co_units:
        if co not in units or co == record["Đơn vị chủ trì"]:
            problems.append(f"{where}: bad co-unit {co}")
    if len(record["Nhiệm vụ"]) > MAX_TITLE:
        problems.append(f"{where}: title longer than {MAX_TITLE} characters")
    if record["Lặp lại"] not in RECURRENCES:
        problems.append(f"{where}: unknown recurrence {record['Lặp lại']}")
    deadline = record["Hạn"]
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", deadline):
        problems.append(f"{where}: deadline {deadline!r} is not dd/mm/yyyy")
    elif datetime.strptime(deadline, "%d/%m/%Y").date().year != PLAN_YEAR:
        problems.append(f"{where}: deadline {deadline} outside {PLAN_YEAR}")


def verify() -> list[str]:
    """Read both files back; return what is wrong (nothing, when all is well)."""
    problems: list[str] = []
    workbook = load_workbook(WORKBOOK_PATH)
    expected = {
        "Kế hoạch": PLAN_HEADERS,
        "Lĩnh vực": AREA_HEADERS,
        "Đơn vị": UNIT_HEADERS,
        "Cán bộ": OFFICER_HEADERS,
        "Nhiệm vụ": TASK_HEADERS,
    }
    if workbook.sheetnames != list(expected):
        problems.append(f"sheet names {workbook.sheetnames}")
        return problems
    data: dict[str, list[dict[str, str]]] = {}
    for title, headers in expected.items():
        ws = workbook[title]
        header = [_cell_text(c.value) for c in ws[1]]
        if header != headers:
            problems.append(f"{title}: header {header}")
        if ws.freeze_panes != "A2" or not all(c.font.bold for c in ws[1]):
            problems.append(f"{title}: header not bold or not frozen")
        data[title] = [
            {h: _cell_text(v) for h, v in zip(headers, row, strict=True)}
            for row in ws.iter_rows(min_row=2, values_only=True)
        ]
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, datetime | date):
                    problems.append(f"{title}!{cell.coordinate}: a date cell, expected text")
    expected_rows = {
        "Kế hoạch": 1,
        "Lĩnh vực": len(AREAS),
        "Đơn vị": len(UNITS),
        "Cán bộ": len(OFFICERS),
        "Nhiệm vụ": len(TASKS),
    }
    for title, count in expected_rows.items():
        if len(data[title]) != count:
            problems.append(f"{title}: {len(data[title])} rows, expected {count}")

    areas = {r["Mã"] for r in data["Lĩnh vực"]}
    for r in data["Lĩnh vực"]:
        if r["Thuộc"] and r["Thuộc"] not in areas:
            problems.append(f"area {r['Mã']}: unknown parent {r['Thuộc']}")
    if not {"1", "2", "3", "4", "5", "6", "7", "1.6"} <= areas:
        problems.append("areas 1..7 or 1.6 missing")

    units = {r["Mã"] for r in data["Đơn vị"]}
    officers = {r["Mã"]: r for r in data["Cán bộ"]}
    for r in data["Cán bộ"]:
        if r["Đơn vị"] not in units:
            problems.append(f"officer {r['Mã']}: unknown unit {r['Đơn vị']}")
    for r in data["Đơn vị"]:
        head = officers.get(r["Trưởng đơn vị"])
        if head is None or head["Đơn vị"] != r["Mã"] or head["Vai trò"] != HEAD:
            problems.append(f"unit {r['Mã']}: head {r['Trưởng đơn vị']} is not its head")
        members = Counter(o["Vai trò"] for o in data["Cán bộ"] if o["Đơn vị"] == r["Mã"])
        if members[HEAD] != 1 or not 1 <= sum(members.values()) - 1 <= 3:
            problems.append(f"unit {r['Mã']}: staff {dict(members)}")
    if not any(o["Vai trò"] == TCCB_ROLE and o["Đơn vị"] == "TCCB" for o in officers.values()):
        problems.append("no tccb officer in TCCB")
    if not any(o["Vai trò"] == ADMIN for o in officers.values()):
        problems.append("no admin officer")

    codes = [r["Mã"] for r in data["Nhiệm vụ"]]
    if len(set(codes)) != len(codes) or len(codes) < 45:
        problems.append("task codes not unique or fewer than 45 tasks")
    for r in data["Nhiệm vụ"]:
        _check_task(f"task {r['Mã']}", r, units, areas, problems)
    unused = units - {r["Đơn vị chủ trì"] for r in data["Nhiệm vụ"]}
    if unused:
        problems.append(f"units without tasks: {sorted(unused)}")

    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        if next(reader) != TASK_HEADERS:
            problems.append("csv: header")
        extra = [dict(zip(TASK_HEADERS, row, strict=True)) for row in reader]
    if [r["Mã"] for r in extra] != ["NV-BS-01", "NV-BS-02", "NV-BS-03"]:
        problems.append("csv: codes")
    for r in extra:
        _check_task(f"csv {r['Mã']}", r, units, areas, problems)
    return problems


def summary() -> str:
    per_unit = Counter(t.lead for t in TASKS)
    lines = [
        f"{WORKBOOK_PATH.name}: Kế hoạch 1, Lĩnh vực {len(AREAS)}, Đơn vị {len(UNITS)}, "
        f"Cán bộ {len(OFFICERS)}, Nhiệm vụ {len(TASKS)} "
        f"({sum(1 for t in TASKS if t.recurrence)} recurring)",
        "tasks per lead unit: " + ", ".join(f"{u.code} {per_unit[u.code]}" for u in UNITS),
        f"{CSV_PATH.name}: {len(EXTRA_TASKS)} tasks",
    ]
    return "\n".join(lines)


def main() -> int:
    save_reproducibly(build_workbook(), WORKBOOK_PATH)
    write_csv(CSV_PATH)
    problems = verify()
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
