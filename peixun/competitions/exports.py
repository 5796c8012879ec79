"""The workbooks of competitions (through peixun.lib.xlsx: never a live formula)."""

from peixun.lib.xlsx import Sheet, write_workbook


def entries(rows) -> bytes:
    header = ["姓名", "学校", "学科", "组别", "已到轮次", "状态"]
    body = [
        [e.person.name, e.school.name, e.subject, e.group.name, str(e.reached), str(e.get_status_display())]
        for e in rows
    ]
    return write_workbook([Sheet("参赛教师", header, body)])


def places(rows) -> bytes:
    header = ["姓名", "学校", "学科", "组别", "方式", "总分", "名次"]
    body = [
        [
            p.entry.person.name,
            p.entry.school.name,
            p.entry.subject,
            p.entry.group.name,
            str(p.get_way_display()),
            "待评分" if p.total is None else f"{p.total:.2f}",
            "" if p.rank is None else str(p.rank),
        ]
        for p in rows
    ]
    return write_workbook([Sheet("本轮选手", header, body)])


def awards(rows) -> bytes:
    header = ["姓名", "学校", "学科", "组别", "奖项", "状态", "证书编号"]
    body = [
        [
            a.entry.person.name,
            a.entry.school.name,
            a.entry.subject,
            a.entry.group.name,
            str(a.get_level_display()),
            str(a.get_status_display()),
            a.number,
        ]
        for a in rows
    ]
    return write_workbook([Sheet("获奖名单", header, body)])
