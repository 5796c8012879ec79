"""The survey workbooks (through peixun.lib.xlsx: never a live formula): the results per item with
the open answers, and the list of surveys with their rates."""

from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook


def _percent(rate) -> str:
    return f"{rate.percent}%" if rate.percent is not None else "待作答"


def results(survey, rows, classes) -> bytes:
    items = []
    texts = []
    for row in rows:
        item = row["item"]
        for label, count, share in row.get("bars", []):
            items.append([item["text"], str(label), count, f"{share}%"])
        for text in row.get("texts", []):
            texts.append([item["text"], text])
    rates = [
        [
            c["name"] or "未分班",
            c["expected"],
            c["answered"],
            f"{c['percent']}%" if c["percent"] is not None else "—",
        ]
        for c in classes
    ]
    return write_workbook(
        [
            Sheet("各题结果", ["题目", "选项", "人数", "占比"], items),
            Sheet("开放回答", ["题目", "回答"], texts),
            Sheet("各班作答率", ["班级", "应答人数", "已答人数", "作答率"], rates),
        ]
    )


def surveys(rows) -> bytes:
    body = [
        [
            row["survey"].title,
            row["survey"].project.title,
            str(row["survey"].get_subject_display()),
            row["survey"].trainer_name,
            format_date_zh(row["survey"].opens_on),
            format_date_zh(row["survey"].closes_on),
            row["answered"],
            _percent(row["rate"]),
        ]
        for row in rows
    ]
    return write_workbook(
        [
            Sheet(
                "满意度调查",
                ["调查", "项目", "对象", "培训者", "开始日期", "截止日期", "已答人数", "满意率"],
                body,
            )
        ]
    )
