"""The annual return as a workbook in the form's layout (through peixun.lib.xlsx: never a live
formula): the form's heading, one row per school, then the total row. Headers and words are the
form's Chinese; numbers are numbers, unknown figures say 未填报."""

from decimal import Decimal

from django.utils import timezone

from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.returns.rules import figures as rules
from peixun.returns.rules.figures import Figures
from peixun.returns.selectors import ReturnRow

TITLE = "学校教师培训年报"
TRAINING_LABELS = {
    "county": "区县级培训",
    "city": "市级培训",
    "provincial": "省级培训",
    "national": "国家级培训",
    "overseas": "出国（境）培训",
}
PRIZE_LABELS = {"national": "国家级", "provincial": "省级", "city": "市级"}
GRADE_LABELS = {"first": "一等奖", "second": "二等奖", "third": "三等奖"}
UNKNOWN = "未填报"
HEADER = [
    "序号",
    "学校",
    "状态",
    "在职专任教师数（人）",
    *(
        title
        for code in rules.TRAINING_LEVELS
        for title in (f"{TRAINING_LABELS[code]}人数（人）", f"{TRAINING_LABELS[code]}人均学时")
    ),
    "当年取得学历人数（人）",
    "公用经费（元）",
    "教师培训经费（元）",
    "培训经费占公用经费比例（%）",
    *(
        title
        for code in rules.PRIZE_LEVELS
        for title in (
            f"{PRIZE_LABELS[code]}教学技能竞赛获奖人数（人）",
            *(f"{PRIZE_LABELS[code]}{grade}（项）" for grade in GRADE_LABELS.values()),
        )
    ),
]
NOTE = (
    "说明：人均学时为该层级参训教师的学时之和除以参训人数；合计行的经费比例只计已填报公用经费的学校；"
    "已确认的学校按确认时的数据填列，其余学校按当前数据填列。"
)
STATUS_LABELS = {"open": "未确认", "confirmed": "已确认", "reopened": "已退回"}


def _figures(figures: Figures) -> list[object]:
    cells: list[object] = [figures.teachers]
    for code in rules.TRAINING_LEVELS:
        level = figures.levels[code]
        cells += [level.teachers, level.average if level.average is not None else Decimal("0.0")]
    share = figures.share
    cells += [
        figures.degrees,
        figures.public_funds if figures.public_funds is not None else UNKNOWN,
        figures.spending,
        share if share is not None else UNKNOWN,
    ]
    for code in rules.PRIZE_LEVELS:
        prizes = figures.prizes[code]
        cells += [prizes.teachers, prizes.first, prizes.second, prizes.third]
    return cells


def annual_return(rows: list[ReturnRow], year: int, unit: str) -> bytes:
    body: list[list[object]] = [
        [index, row.school.name, STATUS_LABELS[row.status], *_figures(row.figures)]
        for index, row in enumerate(rows, 1)
    ]
    confirmed = sum(1 for row in rows if row.confirmed)
    total = rules.total(row.figures for row in rows)
    body.append(["", "合计", f"已确认{confirmed}所，共{len(rows)}所", *_figures(total)])
    preamble = [
        [TITLE],
        [f"填报单位：{unit}", f"年度：{year}年", f"导出日期：{format_date_zh(timezone.localdate())}"],
        [NOTE],
    ]
    return write_workbook([Sheet(f"{TITLE}{year}", HEADER, body, preamble=preamble)])
