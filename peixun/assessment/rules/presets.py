"""The schemes shipped with Peixun (no Django), one YAML file each in presets/: RULES D1–D8 as
written in the seed plans. A project starts from one and may change it.

The files are shown to users in the scheme editor, so their comments are in Chinese and name no
rule numbers. Which rules each implements: attendance-coursework D2; head-teacher D1, D2;
exam-practice D6, D8; remote-all-or-nothing D3, A11; staged-tasks D4, C8."""

from functools import cache
from pathlib import Path

from peixun.assessment.rules.scheme import Scheme, parse_scheme

FOLDER = Path(__file__).resolve().parent / "presets"
DEFAULT = "attendance-coursework"
ORDER = ("attendance-coursework", "head-teacher", "exam-practice", "remote-all-or-nothing", "staged-tasks")


def codes() -> tuple[str, ...]:
    return ORDER


def preset_text(code: str) -> str:
    if code not in ORDER:
        raise KeyError(code)
    return (FOLDER / f"{code}.yaml").read_text(encoding="utf-8")


@cache
def preset(code: str) -> Scheme:
    return parse_scheme(preset_text(code))
