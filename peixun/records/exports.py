"""The workbooks of the records' lists (through peixun.lib.xlsx: never a live formula)."""

from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook


def due(rows) -> bytes:
    header = [
        "姓名",
        "单位",
        "证书编号",
        "资格种类",
        "任教学科",
        "发证机关",
        "发证日期",
        "上次注册",
        "注册到期",
    ]
    body = [
        [
            row.person.name,
            row.person.org.name,
            row.number,
            str(row.get_kind_display()),
            row.subject,
            row.issuer,
            format_date_zh(row.issued_on),
            format_date_zh(row.registered_on) if row.registered_on else "未注册",
            format_date_zh(row.due_on),
        ]
        for row in rows
    ]
    return write_workbook([Sheet("定期注册", header, body)])


def head_teachers(rows) -> bytes:
    header = ["姓名", "单位", "上岗证书"]
    body = [[row.person.name, row.person.org.name, "有" if row.certified else "尚无"] for row in rows]
    return write_workbook([Sheet("班主任上岗证书", header, body)])


def _percent(share) -> str:
    return "—" if share.percent is None else f"{share.percent}%"


def degrees(report) -> bytes:
    header = [
        "单位",
        "农村小学教师",
        "其中专科及以上",
        "占比",
        "未登记学历",
        "初中教师",
        "其中本科及以上",
        "占比",
        "未登记学历",
    ]

    def line(name, row) -> list[str]:
        return [
            name,
            str(row.rural_primary.total),
            str(row.rural_primary.qualified),
            _percent(row.rural_primary),
            str(row.rural_primary.unknown),
            str(row.junior.total),
            str(row.junior.qualified),
            _percent(row.junior),
            str(row.junior.unknown),
        ]

    body = [line(row.org.name, row) for row in report.rows]
    body.append(line(f"{report.org.name}（合计）", report.total))
    trend = [[str(year), _percent(rural), _percent(junior)] for year, rural, junior in report.trend]
    policy = report.policy
    targets = [
        ["农村小学教师专科及以上", f"{policy.rural_primary_target}%", f"{policy.target_year}年"],
        ["初中教师本科及以上", f"{policy.junior_target}%", f"{policy.target_year}年"],
    ]
    return write_workbook(
        [
            Sheet("学历达标", header, body),
            Sheet("逐年趋势", ["年份", "农村小学专科及以上占比", "初中本科及以上占比"], trend),
            Sheet("目标", ["指标", "目标", "达标年份"], targets),
        ]
    )
