"""The hours sheet for appointment and promotion (职称评审, RULES A18): one row per teacher of a
school (or of any unit in scope) with the current cycle's hours by category and by level, the
total, the hours required and the verdict in words — and the same sheet for one teacher, from
their file. The figures are the ledger's stored standing (peixun.ledger.selectors), never
recomputed here; a teacher not computed yet stays 尚未计算, not 未达标."""

from collections import Counter
from datetime import date
from decimal import Decimal

from peixun.certificates.archive import SECTION_ZH, TITLE_ZH
from peixun.ledger import selectors as ledger_selectors
from peixun.ledger.models import ComplianceResult
from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import Org, Person, PersonStatus

TITLE = "继续教育学时汇总表（职称评审用）"
CATEGORIES = [("ethics_literacy", "师德与素养"), ("knowledge_skills", "知识与技能"), ("practice", "实践体验")]
LEVELS = [
    ("overseas", "出国（境）"),
    ("national", "国家级"),
    ("provincial", "省级"),
    ("city", "市级"),
    ("county", "区县级"),
    ("school", "校级"),
]
HEADER = [
    "序号",
    "姓名",
    "证件号码",
    "单位",
    "学段",
    "职称",
    *(f"{label}学时" for _code, label in CATEGORIES),
    *(f"{label}学时" for _code, label in LEVELS),
    "合计学时",
    "计入学时",
    "应修学时",
    "达标情况",
]
WIDTHS = [6, 10, 22, 22, 8, 8, *([12] * (len(CATEGORIES) + len(LEVELS))), 10, 10, 10, 10]
NOTE = (
    "学时为本周期已获学时（按类别、按层级分列）；计入学时为按政策上限计入总学时的部分。"
    "达标情况按适用的继续教育学时政策判定；尚未计算的不作判定。"
)


def verdict(result: ComplianceResult | None) -> str:
    if result is None:
        return "尚未计算"
    if result.exempt:
        return "免修"
    return "达标" if result.compliant else "未达标"


def _row(number: int, person: Person, result: ComplianceResult | None) -> list[object]:
    figures: list[Decimal | None]
    if result is None:
        figures = [None] * (len(CATEGORIES) + len(LEVELS) + 3)
    else:
        figures = [getattr(result, f"{code}_hours") for code, _label in (*CATEGORIES, *LEVELS)]
        figures += [result.earned_hours, result.counted_hours, result.required_hours]
    return [
        number,
        person.name,
        person.id_masked,
        person.org.name,
        SECTION_ZH.get(person.section, ""),
        TITLE_ZH.get(person.title, ""),
        *figures,
        verdict(result),
    ]


def _cycle_text(results: list[ComplianceResult]) -> str:
    periods = Counter((result.period_start, result.period_end) for result in results)
    if not periods:
        return "尚未计算"
    (start, end), _count = periods.most_common(1)[0]
    return f"{format_date_zh(start)}至{format_date_zh(end)}"


def _preamble(unit: str, results: list[ComplianceResult], today: date, *extra: list[str]) -> list[list[str]]:
    return [
        [TITLE],
        ["单位", unit],
        *extra,
        ["周期", _cycle_text(results)],
        ["生成日期", format_date_zh(today)],
        ["说明", NOTE],
    ]


def teachers_of(org: Org) -> list[Person]:
    """The unit's teachers on post (retired and departed ones left out), by pinyin."""
    return list(
        Person.objects.filter(org__path__startswith=org.path)
        .exclude(status__in=[PersonStatus.RETIRED, PersonStatus.LEFT])
        .select_related("org")
        .order_by("org__path", "name_pinyin", "pk")
    )


def org_workbook(org: Org, today: date) -> bytes:
    people = teachers_of(org)
    results = ledger_selectors.results_by_person([person.pk for person in people])
    rows = [_row(number, person, results.get(person.pk)) for number, person in enumerate(people, 1)]
    preamble = _preamble(org.name, list(results.values()), today, ["人数", str(len(people))])
    return write_workbook([Sheet("学时汇总", HEADER, rows, column_widths=WIDTHS, preamble=preamble)])


def person_workbook(person: Person, today: date) -> bytes:
    result = ledger_selectors.results_by_person([person.pk]).get(person.pk)
    preamble = _preamble(person.org.name, [result] if result else [], today, ["姓名", person.name])
    sheet = Sheet("学时汇总", HEADER, [_row(1, person, result)], column_widths=WIDTHS, preamble=preamble)
    return write_workbook([sheet])
