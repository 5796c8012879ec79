"""Workbooks of the ledger: a teacher's transcript (every entry and where they stand) and the
compliance report (a summary per unit first, then the people, each with what is still missing on
every requirement). Written through peixun.lib.xlsx: no cell is ever a live formula, ID numbers
masked."""

from peixun.ledger import selectors
from peixun.ledger.models import Category, ComplianceResult, CreditClass, Level, Mode, Source
from peixun.lib.dates import format_date_zh, format_hours
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
    "总学时还差",
    "学分",
    "是否达标",
    "尚未完成（各项还差）",
)
UNITS_SHEET = "各单位汇总"
UNITS_HEADER = ("单位", "人数", "达标", "未达标", "免修", "无适用政策", "尚未计算", "达标率（%）")
PEOPLE_SHEET = "达标情况"


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


def missing_text(result: ComplianceResult, labels: dict[str, str]) -> str:
    """What is still missing, requirement by requirement: 总学时还差 48.0 学时；师德教育还差 6.0 学时."""
    return "；".join(
        label if hours is None else f"{label}还差 {format_hours(hours)} 学时"
        for label, hours in result.missing(labels)
    )


def _unit_rows(org, units: list[dict]) -> list[tuple]:
    rows = [
        (
            f"{item['org'].name}（本级）" if item["own"] else item["org"].name,
            item["people"],
            item["compliant"],
            item["short"],
            item["exempt"],
            item["ungoverned"],
            item["pending"],
            item["rate"],
        )
        for item in units
    ]
    summary = selectors.totals(units)
    rows.append(
        (
            f"合计：{org.name}",
            summary["people"],
            summary["compliant"],
            summary["short"],
            summary["exempt"],
            summary["ungoverned"],
            summary["pending"],
            summary["rate"],
        )
    )
    return rows


def compliance_workbook(filters: selectors.ReportFilter, labels: dict[str, str], units: list[dict]) -> bytes:
    """The report as a workbook: 各单位汇总 (per child unit: people, compliant, short, exempt, under no
    policy, not computed yet, rate; then the total, the same figures as the page) and 达标情况 (the
    people the filters select)."""
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
            missing_text(result, labels),
        )
        for result in results.iterator(chunk_size=2000)
    )
    return write_workbook(
        [
            Sheet(UNITS_SHEET, UNITS_HEADER, _unit_rows(filters.org, units)),
            Sheet(PEOPLE_SHEET, REPORT_HEADER, list(rows)),
        ]
    )


# --- What-if ---------------------------------------------------------------------------------------

WHAT_IF_SUMMARY_SHEET = "说明"
WHAT_IF_CHANGES_SHEET = "结果变化名单"
WHAT_IF_HEADER = ("姓名", "单位", "变化", "现行政策下总学时还差", "拟议政策下总学时还差", "原因")
WHAT_IF_KINDS = {"newly_compliant": "新增达标", "newly_short": "新增未达标"}


def what_if_workbook(run, changes) -> bytes:
    """A what-if run as a workbook: what the candidate changes and the counts (说明), then everyone
    whose standing changes with why, requirement by requirement (结果变化名单)."""
    result = run.result
    candidate, current = result["candidate"], result.get("current")
    summary: list[tuple[object, object]] = [
        ("范围", run.org.name),
        ("计算日期", format_date_zh(run.as_of)),
        ("完成时间（北京时间）", run.finished_at),
        ("现行政策", f"{current['name']} 第 {current['number']} 版" if current else "无"),
        ("拟议政策", f"{candidate['name']} 第 {candidate['number']} 版"),
        ("人数", result["people"]),
        ("新增达标", result["newly_compliant"]),
        ("新增未达标", result["newly_short"]),
        ("结果不变", result["unchanged"]),
        ("现行无适用政策", result.get("without_policy", 0)),
    ]
    summary += [
        ("另受其他政策约束", f"{o['name']} 第 {o['number']} 版：{o['people']} 人") for o in result["others"]
    ]
    summary += [("变化" if index == 0 else "", line) for index, line in enumerate(result["explanation"])]
    rows = [
        (
            name,
            org,
            WHAT_IF_KINDS.get(kind, kind),
            "无适用政策" if before is None else before,
            after,
            "；".join(why),
        )
        for name, org, kind, before, after, why in changes.values_list(
            "person__name", "person__org__name", "kind", "shortfall_before", "shortfall_after", "reasons"
        ).iterator(chunk_size=2000)
    ]
    return write_workbook(
        [
            Sheet(WHAT_IF_SUMMARY_SHEET, ("项目", "内容"), summary, column_widths=(24, 100)),
            Sheet(WHAT_IF_CHANGES_SHEET, WHAT_IF_HEADER, rows, column_widths=(12, 24, 12, 20, 20, 100)),
        ]
    )
