"""`manage.py evaluate_policy POLICY DATAFILE --as-of YYYY-MM-DD [--format json|xlsx] [--out FILE]`:
what-if from the shell. POLICY is a preset name (five-year-360 …) or a YAML/JSON file; DATAFILE is
JSON or an .xlsx in the import templates' columns (peixun.ledger.datafile). Nothing is read
from or written to the database. Exit 0 with the results; non-zero with a message naming the
place when the policy or the data file is wrong."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from peixun.ledger.datafile import DataFileInvalid, read_json, read_xlsx
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.policies.rules import Evaluator, PolicyInvalid, parse_policy, preset_codes
from peixun.policies.rules.presets import preset

MAX_DATAFILE_BYTES = 50 * 1024 * 1024


def _problems(kind: str, problems: list[tuple[str, str]]) -> str:
    lines = [f"{kind}有误："] + [
        f"  {place or '（整个文件）'}：{message}" for place, message in problems[:50]
    ]
    if len(problems) > 50:
        lines.append(f"  …… 另有 {len(problems) - 50} 处")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Evaluate a credit policy (a preset or a file) against people and hours in a data file."

    def add_arguments(self, parser):
        parser.add_argument("policy", help=f"A preset ({', '.join(preset_codes())}) or a YAML/JSON file.")
        parser.add_argument("datafile", help="JSON, or .xlsx in the import templates' columns.")
        parser.add_argument("--as-of", required=True, help="The day to evaluate (YYYY-MM-DD).")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out", help="Write to this file instead of the standard output.")

    def handle(self, *args, policy: str, datafile: str, as_of: str, format: str, out: str | None, **options):
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of：“{as_of}”不是 YYYY-MM-DD 格式的日期") from None
        rules = self._policy(policy)
        people = self._data(datafile)
        evaluator = Evaluator(rules)
        results = []
        for person_id, name, facts, hours in people:
            result = evaluator.evaluate(facts, hours, day).as_dict()
            results.append({"person": person_id, **({"name": name} if name != person_id else {}), **result})
        if format == "json":
            text = json.dumps(
                {"policy": rules.code, "as_of": day.isoformat(), "results": results},
                ensure_ascii=False,
                indent=2,
            )
            if out:
                Path(out).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not out:
            raise CommandError("--format xlsx 需要 --out 文件名")
        Path(out).write_bytes(self._workbook(results))

    def _policy(self, policy: str):
        if policy in preset_codes():
            return preset(policy)
        path = Path(policy)
        if not path.is_file():
            raise CommandError(f"“{policy}”既不是预设名称（{'、'.join(preset_codes())}），也不是文件")
        try:
            return parse_policy(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise CommandError(f"{policy}：不是 UTF-8 文本") from None
        except PolicyInvalid as invalid:
            raise CommandError(_problems(f"政策文件 {policy} ", invalid.problems)) from None

    def _data(self, datafile: str):
        path = Path(datafile)
        if not path.is_file():
            raise CommandError(f"找不到数据文件 {datafile}")
        if path.stat().st_size > MAX_DATAFILE_BYTES:
            raise CommandError(f"{datafile}：文件太大")
        raw = path.read_bytes()
        try:
            if raw.startswith(b"PK"):
                return read_xlsx(raw)
            return read_json(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise CommandError(f"{datafile}：既不是 .xlsx 也不是 UTF-8 JSON") from None
        except DataFileInvalid as invalid:
            raise CommandError(_problems(f"数据文件 {datafile} ", invalid.problems)) from None

    def _workbook(self, results: list[dict]) -> bytes:
        summary = Sheet(
            "结果",
            ("人员", "姓名", "是否达标", "应修学时", "计入学时", "还差学时", "学分", "未完成的要求"),
            [
                (
                    item["person"],
                    item.get("name", ""),
                    "是" if item["compliant"] else "否",
                    item["required_hours"],
                    item["counted_hours"],
                    item["shortfall_hours"],
                    item["credits"],
                    "；".join(line["message"] for line in item["rules"] if not line["ok"]),
                )
                for item in results
            ],
        )
        lines = Sheet(
            "明细",
            ("人员", "要求", "应达到", "已获得", "计入", "还差", "是否完成", "说明"),
            [
                (
                    item["person"],
                    line["label"],
                    line["required"],
                    line["earned"],
                    line["counted"],
                    line["shortfall"],
                    "是" if line["ok"] else "否",
                    line["message"],
                )
                for item in results
                for line in item["rules"]
            ],
        )
        return write_workbook([summary, lines])
