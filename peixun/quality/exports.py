"""The workbooks of quality: the trainer pool and the comparisons (through peixun.lib.xlsx: never a
live formula)."""

from peixun.lib.xlsx import Sheet, write_workbook
from peixun.quality.rules.comparisons import BAND_LABELS
from peixun.quality.selectors import Rating


def _rating(rating: Rating | None) -> str:
    return f"{rating.percent}%（{rating.responses}人）" if rating else "暂无评价"


def trainers(rows, years: list[int], ratings: dict[int, dict[int, Rating]]) -> bytes:
    header = [
        "姓名",
        "类型",
        "单位",
        "联系方式",
        "学科",
        "学段",
        "称号",
        "状态",
        *[f"{y}年满意度" for y in years],
    ]
    body = [
        [
            t.name,
            "内部" if t.person_id else "外聘",
            t.unit,
            t.contact,
            t.subjects,
            t.sections,
            str(t.get_title_display()),
            str(t.get_state_display()),
            *[_rating(ratings[y].get(t.person_id)) if t.person_id else "暂无评价" for y in years],
        ]
        for t in rows
    ]
    return write_workbook([Sheet("培训者库", header, body)])


# --- Comparisons (rates as numbers of percent, an empty cell where unknown) ------------------------


def _rate(value) -> object:
    return None if value is None else float(value)


def _tally_cells(tally) -> list[object]:
    return [
        tally.trainees,
        tally.graded,
        tally.ungraded,
        _rate(tally.mean),
        _rate(tally.pass_rate),
        _rate(tally.excellent_rate),
    ]


TALLY_HEADER = ["参训人数", "已评分", "待评分", "平均分", "合格率（%）", "优秀率（%）"]


def compared_projects(rows, year: int) -> bytes:
    header = ["项目", "组织单位", "层级", "范围", *TALLY_HEADER]
    body = [
        [
            row.project.title,
            row.project.organiser.name,
            str(row.project.get_level_display()),
            "全部学员" if row.whole else "本单位学员",
            *_tally_cells(row.tally),
        ]
        for row in rows
    ]
    return write_workbook([Sheet(f"{year}年项目成绩比较", header, body)])


def project_comparison(project, comparison) -> bytes:
    bands = [f"{label}分" for label in BAND_LABELS]
    header = ["单位", *TALLY_HEADER, *bands]

    def line(name: str, tally) -> list[object]:
        return [name, *_tally_cells(tally), *tally.bands]

    units = [line(row.org.name, row.tally) for row in comparison.rows]
    if comparison.node is not None:
        units.append(line(f"合计（{comparison.node.name}）", comparison.total))
    preamble = [[f"{project.title}：考试成绩比较"], ["待评分的学员计入人数，不计入平均分、合格率和优秀率。"]]
    return write_workbook(
        [
            Sheet("按单位", header, units, preamble=preamble),
            Sheet("按学校", header, [line(row.org.name, row.tally) for row in comparison.schools]),
        ]
    )


def school_pass_rates(rows, year: int) -> bytes:
    header = ["学校", "参训人次", "已评分", "合格", "不合格", "待评分", "合格率（%）"]
    body = [
        [
            row.school.name,
            row.tally.trainees,
            row.tally.graded,
            row.tally.passed,
            row.tally.failed,
            row.tally.ungraded,
            _rate(row.tally.pass_rate),
        ]
        for row in rows
    ]
    return write_workbook([Sheet(f"{year}年学校合格率", header, body)])


def plan_comparison(found, year: int) -> bytes:
    header = [
        "层级",
        "计划项目",
        "实施项目",
        "计划人次",
        "报名人次",
        "结业人次",
        "报名占计划（%）",
        "结业占计划（%）",
    ]

    def line(label: str, row) -> list[object]:
        return [
            label,
            row.planned_projects,
            row.run_projects,
            row.planned_trainees,
            row.enrolled,
            row.completed,
            _rate(row.enrolled_share),
            _rate(row.completed_share),
        ]

    body = [line(row.label, row) for row in found.rows] + [line("合计", found.total)]
    preamble = (
        [["本年度没有培训计划：计划项目和计划人次按已批准项目的数量和计划容量计算。"]]
        if found.by_capacity
        else []
    )
    return write_workbook([Sheet(f"{year}年计划执行情况", header, body, preamble=preamble)])
