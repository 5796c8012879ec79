"""The workbook of the trainer pool (through peixun.lib.xlsx: never a live formula)."""

from peixun.lib.xlsx import Sheet, write_workbook
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
