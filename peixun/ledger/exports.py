"""Workbooks of the ledger: a teacher's transcript (every entry and where they stand) and the
compliance report's people. Written through peixun.lib.xlsx: no cell is ever a live formula, ID
numbers masked."""

from peixun.ledger import selectors
from peixun.ledger.models import Category, CreditClass, Level, Mode, Source
from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.policies.rules.codes import KNOWN_TAGS

EXPORT_CAP = 100_000

ENTRY_HEADER = (
    "日期",
    "培训名称",
    "主办单位",
    "学时",
    "类别",
    "标签",
    "层级",
    "形式",
    "学分类别",
    "来源",
    "备注",
)
STANDING_HEADER = ("要求", "应达到", "已获得", "计入总学时", "还差", "是否完成", "说明")
REPORT_HEADER = (
    "姓名",
    "证件号码",
    "单位",
    "应修学时",
    "已获学时",
    "计入学时",
    "还差学时",
    "学分",
    "是否达标",
    "未完成的要求",
)


def _label(choices, code: str) -> str:
    return str(dict(choices.choices).get(code, code))


def transcript(standing: selectors.Standing) -> bytes:
    person = standing.person
    rows = []
    for entry in standing.entries:
        note = ""
        if entry.is_reversal:
            note = f"冲正：{entry.reason}"
        elif entry.reason:
            note = entry.reason
        rows.append(
            (
                entry.earned_on,
                entry.title,
                entry.organiser,
                entry.hours,
                _label(Category, entry.category),
                "、".join(KNOWN_TAGS.get(tag, tag) for tag in entry.tags),
                _label(Level, entry.level),
                _label(Mode, entry.mode),
                _label(CreditClass, entry.credit_class),
                _label(Source, entry.source),
                note,
            )
        )
    sheets = [Sheet("学时记录", ENTRY_HEADER, rows)]
    result = standing.result
    if result is not None and standing.version is not None:
        lines: list[tuple[object, ...]] = [
            (
                line.label,
                line.required,
                line.earned,
                line.counted,
                line.shortfall,
                "是" if line.ok else "否",
                line.message,
            )
            for line in result.lines
        ]
        title = (
            f"{person.name} {standing.version.policy.name} "
            f"{format_date_zh(result.period.start)}至{format_date_zh(result.period.end)}"
        )
        lines.append((title, None, None, None, None, None, f"学分 {result.credits}"))
        sheets.append(Sheet("达标情况", STANDING_HEADER, lines))
    return write_workbook(sheets)


def compliance_workbook(filters: selectors.ReportFilter, labels: dict[str, str]) -> bytes:
    results = selectors.people_results(filters)[:EXPORT_CAP]
    rows = (
        (
            result.person.name,
            result.person.id_masked,
            result.person.org.name,
            result.required_hours,
            result.earned_hours,
            result.counted_hours,
            result.shortfall_hours,
            result.credits,
            "是" if result.compliant else "否",
            "、".join(labels.get(rule, rule) for rule in result.short_rules),
        )
        for result in results.iterator(chunk_size=2000)
    )
    return write_workbook([Sheet("达标情况", REPORT_HEADER, list(rows))])
